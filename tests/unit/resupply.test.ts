/**
 * The refill rule (domain/resupply.ts) against its sources: the Program Integrity Manual
 * ch. 5 §5.2.6 as the joint DME MAC publication of Jan 2022 quotes it (contact no sooner
 * than 14 calendar days before shipping; deliver no sooner than 10 calendar days before the
 * current supply runs out; consumables by what remains, PAP masks and cushions by whether
 * they still work), and the PAP policy's usual maximums (DOMAIN.md §7).
 */
import { addDays, addMonths } from '../../domain/calendar';
import { catalogEntry, defaultCatalog } from '../../domain/catalog';
import {
  afterCycle,
  decideRefill,
  defaultResupplyPolicy,
  endOfUse,
  itemPeriodMonths,
  nextCycle,
  planProblems,
  refillDeliveryRefusal,
  refillQuantity,
  type RefillConfirmation,
  type ResupplyView,
} from '../../domain/resupply';

const entry = (hcpcs: string) => catalogEntry(defaultCatalog, hcpcs)!;
const delivered = '2027-01-15';

describe('quantities and periods', () => {
  test.each([
    ['A7034', 3, 3, 1], // nasal mask: 1 per 3 months
    ['A7032', 3, 3, 6], // cushions: 2 per month
    ['A7038', 3, 3, 6], // disposable filters: 2 per month
    ['A7038', 1, 1, 2],
    ['A7035', 3, 6, 1], // headgear: 1 per 6 months, so every other 3-month refill
    ['A7034', 1, 3, 1], // a monthly plan still ships a mask only every third month
  ])('%s on a %i-month plan: refilled every %i months, %i units', (hcpcs, cycleMonths, period, units) => {
    expect(itemPeriodMonths(entry(hcpcs), cycleMonths)).toBe(period);
    expect(refillQuantity(entry(hcpcs), cycleMonths)).toBe(units);
  });

  test('a supply runs out one period after its delivery', () => {
    expect(endOfUse(entry('A7034'), delivered, 3)).toBe('2027-04-15');
    expect(endOfUse(entry('A7035'), delivered, 3)).toBe('2027-07-15');
  });
});

describe('the cycle: when outreach opens and what ships together', () => {
  const items = [
    { hcpcs: 'A7032', endOfUseOn: '2027-04-15' },
    { hcpcs: 'A7034', endOfUseOn: '2027-04-15' },
    { hcpcs: 'A7038', endOfUseOn: '2027-04-18' },
    { hcpcs: 'A7035', endOfUseOn: '2027-07-15' },
  ];

  test('delivery no sooner than 10 days before the last joining item runs out; outreach 10 days before that', () => {
    expect(nextCycle(1, items, defaultResupplyPolicy)).toEqual({
      cycle: 1,
      dueOn: '2027-04-15',
      // A7038 runs out on the 18th: shipping the three together waits for its 10-day window.
      earliestShipOn: '2027-04-08',
      contactOpensOn: '2027-03-29',
      hcpcs: ['A7032', 'A7034', 'A7038'],
    });
  });

  test('an item running out more than a week after the first waits for a later cycle', () => {
    expect(nextCycle(1, items, defaultResupplyPolicy).hcpcs).not.toContain('A7035');
  });

  test('the days follow the configured policy', () => {
    const policy = { ...defaultResupplyPolicy, deliveryDaysBeforeEndOfUse: 5, outreachDaysBeforeShipping: 7 };
    expect(nextCycle(1, items.slice(0, 2), policy)).toMatchObject({ earliestShipOn: '2027-04-10', contactOpensOn: '2027-04-03' });
  });
});

describe('decideRefill: the refill record', () => {
  const cycle = {
    ...nextCycle(
      2,
      [
        { hcpcs: 'A7032', endOfUseOn: '2027-04-15' },
        { hcpcs: 'A7034', endOfUseOn: '2027-04-15' },
        { hcpcs: 'A7038', endOfUseOn: '2027-04-15' },
      ],
      defaultResupplyPolicy,
    ),
    phase: 'outreach' as const,
  };
  const view = (today: string, overrides: Partial<ResupplyView> = {}): ResupplyView => ({
    today,
    status: 'active',
    cycle,
    cycleMonths: 3,
    policy: defaultResupplyPolicy,
    catalog: defaultCatalog,
    ...overrides,
  });
  const answer = (items: RefillConfirmation['items'], more: Partial<RefillConfirmation> = {}): RefillConfirmation => ({
    cycle: 2,
    answeredBy: 'patient',
    channel: 'phone',
    items,
    ...more,
  });
  const allNeeded: RefillConfirmation['items'] = [
    { hcpcs: 'A7032', needed: true, condition: 'worn' },
    { hcpcs: 'A7034', needed: true, condition: 'damaged' },
    { hcpcs: 'A7038', needed: true, quantityOnHand: 1 },
  ];

  test('a full answer orders the usual quantities, filters less what will remain, in the window the PIM leaves', () => {
    expect(decideRefill(view('2027-03-27'), answer(allNeeded))).toEqual({
      outcome: 'confirmed',
      answeredOn: '2027-03-27',
      quantities: [
        { hcpcs: 'A7032', quantity: 6, months: 3 },
        { hcpcs: 'A7034', quantity: 1, months: 3 },
        // The one filter on hand is used up by 04-15 (2 a month): a full refill.
        { hcpcs: 'A7038', quantity: 6, months: 3 },
      ],
      declined: [],
      shipNotBefore: '2027-04-05',
      // 14 days after the contact.
      shipBy: '2027-04-10',
    });
    // Two on hand 19 days before the anniversary: one would remain, so five come.
    const twoLeft = decideRefill(view('2027-03-27'), answer([allNeeded[0], allNeeded[1], { hcpcs: 'A7038', needed: true, quantityOnHand: 2 }]));
    expect(twoLeft).toMatchObject({ quantities: [{ quantity: 6 }, { quantity: 1 }, { hcpcs: 'A7038', quantity: 5 }] });
  });

  test('an answer recorded later keeps its own day: the 14 days run from it, and too old an answer is asked again', () => {
    expect(decideRefill(view('2027-03-30'), answer(allNeeded, { answeredOn: '2027-03-27' }))).toMatchObject({
      answeredOn: '2027-03-27',
      shipNotBefore: '2027-04-05',
      shipBy: '2027-04-10',
    });
    expect(decideRefill(view('2027-04-12'), answer(allNeeded, { answeredOn: '2027-03-27' }))).toMatchObject({ status: 422, field: 'answeredOn' });
    expect(decideRefill(view('2027-03-27'), answer(allNeeded, { answeredOn: '2027-03-28' }))).toMatchObject({
      status: 422,
      field: 'answeredOn',
      message: 'must not be in the future',
    });
  });

  test('an answer more than 14 days before the earliest shipping date is too early', () => {
    const refused = decideRefill(view(addDays(cycle.earliestShipOn, -15)), answer(allNeeded));
    expect(refused).toMatchObject({ status: 409, message: expect.stringContaining('no sooner than 14 days before shipping') });
    expect(decideRefill(view(addDays(cycle.earliestShipOn, -14)), answer(allNeeded))).toMatchObject({ outcome: 'confirmed' });
  });

  test('a mask or cushion that still works is not refilled; a consumable with a full refill on hand is not either', () => {
    expect(decideRefill(view('2027-03-27'), answer([{ ...allNeeded[0], condition: 'functional' }, allNeeded[1], allNeeded[2]]))).toMatchObject({
      status: 422,
      field: 'items[0].condition',
    });
    expect(decideRefill(view('2027-03-27'), answer([allNeeded[0], allNeeded[1], { hcpcs: 'A7038', needed: true, quantityOnHand: 6 }]))).toMatchObject(
      {
        status: 422,
        field: 'items[2].quantityOnHand',
        message: expect.stringContaining('not nearly used up'),
      },
    );
  });

  test('the record says what remains of a consumable and the condition of what is replaced', () => {
    expect(decideRefill(view('2027-03-27'), answer([allNeeded[0], allNeeded[1], { hcpcs: 'A7038', needed: true }]))).toMatchObject({
      field: 'items[2].quantityOnHand',
    });
    expect(decideRefill(view('2027-03-27'), answer([{ hcpcs: 'A7032', needed: true }, allNeeded[1], allNeeded[2]]))).toMatchObject({
      field: 'items[0].condition',
    });
  });

  test('never more than the usual maximum for the period', () => {
    expect(decideRefill(view('2027-03-27'), answer([{ ...allNeeded[0], quantity: 7 }, allNeeded[1], allNeeded[2]]))).toMatchObject({
      status: 422,
      field: 'items[0].quantity',
      message: expect.stringContaining('at most 6 for 3 month(s)'),
    });
  });

  test('every item due is answered, once, and only items due', () => {
    expect(decideRefill(view('2027-03-27'), answer(allNeeded.slice(0, 2)))).toMatchObject({
      field: 'items',
      message: expect.stringContaining('A7038'),
    });
    expect(decideRefill(view('2027-03-27'), answer([...allNeeded, allNeeded[0]]))).toMatchObject({ field: 'items[3].hcpcs' });
    expect(decideRefill(view('2027-03-27'), answer([{ hcpcs: 'A7035', needed: true, condition: 'worn' }, ...allNeeded]))).toMatchObject({
      field: 'items[0].hcpcs',
    });
  });

  test('nothing needed is a decline; a caregiver names the relationship', () => {
    const none = allNeeded.map((item) => ({
      ...item,
      needed: false,
      ...(item.hcpcs === 'A7038' ? { quantityOnHand: 6 } : { condition: 'functional' as const }),
    }));
    expect(decideRefill(view('2027-03-27'), answer(none))).toMatchObject({
      outcome: 'declined',
      declined: [{ hcpcs: 'A7032' }, { hcpcs: 'A7034' }, { hcpcs: 'A7038', quantityOnHand: 6 }],
    });
    expect(decideRefill(view('2027-03-27'), answer(allNeeded, { answeredBy: 'caregiver' }))).toMatchObject({ field: 'caregiverRelationship' });
    expect(decideRefill(view('2027-03-27'), answer(allNeeded, { answeredBy: 'caregiver', caregiverRelationship: 'spouse' }))).toMatchObject({
      outcome: 'confirmed',
    });
  });

  test('a held, stopped or already ordered plan takes no answer', () => {
    expect(decideRefill(view('2027-03-27', { status: 'held' }), answer(allNeeded))).toMatchObject({ status: 409 });
    expect(decideRefill(view('2027-03-27', { status: 'stopped' }), answer(allNeeded))).toMatchObject({ status: 409 });
    expect(decideRefill(view('2027-03-27', { cycle: { ...cycle, phase: 'ordered' } }), answer(allNeeded))).toMatchObject({ status: 409 });
    expect(decideRefill(view('2027-03-27'), answer(allNeeded, { cycle: 1 }))).toMatchObject({ status: 422, field: 'cycle' });
  });
});

describe('the delivery window of a refill', () => {
  const window = { shipNotBefore: '2027-04-05', shipBy: '2027-04-10' };
  test.each([
    ['2027-04-04', 'not before 2027-04-05'],
    ['2027-04-11', 'ship by 2027-04-10'],
  ])('delivered %s: refused (%s)', (deliveredOn, message) => {
    expect(refillDeliveryRefusal(window, deliveredOn)).toMatchObject({
      status: 422,
      field: 'deliveredOn',
      message: expect.stringContaining(message),
    });
  });
  test.each(['2027-04-05', '2027-04-10'])('delivered %s: taken', (deliveredOn) => {
    expect(refillDeliveryRefusal(window, deliveredOn)).toBeUndefined();
  });
});

describe('after a cycle', () => {
  const items = [
    { hcpcs: 'A7032', endOfUseOn: '2027-04-15' },
    { hcpcs: 'A7034', endOfUseOn: '2027-04-15' },
  ];
  test('a refill delivered early starts its period when the old supply runs out: four masks a year, not five', () => {
    expect(
      afterCycle(items, defaultCatalog, 3, { deliveredOn: '2027-04-06', delivered: ['A7032', 'A7034'], declined: [], dueOn: '2027-04-15' }),
    ).toEqual([
      { hcpcs: 'A7032', endOfUseOn: '2027-07-15' },
      { hcpcs: 'A7034', endOfUseOn: '2027-07-15' },
    ]);
    // Delivered late, it counts from the delivery.
    expect(afterCycle(items, defaultCatalog, 3, { deliveredOn: '2027-04-20', delivered: ['A7034'], declined: [], dueOn: '2027-04-15' })[1]).toEqual({
      hcpcs: 'A7034',
      endOfUseOn: '2027-07-20',
    });
  });

  test('a declined mask is asked about a cycle later; a declined consumable when what remains runs out', () => {
    const filters = [...items, { hcpcs: 'A7038', endOfUseOn: '2027-04-15' }];
    const after = afterCycle(filters, defaultCatalog, 3, {
      delivered: [],
      declined: [{ hcpcs: 'A7034' }, { hcpcs: 'A7038', quantityOnHand: 4 }],
      dueOn: '2027-04-15',
      answeredOn: '2027-03-27',
    });
    expect(after[1]).toEqual({ hcpcs: 'A7034', endOfUseOn: addMonths('2027-04-15', 3) });
    // Four filters at two a month: about 61 days.
    expect(after[2]).toEqual({ hcpcs: 'A7038', endOfUseOn: '2027-05-27' });
  });
});

describe('a new plan', () => {
  test('supplies with a usual maximum, 1 to 3 months, a way to reach the patient', () => {
    const problems = planProblems(
      {
        items: [
          { hcpcs: 'E0601', lastDeliveredOn: '2027-01-01' },
          { hcpcs: 'A7034', lastDeliveredOn: '2027-09-01' },
          { hcpcs: 'A7034', lastDeliveredOn: '2027-01-01' },
        ],
        cycleMonths: 4,
        channel: 'sms',
      },
      defaultCatalog,
      '2027-02-01',
    );
    expect(problems.map((problem) => problem.field)).toEqual([
      'cycleMonths',
      'items[0].hcpcs',
      'items[1].lastDeliveredOn',
      'items[2].hcpcs',
      'contactPhone',
    ]);
  });
});
