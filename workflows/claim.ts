/**
 * claimWorkflow — one claim after it is built: send it, wait for the clearinghouse's
 * acknowledgement (999 + 277CA), then for the remittance, asking the payer for the
 * claim's status (276/277) when it stays silent. It tells its order the outcome.
 */
import {
  allHandlersFinished,
  condition,
  getExternalWorkflowHandle,
  log,
  proxyActivities,
  setHandler,
  uuid4,
} from '@temporalio/workflow';
import type { ClaimActivities } from '../activities/claims';
import type { OrderActivities } from '../activities/orders';
import { followUpPolicy, toMilliseconds } from '../domain/follow-up';
import {
  MAILBOX_WORKFLOW_ID,
  checkMailbox,
  claimAcknowledged,
  claimSettled,
  claimStatus,
  orderWorkflowId,
  remittancePosted,
  type ClaimAcknowledged,
  type ClaimSettled,
  type ClaimWorkflowStatus,
  type RemittancePosted,
} from './definitions';

const activities = proxyActivities<OrderActivities & ClaimActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
});

export interface ClaimWorkflowInput {
  claimId: string;
  orderId: string;
}

export interface ClaimOutcome {
  claimId: string;
  outcome: ClaimSettled['outcome'];
  paidAmount: number;
  statusInquiries: number;
}

const nowIso = () => new Date(Date.now()).toISOString();

export async function claimWorkflow({ claimId, orderId }: ClaimWorkflowInput): Promise<ClaimOutcome> {
  let acknowledgement: ClaimAcknowledged | undefined;
  let remittance: RemittancePosted | undefined;
  let status = 'built';
  let statusInquiries = 0;
  let nextFollowUpAt: string | null = null;

  setHandler(claimAcknowledged, (ack) => {
    // A 999 and a 277CA, or the same file collected twice, may both report: the first answer counts.
    if (ack.claimId !== claimId || acknowledgement) return;
    acknowledgement = ack;
  });
  setHandler(remittancePosted, (posted) => {
    if (posted.claimId !== claimId) return;
    remittance = posted;
  });
  setHandler(claimStatus, (): ClaimWorkflowStatus => ({ claimId, status, statusInquiries, nextFollowUpAt }));

  const waitUntil = async (done: () => boolean, ms: number) => {
    nextFollowUpAt = new Date(Date.now() + ms).toISOString();
    const happened = await condition(done, ms);
    nextFollowUpAt = null;
    return happened;
  };
  const task = (kind: string, title: string) =>
    activities.createTask({ taskKey: `claim-${claimId}:${kind}:${statusInquiries}`, taskId: uuid4(), orderId, claimId, role: 'biller', kind, title });

  const settle = async (outcome: ClaimSettled['outcome'], reason?: string): Promise<ClaimOutcome> => {
    status = outcome;
    await getExternalWorkflowHandle(orderWorkflowId(orderId))
      .signal(claimSettled, { claimId, outcome, ...(reason ? { reason } : {}) })
      .catch((error: unknown) => log.warn('order workflow not reachable', { claimId, error: String(error) }));
    await condition(allHandlersFinished);
    return { claimId, outcome, paidAmount: remittance?.paidAmount ?? 0, statusInquiries };
  };

  await activities.submitClaim({ claimId, asOf: nowIso() });
  status = 'submitted';
  // Answers to this file will come: have the mailbox look when they fall due.
  await getExternalWorkflowHandle(MAILBOX_WORKFLOW_ID)
    .signal(checkMailbox)
    .catch(() => log.warn('mailbox workflow not running; the claim relies on status inquiries', { claimId }));

  const policy = followUpPolicy.claim;
  // Acknowledgements normally come within a day; silence past the wait means the file went astray.
  if (!(await waitUntil(() => acknowledgement !== undefined || remittance !== undefined, toMilliseconds(policy.acknowledgementWait)))) {
    await task('acknowledgement-missing', `No 999/277CA ${policy.acknowledgementWait.days} days after sending: check the clearinghouse`);
  }

  let wait = toMilliseconds(policy.statusInquiry.firstAfter);
  while (!remittance) {
    if (acknowledgement && !acknowledgement.accepted) {
      await activities.voidRejectedClaim({ claimId, reason: acknowledgement.reason ?? 'rejected at the front end' });
      await task('claim-rejected', `Claim rejected at the front end: ${acknowledgement.reason ?? 'see the 277CA'}. Fix the order data and send claimCorrected`);
      return settle('rejected', acknowledgement.reason);
    }
    if (acknowledgement?.accepted) status = 'accepted';
    const ackBefore = acknowledgement;
    if (await waitUntil(() => remittance !== undefined || acknowledgement !== ackBefore, wait)) continue;
    // Silence: ask the payer where the claim is (276/277), then keep asking on the cadence.
    statusInquiries += 1;
    const answer = await activities.requestClaimStatus({ claimId, asOf: nowIso() });
    if (answer.outcome === 'rejected' && !acknowledgement) {
      acknowledgement = { user: 'payer', claimId, accepted: false, reason: answer.reason ?? 'the payer reports the claim rejected' };
      continue;
    }
    if (answer.outcome === 'not-found') {
      await task('claim-not-found', 'The payer has no record of this claim: check the acknowledgements and resend if needed');
    }
    wait = toMilliseconds(policy.statusInquiry.thenEvery);
  }
  status = remittance.outcome;
  return settle(remittance.outcome);
}
