/**
 * Orders through the API against a real Temporal dev server, a worker running the real
 * workflows and activities, and the sandbox payer: creation and its rules, lists, the
 * live status, and every staff command (an Update) with its 404/409/422/202 answers.
 */
import { randomUUID } from 'node:crypto';
import { and, count, eq, isNull } from 'drizzle-orm';
import { startPendingWorkflows } from '../../activities/workflow-starts';
import { temporalPort } from '../../api/temporal';
import { auditEvents, deliveries, documents, orderItems, orders, prescribers, tasks } from '../../db/schema';
import { ORDER_TASK_QUEUE, orderWorkflowId } from '../../workflows/definitions';
import { createLogger } from '../../logger';
import { DmeHcpcs, DmePayer, DmeStage } from '../../workflows/search-attributes';
import {
  buildTestApp,
  completeDocuments,
  createOrder,
  deliver,
  orderBody,
  patientBody,
  prescriber,
  registerPatient,
  todayIso,
  waitForOrder,
  workflowStarted,
  type ApiCall,
} from '../support/api';
import { payloadValue } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTemporalStack, type TemporalStack } from '../support/temporal-stack';
import { phiIn } from '../support/phi';

jest.setTimeout(120_000);

let database: TestDatabase;
let stack: TemporalStack;
let call: ApiCall;

beforeAll(async () => {
  database = await createTestDatabase();
  stack = await startTemporalStack(database);
  call = buildTestApp(database, stack.temporal).call;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

const unknownId = '00000000-0000-4000-8000-000000000000';
const daysFromToday = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function tableCounts() {
  const [[o], [i], [p], [a], [d], [v]] = await Promise.all([
    database.db.select({ n: count() }).from(orders),
    database.db.select({ n: count() }).from(orderItems),
    database.db.select({ n: count() }).from(prescribers),
    // Business events only: a refused request leaves its own audit row (method set), which is the point of it.
    database.db.select({ n: count() }).from(auditEvents).where(isNull(auditEvents.method)),
    database.db.select({ n: count() }).from(documents),
    database.db.select({ n: count() }).from(deliveries),
  ]);
  return { orders: o.n, items: i.n, prescribers: p.n, audit: a.n, documents: d.n, deliveries: v.n };
}

/** The payloads of every signal and accepted Update in an order workflow's history: as the server stored them, and decrypted. */
async function signalPayloads(orderId: string): Promise<{ stored: string; decrypted: string }> {
  const history = await stack.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  const payloads = (history.events ?? []).flatMap((event) => [
    ...(event.workflowExecutionSignaledEventAttributes?.input?.payloads ?? []),
    ...(event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads ?? []),
  ]);
  const decrypted = await Promise.all(payloads.map((payload) => payloadValue<unknown>(payload)));
  return {
    stored: payloads.map((payload) => Buffer.from(payload.data ?? []).toString('utf8')).join('\n'),
    decrypted: JSON.stringify(decrypted),
  };
}

describe('POST /orders', () => {
  test('stores the order, starts its workflow with search attributes and a PHI-free summary, and answers 201 with Location', async () => {
    const patient = await registerPatient(call);
    const response = await call('POST', '/orders', {
      role: 'intake',
      body: orderBody(patient, {
        diagnoses: ['m17.11', 'E119'],
        items: [
          { hcpcs: 'e0100', quantity: 1, acquisition: 'purchase', unitCharge: 4500, replacement: true },
          { hcpcs: 'L1832', quantity: 1, acquisition: 'purchase', side: 'bilateral', unitCharge: 90000 },
        ],
      }),
    });
    expect(response.status).toBe(201);
    const { orderId } = response.json;
    expect(response.json).toEqual({
      orderId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      workflowId: `order-${orderId}`,
      stage: 'documentation',
      state: 'accepted',
    });
    expect(response.headers.get('location')).toBe(`/orders/${orderId}`);

    const [order] = await database.db.select().from(orders).where(eq(orders.id, orderId));
    expect(order).toMatchObject({
      payerId: 'medicare-jb',
      prescriberNpi: prescriber.npi,
      diagnoses: ['M1711', 'E119'],
      workflowId: `order-${orderId}`,
      createdBy: 'ivy.intake',
    });
    const items = await database.db.select().from(orderItems).where(eq(orderItems.orderId, orderId)).orderBy(orderItems.lineNumber);
    expect(items).toEqual([
      expect.objectContaining({
        lineNumber: 1,
        hcpcs: 'E0100',
        acquisition: 'purchase',
        side: null,
        options: { replacement: true },
        unitCharge: 4500,
      }),
      expect.objectContaining({ lineNumber: 2, hcpcs: 'L1832', side: 'bilateral', options: {}, unitCharge: 90000 }),
    ]);
    const [audit] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.entityId, orderId), eq(auditEvents.action, 'order.created')));
    expect(audit).toMatchObject({
      actor: 'ivy.intake',
      action: 'order.created',
      detail: { payerId: 'medicare-jb', hcpcs: ['E0100', 'L1832'], items: 2 },
    });

    await workflowStarted(call, orderId);
    const handle = stack.client.workflow.getHandle(`order-${orderId}`);
    const description = await handle.describe();
    expect(description.type).toBe('dmeOrderWorkflow');
    expect(description.taskQueue).toBe('dme-orders');
    expect(description.typedSearchAttributes.get(DmePayer)).toBe('medicare-jb');
    expect(description.typedSearchAttributes.get(DmeHcpcs)).toEqual(['E0100', 'L1832']);
    expect(['documentation']).toContain(description.typedSearchAttributes.get(DmeStage));
    const summary = await description.staticSummary();
    expect(summary).toContain(orderId);
    expect(summary).toContain('L1832');
    expect(summary).toContain('medicare-jb');
    expect(phiIn(summary ?? '', ['Ada', 'Lovelace', '1948-02-29', '19480229', '1EG4TE5MK73'])).toEqual([]);

    const live = await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');
    expect(live.workflow.status).toMatchObject({ orderId, stage: 'documentation', blockedOn: 'documents' });
    expect(live.workflow.status.documents.map((document: { kind: string }) => document.kind)).toEqual(
      expect.arrayContaining(['standard-written-order', 'medical-record']),
    );
  });

  test.each([
    ['patientId', { patientId: 'patient-1' }, 'UUID'],
    ['prescriber.npi', { prescriber: { ...prescriber, npi: '12345' } }, '10-digit NPI'],
    ['prescriber.lastName', { prescriber: { ...prescriber, lastName: 'H0pper' } }, 'letters'],
    ['orderDate', { orderDate: '2025-02-30' }, 'real calendar date'],
    ['diagnoses', { diagnoses: [] }, 'at least one'],
    ['diagnoses.1', { diagnoses: ['E11.9', '123'] }, 'ICD-10-CM'],
    ['diagnoses.1', { diagnoses: ['E11.9', 'e119'] }, 'repeats E119'],
    ['diagnoses', { diagnoses: Array.from({ length: 13 }, (_, i) => `E11.${i}`) }, 'at most 12'],
    ['items', { items: [] }, 'at least one item'],
    ['items.0.hcpcs', { items: [{ hcpcs: 'X1', quantity: 1, acquisition: 'purchase', unitCharge: 100 }] }, 'HCPCS Level II'],
    ['items.0.acquisition', { items: [{ hcpcs: 'E0100', quantity: 1, acquisition: 'lease', unitCharge: 100 }] }, 'rental or purchase'],
    ['items.0.quantity', { items: [{ hcpcs: 'E0100', quantity: 0, acquisition: 'purchase', unitCharge: 100 }] }, 'from 1 to 9999'],
    ['items.0.unitCharge', { items: [{ hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 0 }] }, 'more than 0'],
    ['items.0.unitCharge', { items: [{ hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 12.5 }] }, 'whole number of cents'],
    ['items.0.side', { items: [{ hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 100, side: 'left' }] }, 'LT, RT or bilateral'],
    ['items.0', { items: [{ hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 100, colour: 'red' }] }, 'colour'],
    [
      'items.0.oxygenFlow',
      { items: [{ hcpcs: 'E1390', quantity: 1, acquisition: 'rental', unitCharge: 100, oxygenFlow: 'over-4-lpm' }] },
      'oxygen.flowLpm',
    ],
  ])('rejects a bad %s with 400 naming the field and the rule, and writes nothing', async (field, change, rule) => {
    const patient = await registerPatient(call);
    const before = await tableCounts();
    const response = await call('POST', '/orders', { role: 'intake', body: orderBody(patient, change) });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('validation_failed');
    expect(response.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(rule) })]));
    expect(await tableCounts()).toEqual(before);
  });

  test.each([
    ['items.0.hcpcs', () => ({ items: [{ hcpcs: 'E9999', quantity: 1, acquisition: 'purchase', unitCharge: 100 }] }), 'not in the catalog'],
    [
      'items.0.acquisition',
      () => ({ items: [{ hcpcs: 'L1832', quantity: 1, acquisition: 'rental', unitCharge: 100 }] }),
      'purchase only, not rental',
    ],
    [
      'items.0.acquisition',
      () => ({ items: [{ hcpcs: 'E0910', quantity: 1, acquisition: 'purchase', unitCharge: 100 }] }),
      'rental only, not purchase',
    ],
    [
      'items.0.election',
      () => ({ items: [{ hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 100, election: 'rental' }] }),
      'no purchase election',
    ],
    ['prescriber.npi', () => ({ prescriber: { ...prescriber, npi: '1987654329' } }), 'check digit'],
    ['orderDate', () => ({ orderDate: daysFromToday(2) }), 'must not be in the future'],
    ['patientId', () => ({ patientId: unknownId }), 'does not exist'],
  ])('rejects %s breaking a business rule with 422 and writes nothing', async (field, change, rule) => {
    const patient = await registerPatient(call);
    const before = await tableCounts();
    const response = await call('POST', '/orders', { role: 'intake', body: orderBody(patient, change()) });
    expect(response.status).toBe(422);
    expect(response.json.error.code).toBe('unprocessable');
    expect(response.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(rule) })]));
    expect(await tableCounts()).toEqual(before);
  });

  test('a coverage of another patient, or none, is a 422 on coverageId', async () => {
    const patient = await registerPatient(call);
    const other = await registerPatient(call);
    const before = await tableCounts();
    const foreign = await call('POST', '/orders', { role: 'intake', body: orderBody({ ...patient, coverageId: other.coverageId }) });
    expect(foreign.status).toBe(422);
    expect(foreign.json.error.details).toEqual([{ field: 'coverageId', message: expect.stringContaining('not a coverage of patient') }]);
    const missing = await call('POST', '/orders', { role: 'intake', body: orderBody({ ...patient, coverageId: unknownId }) });
    expect(missing.status).toBe(422);
    expect(missing.json.error.details).toEqual([{ field: 'coverageId', message: expect.stringContaining('does not exist') }]);
    expect(await tableCounts()).toEqual(before);
  });

  test('names every broken rule at once', async () => {
    const patient = await registerPatient(call);
    const response = await call('POST', '/orders', {
      role: 'intake',
      body: orderBody(patient, {
        prescriber: { ...prescriber, npi: '1987654329' },
        items: [
          { hcpcs: 'E0100', quantity: 1, acquisition: 'purchase', unitCharge: 100 },
          { hcpcs: 'E9999', quantity: 1, acquisition: 'purchase', unitCharge: 100 },
        ],
      }),
    });
    expect(response.status).toBe(422);
    expect(response.json.error.details.map((problem: { field: string }) => problem.field)).toEqual(['prescriber.npi', 'items.1.hcpcs']);
  });

  test('when Temporal does not start the workflow, the order is kept with its start marker and the relay starts it', async () => {
    const failingStart = buildTestApp(database, {
      ...stack.temporal,
      startOrder: async () => {
        throw new Error('frontend unavailable');
      },
    }).call;
    const patient = await registerPatient(call);
    const response = await failingStart('POST', '/orders', {
      role: 'intake',
      body: orderBody(patient, { prescriber: { npi: '1555555550', firstName: 'Alan', lastName: 'Turing' } }),
    });
    expect(response.status).toBe(201);
    expect(response.json).toMatchObject({ stage: 'documentation', state: 'accepted' });
    const { orderId } = response.json;
    const [stored] = await database.db.select().from(orders).where(eq(orders.id, orderId));
    expect(stored).toMatchObject({ workflowId: orderWorkflowId(orderId), workflowStartedAt: null });
    expect(await database.db.select().from(orderItems).where(eq(orderItems.orderId, orderId))).toHaveLength(1);
    await expect(stack.client.workflow.getHandle(orderWorkflowId(orderId)).describe()).rejects.toThrow();

    // A pass of the worker's relay (here with no grace period) starts it, once.
    const relay = { db: database.db, client: stack.client, taskQueue: ORDER_TASK_QUEUE, logger: createLogger('error'), olderThanMs: 0 };
    const started = await startPendingWorkflows({ ...relay, now: new Date() });
    expect(started.orders).toBeGreaterThanOrEqual(1);
    const description = await stack.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(description.typedSearchAttributes.get(DmePayer)).toBe(stored.payerId);
    const [marked] = await database.db.select().from(orders).where(eq(orders.id, orderId));
    expect(marked.workflowStartedAt).toBeInstanceOf(Date);
    const pending = await database.db.select({ n: count() }).from(orders).where(isNull(orders.workflowStartedAt));
    expect(pending[0].n).toBe(0);
  });

  test('a start whose answer was lost (the workflow exists) counts as started, and the relay leaves it alone', async () => {
    const patient = await registerPatient(call);
    const lostAnswer = buildTestApp(database, {
      ...stack.temporal,
      startOrder: async (order) => {
        await stack.temporal.startOrder(order);
        throw new Error('connection reset');
      },
    }).call;
    const response = await lostAnswer('POST', '/orders', { role: 'intake', body: orderBody(patient) });
    expect(response.status).toBe(201);
    expect(response.json.state).toBe('accepted');
    const relay = { db: database.db, client: stack.client, taskQueue: ORDER_TASK_QUEUE, logger: createLogger('error'), olderThanMs: 0 };
    await startPendingWorkflows({ ...relay, now: new Date() });
    const [marked] = await database.db.select().from(orders).where(eq(orders.id, response.json.orderId));
    expect(marked.workflowStartedAt).toBeInstanceOf(Date);
    const { status } = await stack.client.workflow.getHandle(orderWorkflowId(response.json.orderId)).describe();
    expect(status.name).toBe('RUNNING');
  });

  test('answers 201 before Temporal has started the workflow; a command sent first starts it and is applied', async () => {
    // The background start hangs (a slow frontend); a start asked for by a command goes through.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let starts = 0;
    let lateStart: Promise<unknown> | undefined;
    const slowStart = buildTestApp(database, {
      ...stack.temporal,
      startOrder: (order) => {
        starts += 1;
        if (starts > 1) return stack.temporal.startOrder(order);
        lateStart = gate.then(() => stack.temporal.startOrder(order));
        return lateStart as ReturnType<typeof stack.temporal.startOrder>;
      },
    }).call;
    const patient = await registerPatient(call);
    const response = await slowStart('POST', '/orders', { role: 'intake', body: orderBody(patient) });
    expect(response.status).toBe(201);
    expect(response.json.state).toBe('accepted');
    const { orderId } = response.json;
    const [waiting] = await database.db.select().from(orders).where(eq(orders.id, orderId));
    expect(waiting.workflowStartedAt).toBeNull();
    await expect(stack.client.workflow.getHandle(orderWorkflowId(orderId)).describe()).rejects.toThrow();

    const cancelled = await slowStart('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'entered twice' } });
    expect({ status: cancelled.status, error: cancelled.json.error }).toEqual({ status: 202, error: undefined });
    expect(cancelled.json.status).toMatchObject({ orderId, cancelReason: 'entered twice' });
    const [started] = await database.db.select().from(orders).where(eq(orders.id, orderId));
    expect(started.workflowStartedAt).toBeInstanceOf(Date);

    // The hung start finishes late: it finds the workflow and starts nothing twice.
    const { runId } = await stack.client.workflow.getHandle(orderWorkflowId(orderId)).describe();
    release();
    await expect(lateStart).resolves.toEqual({ workflowId: orderWorkflowId(orderId) });
    expect(starts).toBe(2);
    expect((await stack.client.workflow.getHandle(orderWorkflowId(orderId)).describe()).runId).toBe(runId);
  });

  test('needs the intake role', async () => {
    const patient = await registerPatient(call);
    const response = await call('POST', '/orders', { role: 'biller', body: orderBody(patient) });
    expect(response.status).toBe(403);
  });
});

describe('GET /orders and GET /orders/:id', () => {
  let medicareOrder: string;
  let commercialOrder: string;
  beforeAll(async () => {
    medicareOrder = await createOrder(call, await registerPatient(call));
    commercialOrder = await createOrder(call, await registerPatient(call, { payerId: 'commercial-acme', memberId: 'ACM12345' }));
    await waitForOrder(call, commercialOrder, (o) => o.blockedOn === 'documents', 'blocked on documents (recorded)');
  });

  test('filters by payer, stage and blocker, newest first, with paging', async () => {
    const acme = await call('GET', '/orders?payerId=commercial-acme', { role: 'delivery' });
    expect(acme.status).toBe(200);
    expect(acme.json.orders.map((order: { id: string }) => order.id)).toEqual([commercialOrder]);
    expect(acme.json.orders[0]).toMatchObject({ payerId: 'commercial-acme', stage: 'documentation', hcpcs: ['E0100'] });

    const documentation = await call('GET', '/orders?stage=documentation&payerId=medicare-jb', { role: 'delivery' });
    expect(documentation.json.orders.map((order: { id: string }) => order.id)).toContain(medicareOrder);
    expect(
      documentation.json.orders.every(
        (order: { stage: string; payerId: string }) => order.stage === 'documentation' && order.payerId === 'medicare-jb',
      ),
    ).toBe(true);

    const blocked = await call('GET', '/orders?blockedOn=documents&payerId=commercial-acme', { role: 'delivery' });
    expect(blocked.json.orders.map((order: { id: string }) => order.id)).toEqual([commercialOrder]);
    const cancelled = await call('GET', '/orders?stage=cancelled&payerId=commercial-acme', { role: 'delivery' });
    expect(cancelled.json.orders).toEqual([]);

    const firstPage = await call('GET', '/orders?limit=1', { role: 'delivery' });
    const secondPage = await call('GET', '/orders?limit=1&offset=1', { role: 'delivery' });
    expect(firstPage.json.orders).toHaveLength(1);
    expect(firstPage.json.page).toMatchObject({ limit: 1, offset: 0, total: expect.any(Number) });
    expect(firstPage.json.page.total).toBeGreaterThanOrEqual(2);
    expect(secondPage.json.orders[0].id).not.toBe(firstPage.json.orders[0].id);
    expect(Date.parse(secondPage.json.orders[0].createdAt)).toBeLessThanOrEqual(Date.parse(firstPage.json.orders[0].createdAt));
  });

  test.each([
    ['query.limit', '/orders?limit=101', 'from 1 to 100'],
    ['query.stage', '/orders?stage=shipping', 'must be one of'],
    ['query.blockedOn', '/orders?blockedOn=weather', 'must be one of'],
  ])('rejects a bad %s with 400', async (field, path, rule) => {
    const response = await call('GET', path, { role: 'intake' });
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual([expect.objectContaining({ field, message: expect.stringContaining(rule) })]);
  });

  test('one order: the stored order with its items and the live workflow status', async () => {
    const order = await waitForOrder(call, medicareOrder, (o) => o.workflow.status.documents.length > 0, 'documents known');
    expect(order).toMatchObject({
      id: medicareOrder,
      payerId: 'medicare-jb',
      items: [expect.objectContaining({ hcpcs: 'E0100', quantity: 1, acquisition: 'purchase' })],
      documents: [],
      delivery: null,
      claims: [],
      workflow: {
        workflowId: `order-${medicareOrder}`,
        asked: true,
        answered: true,
        problem: null,
        status: expect.objectContaining({ stage: 'documentation', blockedOn: 'documents', priorAuth: { required: false, status: 'not-required' } }),
      },
    });
    expect(order.workflow.status.nextFollowUpAt).toEqual(expect.any(String));
    expect(JSON.stringify(order)).not.toMatch(/Lovelace|1948-02-29/);
  });

  test('reads the status from the database: what the workflow recorded, the same as its live view after a command, and no query unless asked', async () => {
    const patient = await registerPatient(call);
    const orderId = await createOrder(call, patient);
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');
    const received = await call('POST', `/orders/${orderId}/documents`, {
      role: 'intake',
      body: { kind: 'standard-written-order', reference: `dms://orders/${orderId}/swo.pdf` },
    });
    expect(received.status).toBe(202);
    // The command's answer came after the row was written: the plain read already shows it.
    const stored = (await call('GET', `/orders/${orderId}`, { role: 'intake' })).json;
    expect(stored.workflow).toEqual({ workflowId: `order-${orderId}`, asked: false, answered: false, status: null, problem: null });
    expect(stored.status).toEqual(received.json.status);
    expect(stored.status.documents).toContainEqual(expect.objectContaining({ kind: 'standard-written-order', status: 'received' }));
    expect(stored.nextFollowUpAt).toBe(stored.status.nextFollowUpAt);
    const live = (await call('GET', `/orders/${orderId}?live=true`, { role: 'intake' })).json;
    expect(live.workflow.status).toEqual(stored.status);

    // Lists carry the next follow-up and filter by it: the documents reminder is due within days, not before today.
    const listed = async (followUpBy: string) =>
      (await call('GET', `/orders?patientId=${patient.patientId}&followUpBy=${followUpBy}`, { role: 'intake' })).json.orders;
    expect(await listed(daysFromToday(30))).toEqual([expect.objectContaining({ id: orderId, nextFollowUpAt: stored.nextFollowUpAt })]);
    expect(await listed(daysFromToday(-1))).toEqual([]);

    // A reader that cannot reach Temporal at all still reads the order.
    const noTemporal = buildTestApp(database, {
      ...stack.temporal,
      queryOrder: async () => {
        throw new Error('the test asked the workflow');
      },
    }).call;
    const offline = await noTemporal('GET', `/orders/${orderId}`, { role: 'intake' });
    expect(offline.status).toBe(200);
    expect(offline.json.status).toEqual(stored.status);

    // A stuck activity's system error shows over the recorded status at once, and clears.
    const systemError = { code: 'DB_OVERFLOW', activityType: 'prepareClaim', workflowId: `order-${orderId}`, taskKey: `system-error:run:1` };
    await database.db.update(orders).set({ systemError }).where(eq(orders.id, orderId));
    const blocked = (await call('GET', `/orders/${orderId}`, { role: 'intake' })).json;
    expect(blocked.status).toMatchObject({ blockedOn: 'system-error', systemError });
    await database.db.update(orders).set({ systemError: null }).where(eq(orders.id, orderId));
    expect((await call('GET', `/orders/${orderId}`, { role: 'intake' })).json.status).toMatchObject({
      blockedOn: stored.status.blockedOn,
      systemError: null,
    });
  });

  test('answers 404 for an unknown order', async () => {
    expect((await call('GET', `/orders/${unknownId}`, { role: 'intake' })).status).toBe(404);
  });

  test('an order without a workflow still answers, saying the workflow is missing, and takes no signals', async () => {
    const patient = await registerPatient(call);
    // As if its workflow's history were gone: the row exists, Temporal knows nothing of it.
    const orderId = randomUUID();
    await database.db.insert(orders).values({
      id: orderId,
      patientId: patient.patientId,
      coverageId: patient.coverageId,
      payerId: 'medicare-jb',
      prescriberNpi: prescriber.npi,
      orderDate: todayIso(),
      diagnoses: ['M1711'],
      workflowId: `order-${orderId}`,
      createdBy: 'test',
      workflowStartedAt: new Date(),
    });
    const response = await call('GET', `/orders/${orderId}?live=true`, { role: 'intake' });
    expect(response.status).toBe(200);
    expect(response.json.workflow).toEqual({
      workflowId: `order-${orderId}`,
      asked: true,
      answered: false,
      status: null,
      problem: expect.stringContaining('no workflow'),
    });
    // The command finds no workflow to run on: 404, as the client's WorkflowNotFound.
    const cancel = await call('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'duplicate entry' } });
    expect(cancel.status).toBe(404);
    expect(cancel.json.error.message).toContain('has no workflow');
  });

  test('an order whose workflow does not answer in time still answers, saying so', async () => {
    const patient = await registerPatient(call);
    const orderId = await createOrder(call, patient);
    await stack.client.workflow.getHandle(`order-${orderId}`).terminate('test: moved to a queue nobody polls');
    // The same order id started on a task queue without a worker: the query waits for a worker that never comes.
    await stack.client.workflow.start('dmeOrderWorkflow', { workflowId: `order-${orderId}`, taskQueue: 'nobody-polls', args: [{ orderId }] });
    const slow = buildTestApp(database, temporalPort(stack.client, { taskQueue: 'dme-orders', queryTimeoutMs: 500, updateTimeoutMs: 500 })).call;
    const response = await slow('GET', `/orders/${orderId}?live=true`, { role: 'intake' });
    expect(response.status).toBe(200);
    expect(response.json.workflow).toMatchObject({ answered: false, status: null, problem: expect.stringContaining('did not answer') });
    const signal = await slow('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'test' } });
    expect(signal.status).toBe(503);
    expect(signal.json.error.code).toBe('temporal_unavailable');
    await stack.client.workflow.getHandle(`order-${orderId}`).terminate('test done');
  });
});

describe('documents', () => {
  test('receive then approve: the document is stored, the workflow sees it, and approval moves the order past documentation', async () => {
    const orderId = await createOrder(call, await registerPatient(call));
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');

    const received = await call('POST', `/orders/${orderId}/documents`, {
      role: 'intake',
      body: { kind: 'standard-written-order', reference: 'dms://swo/1.pdf' },
    });
    expect(received.status).toBe(202);
    expect(received.json).toMatchObject({ accepted: true, command: 'documentReceived', documentId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const { documentId } = received.json;
    const [row] = await database.db.select().from(documents).where(eq(documents.id, documentId));
    expect(row).toMatchObject({
      orderId,
      kind: 'standard-written-order',
      status: 'received',
      reference: 'dms://swo/1.pdf',
      receivedBy: 'ivy.intake',
    });
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents[0].status === 'received', 'document received');

    const again = await call('POST', `/orders/${orderId}/documents`, {
      role: 'intake',
      body: { kind: 'standard-written-order', reference: 'dms://swo/2.pdf' },
    });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain('waiting for review');

    const approved = await call('POST', `/orders/${orderId}/documents/${documentId}/review`, { role: 'reviewer', body: { decision: 'approved' } });
    expect(approved.status).toBe(202);
    expect(approved.json).toMatchObject({ accepted: true, command: 'documentReviewed' });
    const moved = await waitForOrder(call, orderId, (o) => o.workflow.status.stage !== 'documentation', 'left documentation');
    expect(['eligibility', 'delivery']).toContain(moved.workflow.status.stage);
    const reviewed = await waitForOrder(call, orderId, (o) => o.documents[0].status === 'approved', 'review recorded');
    expect(reviewed.documents[0]).toMatchObject({ id: documentId, reviewedBy: 'rex.reviewer', reviewedAt: expect.any(String) });

    const afterApproval = await call('POST', `/orders/${orderId}/documents`, {
      role: 'intake',
      body: { kind: 'standard-written-order', reference: 'dms://swo/3.pdf' },
    });
    expect(afterApproval.status).toBe(409);
    expect(afterApproval.json.error.message).toContain('already approved');
    const reviewAgain = await call('POST', `/orders/${orderId}/documents/${documentId}/review`, {
      role: 'reviewer',
      body: { decision: 'rejected', reason: 'illegible' },
    });
    expect(reviewAgain.status).toBe(409);
    expect(reviewAgain.json.error.message).toContain('approved, not waiting for review');
  });

  test('a rejection needs a reason; a rejected document becomes an intake task and may be sent again', async () => {
    const orderId = await createOrder(call, await registerPatient(call));
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');
    const { documentId } = (
      await call('POST', `/orders/${orderId}/documents`, { role: 'intake', body: { kind: 'standard-written-order', reference: 'dms://swo/a.pdf' } })
    ).json;
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents[0].status === 'received', 'document received');

    const noReason = await call('POST', `/orders/${orderId}/documents/${documentId}/review`, { role: 'reviewer', body: { decision: 'rejected' } });
    expect(noReason.status).toBe(400);
    expect(noReason.json.error.details).toEqual([
      expect.objectContaining({ field: 'reason', message: expect.stringContaining('required when the document is rejected') }),
    ]);

    const rejected = await call('POST', `/orders/${orderId}/documents/${documentId}/review`, {
      role: 'reviewer',
      body: { decision: 'rejected', reason: 'not signed by the practitioner' },
    });
    expect(rejected.status).toBe(202);
    const order = await waitForOrder(call, orderId, (o) => o.workflow.status.documents[0].status === 'rejected', 'document rejected');
    expect(order.workflow.status.documents[0].rejectReason).toBe('not signed by the practitioner');
    const intakeTasks = await waitForTasks(orderId, 'document-rejected');
    expect(intakeTasks[0]).toMatchObject({ role: 'intake', title: expect.stringContaining('not signed by the practitioner') });

    const resent = await call('POST', `/orders/${orderId}/documents`, {
      role: 'intake',
      body: { kind: 'standard-written-order', reference: 'dms://swo/b.pdf' },
    });
    expect(resent.status).toBe(202);
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents[0].documentId === resent.json.documentId, 'new document received');
    const oldOne = await call('POST', `/orders/${orderId}/documents/${documentId}/review`, { role: 'reviewer', body: { decision: 'approved' } });
    expect(oldOne.status).toBe(409);
    expect(oldOne.json.error.message).toContain('replaced');
  });

  test('a kind the order does not need is a 422, unknown orders and documents 404, and nothing is stored', async () => {
    const orderId = await createOrder(call, await registerPatient(call));
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');
    const before = await tableCounts();
    const notNeeded = await call('POST', `/orders/${orderId}/documents`, {
      role: 'intake',
      body: { kind: 'oxygen-test', reference: 'dms://o2.pdf' },
    });
    expect(notNeeded.status).toBe(422);
    expect(notNeeded.json.error.details).toEqual([{ field: 'kind', message: expect.stringContaining('it needs: standard-written-order') }]);
    const badKind = await call('POST', `/orders/${orderId}/documents`, { role: 'intake', body: { kind: 'cmn', reference: 'dms://cmn.pdf' } });
    expect(badKind.status).toBe(400);
    expect((await call('POST', `/orders/${unknownId}/documents`, { role: 'intake', body: { kind: 'abn', reference: 'x' } })).status).toBe(404);
    const unknownDocument = await call('POST', `/orders/${orderId}/documents/${unknownId}/review`, {
      role: 'reviewer',
      body: { decision: 'approved' },
    });
    expect(unknownDocument.status).toBe(404);
    expect(await tableCounts()).toEqual(before);
    expect((await call('POST', `/orders/${orderId}/documents`, { role: 'reviewer', body: { kind: 'abn', reference: 'x' } })).status).toBe(403);
  });

  test('when the workflow does not answer the command, the API says so (503) and stores nothing itself', async () => {
    const orderId = await createOrder(call, await registerPatient(call));
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');
    const silent = buildTestApp(database, { ...stack.temporal, updateOrder: () => Promise.reject(new Error('deadline exceeded')) }).call;
    const before = await tableCounts();
    const response = await silent('POST', `/orders/${orderId}/documents`, {
      role: 'intake',
      body: { kind: 'standard-written-order', reference: 'dms://x.pdf' },
    });
    expect(response.status).toBe(503);
    expect(response.json.error.code).toBe('temporal_unavailable');
    expect(await tableCounts()).toEqual(before);
  });
});

async function waitForTasks(orderId: string, kind: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const response = await call('GET', `/tasks?orderId=${orderId}`, { role: 'intake' });
    const found = response.json.tasks.filter((task: { kind: string }) => task.kind === kind);
    if (found.length) return found;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`no ${kind} task for order ${orderId}`);
}

describe('delivery', () => {
  test('409 before the order waits for delivery', async () => {
    const orderId = await createOrder(call, await registerPatient(call));
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');
    const response = await call('POST', `/orders/${orderId}/delivery`, {
      role: 'delivery',
      body: { deliveredOn: todayIso(), signedBy: 'Ada Lovelace', relationship: 'self' },
    });
    expect(response.status).toBe(409);
    expect(response.json.error.message).toContain('in documentation, not waiting for delivery');
  });

  test('stores the proof of delivery, signals only the date and serial numbers, and the order goes on to its claim', async () => {
    const orderId = await createOrder(call, await registerPatient(call), { orderDate: daysFromToday(-3) });
    await completeDocuments(call, orderId);
    const order = await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'delivery', 'waiting for delivery');
    const itemId = order.items[0].id;
    const before = await tableCounts();

    const broken = await call('POST', `/orders/${orderId}/delivery`, {
      role: 'delivery',
      body: { deliveredOn: daysFromToday(1), signedBy: 'Charles Babbage', relationship: 'caregiver', serialNumbers: { [unknownId]: ['SN-1'] } },
    });
    expect(broken.status).toBe(422);
    // The workflow's rule names the first problem; the unknown item is named once the date is right.
    expect(broken.json.error.details).toEqual([{ field: 'deliveredOn', message: 'must not be in the future' }]);
    const unknownItem = await call('POST', `/orders/${orderId}/delivery`, {
      role: 'delivery',
      body: { deliveredOn: todayIso(), signedBy: 'Charles Babbage', relationship: 'caregiver', serialNumbers: { [unknownId]: ['SN-1'] } },
    });
    expect(unknownItem.json.error.details).toEqual([{ field: `serialNumbers.${unknownId}`, message: 'is not an item of this order' }]);
    const early = await call('POST', `/orders/${orderId}/delivery`, {
      role: 'delivery',
      body: { deliveredOn: daysFromToday(-4), signedBy: 'Charles Babbage', relationship: 'caregiver' },
    });
    expect(early.status).toBe(422);
    expect(early.json.error.details).toEqual([{ field: 'deliveredOn', message: expect.stringContaining('before the order date') }]);
    const noSigner = await call('POST', `/orders/${orderId}/delivery`, { role: 'delivery', body: { deliveredOn: todayIso(), relationship: 'self' } });
    expect(noSigner.status).toBe(400);
    expect(await tableCounts()).toEqual(before);

    const delivered = await call('POST', `/orders/${orderId}/delivery`, {
      role: 'delivery',
      body: { deliveredOn: todayIso(), signedBy: 'Charles Babbage', relationship: 'caregiver', serialNumbers: { [itemId]: ['CANE-0042'] } },
    });
    expect(delivered.status).toBe(202);
    expect(delivered.json).toMatchObject({ accepted: true, command: 'deliveryConfirmed' });
    const [proof] = await database.db.select().from(deliveries).where(eq(deliveries.orderId, orderId));
    expect(proof).toMatchObject({
      deliveredOn: todayIso(),
      signedBy: 'Charles Babbage',
      relationship: 'caregiver',
      serialNumbers: { [itemId]: ['CANE-0042'] },
      reportedBy: 'dan.delivery',
    });

    const billed = await waitForOrder(call, orderId, (o) => o.workflow.status.claims.length > 0 && o.delivery?.confirmedAt, 'claim filed');
    expect(billed.workflow.status.delivery).toEqual({ deliveredOn: todayIso() });
    expect(billed.claims[0]).toMatchObject({
      serviceFrom: todayIso(),
      lines: [expect.objectContaining({ hcpcs: 'E0100', modifiers: ['NU', 'KX'], units: 1, charge: 4500 })],
    });
    expect(JSON.stringify(billed)).not.toContain('Babbage');

    // The accepted Update carries the proof to the activity that stores it (the payload codec encrypts payloads).
    const payloads = await signalPayloads(orderId);
    expect(payloads.decrypted).toContain('CANE-0042');
    expect(payloads.decrypted).toContain('Babbage');
    expect(payloads.stored).not.toContain('Babbage');

    const twice = await call('POST', `/orders/${orderId}/delivery`, {
      role: 'delivery',
      body: { deliveredOn: todayIso(), signedBy: 'Charles Babbage', relationship: 'caregiver' },
    });
    expect(twice.status).toBe(409);
    expect(twice.json.error.message).toContain('already delivered');
  });
});

describe('prior authorization', () => {
  let orderId: string;
  beforeAll(async () => {
    orderId = await createOrder(call, await registerPatient(call), {
      items: [{ hcpcs: 'L1832', quantity: 1, acquisition: 'purchase', unitCharge: 90000 }],
    });
    await completeDocuments(call, orderId);
    await waitForOrder(call, orderId, (o) => o.workflow.status.priorAuth.status === 'requested', 'prior auth requested');
  });

  test('409 when no request waits for a decision', async () => {
    const other = await createOrder(call, await registerPatient(call));
    const response = await call('POST', `/orders/${other}/prior-auth`, {
      role: 'reviewer',
      body: { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn: daysFromToday(60) },
    });
    expect(response.status).toBe(409);
    expect(response.json.error.message).toContain('status not-required');
  });

  test.each([
    [{ decision: 'affirmed', trackingNumber: 'ABC123', expiresOn: daysFromToday(60) }, ['trackingNumber']],
    [{ decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7' }, ['expiresOn']],
    [{ decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn: daysFromToday(-1) }, ['expiresOn']],
    // The workflow's rule (domain/order-commands.ts) names the first thing missing.
    [{ decision: 'non-affirmed' }, ['reason']],
    [{ decision: 'non-affirmed', reason: 'no F2F note' }, ['next']],
  ])('422 for a decision missing what it needs: %o', async (body, fields) => {
    const response = await call('POST', `/orders/${orderId}/prior-auth`, { role: 'reviewer', body });
    expect(response.status).toBe(422);
    expect(response.json.error.details.map((problem: { field: string }) => problem.field)).toEqual(fields);
  });

  test('an affirmation is signalled and the order moves on to delivery', async () => {
    const response = await call('POST', `/orders/${orderId}/prior-auth`, {
      role: 'reviewer',
      body: { decision: 'affirmed', trackingNumber: 'a1b2c3d4e5f6g7', expiresOn: daysFromToday(60) },
    });
    expect(response.status).toBe(202);
    expect(response.json.command).toBe('priorAuthDecided');
    const order = await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'delivery', 'waiting for delivery');
    expect(order.workflow.status.priorAuth).toEqual({
      required: true,
      status: 'affirmed',
      trackingNumber: 'A1B2C3D4E5F6G7',
      expiresOn: daysFromToday(60),
    });
    expect(
      (await call('POST', `/orders/${orderId}/prior-auth`, { role: 'reviewer', body: { decision: 'non-affirmed', reason: 'x', next: 'cancel' } }))
        .status,
    ).toBe(409);
  });
});

describe('coverage', () => {
  test('an inactive coverage holds the order until a corrected coverage of the same patient is signalled', async () => {
    const patient = await registerPatient(call, { memberId: '1EG4TE5MK91' });
    const orderId = await createOrder(call, patient);
    await completeDocuments(call, orderId);
    await waitForOrder(call, orderId, (o) => o.workflow.status.blockedOn === 'coverage', 'blocked on coverage');

    const stranger = await registerPatient(call);
    const foreign = await call('POST', `/orders/${orderId}/coverage`, { role: 'intake', body: { coverageId: stranger.coverageId } });
    expect(foreign.status).toBe(422);
    expect(foreign.json.error.details).toEqual([{ field: 'coverageId', message: expect.stringContaining("not a coverage of the order's patient") }]);
    const missing = await call('POST', `/orders/${orderId}/coverage`, { role: 'intake', body: { coverageId: unknownId } });
    expect(missing.status).toBe(422);

    const corrected = await call('POST', `/patients/${patient.patientId}/coverages`, {
      role: 'intake',
      body: { payerId: 'medicare-jb', memberId: '1EG4TE5MK74', priority: 'primary' },
    });
    const response = await call('POST', `/orders/${orderId}/coverage`, { role: 'intake', body: { coverageId: corrected.json.id } });
    expect(response.status).toBe(202);
    expect(response.json.command).toBe('coverageUpdated');
    const order = await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'delivery', 'coverage accepted');
    expect(order.coverageId).toBe(corrected.json.id);
    expect(order.workflow.status.eligibility).toMatchObject({ active: true, coversDme: true });
  });
});

describe('rental changes', () => {
  test('409 without a rented item or before the rental started; a hold after delivery is signalled', async () => {
    const purchase = await createOrder(call, await registerPatient(call));
    const noRental = await call('POST', `/orders/${purchase}/rental`, { role: 'biller', body: { change: 'hold', effectiveOn: todayIso() } });
    expect(noRental.status).toBe(409);
    expect(noRental.json.error.message).toContain('no rented item');

    const orderId = await createOrder(call, await registerPatient(call), {
      orderDate: daysFromToday(-3),
      items: [{ hcpcs: 'E0910', quantity: 1, acquisition: 'rental', unitCharge: 2500 }],
    });
    const early = await call('POST', `/orders/${orderId}/rental`, { role: 'biller', body: { change: 'hold', effectiveOn: todayIso() } });
    expect(early.status).toBe(409);
    expect(early.json.error.message).toContain('starts at delivery');

    await completeDocuments(call, orderId);
    await deliver(call, orderId, daysFromToday(-2));
    await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'rental' && o.workflow.status.rental?.month === 1, 'rental month 1 billed');

    const future = await call('POST', `/orders/${orderId}/rental`, {
      role: 'biller',
      body: { change: 'pickup', effectiveOn: daysFromToday(3), inpatient: true },
    });
    expect(future.status).toBe(422);
    // The workflow's rule names the first problem.
    expect(future.json.error.details.map((problem: { field: string }) => problem.field)).toEqual(['effectiveOn']);
    const inpatientPickup = await call('POST', `/orders/${orderId}/rental`, {
      role: 'biller',
      body: { change: 'pickup', effectiveOn: todayIso(), inpatient: true },
    });
    expect(inpatientPickup.json.error.details).toEqual([{ field: 'inpatient', message: 'applies to a hold only' }]);
    const onBilledDay = await call('POST', `/orders/${orderId}/rental`, { role: 'biller', body: { change: 'hold', effectiveOn: daysFromToday(-2) } });
    expect(onBilledDay.status).toBe(422);
    expect(onBilledDay.json.error.details).toEqual([
      { field: 'effectiveOn', message: expect.stringContaining('after the date of service of the last billed month') },
    ]);
    expect((await call('POST', `/orders/${orderId}/rental`, { role: 'intake', body: { change: 'hold', effectiveOn: todayIso() } })).status).toBe(403);

    const hold = await call('POST', `/orders/${orderId}/rental`, {
      role: 'biller',
      body: { change: 'hold', effectiveOn: todayIso(), reason: 'patient travelling' },
    });
    expect(hold.status).toBe(202);
    expect(hold.json.command).toBe('rentalChanged');
    const held = await waitForOrder(call, orderId, (o) => o.workflow.status.rental.status === 'on-hold', 'rental on hold');
    expect(held.workflow.status.ignoredSignals).toEqual([]);
  });
});

describe('cancel', () => {
  test('cancels the order once; a cancelled order takes no more signals', async () => {
    const orderId = await createOrder(call, await registerPatient(call));
    await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');
    const blank = await call('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: '  ' } });
    expect(blank.status).toBe(400);

    const response = await call('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'patient moved out of the service area' } });
    expect(response.status).toBe(202);
    expect(response.json).toMatchObject({ accepted: true, command: 'cancelOrder', status: { cancelReason: expect.any(String) } });
    const order = await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'cancelled' && o.stage === 'cancelled', 'cancelled');
    expect(order.cancelReason).toBe('patient moved out of the service area');

    const again = await call('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'again' } });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toMatch(/is already (being )?cancelled|no longer running/);
    const document = await call('POST', `/orders/${orderId}/documents`, { role: 'intake', body: { kind: 'standard-written-order', reference: 'x' } });
    expect(document.status).toBe(409);
    expect((await call('POST', `/orders/${unknownId}/cancel`, { role: 'intake', body: { reason: 'x' } })).status).toBe(404);
  });
});

describe('claim corrections', () => {
  test('404 for a claim the order does not have, 409 for a claim that was not rejected', async () => {
    const orderId = await createOrder(call, await registerPatient(call));
    await completeDocuments(call, orderId);
    await deliver(call, orderId);
    const order = await waitForOrder(call, orderId, (o) => o.workflow.status.claims.length > 0, 'claim filed');
    const unknown = await call('POST', `/orders/${orderId}/claims/${unknownId}/correct`, { role: 'biller', body: {} });
    expect(unknown.status).toBe(404);
    const notRejected = await call('POST', `/orders/${orderId}/claims/${order.workflow.status.claims[0].claimId}/correct`, {
      role: 'biller',
      body: {},
    });
    expect(notRejected.status).toBe(409);
    expect(notRejected.json.error.message).toContain('not rejected');
  });
});

describe('OpenAPI', () => {
  test('describes every order route with bearer security', async () => {
    const spec = await call('GET', '/openapi.json');
    expect(Object.keys(spec.json.paths)).toEqual(
      expect.arrayContaining([
        '/orders',
        '/orders/{id}',
        '/orders/{id}/documents',
        '/orders/{id}/documents/{docId}/review',
        '/orders/{id}/coverage',
        '/orders/{id}/prior-auth',
        '/orders/{id}/delivery',
        '/orders/{id}/rental',
        '/orders/{id}/cancel',
        '/orders/{id}/claims/{claimId}/correct',
        '/claims',
        '/claims/{id}',
        '/claims/{id}/837',
        '/remittances',
        '/tasks',
        '/tasks/{id}/done',
      ]),
    );
    expect(spec.json.paths['/orders'].post.security).toEqual([{ bearer: [] }]);
    expect(spec.json.paths['/orders'].post.responses['422']).toBeDefined();
    expect(spec.json.paths['/remittances'].post.requestBody.content).toHaveProperty('application/edi-x12');
    expect(spec.json.components.schemas).toHaveProperty('NewOrder');
    expect(spec.json.components.schemas).toHaveProperty('OrderStatus');
  });
});

test('no patient name, birth date or member id reaches a workflow id, search attribute or summary', async () => {
  const patient = await registerPatient(call);
  const orderId = await createOrder(call, patient);
  const description = await stack.client.workflow.getHandle(`order-${orderId}`).describe();
  const visible = JSON.stringify({
    id: description.workflowId,
    attributes: Object.fromEntries([DmeStage, DmePayer, DmeHcpcs].map((key) => [key.name, description.typedSearchAttributes.get(key)])),
    summary: await description.staticSummary(),
  });
  expect(visible).not.toMatch(new RegExp([patientBody.firstName, patientBody.lastName, patientBody.birthDate, '1EG4TE5MK73'].join('|')));
  const [tasksOfOrder] = await database.db.select({ n: count() }).from(tasks).where(eq(tasks.orderId, orderId));
  expect(tasksOfOrder.n).toBe(0);
});
