/**
 * The idempotency keys of staff tasks, one place for every workflow: an activity retried
 * (or a workflow task replayed) names the same row, so a task is never opened twice.
 * Running workflows wrote rows under these exact keys; changing a format reopens tasks.
 */

/** The order's tasks are numbered in the order it opened them. */
export const orderTaskKey = (orderId: string, sequence: number, kind: string) => `order-${orderId}:${sequence}:${kind}`;

/** A claim's tasks are keyed by kind and a key of the step that opened them (an inquiry count, an appeal round). */
export const claimTaskKey = (claimId: string, kind: string, key: string | number) => `claim-${claimId}:${kind}:${key}`;

/** A credit balance opens one task per step of its deadline. */
export const creditBalanceTaskKey = (creditBalanceId: string, step: string) => `credit-balance-${creditBalanceId}:${step}`;

/** A patient's statement account opens one task per final step, named by its first balance and the final notice's due date. */
export const patientAccountTaskKey = (patientId: string, step: string) => `patient-statements-${patientId}:${step}`;

/** A resupply plan opens its tasks per refill cycle and step (a call attempt, a pause). */
export const resupplyTaskKey = (planId: string, cycle: number, step: string) => `resupply-${planId}:${cycle}:${step}`;
