/**
 * Signals and queries of the order and claim workflows: one name, one place. The API,
 * the tests and the workflows import these constants; the Web UI and the `temporal`
 * CLI use the same names (e.g. `temporal workflow signal --name deliveryConfirmed`).
 *
 * Every signal carries the acting user. Payloads are plain JSON; dates are
 * `YYYY-MM-DD`, money is cents. No signal payload is ever logged.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DocumentKind } from '../domain/types';

export const ORDER_TASK_QUEUE = 'dme-orders';
export const orderWorkflowId = (orderId: string) => `order-${orderId}`;
export const claimWorkflowId = (claimId: string) => `claim-${claimId}`;

export const orderStages = [
  'documentation',
  'eligibility',
  'prior-auth',
  'delivery',
  'coding',
  'submission',
  'rental',
  'receivables',
  'closed',
  'cancelled',
] as const;
export type OrderStage = (typeof orderStages)[number];

export const blockers = ['documents', 'coverage', 'prior-auth', 'delivery', 'claim-fix', 'remittance'] as const;
export type BlockedOn = (typeof blockers)[number];

interface Acting {
  /** The staff user (or system) acting; recorded in the audit trail. */
  user: string;
}

export interface DocumentReceived extends Acting {
  documentId: string;
  kind: DocumentKind;
}
export interface DocumentReviewed extends Acting {
  documentId: string;
  decision: 'approved' | 'rejected';
  reason?: string;
}
export interface CoverageUpdated extends Acting {
  coverageId: string;
}
export interface PriorAuthDecided extends Acting {
  decision: 'affirmed' | 'non-affirmed';
  /** The 14-character unique tracking number (affirmed). */
  trackingNumber?: string;
  /** Last day the affirmation is valid (affirmed). */
  expiresOn?: string;
  reason?: string;
  /** After a non-affirmation: resubmit with more documentation, or cancel the order. */
  next?: 'resubmit' | 'cancel';
}
/**
 * The proof of delivery itself (signer, relationship, address) is stored by the API;
 * the signal carries only the date and the serial numbers, so no PHI enters history.
 */
export interface DeliveryConfirmed extends Acting {
  deliveredOn: string;
  /** Serial numbers by order item id. */
  serialNumbers: Record<string, string[]>;
}
export interface RentalChanged extends Acting {
  /** `purchase-option-offered`: the month-10 offer of a capped rental was made (payer flag). */
  change: 'hold' | 'resume' | 'pickup' | 'purchase-option-offered';
  /** The day the change took effect. */
  effectiveOn: string;
  reason?: string;
  /** A hold for an inpatient stay (its anniversary moves to discharge). */
  inpatient?: boolean;
  /** On resume after a long break: a new order and documentation start a new period. */
  newMedicalNeed?: boolean;
}
export interface ClaimCorrected extends Acting {
  /** The rejected claim the staff fixed (its order data was corrected first). */
  claimId: string;
  note?: string;
}
export interface CancelOrder extends Acting {
  reason: string;
}
export interface RemittancePosted extends Acting {
  claimId: string;
  outcome: 'paid' | 'partially-paid' | 'denied' | 'reversed';
  paidAmount: number;
  /** The 835 it came in (payer + trace number identify a remittance). */
  remittanceId: string;
}

/** The clearinghouse's answer to a claim: 999 and 277CA, accepted or rejected at the front end. */
export interface ClaimAcknowledged extends Acting {
  claimId: string;
  accepted: boolean;
  /** For a rejection: the 999/277CA codes and their meaning, for the biller. */
  reason?: string;
}

/** A claim workflow tells its order it reached an outcome. */
export interface ClaimSettled {
  claimId: string;
  outcome: 'rejected' | 'paid' | 'partially-paid' | 'denied' | 'reversed' | 'closed';
  reason?: string;
}

export const documentReceived = defineSignal<[DocumentReceived]>('documentReceived');
export const documentReviewed = defineSignal<[DocumentReviewed]>('documentReviewed');
export const coverageUpdated = defineSignal<[CoverageUpdated]>('coverageUpdated');
export const priorAuthDecided = defineSignal<[PriorAuthDecided]>('priorAuthDecided');
export const deliveryConfirmed = defineSignal<[DeliveryConfirmed]>('deliveryConfirmed');
export const rentalChanged = defineSignal<[RentalChanged]>('rentalChanged');
export const claimCorrected = defineSignal<[ClaimCorrected]>('claimCorrected');
export const cancelOrder = defineSignal<[CancelOrder]>('cancelOrder');
/** Sent to a claimWorkflow when a remittance for it was posted. */
export const remittancePosted = defineSignal<[RemittancePosted]>('remittancePosted');
/** Sent to a claimWorkflow when its 999/277CA arrived. */
export const claimAcknowledged = defineSignal<[ClaimAcknowledged]>('claimAcknowledged');
/** Sent by a claimWorkflow to its order workflow. */
export const claimSettled = defineSignal<[ClaimSettled]>('claimSettled');
/** Wakes the mailbox workflow (a claim was just sent, so answers will come). */
export const checkMailbox = defineSignal<[]>('checkMailbox');

export const MAILBOX_WORKFLOW_ID = 'clearinghouse-mailbox';

export interface DocumentState {
  kind: DocumentKind;
  /** Why it is required (policy). */
  reason: string;
  status: 'missing' | 'received' | 'approved' | 'rejected';
  documentId?: string;
  rejectReason?: string;
}

export interface ClaimSummary {
  claimId: string;
  claimNumber: string;
  serviceFrom: string;
  serviceTo: string;
  rentalMonth?: number;
  status: string;
}

/** A signal that was ignored, kept so operators see what was sent and why it did nothing. */
export interface IgnoredSignal {
  signal: string;
  user: string;
  reason: string;
  at: string;
}

export interface OrderStatus {
  orderId: string;
  stage: OrderStage;
  blockedOn: BlockedOn | null;
  nextFollowUpAt: string | null;
  documents: DocumentState[];
  eligibility: { active: boolean; coversDme: boolean; checkedAt: string } | null;
  priorAuth: {
    required: boolean;
    status: 'not-required' | 'requested' | 'affirmed' | 'non-affirmed' | 'expired';
    trackingNumber?: string;
    expiresOn?: string;
  };
  delivery: { deliveredOn: string } | null;
  claims: ClaimSummary[];
  rental: { month: number | null; period: number; status: string; nextBillingDate: string | null; lostMonths: number } | null;
  ignoredSignals: IgnoredSignal[];
  cancelReason?: string;
}

export const orderStatus = defineQuery<OrderStatus>('orderStatus');

export interface ClaimWorkflowStatus {
  claimId: string;
  status: string;
  statusInquiries: number;
  nextFollowUpAt: string | null;
}
export const claimStatus = defineQuery<ClaimWorkflowStatus>('claimStatus');
