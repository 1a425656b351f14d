/**
 * dmeOrderWorkflow — one DME order from documentation to its last claim:
 *
 *   documentation → eligibility → prior-auth → delivery → coding → submission
 *     → (rental | receivables) → closed, or cancelled from any stage.
 *
 * The workflow owns the orchestration (stage, blockers, timers); every business fact
 * is written by an activity. State is plain JSON so `continueAsNew` can carry it.
 * Durations come from the one follow-up policy table in domain/.
 */
import {
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  type defineUpdate,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { clearinghouseInquiry, standardActivity } from './activity-options';
import { isoIn, nowIso, today, untilDate } from './clock';
import { createDeadlines } from './deadlines';
import { orderTaskKey } from './task-keys';
import type { OrderActivities, OrderContext } from '../activities/orders';
import { addDays, isBefore } from '../domain/calendar';
import { type Catalog, catalogFromSnapshot, defaultCatalog } from '../domain/catalog';
import { codeClaimLines } from '../domain/coding';
import { requiredDocuments } from '../domain/documentation';
import { closableTaskKinds, followUpPolicy, staleTasks, toMilliseconds } from '../domain/follow-up';
import { lostRentalMonths, lostRentalMonthsTaskTitle, type LostItemMonth, type LostRentalMonth } from '../domain/lost-rental-months';
import {
  applyRentalChange,
  cancellationRefusal,
  claimCorrectionRefusal,
  coverageUpdateRefusal,
  deliveryRefusal,
  documentReceivedRefusal,
  documentReviewRefusal,
  priorAuthDecisionRefusal,
  rentalChangeRefusal,
  type CommandRefusal,
  type OrderCommandView,
} from '../domain/order-commands';
import { isSettled } from '../domain/claim-statuses';
import { priorAuthRequired } from '../domain/prior-auth';
import { dueMonths, nextRentalEvent, recordMonthBilled, startRental, type RentalState } from '../domain/rental';
import type { ClaimLine, OrderItem } from '../domain/types';
import { claimWorkflow } from './claim';
import {
  cancelOrder,
  claimCorrected,
  claimSettled,
  claimWorkflowId,
  commandRefused,
  coverageUpdated,
  deliveryConfirmed,
  documentReceived,
  documentReviewed,
  orderStages,
  orderStatus,
  priorAuthDecided,
  refuseIf,
  rentalChanged,
  type BlockedOn,
  type ClaimSettled,
  type ClaimSummary,
  type DocumentState,
  type IgnoredSignal,
  type OrderStage,
  type OrderStatus,
  type RentalChanged,
} from './definitions';
import { DmeBlockedOn, DmeFollowUpAt, DmeHcpcs, DmePayer, DmeRentalMonth, DmeStage } from './search-attributes';

const activities = proxyActivities<OrderActivities>(standardActivity);
const inquiries = proxyActivities<Pick<OrderActivities, 'checkEligibility'>>(clearinghouseInquiry);

/** Everything the order carries across `continueAsNew`: plain JSON only. */
export interface OrderState {
  orderId: string;
  stage: OrderStage;
  blockedOn: BlockedOn | null;
  followUpAt: string | null;
  context: OrderContext | null;
  documents: DocumentState[];
  eligibility: OrderStatus['eligibility'];
  /** Bumped by every accepted coverageUpdated: the eligibility stage re-checks on a change. */
  coverageVersion: number;
  priorAuth: OrderStatus['priorAuth'] & { requestId?: string; attempts: number };
  /** `proofStored` once the activity wrote the proof of delivery (the stage waits for it). */
  delivery: { deliveredOn: string; serialNumbers: Record<string, string[]>; proofStored?: boolean } | null;
  claims: Array<ClaimSummary & { rejectedReason?: string; correctedBy?: string }>;
  /**
   * Claims the scrubber stopped before they were stored: their lines wait here until
   * staff fix the order data and send claimCorrected with the id shown in the status.
   */
  heldClaims: Record<string, { lines: ClaimLine[]; rental?: { period: number; month: number } }>;
  /** Purchase items are billed on the first claim; true once that claim exists. */
  purchasesBilled: boolean;
  rentals: RentalState[];
  /** One entry per month lost to timely filing (not per item: the month's claim would carry every item). */
  lostMonths: LostRentalMonth[];
  /** Rental changes received but not yet applied (applied in order by the rental loop). */
  pendingRentalChanges: RentalChanged[];
  pendingCorrections: Array<{ claimId: string; user: string }>;
  ignoredSignals: IgnoredSignal[];
  cancel: { user: string; reason: string } | null;
  /** Counter for idempotent task keys. */
  taskSequence: number;
  /** Tasks of the kinds the system closes when their reason is gone (domain/follow-up.ts `staleTasks`), not yet closed. */
  openTasks: Array<{ taskKey: string; kind: string }>;
}

export interface OrderWorkflowInput {
  orderId: string;
  /** Set by continueAsNew. */
  carried?: OrderState;
  /** Continue as new once history passes this many events (tests force it low). */
  historyLimit?: number;
}

export interface OrderOutcome {
  orderId: string;
  stage: 'closed' | 'cancelled';
  claims: number;
  reason?: string;
}

/** The catalog entries the order loaded with its context; the shipped catalog for contexts loaded before they were carried. */
function carriedCatalog(context: OrderContext): Catalog {
  return context.catalog ? catalogFromSnapshot(context.catalog) : defaultCatalog;
}

/** What the command rules of domain/order-commands.ts read of the order. */
function commandView(state: OrderState, today: string): OrderCommandView {
  const context = state.context;
  const catalog = context ? carriedCatalog(context) : defaultCatalog;
  return {
    today,
    stage: state.stage,
    cancelRequested: state.cancel !== null,
    orderDate: context?.orderDate ?? today,
    itemIds: context?.items.map((item) => item.id) ?? [],
    hasRentedItem: context?.items.some((item) => item.acquisition === 'rental') ?? false,
    priorAuthHcpcs: context ? context.items.filter((item) => priorAuthRequired(item, context.payer, catalog)).map((item) => item.hcpcs) : [],
    catalog,
    documents: state.documents,
    priorAuthStatus: state.priorAuth.status,
    deliveredOn: state.delivery?.deliveredOn ?? null,
    claims: state.claims,
    pendingCorrections: state.pendingCorrections.map((pending) => pending.claimId),
    rentals: state.rentals,
    pendingRentalChanges: state.pendingRentalChanges,
  };
}

/** Thrown inside the workflow to unwind from any wait when the order is cancelled. */
class OrderCancelled extends Error {}

const maxIgnoredSignals = 25;
/** Closing stale tasks added activities to running orders: histories from before it replay without them. */
const closeStaleTasksPatch = 'close-stale-tasks';
const defaultHistoryLimit = 8_000;

function initialOrderState(orderId: string): OrderState {
  return {
    orderId,
    stage: 'documentation',
    blockedOn: null,
    followUpAt: null,
    context: null,
    documents: [],
    eligibility: null,
    coverageVersion: 0,
    priorAuth: { required: false, status: 'not-required', attempts: 0 },
    delivery: null,
    claims: [],
    heldClaims: {},
    purchasesBilled: false,
    rentals: [],
    lostMonths: [],
    pendingRentalChanges: [],
    pendingCorrections: [],
    ignoredSignals: [],
    cancel: null,
    taskSequence: 0,
    openTasks: [],
  };
}

export async function dmeOrderWorkflow(input: OrderWorkflowInput): Promise<OrderOutcome> {
  const state: OrderState = input.carried ?? initialOrderState(input.orderId);
  const deadlines = createDeadlines();
  const historyLimit = input.historyLimit ?? defaultHistoryLimit;
  const orderId = state.orderId;
  /** Tasks whose row is being written right now (closing waits for them; never in flight across continueAsNew). */
  let tasksBeingCreated = 0;
  /** Who confirmed the delivery (used right after it, so not carried across continueAsNew). */
  let deliveredBy = 'system';

  /** Records a rental change the rental loop could not apply after all (the order changed after it was accepted). */
  const ignore = (command: string, user: string, reason: string) => {
    state.ignoredSignals.push({ signal: command, user, reason, at: nowIso() });
    if (state.ignoredSignals.length > maxIgnoredSignals) state.ignoredSignals.shift();
    log.warn('command not applied', { orderId, command, reason });
    void activities
      .recordAuditEvent({ actor: user, action: 'signal.ignored', entityType: 'order', entityId: orderId, detail: { signal: command, reason } })
      .catch(() => undefined);
  };
  const claimSent = () => state.claims.length > 0;

  // ---- staff commands (Updates): the validator refuses what does not apply, the handler applies it ----

  let commandsAccepted = 0;
  let commandsFinished = 0;
  /**
   * Accepted commands run one at a time, in the order accepted, so two never interleave
   * their activities. A command whose turn is free starts at once: what it claims in state
   * before its first activity is what the next command's validator sees.
   */
  async function inTurn<T>(work: () => Promise<T>): Promise<T> {
    const turn = commandsAccepted++;
    if (turn !== commandsFinished) await condition(() => turn === commandsFinished);
    try {
      return await work();
    } finally {
      commandsFinished += 1;
    }
  }

  /** One staff command: the same rule validates it and, once its turn comes, checks it again (an earlier command may have changed the order). */
  function command<C>(
    update: ReturnType<typeof defineUpdate<OrderStatus, [C]>>,
    refusal: (view: OrderCommandView, command: NoInfer<C>) => CommandRefusal | undefined,
    apply: (command: NoInfer<C>) => Promise<void>,
  ) {
    const check = (received: C) => refuseIf(refusal(commandView(state, today()), received));
    setHandler(
      update,
      (received) =>
        inTurn(async () => {
          check(received);
          await apply(received);
          return statusView(state);
        }),
      { validator: check },
    );
  }

  command(documentReceived, documentReceivedRefusal, async ({ user, documentId, kind, reference }) => {
    const document = state.documents.find((candidate) => candidate.kind === kind)!;
    Object.assign(document, { status: 'received', documentId });
    delete document.rejectReason;
    await activities.recordDocumentReceived({ orderId, documentId, kind, reference, user, at: nowIso() });
  });

  command(documentReviewed, documentReviewRefusal, async ({ user, documentId, decision, reason }) => {
    const document = state.documents.find((candidate) => candidate.documentId === documentId)!;
    document.status = decision;
    if (decision === 'rejected') document.rejectReason = reason;
    await activities.recordDocumentReview({ orderId, documentId, decision, ...(reason ? { reason } : {}), user, at: nowIso() });
    if (decision === 'rejected') {
      await createTask('intake', 'document-rejected', `Request the ${document.kind} again: ${reason}`);
    }
  });

  command(coverageUpdated, coverageUpdateRefusal, async ({ user, coverageId }) => {
    const result = await activities.switchCoverage({ orderId, coverageId, user });
    if (!result.ok)
      throw commandRefused({ status: 422, field: 'coverageId', message: result.reason ?? 'the coverage cannot be billed for this order' });
    state.context = await activities.loadOrderContext(orderId);
    state.coverageVersion += 1;
  });

  command(priorAuthDecided, priorAuthDecisionRefusal, async (decision) => {
    const { user } = decision;
    const requestId = state.priorAuth.requestId!;
    if (decision.decision === 'affirmed') {
      state.priorAuth = {
        ...state.priorAuth,
        status: 'affirmed',
        trackingNumber: decision.trackingNumber!.toUpperCase(),
        expiresOn: decision.expiresOn!,
      };
    } else {
      state.priorAuth = { ...state.priorAuth, status: 'non-affirmed' };
      if (decision.next === 'cancel') state.cancel = { user, reason: `prior authorization non-affirmed: ${decision.reason}` };
    }
    await activities.recordPriorAuthDecision({
      orderId,
      priorAuthId: requestId,
      status: decision.decision,
      ...(decision.trackingNumber ? { trackingNumber: decision.trackingNumber.toUpperCase() } : {}),
      ...(decision.decision === 'affirmed' ? { expiresOn: state.priorAuth.expiresOn! } : {}),
      ...(decision.reason ? { reason: decision.reason } : {}),
      user,
      at: nowIso(),
    });
    await closeStaleTasks(
      decision.decision === 'affirmed' ? [...staleTasks.priorAuthDecided, ...staleTasks.priorAuthAffirmed] : staleTasks.priorAuthDecided,
      `the prior-authorization decision was recorded (${decision.decision}) on ${today()}`,
    );
  });

  command(deliveryConfirmed, deliveryRefusal, async ({ user, deliveredOn, signedBy, relationship, serialNumbers }) => {
    // Claimed before the proof is written: a second confirmation is refused from here on.
    state.delivery = { deliveredOn, serialNumbers, proofStored: false };
    deliveredBy = user;
    await activities.recordDeliveryProof({ orderId, deliveredOn, signedBy, relationship, serialNumbers, user, at: nowIso() });
    state.delivery.proofStored = true;
  });

  command(rentalChanged, rentalChangeRefusal, async (change) => {
    state.pendingRentalChanges.push(change);
  });

  command(claimCorrected, claimCorrectionRefusal, async ({ user, claimId }) => {
    state.pendingCorrections.push({ claimId, user });
  });

  command(cancelOrder, cancellationRefusal, async ({ user, reason }) => {
    state.cancel = { user, reason };
  });

  // ---- system messages (signals) ----

  setHandler(claimSettled, (settled: ClaimSettled) => {
    const claim = state.claims.find((candidate) => candidate.claimId === settled.claimId);
    if (!claim) return;
    claim.status = settled.outcome;
    if (settled.outcome === 'rejected') claim.rejectedReason = settled.reason;
  });

  setHandler(orderStatus, (): OrderStatus => statusView(state));

  // ---- helpers the stages share ----

  async function createTask(role: 'intake' | 'reviewer' | 'delivery' | 'biller', kind: string, title: string, claimId?: string) {
    state.taskSequence += 1;
    const taskKey = orderTaskKey(orderId, state.taskSequence, kind);
    if (closableTaskKinds.includes(kind)) state.openTasks.push({ taskKey, kind });
    tasksBeingCreated += 1;
    try {
      await activities.createTask({ taskKey, taskId: uuid4(), orderId, ...(claimId ? { claimId } : {}), role, kind, title });
    } finally {
      tasksBeingCreated -= 1;
    }
    await activities.recordAuditEvent({ actor: 'system', action: `task.${kind}`, entityType: 'order', entityId: orderId, detail: { role } });
  }

  /**
   * Closes the open tasks of these kinds, by key — a task of the same kind opened while
   * this runs is a new reason and stays open — with the note saying why.
   */
  async function closeStaleTasks(kinds: readonly string[], note: string) {
    const stale = state.openTasks.filter((task) => kinds.includes(task.kind));
    if (stale.length === 0 || !patched(closeStaleTasksPatch)) return;
    // A task still being written would be missed by the update and stay open: let it land first.
    if (tasksBeingCreated > 0) await condition(() => tasksBeingCreated === 0);
    state.openTasks = state.openTasks.filter((task) => !stale.includes(task));
    await activities.closeTasks({ orderId, taskKeys: stale.map((task) => task.taskKey), note: `Closed by the system: ${note}`, at: nowIso() });
  }

  async function enterStage(stage: OrderStage, blockedOn: BlockedOn | null = null) {
    state.stage = stage;
    await setBlocked(blockedOn);
  }

  async function setBlocked(blockedOn: BlockedOn | null, followUpInMs?: number) {
    state.blockedOn = blockedOn;
    state.followUpAt = followUpInMs === undefined ? null : isoIn(followUpInMs);
    const rentalMonth = currentRentalMonth(state);
    upsertSearchAttributes([
      { key: DmeStage, value: state.stage },
      { key: DmeBlockedOn, value: blockedOn },
      { key: DmeFollowUpAt, value: state.followUpAt ? new Date(state.followUpAt) : null },
      { key: DmeRentalMonth, value: rentalMonth },
    ]);
    setCurrentDetails(detailsMarkdown(state));
    await activities.recordStage({
      orderId,
      stage: state.stage,
      blockedOn,
      rentalMonth,
      ...(state.cancel ? { cancelReason: state.cancel.reason } : {}),
    });
  }

  /** Waits for `done` or the follow-up time; throws OrderCancelled when a cancellation arrives first. */
  async function waitFor(done: () => boolean, timeoutMs: number, blockedOn: BlockedOn | null): Promise<boolean> {
    if (state.blockedOn !== blockedOn || blockedOn !== null) await setBlocked(blockedOn, timeoutMs);
    const finished = await deadlines.waitUntil(() => done() || cancelRequested(), timeoutMs);
    if (cancelRequested()) throw new OrderCancelled();
    return finished;
  }
  /** Before any claim left, a cancellation ends the order; after, it only stops future rental months. */
  const cancelRequested = () => state.cancel !== null && !claimSent();

  /**
   * The follow-up loop every waiting stage uses: remind on a cadence, escalate once,
   * optionally give up (auto-cancel) when the window closes.
   */
  async function waitWithFollowUps(options: {
    done: () => boolean;
    blockedOn: BlockedOn;
    every: number;
    escalateAfter: number;
    cancelAfter?: number;
    remind: (count: number) => Promise<void>;
    escalate: () => Promise<void>;
    onWindowClosed?: string;
  }): Promise<void> {
    const started = Date.now();
    let reminders = 0;
    let escalated = false;
    while (!options.done()) {
      const elapsed = Date.now() - started;
      let next = options.every;
      if (!escalated) next = Math.min(next, Math.max(1, options.escalateAfter - elapsed));
      if (options.cancelAfter !== undefined) next = Math.min(next, Math.max(1, options.cancelAfter - elapsed));
      if (await waitFor(options.done, next, options.blockedOn)) break;
      const waited = Date.now() - started;
      if (options.cancelAfter !== undefined && waited >= options.cancelAfter) {
        state.cancel = { user: 'system', reason: options.onWindowClosed ?? 'the follow-up window closed' };
        throw new OrderCancelled();
      }
      if (!escalated && waited >= options.escalateAfter) {
        escalated = true;
        await options.escalate();
      } else {
        reminders += 1;
        await options.remind(reminders);
      }
    }
  }

  // ---- the stages, in the order the business runs them ----

  async function collectDocuments() {
    await enterStage('documentation');
    const context = state.context!;
    if (state.documents.length === 0) {
      state.documents = requiredDocuments(context.items, context.payer, orderCatalog())
        // Proof of delivery is captured at delivery, not chased before it.
        .filter((document) => document.kind !== 'proof-of-delivery')
        .map((document) => ({ kind: document.kind, reason: document.reasons.join('; '), status: 'missing' as const }));
    }
    const policy = followUpPolicy.documents;
    await waitWithFollowUps({
      done: () => state.documents.every((document) => document.status === 'approved'),
      blockedOn: 'documents',
      every: toMilliseconds(policy.reminderEvery),
      escalateAfter: toMilliseconds(policy.escalateAfter),
      cancelAfter: toMilliseconds(policy.cancelAfter),
      onWindowClosed: `documentation window of ${policy.cancelAfter.days} days closed without the required documents`,
      remind: (count) => createTask('intake', 'document-reminder', `Reminder ${count}: ${outstandingDocuments(state)} still needed`),
      escalate: () =>
        createTask('reviewer', 'document-escalation', `Documents outstanding for ${policy.escalateAfter.days} days: ${outstandingDocuments(state)}`),
    });
    await closeStaleTasks(staleTasks.documentsApproved, `every required document was approved by ${today()}`);
  }

  async function verifyEligibility() {
    await enterStage('eligibility');
    const policy = followUpPolicy.eligibility;
    for (;;) {
      const result = await inquiries.checkEligibility({ orderId, checkId: uuid4(), asOf: nowIso() });
      state.eligibility = { active: result.active, coversDme: result.coversDme, checkedAt: nowIso() };
      if (result.active && result.coversDme) {
        await closeStaleTasks(staleTasks.coverageVerified, `eligibility checked on ${today()}: the coverage is active and covers DME`);
        return;
      }
      await createTask(
        'intake',
        'coverage-problem',
        result.active ? 'Coverage does not include DME: correct the coverage' : 'Coverage is inactive: correct the coverage',
      );
      const checkedVersion = state.coverageVersion;
      await waitWithFollowUps({
        done: () => state.coverageVersion > checkedVersion,
        blockedOn: 'coverage',
        every: toMilliseconds(policy.followUpEvery),
        escalateAfter: toMilliseconds(policy.escalateAfter),
        cancelAfter: toMilliseconds(policy.cancelAfter),
        onWindowClosed: `coverage not corrected within ${policy.cancelAfter.days} days`,
        remind: (count) => createTask('intake', 'coverage-reminder', `Reminder ${count}: the order waits for corrected coverage`),
        escalate: () => createTask('reviewer', 'coverage-escalation', `Coverage unresolved for ${policy.escalateAfter.days} days`),
      });
    }
  }

  /** The catalog entries the order loaded with its context; the shipped catalog for contexts loaded before they were carried. */
  function orderCatalog(): Catalog {
    return carriedCatalog(state.context!);
  }

  /** The order's items on the payer's prior-authorization list. */
  function priorAuthItems(): OrderItem[] {
    return state.context!.items.filter((item) => priorAuthRequired(item, state.context!.payer, orderCatalog()));
  }

  async function obtainPriorAuth() {
    const needing = priorAuthItems();
    if (needing.length === 0) {
      state.priorAuth = { ...state.priorAuth, required: false, status: 'not-required' };
      return;
    }
    await enterStage('prior-auth');
    state.priorAuth.required = true;
    const policy = followUpPolicy.priorAuth;
    while (state.priorAuth.status !== 'affirmed') {
      if (state.priorAuth.status !== 'requested') {
        state.priorAuth = { required: true, status: 'requested', requestId: uuid4(), attempts: state.priorAuth.attempts + 1 };
        await activities.recordPriorAuthRequest({
          orderId,
          priorAuthId: state.priorAuth.requestId!,
          hcpcs: needing.map((item) => item.hcpcs),
          asOf: nowIso(),
          user: 'system',
        });
        await createTask(
          'reviewer',
          'prior-auth-request',
          `Send prior-authorization request ${state.priorAuth.attempts} for ${needing.map((item) => item.hcpcs).join(', ')} to the contractor`,
        );
      }
      // The contractor decides within its SLA; silence after that is followed up.
      await waitWithFollowUps({
        done: () => state.priorAuth.status !== 'requested',
        blockedOn: 'prior-auth',
        every: toMilliseconds(policy.followUpEvery),
        escalateAfter: toMilliseconds(policy.escalateAfter),
        remind: (count) => createTask('reviewer', 'prior-auth-follow-up', `Follow up ${count}: no prior-auth decision yet`),
        escalate: () => createTask('biller', 'prior-auth-escalation', `No prior-auth decision after ${policy.escalateAfter.days} days`),
      });
      if (state.priorAuth.status === 'non-affirmed') {
        if (state.cancel) throw new OrderCancelled();
        await createTask('reviewer', 'prior-auth-non-affirmed', 'Prior authorization non-affirmed: add documentation and resubmit');
      }
    }
  }

  /** The day after the affirmation's last valid day, while one is affirmed. */
  const affirmationLapsesOn = () =>
    state.priorAuth.status === 'affirmed' && state.priorAuth.expiresOn ? addDays(state.priorAuth.expiresOn, 1) : undefined;

  /** An affirmation that lapses before delivery is asked for again (DOMAIN.md §6). */
  async function askPriorAuthAgain() {
    state.priorAuth = { ...state.priorAuth, status: 'expired' };
    await activities.recordPriorAuthDecision({ orderId, priorAuthId: state.priorAuth.requestId!, status: 'expired', user: 'system', at: nowIso() });
    await obtainPriorAuth();
  }

  async function awaitDelivery() {
    await enterStage('delivery');
    const policy = followUpPolicy.delivery;
    const started = Date.now();
    let escalated = false;
    let reminders = 0;
    // A delivery carried from before proofStored existed had its proof stored by the API.
    const recorded = () => state.delivery !== null && state.delivery.proofStored !== false;
    while (!recorded()) {
      const lapsesOn = affirmationLapsesOn();
      const next = Math.min(toMilliseconds(policy.reminderEvery), lapsesOn ? untilDate(lapsesOn) : Infinity);
      if (await waitFor(recorded, next, 'delivery')) break;
      if (lapsesOn && !isBefore(today(), lapsesOn)) {
        await askPriorAuthAgain();
        await enterStage('delivery');
      } else if (!escalated && Date.now() - started >= toMilliseconds(policy.escalateAfter)) {
        escalated = true;
        await createTask('biller', 'delivery-escalation', `Not delivered ${policy.escalateAfter.days} days after the order was ready`);
      } else {
        reminders += 1;
        await createTask('delivery', 'delivery-reminder', `Reminder ${reminders}: schedule and confirm the delivery`);
      }
    }
    const delivery = state.delivery!;
    const lapsesOn = affirmationLapsesOn();
    if (lapsesOn && !isBefore(delivery.deliveredOn, lapsesOn)) {
      // Delivered after the affirmation lapsed: the claim would deny CO-197, so ask again first.
      await askPriorAuthAgain();
    }
    await activities.confirmDelivery({ orderId, deliveredOn: delivery.deliveredOn, user: deliveredBy, at: nowIso(), podDocumentId: uuid4() });
    await closeStaleTasks(staleTasks.delivered, `delivery on ${delivery.deliveredOn} was confirmed`);
    const context = state.context!;
    state.rentals = context.items
      .filter((item) => item.acquisition === 'rental')
      .map((item) =>
        startRental({ itemId: item.id, hcpcs: item.hcpcs, firstDateOfService: delivery.deliveredOn, payer: context.payer, catalog: orderCatalog() }),
      );
  }

  /** Codes, builds and sends one claim, then hands it to its own claimWorkflow. */
  async function fileClaim(lines: ClaimLine[], rental?: { period: number; month: number }, correctsClaimId?: string): Promise<boolean> {
    const claimId = uuid4();
    const prepared = await activities.prepareClaim({
      claimId,
      orderId,
      lines,
      ...(rental ? { rentalPeriod: rental.period, rentalMonth: rental.month } : {}),
      ...(state.priorAuth.trackingNumber ? { priorAuthNumber: state.priorAuth.trackingNumber } : {}),
      ...(correctsClaimId ? { correctsClaimId } : {}),
      asOf: nowIso(),
    });
    const serviceFrom = lines.map((line) => line.serviceFrom).sort()[0];
    const serviceTo = lines
      .map((line) => line.serviceTo)
      .sort()
      .slice(-1)[0];
    if (!prepared.ok) {
      // Nothing left the building: staff fix the order data, then claimCorrected retries it.
      const summary = prepared.failures.map((failure) => `${failure.code}: ${failure.message}`).join('; ');
      state.heldClaims[claimId] = { lines, ...(rental ? { rental } : {}) };
      state.claims.push({
        claimId,
        claimNumber: '',
        serviceFrom,
        serviceTo,
        ...(rental ? { rentalMonth: rental.month } : {}),
        status: 'rejected',
        rejectedReason: `scrubber: ${summary}`,
      });
      await createTask('biller', 'claim-scrub-failed', `Claim held by the scrubber (${claimId}): ${summary}`);
      return false;
    }
    state.claims.push({
      claimId,
      claimNumber: prepared.claimNumber,
      serviceFrom,
      serviceTo,
      ...(rental ? { rentalMonth: rental.month } : {}),
      status: 'submitted',
    });
    await startChild(claimWorkflow, {
      workflowId: claimWorkflowId(claimId),
      args: [{ claimId, orderId }],
      // Claims outlive a continueAsNew of their order; they report back by signal.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    return true;
  }

  const documentationComplete = () => state.documents.every((document) => document.status === 'approved');

  /** Every line points at the order's diagnoses, principal first, at most four (837P SV107). */
  const diagnosisPointers = () => Array.from({ length: Math.min(4, Math.max(1, state.context!.diagnosisCount)) }, (_, index) => index + 1);

  function linesFor(item: OrderItem, event: Parameters<typeof codeClaimLines>[1]): ClaimLine[] {
    return codeClaimLines(item, event, {
      documentationComplete: documentationComplete(),
      payerKind: state.context!.payerKind,
      ...(state.context!.oxygen ? { oxygen: state.context!.oxygen } : {}),
      ...(state.priorAuth.trackingNumber ? { priorAuthNumber: state.priorAuth.trackingNumber } : {}),
      diagnosisPointers: diagnosisPointers(),
      catalog: orderCatalog(),
    });
  }

  /**
   * Bills everything due today: purchases (once), and every rental month already due,
   * each month its own claim with its own span and modifiers (catch-up after a late
   * delivery record). Months past timely filing are recorded as lost, never billed.
   */
  async function billDueMonths() {
    const context = state.context!;
    const purchases = state.purchasesBilled ? [] : context.items.filter((item) => item.acquisition === 'purchase');
    const byMonth = new Map<string, { period: number; month: number; lines: ClaimLine[] }>();
    const lostLines: LostItemMonth[] = [];
    for (let index = 0; index < state.rentals.length; index++) {
      const rental = state.rentals[index];
      const item = context.items.find((candidate) => candidate.id === rental.itemId)!;
      for (const due of dueMonths(rental, today(), context.payer)) {
        if (due.status === 'lost') {
          lostLines.push({ hcpcs: item.hcpcs, month: due });
        } else {
          const key = `${due.period}:${due.month}:${due.serviceFrom}`;
          const group = byMonth.get(key) ?? { period: due.period, month: due.month, lines: [] };
          group.lines.push(...linesFor(item, due));
          byMonth.set(key, group);
        }
        state.rentals[index] = recordMonthBilled(state.rentals[index], due.month);
      }
    }
    const lost = lostRentalMonths(lostLines);
    if (lost.length > 0) {
      state.lostMonths.push(...lost);
      for (const month of lost) {
        await activities.recordAuditEvent({
          actor: 'system',
          action: 'rental.month-lost',
          entityType: 'order',
          entityId: orderId,
          detail: { period: month.period, month: month.month, serviceFrom: month.serviceFrom, hcpcs: month.hcpcs, reason: month.reason },
        });
      }
      await createTask('biller', 'rental-months-lost', lostRentalMonthsTaskTitle(lost));
    }
    const groups = [...byMonth.values()].sort((a, b) => a.period - b.period || a.month - b.month);
    if (purchases.length > 0) {
      const purchaseLines = purchases.flatMap((item) => linesFor(item, { kind: 'purchase', dateOfService: state.delivery!.deliveredOn }));
      // Purchases share the first claim with rental month 1 when both start on the delivery date.
      const first = groups.find((group) => group.month === 1 && group.lines[0]?.serviceFrom === state.delivery!.deliveredOn);
      if (first) first.lines.unshift(...purchaseLines);
      else groups.unshift({ period: 0, month: 0, lines: purchaseLines });
      state.purchasesBilled = true;
    }
    for (const group of groups) {
      if (group.lines.length === 0) continue;
      await fileClaim(group.lines, group.month > 0 ? { period: group.period, month: group.month } : undefined);
    }
  }

  async function codeAndSubmit() {
    await enterStage('coding');
    await enterStage('submission');
    await billDueMonths();
  }

  /** Rejected claims are fixed by staff (claimCorrected) and sent again as new claims. */
  async function resubmitCorrections() {
    while (state.pendingCorrections.length > 0) {
      const { claimId, user } = state.pendingCorrections.shift()!;
      const claim = state.claims.find((candidate) => candidate.claimId === claimId)!;
      const held = state.heldClaims[claimId];
      // The same service periods again; the order data (coverage, documents) is read fresh when it is built.
      let lines: ClaimLine[];
      let rental: { period: number; month: number } | undefined;
      if (held) {
        ({ lines, rental } = held);
      } else {
        const original = await activities.claimLinesOf(claimId);
        lines = original.lines;
        rental = original.rentalMonth ? { period: original.rentalPeriod ?? 1, month: original.rentalMonth } : undefined;
      }
      lines = lines.map((line) => ({ ...line, diagnosisPointers: diagnosisPointers() }));
      await activities.recordAuditEvent({ actor: user, action: 'claim.corrected', entityType: 'claim', entityId: claimId, detail: { orderId } });
      const before = state.claims.length;
      await fileClaim(lines, rental, held ? undefined : claimId);
      claim.correctedBy = state.claims[before]?.claimId;
      delete state.heldClaims[claimId];
    }
  }

  /**
   * Keeps history bounded. The switch waits until no claim of this run is still in
   * flight, so every claim workflow reports to a run that is open (the claims carry on
   * regardless: they are abandoned, not terminated, when the run closes); past four
   * times the limit it switches anyway.
   */
  async function continueAsNewIfLong() {
    const length = workflowInfo().historyLength;
    const inFlight = state.claims.some((claim) => claim.status === 'submitted');
    if (length <= historyLimit || (inFlight && length <= historyLimit * 4)) return;
    await condition(allHandlersFinished);
    await continueAsNew<typeof dmeOrderWorkflow>({ orderId, carried: state, historyLimit });
  }

  const awaitingFix = () => state.claims.some((claim) => claim.status === 'rejected' && !claim.correctedBy);

  async function applyRentalChanges() {
    while (state.pendingRentalChanges.length > 0) {
      const change = state.pendingRentalChanges.shift()!;
      const results = state.rentals.map((rental) => applyRentalChange(rental, change));
      const accepted = results.filter((result) => result.accepted);
      if (accepted.length === 0) {
        ignore('rentalChanged', change.user, results.map((result) => (result.accepted ? '' : result.reason)).filter(Boolean)[0] ?? 'not applicable');
        continue;
      }
      state.rentals = results.map((result) => result.state);
      await activities.recordAuditEvent({
        actor: change.user,
        action: `rental.${change.change}`,
        entityType: 'order',
        entityId: orderId,
        detail: { effectiveOn: change.effectiveOn, notes: accepted.map((result) => (result.accepted ? result.note : '')) },
      });
      if (change.change === 'purchase-option-offered') {
        await closeStaleTasks(staleTasks.purchaseOptionOffered, `the purchase-option offer of ${change.effectiveOn} was recorded`);
      }
    }
  }

  /** The monthly rhythm: bill each anniversary until every rented item is finished. */
  async function billRentalMonths() {
    await enterStage('rental');
    for (;;) {
      await applyRentalChanges();
      await resubmitCorrections();
      if (state.cancel && state.rentals.some((rental) => !rental.endedOn)) {
        // After a claim left, cancellation stops future months only: the rental ends today.
        const pickup: RentalChanged = { user: state.cancel.user, change: 'pickup', effectiveOn: today(), reason: state.cancel.reason };
        state.rentals = state.rentals.map((rental) => {
          if (rental.endedOn) return rental;
          const result = applyRentalChange(rental, pickup);
          return result.accepted ? result.state : { ...rental, endedOn: today() };
        });
        await activities.recordAuditEvent({
          actor: state.cancel.user,
          action: 'rental.stopped',
          entityType: 'order',
          entityId: orderId,
          detail: { reason: state.cancel.reason },
        });
      }
      // What the claims looked like when this pass decided: a claim reporting back during
      // any await below (a task, the stage record) must still wake the wait.
      const seen = claimsSignature(state);
      const events = state.rentals.map((rental) => nextRentalEvent(rental, today()));
      if (events.some((event) => event.kind === 'bill')) {
        await billDueMonths();
        continue;
      }
      if (events.every((event) => event.kind === 'finished')) return;

      await continueAsNewIfLong();
      const wakeDates = events.flatMap((event) =>
        event.kind === 'wait' || event.kind === 'furnishing-only' ? [event.kind === 'wait' ? event.until : addDays(event.until, 1)] : [],
      );
      const awaitingOffer = events.find((event) => event.kind === 'awaiting-purchase-option-offer');
      if (awaitingOffer && awaitingOffer.kind === 'awaiting-purchase-option-offer') {
        await createTask('biller', 'purchase-option-offer', `Record the month-10 purchase-option offer: ${awaitingOffer.reason}`);
      }
      const wakeMs = wakeDates.length ? Math.min(...wakeDates.map(untilDate)) : undefined;
      const blocked: BlockedOn | null = awaitingFix() ? 'claim-fix' : null;
      await setBlocked(blocked, wakeMs);
      // A claim reporting back also wakes the loop: a rejection blocks the order on claim-fix at once.
      await deadlines.waitUntil(
        () =>
          state.pendingRentalChanges.length > 0 ||
          state.pendingCorrections.length > 0 ||
          claimsSignature(state) !== seen ||
          (state.cancel !== null && state.rentals.some((rental) => !rental.endedOn)),
        wakeMs ?? followUpPolicyMaxWait,
      );
    }
  }

  /** Waits until every claim reached an outcome, fixing rejected ones on the way. */
  async function awaitReceivables() {
    await enterStage('receivables');
    for (;;) {
      await resubmitCorrections();
      // Taken before the awaits below, so a claim settling during them is never folded into it.
      const seen = claimsSignature(state);
      if (state.claims.every((claim) => isSettled(claim.status) || (claim.status === 'rejected' && claim.correctedBy))) return;
      await continueAsNewIfLong();
      await setBlocked(awaitingFix() ? 'claim-fix' : 'remittance');
      await condition(() => state.pendingCorrections.length > 0 || claimsSignature(state) !== seen);
    }
  }

  // ---- the order, read aloud ----

  try {
    if (!state.context) {
      state.context = await activities.loadOrderContext(orderId);
      upsertSearchAttributes([
        { key: DmePayer, value: state.context.payerId },
        { key: DmeHcpcs, value: [...new Set(state.context.items.map((item) => item.hcpcs))] },
      ]);
    }
    const reached = (stage: OrderStage) => orderStages.indexOf(state.stage) > orderStages.indexOf(stage);
    if (!reached('documentation')) await collectDocuments();
    if (!reached('eligibility')) await verifyEligibility();
    if (!reached('prior-auth')) await obtainPriorAuth();
    if (!reached('delivery')) await awaitDelivery();
    if (!reached('submission')) await codeAndSubmit();
    if (state.rentals.length > 0 && !reached('rental')) await billRentalMonths();
    await awaitReceivables();
    await enterStage('closed');
    await condition(allHandlersFinished);
    return { orderId, stage: 'closed', claims: state.claims.length };
  } catch (error) {
    if (!(error instanceof OrderCancelled)) throw error;
    const reason = state.cancel?.reason ?? 'cancelled';
    await enterStage('cancelled');
    await closeStaleTasks(closableTaskKinds, 'the order was cancelled');
    await activities.recordAuditEvent({
      actor: state.cancel?.user ?? 'system',
      action: 'order.cancelled',
      entityType: 'order',
      entityId: orderId,
      detail: { reason },
    });
    await condition(allHandlersFinished);
    return { orderId, stage: 'cancelled', claims: state.claims.length, reason };
  }
}

/** With nothing scheduled (e.g. on hold) the rental loop still wakes once a month to re-check. */
const followUpPolicyMaxWait = 30 * 86_400_000;

function outstandingDocuments(state: OrderState): string {
  return state.documents
    .filter((document) => document.status !== 'approved')
    .map((document) => `${document.kind} (${document.status})`)
    .join(', ');
}

function currentRentalMonth(state: OrderState): number | null {
  const months = state.claims.map((claim) => claim.rentalMonth ?? 0);
  const month = months.length ? Math.max(...months) : 0;
  return month > 0 ? month : null;
}

function claimsSignature(state: OrderState): string {
  return state.claims.map((claim) => `${claim.claimId}:${claim.status}:${claim.correctedBy ?? ''}`).join('|');
}

function statusView(state: OrderState): OrderStatus {
  const nextBilling = state.rentals
    .map((rental) => nextRentalEvent(rental, '9999-12-31'))
    .flatMap((event) => (event.kind === 'bill' || event.kind === 'wait' ? [event.month.serviceFrom] : []))
    .sort()[0];
  return {
    orderId: state.orderId,
    stage: state.stage,
    blockedOn: state.blockedOn,
    nextFollowUpAt: state.followUpAt,
    documents: state.documents,
    eligibility: state.eligibility,
    priorAuth: {
      required: state.priorAuth.required,
      status: state.priorAuth.status,
      ...(state.priorAuth.trackingNumber ? { trackingNumber: state.priorAuth.trackingNumber } : {}),
      ...(state.priorAuth.expiresOn ? { expiresOn: state.priorAuth.expiresOn } : {}),
    },
    delivery: state.delivery ? { deliveredOn: state.delivery.deliveredOn } : null,
    claims: state.claims.map(({ claimId, claimNumber, serviceFrom, serviceTo, rentalMonth, status }) => ({
      claimId,
      claimNumber,
      serviceFrom,
      serviceTo,
      ...(rentalMonth ? { rentalMonth } : {}),
      status,
    })),
    rental: state.rentals.length
      ? {
          month: currentRentalMonth(state),
          period: Math.max(...state.rentals.map((rental) => rental.period)),
          status: state.rentals.every((rental) => rental.endedOn || nextRentalEvent(rental, '9999-12-31').kind === 'finished')
            ? 'finished'
            : state.rentals.some((rental) => rental.hold)
              ? 'on-hold'
              : 'billing',
          nextBillingDate: nextBilling ?? null,
          lostMonths: state.lostMonths.length,
        }
      : null,
    ignoredSignals: state.ignoredSignals,
    ...(state.cancel ? { cancelReason: state.cancel.reason } : {}),
  };
}

/** A short summary for the Web UI (markdown, no PHI). */
function detailsMarkdown(state: OrderState): string {
  const lines = [`**Stage:** ${state.stage}${state.blockedOn ? ` — waiting for **${state.blockedOn}**` : ''}`];
  if (state.followUpAt) lines.push(`**Next follow-up:** ${state.followUpAt}`);
  const missing = state.documents.filter((document) => document.status !== 'approved');
  if (missing.length) lines.push(`**Documents:** ${missing.map((document) => `${document.kind} (${document.status})`).join(', ')}`);
  if (state.priorAuth.required) lines.push(`**Prior auth:** ${state.priorAuth.status}`);
  if (state.delivery) lines.push(`**Delivered:** ${state.delivery.deliveredOn}`);
  if (state.claims.length) {
    lines.push(
      `**Claims:** ${state.claims.length} (${state.claims.filter((claim) => claim.status === 'rejected' && !claim.correctedBy).length} to fix)`,
    );
  }
  const month = currentRentalMonth(state);
  if (month) lines.push(`**Rental month:** ${month}`);
  return lines.join('\n\n');
}
