/**
 * The claim capability's activities, together: sending a claim, asking the payer where a
 * silent one is, sending it on to the next payer, and working the payer's decision (denials, appeals, write-offs) to the
 * claim's final state. claimWorkflow runs them; the order only prepares the claim.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import type { Clearinghouse } from '../clearinghouse/types';
import type { StatementActivities } from '../statements';
import type { SupplierIdentity } from '../supplier';
import { createNextPayerActivities } from './next-payer';
import { createClaimOutcomeActivities } from './outcomes';
import { createClaimStatusActivities } from './status-inquiry';
import { createClaimSubmissionActivities } from './submission';

export interface ClaimActivityDeps {
  db: Db;
  clearinghouse: Clearinghouse;
  supplier: SupplierIdentity;
  /** The worker's client: a send wakes the mailbox with it (mailbox-wake.ts). */
  temporal?: Client;
}

export function createClaimActivities(deps: ClaimActivityDeps) {
  return {
    ...createClaimSubmissionActivities(deps),
    ...createClaimStatusActivities(deps),
    ...createClaimOutcomeActivities(deps),
    ...createNextPayerActivities(deps),
  };
}

/**
 * What claimWorkflow may call: the claim's own activities, and billing the patient's share
 * once the claim's last payer has adjudicated (activities/statements.ts, registered beside
 * these in createActivities).
 */
export type ClaimActivities = ReturnType<typeof createClaimActivities> & Pick<StatementActivities, 'billPatientShare'>;
