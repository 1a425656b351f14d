/**
 * Every follow-up duration of the order-to-cash cycle, in one table (DESIGN.md:
 * "Durations and follow-up cadences live in one policy table, not as literals
 * inside loops"). Statutory deadlines cite their rule; the internal cadences are
 * the supplier's working practice and may be tuned here without touching workflows.
 *
 * A duration is `{ days: n }`. Temporal's `sleep()` and `condition()` take
 * milliseconds, so workflows pass `toMilliseconds(duration)`.
 */

export interface FollowUpDuration {
  days: number;
}

/** A deadline counted from the day the clock starts, with the reminders that lead up to it. */
export interface DeadlineRule {
  deadline: FollowUpDuration;
  /** Remind staff this long before the deadline, longest first. */
  remindBefore: readonly FollowUpDuration[];
  /** Escalate to a supervisor this long before the deadline. */
  escalateBefore: FollowUpDuration;
}

const millisecondsPerDay = 86_400_000;

export function toMilliseconds(duration: FollowUpDuration): number {
  return duration.days * millisecondsPerDay;
}

export const followUpPolicy = {
  documents: {
    /** Nudge the prescriber's office while a required document is missing. */
    reminderEvery: { days: 3 },
    escalateAfter: { days: 14 },
    /** An order whose documentation never arrives is cancelled rather than left open forever. */
    cancelAfter: { days: 60 },
  },
  eligibility: {
    /** Coverage inactive or not covering DME: ask staff to fix the coverage this often. */
    followUpEvery: { days: 2 },
    escalateAfter: { days: 7 },
    cancelAfter: { days: 30 },
  },
  priorAuth: {
    /** No decision yet: ask the contractor for it this often. */
    followUpEvery: { days: 2 },
    escalateAfter: { days: 14 },
  },
  delivery: {
    reminderEvery: { days: 3 },
    escalateAfter: { days: 14 },
  },
  claim: {
    /** 999 and 277CA normally arrive within a day; silence after this means the file was lost. */
    acknowledgementWait: { days: 2 },
    /**
     * Medicare pays clean electronic claims no sooner than 14 and usually within 30
     * days: ask for status (276) after the first wait, then on the cadence.
     */
    statusInquiry: { firstAfter: { days: 30 }, thenEvery: { days: 14 } },
  },
  appeals: {
    /** Redetermination (level 1): 120 days from the initial determination (DOMAIN.md §12). */
    redetermination: {
      deadline: { days: 120 },
      remindBefore: [{ days: 60 }, { days: 30 }, { days: 14 }],
      escalateBefore: { days: 7 },
    },
    /** Reconsideration (level 2): 180 days from the redetermination decision. */
    reconsideration: {
      deadline: { days: 180 },
      remindBefore: [{ days: 60 }, { days: 30 }, { days: 14 }],
      escalateBefore: { days: 7 },
    },
    /** Reopening of a clerical error: 1 year from the remittance (365 days is never later than a year). */
    reopening: {
      deadline: { days: 365 },
      remindBefore: [{ days: 90 }, { days: 30 }],
      escalateBefore: { days: 14 },
    },
  },
  /**
   * Medicare overpayments are reported and returned within 60 days of identification
   * (DOMAIN.md §13). This is the default of `PayerPolicy.creditBalanceDeadlineDays`;
   * a payer's contract may set another deadline.
   */
  creditBalance: {
    deadline: { days: 60 },
    remindBefore: [{ days: 30 }, { days: 14 }],
    escalateBefore: { days: 7 },
  },
  /**
   * The patient's share after the last payer (DOMAIN.md §15): a statement every 30 days
   * while the patient owes, each balance on four of them (days 0, 30, 60 and the final
   * notice on day 90), each asking for payment within 30 days. A balance still open when
   * its final notice falls due (day 120) goes to the final action: collections or
   * write-off (PATIENT_STATEMENT_FINAL_ACTION). The supplier's working practice, not a rule.
   */
  patientStatements: {
    every: { days: 30 },
    statementsPerBalance: 4,
    dueWithin: { days: 30 },
  },
} as const satisfies {
  documents: Record<'reminderEvery' | 'escalateAfter' | 'cancelAfter', FollowUpDuration>;
  eligibility: Record<'followUpEvery' | 'escalateAfter' | 'cancelAfter', FollowUpDuration>;
  priorAuth: Record<'followUpEvery' | 'escalateAfter', FollowUpDuration>;
  delivery: Record<'reminderEvery' | 'escalateAfter', FollowUpDuration>;
  claim: {
    acknowledgementWait: FollowUpDuration;
    statusInquiry: { firstAfter: FollowUpDuration; thenEvery: FollowUpDuration };
  };
  appeals: Record<'redetermination' | 'reconsideration' | 'reopening', DeadlineRule>;
  creditBalance: DeadlineRule;
  patientStatements: { every: FollowUpDuration; statementsPerBalance: number; dueWithin: FollowUpDuration };
};

export interface DeadlineStep {
  /** Time from the start of the clock (e.g. the initial determination date). */
  after: FollowUpDuration;
  action: 'remind' | 'escalate' | 'deadline';
}

/**
 * The timers a workflow sets for a deadline, in the order they fire, each measured
 * from the start of the clock. An offset longer than the deadline itself fires at
 * once (a reminder that is already due). `deadlineDays` overrides the rule's deadline
 * (e.g. a payer's own credit-balance deadline).
 */
export function deadlineSteps(rule: DeadlineRule, deadlineDays: number = rule.deadline.days): DeadlineStep[] {
  const before = (offset: FollowUpDuration) => ({ days: Math.max(0, deadlineDays - offset.days) });
  const steps: DeadlineStep[] = [
    ...rule.remindBefore.map((offset) => ({ after: before(offset), action: 'remind' as const })),
    { after: before(rule.escalateBefore), action: 'escalate' },
    { after: { days: deadlineDays }, action: 'deadline' },
  ];
  const order = { remind: 0, escalate: 1, deadline: 2 };
  return steps.sort((a, b) => a.after.days - b.after.days || order[a.action] - order[b.action]);
}

/**
 * The order's tasks that lose their reason when something happens: the system closes
 * them with a note, so the work queue never asks staff to chase what is already done
 * (a delivery reminder after the delivery, a prior-auth request once it is decided).
 */
export const staleTasks = {
  documentsApproved: ['document-reminder', 'document-escalation', 'document-rejected'],
  coverageVerified: ['coverage-problem', 'coverage-reminder', 'coverage-escalation'],
  priorAuthDecided: ['prior-auth-request', 'prior-auth-follow-up', 'prior-auth-escalation'],
  priorAuthAffirmed: ['prior-auth-non-affirmed'],
  delivered: ['delivery-reminder', 'delivery-escalation'],
  purchaseOptionOffered: ['purchase-option-offer'],
} as const satisfies Record<string, readonly string[]>;

/** Every task kind the system may close (the others stay until staff mark them done). */
export const closableTaskKinds: readonly string[] = Object.values(staleTasks).flat();
