/**
 * The patient's share (DOMAIN.md §15): what remains after a claim's last payer, whether
 * any of it may be billed, and the statement cycle that bills it. Plain JSON in and out,
 * like domain/rental.ts: the activities read the ledger and the 835's adjustments, the
 * workflow keeps the cycle, and these functions decide.
 *
 * Sources:
 * - Dual-eligible patients: Social Security Act §1902(n)(3)(B) (42 U.S.C. 1396a(n)(3)(B)),
 *   as modified by §4714 of the Balanced Budget Act of 1997, bars every Medicare provider
 *   and supplier from billing a Qualified Medicare Beneficiary (QMB) for Medicare
 *   deductible, coinsurance or copay, whether or not Medicaid pays it and whether or not
 *   the supplier takes Medicaid; the QMB may not waive it (CMS MLN Matters SE1128, revised
 *   May 12, 2017). A supplier that takes Medicaid accepts Medicaid's payment as payment in
 *   full for its other dual-eligible patients too (42 CFR 447.15). Our coverages do not
 *   say whether a Medicaid patient is a QMB, so every Medicare patient with Medicaid is
 *   treated as one: the safe side of the prohibition.
 * - CARC 1, 2, 3 (group PR): deductible, coinsurance, copay — Medicare's cost-sharing. Other
 *   PR reasons (96 non-covered with an ABN, 204 not covered by the plan, …) are the
 *   patient's own liability and stay billable.
 */
import { addDays, isBefore } from './calendar';
import { followUpPolicy } from './follow-up';
import { money } from './x12/values';

/** PR reasons that are Medicare cost-sharing: 1 deductible, 2 coinsurance, 3 copay. */
const costSharingReasons: readonly string[] = ['1', '2', '3'];

/** What the claim's payers, the ledger and the last 835 say about the patient's share. */
export interface PatientShareFacts {
  /** The patient's balance on the claim now: Σ its patient ledger entries (cents). */
  balance: number;
  /** The PR adjustments (CAS group PR, reason and cents) of the last payer's standing adjudication. */
  patientResponsibility: ReadonlyArray<{ reason: string; amount: number }>;
  /** Medicare is one of the claim's payers and Medicaid covers the patient as well. */
  dualEligible: boolean;
  /** Medicare cost-sharing already written off on the claim under the dual-eligible rule (cents). */
  costSharingWrittenOff: number;
  /** What the patient has paid on the claim, net of refunds (cents). */
  paidByPatient: number;
  /** A billable balance below this many cents is written off; 0 never writes one off. */
  smallBalanceThreshold: number;
}

export type PatientShareWriteOffKind = 'dual-eligible' | 'small-balance';

export interface PatientShareWriteOff {
  kind: PatientShareWriteOffKind;
  amount: number;
  /** Recorded on the ledger entry (ids, codes and amounts only). */
  reason: string;
}

export interface PatientShareDecision {
  writeOffs: PatientShareWriteOff[];
  /** What the patient is billed for on the claim (cents); 0 when nothing. */
  billable: number;
}

const codesOf = (reasons: readonly string[]) => [...new Set(reasons)].sort().map((reason) => `PR-${reason}`);

/** The ledger reason of a dual-eligible write-off. */
function dualEligibleReason(reasons: readonly string[]): string {
  return `dual eligible: Medicare cost-sharing (${codesOf(reasons).join(', ')}) may not be billed (SSA §1902(n)(3)(B), QMB; 42 CFR 447.15)`;
}

/** The ledger reason of a small balance written off. */
export function smallBalanceReason(amount: number, threshold: number): string {
  return `small balance: ${money(amount)} is under the ${money(threshold)} write-off threshold`;
}

/**
 * What of a claim's patient balance is billed, and what is written off with its reason:
 *
 * - a dual-eligible patient never owes Medicare's cost-sharing: what of PR-1/2/3 is still
 *   open (not written off before) is written off. A payment the patient made counts toward
 *   the billable part first, so cost-sharing the patient paid anyway comes back to them as a
 *   credit balance to refund; a later payer's payment that lowered the balance lowers the
 *   write-off with it;
 * - what the patient still owes below the small-balance threshold is written off;
 * - the rest is billed.
 */
export function patientShareDecision(facts: PatientShareFacts): PatientShareDecision {
  const writeOffs: PatientShareWriteOff[] = [];
  let balance = facts.balance;
  if (facts.dualEligible) {
    const costSharing = facts.patientResponsibility.filter((adjustment) => costSharingReasons.includes(adjustment.reason));
    const open = Math.max(0, costSharing.reduce((total, adjustment) => total + adjustment.amount, 0) - facts.costSharingWrittenOff);
    const amount = Math.min(open, Math.max(0, balance + facts.paidByPatient));
    if (amount > 0) {
      writeOffs.push({ kind: 'dual-eligible', amount, reason: dualEligibleReason(costSharing.map((adjustment) => adjustment.reason)) });
      balance -= amount;
    }
  }
  if (balance > 0 && balance < facts.smallBalanceThreshold) {
    writeOffs.push({ kind: 'small-balance', amount: balance, reason: smallBalanceReason(balance, facts.smallBalanceThreshold) });
    balance = 0;
  }
  return { writeOffs, billable: Math.max(0, balance) };
}

// ---------------------------------------------------------------------------
// The statement cycle of one patient's account.
// ---------------------------------------------------------------------------

/** What happens to a balance still open after its final notice (PATIENT_STATEMENT_FINAL_ACTION). */
export const statementFinalActions = ['collections', 'write-off'] as const;
export type StatementFinalAction = (typeof statementFinalActions)[number];

/** A claim's patient balance in the cycle: how many statements showed it, and the last one's date. */
export interface CycleBalance {
  claimId: string;
  statements: number;
  lastStatementOn: string | null;
}

/** The cycle's state, carried by the workflow (and across continue-as-new): plain JSON. */
export interface StatementCycle {
  /** Statements the account has had; numbers them (the first is 1). */
  statementsSent: number;
  lastStatementOn: string | null;
  /** The balances billed to the patient and not yet paid, written off or handed on, in the order they joined. */
  balances: CycleBalance[];
}

export interface StatementSettings {
  smallBalanceThreshold: number;
  finalAction: StatementFinalAction;
}

type StatementPolicy = (typeof followUpPolicy)['patientStatements'];

/** What the account does next. */
export type StatementStep =
  /** Nothing is owed: the cycle ends. */
  | { kind: 'settled' }
  /** What is left is under the small-balance threshold: written off. */
  | { kind: 'small-balance'; claimIds: string[]; amount: number }
  /** Balances whose final notice fell due unpaid: collections or write-off. */
  | { kind: 'final-action'; action: StatementFinalAction; claimIds: string[]; amount: number; finalNoticeDueOn: string }
  /** A statement of every open balance; `notice` is its place in the series (the last is the final notice). */
  | { kind: 'statement'; claimIds: string[]; amountDue: number; notice: number; finalNotice: boolean; dueOn: string }
  | { kind: 'wait'; until: string };

export const emptyCycle = (): StatementCycle => ({ statementsSent: 0, lastStatementOn: null, balances: [] });

/** A claim's balance joins the cycle (once: a second billing of the same claim changes nothing). */
export function joinCycle(cycle: StatementCycle, claimId: string): StatementCycle {
  if (cycle.balances.some((balance) => balance.claimId === claimId)) return cycle;
  return { ...cycle, balances: [...cycle.balances, { claimId, statements: 0, lastStatementOn: null }] };
}

/** The cycle without the given balances (paid, written off or handed to collections). */
export function leaveCycle(cycle: StatementCycle, claimIds: readonly string[]): StatementCycle {
  return { ...cycle, balances: cycle.balances.filter((balance) => !claimIds.includes(balance.claimId)) };
}

const finalNoticeDueOn = (balance: CycleBalance, policy: StatementPolicy) => addDays(balance.lastStatementOn!, policy.dueWithin.days);
const earliest = (dates: readonly string[]) => [...dates].sort()[0];

/**
 * The cycle without the balances the ledger says are paid off (or credited): nothing left
 * to bill on them. A balance `owed` does not name (it joined while the ledger was read)
 * stays.
 */
export function withoutPaidBalances(cycle: StatementCycle, owed: Readonly<Record<string, number>>): StatementCycle {
  return leaveCycle(
    cycle,
    cycle.balances.filter((balance) => balance.claimId in owed && owed[balance.claimId] <= 0).map((balance) => balance.claimId),
  );
}

/**
 * The account's next step on `today`, from the cycle and what the ledger says the patient
 * still owes on each of its claims (`owed`, cents by claim id): settled when nothing is
 * owed; a small balance written off; balances whose final notice fell due handed to the
 * final action; a statement when one is due (at once for a new account, then every 30
 * days while any balance has notices to come); else the day to look again.
 */
export function nextStatementStep(
  cycle: StatementCycle,
  owed: Readonly<Record<string, number>>,
  today: string,
  settings: StatementSettings,
  policy: StatementPolicy = followUpPolicy.patientStatements,
): StatementStep {
  const open = cycle.balances.filter((balance) => (owed[balance.claimId] ?? 0) > 0);
  const sum = (balances: readonly CycleBalance[]) => balances.reduce((total, balance) => total + owed[balance.claimId], 0);
  const ids = (balances: readonly CycleBalance[]) => balances.map((balance) => balance.claimId);
  if (open.length === 0) return { kind: 'settled' };
  const total = sum(open);
  if (total < settings.smallBalanceThreshold) return { kind: 'small-balance', claimIds: ids(open), amount: total };

  const seriesDone = open.filter((balance) => balance.statements >= policy.statementsPerBalance);
  const due = seriesDone.filter((balance) => !isBefore(today, finalNoticeDueOn(balance, policy)));
  if (due.length > 0) {
    return {
      kind: 'final-action',
      action: settings.finalAction,
      claimIds: ids(due),
      amount: sum(due),
      finalNoticeDueOn: earliest(due.map((balance) => finalNoticeDueOn(balance, policy))),
    };
  }

  const wakeUps = seriesDone.map((balance) => finalNoticeDueOn(balance, policy));
  if (open.some((balance) => balance.statements < policy.statementsPerBalance)) {
    const statementOn = cycle.lastStatementOn === null ? today : addDays(cycle.lastStatementOn, policy.every.days);
    if (!isBefore(today, statementOn)) {
      const notice = Math.min(policy.statementsPerBalance, Math.max(...open.map((balance) => balance.statements)) + 1);
      return {
        kind: 'statement',
        claimIds: ids(open),
        amountDue: total,
        notice,
        finalNotice: notice === policy.statementsPerBalance,
        dueOn: addDays(today, policy.dueWithin.days),
      };
    }
    wakeUps.push(statementOn);
  }
  return { kind: 'wait', until: earliest(wakeUps) };
}

/** The cycle after a statement went out on `today` listing `claimIds`. */
export function afterStatement(cycle: StatementCycle, claimIds: readonly string[], today: string): StatementCycle {
  return {
    statementsSent: cycle.statementsSent + 1,
    lastStatementOn: today,
    balances: cycle.balances.map((balance) =>
      claimIds.includes(balance.claimId) ? { ...balance, statements: balance.statements + 1, lastStatementOn: today } : balance,
    ),
  };
}

/** The ledger reason of a balance written off after its final notice went unpaid. */
export function unpaidAfterFinalNoticeReason(finalNoticeDueOn: string, statements: number): string {
  return `bad debt: unpaid after ${statements} statements, the final notice due ${finalNoticeDueOn}`;
}
