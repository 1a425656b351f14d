/**
 * The Temporal side of the API over a real client: start an order's workflow, ask it
 * for its live status, send it (or a claim's workflow) a signal. Ids, codes and
 * stages only ever go to Temporal (DESIGN.md "State: who owns what").
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type SignalDefinition } from '@temporalio/common';
import { claimWorkflowId, creditBalanceWorkflowId, orderStatus, orderWorkflowId } from '../workflows/definitions';
import type { creditBalanceWorkflow } from '../workflows/credit-balance';
import { startOrderWorkflow, startRemittanceWorkflow, type OrderStart } from '../activities/workflow-starts';
import type { TemporalPort } from './app';

export interface TemporalPortOptions {
  /** The task queue the order workers poll (TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /** How long a status query may take before the API says the workflow did not answer. */
  queryTimeoutMs?: number;
}

export function temporalPort(client: Client, options: TemporalPortOptions): TemporalPort {
  const queryTimeoutMs = options.queryTimeoutMs ?? 5_000;

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

    startOrder: (order: OrderStart) => startOrderWorkflow(client, options.taskQueue, order),

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

    startRemittance: (remittance) => startRemittanceWorkflow(client, options.taskQueue, remittance),

    async signalCreditBalance<T>(creditBalanceId: string, signal: SignalDefinition<[T]>, payload: T) {
      return signalIfRunning(creditBalanceWorkflowId(creditBalanceId), signal, payload);
    },
  };
}
