/**
 * The Temporal side of the API over a real client: start an order's workflow, ask it
 * for its live status, send staff commands (Updates) to an order's, claim's or credit
 * balance's workflow, signal a claim or a patient's statement account. Ids, codes and stages only ever go to Temporal
 * (DESIGN.md "State: who owns what").
 */
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import {
  ApplicationFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type SignalDefinition,
  type UpdateDefinition,
} from '@temporalio/common';
import {
  COMMAND_REFUSED,
  claimWorkflowId,
  creditBalanceWorkflowId,
  orderStatus,
  orderWorkflowId,
  patientPaymentRecorded,
  patientStatementsWorkflowId,
  resupplyWorkflowId,
  type CommandRefusedDetails,
} from '../workflows/definitions';
import type { creditBalanceWorkflow } from '../workflows/credit-balance';
import { startOrderWorkflow, startRemittanceWorkflow, startResupplyWorkflow, type OrderStart } from '../activities/workflow-starts';
import type { CommandAnswer, TemporalPort } from './app';

export interface TemporalPortOptions {
  /** The task queue the order workers poll (TEMPORAL_TASK_QUEUE). */
  taskQueue: string;
  /** How long a status query may take before the API says the workflow did not answer. */
  queryTimeoutMs?: number;
  /** How long a staff command may wait for its workflow's answer (a worker must run the validator and handler). */
  updateTimeoutMs?: number;
}

export function temporalPort(client: Client, options: TemporalPortOptions): TemporalPort {
  const queryTimeoutMs = options.queryTimeoutMs ?? 5_000;
  const updateTimeoutMs = options.updateTimeoutMs ?? 15_000;

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

  /**
   * Sends the Update and waits for its result. A refusal arrives as the validator's
   * CommandRefused failure; an update to a closed workflow finds no execution to run on.
   */
  async function command<S, A>(workflowId: string, update: UpdateDefinition<S, [A]>, payload: A): Promise<CommandAnswer<S>> {
    try {
      const status = await client.connection.withDeadline(Date.now() + updateTimeoutMs, () =>
        client.workflow.getHandle(workflowId).executeUpdate(update, { args: [payload] }),
      );
      return { outcome: 'accepted', status };
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const cause = error.cause;
        if (cause instanceof ApplicationFailure && cause.type === COMMAND_REFUSED) {
          const [details] = cause.details as [CommandRefusedDetails];
          return { outcome: 'refused', message: cause.message, status: details.status, ...(details.field ? { field: details.field } : {}) };
        }
        // Accepted, but the workflow closed before the handler finished.
        return { outcome: 'closed' };
      }
      if (error instanceof WorkflowNotFoundError) return (await workflowExists(workflowId)) ? { outcome: 'closed' } : { outcome: 'missing' };
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

    updateOrder: (orderId, update, payload) => command(orderWorkflowId(orderId), update, payload),

    updateClaim: (claimId, update, payload) => command(claimWorkflowId(claimId), update, payload),

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

    updateCreditBalance: (creditBalanceId, update, payload) => command(creditBalanceWorkflowId(creditBalanceId), update, payload),
    startRemittance: (remittance) => startRemittanceWorkflow(client, options.taskQueue, remittance),
    startResupply: (plan) => startResupplyWorkflow(client, options.taskQueue, plan),
    updateResupply: (planId, update, payload) => command(resupplyWorkflowId(planId), update, payload),
    signalResupply: (planId, signal, payload) => signalIfRunning(resupplyWorkflowId(planId), signal, payload),
    signalPatientStatements: (patientId, payment) => signalIfRunning(patientStatementsWorkflowId(patientId), patientPaymentRecorded, payment),
  };
}
