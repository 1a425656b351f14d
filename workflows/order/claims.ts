/**
 * The order's claims: coding an item's lines, building and sending one claim (each then
 * runs as its own claimWorkflow), and sending again the claims staff corrected. The
 * submission, rental and receivables stages all file through here.
 */
import { codeClaimLines } from '../../domain/coding';
import type { ClaimLine, OrderItem } from '../../domain/types';
import { nowIso } from '../clock';
import type { ClaimCorrected } from '../definitions';
import type { OrderRun } from './run';
import { documentationComplete, orderCatalog, type OrderState } from './state';

/** Every line points at the order's diagnoses, principal first, at most four (837P SV107). */
const diagnosisPointers = (state: OrderState) =>
  Array.from({ length: Math.min(4, Math.max(1, state.context!.diagnosisCount)) }, (_, index) => index + 1);

/** The HCPCS lines of one item for one billing event (a purchase, a rental month), from domain/coding.ts. */
export function linesFor(state: OrderState, item: OrderItem, event: Parameters<typeof codeClaimLines>[1]): ClaimLine[] {
  const context = state.context!;
  return codeClaimLines(item, event, {
    documentationComplete: documentationComplete(state),
    payerKind: context.payerKind,
    ...(context.oxygen ? { oxygen: context.oxygen } : {}),
    ...(state.priorAuth.trackingNumber ? { priorAuthNumber: state.priorAuth.trackingNumber } : {}),
    diagnosisPointers: diagnosisPointers(state),
    catalog: orderCatalog(state),
  });
}

/** Codes, builds and sends one claim, then hands it to its own claimWorkflow. */
export async function fileClaim(
  run: OrderRun,
  lines: ClaimLine[],
  rental?: { period: number; month: number },
  correctsClaimId?: string,
): Promise<boolean> {
  const { state, orderId } = run;
  const claimId = run.ports.newId();
  const prepared = await run.activities.prepareClaim(
    run.withStatus({
      claimId,
      orderId,
      lines,
      ...(rental ? { rentalPeriod: rental.period, rentalMonth: rental.month } : {}),
      ...(state.priorAuth.trackingNumber ? { priorAuthNumber: state.priorAuth.trackingNumber } : {}),
      ...(correctsClaimId ? { correctsClaimId } : {}),
      asOf: nowIso(),
    }),
  );
  const serviceFrom = lines.map((line) => line.serviceFrom).sort()[0];
  const serviceTo = lines
    .map((line) => line.serviceTo)
    .sort()
    .slice(-1)[0];
  if (!prepared.ok) {
    // Nothing left the building: staff fix the order data, then claimCorrected retries it.
    const summary = prepared.failures.map((failure) => `${failure.code}: ${failure.message}`).join('; ');
    state.heldClaims[claimId] = { lines, ...(rental ? { rental } : {}) };
    state.claims.push({
      claimId,
      claimNumber: '',
      serviceFrom,
      serviceTo,
      ...(rental ? { rentalMonth: rental.month } : {}),
      status: 'rejected',
      rejectedReason: `scrubber: ${summary}`,
    });
    await run.createTask('biller', 'claim-scrub-failed', `Claim held by the scrubber (${claimId}): ${summary}`);
    return false;
  }
  state.claims.push({
    claimId,
    claimNumber: prepared.claimNumber,
    serviceFrom,
    serviceTo,
    ...(rental ? { rentalMonth: rental.month } : {}),
    status: 'submitted',
  });
  await run.ports.startClaimWorkflow({ claimId, orderId });
  return true;
}

/** Rejected claims are fixed by staff (claimCorrected) and sent again as new claims. */
export async function resubmitCorrections(run: OrderRun) {
  const { state, orderId } = run;
  while (state.pendingCorrections.length > 0) {
    const { claimId, user } = state.pendingCorrections.shift()!;
    const claim = state.claims.find((candidate) => candidate.claimId === claimId)!;
    const held = state.heldClaims[claimId];
    // The same service periods again; the order data (coverage, documents) is read fresh when it is built.
    let lines: ClaimLine[];
    let rental: { period: number; month: number } | undefined;
    if (held) {
      ({ lines, rental } = held);
    } else {
      const original = await run.activities.claimLinesOf(claimId);
      lines = original.lines;
      rental = original.rentalMonth ? { period: original.rentalPeriod ?? 1, month: original.rentalMonth } : undefined;
    }
    lines = lines.map((line) => ({ ...line, diagnosisPointers: diagnosisPointers(state) }));
    await run.activities.recordAuditEvent({ actor: user, action: 'claim.corrected', entityType: 'claim', entityId: claimId, detail: { orderId } });
    const before = state.claims.length;
    await fileClaim(run, lines, rental, held ? undefined : claimId);
    claim.correctedBy = state.claims[before]?.claimId;
    delete state.heldClaims[claimId];
  }
}

/** claimCorrected, once accepted: the correction waits for the stage's loop, which sends it. */
export async function queueCorrection(run: OrderRun, { user, claimId }: ClaimCorrected) {
  run.state.pendingCorrections.push({ claimId, user });
}
