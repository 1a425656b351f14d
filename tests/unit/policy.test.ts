import { requiredDocuments } from '../../domain/documentation';
import { deadlineSteps, followUpPolicy, toMilliseconds } from '../../domain/follow-up';
import { payerPolicy } from '../../domain/payer-policy';
import { isUniqueTrackingNumber, priorAuthRequired, priorAuthValidity, priorAuthValidThrough } from '../../domain/prior-auth';
import type { OrderItem } from '../../domain/types';

const medicare = payerPolicy('medicare');
const commercial = payerPolicy('commercial');

function item(hcpcs: string, extra: Partial<OrderItem> = {}): OrderItem {
  return { id: `item-${hcpcs}`, hcpcs, quantity: 1, acquisition: 'rental', unitCharge: 10_000, ...extra };
}

describe('payer policy defaults', () => {
  test.each([
    ['medicare', 'timelyFilingDays', 365],
    ['medicare', 'priorAuthListApplies', true],
    ['medicare', 'faceToFaceListApplies', true],
    ['medicare', 'sequestrationRate', 0.02],
    ['medicare', 'coinsuranceRate', 0.2],
    ['medicare', 'purchaseOptionHoldAfterMonth11', false],
    ['medicare', 'reopeningInsteadOfReplacement', true],
    ['medicare', 'creditBalanceDeadlineDays', 60],
    ['medicaid', 'timelyFilingDays', 365],
    ['medicaid', 'priorAuthListApplies', false],
    ['medicaid', 'sequestrationRate', 0],
    ['medicaid', 'coinsuranceRate', 0],
    ['commercial', 'timelyFilingDays', 90],
    ['commercial', 'priorAuthListApplies', false],
    ['commercial', 'sequestrationRate', 0],
    ['commercial', 'coinsuranceRate', 0.2],
    ['commercial', 'reopeningInsteadOfReplacement', false],
    ['commercial', 'creditBalanceDeadlineDays', 60],
    ['medicaid', 'medicareCrossover', false],
    ['commercial', 'medicareCrossover', false],
  ] as const)('%s: %s defaults to %p', (kind, setting, value) => {
    expect(payerPolicy(kind)[setting]).toBe(value);
  });

  test("the payer table's settings override the defaults, undefined ones do not", () => {
    expect(payerPolicy('commercial', { timelyFilingDays: 180, coinsuranceRate: undefined })).toEqual({
      ...commercial,
      timelyFilingDays: 180,
    });
  });

  test("a supplemental payer whose settings say medicareCrossover receives Medicare's claims from Medicare", () => {
    expect(payerPolicy('commercial', { medicareCrossover: true }).medicareCrossover).toBe(true);
  });
});

describe('prior authorization (DOMAIN.md §6)', () => {
  test.each([
    ['K0823', 'Medicare', true, medicare],
    ['K0856', 'Medicare', true, medicare],
    ['E0193', 'Medicare', true, medicare],
    ['L1832', 'Medicare', true, medicare],
    ['L5856', 'Medicare', true, medicare],
    ['E0601', 'Medicare', false, medicare],
    ['K0001', 'Medicare', false, medicare],
    ['E9999', 'Medicare', false, medicare],
    ['K0823', 'commercial', false, commercial],
    ['K0823', 'commercial applying the list', true, payerPolicy('commercial', { priorAuthListApplies: true })],
    ['K0823', 'Medicare with the list off', false, payerPolicy('medicare', { priorAuthListApplies: false })],
  ])('%s under a %s payer: required %p', (hcpcs, _payerName, required, payer) => {
    expect(priorAuthRequired({ hcpcs }, payer)).toBe(required);
  });

  test.each([
    ['K0823', { months: 6 }],
    ['E0277', { months: 1 }],
    ['L5973', { days: 120 }],
    ['L0648', { days: 60 }],
    ['E0601', undefined],
  ])('an affirmation for %s is valid %j', (hcpcs, validity) => {
    expect(priorAuthValidity(hcpcs)).toEqual(validity);
  });

  test.each([
    // decided on, code, last date of service covered (counted from the day after the decision)
    ['2025-01-15', 'K0823', '2025-07-15'],
    ['2025-01-31', 'E0277', '2025-02-28'],
    ['2025-01-01', 'L5973', '2025-05-01'],
    ['2025-01-01', 'L0648', '2025-03-02'],
  ])('affirmed on %s, %s is covered through %s', (decidedOn, hcpcs, through) => {
    expect(priorAuthValidThrough(decidedOn, hcpcs)).toBe(through);
  });

  test('no validity for an item without prior authorization', () => {
    expect(priorAuthValidThrough('2025-01-01', 'E0601')).toBeUndefined();
  });

  test.each([
    ['A1B2C3D4E5F6G7', true],
    ['12345678901234', true],
    ['A1B2C3', false],
    ['A1B2C3D4E5F6G7H', false],
    ['A1B2-3D4E5F6G7', false],
  ])('unique tracking number %s is well formed: %p', (utn, valid) => {
    expect(isUniqueTrackingNumber(utn)).toBe(valid);
  });
});

describe('required documents (DOMAIN.md §5)', () => {
  const kindsAndDue = (items: OrderItem[], payer = medicare) => requiredDocuments(items, payer).map((document) => [document.kind, document.due]);

  test.each([
    [
      'a cane: written order before the claim, proof of delivery',
      [item('E0100', { acquisition: 'purchase' })],
      [
        ['standard-written-order', 'before-claim'],
        ['proof-of-delivery', 'at-delivery'],
      ],
    ],
    [
      'a hospital bed on the face-to-face list: visit note and written order before delivery',
      [item('E0260')],
      [
        ['standard-written-order', 'before-delivery'],
        ['face-to-face-note', 'before-delivery'],
        ['written-order-prior-to-delivery', 'before-delivery'],
        ['medical-record', 'before-claim'],
        ['proof-of-delivery', 'at-delivery'],
      ],
    ],
    [
      'a power wheelchair: face-to-face list',
      [item('K0823')],
      [
        ['standard-written-order', 'before-delivery'],
        ['face-to-face-note', 'before-delivery'],
        ['written-order-prior-to-delivery', 'before-delivery'],
        ['medical-record', 'before-claim'],
        ['proof-of-delivery', 'at-delivery'],
      ],
    ],
    [
      'CPAP: the sleep study',
      [item('E0601')],
      [
        ['standard-written-order', 'before-claim'],
        ['medical-record', 'before-claim'],
        ['sleep-study', 'before-claim'],
        ['proof-of-delivery', 'at-delivery'],
      ],
    ],
    [
      'oxygen: the qualifying oxygen test',
      [item('E1390')],
      [
        ['standard-written-order', 'before-claim'],
        ['medical-record', 'before-claim'],
        ['oxygen-test', 'before-claim'],
        ['proof-of-delivery', 'at-delivery'],
      ],
    ],
    [
      'an ABN on file: the signed ABN before delivery',
      [item('E0100', { acquisition: 'purchase', abnOnFile: true })],
      [
        ['standard-written-order', 'before-claim'],
        ['abn', 'before-delivery'],
        ['proof-of-delivery', 'at-delivery'],
      ],
    ],
    [
      'a denial expected: an ABN before delivery',
      [item('E0100', { acquisition: 'purchase', denialExpected: true })],
      [
        ['standard-written-order', 'before-claim'],
        ['abn', 'before-delivery'],
        ['proof-of-delivery', 'at-delivery'],
      ],
    ],
    [
      'a code missing from the catalog: the medical record, with a reason',
      [item('E9999')],
      [
        ['standard-written-order', 'before-claim'],
        ['medical-record', 'before-claim'],
        ['proof-of-delivery', 'at-delivery'],
      ],
    ],
  ])('%s', (_name, items, expected) => {
    expect(kindsAndDue(items)).toEqual(expected);
  });

  test('a payer without the face-to-face list needs no visit note', () => {
    const payer = payerPolicy('commercial', { faceToFaceListApplies: false });
    expect(kindsAndDue([item('E0260')], payer)).toEqual([
      ['standard-written-order', 'before-claim'],
      ['medical-record', 'before-claim'],
      ['proof-of-delivery', 'at-delivery'],
    ]);
  });

  test('one written order covers the whole order; it is due as early as its strictest item needs', () => {
    const documents = requiredDocuments([item('E0100', { acquisition: 'purchase' }), item('E0260')], medicare);
    const order = documents.find((document) => document.kind === 'standard-written-order');
    expect(order).toEqual({
      kind: 'standard-written-order',
      due: 'before-delivery',
      itemIds: ['item-E0100', 'item-E0260'],
      reasons: [expect.stringContaining('standard written order')],
    });
  });

  test('reasons say which rule asks for the document', () => {
    const [sleepStudy] = requiredDocuments([item('E0601')], medicare).filter((document) => document.kind === 'sleep-study');
    expect(sleepStudy.reasons).toEqual([expect.stringContaining('AHI of 15 or more')]);
  });

  test('CMN and DIF forms are never required, whatever the order', () => {
    const everything = ['E0100', 'E0260', 'E0601', 'E1390', 'K0823', 'K0856', 'L1832', 'B9002', 'A7030'].map((code) =>
      item(code, { abnOnFile: true }),
    );
    const kinds = requiredDocuments(everything, medicare).map((document) => document.kind as string);
    expect(kinds.some((kind) => /cmn|dif|certificate/i.test(kind))).toBe(false);
  });
});

describe('follow-up policy: one table of durations', () => {
  test.each([
    ['redetermination deadline', followUpPolicy.appeals.redetermination.deadline, 120],
    ['reconsideration deadline', followUpPolicy.appeals.reconsideration.deadline, 180],
    ['reopening deadline', followUpPolicy.appeals.reopening.deadline, 365],
    ['credit balance deadline', followUpPolicy.creditBalance.deadline, 60],
    ['first claim status inquiry', followUpPolicy.claim.statusInquiry.firstAfter, 30],
    ['claim status inquiry cadence', followUpPolicy.claim.statusInquiry.thenEvery, 14],
    ['claim acknowledgement wait', followUpPolicy.claim.acknowledgementWait, 2],
    ['document reminder', followUpPolicy.documents.reminderEvery, 3],
    ['document cancel', followUpPolicy.documents.cancelAfter, 60],
  ])('%s: %j is %i days', (_name, duration, days) => {
    expect(duration.days).toBe(days);
  });

  test('a duration becomes the milliseconds Temporal sleep() takes', () => {
    expect(toMilliseconds({ days: 3 })).toBe(3 * 24 * 60 * 60 * 1000);
  });

  test('the credit-balance deadline steps: reminders, escalation, deadline, in firing order', () => {
    expect(deadlineSteps(followUpPolicy.creditBalance)).toEqual([
      { after: { days: 30 }, action: 'remind' },
      { after: { days: 46 }, action: 'remind' },
      { after: { days: 53 }, action: 'escalate' },
      { after: { days: 60 }, action: 'deadline' },
    ]);
  });

  test("a payer's own deadline moves every step; steps already due fire at once", () => {
    expect(deadlineSteps(followUpPolicy.creditBalance, 20)).toEqual([
      { after: { days: 0 }, action: 'remind' },
      { after: { days: 6 }, action: 'remind' },
      { after: { days: 13 }, action: 'escalate' },
      { after: { days: 20 }, action: 'deadline' },
    ]);
  });
});
