/**
 * GET /appeals, the denials-and-appeals work list: the reopenings and appeals that still
 * need a biller (due or filed) unless `status` asks for others, earliest deadline first,
 * with their claim's number, order and payer and no patient data. Rows as the claim
 * workflow's activities write them, straight to the database (no Temporal needed).
 */
import { randomUUID } from 'node:crypto';
import { appeals } from '../../db/schema';
import { buildTestApp, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertClaims, seedPatientOrder, type StoredClaim } from '../support/receivables';

let database: TestDatabase;
let call: ApiCall;
let medicareClaim: StoredClaim;
let acmeClaim: StoredClaim;
const ids = { due: randomUUID(), filed: randomUUID(), acmeDue: randomUUID(), won: randomUUID(), lost: randomUUID(), expired: randomUUID() };

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
  const { db } = database;
  const cpap = [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }];
  [medicareClaim] = await insertClaims(db, [{ order: await seedPatientOrder(db), lines: cpap }]);
  [acmeClaim] = await insertClaims(db, [
    { order: await seedPatientOrder(db, { payerId: 'commercial-acme' }), lines: cpap, payerId: 'commercial-acme' },
  ]);
  const denial = { denialCodes: ['CO-50', 'N115'], amount: 6_693, determinationOn: '2026-02-13' };
  await db.insert(appeals).values([
    { id: ids.due, claimId: medicareClaim.claimId, level: 'redetermination', status: 'due', ...denial, deadlineOn: '2026-06-13' },
    {
      id: ids.filed,
      claimId: medicareClaim.claimId,
      level: 'reopening',
      status: 'filed',
      ...denial,
      deadlineOn: '2026-05-01',
      filedOn: '2026-02-20',
      filedBy: 'bea.biller',
      reference: 'RO-4471',
    },
    {
      id: ids.acmeDue,
      claimId: acmeClaim.claimId,
      level: 'redetermination',
      status: 'due',
      denialCodes: ['CO-197'],
      amount: 15_000,
      prerequisite: 'obtain-prior-auth',
      determinationOn: '2026-02-01',
      deadlineOn: '2026-04-01',
    },
    {
      id: ids.won,
      claimId: medicareClaim.claimId,
      level: 'reopening',
      status: 'won',
      ...denial,
      deadlineOn: '2026-03-01',
      decidedOn: '2026-02-25',
      decision: 'won',
    },
    {
      id: ids.lost,
      claimId: acmeClaim.claimId,
      level: 'reopening',
      status: 'lost',
      ...denial,
      deadlineOn: '2026-03-02',
      decidedOn: '2026-02-26',
      decision: 'lost',
    },
    { id: ids.expired, claimId: acmeClaim.claimId, level: 'redetermination', status: 'expired', ...denial, deadlineOn: '2026-02-28' },
  ]);
});
afterAll(() => database.drop());

const list = async (query = '') => {
  const response = await call('GET', `/appeals${query}`, { role: 'biller' });
  expect(response.status).toBe(200);
  return response.json;
};
const idsOf = (answer: { appeals: Array<{ id: string }> }) => answer.appeals.map((appeal) => appeal.id);

test('lists the appeals still waiting for a biller (due, filed), earliest deadline first, with their claim', async () => {
  const answer = await list();
  expect(idsOf(answer)).toEqual([ids.acmeDue, ids.filed, ids.due]);
  expect(answer.page).toEqual({ limit: 25, offset: 0, total: 3 });
  expect(answer.appeals[1]).toEqual({
    id: ids.filed,
    claimId: medicareClaim.claimId,
    claimNumber: medicareClaim.claimNumber,
    orderId: medicareClaim.orderId,
    payerId: 'medicare-jb',
    level: 'reopening',
    status: 'filed',
    denialCodes: ['CO-50', 'N115'],
    amount: 6_693,
    prerequisite: null,
    determinationOn: '2026-02-13',
    deadlineOn: '2026-05-01',
    filedOn: '2026-02-20',
    reference: 'RO-4471',
    decidedOn: null,
    decision: null,
  });
  expect(answer.appeals[0]).toMatchObject({ payerId: 'commercial-acme', prerequisite: 'obtain-prior-auth', denialCodes: ['CO-197'] });
});

test('status asks for decided or expired ones; claimId and payerId narrow the list; limit and offset page it', async () => {
  expect(idsOf(await list('?status=won'))).toEqual([ids.won]);
  expect((await list('?status=lost')).appeals).toEqual([expect.objectContaining({ id: ids.lost, decision: 'lost', decidedOn: '2026-02-26' })]);
  expect(idsOf(await list('?status=expired'))).toEqual([ids.expired]);
  expect(idsOf(await list(`?claimId=${medicareClaim.claimId}`))).toEqual([ids.filed, ids.due]);
  expect(idsOf(await list('?payerId=commercial-acme'))).toEqual([ids.acmeDue]);
  expect(idsOf(await list('?payerId=commercial-acme&status=lost'))).toEqual([ids.lost]);
  const second = await list('?limit=1&offset=1');
  expect(idsOf(second)).toEqual([ids.filed]);
  expect(second.page).toEqual({ limit: 1, offset: 1, total: 3 });
});

test('names the field and its rule for a bad status or claim id', async () => {
  const bad = await call('GET', '/appeals?status=open', { role: 'biller' });
  expect(bad.status).toBe(400);
  expect(bad.json.error.details).toEqual([{ field: 'query.status', message: 'must be one of due, filed, won, lost, expired' }]);
  const badClaim = await call('GET', '/appeals?claimId=12', { role: 'biller' });
  expect(badClaim.status).toBe(400);
  expect(badClaim.json.error.details[0]).toMatchObject({ field: 'query.claimId', message: 'must be a UUID' });
});

test('billers and admins only; no patient data in the answer', async () => {
  expect((await call('GET', '/appeals', { role: 'intake' })).status).toBe(403);
  expect((await call('GET', '/appeals', { role: 'reviewer' })).status).toBe(403);
  expect((await call('GET', '/appeals')).status).toBe(401);
  const response = await call('GET', '/appeals?limit=100', { role: 'admin' });
  expect(response.status).toBe(200);
  expect(response.json.page.total).toBe(3);
  // The fixtures' patient (Pat Ledger, born 1950-04-01, 1 Elm St) appears nowhere.
  expect(response.text).not.toMatch(/Ledger|1950-04-01|Elm St/);
});
