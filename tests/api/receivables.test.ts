/**
 * Receivables end to end through HTTP on a real dev server, worker and sandbox payer:
 * a claim paid by the sandbox's 835 and its patient share paid closes in the A/R report;
 * a denial trigger leads to an appeal task worked through the appeal endpoints; a
 * duplicate payment becomes a credit balance resolved through the API; the A/R totals
 * reconcile to the claim ledger, by payer level too (ar-aging-levels.test.ts splits a
 * secondary's and tertiary's part).
 */
import { inArray, sql } from 'drizzle-orm';
import { claimPayments, claims } from '../../db/schema';
import {
  buildTestApp,
  completeDocuments,
  createOrder,
  deliver,
  registerPatient,
  todayIso,
  uploadRemittance,
  waitForOrder,
  type ApiCall,
} from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTemporalStack, type TemporalStack } from '../support/temporal-stack';

jest.setTimeout(180_000);

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

/** An order taken from intake to a claim the clearinghouse accepted, per the member id's trigger. */
async function acceptedClaim(memberId: string) {
  const orderId = await createOrder(call, await registerPatient(call, { memberId }));
  await completeDocuments(call, orderId);
  await deliver(call, orderId);
  const order = await waitForOrder(call, orderId, (o) => o.claims[0]?.status === 'accepted', 'claim accepted');
  return { orderId, claimId: order.claims[0].id as string, claimNumber: order.claims[0].claimNumber as string };
}

/** The 835 the sandbox payer will send for a claim once its remittance delay has passed. */
async function sandbox835(claimNumber: string): Promise<string> {
  const { files } = await stack.clearinghouse.collect(new Date(Date.now() + 30 * 86_400_000));
  const file = files.find((candidate) => candidate.name.startsWith('sandbox-835-') && candidate.x12.includes(`CLP*${claimNumber}*`));
  if (!file) throw new Error(`no 835 for ${claimNumber}`);
  return file.x12;
}

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

const claimView = async (claimId: string) => (await call('GET', `/claims/${claimId}`, { role: 'biller' })).json;
const aging = async (query = '') => (await call('GET', `/reports/ar-aging${query}`, { role: 'biller' })).json;
const openTask = (claimId: string, kind: string) =>
  until(async () => {
    const queue = await call('GET', '/tasks?limit=100', { role: 'admin' });
    return queue.json.tasks.find((task: { claimId: string; kind: string }) => task.claimId === claimId && task.kind === kind);
  }, `${kind} task`);

describe('a claim paid by the sandbox 835', () => {
  test('is posted, its patient share paid, and shows closed (zero open balance) in the A/R report', async () => {
    const { orderId, claimId, claimNumber } = await acceptedClaim('1EG4TE5MK73');
    const before = await aging();
    expect(before.openClaims).toEqual(
      expect.arrayContaining([expect.objectContaining({ claimId, bucket: '0-30', payerBalance: 4_500, patientBalance: 0 })]),
    );

    const { upload, posted } = await uploadRemittance(call, await sandbox835(claimNumber));
    expect(upload.status).toBe(202);
    expect(posted.claims).toEqual([expect.objectContaining({ claimId, outcome: 'paid' })]);
    await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'closed', 'order closed');
    const paid = await until(async () => {
      const view = await claimView(claimId);
      return view.resolution ? view : undefined;
    }, 'claim resolved');
    expect(paid).toMatchObject({ status: 'paid', resolution: 'patient-billed' });

    const owed = (await aging()).openClaims.find((row: { claimId: string }) => row.claimId === claimId);
    expect(owed).toMatchObject({ payerBalance: 0, patientBalance: expect.any(Number) });
    expect(owed.patientBalance).toBeGreaterThan(0);

    expect((await call('POST', `/claims/${claimId}/patient-payments`, { role: 'intake', body: { amount: 1, receivedOn: todayIso() } })).status).toBe(
      403,
    );
    expect(
      (await call('POST', `/claims/${unknownId}/patient-payments`, { role: 'biller', body: { amount: 1, receivedOn: todayIso() } })).status,
    ).toBe(404);
    expect((await call('POST', `/claims/${claimId}/patient-payments`, { role: 'biller', body: { amount: 0, receivedOn: todayIso() } })).status).toBe(
      400,
    );
    const payment = await call('POST', `/claims/${claimId}/patient-payments`, {
      role: 'biller',
      body: { amount: owed.patientBalance, receivedOn: todayIso(), reference: 'CHK 2231' },
    });
    expect(payment.status).toBe(201);
    expect(payment.json.creditBalances).toEqual([]);

    const after = await aging();
    expect(after.openClaims.some((row: { claimId: string }) => row.claimId === claimId)).toBe(false);
    const medicare = after.payers.find((payer: { payerId: string }) => payer.payerId === 'medicare-jb');
    expect(medicare.totals.claims - medicare.totals.openClaims).toBeGreaterThanOrEqual(1);

    // Paying more than owed leaves a patient credit balance, refunded or applied with consent only.
    const over = await call('POST', `/claims/${claimId}/patient-payments`, { role: 'biller', body: { amount: 500, receivedOn: todayIso() } });
    expect(over.status).toBe(201);
    expect(over.json.creditBalances).toEqual([expect.objectContaining({ party: 'patient', amount: 500, reason: 'patient-overpayment' })]);
    expect(over.json.creditBalanceWorkflows).toEqual([{ creditBalanceId: over.json.creditBalances[0].creditBalanceId, start: 'started' }]);
    const creditId = over.json.creditBalances[0].creditBalanceId;
    const noConsent = await call('POST', `/credit-balances/${creditId}/resolve`, {
      role: 'biller',
      body: { resolution: 'apply-to-balance', targetClaimId: unknownId },
    });
    expect(noConsent.status).toBe(422);
    expect(noConsent.json.error.details.map((problem: { field: string }) => problem.field)).toEqual(['consent', 'targetClaimId']);
    expect((await call('POST', `/credit-balances/${creditId}/resolve`, { role: 'biller', body: { resolution: 'refund-to-payer' } })).status).toBe(
      422,
    );
    const refund = await call('POST', `/credit-balances/${creditId}/resolve`, {
      role: 'biller',
      body: { resolution: 'refund-to-patient', reference: 'CHK 9001' },
    });
    expect(refund.status).toBe(202);
    await until(async () => {
      const resolved = await call('GET', `/credit-balances?status=resolved&claimId=${claimId}`, { role: 'biller' });
      return resolved.json.creditBalances[0]?.resolution === 'refund-to-patient' ? true : undefined;
    }, 'patient refund recorded');
    expect((await call('POST', `/credit-balances/${creditId}/resolve`, { role: 'biller', body: { resolution: 'refund-to-patient' } })).status).toBe(
      409,
    );
    expect((await aging()).openClaims.some((row: { claimId: string }) => row.claimId === claimId)).toBe(false);
  });
});

describe('a denial (member id …93: CO-50)', () => {
  test('leads to an appeal task; filing and a lost decision go through the appeal endpoints to the next level', async () => {
    const { claimId, claimNumber } = await acceptedClaim('1EG4TE5MK93');
    expect((await call('POST', `/claims/${claimId}/appeal`, { role: 'biller', body: { filedOn: todayIso() } })).status).toBe(409);

    // Posted before the sandbox would send it, so dated today: the appeal clock starts at the payment date (BPR16).
    const dated = (await sandbox835(claimNumber)).replace(/(BPR\*[^~]*\*)\d{8}~/, `$1${todayIso().replace(/-/g, '')}~`);
    expect((await uploadRemittance(call, dated)).posted.status).toBe('posted');
    const task = await openTask(claimId, 'redetermination-due');
    expect(task).toMatchObject({ role: 'biller', dueAt: expect.any(String) });
    const view = await claimView(claimId);
    expect(view).toMatchObject({
      status: 'appealing',
      appeals: [expect.objectContaining({ level: 'redetermination', status: 'due', denialCodes: ['CO-50', 'N115'], amount: 4_500 })],
    });
    expect((await call('GET', '/claims?status=appealing', { role: 'biller' })).json.claims.map((claim: { id: string }) => claim.id)).toContain(
      claimId,
    );

    expect((await call('POST', `/claims/${unknownId}/appeal`, { role: 'biller', body: { filedOn: todayIso() } })).status).toBe(404);
    expect((await call('POST', `/claims/${claimId}/appeal`, { role: 'intake', body: { filedOn: todayIso() } })).status).toBe(403);
    const future = await call('POST', `/claims/${claimId}/appeal`, { role: 'biller', body: { filedOn: '2999-01-01' } });
    expect(future.status).toBe(422);
    expect(future.json.error.details).toEqual([{ field: 'filedOn', message: 'must not be in the future' }]);
    expect(
      (await call('POST', `/claims/${claimId}/appeal/decision`, { role: 'biller', body: { decision: 'won', decidedOn: todayIso() } })).status,
    ).toBe(409);

    const filed = await call('POST', `/claims/${claimId}/appeal`, { role: 'biller', body: { filedOn: todayIso(), reference: 'RD-42' } });
    expect(filed.status).toBe(202);
    expect(filed.json).toMatchObject({
      accepted: true,
      command: 'appealFiled',
      appealId: view.appeals[0].id,
      status: { appeal: { status: 'filed' } },
    });
    await until(async () => ((await claimView(claimId)).appeals[0].status === 'filed' ? true : undefined), 'filing recorded');

    const noNext = await call('POST', `/claims/${claimId}/appeal/decision`, { role: 'biller', body: { decision: 'lost', decidedOn: todayIso() } });
    expect(noNext.status).toBe(422);
    expect(noNext.json.error.details[0].field).toBe('next');
    const lost = await call('POST', `/claims/${claimId}/appeal/decision`, {
      role: 'biller',
      body: { decision: 'lost', decidedOn: todayIso(), next: 'next-level', reason: 'upheld' },
    });
    expect(lost.status).toBe(202);
    await openTask(claimId, 'reconsideration-due');
    const reconsideration = (await claimView(claimId)).appeals;
    expect(reconsideration.map((appeal: { level: string; status: string }) => [appeal.level, appeal.status])).toEqual([
      ['redetermination', 'lost'],
      ['reconsideration', 'due'],
    ]);
  });
});

describe('a duplicate payment (member id …95)', () => {
  test('becomes a payer credit balance with its 60-day deadline, resolved by a refund to the payer', async () => {
    const { claimId, claimNumber } = await acceptedClaim('1EG4TE5MK95');
    const first = await sandbox835(claimNumber);
    expect((await uploadRemittance(call, first)).posted.status).toBe('posted');
    // The payer processes the claim again under a second ICN, on a new trace number.
    const icn = /CLP\*[^*~]*\*[^*~]*\*[^*~]*\*[^*~]*\*[^*~]*\*[^*~]*\*(\d+)/.exec(first)![1];
    const second = first.split(icn).join(`2${icn.slice(1)}`);
    const { upload, posted } = await uploadRemittance(call, second);
    expect(upload.status).toBe(202);
    const [credit] = posted.creditBalances;
    expect(credit).toMatchObject({ claimId, party: 'payer', reason: 'duplicate-payment' });
    expect(posted.creditBalanceWorkflows).toEqual([{ creditBalanceId: credit.creditBalanceId, start: 'started' }]);

    const listed = await call('GET', '/credit-balances', { role: 'biller' });
    const row = listed.json.creditBalances.find((candidate: { id: string }) => candidate.id === credit.creditBalanceId);
    expect(row).toMatchObject({
      status: 'open',
      amount: credit.amount,
      deadlineOn: new Date(Date.parse(row.identifiedAt) + 60 * 86_400_000).toISOString().slice(0, 10),
    });
    expect((await call('GET', '/credit-balances', { role: 'intake' })).status).toBe(403);
    await openTask(claimId, 'credit-balance-identified');

    expect((await call('POST', `/credit-balances/${unknownId}/resolve`, { role: 'biller', body: { resolution: 'refund-to-payer' } })).status).toBe(
      404,
    );
    const wrong = await call('POST', `/credit-balances/${credit.creditBalanceId}/resolve`, {
      role: 'biller',
      body: { resolution: 'refund-to-patient' },
    });
    expect(wrong.status).toBe(422);
    const resolved = await call('POST', `/credit-balances/${credit.creditBalanceId}/resolve`, {
      role: 'biller',
      body: { resolution: 'refund-to-payer', reference: 'EFT 77' },
    });
    expect(resolved.status).toBe(202);
    const done = await stack.client.workflow.getHandle(`credit-balance-${credit.creditBalanceId}`).result();
    expect(done).toMatchObject({ resolution: 'refund-to-payer' });
    expect((await claimView(claimId)).resolution).toBe('refunded');
  });
});

describe('GET /reports/ar-aging', () => {
  test('totals reconcile: charges − payments − contractual − write-offs + recoupments + refunds = payer + patient balances, and match the claim tables', async () => {
    const report = await aging();
    expect(report.buckets).toEqual(['0-30', '31-60', '61-90', '91-120', '121+']);
    const t = report.totals;
    expect(t.charges - t.payerPayments - t.patientPayments - t.contractualAdjustments - t.writeOffs + t.recoupments + t.refunds).toBe(
      t.payerBalance + t.patientBalance,
    );
    const sumOf = (rows: Array<{ payerBalance: number; patientBalance: number }>, key: 'payerBalance' | 'patientBalance') =>
      rows.reduce((total, row) => total + row[key], 0);
    const bucketRows = report.payers.flatMap((payer: { buckets: Record<string, { payerBalance: number; patientBalance: number }> }) =>
      Object.values(payer.buckets),
    );
    expect(sumOf(bucketRows, 'payerBalance')).toBe(t.payerBalance);
    expect(sumOf(bucketRows, 'patientBalance')).toBe(t.patientBalance);
    // By payer level (DOMAIN.md §15): the levels make up the payer balance, and who owes what (each payer at its level, the patient) sums to them.
    expect(t.levels.primary + t.levels.secondary + t.levels.tertiary).toBe(t.payerBalance);
    const owedAt = (level: string) =>
      report.owedBy
        .filter((entry: { level: string }) => entry.level === level)
        .reduce((total: number, entry: { balance: number }) => total + entry.balance, 0);
    expect({ primary: owedAt('primary'), secondary: owedAt('secondary'), tertiary: owedAt('tertiary') }).toEqual(t.levels);
    expect(owedAt('patient')).toBe(t.patientBalance);

    const filed = await database.db.select().from(claims);
    const counted = filed.filter((claim) => claim.submittedAt && !['rejected', 'corrected'].includes(claim.status));
    expect(t.claims).toBe(counted.length);
    expect(t.charges).toBe(counted.reduce((total, claim) => total + claim.totalCharge, 0));
    const [{ paid }] = await database.db
      .select({ paid: sql<number>`coalesce(sum(${claimPayments.paid}), 0)::int` })
      .from(claimPayments)
      .where(
        inArray(
          claimPayments.claimId,
          counted.map((claim) => claim.id),
        ),
      );
    expect(t.payerPayments).toBe(paid);

    // Forty-five days on, the same open balances have aged into 31–60.
    const later = await aging(`?asOf=${new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10)}`);
    expect(later.openClaims.every((row: { bucket: string }) => row.bucket === '31-60')).toBe(true);
    expect(later.totals.payerBalance).toBe(t.payerBalance);
    expect((await call('GET', '/reports/ar-aging?asOf=2026-02-30', { role: 'biller' })).status).toBe(400);
    expect((await call('GET', '/reports/ar-aging', { role: 'intake' })).status).toBe(403);
  });
});
