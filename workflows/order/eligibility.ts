/**
 * Stage eligibility: a 270/271 through the clearinghouse; inactive coverage, or coverage
 * without DME, holds the order until staff correct the coverage (coverageUpdated), with
 * follow-ups, and is checked again after every correction.
 */
import { followUpPolicy, staleTasks, toMilliseconds } from '../../domain/follow-up';
import { nowIso, today } from '../clock';
import { commandRefused, type CoverageUpdated } from '../definitions';
import type { OrderRun } from './run';

export async function verifyEligibility(run: OrderRun) {
  const { state } = run;
  await run.enterStage('eligibility');
  const policy = followUpPolicy.eligibility;
  for (;;) {
    const result = await run.ports.inquiries.checkEligibility(run.withStatus({ orderId: run.orderId, checkId: run.ports.newId(), asOf: nowIso() }));
    state.eligibility = { active: result.active, coversDme: result.coversDme, checkedAt: nowIso() };
    // The other payers the order will bill were asked too: what intake must fix in the order of payers (not a blocker: the primary bills).
    if (result.payerProblems?.length && run.ports.patched('payers-in-order')) {
      await run.createTask('intake', 'payer-order-problem', `Check the patient's payers in order: ${result.payerProblems.join('; ')}`);
    }
    if (result.active && result.coversDme) {
      await run.closeStaleTasks(staleTasks.coverageVerified, `eligibility checked on ${today()}: the coverage is active and covers DME`);
      return;
    }
    await run.createTask(
      'intake',
      'coverage-problem',
      result.active ? 'Coverage does not include DME: correct the coverage' : 'Coverage is inactive: correct the coverage',
    );
    const checkedVersion = state.coverageVersion;
    await run.waitWithFollowUps({
      done: () => state.coverageVersion > checkedVersion,
      blockedOn: 'coverage',
      every: toMilliseconds(policy.followUpEvery),
      escalateAfter: toMilliseconds(policy.escalateAfter),
      cancelAfter: toMilliseconds(policy.cancelAfter),
      onWindowClosed: `coverage not corrected within ${policy.cancelAfter.days} days`,
      remind: (count) => run.createTask('intake', 'coverage-reminder', `Reminder ${count}: the order waits for corrected coverage`),
      escalate: () => run.createTask('reviewer', 'coverage-escalation', `Coverage unresolved for ${policy.escalateAfter.days} days`),
    });
  }
}

/** coverageUpdated, once accepted: the order bills the new coverage, and the stage checks it again. */
export async function updateCoverage(run: OrderRun, { user, coverageId }: CoverageUpdated) {
  const result = await run.activities.switchCoverage({ orderId: run.orderId, coverageId, user, asOf: nowIso() });
  if (!result.ok)
    throw commandRefused({ status: 422, field: 'coverageId', message: result.reason ?? 'the coverage cannot be billed for this order' });
  run.state.context = await run.activities.loadOrderContext(run.orderId);
  run.state.coverageVersion += 1;
}
