import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { recordAuditEvent } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds' });

export const cancelOrder = defineSignal<[{ user: string; reason: string }]>('cancelOrder');

export async function dmeOrderWorkflow(input: { orderId: string }): Promise<void> {
  let cancelled: { user: string; reason: string } | undefined;
  setHandler(cancelOrder, (request) => {
    cancelled = request;
  });
  await condition(() => cancelled !== undefined);
  await recordAuditEvent({ actor: cancelled!.user, action: 'order.cancelled', entityType: 'order', entityId: input.orderId });
}
