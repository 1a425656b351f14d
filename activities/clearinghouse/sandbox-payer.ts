/**
 * The sandbox payer's business: how it reads what the supplier sends (837P, 270, 276),
 * which test triggers it honours, and how it adjudicates a claim with the fee schedule
 * (DOMAIN.md §11, §14). Pure functions; `sandbox.ts` keeps the state.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { components, dollars, X12Error, type X12Delimiters, type X12Interchange, type X12Segment, type X12TransactionSet } from '../../domain/x12';
import { expectedPayment, lineAllowedAmount, parseFeeScheduleCsv, type FeeSchedule } from '../../domain/pricing';
import type { PayerLevel } from '../../domain/coordination';
import { payerPolicy, type PayerKind } from '../../domain/payer-policy';
import { readX12 } from './read-x12';
import { linesAfterPriorPayers, payerLevelOf, readCoordination, type LineAdjudication, type OtherPayer } from './sandbox-cob';
import { ccyymmdd, dateSpan, x12Date, type AnsweredLevel, type RemittanceAdjustment, type Segment } from './sandbox-x12';

// ---------------------------------------------------------------- triggers

export type SandboxOutcome =
  | 'coverage-inactive'
  | 'claim-rejected'
  | 'denied-medical-necessity'
  | 'partially-paid'
  | 'duplicate-payment'
  | 'denied-no-prior-auth'
  | 'unprocessable';

/**
 * The test triggers: the last two characters of the member id (NM1*IL NM109 of the
 * 270, 837P and 276) choose the payer's answer, so a tester reaches every branch from
 * the API by entering a coverage with such a member id. Any other member id: active
 * coverage, claims accepted and paid.
 */
export const SANDBOX_TRIGGERS: readonly { memberIdEndsWith: string; outcome: SandboxOutcome; answer: string }[] = [
  {
    memberIdEndsWith: '91',
    outcome: 'coverage-inactive',
    answer: '271: EB*6 (inactive) for each service type asked (12, 18 or DM), no EB*1; DTP*357 eligibility ended the day before the date asked',
  },
  {
    memberIdEndsWith: '92',
    outcome: 'claim-rejected',
    answer:
      '999 accepts the file (IK5/AK9 A); the 277CA rejects the claim: STC A7:164:IL (invalid subscriber contract/member number), action U; no 835; a 276 answers A7',
  },
  {
    memberIdEndsWith: '93',
    outcome: 'denied-medical-necessity',
    answer: '835: CLP02 4 (denied), every line CAS CO-50 for its charge, remark N115, paid 0; a 276 answers F2',
  },
  {
    memberIdEndsWith: '94',
    outcome: 'partially-paid',
    answer:
      '835: the last line denied CO-151 (paid 0) and the others paid normally; a one-line claim is paid on half its allowed amount, the other half CO-151',
  },
  {
    memberIdEndsWith: '95',
    outcome: 'duplicate-payment',
    answer:
      '835 pays the claim normally; once that 835 is confirmed, a second 835 one remittance delay later pays the same claim (same CLP01) again under a second payer claim number',
  },
  {
    memberIdEndsWith: '96',
    outcome: 'denied-no-prior-auth',
    answer: '835: CLP02 4 (denied), every line CAS CO-197 (prior authorization absent) for its charge, paid 0; a 276 answers F2',
  },
  {
    memberIdEndsWith: '97',
    outcome: 'unprocessable',
    answer:
      '835: CLP02 4, every line CAS CO-16 (missing or invalid information) for its charge with remark MA130 (unprocessable, no appeal rights), paid 0; a 276 answers F2',
  },
];

export function sandboxOutcome(memberId: string): SandboxOutcome | undefined {
  return SANDBOX_TRIGGERS.find((t) => memberId.endsWith(t.memberIdEndsWith))?.outcome;
}

/** Why the 277CA rejects a claim: STC01 category:status(:entity) and the message (STC12). */
export interface FrontEndRejection {
  code: string;
  message: string;
}

/**
 * The claim's front-end rejection, if any: the member-id trigger (A7:164:IL); an SBR01
 * the sandbox payer does not take (A7:742, payer responsibility sequence number code);
 * or a claim to Medicare as a secondary or tertiary payer without SBR05, which
 * 005010X222A1 requires there (A6:578, insurance type code missing).
 */
export function frontEndRejection(claim: PayerClaim): FrontEndRejection | undefined {
  if (sandboxOutcome(claim.subscriber.memberId) === 'claim-rejected') return { code: 'A7:164:IL', message: 'SUBSCRIBER MEMBER ID INVALID' };
  if (!claim.level) return { code: 'A7:742', message: 'PAYER RESPONSIBILITY SEQUENCE (SBR01) MUST BE P, S OR T' };
  if (payerKindOf(claim.filingIndicator) === 'medicare' && claim.level !== 'primary' && !claim.insuranceType) {
    return { code: 'A6:578', message: 'MEDICARE IS NOT PRIMARY: THE MSP TYPE (SBR05) IS REQUIRED' };
  }
  return undefined;
}

// ---------------------------------------------------------------- reading what the supplier sends

function transactionSets(what: string, file: X12Interchange, id: string): X12TransactionSet[] {
  const sets = file.groups.flatMap((g) => g.transactionSets);
  if (sets.length === 0 || sets.some((s) => s.id !== id)) {
    throw new X12Error([
      {
        code: 'wrong-transaction',
        message: `the ${what} must hold ${id} transaction sets only, found ${sets.map((s) => s.id).join(', ') || 'none'}`,
      },
    ]);
  }
  return sets;
}

const el = (segment: X12Segment, index: number): string => segment.elements[index] ?? '';

/** "150.5" → 15050 without floating point; the sandbox reads amounts its own builder wrote. */
function centsOf(value: string, where: X12Segment): number {
  const match = /^(\d*)(?:\.(\d*))?$/.exec(value);
  if (!match || (match[1] === '' && !match[2]) || /[1-9]/.test((match[2] ?? '').slice(2))) {
    throw new X12Error([
      {
        code: 'invalid-value',
        message: `segment ${where.position} (${where.id}): an amount is not dollars and cents`,
        segment: { position: where.position, id: where.id },
      },
    ]);
  }
  return Number(match[1] || '0') * 100 + Number((match[2] ?? '').slice(0, 2).padEnd(2, '0'));
}

/** "20240301" → "2024-03-01"; RD8 "20240301-20240331" → both ends. */
function isoDate(value: string): string {
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}

function span(segment: X12Segment): { from: string; to: string } {
  const [from, to] = el(segment, 3).split('-');
  return { from: isoDate(from), to: isoDate(to ?? from) };
}

export interface PayerClaimLine {
  hcpcs: string;
  modifiers: string[];
  charge: number;
  units: number;
  serviceFrom: string;
  serviceTo: string;
  /** REF*6R: echoed in the 835 so posting finds the line. */
  lineControlNumber?: string;
  /** The line's 2430 loops: how the claim's other payers adjudicated it. */
  priorAdjudications: LineAdjudication[];
}

export interface Person {
  lastName: string;
  firstName?: string;
  /** N4 state of the person's address: the fee schedule locality. */
  state?: string;
}

/** A claim as the payer read it from the 837P, with the envelope the answers go back through. */
export interface PayerClaim {
  /** CLM01. */
  patientControlNumber: string;
  /** CLM02 in cents. */
  charge: number;
  /** CLM05-1 and CLM05-3. */
  placeOfService: string;
  frequencyCode: string;
  /** SBR09: MB Medicare Part B, MC Medicaid, CI commercial… */
  filingIndicator: string;
  /** 2000B SBR01 (P, S, T): the level this payer is billed at; undefined for any other code. */
  level?: PayerLevel;
  /** 2000B SBR05: why Medicare is not primary (12 working aged…), on a Medicare secondary claim. */
  insuranceType?: string;
  /** The 2320/2330 loops: the claim's other payers, with their adjudication once they made one. */
  otherPayers: OtherPayer[];
  payer: { name: string; id: string };
  billingProvider: { name: string; npi: string; state?: string };
  subscriber: Person & { memberId: string };
  /** 2000C, when the patient is not the subscriber. */
  patient?: Person;
  lines: PayerClaimLine[];
  envelope: {
    /** ISA13 of the file. */
    controlNumber: string;
    senderQualifier: string;
    senderId: string;
    receiverQualifier: string;
    receiverId: string;
    applicationSender: string;
    applicationReceiver: string;
    usage: string;
    functionalId: string;
    groupControlNumber: string;
    transactionSetId: string;
    transactionSetControlNumber: string;
    version: string;
    /** BHT03: the submitter's batch reference. */
    batchReference: string;
    /** 1000A and 1000B. */
    submitter: { name: string; id: string };
    receiver: { name: string; id: string };
  };
}

export interface ReceivedClaim {
  claim: PayerClaim;
  /**
   * The claim on its own as a complete interchange: the file's envelope and header,
   * its billing provider, subscriber and patient levels, and its own CLM loop. What the
   * sandbox stores, so the payer can answer after a restart without the whole file.
   */
  x12: string;
}

function segmentTextOf(segment: X12Segment, d: X12Delimiters): string {
  return segment.elements.join(d.element) + d.segment;
}

/** ISA and GS rebuilt from the parsed envelope (the parser keeps their values, not their text). */
function envelopeText(file: X12Interchange, groupIndex: number, d: X12Delimiters): { head: string; tail: string } {
  const group = file.groups[groupIndex];
  const isa =
    [
      'ISA',
      '00',
      ' '.repeat(10),
      '00',
      ' '.repeat(10),
      file.senderQualifier,
      file.senderId.padEnd(15),
      file.receiverQualifier,
      file.receiverId.padEnd(15),
      file.date.replace(/-/g, '').slice(2),
      file.time.replace(':', ''),
      d.repetition ?? 'U',
      file.version,
      file.controlNumber,
      '0',
      file.usage,
      d.component,
    ].join(d.element) + d.segment;
  const gs =
    [
      'GS',
      group.functionalId,
      group.senderCode,
      group.receiverCode,
      group.date.replace(/-/g, ''),
      group.time.replace(':', ''),
      group.controlNumber,
      'X',
      group.version,
    ].join(d.element) + d.segment;
  const tail = ['GE', '1', group.controlNumber].join(d.element) + d.segment + ['IEA', '1', file.controlNumber].join(d.element) + d.segment;
  return { head: isa + gs, tail };
}

function nameOf(nm1: X12Segment): Person {
  return { lastName: el(nm1, 3), ...(el(nm1, 4) ? { firstName: el(nm1, 4) } : {}) };
}

/**
 * Every claim of an 837P file, walking the HL levels: 20 billing provider, 22
 * subscriber (SBR, NM1*IL, NM1*PR), 23 patient, then each CLM with its LX/SV1/DTP*472/
 * REF*6R lines.
 */
export function readClaims(x12: string): ReceivedClaim[] {
  const file = readX12('837P claim file', x12);
  const d = file.delimiters;
  const claims: ReceivedClaim[] = [];
  file.groups.forEach((group, groupIndex) => {
    for (const set of transactionSets('837P claim file', { ...file, groups: [group] }, '837')) {
      const header: X12Segment[] = [];
      let provider: X12Segment[] = [];
      let subscriber: X12Segment[] = [];
      let patient: X12Segment[] = [];
      let level: 'header' | 'provider' | 'subscriber' | 'patient' | 'claim' = 'header';
      let current: X12Segment[] | undefined;
      const finish = () => {
        if (current) claims.push(claimFrom(file, groupIndex, set, [...header, ...provider, ...subscriber, ...patient], current, d));
        current = undefined;
      };
      for (const segment of set.segments.slice(1, -1)) {
        if (segment.id === 'HL') {
          finish();
          const code = el(segment, 3);
          if (code === '20') [provider, subscriber, patient, level] = [[segment], [], [], 'provider'];
          else if (code === '22') [subscriber, patient, level] = [[segment], [], 'subscriber'];
          else if (code === '23') [patient, level] = [[segment], 'patient'];
          continue;
        }
        if (segment.id === 'CLM') {
          finish();
          current = [segment];
          level = 'claim';
          continue;
        }
        if (level === 'header') header.push(segment);
        else if (level === 'provider') provider.push(segment);
        else if (level === 'subscriber') subscriber.push(segment);
        else if (level === 'patient') patient.push(segment);
        else current!.push(segment);
      }
      finish();
    }
  });
  return claims;
}

function claimFrom(
  file: X12Interchange,
  groupIndex: number,
  set: X12TransactionSet,
  context: X12Segment[],
  own: X12Segment[],
  d: X12Delimiters,
): ReceivedClaim {
  const group = file.groups[groupIndex];
  const st = set.segments[0];
  const byEntity = (segments: X12Segment[], entity: string) => segments.find((s) => s.id === 'NM1' && el(s, 1) === entity);
  // N4 right after an entity's NM1 (and its N3) is that entity's address.
  const stateAfter = (segments: X12Segment[], nm1: X12Segment | undefined) => {
    if (!nm1) return undefined;
    const start = segments.indexOf(nm1);
    for (const s of segments.slice(start + 1)) {
      if (s.id === 'N4') return el(s, 2) || undefined;
      if (s.id !== 'N3') return undefined;
    }
    return undefined;
  };
  const submitter = byEntity(context, '41');
  const receiver = byEntity(context, '40');
  const billing = byEntity(context, '85');
  const subscriberName = byEntity(context, 'IL');
  const patientName = byEntity(context, 'QC');
  const payer = byEntity(context, 'PR');
  const sbr = context.find((s) => s.id === 'SBR');
  const bht = context.find((s) => s.id === 'BHT');
  const clm = own[0];
  const missing = [!billing && 'the billing provider (NM1*85)', !subscriberName && 'the subscriber (NM1*IL)', !payer && 'the payer (NM1*PR)'].filter(
    Boolean,
  );
  if (missing.length > 0) {
    throw new X12Error([
      {
        code: 'structure',
        message: `segment ${clm.position} (CLM): the claim has no ${missing.join(', ')}`,
        segment: { position: clm.position, id: 'CLM' },
      },
    ]);
  }

  const lines: PayerClaimLine[] = [];
  let line: PayerClaimLine | undefined;
  for (const s of own) {
    if (s.id === 'SV1') {
      const [, hcpcs, ...modifiers] = components(el(s, 1), d);
      line = {
        hcpcs: hcpcs ?? '',
        modifiers: modifiers.filter((m) => m !== ''),
        charge: centsOf(el(s, 2), s),
        units: Number(el(s, 4) || '1'),
        serviceFrom: '',
        serviceTo: '',
        priorAdjudications: [],
      };
      lines.push(line);
    } else if (line && s.id === 'DTP' && el(s, 1) === '472') {
      const dates = span(s);
      line.serviceFrom = dates.from;
      line.serviceTo = dates.to;
    } else if (line && s.id === 'REF' && el(s, 1) === '6R') {
      line.lineControlNumber = el(s, 2);
    }
  }
  if (lines.length === 0 || lines.some((l) => !l.serviceFrom)) {
    throw new X12Error([
      {
        code: 'structure',
        message: `segment ${clm.position} (CLM): every claim needs service lines (SV1) with a DTP*472 date`,
        segment: { position: clm.position, id: 'CLM' },
      },
    ]);
  }
  const coordination = readCoordination(own);
  lines.forEach((l, i) => (l.priorAdjudications = coordination.lineAdjudications[i] ?? []));
  const [placeOfService, , frequencyCode] = components(el(clm, 5), d);
  // No SBR at all is read as a primary claim; an SBR01 other than P, S or T leaves the level unknown.
  const level = sbr ? payerLevelOf(el(sbr, 1)) : 'primary';
  const claim: PayerClaim = {
    patientControlNumber: el(clm, 1),
    charge: centsOf(el(clm, 2), clm),
    placeOfService: placeOfService || '12',
    frequencyCode: frequencyCode || '1',
    filingIndicator: sbr ? el(sbr, 9) : '',
    ...(level ? { level } : {}),
    ...(sbr && el(sbr, 5) ? { insuranceType: el(sbr, 5) } : {}),
    otherPayers: coordination.otherPayers,
    payer: { name: el(payer!, 3), id: el(payer!, 9) },
    billingProvider: { name: el(billing!, 3), npi: el(billing!, 9), state: stateAfter(context, billing) },
    subscriber: { ...nameOf(subscriberName!), memberId: el(subscriberName!, 9), state: stateAfter(context, subscriberName) },
    ...(patientName ? { patient: { ...nameOf(patientName), state: stateAfter(context, patientName) } } : {}),
    lines,
    envelope: {
      controlNumber: file.controlNumber,
      senderQualifier: file.senderQualifier,
      senderId: file.senderId,
      receiverQualifier: file.receiverQualifier,
      receiverId: file.receiverId,
      applicationSender: group.senderCode,
      applicationReceiver: group.receiverCode,
      usage: file.usage,
      functionalId: group.functionalId,
      groupControlNumber: group.controlNumber,
      transactionSetId: set.id,
      transactionSetControlNumber: set.controlNumber,
      version: set.version,
      batchReference: bht ? el(bht, 3) : set.controlNumber,
      submitter: { name: submitter ? el(submitter, 3) : file.senderId, id: submitter ? el(submitter, 9) : file.senderId },
      receiver: { name: receiver ? el(receiver, 3) : file.receiverId, id: receiver ? el(receiver, 9) : file.receiverId },
    },
  };
  return { claim, x12: standAloneClaimText(file, groupIndex, st, [...context, ...own]) };
}

/**
 * One claim as a complete interchange: the file's ISA and GS, the ST, the given segments
 * (header, provider, subscriber and patient levels, the claim loop), an SE that counts
 * them, GE and IEA — written with the file's own delimiters.
 */
export function standAloneClaimText(file: X12Interchange, groupIndex: number, st: X12Segment, segments: X12Segment[]): string {
  const d = file.delimiters;
  const { head, tail } = envelopeText(file, groupIndex, d);
  const body = [st, ...segments].map((s) => segmentTextOf(s, d)).join('');
  const se = ['SE', String(segments.length + 2), el(st, 2)].join(d.element) + d.segment;
  return head + body + se + tail;
}

/** A stored claim (the stand-alone interchange `readClaims` produced) read back. */
export function readStoredClaim(x12: string): PayerClaim {
  const [received] = readClaims(x12);
  return received.claim;
}

// ---------------------------------------------------------------- 270 and 276

export interface RequestLevel {
  id: string;
  parent?: string;
  code: string;
  hasChildren: boolean;
  segments: X12Segment[];
}

export interface Inquiry {
  /** The request's own envelope, to answer to. */
  file: X12Interchange;
  /** BHT03. */
  reference: string;
  levels: RequestLevel[];
}

/** A 270 or 276 as HL levels with their segments, for an answer that mirrors them. */
export function readInquiry(what: string, x12: string, transactionSetId: '270' | '276'): Inquiry {
  const file = readX12(what, x12);
  const [set, ...more] = transactionSets(what, file, transactionSetId);
  if (more.length > 0) throw new X12Error([{ code: 'structure', message: `the ${what} must hold one transaction set, found ${more.length + 1}` }]);
  const bht = set.segments.find((s) => s.id === 'BHT');
  const levels: RequestLevel[] = [];
  for (const segment of set.segments.slice(1, -1)) {
    if (segment.id === 'HL') {
      levels.push({
        id: el(segment, 1),
        ...(el(segment, 2) ? { parent: el(segment, 2) } : {}),
        code: el(segment, 3),
        hasChildren: el(segment, 4) === '1',
        segments: [],
      });
    } else if (levels.length > 0) {
      levels[levels.length - 1].segments.push(segment);
    }
  }
  return { file, reference: bht ? el(bht, 3) : set.controlNumber, levels };
}

/** A request segment echoed in the answer, element for element. */
function echo(segment: X12Segment): Segment {
  return [segment.id, ...segment.elements.slice(1)];
}

function dayBefore(isoDay: string): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** The Medicare Part B deductible shown in the sandbox 271 (2025: $257), already met. */
const ANNUAL_DEDUCTIBLE_CENTS = 25_700;

/**
 * The 271 levels answering a 270: payer and provider echoed, then for each subscriber
 * its trace (TRN*2), name and demographics echoed and the benefits: active coverage
 * (EB*1 per service type asked, the deductible met, 20% coinsurance) or, for the
 * inactive trigger, EB*6 per service type and no EB*1.
 */
export function eligibilityLevels(inquiry: Inquiry, asOf: Date): AnsweredLevel[] {
  return inquiry.levels.map((level) => {
    const segments: Segment[] = [];
    if (level.code === '20' || level.code === '21') {
      for (const s of level.segments) if (s.id === 'NM1') segments.push(echo(s));
    } else if (level.code === '22' || level.code === '23') {
      const member = level.segments.find((s) => s.id === 'NM1');
      if (!member) {
        throw new X12Error([{ code: 'structure', message: `the 270 level HL ${level.id} names no subscriber or dependent (NM1)` }]);
      }
      // The 270's TRN*1 comes back as TRN*2: our trace, echoed.
      for (const s of level.segments) if (s.id === 'TRN') segments.push(['TRN', '2', ...s.elements.slice(2)]);
      segments.push(echo(member));
      for (const s of level.segments) if (s.id === 'DMG') segments.push(echo(s));
      const asked = level.segments.find((s) => s.id === 'DTP' && el(s, 1) === '291');
      const serviceDate = asked ? span(asked).from : asOf.toISOString().slice(0, 10);
      const serviceTypes = level.segments.filter((s) => s.id === 'EQ' && el(s, 1)).map((s) => el(s, 1));
      const types = serviceTypes.length > 0 ? serviceTypes : ['30'];
      if (sandboxOutcome(el(member, 9)) === 'coverage-inactive') {
        // DTP*357: eligibility ended the day before the date asked about.
        segments.push(['DTP', '357', 'D8', ccyymmdd(dayBefore(serviceDate))]);
        for (const type of types) segments.push(['EB', '6', undefined, type]);
        segments.push(['MSG', 'COVERAGE TERMINATED']);
      } else {
        segments.push(['DTP', '307', 'D8', ccyymmdd(serviceDate)]);
        for (const type of types) segments.push(['EB', '1', 'IND', type]);
        const repeated = { repeats: types };
        // EB06 23 calendar year amount, 29 remaining; EB08 the coinsurance as a fraction.
        segments.push(
          ['EB', 'C', 'IND', repeated, undefined, undefined, '23', dollars(ANNUAL_DEDUCTIBLE_CENTS)],
          ['EB', 'C', 'IND', repeated, undefined, undefined, '29', '0'],
          ['EB', 'A', 'IND', repeated, undefined, undefined, undefined, undefined, '.2'],
        );
      }
    }
    return { id: level.id, ...(level.parent ? { parent: level.parent } : {}), code: level.code, hasChildren: level.hasChildren, segments };
  });
}

/** One claim asked about in a 276 (2200D: TRN, REF*1K, REF*EJ, DTP*472). */
export interface ClaimInquiry {
  traceNumber: string;
  /** The payer asked (2100A NM1*PR NM109): a claim crossed over to another payer is that payer's to answer for. */
  payerId?: string;
  payerClaimNumber?: string;
  patientControlNumber?: string;
  serviceFrom?: string;
  serviceTo?: string;
}

/** The claims a 276 asks about, each starting at its TRN under a subscriber or dependent level. */
export function claimInquiries(inquiry: Inquiry): ClaimInquiry[] {
  const found: ClaimInquiry[] = [];
  let payerId: string | undefined;
  for (const level of inquiry.levels) {
    if (level.code === '20') {
      const nm1 = level.segments.find((s) => s.id === 'NM1' && el(s, 1) === 'PR');
      payerId = nm1 && el(nm1, 9) ? el(nm1, 9) : undefined;
    }
    if (level.code !== '22' && level.code !== '23') continue;
    let current: ClaimInquiry | undefined;
    let inLine = false;
    for (const s of level.segments) {
      if (s.id === 'TRN') {
        current = { traceNumber: el(s, 2), ...(payerId ? { payerId } : {}) };
        inLine = false;
        found.push(current);
      } else if (!current) {
        continue;
      } else if (s.id === 'SVC') {
        inLine = true;
      } else if (!inLine && s.id === 'REF' && el(s, 1) === '1K') {
        current.payerClaimNumber = el(s, 2);
      } else if (!inLine && s.id === 'REF' && el(s, 1) === 'EJ') {
        current.patientControlNumber = el(s, 2);
      } else if (!inLine && s.id === 'DTP' && el(s, 1) === '472') {
        const dates = span(s);
        current.serviceFrom = dates.from;
        current.serviceTo = dates.to;
      }
    }
  }
  return found;
}

/** What the payer knows of a claim asked about, at the time asked. */
export type ClaimStatusAnswer =
  | { kind: 'not-found' }
  | { kind: 'received' | 'pending'; claim: PayerClaim; payerClaimNumber: string }
  | { kind: 'rejected'; claim: PayerClaim; payerClaimNumber: string; rejection: FrontEndRejection }
  | { kind: 'finalized'; claim: PayerClaim; payerClaimNumber: string; adjudication: Adjudication; adjudicatedOn: Date; checkNumber: string };

/** STC01 and the rest of the claim-level STC for each answer (005010X212 categories, DOMAIN.md §10). */
function statusSegment(answer: ClaimStatusAnswer, asOf: Date): Segment {
  const today = x12Date(asOf);
  switch (answer.kind) {
    case 'not-found':
      // A4:35 — not found in the adjudication system: claim/encounter not found.
      return ['STC', ['A4', '35'], today];
    case 'received':
      // A1:19:PR — received by the payer, not yet accepted into adjudication.
      return ['STC', ['A1', '19', 'PR'], today, undefined, dollars(answer.claim.charge)];
    case 'pending':
      // P1:20 — in process: accepted for processing.
      return ['STC', ['P1', '20'], today, undefined, dollars(answer.claim.charge)];
    case 'rejected':
      return ['STC', answer.rejection.code.split(':'), today, undefined, dollars(answer.claim.charge)];
    case 'finalized': {
      const on = x12Date(answer.adjudicatedOn);
      const { adjudication } = answer;
      // F1:65 paid, with the check date and number; F2:1 denied, "see the remittance advice".
      return adjudication.paid > 0
        ? ['STC', ['F1', '65'], on, undefined, dollars(adjudication.charge), dollars(adjudication.paid), on, undefined, on, answer.checkNumber]
        : ['STC', ['F2', '1'], on, undefined, dollars(adjudication.charge), '0', on];
    }
  }
}

/**
 * The 277 levels answering a 276: each level echoed (payer, information receiver,
 * provider, subscriber), then for each claim asked its TRN*2, status, our claim
 * numbers and dates, and the lines once the claim is finalized.
 */
export function claimStatusLevels(inquiry: Inquiry, answers: Map<string, ClaimStatusAnswer>, asOf: Date): AnsweredLevel[] {
  const asked = claimInquiries(inquiry);
  let next = 0;
  return inquiry.levels.map((level) => {
    const segments: Segment[] = [];
    const nm1 = level.segments.find((s) => s.id === 'NM1');
    if (nm1) segments.push(echo(nm1));
    if (level.code === '22' || level.code === '23') {
      const claims = level.segments.filter((s) => s.id === 'TRN').map(() => asked[next++]);
      for (const question of claims) {
        const answer = answers.get(question.traceNumber) ?? { kind: 'not-found' as const };
        segments.push(['TRN', '2', question.traceNumber], statusSegment(answer, asOf));
        if (answer.kind === 'not-found') {
          if (question.payerClaimNumber) segments.push(['REF', '1K', question.payerClaimNumber]);
          if (question.patientControlNumber) segments.push(['REF', 'EJ', question.patientControlNumber]);
          if (question.serviceFrom && question.serviceTo) segments.push(['DTP', '472', ...dateSpan(question.serviceFrom, question.serviceTo)]);
          continue;
        }
        const { claim } = answer;
        const from = claim.lines.map((l) => l.serviceFrom).sort()[0];
        const to = claim.lines
          .map((l) => l.serviceTo)
          .sort()
          .at(-1)!;
        if (answer.kind !== 'rejected') segments.push(['REF', '1K', answer.payerClaimNumber]);
        segments.push(['REF', 'EJ', claim.patientControlNumber], ['DTP', '472', ...dateSpan(from, to)]);
        if (answer.kind !== 'finalized') continue;
        const on = x12Date(answer.adjudicatedOn);
        for (const line of answer.adjudication.lines) {
          segments.push(
            [
              'SVC',
              ['HC', line.line.hcpcs, ...line.line.modifiers],
              dollars(line.line.charge),
              dollars(line.paid),
              undefined,
              undefined,
              undefined,
              String(line.line.units),
            ],
            ['STC', line.paid > 0 ? ['F1', '65'] : ['F2', '1'], on],
          );
          if (line.line.lineControlNumber) segments.push(['REF', 'FJ', line.line.lineControlNumber]);
          segments.push(['DTP', '472', ...dateSpan(line.line.serviceFrom, line.line.serviceTo)]);
        }
      }
    }
    return { id: level.id, ...(level.parent ? { parent: level.parent } : {}), code: level.code, hasChildren: level.hasChildren, segments };
  });
}

// ---------------------------------------------------------------- adjudication

let sampleSchedule: FeeSchedule | undefined;

/**
 * The shipped sample of the CMS DMEPOS fee schedule (illustrative amounts, six
 * states): the sandbox payer prices with it unless given another schedule.
 */
export function sampleFeeSchedule(): FeeSchedule {
  sampleSchedule ??= parseFeeScheduleCsv(readFileSync(path.join(__dirname, '../../domain/data/dmepos-fee-schedule-sample.csv'), 'utf8'));
  return sampleSchedule;
}

/** SBR09 → the payer's rules: MB Medicare (20% coinsurance, 2% sequestration), MC Medicaid, anything else commercial. */
export function payerKindOf(filingIndicator: string): PayerKind {
  if (filingIndicator === 'MB') return 'medicare';
  if (filingIndicator === 'MC') return 'medicaid';
  return 'commercial';
}

/** The capped-rental month an 837P line states through KH (month 1), KI (2–3) and KJ (4–13). */
function rentalMonthOf(modifiers: string[]): number {
  if (modifiers.includes('KJ')) return 4;
  if (modifiers.includes('KI')) return 2;
  return 1;
}

export interface AdjudicatedLine {
  line: PayerClaimLine;
  paid: number;
  /** The amount the payer priced the line at (AMT*B6); absent for a denied line. */
  allowed?: number;
  adjustments: RemittanceAdjustment[];
  remarkCodes: string[];
}

/** A payer Medicare forwards the claim to itself (PayerPolicy.medicareCrossover), in the claim's payer order. */
export interface CrossoverPayer {
  name: string;
  /** 2330B NM109 of the claim. */
  id: string;
  kind: PayerKind;
}

/** CLP02: processed as primary, secondary, tertiary (1/2/3), the same and forwarded to another payer (19/20/21), or denied (4). */
export type ClaimStatusCode = '1' | '2' | '3' | '4' | '19' | '20' | '21';

const processedAs: Record<PayerLevel, { alone: ClaimStatusCode; forwarded: ClaimStatusCode }> = {
  primary: { alone: '1', forwarded: '19' },
  secondary: { alone: '2', forwarded: '20' },
  tertiary: { alone: '3', forwarded: '21' },
};

/**
 * The claim-level remarks (MOA) of a claim Medicare crossed over: MA18 forwarded to the
 * supplemental insurer, MA07 forwarded to Medicaid (the one the 835 names in NM1*TT),
 * and N89 when it went to more than one payer, of which the 835 can name only one.
 */
function crossoverMoaRemarks(crossovers: readonly CrossoverPayer[]): string[] {
  if (crossovers.length === 0) return [];
  return [crossovers[0].kind === 'medicaid' ? 'MA07' : 'MA18', ...(crossovers.length > 1 ? ['N89'] : [])];
}

export interface Adjudication {
  status: ClaimStatusCode;
  /** MOA remark codes: the crossover's. */
  remarkCodes: string[];
  /** NM1*TT: the payer the claim was forwarded to (the first, when several). */
  crossoverCarrier?: { name: string; id: string };
  /** CLP03: the sum of the line charges (an 837P's CLM02 equals it). */
  charge: number;
  paid: number;
  /** CLP05: deductible + coinsurance. */
  patientResponsibility: number;
  lines: AdjudicatedLine[];
}

/**
 * The fee-schedule locality: the patient's state (the DME MAC and fee follow the
 * beneficiary's address), else the subscriber's, else the supplier's, whichever the
 * schedule has amounts for.
 */
function feeState(claim: PayerClaim, schedule: FeeSchedule): string | undefined {
  const candidates = [claim.patient?.state, claim.subscriber.state, claim.billingProvider.state];
  return candidates.find((state): state is string => state !== undefined && schedule.states.includes(state.toUpperCase()));
}

function denied(line: PayerClaimLine, reason: string, remarkCodes: string[] = []): AdjudicatedLine {
  return { line, paid: 0, adjustments: [{ group: 'CO', reason, amount: line.charge }], remarkCodes };
}

/**
 * Prices and pays one line the way Medicare does (DOMAIN.md §14): allowed = the lower
 * of the charge and the fee schedule (non-rural); the deductible is taken as met ($0
 * remaining, as the sandbox 271 says); the payer pays (1 − coinsurance) of the allowed
 * amount and withholds sequestration from that. A code or state the schedule lacks is
 * allowed at its charge. `share` pays only part of the allowed amount (CO-151 on the
 * rest) for the partial-payment trigger.
 */
function paidLine(line: PayerClaimLine, claim: PayerClaim, schedule: FeeSchedule, share: 'all' | 'half' = 'all'): AdjudicatedLine {
  const policy = payerPolicy(payerKindOf(claim.filingIndicator));
  const state = feeState(claim, schedule);
  const fee = state
    ? lineAllowedAmount(
        schedule,
        { hcpcs: line.hcpcs, modifiers: line.modifiers, units: line.units, rentalMonth: rentalMonthOf(line.modifiers) },
        { state, rural: false },
      )
    : undefined;
  const allowed = Math.min(line.charge, fee ?? line.charge);
  const frequencyCut = share === 'half' ? Math.floor(allowed / 2) : 0;
  const payment = expectedPayment({
    charge: allowed - frequencyCut,
    allowed: allowed - frequencyCut,
    deductibleRemaining: 0,
    coinsuranceRate: policy.coinsuranceRate,
    sequestrationRate: policy.sequestrationRate,
  });
  const adjustments: RemittanceAdjustment[] = [
    { group: 'CO', reason: '45', amount: line.charge - allowed },
    { group: 'CO', reason: '151', amount: frequencyCut },
    { group: 'CO', reason: '253', amount: payment.sequestration },
    { group: 'PR', reason: '1', amount: payment.deductibleApplied },
    { group: 'PR', reason: '2', amount: payment.coinsurance },
  ].filter((a) => a.amount !== 0) as RemittanceAdjustment[];
  return { line, paid: payment.payerPays, allowed: allowed - frequencyCut, adjustments, remarkCodes: [] };
}

/**
 * What the sandbox payer decides for a claim: by its trigger (see SANDBOX_TRIGGERS); a
 * claim to a payer billed after others (SBR01 S/T) by the prior payers' adjudication
 * (sandbox-cob.ts); otherwise priced as primary. `crossovers` are the payers a Medicare
 * payer forwards the claim to: a claim it processed (not denied) then says so.
 */
export function adjudicate(claim: PayerClaim, schedule: FeeSchedule, crossovers: readonly CrossoverPayer[] = []): Adjudication {
  const outcome = sandboxOutcome(claim.subscriber.memberId);
  const policy = payerPolicy(payerKindOf(claim.filingIndicator));
  const level = claim.level ?? 'primary';
  let lines: AdjudicatedLine[];
  let isDenial = outcome === 'denied-medical-necessity' || outcome === 'denied-no-prior-auth' || outcome === 'unprocessable';
  if (outcome === 'denied-medical-necessity') {
    // N115: the decision was based on a Local Coverage Determination.
    lines = claim.lines.map((line) => denied(line, '50', ['N115']));
  } else if (outcome === 'denied-no-prior-auth') {
    lines = claim.lines.map((line) => denied(line, '197'));
  } else if (outcome === 'unprocessable') {
    // MA130: the claim is unprocessable and has no appeal rights: fix it and send a new claim.
    lines = claim.lines.map((line) => denied(line, '16', ['MA130']));
  } else if (level !== 'primary') {
    const afterPriorPayers = linesAfterPriorPayers(claim, {
      isMedicare: policy.kind === 'medicare',
      sequestrationRate: policy.sequestrationRate,
      asPrimary: (line) => {
        const priced = paidLine(line, claim, schedule);
        const sequestration = priced.adjustments.find((a) => a.group === 'CO' && a.reason === '253')?.amount ?? 0;
        return { allowed: priced.allowed!, payment: priced.paid + sequestration };
      },
    });
    // MA04: secondary payment cannot be considered without the primary payer's payment information.
    lines = afterPriorPayers ?? claim.lines.map((line) => denied(line, '16', ['MA04']));
    isDenial = !afterPriorPayers;
  } else if (outcome === 'partially-paid') {
    lines =
      claim.lines.length > 1
        ? claim.lines.map((line, i) => (i === claim.lines.length - 1 ? denied(line, '151') : paidLine(line, claim, schedule)))
        : [paidLine(claim.lines[0], claim, schedule, 'half')];
  } else {
    lines = claim.lines.map((line) => paidLine(line, claim, schedule));
  }
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const patientResponsibility = sum(lines.flatMap((l) => l.adjustments.filter((a) => a.group === 'PR').map((a) => a.amount)));
  // Medicare crosses over the claims it processed; a denial goes back to the supplier alone.
  const forwardedTo = isDenial || policy.kind !== 'medicare' ? [] : crossovers;
  return {
    status: isDenial ? '4' : forwardedTo.length > 0 ? processedAs[level].forwarded : processedAs[level].alone,
    remarkCodes: crossoverMoaRemarks(forwardedTo),
    ...(forwardedTo.length > 0 ? { crossoverCarrier: { name: forwardedTo[0].name, id: forwardedTo[0].id } } : {}),
    charge: sum(claim.lines.map((l) => l.charge)),
    paid: sum(lines.map((l) => l.paid)),
    patientResponsibility,
    lines,
  };
}
