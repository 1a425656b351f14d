/**
 * Payers in order at intake (issue 10.1, DOMAIN.md §15): a Medicare coverage that is not
 * primary carries its MSP type (837P SBR05), no other coverage does; an order bills the
 * patient's first payer first (Medicaid, the payer of last resort, after every other).
 */
import { eq } from 'drizzle-orm';
import { coverages, orders } from '../../db/schema';
import { buildTestApp, orderBody, patientBody } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let call: ReturnType<typeof buildTestApp>['call'];

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
});
afterAll(() => database.drop());

async function patient(): Promise<string> {
  const response = await call('POST', '/patients', { role: 'intake', body: patientBody });
  expect(response.status).toBe(201);
  return response.json.id;
}

const addCoverage = (patientId: string, body: Record<string, unknown>) => call('POST', `/patients/${patientId}/coverages`, { role: 'intake', body });

describe('POST /patients/:id/coverages: the MSP type', () => {
  test('Medicare secondary to an employer plan is stored with its MSP type and shown', async () => {
    const patientId = await patient();
    expect((await addCoverage(patientId, { payerId: 'commercial-acme', memberId: 'ACM123456', priority: 'primary' })).status).toBe(201);
    const medicare = await addCoverage(patientId, { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'secondary', mspType: '12' });
    expect(medicare.status).toBe(201);
    const shown = await call('GET', `/patients/${patientId}`, { role: 'intake' });
    expect(shown.json.coverages).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: medicare.json.id, priority: 'secondary', mspType: '12' })]),
    );
  });

  test.each([
    [
      'Medicare secondary without it',
      { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'secondary' },
      /is required when Medicare is secondary/,
    ],
    [
      'on a commercial plan',
      { payerId: 'commercial-acme', memberId: 'ACM123456', priority: 'secondary', mspType: '12' },
      /for a Medicare coverage only/,
    ],
    ['on Medicare primary', { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary', mspType: '12' }, /here Medicare is primary/],
  ])('%s: 422 naming mspType, and nothing stored', async (_case, body, message) => {
    const patientId = await patient();
    const response = await addCoverage(patientId, body);
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([expect.objectContaining({ field: 'mspType', message: expect.stringMatching(message) })]);
    expect(await database.db.select().from(coverages).where(eq(coverages.patientId, patientId))).toEqual([]);
  });

  test('an MSP type that is not one of the TR3 codes is refused for its shape (400)', async () => {
    const patientId = await patient();
    const response = await addCoverage(patientId, { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'secondary', mspType: '99' });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.json.error)).toContain('mspType');
  });
});

describe('POST /orders bills the first payer first', () => {
  test('an order on the secondary while the primary is in force is 422 naming coverageId and the primary; nothing stored', async () => {
    const patientId = await patient();
    const primary = await addCoverage(patientId, { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary' });
    const secondary = await addCoverage(patientId, { payerId: 'commercial-acme', memberId: 'GAP998877', priority: 'secondary' });
    const before = (await database.db.select().from(orders)).length;
    const response = await call('POST', '/orders', { role: 'intake', body: orderBody({ patientId, coverageId: secondary.json.id }) });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([
      expect.objectContaining({
        field: 'coverageId',
        message: expect.stringContaining(`coverage ${primary.json.id} (payer medicare-jb) is primary`),
      }),
    ]);
    expect((await database.db.select().from(orders)).length).toBe(before);
  });

  test('Medicaid recorded as primary beside Medicare is billed after it', async () => {
    const patientId = await patient();
    await addCoverage(patientId, { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary' });
    const medicaid = await addCoverage(patientId, { payerId: 'medicaid-state', memberId: 'MCD445566', priority: 'primary' });
    const response = await call('POST', '/orders', { role: 'intake', body: orderBody({ patientId, coverageId: medicaid.json.id }) });
    expect(response.status).toBe(422);
    expect(response.json.error.details[0].message).toMatch(/Medicaid, the payer of last resort/);
  });

  test('the primary is accepted', async () => {
    const patientId = await patient();
    const primary = await addCoverage(patientId, { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary' });
    await addCoverage(patientId, { payerId: 'medicaid-state', memberId: 'MCD445566', priority: 'secondary' });
    const response = await call('POST', '/orders', { role: 'intake', body: orderBody({ patientId, coverageId: primary.json.id }) });
    expect(response.status).toBe(201);
  });
});
