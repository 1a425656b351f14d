/**
 * X12 for Durable DME: build what we send (837P claims, 270 eligibility and 276
 * claim status inquiries) and read what comes back (999, 271, 277CA/277, 835).
 * Pure functions over strings: safe to call from workflow code and activities alike.
 * Every failure is an X12Error listing its problems with segment positions or field paths.
 */
export { X12Error, type X12ErrorCode, type X12Issue, type SegmentRef } from './errors';
export type { InterchangeInput, AddressInput, PersonInput, Sex } from './input';
export {
  build837P,
  assignLineControlNumbers,
  type Claim837Input,
  type ClaimFilingIndicator,
  type ClaimFrequency,
  type PatientRelationship,
} from './claim837p';
export {
  build270,
  parse271,
  type Eligibility270Input,
  type EligibilityResponse,
  type MemberEligibility,
  type Benefit,
  type BenefitKind,
  type BenefitDate,
  type EligibilityRejection,
} from './eligibility';
export {
  build276,
  parse277,
  claimStatusOutcome,
  type ClaimStatus276Input,
  type ClaimStatusResponse,
  type ClaimStatusClaim,
  type ClaimStatusLine,
  type ClaimStatusEntry,
  type ClaimStatusCode,
  type ClaimStatusOutcome,
} from './claimStatus';
export {
  parse999,
  type Acknowledgment,
  type AcknowledgmentCode,
  type TransactionSetAcknowledgment,
  type SegmentError,
  type ElementError,
} from './acknowledgment999';
export {
  parse835,
  REMITTANCE_VERSION,
  type Remittance,
  type RemittanceClaim,
  type RemittanceLine,
  type RemittanceClaimStatus,
  type Adjustment,
  type AdjustmentGroup,
  type ProviderAdjustment,
} from './remittance835';
export { balance835 } from './remittance835-balance';
export {
  parseX12,
  components,
  repeats,
  type X12Interchange,
  type X12FunctionalGroup,
  type X12TransactionSet,
  type X12Segment,
  type X12Delimiters,
} from './parse';
export { dollars, isValidNpi } from './values';
