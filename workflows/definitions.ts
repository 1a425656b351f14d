/**
 * Updates, signals and queries of the order, claim, credit-balance and patient-statement
 * workflows: one name, one place. The API, the tests and the workflows import these constants; the
 * Web UI and the `temporal` CLI use the same names
 * (`temporal workflow update execute --name deliveryConfirmed …`).
 *
 * Staff commands are Updates: a validator refuses what does not apply (the rule lives
 * in domain/order-commands.ts or domain/claim-commands.ts) with a `CommandRefused`
 * failure, so a refused command never enters history; an accepted one answers with the
 * workflow's new status. Signals are the system's messages (claim settled, remittance
 * posted, mailbox wake-ups). Every command carries the acting user. Payloads are plain
 * JSON; dates are `YYYY-MM-DD`, money is cents. No payload is ever logged.
 */
import { ApplicationFailure, defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { PayerLevel } from '../domain/coordination';
import type { AppealLevel } from '../domain/denials';
import type { CommandRefusal } from '../domain/order-commands';
import type { ClaimOutcome, ClaimStatus } from '../domain/claim-statuses';
import { orderStages, type BlockedOn, type OrderStage } from '../domain/order-stages';
import type { CaregiverRelationship } from '../domain/resupply';
import type { DocumentKind } from '../domain/types';

export { orderStages, type BlockedOn, type OrderStage };

export const ORDER_TASK_QUEUE = 'dme-orders';
export const orderWorkflowId = (orderId: string) => `order-${orderId}`;
export const claimWorkflowId = (claimId: string) => `claim-${claimId}`;
export const creditBalanceWorkflowId = (creditBalanceId: string) => `credit-balance-${creditBalanceId}`;
/**
 * One remittanceWorkflow per remittance, named by TRN03 + TRN02 (payer and trace number,
 * never PHI), so the same 835 uploaded twice or also collected from the mailbox posts
 * once. Characters outside letters, digits and dots are written as ~ and four hex
 * digits, which keeps the id readable and two different remittances apart.
 */
export const remittanceWorkflowId = (payerIdentifier: string, traceNumber: string) =>
  `remittance-${safeIdPart(payerIdentifier)}-${safeIdPart(traceNumber)}`;
const safeIdPart = (part: string) => part.replace(/[^A-Za-z0-9.]/g, (char) => `~${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

interface Acting {
  /** The staff user (or system) acting; recorded in the audit trail. */
  user: string;
}

export interface DocumentReceived extends Acting {
  /** Chosen by the sender (the API: a fresh UUID), so a retried command names the same row. */
  documentId: string;
  kind: DocumentKind;
  /** Where the document is kept (document-management reference or file name), never its content. */
  reference: string;
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
 * The delivery with its proof: the workflow's activity stores the proof once the
 * command is accepted, so only the delivery the claims bill from is ever stored. The
 * signer's name is in the payload (the payload codec encrypts it; DESIGN.md).
 */
export interface DeliveryConfirmed extends Acting {
  deliveredOn: string;
  /** Who signed the proof of delivery. */
  signedBy: string;
  /** The signer's relationship to the patient (self, daughter, caregiver…). */
  relationship: string;
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
  /** The level of the payer whose 835 this was (DOMAIN.md §15); absent in signals sent before coordination of benefits: primary. */
  level?: PayerLevel;
  /** That payer forwarded the claim to the next payer itself (crossover): wait for the next payer's 835, send it no 837P. */
  crossover?: boolean;
  /** The claim's next payer, now owing this payer's PR; absent when the PR is the patient's. */
  nextLevel?: PayerLevel;
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
  outcome: ClaimOutcome;
  reason?: string;
}

/** Staff filed the reopening or appeal the claim waits for (DOMAIN.md §12). */
export interface AppealFiled extends Acting {
  claimId: string;
  /** The appeal the claim workflow opened (GET /claims/:id shows it). */
  appealId: string;
  level: AppealLevel;
  filedOn: string;
  /** The contractor's appeal or correspondence number. */
  reference?: string;
}

/** The contractor decided a filed reopening or appeal. */
export interface AppealDecided extends Acting {
  claimId: string;
  appealId: string;
  decision: 'won' | 'lost';
  decidedOn: string;
  /** Lost: appeal at the next level (its deadline counts from this decision) or write the balance off. */
  next?: 'next-level' | 'write-off';
  reason?: string;
}

/** How staff resolved a credit balance (DOMAIN.md §13). */
export interface CreditBalanceResolved extends Acting {
  creditBalanceId: string;
  resolution: 'refund-to-payer' | 'refund-to-patient' | 'apply-to-balance';
  /** Refund check or EFT number. */
  reference?: string;
  /** Apply-to-balance: the patient's claim whose open balance receives the credit. */
  targetClaimId?: string;
  /** Apply-to-balance: the patient consented (required). */
  consent?: boolean;
}

/** Sent to a claimWorkflow when a remittance for it was posted. */
export const remittancePosted = defineSignal<[RemittancePosted]>('remittancePosted');
/** Sent to a claimWorkflow when its 999/277CA arrived. */
export const claimAcknowledged = defineSignal<[ClaimAcknowledged]>('claimAcknowledged');
/** Sent by a claimWorkflow to its order workflow. */
export const claimSettled = defineSignal<[ClaimSettled]>('claimSettled');
/**
 * Sent to an order workflow by the worker's stuck-work boundary (activities/stuck-work.ts):
 * one of its activities, or one of its claims', keeps failing (`raised`), or has recovered.
 * Codes and ids only.
 */
export interface SystemErrorChanged {
  /** The biller task opened for it; the key the order tracks it by. */
  taskKey: string;
  raised: boolean;
  /** The failure code (failures.ts) when raised. */
  code?: string;
  activityType: string;
  workflowId: string;
  attempt: number;
}
export const systemErrorChanged = defineSignal<[SystemErrorChanged]>('systemErrorChanged');
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
  status: ClaimStatus;
}

/** An accepted rental change the rental loop could not apply after all (the order changed in between), kept so operators see why it did nothing. */
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
  /** An activity of the order (or of its claims) that keeps failing; `blockedOn` is 'system-error' while there is one. */
  systemError: { code: string; activityType: string; workflowId: string; taskKey: string } | null;
}

export const orderStatus = defineQuery<OrderStatus>('orderStatus');

export const documentReceived = defineUpdate<OrderStatus, [DocumentReceived]>('documentReceived');
export const documentReviewed = defineUpdate<OrderStatus, [DocumentReviewed]>('documentReviewed');
export const coverageUpdated = defineUpdate<OrderStatus, [CoverageUpdated]>('coverageUpdated');
export const priorAuthDecided = defineUpdate<OrderStatus, [PriorAuthDecided]>('priorAuthDecided');
export const deliveryConfirmed = defineUpdate<OrderStatus, [DeliveryConfirmed]>('deliveryConfirmed');
export const rentalChanged = defineUpdate<OrderStatus, [RentalChanged]>('rentalChanged');
export const claimCorrected = defineUpdate<OrderStatus, [ClaimCorrected]>('claimCorrected');
export const cancelOrder = defineUpdate<OrderStatus, [CancelOrder]>('cancelOrder');

/** The failure type of a refused command; its details are `[{ status, field? }]` (domain/order-commands.ts). */
export const COMMAND_REFUSED = 'CommandRefused';
export interface CommandRefusedDetails {
  status: CommandRefusal['status'];
  field?: string;
}

/** What a validator (or a handler re-checking) throws for a refusal: the API answers it with its status. */
export function commandRefused(refusal: CommandRefusal): ApplicationFailure {
  const details: CommandRefusedDetails = { status: refusal.status, ...(refusal.field ? { field: refusal.field } : {}) };
  return ApplicationFailure.create({ type: COMMAND_REFUSED, message: refusal.message, details: [details], nonRetryable: true });
}

/** A validator's (and a handler's re-check's) one line: a refusal is thrown, nothing else happens. */
export function refuseIf(refusal: CommandRefusal | undefined): void {
  if (refusal) throw commandRefused(refusal);
}

export interface ClaimWorkflowStatus {
  claimId: string;
  status: string;
  statusInquiries: number;
  nextFollowUpAt: string | null;
  /** The reopening or appeal under way, if any. */
  appeal: { appealId: string; level: AppealLevel; status: 'due' | 'filed'; deadlineOn: string } | null;
  /** The claim's final state once reached (claims.resolution). */
  resolution: string | null;
  /** The payer the claim is with: primary, then secondary and tertiary as it goes on (absent on claims started before). */
  payerLevel?: 'primary' | 'secondary' | 'tertiary';
}
export const claimStatus = defineQuery<ClaimWorkflowStatus>('claimStatus');
/** Staff filed the claim's reopening or appeal. */
export const appealFiled = defineUpdate<ClaimWorkflowStatus, [AppealFiled]>('appealFiled');
/** The contractor's decision on the claim's reopening or appeal. */
export const appealDecided = defineUpdate<ClaimWorkflowStatus, [AppealDecided]>('appealDecided');

export interface CreditBalanceWorkflowStatus {
  creditBalanceId: string;
  status: 'open' | 'resolved';
  deadlineOn: string | null;
  nextFollowUpAt: string | null;
  escalated: boolean;
}
export const creditBalanceStatus = defineQuery<CreditBalanceWorkflowStatus>('creditBalanceStatus');
/** Staff refunded or applied the credit. */
export const creditBalanceResolved = defineUpdate<CreditBalanceWorkflowStatus, [CreditBalanceResolved]>('creditBalanceResolved');

/**
 * One statement account per patient (DOMAIN.md §15): `patient-statements-<patientId>`, the
 * patient's UUID (never PHI). Started by the first balance billed to the patient
 * (signal-with-start), closed when nothing is owed; the next balance starts a new run.
 */
export const patientStatementsWorkflowId = (patientId: string) => `patient-statements-${patientId}`;

/** A claim's patient share, after its last payer and the write-offs, joins the patient's statements. */
export interface PatientShareBilled {
  claimId: string;
}
export const patientShareBilled = defineSignal<[PatientShareBilled]>('patientShareBilled');

/** A patient's payment was recorded on one of their claims: the account reads its balances again. */
export interface PatientPaymentRecorded {
  claimId: string;
}
export const patientPaymentRecorded = defineSignal<[PatientPaymentRecorded]>('patientPaymentRecorded');

export interface PatientStatementsStatus {
  patientId: string;
  statementsSent: number;
  lastStatementOn: string | null;
  /** When the account looks again (the next statement or final notice due), if it waits. */
  nextStepOn: string | null;
  balances: Array<{ claimId: string; statements: number }>;
}
export const patientStatementsStatus = defineQuery<PatientStatementsStatus>('patientStatementsStatus');

/**
 * One resupply plan per patient and device's supplies: `resupply-<planId>` (a UUID, never
 * PHI). Staff commands are Updates like the order's; the rule lives in domain/resupply.ts.
 */
export const resupplyWorkflowId = (planId: string) => `resupply-${planId}`;

/** The refill record (PIM ch. 5 §5.2.6): who asked, how, and per item what remains or whether it works. */
export interface RefillConfirmed extends Acting {
  cycle: number;
  answeredBy: 'patient' | 'caregiver';
  caregiverRelationship?: CaregiverRelationship;
  channel: 'phone' | 'sms' | 'email' | 'in-person' | 'portal';
  /** When the patient answered, if not today (an answer typed in after the call). */
  answeredOn?: string;
  items: Array<{
    hcpcs: string;
    needed: boolean;
    quantityOnHand?: number;
    condition?: 'functional' | 'worn' | 'damaged';
    quantity?: number;
  }>;
}
/** A hospital stay or the patient's request holds outreach; `until` resumes it by itself. */
export interface ResupplyHeld extends Acting {
  reason: 'inpatient-stay' | 'patient-request' | 'other';
  until?: string;
}
export interface ResupplyStopped extends Acting {
  reason: 'patient-request' | 'no-longer-needed' | 'other';
}
/** The patient asked for no more messages: from now on outreach is a call by staff. */
export type ResupplyOptedOut = Acting;
export type ResupplyResumed = Acting;

export interface ResupplyStatus {
  planId: string;
  status: 'active' | 'paused' | 'held' | 'stopped';
  reason: string | null;
  optedOut: boolean;
  cyclesCompleted: number;
  cycle: {
    cycle: number;
    phase: 'waiting' | 'outreach' | 'paused' | 'ordered';
    dueOn: string;
    contactOpensOn: string;
    earliestShipOn: string;
    hcpcs: string[];
    attempts: number;
    orderId: string | null;
  } | null;
  items: Array<{ hcpcs: string; endOfUseOn: string }>;
  heldUntil: string | null;
}
export const resupplyStatus = defineQuery<ResupplyStatus>('resupplyStatus');
export const refillConfirmed = defineUpdate<ResupplyStatus, [RefillConfirmed]>('refillConfirmed');
export const resupplyHeld = defineUpdate<ResupplyStatus, [ResupplyHeld]>('resupplyHeld');
export const resupplyResumed = defineUpdate<ResupplyStatus, [ResupplyResumed]>('resupplyResumed');
export const resupplyStopped = defineUpdate<ResupplyStatus, [ResupplyStopped]>('resupplyStopped');
export const resupplyOptedOut = defineUpdate<ResupplyStatus, [ResupplyOptedOut]>('resupplyOptedOut');
/** The device the plan serves was picked up or its rental ended without purchase (sent by the order). */
export const resupplyDeviceEnded = defineSignal<[{ orderId: string; reason: 'picked-up' | 'rental-ended' }]>('resupplyDeviceEnded');
