/**
 * Answers at volume (issue 11.1): what a 999 or 277CA says is told to each claim's
 * workflow by the mailbox's collecting activity, so one round adds the same events to
 * the mailbox's history whether its 277CA answers one claim or many — no signal event
 * per claim (a 277CA of 10,000 claims was 10,000 of them, near the 51,200-event limit).
 *
 * The claims' workflows here are stand-ins under the real ids (`claim-<id>`) on a task
 * queue no worker polls: the server holds each signal in its history, which is what
 * "told" means, without running 60 claim workflows.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Clearinghouse, InboundFile } from '../../activities/clearinghouse/types';
import { acceptingClaimAcknowledgement } from '../support/acknowledgements';
import { checkMailbox, claimWorkflowId, MAILBOX_WORKFLOW_ID } from '../../workflows/definitions';
import { createOrderHarness, eventually, type OrderHarness } from '../support/orders';
import { insertClaims, seedPatientOrder } from '../support/receivables';

jest.setTimeout(120_000);

const EventType = temporal.api.enums.v1.EventType;
let harness: OrderHarness;
/** Files the next mailbox round collects besides the sandbox's own. */
const dropped: InboundFile[] = [];
let controlNumber = 900_000;

beforeAll(async () => {
  harness = await createOrderHarness({
    wrapClearinghouse: (sandbox): Clearinghouse => ({
      name: sandbox.name,
      checkEligibility: (...args) => sandbox.checkEligibility(...args),
      submitClaims: (...args) => sandbox.submitClaims(...args),
      requestClaimStatus: (...args) => sandbox.requestClaimStatus(...args),
      async collect(asOf) {
        const own = await sandbox.collect(asOf);
        return { ...own, files: [...own.files, ...dropped] };
      },
      async confirm(names) {
        dropped.splice(0, dropped.length, ...dropped.filter((file) => !names.includes(file.name)));
        return sandbox.confirm(names.filter((name) => !name.startsWith('dropped-')));
      },
    }),
  });
});
afterAll(() => harness?.teardown());

function acknowledgementOf(claims: Array<{ claimNumber: string }>): InboundFile {
  controlNumber += 1;
  return { name: `dropped-277ca-${controlNumber}`, x12: acceptingClaimAcknowledgement(claims, controlNumber) };
}

async function standInsFor(count: number) {
  const order = await seedPatientOrder(harness.database.db, { state: 'OH' });
  const claims = await insertClaims(
    harness.database.db,
    Array.from({ length: count }, () => ({ order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] })),
  );
  const unpolled = `unpolled-${randomUUID()}`;
  const handles = await Promise.all(
    claims.map((claim) => harness.env.client.workflow.start('claimStandIn', { workflowId: claimWorkflowId(claim.claimId), taskQueue: unpolled })),
  );
  return { claims, handles };
}

async function acknowledgementsReceived(handle: WorkflowHandle): Promise<number> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).filter(
    (event) =>
      event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED &&
      event.workflowExecutionSignaledEventAttributes?.signalName === 'claimAcknowledged',
  ).length;
}

async function mailboxEvents() {
  return (await harness.env.client.workflow.getHandle(MAILBOX_WORKFLOW_ID).fetchHistory()).events ?? [];
}

/** The mailbox's history once it waits again (its last round done: the timer started, or the one it keeps). */
function idle() {
  return eventually(async () => {
    const all = await mailboxEvents();
    const last = all[all.length - 1]?.eventType;
    return last === EventType.EVENT_TYPE_TIMER_STARTED || last === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED ? all : undefined;
  }, 'the mailbox waiting again');
}

/** Drops a 277CA for the claims, wakes the mailbox, and waits until every stand-in holds its answer; the events the round added. */
async function round(count: number): Promise<number> {
  const { claims, handles } = await standInsFor(count);
  const before = (await idle()).length;
  dropped.push(acknowledgementOf(claims));
  await harness.env.client.workflow.getHandle(MAILBOX_WORKFLOW_ID).signal(checkMailbox);
  await eventually(async () => {
    const received = await Promise.all(handles.map(acknowledgementsReceived));
    return received.every((n) => n === 1) && dropped.length === 0;
  }, `all ${count} claims told`);
  return (await idle()).length - before;
}

test('a 277CA of 60 claims tells all 60 and adds no more mailbox events than a 277CA of one', async () => {
  const one = await round(1);
  const sixty = await round(60);
  expect(sixty).toBe(one);
  const signalsFromTheWorkflow = (await mailboxEvents()).filter(
    (event) => event.eventType === EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  );
  expect(signalsFromTheWorkflow).toHaveLength(0);
});
