/**
 * The Temporal side of the API over a real client: start an order's workflow, ask it
 * for its live status, send it (or a claim's workflow) a signal. Ids, codes and
 * stages only ever go to Temporal (DESIGN.md "State: who owns what").
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError, type SignalDefinition } from '@temporalio/common';
import { claimWorkflowId, orderStatus, orderWorkflowId } from '../workflows/definitions';
import type { dmeOrderWorkflow } from '../workflows/order';
import { DmeHcpcs, DmePayer, DmeStage } from '../workflows/search-attributes';
import type { OrderStart, TemporalPort } from './app';

export interface TemporalPortOptions {
  /** The task queue the order workers poll (TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /** How long a status query may take before the API says the workflow did not answer. */
  queryTimeoutMs?: number;
}

export function temporalPort(client: Client, options: TemporalPortOptions): TemporalPort {
  const queryTimeoutMs = options.queryTimeoutMs ?? 5_000;

  async function workflowExists(workflowId: string): Promise<boolean> {
    try {
      await client.workflow.getHandle(workflowId).describe();
      return true;
    } catch {
      return false;
    }
  }

  return {
    ping: async () => {
      await client.connection.withDeadline(Date.now() + 2_000, () => client.workflowService.getSystemInfo({}));
    },

    async startOrder({ orderId, payerId, hcpcs }: OrderStart) {
      const workflowId = orderWorkflowId(orderId);
      try {
        await client.workflow.start<typeof dmeOrderWorkflow>('dmeOrderWorkflow', {
          workflowId,
          taskQueue: options.taskQueue,
          args: [{ orderId }],
          // One workflow per order, ever: a second start with the same id is refused.
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: `Order ${orderId}: ${hcpcs.join(', ')} billed to ${payerId}`,
          typedSearchAttributes: [
            { key: DmeStage, value: 'documentation' },
            { key: DmePayer, value: payerId },
            { key: DmeHcpcs, value: hcpcs },
          ],
        });
      } catch (error) {
        // A start whose answer was lost may still have happened: the workflow's existence decides.
        if (await workflowExists(workflowId)) return { workflowId };
        throw error;
      }
      return { workflowId };
    },

    async queryOrder(orderId) {
      try {
        return await client.connection.withDeadline(Date.now() + queryTimeoutMs, () =>
          client.workflow.getHandle(orderWorkflowId(orderId)).query(orderStatus),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      }
    },

    async signalOrder<T>(orderId: string, signal: SignalDefinition<[T]>, payload: T) {
      await client.workflow.getHandle(orderWorkflowId(orderId)).signal(signal, payload);
    },

    async signalClaim<T>(claimId: string, signal: SignalDefinition<[T]>, payload: T) {
      try {
        await client.workflow.getHandle(claimWorkflowId(claimId)).signal(signal, payload);
        return 'sent' as const;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return 'not-running' as const;
        throw error;
      }
    },
  };
}
