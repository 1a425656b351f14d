/**
 * Roles fit the job (issue 9.5). One declared table says, for every route the API serves
 * (those of /openapi.json, the docs and the codec server's), which roles may call it; the
 * test sends each route as each role (and with no key) and checks the answer against the
 * table, never against the code that enforces it. A route added to the API without a row
 * here fails the test, and so does a row whose route is gone. Then what a permitted role sees: a patient's PHI by role and
 * claim money on an order.
 */
import { randomUUID } from 'node:crypto';
import type { Role } from '../../config';
import { createApp, type CommandAnswer, type TemporalPort } from '../../api/app';
import { mintCodecGrant } from '../../api/codec-grants';
import { tasks } from '../../db/schema';
import { createLogger } from '../../logger';
import { apiClient, registerPatient, testKeys, type ApiCall } from '../support/api';
import { testKeyring } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertClaims, seedPatientOrder } from '../support/receivables';

type Access = 'public' | 'any' | Role[];

/**
 * Who may call each route: DESIGN.md "HTTP API" and issue 9. `public` needs no key; `any`
 * is every role; a list names the roles, and admin may do all, so admin is allowed on
 * every route without being listed. Everyone else gets 403, and no key 401.
 */
const routeAccess: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /openapi.json': 'public',
  'GET /docs': 'public',
  'GET /docs/assets/{name}': 'public',
  // The codec server (api/routes/codec.ts): by key, or by a grant minted for the role in the path.
  'POST /codec/encode': ['biller'],
  'POST /codec/decode': ['biller'],
  'POST /codec/grant/{grant}/encode': ['biller'],
  'POST /codec/grant/{grant}/decode': ['biller'],
  'POST /codec/grants': ['biller'],
  'GET /payers': 'any',
  'POST /patients': ['intake'],
  'POST /patients/search': ['intake', 'biller'],
  'GET /patients/{id}': 'any',
  'POST /patients/{id}/coverages': ['intake'],
  'POST /patients/{id}/addresses': ['intake'],
  'POST /orders': ['intake'],
  'GET /orders': 'any',
  'GET /orders/{id}': 'any',
  'POST /orders/{id}/documents': ['intake'],
  'POST /orders/{id}/documents/{docId}/review': ['reviewer'],
  'POST /orders/{id}/coverage': ['intake'],
  'POST /orders/{id}/prior-auth': ['reviewer'],
  'POST /orders/{id}/delivery': ['delivery'],
  'POST /orders/{id}/rental': ['biller'],
  'POST /orders/{id}/cancel': ['intake'],
  'POST /orders/{id}/claims/{claimId}/correct': ['biller'],
  'GET /claims': ['biller'],
  'GET /claims/{id}': ['biller'],
  'GET /claims/{id}/837': ['biller'],
  'GET /claims/{id}/cms1500': ['biller'],
  'GET /appeals': ['biller'],
  'POST /claims/{id}/appeal': ['biller'],
  'POST /claims/{id}/appeal/decision': ['biller'],
  'POST /claims/{id}/patient-payments': ['biller'],
  'POST /remittances': ['biller'],
  'GET /remittances': ['biller'],
  'GET /remittances/{id}': ['biller'],
  'GET /remittances/{id}/835': ['biller'],
  'GET /reports/ar-aging': ['biller'],
  'GET /reports/dashboard': ['biller'],
  'GET /credit-balances': ['biller'],
  // Resupply: intake reaches the patient and records the refill answer; billers see the plans behind the supply claims.
  'POST /patients/{id}/resupply-plans': ['intake'],
  'GET /patients/{id}/resupply-plans': ['intake', 'biller'],
  'GET /resupply-plans': ['intake', 'biller'],
  'GET /resupply-plans/{id}': ['intake', 'biller'],
  'POST /resupply-plans/{id}/confirmations': ['intake'],
  'POST /resupply-plans/{id}/hold': ['intake'],
  'POST /resupply-plans/{id}/resume': ['intake'],
  'POST /resupply-plans/{id}/stop': ['intake'],
  'POST /resupply-plans/{id}/opt-out': ['intake'],
  'GET /reports/resupply-outreach': ['intake', 'biller'],
  'POST /credit-balances/{id}/resolve': ['biller'],
  // A statement is claim money beside the patient's name and services: billers', like the claims (intake sees the patient, not the money).
  'GET /patients/{id}/statements': ['biller'],
  'GET /statements/{id}/pdf': ['biller'],
  'GET /tasks': 'any',
  // Sent for a biller's task (a credit balance due, the case of issue 9); every task role × actor role is in tasks.test.ts.
  'POST /tasks/{id}/done': ['biller'],
  'GET /audit': [], // admin only
};

const roles: Role[] = ['intake', 'reviewer', 'delivery', 'biller', 'admin'];

function allowed(access: Access, role: Role | undefined): boolean {
  if (access === 'public') return true;
  if (role === undefined) return false;
  return access === 'any' || role === 'admin' || access.includes(role);
}

/** Commands reach a stand-in workflow that was never started: a permitted role's request ends in 404, never in a change. */
const missing = async (): Promise<CommandAnswer<never>> => ({ outcome: 'missing' });
const standInTemporal: TemporalPort = {
  ping: async () => undefined,
  startOrder: async ({ orderId }) => ({ workflowId: `order-${orderId}` }),
  queryOrder: async () => null,
  updateOrder: missing,
  updateClaim: missing,
  signalClaim: async () => 'not-running',
  startCreditBalance: async () => undefined,
  updateCreditBalance: missing,
  startResupply: async () => undefined,
  updateResupply: missing,
  signalResupply: async () => 'not-running',
  startRemittance: async () => undefined,
  signalPatientStatements: async () => 'not-running',
};

let database: TestDatabase;
let call: ApiCall;
let served: string[];
let ids: { patientId: string; coverageId: string; orderId: string; claimId: string; seededPatientId: string };

beforeAll(async () => {
  database = await createTestDatabase();
  const app = createApp({
    database,
    temporal: standInTemporal,
    apiKeys: testKeys,
    logger: createLogger('error'),
    codec: { keyring: testKeyring, corsOrigins: [] },
  });
  // The staff web app's pages (/app) sign in by session cookie and act through the routes below as the signed-in key: tests/api/web.test.ts.
  served = [
    ...new Set(
      app.routes
        .filter((route) => route.method !== 'ALL' && route.path !== '/app' && !route.path.startsWith('/app/'))
        .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`),
    ),
  ];
  call = apiClient(app);
  const patient = await registerPatient(call);
  const seeded = await seedPatientOrder(database.db);
  const [claim] = await insertClaims(database.db, [
    { order: seeded, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] },
  ]);
  ids = { ...patient, orderId: seeded.orderId, claimId: claim.claimId, seededPatientId: seeded.patientId };
});
afterAll(() => database.drop());

async function billerTask(): Promise<string> {
  const id = randomUUID();
  await database.db.insert(tasks).values({ id, taskKey: `roles:${id}`, role: 'biller', kind: 'credit-balance-due', title: 'Refund due' });
  return id;
}

async function pathOf(template: string, role: Role | undefined): Promise<string> {
  const byName: Record<string, () => string | Promise<string>> = {
    docId: () => randomUUID(),
    claimId: () => ids.claimId,
    // A grant stands for the role it was minted for; with no key, a forged one.
    grant: () => {
      const user = testKeys.find((entry) => entry.role === role)?.user;
      return user && role ? mintCodecGrant(testKeyring, { user, role }, new Date(Date.now() + 3_600_000)) : 'forged.grant';
    },
  };
  const byCollection: Record<string, () => string | Promise<string>> = {
    patients: () => ids.patientId,
    orders: () => ids.orderId,
    claims: () => ids.claimId,
    tasks: billerTask,
  };
  let path = template;
  for (const [placeholder, name] of template.matchAll(/\{(\w+)\}/g)) {
    const collection = template.split('/')[1];
    const value = await (byName[name] ?? byCollection[collection] ?? (() => randomUUID()))();
    path = path.replace(placeholder, value);
  }
  return path;
}

/** The request each route is sent: no usable body, so a permitted role is refused by the route's own checks (400, 404), not by its role. */
async function send(route: string, role: Role | undefined, operation: any) {
  const [method, template] = route.split(' ');
  const path = await pathOf(template, role);
  const content = operation?.requestBody?.content ?? {};
  if ('text/plain' in content) return call(method, path, { role, text: '' });
  if ('application/json' in content) return call(method, path, { role, body: {} });
  return call(method, path, { role });
}

describe('the role matrix covers every route the API serves', () => {
  let spec: any;
  beforeAll(async () => {
    spec = (await call('GET', '/openapi.json')).json;
  });

  const routesOf = (paths: Record<string, Record<string, unknown>>) =>
    Object.entries(paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));

  test('every route served or in /openapi.json has a row, and every row a route', () => {
    const documented = routesOf(spec.paths).sort();
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
    expect(served.filter((route) => !(route in routeAccess))).toEqual([]);
    expect(Object.keys(routeAccess).filter((route) => !served.includes(route))).toEqual([]);
  });

  test.each(Object.keys(routeAccess))('%s answers each role as the table says', async (route) => {
    const [method, path] = route.split(' ');
    const operation = spec.paths[path]?.[method.toLowerCase()];
    const access = routeAccess[route];
    const expected: Record<string, string> = {};
    const seen: Record<string, string> = {};
    for (const role of [...roles, undefined]) {
      const name = role ?? 'no key';
      const { status } = await send(route, role, operation);
      expected[name] = allowed(access, role) ? 'allowed' : role === undefined ? '401' : '403';
      seen[name] = status === 401 ? '401' : status === 403 ? '403' : 'allowed';
      expect(status).toBeLessThan(500);
    }
    expect({ route, answers: seen }).toEqual({ route, answers: expected });
  });
});

const allParts = ['firstName', 'middleName', 'lastName', 'birthDate', 'sex', 'address', 'dmeMacJurisdiction', 'phone', 'coverages'];

/** What each role reads of a patient (README "What each role sees of a patient"), written out field by field. */
const patientFields: Record<Role, { fields: string[]; memberIds: boolean }> = {
  intake: { fields: allParts, memberIds: true },
  biller: { fields: allParts, memberIds: true },
  admin: { fields: allParts, memberIds: true },
  reviewer: { fields: ['firstName', 'middleName', 'lastName', 'birthDate', 'coverages'], memberIds: false },
  delivery: { fields: ['firstName', 'middleName', 'lastName', 'address', 'dmeMacJurisdiction', 'phone'], memberIds: false },
};

describe('GET /patients/:id shows each role the PHI its job needs', () => {
  test.each(roles)('%s', async (role) => {
    const response = await call('GET', `/patients/${ids.patientId}`, { role });
    expect(response.status).toBe(200);
    const { id, shown, ...record } = response.json;
    expect(id).toBe(ids.patientId);
    expect(shown).toEqual(expect.any(Array));
    expect(Object.keys(record).sort()).toEqual([...patientFields[role].fields].sort());
    if (record.coverages) {
      expect(record.coverages).toEqual([expect.objectContaining({ id: ids.coverageId, payerId: 'medicare-jb', priority: 'primary' })]);
      expect('memberId' in record.coverages[0]).toBe(patientFields[role].memberIds);
    }
    // The values themselves, wherever they might hide: a role without the part never reads them.
    const text = response.text;
    expect(text.includes('1948-02-29')).toBe(patientFields[role].fields.includes('birthDate'));
    expect(text.includes('1EG4TE5MK73')).toBe(patientFields[role].memberIds);
    expect(text.includes('12 Main St')).toBe(patientFields[role].fields.includes('address'));
    expect(text.includes('Lovelace')).toBe(true);
  });
});

describe('GET /orders/:id shows claim money to billers and admins only', () => {
  const money = ['totalCharge', 'paidAmount', 'charge', 'allowedAmount'];
  test.each(roles)('%s', async (role) => {
    const response = await call('GET', `/orders/${ids.orderId}`, { role });
    expect(response.status).toBe(200);
    const [claim] = response.json.claims;
    expect(claim).toMatchObject({
      id: ids.claimId,
      status: 'accepted',
      lines: [expect.objectContaining({ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'] })],
    });
    const sees = role === 'biller' || role === 'admin';
    const keys = [...Object.keys(claim), ...Object.keys(claim.lines[0])];
    for (const field of money) expect({ field, shown: keys.includes(field) }).toEqual({ field, shown: sees });
    if (sees) expect(claim).toMatchObject({ totalCharge: 15_000, paidAmount: 0, lines: [expect.objectContaining({ charge: 15_000 })] });
  });
});
