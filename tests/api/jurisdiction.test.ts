/**
 * DME MAC jurisdiction at intake and in the claim builder (DOMAIN.md §9): the contractor
 * is the one of the patient's permanent address (Noridian JD "Claims Filing Based on
 * Beneficiary Address"; a claim to another one denies CO-109/N104, CGS JC bulletin
 * 2022-02-09), so intake and a coverage correction refuse a coverage naming another one,
 * and after a move recorded through POST /patients/:id/addresses every claim prepared
 * from then on goes to the new one, whatever its date of service (same bulletin: "the
 * beneficiary's address at the time the claim is processed").
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { routeToPayer } from '../../activities/dme-mac';
import { auditEvents, coverages, orders, patientAddresses, patients, payers, prescribers, tasks } from '../../db/schema';
import { buildTestApp, orderBody, patientBody, prescriber, todayIso, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let call: ApiCall;

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
});
afterAll(() => database.drop());

const texan = { ...patientBody, address: { line1: '1 Congress Ave', city: 'Austin', state: 'TX', zip: '78701' } };
const ohioAddress = { line1: '12 Main St', city: 'Columbus', state: 'OH', zip: '43215' };

async function registerTexan() {
  const response = await call('POST', '/patients', { role: 'intake', body: texan });
  expect(response.status).toBe(201);
  return response.json.id as string;
}

const addCoverage = (patientId: string, payerId: string, memberId = '1EG4TE5MK73') =>
  call('POST', `/patients/${patientId}/coverages`, { role: 'intake', body: { payerId, memberId, priority: 'primary' } });

const countRows = async (table: typeof coverages | typeof orders | typeof patientAddresses, patientId: string) =>
  (await database.db.select().from(table).where(eq(table.patientId, patientId))).length;

describe('a Texas patient with a Medicare coverage', () => {
  test('naming JB is refused with 422 naming JC, the right contractor, and its payer id; nothing is stored', async () => {
    const patientId = await registerTexan();
    const response = await addCoverage(patientId, 'medicare-jb');
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([
      {
        field: 'payerId',
        message:
          "medicare-jb is the DME MAC of jurisdiction JB, but Medicare DME claims go to the DME MAC of the patient's permanent address, " +
          'jurisdiction JC: use payer medicare-jc (Medicare DME MAC Jurisdiction C (CGS), EDI payer id 18003)',
      },
    ]);
    expect(response.text).not.toMatch(/Austin|Congress|78701|TX/);
    expect(await countRows(coverages, patientId)).toBe(0);
  });

  test.each(['medicare-ja', 'medicare-jd'])('naming %s is refused the same way', async (payerId) => {
    const response = await addCoverage(await registerTexan(), payerId);
    expect(response.status).toBe(422);
    expect(response.json.error.details[0].message).toContain('jurisdiction JC: use payer medicare-jc');
  });

  test('naming JC is accepted; a commercial or Medicaid coverage is not a DME MAC and is unaffected', async () => {
    const patientId = await registerTexan();
    expect((await addCoverage(patientId, 'medicare-jc')).status).toBe(201);
    expect((await addCoverage(patientId, 'commercial-acme', 'ACME-1')).status).toBe(201);
    expect((await addCoverage(patientId, 'medicaid-state', 'MCD123456')).status).toBe(201);
  });
});

describe('POST /orders with a coverage of another DME MAC', () => {
  test('is refused with 422 on coverageId naming the right contractor; no order is stored', async () => {
    const patientId = await registerTexan();
    // Stored before this rule existed (or by hand): intake still refuses to order against it.
    const [coverage] = await database.db
      .insert(coverages)
      .values({ patientId, payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary', relationship: 'self', createdBy: 'test' })
      .returning();
    const response = await call('POST', '/orders', { role: 'intake', body: orderBody({ patientId, coverageId: coverage.id }) });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([
      expect.objectContaining({
        field: 'coverageId',
        message: expect.stringContaining('jurisdiction JC: use payer medicare-jc (Medicare DME MAC Jurisdiction C (CGS), EDI payer id 18003)'),
      }),
    ]);
    expect(await countRows(orders, patientId)).toBe(0);
  });
});

describe('POST /orders/:id/coverage with a coverage of another DME MAC', () => {
  async function orderOf(patientId: string, payerId: string) {
    const added = await addCoverage(patientId, payerId);
    expect(added.status).toBe(201);
    await database.db.insert(prescribers).values(prescriber).onConflictDoNothing();
    const orderId = randomUUID();
    await database.db.insert(orders).values({
      id: orderId,
      patientId,
      coverageId: added.json.id,
      payerId,
      prescriberNpi: prescriber.npi,
      orderDate: todayIso(),
      diagnoses: ['G4733'],
      workflowId: `order-${orderId}`,
      stage: 'eligibility',
      createdBy: 'test',
    });
    return { orderId, coverageId: added.json.id as string };
  }
  const storeCoverage = async (patientId: string, payerId: string) =>
    (
      await database.db
        .insert(coverages)
        .values({ patientId, payerId, memberId: '1EG4TE5MK73', priority: 'secondary', relationship: 'self', createdBy: 'test' })
        .returning()
    )[0].id;
  const correct = (orderId: string, coverageId: string) => call('POST', `/orders/${orderId}/coverage`, { role: 'intake', body: { coverageId } });
  const coverageOfOrder = async (orderId: string) => (await database.db.select().from(orders).where(eq(orders.id, orderId)))[0].coverageId;

  test('is refused with 422 on coverageId naming the right contractor, as at intake; the order keeps its coverage', async () => {
    const patientId = await registerTexan();
    const { orderId, coverageId } = await orderOf(patientId, 'medicare-jc');
    // Stored before this rule existed (or by hand): the correction refuses to bill it.
    const wrong = await storeCoverage(patientId, 'medicare-jb');
    const response = await correct(orderId, wrong);
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([
      {
        field: 'coverageId',
        message:
          "medicare-jb is the DME MAC of jurisdiction JB, but Medicare DME claims go to the DME MAC of the patient's permanent address, " +
          'jurisdiction JC: use payer medicare-jc (Medicare DME MAC Jurisdiction C (CGS), EDI payer id 18003)',
      },
    ]);
    expect(response.text).not.toMatch(/Austin|Congress|78701|TX/);
    expect(await coverageOfOrder(orderId)).toBe(coverageId);
  });

  test('after a move, a coverage naming the old contractor is refused naming the new one', async () => {
    const patientId = await registerTexan();
    const { orderId, coverageId: texasCoverage } = await orderOf(patientId, 'commercial-acme');
    const oldContractor = await storeCoverage(patientId, 'medicare-jc');
    expect(
      (await call('POST', `/patients/${patientId}/addresses`, { role: 'intake', body: { ...ohioAddress, effectiveOn: '2025-03-10' } })).status,
    ).toBe(201);
    const response = await correct(orderId, oldContractor);
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([
      { field: 'coverageId', message: expect.stringContaining('medicare-jc is the DME MAC of jurisdiction JC') },
    ]);
    expect(response.json.error.details[0].message).toContain(
      'jurisdiction JB: use payer medicare-jb (Medicare DME MAC Jurisdiction B (CGS), EDI payer id 17003)',
    );
    expect(await coverageOfOrder(orderId)).toBe(texasCoverage);
  });
});

describe('POST /patients/:id/addresses', () => {
  const move = (patientId: string, body: Record<string, unknown>, role: 'intake' | 'biller' = 'intake') =>
    call('POST', `/patients/${patientId}/addresses`, { role, body });

  test('records a move: 201, GET /patients/:id shows the new address and its DME MAC', async () => {
    const patientId = await registerTexan();
    expect((await call('GET', `/patients/${patientId}`, { role: 'biller' })).json).toMatchObject({
      address: { state: 'TX' },
      dmeMacJurisdiction: 'JC',
    });
    const response = await move(patientId, { ...ohioAddress, effectiveOn: '2025-03-10' });
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe(`/patients/${patientId}`);
    const patient = await call('GET', `/patients/${patientId}`, { role: 'biller' });
    expect(patient.json).toMatchObject({
      address: { line1: '12 Main St', line2: null, city: 'Columbus', state: 'OH', zip: '43215' },
      dmeMacJurisdiction: 'JB',
    });
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'patient.address-changed'), eq(auditEvents.entityId, patientId)));
    expect(audit.detail).toEqual({ addressId: response.json.id, dmeMacFrom: 'JC', dmeMacTo: 'JB' });
  });

  test.each([
    ['effectiveOn', { effectiveOn: '2025-02-30' }, 400, 'real calendar date'],
    ['effectiveOn', { effectiveOn: undefined }, 400, ''],
    ['state', { state: 'ZZ' }, 400, 'US state'],
    ['zip', { zip: '1234' }, 400, '5 or 9 digits'],
    ['line1', { line1: '' }, 400, ''],
    ['country', { country: 'US' }, 400, ''],
  ])('a bad %s (%p) is a %i naming the field, and nothing changes', async (field, change, status, rule) => {
    const patientId = await registerTexan();
    const response = await move(patientId, { ...ohioAddress, effectiveOn: '2025-03-10', ...change });
    expect(response.status).toBe(status);
    const problem = response.json.error.details.find((detail: { field: string }) => detail.field === field || detail.field === '(body)');
    expect(problem).toBeDefined();
    expect(problem.message).toContain(rule);
    expect(await countRows(patientAddresses, patientId)).toBe(1);
  });

  test('an effective date not after the current address’s, or in the future, is a 422 on effectiveOn', async () => {
    const patientId = await registerTexan();
    expect((await move(patientId, { ...ohioAddress, effectiveOn: '2025-03-10' })).status).toBe(201);
    for (const effectiveOn of ['2025-03-10', '2025-01-01', '2999-01-01']) {
      const response = await move(patientId, { line1: '9 Bay St', city: 'Tampa', state: 'FL', zip: '33602', effectiveOn });
      expect(response.status).toBe(422);
      expect(response.json.error.details).toEqual([{ field: 'effectiveOn', message: expect.stringMatching(/must (be after|not be in the future)/) }]);
    }
    expect(await countRows(patientAddresses, patientId)).toBe(2);
    expect((await call('GET', `/patients/${patientId}`, { role: 'biller' })).json.address.state).toBe('OH');
  });

  test('needs the intake role, and an unknown patient is a 404', async () => {
    const patientId = await registerTexan();
    expect((await move(patientId, { ...ohioAddress, effectiveOn: '2025-03-10' }, 'biller')).status).toBe(403);
    expect((await move(randomUUID(), { ...ohioAddress, effectiveOn: '2025-03-10' })).status).toBe(404);
    expect(await countRows(patientAddresses, patientId)).toBe(1);
  });
});

describe('a move into another jurisdiction while a Medicare order is open', () => {
  async function texanWithOrder(payerId: string, memberId: string) {
    const patientId = await registerTexan();
    const added = await addCoverage(patientId, payerId, memberId);
    expect(added.status).toBe(201);
    await database.db.insert(prescribers).values(prescriber).onConflictDoNothing();
    const orderId = randomUUID();
    await database.db.insert(orders).values({
      id: orderId,
      patientId,
      coverageId: added.json.id,
      payerId,
      prescriberNpi: prescriber.npi,
      orderDate: todayIso(),
      diagnoses: ['G4733'],
      workflowId: `order-${orderId}`,
      stage: 'rental',
      createdBy: 'test',
    });
    return { patientId, orderId };
  }
  const tasksOf = (orderId: string) => database.db.select().from(tasks).where(eq(tasks.orderId, orderId));

  test('opens a biller task naming the two jurisdictions only', async () => {
    const { patientId, orderId } = await texanWithOrder('medicare-jc', '1EG4TE5MK73');
    expect(
      (await call('POST', `/patients/${patientId}/addresses`, { role: 'intake', body: { ...ohioAddress, effectiveOn: '2025-03-10' } })).status,
    ).toBe(201);
    const [task] = await tasksOf(orderId);
    expect(task).toMatchObject({ role: 'biller', kind: 'dme-mac-changed', status: 'open' });
    expect(task.title).toBe(
      'The patient moved from DME MAC jurisdiction JC to JB: claims prepared from now on go to JB, whatever their dates of service; check coverage and any prior authorization with the new contractor',
    );
  });

  test('a move within the jurisdiction, or for a commercial order, opens none', async () => {
    const sameMac = await texanWithOrder('medicare-jc', '1EG4TE5MK73');
    const florida = { line1: '9 Bay St', city: 'Tampa', state: 'FL', zip: '33602', effectiveOn: '2025-03-10' };
    expect((await call('POST', `/patients/${sameMac.patientId}/addresses`, { role: 'intake', body: florida })).status).toBe(201);
    expect(await tasksOf(sameMac.orderId)).toEqual([]);
    const commercial = await texanWithOrder('commercial-acme', 'ACME-2');
    expect(
      (await call('POST', `/patients/${commercial.patientId}/addresses`, { role: 'intake', body: { ...ohioAddress, effectiveOn: '2025-03-10' } }))
        .status,
    ).toBe(201);
    expect(await tasksOf(commercial.orderId)).toEqual([]);
  });
});

describe('the claim builder routes by the address on file the day the claim is prepared', () => {
  let patientId: string;
  const payer = async (id: string) => (await database.db.select().from(payers).where(eq(payers.id, id)))[0];
  const patientRow = async () => (await database.db.select().from(patients).where(eq(patients.id, patientId)))[0];

  beforeAll(async () => {
    patientId = await registerTexan();
    expect(
      (await call('POST', `/patients/${patientId}/addresses`, { role: 'intake', body: { ...ohioAddress, effectiveOn: '2025-03-10' } })).status,
    ).toBe(201);
  });

  test.each([
    ['medicare-jc', '2025-02-10', 'medicare-jc', 'TX'],
    ['medicare-jc', '2025-03-09', 'medicare-jc', 'TX'],
    ['medicare-jc', '2025-03-10', 'medicare-jb', 'OH'],
    ['medicare-jc', '2025-04-10', 'medicare-jb', 'OH'],
    ['medicare-jb', '2025-02-10', 'medicare-jc', 'TX'],
    // Not a DME MAC: billed as the order says, with the current address.
    ['commercial-acme', '2025-02-10', 'commercial-acme', 'OH'],
  ])('an order billing %s, claim prepared on %s → %s with the %s address', async (orderPayer, preparedOn, routedPayer, state) => {
    const routed = await routeToPayer(database.db, await payer(orderPayer), await patientRow(), preparedOn);
    expect(routed).toMatchObject({ ok: true, payer: { id: routedPayer }, address: { state } });
  });

  test('a patient stored without address history is routed by the patient row', async () => {
    const [bare] = await database.db
      .insert(patients)
      .values({
        firstName: 'Pat',
        lastName: 'Row',
        birthDate: '1950-01-01',
        sex: 'F',
        addressLine1: '1 Elm St',
        city: 'Anchorage',
        state: 'AK',
        zip: '99501',
        createdBy: 'test',
      })
      .returning();
    expect(await routeToPayer(database.db, await payer('medicare-jb'), bare, '2025-02-10')).toMatchObject({ ok: true, payer: { id: 'medicare-jd' } });
  });
});
