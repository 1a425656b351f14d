/** The staff work queue: filters, and finishing a task once (who and when recorded, audited). */
import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { auditEvents, coverages, orders, patients, prescribers, tasks } from '../../db/schema';
import { buildTestApp, patientBody, prescriber, todayIso, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let call: ApiCall;
let orderId: string;
const ids = { reminder: randomUUID(), escalation: randomUUID(), rejection: randomUUID(), done: randomUUID() };

/** The rows an order's workflow would have written through its activities. */
beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
  const { db } = database;
  const [patient] = await db
    .insert(patients)
    .values({
      firstName: patientBody.firstName,
      lastName: patientBody.lastName,
      birthDate: patientBody.birthDate,
      sex: 'F',
      addressLine1: patientBody.address.line1,
      city: patientBody.address.city,
      state: patientBody.address.state,
      zip: patientBody.address.zip,
      createdBy: 'test',
    })
    .returning();
  const [coverage] = await db
    .insert(coverages)
    .values({ patientId: patient.id, payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary', relationship: 'self', createdBy: 'test' })
    .returning();
  await db.insert(prescribers).values(prescriber);
  orderId = randomUUID();
  await db.insert(orders).values({
    id: orderId,
    patientId: patient.id,
    coverageId: coverage.id,
    payerId: 'medicare-jb',
    prescriberNpi: prescriber.npi,
    orderDate: todayIso(),
    diagnoses: ['M1711'],
    workflowId: `order-${orderId}`,
    createdBy: 'test',
  });
  const at = (minutes: number) => new Date(Date.now() - 60 * 60_000 + minutes * 60_000);
  await db.insert(tasks).values([
    {
      id: ids.reminder,
      taskKey: `order-${orderId}:1:document-reminder`,
      orderId,
      role: 'intake',
      kind: 'document-reminder',
      title: 'Reminder 1',
      createdAt: at(1),
    },
    {
      id: ids.escalation,
      taskKey: `order-${orderId}:2:document-escalation`,
      orderId,
      role: 'reviewer',
      kind: 'document-escalation',
      title: 'Escalation',
      createdAt: at(2),
    },
    { id: ids.rejection, taskKey: 'claim-x:claim-rejected:0', role: 'biller', kind: 'claim-rejected', title: 'Claim rejected', createdAt: at(3) },
    {
      id: ids.done,
      taskKey: `order-${orderId}:0:document-reminder`,
      orderId,
      role: 'intake',
      kind: 'document-reminder',
      title: 'Old',
      status: 'done',
      doneBy: 'ivy.intake',
      doneAt: at(0),
      createdAt: at(0),
    },
  ]);
});
afterAll(() => database.drop());

const idsOf = (response: { json: { tasks: Array<{ id: string }> } }) => response.json.tasks.map((task) => task.id);

describe('GET /tasks', () => {
  test('lists open tasks by default, oldest first, to any role', async () => {
    const response = await call('GET', '/tasks', { role: 'delivery' });
    expect(response.status).toBe(200);
    expect(idsOf(response)).toEqual([ids.reminder, ids.escalation, ids.rejection]);
    expect(response.json.page).toEqual({ limit: 25, offset: 0, total: 3 });
    expect(response.json.tasks[0]).toMatchObject({ orderId, role: 'intake', kind: 'document-reminder', status: 'open', doneBy: null, note: null });
  });

  test('filters by role, status, order and kind', async () => {
    expect(idsOf(await call('GET', '/tasks?kind=claim-rejected', { role: 'intake' }))).toEqual([ids.rejection]);
    expect(idsOf(await call('GET', '/tasks?kind=document-reminder&status=done', { role: 'intake' }))).toEqual([ids.done]);
    expect(idsOf(await call('GET', '/tasks?role=reviewer', { role: 'intake' }))).toEqual([ids.escalation]);
    expect(idsOf(await call('GET', '/tasks?status=done', { role: 'intake' }))).toEqual([ids.done]);
    expect(idsOf(await call('GET', `/tasks?orderId=${orderId}`, { role: 'intake' }))).toEqual([ids.reminder, ids.escalation]);
    expect(idsOf(await call('GET', `/tasks?orderId=${orderId}&role=biller`, { role: 'intake' }))).toEqual([]);
  });

  test.each([
    ['query.role', '/tasks?role=admin'],
    ['query.status', '/tasks?status=closed'],
    ['query.orderId', '/tasks?orderId=7'],
    ['query.kind', '/tasks?kind='],
  ])('rejects a bad %s with 400', async (field, url) => {
    const response = await call('GET', url, { role: 'intake' });
    expect(response.status).toBe(400);
    expect(response.json.error.details[0].field).toBe(field);
  });
});

describe('POST /tasks/:id/done', () => {
  test('records who finished it and when, audits it, and a second time is a 409', async () => {
    const response = await call('POST', `/tasks/${ids.reminder}/done`, { role: 'intake' });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: ids.reminder, status: 'done', doneBy: 'ivy.intake', doneAt: expect.any(String) });
    const [row] = await database.db.select().from(tasks).where(eq(tasks.id, ids.reminder));
    expect(row).toMatchObject({ status: 'done', doneBy: 'ivy.intake' });
    const audit = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, ids.reminder), eq(auditEvents.action, 'task.done')));
    expect(audit).toEqual([
      expect.objectContaining({ actor: 'ivy.intake', action: 'task.done', entityType: 'task', detail: { kind: 'document-reminder', orderId } }),
    ]);
    expect(idsOf(await call('GET', '/tasks', { role: 'intake' }))).not.toContain(ids.reminder);

    const again = await call('POST', `/tasks/${ids.reminder}/done`, { role: 'admin' });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('already done by ivy.intake');
    const [unchanged] = await database.db.select().from(tasks).where(eq(tasks.id, ids.reminder));
    expect(unchanged.doneBy).toBe('ivy.intake');
  });

  test('an intake user may not close a biller task: 403 naming the rule, and the task stays open', async () => {
    const response = await call('POST', `/tasks/${ids.rejection}/done`, { role: 'intake' });
    expect(response.status).toBe(403);
    expect(response.json.error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('only a biller or an admin may mark it done') });
    const [row] = await database.db.select().from(tasks).where(eq(tasks.id, ids.rejection));
    expect(row).toMatchObject({ status: 'open', doneBy: null });
  });

  test('two people finishing the same task at once: one succeeds, the other gets 409', async () => {
    const results = await Promise.all([
      call('POST', `/tasks/${ids.rejection}/done`, { role: 'biller' }),
      call('POST', `/tasks/${ids.rejection}/done`, { role: 'admin' }),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409]);
    const audit = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, ids.rejection), eq(auditEvents.action, 'task.done')));
    expect(audit).toHaveLength(1);
  });

  test('404 for an unknown task, 401 without a key', async () => {
    expect((await call('POST', `/tasks/${randomUUID()}/done`, { role: 'biller' })).status).toBe(404);
    expect((await call('POST', `/tasks/${ids.escalation}/done`)).status).toBe(401);
  });
});

describe('who may close a task: one of its role or an admin', () => {
  const staffRoles = ['intake', 'reviewer', 'delivery', 'biller'] as const;
  const cases = staffRoles.flatMap((taskRole) =>
    [...staffRoles, 'admin' as const].map((actorRole) => [taskRole, actorRole, actorRole === taskRole || actorRole === 'admin' ? 200 : 403] as const),
  );
  test.each(cases)('a %s task closed by %s answers %i', async (taskRole, actorRole, status) => {
    const id = randomUUID();
    await database.db.insert(tasks).values({ id, taskKey: `matrix:${id}`, role: taskRole, kind: 'credit-balance-due', title: 'Matrix' });
    const response = await call('POST', `/tasks/${id}/done`, { role: actorRole });
    expect(response.status).toBe(status);
    const [row] = await database.db.select().from(tasks).where(eq(tasks.id, id));
    expect(row.status).toBe(status === 200 ? 'done' : 'open');
  });
});
