/**
 * patientStatementsWorkflow — one patient's statement account (DOMAIN.md §15), id
 * `patient-statements-<patientId>`. What a patient owes after a claim's last payer joins
 * it (`patientShareBilled`, sent with signal-with-start by billPatientShare); the account
 * then bills it on the policy's cycle (domain/follow-up.ts `patientStatements`):
 *
 *   a statement of every open balance at once, then every 30 days     → a PDF stored
 *   each balance on four statements (days 0, 30, 60, final notice 90) → its own series
 *   the final notice due (day 120) and still unpaid                     → collections task,
 *                                                                          or written off
 *                                                                          and a task
 *   a payment (`patientPaymentRecorded`) leaving less than the threshold → written off
 *   nothing owed                                                        → the run ends
 *
 * A zero balance ends the run rather than waiting: an account with nothing owed needs no
 * timer, and the next balance billed to the patient starts a new run under the same id.
 * A long-lived account (rentals billed month after month) continues as new every dozen
 * statements, carrying the cycle as plain JSON. Ids, dates and cents only: the PDF the
 * activity renders is the one place the patient's name appears.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { standardActivity } from './activity-options';
import { nowIso, today, untilDate } from './clock';
import { createDeadlines } from './deadlines';
import { DmeFollowUpAt } from './search-attributes';
import { patientAccountTaskKey } from './task-keys';
import type { StatementActivities } from '../activities/statements';
import { followUpPolicy } from '../domain/follow-up';
import {
  afterStatement,
  emptyCycle,
  joinCycle,
  leaveCycle,
  nextStatementStep,
  smallBalanceReason,
  unpaidAfterFinalNoticeReason,
  withoutPaidBalances,
  type StatementCycle,
  type StatementStep,
} from '../domain/patient-statements';
import { money } from '../domain/x12/values';
import { patientPaymentRecorded, patientShareBilled, patientStatementsStatus, type PatientStatementsStatus } from './definitions';

const activities = proxyActivities<StatementActivities>(standardActivity);

export interface PatientStatementsInput {
  patientId: string;
  /** Set by continueAsNew: the cycle so far. */
  carried?: StatementCycle;
}

export interface PatientStatementsOutcome {
  patientId: string;
  /** Statements this run sent. */
  statements: number;
}

/** Statements per run before it continues as new: each adds about ten events, so a run stays small. */
const statementsPerRun = 12;

export async function patientStatementsWorkflow({ patientId, carried }: PatientStatementsInput): Promise<PatientStatementsOutcome> {
  const policy = followUpPolicy.patientStatements;
  let cycle = carried ?? emptyCycle();
  let statements = 0;
  /** Bumped by every message: the account reads its balances again. */
  let changes = 0;
  let nextStepOn: string | null = null;

  setHandler(patientShareBilled, ({ claimId }) => {
    cycle = joinCycle(cycle, claimId);
    changes += 1;
  });
  setHandler(patientPaymentRecorded, () => {
    changes += 1;
  });
  setHandler(patientStatementsStatus, (): PatientStatementsStatus => ({
    patientId,
    statementsSent: cycle.statementsSent,
    lastStatementOn: cycle.lastStatementOn,
    nextStepOn,
    balances: cycle.balances.map(({ claimId, statements: shown }) => ({ claimId, statements: shown })),
  }));

  const deadlines = createDeadlines();
  const showNextStep = (on: string | null) => {
    nextStepOn = on;
    upsertSearchAttributes([{ key: DmeFollowUpAt, value: on ? new Date(`${on}T00:00:00Z`) : null }]);
  };

  async function sendStatement(step: Extract<StatementStep, { kind: 'statement' }>): Promise<void> {
    const issued = await activities.issuePatientStatement({
      statementId: uuid4(),
      patientId,
      notice: step.notice,
      finalNotice: step.finalNotice,
      balances: step.claimIds.map((claimId) => ({
        claimId,
        finalNotice: cycle.balances.find((balance) => balance.claimId === claimId)!.statements + 1 >= policy.statementsPerBalance,
      })),
      statementOn: today(),
      dueOn: step.dueOn,
      asOf: nowIso(),
    });
    // Paid while it was being written: nothing went out, the next turn reads the balances again.
    if (!issued.issued) return;
    cycle = afterStatement(cycle, step.claimIds, today());
    statements += 1;
    log.info('patient statement issued', { patientId, statementId: issued.statementId, notice: step.notice });
  }

  /** The policy's final step for balances whose final notice fell due unpaid: a collections task, or a write-off and a task saying so. */
  async function finalAction(step: Extract<StatementStep, { kind: 'final-action' }>): Promise<void> {
    const key = patientAccountTaskKey(patientId, `${step.action}:${step.claimIds[0]}:${step.finalNoticeDueOn}`);
    const unpaid = `${money(step.amount)} on claim${step.claimIds.length > 1 ? 's' : ''} ${step.claimIds.join(', ')} unpaid after ${policy.statementsPerBalance} statements (final notice due ${step.finalNoticeDueOn})`;
    if (step.action === 'write-off') {
      await activities.writeOffPatientBalances({
        claimIds: step.claimIds,
        key: `unpaid:${step.finalNoticeDueOn}`,
        reason: unpaidAfterFinalNoticeReason(step.finalNoticeDueOn, policy.statementsPerBalance),
        asOf: nowIso(),
      });
    }
    await activities.openPatientAccountTask({
      taskKey: key,
      taskId: uuid4(),
      claimIds: step.claimIds,
      kind: step.action === 'collections' ? 'patient-collections' : 'patient-balance-written-off',
      title:
        step.action === 'collections'
          ? `Refer patient ${patientId} to collections: ${unpaid}. Statements: GET /patients/${patientId}/statements`
          : `Written off as bad debt for patient ${patientId}: ${unpaid}. A payment that still comes shows as a patient credit balance`,
      asOf: nowIso(),
    });
  }

  for (;;) {
    // A message while the balances are read is seen by the wait below, which then does not wait.
    const seen = changes;
    const { owed, settings } = await activities.loadPatientAccount({ patientId, claimIds: cycle.balances.map((balance) => balance.claimId) });
    cycle = withoutPaidBalances(cycle, owed);
    // A balance billed while the account was being read is read on the next turn.
    if (cycle.balances.some((balance) => !(balance.claimId in owed))) continue;
    const step = nextStatementStep(cycle, owed, today(), settings);
    switch (step.kind) {
      case 'settled':
        showNextStep(null);
        await condition(allHandlersFinished);
        return { patientId, statements };
      case 'small-balance':
        await activities.writeOffPatientBalances({
          claimIds: step.claimIds,
          key: `small-balance:${today()}`,
          reason: smallBalanceReason(step.amount, settings.smallBalanceThreshold),
          asOf: nowIso(),
        });
        cycle = leaveCycle(cycle, step.claimIds);
        break;
      case 'final-action':
        await finalAction(step);
        cycle = leaveCycle(cycle, step.claimIds);
        break;
      case 'statement':
        await sendStatement(step);
        if (statements >= statementsPerRun || workflowInfo().continueAsNewSuggested) {
          await condition(allHandlersFinished);
          return continueAsNew<typeof patientStatementsWorkflow>({ patientId, carried: cycle });
        }
        break;
      case 'wait':
        showNextStep(step.until);
        await deadlines.waitUntil(() => changes !== seen, untilDate(step.until));
        break;
    }
  }
}
