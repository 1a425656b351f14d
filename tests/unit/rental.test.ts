import { payerPolicy } from '../../domain/payer-policy';
import {
  applyHold,
  applyPickup,
  applyResume,
  dueMonths,
  nextRentalEvent,
  recordMonthBilled,
  recordPurchaseOptionOffer,
  type RentalChange,
  type RentalState,
  startRental,
} from '../../domain/rental';

const medicare = payerPolicy('medicare');
/** Long enough that no month is lost: for tests about the schedule, not about timely filing. */
const noFilingLimit = payerPolicy('commercial', { timelyFilingDays: 100_000 });

function start(hcpcs: string, firstDateOfService: string, payer = medicare): RentalState {
  return startRental({ itemId: 'item-1', hcpcs, firstDateOfService, payer });
}

/** Bill every month due on `today`, as the rental stage of the workflow does. */
function billThrough(state: RentalState, today: string) {
  const months = dueMonths(state, today, noFilingLimit);
  const billed = months.reduce((current, month) => recordMonthBilled(current, month.month), state);
  return { state: billed, months };
}

function accepted(change: RentalChange): RentalState {
  if (!change.accepted) throw new Error(`change rejected: ${change.reason}`);
  return change.state;
}

function nextMonth(state: RentalState, today: string) {
  const event = nextRentalEvent(state, today);
  if (event.kind !== 'bill' && event.kind !== 'wait') throw new Error(`expected a month to bill, got ${event.kind}`);
  return event.month;
}

describe('capped rental: 13 paid months', () => {
  test('CPAP E0601 months 1..13 are KH, KI, KI, KJ×10 and there is no month 14', () => {
    const { state, months } = billThrough(start('E0601', '2024-01-10'), '2026-06-01');
    expect(months.map((month) => [month.month, month.sequenceModifier])).toEqual([
      [1, 'KH'],
      [2, 'KI'],
      [3, 'KI'],
      ...[4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((month) => [month, 'KJ']),
    ]);
    expect(nextRentalEvent(state, '2026-06-01')).toEqual({
      kind: 'finished',
      reason: 'cap reached: 13 paid months, title passes to the patient',
    });
  });

  test.each([
    // month, date of service (anniversary), span end
    [1, '2024-01-10', '2024-02-09'],
    [2, '2024-02-10', '2024-03-09'],
    [4, '2024-04-10', '2024-05-09'],
    [13, '2025-01-10', '2025-02-09'],
  ])('month %i runs from %s to %s', (month, from, to) => {
    const { months } = billThrough(start('E0601', '2024-01-10'), '2026-06-01');
    expect(months[month - 1]).toMatchObject({ month, serviceFrom: from, serviceTo: to });
  });

  test('month 10 carries the purchase-option offer, no other month does', () => {
    const { months } = billThrough(start('E0601', '2024-01-10'), '2026-06-01');
    expect(months.filter((month) => month.offerPurchaseOption).map((month) => month.month)).toEqual([10]);
  });
});

describe('anniversaries by calendar-month arithmetic from the original first date of service', () => {
  test.each([
    // first date of service, month, date of service, span end
    ['2024-01-31', 1, '2024-01-31', '2024-02-28'],
    ['2024-01-31', 2, '2024-02-29', '2024-03-30'],
    ['2024-01-31', 3, '2024-03-31', '2024-04-29'],
    ['2024-01-31', 4, '2024-04-30', '2024-05-30'],
    ['2024-01-31', 5, '2024-05-31', '2024-06-29'],
    ['2024-01-31', 13, '2025-01-31', '2025-02-27'],
    ['2023-01-31', 2, '2023-02-28', '2023-03-30'],
    ['2023-01-31', 3, '2023-03-31', '2023-04-29'],
    ['2024-03-30', 12, '2025-02-28', '2025-03-29'],
  ])('delivered %s: month %i falls on %s and runs to %s', (firstDateOfService, month, from, to) => {
    const { months } = billThrough(start('E0601', firstDateOfService), '2026-06-01');
    expect(months[month - 1]).toMatchObject({ month, serviceFrom: from, serviceTo: to });
  });
});

describe('oxygen: 36 paid months, furnished for 60', () => {
  test('36 months of RR without KH/KI/KJ, then nothing billable while furnishing continues', () => {
    const { state, months } = billThrough(start('E1390', '2024-01-15'), '2027-06-01');
    expect(months).toHaveLength(36);
    expect(months.every((month) => month.sequenceModifier === undefined)).toBe(true);
    expect(months[35]).toMatchObject({ month: 36, serviceFrom: '2026-12-15', serviceTo: '2027-01-14' });
    expect(nextRentalEvent(state, '2027-06-01')).toEqual({
      kind: 'furnishing-only',
      until: '2029-01-14',
      reason: 'not billable: cap of 36 paid months reached, furnishing continues until 2029-01-14',
    });
    expect(nextRentalEvent(state, '2029-01-15')).toEqual({
      kind: 'finished',
      reason: '60-month useful life ended on 2029-01-14: a replacement starts a new 36-month period (RA on its first month)',
    });
  });
});

describe('other rental categories', () => {
  test('a PEN pump pays 15 months, KJ from month 4 to 15', () => {
    const { state, months } = billThrough(start('B9002', '2024-01-10'), '2026-06-01');
    expect(months.map((month) => month.sequenceModifier)).toEqual(['KH', 'KI', 'KI', ...Array(12).fill('KJ')]);
    expect(nextRentalEvent(state, '2026-06-01')).toEqual({
      kind: 'finished',
      reason: 'cap reached: 15 paid months, no further rental payments',
    });
  });

  test('a frequent-and-substantial-servicing ventilator rents without a cap', () => {
    const { state, months } = billThrough(start('E0465', '2020-01-01'), '2024-01-01');
    expect(months).toHaveLength(49);
    expect(months.every((month) => month.sequenceModifier === undefined)).toBe(true);
    expect(nextRentalEvent(state, '2024-01-01')).toMatchObject({ kind: 'wait', until: '2024-02-01' });
  });

  test('an inexpensive item rents month after month without KH/KI/KJ', () => {
    const { months } = billThrough(start('E0100', '2024-01-10'), '2024-03-10');
    expect(months.map((month) => [month.month, month.sequenceModifier])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
    ]);
  });

  test('a purchase-only item cannot be rented', () => {
    expect(() => start('L1832', '2024-01-10')).toThrow('cannot be rented');
    expect(() => start('E9999', '2024-01-10')).toThrow('not in the catalog');
  });
});

describe('driving the schedule month by month', () => {
  test('before the first anniversary the workflow waits for it', () => {
    expect(nextRentalEvent(start('E0601', '2024-01-10'), '2024-01-05')).toEqual({
      kind: 'wait',
      until: '2024-01-10',
      month: {
        kind: 'rental-month',
        period: 1,
        month: 1,
        serviceFrom: '2024-01-10',
        serviceTo: '2024-02-09',
        sequenceModifier: 'KH',
        offerPurchaseOption: false,
      },
    });
  });

  test('on the anniversary the month is billed, and recording it twice changes nothing', () => {
    const state = start('E0601', '2024-01-10');
    expect(nextRentalEvent(state, '2024-01-10')).toMatchObject({ kind: 'bill', month: { month: 1 } });
    const billed = recordMonthBilled(state, 1);
    expect(recordMonthBilled(billed, 1)).toBe(billed);
    expect(nextRentalEvent(billed, '2024-01-10')).toMatchObject({ kind: 'wait', until: '2024-02-10' });
  });

  test('the state is plain JSON: it survives continue-as-new', () => {
    const { state } = billThrough(start('E0601', '2024-01-10'), '2024-03-10');
    const held = accepted(applyHold(state, { from: '2024-03-15', reason: 'inpatient' }));
    expect(JSON.parse(JSON.stringify(held))).toEqual(held);
  });
});

describe('catch-up billing and timely filing', () => {
  test('a delivery recorded late: the 5 months already due, in order, each with its span', () => {
    expect(dueMonths(start('E0601', '2024-01-10'), '2024-05-20', medicare)).toEqual(
      [
        // Medicare files within one calendar year of each date of service (42 CFR 424.44).
        ['2024-01-10', '2024-02-09', 'KH', '2025-01-10'],
        ['2024-02-10', '2024-03-09', 'KI', '2025-02-10'],
        ['2024-03-10', '2024-04-09', 'KI', '2025-03-10'],
        ['2024-04-10', '2024-05-09', 'KJ', '2025-04-10'],
        ['2024-05-10', '2024-06-09', 'KJ', '2025-05-10'],
      ].map(([serviceFrom, serviceTo, sequenceModifier, filingDeadline], index) => ({
        kind: 'rental-month',
        period: 1,
        month: index + 1,
        serviceFrom,
        serviceTo,
        sequenceModifier,
        offerPurchaseOption: false,
        filingDeadline,
        status: 'due',
      })),
    );
  });

  test('months past the timely-filing window are lost, with the reason; they still count', () => {
    const months = dueMonths(start('E0601', '2023-01-10'), '2024-03-01', medicare);
    expect(months.map((month) => [month.month, month.status])).toEqual([
      [1, 'lost'],
      [2, 'lost'],
      ...[3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13].map((month) => [month, 'due']),
    ]);
    expect(months[0]).toMatchObject({
      serviceFrom: '2023-01-10',
      sequenceModifier: 'KH',
      filingDeadline: '2024-01-10',
      lostReason:
        "date of service 2023-01-10 is past Medicare's one-calendar-year limit (42 CFR 424.44) (last day 2024-01-10): " + 'a claim would deny CO-29',
    });
    // A calendar year, not 365 days: February 29, 2024 lies in between, so 365 days would end on 2024-03-09.
    expect(months[2]).toMatchObject({ serviceFrom: '2023-03-10', sequenceModifier: 'KI', filingDeadline: '2024-03-10' });
  });

  test("a commercial payer's configured days decide which months are lost", () => {
    const acme = payerPolicy('commercial', { timelyFilingDays: 180 });
    const months = dueMonths(start('E0601', '2024-01-10'), '2024-08-10', acme);
    expect(months.filter((month) => month.status === 'lost').map((month) => [month.month, month.filingDeadline])).toEqual([
      [1, '2024-07-08'],
      [2, '2024-08-08'],
    ]);
    expect(months[0]).toMatchObject({
      lostReason: "date of service 2024-01-10 is past the payer's 180-day limit (last day 2024-07-08): a claim would deny CO-29",
    });
  });

  test('months due before a hold began are still billed; the hold stops the rest', () => {
    const held = accepted(applyHold(start('E0601', '2024-01-10'), { from: '2024-03-20', reason: 'break-in-need' }));
    expect(dueMonths(held, '2024-05-20', medicare).map((month) => month.month)).toEqual([1, 2, 3]);
  });
});

describe('holds and resumptions (DOMAIN.md §4)', () => {
  /** CPAP delivered Jan 10, months 1–3 billed (Jan 10, Feb 10, Mar 10). */
  const threeMonthsBilled = () => billThrough(start('E0601', '2024-01-10'), '2024-03-14').state;

  test('while on hold nothing is billed', () => {
    const held = accepted(applyHold(threeMonthsBilled(), { from: '2024-03-15', reason: 'break-in-need' }));
    expect(nextRentalEvent(held, '2024-04-10')).toEqual({ kind: 'on-hold', since: '2024-03-15', reason: 'break-in-need' });
  });

  test('a 40-day hold resumes the count: month 4 is billed from the resumption, the new anniversary', () => {
    const held = accepted(applyHold(threeMonthsBilled(), { from: '2024-03-15', reason: 'break-in-need' }));
    const change = applyResume(held, { on: '2024-04-24' });
    expect(change).toMatchObject({ accepted: true, note: expect.stringContaining('month 4 is billed from 2024-04-24') });
    const resumed = accepted(change);
    expect(nextMonth(resumed, '2024-04-24')).toEqual({
      kind: 'rental-month',
      period: 1,
      month: 4,
      serviceFrom: '2024-04-24',
      serviceTo: '2024-05-23',
      sequenceModifier: 'KJ',
      offerPurchaseOption: false,
    });
    expect(nextMonth(recordMonthBilled(resumed, 4), '2024-04-24')).toMatchObject({ month: 5, serviceFrom: '2024-05-24' });
  });

  test('a 90-day break with new need (new order) starts a new period at month 1 (KH)', () => {
    const held = accepted(applyHold(threeMonthsBilled(), { from: '2024-03-15', reason: 'break-in-need' }));
    const change = applyResume(held, { on: '2024-06-13', newOrder: true });
    expect(change).toMatchObject({
      accepted: true,
      note: expect.stringContaining('rental period 2 starts on 2024-06-13 at month 1 (KH)'),
    });
    expect(nextMonth(accepted(change), '2024-06-13')).toEqual({
      kind: 'rental-month',
      period: 2,
      month: 1,
      serviceFrom: '2024-06-13',
      serviceTo: '2024-07-12',
      sequenceModifier: 'KH',
      offerPurchaseOption: false,
    });
  });

  test('a 90-day break without a new order stays in the same period and says how to start a new one', () => {
    const held = accepted(applyHold(threeMonthsBilled(), { from: '2024-03-15', reason: 'break-in-need' }));
    const change = applyResume(held, { on: '2024-06-13' });
    expect(change).toMatchObject({ accepted: true, note: expect.stringContaining('without a new order') });
    expect(nextMonth(accepted(change), '2024-06-13')).toMatchObject({ period: 1, month: 4, serviceFrom: '2024-06-13' });
  });

  test.each([
    // resumed on, new order, period and month billed next
    // The hold began in month 3 (Mar 10 – Apr 9): temporary up to 60 days after Apr 10, i.e. through Jun 9.
    ['2024-06-09', true, 1, 4],
    ['2024-06-10', true, 2, 1],
    ['2024-06-10', false, 1, 4],
  ])('resumed on %s (new order %p): period %i, month %i', (on, newOrder, period, month) => {
    const held = accepted(applyHold(threeMonthsBilled(), { from: '2024-03-15', reason: 'break-in-need' }));
    expect(nextMonth(accepted(applyResume(held, { on, newOrder })), on)).toMatchObject({ period, month, serviceFrom: on });
  });

  test('an inpatient stay over the anniversary: that month is not billed, the anniversary moves to the discharge date', () => {
    const admitted = accepted(applyHold(threeMonthsBilled(), { from: '2024-04-05', reason: 'inpatient' }));
    expect(nextRentalEvent(admitted, '2024-04-10')).toMatchObject({ kind: 'on-hold' });
    const discharged = accepted(applyResume(admitted, { on: '2024-04-20' }));
    expect(nextMonth(discharged, '2024-04-20')).toMatchObject({
      month: 4,
      serviceFrom: '2024-04-20',
      serviceTo: '2024-05-19',
      sequenceModifier: 'KJ',
    });
    expect(nextMonth(recordMonthBilled(discharged, 4), '2024-04-20')).toMatchObject({ month: 5, serviceFrom: '2024-05-20' });
  });

  test('an inpatient stay between anniversaries changes nothing', () => {
    const admitted = accepted(applyHold(threeMonthsBilled(), { from: '2024-03-12', reason: 'inpatient' }));
    const change = applyResume(admitted, { on: '2024-03-20' });
    expect(change).toMatchObject({ accepted: true, note: expect.stringContaining('billing continues as scheduled') });
    expect(nextMonth(accepted(change), '2024-04-10')).toMatchObject({ month: 4, serviceFrom: '2024-04-10' });
  });

  test('a long nursing-facility stay never starts a new period by itself', () => {
    const admitted = accepted(applyHold(threeMonthsBilled(), { from: '2024-03-15', reason: 'nursing-facility' }));
    const back = accepted(applyResume(admitted, { on: '2024-09-01', newOrder: true }));
    expect(nextMonth(back, '2024-09-01')).toMatchObject({ period: 1, month: 4, serviceFrom: '2024-09-01' });
  });

  test('earlier months keep their dates after the anniversary moved', () => {
    const admitted = accepted(applyHold(start('E0601', '2024-01-10'), { from: '2024-04-05', reason: 'inpatient' }));
    const discharged = accepted(applyResume(admitted, { on: '2024-04-20' }));
    expect(dueMonths(discharged, '2024-05-25', medicare).map((month) => [month.month, month.serviceFrom, month.serviceTo])).toEqual([
      [1, '2024-01-10', '2024-02-09'],
      [2, '2024-02-10', '2024-03-09'],
      [3, '2024-03-10', '2024-04-09'],
      [4, '2024-04-20', '2024-05-19'],
      [5, '2024-05-20', '2024-06-19'],
    ]);
  });

  test('a new period waits until the old period’s months are billed', () => {
    const held = accepted(applyHold(start('E0601', '2024-01-10'), { from: '2024-03-15', reason: 'break-in-need' }));
    expect(applyResume(held, { on: '2024-06-13', newOrder: true })).toMatchObject({
      accepted: false,
      reason: expect.stringContaining('months 1–3 of period 1 are not billed yet'),
    });
  });
});

describe('pickup and discontinuation end billing after the current month', () => {
  const threeMonthsBilled = () => billThrough(start('E0601', '2024-01-10'), '2024-03-14').state;

  test('picked up on Apr 20: month 4 (Apr 10) is the last one billed', () => {
    const change = applyPickup(threeMonthsBilled(), { on: '2024-04-20' });
    expect(change).toMatchObject({ accepted: true, note: 'picked up on 2024-04-20: month 4 is the last billable month' });
    const { state, months } = billThrough(accepted(change), '2024-06-01');
    expect(months.map((month) => month.month)).toEqual([4]);
    expect(nextRentalEvent(state, '2024-06-01')).toEqual({
      kind: 'finished',
      reason: 'picked up or discontinued on 2024-04-20: billing ended after month 4',
    });
  });

  test('picked up on Apr 5, before the anniversary: month 4 is not billed', () => {
    const ended = accepted(applyPickup(threeMonthsBilled(), { on: '2024-04-05' }));
    expect(nextRentalEvent(ended, '2024-06-01')).toMatchObject({ kind: 'finished' });
  });

  test('picked up during a hold: nothing after the hold began is billed', () => {
    const held = accepted(applyHold(threeMonthsBilled(), { from: '2024-03-15', reason: 'break-in-need' }));
    const ended = accepted(applyPickup(held, { on: '2024-05-02' }));
    expect(ended.hold).toBeUndefined();
    expect(nextRentalEvent(ended, '2024-06-01')).toMatchObject({ kind: 'finished' });
  });

  test('a per-day item’s last span ends at the pickup', () => {
    const state = start('E0935', '2024-06-03');
    const ended = accepted(applyPickup(state, { on: '2024-06-23' }));
    expect(nextMonth(ended, '2024-06-24')).toMatchObject({ serviceFrom: '2024-06-03', serviceTo: '2024-06-23' });
  });
});

describe('the 10th-month purchase option (payer flag, verify)', () => {
  const flagged = payerPolicy('medicare', { purchaseOptionHoldAfterMonth11: true });

  test('with the flag, months after 11 wait until the offer is recorded', () => {
    const { state, months } = billThrough(start('E0601', '2024-01-10', flagged), '2025-06-01');
    expect(months.map((month) => month.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(nextRentalEvent(state, '2025-06-01')).toMatchObject({
      kind: 'awaiting-purchase-option-offer',
      month: { month: 12, serviceFrom: '2024-12-10' },
    });
    const offered = accepted(recordPurchaseOptionOffer(state, { on: '2024-10-15' }));
    expect(billThrough(offered, '2025-06-01').months.map((month) => month.month)).toEqual([12, 13]);
  });

  test('without the flag, month 12 is billed like any other', () => {
    const { months } = billThrough(start('E0601', '2024-01-10'), '2025-06-01');
    expect(months).toHaveLength(13);
  });
});

describe('changes that cannot apply are rejected and leave the state as it was', () => {
  const threeMonthsBilled = () => billThrough(start('E0601', '2024-01-10'), '2024-03-14').state;
  const held = () => accepted(applyHold(threeMonthsBilled(), { from: '2024-03-15', reason: 'inpatient' }));

  test.each<[string, () => RentalChange, string]>([
    ['a second hold', () => applyHold(held(), { from: '2024-03-20', reason: 'inpatient' }), 'already on hold since 2024-03-15'],
    ['a resume without a hold', () => applyResume(threeMonthsBilled(), { on: '2024-03-20' }), 'not on hold'],
    ['a resume before the hold began', () => applyResume(held(), { on: '2024-03-01' }), 'is before the hold began'],
    [
      'a hold over a month already billed',
      () => applyHold(threeMonthsBilled(), { from: '2024-03-10', reason: 'inpatient' }),
      'month 3 (date of service 2024-03-10) is already billed',
    ],
    [
      'a pickup before a month already billed',
      () => applyPickup(threeMonthsBilled(), { on: '2024-03-01' }),
      'month 3 (date of service 2024-03-10) is billed but falls after the pickup',
    ],
    [
      'a second pickup',
      () => applyPickup(accepted(applyPickup(threeMonthsBilled(), { on: '2024-04-20' })), { on: '2024-04-25' }),
      'already ended on 2024-04-20',
    ],
    [
      'a hold after the cap',
      () => applyHold(billThrough(start('E0601', '2024-01-10'), '2026-01-01').state, { from: '2026-01-01', reason: 'inpatient' }),
      'cap of 13 paid months is reached',
    ],
    [
      'a purchase-option offer on oxygen',
      () => recordPurchaseOptionOffer(start('E1390', '2024-01-10'), { on: '2024-10-10' }),
      'applies to capped rentals',
    ],
  ])('%s', (_name, change, reason) => {
    const result = change();
    expect(result.accepted).toBe(false);
    expect(result).toMatchObject({ reason: expect.stringContaining(reason) });
  });
});
