/**
 * Stage delivery: wait for deliveryConfirmed (date, signer, serial numbers) with
 * reminders and one escalation; the delivery date is the first date of service and
 * starts every rental. A prior-auth affirmation that lapses first is asked for again.
 */
import { isBefore } from '../../domain/calendar';
import { followUpPolicy, staleTasks, toMilliseconds } from '../../domain/follow-up';
import { startRental } from '../../domain/rental';
import { nowIso } from '../clock';
import type { DeliveryConfirmed } from '../definitions';
import { affirmationLapsesOn, askPriorAuthAgain } from './prior-auth';
import type { OrderRun } from './run';
import { orderCatalog } from './state';

/** The delivery escalation waited for the next reminder past day 14 (day 15): histories from before it replay that way. */
const deliveryEscalationOnTimePatch = 'delivery-escalation-on-time';

export async function awaitDelivery(run: OrderRun) {
  const { state } = run;
  await run.enterStage('delivery');
  const policy = followUpPolicy.delivery;
  // A delivery carried from before proofStored existed had its proof stored by the API.
  const recorded = () => state.delivery !== null && state.delivery.proofStored !== false;
  await run.waitWithFollowUps({
    done: recorded,
    blockedOn: 'delivery',
    every: toMilliseconds(policy.reminderEvery),
    escalateAfter: toMilliseconds(policy.escalateAfter),
    // Escalate on the policy's day, not at the first reminder after it (day 15); orders that waited before the patch replay as they ran.
    escalateAtReminder: () => !run.ports.patched(deliveryEscalationOnTimePatch),
    interrupt: {
      on: () => affirmationLapsesOn(state),
      reached: async () => {
        await askPriorAuthAgain(run);
        await run.enterStage('delivery');
      },
    },
    remind: (count) => run.createTask('delivery', 'delivery-reminder', `Reminder ${count}: schedule and confirm the delivery`),
    escalate: () => run.createTask('biller', 'delivery-escalation', `Not delivered ${policy.escalateAfter.days} days after the order was ready`),
  });
  const delivery = state.delivery!;
  const lapsesOn = affirmationLapsesOn(state);
  if (lapsesOn && !isBefore(delivery.deliveredOn, lapsesOn)) {
    // Delivered after the affirmation lapsed: the claim would deny CO-197, so ask again first.
    await askPriorAuthAgain(run);
  }
  await run.activities.confirmDelivery(
    run.withStatus({
      orderId: run.orderId,
      deliveredOn: delivery.deliveredOn,
      user: run.deliveredBy,
      at: nowIso(),
      podDocumentId: run.ports.newId(),
    }),
  );
  await run.closeStaleTasks(staleTasks.delivered, `delivery on ${delivery.deliveredOn} was confirmed`);
  const context = state.context!;
  state.rentals = context.items
    .filter((item) => item.acquisition === 'rental')
    .map((item) =>
      startRental({
        itemId: item.id,
        hcpcs: item.hcpcs,
        firstDateOfService: delivery.deliveredOn,
        payer: context.payer,
        catalog: orderCatalog(state),
      }),
    );
}

/** deliveryConfirmed, once accepted: claimed before the proof is written, so a second confirmation is refused from here on. */
export async function confirmDelivery(run: OrderRun, { user, deliveredOn, signedBy, relationship, serialNumbers }: DeliveryConfirmed) {
  run.state.delivery = { deliveredOn, serialNumbers, proofStored: false };
  run.deliveredBy = user;
  await run.activities.recordDeliveryProof(
    run.withStatus({ orderId: run.orderId, deliveredOn, signedBy, relationship, serialNumbers, user, at: nowIso() }),
  );
  run.state.delivery.proofStored = true;
}
