/**
 * The resupply routes in process (api/routes/resupply.ts) over a Temporal port that records
 * what it is asked and answers as a test needs: a plan from a delivered order, every refusal
 * naming its field, one active plan per patient and device, the report's bounds, and the
 * stop of a plan whose workflow is gone. The workflow itself runs in tests/workflow/resupply.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { TemporalPort } from '../../api/app';
import { auditEvents, deliveries, orderItems, resupplyCycles, resupplyPlans } from '../../db/schema';
import { buildTestApp, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedPatientOrder, type SeededPatientOrder } from '../support/receivables';

let database: TestDatabase;
let call: ApiCall;
let device: SeededPatientOrder;
const started: string[] = [];
let answer: 'accepted' | 'closed' | 'missing' = 'accepted';

const port = {
  ping: async () => undefined,
  startResupply: async ({ planId }: { planId: string }) => {
    started.push(planId);
  },
  updateResupply: async (planId: string) =>
    answer === 'accepted'
      ? {
          outcome: 'accepted' as const,
          status: { planId, status: 'active' as const, reason: null, optedOut: false, cyclesCompleted: 0, cycle: null, items: [], heldUntil: null },
        }
      : { outcome: answer },
  signalResupply: async () => 'not-running' as const,
} as unknown as TemporalPort;

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database, port).call;
  device = await seedPatientOrder(database.db);
  const { db } = database;
  await db.insert(orderItems).values([
    { id: randomUUID(), orderId: device.orderId, lineNumber: 2, hcpcs: 'A7034', quantity: 1, acquisition: 'purchase', unitCharge: 9_000 },
    { id: randomUUID(), orderId: device.orderId, lineNumber: 3, hcpcs: 'A7038', quantity: 2, acquisition: 'purchase', unitCharge: 400 },
  ]);
  await db.insert(deliveries).values({
    orderId: device.orderId,
    deliveredOn: '2026-01-05',
    signedBy: 'Pat Ledger',
    relationship: 'self',
    reportedBy: 'dan.delivery',
    reportedAt: new Date(),
    confirmedAt: new Date(),
  });
});
afterAll(() => database?.drop());

const plansPath = () => `/patients/${device.patientId}/resupply-plans`;
const fromTheOrder = { items: [{ hcpcs: 'A7034' }, { hcpcs: 'A7038' }], channel: 'sms', contactPhone: '614-555-0100' };

test('a plan from the delivered order takes its codes, charges and delivery date; a second active plan for the device is refused', async () => {
  const created = await call('POST', plansPath(), { role: 'intake', body: { deviceOrderId: device.orderId, ...fromTheOrder } });
  expect(created.status).toBe(201);
  expect(started).toEqual([created.json.planId]);
  const plan = await call('GET', `/resupply-plans/${created.json.planId}`, { role: 'biller' });
  expect(plan.json).toMatchObject({
    deviceHcpcs: 'E0601',
    cycleMonths: 3,
    channel: 'sms',
    patientName: 'Ledger, Pat',
    items: [
      { hcpcs: 'A7034', lastDeliveredOn: '2026-01-05', unitCharge: 9_000 },
      { hcpcs: 'A7038', lastDeliveredOn: '2026-01-05', unitCharge: 400 },
    ],
    cycles: [],
  });
  const [row] = await database.db.select().from(resupplyPlans).where(eq(resupplyPlans.id, created.json.planId));
  expect(row.workflowStartedAt).not.toBeNull();
  expect(row.contactPhone).toBe('6145550100');

  const again = await call('POST', plansPath(), { role: 'intake', body: { deviceOrderId: device.orderId, ...fromTheOrder } });
  expect(again.status).toBe(409);
  expect(again.json.error.message).toContain('stop it first');
  // Two submits at once pass the check together: the partial unique index refuses the second.
  await expect(database.db.insert(resupplyPlans).values({ ...row, id: randomUUID(), workflowId: 'resupply-x' })).rejects.toMatchObject({
    cause: expect.objectContaining({ code: '23505', constraint: 'resupply_plans_one_active_uq' }),
  });
});

test.each([
  [{ deviceOrderId: 'x', ...fromTheOrder }, 400, 'deviceOrderId'],
  [{ ...fromTheOrder }, 422, 'deviceHcpcs'],
  [
    { deviceHcpcs: 'E0601', coverageId: randomUUID(), prescriberNpi: '', orderDate: '2026-01-01', diagnoses: ['G47.33'], ...fromTheOrder },
    400,
    'prescriberNpi',
  ],
  [
    { deviceHcpcs: 'E0601', coverageId: randomUUID(), prescriberNpi: '1987654321', orderDate: '2026-01-01', diagnoses: ['G47.33'], ...fromTheOrder },
    400,
    'prescriberNpi',
  ],
  [{ deviceOrderId: randomUUID(), ...fromTheOrder }, 422, 'deviceOrderId'],
  [{ deviceOrderId: randomUUID(), items: [{ hcpcs: 'E0601' }], channel: 'email' }, 422, 'items[0].hcpcs'],
  [{ deviceOrderId: randomUUID(), ...fromTheOrder, cycleMonths: 4 }, 422, 'cycleMonths'],
  [{ deviceOrderId: randomUUID(), ...fromTheOrder, contactPhone: undefined, channel: 'email' }, 422, 'contactEmail'],
])('refused, naming the field: %j', async (body, status, field) => {
  const response = await call('POST', plansPath(), { role: 'intake', body });
  expect(response.status).toBe(status);
  expect(response.json.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
});

test('only intake starts a plan; a reviewer reads none', async () => {
  expect((await call('POST', plansPath(), { role: 'biller', body: { deviceOrderId: device.orderId, ...fromTheOrder } })).status).toBe(403);
  expect((await call('GET', '/resupply-plans', { role: 'reviewer' })).status).toBe(403);
});

test('the outreach report counts each month’s outcomes and refuses months it cannot count', async () => {
  const [plan] = await database.db.select().from(resupplyPlans).where(eq(resupplyPlans.patientId, device.patientId));
  const cycle = (number: number, outcome: 'confirmed' | 'declined' | 'no-answer', closedOn: string, attempts: number) => ({
    planId: plan.id,
    cycle: number,
    dueOn: closedOn,
    contactOpensOn: closedOn,
    earliestShipOn: closedOn,
    hcpcs: ['A7034'],
    outcome,
    attempts,
    closedOn,
  });
  await database.db
    .insert(resupplyCycles)
    .values([cycle(1, 'confirmed', '2026-03-20', 1), cycle(2, 'no-answer', '2026-06-25', 3), cycle(3, 'declined', '2026-06-28', 2)]);
  const report = await call('GET', '/reports/resupply-outreach?from=2026-03&to=2026-06', { role: 'intake' });
  expect(report.json.months).toEqual([
    { month: '2026-03', confirmed: 1, declined: 0, noAnswer: 0, stopped: 0, contacts: 1 },
    { month: '2026-04', confirmed: 0, declined: 0, noAnswer: 0, stopped: 0, contacts: 0 },
    { month: '2026-05', confirmed: 0, declined: 0, noAnswer: 0, stopped: 0, contacts: 0 },
    { month: '2026-06', confirmed: 0, declined: 1, noAnswer: 1, stopped: 0, contacts: 5 },
  ]);
  for (const [query, field] of [
    ['from=0000-01&to=0000-01', 'from'],
    ['from=2025-01&to=9999-12', 'to'],
    ['from=2001-01&to=2026-01', 'to'],
    ['from=2026-05&to=2026-04', 'to'],
  ]) {
    const refused = await call('GET', `/reports/resupply-outreach?${query}`, { role: 'intake' });
    expect([400, 422]).toContain(refused.status);
    const fields = refused.json.error.details.map((detail: { field: string }) => detail.field.replace(/^query\./, ''));
    expect(fields).toContain(field);
  }
});

test('a refill answer must say who answered with a relationship from the list, never a name', async () => {
  const [plan] = await database.db.select().from(resupplyPlans).where(eq(resupplyPlans.patientId, device.patientId));
  const refused = await call('POST', `/resupply-plans/${plan.id}/confirmations`, {
    role: 'intake',
    body: {
      cycle: 1,
      answeredBy: 'caregiver',
      caregiverRelationship: 'Mary Ledger',
      channel: 'phone',
      items: [{ hcpcs: 'A7034', needed: true, condition: 'worn' }],
    },
  });
  expect(refused.status).toBe(400);
  expect(refused.json.error.details[0].field).toBe('caregiverRelationship');
});

test('a plan whose workflow is gone is stopped in its row, audited, and a new plan may start', async () => {
  const [plan] = await database.db.select().from(resupplyPlans).where(eq(resupplyPlans.patientId, device.patientId));
  answer = 'closed';
  try {
    const stopped = await call('POST', `/resupply-plans/${plan.id}/stop`, { role: 'intake', body: { reason: 'no-longer-needed' } });
    expect(stopped.status).toBe(202);
    const held = await call('POST', `/resupply-plans/${plan.id}/hold`, { role: 'intake', body: { reason: 'patient-request' } });
    expect(held.status).toBe(409);
  } finally {
    answer = 'accepted';
  }
  const [row] = await database.db.select().from(resupplyPlans).where(eq(resupplyPlans.id, plan.id));
  expect(row).toMatchObject({ status: 'stopped', statusReason: 'no-longer-needed', nextContactOn: null });
  const audited = await database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, plan.id), eq(auditEvents.action, 'resupply.stopped-without-workflow')));
  expect(audited).toHaveLength(1);
  expect((await call('POST', plansPath(), { role: 'intake', body: { deviceOrderId: device.orderId, ...fromTheOrder } })).status).toBe(201);
});

test('a command to a plan whose start never happened starts its workflow first', async () => {
  const [plan] = await database.db
    .select()
    .from(resupplyPlans)
    .where(and(eq(resupplyPlans.patientId, device.patientId), eq(resupplyPlans.status, 'active')));
  await database.db.update(resupplyPlans).set({ workflowStartedAt: null }).where(eq(resupplyPlans.id, plan.id));
  started.length = 0;
  let calls = 0;
  const missingOnce = {
    ...port,
    updateResupply: async (planId: string, ...rest: unknown[]) =>
      calls++ === 0 ? { outcome: 'missing' as const } : (port.updateResupply as (...args: unknown[]) => unknown)(planId, ...rest),
  } as TemporalPort;
  const { call: callOnce } = buildTestApp(database, missingOnce);
  const resumed = await callOnce('POST', `/resupply-plans/${plan.id}/opt-out`, { role: 'intake', body: {} });
  expect(resumed.status).toBe(202);
  expect(started).toEqual([plan.id]);
  const [row] = await database.db.select().from(resupplyPlans).where(eq(resupplyPlans.id, plan.id));
  expect(row.workflowStartedAt).not.toBeNull();
});
