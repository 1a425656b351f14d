/**
 * Claim status: the 276 inquiry we send when a claim goes quiet (005010X212), and
 * the two 277s we read — the 277CA claim acknowledgment after submission
 * (005010X214: accepted into adjudication or rejected at the front end) and the 277
 * answer to a 276 (005010X212: pending, paid, denied…).
 *
 * Where our identifiers come back:
 *   277CA  claim: TRN02 (2200D) = our patient control number (CLM01);
 *                 REF*1K = the payer's claim control number; REF*D9 = clearinghouse trace
 *          line:  REF*FJ = our line item control number (REF*6R in the 837)
 *   277    claim: TRN02 = the trace number of our 276; REF*EJ = patient control number;
 *                 REF*1K = payer claim control number
 *          line:  REF*FJ = line item control number
 */
import { interchangeText, type SegmentParts } from './envelope';
import { fail } from './errors';
import { dtpSpan, optionalCents, optionalDate, optionalText, required, text } from './fields';
import { clean, InputCheck, type InterchangeInput, type Sex } from './input';
import { components, parseX12, transactionSetsOf, type X12Delimiters, type X12Segment, type X12TransactionSet } from './parse';
import { ccyymmdd, dollars } from './values';

const CLAIM_STATUS_INQUIRY_VERSION = '005010X212';

export interface ClaimStatus276Input {
  interchange: InterchangeInput;
  /** 2100A. */
  payer: { name: string; id: string };
  /** 2100B information receiver: who gets the answer (the submitter, by its ETIN). */
  informationReceiver: { name: string; id: string };
  /** 2100C service provider: the billing supplier. */
  provider: { organizationName: string; npi: string };
  /** 2100D: the patient, sent as the subscriber (see build270 for why). */
  subscriber: { memberId: string; lastName: string; firstName: string; birthDate?: string; sex?: Sex };
  claim: {
    /** TRN02: our reference for this inquiry, echoed in the 277. */
    traceNumber: string;
    /** REF*EJ: CLM01 of the claim asked about. */
    patientControlNumber: string;
    /** REF*1K, when the 277CA or 835 gave us the payer's claim number. */
    payerClaimNumber?: string;
    /** AMT*T3 in cents. */
    totalCharge: number;
    serviceFrom: string;
    serviceTo: string;
  };
  /** 2210D, to ask about particular lines. */
  lines?: { hcpcs: string; modifiers: string[]; charge: number; units: number; lineControlNumber?: string; serviceFrom: string; serviceTo: string }[];
}

function dateElement(from: string, to: string): ['D8' | 'RD8', string] {
  return from === to ? ['D8', ccyymmdd(from)] : ['RD8', `${ccyymmdd(from)}-${ccyymmdd(to)}`];
}

export function build276(input: ClaimStatus276Input): string {
  const c = new InputCheck();
  c.interchange('interchange', input.interchange);
  c.text('payer.name', input.payer?.name, 60);
  c.identifier('payer.id', input.payer?.id, 80, 2);
  c.text('informationReceiver.name', input.informationReceiver?.name, 60);
  c.identifier('informationReceiver.id', input.informationReceiver?.id, 80, 2);
  c.text('provider.organizationName', input.provider?.organizationName, 60);
  c.npi('provider.npi', input.provider?.npi);
  const s = input.subscriber;
  c.identifier('subscriber.memberId', s?.memberId, 80, 2);
  c.text('subscriber.lastName', s?.lastName, 60);
  c.text('subscriber.firstName', s?.firstName, 35);
  if (s?.birthDate !== undefined) c.date('subscriber.birthDate', s.birthDate);
  if (s?.sex !== undefined && !['M', 'F', 'U'].includes(s.sex)) c.problem('subscriber.sex', 'must be M, F or U');
  const claim = input.claim;
  c.identifier('claim.traceNumber', claim?.traceNumber, 50);
  c.identifier('claim.patientControlNumber', claim?.patientControlNumber, 20);
  if (claim?.payerClaimNumber !== undefined) c.identifier('claim.payerClaimNumber', claim.payerClaimNumber, 50);
  c.cents('claim.totalCharge', claim?.totalCharge);
  c.date('claim.serviceFrom', claim?.serviceFrom);
  c.date('claim.serviceTo', claim?.serviceTo);
  (input.lines ?? []).forEach((l, i) => {
    if (!/^[A-V][0-9]{4}$/.test(l.hcpcs)) c.problem(`lines[${i}].hcpcs`, `"${l.hcpcs}" is not a HCPCS Level II code`);
    if (l.modifiers.length > 4 || l.modifiers.some((m) => !/^[A-Z0-9]{2}$/.test(m)))
      c.problem(`lines[${i}].modifiers`, 'at most 4 two-character modifiers');
    c.cents(`lines[${i}].charge`, l.charge);
    if (!(l.units > 0)) c.problem(`lines[${i}].units`, 'must be above zero');
    if (l.lineControlNumber !== undefined) c.identifier(`lines[${i}].lineControlNumber`, l.lineControlNumber, 50);
    c.date(`lines[${i}].serviceFrom`, l.serviceFrom);
    c.date(`lines[${i}].serviceTo`, l.serviceTo);
  });
  c.throwIfAny();

  const body: SegmentParts[] = [
    ['BHT', '0010', '13', claim.traceNumber, ccyymmdd(input.interchange.date), input.interchange.time.replace(':', '')],
    ['HL', '1', undefined, '20', '1'],
    ['NM1', 'PR', '2', clean(input.payer.name), undefined, undefined, undefined, undefined, 'PI', input.payer.id],
    ['HL', '2', '1', '21', '1'],
    ['NM1', '41', '2', clean(input.informationReceiver.name), undefined, undefined, undefined, undefined, '46', input.informationReceiver.id],
    ['HL', '3', '2', '19', '1'],
    ['NM1', '1P', '2', clean(input.provider.organizationName), undefined, undefined, undefined, undefined, 'XX', input.provider.npi],
    ['HL', '4', '3', '22', '0'],
  ];
  if (s.birthDate) body.push(['DMG', 'D8', ccyymmdd(s.birthDate), s.sex === 'U' ? undefined : s.sex]);
  body.push(['NM1', 'IL', '1', clean(s.lastName), clean(s.firstName), undefined, undefined, undefined, 'MI', s.memberId]);
  body.push(['TRN', '1', claim.traceNumber]);
  if (claim.payerClaimNumber) body.push(['REF', '1K', claim.payerClaimNumber]);
  body.push(['REF', 'EJ', claim.patientControlNumber]);
  body.push(['AMT', 'T3', dollars(claim.totalCharge)]);
  body.push(['DTP', '472', ...dateElement(claim.serviceFrom, claim.serviceTo)]);
  for (const l of input.lines ?? []) {
    body.push(['SVC', ['HC', l.hcpcs, ...l.modifiers], dollars(l.charge), undefined, undefined, undefined, undefined, String(l.units)]);
    if (l.lineControlNumber) body.push(['REF', 'FJ', l.lineControlNumber]);
    body.push(['DTP', '472', ...dateElement(l.serviceFrom, l.serviceTo)]);
  }
  return interchangeText(input.interchange, { functionalId: 'HR', transactionSetId: '276', version: CLAIM_STATUS_INQUIRY_VERSION }, body);
}

/** What a status category (STC01-1) means for the claim's workflow. */
export type ClaimStatusOutcome =
  | 'received' // A0, A1: acknowledged, not yet accepted
  | 'accepted' // A2: accepted into adjudication
  | 'rejected' // A3 returned unprocessable, A6/A7/A8 missing/invalid/relational data
  | 'not-found' // A4, D0: the payer has no such claim
  | 'pending' // P0–P5
  | 'paid' // F1
  | 'denied' // F2
  | 'finalized' // F0, F3, F3F, F3N, F4 (complete, no payment forthcoming)
  | 'information-requested' // R*
  | 'error' // E*: the inquiry itself could not be processed
  | 'other';

export function claimStatusOutcome(category: string): ClaimStatusOutcome {
  if (category === 'A0' || category === 'A1') return 'received';
  if (category === 'A2' || category === 'A5') return 'accepted';
  if (['A3', 'A6', 'A7', 'A8'].includes(category)) return 'rejected';
  if (category === 'A4' || category === 'D0') return 'not-found';
  if (/^P[0-5]$/.test(category)) return 'pending';
  if (category === 'F1') return 'paid';
  if (category === 'F2') return 'denied';
  if (/^F/.test(category)) return 'finalized';
  if (/^R/.test(category)) return 'information-requested';
  if (/^E/.test(category)) return 'error';
  return 'other';
}

export interface ClaimStatusCode {
  /** STC01-1 (or STC10-1, STC11-1): A1, A2, A3, A6, A7, A8, P0–P5, F1, F2, F4… */
  category: string;
  outcome: ClaimStatusOutcome;
  /** Claim status code (code source 508), e.g. 20 accepted for processing, 562 entity's NPI, 21 missing/invalid info. */
  code: string;
  /** Entity the status is about (85 billing provider, IL subscriber, QC patient, DK ordering provider…). */
  entity?: string;
}

export interface ClaimStatusEntry {
  /** STC01 plus STC10 and STC11 when the payer reports more than one reason. */
  codes: ClaimStatusCode[];
  /** STC02. */
  effectiveDate?: string;
  /** STC03 in a 277CA: WQ accepted, U rejected. */
  action?: string;
  /** STC04, cents. */
  totalCharge?: number;
  /** STC05, cents. */
  paid?: number;
  /** STC06. */
  adjudicatedDate?: string;
  /** STC09. */
  checkNumber?: string;
  /** STC12 free text. */
  message?: string;
}

export interface ClaimStatusLine {
  hcpcs: string;
  modifiers: string[];
  charge?: number;
  /** REF*FJ: our REF*6R from the 837. */
  lineControlNumber?: string;
  serviceFrom?: string;
  serviceTo?: string;
  statuses: ClaimStatusEntry[];
}

export interface ClaimStatusClaim {
  /** The claim's CLM01: TRN02 in a 277CA, REF*EJ in a 277. */
  patientControlNumber?: string;
  /** TRN02 as sent (in a 277, our 276 trace number). */
  traceNumber: string;
  /** REF*1K. */
  payerClaimNumber?: string;
  /** REF*D9. */
  clearinghouseTraceNumber?: string;
  patient: { lastName?: string; firstName?: string; memberId?: string };
  /** NPI/id of the billing provider level (2100C) the claim sits under. */
  providerId?: string;
  serviceFrom?: string;
  serviceTo?: string;
  statuses: ClaimStatusEntry[];
  lines: ClaimStatusLine[];
  /** The most relevant outcome: the first STC's first category. */
  outcome: ClaimStatusOutcome;
}

export interface ClaimStatusResponse {
  /** 277CA acknowledgment (X214) or 277 answer to a 276 (X212). */
  kind: 'acknowledgment' | 'inquiry-response';
  /** ST02. */
  controlNumber: string;
  payer: { name?: string; id?: string };
  /** STC at the receiver/provider levels (2200B/2200C): about the whole batch. */
  batchStatuses: ClaimStatusEntry[];
  claims: ClaimStatusClaim[];
}

function statusEntry(seg: X12Segment, d: X12Delimiters): ClaimStatusEntry {
  const codes: ClaimStatusCode[] = [];
  for (const index of [1, 10, 11]) {
    const value = optionalText(seg, index);
    if (value === undefined) continue;
    const [category, code, entity] = components(value, d);
    if (!category) fail('invalid-value', `STC${String(index).padStart(2, '0')} "${value}" has no status category`, seg);
    codes.push({ category, outcome: claimStatusOutcome(category), code: code ?? '', ...(entity ? { entity } : {}) });
  }
  if (codes.length === 0) fail('structure', 'STC01 (status category and code) is required', seg);
  const entry: ClaimStatusEntry = { codes };
  const effectiveDate = optionalDate(seg, 2);
  if (effectiveDate) entry.effectiveDate = effectiveDate;
  if (optionalText(seg, 3)) entry.action = text(seg, 3);
  const totalCharge = optionalCents(seg, 4);
  if (totalCharge !== undefined) entry.totalCharge = totalCharge;
  const paid = optionalCents(seg, 5);
  if (paid !== undefined) entry.paid = paid;
  const adjudicatedDate = optionalDate(seg, 6);
  if (adjudicatedDate) entry.adjudicatedDate = adjudicatedDate;
  if (optionalText(seg, 9)) entry.checkNumber = text(seg, 9);
  if (optionalText(seg, 12)) entry.message = text(seg, 12);
  return entry;
}

function readStatus(set: X12TransactionSet, d: X12Delimiters): ClaimStatusResponse {
  const version = set.version;
  const bht = set.segments[1];
  const kind: ClaimStatusResponse['kind'] =
    version.includes('X214') || (bht?.id === 'BHT' && text(bht, 1) === '0085') ? 'acknowledgment' : 'inquiry-response';
  const response: ClaimStatusResponse = { kind, controlNumber: set.controlNumber, payer: {}, batchStatuses: [], claims: [] };
  let level: string | undefined;
  let providerId: string | undefined;
  let patient: ClaimStatusClaim['patient'] = {};
  let claim: ClaimStatusClaim | undefined;
  let line: ClaimStatusLine | undefined;

  for (let s = 1; s < set.segments.length - 1; s++) {
    const seg = set.segments[s];
    switch (seg.id) {
      case 'HL':
        level = required(seg, 3);
        claim = undefined;
        line = undefined;
        if (level === 'PT' || level === '22' || level === '23') patient = {};
        break;
      case 'NM1':
        if (level === '20') response.payer = { name: optionalText(seg, 3), id: optionalText(seg, 9) };
        else if (level === '19') providerId = optionalText(seg, 9);
        else if (level === 'PT' || level === '22' || level === '23') {
          patient = { lastName: optionalText(seg, 3), firstName: optionalText(seg, 4), memberId: optionalText(seg, 9) };
        }
        break;
      case 'TRN':
        if (level === 'PT' || level === '22' || level === '23') {
          // A new 2200D claim loop starts at each TRN under the patient.
          const traceNumber = required(seg, 2);
          line = undefined;
          claim = {
            ...(kind === 'acknowledgment' ? { patientControlNumber: traceNumber } : {}),
            traceNumber,
            patient,
            ...(providerId ? { providerId } : {}),
            statuses: [],
            lines: [],
            outcome: 'other',
          };
          response.claims.push(claim);
        }
        break;
      case 'STC': {
        const entry = statusEntry(seg, d);
        if (line) line.statuses.push(entry);
        else if (claim) claim.statuses.push(entry);
        else response.batchStatuses.push(entry);
        break;
      }
      case 'REF': {
        const qualifier = text(seg, 1);
        if (line) {
          if (qualifier === 'FJ') line.lineControlNumber = required(seg, 2);
        } else if (claim) {
          if (qualifier === '1K') claim.payerClaimNumber = required(seg, 2);
          else if (qualifier === 'D9') claim.clearinghouseTraceNumber = required(seg, 2);
          else if (qualifier === 'EJ') claim.patientControlNumber = required(seg, 2);
        }
        break;
      }
      case 'DTP':
        if (text(seg, 1) === '472' && (line || claim)) {
          const span = dtpSpan(seg);
          const target = line ?? claim!;
          target.serviceFrom = span.from;
          target.serviceTo = span.to;
        }
        break;
      case 'SVC': {
        if (!claim) fail('structure', 'SVC (service line) outside a claim (no TRN before it)', seg);
        const [, hcpcs, ...modifiers] = components(required(seg, 1), d);
        line = { hcpcs: hcpcs ?? '', modifiers: modifiers.slice(0, 4).filter((m) => m !== ''), statuses: [] };
        const charge = optionalCents(seg, 2);
        if (charge !== undefined) line.charge = charge;
        claim.lines.push(line);
        break;
      }
      default:
        // QTY/AMT batch totals, PER contacts and DMG carry nothing the claim workflow acts on.
        break;
    }
  }
  for (const c of response.claims) c.outcome = c.statuses[0]?.codes[0]?.outcome ?? 'other';
  return response;
}

/** Reads a 277CA or 277: one response per transaction set, one entry per claim. */
export function parse277(x12: string): ClaimStatusResponse[] {
  const interchange = parseX12(x12);
  return transactionSetsOf(interchange, '277').map((set) => readStatus(set, interchange.delimiters));
}
