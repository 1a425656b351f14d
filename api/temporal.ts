/**
 * The Temporal side of the API over a real client: start an order's workflow, ask it
 * for its live status, send it (or a claim's workflow) a signal. Ids, codes and
 * stages only ever go to Temporal (DESIGN.md "State: who owns what").
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type SignalDefinition } from '@temporalio/common';
import { claimWorkflowId, creditBalanceWorkflowId, orderStatus, orderWorkflowId } from '../workflows/definitions';
import type { creditBalanceWorkflow } from '../workflows/credit-balance';
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

  async function signalIfRunning<T>(workflowId: string, signal: SignalDefinition<[T]>, payload: T): Promise<'sent' | 'not-running'> {
    try {
      await client.workflow.getHandle(workflowId).signal(signal, payload);
      return 'sent';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'not-running';
      throw error;
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
      return signalIfRunning(claimWorkflowId(claimId), signal, payload);
    },

    async startCreditBalance(creditBalanceId: string) {
      try {
        await client.workflow.start<typeof creditBalanceWorkflow>('creditBalanceWorkflow', {
          workflowId: creditBalanceWorkflowId(creditBalanceId),
          taskQueue: options.taskQueue,
          args: [{ creditBalanceId }],
          // The mailbox workflow may have started it already: one workflow per credit balance.
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          staticSummary: `Credit balance ${creditBalanceId}: report and return by its deadline`,
        });
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) return;
        throw error;
      }
    },

    async signalCreditBalance<T>(creditBalanceId: string, signal: SignalDefinition<[T]>, payload: T) {
      return signalIfRunning(creditBalanceWorkflowId(creditBalanceId), signal, payload);
    },
  };
}
