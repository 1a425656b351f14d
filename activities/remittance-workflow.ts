/**
 * The remittanceWorkflow's side effects after posting (DESIGN.md "remittances"): tell
 * each matched claim's workflow what the remittance did, start a creditBalanceWorkflow
 * for each credit balance it found, and record where the remittance is. Everything is
 * read from the remittance row, so an activity's input and result stay a few ids and
 * counts however many claims the file pays, and a retry after a crash resumes from the
 * progress stored there. Repeats are safe: claim workflows keep the first answer, a
 * credit balance workflow's id admits one run.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { remittances } from '../db/schema';
import type { Logger } from '../logger';
import { claimWorkflowId, creditBalanceWorkflowId, remittancePosted } from '../workflows/definitions';
import type { creditBalanceWorkflow } from '../workflows/credit-balance';
import { creditBalanceStarts, firstResult, remittanceSignals } from './remittances';

/** Signals sent per step: each step's progress is stored before the next, so a retry repeats at most one step. */
const DEFAULT_SIGNAL_BATCH_SIZE = 100;

export interface RemittanceWorkflowActivityDeps {
  db: Db;
  logger: Logger;
  /** The worker's Temporal client: signals claim workflows and starts credit balance workflows. */
  temporal?: Client;
  /** Claims told per step (REMITTANCE_SIGNAL_BATCH). */
  signalBatchSize?: number;
}

export function createRemittanceWorkflowActivities({
  db,
  logger,
  temporal,
  signalBatchSize = DEFAULT_SIGNAL_BATCH_SIZE,
}: RemittanceWorkflowActivityDeps) {
  function client(): Client {
    // A worker built without a client cannot run these: say so once instead of retrying forever.
    if (!temporal) throw ApplicationFailure.nonRetryable('The worker has no Temporal client for remittance activities', 'WorkerMisconfigured');
    return temporal;
  }

  async function posted(remittanceId: string) {
    const [row] = await db.select().from(remittances).where(eq(remittances.id, remittanceId));
    if (!row?.postedAt) throw ApplicationFailure.nonRetryable(`Remittance ${remittanceId} is not posted`, 'RemittanceNotPosted');
    return row;
  }

  return {
    /**
     * remittancePosted to each claim the remittance paid, a batch at a time from where
     * the last try stopped; a claim whose workflow has closed is recorded as not-running.
     */
    async tellClaimsOfRemittance(input: { remittanceId: string }): Promise<{ sent: number; notRunning: number }> {
      const row = await posted(input.remittanceId);
      const signals = remittanceSignals([firstResult(row)], row.receivedBy);
      for (let from = row.signalledThrough; from < signals.length; from += signalBatchSize) {
        const batch = signals.slice(from, from + signalBatchSize);
        const deliveries = await Promise.all(
          batch.map(async (signal) => {
            try {
              await client().workflow.getHandle(claimWorkflowId(signal.claimId)).signal(remittancePosted, signal);
              return { claimId: signal.claimId, delivery: 'sent' as const };
            } catch (error) {
              if (error instanceof WorkflowNotFoundError) return { claimId: signal.claimId, delivery: 'not-running' as const };
              throw error;
            }
          }),
        );
        const through = from + batch.length;
        const recorded = await db
          .update(remittances)
          .set({ signals: sql`${remittances.signals} || ${JSON.stringify(deliveries)}::jsonb`, signalledThrough: through })
          .where(and(eq(remittances.id, input.remittanceId), eq(remittances.signalledThrough, from)))
          .returning({ id: remittances.id });
        // Another try of this activity got here first (a worker thought lost was not): it records the rest.
        if (recorded.length === 0) break;
        Context.current().heartbeat({ through });
      }
      const [done] = await db.select({ signals: remittances.signals }).from(remittances).where(eq(remittances.id, input.remittanceId));
      const notRunning = done.signals.filter((signal) => signal.delivery === 'not-running').length;
      if (notRunning > 0) logger.info('remittancePosted found closed claim workflows', { remittanceId: input.remittanceId, notRunning });
      return { sent: done.signals.length - notRunning, notRunning };
    },

    /** A creditBalanceWorkflow for each credit balance the posting found (one run per credit balance, whoever starts it). */
    async startRemittanceCreditBalances(input: { remittanceId: string }): Promise<{ started: number }> {
      const row = await posted(input.remittanceId);
      const ids = creditBalanceStarts([firstResult(row)]);
      const { taskQueue } = Context.current().info;
      for (const creditBalanceId of ids) {
        try {
          await client().workflow.start<typeof creditBalanceWorkflow>('creditBalanceWorkflow', {
            workflowId: creditBalanceWorkflowId(creditBalanceId),
            taskQueue,
            args: [{ creditBalanceId }],
            workflowIdConflictPolicy: 'USE_EXISTING',
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            staticSummary: `Credit balance ${creditBalanceId}: report and return by its deadline`,
          });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
        Context.current().heartbeat({ creditBalanceId });
      }
      await db
        .update(remittances)
        .set({ creditBalanceWorkflows: ids.map((creditBalanceId) => ({ creditBalanceId, start: 'started' as const })) })
        .where(eq(remittances.id, input.remittanceId));
      return { started: ids.length };
    },

    /** The remittance's final status: posted once every claim is told, or failed with the error's type (no file text). */
    async finishRemittance(input: { remittanceId: string; outcome: 'posted' | 'failed'; failure?: string }): Promise<void> {
      await db
        .update(remittances)
        .set({ status: input.outcome, failure: input.outcome === 'failed' ? (input.failure ?? 'unknown') : null })
        .where(eq(remittances.id, input.remittanceId));
    },
  };
}

export type RemittanceWorkflowActivities = ReturnType<typeof createRemittanceWorkflowActivities>;
