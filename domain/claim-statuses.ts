/**
 * The states of a claim, one list for the claims table (db/ stores it as a column enum),
 * the API's filters and the workflows that move a claim through them (DESIGN.md "The
 * order workflow", DOMAIN.md §12). Here because db/ does not import workflows/.
 */
export const claimStatuses = [
  'built',
  'submitted',
  'accepted',
  'rejected',
  'paid',
  'partially-paid',
  'denied',
  'reversed',
  'closed',
  /** Denied and under reopening or appeal (DOMAIN.md §12). */
  'appealing',
  /** Unprocessable or rejected, fixed and sent again as a new claim (that claim's correctsClaimId). */
  'corrected',
  /** The open balance was written off with a reason (statusReason). */
  'written-off',
] as const;
export type ClaimStatus = (typeof claimStatuses)[number];

/**
 * Claims that were never filed: rejected at the front end or returned unprocessable
 * (DOMAIN.md §12, first row), then closed as corrected once their correction went out.
 * Their corrections carry the charge, so the receivables leave them out.
 */
export const neverFiledStatuses = ['rejected', 'corrected'] as const satisfies readonly ClaimStatus[];

/** What a claim workflow tells its order once it is done with the claim. */
export type ClaimOutcome = Extract<ClaimStatus, 'rejected' | 'paid' | 'partially-paid' | 'denied' | 'reversed' | 'closed'>;

/** The outcomes the order stops waiting on; a rejection waits for its corrected claim instead. */
const settledOutcomes: readonly ClaimStatus[] = ['paid', 'partially-paid', 'denied', 'reversed', 'closed'];

export const isSettled = (status: ClaimStatus) => settledOutcomes.includes(status);
