/**
 * `npm run bench:pipeline`: the whole pipeline against a bare one (issue 11.5). One dev
 * server (in memory, loopback), Postgres (DATABASE_URL's server, a fresh database dropped
 * afterwards; else PGlite) and, in this one process, the real worker, a bare worker and
 * the API in process.
 *
 * Real: BENCH_ORDERS (40) purchase orders (a cane, E0100, Medicare), BENCH_CONCURRENCY
 * (20) at a time, each driven as staff would through the API — patient, coverage, order,
 * the standard written order received and approved, delivery confirmed — then billed,
 * acknowledged and paid by the sandbox payer at once (no delays) through the real mailbox
 * and remittance workflows, until the order closes.
 *
 * Bare (bench-pipeline-workflows.ts): an order and claims issuing the same commands,
 * counted from the real histories of the first (warm-up) round, with no work inside.
 *
 * Rounds alternate bare and real BENCH_ROUNDS (3) times after the warm-up; each round's
 * orders per second are printed, then the events per order by kind and, last,
 * `ratio: R` = real orders per second ÷ bare orders per second (median of the rounds'
 * ratios) — the figure issue 11 asks to be at least 0.9.
 */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { eq } from 'drizzle-orm';
import { claims as claimsTable } from '../db/schema';
import { buildTestApp, orderBody, registerPatient, todayIso, type ApiCall } from '../tests/support/api';
import { claimWorkflowId, orderWorkflowId } from '../workflows/definitions';
import { bareActivities } from './bench-pipeline-activities';
import type { BareOrderInput, BareShape } from './bench-pipeline-workflows';
import { benchLogger, runBench, startBenchStack } from './bench-stack';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 40);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BARE_QUEUE = `bench-bare-${randomUUID()}`;
const EventType = temporal.api.enums.v1.EventType;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A staff command: sent again should the order not be ready for it after all (409). */
async function command(send: () => ReturnType<ApiCall>, what: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await send();
    if (response.status === 202) return response;
    if ((response.status !== 409 && response.status !== 404) || Date.now() > deadline) {
      throw new Error(`${what}: ${response.status} ${response.text}`);
    }
    await pause(100);
  }
}

/** Staff look at the order (GET /orders/:id, read from the database) until it waits for what they bring. */
async function untilOrder(call: ApiCall, orderId: string, ready: (order: { blockedOn: string | null }) => boolean, what: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const response = await call('GET', `/orders/${orderId}`, { role: 'admin' });
    if (response.status === 200 && ready(response.json)) return;
    if (Date.now() > deadline) throw new Error(`order ${orderId}: ${what} not reached: ${response.status} ${response.text}`);
    await pause(100);
  }
}

async function realOrder(call: ApiCall, client: Client): Promise<string> {
  const patient = await registerPatient(call);
  const created = await call('POST', '/orders', { role: 'intake', body: orderBody(patient) });
  if (created.status !== 201) throw new Error(`order not created: ${created.status} ${created.text}`);
  const orderId = created.json.orderId as string;
  await untilOrder(call, orderId, (order) => order.blockedOn === 'documents', 'waiting for documents');
  const received = await command(
    () =>
      call('POST', `/orders/${orderId}/documents`, {
        role: 'intake',
        body: { kind: 'standard-written-order', reference: `dms://orders/${orderId}/swo.pdf` },
      }),
    'standard written order received',
  );
  await command(
    () => call('POST', `/orders/${orderId}/documents/${received.json.documentId}/review`, { role: 'reviewer', body: { decision: 'approved' } }),
    'standard written order approved',
  );
  await untilOrder(call, orderId, (order) => order.blockedOn === 'delivery', 'waiting for delivery');
  await command(
    () =>
      call('POST', `/orders/${orderId}/delivery`, {
        role: 'delivery',
        body: { deliveredOn: todayIso(), signedBy: 'Ada Lovelace', relationship: 'self', serialNumbers: {} },
      }),
    'delivery confirmed',
  );
  const outcome = await client.workflow.getHandle(orderWorkflowId(orderId)).result();
  if (outcome.stage !== 'closed') throw new Error(`order ${orderId} ended ${outcome.stage}: ${outcome.reason}`);
  return orderId;
}

async function bareOrder(client: Client, input: BareOrderInput): Promise<void> {
  const handle = await client.workflow.start('bareOrderWorkflow', { workflowId: `bare-${randomUUID()}`, taskQueue: BARE_QUEUE, args: [input] });
  for (let step = 0; step < input.order.messagesIn; step += 1) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await handle.executeUpdate('bareStep', { args: [step] });
        break;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await pause(100);
      }
    }
  }
  await handle.result();
}

/** Runs `count` of `one` with at most CONCURRENCY at once; answers the seconds it took. */
async function round<T>(count: number, one: () => Promise<T>): Promise<{ seconds: number; results: T[] }> {
  const results: T[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, count) }, async () => {
      while (next < count) {
        next += 1;
        results.push(await one());
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, results };
}

const eventsOf = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events ?? [];

/** How many of each activity type the histories scheduled, per workflow. */
function activityTypes(histories: HistoryEvent[][]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const events of histories) {
    for (const event of events) {
      const name = event.activityTaskScheduledEventAttributes?.activityType?.name;
      if (name) counts[name] = (counts[name] ?? 0) + 1 / histories.length;
    }
  }
  return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, Math.round(count * 10) / 10]));
}

function shapeOf(events: HistoryEvent[]): BareShape & { events: number; children: number; signalsIn: number; updates: number } {
  const count = (...types: number[]) => events.filter((event) => types.includes(event.eventType ?? 0)).length;
  const updates = count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  const signalsIn = count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED);
  return {
    events: events.length,
    activities: count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
    timers: count(EventType.EVENT_TYPE_TIMER_STARTED),
    updates,
    signalsIn,
    messagesIn: 0,
    signalsOut: count(EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED),
    children: count(EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED),
    upserts: count(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED),
    markers: count(EventType.EVENT_TYPE_MARKER_RECORDED),
  };
}

type Shape = ReturnType<typeof shapeOf>;
const fields = ['events', 'activities', 'timers', 'updates', 'signalsIn', 'signalsOut', 'children', 'upserts', 'markers'] as const;

function mean(shapes: Shape[]): Shape {
  const total = Object.fromEntries(fields.map((field) => [field, 0])) as unknown as Shape;
  for (const shape of shapes) for (const field of fields) total[field] += shape[field] / shapes.length;
  return { ...total, messagesIn: 0 };
}

const rounded = (shape: Shape) => Object.fromEntries(fields.map((field) => [field, Math.round(shape[field] * 10) / 10]));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const stack = await startBenchStack({ acknowledgementDelayMs: 0, remittanceDelayMs: 0 });
  const { client, database } = stack;
  await stack.runWorker({ taskQueue: BARE_QUEUE, workflowsPath: require.resolve('./bench-pipeline-workflows'), activities: bareActivities(client) });
  try {
    const { call } = buildTestApp(database, stack.temporal, benchLogger);

    // Warm-up: real orders, whose histories give the bare pipeline its shape.
    const warmUp = await round(ORDERS, () => realOrder(call, client));
    const orderHistories: HistoryEvent[][] = [];
    const claimHistories: HistoryEvent[][] = [];
    for (const orderId of warmUp.results) {
      orderHistories.push(await eventsOf(client.workflow.getHandle(orderWorkflowId(orderId))));
      const claimRows = await database.db.select({ id: claimsTable.id }).from(claimsTable).where(eq(claimsTable.orderId, orderId));
      for (const claim of claimRows) claimHistories.push(await eventsOf(client.workflow.getHandle(claimWorkflowId(claim.id))));
    }
    const orderShapes = orderHistories.map(shapeOf);
    const claimShapes = claimHistories.map(shapeOf);
    const order = mean(orderShapes);
    const claim = mean(claimShapes);
    // The remittance workflows the warm-up's 835s ran (the sandbox pays each claim file with its own 835).
    const remittanceHistories: HistoryEvent[][] = [];
    for await (const run of client.workflow.list({ query: `WorkflowType = 'remittanceWorkflow'` })) {
      remittanceHistories.push(await eventsOf(client.workflow.getHandle(run.workflowId, run.runId)));
    }
    const remittance = mean(remittanceHistories.map(shapeOf));
    const remittancesPerClaim = remittanceHistories.length / Math.max(1, claimShapes.length);
    const claimsPerOrder = claimShapes.length / orderShapes.length;
    const whole = (value: number) => Math.round(value);
    const bareInput: BareOrderInput = {
      order: {
        activities: whole(order.activities),
        timers: whole(order.timers),
        messagesIn: whole(order.updates),
        signalsOut: whole(order.signalsOut),
        upserts: whole(order.upserts),
        markers: whole(order.markers),
      },
      remittance:
        remittancesPerClaim >= 0.5
          ? {
              activities: whole(remittance.activities),
              timers: whole(remittance.timers),
              messagesIn: 0,
              signalsOut: 0,
              upserts: whole(remittance.upserts),
              markers: whole(remittance.markers),
            }
          : null,
      claims: Array.from({ length: whole(claimsPerOrder) }, () => ({
        activities: whole(claim.activities),
        timers: whole(claim.timers),
        messagesIn: whole(claim.signalsIn),
        signalsOut: whole(claim.signalsOut),
        upserts: whole(claim.upserts),
        markers: whole(claim.markers),
      })),
    };
    console.log(`warm-up: ${ORDERS} real orders in ${warmUp.seconds.toFixed(1)} s`);

    const ratios: number[] = [];
    for (let r = 1; r <= ROUNDS; r += 1) {
      const bare = await round(ORDERS, () => bareOrder(client, bareInput));
      const real = await round(ORDERS, () => realOrder(call, client));
      const bareRate = ORDERS / bare.seconds;
      const realRate = ORDERS / real.seconds;
      ratios.push(realRate / bareRate);
      console.log(
        `round ${r}: bare ${bareRate.toFixed(2)} orders/s (${bare.seconds.toFixed(1)} s), real ${realRate.toFixed(2)} orders/s (${real.seconds.toFixed(1)} s), ratio ${(realRate / bareRate).toFixed(2)}`,
      );
    }

    const shared = async (type: string) => {
      let events = 0;
      for await (const run of client.workflow.list({ query: `WorkflowType = '${type}'` })) {
        events += (await eventsOf(client.workflow.getHandle(run.workflowId, run.runId))).length;
      }
      return events;
    };
    const totalOrders = ORDERS * (ROUNDS + 1);
    const mailboxPerOrder = (await shared('clearinghouseMailboxWorkflow')) / totalOrders;
    const remittancePerOrder = (await shared('remittanceWorkflow')) / totalOrders;

    console.log(
      `orders: ${ORDERS} per round, ${CONCURRENCY} at a time, ${ROUNDS} rounds (+ warm-up); claims per order: ${claimsPerOrder.toFixed(2)}`,
    );
    console.log(`order workflow per order: ${JSON.stringify(rounded(order))}`);
    console.log(`claim workflow per claim: ${JSON.stringify(rounded(claim))}`);
    console.log(`remittance workflow per claim: ${remittancesPerClaim.toFixed(2)}, each ${JSON.stringify(rounded(remittance))}`);
    console.log(`order activities: ${JSON.stringify(activityTypes(orderHistories))}`);
    console.log(`claim activities: ${JSON.stringify(activityTypes(claimHistories))}`);
    console.log(`shared workflows per order: mailbox ${mailboxPerOrder.toFixed(1)} events, remittance ${remittancePerOrder.toFixed(1)} events`);
    console.log(`events per purchase order (order + its claims): ${Math.round(order.events + claim.events * claimsPerOrder)}`);
    console.log(`ratio: ${median(ratios).toFixed(2)}`);
  } finally {
    await stack.stop();
  }
}

runBench(main);
