/**
 * Stage rental: the monthly rhythm. Each anniversary bills the months due until every
 * rented item is finished (cap, pickup, discontinuation); holds, resumptions, pickups
 * and the month-10 purchase-option offer arrive by rentalChanged; a cancellation after
 * the first claim only stops future months. History stays bounded by continueAsNew.
 */
import { addDays } from '../../domain/calendar';
import { staleTasks } from '../../domain/follow-up';
import { applyRentalChange } from '../../domain/order-commands';
import { nextRentalEvent } from '../../domain/rental';
import { today, untilDate } from '../clock';
import type { BlockedOn, RentalChanged } from '../definitions';
import { resubmitCorrections } from './claims';
import type { OrderRun } from './run';
import { awaitingFix, claimsSignature } from './state';
import { billDueMonths } from './submission';

/** With nothing scheduled (e.g. on hold) the rental loop still wakes once a month to re-check. */
const followUpPolicyMaxWait = 30 * 86_400_000;

export async function billRentalMonths(run: OrderRun) {
  const { state } = run;
  await run.enterStage('rental');
  for (;;) {
    await applyRentalChanges(run);
    await resubmitCorrections(run);
    if (state.cancel && state.rentals.some((rental) => !rental.endedOn)) {
      // After a claim left, cancellation stops future months only: the rental ends today.
      const pickup: RentalChanged = { user: state.cancel.user, change: 'pickup', effectiveOn: today(), reason: state.cancel.reason };
      state.rentals = state.rentals.map((rental) => {
        if (rental.endedOn) return rental;
        const result = applyRentalChange(rental, pickup);
        return result.accepted ? result.state : { ...rental, endedOn: today() };
      });
      await run.activities.recordAuditEvent({
        actor: state.cancel.user,
        action: 'rental.stopped',
        entityType: 'order',
        entityId: run.orderId,
        detail: { reason: state.cancel.reason },
      });
    }
    // What the claims looked like when this pass decided: a claim reporting back during
    // any await below (a task, the stage record) must still wake the wait.
    const seen = claimsSignature(state);
    const events = state.rentals.map((rental) => nextRentalEvent(rental, today()));
    if (events.some((event) => event.kind === 'bill')) {
      await billDueMonths(run);
      continue;
    }
    if (events.every((event) => event.kind === 'finished')) return;

    await run.continueAsNewIfLong();
    const wakeDates = events.flatMap((event) =>
      event.kind === 'wait' || event.kind === 'furnishing-only' ? [event.kind === 'wait' ? event.until : addDays(event.until, 1)] : [],
    );
    const awaitingOffer = events.find((event) => event.kind === 'awaiting-purchase-option-offer');
    if (awaitingOffer && awaitingOffer.kind === 'awaiting-purchase-option-offer') {
      await run.createTask('biller', 'purchase-option-offer', `Record the month-10 purchase-option offer: ${awaitingOffer.reason}`);
    }
    const wakeMs = wakeDates.length ? Math.min(...wakeDates.map(untilDate)) : undefined;
    const blocked: BlockedOn | null = awaitingFix(state) ? 'claim-fix' : null;
    await run.setBlocked(blocked, wakeMs);
    await run.settle();
    // A claim reporting back also wakes the loop: a rejection blocks the order on claim-fix at once.
    await run.ports.waitUntil(
      () =>
        state.pendingRentalChanges.length > 0 ||
        state.pendingCorrections.length > 0 ||
        claimsSignature(state) !== seen ||
        (state.cancel !== null && state.rentals.some((rental) => !rental.endedOn)),
      wakeMs ?? followUpPolicyMaxWait,
    );
  }
}

/** Applies the accepted rental changes in order; one the order outgrew since it was accepted is recorded as ignored. */
async function applyRentalChanges(run: OrderRun) {
  const { state } = run;
  while (state.pendingRentalChanges.length > 0) {
    const change = state.pendingRentalChanges.shift()!;
    const results = state.rentals.map((rental) => applyRentalChange(rental, change));
    const accepted = results.filter((result) => result.accepted);
    if (accepted.length === 0) {
      run.ignore(
        'rentalChanged',
        change.user,
        results.map((result) => (result.accepted ? '' : result.reason)).filter(Boolean)[0] ?? 'not applicable',
      );
      continue;
    }
    state.rentals = results.map((result) => result.state);
    await run.activities.recordAuditEvent({
      actor: change.user,
      action: `rental.${change.change}`,
      entityType: 'order',
      entityId: run.orderId,
      detail: { effectiveOn: change.effectiveOn, notes: accepted.map((result) => (result.accepted ? result.note : '')) },
    });
    if (change.change === 'purchase-option-offered') {
      await run.closeStaleTasks(staleTasks.purchaseOptionOffered, `the purchase-option offer of ${change.effectiveOn} was recorded`);
    }
  }
}

/** rentalChanged, once accepted: the change waits for the rental loop, which applies changes in order. */
export async function queueRentalChange(run: OrderRun, change: RentalChanged) {
  run.state.pendingRentalChanges.push(change);
}
