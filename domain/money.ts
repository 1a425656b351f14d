/**
 * Money ceilings: the largest amount, in integer cents, each money field accepts.
 * Columns are 64-bit (db/schema.ts), so no ceiling protects the database; each says
 * what a DME biller would still believe. The 837P's CLM02 and SV102 and the 835's
 * amounts are X12 type R 1/18 (005010X222A1, 005010X221A1), so the standard allows
 * far more than any DME claim: an amount past its ceiling is a typing error (cents
 * typed as dollars, a quantity with extra zeros), answered 422 naming the field.
 * The table in README.md "Money and text limits" repeats these numbers.
 */
import { money } from './x12/values';

export const moneyCeilings = {
  /**
   * Charge per unit (per month for rentals) on an order item: $100,000.00. The
   * dearest items we bill, complex rehab power wheelchairs (K0856 and up), are
   * charged in the tens of thousands.
   */
  unitCharge: 10_000_000,
  /** One claim line (SV102: units × unit charge): $1,000,000.00. */
  lineCharge: 100_000_000,
  /** One claim (CLM02, the sum of its lines): $10,000,000.00. */
  claimTotalCharge: 1_000_000_000,
  /** One patient payment on one claim: never more than the largest claim we bill. */
  patientPayment: 1_000_000_000,
  /**
   * Any amount read from an X12 file (835 BPR02/CLP/SVC/CAS/PLB, 271 benefits):
   * $999,999,999.99. BPR02 is a whole EFT, which for a large supplier's weekly
   * Medicare payment runs to millions; a billion dollars is no remittance.
   */
  x12Amount: 99_999_999_999,
  /** A fee-schedule amount (CMS DMEPOS file): at most the unit charge ceiling. */
  feeScheduleAmount: 10_000_000,
} as const;

type MoneyField = keyof typeof moneyCeilings;

/** Counts read from X12 (SVC05 units, CAS quantity): whole and within a 4-byte integer. */
export const x12QuantityCeiling = 999_999;

/** Why an amount breaks its field's ceiling, or undefined when it does not. */
export function ceilingProblem(field: MoneyField, cents: number): string | undefined {
  const ceiling = moneyCeilings[field];
  return cents > ceiling ? `must be at most ${ceiling} cents (${money(ceiling)})` : undefined;
}

/** What of an order item sets its largest claim line. */
export interface ChargedItem {
  quantity: number;
  unitCharge: number;
  side?: 'LT' | 'RT' | 'bilateral';
  /** Paid per day (E0935 CPM): a rental month's line is quantity × days, at most 31. */
  paidDaily: boolean;
}

interface ItemChargeProblem {
  index: number;
  field: 'quantity' | 'unitCharge';
  message: string;
}

/** A rental month spans at most 31 days (DOMAIN.md §4: anniversary to the day before the next). */
const longestRentalMonthDays = 31;

/** The largest line one item can put on a claim: quantity (× days) × unit charge; per side for bilateral. */
export function largestLineCharge(item: ChargedItem): number {
  return item.quantity * (item.paidDaily ? longestRentalMonthDays : 1) * item.unitCharge;
}

/**
 * The ceilings an order's items must keep on every claim they can produce: each unit
 * charge, each line (a bilateral item is two lines, LT and RT, each of the quantity:
 * DOMAIN.md §3), and the claim total if every item lands on one claim. The total's
 * problem names the item whose line carries the sum past the ceiling.
 */
export function itemChargeProblems(items: readonly ChargedItem[]): ItemChargeProblem[] {
  const problems: ItemChargeProblem[] = [];
  let total = 0;
  let totalBroken = false;
  items.forEach((item, index) => {
    const unitProblem = ceilingProblem('unitCharge', item.unitCharge);
    if (unitProblem) {
      problems.push({ index, field: 'unitCharge', message: unitProblem });
      return;
    }
    const line = largestLineCharge(item);
    const lineProblem = ceilingProblem('lineCharge', line);
    if (lineProblem) {
      const per = item.paidDaily ? ' × 31 days of a rental month' : '';
      problems.push({ index, field: 'quantity', message: `quantity${per} × unitCharge is ${line} cents on one claim line: the line ${lineProblem}` });
      return;
    }
    total += line * (item.side === 'bilateral' ? 2 : 1);
    if (!totalBroken && ceilingProblem('claimTotalCharge', total)) {
      totalBroken = true;
      problems.push({
        index,
        field: 'quantity',
        message: `the items up to this one charge ${total} cents on one claim: the claim total ${ceilingProblem('claimTotalCharge', total)}`,
      });
    }
  });
  return problems;
}
