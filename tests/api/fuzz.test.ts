/**
 * Fuzzing the whole API in process: every path in /openapi.json with every method,
 * sent generated bad input from a seeded generator (the same requests on every run):
 * wrong types, huge and negative numbers, NaN-ish strings, long strings, control
 * characters and lone surrogates, nested junk, missing and extra fields, bad path
 * params and query strings, malformed JSON, wrong media types, empty and oversized
 * bodies, damaged 835 files. No request may answer 5xx, and every refusal answers in
 * the one error shape `{ error: { code, message, details } }` (DESIGN.md "HTTP API").
 *
 * Temporal is a stand-in port that accepts starts and signals and answers staff
 * commands (Updates) in turn as a workflow can: refused 409, refused 422 on a field,
 * closed, never started. What is fuzzed is the API's reading of input and of those
 * answers; a valid request that slips through reaches a workflow call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApp, type CommandAnswer, type TemporalPort } from '../../api/app';
import { createLogger } from '../../logger';
import { apiClient, keyFor, orderBody, patientBody, registerPatient, testKeys } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertClaims, seedPatientOrder } from '../support/receivables';

jest.setTimeout(120_000);

/** mulberry32: small, seeded, the same sequence everywhere. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
type Random = ReturnType<typeof generator>;

const longText = 'A'.repeat(100_000);
const junkStrings = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '0',
  '3e9',
  '1e308',
  '9'.repeat(40),
  '12.5',
  'true',
  'null',
  '[]',
  '{}',
  'a\u0000b',
  '\u0000',
  'tab\there',
  'line\nbreak',
  'cr\rhere',
  '\u0007bell',
  'del\u007f',
  '\u0085next-line',
  '\ud800',
  'x\udc00y',
  '\udbff',
  '😀 emoji',
  'Ünïcödé',
  "' or 1=1 --",
  'Robert"); drop table patients;--',
  '*~:^|',
  '%00',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  longText,
  '2026-02-30',
  '1900-01-01',
  '9999-12-31',
  '00000000-0000-0000-0000-000000000000',
  'E0601',
  'M17.11',
  '1EG4TE5MK73',
];
const junkNumbers = [
  0,
  -1,
  -0,
  1.5,
  3e9,
  3_000_000_000,
  2 ** 31,
  2 ** 53,
  2 ** 53 + 2,
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER,
  10_000_001,
  99_999_999_999,
  1e-7,
];

function junkValue(random: Random, depth = 0): unknown {
  switch (random.int(7)) {
    case 0:
      return random.pick(junkStrings);
    case 1:
      return random.pick(junkNumbers);
    case 2:
      return random.pick([true, false, null]);
    case 3:
      return depth > 2 ? [] : Array.from({ length: random.int(4) }, () => junkValue(random, depth + 1));
    case 4:
      return depth > 2 ? {} : { [random.pick(['a', '__proto__', 'constructor', 'x\u0000', '\ud800'])]: junkValue(random, depth + 1) };
    case 5:
      return nested(random.pick([10, 100]));
    default:
      return random.pick(junkStrings).slice(0, 50);
  }
}

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

// ---- a valid-shaped body from the OpenAPI schema, to mutate one field at a time ----

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  example?: unknown;
  minimum?: number;
  additionalProperties?: JsonSchema | boolean;
};

function sample(schema: JsonSchema, components: Record<string, JsonSchema>, ids: Ids, depth = 0): unknown {
  if (schema.$ref) return sample(components[schema.$ref.split('/').pop()!], components, ids, depth);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.example !== undefined) return schema.example;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants) return sample(variants.find((variant) => variant.type !== 'null') ?? variants[0], components, ids, depth);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => sample(part, components, ids, depth)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return depth > 4
        ? {}
        : Object.fromEntries(
            Object.entries(schema.properties ?? {}).map(([name, property]) => [name, sampleProperty(name, property, components, ids, depth)]),
          );
    case 'array':
      return schema.items ? [sample(schema.items, components, ids, depth + 1)] : [];
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'uuid' ? ids.patientId : schema.format === 'date' ? '2026-01-05' : 'text';
    default:
      return null;
  }
}

/** Fields whose names say which seeded id makes the body reach the route's rules. */
function sampleProperty(name: string, schema: JsonSchema, components: Record<string, JsonSchema>, ids: Ids, depth: number): unknown {
  if (name === 'patientId') return ids.patientId;
  if (name === 'coverageId') return ids.coverageId;
  if (name === 'targetClaimId') return ids.claimId;
  return sample(schema, components, ids, depth + 1);
}

function leafPaths(value: unknown, path: string[] = []): string[][] {
  if (Array.isArray(value)) return value.length ? value.flatMap((item, index) => leafPaths(item, [...path, String(index)])) : [path];
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length ? entries.flatMap(([key, item]) => leafPaths(item, [...path, key])) : [path];
  }
  return [path];
}

function mutate(body: unknown, random: Random): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const paths = leafPaths(copy).filter((path) => path.length > 0);
  if (paths.length === 0) return junkValue(random);
  const path = random.pick(paths);
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
  const key = path[path.length - 1];
  switch (random.int(4)) {
    case 0:
      delete parent[key];
      break;
    case 1:
      parent[`extra${random.int(10)}`] = junkValue(random);
      break;
    default:
      parent[key] = junkValue(random);
  }
  return copy;
}

/** A body each JSON route accepts in shape, so a one-field mutation reaches that field's rules and the handler. */
function validBodies(ids: Ids, today: string): Record<string, unknown> {
  return {
    'POST /patients': patientBody,
    'POST /patients/{id}/coverages': { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'secondary', groupNumber: 'G-1' },
    'POST /orders': orderBody(ids, {
      items: [
        { hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 4500 },
        { hcpcs: 'L1832', quantity: 1, acquisition: 'purchase', side: 'bilateral', unitCharge: 90_000 },
      ],
    }),
    'POST /orders/{id}/documents': { kind: 'standard-written-order', reference: 'dms://orders/1/swo.pdf' },
    'POST /orders/{id}/documents/{docId}/review': { decision: 'rejected', reason: 'unsigned' },
    'POST /orders/{id}/coverage': { coverageId: ids.coverageId },
    'POST /orders/{id}/prior-auth': { decision: 'affirmed', trackingNumber: 'A1234567890123', expiresOn: '2099-01-01' },
    'POST /orders/{id}/delivery': { deliveredOn: today, signedBy: 'Ada Lovelace', relationship: 'self', serialNumbers: { [ids.orderId]: ['SN-1'] } },
    'POST /orders/{id}/rental': { change: 'hold', effectiveOn: today, reason: 'inpatient stay', inpatient: true },
    'POST /orders/{id}/cancel': { reason: 'patient moved' },
    'POST /orders/{id}/claims/{claimId}/correct': { note: 'fixed the modifier' },
    'POST /claims/{id}/appeal': { filedOn: today, reference: 'RD-42' },
    'POST /claims/{id}/appeal/decision': { decision: 'lost', decidedOn: today, next: 'write-off', reason: 'upheld' },
    'POST /claims/{id}/patient-payments': { amount: 500, receivedOn: today, reference: 'CHK 2231' },
    'POST /credit-balances/{id}/resolve': { resolution: 'apply-to-balance', targetClaimId: ids.claimId, consent: true, reference: 'X' },
  };
}

/** Each leaf of a body replaced in turn: every field gets every one of these. */
const sweptValues = ['a\u0000b', '\ud800', 'tab\tthere', 'x'.repeat(10_000), 3e9, 1e308, -1, null, [], {}];

function sweep(body: unknown): unknown[] {
  return leafPaths(body).flatMap((path) =>
    sweptValues.map((value) => {
      const copy = structuredClone(body) as Record<string, unknown>;
      const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
      parent[path[path.length - 1]] = value;
      return copy;
    }),
  );
}

// ---- path params, query strings, raw bodies ----

interface Ids {
  patientId: string;
  coverageId: string;
  orderId: string;
  claimId: string;
}

const junkParams = [
  'not-a-uuid',
  '0',
  '-1',
  '%00',
  '%00abc',
  '%ED%A0%80',
  '%F0%9F%98',
  '%',
  '%zz',
  '..',
  '%2e%2e',
  '%20',
  'a'.repeat(5_000),
  '00000000-0000-4000-8000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '1e308',
  'NaN',
  '%0A',
  '%7F',
  '%C2%85',
];
const junkQueryValues = [
  '',
  'abc',
  '-1',
  '0',
  '1e308',
  '3e9',
  '101',
  '1.5',
  'NaN',
  '%00',
  '%ED%A0%80',
  '%',
  'a%0Ab',
  encodeURIComponent(longText.slice(0, 5_000)),
  '2026-02-30',
  'open',
];

function pathFor(template: string, random: Random, ids: Ids): string {
  return template.replace(/\{(\w+)\}/g, (_match, name: string) => {
    const real =
      name === 'claimId'
        ? ids.claimId
        : template.startsWith('/claims')
          ? ids.claimId
          : template.startsWith('/patients')
            ? ids.patientId
            : ids.orderId;
    return random.next() < 0.3 ? real : random.pick(junkParams);
  });
}

const controlQueryValues = ['%00', 'a%00b', '%ED%A0%80', '%0A', '%7F', '%C2%85', '%', '%zz'];

function queryFor(parameters: Array<{ name: string; in: string }>, random: Random): string {
  const names = parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
  const pairs = [...names, 'extra', 'limit', 'offset', '%00', 'a%00b']
    .filter(() => random.next() < 0.5)
    .map((name) => `${name}=${random.pick(random.next() < 0.5 ? controlQueryValues : junkQueryValues)}`);
  if (random.next() < 0.2) pairs.push('limit=1&limit=2');
  return pairs.length ? `?${pairs.join('&')}` : '';
}

/** Nesting deeper than JSON.stringify can write: built as text. */
const deepJson = (depth: number) => `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;

const malformedJson = [
  deepJson(5_000),
  deepJson(100_000),
  '{',
  '{"a":',
  'nul',
  '[]',
  '"text"',
  '123',
  'null',
  'true',
  '{"a":1}{',
  '{"a":1,}',
  "{'a':1}",
  '\u0000',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '\ufeff{}',
];
const otherMediaTypes = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/json; charset=latin1',
  '',
];

const paid835 = readFileSync(join(__dirname, '../fixtures/x12/835-medicare-paid.x12'), 'utf8');
function damaged835(random: Random): string {
  switch (random.int(8)) {
    case 0:
      return paid835.slice(0, random.int(paid835.length));
    case 1: {
      const at = random.int(paid835.length);
      return `${paid835.slice(0, at)}${random.pick(['\u0000', '\u0007', '\ud800', '\u007f', '*', '~', ':', '^'])}${paid835.slice(at)}`;
    }
    case 2:
      return paid835.replace('CLP*C1001*1*150*', `CLP*C1001*1*${random.pick(['1e308', '99999999999999999999', '-5', 'NaN', '3000000000'])}*`);
    case 3:
      return paid835.replace(
        'SVC*HC:E0601:RR:KH:KX*150*39.2**1',
        `SVC*HC:E0601:RR:KH:KX*150*39.2**${random.pick(['1e308', '3000000000', '-1', '0.5', 'x'])}`,
      );
    case 4:
      return paid835.replace('BPR*I*1215.2', `BPR*I*${random.pick(['12152000000000', '-1215.2', '1215.205', ''])}`);
    case 5:
      return paid835
        .split('~')
        .filter(() => random.next() > 0.1)
        .join('~');
    case 6:
      return paid835.replace(/~/g, random.pick(['~\n', '~\r\n', '\n']));
    default:
      return random.pick(junkStrings);
  }
}

// ---- the run ----

interface Sent {
  method: string;
  path: string;
  role?: string;
  body?: string | Uint8Array;
  contentType?: string;
}

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const refusals = new Set([400, 401, 403, 404, 405, 409, 413, 415, 422]);

/** The answers a workflow gives a command it does not accept, in turn (the same sequence every run). */
const commandAnswers: CommandAnswer<never>[] = [
  { outcome: 'refused', status: 409, message: 'not at this stage (stand-in)' },
  { outcome: 'refused', status: 422, field: 'deliveredOn', message: 'not a date the order allows (stand-in)' },
  { outcome: 'closed' },
  { outcome: 'missing' },
];
let commandsAnswered = 0;
const answerCommand = async (): Promise<CommandAnswer<never>> => commandAnswers[commandsAnswered++ % commandAnswers.length];

const acceptingTemporal: TemporalPort = {
  ping: async () => undefined,
  startOrder: async ({ orderId }) => ({ workflowId: `order-${orderId}` }),
  queryOrder: async () => null,
  updateOrder: answerCommand,
  updateClaim: answerCommand,
  signalClaim: async () => 'sent',
  startCreditBalance: async () => undefined,
  updateCreditBalance: answerCommand,
  startResupply: async () => undefined,
  updateResupply: answerCommand,
  signalResupply: async () => 'not-running',
  startRemittance: async () => undefined,
  signalPatientStatements: async () => 'not-running',
};

let database: TestDatabase;
let app: ReturnType<typeof createApp>;
let ids: Ids;
const logged: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  app = createApp({ database, temporal: acceptingTemporal, apiKeys: testKeys, logger: createLogger('warn', {}, (line) => logged.push(line)) });
  const call = apiClient(app);
  const patient = await registerPatient(call);
  const order = await call('POST', '/orders', { role: 'intake', body: orderBody(patient) });
  if (order.status !== 201) throw new Error(`order not created: ${order.status} ${order.text}`);
  const seeded = await seedPatientOrder(database.db, { patientId: patient.patientId });
  const [claim] = await insertClaims(database.db, [
    { order: seeded, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] },
  ]);
  ids = { ...patient, orderId: order.json.orderId, claimId: claim.claimId };
}, 120_000);
afterAll(async () => {
  await database?.drop();
});

async function send(request: Sent) {
  const headers: Record<string, string> = {};
  if (request.role) headers.authorization = `Bearer ${keyFor(request.role as never)}`;
  if (request.contentType) headers['content-type'] = request.contentType;
  // A GET carries no body in fetch: its fuzz is the path and the query.
  const body = request.method === 'GET' ? undefined : request.body;
  const response = await app.request(request.path, { method: request.method, headers, body });
  const text = await response.text();
  return { status: response.status, text };
}

function problemOf(request: Sent, status: number, text: string): string | undefined {
  const where = `${request.method} ${request.path.slice(0, 120)} (${String(request.contentType)}) body ${String(typeof request.body === 'string' ? request.body.slice(0, 120) : request.body)}`;
  if (status >= 500) return `${status} for ${where}: ${text.slice(0, 300)}`;
  if (status < 400) return undefined;
  if (!refusals.has(status)) return `unexpected ${status} for ${where}`;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return `${status} without a JSON body for ${where}: ${text.slice(0, 200)}`;
  }
  const error = body?.error;
  if (typeof error?.code !== 'string' || typeof error?.message !== 'string' || !('details' in error))
    return `${status} not in the error shape for ${where}: ${text.slice(0, 200)}`;
  return undefined;
}

function requestsFor(
  template: string,
  method: string,
  operation: any,
  components: Record<string, JsonSchema>,
  random: Random,
  count: number,
): Sent[] {
  const content = operation?.requestBody?.content ?? {};
  const jsonSchema: JsonSchema | undefined = content['application/json']?.schema;
  const takesX12 = 'text/plain' in content;
  const valid =
    validBodies(ids, new Date().toISOString().slice(0, 10))[`${method} ${template}`] ??
    (jsonSchema ? sample(jsonSchema, components, ids) : undefined);
  const role = () => random.pick(['admin', 'admin', 'admin', 'admin', 'biller', 'intake', 'reviewer', undefined]);
  const realPath = (query = '') =>
    template.replace(/\{(\w+)\}/g, (_match, name: string) => (name === 'claimId' || template.startsWith('/claims') ? ids.claimId : ids.orderId)) +
    query;
  const swept: Sent[] =
    valid === undefined
      ? []
      : sweep(valid).map((body) => ({ method, path: realPath(), role: 'admin', body: JSON.stringify(body), contentType: 'application/json' }));
  const queried: Sent[] = (operation?.parameters ?? [])
    .filter((parameter: { in: string }) => parameter.in === 'query')
    .flatMap((parameter: { name: string }) =>
      controlQueryValues.map((value) => ({ method, path: realPath(`?${parameter.name}=${value}`), role: 'admin' })),
    );
  return [
    ...swept,
    ...queried,
    ...Array.from({ length: count }, (): Sent => {
      // One thing wrong at a time, mostly: junk in the path or the query would hide what the body does.
      const query = random.next() < 0.3 ? queryFor(operation?.parameters ?? [], random) : '';
      const path = (random.next() < 0.3 ? pathFor(template, random, ids) : realPath()) + query;
      const base = { method, path, role: role() };
      const kind = random.int(10);
      if (takesX12) {
        if (kind < 7)
          return { ...base, body: damaged835(random), contentType: random.pick(['text/plain', 'application/edi-x12', 'text/plain; charset=utf-8']) };
        if (kind < 9) return { ...base, body: damaged835(random), contentType: random.pick(otherMediaTypes) };
        return { ...base };
      }
      if (kind < 5 && valid !== undefined) return { ...base, body: JSON.stringify(mutate(valid, random)), contentType: 'application/json' };
      if (kind < 6) return { ...base, body: JSON.stringify(junkValue(random)), contentType: 'application/json' };
      if (kind < 7) return { ...base, body: random.pick(malformedJson), contentType: 'application/json' };
      if (kind < 8) return { ...base, body: JSON.stringify(valid ?? {}), contentType: random.pick(otherMediaTypes) };
      if (kind < 9)
        return { ...base, body: new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), contentType: 'application/json' };
      return { ...base };
    }),
  ];
}

describe('fuzzing every route of /openapi.json', () => {
  test('no generated request answers 5xx, and every refusal is in the error shape', async () => {
    const spec = JSON.parse((await send({ method: 'GET', path: '/openapi.json' })).text);
    const components: Record<string, JsonSchema> = spec.components?.schemas ?? {};
    const random = generator(20_260_807);
    const templates = Object.keys(spec.paths).map((path) => path);
    expect(templates.length).toBeGreaterThan(20);

    const requests: Sent[] = [];
    for (const template of templates) {
      for (const method of methods) {
        const operation = spec.paths[template][method.toLowerCase()];
        requests.push(...requestsFor(template, method, operation, components, random, operation ? 60 : 4));
      }
    }
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (const request of requests) {
      const { status, text } = await send(request);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const problem = problemOf(request, status, text);
      if (problem) problems.push(problem);
    }
    expect(problems.slice(0, 20)).toEqual([]);
    // The fuzz reached past the shape checks: rule refusals (404, 409, 422), media types and some acceptances.
    expect(requests.length).toBeGreaterThan(2_000);
    for (const status of [400, 401, 403, 404, 409, 415, 422]) expect(statuses.get(status) ?? 0).toBeGreaterThan(5);
    expect((statuses.get(200) ?? 0) + (statuses.get(201) ?? 0)).toBeGreaterThan(5);
    expect(logged.filter((line) => line.includes('unhandled error'))).toEqual([]);
  });

  test.each([
    ['POST', '/orders', 'application/json', 1024 * 1024 + 1],
    ['POST', '/patients', 'application/json', 2 * 1024 * 1024],
    ['POST', '/remittances', 'text/plain', 16 * 1024 * 1024 + 1],
  ])('%s %s (%s) with a body past its limit answers 413', async (method, path, contentType, size) => {
    const { status, text } = await send({ method, path, role: 'admin', contentType, body: `{"a":"${'x'.repeat(size)}"}` });
    expect(status).toBe(413);
    expect(JSON.parse(text).error.code).toBe('too_large');
  });
});
