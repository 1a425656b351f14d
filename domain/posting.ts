/**
 * Posting arithmetic (DOMAIN.md §11, §13, §14): how one CLP of an 835 moves a claim's
 * payer and patient balances, what the fee schedule says the payer should have paid,
 * and when a claim holds a credit balance. Money is integer cents.
 *
 * A claim's balances: payer = charge + Σ payer ledger amounts, patient = Σ patient
 * ledger amounts. Paid amounts and contractual (CO) adjustments lower the payer's
 * side; patient responsibility (PR) moves from the payer's side to the patient's.
 * Denied amounts move nothing: they stay on the payer's side, open, until paid,
 * appealed, billed to the patient or written off.
 */
import { classifyAdjustment, type DeniedAdjustment } from './denials';
import { expectedPayment } from './pricing';
import type { Adjustment, RemittanceClaimStatus } from './x12';

/**
 * How a claim ended (claims.resolution): paid in full by the payer; paid with a
 * patient share billed to the patient; corrected and resubmitted as a new claim;
 * appealed and then paid or written off; written off with a reason; or an
 * overpayment on it refunded.
 */
export const claimResolutions = [
  'paid',
  'patient-billed',
  'corrected-and-resubmitted',
  'appealed-paid',
  'appealed-written-off',
  'written-off',
  'refunded',
] as const;
export type ClaimResolution = (typeof claimResolutions)[number];

export interface PostingLine {
  paid: number;
  adjustments: readonly Adjustment[];
  remarkCodes: readonly string[];
  /** Our claim line was already paid by an earlier, unreversed payment: this is a second payment. */
  alreadyPaid: boolean;
}

export interface PostingClaim {
  status: RemittanceClaimStatus;
  paid: number;
  /** Claim-level CAS. */
  adjustments: readonly Adjustment[];
  /** MOA remark codes. */
  remarkCodes: readonly string[];
  lines: readonly PostingLine[];
  /** For a CLP without SVC lines: the claim was already paid by an earlier, unreversed payment. */
  alreadyPaid: boolean;
}

export interface PostingSplit {
  /** CLP04: money received (negative on a reversal). */
  payerPayment: number;
  /** CO/OA/PI contractual adjustments written off. */
  contractual: number;
  /** PR: what the patient owes, moved to the patient's balance. */
  patientResponsibility: number;
  /** Denial adjustments: left open on the payer's side. */
  denied: DeniedAdjustment[];
  /** Part of payerPayment that paid lines already paid: an overpayment. Its CAS post nothing. */
  duplicatePayment: number;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * Splits one CLP into what it posts. A reversal (CLP02 22) carries negative amounts
 * and undoes its original the same way. A line paid again while an earlier payment
 * of it stands is a duplicate: the money is posted, its adjustments are not (the
 * claim was adjudicated once; posting them twice would write off the charge twice).
 */
export function splitClaimPayment(claim: PostingClaim): PostingSplit {
  const split: PostingSplit = { payerPayment: claim.paid, contractual: 0, patientResponsibility: 0, denied: [], duplicatePayment: 0 };
  const reversal = claim.status === '22';
  const post = (adjustments: readonly Adjustment[], remarkCodes: readonly string[]) => {
    for (const adjustment of adjustments) {
      const { treatment } = classifyAdjustment(adjustment, remarkCodes);
      if (treatment === 'contractual') split.contractual += adjustment.amount;
      else if (adjustment.group === 'PR') split.patientResponsibility += adjustment.amount;
      else split.denied.push({ group: adjustment.group, reason: adjustment.reason, amount: adjustment.amount, remarkCodes });
    }
  };
  const duplicateLine = (line: PostingLine) => !reversal && line.alreadyPaid && line.paid > 0;
  for (const line of claim.lines) {
    if (duplicateLine(line)) split.duplicatePayment += line.paid;
    else post(line.adjustments, line.remarkCodes.length ? line.remarkCodes : claim.remarkCodes);
  }
  const wholeClaimDuplicate = claim.lines.length > 0 ? claim.lines.every(duplicateLine) : !reversal && claim.alreadyPaid && claim.paid > 0;
  if (wholeClaimDuplicate) split.duplicatePayment = claim.paid;
  else post(claim.adjustments, claim.remarkCodes);
  return split;
}

export interface Balances {
  payer: number;
  patient: number;
}

/** A claim's open balances from its charge and ledger. */
export function claimBalances(charge: number, entries: ReadonlyArray<{ party: 'payer' | 'patient'; amount: number }>): Balances {
  return {
    payer: charge + sum(entries.filter((entry) => entry.party === 'payer').map((entry) => entry.amount)),
    patient: sum(entries.filter((entry) => entry.party === 'patient').map((entry) => entry.amount)),
  };
}

export type CreditBalanceReason = 'duplicate-payment' | 'payment-after-write-off' | 'overpayment' | 'patient-overpayment';

export interface CreditBalanceFinding {
  party: 'payer' | 'patient';
  amount: number;
  reason: CreditBalanceReason;
}

/**
 * The credit balances a claim holds (DOMAIN.md §13): a side whose payments exceed
 * what it owes. The payer's side says why: a second payment of the same service,
 * a payment after the balance was written off, or plainly more than owed.
 */
export function creditBalancesOf(balances: Balances, history: { duplicatePayments: number; writtenOff: boolean }): CreditBalanceFinding[] {
  const findings: CreditBalanceFinding[] = [];
  if (balances.payer < 0) {
    const reason: CreditBalanceReason =
      history.duplicatePayments > 0 ? 'duplicate-payment' : history.writtenOff ? 'payment-after-write-off' : 'overpayment';
    findings.push({ party: 'payer', amount: -balances.payer, reason });
  }
  if (balances.patient < 0) findings.push({ party: 'patient', amount: -balances.patient, reason: 'patient-overpayment' });
  return findings;
}

export interface ExpectedLineInput {
  /** The line's billed charge. */
  charge: number;
  /** What the fee schedule allows for the line; undefined when the schedule lacks it. */
  feeScheduleAmount: number | undefined;
  /** PR-1 on the line: the deductible the payer actually applied. */
  deductibleApplied: number;
  coinsuranceRate: number;
  sequestrationRate: number;
}

/**
 * What the payer should have paid for a line by the fee schedule and the payer's
 * policy (DOMAIN.md §14), taking the deductible the payer applied (PR-1) as given.
 * Undefined when the fee schedule has no amount for the line (nothing to compare).
 */
export function expectedLinePayment(line: ExpectedLineInput): number | undefined {
  if (line.feeScheduleAmount === undefined) return undefined;
  return expectedPayment({
    charge: line.charge,
    allowed: line.feeScheduleAmount,
    deductibleRemaining: line.deductibleApplied,
    coinsuranceRate: line.coinsuranceRate,
    sequestrationRate: line.sequestrationRate,
  }).payerPays;
}

/**
 * The shortfall of a claim's payment against the fee schedule when it exceeds the
 * tolerance (cents), else 0. Lines without an expectation, or denied lines (denials
 * are worked on their own), are left out by the caller.
 */
export function underpayment(lines: ReadonlyArray<{ expected: number; paid: number }>, toleranceCents: number): number {
  const shortfall = sum(lines.map((line) => line.expected - line.paid));
  return shortfall > toleranceCents ? shortfall : 0;
}

/** A/R age buckets, in days from the claim's first submission (a corrected claim counts from its original's). */
export const agingBuckets = ['0-30', '31-60', '61-90', '91-120', '121+'] as const;
export type AgingBucket = (typeof agingBuckets)[number];

export function agingBucket(ageDays: number): AgingBucket {
  if (ageDays <= 30) return '0-30';
  if (ageDays <= 60) return '31-60';
  if (ageDays <= 90) return '61-90';
  if (ageDays <= 120) return '91-120';
  return '121+';
}
