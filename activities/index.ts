/**
 * Every side effect the workflows need, created by one factory that receives its
 * dependencies, so tests inject real or sandbox parts without module mocking
 * (DESIGN.md "Layout"). Every activity that writes is idempotent.
 *
 * No activity reads the wall clock for business dates: workflows pass `asOf` from
 * their deterministic clock, so time-skipping tests move business time too.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Logger } from '../logger';
import { createClaimActivities } from './claims';
import type { Clearinghouse } from './clearinghouse/types';
import { createMailboxActivities } from './mailbox';
import { createOrderActivities } from './orders';
import { createCreditBalanceActivities } from './credit-balances';
import { markingClearinghouseErrors, withPhiFreeFailures } from './failures';
import { withStuckWorkReporting } from './stuck-work';
import { createRemittanceWorkflowActivities } from './remittance-workflow';
import { createRemittanceActivities } from './remittances';
import { createResupplyActivities } from './resupply';
import { createStatementActivities } from './statements';
import type { Messenger } from './messaging/types';
import type { ResupplyPolicy } from '../domain/resupply';
import type { FeeSchedule } from '../domain/pricing';
import type { StatementFinalAction } from '../domain/patient-statements';
import type { SupplierIdentity } from './supplier';

export interface ActivityDeps {
  db: Db;
  clearinghouse: Clearinghouse;
  supplier: SupplierIdentity;
  logger: Logger;
  /** Posting: shortfalls against the fee schedule up to this many cents per claim are not flagged (UNDERPAYMENT_TOLERANCE_CENTS, default 100). */
  underpaymentToleranceCents?: number;
  /** Posting: the fee schedule expected payments are priced with (the shipped sample by default). */
  feeSchedule?: FeeSchedule;
  /**
   * The worker's Temporal client: remittance and mailbox activities start workflows and
   * signal claims with it (without one, those activities fail as WorkerMisconfigured).
   */
  temporal?: Client;
  /** Claims a remittance's workflow tells per step (REMITTANCE_SIGNAL_BATCH, default 100). */
  signalBatchSize?: number;
  /** Failed attempts after which an activity shows as the order's system error (ACTIVITY_ATTEMPTS_BEFORE_BLOCKED, default 5). */
  attemptsBeforeBlocked?: number;
  /** Patient balances under this many cents are written off (PATIENT_SMALL_BALANCE_CENTS, default 500; 0 never). */
  patientSmallBalanceCents?: number;
  /** After the final statement goes unpaid: collections or write-off (PATIENT_STATEMENT_FINAL_ACTION, default write-off). */
  patientStatementFinalAction?: StatementFinalAction;
  /** Resupply outreach by text and email (MESSAGING; the sandbox records messages); without one, every contact is a staff call. */
  messenger?: Messenger;
  /** The refill rule's days and the outreach cadence (RESUPPLY_* settings; the PIM's by default). */
  resupplyPolicy?: ResupplyPolicy;
}

/**
 * Every activity the worker registers, each behind the one failure boundary
 * (activities/failures.ts): whatever an activity throws reaches Temporal's history and
 * the worker's log as a PHI-free ApplicationFailure with a code. Here rather than in a
 * worker interceptor, so every worker built from these activities (worker.ts, the test
 * harnesses, scripts) gets the boundary without registering anything.
 */
export function createActivities(given: ActivityDeps) {
  const deps = { ...given, clearinghouse: markingClearinghouseErrors(given.clearinghouse) };
  const remittances = createRemittanceActivities(deps);
  return withStuckWorkReporting(
    withPhiFreeFailures({
      ...createOrderActivities(deps),
      ...createClaimActivities(deps),
      ...remittances,
      ...createRemittanceWorkflowActivities(deps),
      ...createCreditBalanceActivities(deps),
      ...createStatementActivities(deps),
      ...createResupplyActivities(deps),
      ...createMailboxActivities({ ...deps, remittances }),
    }),
    deps,
  );
}
