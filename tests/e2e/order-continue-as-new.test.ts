/**
 * continueAsNew on a real dev server, in real time. (The time-skipping test server
 * stalls time skipping once a run has continued as new, so months cannot be skipped
 * across runs there.) A delivery recorded five months late bills six claims at once;
 * with a low history limit the order continues as new while those claims are still at
 * the payer (past four times the limit it does not wait for them), so their
 * settlements arrive at the new run, which records them and carries on from the
 * carried state.
 */
import type { temporal } from '@temporalio/proto';
import { asc, eq } from 'drizzle-orm';
import { claimLines, claims } from '../../db/schema';
import { addDays, addMonths } from '../../domain/calendar';
import { ORDER_TASK_QUEUE, claimSettled, orderWorkflowId, rentalChanged, type ClaimSettled } from '../../workflows/definitions';
import type { dmeOrderWorkflow, OrderWorkflowInput } from '../../workflows/order';
import { payloadValue } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { approveAllDocuments, command, confirmDelivery, seedOrder, waitForStatus } from '../support/orders';
import { startTemporalStack, type TemporalStack } from '../support/temporal-stack';

jest.setTimeout(180_000);

let database: TestDatabase;
let stack: TemporalStack;
beforeAll(async () => {
  database = await createTestDatabase();
  // The 835s come 30 s after the claims: well after the switch, which follows the sixth claim at once.
  stack = await startTemporalStack(database, { acknowledgementDelayMs: 500, remittanceDelayMs: 30_000 });
});
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

/** The runs of one workflow id, first to latest, following each run's continued-as-new link. */
async function runsOf(workflowId: string, firstRunId: string) {
  const runs: Array<{ runId: string; events: temporal.api.history.v1.IHistoryEvent[] }> = [];
  let runId: string | null | undefined = firstRunId;
  while (runId) {
    const history: temporal.api.history.v1.IHistory = await stack.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    runs.push({ runId, events });
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
  }
  return runs;
}

/** The claims whose settlement (claimSettled) a run received. */
async function claimsSettledIn(events: temporal.api.history.v1.IHistoryEvent[]): Promise<string[]> {
  const settled = events.flatMap((event) => {
    const signaled = event.workflowExecutionSignaledEventAttributes;
    return signaled?.signalName === claimSettled.name ? [signaled.input!.payloads![0]] : [];
  });
  return Promise.all(settled.map(async (payload) => (await payloadValue<ClaimSettled>(payload)).claimId));
}

test('an order continues as new with its claims still at the payer: their settlements reach the new run, which records them, and a pickup closes it', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const deliveredOn = addMonths(today, -5);
  const { orderId } = await seedOrder(database, { items: [{ hcpcs: 'E0601', acquisition: 'rental' }], orderDate: addDays(deliveredOn, -7) });
  const handle = await stack.client.workflow.start<typeof dmeOrderWorkflow>('dmeOrderWorkflow', {
    workflowId: orderWorkflowId(orderId),
    taskQueue: ORDER_TASK_QUEUE,
    args: [{ orderId, historyLimit: 10 }],
  });
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await confirmDelivery(handle, deliveredOn);

  const latest = stack.client.workflow.getHandle(handle.workflowId);
  const deadline = Date.now() + 60_000;
  while ((await latest.describe()).runId === handle.firstExecutionRunId) {
    if (Date.now() > deadline) throw new Error('the order never continued as new');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // What the first run handed over: six claims billed, none settled yet.
  const [first] = await runsOf(handle.workflowId, handle.firstExecutionRunId);
  const switched = first.events.at(-1)!.workflowExecutionContinuedAsNewEventAttributes!;
  const { carried } = await payloadValue<OrderWorkflowInput>(switched.input!.payloads![0]);
  expect(carried).toMatchObject({ stage: 'rental', delivery: { deliveredOn } });
  expect(carried!.claims.map((claim) => [claim.rentalMonth, claim.status])).toEqual([1, 2, 3, 4, 5, 6].map((month) => [month, 'submitted']));
  expect(carried!.documents.every((document) => document.status === 'approved')).toBe(true);
  expect(await claimsSettledIn(first.events)).toEqual([]);

  // The payer pays the six claims after the switch: the runs after the first receive every settlement and record it.
  const paid = await waitForStatus(latest, (status) => status.claims.every((claim) => claim.status === 'paid'), 60_000);
  expect(paid).toMatchObject({ stage: 'rental', delivery: { deliveredOn }, rental: { month: 6, period: 1 } });
  const [, ...later] = await runsOf(handle.workflowId, handle.firstExecutionRunId);
  expect((await Promise.all(later.map((run) => claimsSettledIn(run.events)))).flat().sort()).toEqual(
    carried!.claims.map((claim) => claim.claimId).sort(),
  );

  // The latest run takes commands: a pickup today ends the rental after month 6, and with every claim paid the order closes.
  await command(latest, rentalChanged, { user: 'bea.biller', change: 'pickup', effectiveOn: today });
  expect(await latest.result()).toEqual({ orderId, stage: 'closed', claims: 6 });

  const lines = await database.db
    .select({ month: claimLines.rentalMonth, from: claimLines.serviceFrom, modifiers: claimLines.modifiers })
    .from(claimLines)
    .innerJoin(claims, eq(claims.id, claimLines.claimId))
    .where(eq(claims.orderId, orderId))
    .orderBy(asc(claimLines.serviceFrom));
  expect(lines).toEqual(
    ['KH', 'KI', 'KI', 'KJ', 'KJ', 'KJ'].map((modifier, index) => ({
      month: index + 1,
      from: addMonths(deliveredOn, index),
      modifiers: ['RR', modifier, 'KX'],
    })),
  );
});
