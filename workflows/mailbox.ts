/**
 * clearinghouseMailboxWorkflow — the one reader of the clearinghouse mailbox. It
 * collects what came in (999, 277CA, 835) in one activity a round, which stores and
 * applies it and tells each claim workflow what a 999 or 277CA says; each 835 goes to
 * its own remittanceWorkflow, which posts it and tells the claims. A round adds the
 * same few events however large its files. It sleeps until the clearinghouse says the
 * next answer is due (the sandbox knows; a folder is polled) or until a claim is sent,
 * and continues as new after a bounded number of rounds or when the server suggests it.
 */
import {
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  continueAsNew,
  getExternalWorkflowHandle,
  log,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { MailboxActivities } from '../activities/mailbox';
import { mailboxCollection } from './activity-options';
import { nowIso, untilInstant } from './clock';
import { creditBalanceWorkflow } from './credit-balance';
import { createDeadlines } from './deadlines';
import { checkMailbox, claimAcknowledged, claimWorkflowId, creditBalanceWorkflowId, remittancePosted, type RemittancePosted } from './definitions';

const { collectMailbox } = proxyActivities<MailboxActivities>(mailboxCollection);

/**
 * Nothing pending: a sent claim wakes the mailbox by signal; look at least once a week anyway
 * in case a file was dropped by hand. (A folder-based clearinghouse always names a next check.)
 * The weekly look is one timer kept until it fires, not a new one per round (deadlines.ts).
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
  const deadlines = createDeadlines();
  let weeklyLookAt = 0;
  setHandler(checkMailbox, () => {
    woken = true;
  });

  for (let round = 0; round < roundsPerRun; round++) {
    woken = false;
    const result = await collectMailbox({ asOf: nowIso() });
    // Rounds recorded before the activity told the claims itself listed the answers here: replay them so.
    for (const ack of result.acknowledgements) {
      await getExternalWorkflowHandle(claimWorkflowId(ack.claimId))
        .signal(claimAcknowledged, ack)
        .catch(() => log.info('claim workflow already closed', { claimId: ack.claimId }));
    }
    // Rounds recorded before remittanceWorkflow posted 835s here and told the claims themselves: replay them so.
    if (!patched('remittance-workflow')) await tellAsBefore(result as unknown as RoundBefore);
    const waitMs = result.nextCheckAt ? untilInstant(result.nextCheckAt) : idleCheckEvery;
    let idleMs = idleCheckEvery;
    if (deadlines.keepsTimers()) {
      if (weeklyLookAt <= Date.now()) weeklyLookAt = Date.now() + idleCheckEvery;
      idleMs = weeklyLookAt - Date.now();
    }
    await deadlines.waitUntil(() => woken, Math.min(waitMs, idleMs));
    if (workflowInfo().continueAsNewSuggested && patched('mailbox-suggested-continue')) break;
  }
  await continueAsNew<typeof clearinghouseMailboxWorkflow>();
}
