/**
 * The 835 remittance advice (005010X221A1): what the payer paid, adjusted and why,
 * per claim and per line, in cents. A remittance is posted whole or not at all
 * (DOMAIN.md §11), so `parse835` refuses what the TR3 does not allow — another
 * version, a segment longer than the guide's repeat limits, a missing TRN03 — and
 * checks the balancing rules, throwing one X12Error listing every problem instead of
 * returning a file cut short or numbers that do not add up.
 */
import { fail, X12Error } from './errors';
import { cents, date, optionalCents, optionalQuantity, optionalText, required, text } from './fields';
import { components, parseX12, transactionSetsOf, type X12Delimiters, type X12Interchange, type X12Segment, type X12TransactionSet } from './parse';
import { balance835 } from './remittance835-balance';

/**
 * CLP02: 1/2/3 processed as primary/secondary/tertiary, 4 denied, 19/20/21 processed
 * and forwarded to another payer, 22 reversal of a previous payment, 23 not our
 * claim (forwarded), 25 predetermination only.
 */
export type RemittanceClaimStatus = '1' | '2' | '3' | '4' | '19' | '20' | '21' | '22' | '23' | '25';
const CLAIM_STATUSES: readonly string[] = ['1', '2', '3', '4', '19', '20', '21', '22', '23', '25'];

/** CAS01: CO contractual (never bill the patient), PR patient responsibility, OA other, PI payer initiated. */
export type AdjustmentGroup = 'CO' | 'PR' | 'OA' | 'PI';
const GROUPS: readonly string[] = ['CO', 'PR', 'OA', 'PI'];

export interface Adjustment {
  group: AdjustmentGroup;
  /** CARC: 1 deductible, 2 coinsurance, 45 above fee schedule, 253 sequestration… */
  reason: string;
  /** Cents; negative on reversals. */
  amount: number;
  quantity?: number;
}

export interface RemittanceLine {
  /** SVC01-1: HC for HCPCS. */
  procedureQualifier: string;
  hcpcs: string;
  modifiers: string[];
  charge: number;
  paid: number;
  /** SVC05, units paid; absent means 1. */
  unitsPaid?: number;
  /** SVC06 when the payer adjudicated a different code than billed. */
  billedProcedure?: { hcpcs: string; modifiers: string[] };
  /** DTM*472, or DTM*150/151 for a span. */
  serviceFrom?: string;
  serviceTo?: string;
  adjustments: Adjustment[];
  /** REF*6R: our line control number from the 837. */
  lineControlNumber?: string;
  /** AMT*B6. */
  allowed?: number;
  /** LQ*HE remittance advice remark codes (N130, M3…). */
  remarkCodes: string[];
  /** Segment number of the SVC, for messages. */
  position: number;
}

export interface RemittanceClaim {
  /** CLP01: our claim's patient control number. */
  patientControlNumber: string;
  status: RemittanceClaimStatus;
  charge: number;
  paid: number;
  patientResponsibility: number;
  /** CLP06: MB, MC, CI… */
  filingIndicator: string;
  /** CLP07: the payer's claim number (ICN), needed for a replacement claim's REF*F8. */
  payerClaimNumber: string;
  /** CLP09 frequency code of the claim as adjudicated. */
  frequencyCode?: string;
  patient?: { lastName?: string; firstName?: string; memberId?: string };
  /** DTM*232/233. */
  statementFrom?: string;
  statementTo?: string;
  /** DTM*050. */
  receivedDate?: string;
  adjustments: Adjustment[];
  /** MOA remark codes (MOA03–MOA07). */
  remarkCodes: string[];
  lines: RemittanceLine[];
  /** Segment number of the CLP, for messages. */
  position: number;
}

/** PLB reason: WO overpayment recovery, FB forward balance, 72 provider refund, L6 interest, and others. */
export interface ProviderAdjustment {
  providerId: string;
  /** PLB02, the last day of the provider's fiscal year. */
  fiscalPeriodDate: string;
  reason: string;
  /** PLB03-2: usually the ICN of the claim the adjustment is about. */
  referenceId?: string;
  /** Cents; positive reduces the payment, negative (interest) adds to it. */
  amount: number;
}

export interface Remittance {
  /** ST02. */
  controlNumber: string;
  /** BPR01: I remittance and payment, H notification only, C payment accompanies… */
  handlingCode: string;
  /** BPR02, the money that moves. */
  paymentAmount: number;
  /** BPR03: C credit to the supplier, D debit. */
  creditDebit: string;
  /** BPR04: ACH, CHK, NON (no payment), BOP, FWT. */
  paymentMethod: string;
  /** BPR16: the check or EFT effective date. */
  paymentDate: string;
  /** TRN02: check or EFT number. With the payer, identifies the remittance. */
  traceNumber: string;
  /** TRN03 (required): "1" + the EIN of the company that initiated the payment. */
  payerTraceId: string;
  productionDate?: string;
  /**
   * 1000A. N104 is the payer identifier only with N103 XV (the CMS National Plan ID,
   * sent once its use is mandated); REF*2U carries the payer identification number
   * (a Medicare contractor or plan id) — X12 RFI 2245 on 005010X221.
   */
  payer: { name: string; nationalPlanId?: string; payerIdNumber?: string };
  payee: { name: string; idQualifier?: string; id?: string; taxId?: string };
  claims: RemittanceClaim[];
  providerAdjustments: ProviderAdjustment[];
}

/**
 * The TR3's element limits, checked before anything is read so an over-long segment is
 * refused, never cut short: CAS holds six reason triples (CAS02–CAS19) and PLB six
 * adjustment pairs (PLB03–PLB14) — 005010X221A1 segments 2100/2110 CAS and PLB.
 * More adjustments go in another CAS of the same group or another PLB.
 */
const LAST_ELEMENT: Readonly<Record<string, { last: number; what: string }>> = {
  CAS: { last: 19, what: 'six reason/amount/quantity triples (CAS02–CAS19); send the others in another CAS of the group' },
  PLB: { last: 14, what: 'six adjustment identifier/amount pairs (PLB03–PLB14); send the others in another PLB' },
};

function checkElementLimit(seg: X12Segment): void {
  const limit = LAST_ELEMENT[seg.id];
  if (limit && seg.elements.length - 1 > limit.last) {
    fail('structure', `${seg.id} has ${seg.elements.length - 1} elements; the 005010X221A1 ${seg.id} holds at most ${limit.what}`, seg);
  }
}

function adjustments(seg: X12Segment): Adjustment[] {
  checkElementLimit(seg);
  const group = required(seg, 1);
  if (!GROUPS.includes(group)) fail('invalid-value', `CAS01 "${group}" is not a claim adjustment group (CO, PR, OA, PI)`, seg);
  const result: Adjustment[] = [];
  // Up to six reason/amount/quantity triples: CAS02–04, 05–07 … 17–19.
  for (let i = 2; i <= 17; i += 3) {
    const reason = optionalText(seg, i);
    if (reason === undefined) {
      if (optionalText(seg, i + 1) !== undefined) fail('structure', `CAS${String(i + 1).padStart(2, '0')} has an amount without a reason code`, seg);
      continue;
    }
    const quantity = optionalQuantity(seg, i + 2);
    result.push({ group: group as AdjustmentGroup, reason, amount: cents(seg, i + 1), ...(quantity !== undefined ? { quantity } : {}) });
  }
  if (result.length === 0) fail('structure', 'CAS without any reason code', seg);
  return result;
}

/** 1000A N103/N104: both or neither (syntax P0304), and XV is the only qualifier the TR3 lists. */
function payerPlanId(seg: X12Segment): { nationalPlanId?: string } {
  const qualifier = optionalText(seg, 3);
  const id = optionalText(seg, 4);
  if (qualifier === undefined && id === undefined) return {};
  if (qualifier === undefined || id === undefined) fail('structure', 'N103 and N104 of the payer come together (both or neither)', seg);
  if (qualifier !== 'XV')
    fail('invalid-value', `N103 "${qualifier}" is not XV (CMS National Plan ID), the only payer identifier qualifier of 005010X221A1`, seg);
  return { nationalPlanId: id };
}

function procedure(value: string, d: X12Delimiters, seg: X12Segment): { qualifier: string; hcpcs: string; modifiers: string[] } {
  const [qualifier, hcpcs, ...rest] = components(value, d);
  if (!hcpcs) fail('structure', `${seg.id}01 "${value}" has no procedure code`, seg);
  return { qualifier, hcpcs, modifiers: rest.slice(0, 4).filter((m) => m !== '') };
}

function readRemittance(set: X12TransactionSet, d: X12Delimiters): Remittance {
  const segs = set.segments;
  let remittance: Partial<Remittance> & { claims: RemittanceClaim[]; providerAdjustments: ProviderAdjustment[] } = {
    controlNumber: set.controlNumber,
    claims: [],
    providerAdjustments: [],
  };
  // Which loop a shared segment (N3, REF, DTM, CAS, AMT…) belongs to.
  let party: 'payer' | 'payee' | undefined;
  let claim: RemittanceClaim | undefined;
  let line: RemittanceLine | undefined;

  for (let s = 1; s < segs.length - 1; s++) {
    const seg = segs[s];
    switch (seg.id) {
      case 'BPR':
        remittance = {
          ...remittance,
          handlingCode: required(seg, 1),
          paymentAmount: cents(seg, 2),
          creditDebit: required(seg, 3),
          paymentMethod: required(seg, 4),
          paymentDate: date(seg, 16),
        };
        break;
      case 'TRN':
        remittance.traceNumber = required(seg, 2);
        // TRN03 is required in 005010X221A1 (the payer's "1" + EIN); it is half of the remittance's identity.
        remittance.payerTraceId = required(seg, 3);
        break;
      case 'DTM':
        if (line) {
          const qualifier = text(seg, 1);
          if (qualifier === '472') line.serviceFrom = line.serviceTo = date(seg, 2);
          else if (qualifier === '150') line.serviceFrom = date(seg, 2);
          else if (qualifier === '151') line.serviceTo = date(seg, 2);
        } else if (claim) {
          const qualifier = text(seg, 1);
          if (qualifier === '232') claim.statementFrom = date(seg, 2);
          else if (qualifier === '233') claim.statementTo = date(seg, 2);
          else if (qualifier === '050') claim.receivedDate = date(seg, 2);
        } else if (text(seg, 1) === '405') remittance.productionDate = date(seg, 2);
        break;
      case 'N1':
        if (claim) fail('structure', 'N1 inside a claim: the payer (N1*PR) and payee (N1*PE) come before the first CLP', seg);
        if (text(seg, 1) === 'PR') {
          party = 'payer';
          remittance.payer = { name: text(seg, 2), ...payerPlanId(seg) };
        } else if (text(seg, 1) === 'PE') {
          party = 'payee';
          remittance.payee = { name: text(seg, 2), idQualifier: optionalText(seg, 3), id: optionalText(seg, 4) };
        }
        break;
      case 'REF': {
        const qualifier = text(seg, 1);
        if (line) {
          if (qualifier === '6R') line.lineControlNumber = required(seg, 2);
        } else if (!claim && party === 'payer' && qualifier === '2U' && !remittance.payer?.payerIdNumber) {
          remittance.payer = { ...remittance.payer!, payerIdNumber: required(seg, 2) };
        } else if (!claim && party === 'payee' && qualifier === 'TJ') {
          remittance.payee = { ...remittance.payee!, taxId: required(seg, 2) };
        }
        break;
      }
      case 'LX':
        claim = undefined;
        line = undefined;
        break;
      case 'CLP': {
        const status = required(seg, 2);
        if (!CLAIM_STATUSES.includes(status)) fail('invalid-value', `CLP02 "${status}" is not a claim status code`, seg);
        line = undefined;
        claim = {
          patientControlNumber: required(seg, 1),
          status: status as RemittanceClaimStatus,
          charge: cents(seg, 3),
          paid: cents(seg, 4),
          patientResponsibility: optionalCents(seg, 5) ?? 0,
          filingIndicator: text(seg, 6),
          payerClaimNumber: text(seg, 7),
          ...(optionalText(seg, 9) ? { frequencyCode: text(seg, 9) } : {}),
          adjustments: [],
          remarkCodes: [],
          lines: [],
          position: seg.position,
        };
        remittance.claims.push(claim);
        break;
      }
      case 'CAS':
        if (line) line.adjustments.push(...adjustments(seg));
        else if (claim) claim.adjustments.push(...adjustments(seg));
        else fail('structure', 'CAS outside a claim (no CLP before it)', seg);
        break;
      case 'NM1':
        if (claim && !line && text(seg, 1) === 'QC') {
          claim.patient = { lastName: optionalText(seg, 3), firstName: optionalText(seg, 4), memberId: optionalText(seg, 9) };
        }
        break;
      case 'MOA':
        if (claim) for (let i = 3; i <= 7; i++) if (optionalText(seg, i)) claim.remarkCodes.push(text(seg, i));
        break;
      case 'SVC': {
        if (!claim) fail('structure', 'SVC outside a claim (no CLP before it)', seg);
        const billed = procedure(required(seg, 1), d, seg);
        const originalText = optionalText(seg, 6);
        const original = originalText ? procedure(originalText, d, seg) : undefined;
        const units = optionalQuantity(seg, 5);
        line = {
          procedureQualifier: billed.qualifier,
          hcpcs: billed.hcpcs,
          modifiers: billed.modifiers,
          charge: cents(seg, 2),
          paid: cents(seg, 3),
          ...(units !== undefined ? { unitsPaid: units } : {}),
          ...(original ? { billedProcedure: { hcpcs: original.hcpcs, modifiers: original.modifiers } } : {}),
          adjustments: [],
          remarkCodes: [],
          position: seg.position,
        };
        claim.lines.push(line);
        break;
      }
      case 'AMT':
        if (line && text(seg, 1) === 'B6') line.allowed = cents(seg, 2);
        else if (!line) cents(seg, 2); // claim-level amounts (AU, D8…) are not posted, but must still be amounts
        break;
      case 'LQ':
        if (!line) fail('structure', 'LQ (remark code) outside a service line', seg);
        if (text(seg, 1) === 'HE') line.remarkCodes.push(required(seg, 2));
        break;
      case 'PLB': {
        checkElementLimit(seg);
        claim = undefined;
        line = undefined;
        const providerId = required(seg, 1);
        const fiscalPeriodDate = date(seg, 2);
        // Up to six adjustment identifier/amount pairs: PLB03/04 … PLB13/14.
        for (let i = 3; i <= 13; i += 2) {
          const id = optionalText(seg, i);
          if (id === undefined) continue;
          const [reason, referenceId] = components(id, d);
          remittance.providerAdjustments.push({
            providerId,
            fiscalPeriodDate,
            reason,
            ...(referenceId ? { referenceId } : {}),
            amount: cents(seg, i + 1),
          });
        }
        break;
      }
      default:
        // N3/N4/PER/TS3/TS2/MIA/QTY/RDM/CUR carry nothing posting uses.
        break;
    }
  }
  const first = segs[0];
  if (remittance.paymentAmount === undefined) fail('structure', `transaction set ${set.controlNumber} has no BPR (financial information)`, first);
  if (remittance.traceNumber === undefined) fail('structure', `transaction set ${set.controlNumber} has no TRN (check or EFT trace number)`, first);
  if (!remittance.payer) fail('structure', `transaction set ${set.controlNumber} has no N1*PR (payer)`, first);
  if (!remittance.payee) fail('structure', `transaction set ${set.controlNumber} has no N1*PE (payee)`, first);
  return remittance as Remittance;
}

/** The 835 HIPAA requires since 2012 (45 CFR 162.1602; 4010 was allowed only until 2011): ASC X12 005010X221A1. */
export const REMITTANCE_VERSION = '005010X221A1';

/**
 * Only HIPAA's 835 is read: GS01 HP (health care claim payment/advice) and GS08
 * 005010X221A1. The TR3 marks ST03 "not used", so GS08 is what names the version; an
 * ST03 that is sent anyway must agree with it. A 4010 (004010X091A1) file is refused
 * here, before anything is read or looked up.
 */
function checkVersion(interchange: X12Interchange): void {
  for (const group of interchange.groups) {
    // The GS is the segment before its first ST (parseX12 keeps no GS segment of its own).
    const first = group.transactionSets[0]?.segments[0];
    const gs = first ? { position: first.position - 1, id: 'GS' } : undefined;
    if (group.functionalId !== 'HP') {
      fail('wrong-transaction', `GS01 "${group.functionalId}" is not HP (health care claim payment/advice): not an 835 functional group`, gs);
    }
    if (group.version !== REMITTANCE_VERSION) {
      fail('unsupported-version', `GS08 "${group.version}" is not ${REMITTANCE_VERSION}: only the HIPAA 5010 835 is accepted`, gs);
    }
    for (const set of group.transactionSets) {
      const st03 = set.segments[0].elements[3];
      if (st03 && st03 !== REMITTANCE_VERSION) {
        fail('unsupported-version', `ST03 "${st03}" is not ${REMITTANCE_VERSION} (GS08 says ${group.version})`, set.segments[0]);
      }
    }
  }
}

/** Parses every 835 in the file and checks the version, the TR3's limits and the balancing of each; throws X12Error on any problem. */
export function parse835(x12: string): Remittance[] {
  const interchange = parseX12(x12);
  const sets = transactionSetsOf(interchange, '835');
  checkVersion(interchange);
  const remittances = sets.map((set) => readRemittance(set, interchange.delimiters));
  const issues = remittances.flatMap(balance835);
  if (issues.length > 0) throw new X12Error(issues);
  return remittances;
}
