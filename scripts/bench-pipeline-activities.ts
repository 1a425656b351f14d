/** The bare pipeline's activities (bench-pipeline-workflows.ts): no work, and the mailbox's signals. */
import type { Client } from '@temporalio/client';
import { bareAnswer } from './bench-pipeline-workflows';

export function bareActivities(client: Client) {
  return {
    async bareWork(step: number): Promise<number> {
      return step;
    },
    /** What the mailbox does for a claim: signals it once per answer. */
    async bareTell(input: { workflowId: string; signals: number }): Promise<void> {
      const handle = client.workflow.getHandle(input.workflowId);
      for (let i = 0; i < input.signals; i += 1) await handle.signal(bareAnswer);
    },
  };
}
