/**
 * Stage receivables: each claim runs as its own claimWorkflow and tells the order its
 * outcome (claimSettled); the order waits until every claim reached one, sending again
 * the claims staff corrected on the way.
 */
import { isSettled } from '../../domain/claim-statuses';
import type { ClaimSettled } from '../definitions';
import { resubmitCorrections } from './claims';
import type { OrderRun } from './run';
import { awaitingFix, claimsSignature, type OrderState } from './state';

export async function awaitReceivables(run: OrderRun) {
  const { state } = run;
  await run.enterStage('receivables');
  for (;;) {
    await resubmitCorrections(run);
    // Taken before the awaits below, so a claim settling during them is never folded into it.
    const seen = claimsSignature(state);
    if (state.claims.every((claim) => isSettled(claim.status) || (claim.status === 'rejected' && claim.correctedBy))) return;
    await run.continueAsNewIfLong();
    await run.setBlocked(awaitingFix(state) ? 'claim-fix' : 'remittance');
    await run.settle();
    await run.ports.until(() => state.pendingCorrections.length > 0 || claimsSignature(state) !== seen);
  }
}

/** claimSettled from a claim workflow: its outcome, and for a rejection the reason staff fix. */
export function recordClaimOutcome(state: OrderState, settled: ClaimSettled) {
  const claim = state.claims.find((candidate) => candidate.claimId === settled.claimId);
  if (!claim) return;
  claim.status = settled.outcome;
  if (settled.outcome === 'rejected') claim.rejectedReason = settled.reason;
}
