/**
 * Cancellation, from any stage: staff send cancelOrder (or a follow-up window closes);
 * before any claim left, the waiting stage unwinds (OrderCancelled) and the order closes
 * as cancelled with its open system tasks closed.
 */
import { closableTaskKinds } from '../../domain/follow-up';
import type { CancelOrder } from '../definitions';
import type { OrderRun } from './run';

/** cancelOrder, once accepted: every wait of the order sees it. */
export async function requestCancellation(run: OrderRun, { user, reason }: CancelOrder) {
  run.state.cancel = { user, reason };
}

/** Records the cancellation; answers its reason. */
export async function closeCancelled(run: OrderRun): Promise<string> {
  const { state } = run;
  const reason = state.cancel?.reason ?? 'cancelled';
  await run.enterStage('cancelled');
  await run.settle();
  await run.closeStaleTasks(closableTaskKinds, 'the order was cancelled');
  await run.activities.recordAuditEvent({
    actor: state.cancel?.user ?? 'system',
    action: 'order.cancelled',
    entityType: 'order',
    entityId: run.orderId,
    detail: { reason },
  });
  return reason;
}
