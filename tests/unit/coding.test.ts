import { type BillingEvent, codeClaimLines, fitModifiers, orderModifiers, rentalSequenceModifier } from '../../domain/coding';
import { requireCatalogEntry, defaultCatalog } from '../../domain/catalog';
import type { OxygenPrescription } from '../../domain/oxygen';
import type { ClaimLine, OrderItem } from '../../domain/types';

function item(hcpcs: string, extra: Partial<OrderItem> = {}): OrderItem {
  return { id: 'item-1', hcpcs, quantity: 1, acquisition: 'rental', unitCharge: 15_000, ...extra };
}

function rentalMonth(month: number, serviceFrom = '2024-06-10', serviceTo = '2024-07-09', period = 1): BillingEvent {
  return { kind: 'rental-month', period, month, serviceFrom, serviceTo };
}

const purchase: BillingEvent = { kind: 'purchase', dateOfService: '2024-06-10' };
const complete = { documentationComplete: true };

/** The order's oxygen prescription: a group I patient (SpO2 86% on room air). */
function oxygen(flowLpm: number, portable: boolean): OxygenPrescription {
  return {
    flowLpm,
    portable,
    qualification: { group: 'I', testType: 'oximetry', testDate: '2024-06-01', result: { saturationPercent: 86 } },
  };
}
const incomplete = { documentationComplete: false };

/** A rental line of 1 unit at 15 000 cents for the June 10 – July 9 span. */
function rentalLine(hcpcs: string, month: number, modifiers: string[], extra: Partial<ClaimLine> = {}): ClaimLine {
  return {
    itemId: 'item-1',
    hcpcs,
    modifiers,
    units: 1,
    charge: 15_000,
    serviceFrom: '2024-06-10',
    serviceTo: '2024-07-09',
    diagnosisPointers: [1],
    rentalMonth: month,
    ...extra,
  };
}

function purchaseLine(hcpcs: string, modifiers: string[], extra: Partial<ClaimLine> = {}): ClaimLine {
  return {
    itemId: 'item-1',
    hcpcs,
    modifiers,
    units: 1,
    charge: 15_000,
    serviceFrom: '2024-06-10',
    serviceTo: '2024-06-10',
    diagnosisPointers: [1],
    ...extra,
  };
}

describe('codeClaimLines: one row per rule, the expected claim line written out', () => {
  test.each<[string, OrderItem, BillingEvent, Parameters<typeof codeClaimLines>[2], ClaimLine[]]>([
    ['month 1 of a capped rental is RR+KH(+KX)', item('E0601'), rentalMonth(1), complete, [rentalLine('E0601', 1, ['RR', 'KH', 'KX'])]],
    ['month 2 of a capped rental is RR+KI(+KX)', item('E0601'), rentalMonth(2), complete, [rentalLine('E0601', 2, ['RR', 'KI', 'KX'])]],
    ['month 3 of a capped rental is RR+KI(+KX)', item('E0601'), rentalMonth(3), complete, [rentalLine('E0601', 3, ['RR', 'KI', 'KX'])]],
    ['month 4 of a capped rental is RR+KJ(+KX)', item('E0601'), rentalMonth(4), complete, [rentalLine('E0601', 4, ['RR', 'KJ', 'KX'])]],
    ['month 13 of a capped rental is RR+KJ(+KX)', item('E0601'), rentalMonth(13), complete, [rentalLine('E0601', 13, ['RR', 'KJ', 'KX'])]],
    ['month 14 of a capped rental is not billable', item('E0601'), rentalMonth(14), complete, []],
    ['CPAP month 4 without documented adherence carries no KX', item('E0601'), rentalMonth(4), incomplete, [rentalLine('E0601', 4, ['RR', 'KJ'])]],
    ['oxygen bills RR without KH/KI/KJ', item('E1390'), rentalMonth(1), complete, [rentalLine('E1390', 1, ['RR', 'KX'])]],
    ['oxygen month 36 is billable', item('E1390'), rentalMonth(36), complete, [rentalLine('E1390', 36, ['RR', 'KX'])]],
    ['oxygen month 37 is not billable', item('E1390'), rentalMonth(37), complete, []],
    [
      'oxygen above 4 LPM is QG after RR (a commercial payer keeps KX)',
      item('E1390'),
      rentalMonth(5),
      { ...complete, oxygen: oxygen(5, false) },
      [rentalLine('E1390', 5, ['RR', 'QG', 'KX'])],
    ],
    [
      'oxygen below 1 LPM is QE',
      item('E1390'),
      rentalMonth(5),
      { ...complete, oxygen: oxygen(0.5, false) },
      [rentalLine('E1390', 5, ['RR', 'QE', 'KX'])],
    ],
    [
      'oxygen above 4 LPM with portable is QF',
      item('E0439'),
      rentalMonth(5),
      { ...complete, oxygen: oxygen(5, true) },
      [rentalLine('E0439', 5, ['RR', 'QF', 'KX'])],
    ],
    [
      'a frequent-and-substantial-servicing item bills RR with no cap',
      item('E0465'),
      rentalMonth(40),
      complete,
      [rentalLine('E0465', 40, ['RR', 'KX'])],
    ],
    ['an inexpensive item rented bills RR without KH/KI', item('E0100'), rentalMonth(1), complete, [rentalLine('E0100', 1, ['RR', 'KX'])]],
    ['a new purchase is NU', item('E0100', { acquisition: 'purchase' }), purchase, complete, [purchaseLine('E0100', ['NU', 'KX'])]],
    ['a used purchase is UE', item('E0100', { acquisition: 'purchase', used: true }), purchase, complete, [purchaseLine('E0100', ['UE', 'KX'])]],
    [
      'a complex rehab power wheelchair bought: NU+BP+KH',
      item('K0856', { acquisition: 'purchase' }),
      purchase,
      complete,
      [purchaseLine('K0856', ['NU', 'BP', 'KH', 'KX'])],
    ],
    [
      'a complex rehab power wheelchair rented, month 2: RR+BR+KI',
      item('K0856'),
      rentalMonth(2),
      complete,
      [rentalLine('K0856', 2, ['RR', 'BR', 'KI', 'KX'])],
    ],
    [
      'no decision after 30 days: BU',
      item('K0856', { election: 'undecided' }),
      rentalMonth(1),
      complete,
      [rentalLine('K0856', 1, ['RR', 'BU', 'KH', 'KX'])],
    ],
    [
      'a standard power wheelchair carries its prior-auth number on the base line',
      item('K0823'),
      rentalMonth(1),
      { documentationComplete: true, priorAuthNumber: 'A1B2C3D4E5F6G7' },
      [rentalLine('K0823', 1, ['RR', 'KH', 'KX'], { priorAuthNumber: 'A1B2C3D4E5F6G7' })],
    ],
    [
      'a hospital bed keeps its prior-auth number at claim level (none on the line)',
      item('E0193'),
      rentalMonth(1),
      { documentationComplete: true, priorAuthNumber: 'A1B2C3D4E5F6G7' },
      [rentalLine('E0193', 1, ['RR', 'KH', 'KX'])],
    ],
    ['a PEN pump month 15 is KJ', item('B9002'), rentalMonth(15), complete, [rentalLine('B9002', 15, ['RR', 'BR', 'KJ', 'KX'])]],
    ['a PEN pump month 16 is not billable', item('B9002'), rentalMonth(16), complete, []],
    [
      'a PEN pump bought: NU+BP+KH',
      item('B9002', { acquisition: 'purchase' }),
      purchase,
      complete,
      [purchaseLine('B9002', ['NU', 'BP', 'KH', 'KX'])],
    ],
    ['with an ABN: GA and no KX', item('E0260', { abnOnFile: true }), rentalMonth(1), complete, [rentalLine('E0260', 1, ['RR', 'KH', 'GA'])]],
    [
      'denial expected without an ABN: GZ and no KX',
      item('E0260', { denialExpected: true }),
      rentalMonth(1),
      complete,
      [rentalLine('E0260', 1, ['RR', 'KH', 'GZ'])],
    ],
    [
      'an ABN wins over an expected denial: GA',
      item('E0260', { denialExpected: true, abnOnFile: true }),
      rentalMonth(1),
      complete,
      [rentalLine('E0260', 1, ['RR', 'KH', 'GA'])],
    ],
    [
      'a bilateral knee orthosis is two lines of one unit: LT and RT',
      item('L1832', { acquisition: 'purchase', side: 'bilateral' }),
      purchase,
      complete,
      [purchaseLine('L1832', ['KX', 'LT']), purchaseLine('L1832', ['KX', 'RT'])],
    ],
    ['a right knee orthosis: RT', item('L1851', { acquisition: 'purchase', side: 'RT' }), purchase, complete, [purchaseLine('L1851', ['KX', 'RT'])]],
    [
      'a glucose monitor for an insulin-treated patient: KX',
      item('E0607', { acquisition: 'purchase', insulinTreated: true }),
      purchase,
      complete,
      [purchaseLine('E0607', ['NU', 'KX'])],
    ],
    [
      'a glucose monitor for a patient not insulin-treated: KS',
      item('E0607', { acquisition: 'purchase', insulinTreated: false }),
      purchase,
      complete,
      [purchaseLine('E0607', ['NU', 'KS'])],
    ],
    [
      'test strips for a patient not insulin-treated: KS, no pricing modifier on supplies',
      item('A4253', { acquisition: 'purchase', quantity: 2, unitCharge: 3_000 }),
      purchase,
      complete,
      [purchaseLine('A4253', ['KS'], { units: 2, charge: 6_000 })],
    ],
    [
      'PAP supplies carry no pricing modifier',
      item('A7038', { acquisition: 'purchase', quantity: 6, unitCharge: 500 }),
      purchase,
      complete,
      [purchaseLine('A7038', ['KX'], { units: 6, charge: 3_000 })],
    ],
    [
      'a replacement carries RA on its first month',
      item('E1390', { replacement: true }),
      rentalMonth(1),
      complete,
      [rentalLine('E1390', 1, ['RR', 'KX', 'RA'])],
    ],
    ['RA is not repeated on later months', item('E1390', { replacement: true }), rentalMonth(2), complete, [rentalLine('E1390', 2, ['RR', 'KX'])]],
    [
      'a hospice patient, item unrelated to the terminal condition: GW',
      item('E0601', { hospiceUnrelated: true }),
      rentalMonth(5),
      complete,
      [rentalLine('E0601', 5, ['RR', 'KJ', 'KX', 'GW'])],
    ],
    [
      'more than four modifiers: 99 in the 4th position, the rest in the narrative',
      item('K0856', { replacement: true, hospiceUnrelated: true }),
      rentalMonth(1),
      complete,
      [rentalLine('K0856', 1, ['RR', 'BR', 'KH', '99'], { narrative: 'Additional modifiers: KX RA GW' })],
    ],
    [
      'month 1 of a new rental period after a break in need says so in the narrative',
      item('E0601'),
      rentalMonth(1, '2024-06-10', '2024-07-09', 2),
      complete,
      [rentalLine('E0601', 1, ['RR', 'KH', 'KX'], { narrative: 'Break in need: new rental period 2 with a new order' })],
    ],
    [
      'continuous passive motion is paid per day: one unit per day of the span',
      item('E0935', { unitCharge: 2_000 }),
      rentalMonth(1, '2024-06-10', '2024-06-30'),
      complete,
      [rentalLine('E0935', 1, ['RR', 'KX'], { units: 21, charge: 42_000, serviceTo: '2024-06-30' })],
    ],
    [
      'diagnosis pointers passed in are kept',
      item('E0601'),
      rentalMonth(1),
      { documentationComplete: true, diagnosisPointers: [2, 1] },
      [rentalLine('E0601', 1, ['RR', 'KH', 'KX'], { diagnosisPointers: [2, 1] })],
    ],
    [
      'quantity 2 is 2 units at twice the charge',
      item('E0100', { acquisition: 'purchase', quantity: 2 }),
      purchase,
      complete,
      [purchaseLine('E0100', ['NU', 'KX'], { units: 2, charge: 30_000 })],
    ],
    [
      'a code missing from the catalog still gets its acquisition modifier (the scrubber reports the code)',
      item('E9999'),
      rentalMonth(1),
      complete,
      [rentalLine('E9999', 1, ['RR', 'KX'])],
    ],
  ])('%s', (_rule, orderItem, event, options, expected) => {
    expect(codeClaimLines(orderItem, event, options)).toEqual(expected);
  });
});

describe('rentalSequenceModifier', () => {
  const cpap = requireCatalogEntry(defaultCatalog, 'E0601');
  const penPump = requireCatalogEntry(defaultCatalog, 'B9002');
  const oxygen = requireCatalogEntry(defaultCatalog, 'E1390');
  test.each([
    ['capped rental', 1, 'KH', cpap],
    ['capped rental', 2, 'KI', cpap],
    ['capped rental', 3, 'KI', cpap],
    ['capped rental', 4, 'KJ', cpap],
    ['capped rental', 13, 'KJ', cpap],
    ['capped rental', 14, undefined, cpap],
    ['PEN pump', 15, 'KJ', penPump],
    ['PEN pump', 16, undefined, penPump],
    ['oxygen', 1, undefined, oxygen],
  ])('%s month %i: %p', (_name, month, modifier, entry) => {
    expect(rentalSequenceModifier(entry, month)).toBe(modifier);
  });
});

describe('modifier order and the four-modifier limit', () => {
  test.each([
    [
      ['KX', 'RR', 'KH'],
      ['RR', 'KH', 'KX'],
    ],
    [
      ['RT', 'GA', 'NU'],
      ['NU', 'GA', 'RT'],
    ],
    [
      ['KJ', 'BR', 'RR', 'KX'],
      ['RR', 'BR', 'KJ', 'KX'],
    ],
    [
      ['RR', 'RR', 'KX'],
      ['RR', 'KX'],
    ],
  ])('%j is sent as %j', (given, ordered) => {
    expect(orderModifiers(given)).toEqual(ordered);
  });

  test.each([
    [['RR', 'KH', 'KX', 'GW'], { modifiers: ['RR', 'KH', 'KX', 'GW'], overflow: [] }],
    [['RR', 'BR', 'KH', 'KX', 'RT'], { modifiers: ['RR', 'BR', 'KH', '99'], overflow: ['KX', 'RT'] }],
  ])('%j fits as %j', (ordered, fitted) => {
    expect(fitModifiers(ordered)).toEqual(fitted);
  });
});
