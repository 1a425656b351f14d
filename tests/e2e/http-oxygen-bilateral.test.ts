/**
 * Oxygen and a bilateral pair end to end over HTTP on a served API, a Temporal dev
 * server, a real worker and the sandbox payer (Medicare JB):
 *
 * - E1390 + E0431, group I, 5 LPM with a portable: both lines RR QF N1 (CR 9848: QF on
 *   the stationary and the portable line; DME MAC Nov 2023 reminder: N1 in KX's place on
 *   new rental periods from 2023-04-01), and the 837P passes pyx12's x12valid.
 * - Knee orthoses L1832, side bilateral, quantity 1: two 1-unit lines, LT and RT (DME MAC
 *   "Correct Coding – RT and LT Modifier Usage Change").
 */
import { completeDocuments, createOrder, deliver, registerPatient, todayIso, waitForOrder, type ApiCall } from '../support/api';
import { describeWithX12Valid, x12valid } from '../support/x12valid';
import { startServedStack, type ServedStack } from './served-stack';

jest.setTimeout(120_000);

let call: ApiCall;

let served: ServedStack;
beforeAll(async () => {
  served = await startServedStack({ acknowledgementDelayMs: 1_000 });
  ({ call } = served);
}, 120_000);

afterAll(() => served?.stop());

const submitted = (o: any) => o.claims.length > 0 && o.workflow.status.claims.some((claim: { status: string }) => claim.status === 'submitted');

describe('an oxygen concentrator with a portable, group I at 5 LPM, over HTTP', () => {
  const oxygen = {
    flowLpm: 5,
    portable: true,
    qualification: { group: 'I', testType: 'oximetry', testDate: todayIso(), result: { saturationPercent: 87 } },
  };
  let order: any;

  beforeAll(async () => {
    const patient = await registerPatient(call);
    const orderId = await createOrder(call, patient, {
      diagnoses: ['J44.9'],
      items: [
        { hcpcs: 'E1390', quantity: 1, acquisition: 'rental', unitCharge: 20_000 },
        { hcpcs: 'E0431', quantity: 1, acquisition: 'rental', unitCharge: 4_000 },
      ],
      oxygen,
    });
    await completeDocuments(call, orderId);
    await deliver(call, orderId);
    order = await waitForOrder(call, orderId, submitted, 'first claim submitted', 60_000);
  }, 120_000);

  test('GET /orders/:id shows the prescription as entered', () => {
    expect(order.oxygen).toEqual(oxygen);
  });

  test('month 1 bills both systems RR QF N1, and no KX', async () => {
    const claim = await call('GET', `/claims/${order.claims[0].id}`, { role: 'biller' });
    expect(claim.status).toBe(200);
    expect(claim.json.lines).toEqual([
      expect.objectContaining({ hcpcs: 'E1390', modifiers: ['RR', 'QF', 'N1'], units: 1, charge: 20_000, rentalMonth: 1 }),
      expect.objectContaining({ hcpcs: 'E0431', modifiers: ['RR', 'QF', 'N1'], units: 1, charge: 4_000, rentalMonth: 1 }),
    ]);
  });

  describeWithX12Valid('its 837P', () => {
    test('carries HC:E1390:RR:QF:N1 and HC:E0431:RR:QF:N1 and passes x12valid', async () => {
      const response = await call('GET', `/claims/${order.claims[0].id}/837`, { role: 'biller' });
      expect(response.status).toBe(200);
      expect(response.text).toContain('SV1*HC:E1390:RR:QF:N1*200*UN*1*12**1~');
      expect(response.text).toContain('SV1*HC:E0431:RR:QF:N1*40*UN*1*12**1~');
      expect(x12valid(response.text)).toEqual({ ok: true, errors: [] });
    });
  });
});

describe('a bilateral pair of knee orthoses over HTTP', () => {
  let order: any;

  beforeAll(async () => {
    const patient = await registerPatient(call);
    const orderId = await createOrder(call, patient, {
      diagnoses: ['M17.0'],
      items: [{ hcpcs: 'L1832', quantity: 1, acquisition: 'purchase', side: 'bilateral', unitCharge: 90_000 }],
    });
    await completeDocuments(call, orderId);
    // Knee orthoses are on Medicare's required prior-authorization list (DOMAIN.md §6).
    await waitForOrder(call, orderId, (o) => o.workflow.status.priorAuth.status === 'requested', 'prior auth requested');
    const expiresOn = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
    const affirmed = await call('POST', `/orders/${orderId}/prior-auth`, {
      role: 'reviewer',
      body: { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn },
    });
    expect(affirmed.status).toBe(202);
    await deliver(call, orderId);
    order = await waitForOrder(call, orderId, submitted, 'claim submitted', 60_000);
  }, 120_000);

  test('is billed as two lines of 1 unit, LT and RT', async () => {
    const claim = await call('GET', `/claims/${order.claims[0].id}`, { role: 'biller' });
    expect(claim.json.lines).toEqual([
      expect.objectContaining({ hcpcs: 'L1832', modifiers: ['KX', 'LT'], units: 1, charge: 90_000 }),
      expect.objectContaining({ hcpcs: 'L1832', modifiers: ['KX', 'RT'], units: 1, charge: 90_000 }),
    ]);
    expect(order.claims[0].totalCharge).toBe(180_000);
  });
});
