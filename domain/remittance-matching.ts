/**
 * Whether a CLP of an 835 pays one of our claims (DOMAIN.md §11, issue 8). A CLP posts
 * to our claim only when three things agree: its patient control number (CLP01, our
 * CLM01), a payer the claim is billed to, and the claim's charge (CLP03 against our
 * CLM02). A CLP that names our claim number from another payer's 835 — or with another
 * charge — must leave the claim untouched and go to a biller saying which part
 * disagreed: otherwise one edited file pays a claim twice and opens a false credit
 * balance.
 *
 * With coordination of benefits (DOMAIN.md §15, issue 10) a claim is billed to its payers
 * in order (claim_payers): the secondary's and tertiary's 835s carry our CLP01 and the
 * full charge in CLP03 too (835 TR3 2100 CLP: the charge "submitted", whatever the level),
 * so each of them matches, and posts at that payer's level.
 */
import { payerLevels, type PayerLevel } from './coordination';

/** What an 835 says about who sent it (1000A and TRN). */
export interface RemittancePayerIdentification {
  /** 1000A N104 with N103 XV: the CMS National Plan ID. */
  nationalPlanId?: string;
  /** 1000A REF*2U: the payer identification number. */
  payerIdNumber?: string;
  /** TRN03: "1" + the EIN of the company that initiated the payment. */
  originatingCompanyId: string;
}

/** One of our payers, as far as recognising its 835s goes. */
export interface RecognisablePayer {
  id: string;
  /** The id we send the payer claims under (837P 2010BB NM109). */
  ediPayerId: string;
  /** Further identifiers its 835s carry (payers.remittance_payer_ids). */
  remittancePayerIds: readonly string[];
}

/** The 835 element a payer was recognised by. */
export type PayerIdentifiedBy = 'N104' | 'REF*2U' | 'TRN03';

export type PayerResolution =
  | { resolved: true; payerId: string; by: PayerIdentifiedBy; identifier: string }
  | { resolved: false; by: PayerIdentifiedBy; identifier: string; reason: string };

/**
 * Which of our payers sent the 835. The 1000A payer identifier is authoritative when
 * the file carries one: N104 (only with N103 XV, the National Plan ID) first, then
 * REF*2U, the payer identification number — X12 RFI 2245 on 005010X221: the 1000A REF
 * carries identification beyond the TRN and N1, with 2U a Medicare contractor or plan
 * id. Only a file with neither falls back to TRN03, the payer's "1" + EIN (required by
 * the TR3 in TRN), which one company's several contractors share (two DME MACs can run
 * under one EIN), so it identifies a payer only when exactly one of ours lists it.
 * The identifier must name exactly one payer; none or several resolve nothing.
 */
export function resolveRemittancePayer(identification: RemittancePayerIdentification, payers: readonly RecognisablePayer[]): PayerResolution {
  const [by, identifier]: [PayerIdentifiedBy, string] =
    identification.nationalPlanId !== undefined
      ? ['N104', identification.nationalPlanId]
      : identification.payerIdNumber !== undefined
        ? ['REF*2U', identification.payerIdNumber]
        : ['TRN03', identification.originatingCompanyId];
  const named = payers.filter((payer) => (by !== 'TRN03' && payer.ediPayerId === identifier) || payer.remittancePayerIds.includes(identifier));
  if (named.length === 1) return { resolved: true, payerId: named[0].id, by, identifier };
  const reason =
    named.length === 0
      ? `the 835's payer (${by} ${identifier}) is none of our payers`
      : `the 835's payer (${by} ${identifier}) could be any of payers ${named.map((payer) => payer.id).join(', ')}; list it on one payer only`;
  return { resolved: false, by, identifier, reason };
}

/** One of the payers a claim is billed to, at its level. */
export interface ClaimPayerRef {
  level: PayerLevel;
  payerId: string;
}

/** Our claim as far as the match goes. */
export interface MatchableClaim {
  claimNumber: string;
  /** The payer the claim was sent to first (claims.payer_id): its primary. */
  payerId: string;
  /** CLM02, cents. */
  totalCharge: number;
  /** The claim's payers (claim_payers); without any, the claim's own payer alone, as primary. */
  payers?: readonly ClaimPayerRef[];
}

/** The CLP as far as the match goes. */
export interface MatchableClp {
  patientControlNumber: string;
  /** CLP02: 22 reverses an earlier payment and carries the charge negated. */
  status: string;
  /** CLP03, cents. */
  charge: number;
}

/** The part of a CLP that disagrees with our claim, checked in this order. */
export type ClaimMismatch = 'control-number' | 'payer' | 'charge';

/** A match names the level the claim's payer holds: the CLP posts there. */
export type ClaimMatch = { matched: true; level: PayerLevel } | { matched: false; disagrees: ClaimMismatch; reason: string };

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** The claim's payers, primary first; a claim with no claim_payers rows has its own payer as primary. */
function payersOfClaim(claim: MatchableClaim): readonly ClaimPayerRef[] {
  const payers = claim.payers ?? [];
  const all: ClaimPayerRef[] = payers.some((payer) => payer.level === 'primary')
    ? [...payers]
    : [{ level: 'primary', payerId: claim.payerId }, ...payers];
  return all.sort((a, b) => payerLevels.indexOf(a.level) - payerLevels.indexOf(b.level));
}

/** "payer medicare-jb", or with coordination of benefits "payers medicare-jb (primary), medicaid-state (secondary)". */
function sentTo(payers: readonly ClaimPayerRef[]): string {
  if (payers.length === 1) return `payer ${payers[0].payerId}`;
  return `payers ${payers.map((payer) => `${payer.payerId} (${payer.level})`).join(', ')}`;
}

/**
 * Whether the CLP pays `claim` (ours with CLP01 as its claim number, if any), and at which
 * of its payers' levels. The reason names ids, payer ids and amounts only — never the
 * patient.
 */
export function matchRemittanceClaim(clp: MatchableClp, claim: MatchableClaim | undefined, payer: PayerResolution): ClaimMatch {
  if (!claim) return { matched: false, disagrees: 'control-number', reason: `no claim with patient control number ${clp.patientControlNumber}` };
  const payers = payersOfClaim(claim);
  if (!payer.resolved) {
    return { matched: false, disagrees: 'payer', reason: `claim ${claim.claimNumber} was sent to ${sentTo(payers)}, but ${payer.reason}` };
  }
  const billed = payers.find((candidate) => candidate.payerId === payer.payerId);
  if (!billed) {
    return {
      matched: false,
      disagrees: 'payer',
      reason: `claim ${claim.claimNumber} was sent to ${sentTo(payers)}, but the 835 is from payer ${payer.payerId} (${payer.by} ${payer.identifier})`,
    };
  }
  const charge = clp.status === '22' ? -clp.charge : clp.charge;
  if (charge !== claim.totalCharge) {
    return {
      matched: false,
      disagrees: 'charge',
      reason: `claim ${claim.claimNumber} was billed at ${money(claim.totalCharge)}, but CLP03 says ${money(charge)}${clp.status === '22' ? ' (reversal, sign undone)' : ''}`,
    };
  }
  return { matched: true, level: billed.level };
}
