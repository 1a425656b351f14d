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
 *
 * Commands change state at once and the loop looks again: after every activity of its own
 * the loop checks whether a command came in meanwhile before it does anything else, so a
 * hold, a stop or an opt-out is never followed by a contact the loop had decided on before.
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
import type { ResupplyActivities, ResupplyPlanFacts } from '../activities/resupply';
import { addDays, isAfter, isBefore } from '../domain/calendar';
import { catalogFromSnapshot } from '../domain/catalog';
import type { CommandRefusal } from '../domain/order-commands';
import { afterCycle, decideRefill, nextCycle, outreachTimeUtc, type DeclinedItem, type RefillDecision, type ResupplyCycle } from '../domain/resupply';
import { standardActivity } from './activity-options';
import { nowIso, today, untilInstant } from './clock';
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
  /** When the next contact is due, while one is (the plan's row and `DmeResupplyDue`). */
  nextContactOn: string | null;
  orderId: string | null;
  /** The answer's day and the items not needed this time (their supply is counted on). */
  answeredOn?: string;
  declined: DeclinedItem[];
}

/** The plan as loaded (its statusVersion numbers the status writes), and where it stands. */
export interface ResupplyState extends ResupplyPlanFacts {
  planId: string;
  cyclesCompleted: number;
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
const DAY_MS = 86_400_000;
/** How often a refill's supply order is looked at until it is delivered or cancelled. */
const orderCheckEveryMs = DAY_MS;
/** Stops for which a refill already ordered must not go out: the device or the coverage is gone. */
const stopsThatVoidARefill = ['device-picked-up', 'rental-ended', 'coverage-ended'];

/** Milliseconds until the outreach hour of a day. */
const untilOutreachOn = (date: string) => untilInstant(`${date}T${outreachTimeUtc}`);

export async function resupplyPlanWorkflow(input: ResupplyWorkflowInput): Promise<ResupplyOutcome> {
  /** Set by the device's end (a signal that may be buffered before the plan is loaded). */
  let deviceEnded: string | undefined;
  /** Bumped by every accepted command: a wait ends early, and a decision is taken again. */
  let changes = 0;
  setHandler(resupplyDeviceEnded, ({ reason }) => {
    deviceEnded ??= reason === 'picked-up' ? 'device-picked-up' : 'rental-ended';
    changes += 1;
  });

  const state: ResupplyState = input.carried ?? (await initialState(input.planId));
  const historyLimit = input.historyLimit ?? defaultHistoryLimit;
  const { planId } = state;
  const deadlines = createDeadlines();

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
    if (state.status === 'stopped' || state.status === 'paused' || !cycle || cycle.phase === 'ordered') return null;
    if (state.status === 'held') return state.heldUntil;
    return cycle.nextContactOn;
  };
  const publish = async () => {
    const contactOn = nextContactOn();
    state.statusVersion += 1;
    upsertSearchAttributes([{ key: DmeResupplyDue, value: contactOn ? new Date(`${contactOn}T${outreachTimeUtc}`) : null }]);
    await activities.recordResupplyStatus({
      planId,
      version: state.statusVersion,
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
  const closeTasks = (kinds: string[] | 'all', note: string) => activities.closeResupplyTasks({ planId, kinds, note, asOf: nowIso() });

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
      const before = { phase: cycle.phase, status: state.status, reason: state.reason };
      // Claimed before the first activity: a second answer is refused from here on.
      cycle.phase = 'ordered';
      cycle.declined = decided.declined;
      cycle.answeredOn = decided.answeredOn;
      if (state.status === 'paused') {
        state.status = 'active';
        state.reason = null;
      }
      changes += 1;
      const orderId = decided.outcome === 'confirmed' ? uuid4() : null;
      cycle.orderId = orderId;
      try {
        const placed = await activities.placeRefillOrder({
          planId,
          cycle: cycle.cycle,
          orderId,
          answer,
          decision: decided,
          asOf: nowIso(),
        });
        // The recorded answer wins (a retry after a lost reply finds it).
        cycle.orderId = placed.orderId;
      } catch (error) {
        Object.assign(cycle, { phase: before.phase, orderId: null, declined: [], answeredOn: undefined });
        Object.assign(state, { status: before.status, reason: before.reason });
        changes += 1;
        throw error;
      }
      await closeTasks(['resupply-call', 'resupply-no-answer'], `refill ${cycle.cycle} answered on ${decided.answeredOn}`);
      if (!cycle.orderId) await completeCycle(undefined, []);
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
      changes += 1;
      await resume();
      return statusView();
    },
    { validator: (_resumed) => refuse(resumeRefusal()) },
  );

  const stopRefusal = () => (state.status === 'stopped' ? conflict('the resupply plan is already stopped') : undefined);
  setHandler(
    resupplyStopped,
    async ({ reason }) => {
      refuse(stopRefusal());
      requestStop(reason);
      await publish();
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
      // Honoured at once: the next contact is a call, whatever the plan's channel, and the send activity reads it too.
      state.optedOut = true;
      changes += 1;
      await publish();
      return statusView();
    },
    { validator: (_optedOut) => refuse(optOutRefusal()) },
  );
  setHandler(resupplyStatus, statusView);

  /** The stop itself is immediate; the loop closes the cycle and the tasks on its way out. */
  function requestStop(reason: string) {
    if (state.status === 'stopped') return;
    state.status = 'stopped';
    state.reason = reason;
    changes += 1;
  }

  /** Out of a hold or a pause: a new round of contact (the earlier attempts were before the hold or went unanswered). */
  async function resume() {
    const cycle = state.cycle;
    const wasPaused = cycle?.phase === 'paused';
    state.status = 'active';
    state.reason = null;
    state.heldUntil = null;
    if (cycle && (cycle.phase === 'outreach' || cycle.phase === 'paused')) {
      const waiting = isBefore(today(), cycle.contactOpensOn);
      Object.assign(cycle, { phase: waiting ? 'waiting' : 'outreach', attempts: 0, nextContactOn: waiting ? cycle.contactOpensOn : today() });
    }
    if (cycle && wasPaused) {
      // The no-answer recorded at the pause is taken back: the cycle is open again.
      await activities.closeResupplyCycle({ planId, cycle: cycle.cycle, outcome: 'open', closedOn: null });
      await closeTasks(['resupply-no-answer'], `the plan was resumed on ${today()}`);
    }
    await publish();
  }

  async function completeCycle(deliveredOn: string | undefined, delivered: string[]) {
    const cycle = state.cycle!;
    state.items = afterCycle(state.items, catalogFromSnapshot(state.catalog), state.cycleMonths, {
      ...(deliveredOn ? { deliveredOn } : {}),
      ...(cycle.answeredOn ? { answeredOn: cycle.answeredOn } : {}),
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

  /** What `changes` was when this pass of the loop began: a command during the pass's activities ends its wait, and its next step is decided again. */
  let seen = changes;
  const changedSincePass = () => changes !== seen;
  /** Waits until a command changed something since the pass began, or `ms` passed: true when something changed. */
  const waitForChange = (ms?: number) => {
    const since = seen;
    return ms === undefined ? condition(() => changes !== since).then(() => true) : deadlines.waitUntil(() => changes !== since, ms);
  };

  // ---- the plan, read aloud ----

  while (state.status !== 'stopped') {
    seen = changes;
    if (deviceEnded) {
      requestStop(deviceEnded);
      break;
    }
    if (state.status === 'held') {
      if (!state.heldUntil) await waitForChange();
      else if (!(await waitForChange(untilOutreachOn(state.heldUntil))) && state.status === 'held') await resume();
      continue;
    }
    if (state.status === 'paused') {
      await waitForChange();
      continue;
    }

    // Before every step but the daily look at an ordered refill (it contacts no one): the device and the coverage.
    const ended = state.cycle?.phase === 'ordered' ? {} : await activities.checkResupplyPlan({ planId, asOf: today() });
    if (ended.stop) {
      requestStop(ended.stop);
      break;
    }
    if (changedSincePass()) continue;

    if (!state.cycle) {
      if (workflowInfo().historyLength > historyLimit) {
        await condition(allHandlersFinished);
        return continueAsNew<typeof resupplyPlanWorkflow>({ planId, carried: state, historyLimit });
      }
      const opened = nextCycle(state.nextCycleNumber, state.items, state.policy);
      // The row first: an answer to the cycle finds it.
      await activities.openResupplyCycle({ planId, cycle: opened });
      state.nextCycleNumber += 1;
      const waiting = isBefore(today(), opened.contactOpensOn);
      state.cycle = {
        ...opened,
        phase: waiting ? 'waiting' : 'outreach',
        attempts: 0,
        contacts: 0,
        nextContactOn: waiting ? opened.contactOpensOn : today(),
        orderId: null,
        declined: [],
      };
      await publish();
      continue;
    }

    const cycle = state.cycle;
    if (cycle.phase === 'waiting') {
      if (!(await waitForChange(untilOutreachOn(cycle.contactOpensOn))) && state.cycle === cycle && cycle.phase === 'waiting') {
        cycle.phase = 'outreach';
        cycle.nextContactOn = today();
        await publish();
      }
      continue;
    }

    if (cycle.phase === 'outreach') {
      if (cycle.attempts >= state.policy.attempts) {
        cycle.phase = 'paused';
        state.status = 'paused';
        state.reason = 'no-answer';
        cycle.nextContactOn = null;
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
      if (state.cycle === cycle && cycle.phase === 'outreach') {
        cycle.nextContactOn = addDays(today(), state.policy.reminderEveryDays);
        await publish();
        await waitForChange(state.policy.reminderEveryDays * DAY_MS);
      }
      continue;
    }

    if (cycle.phase === 'ordered') {
      if (!cycle.orderId) {
        // A decline is being recorded by its handler: it closes the cycle.
        await condition(() => state.cycle !== cycle || cycle.phase !== 'ordered');
        continue;
      }
      const progress = await activities.refillOrderProgress({ orderId: cycle.orderId });
      if (state.cycle !== cycle || cycle.phase !== 'ordered') continue;
      if (progress.state === 'delivered') {
        await completeCycle(progress.deliveredOn, progress.hcpcs);
      } else if (progress.state === 'cancelled') {
        // Cancelled before delivery: nothing shipped, so the patient is asked again.
        await activities.reopenResupplyCycle({ planId, cycle: cycle.cycle, cancelledOrderId: cycle.orderId });
        await task(
          `order-cancelled:${cycle.orderId}`,
          'resupply-order-cancelled',
          `Refill order ${cycle.orderId} was cancelled before delivery: the patient is contacted again for refill ${cycle.cycle}`,
        );
        Object.assign(cycle, { phase: 'outreach', attempts: 0, nextContactOn: today(), orderId: null, declined: [], answeredOn: undefined });
        await publish();
      } else {
        await waitForChange(orderCheckEveryMs);
      }
    }
  }

  // ---- stopped: the open cycle closed, the tasks with it, and a refill the stop voids named to staff ----
  await condition(allHandlersFinished);
  const cycle = state.cycle;
  const reason = state.reason ?? 'stopped';
  if (cycle && cycle.phase !== 'ordered') {
    await activities.closeResupplyCycle({ planId, cycle: cycle.cycle, outcome: 'stopped', closedOn: today() });
    state.cycle = null;
  }
  await closeTasks('all', `the resupply plan stopped on ${today()}: ${reason}`);
  if (cycle?.phase === 'ordered' && cycle.orderId && stopsThatVoidARefill.includes(reason)) {
    await task(
      `stopped-with-order:${cycle.orderId}`,
      'resupply-stopped-with-order',
      `Resupply plan stopped (${reason}) with refill order ${cycle.orderId} placed: cancel it if it has not shipped`,
    );
  }
  await publish();
  return { planId, status: 'stopped', reason, cyclesCompleted: state.cyclesCompleted };
}

async function initialState(planId: string): Promise<ResupplyState> {
  const plan = await activities.loadResupplyPlan({ planId });
  return { planId, ...plan, cyclesCompleted: 0, cycle: null, heldUntil: null };
}
