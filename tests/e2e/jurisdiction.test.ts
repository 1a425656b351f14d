/**
 * DME MAC jurisdiction end to end over HTTP (DOMAIN.md §9): a Temporal dev server, a
 * worker running the real workflows and activities against Postgres with the sandbox
 * payer, and the API on a real 127.0.0.1 port.
 *
 * - A Texas patient whose Medicare coverage names JB is refused: 422 naming JC and its
 *   EDI payer id (Medicare DME claims go to the DME MAC of the beneficiary's permanent
 *   address: Noridian JD "Claims Filing Based on Beneficiary Address").
 * - A CPAP rental delivered two months ago in Texas, whose patient moved to Ohio a month
 *   ago (recorded through POST /patients/:id/addresses), delivery recorded today: the
 *   three catch-up months are all prepared after the move, so all go to JB with the Ohio
 *   address, month 1 too although it was served in Texas (CGS JC, "Reminder About
 *   Beneficiary Addresses", 2022-02-09: "Claims are determined based on the
 *   beneficiary's address at the time the claim is processed, not the beneficiary's
 *   address on the date of service"). Months claimed before a move are shown on the
 *   time-skipping server (tests/workflow/order-dme-mac-move.test.ts).
 */
import { addMonths } from '../../domain/calendar';
import { completeDocuments, createOrder, deliver, patientBody, todayIso, waitForOrder, type ApiCall } from '../support/api';
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

const texas = { line1: '1 Congress Ave', city: 'Austin', state: 'TX', zip: '78701' };
const ohio = { line1: '12 Main St', city: 'Columbus', state: 'OH', zip: '43215' };

async function registerTexan(): Promise<string> {
  const response = await call('POST', '/patients', { role: 'intake', body: { ...patientBody, address: texas } });
  expect(response.status).toBe(201);
  return response.json.id;
}

test('a Texas patient with the JB contractor as payer is refused: 422 naming JC, the right one, with its payer id', async () => {
  const patientId = await registerTexan();
  const response = await call('POST', `/patients/${patientId}/coverages`, {
    role: 'intake',
    body: { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary' },
  });
  expect(response.status).toBe(422);
  expect(response.json.error).toMatchObject({
    code: 'unprocessable',
    details: [{ field: 'payerId', message: expect.stringContaining('jurisdiction JC: use payer medicare-jc') }],
  });
  expect(response.json.error.details[0].message).toContain('EDI payer id 18003');
  expect((await call('GET', `/patients/${patientId}`, { role: 'biller' })).json.coverages).toEqual([]);
});

describe('a CPAP rental whose patient moves from Texas (JC) to Ohio (JB) mid-rental', () => {
  const deliveredOn = addMonths(todayIso(), -2);
  const movedOn = addMonths(deliveredOn, 1);
  let orderId: string;
  let claims: Array<{ claimId: string; rentalMonth: number; serviceFrom: string }>;

  beforeAll(async () => {
    const patientId = await registerTexan();
    const coverage = await call('POST', `/patients/${patientId}/coverages`, {
      role: 'intake',
      body: { payerId: 'medicare-jc', memberId: '1EG4TE5MK73', priority: 'primary' },
    });
    expect(coverage.status).toBe(201);
    orderId = await createOrder(
      call,
      { patientId, coverageId: coverage.json.id },
      { orderDate: deliveredOn, diagnoses: ['G47.33'], items: [{ hcpcs: 'E0601', quantity: 1, acquisition: 'rental', unitCharge: 12_000 }] },
    );
    await completeDocuments(call, orderId);
    await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'delivery', 'waiting for delivery');
    const moved = await call('POST', `/patients/${patientId}/addresses`, { role: 'intake', body: { ...ohio, effectiveOn: movedOn } });
    expect(moved.status).toBe(201);
    await deliver(call, orderId, deliveredOn);
    const order = await waitForOrder(
      call,
      orderId,
      (o) => o.workflow.status.claims.filter((claim: { status: string }) => claim.status === 'submitted').length === 3,
      'months 1–3 submitted',
      60_000,
    );
    claims = [...order.workflow.status.claims].sort((a, b) => a.rentalMonth - b.rentalMonth);
  }, 120_000);

  test('every month, month 1 served in Texas too, is prepared after the move and goes to JB', async () => {
    expect(claims.map((claim) => [claim.rentalMonth, claim.serviceFrom])).toEqual([
      [1, deliveredOn],
      [2, movedOn],
      [3, addMonths(deliveredOn, 2)],
    ]);
    const payers = [];
    for (const claim of claims) payers.push((await call('GET', `/claims/${claim.claimId}`, { role: 'biller' })).json.payerId);
    expect(payers).toEqual(['medicare-jb', 'medicare-jb', 'medicare-jb']);
  });

  test('each 837P names JB in 2010BB and carries the Ohio address on file when it was prepared', async () => {
    const files = [];
    for (const claim of claims) files.push((await call('GET', `/claims/${claim.claimId}/837`, { role: 'biller' })).text);
    for (const file of files) {
      expect(file).toContain('~NM1*PR*2*MEDICARE DME MAC JURISDICTION B (CGS)*****PI*17003~');
      expect(file).toContain('~N4*COLUMBUS*OH*43215~');
      expect(file).not.toContain('18003');
      expect(file).not.toContain('AUSTIN');
    }
  });

  test('billing staff get a task naming the two jurisdictions for the open order', async () => {
    const response = await call('GET', '/tasks?role=biller', { role: 'biller' });
    expect(response.status).toBe(200);
    expect(response.json.tasks).toContainEqual(
      expect.objectContaining({ orderId, kind: 'dme-mac-changed', title: expect.stringContaining('from DME MAC jurisdiction JC to JB') }),
    );
  });

  describeWithX12Valid('the 837P sent to the new contractor', () => {
    test('passes x12valid', async () => {
      const file = (await call('GET', `/claims/${claims[0].claimId}/837`, { role: 'biller' })).text;
      expect(x12valid(file)).toEqual({ ok: true, errors: [] });
    });
  });
});
