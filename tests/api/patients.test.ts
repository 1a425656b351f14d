import { count, isNull } from 'drizzle-orm';
import { auditEvents, coverages, patients } from '../../db/schema';
import { buildTestApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { phiIn } from '../support/phi';

let database: TestDatabase;
let call: ReturnType<typeof buildTestApp>['call'];

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
});
afterAll(() => database.drop());

const validPatient = {
  firstName: 'Ada',
  lastName: "O'Neil-Smith",
  birthDate: '1948-02-29',
  sex: 'F',
  address: { line1: '12 Main St', city: 'Columbus', state: 'oh', zip: '43215-1234' },
  phone: '(614) 555-0100',
};

async function tableCounts() {
  const [[p], [c], [a]] = await Promise.all([
    database.db.select({ n: count() }).from(patients),
    database.db.select({ n: count() }).from(coverages),
    // Business events only: a refused request leaves its own audit row (method set), which is the point of it.
    database.db.select({ n: count() }).from(auditEvents).where(isNull(auditEvents.method)),
  ]);
  return { patients: p.n, coverages: c.n, audit: a.n };
}

describe('POST /patients', () => {
  test('registers a patient, answers 201 with its id and Location, and audits who did it without PHI', async () => {
    const response = await call('POST', '/patients', { role: 'intake', body: validPatient });
    expect(response.status).toBe(201);
    expect(response.json.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get('location')).toBe(`/patients/${response.json.id}`);

    const fetched = await call('GET', `/patients/${response.json.id}`, { role: 'biller' });
    expect(fetched.status).toBe(200);
    expect(fetched.json).toMatchObject({
      lastName: "O'Neil-Smith",
      birthDate: '1948-02-29',
      address: { state: 'OH', zip: '432151234' },
      phone: '6145550100',
      coverages: [],
    });

    const audit = await database.db.select().from(auditEvents);
    const entry = audit.find((event) => event.entityId === response.json.id && event.action === 'patient.created')!;
    expect(entry).toMatchObject({ actor: 'ivy.intake', action: 'patient.created', entityType: 'patient' });
    expect(phiIn(JSON.stringify(entry), ['Ada', "O'Neil", '1948-02-29', '19480229'])).toEqual([]);
  });

  test.each([
    ['firstName', { firstName: '' }, 'must not be empty'],
    ['lastName', { lastName: 'Sm1th' }, 'letters'],
    ['birthDate', { birthDate: '2023-02-30' }, 'real calendar date'],
    ['birthDate', { birthDate: '2999-01-01' }, 'must not be in the future'],
    ['birthDate', { birthDate: '01/02/1950' }, 'YYYY-MM-DD'],
    ['sex', { sex: 'X' }, 'F, M or U'],
    ['address.state', { address: { ...validPatient.address, state: 'ZZ' } }, 'US state'],
    ['address.zip', { address: { ...validPatient.address, zip: '4321' } }, '5 or 9 digits'],
    ['phone', { phone: '555' }, '10-digit'],
  ])('rejects a bad %s with 400 naming the field and the rule', async (field, change, rule) => {
    const before = await tableCounts();
    const response = await call('POST', '/patients', { role: 'intake', body: { ...validPatient, ...change } });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('validation_failed');
    expect(response.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(rule) })]));
    expect(await tableCounts()).toEqual(before);
  });

  test('names every bad field at once', async () => {
    const response = await call('POST', '/patients', {
      role: 'intake',
      body: { ...validPatient, sex: 'Q', birthDate: 'yesterday', address: { ...validPatient.address, zip: 'x' } },
    });
    expect(response.status).toBe(400);
    const fields = response.json.error.details.map((problem: { field: string }) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['sex', 'birthDate', 'address.zip']));
    expect(response.json.error.message).toContain('address.zip');
  });

  test('rejects a body that is not JSON, and unknown fields', async () => {
    const notJson = await call('POST', '/patients', { role: 'intake', body: undefined });
    expect(notJson.status).toBe(400);
    const unknown = await call('POST', '/patients', { role: 'intake', body: { ...validPatient, ssn: '123-45-6789' } });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.json)).not.toContain('123-45-6789');
  });

  test('answers 401 without a key or with an unknown key, 403 without the intake role, and writes nothing', async () => {
    const before = await tableCounts();
    const noKey = await call('POST', '/patients', { body: validPatient });
    expect(noKey.status).toBe(401);
    expect(noKey.json.error.code).toBe('unauthenticated');
    const wrongKey = await call('POST', '/patients', { key: 'not-a-real-key-123456', body: validPatient });
    expect(wrongKey.status).toBe(401);
    const biller = await call('POST', '/patients', { role: 'biller', body: validPatient });
    expect(biller.status).toBe(403);
    expect(biller.json.error.message).toContain('intake');
    expect(await tableCounts()).toEqual(before);
  });

  test('admin may do what intake does', async () => {
    const response = await call('POST', '/patients', { role: 'admin', body: validPatient });
    expect(response.status).toBe(201);
  });
});

describe('GET /patients/:id', () => {
  test('answers 404 for an unknown patient and 400 for an id that is not a UUID', async () => {
    expect((await call('GET', '/patients/00000000-0000-4000-8000-000000000000', { role: 'intake' })).status).toBe(404);
    const bad = await call('GET', '/patients/42', { role: 'intake' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.details[0].field).toBe('path.id');
  });
});

describe('POST /patients/:id/coverages', () => {
  let patientId: string;
  beforeAll(async () => {
    patientId = (await call('POST', '/patients', { role: 'intake', body: validPatient })).json.id;
  });

  test('adds a Medicare coverage with a valid MBI and lists it on the patient', async () => {
    const response = await call('POST', `/patients/${patientId}/coverages`, {
      role: 'intake',
      body: { payerId: 'medicare-jb', memberId: '1eg4te5mk73', priority: 'primary' },
    });
    expect(response.status).toBe(201);
    const patient = await call('GET', `/patients/${patientId}`, { role: 'intake' });
    expect(patient.json.coverages).toEqual([
      expect.objectContaining({ id: response.json.id, payerId: 'medicare-jb', memberId: '1EG4TE5MK73', relationship: 'self' }),
    ]);
  });

  test('the same member id with the same payer twice is a 409', async () => {
    const response = await call('POST', `/patients/${patientId}/coverages`, {
      role: 'intake',
      body: { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary' },
    });
    expect(response.status).toBe(409);
  });

  test.each([
    ['memberId', { payerId: 'medicare-jc', memberId: 'ABC123' }, 400, 'Medicare Beneficiary Identifier'],
    ['memberId', { payerId: 'commercial-acme', memberId: 'x' }, 400, '2–30 letters or digits'],
    ['payerId', { payerId: 'nobody' }, 422, 'not configured'],
    ['subscriber', { relationship: 'spouse' }, 400, 'required when the patient is not the subscriber'],
    ['priority', { priority: 'first' }, 400, 'primary'],
  ])('rejects a bad %s (%o) with %i and writes nothing', async (field, change, status, rule) => {
    const before = await tableCounts();
    const response = await call('POST', `/patients/${patientId}/coverages`, {
      role: 'intake',
      body: { payerId: 'commercial-acme', memberId: 'ACM12345', priority: 'secondary', ...change },
    });
    expect(response.status).toBe(status);
    expect(response.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(rule) })]));
    expect(await tableCounts()).toEqual(before);
  });

  test('a coverage for an unknown patient is a 404', async () => {
    const response = await call('POST', '/patients/00000000-0000-4000-8000-000000000000/coverages', {
      role: 'intake',
      body: { payerId: 'commercial-acme', memberId: 'ACM12345', priority: 'primary' },
    });
    expect(response.status).toBe(404);
  });
});

describe('reference data and documentation', () => {
  test('GET /payers lists the four DME MACs, a Medicaid, a commercial payer and two Medigap plans', async () => {
    const response = await call('GET', '/payers', { role: 'delivery' });
    expect(response.status).toBe(200);
    expect(response.json.payers.map((payer: { id: string }) => payer.id)).toEqual([
      'commercial-acme',
      'medicaid-state',
      'medicare-ja',
      'medicare-jb',
      'medicare-jc',
      'medicare-jd',
      'medigap-crossover',
      'medigap-direct',
    ]);
    expect(response.json.payers.find((payer: { id: string }) => payer.id === 'medicare-jd')).toMatchObject({
      dmeMacJurisdiction: 'JD',
      claimFilingIndicator: 'MB',
      timelyFilingDays: 365,
    });
  });

  test('GET /openapi.json describes the routes with bearer security, and /docs serves the docs page', async () => {
    const spec = await call('GET', '/openapi.json');
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.json.paths)).toEqual(expect.arrayContaining(['/healthz', '/payers', '/patients', '/patients/{id}/coverages']));
    expect(spec.json.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    const docs = await call('GET', '/docs');
    expect(docs.status).toBe(200);
    expect(docs.text).toContain('swagger');
  });

  test('every pattern in /openapi.json is ECMA-262 a client can compile with the u flag, and the name pattern takes real names', async () => {
    const spec = (await call('GET', '/openapi.json')).json;
    const patterns = new Set<string>();
    JSON.stringify(spec, (key, value) => {
      if (key === 'pattern' && typeof value === 'string') patterns.add(value);
      return value;
    });
    expect(patterns.size).toBeGreaterThan(3);
    for (const pattern of patterns) {
      // A regex literal's flags written after it (`…$/u`) once made every name fail.
      expect(pattern).not.toMatch(/\/[dgimsuvy]*$/);
      expect(() => new RegExp(pattern, 'u')).not.toThrow();
    }
    // The name a client sends (a new patient's), not one the API answers with (those carry no pattern).
    const firstName = spec.components.schemas.NewPatient.properties.firstName as { pattern: string };
    expect(firstName.pattern).toEqual(expect.any(String));
    const name = new RegExp(firstName.pattern, 'u');
    for (const valid of ['Ada', 'José', "O'Neil-Smith", 'St. John', 'Zoë Ångström']) expect(name.test(valid)).toBe(true);
    for (const invalid of ['R2D2', 'Ada*', ' Ada', '-Ada']) expect(name.test(invalid)).toBe(false);
  });

  test('/docs loads Swagger UI from this server only: every asset it names is served here', async () => {
    const docs = await call('GET', '/docs');
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(docs.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    const assets = [...docs.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
    expect(assets).toEqual(expect.arrayContaining(['/docs/assets/swagger-ui.css', '/docs/assets/swagger-ui-bundle.js', '/docs/assets/init.js']));
    for (const asset of assets) {
      const response = await call('GET', asset);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
      expect(response.headers.get('content-type')).toMatch(
        asset.endsWith('.css') ? /text\/css/ : asset.endsWith('.png') ? /image\/png/ : /javascript/,
      );
    }
    expect((await call('GET', '/docs/assets/swagger-ui-bundle.js')).text).toContain('SwaggerUIBundle');
    const missing = await call('GET', '/docs/assets/package.json');
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe('not_found');
  });

  test('an unknown route answers in the error shape', async () => {
    const response = await call('GET', '/nowhere', { role: 'admin' });
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('not_found');
  });
});

/** The first schema property of that name anywhere in the document. */
