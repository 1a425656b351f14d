/**
 * POST /remittances with real 835 files: a file that does not parse or balance is
 * rejected whole, a good one is posted once, and posting it again answers with the
 * first result. (Signals to claim workflows are covered in claims.test.ts, against
 * a real Temporal server.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { adjustments, auditEvents, claimPayments, linePayments, providerAdjustments, remittances, tasks } from '../../db/schema';
import { buildTestApp, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/x12', name), 'utf8');

let database: TestDatabase;
let call: ApiCall;

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
});
afterAll(() => database.drop());

async function postingCounts() {
  const tables = [remittances, claimPayments, linePayments, adjustments, providerAdjustments, tasks, auditEvents] as const;
  const counts = await Promise.all(tables.map((table) => database.db.select({ n: count() }).from(table)));
  return counts.map(([row]) => row.n);
}

describe('POST /remittances', () => {
  test.each([
    ['835-unbalanced.x12', 'unbalanced', 3],
    ['835-truncated.x12', 'truncated', 1],
  ])('rejects %s whole with 422 remittance_rejected listing the problems, and posts nothing', async (file, code, problems) => {
    const before = await postingCounts();
    const response = await call('POST', '/remittances', { role: 'biller', text: fixture(file) });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('remittance_rejected');
    expect(response.json.error.details).toHaveLength(problems);
    expect(response.json.error.details[0]).toEqual({ code, message: expect.any(String) });
    expect(await postingCounts()).toEqual(before);
  });

  test('posts a balanced 835: 201 with what was posted; claims it cannot match become biller tasks', async () => {
    const response = await call('POST', '/remittances', { role: 'biller', text: fixture('835-medicare-paid.x12') });
    expect(response.status).toBe(201);
    const [posted] = response.json.remittances;
    expect(posted).toMatchObject({ traceNumber: 'EFT0012345', paymentAmount: 121520, duplicate: false, claims: [] });
    expect(posted.unmatched.map((claim: { patientControlNumber: string }) => claim.patientControlNumber)).toEqual(['C1001', 'C1002', 'C1003']);
    expect(response.json.signals).toEqual([]);

    const [row] = await database.db.select().from(remittances).where(eq(remittances.id, posted.remittanceId));
    expect(row).toMatchObject({ source: 'api', receivedBy: 'bea.biller', content: fixture('835-medicare-paid.x12') });
    const queue = await call('GET', '/tasks?role=biller', { role: 'biller' });
    expect(queue.json.tasks.filter((task: { kind: string }) => task.kind === 'remittance-unmatched')).toHaveLength(3);
  });

  test('the same remittance again posts nothing and answers 200 with the first result', async () => {
    const first = await call('POST', '/remittances', { role: 'biller', text: fixture('835-reversal-plb.x12'), contentType: 'application/edi-x12' });
    expect(first.status).toBe(201);
    expect(first.json.remittances[0]).toMatchObject({ traceNumber: 'EFT0012399', providerAdjustments: 4, duplicate: false });
    const before = await postingCounts();

    const again = await call('POST', '/remittances', {
      role: 'biller',
      text: fixture('835-reversal-plb.x12'),
      contentType: 'text/plain; charset=utf-8',
    });
    expect(again.status).toBe(200);
    expect(again.json.remittances).toEqual([{ ...first.json.remittances[0], duplicate: true }]);
    expect(await postingCounts()).toEqual(before);
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
