/**
 * POST /remittances with real 835 files: a file that does not parse or balance is
 * rejected whole and nothing is stored; a good one is stored, answered 202 + Location,
 * posted once by its remittanceWorkflow (a real worker on a dev server) and read back
 * with GET; uploading it again finds the first. (Signals to claim workflows are covered
 * in claims.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { count, eq, isNull } from 'drizzle-orm';
import { adjustments, auditEvents, claimPayments, linePayments, providerAdjustments, remittances, tasks } from '../../db/schema';
import { buildTestApp, uploadRemittance, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTemporalStack, type TemporalStack } from '../support/temporal-stack';

jest.setTimeout(120_000);

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/x12', name), 'utf8');

let database: TestDatabase;
let stack: TemporalStack;
let call: ApiCall;

beforeAll(async () => {
  database = await createTestDatabase();
  stack = await startTemporalStack(database);
  call = buildTestApp(database, stack.temporal).call;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

async function postingCounts() {
  const tables = [remittances, claimPayments, linePayments, adjustments, providerAdjustments, tasks] as const;
  // Business events only: a refused request leaves its own audit row (method set), which is the point of it.
  const counts = await Promise.all([
    ...tables.map((table) => database.db.select({ n: count() }).from(table)),
    database.db.select({ n: count() }).from(auditEvents).where(isNull(auditEvents.method)),
  ]);
  return counts.map(([row]) => row.n);
}

describe('POST /remittances', () => {
  test.each([
    ['835-unbalanced.x12', 'unbalanced', 3],
    ['835-truncated.x12', 'truncated', 1],
  ])('rejects %s whole with 422 remittance_rejected listing the problems, and stores nothing', async (file, code, problems) => {
    const before = await postingCounts();
    const response = await call('POST', '/remittances', { role: 'biller', text: fixture(file) });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('remittance_rejected');
    expect(response.json.error.details).toHaveLength(problems);
    expect(response.json.error.details[0]).toEqual({ code, message: expect.any(String) });
    expect(await postingCounts()).toEqual(before);
  });

  test('posts a balanced 835: 202 + Location, then GET shows what was posted; claims it cannot match become biller tasks', async () => {
    const { upload, posted } = await uploadRemittance(call, fixture('835-medicare-paid.x12'));
    expect(upload.status).toBe(202);
    const [accepted] = upload.json.remittances;
    expect(accepted).toMatchObject({
      traceNumber: 'EFT0012345',
      duplicate: false,
      workflowId: expect.stringMatching(/^remittance-[A-Za-z0-9.~]+-EFT0012345$/),
    });
    expect(upload.headers.get('location')).toBe(`/remittances/${accepted.remittanceId}`);
    expect(posted).toMatchObject({
      remittanceId: accepted.remittanceId,
      status: 'posted',
      traceNumber: 'EFT0012345',
      paymentAmount: 121520,
      claims: [],
      source: 'api',
    });
    expect(posted.unmatched.map((claim: { patientControlNumber: string }) => claim.patientControlNumber)).toEqual(['C1001', 'C1002', 'C1003']);
    expect(posted.signals).toEqual([]);
    expect(posted.creditBalanceWorkflows).toEqual([]);
    expect(posted).not.toHaveProperty('content');
    const file = await call('GET', `/remittances/${posted.remittanceId}/835`, { role: 'biller' });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(file.text).toBe(fixture('835-medicare-paid.x12'));

    const [row] = await database.db.select().from(remittances).where(eq(remittances.id, posted.remittanceId));
    expect(row).toMatchObject({ source: 'api', receivedBy: 'bea.biller', status: 'posted', content: fixture('835-medicare-paid.x12') });
    const listed = await call('GET', '/remittances?status=posted', { role: 'biller' });
    expect(listed.json.remittances.map((remittance: { remittanceId: string }) => remittance.remittanceId)).toContain(posted.remittanceId);
    expect(listed.json.page).toMatchObject({ limit: 25, offset: 0, total: expect.any(Number) });
    const queue = await call('GET', '/tasks?role=biller', { role: 'biller' });
    expect(queue.json.tasks.filter((task: { kind: string }) => task.kind === 'remittance-unmatched')).toHaveLength(3);
  });

  test('the same remittance again stores and posts nothing and answers 200 with the first one’s Location', async () => {
    const first = await uploadRemittance(call, fixture('835-reversal-plb.x12'), { contentType: 'application/edi-x12' });
    expect(first.upload.status).toBe(202);
    expect(first.posted).toMatchObject({ traceNumber: 'EFT0012399', providerAdjustments: 4, status: 'posted' });
    const before = await postingCounts();

    const again = await uploadRemittance(call, fixture('835-reversal-plb.x12'), { contentType: 'text/plain; charset=utf-8' });
    expect(again.upload.status).toBe(200);
    expect(again.upload.headers.get('location')).toBe(first.upload.headers.get('location'));
    expect(again.upload.json.remittances).toEqual([{ ...first.upload.json.remittances[0], status: 'posted', duplicate: true }]);
    expect(again.posted).toEqual(first.posted);
    expect(await postingCounts()).toEqual(before);
  });

  test('GET /remittances/:id answers 404 for an unknown id and 400 for a malformed one; both need the biller role', async () => {
    expect((await call('GET', '/remittances/00000000-0000-4000-8000-000000000000', { role: 'biller' })).status).toBe(404);
    const malformed = await call('GET', '/remittances/not-an-id', { role: 'biller' });
    expect(malformed.status).toBe(400);
    expect((await call('GET', '/remittances', { role: 'intake' })).status).toBe(403);
    expect((await call('GET', '/remittances/00000000-0000-4000-8000-000000000000/835', { role: 'biller' })).status).toBe(404);
    const badStatus = await call('GET', '/remittances?status=paid', { role: 'biller' });
    expect(badStatus.status).toBe(400);
  });

  test('needs the biller role, an X12 media type and a body', async () => {
    const before = await postingCounts();
    expect((await call('POST', '/remittances', { role: 'intake', text: fixture('835-medicare-paid.x12') })).status).toBe(403);
    const json = await call('POST', '/remittances', { role: 'biller', body: { file: 'ISA*…' } });
    expect(json.status).toBe(415);
    expect(json.json.error.message).toContain('text/plain or application/edi-x12');
    const empty = await call('POST', '/remittances', { role: 'biller', text: '  \n' });
    expect(empty.status).toBe(400);
    expect(empty.json.error.details).toEqual([{ field: '(body)', message: expect.stringContaining('835') }]);
    expect(await postingCounts()).toEqual(before);
  });
});
