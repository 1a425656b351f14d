/**
 * Whether a staff command can be applied to an order now: one rule per command, used
 * by the order workflow's Update validators (so a refused command is answered at once
 * and never enters history) and again by the handler where an earlier command may
 * have changed the order in between. Each rule answers `undefined` (accept) or a
 * refusal: 409 when the order is not at a point where the command applies (not now,
 * already done), 422 when the command's content breaks a rule, 404 when it names
 * something the order does not have. Messages carry ids, codes and dates only, never PHI.
 */
import { isAfter, isBefore } from './calendar';
import type { Catalog } from './catalog';
import { documentLabels } from './documentation';
import type { OrderStage } from './order-stages';
import { affirmationExpiryProblem, isUniqueTrackingNumber } from './prior-auth';
import { refillDeliveryRefusal } from './resupply';
import { applyHold, applyPickup, applyResume, recordPurchaseOptionOffer, type RentalChange, type RentalState } from './rental';
import type { DocumentKind } from './types';

export interface CommandRefusal {
  status: 404 | 409 | 422;
  /** The request field the refusal is about, when it is about one. */
  field?: string;
  message: string;
}

/** What the rules read of an order: the workflow's state as of the command. */
export interface OrderCommandView {
  /** The workflow clock's calendar date. */
  today: string;
  stage: OrderStage;
  cancelRequested: boolean;
  orderDate: string;
  itemIds: string[];
  hasRentedItem: boolean;
  /** HCPCS of the items on the payer's prior-authorization list. */
  priorAuthHcpcs: string[];
  /** The catalog entries the order carries (issue 14.3): an affirmation's longest validity is read from them. */
  catalog: Catalog;
  documents: ReadonlyArray<{ kind: DocumentKind; status: 'missing' | 'received' | 'approved' | 'rejected'; documentId?: string }>;
  priorAuthStatus: 'not-required' | 'requested' | 'affirmed' | 'non-affirmed' | 'expired';
  deliveredOn: string | null;
  claims: ReadonlyArray<{ claimId: string; status: string; rentalMonth?: number; serviceFrom: string; correctedBy?: string }>;
  pendingCorrections: readonly string[];
  rentals: readonly RentalState[];
  /** Rental changes accepted but not yet applied by the rental loop, oldest first. */
  pendingRentalChanges: readonly RentalCommand[];
  /** A refill of a resupply plan: the delivery window its confirmation left (domain/resupply.ts). */
  refillWindow?: { shipNotBefore: string; shipBy: string };
}

export interface RentalCommand {
  change: 'hold' | 'resume' | 'pickup' | 'purchase-option-offered';
  effectiveOn: string;
  inpatient?: boolean;
  newMedicalNeed?: boolean;
}

const conflict = (message: string): CommandRefusal => ({ status: 409, message });
const broken = (field: string, message: string): CommandRefusal => ({ status: 422, field, message });

function closedRefusal(view: OrderCommandView): CommandRefusal | undefined {
  if (view.stage === 'closed' || view.stage === 'cancelled') return conflict(`the order is ${view.stage}`);
  return undefined;
}

/**
 * The refusal of a document sent before the order has worked out which it needs (its first
 * activity, a moment after intake): the API waits it out rather than answer it (api/routes/order-signals.ts).
 */
export const documentsNotKnownYet = 'the order is still working out which documents it needs; try again in a moment';

export function documentReceivedRefusal(view: OrderCommandView, command: { documentId: string; kind: DocumentKind }): CommandRefusal | undefined {
  const closed = closedRefusal(view);
  if (closed) return closed;
  if (view.documents.length === 0) return conflict(documentsNotKnownYet);
  const wanted = view.documents.find((document) => document.kind === command.kind);
  if (!wanted) {
    return broken(
      'kind',
      `the order does not need a ${documentLabels[command.kind]}; it needs: ${view.documents.map((document) => document.kind).join(', ')}`,
    );
  }
  if (view.documents.some((document) => document.documentId === command.documentId))
    return conflict(`document ${command.documentId} was already received`);
  if (wanted.status === 'approved') return conflict(`the ${documentLabels[command.kind]} is already approved`);
  if (wanted.status === 'received')
    return conflict(`the ${documentLabels[command.kind]} (document ${wanted.documentId}) is waiting for review: review it first`);
  return undefined;
}

export function documentReviewRefusal(
  view: OrderCommandView,
  command: { documentId: string; decision: 'approved' | 'rejected'; reason?: string },
): CommandRefusal | undefined {
  const closed = closedRefusal(view);
  if (closed) return closed;
  const document = view.documents.find((candidate) => candidate.documentId === command.documentId);
  if (!document) return conflict(`document ${command.documentId} is not one the order is waiting on (a later one replaced it)`);
  if (document.status !== 'received') return conflict(`document ${command.documentId} is ${document.status}, not waiting for review`);
  if (command.decision === 'rejected' && !command.reason) return broken('reason', 'is required when the document is rejected');
  return undefined;
}

/** Whose coverage it is and which DME MAC it names are checked against the database (API, activity); here: only whether the order is open. */
export function coverageUpdateRefusal(view: OrderCommandView): CommandRefusal | undefined {
  return closedRefusal(view);
}

export function priorAuthDecisionRefusal(
  view: OrderCommandView,
  command: { decision: 'affirmed' | 'non-affirmed'; trackingNumber?: string; expiresOn?: string; reason?: string; next?: 'resubmit' | 'cancel' },
): CommandRefusal | undefined {
  const closed = closedRefusal(view);
  if (closed) return closed;
  if (view.priorAuthStatus !== 'requested')
    return conflict(`the order has no prior-authorization request waiting for a decision (status ${view.priorAuthStatus})`);
  if (command.decision === 'non-affirmed') {
    if (!command.reason) return broken('reason', 'a non-affirmation needs its reason');
    if (!command.next) return broken('next', 'a non-affirmation needs what happens next: resubmit or cancel');
    return undefined;
  }
  if (!command.trackingNumber || !isUniqueTrackingNumber(command.trackingNumber)) {
    return broken('trackingNumber', 'an affirmation needs its unique tracking number: 14 letters or digits');
  }
  if (!command.expiresOn) return broken('expiresOn', 'an affirmation needs the last day it is valid');
  if (isBefore(command.expiresOn, view.today)) return broken('expiresOn', 'the affirmation has already expired');
  // The decision is recorded the day it is made: its validity counts from that day.
  const tooLate = affirmationExpiryProblem({ expiresOn: command.expiresOn, decidedOn: view.today, hcpcs: view.priorAuthHcpcs }, view.catalog);
  return tooLate ? broken('expiresOn', tooLate) : undefined;
}

export function deliveryRefusal(
  view: OrderCommandView,
  command: { deliveredOn: string; serialNumbers: Readonly<Record<string, readonly string[]>> },
): CommandRefusal | undefined {
  if (view.deliveredOn) return conflict(`the order was already delivered on ${view.deliveredOn}`);
  if (view.stage !== 'delivery') return conflict(`the order is in ${view.stage}, not waiting for delivery`);
  if (isAfter(command.deliveredOn, view.today)) return broken('deliveredOn', 'must not be in the future');
  if (isBefore(command.deliveredOn, view.orderDate)) return broken('deliveredOn', `must not be before the order date ${view.orderDate}`);
  const unknown = Object.keys(command.serialNumbers).find((itemId) => !view.itemIds.includes(itemId));
  if (unknown) return broken(`serialNumbers.${unknown}`, 'is not an item of this order');
  return view.refillWindow ? refillDeliveryRefusal(view.refillWindow, command.deliveredOn) : undefined;
}

/** One rented item's rental after a change (domain/rental.ts decides whether it applies). */
export function applyRentalChange(rental: RentalState, change: RentalCommand): RentalChange {
  switch (change.change) {
    case 'hold':
      return applyHold(rental, { from: change.effectiveOn, reason: change.inpatient ? 'inpatient' : 'break-in-need' });
    case 'resume':
      return applyResume(rental, { on: change.effectiveOn, ...(change.newMedicalNeed ? { newOrder: true } : {}) });
    case 'pickup':
      return applyPickup(rental, { on: change.effectiveOn });
    case 'purchase-option-offered':
      return recordPurchaseOptionOffer(rental, { on: change.effectiveOn });
  }
}

export function rentalChangeRefusal(view: OrderCommandView, change: RentalCommand): CommandRefusal | undefined {
  const closed = closedRefusal(view);
  if (closed) return closed;
  // Before delivery the workflow may not have read the order's items yet: the rental's start is the answer then.
  if (view.rentals.length === 0 && !view.deliveredOn) return conflict("the order's rental starts at delivery: there is nothing to change yet");
  if (!view.hasRentedItem || view.rentals.length === 0 || !view.deliveredOn) return conflict('the order has no rented item');
  if (isAfter(change.effectiveOn, view.today)) return broken('effectiveOn', 'must not be in the future: record a change once it happened');
  if (isBefore(change.effectiveOn, view.deliveredOn)) return broken('effectiveOn', `must not be before the delivery on ${view.deliveredOn}`);
  const lastBilled = view.claims
    .filter((claim) => claim.rentalMonth !== undefined && claim.status !== 'rejected')
    .map((claim) => claim.serviceFrom)
    .sort()
    .at(-1);
  if (change.change === 'hold' && lastBilled && !isAfter(change.effectiveOn, lastBilled)) {
    return broken('effectiveOn', `a hold must start after the date of service of the last billed month (${lastBilled})`);
  }
  if (change.inpatient !== undefined && change.change !== 'hold') return broken('inpatient', 'applies to a hold only');
  if (change.newMedicalNeed !== undefined && change.change !== 'resume') return broken('newMedicalNeed', 'applies to a resume only');
  // The rentals as they will be once the changes already accepted are applied.
  const rentals = view.pendingRentalChanges.reduce(
    (current, pending) => current.map((rental) => applyRentalChange(rental, pending).state),
    view.rentals as RentalState[],
  );
  const results = rentals.map((rental) => applyRentalChange(rental, change));
  const refused = results.find((result) => !result.accepted);
  if (!results.some((result) => result.accepted) && refused && !refused.accepted) return conflict(refused.reason);
  return undefined;
}

export function cancellationRefusal(view: OrderCommandView): CommandRefusal | undefined {
  if (view.stage === 'closed' || view.stage === 'cancelled') return conflict(`the order is already ${view.stage}`);
  if (view.cancelRequested) return conflict('the order is already being cancelled');
  return undefined;
}

export function claimCorrectionRefusal(view: OrderCommandView, command: { claimId: string }): CommandRefusal | undefined {
  const claim = view.claims.find((candidate) => candidate.claimId === command.claimId);
  if (!claim) return { status: 404, field: 'claimId', message: `claim ${command.claimId} is not a claim of this order` };
  if (claim.correctedBy) return conflict(`claim ${command.claimId} was already corrected by claim ${claim.correctedBy}`);
  if (claim.status !== 'rejected') return conflict(`claim ${command.claimId} is ${claim.status}, not rejected`);
  if (view.pendingCorrections.includes(command.claimId)) return conflict(`a correction of claim ${command.claimId} is already under way`);
  return undefined;
}
