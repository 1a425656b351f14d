/**
 * Test-only workflows for the Temporal server tests (tests/e2e/temporal-servers.test.ts):
 * a month-long timer that the time-skipping server must skip, with Dme* search attribute upserts
 * that only succeed once the attributes are registered on the server.
 */
import { sleep, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { DmeRentalMonth, DmeStage } from '../../../workflows/search-attributes';

export async function sleepThirtyDays(): Promise<{ sleptMs: number; stage?: string; rentalMonth?: number }> {
  const before = Date.now(); // the workflow clock: skipped time shows here
  upsertSearchAttributes([
    { key: DmeStage, value: 'rental' },
    { key: DmeRentalMonth, value: 1 },
  ]);
  await sleep('30 days');
  upsertSearchAttributes([{ key: DmeRentalMonth, value: 2 }]);
  const attributes = workflowInfo().typedSearchAttributes;
  return { sleptMs: Date.now() - before, stage: attributes.get(DmeStage), rentalMonth: attributes.get(DmeRentalMonth) };
}

/** Stays open (no worker needed to start it): used to see a workflow survive a server restart. */
export async function waitForever(): Promise<void> {
  await sleep('365 days');
}
