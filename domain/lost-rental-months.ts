/**
 * Rental months given up to timely filing (DOMAIN.md §4, §9), seen from the order: a
 * month is one claim carrying every rented item's line for that month, so a month is
 * lost once, whatever the number of items — a two-item oxygen order (concentrator and
 * portable) caught up 28 months too late lost 28 months, not 56.
 */
import type { DueRentalMonth } from './rental';

export interface LostRentalMonth {
  period: number;
  month: number;
  /** The month's date of service (its anniversary). */
  serviceFrom: string;
  /** The last day its claim could have been filed. */
  filingDeadline: string;
  /** The items whose line of that month is lost, in order. */
  hcpcs: string[];
  reason: string;
}

/** One item's month that `dueMonths` found past the filing deadline. */
export interface LostItemMonth {
  hcpcs: string;
  month: Extract<DueRentalMonth, { status: 'lost' }>;
}

/** One entry per lost month (period, month and date of service), listing every item that lost it, in month order. */
export function lostRentalMonths(lost: readonly LostItemMonth[]): LostRentalMonth[] {
  const byMonth = new Map<string, LostRentalMonth>();
  for (const { hcpcs, month } of lost) {
    const key = `${month.period}:${month.month}:${month.serviceFrom}`;
    const entry = byMonth.get(key);
    if (entry) {
      if (!entry.hcpcs.includes(hcpcs)) entry.hcpcs.push(hcpcs);
      continue;
    }
    byMonth.set(key, {
      period: month.period,
      month: month.month,
      serviceFrom: month.serviceFrom,
      filingDeadline: month.filingDeadline,
      hcpcs: [hcpcs],
      reason: month.lostReason,
    });
  }
  return [...byMonth.values()].sort((a, b) => a.period - b.period || a.month - b.month);
}

/**
 * The one task a catch-up leaves for the biller: which months were not billed and why,
 * so they can be written off (a late claim would deny CO-29, never billable to the
 * patient). Codes and dates only: no PHI.
 */
export function lostRentalMonthsTaskTitle(months: readonly LostRentalMonth[]): string {
  const periods = new Set(months.map((month) => month.period));
  const items = [...new Set(months.flatMap((month) => month.hcpcs))];
  const listed = months
    .map(
      (month) =>
        `${periods.size > 1 || month.period > 1 ? `period ${month.period} ` : ''}month ${month.month} (${month.serviceFrom}, last day ${month.filingDeadline})`,
    )
    .join(', ');
  const count = `${months.length} rental month${months.length === 1 ? '' : 's'}`;
  return `${count} of ${items.join(', ')} not billed, past timely filing (a claim would deny CO-29; write them off): ${listed}`;
}
