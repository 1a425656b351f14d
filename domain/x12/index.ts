/**
 * X12 for Durable DME: build what we send (837P claims, 270 eligibility and 276
 * claim status inquiries) and read what comes back (999, 271, 277CA/277, 835).
 * Pure functions over strings: safe to call from workflow code and activities alike.
 * Every failure is an X12Error listing its problems with segment positions or field paths.
 */
export { X12Error, type X12ErrorCode } from './errors';
export type { InterchangeInput } from './input';
export { build837P, assignLineControlNumbers, type Claim837Input, type ClaimFilingIndicator } from './claim837p';
export type { OtherPayer837 } from './claim837p-cob';
export { parse837P } from './claim837p-parse';
export { build270, parse271, type Eligibility270Input } from './eligibility';
export { build276, parse277, claimStatusOutcome, type ClaimStatus276Input, type ClaimStatusOutcome } from './claimStatus';
export { parse999 } from './acknowledgment999';
export {
  parse835,
  REMITTANCE_VERSION,
  type Remittance,
  type RemittanceClaim,
  type RemittanceClaimStatus,
  type Adjustment,
  type AdjustmentGroup,
} from './remittance835';
export { balance835 } from './remittance835-balance';
export { parseX12, components, repeats, type X12Interchange, type X12TransactionSet, type X12Segment, type X12Delimiters } from './parse';
export { dollars } from './values';
