/**
 * The rules a staff command must pass before the order workflow accepts it (its Update
 * validator calls them; the API answers the status). Sources of the content rules:
 * - prior-auth expiry: the DMEPOS required prior-authorization program's validity
 *   periods (CGS JC "Prior Authorization for DMEPOS", "Decision is valid for"; see
 *   tests/unit/prior-auth-validity.test.ts); the 14-character unique tracking number as
 *   domain/prior-auth.ts has it;
 * - delivery: "As a general Medicare rule, the date of service shall be the date of
 *   delivery" (Noridian JD DME "Proof of Delivery", after CMS Program Integrity Manual
 *   ch. 4 §4.26.1: the signature date is the date the item was received), so it can be
 *   neither in the future nor before the order;
 * - rental holds: DOMAIN.md §10 (a hold starts after the last billed month's date of service).
 */
import {
  cancellationRefusal,
  claimCorrectionRefusal,
  deliveryRefusal,
  documentReceivedRefusal,
  documentReviewRefusal,
  priorAuthDecisionRefusal,
  rentalChangeRefusal,
  type OrderCommandView,
} from '../../domain/order-commands';
import { appealDecisionRefusal, appealFilingRefusal, creditBalanceResolutionRefusal } from '../../domain/claim-commands';
import { defaultCatalog } from '../../domain/catalog';
import { payerPolicy } from '../../domain/payer-policy';
import { startRental } from '../../domain/rental';

const view = (overrides: Partial<OrderCommandView> = {}): OrderCommandView => ({
  today: '2025-03-10',
  stage: 'documentation',
  cancelRequested: false,
  orderDate: '2025-03-01',
  itemIds: ['item-1'],
  hasRentedItem: false,
  priorAuthHcpcs: [],
  catalog: defaultCatalog,
  documents: [{ kind: 'standard-written-order', status: 'missing' }],
  priorAuthStatus: 'not-required',
  deliveredOn: null,
  claims: [],
  pendingCorrections: [],
  rentals: [],
  pendingRentalChanges: [],
  ...overrides,
});

describe('a received document', () => {
  test.each([
    ['a needed kind, missing', view(), { kind: 'standard-written-order' }, undefined],
    [
      'a needed kind, rejected before',
      view({ documents: [{ kind: 'standard-written-order', status: 'rejected', documentId: 'd0' }] }),
      { kind: 'standard-written-order' },
      undefined,
    ],
    ['a kind the order does not need', view(), { kind: 'abn' }, { status: 422, field: 'kind' }],
    [
      'the kind is already approved',
      view({ documents: [{ kind: 'standard-written-order', status: 'approved', documentId: 'd0' }] }),
      { kind: 'standard-written-order' },
      { status: 409 },
    ],
    [
      'the kind waits for review',
      view({ documents: [{ kind: 'standard-written-order', status: 'received', documentId: 'd0' }] }),
      { kind: 'standard-written-order' },
      { status: 409 },
    ],
    ['documents not yet worked out', view({ documents: [] }), { kind: 'standard-written-order' }, { status: 409 }],
    ['a cancelled order', view({ stage: 'cancelled' }), { kind: 'standard-written-order' }, { status: 409 }],
  ] as const)('%s', (_, order, command, expected) => {
    const refusal = documentReceivedRefusal(order, { documentId: 'd1', ...command });
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });
});

describe('a document review', () => {
  const waiting = view({ documents: [{ kind: 'standard-written-order', status: 'received', documentId: 'd1' }] });
  test.each([
    ['approve the document waiting for review', waiting, { documentId: 'd1', decision: 'approved' }, undefined],
    ['reject it with a reason', waiting, { documentId: 'd1', decision: 'rejected', reason: 'unsigned' }, undefined],
    ['reject it without a reason', waiting, { documentId: 'd1', decision: 'rejected' }, { status: 422, field: 'reason' }],
    ['a document the order does not wait on', waiting, { documentId: 'other', decision: 'approved' }, { status: 409 }],
    [
      'a document already approved',
      view({ documents: [{ kind: 'standard-written-order', status: 'approved', documentId: 'd1' }] }),
      { documentId: 'd1', decision: 'approved' },
      { status: 409 },
    ],
  ] as const)('%s', (_, order, command, expected) => {
    const refusal = documentReviewRefusal(order, command);
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });
});

describe('a prior-authorization decision', () => {
  const requested = view({ stage: 'prior-auth', priorAuthStatus: 'requested', priorAuthHcpcs: ['L1851'] });
  test.each([
    [
      'affirmed within the orthosis period of 60 days',
      requested,
      { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn: '2025-05-09' },
      undefined,
    ],
    [
      'affirmed beyond 60 days from the decision',
      requested,
      { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn: '2025-05-10' },
      { status: 422, field: 'expiresOn', message: expect.stringContaining('on or before 2025-05-09') },
    ],
    [
      'affirmed already expired',
      requested,
      { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn: '2025-03-09' },
      { status: 422, field: 'expiresOn' },
    ],
    [
      'affirmed with a 13-character tracking number',
      requested,
      { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G', expiresOn: '2025-04-01' },
      { status: 422, field: 'trackingNumber' },
    ],
    ['affirmed without an expiry', requested, { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7' }, { status: 422, field: 'expiresOn' }],
    ['non-affirmed with reason and next step', requested, { decision: 'non-affirmed', reason: 'no F2F note', next: 'resubmit' }, undefined],
    ['non-affirmed without a next step', requested, { decision: 'non-affirmed', reason: 'no F2F note' }, { status: 422, field: 'next' }],
    [
      'no request waiting',
      view({ stage: 'delivery', priorAuthStatus: 'affirmed' }),
      { decision: 'non-affirmed', reason: 'x', next: 'cancel' },
      { status: 409 },
    ],
  ] as const)('%s', (_, order, command, expected) => {
    const refusal = priorAuthDecisionRefusal(order, command);
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });
});

describe('a delivery confirmation', () => {
  const waiting = view({ stage: 'delivery' });
  test.each([
    ['delivered today', waiting, { deliveredOn: '2025-03-10', serialNumbers: { 'item-1': ['SN1'] } }, undefined],
    ['delivered on the order date', waiting, { deliveredOn: '2025-03-01', serialNumbers: {} }, undefined],
    [
      'already delivered',
      view({ stage: 'delivery', deliveredOn: '2025-03-09' }),
      { deliveredOn: '2025-03-10', serialNumbers: {} },
      { status: 409, message: 'the order was already delivered on 2025-03-09' },
    ],
    ['not waiting for delivery', view({ stage: 'documentation' }), { deliveredOn: '2025-03-10', serialNumbers: {} }, { status: 409 }],
    ['in the future', waiting, { deliveredOn: '2025-03-11', serialNumbers: {} }, { status: 422, field: 'deliveredOn' }],
    ['before the order', waiting, { deliveredOn: '2025-02-28', serialNumbers: {} }, { status: 422, field: 'deliveredOn' }],
    [
      'serial numbers of an item not on the order',
      waiting,
      { deliveredOn: '2025-03-10', serialNumbers: { other: ['SN1'] } },
      { status: 422, field: 'serialNumbers.other' },
    ],
  ] as const)('%s', (_, order, command, expected) => {
    const refusal = deliveryRefusal(order, command);
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });
});

describe('a rental change', () => {
  const rental = startRental({ itemId: 'item-1', hcpcs: 'E0601', firstDateOfService: '2025-01-05', payer: payerPolicy('medicare') });
  const billing = view({
    stage: 'rental',
    hasRentedItem: true,
    deliveredOn: '2025-01-05',
    rentals: [rental],
    claims: [
      { claimId: 'c1', status: 'paid', rentalMonth: 1, serviceFrom: '2025-01-05' },
      { claimId: 'c2', status: 'submitted', rentalMonth: 2, serviceFrom: '2025-02-05' },
    ],
  });
  test.each([
    ['a hold after the last billed month', billing, { change: 'hold', effectiveOn: '2025-02-20' }, undefined],
    ['a hold on the last billed date of service', billing, { change: 'hold', effectiveOn: '2025-02-05' }, { status: 422, field: 'effectiveOn' }],
    [
      'a resume of a rental not on hold',
      billing,
      { change: 'resume', effectiveOn: '2025-02-20' },
      { status: 409, message: 'the rental is not on hold: nothing to resume' },
    ],
    [
      'a resume after a hold accepted but not yet applied',
      { ...billing, pendingRentalChanges: [{ change: 'hold', effectiveOn: '2025-02-20' }] },
      { change: 'resume', effectiveOn: '2025-03-01' },
      undefined,
    ],
    ['a change in the future', billing, { change: 'pickup', effectiveOn: '2025-03-11' }, { status: 422, field: 'effectiveOn' }],
    ['a change before the delivery', billing, { change: 'pickup', effectiveOn: '2025-01-04' }, { status: 422, field: 'effectiveOn' }],
    ['inpatient on a pickup', billing, { change: 'pickup', effectiveOn: '2025-03-01', inpatient: true }, { status: 422, field: 'inpatient' }],
    [
      'a delivered order with no rented item',
      view({ stage: 'receivables', deliveredOn: '2025-01-05' }),
      { change: 'pickup', effectiveOn: '2025-03-01' },
      { status: 409, message: 'the order has no rented item' },
    ],
    [
      'a rental not delivered yet',
      view({ stage: 'delivery', hasRentedItem: true }),
      { change: 'pickup', effectiveOn: '2025-03-01' },
      { status: 409, message: expect.stringContaining('starts at delivery') },
    ],
  ] as const)('%s', (_, order, command, expected) => {
    const refusal = rentalChangeRefusal(order, command);
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });
});

describe('a cancellation and a claim correction', () => {
  test.each([
    ['an open order', view(), undefined],
    ['an order already being cancelled', view({ cancelRequested: true }), { status: 409 }],
    ['a closed order', view({ stage: 'closed' }), { status: 409 }],
  ] as const)('cancel %s', (_, order, expected) => {
    const refusal = cancellationRefusal(order);
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });

  const claims = [
    { claimId: 'rejected', status: 'rejected', serviceFrom: '2025-03-05' },
    { claimId: 'fixed', status: 'rejected', serviceFrom: '2025-03-05', correctedBy: 'c2' },
    { claimId: 'paid', status: 'paid', serviceFrom: '2025-03-05' },
  ];
  test.each([
    ['a rejected claim', view({ claims }), 'rejected', undefined],
    ['a rejected claim whose correction is under way', view({ claims, pendingCorrections: ['rejected'] }), 'rejected', { status: 409 }],
    ['a claim already corrected', view({ claims }), 'fixed', { status: 409, message: 'claim fixed was already corrected by claim c2' }],
    ['a paid claim', view({ claims }), 'paid', { status: 409 }],
    ['a claim of another order', view({ claims }), 'elsewhere', { status: 404, field: 'claimId' }],
  ] as const)('correct %s', (_, order, claimId, expected) => {
    const refusal = claimCorrectionRefusal(order, { claimId });
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });
});

describe('appeals and credit balances', () => {
  const due = { appealId: 'a1', level: 'redetermination', status: 'due', decided: false } as const;
  const filed = { ...due, status: 'filed' } as const;
  test.each([
    ['filing the appeal that is due', due, 'a1', undefined],
    ['filing another appeal', due, 'a2', { status: 409, field: 'appealId' }],
    ['filing one already filed', filed, 'a1', { status: 409 }],
    ['filing with no appeal under way', null, 'a1', { status: 409 }],
  ] as const)('%s', (_, appeal, appealId, expected) => {
    const refusal = appealFilingRefusal(appeal, { appealId });
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });

  const reconsideration = { ...filed, level: 'reconsideration' } as const;
  test.each([
    ['won', filed, { decision: 'won' }, undefined],
    ['lost, next level', filed, { decision: 'lost', next: 'next-level' }, undefined],
    ['lost without a next step', filed, { decision: 'lost' }, { status: 422, field: 'next' }],
    ['won with a next step', filed, { decision: 'won', next: 'write-off' }, { status: 422, field: 'next' }],
    // 42 CFR 405 subpart I: after reconsideration (QIC) come ALJ, Council and court — outside the workflow.
    ['lost reconsideration, next level', reconsideration, { decision: 'lost', next: 'next-level' }, { status: 422, field: 'next' }],
    ['an appeal not yet filed', due, { decision: 'won' }, { status: 409 }],
  ] as const)('decision %s', (_, appeal, command, expected) => {
    const refusal = appealDecisionRefusal(appeal, { appealId: 'a1', ...command });
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });

  test.each([
    [{ open: true, resolving: false }, undefined],
    [{ open: true, resolving: true }, { status: 409 }],
    [{ open: false, resolving: false }, { status: 409 }],
  ])('credit balance %j', (state, expected) => {
    const refusal = creditBalanceResolutionRefusal(state);
    if (expected) expect(refusal).toMatchObject(expected);
    else expect(refusal).toBeUndefined();
  });
});
