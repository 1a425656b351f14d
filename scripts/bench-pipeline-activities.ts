/** The bare pipeline's activities (bench-pipeline-workflows.ts): no work, and the mailbox's signals. */
import type { Client } from '@temporalio/client';
import { bareAnswer, type BareShape } from './bench-pipeline-workflows';

export function bareActivities(client: Client) {
  return {
    async bareWork(step: number): Promise<number> {
      return step;
    },
    /** What the mailbox does for a claim: signals it once per answer, and starts the remittance workflow of its 835. */
    async bareTell(input: { workflowId: string; signals: number; remittance?: { shape: BareShape; taskQueue: string } }): Promise<void> {
      const handle = client.workflow.getHandle(input.workflowId);
      for (let i = 0; i < input.signals; i += 1) await handle.signal(bareAnswer);
      if (input.remittance) {
        await client.workflow.start('bareRemittanceWorkflow', {
          workflowId: `${input.workflowId}-remittance`,
          taskQueue: input.remittance.taskQueue,
          args: [{ shape: input.remittance.shape, claimWorkflowId: input.workflowId }],
        });
      }
    },
  };
}
