/**
 * GET /reports/dashboard: a known mix of claims (accepted first pass, rejected then
 * corrected, rejected by a 999 not yet voided, denied CO-50, paid, never sent, billed
 * long ago) and orders (two stages, blocked on documents and on delivery, closed and
 * cancelled), every figure checked against the value worked out by hand and against
 * what the other endpoints answer for the same rows. Claims and real 835s posted
 * straight to the database (no Temporal needed).
 */
import { eq } from 'drizzle-orm';
import { createOrderActivities } from '../../activities/orders';
import { createRemittanceActivities } from '../../activities/remittances';
import { claimEvents, claimLines, claims, orders } from '../../db/schema';
import { buildTestApp, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { build835, insertClaims, seedPatientOrder, type SeededPatientOrder, type StoredClaim } from '../support/receivables';

const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
const cpapMonth = (month: number) => ({ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: month });

let database: TestDatabase;
let call: ApiCall;
let mix: Record<'accepted' | 'rejected' | 'correction' | 'rejectedBy999' | 'denied' | 'paid' | 'neverSent' | 'billedLongAgo', StoredClaim>;

async function orderAt(stage: (typeof orders.$inferSelect)['stage'], blocked?: { on: 'documents' | 'delivery'; recordedDaysAgo: number }) {
  const order = await seedPatientOrder(database.db);
  await database.db
    .update(orders)
    .set({
      stage,
      blockedOn: blocked?.on ?? null,
      ...(blocked ? { status: { stage, blockedOn: blocked.on }, statusVersion: 1, statusRecordedAt: daysAgo(blocked.recordedDaysAgo) } : {}),
    })
    .where(eq(orders.id, order.orderId));
  return order;
}

async function post(content: string) {
  const posting = createRemittanceActivities({ db: database.db });
  const result = await posting.postRemittance({ content, source: 'api', user: 'bea.biller' });
  if (!result.ok) throw new Error(`not posted: ${JSON.stringify(result.problems)}`);
}

async function acknowledge(claim: StoredClaim, kind: '999' | '277CA', detail: Record<string, unknown>) {
  await database.db.insert(claimEvents).values({ claimId: claim.claimId, eventKey: `${kind}:${claim.claimNumber}`, kind, detail, at: daysAgo(9) });
}

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
  const { db } = database;

  // Orders: the claims' order in receivables; two waiting for documents, one for delivery; one in eligibility; closed and cancelled ones.
  const receivables: SeededPatientOrder = await orderAt('receivables');
  await orderAt('documentation', { on: 'documents', recordedDaysAgo: 3 });
  await orderAt('documentation', { on: 'documents', recordedDaysAgo: 5 });
  await orderAt('delivery', { on: 'delivery', recordedDaysAgo: 2 });
  await orderAt('eligibility');
  await orderAt('closed');
  await orderAt('cancelled');

  const recently = daysAgo(10);
  const [accepted, rejected, rejectedBy999, denied, paid, neverSent, billedLongAgo] = await insertClaims(db, [
    { order: receivables, lines: [cpapMonth(1)], submittedAt: recently },
    { order: receivables, lines: [cpapMonth(2)], submittedAt: recently },
    { order: receivables, lines: [cpapMonth(3)], submittedAt: recently, status: 'submitted' },
    { order: receivables, lines: [cpapMonth(4)], submittedAt: recently },
    { order: receivables, lines: [cpapMonth(5)], submittedAt: recently },
    { order: receivables, lines: [cpapMonth(6)] },
    { order: receivables, lines: [cpapMonth(7)], submittedAt: daysAgo(120) },
  ]);
  await acknowledge(accepted, '999', { code: 'A', errors: [] });
  await acknowledge(accepted, '277CA', { outcome: 'accepted', codes: ['A2:20'] });
  await acknowledge(billedLongAgo, '999', { code: 'E', errors: [] });
  // Rejected by the payer's front end, voided by its workflow, then closed as corrected once the correction went out.
  await acknowledge(rejected, '277CA', { outcome: 'rejected', codes: ['A7:562:85'] });
  await db.update(claimLines).set({ voided: true }).where(eq(claimLines.claimId, rejected.claimId));
  await db.update(claims).set({ status: 'corrected', resolution: 'corrected-and-resubmitted' }).where(eq(claims.id, rejected.claimId));
  const [correction] = await insertClaims(db, [
    {
      order: receivables,
      lines: [{ ...cpapMonth(2), serviceFrom: rejected.lines[0].serviceFrom }],
      submittedAt: recently,
      correctsClaimId: rejected.claimId,
    },
  ]);
  // A 999 rejected the file, and the claim's workflow has not voided it yet: still not a first-pass acceptance.
  await acknowledge(rejectedBy999, '999', { code: 'R', errors: ['5'] });
  await db.update(claims).set({ status: 'built', submittedAt: null }).where(eq(claims.id, neverSent.claimId));

  // Denied as not medically necessary (CO-50) after the contractual CO-45, and paid with the patient's coinsurance (DOMAIN.md §14).
  const line = (claim: StoredClaim) => ({
    hcpcs: 'E0601',
    modifiers: ['RR', 'KH', 'KX'],
    charge: 15_000,
    lineControlNumber: claim.lines[0].lineControlNumber,
  });
  await post(
    build835({
      trace: 'T-DASH-1',
      claims: [
        {
          pcn: denied.claimNumber,
          status: '4',
          charge: 15_000,
          paid: 0,
          icn: '11000003001',
          lines: [
            {
              ...line(denied),
              paid: 0,
              adjustments: [
                { group: 'CO', reason: '45', amount: 8_307 },
                { group: 'CO', reason: '50', amount: 6_693 },
              ],
            },
          ],
        },
        {
          pcn: paid.claimNumber,
          charge: 15_000,
          paid: 5_247,
          icn: '11000003002',
          lines: [
            {
              ...line(paid),
              paid: 5_247,
              allowed: 6_693,
              adjustments: [
                { group: 'CO', reason: '45', amount: 8_307 },
                { group: 'CO', reason: '253', amount: 107 },
                { group: 'PR', reason: '2', amount: 1_339 },
              ],
            },
          ],
        },
      ],
    }),
  );
  mix = { accepted, rejected, correction, rejectedBy999, denied, paid, neverSent, billedLongAgo };
});
afterAll(() => database.drop());

const dashboard = async () => {
  const response = await call('GET', '/reports/dashboard', { role: 'biller' });
  expect(response.status).toBe(200);
  return response.json;
};

/** Every claim as GET /claims and GET /claims/:id show it. */
async function claimViews() {
  const list = await call('GET', '/claims?limit=100', { role: 'biller' });
  return Promise.all(list.json.claims.map(async (claim: { id: string }) => (await call('GET', `/claims/${claim.id}`, { role: 'biller' })).json));
}

test('first-pass acceptance: 4 of the 6 original claims sent were never rejected', async () => {
  const figures = await dashboard();
  // Sent originals: accepted, rejected, rejectedBy999, denied, paid, billedLongAgo (not the correction, not the claim never sent).
  expect(figures.firstPassAcceptance).toEqual({ submitted: 6, acceptedFirstPass: 4, rate: 0.6667 });

  const originals = (await claimViews()).filter((claim) => claim.submittedAt && claim.correctsClaimId === null && claim.frequencyCode === '1');
  expect(originals).toHaveLength(figures.firstPassAcceptance.submitted);
  const rejectedOnce = (claim: any) =>
    ['rejected', 'corrected'].includes(claim.status) ||
    claim.events.some((event: any) => (event.kind === '999' && !['A', 'E'].includes(event.detail.code)) || event.detail.outcome === 'rejected');
  expect(originals.filter((claim) => !rejectedOnce(claim)).map((claim) => claim.id)).toEqual(
    expect.arrayContaining([mix.accepted.claimId, mix.denied.claimId, mix.paid.claimId, mix.billedLongAgo.claimId]),
  );
  expect(originals.filter((claim) => !rejectedOnce(claim))).toHaveLength(figures.firstPassAcceptance.acceptedFirstPass);
});

test('denials: 1 of the 2 adjudicated claims denied, as CO-50 for the amount the payer denied (the contractual CO-45 left out)', async () => {
  const figures = await dashboard();
  expect(figures.denials).toEqual({ adjudicated: 2, denied: 1, rate: 0.5, byReason: [{ code: 'CO-50', claims: 1, amount: 6_693 }] });

  const views = await claimViews();
  const adjudicated = views.filter((claim) => claim.payments.length > 0);
  const denied = adjudicated.filter((claim) => claim.payments.some((payment: any) => payment.outcome === 'denied'));
  expect(adjudicated).toHaveLength(figures.denials.adjudicated);
  expect(denied.map((claim) => claim.id)).toEqual([mix.denied.claimId]);
  expect(denied[0].payments[0].lines[0].adjustments).toEqual(
    expect.arrayContaining([expect.objectContaining({ groupCode: 'CO', reasonCode: '50', amount: 6_693 })]),
  );
});

test('days sales outstanding: the A/R report’s open total over the average daily charge of the last 90 days', async () => {
  const figures = await dashboard();
  // Open: accepted, correction, rejectedBy999 and billedLongAgo 150.00 each, denied 66.93 after CO-45, paid 13.39 (the patient's).
  const openBalance = 4 * 15_000 + 6_693 + 1_339;
  // Charged in the 90 days: accepted, correction, rejectedBy999, denied, paid (billedLongAgo was sent 120 days ago).
  const charges90Days = 5 * 15_000;
  expect(figures.daysSalesOutstanding).toEqual({
    openBalance,
    charges90Days,
    days: Number((openBalance / (charges90Days / 90)).toFixed(1)),
  });
  expect(figures.daysSalesOutstanding.days).toBe(81.6);

  const aging = await call('GET', '/reports/ar-aging', { role: 'biller' });
  expect(aging.json.totals.payerBalance + aging.json.totals.patientBalance).toBe(figures.daysSalesOutstanding.openBalance);
  const since = Date.now() - 90 * DAY;
  const billed = (await claimViews()).filter(
    (claim) => claim.submittedAt && Date.parse(claim.submittedAt) > since && !['rejected', 'corrected'].includes(claim.status),
  );
  expect(billed.reduce((total, claim) => total + claim.totalCharge, 0)).toBe(figures.daysSalesOutstanding.charges90Days);
});

test('open orders by stage: every open stage in workflow order, each equal to GET /orders?stage=…', async () => {
  const figures = await dashboard();
  expect(figures.openOrdersByStage).toEqual([
    { stage: 'documentation', orders: 2 },
    { stage: 'eligibility', orders: 1 },
    { stage: 'prior-auth', orders: 0 },
    { stage: 'delivery', orders: 1 },
    { stage: 'coding', orders: 0 },
    { stage: 'submission', orders: 0 },
    { stage: 'rental', orders: 0 },
    { stage: 'receivables', orders: 1 },
  ]);
  for (const { stage, orders: count } of figures.openOrdersByStage) {
    const listed = await call('GET', `/orders?stage=${stage}`, { role: 'biller' });
    expect({ stage, total: listed.json.page.total }).toEqual({ stage, total: count });
  }
});

test('days on hold: blocked open orders by blocker, days since they began to wait (their last recorded status for rows from before blockedSince)', async () => {
  const figures = await dashboard();
  expect(figures.daysOnHold).toEqual([
    { blockedOn: 'documents', orders: 2, averageDays: 4, maxDays: 5 },
    { blockedOn: 'delivery', orders: 1, averageDays: 2, maxDays: 2 },
  ]);
  for (const { blockedOn, orders: count } of figures.daysOnHold) {
    expect((await call('GET', `/orders?blockedOn=${blockedOn}`, { role: 'biller' })).json.page.total).toBe(count);
  }
});

test('billers and admins only; no patient data in the answer', async () => {
  expect((await call('GET', '/reports/dashboard', { role: 'intake' })).status).toBe(403);
  expect((await call('GET', '/reports/dashboard')).status).toBe(401);
  const response = await call('GET', '/reports/dashboard', { role: 'admin' });
  expect(response.status).toBe(200);
  expect(response.text).not.toMatch(/Ledger|1950-04-01/);
});

describe('orders.blockedSince, the clock days on hold read', () => {
  const recorder = () => createOrderActivities({ db: database.db, clearinghouse: {} as never, supplier: {} as never });
  const record = (orderId: string, blockedOn: 'documents' | 'delivery' | null, version: number, at: Date) =>
    recorder().recordStage({
      orderId,
      stage: blockedOn === 'delivery' ? 'delivery' : 'documentation',
      blockedOn,
      rentalMonth: null,
      status: { version, view: { orderId, stage: 'documentation', blockedOn } as never, nextFollowUpAt: null, at: at.toISOString() },
    });
  const since = async (orderId: string) => (await database.db.select({ at: orders.blockedSince }).from(orders).where(eq(orders.id, orderId)))[0].at;

  test('starts when a blocker begins, stays while the same one holds (a document received), clears when none, starts again on the next', async () => {
    const { orderId } = await seedPatientOrder(database.db);
    const [sixDaysAgo, yesterday, weekAgo, halfDayAgo, quarterDayAgo] = [6, 1, 7, 0.5, 0.25].map(daysAgo);
    await record(orderId, 'documents', 1, sixDaysAgo);
    expect(await since(orderId)).toEqual(sixDaysAgo);
    await record(orderId, 'documents', 2, yesterday);
    expect(await since(orderId)).toEqual(sixDaysAgo);
    // An older view arriving late changes nothing, the clock included.
    await record(orderId, null, 1, weekAgo);
    expect(await since(orderId)).toEqual(sixDaysAgo);
    await record(orderId, null, 3, halfDayAgo);
    expect(await since(orderId)).toBeNull();
    await record(orderId, 'delivery', 4, quarterDayAgo);
    expect(await since(orderId)).toEqual(quarterDayAgo);
  });
});
