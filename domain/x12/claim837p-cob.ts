/**
 * Coordination of benefits in the 837P (005010X222A1): the patient's other payers and
 * what each of them already did with the claim, so that a secondary or tertiary payer,
 * or Medicare as secondary payer, pays on top of it (DOMAIN.md §15).
 *
 * - 2320 Other Subscriber Information, one per other payer (at most 10): SBR (that
 *   payer's responsibility; SBR05 when it is Medicare and not primary), claim-level CAS,
 *   AMT*D paid, AMT*EAF remaining patient liability, OI.
 * - 2330A Other Subscriber Name; 2330B Other Payer Name with DTP*573 (claim check or
 *   remittance date) and REF*F8 (that payer's claim number).
 * - 2430 Line Adjudication Information under each 2400 line: SVD, CAS, DTP*573.
 *
 * The rules these inputs must meet, balancing included, are in claim837p-cob-rules.ts.
 */
import type { MspType, PayerLevel, sbr01OfLevel } from '../coordination';
import type { ClaimLine } from '../types';
import type { Claim837Input, ClaimFilingIndicator, PatientRelationship } from './claim837p';
import { addressSegments, personName, type SegmentParts } from './envelope';
import { clean, type AddressInput } from './input';
import type { Adjustment } from './remittance835';
import { ccyymmdd, dollars } from './values';

/** 2000B SBR01 of a claim we send: the payer it goes to pays first (P), second (S) or third (T). */
export type ClaimPayerResponsibility = (typeof sbr01OfLevel)[PayerLevel];

/** 2320 SBR01: P, S, T, then A–H for the 4th to 11th payer, or U when the order is unknown. */
export type PayerResponsibility = ClaimPayerResponsibility | 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H' | 'U';

/** 2320 SBR02: the patient's relationship to the other payer's subscriber, 18 when the patient is that subscriber. */
export type OtherSubscriberRelationship = '18' | PatientRelationship;

/** What one of our lines got from an other payer (2430), as that payer's 835 told it (SVC, line CAS). */
export interface OtherPayerLineAdjudication {
  /** Which of our lines: its REF*6R line control number… */
  lineControlNumber?: string;
  /** …or its LX01 line number (1-based). Exactly one of the two. */
  lineNumber?: number;
  /** SVD02 in cents, zero for a denied line. */
  paidAmount: number;
  /** SVD03 when the payer adjudicated another code than we billed (835 SVC01 differs from SVC06); default our line's. */
  procedure?: { hcpcs: string; modifiers: string[] };
  /** SVD05. */
  paidUnits: number;
  /** SVD06: the LX01 of the line this one was bundled into (or unbundled from). */
  bundledLineNumber?: number;
  /** 2430 CAS, non-zero amounts only; one CAS per group code, six reasons to a segment. */
  adjustments?: Adjustment[];
  /** 2430 DTP*573 line check or remittance date; default the adjudication's `adjudicatedOn`. */
  adjudicatedOn?: string;
}

/** What an other payer did with the whole claim (2320 and 2330B), and per line (2430). */
export interface OtherPayerAdjudication {
  /** 2320 AMT*D in cents, zero for a denied claim. */
  paidAmount: number;
  /** 2320 AMT*EAF in cents: what the patient still owes after this payer. */
  remainingPatientLiability?: number;
  /** 2320 CAS: claim-level adjustments (835 CLP-level CAS), non-zero amounts only. */
  claimAdjustments?: Adjustment[];
  /** 2330B REF*F8: the payer's claim control number (835 CLP07). */
  payerClaimNumber?: string;
  /**
   * The payer's check or remittance date (the 835's BPR16). 2330B DTP*573 when the payer
   * adjudicated the claim as a whole (no `lines`); otherwise each 2430 DTP*573, and 2330B
   * carries none (TR3: the claim-level date only when 2430 is not used).
   */
  adjudicatedOn: string;
  /** 2430, one entry per line the payer adjudicated (two for a line it unbundled). When given, every line of the claim has one. */
  lines?: OtherPayerLineAdjudication[];
}

/** One other payer of the patient: a 2320 loop with its 2330A subscriber and 2330B payer. */
export interface OtherPayer837 {
  /** 2320 SBR01: this payer's place in the patient's order of payers. */
  responsibility: PayerResponsibility;
  /** 2320 SBR02. */
  relationship: OtherSubscriberRelationship;
  /** 2320 SBR03. */
  groupNumber?: string;
  /** 2320 SBR05: required when this payer is Medicare (SBR09 MA or MB) and not primary, refused otherwise. */
  insuranceTypeCode?: MspType;
  /** 2320 SBR09. */
  claimFilingIndicator: ClaimFilingIndicator;
  /** 2320 OI03: whether benefits from this payer are assigned to the supplier; default as CLM08 (`claim.acceptAssignment`). */
  benefitsAssigned?: boolean;
  /** 2330A NM1*IL (member id in NM109, qualifier MI) and, when known, N3/N4. */
  subscriber: { lastName: string; firstName: string; middleName?: string; memberId: string; address?: AddressInput };
  /** 2330B NM1*PR. The id is NM109 (qualifier PI), which every 2430 SVD01 of this payer repeats. */
  payer: { name: string; id: string };
  /** Present once this payer has adjudicated the claim; only a payer ahead of the claim's own can have. */
  adjudication?: OtherPayerAdjudication;
}

/** CAS02–CAS19: six reason, amount, quantity triplets. */
export const REASONS_PER_CAS = 6;

/**
 * CAS segments for adjustments: one per group code, in the order the groups first appear
 * (as the 835 listed them), a further CAS of the same group after six reasons.
 */
export function casSegments(adjustments: readonly Adjustment[]): SegmentParts[] {
  const byGroup = new Map<string, Adjustment[]>();
  for (const a of adjustments) byGroup.set(a.group, [...(byGroup.get(a.group) ?? []), a]);
  const segments: SegmentParts[] = [];
  for (const [group, list] of byGroup) {
    for (let i = 0; i < list.length; i += REASONS_PER_CAS) {
      const triplets = list
        .slice(i, i + REASONS_PER_CAS)
        .flatMap((a) => [a.reason, dollars(a.amount), a.quantity === undefined ? undefined : String(a.quantity)]);
      segments.push(['CAS', group, ...triplets]);
    }
  }
  return segments;
}

/** The index of our line an adjudicated line names, or -1. */
export function lineIndexOf(adjudicated: OtherPayerLineAdjudication, lines: readonly ClaimLine[]): number {
  if (adjudicated.lineControlNumber !== undefined) return lines.findIndex((l) => l.lineControlNumber === adjudicated.lineControlNumber);
  const n = adjudicated.lineNumber;
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= lines.length ? n - 1 : -1;
}

/** The 2320/2330A/2330B loops, one set per other payer in the order given; they follow the 2300 claim segments. */
export function otherPayerLoops(input: Claim837Input): SegmentParts[] {
  const segments: SegmentParts[] = [];
  const assigned = input.claim.acceptAssignment !== false;
  for (const o of input.otherPayers ?? []) {
    const a = o.adjudication;
    segments.push([
      'SBR',
      o.responsibility,
      o.relationship,
      o.groupNumber,
      undefined,
      o.insuranceTypeCode,
      undefined,
      undefined,
      undefined,
      o.claimFilingIndicator,
    ]);
    if (a) {
      segments.push(...casSegments(a.claimAdjustments ?? []), ['AMT', 'D', dollars(a.paidAmount)]);
      if (a.remainingPatientLiability !== undefined) segments.push(['AMT', 'EAF', dollars(a.remainingPatientLiability)]);
    }
    // OI06 Y: release of information on file, as CLM09 says for the claim's own payer.
    segments.push(['OI', undefined, undefined, (o.benefitsAssigned ?? assigned) ? 'Y' : 'N', undefined, undefined, 'Y']);
    segments.push(personName('IL', o.subscriber, 'MI', o.subscriber.memberId));
    if (o.subscriber.address) segments.push(...addressSegments(o.subscriber.address));
    segments.push(['NM1', 'PR', '2', clean(o.payer.name), undefined, undefined, undefined, undefined, 'PI', o.payer.id]);
    if (a && (a.lines ?? []).length === 0) segments.push(['DTP', '573', 'D8', ccyymmdd(a.adjudicatedOn)]);
    if (a?.payerClaimNumber) segments.push(['REF', 'F8', a.payerClaimNumber]);
  }
  return segments;
}

/** The 2430 loops of one line: each other payer's adjudication of it, in the order of the payers; they close the 2400 loop. */
export function lineAdjudicationLoops(input: Claim837Input, lines: ClaimLine[], index: number): SegmentParts[] {
  const line = lines[index];
  const segments: SegmentParts[] = [];
  for (const o of input.otherPayers ?? []) {
    const a = o.adjudication;
    if (!a) continue;
    for (const l of a.lines ?? []) {
      if (lineIndexOf(l, lines) !== index) continue;
      const procedure = l.procedure ?? { hcpcs: line.hcpcs, modifiers: line.modifiers };
      segments.push([
        'SVD',
        o.payer.id,
        dollars(l.paidAmount),
        ['HC', procedure.hcpcs, ...procedure.modifiers],
        undefined,
        String(l.paidUnits),
        l.bundledLineNumber === undefined ? undefined : String(l.bundledLineNumber),
      ]);
      segments.push(...casSegments(l.adjustments ?? []));
      segments.push(['DTP', '573', 'D8', ccyymmdd(l.adjudicatedOn ?? a.adjudicatedOn)]);
    }
  }
  return segments;
}
