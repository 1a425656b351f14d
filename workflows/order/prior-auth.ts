/**
 * Stage prior-auth: only for items on the payer's prior-authorization list. A request is
 * recorded and sent by staff; the contractor's decision comes back as priorAuthDecided
 * (affirmed with a tracking number and expiry, or non-affirmed: resubmit or cancel);
 * silence is followed up. An affirmation that lapses before delivery is asked for again.
 */
import { addDays } from '../../domain/calendar';
import { followUpPolicy, staleTasks, toMilliseconds } from '../../domain/follow-up';
import { priorAuthRequired } from '../../domain/prior-auth';
import type { OrderItem } from '../../domain/types';
import { nowIso, today } from '../clock';
import type { PriorAuthDecided } from '../definitions';
import { OrderCancelled, type OrderRun } from './run';
import { orderCatalog, type OrderState } from './state';

/** The order's items on the payer's prior-authorization list. */
function priorAuthItems(state: OrderState): OrderItem[] {
  return state.context!.items.filter((item) => priorAuthRequired(item, state.context!.payer, orderCatalog(state)));
}

export async function obtainPriorAuth(run: OrderRun) {
  const { state } = run;
  const needing = priorAuthItems(state);
  if (needing.length === 0) {
    state.priorAuth = { ...state.priorAuth, required: false, status: 'not-required' };
    return;
  }
  await run.enterStage('prior-auth');
  state.priorAuth.required = true;
  const policy = followUpPolicy.priorAuth;
  while (state.priorAuth.status !== 'affirmed') {
    if (state.priorAuth.status !== 'requested') {
      state.priorAuth = { required: true, status: 'requested', requestId: run.ports.newId(), attempts: state.priorAuth.attempts + 1 };
      await run.activities.recordPriorAuthRequest({
        orderId: run.orderId,
        priorAuthId: state.priorAuth.requestId!,
        hcpcs: needing.map((item) => item.hcpcs),
        asOf: nowIso(),
        user: 'system',
      });
      await run.createTask(
        'reviewer',
        'prior-auth-request',
        `Send prior-authorization request ${state.priorAuth.attempts} for ${needing.map((item) => item.hcpcs).join(', ')} to the contractor`,
      );
    }
    // The contractor decides within its SLA; silence after that is followed up.
    await run.waitWithFollowUps({
      done: () => state.priorAuth.status !== 'requested',
      blockedOn: 'prior-auth',
      every: toMilliseconds(policy.followUpEvery),
      escalateAfter: toMilliseconds(policy.escalateAfter),
      remind: (count) => run.createTask('reviewer', 'prior-auth-follow-up', `Follow up ${count}: no prior-auth decision yet`),
      escalate: () => run.createTask('biller', 'prior-auth-escalation', `No prior-auth decision after ${policy.escalateAfter.days} days`),
    });
    if (state.priorAuth.status === 'non-affirmed') {
      if (state.cancel) throw new OrderCancelled();
      await run.createTask('reviewer', 'prior-auth-non-affirmed', 'Prior authorization non-affirmed: add documentation and resubmit');
    }
  }
}

/** The day after the affirmation's last valid day, while one is affirmed. */
export const affirmationLapsesOn = (state: OrderState) =>
  state.priorAuth.status === 'affirmed' && state.priorAuth.expiresOn ? addDays(state.priorAuth.expiresOn, 1) : undefined;

/** An affirmation that lapses before delivery is asked for again (DOMAIN.md §6). */
export async function askPriorAuthAgain(run: OrderRun) {
  const { state } = run;
  state.priorAuth = { ...state.priorAuth, status: 'expired' };
  await run.activities.recordPriorAuthDecision({
    orderId: run.orderId,
    priorAuthId: state.priorAuth.requestId!,
    status: 'expired',
    user: 'system',
    at: nowIso(),
  });
  await obtainPriorAuth(run);
}

/** priorAuthDecided, once accepted: affirmed (tracking number, expiry) or non-affirmed, which may cancel the order. */
export async function decidePriorAuth(run: OrderRun, decision: PriorAuthDecided) {
  const { state } = run;
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
  await run.activities.recordPriorAuthDecision({
    orderId: run.orderId,
    priorAuthId: requestId,
    status: decision.decision,
    ...(decision.trackingNumber ? { trackingNumber: decision.trackingNumber.toUpperCase() } : {}),
    ...(decision.decision === 'affirmed' ? { expiresOn: state.priorAuth.expiresOn! } : {}),
    ...(decision.reason ? { reason: decision.reason } : {}),
    user,
    at: nowIso(),
  });
  await run.closeStaleTasks(
    decision.decision === 'affirmed' ? [...staleTasks.priorAuthDecided, ...staleTasks.priorAuthAffirmed] : staleTasks.priorAuthDecided,
    `the prior-authorization decision was recorded (${decision.decision}) on ${today()}`,
  );
}
