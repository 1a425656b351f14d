/**
 * Money and text limits through the API (issue 8, point 7): the cases that answered
 * 500 or were accepted and then failed a claim forever now answer 4xx naming the
 * field; a genuine internal failure still answers 500, with no PHI in the body or log.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { count } from 'drizzle-orm';
import { createApp } from '../../api/app';
import { orderItems, orders, patients } from '../../db/schema';
import { createLogger } from '../../logger';
import { apiClient, buildTestApp, orderBody, patientBody, registerPatient, testKeys, todayIso, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertClaims, seedPatientOrder } from '../support/receivables';
import { phiIn } from '../support/phi';

let database: TestDatabase;
let call: ApiCall;
let patient: { patientId: string; coverageId: string };
let claimId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
  patient = await registerPatient(call);
  const order = await seedPatientOrder(database.db, { patientId: patient.patientId });
  [{ claimId }] = await insertClaims(database.db, [
    { order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] },
  ]);
});
afterAll(async () => {
  await database?.drop();
});

const fieldsOf = (response: { json: any }) => response.json.error.details.map((detail: { field: string }) => detail.field);
const item = (fields: Record<string, unknown>) => ({ hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 4500, ...fields });

describe('POST /orders refuses charges past their ceilings (422 naming the item field) and stores nothing', () => {
  test.each([
    [
      '9999 × $100,000.00: a $999,900,000 line (the order whose claim overflowed)',
      [item({ quantity: 9999, unitCharge: 10_000_000 })],
      ['items.0.quantity'],
    ],
    ['a unit charge of $100,000.01', [item({ unitCharge: 10_000_001 })], ['items.0.unitCharge']],
    ['a unit charge of 1e15 cents', [item({ unitCharge: 1e15 })], ['items.0.unitCharge']],
    [
      'eleven $1,000,000 lines: a claim past $10,000,000',
      Array.from({ length: 11 }, () => item({ hcpcs: 'K0001', acquisition: 'rental', quantity: 10, unitCharge: 10_000_000 })),
      ['items.10.quantity'],
    ],
  ])('%s', async (_name, items, fields) => {
    const rows = async () => [await database.db.select({ n: count() }).from(orders), await database.db.select({ n: count() }).from(orderItems)];
    const before = await rows();
    const response = await call('POST', '/orders', { role: 'intake', body: orderBody(patient, { items }) });
    expect(response.status).toBe(422);
    expect(fieldsOf(response)).toEqual(fields);
    expect(await rows()).toEqual(before);
  });
});

describe('a patient payment past its ceiling or with a NUL byte is refused, not a 500', () => {
  test.each([
    ['3,000,000,000 cents', { amount: 3_000_000_000, receivedOn: todayIso() }, 422, ['amount']],
    ['a NUL byte in the reference', { amount: 500, receivedOn: todayIso(), reference: 'CHK\u00002231' }, 400, ['reference']],
    ['1e308 cents', { amount: 1e308, receivedOn: todayIso() }, 400, ['amount']],
  ])('%s', async (_name, body, status, fields) => {
    const response = await call('POST', `/claims/${claimId}/patient-payments`, { role: 'biller', body });
    expect(response.status).toBe(status);
    expect(fieldsOf(response)).toEqual(fields);
  });
});

describe('text fields hold no control characters or lone surrogates (400 naming the path)', () => {
  test.each([
    ['a NUL in a nested field', { ...patientBody, address: { ...patientBody.address, line1: '12 Main\u0000 St' } }, ['address.line1']],
    ['a tab in a name', { ...patientBody, firstName: 'Ada\tB' }, ['firstName']],
    ['a lone surrogate', { ...patientBody, lastName: 'Love\ud800lace' }, ['lastName']],
    ['a DEL in a property name', { ...patientBody, ['x\u007f']: 1 }, ['(key)']],
  ])('%s', async (_name, body, fields) => {
    const before = await database.db.select({ n: count() }).from(patients);
    const response = await call('POST', '/patients', { role: 'intake', body });
    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual(fields);
    expect(response.json.error.details[0].message).toMatch(/control character|surrogate/);
    expect(await database.db.select({ n: count() }).from(patients)).toEqual(before);
  });

  test.each([
    ['/orders?payerId=medicare%00', 'query.payerId'],
    ['/claims?payerId=%ED%A0%80', 'query.payerId'],
    ['/orders/%00', 'path'],
  ])('GET %s answers 400 naming %s', async (path, field) => {
    const response = await call('GET', path, { role: 'admin' });
    expect(response.status).toBe(400);
    expect(fieldsOf(response)).toEqual([field]);
  });
});

describe('bodies that are not JSON objects', () => {
  test.each([
    ['malformed JSON', '{"firstName":', 'application/json', 400],
    ['an array', '[]', 'application/json', 400],
    ['a string', '"Ada"', 'application/json', 400],
    ['JSON sent as text/plain', JSON.stringify(patientBody), 'text/plain', 415],
    ['a form', 'firstName=Ada', 'application/x-www-form-urlencoded', 415],
  ])('%s (%s as %s) answers %d', async (_name, text, contentType, status) => {
    const response = await call('POST', '/patients', { role: 'intake', text, contentType });
    expect(response.status).toBe(status);
    expect(response.json.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  });
});

describe('an 835 with a NUL byte is rejected naming where', () => {
  test('422 remittance_rejected, the segment and character named, nothing posted', async () => {
    const x12 = readFileSync(join(__dirname, '../fixtures/x12/835-medicare-paid.x12'), 'utf8').replace('TRN*1*EFT0012345', 'TRN*1*EFT\u00000012345');
    const response = await call('POST', '/remittances', { role: 'biller', text: x12 });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('remittance_rejected');
    expect(response.json.error.details[0].message).toContain('segment 5 (TRN): character 291 of the file is the control character U+0000');
  });

  test('segments on their own lines still post', async () => {
    const x12 = readFileSync(join(__dirname, '../fixtures/x12/835-medicare-paid.x12'), 'utf8').replace(/~/g, '~\r\n');
    const response = await call('POST', '/remittances', { role: 'biller', text: x12 });
    expect(response.status).toBeLessThan(500);
    expect(response.json.error?.details?.[0]?.message ?? '').not.toContain('control character');
  });
});

describe('a genuine internal failure is still a 500, and says nothing about the patient', () => {
  test('the body is generic and the log line carries the route, never the error text', async () => {
    const lines: string[] = [];
    const phi = 'Ada Lovelace 1948-02-29 1EG4TE5MK73';
    const broken = {
      ...database,
      db: new Proxy(database.db, {
        get: () => () => {
          throw new Error(phi);
        },
      }),
    };
    const app = createApp({
      database: broken,
      temporal: {} as never,
      apiKeys: testKeys,
      logger: createLogger('info', {}, (line) => lines.push(line)),
    });
    const response = await apiClient(app)('GET', `/patients/${patient.patientId}`, { role: 'admin' });
    expect(response.status).toBe(500);
    expect(response.json.error.code).toBe('internal');
    const unhandled = lines.map((line) => JSON.parse(line)).find((line) => line.message === 'unhandled error');
    expect(unhandled).toEqual(expect.objectContaining({ level: 'error', path: '/patients/:id' }));
    for (const text of [response.text, ...lines]) expect(phiIn(text, ['Ada', 'Lovelace', '1948-02-29', '1EG4TE5MK73'])).toEqual([]);
  });
});
