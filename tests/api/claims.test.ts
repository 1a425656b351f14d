/**
 * Claims through the API against a real Temporal dev server, the real workflows and the
 * sandbox payer: the claim the order workflow filed, its events and its 837P as sent;
 * the payer's 835 posted through POST /remittances closing the claim and the order; and
 * a claim the payer rejected, corrected through the API.
 */
import { count, eq } from 'drizzle-orm';
import { claimPayments, claims } from '../../db/schema';
import { buildTestApp, completeDocuments, createOrder, deliver, registerPatient, uploadRemittance, waitForOrder, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTemporalStack, type TemporalStack } from '../support/temporal-stack';

jest.setTimeout(120_000);

let database: TestDatabase;
let stack: TemporalStack;
let call: ApiCall;

beforeAll(async () => {
  database = await createTestDatabase();
  stack = await startTemporalStack(database, { acknowledgementDelayMs: 500 });
  call = buildTestApp(database, stack.temporal).call;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

const unknownId = '00000000-0000-4000-8000-000000000000';

/** An order taken from intake to a claim the clearinghouse accepted (or rejected, per the member id). */
async function orderWithClaim(memberId?: string, claimStatus = 'accepted') {
  const orderId = await createOrder(call, await registerPatient(call, memberId ? { memberId } : {}));
  await completeDocuments(call, orderId);
  await deliver(call, orderId);
  const order = await waitForOrder(call, orderId, (o) => o.claims.length > 0 && o.claims[0].status === claimStatus, `claim ${claimStatus}`);
  return { orderId, claim: order.claims[0] };
}

describe('a claim the payer accepted, then paid', () => {
  let orderId: string;
  let claimId: string;
  beforeAll(async () => {
    const filed = await orderWithClaim();
    orderId = filed.orderId;
    claimId = filed.claim.id;
  });

  test('GET /claims lists it, with filters and paging; billers only', async () => {
    const all = await call('GET', '/claims', { role: 'biller' });
    expect(all.status).toBe(200);
    expect(all.json.claims).toEqual([
      expect.objectContaining({ id: claimId, orderId, payerId: 'medicare-jb', status: 'accepted', totalCharge: 4500, paidAmount: 0 }),
    ]);
    expect(all.json.page).toEqual({ limit: 25, offset: 0, total: 1 });
    expect((await call('GET', `/claims?orderId=${orderId}&status=accepted`, { role: 'biller' })).json.claims).toHaveLength(1);
    expect((await call('GET', '/claims?status=paid', { role: 'biller' })).json.claims).toEqual([]);
    expect((await call('GET', '/claims?payerId=commercial-acme', { role: 'admin' })).json.claims).toEqual([]);
    const bad = await call('GET', '/claims?status=lost', { role: 'biller' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe('query.status');
    expect((await call('GET', '/claims', { role: 'intake' })).status).toBe(403);
  });

  test('GET /claims/:id: lines with modifiers in order, and the acknowledgements as events', async () => {
    const response = await call('GET', `/claims/${claimId}`, { role: 'biller' });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      id: claimId,
      claimNumber: expect.stringMatching(/^DME[0-9A-F]{17}$/),
      status: 'accepted',
      lines: [{ lineNumber: 1, hcpcs: 'E0100', modifiers: ['NU', 'KX'], units: 1, charge: 4500, rentalMonth: null, voided: false }],
      payments: [],
    });
    expect(response.json.events.map((event: { kind: string }) => event.kind)).toEqual(expect.arrayContaining(['999', '277CA']));
    expect((await call('GET', `/claims/${unknownId}`, { role: 'biller' })).status).toBe(404);
  });

  test('GET /claims/:id/837 answers the X12 exactly as stored, as text', async () => {
    const [stored] = await database.db.select({ x12: claims.x12, claimNumber: claims.claimNumber }).from(claims).where(eq(claims.id, claimId));
    const response = await call('GET', `/claims/${claimId}/837`, { role: 'biller' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(response.text).toBe(stored.x12);
    expect(response.text).toMatch(/^ISA\*/);
    expect(response.text).toContain(`CLM*${stored.claimNumber}*45*`);
    expect((await call('GET', `/claims/${unknownId}/837`, { role: 'biller' })).status).toBe(404);
  });

  test("the payer's 835 posted through the API pays the claim, signals its workflow, and the order closes", async () => {
    // What the sandbox payer will send once its remittance delay has passed.
    const { files } = await stack.clearinghouse.collect(new Date(Date.now() + 30 * 86_400_000));
    const remittance = files.find((file) => file.name.startsWith('sandbox-835-'));
    expect(remittance).toBeDefined();

    const { upload, posted } = await uploadRemittance(call, remittance!.x12);
    expect(upload.status).toBe(202);
    expect(posted.claims).toEqual([expect.objectContaining({ claimId, outcome: 'paid', paid: expect.any(Number) })]);
    expect(posted.signals).toEqual([{ claimId, delivery: 'sent' }]);

    const closed = await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'closed', 'order closed');
    expect(closed.workflow.status.claims[0]).toMatchObject({ claimId, status: 'paid' });
    const claim = await call('GET', `/claims/${claimId}`, { role: 'biller' });
    expect(claim.json.status).toBe('paid');
    expect(claim.json.paidAmount).toBeGreaterThan(0);
    expect(claim.json.payments).toEqual([
      expect.objectContaining({
        outcome: 'paid',
        statusCode: '1',
        lines: [expect.objectContaining({ claimLineId: expect.any(String), hcpcs: 'E0100', adjustments: expect.any(Array) })],
      }),
    ]);

    const [before] = await database.db.select({ n: count() }).from(claimPayments);
    const again = await call('POST', '/remittances', { role: 'biller', text: remittance!.x12, contentType: 'application/edi-x12' });
    expect(again.status).toBe(200);
    expect(again.json.remittances[0]).toMatchObject({ remittanceId: posted.remittanceId, duplicate: true, status: 'posted' });
    // The claim workflow finished; a third upload still finds the first remittance and tells nobody again.
    await waitForClaimWorkflowClosed(claimId);
    const third = await uploadRemittance(call, remittance!.x12);
    expect(third.upload.status).toBe(200);
    expect(third.posted.signals).toEqual([{ claimId, delivery: 'sent' }]);
    const [after] = await database.db.select({ n: count() }).from(claimPayments);
    expect(after.n).toBe(before.n);
  });
});

async function waitForClaimWorkflowClosed(claimId: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const { status } = await stack.client.workflow.getHandle(`claim-${claimId}`).describe();
    if (status.name !== 'RUNNING') return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`claim-${claimId} still running`);
}

describe('a claim the payer rejected at the front end', () => {
  test('is corrected through the API once: the order files a new claim that corrects it', async () => {
    // Member ids ending in 92 make the sandbox's 277CA reject the claim (A7 invalid member id).
    const { orderId, claim } = await orderWithClaim('1EG4TE5MK92', 'rejected');
    await waitForOrder(
      call,
      orderId,
      (o) => o.workflow.status.claims[0]?.status === 'rejected' && o.workflow.status.blockedOn === 'claim-fix',
      'waiting for a fix',
    );
    const rejected = await call('GET', `/claims/${claim.id}`, { role: 'biller' });
    expect(rejected.json).toMatchObject({
      status: 'rejected',
      statusReason: expect.stringContaining('277CA'),
      lines: [expect.objectContaining({ voided: true })],
    });

    const response = await call('POST', `/orders/${orderId}/claims/${claim.id}/correct`, { role: 'biller', body: { note: 'member id corrected' } });
    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ accepted: true, command: 'claimCorrected' });
    const corrected = await waitForOrder(call, orderId, (o) => o.claims.length === 2, 'corrected claim filed');
    const correction = corrected.claims.find((candidate: { id: string }) => candidate.id !== claim.id);
    const [row] = await database.db.select({ correctsClaimId: claims.correctsClaimId }).from(claims).where(eq(claims.id, correction.id));
    expect(row.correctsClaimId).toBe(claim.id);

    const twice = await call('POST', `/orders/${orderId}/claims/${claim.id}/correct`, { role: 'biller', body: {} });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toContain(`already corrected by claim ${correction.id}`);
    expect((await call('POST', `/orders/${orderId}/claims/${claim.id}/correct`, { role: 'intake', body: {} })).status).toBe(403);
  });
});
