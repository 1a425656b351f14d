/**
 * How the order shows itself: the `orderStatus` query (and every accepted command's
 * answer), the Web UI's current details, and the view the command rules of
 * domain/order-commands.ts read.
 */
import { defaultCatalog } from '../../domain/catalog';
import type { OrderCommandView } from '../../domain/order-commands';
import { priorAuthRequired } from '../../domain/prior-auth';
import { nextRentalEvent } from '../../domain/rental';
import type { OrderStatus } from '../definitions';
import { carriedCatalog, currentRentalMonth, currentSystemError, shownBlocker, type OrderState } from './state';

/** What the command rules of domain/order-commands.ts read of the order. */
export function commandView(state: OrderState, today: string): OrderCommandView {
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
    ...(context?.resupply ? { refillWindow: { shipNotBefore: context.resupply.shipNotBefore, shipBy: context.resupply.shipBy } } : {}),
  };
}

export function statusView(state: OrderState): OrderStatus {
  const nextBilling = state.rentals
    .map((rental) => nextRentalEvent(rental, '9999-12-31'))
    .flatMap((event) => (event.kind === 'bill' || event.kind === 'wait' ? [event.month.serviceFrom] : []))
    .sort()[0];
  return {
    orderId: state.orderId,
    stage: state.stage,
    blockedOn: shownBlocker(state),
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
    systemError: currentSystemError(state),
  };
}

/** A short summary for the Web UI (markdown, no PHI). */
export function detailsMarkdown(state: OrderState): string {
  const lines = [`**Stage:** ${state.stage}${state.blockedOn ? ` — waiting for **${state.blockedOn}**` : ''}`];
  const systemError = currentSystemError(state);
  if (systemError)
    lines.push(
      `**System error:** ${systemError.activityType} keeps failing (${systemError.code}) in ${systemError.workflowId}; task ${systemError.taskKey}`,
    );
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
