/**
 * remittanceWorkflow — one remittance (an 835 transaction set), id
 * `remittance-<payer>-<trace number>`, from the stored file to every claim told
 * (DESIGN.md "remittances"): post it to the ledger, signal remittancePosted to each
 * claim it paid, start a creditBalanceWorkflow for each credit balance it found. The
 * API and the mailbox store the file and start this; neither posts in a request or a
 * mailbox round.
 *
 * A few activities per remittance whatever its size: each reads the remittance row and
 * answers with counts, so the history stays the same length for 1 claim or 10,000.
 */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { RemittanceActivities } from '../activities/remittances';
import type { RemittanceWorkflowActivities } from '../activities/remittance-workflow';
import { batchedTelling, remittancePosting, standardActivity } from './activity-options';
import { nowIso } from './clock';

export interface RemittanceWorkflowInput {
  remittanceId: string;
}

export interface RemittanceOutcome {
  remittanceId: string;
  claims: number;
  unmatched: number;
  creditBalances: number;
  /** Posted before this run (a second upload after a failed run, a retried start): nothing posted twice. */
  duplicate: boolean;
  signals: { sent: number; notRunning: number };
}

const { postStoredRemittance } = proxyActivities<RemittanceActivities>(remittancePosting);
const { tellClaimsOfRemittance, startRemittanceCreditBalances } = proxyActivities<RemittanceWorkflowActivities>(batchedTelling);
const { finishRemittance } = proxyActivities<RemittanceWorkflowActivities>(standardActivity);

export async function remittanceWorkflow({ remittanceId }: RemittanceWorkflowInput): Promise<RemittanceOutcome> {
  let posted: Awaited<ReturnType<typeof postStoredRemittance>>;
  try {
    posted = await postStoredRemittance({ remittanceId, asOf: nowIso() });
  } catch (error) {
    const cause = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause.type : undefined;
    await finishRemittance({ remittanceId, outcome: 'failed', failure: cause ?? 'PostingFailed' });
    throw ApplicationFailure.nonRetryable(`Remittance ${remittanceId} was not posted`, 'RemittanceNotPosted');
  }
  const signals = await tellClaimsOfRemittance({ remittanceId });
  await startRemittanceCreditBalances({ remittanceId });
  await finishRemittance({ remittanceId, outcome: 'posted' });
  return {
    remittanceId,
    claims: posted.claims,
    unmatched: posted.unmatched,
    creditBalances: posted.creditBalances,
    duplicate: posted.duplicate,
    signals,
  };
}
