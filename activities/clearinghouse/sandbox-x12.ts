/**
 * The sandbox payer's side of X12: the answers a payer and its clearinghouse write
 * (271, 999, 277CA, 277, 835). The texts are what `domain/x12` reads (parse271,
 * parse999, parse277, parse835 with its balancing) and what pyx12 validates for the
 * 999, 277CA and 835.
 *
 * Its own small segment writer rather than domain/x12's envelope: that one writes only
 * what the supplier sends (837, 270, 276), and a payer's answer swaps sender and
 * receiver and carries functional groups FA, HB, HN and HP.
 */
import { createHash } from 'node:crypto';
import { dollars, REMITTANCE_VERSION } from '../../domain/x12';

const DELIMITERS = { segment: '~', element: '*', component: ':', repetition: '^' } as const;

/** An element: text, a composite (components joined by `:`), repeats (joined by `^`, e.g. EB03 "12^18"), or empty. */
export type Element = string | readonly (string | undefined)[] | { repeats: readonly string[] } | undefined;
export type Segment = [id: string, ...elements: Element[]];

/**
 * Echoed data was written with the sender's delimiters, which need not be ours: a `*`
 * or `~` inside a name would split our segment, so it becomes a space.
 */
function safe(value: string): string {
  return value.replace(/[*~:^\r\n]/g, ' ');
}

function trimTrailingEmpty(values: string[]): string[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === '') end--;
  return values.slice(0, end);
}

function elementText(value: Element): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return safe(value);
  if ('repeats' in value) return value.repeats.map(safe).join(DELIMITERS.repetition);
  return trimTrailingEmpty(value.map((c) => (c === undefined ? '' : safe(c)))).join(DELIMITERS.component);
}

/** X12 drops trailing empty elements ("NM1*41*2*ACME*****46*X", never a trailing "*"). */
function segmentText([id, ...elements]: Segment): string {
  return [id, ...trimTrailingEmpty(elements.map(elementText))].join(DELIMITERS.element) + DELIMITERS.segment;
}

/** A Date as the UTC CCYYMMDD and HHMM an interchange carries. */
export function x12Date(at: Date): string {
  return at.toISOString().slice(0, 10).replace(/-/g, '');
}

function x12Time(at: Date): string {
  return at.toISOString().slice(11, 16).replace(':', '');
}

/** "2024-03-01" → "20240301". */
export function ccyymmdd(isoDate: string): string {
  return isoDate.replace(/-/g, '');
}

/** A service date element pair: D8 for one day, RD8 for a span (a rental month). */
export function dateSpan(from: string, to: string): ['D8' | 'RD8', string] {
  return from === to ? ['D8', ccyymmdd(from)] : ['RD8', `${ccyymmdd(from)}-${ccyymmdd(to)}`];
}

/**
 * An interchange control number (1–999999999) derived from what the answer is about
 * (a file, a claim batch, a request), so the same answer always carries the same
 * numbers and a receiver that dedupes by sender + ISA13 sees a resend as a resend.
 */
export function derivedControlNumber(key: string): number {
  const digest = createHash('sha256').update(key).digest();
  return Number(digest.readBigUInt64BE(0) % 999_999_999n) + 1;
}

/** Who the answer goes to: the request's sender and receiver, swapped. */
export interface ResponseEnvelope {
  /** ISA05/06: the clearinghouse or payer answering. */
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** GS02/GS03. */
  applicationSender: string;
  applicationReceiver: string;
  /** ISA15 of the request, answered in kind. */
  usage: string;
}

interface TransactionSet {
  id: '271' | '277' | '835' | '999';
  /** ST03 and GS08. */
  version: string;
  body: Segment[];
}

const FUNCTIONAL_ID: Record<TransactionSet['id'], string> = { '271': 'HB', '277': 'HN', '835': 'HP', '999': 'FA' };

/** One interchange with one functional group holding the transaction sets, every count and control number filled in. */
function interchange(envelope: ResponseEnvelope, controlNumber: number, at: Date, sets: TransactionSet[]): string {
  const isaControl = String(controlNumber).padStart(9, '0');
  const date = x12Date(at);
  const time = x12Time(at);
  // ISA is fixed width and keeps its padding; ISA16 is the component separator itself.
  const isa =
    [
      'ISA',
      '00',
      ' '.repeat(10),
      '00',
      ' '.repeat(10),
      envelope.senderQualifier,
      envelope.senderId.padEnd(15),
      envelope.receiverQualifier,
      envelope.receiverId.padEnd(15),
      date.slice(2),
      time,
      DELIMITERS.repetition,
      '00501',
      isaControl,
      '0',
      envelope.usage === 'P' ? 'P' : 'T',
      DELIMITERS.component,
    ].join(DELIMITERS.element) + DELIMITERS.segment;
  const lines = [
    isa,
    segmentText([
      'GS',
      FUNCTIONAL_ID[sets[0].id],
      envelope.applicationSender,
      envelope.applicationReceiver,
      date,
      time,
      String(controlNumber),
      'X',
      sets[0].version,
    ]),
  ];
  sets.forEach((set, index) => {
    const st = String(index + 1).padStart(4, '0');
    // The 835 guide (X221A1) leaves ST03 unused; the later guides require it.
    lines.push(segmentText(['ST', set.id, st, set.id === '835' ? undefined : set.version]));
    for (const segment of set.body) lines.push(segmentText(segment));
    // SE01 counts ST through SE.
    lines.push(segmentText(['SE', String(set.body.length + 2), st]));
  });
  lines.push(segmentText(['GE', String(sets.length), String(controlNumber)]));
  lines.push(segmentText(['IEA', '1', isaControl]));
  return lines.join('');
}

// ---------------------------------------------------------------- 999

const ACKNOWLEDGMENT_VERSION = '005010X231A1';

export interface FileAcknowledgment {
  /** AK1: GS01 and GS06 of the file, GS08 of its claims. */
  functionalId: string;
  groupControlNumber: string;
  version: string;
  /** AK2: ST01/ST02 of each transaction set received. */
  transactionSets: { id: string; controlNumber: string }[];
}

/**
 * The 999 of a claim file: every transaction set accepted (IK5 A, AK9 A). The sandbox
 * never rejects a file's syntax: a file our parser can read is one it accepts, and
 * front-end rejections come per claim in the 277CA.
 */
export function write999(envelope: ResponseEnvelope, controlNumber: number, at: Date, groups: FileAcknowledgment[]): string {
  return interchange(
    envelope,
    controlNumber,
    at,
    groups.map((group) => {
      const body: Segment[] = [['AK1', group.functionalId, group.groupControlNumber, group.version]];
      for (const set of group.transactionSets) body.push(['AK2', set.id, set.controlNumber, group.version], ['IK5', 'A']);
      const count = String(group.transactionSets.length);
      body.push(['AK9', 'A', count, count, count]);
      return { id: '999' as const, version: ACKNOWLEDGMENT_VERSION, body };
    }),
  );
}

// ---------------------------------------------------------------- 277CA

const CLAIM_ACKNOWLEDGMENT_VERSION = '005010X214';

export interface Party {
  name: string;
  id: string;
}

export interface AcknowledgedClaim {
  patientControlNumber: string;
  /** The payer's claim number (REF*1K), for an accepted claim. */
  payerClaimNumber: string;
  charge: number;
  serviceFrom: string;
  serviceTo: string;
  billingProvider: { name: string; npi: string };
  /** 2000D: the patient as the claim names them, with the subscriber's member id. */
  patient: { lastName: string; firstName?: string; memberId: string };
  /** accepted: STC A2:20 WQ; rejected: the category:status:entity code and a message (STC U). */
  status: { accepted: true } | { accepted: false; code: string; message: string };
}

export interface ClaimAcknowledgmentInput {
  /** 2100A: who acknowledges (the receiver the 837 named in 1000B). */
  source: Party;
  /** 2100B: who submitted (1000A of the 837). */
  submitter: Party;
  /** BHT03 of the 837: the submitter's batch reference, echoed in TRN*2 of 2200B. */
  batchReference: string;
  receivedOn: string;
  processedAt: Date;
  claims: AcknowledgedClaim[];
}

/**
 * The 277CA (005010X214) for the claims of one file: batch totals at the receiver
 * (2200B) and billing provider (2200C) levels, then one 2000D patient loop per claim.
 */
export function write277CA(envelope: ResponseEnvelope, controlNumber: number, input: ClaimAcknowledgmentInput): string {
  const processed = x12Date(input.processedAt);
  const totals = (claims: AcknowledgedClaim[]) => {
    const accepted = claims.filter((c) => c.status.accepted);
    const rejected = claims.filter((c) => !c.status.accepted);
    const sum = (list: AcknowledgedClaim[]) => list.reduce((total, c) => total + c.charge, 0);
    return { accepted, rejected, acceptedAmount: sum(accepted), rejectedAmount: sum(rejected), total: sum(claims) };
  };
  const all = totals(input.claims);
  const body: Segment[] = [
    // BHT06 TH: receipt acknowledgment advice.
    ['BHT', '0085', '08', String(controlNumber), processed, x12Time(input.processedAt), 'TH'],
    ['HL', '1', undefined, '20', '1'],
    ['NM1', 'PR', '2', input.source.name, undefined, undefined, undefined, undefined, '46', input.source.id],
    ['TRN', '1', String(controlNumber)],
    ['DTP', '050', 'D8', ccyymmdd(input.receivedOn)],
    ['DTP', '009', 'D8', processed],
    ['HL', '2', '1', '21', '1'],
    ['NM1', '41', '2', input.submitter.name, undefined, undefined, undefined, undefined, '46', input.submitter.id],
    ['TRN', '2', input.batchReference],
    // A1:19:PR — the batch was received ("entity acknowledges receipt"), whatever happens to each claim.
    ['STC', ['A1', '19', 'PR'], processed, 'WQ', dollars(all.total)],
  ];
  // QTY/AMT: 90 and YU accepted, AA and YY rejected (receiver level); QA/QC at the provider level.
  if (all.accepted.length > 0) body.push(['QTY', '90', String(all.accepted.length)]);
  if (all.rejected.length > 0) body.push(['QTY', 'AA', String(all.rejected.length)]);
  if (all.accepted.length > 0) body.push(['AMT', 'YU', dollars(all.acceptedAmount)]);
  if (all.rejected.length > 0) body.push(['AMT', 'YY', dollars(all.rejectedAmount)]);

  let hl = 2;
  const providers = new Map<string, AcknowledgedClaim[]>();
  for (const claim of input.claims) providers.set(claim.billingProvider.npi, [...(providers.get(claim.billingProvider.npi) ?? []), claim]);
  for (const claims of providers.values()) {
    const provider = claims[0].billingProvider;
    const providerTotals = totals(claims);
    const providerHl = ++hl;
    body.push(
      ['HL', String(providerHl), '2', '19', '1'],
      ['NM1', '85', '2', provider.name, undefined, undefined, undefined, undefined, 'XX', provider.npi],
      // TRN02 "0": the provider level has no trace of its own in an 837P.
      ['TRN', '1', '0'],
      // 2200C STC02 is not used: the effective date is stated once, at the receiver level.
      ['STC', ['A1', '19', 'PR'], undefined, 'WQ', dollars(providerTotals.total)],
    );
    if (providerTotals.accepted.length > 0) body.push(['QTY', 'QA', String(providerTotals.accepted.length)]);
    if (providerTotals.rejected.length > 0) body.push(['QTY', 'QC', String(providerTotals.rejected.length)]);
    if (providerTotals.accepted.length > 0) body.push(['AMT', 'YU', dollars(providerTotals.acceptedAmount)]);
    if (providerTotals.rejected.length > 0) body.push(['AMT', 'YY', dollars(providerTotals.rejectedAmount)]);
    for (const claim of claims) {
      body.push(
        ['HL', String(++hl), String(providerHl), 'PT'],
        ['NM1', 'QC', '1', claim.patient.lastName, claim.patient.firstName, undefined, undefined, undefined, 'MI', claim.patient.memberId],
        ['TRN', '2', claim.patientControlNumber],
      );
      if (claim.status.accepted) {
        body.push(['STC', ['A2', '20'], processed, 'WQ', dollars(claim.charge)], ['REF', '1K', claim.payerClaimNumber]);
      } else {
        const [category, code, entity] = claim.status.code.split(':');
        body.push([
          'STC',
          [category, code, entity],
          processed,
          'U',
          dollars(claim.charge),
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          undefined,
          claim.status.message,
        ]);
      }
      body.push(['DTP', '472', ...dateSpan(claim.serviceFrom, claim.serviceTo)]);
    }
  }
  return interchange(envelope, controlNumber, input.processedAt, [{ id: '277', version: CLAIM_ACKNOWLEDGMENT_VERSION, body }]);
}

// ---------------------------------------------------------------- 835

/** TRN03: "1" + the payer's EIN; the sandbox payer's is made up. */
const SANDBOX_PAYER_ORIGINATOR = '1990000001';

export interface RemittanceAdjustment {
  group: 'CO' | 'PR' | 'OA' | 'PI';
  reason: string;
  amount: number;
}

export interface RemittedLine {
  hcpcs: string;
  modifiers: string[];
  charge: number;
  paid: number;
  units: number;
  serviceFrom: string;
  serviceTo: string;
  lineControlNumber?: string;
  /** AMT*B6, for a line the payer priced. */
  allowed?: number;
  adjustments: RemittanceAdjustment[];
  remarkCodes: string[];
}

export interface RemittedClaim {
  patientControlNumber: string;
  /** CLP02: 1/2/3 processed as primary/secondary/tertiary, 19/20/21 the same and forwarded to another payer, 4 denied. */
  status: '1' | '2' | '3' | '4' | '19' | '20' | '21';
  charge: number;
  paid: number;
  patientResponsibility: number;
  /** The claim filing indicator of the 837 (MB, MC, CI…), written to CLP06 as the 835 allows it. */
  filingIndicator: string;
  payerClaimNumber: string;
  placeOfService: string;
  frequencyCode: string;
  receivedOn: string;
  patient: { lastName: string; firstName?: string; memberId?: string };
  /** NM1*IL, when the subscriber is not the patient. */
  insured?: { lastName: string; firstName?: string; memberId: string };
  /** NM1*TT: the payer the claim was forwarded to (crossover, CLP02 19/20/21). */
  crossoverCarrier?: Party;
  /** MOA03–MOA07: claim-level remark codes (MA18, MA07, N89…). */
  remarkCodes: string[];
  lines: RemittedLine[];
}

export interface RemittanceInput {
  payer: Party;
  payee: { name: string; npi: string };
  /** TRN02: the check number; with the payer it identifies the remittance. */
  traceNumber: string;
  paidAt: Date;
  claims: RemittedClaim[];
}

/**
 * CLP06 takes fewer codes than the 837P's SBR09: 005010X221A1 lists 12–17, AM, CH, DS,
 * HM, LM, MA, MB, MC, OF, TV, VA, WC and ZZ, without CI (commercial insurance), BL or
 * FI. Those come back as ZZ, mutually defined.
 */
const REMITTANCE_FILING_INDICATORS = new Set([
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  'AM',
  'CH',
  'DS',
  'HM',
  'LM',
  'MA',
  'MB',
  'MC',
  'OF',
  'TV',
  'VA',
  'WC',
  'ZZ',
]);

function remittanceFilingIndicator(sbr09: string): string {
  return REMITTANCE_FILING_INDICATORS.has(sbr09) ? sbr09 : 'ZZ';
}

/** CAS: one segment per group, at most six reason/amount pairs each. */
function casSegments(adjustments: RemittanceAdjustment[]): Segment[] {
  const segments: Segment[] = [];
  for (const group of ['CO', 'PR', 'OA', 'PI'] as const) {
    const ofGroup = adjustments.filter((a) => a.group === group && a.amount !== 0);
    for (let i = 0; i < ofGroup.length; i += 6) {
      const triples = ofGroup.slice(i, i + 6).flatMap((a) => [a.reason, dollars(a.amount), undefined]);
      segments.push(['CAS', group, ...triples]);
    }
  }
  return segments;
}

/**
 * The 835 (005010X221A1) for a batch of claims of one payer. A check (CHK) when money
 * moves, no payment (NON, handling code H) when every claim was denied; no PLB. The
 * caller's amounts must balance (line charge − CAS = paid; claim charge − all CAS =
 * claim paid); BPR02 is their sum, so the transaction balances by construction.
 */
export function write835(envelope: ResponseEnvelope, controlNumber: number, input: RemittanceInput): string {
  const total = input.claims.reduce((sum, c) => sum + c.paid, 0);
  const paidOn = x12Date(input.paidAt);
  const none = undefined;
  const body: Segment[] = [
    total > 0
      ? ['BPR', 'I', dollars(total), 'C', 'CHK', none, none, none, none, none, none, none, none, none, none, none, paidOn]
      : ['BPR', 'H', '0', 'C', 'NON', none, none, none, none, none, none, none, none, none, none, none, paidOn],
    ['TRN', '1', input.traceNumber, SANDBOX_PAYER_ORIGINATOR],
    ['DTM', '405', paidOn],
    // 1000A: N103/N104 carry only a National Plan ID (not mandated: not sent); the payer id
    // goes in REF*2U, the same id the 837 was sent to, so the supplier recognises its payer.
    ['N1', 'PR', input.payer.name],
    ['N3', 'PO BOX 1000'],
    ['N4', 'COLUMBUS', 'OH', '432151000'],
    ['REF', '2U', input.payer.id],
    ['PER', 'BL', 'SANDBOX EDI SUPPORT', 'TE', '8005550199'],
    ['N1', 'PE', input.payee.name, 'XX', input.payee.npi],
    ['LX', '1'],
  ];
  for (const claim of input.claims) {
    body.push(
      [
        'CLP',
        claim.patientControlNumber,
        claim.status,
        dollars(claim.charge),
        dollars(claim.paid),
        dollars(claim.patientResponsibility),
        remittanceFilingIndicator(claim.filingIndicator),
        claim.payerClaimNumber,
        claim.placeOfService,
        claim.frequencyCode,
      ],
      [
        'NM1',
        'QC',
        '1',
        claim.patient.lastName,
        claim.patient.firstName,
        none,
        none,
        none,
        claim.patient.memberId ? 'MI' : none,
        claim.patient.memberId,
      ],
    );
    if (claim.insured) body.push(['NM1', 'IL', '1', claim.insured.lastName, claim.insured.firstName, none, none, none, 'MI', claim.insured.memberId]);
    // 2100 order: NM1*QC, NM1*IL, …, NM1*TT crossover carrier, …, MOA, then the dates.
    if (claim.crossoverCarrier) body.push(['NM1', 'TT', '2', claim.crossoverCarrier.name, none, none, none, none, 'PI', claim.crossoverCarrier.id]);
    if (claim.remarkCodes.length > 0) body.push(['MOA', none, none, ...claim.remarkCodes.slice(0, 5)]);
    body.push(['DTM', '050', ccyymmdd(claim.receivedOn)]);
    for (const line of claim.lines) {
      body.push(['SVC', ['HC', line.hcpcs, ...line.modifiers], dollars(line.charge), dollars(line.paid), none, String(line.units)]);
      // A rental month is a span: DTM*150/151; a purchase one day: DTM*472.
      if (line.serviceFrom === line.serviceTo) body.push(['DTM', '472', ccyymmdd(line.serviceFrom)]);
      else body.push(['DTM', '150', ccyymmdd(line.serviceFrom)], ['DTM', '151', ccyymmdd(line.serviceTo)]);
      body.push(...casSegments(line.adjustments));
      if (line.lineControlNumber) body.push(['REF', '6R', line.lineControlNumber]);
      if (line.allowed !== undefined) body.push(['AMT', 'B6', dollars(line.allowed)]);
      for (const remark of line.remarkCodes) body.push(['LQ', 'HE', remark]);
    }
  }
  return interchange(envelope, controlNumber, input.paidAt, [{ id: '835', version: REMITTANCE_VERSION, body }]);
}

// ---------------------------------------------------------------- 271

const ELIGIBILITY_VERSION = '005010X279A1';

/** One HL level of the request, answered at the same place in the response. */
export interface AnsweredLevel {
  id: string;
  parent?: string;
  /** HL03: 20 payer, 21 provider / receiver, 19 provider, 22 subscriber, 23 dependent. */
  code: string;
  hasChildren: boolean;
  /** What the response says at this level, in order. */
  segments: Segment[];
}

export function write271(envelope: ResponseEnvelope, controlNumber: number, at: Date, reference: string, levels: AnsweredLevel[]): string {
  // BHT02 11: response.
  const body: Segment[] = [['BHT', '0022', '11', reference, x12Date(at), x12Time(at)]];
  for (const level of levels) body.push(['HL', level.id, level.parent, level.code, level.hasChildren ? '1' : '0'], ...level.segments);
  return interchange(envelope, controlNumber, at, [{ id: '271', version: ELIGIBILITY_VERSION, body }]);
}

// ---------------------------------------------------------------- 277 (answer to a 276)

const CLAIM_STATUS_VERSION = '005010X212';

export function write277(envelope: ResponseEnvelope, controlNumber: number, at: Date, reference: string, levels: AnsweredLevel[]): string {
  // BHT06 DG: response to an inquiry.
  const body: Segment[] = [['BHT', '0010', '08', reference, x12Date(at), x12Time(at), 'DG']];
  for (const level of levels) body.push(['HL', level.id, level.parent, level.code, level.hasChildren ? '1' : '0'], ...level.segments);
  return interchange(envelope, controlNumber, at, [{ id: '277', version: CLAIM_STATUS_VERSION, body }]);
}
