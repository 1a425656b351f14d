/**
 * The bare pipeline `npm run bench:pipeline` measures the real one against: an order and
 * its claims that issue the same Temporal commands as the real ones — activities, timers,
 * Updates from the driver, child claims, signals each way, search-attribute upserts,
 * patch markers — with no work inside them. The shape (how many of each) is counted from
 * the real orders' histories in the same run, so the ratio is our own cost over Temporal's.
 */
import {
  ParentClosePolicy,
  condition,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { DmeStage } from '../workflows/search-attributes';
import type { bareActivities } from './bench-pipeline-activities';

/** What one workflow does, counted from a real history. */
export interface BareShape {
  activities: number;
  timers: number;
  /** Updates the driver sends (order) — or signals an activity sends (claim), as the mailbox does. */
  messagesIn: number;
  /** Signals to the parent (claim → order) or to another workflow. */
  signalsOut: number;
  upserts: number;
  markers: number;
}

export interface BareOrderInput {
  order: BareShape;
  claims: BareShape[];
  /** The remittance workflow each claim's 835 gets (started as the mailbox starts it), when the real claims got one. */
  remittance: BareShape | null;
}

const bareStep = defineUpdate<number, [number]>('bareStep');
const bareClaimSettled = defineSignal<[string]>('bareClaimSettled');
export const bareAnswer = defineSignal<[]>('bareAnswer');

const { bareWork, bareTell } = proxyActivities<ReturnType<typeof bareActivities>>({ startToCloseTimeout: '1 minute' });

/** Markers, upserts and timers spread over the run as the real one spreads them (at the start is close enough). */
function commandsWithoutWaiting(shape: BareShape, prefix: string) {
  for (let i = 0; i < shape.markers; i += 1) patched(`${prefix}-${i}`);
  for (let i = 0; i < shape.upserts; i += 1) upsertSearchAttributes([{ key: DmeStage, value: `${prefix}-${i}` }]);
  // Follow-up timers the real run starts and leaves to fire later (deadlines.ts).
  for (let i = 0; i < shape.timers; i += 1) void sleep('30 days');
}

async function work(count: number) {
  for (let i = 0; i < count; i += 1) await bareWork(i);
}

/** The order: activities in as many bursts as there are staff commands, then the claims, then the rest. */
export async function bareOrderWorkflow(input: BareOrderInput): Promise<number> {
  const { order, claims } = input;
  let stepsTaken = 0;
  let settled = 0;
  setHandler(bareClaimSettled, () => void (settled += 1));
  setHandler(
    bareStep,
    (step) => {
      stepsTaken += 1;
      return step;
    },
    {
      validator: (step) => {
        if (step !== stepsTaken) throw new Error('not waiting for this step yet');
      },
    },
  );
  commandsWithoutWaiting(order, 'order');
  const burst = Math.floor(order.activities / (order.messagesIn + 2));
  let left = order.activities;
  for (let step = 0; step < order.messagesIn; step += 1) {
    await work(burst);
    left -= burst;
    const reached = step + 1;
    await condition(() => stepsTaken >= reached);
  }
  await work(burst);
  left -= burst;
  const { workflowId } = workflowInfo();
  await Promise.all(
    claims.map((claim, index) =>
      startChild(bareClaimWorkflow, {
        workflowId: `${workflowId}-claim-${index}`,
        args: [{ shape: claim, orderWorkflowId: workflowId, remittance: input.remittance }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      }),
    ),
  );
  const expected = claims.reduce((sum, claim) => sum + claim.signalsOut, 0);
  await condition(() => settled >= expected);
  await work(left);
  return stepsTaken;
}

/**
 * A claim: its activities, the answers a mailbox would signal (one of its activities sends
 * them, and starts the claim's remittance workflow as the mailbox does), its reports to the order.
 */
export async function bareClaimWorkflow(input: { shape: BareShape; orderWorkflowId: string; remittance: BareShape | null }): Promise<void> {
  const { shape, remittance } = input;
  let answers = 0;
  setHandler(bareAnswer, () => void (answers += 1));
  commandsWithoutWaiting(shape, 'claim');
  const tells = shape.activities > 0 && shape.messagesIn > 0 ? 1 : 0;
  await work(shape.activities - tells);
  const { workflowId, taskQueue } = workflowInfo();
  if (tells) {
    await bareTell({
      workflowId,
      signals: shape.messagesIn - (remittance ? 1 : 0),
      ...(remittance ? { remittance: { shape: remittance, taskQueue } } : {}),
    });
  }
  await condition(() => answers >= shape.messagesIn);
  const order = getExternalWorkflowHandle(input.orderWorkflowId);
  for (let i = 0; i < shape.signalsOut; i += 1) await order.signal(bareClaimSettled, workflowInfo().workflowId);
}

/** A remittance: posted, its claim told (by an activity, once), then its remaining activities. */
export async function bareRemittanceWorkflow(input: { shape: BareShape; claimWorkflowId: string }): Promise<void> {
  const { shape } = input;
  commandsWithoutWaiting(shape, 'remittance');
  const before = Math.min(1, shape.activities);
  await work(before);
  await bareTell({ workflowId: input.claimWorkflowId, signals: 1 });
  await work(Math.max(0, shape.activities - before - 1));
}
