/**
 * clearinghouseMailboxWorkflow — the one reader of the clearinghouse mailbox. It
 * collects what came in (999, 277CA, 835), has it stored and applied, and tells each
 * claim workflow what a 999 or 277CA says; each 835 goes to its own remittanceWorkflow,
 * which posts it and tells the claims. It sleeps until the clearinghouse says the next
 * answer is due (the sandbox knows; a folder is polled) or until a claim is sent.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { MailboxActivities } from '../activities/mailbox';
import { creditBalanceWorkflow } from './credit-balance';
import { checkMailbox, claimAcknowledged, claimWorkflowId, creditBalanceWorkflowId, remittancePosted, type RemittancePosted } from './definitions';

const { collectMailbox } = proxyActivities<MailboxActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes', backoffCoefficient: 2 },
});

/**
 * Nothing pending: a sent claim wakes the mailbox by signal; look once a week anyway in
 * case a file was dropped by hand. (A folder-based clearinghouse always names a next check.)
 */
const idleCheckEvery = 7 * 86_400_000;
/** Rounds per run before continuing as new, to keep history bounded. */
const roundsPerRun = 200;

/** What a round answered before remittanceWorkflow: the posted remittances' signals and credit balances. */
interface RoundBefore {
  remittances: RemittancePosted[];
  creditBalances?: string[];
}

async function tellAsBefore(result: RoundBefore): Promise<void> {
  for (const posted of result.remittances) {
    await getExternalWorkflowHandle(claimWorkflowId(posted.claimId))
      .signal(remittancePosted, posted)
      .catch(() => log.info('claim workflow already closed', { claimId: posted.claimId }));
  }
  for (const creditBalanceId of result.creditBalances ?? []) {
    await startChild(creditBalanceWorkflow, {
      workflowId: creditBalanceWorkflowId(creditBalanceId),
      args: [{ creditBalanceId }],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    }).catch((error: unknown) => {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    });
  }
}

export async function clearinghouseMailboxWorkflow(): Promise<void> {
  let woken = false;
  setHandler(checkMailbox, () => {
    woken = true;
  });

  for (let round = 0; round < roundsPerRun; round++) {
    woken = false;
    const result = await collectMailbox({ asOf: new Date(Date.now()).toISOString() });
    for (const ack of result.acknowledgements) {
      await getExternalWorkflowHandle(claimWorkflowId(ack.claimId))
        .signal(claimAcknowledged, ack)
        .catch(() => log.info('claim workflow already closed', { claimId: ack.claimId }));
    }
    // Rounds recorded before remittanceWorkflow posted 835s here and told the claims themselves: replay them so.
    if (!patched('remittance-workflow')) await tellAsBefore(result as unknown as RoundBefore);
    const waitMs = result.nextCheckAt ? Math.max(1_000, Date.parse(result.nextCheckAt) - Date.now()) : idleCheckEvery;
    await condition(() => woken, Math.min(waitMs, idleCheckEvery));
  }
  await continueAsNew<typeof clearinghouseMailboxWorkflow>();
}
