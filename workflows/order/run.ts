/**
 * One run of the order workflow, as the stages see it: the carried state, the ports to
 * Temporal (activities, timers, children, continue-as-new) and the few steps every stage
 * shares — entering a stage, showing what it waits for, staff tasks, waiting with
 * follow-ups. Plain code over the ports, so a stage runs against fake ones in a unit test.
 */
import type { OrderActivities, OrderStatusRecord } from '../../activities/orders';
import { closableTaskKinds } from '../../domain/follow-up';
import { isoIn, nowIso } from '../clock';
import type { BlockedOn, OrderStage } from '../definitions';
import { followUpUntilDone, type FollowUps } from '../follow-ups';
import { orderTaskKey } from '../task-keys';
import { cancelRequested, currentRentalMonth, shownBlocker, type OrderState } from './state';
import { statusView } from './status';

/** Thrown inside the workflow to unwind from any wait when the order is cancelled. */
export class OrderCancelled extends Error {}

export type TaskRole = 'intake' | 'reviewer' | 'delivery' | 'biller';

/** What the order does through Temporal; everything else is plain code over the state. */
export interface OrderPorts {
  activities: OrderActivities;
  /** Eligibility (270/271) waits for the payer's answer inside the activity: its own timeouts. */
  inquiries: Pick<OrderActivities, 'checkEligibility'>;
  /** A fresh id, the same on replay. */
  newId(): string;
  /** Waits until `done()` (true) or `timeoutMs` from now (false); the timer is left to fire (deadlines.ts). */
  waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean>;
  /** Waits until `done()`, however long that takes. */
  until(done: () => boolean): Promise<void>;
  /** Shows the stage to operators: search attributes and the Web UI's current details. */
  publish(state: OrderState): void;
  /** The Web UI's current details alone (no event in the history). */
  showDetails(state: OrderState): void;
  patched(patchId: string): boolean;
  /** Starts the claim's own claimWorkflow; it outlives this run and reports back by signal. */
  startClaimWorkflow(input: { claimId: string; orderId: string }): Promise<void>;
  historyLength(): number;
  /** Lets running handlers finish, then continues as new carrying the state. */
  continueAsNew(state: OrderState): Promise<void>;
  warn(message: string, attributes: Record<string, unknown>): void;
}

/** The order's follow-up loop: what it waits for shows as the order's blocker. */
export type OrderFollowUps = Omit<FollowUps, 'autoCancel'> & {
  blockedOn: BlockedOn;
  /** Auto-cancel this long after the wait began, with this reason. */
  cancelAfter?: number;
  onWindowClosed?: string;
};

const maxIgnoredSignals = 25;
/** Closing stale tasks added activities to running orders: histories from before it replay without them. */
const closeStaleTasksPatch = 'close-stale-tasks';
/**
 * Status records folded into the activities doing the work, and shown only when changed
 * (issue 11.4): histories from before it replay with a record at every stage and blocker.
 */
const foldedStatusPatch = 'folded-status-records';

export class OrderRun {
  readonly orderId: string;
  readonly activities: OrderActivities;
  /** Who confirmed the delivery (used right after it, so not carried across continueAsNew). */
  deliveredBy = 'system';
  /** Tasks whose row is being written right now (closing waits for them; never in flight across continueAsNew). */
  private tasksBeingCreated = 0;
  /** Whether this run folds its status records (asked once, where the run first records itself). */
  private folding?: boolean;
  /** What was last shown to operators and last recorded in the row, to skip what did not change. */
  private lastPublished?: string;
  private lastRecorded?: string;

  constructor(
    readonly state: OrderState,
    readonly ports: OrderPorts,
    private readonly historyLimit: number,
  ) {
    this.orderId = state.orderId;
    this.activities = ports.activities;
  }

  async enterStage(stage: OrderStage, blockedOn: BlockedOn | null = null) {
    this.state.stage = stage;
    await this.setBlocked(blockedOn);
  }

  async setBlocked(blockedOn: BlockedOn | null, followUpInMs?: number) {
    const state = this.state;
    state.blockedOn = blockedOn;
    state.followUpAt = followUpInMs === undefined ? null : isoIn(followUpInMs);
    // Folded: shown and recorded by the next activity doing the work, or before the next wait (settle).
    if (this.foldsStatus()) return;
    this.ports.publish(state);
    await this.recordStatus();
  }

  foldsStatus(): boolean {
    return (this.folding ??= this.ports.patched(foldedStatusPatch));
  }

  /**
   * The stage, the blocker and the whole status view into the order's row, numbered so a
   * slower write of an older view never replaces a newer one: `GET /orders/:id` and the
   * lists read it there instead of querying the workflow (issue 11.2).
   */
  async recordStatus() {
    await this.activities.recordStage(this.statusRecord());
  }

  private statusRecord(view = statusView(this.state)): OrderStatusRecord {
    const state = this.state;
    state.statusVersion = (state.statusVersion ?? 0) + 1;
    return {
      orderId: this.orderId,
      stage: state.stage,
      blockedOn: state.blockedOn,
      rentalMonth: currentRentalMonth(state),
      ...(state.cancel ? { cancelReason: state.cancel.reason } : {}),
      status: { version: state.statusVersion, view, nextFollowUpAt: state.followUpAt, at: nowIso() },
    };
  }

  /** The record to write when the order changed since it was last recorded (and the change shown to operators); else none. */
  private changedRecord(): OrderStatusRecord | undefined {
    const state = this.state;
    const shown = JSON.stringify([state.stage, shownBlocker(state), state.followUpAt, currentRentalMonth(state)]);
    if (shown !== this.lastPublished) {
      this.lastPublished = shown;
      this.ports.publish(state);
    } else {
      this.ports.showDetails(state);
    }
    const view = statusView(state);
    const recorded = JSON.stringify([shown, state.cancel?.reason ?? null, view]);
    if (recorded === this.lastRecorded) return undefined;
    this.lastRecorded = recorded;
    return this.statusRecord(view);
  }

  /**
   * An activity input carrying the order's status record when it changed: the activity
   * that does the order's next piece of work writes it with that work, instead of an
   * activity of its own (issue 11.4).
   */
  withStatus<T extends object>(input: T): T & { orderStatus?: OrderStatusRecord } {
    if (!this.foldsStatus()) return input;
    const record = this.changedRecord();
    return record ? { ...input, orderStatus: record } : input;
  }

  /** Before the order waits (and when a command or the run ends): what changed is shown and recorded. */
  async settle() {
    if (!this.foldsStatus()) return;
    const record = this.changedRecord();
    if (record) await this.activities.recordStage(record);
  }

  async createTask(role: TaskRole, kind: string, title: string, claimId?: string) {
    const { state, orderId } = this;
    state.taskSequence += 1;
    const taskKey = orderTaskKey(orderId, state.taskSequence, kind);
    if (closableTaskKinds.includes(kind)) state.openTasks.push({ taskKey, kind });
    this.tasksBeingCreated += 1;
    try {
      await this.activities.createTask({ taskKey, taskId: this.ports.newId(), orderId, ...(claimId ? { claimId } : {}), role, kind, title });
    } finally {
      this.tasksBeingCreated -= 1;
    }
    await this.activities.recordAuditEvent({ actor: 'system', action: `task.${kind}`, entityType: 'order', entityId: orderId, detail: { role } });
  }

  /**
   * Closes the open tasks of these kinds, by key — a task of the same kind opened while
   * this runs is a new reason and stays open — with the note saying why.
   */
  async closeStaleTasks(kinds: readonly string[], note: string) {
    const state = this.state;
    const stale = state.openTasks.filter((task) => kinds.includes(task.kind));
    if (stale.length === 0 || !this.ports.patched(closeStaleTasksPatch)) return;
    // A task still being written would be missed by the update and stay open: let it land first.
    if (this.tasksBeingCreated > 0) await this.ports.until(() => this.tasksBeingCreated === 0);
    state.openTasks = state.openTasks.filter((task) => !stale.includes(task));
    await this.activities.closeTasks({
      orderId: this.orderId,
      taskKeys: stale.map((task) => task.taskKey),
      note: `Closed by the system: ${note}`,
      at: nowIso(),
    });
  }

  /** Waits for `done` or the follow-up time; throws OrderCancelled when a cancellation arrives first. */
  async waitFor(done: () => boolean, timeoutMs: number, blockedOn: BlockedOn | null): Promise<boolean> {
    if (this.state.blockedOn !== blockedOn || blockedOn !== null) await this.setBlocked(blockedOn, timeoutMs);
    await this.settle();
    const finished = await this.ports.waitUntil(() => done() || cancelRequested(this.state), timeoutMs);
    if (cancelRequested(this.state)) throw new OrderCancelled();
    return finished;
  }

  /** The follow-up loop (follow-ups.ts) on the order's blocker; a closed window cancels the order. */
  async waitWithFollowUps({ blockedOn, cancelAfter, onWindowClosed, ...followUps }: OrderFollowUps): Promise<void> {
    const windowClosed = (): never => {
      this.state.cancel = { user: 'system', reason: onWindowClosed ?? 'the follow-up window closed' };
      throw new OrderCancelled();
    };
    await followUpUntilDone(
      { ...followUps, ...(cancelAfter !== undefined ? { autoCancel: { after: cancelAfter, windowClosed } } : {}) },
      (done, timeoutMs) => this.waitFor(done, timeoutMs, blockedOn),
    );
  }

  /** Records a rental change the rental loop could not apply after all (the order changed after it was accepted). */
  ignore(command: string, user: string, reason: string) {
    const { state, orderId } = this;
    state.ignoredSignals.push({ signal: command, user, reason, at: nowIso() });
    if (state.ignoredSignals.length > maxIgnoredSignals) state.ignoredSignals.shift();
    this.ports.warn('command not applied', { orderId, command, reason });
    void this.activities
      .recordAuditEvent({ actor: user, action: 'signal.ignored', entityType: 'order', entityId: orderId, detail: { signal: command, reason } })
      .catch(() => undefined);
  }

  /**
   * Keeps history bounded. The switch waits until no claim of this run is still in
   * flight, so every claim workflow reports to a run that is open (the claims carry on
   * regardless: they are abandoned, not terminated, when the run closes); past four
   * times the limit it switches anyway.
   */
  async continueAsNewIfLong() {
    const length = this.ports.historyLength();
    const inFlight = this.state.claims.some((claim) => claim.status === 'submitted');
    if (length <= this.historyLimit || (inFlight && length <= this.historyLimit * 4)) return;
    await this.ports.continueAsNew(this.state);
  }
}
