/**
 * The audit trail of API requests (issue 9.6): every staff write or command and every
 * refused request (403, 404, 409, 422) is recorded with user, role, method, route
 * template, entity, status, error code and time, and no PHI; GET /audit (admin) reads it.
 */
import { randomUUID } from 'node:crypto';
import { count, desc, isNotNull } from 'drizzle-orm';
import { createApp, type CommandAnswer, type TemporalPort } from '../../api/app';
import { auditEvents, tasks } from '../../db/schema';
import { createLogger } from '../../logger';
import { mintCodecGrant } from '../../api/codec-grants';
import { EncryptionCodec } from '../../codec/encryption';
import { apiClient, patientBody, registerPatient, testKeys, type ApiCall } from '../support/api';
import { testKeyring } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedPatientOrder } from '../support/receivables';

/** Workflow commands are accepted (cancel) by a stand-in: the API's answer is what is audited. */
const accepted = async (): Promise<CommandAnswer<never>> => ({ outcome: 'accepted', status: {} as never });
const temporal: TemporalPort = {
  ping: async () => undefined,
  startOrder: async ({ orderId }) => ({ workflowId: `order-${orderId}` }),
  queryOrder: async () => null,
  updateOrder: accepted,
  updateClaim: accepted,
  signalClaim: async () => 'sent',
  startCreditBalance: async () => undefined,
  updateCreditBalance: accepted,
  startResupply: async () => undefined,
  updateResupply: accepted,
  signalResupply: async () => 'not-running',
  startRemittance: async () => undefined,
  signalPatientStatements: async () => 'not-running',
};

let database: TestDatabase;
let call: ApiCall;
let patient: { patientId: string; coverageId: string };
let orderId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  call = apiClient(
    createApp({ database, temporal, apiKeys: testKeys, logger: createLogger('error'), codec: { keyring: testKeyring, corsOrigins: [] } }),
  );
  patient = await registerPatient(call);
  orderId = (await seedPatientOrder(database.db, { patientId: patient.patientId })).orderId;
});
afterAll(() => database.drop());

/** The request rows (method set), newest first. */
const requestRows = () => database.db.select().from(auditEvents).where(isNotNull(auditEvents.method)).orderBy(desc(auditEvents.id));
const requestCount = async () => (await database.db.select({ n: count() }).from(auditEvents).where(isNotNull(auditEvents.method)))[0].n;
const latest = async () => (await requestRows())[0];

/** Nothing a patient is known by may reach the trail: names, birth date, address, phone, member id. */
const phi = [patientBody.firstName, patientBody.lastName, patientBody.birthDate, patientBody.address.line1, '1EG4TE5MK73', '43215'];
const expectNoPhi = (row: unknown) => {
  const text = JSON.stringify(row);
  for (const value of phi) expect({ value, found: text.includes(value) }).toEqual({ value, found: false });
};

describe('what is audited', () => {
  test('a successful write: user, role, method, route, the entity it created, 201 ok, and no PHI', async () => {
    const response = await call('POST', '/patients', { role: 'intake', body: patientBody });
    expect(response.status).toBe(201);
    const row = await latest();
    expect(row).toMatchObject({
      actor: 'ivy.intake',
      role: 'intake',
      action: 'api.request',
      method: 'POST',
      route: '/patients',
      status: 201,
      outcome: 'ok',
      entityType: 'patient',
      entityId: response.json.id,
      detail: {},
    });
    expect(row.at).toBeInstanceOf(Date);
    expectNoPhi(row);
  });

  test('a staff command accepted by the workflow (202), with the order from the path', async () => {
    const response = await call('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'patient moved' } });
    expect(response.status).toBe(202);
    expect(await latest()).toMatchObject({
      action: 'api.request',
      route: '/orders/{id}/cancel',
      status: 202,
      entityType: 'order',
      entityId: orderId,
    });
  });

  test('403: another role closing a biller task, with the task and the refusal code', async () => {
    const taskId = randomUUID();
    await database.db.insert(tasks).values({ id: taskId, taskKey: `audit:${taskId}`, role: 'biller', kind: 'credit-balance-due', title: 'Refund' });
    expect((await call('POST', `/tasks/${taskId}/done`, { role: 'intake' })).status).toBe(403);
    expect(await latest()).toMatchObject({
      actor: 'ivy.intake',
      role: 'intake',
      action: 'api.refused',
      method: 'POST',
      route: '/tasks/{id}/done',
      status: 403,
      outcome: 'forbidden',
      entityType: 'task',
      entityId: taskId,
    });
    expect((await call('POST', `/tasks/${taskId}/done`, { role: 'biller' })).status).toBe(200);
    expect((await call('POST', `/tasks/${taskId}/done`, { role: 'admin' })).status).toBe(409);
    const [conflict, done] = await requestRows();
    expect(done).toMatchObject({ actor: 'bea.biller', status: 200, outcome: 'ok', entityId: taskId });
    expect(conflict).toMatchObject({ actor: 'ada.admin', role: 'admin', status: 409, outcome: 'conflict', entityId: taskId });
  });

  test('403 on a read for the wrong role, and 404 on a read of something missing', async () => {
    expect((await call('GET', '/claims', { role: 'delivery' })).status).toBe(403);
    expect(await latest()).toMatchObject({
      actor: 'dan.delivery',
      method: 'GET',
      route: '/claims',
      status: 403,
      outcome: 'forbidden',
      entityType: 'claim',
      entityId: null,
    });
    const missing = randomUUID();
    expect((await call('GET', `/orders/${missing}`, { role: 'reviewer' })).status).toBe(404);
    expect(await latest()).toMatchObject({
      actor: 'rex.reviewer',
      route: '/orders/{id}',
      status: 404,
      outcome: 'not_found',
      entityType: 'order',
      entityId: missing,
    });
  });

  test('422: a rule broken by a body, recorded without the body', async () => {
    const response = await call('POST', `/patients/${patient.patientId}/coverages`, {
      role: 'intake',
      body: { payerId: 'nobody', memberId: '1EG4TE5MK73', priority: 'secondary' },
    });
    expect(response.status).toBe(422);
    const row = await latest();
    expect(row).toMatchObject({
      route: '/patients/{id}/coverages',
      status: 422,
      outcome: 'unprocessable',
      entityType: 'patient',
      entityId: patient.patientId,
    });
    expectNoPhi(row);
  });

  test('a secondary id of the path goes to detail: the document reviewed on an order', async () => {
    const docId = randomUUID();
    await call('POST', `/orders/${orderId}/documents/${docId}/review`, { role: 'delivery', body: { decision: 'approved' } });
    expect(await latest()).toMatchObject({
      route: '/orders/{id}/documents/{docId}/review',
      status: 403,
      entityId: orderId,
      detail: { documentId: docId },
    });
  });

  test('a path no route has: 404 with the user, and no path text (it could be anything typed)', async () => {
    expect((await call('DELETE', `/patients/${patient.patientId}/Lovelace`, { role: 'biller' })).status).toBe(404);
    const row = await latest();
    expect(row).toMatchObject({
      actor: 'bea.biller',
      method: 'DELETE',
      route: null,
      status: 404,
      outcome: 'not_found',
      entityType: null,
      entityId: null,
    });
    expect(JSON.stringify(row)).not.toContain('Lovelace');
  });

  test('not audited: successful reads, 400 (shape refused, nothing read or changed) and 401 (no user)', async () => {
    const before = await requestCount();
    expect((await call('GET', `/patients/${patient.patientId}`, { role: 'delivery' })).status).toBe(200);
    expect((await call('GET', '/orders', { role: 'delivery' })).status).toBe(200);
    expect((await call('POST', '/patients', { role: 'intake', body: { ...patientBody, sex: 'X' } })).status).toBe(400);
    expect((await call('POST', '/patients', { body: patientBody })).status).toBe(401);
    expect((await call('POST', '/patients', { key: 'not-a-key-0000000000', body: patientBody })).status).toBe(401);
    expect(await requestCount()).toBe(before);
  });
});

describe('the codec server', () => {
  test('each decode is audited (a read of what a workflow carries), by key or by grant, without the payload or the grant', async () => {
    const [encrypted] = await new EncryptionCodec(testKeyring).encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"Lovelace"') },
    ]);
    const body = {
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(encrypted.metadata!).map(([key, value]) => [key, Buffer.from(value!).toString('base64')])),
          data: Buffer.from(encrypted.data!).toString('base64'),
        },
      ],
    };
    expect((await call('POST', '/codec/decode', { role: 'biller', body })).status).toBe(200);
    expect(await latest()).toMatchObject({ actor: 'bea.biller', role: 'biller', method: 'POST', route: '/codec/decode', status: 200, outcome: 'ok' });
    const grant = mintCodecGrant(testKeyring, { user: 'ada.admin', role: 'admin' }, new Date(Date.now() + 60_000));
    expect((await call('POST', `/codec/grant/${grant}/decode`, { body })).status).toBe(200);
    const row = await latest();
    expect(row).toMatchObject({ actor: 'ada.admin', route: '/codec/grant/{grant}/decode', status: 200 });
    expect(JSON.stringify(row)).not.toContain(grant.split('.')[1]);
    expect(JSON.stringify(row)).not.toContain('Lovelace');
    expect((await call('POST', '/codec/decode', { role: 'intake', body })).status).toBe(403);
    expect(await latest()).toMatchObject({ actor: 'ivy.intake', route: '/codec/decode', status: 403, outcome: 'forbidden' });
  });
});

describe('no route can forget it: every route of /openapi.json', () => {
  test('a refused or writing request to each route leaves a row naming its route template', async () => {
    const spec = (await call('GET', '/openapi.json')).json;
    const sent: Array<{ method: string; route: string; status: number }> = [];
    for (const [template, operations] of Object.entries<Record<string, any>>(spec.paths)) {
      for (const [verb, operation] of Object.entries(operations)) {
        const method = verb.toUpperCase();
        // A fresh id everywhere: reads answer 404, commands 404 or 403; nothing existing changes.
        const path = template.replace(/\{\w+\}/g, () => randomUUID());
        const content = operation.requestBody?.content ?? {};
        const options = 'text/plain' in content ? { text: 'ISA' } : 'application/json' in content ? { body: {} } : {};
        const before = await requestCount();
        const { status } = await call(method, path, { role: 'delivery', ...options });
        const audited = [403, 404, 409, 422].includes(status) || (method !== 'GET' && ![400, 401, 413, 415].includes(status));
        expect({ route: `${method} ${template}`, rows: (await requestCount()) - before }).toEqual({
          route: `${method} ${template}`,
          rows: audited ? 1 : 0,
        });
        if (audited) {
          expect(await latest()).toMatchObject({ method, route: template, status, actor: 'dan.delivery' });
          sent.push({ method, route: template, status });
        }
      }
    }
    // Every route answered something audited but the reads open to all roles without an id, and delivery's own
    // command, whose empty body is refused for its shape (400) before anything is read.
    const all = Object.entries<Record<string, unknown>>(spec.paths).flatMap(([template, operations]) =>
      Object.keys(operations).map((verb) => `${verb.toUpperCase()} ${template}`),
    );
    const audited = new Set(sent.map(({ method, route }) => `${method} ${route}`));
    expect(all.filter((route) => !audited.has(route)).sort()).toEqual(
      ['GET /healthz', 'GET /orders', 'GET /payers', 'GET /tasks', 'POST /orders/{id}/delivery'].sort(),
    );
  });
});

describe('GET /audit', () => {
  test('is for admins only; the refusal is audited too', async () => {
    const response = await call('GET', '/audit', { role: 'biller' });
    expect(response.status).toBe(403);
    expect(await latest()).toMatchObject({ actor: 'bea.biller', route: '/audit', status: 403 });
  });

  test('filters by entity, by user and by time, newest first, paged', async () => {
    const byOrder = await call('GET', `/audit?entityType=order&entityId=${orderId}`, { role: 'admin' });
    expect(byOrder.status).toBe(200);
    expect(byOrder.json.events.length).toBeGreaterThan(0);
    for (const event of byOrder.json.events) expect(event).toMatchObject({ entityType: 'order', entityId: orderId });
    expect(byOrder.json.events[0]).toMatchObject({
      user: expect.any(String),
      at: expect.any(String),
      action: expect.any(String),
      detail: expect.any(Object),
    });

    const byUser = await call('GET', '/audit?user=dan.delivery&limit=2', { role: 'admin' });
    expect(byUser.json.page).toMatchObject({ limit: 2, offset: 0, total: expect.any(Number) });
    expect(byUser.json.page.total).toBeGreaterThan(2);
    expect(byUser.json.events).toHaveLength(2);
    for (const event of byUser.json.events) expect(event.user).toBe('dan.delivery');
    const [newer, older] = byUser.json.events;
    expect(newer.at >= older.at).toBe(true);
    const next = await call('GET', '/audit?user=dan.delivery&limit=2&offset=2', { role: 'admin' });
    expect(next.json.events.map((event: any) => event.id)).not.toContain(newer.id);

    const future = await call('GET', '/audit?from=2999-01-01', { role: 'admin' });
    expect(future.json).toMatchObject({ events: [], page: { total: 0 } });
    const past = await call('GET', '/audit?to=2000-01-01T00:00:00Z', { role: 'admin' });
    expect(past.json.page.total).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    const all = await call('GET', `/audit?from=${today}&to=${today}`, { role: 'admin' });
    expect(all.json.page.total).toBeGreaterThan(10);
  });

  test.each([
    ['query.from', '/audit?from=2026-02-30'],
    ['query.from', '/audit?from=yesterday'],
    ['query.to', '/audit?to=2026-01-01T25:00:00Z'],
    ['query.to', '/audit?from=2026-03-02&to=2026-03-01'],
    ['query.user', '/audit?user=a%20b'],
    ['query.limit', '/audit?limit=101'],
  ])('answers 400 naming %s for %s', async (field, url) => {
    const response = await call('GET', url, { role: 'admin' });
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });
});
