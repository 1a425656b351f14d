/**
 * After a claim file went out, the mailbox is asked to look: the first send since its last
 * look (db/edi.ts requestMailboxLook) signals it, from the activity — not from the claim's
 * workflow, whose next task can wait behind a burst's thousands while every later claim
 * leaves the waking to it.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Db } from '../../db/client';
import { requestMailboxLook } from '../../db/edi';
import { checkMailbox, MAILBOX_WORKFLOW_ID } from '../../workflows/definitions';

/**
 * Answers whether the claim's workflow must signal the mailbox itself: only when this send
 * set the request and there is no client here to signal with (tests of the activities alone).
 * A signal that fails otherwise fails the activity, whose retry (the same `by`) signals again.
 */
export async function askMailboxToLook(deps: { db: Db; temporal?: Client }, by: string): Promise<boolean> {
  if (!(await requestMailboxLook(deps.db, by))) return false;
  if (!deps.temporal) return true;
  try {
    await deps.temporal.workflow.getHandle(MAILBOX_WORKFLOW_ID).signal(checkMailbox);
  } catch (error) {
    // Not running: the worker starts it, and its first round looks whatever the request says.
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  return false;
}
