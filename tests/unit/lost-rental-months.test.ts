/**
 * Months lost to timely filing are counted per month of the order, not per item-month:
 * each month is one claim carrying every rented item's line (DOMAIN.md §4), and a late
 * claim denies CO-29 (42 CFR 424.44; Pub. 100-04 ch. 1 §70.1).
 */
import { lostRentalMonths, lostRentalMonthsTaskTitle, type LostItemMonth } from '../../domain/lost-rental-months';
import { payerPolicy } from '../../domain/payer-policy';
import { dueMonths, startRental } from '../../domain/rental';

const medicare = payerPolicy('medicare');

/** What the workflow's catch-up collects: every item's lost months from dueMonths. */
function lostOf(items: string[], firstDateOfService: string, today: string): LostItemMonth[] {
  return items.flatMap((hcpcs, index) =>
    dueMonths(startRental({ itemId: `item-${index}`, hcpcs, firstDateOfService, payer: medicare }), today, medicare).flatMap((month) =>
      month.status === 'lost' ? [{ hcpcs, month }] : [],
    ),
  );
}

describe('lost months of a two-item oxygen order (concentrator E1390 + portable E0431)', () => {
  // Delivered 2021-01-15, caught up on 2024-06-01: every month dated before 2023-06-01 is
  // past one calendar year, i.e. months 1–29 (2021-01-15 … 2023-05-15); month 30 (2023-06-15) is still on time.
  const lost = lostRentalMonths(lostOf(['E1390', 'E0431'], '2021-01-15', '2024-06-01'));

  test('29 months are lost, not 58 item-months', () => {
    expect(lost).toHaveLength(29);
    expect(lost.map((month) => month.month)).toEqual(Array.from({ length: 29 }, (_, index) => index + 1));
  });

  test('each month lists both items, with its date of service and last day to file', () => {
    expect(lost[0]).toEqual({
      period: 1,
      month: 1,
      serviceFrom: '2021-01-15',
      filingDeadline: '2022-01-15',
      hcpcs: ['E1390', 'E0431'],
      reason: "date of service 2021-01-15 is past Medicare's one-calendar-year limit (42 CFR 424.44) (last day 2022-01-15): a claim would deny CO-29",
    });
    expect(lost[28]).toMatchObject({ month: 29, serviceFrom: '2023-05-15', filingDeadline: '2024-05-15', hcpcs: ['E1390', 'E0431'] });
  });
});

describe('grouping', () => {
  test('nothing lost, nothing listed', () => {
    expect(lostRentalMonths(lostOf(['E0601'], '2024-01-10', '2024-03-10'))).toEqual([]);
  });

  test('the same item twice for a month is listed once', () => {
    const [line] = lostOf(['E1390'], '2022-01-10', '2023-02-11');
    expect(lostRentalMonths([line, line])).toEqual([expect.objectContaining({ month: 1, hcpcs: ['E1390'] })]);
  });

  test('months of different rental periods stay apart, in period then month order', () => {
    const [month1] = lostOf(['E0601'], '2022-01-10', '2023-02-11');
    const laterPeriod = { ...month1, month: { ...month1.month, period: 2 } };
    expect(lostRentalMonths([laterPeriod, month1]).map((month) => [month.period, month.month])).toEqual([
      [1, 1],
      [2, 1],
    ]);
  });
});

describe('the one task that lists them', () => {
  test.each([
    [
      'two items, two months',
      lostOf(['E1390', 'E0431'], '2022-01-10', '2023-03-01'),
      '2 rental months of E1390, E0431 not billed, past timely filing (a claim would deny CO-29; write them off): ' +
        'month 1 (2022-01-10, last day 2023-01-10), month 2 (2022-02-10, last day 2023-02-10)',
    ],
    [
      'one item, one month',
      lostOf(['E0601'], '2022-01-10', '2023-01-11'),
      '1 rental month of E0601 not billed, past timely filing (a claim would deny CO-29; write them off): ' +
        'month 1 (2022-01-10, last day 2023-01-10)',
    ],
  ])('%s', (_case, lines, title) => {
    expect(lostRentalMonthsTaskTitle(lostRentalMonths(lines))).toBe(title);
  });

  test('a second rental period is named', () => {
    const [month1] = lostOf(['E0601'], '2022-01-10', '2023-01-11');
    expect(lostRentalMonthsTaskTitle(lostRentalMonths([{ ...month1, month: { ...month1.month, period: 2 } }]))).toContain(
      'period 2 month 1 (2022-01-10, last day 2023-01-10)',
    );
  });
});
