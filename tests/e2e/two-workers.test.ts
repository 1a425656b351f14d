/**
 * Two workers on one task queue, as `docker compose up --scale worker=2` runs them
 * (issue 11.6): each is its own process (worker.ts through tsx, as `npm run start:worker`
 * runs it) against one dev server and one Postgres; the API runs here. Twelve purchase
 * orders are driven through the API to closed at once. The workers share the work (both
 * identities run the orders' activities) and nothing is done twice: one claim per order,
 * each 837 sent to the payer once, each paid once.
 */
import { temporal } from '@temporalio/proto';
import { count, eq, inArray } from 'drizzle-orm';
import { claims, ediFiles, sandboxClaims } from '../../db/schema';
import { ORDER_TASK_QUEUE, claimWorkflowId, orderWorkflowId } from '../../workflows/definitions';
import { completeDocuments, createOrder, deliver, registerPatient } from '../support/api';
import { startProcessStack, type ProcessStack } from '../support/worker-process';

jest.setTimeout(240_000);

const ORDERS = 12;
const EventType = temporal.api.enums.v1.EventType;

let stack: ProcessStack;

/** A worker's environment: its identity, and the sandbox answering within seconds. */
const worker = (identity: string) => ({ TEMPORAL_WORKER_IDENTITY: identity, SANDBOX_ACKNOWLEDGEMENT_DELAY: '1s', SANDBOX_REMITTANCE_DELAY: '2s' });

beforeAll(async () => {
  stack = await startProcessStack();
  stack.startWorker(worker('worker-a'));
  stack.startWorker(worker('worker-b'));
  // Both poll the queue for workflow and activity tasks before any order starts (else one could do it all while the other boots).
  const deadline = Date.now() + 90_000;
  for (;;) {
    const pollers = await Promise.all(
      [temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY].map(
        async (taskQueueType) =>
          (
            await stack.client.workflowService.describeTaskQueue({
              namespace: stack.client.options.namespace,
              taskQueue: { name: ORDER_TASK_QUEUE },
              taskQueueType,
            })
          ).pollers?.map((poller) => poller.identity) ?? [],
      ),
    );
    if (pollers.every((identities) => ['worker-a', 'worker-b'].every((identity) => identities.includes(identity)))) break;
    if (Date.now() > deadline)
      throw new Error(`both workers did not poll within 90 s: ${JSON.stringify(pollers)}; they said:\n${stack.workerOutput()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 120_000);

afterAll(() => stack?.stop());

/**
 * Every activity and workflow task of a workflow names the worker that ran it: an activity's
 * started event, a workflow task's completed event. Not the workflow task's started event:
 * when an Update's speculative workflow task is saved while a worker still works on it (a
 * signal or an activity result arrived meanwhile), the server writes its started event with
 * an empty identity (temporalio/temporal, workflow_task_state_machine.go,
 * convertSpeculativeWorkflowTaskToNormal); under load this run saw one.
 */
async function identitiesOf(workflowId: string): Promise<string[]> {
  const events = (await stack.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  return events.flatMap((event) => {
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) return [event.activityTaskStartedEventAttributes?.identity ?? ''];
    if (event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) return [event.workflowTaskCompletedEventAttributes?.identity ?? ''];
    return [];
  });
}

test('twelve orders at once over two workers: both do the work, each claim is built, sent and paid once', async () => {
  const { call, client, database, workerOutput } = stack;
  const orderIds = await Promise.all(
    Array.from({ length: ORDERS }, async () => {
      const orderId = await createOrder(call, await registerPatient(call));
      await completeDocuments(call, orderId);
      await deliver(call, orderId);
      return orderId;
    }),
  );
  const outcomes = await Promise.all(
    orderIds.map((orderId) =>
      client.workflow
        .getHandle(orderWorkflowId(orderId))
        .result()
        .catch((error: unknown) => {
          throw new Error(`order ${orderId}: ${String(error)}; the workers said:\n${workerOutput()}`);
        }),
    ),
  );
  expect(outcomes.map((outcome) => outcome.stage)).toEqual(orderIds.map(() => 'closed'));

  const billed = await database.db.select().from(claims).where(inArray(claims.orderId, orderIds));
  expect(billed).toHaveLength(ORDERS);
  expect(new Set(billed.map((claim) => claim.orderId)).size).toBe(ORDERS);
  expect(billed.every((claim) => claim.status === 'paid')).toBe(true);
  // The payer received each claim once, and one 837 went out per claim.
  const received = await database.db.select({ claimNumber: sandboxClaims.claimNumber, x12: sandboxClaims.x12 }).from(sandboxClaims);
  expect(received).toHaveLength(ORDERS);
  for (const claim of billed) expect(received.filter((row) => row.x12.includes(`CLM*${claim.claimNumber}*`))).toHaveLength(1);
  const [{ sent }] = await database.db.select({ sent: count() }).from(ediFiles).where(eq(ediFiles.transaction, '837'));
  expect(sent).toBe(ORDERS);

  // Both workers ran the orders' and the claims' work.
  const identities = new Set<string>();
  for (const orderId of orderIds) for (const identity of await identitiesOf(orderWorkflowId(orderId))) identities.add(identity);
  for (const claim of billed) for (const identity of await identitiesOf(claimWorkflowId(claim.id))) identities.add(identity);
  expect([...identities].sort()).toEqual(['worker-a', 'worker-b']);
});
