/**
 * What the order carries across `continueAsNew` (plain JSON only) and what the stages read
 * of it. Nothing here runs a command: every function is a plain read of the state.
 */
import type { OrderContext } from '../../activities/orders';
import { type Catalog, catalogFromSnapshot, defaultCatalog } from '../../domain/catalog';
import type { LostRentalMonth } from '../../domain/lost-rental-months';
import type { RentalState } from '../../domain/rental';
import type { ClaimLine } from '../../domain/types';
import type {
  BlockedOn,
  ClaimSummary,
  DocumentState,
  IgnoredSignal,
  OrderStage,
  OrderStatus,
  RentalChanged,
  SystemErrorChanged,
} from '../definitions';

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
  /** Activities (the order's or its claims') that keep failing, by their task key; absent in states carried from before. */
  systemErrors?: Record<string, { code: string; activityType: string; workflowId: string }>;
  /** Numbers the status snapshots recorded in the database (`orders.status_version`); absent in states carried from before. */
  statusVersion?: number;
}

export function initialOrderState(orderId: string): OrderState {
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

/** The catalog entries the order loaded with its context; the shipped catalog for contexts loaded before they were carried. */
export function carriedCatalog(context: OrderContext): Catalog {
  return context.catalog ? catalogFromSnapshot(context.catalog) : defaultCatalog;
}

/** The catalog of an order whose context is loaded (every stage's). */
export const orderCatalog = (state: OrderState): Catalog => carriedCatalog(state.context!);

const claimSent = (state: OrderState) => state.claims.length > 0;

/** Before any claim left, a cancellation ends the order; after, it only stops future rental months. */
export const cancelRequested = (state: OrderState) => state.cancel !== null && !claimSent(state);

/** A claim came back rejected and staff have not sent its correction yet. */
export const awaitingFix = (state: OrderState) => state.claims.some((claim) => claim.status === 'rejected' && !claim.correctedBy);

export const documentationComplete = (state: OrderState) => state.documents.every((document) => document.status === 'approved');

export function outstandingDocuments(state: OrderState): string {
  return state.documents
    .filter((document) => document.status !== 'approved')
    .map((document) => `${document.kind} (${document.status})`)
    .join(', ');
}

export function currentRentalMonth(state: OrderState): number | null {
  const months = state.claims.map((claim) => claim.rentalMonth ?? 0);
  const month = months.length ? Math.max(...months) : 0;
  return month > 0 ? month : null;
}

/** The oldest activity still failing, if any: what the order shows as its system error. */
export function currentSystemError(state: OrderState): { code: string; activityType: string; workflowId: string; taskKey: string } | null {
  const [entry] = Object.entries(state.systemErrors ?? {});
  return entry ? { ...entry[1], taskKey: entry[0] } : null;
}

/** The blocker staff see: a system error overlays what the stage waits for. */
export const shownBlocker = (state: OrderState): BlockedOn | null => (currentSystemError(state) ? 'system-error' : state.blockedOn);

/** Records what the stuck-work boundary reported. */
export function recordSystemError(state: OrderState, change: SystemErrorChanged): void {
  const errors = { ...(state.systemErrors ?? {}) };
  if (change.raised) errors[change.taskKey] = { code: change.code ?? 'INTERNAL', activityType: change.activityType, workflowId: change.workflowId };
  else delete errors[change.taskKey];
  state.systemErrors = errors;
}

/** Changes whenever a claim reports back: a wait that saw one signature wakes when it moves. */
export function claimsSignature(state: OrderState): string {
  return state.claims.map((claim) => `${claim.claimId}:${claim.status}:${claim.correctedBy ?? ''}`).join('|');
}
