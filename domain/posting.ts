/**
 * Posting arithmetic (DOMAIN.md §11, §13, §14, §15): how one CLP of an 835 moves a
 * claim's payer and patient balances, what the fee schedule says the payer should have
 * paid, and when a claim holds a credit balance. Money is integer cents.
 *
 * A claim's balances, one side per payer level and one for the patient: the primary's
 * side = charge + Σ its ledger amounts, a later payer's = Σ its ledger amounts, the
 * patient's = Σ patient ledger amounts. Paid amounts and contractual (CO) adjustments
 * lower the posting payer's side; patient responsibility (PR) moves from it to the next
 * payer's side when the claim has one (a secondary pays the primary's deductible and
 * coinsurance, DOMAIN.md §15), else to the patient's. Denied amounts move nothing: they
 * stay on the payer's side, open, until paid, appealed, billed to the patient or
 * written off.
 */
import { payerLevels, type PayerLevel } from './coordination';
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
  /** For a payer after the primary: what its side of the claim holds before this CLP. */
  laterPayer?: LaterPayerSide;
}

/** A secondary's or tertiary's side of a claim, before its CLP posts. */
export interface LaterPayerSide {
  /** Its balance: the PR the prior payers passed to it, less what it already paid or wrote off. */
  balance: number;
  /** The contractual adjustments it has written off on this claim so far (positive). */
  contractual: number;
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
  if (claim.laterPayer) split.contractual = laterPayerContractual(split, claim.laterPayer, reversal);
  return split;
}

/**
 * A later payer adjudicates the whole charge: its CLP03 is the claim's charge and its CAS
 * balance to it (835 TR3 balancing), the prior payers' part usually as CARC 23 "the impact
 * of prior payer(s) adjudication including payments and/or adjustments", some payers as
 * CO-45. Only what the prior payers left is on its side, so its contractual adjustments
 * write off at most what remains of that after its payment, the PR it passes on and its
 * denials; the rest is the prior payers' part, already on the ledger from their 835s.
 * Money is never capped: a later payer paying more than was left to it overpays its side.
 * A reversal takes back at most what this payer wrote off.
 */
function laterPayerContractual(split: PostingSplit, side: LaterPayerSide, reversal: boolean): number {
  if (reversal) return Math.max(split.contractual, -side.contractual);
  const denied = sum(split.denied.map((adjustment) => adjustment.amount));
  const left = side.balance - (split.payerPayment - split.duplicatePayment) - split.patientResponsibility - denied;
  return Math.min(split.contractual, Math.max(0, left));
}

/** A side of a claim's ledger: the patient's, or a payer's at its level. */
export type LedgerSide = { party: 'patient' } | { party: 'payer'; payerId: string | null; level: PayerLevel };

/** One ledger entry a CLP posts, named by what it is (its entry key within the CLP). */
export interface LedgerMovement {
  what: 'payment' | 'contractual' | 'pr-payer' | 'pr-next' | 'pr-patient';
  side: LedgerSide;
  kind: 'payer-payment' | 'contractual' | 'patient-responsibility';
  amount: number;
  reason?: string;
}

/**
 * The ledger entries of one CLP's split (DOMAIN.md §15): the payment and contractual
 * write-offs on the posting payer's side, and its PR moved off that side — onto the next
 * payer's when the claim has one (the secondary is billed the primary's deductible and
 * coinsurance), else onto the patient's. Zero amounts post nothing.
 */
export function ledgerMovements(
  split: PostingSplit,
  payer: { payerId: string; level: PayerLevel },
  next: { payerId: string; level: PayerLevel } | null,
): LedgerMovement[] {
  const side: LedgerSide = { party: 'payer', ...payer };
  const movements: LedgerMovement[] = [
    { what: 'payment', side, kind: 'payer-payment', amount: -split.payerPayment },
    { what: 'contractual', side, kind: 'contractual', amount: -split.contractual },
    { what: 'pr-payer', side, kind: 'patient-responsibility', amount: -split.patientResponsibility },
    next
      ? {
          what: 'pr-next',
          side: { party: 'payer', ...next },
          kind: 'patient-responsibility',
          amount: split.patientResponsibility,
          reason: `PR of the ${payer.level} payer ${payer.payerId}, passed to the ${next.level} payer`,
        }
      : { what: 'pr-patient', side: { party: 'patient' }, kind: 'patient-responsibility', amount: split.patientResponsibility },
  ];
  return movements.filter((movement) => movement.amount !== 0);
}

/** A claim_payers row as far as choosing the next payer goes. */
export interface ClaimPayerStanding {
  level: PayerLevel;
  status: 'pending' | 'submitted' | 'crossover' | 'adjudicated' | 'skipped';
}

/**
 * The payer whose side this level's PR moves to (DOMAIN.md §15): the first of the
 * claim's payers above `level` that is not skipped, or null when this level is the last
 * and the PR is the patient's.
 */
export function nextPayerAfter<T extends ClaimPayerStanding>(level: PayerLevel, payers: readonly T[]): T | null {
  const above = payers
    .filter((payer) => payerLevels.indexOf(payer.level) > payerLevels.indexOf(level) && payer.status !== 'skipped')
    .sort((a, b) => payerLevels.indexOf(a.level) - payerLevels.indexOf(b.level));
  return above[0] ?? null;
}

export interface Balances {
  /** All payers' sides together. */
  payer: number;
  patient: number;
  /** Each payer level's side; payer entries without a level (before coordination of benefits) are the primary's. */
  levels: Record<PayerLevel, number>;
}

export interface LedgerAmount {
  party: 'payer' | 'patient';
  amount: number;
  payerLevel?: PayerLevel | null;
}

/** A claim's open balances from its charge and ledger: the charge opens on the primary's side. */
export function claimBalances(charge: number, entries: readonly LedgerAmount[]): Balances {
  const levels: Record<PayerLevel, number> = { primary: charge, secondary: 0, tertiary: 0 };
  let patient = 0;
  for (const entry of entries) {
    if (entry.party === 'patient') patient += entry.amount;
    else levels[entry.payerLevel ?? 'primary'] += entry.amount;
  }
  return { payer: sum(payerLevels.map((level) => levels[level])), patient, levels };
}

export type CreditBalanceReason = 'duplicate-payment' | 'payment-after-write-off' | 'overpayment' | 'patient-overpayment';

export interface CreditBalanceFinding {
  party: 'payer' | 'patient';
  /** For the payer party: the level of the payer that overpaid (the one to refund). */
  level?: PayerLevel;
  amount: number;
  reason: CreditBalanceReason;
}

/**
 * The credit balances a claim holds (DOMAIN.md §13, §15). Credit balances are the whole
 * claim's, read in billing order: primary, secondary, tertiary, then the patient. What a
 * payer's side still holds (its 835 not posted yet, or its PR passed on but not paid)
 * carries forward, so a later payer paying what was passed to it — Medicaid paying
 * Medicare's coinsurance — or paying before the prior payer's 835 has posted is never an
 * overpayment. The payer whose payment takes the running balance below zero is the one
 * that overpaid and is named (party payer, its level); its reason says why: that payer
 * paid the same service twice, paid after the balance was written off, or plainly paid
 * more than was left to it. What a later payer or the patient still owes never lowers an
 * earlier payer's refund: it is owed to us, not money we hold (Medicare's overpayment is
 * what it paid beyond its part, §13). The patient overpaid by what their side is below
 * zero beyond what the payers still owe. A claim holds one open payer credit balance
 * (credit_balances_open_uq): should two payers both have overpaid, it names the first and
 * carries their sum.
 */
export function creditBalancesOf(
  balances: Balances,
  history: { duplicatePayments: Partial<Record<PayerLevel, number>>; writtenOff: boolean },
): CreditBalanceFinding[] {
  let open = 0;
  let overpaid = 0;
  let named: PayerLevel | undefined;
  for (const level of payerLevels) {
    const running = open + balances.levels[level];
    if (running < 0) {
      overpaid -= running;
      named ??= level;
      open = 0;
    } else open = running;
  }
  const findings: CreditBalanceFinding[] = [];
  if (named) {
    const reason: CreditBalanceReason =
      (history.duplicatePayments[named] ?? 0) > 0 ? 'duplicate-payment' : history.writtenOff ? 'payment-after-write-off' : 'overpayment';
    findings.push({ party: 'payer', level: named, amount: overpaid, reason });
  }
  const patientCredit = -(open + balances.patient);
  if (balances.patient < 0 && patientCredit > 0) findings.push({ party: 'patient', amount: patientCredit, reason: 'patient-overpayment' });
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
