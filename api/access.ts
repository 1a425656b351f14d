/**
 * What each role may see and finish, in one place (issue 9.5): the PHI of a patient each
 * job needs (HIPAA's minimum necessary, 45 CFR 164.502(b)), who sees claim money, and who
 * may close a task. Route-level roles stay on each route (`requireRole`); these are the
 * rules inside a route's answer.
 */
import type { Role } from '../config';

/** Parts of a patient's record, each shown whole or not at all. */
export const patientParts = ['name', 'birthDate', 'sex', 'address', 'phone', 'coverages', 'memberIds'] as const;
export type PatientPart = (typeof patientParts)[number];

/**
 * The patient record each role reads (`GET /patients/:id`):
 * - intake enters all of it; billers put all of it on claims (2010BA/2010CA, SBR, REF);
 * - reviewers match documents and prior-auth decisions to the patient by name and birth
 *   date, and need the payer (its policy), not the member id;
 * - delivery staff find the patient (name, address) and call ahead (phone).
 * `address` includes the address's DME MAC jurisdiction; `memberIds` are the coverages'
 * member and group numbers, shown only with `coverages`.
 */
export const patientPartsByRole: Record<Role, readonly PatientPart[]> = {
  intake: patientParts,
  biller: patientParts,
  admin: patientParts,
  reviewer: ['name', 'birthDate', 'coverages'],
  delivery: ['name', 'address', 'phone'],
};

/** Claim charges, allowed and paid amounts (in `/orders/:id` as in `/claims`): billers' work. */
export const seesClaimMoney = (role: Role) => role === 'biller' || role === 'admin';

/**
 * Why the actor may not close a task, or null when they may: a task is for its role
 * (a biller's credit balance is not intake's to close); admin may close any.
 */
export function taskCloseRefusal(actor: { user: string; role: Role }, task: { id: string; role: Role }): string | null {
  if (actor.role === 'admin' || actor.role === task.role) return null;
  return `Task ${task.id} is a ${task.role} task: only a ${task.role} or an admin may mark it done; user ${actor.user} has the role ${actor.role}`;
}
