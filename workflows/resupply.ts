/**
 * resupplyPlanWorkflow — one patient's refills of one device's supplies, `resupply-<planId>`,
 * for as long as the patient uses the device:
 *
 *   wait for the cycle's outreach date → contact (text, email or a staff call) with
 *   reminders → the patient's answer (Update refillConfirmed) → a supply order through
 *   the order workflow → its delivery starts the next cycle.
 *
 * Nothing ships without a confirmation that meets the rule of domain/resupply.ts; no
 * answer after the last attempt pauses the plan with a task. A hold (hospital stay,
 * patient's request) stops outreach until it ends; the device picked up, its rental ended
 * without purchase or the coverage ended stop the plan. State is plain JSON, carried by
 * continueAsNew between cycles. Only ids, codes and dates reach history.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ResupplyActivities } from '../activities/resupply';
import { addDays, isAfter, isBefore } from '../domain/calendar';
import { catalogFromSnapshot, type CatalogSnapshot } from '../domain/catalog';
import type { CommandRefusal } from '../domain/order-commands';
import {
  afterCycle,
  decideRefill,
  nextCycle,
  type RefillDecision,
  type ResupplyChannel,
  type ResupplyCycle,
  type ResupplyItemState,
  type ResupplyPolicy,
} from '../domain/resupply';
import { standardActivity } from './activity-options';
import { nowIso, today, untilDate } from './clock';
import { createDeadlines } from './deadlines';
import {
  refillConfirmed,
  refuseIf,
  resupplyDeviceEnded,
  resupplyHeld,
  resupplyOptedOut,
  resupplyResumed,
  resupplyStatus,
  resupplyStopped,
  type RefillConfirmed,
  type ResupplyStatus,
} from './definitions';
import { DmeResupplyDue } from './search-attributes';
import { resupplyTaskKey } from './task-keys';

const activities = proxyActivities<ResupplyActivities>(standardActivity);

type Phase = NonNullable<ResupplyStatus['cycle']>['phase'];

interface OpenCycle extends ResupplyCycle {
  phase: Phase;
  /** Contacts in the current round (a resume starts a new round). */
  attempts: number;
  /** Every contact of the cycle, across rounds: each message and call task has its own number. */
  contacts: number;
  orderId: string | null;
  /** Items the patient did not need this time (their supply is counted on a cycle). */
  declined: string[];
}

export interface ResupplyState {
  planId: string;
  status: ResupplyStatus['status'];
  reason: string | null;
  optedOut: boolean;
  channel: ResupplyChannel;
  cycleMonths: number;
  policy: ResupplyPolicy;
  catalog: CatalogSnapshot;
  deviceHcpcs: string;
  items: ResupplyItemState[];
  cyclesCompleted: number;
  nextCycleNumber: number;
  cycle: OpenCycle | null;
  heldUntil: string | null;
}

export interface ResupplyWorkflowInput {
  planId: string;
  /** Set by continueAsNew. */
  carried?: ResupplyState;
  /** Continue as new between cycles once history passes this many events (tests force it low). */
  historyLimit?: number;
}

export interface ResupplyOutcome {
  planId: string;
  status: 'stopped';
  reason: string;
  cyclesCompleted: number;
}

const defaultHistoryLimit = 4_000;
/** How often a refill's supply order is looked at until it is delivered or cancelled. */
const orderCheckEveryMs = 86_400_000;

export async function resupplyPlanWorkflow(input: ResupplyWorkflowInput): Promise<ResupplyOutcome> {
  const state: ResupplyState = input.carried ?? (await initialState(input.planId));
  const historyLimit = input.historyLimit ?? defaultHistoryLimit;
  const { planId } = state;
  const deadlines = createDeadlines();
  /** Bumped by every accepted command: a wait ends early when something changed. */
  let changes = 0;

  const view = () => ({
    today: today(),
    status: state.status,
    ...(state.cycle ? { cycle: state.cycle } : {}),
    cycleMonths: state.cycleMonths,
    policy: state.policy,
    catalog: catalogFromSnapshot(state.catalog),
  });
  const statusView = (): ResupplyStatus => ({
    planId,
    status: state.status,
    reason: state.reason,
    optedOut: state.optedOut,
    cyclesCompleted: state.cyclesCompleted,
    cycle: state.cycle
      ? {
          cycle: state.cycle.cycle,
          phase: state.cycle.phase,
          dueOn: state.cycle.dueOn,
          contactOpensOn: state.cycle.contactOpensOn,
          earliestShipOn: state.cycle.earliestShipOn,
          hcpcs: state.cycle.hcpcs,
          attempts: state.cycle.attempts,
          orderId: state.cycle.orderId,
        }
      : null,
    items: state.items,
    heldUntil: state.heldUntil,
  });

  /** When outreach looks next, for the Web UI (`DmeResupplyDue`) and the plan's row. */
  const nextContactOn = (): string | null => {
    const cycle = state.cycle;
    if (state.status === 'stopped' || !cycle || cycle.phase === 'ordered' || cycle.phase === 'paused') return null;
    if (state.status === 'held') return state.heldUntil;
    if (cycle.phase === 'waiting') return cycle.contactOpensOn;
    const next = addDays(cycle.contactOpensOn, cycle.attempts * state.policy.reminderEveryDays);
    return isAfter(next, today()) ? next : today();
  };
  const publish = async () => {
    const contactOn = nextContactOn();
    upsertSearchAttributes([{ key: DmeResupplyDue, value: contactOn ? new Date(`${contactOn}T00:00:00Z`) : null }]);
    await activities.recordResupplyStatus({
      planId,
      status: state.status,
      reason: state.reason,
      optedOut: state.optedOut,
      nextDueOn: state.cycle?.dueOn ?? null,
      nextContactOn: contactOn,
      asOf: nowIso(),
    });
  };
  const task = (step: string, kind: string, title: string) =>
    activities.createResupplyTask({
      taskKey: resupplyTaskKey(planId, state.cycle?.cycle ?? state.nextCycleNumber, step),
      taskId: uuid4(),
      planId,
      role: 'intake',
      kind,
      title,
    });

  const stopPlan = async (reason: string) => {
    if (state.status === 'stopped') return;
    const cycle = state.cycle;
    state.status = 'stopped';
    state.reason = reason;
    if (cycle && cycle.phase !== 'ordered') {
      await activities.closeResupplyCycle({ planId, cycle: cycle.cycle, outcome: 'stopped', closedOn: today() });
      state.cycle = null;
    }
    await publish();
  };

  // ---- staff commands (Updates): the same rule validates and, in the handler, decides ----

  const refuse = (refusal: CommandRefusal | undefined) => refuseIf(refusal);
  const conflict = (message: string): CommandRefusal => ({ status: 409, message });
  const decision = (answer: RefillConfirmed): RefillDecision => {
    const decided = decideRefill(view(), answer);
    if ('status' in decided) refuseIf(decided);
    return decided as RefillDecision;
  };

  setHandler(
    refillConfirmed,
    async (answer) => {
      const decided = decision(answer);
      const cycle = state.cycle!;
      // Claimed before the first activity: a second answer is refused from here on.
      cycle.phase = 'ordered';
      cycle.declined = decided.declined;
      if (state.status === 'paused') {
        state.status = 'active';
        state.reason = null;
      }
      changes += 1;
      const orderId = decided.outcome === 'confirmed' ? uuid4() : null;
      cycle.orderId = orderId;
      await activities.placeRefillOrder({
        planId,
        cycle: cycle.cycle,
        orderId,
        answer,
        decision: decided,
        answeredOn: today(),
        asOf: nowIso(),
      });
      if (decided.outcome === 'declined') await completeCycle(undefined, []);
      else await publish();
      return statusView();
    },
    { validator: (answer) => void decision(answer) },
  );

  const holdRefusal = (until?: string) => {
    if (state.status === 'stopped') return conflict('the resupply plan is stopped');
    if (state.status === 'held') return conflict('the resupply plan is already on hold');
    if (until && !isAfter(until, today())) return { status: 422 as const, field: 'until', message: 'must be after today' };
    return undefined;
  };
  setHandler(
    resupplyHeld,
    async ({ reason, until }) => {
      refuse(holdRefusal(until));
      state.status = 'held';
      state.reason = reason;
      state.heldUntil = until ?? null;
      changes += 1;
      await publish();
      return statusView();
    },
    { validator: ({ until }) => refuse(holdRefusal(until)) },
  );

  const resumeRefusal = () =>
    state.status === 'held' || state.status === 'paused' ? undefined : conflict(`the resupply plan is ${state.status}, not held or paused`);
  setHandler(
    resupplyResumed,
    async (_resumed) => {
      refuse(resumeRefusal());
      const wasPaused = state.cycle?.phase === 'paused';
      resume();
      changes += 1;
      // The no-answer recorded at the pause is taken back: the cycle is open again.
      if (wasPaused) await activities.closeResupplyCycle({ planId, cycle: state.cycle!.cycle, outcome: 'open', closedOn: null });
      await publish();
      return statusView();
    },
    { validator: (_resumed) => refuse(resumeRefusal()) },
  );

  const stopRefusal = () => (state.status === 'stopped' ? conflict('the resupply plan is already stopped') : undefined);
  setHandler(
    resupplyStopped,
    async ({ reason }) => {
      refuse(stopRefusal());
      changes += 1;
      await stopPlan(reason);
      return statusView();
    },
    { validator: (_stopped) => refuse(stopRefusal()) },
  );

  const optOutRefusal = () => {
    if (state.status === 'stopped') return conflict('the resupply plan is stopped');
    return state.optedOut ? conflict('the patient has already opted out of messages') : undefined;
  };
  setHandler(
    resupplyOptedOut,
    async (_optedOut) => {
      refuse(optOutRefusal());
      // Honoured at once: the next attempt is a call, whatever the plan's channel.
      state.optedOut = true;
      changes += 1;
      await publish();
      return statusView();
    },
    { validator: (_optedOut) => refuse(optOutRefusal()) },
  );

  setHandler(resupplyDeviceEnded, ({ reason }) => {
    if (state.status === 'stopped') return;
    deviceEnded = reason === 'picked-up' ? 'device-picked-up' : 'rental-ended';
    changes += 1;
  });
  setHandler(resupplyStatus, statusView);
  let deviceEnded: string | undefined;

  function resume() {
    state.status = 'active';
    state.reason = null;
    state.heldUntil = null;
    const cycle = state.cycle;
    if (cycle && (cycle.phase === 'outreach' || cycle.phase === 'paused')) {
      // A new round of contact: the earlier attempts were before the hold or went unanswered.
      cycle.phase = isBefore(today(), cycle.contactOpensOn) ? 'waiting' : 'outreach';
      cycle.attempts = 0;
    }
  }

  async function completeCycle(deliveredOn: string | undefined, delivered: string[]) {
    const cycle = state.cycle!;
    state.items = afterCycle(state.items, catalogFromSnapshot(state.catalog), state.cycleMonths, {
      ...(deliveredOn ? { deliveredOn } : {}),
      delivered,
      declined: cycle.declined,
      dueOn: cycle.dueOn,
    });
    if (deliveredOn) await activities.recordRefillDelivered({ planId, cycle: cycle.cycle, deliveredOn, hcpcs: delivered });
    state.cycle = null;
    state.cyclesCompleted += 1;
    changes += 1;
    await publish();
  }

  /** Waits until a command changed something or `ms` passed: true when something changed. */
  const waitForChange = (ms: number) => {
    const seen = changes;
    return deadlines.waitUntil(() => changes !== seen, ms);
  };

  // ---- the plan, read aloud ----

  while (state.status !== 'stopped') {
    if (deviceEnded) {
      await stopPlan(deviceEnded);
      break;
    }
    if (state.status === 'held') {
      if (!state.heldUntil) await condition(() => state.status !== 'held' || deviceEnded !== undefined);
      else if (!(await waitForChange(untilDate(state.heldUntil))) && state.status === 'held') {
        resume();
        await publish();
      }
      continue;
    }
    if (state.status === 'paused') {
      await condition(() => state.status !== 'paused' || deviceEnded !== undefined);
      continue;
    }

    const ended = await activities.checkResupplyPlan({ planId, asOf: today() });
    if (ended.stop) {
      await stopPlan(ended.stop);
      break;
    }

    if (!state.cycle) {
      if (workflowInfo().historyLength > historyLimit) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof resupplyPlanWorkflow>({ planId, carried: state, historyLimit });
      }
      const opened = nextCycle(state.nextCycleNumber, state.items, state.policy);
      state.nextCycleNumber += 1;
      state.cycle = {
        ...opened,
        phase: isBefore(today(), opened.contactOpensOn) ? 'waiting' : 'outreach',
        attempts: 0,
        contacts: 0,
        orderId: null,
        declined: [],
      };
      await activities.openResupplyCycle({ planId, cycle: opened });
      await publish();
      continue;
    }

    const cycle = state.cycle;
    if (cycle.phase === 'waiting') {
      if (!(await waitForChange(untilDate(cycle.contactOpensOn))) && state.cycle === cycle && cycle.phase === 'waiting') {
        cycle.phase = 'outreach';
        await publish();
      }
      continue;
    }

    if (cycle.phase === 'outreach') {
      if (cycle.attempts >= state.policy.attempts) {
        cycle.phase = 'paused';
        state.status = 'paused';
        state.reason = 'no-answer';
        await activities.closeResupplyCycle({ planId, cycle: cycle.cycle, outcome: 'no-answer', closedOn: today() });
        await task(
          `no-answer:${cycle.contacts}`,
          'resupply-no-answer',
          `Resupply paused: no answer to ${cycle.attempts} contacts about the ${state.deviceHcpcs} supplies due ${cycle.dueOn} ` +
            `(${cycle.hcpcs.join(', ')}). Reach the patient, then record the answer or resume the plan`,
        );
        await publish();
        continue;
      }
      cycle.attempts += 1;
      cycle.contacts += 1;
      const attempt = cycle.attempts;
      await activities.sendRefillOutreach({
        planId,
        cycle: cycle.cycle,
        contact: cycle.contacts,
        attempt,
        attempts: state.policy.attempts,
        channel: state.optedOut ? 'call' : state.channel,
        dueOn: cycle.dueOn,
        hcpcs: cycle.hcpcs,
        deviceHcpcs: state.deviceHcpcs,
        taskId: uuid4(),
        asOf: nowIso(),
      });
      await publish();
      await waitForChange(state.policy.reminderEveryDays * 86_400_000);
      continue;
    }

    if (cycle.phase === 'ordered') {
      if (!cycle.orderId) {
        // A decline is being recorded by its handler: it closes the cycle.
        await condition(() => state.cycle !== cycle);
        continue;
      }
      const progress = await activities.refillOrderProgress({ orderId: cycle.orderId });
      if (progress.state === 'delivered') {
        await completeCycle(progress.deliveredOn, progress.hcpcs);
      } else if (progress.state === 'cancelled') {
        // Cancelled before delivery: nothing shipped, so the patient is asked again.
        await activities.closeResupplyCycle({ planId, cycle: cycle.cycle, outcome: 'open', closedOn: null });
        await task(
          `order-cancelled:${cycle.orderId}`,
          'resupply-order-cancelled',
          `Refill order ${cycle.orderId} was cancelled before delivery: the patient is contacted again for refill ${cycle.cycle}`,
        );
        Object.assign(cycle, { phase: 'outreach', attempts: 0, orderId: null, declined: [] });
        await publish();
      } else {
        await waitForChange(orderCheckEveryMs);
      }
    }
  }

  await condition(allHandlersFinished);
  return { planId, status: 'stopped', reason: state.reason ?? 'stopped', cyclesCompleted: state.cyclesCompleted };
}

async function initialState(planId: string): Promise<ResupplyState> {
  const plan = await activities.loadResupplyPlan({ planId });
  return {
    planId,
    status: plan.status,
    reason: plan.reason,
    optedOut: plan.optedOut,
    channel: plan.channel,
    cycleMonths: plan.cycleMonths,
    policy: plan.policy,
    catalog: plan.catalog,
    deviceHcpcs: plan.deviceHcpcs,
    items: plan.items,
    cyclesCompleted: 0,
    nextCycleNumber: plan.nextCycleNumber,
    cycle: null,
    heldUntil: null,
  };
}
