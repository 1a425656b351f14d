/**
 * A claim as the scrubber checks it and the 837P builder sends it (DOMAIN.md §9):
 * the 2300 claim data with its 2400 service lines. Plain JSON, codes as on the wire
 * (ICD-10 without the dot, modifiers in claim order), amounts in cents.
 */
import type { ClaimLine } from './types';

/** CLM05-3: 1 original, 7 replacement of a prior claim, 8 void of a prior claim. */
export type ClaimFrequencyCode = '1' | '7' | '8';

/** A document announced on the claim (837P `PWK`), by what it is. */
export interface ClaimAttachment {
  /**
   * What the document is: a DocumentKind, or a legacy form name ('cmn', 'dif') so the
   * scrubber can stop it — CMN and DIF forms ended with dates of service in 2023.
   */
  kind: string;
  /** PWK01 report type code, e.g. 'OZ' support data, 'CT' certification (the CMN's code). */
  reportTypeCode?: string;
  /** 1-based line the attachment belongs to; the whole claim when omitted. */
  lineNumber?: number;
}

export interface ClaimDraft {
  /** CLM01, ours: the patient control number echoed in 277CA and 835 (CLP01). */
  claimControlNumber: string;
  orderId: string;
  /** Our payer id (the payer table), not the EDI payer id. */
  payerId: string;
  frequencyCode: ClaimFrequencyCode;
  /** REF*F8: the payer's claim number of the claim a replacement or void corrects. */
  originalClaimNumber?: string;
  /** 2010AA NPI of the supplier. */
  billingProviderNpi: string;
  /** 2310/2420E NPI of the prescriber (`NM1*DK`), required on DME claims. */
  orderingProviderNpi: string;
  /** CLM05-1: 12 = home. */
  placeOfService: string;
  /** ICD-10-CM codes without the dot, principal first (HI: ABK then ABF), at most 12. */
  diagnoses: string[];
  lines: ClaimLine[];
  /** CLM02, cents: equals the sum of the line charges. */
  totalCharge: number;
  /** REF*G1 in 2300: the prior-auth unique tracking number (power wheelchairs carry it on the base line). */
  priorAuthNumber?: string;
  attachments?: ClaimAttachment[];
  /** 2300 NTE narrative (break in need, replacement before the end of useful life…). */
  narrative?: string;
}

export function sumOfLineCharges(lines: readonly Pick<ClaimLine, 'charge'>[]): number {
  return lines.reduce((sum, line) => sum + line.charge, 0);
}

/** A claim draft whose total is the sum of its lines, as CLM02 must be. */
export function draftClaim(claim: Omit<ClaimDraft, 'totalCharge'>): ClaimDraft {
  return { ...claim, totalCharge: sumOfLineCharges(claim.lines) };
}
