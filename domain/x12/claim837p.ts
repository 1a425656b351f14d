/**
 * The 837P professional claim (005010X222A1) for a DME supplier: one claim per
 * interchange, which is how each claim workflow submits and tracks its claim.
 * The same claim goes to the primary payer, to a secondary or tertiary payer when the
 * earlier payer did not cross it over, and to Medicare as secondary payer (MSP):
 * `payerResponsibility` and `insuranceTypeCode` fill 2000B SBR01/SBR05, and
 * `otherPayers` the coordination-of-benefits loops 2320/2330A/2330B and 2430
 * (claim837p-cob.ts). Without them the claim is the primary one, as before.
 */
import type { MspType } from '../coordination';
import type { ClaimLine } from '../types';
import { lineAdjudicationLoops, otherPayerLoops, type ClaimPayerResponsibility, type OtherPayer837 } from './claim837p-cob';
import { checkCoordination } from './claim837p-cob-rules';
import { addressSegments, interchangeText, personName, type SegmentParts } from './envelope';
import { clean, InputCheck, type AddressInput, type InterchangeInput, type PersonInput } from './input';
import { ccyymmdd, dollars, money, normalizeEin } from './values';

const CLAIM_837P_VERSION = '005010X222A1';

/** SBR09 claim filing indicator: MB Medicare Part B, MC Medicaid, CI commercial, and the other 5010 codes. */
export type ClaimFilingIndicator =
  | 'MB'
  | 'MC'
  | 'CI'
  | 'BL'
  | 'CH'
  | 'HM'
  | 'WC'
  | 'VA'
  | 'OF'
  | '11'
  | '12'
  | '13'
  | '14'
  | '15'
  | '16'
  | '17'
  | 'AM'
  | 'DS'
  | 'FI'
  | 'LM'
  | 'MA'
  | 'TV'
  | 'ZZ';

/** CLM05-3: 1 original, 7 replacement of a prior claim, 8 void of a prior claim. */
export type ClaimFrequency = '1' | '7' | '8';

/** PAT01 for a patient who is not the subscriber: 01 spouse, 19 child, 20 employee, 21 unknown, 39/40 organ donor/cadaver donor, 53 life partner, G8 other. */
export type PatientRelationship = '01' | '19' | '20' | '21' | '39' | '40' | '53' | 'G8';

export interface Claim837Input {
  interchange: InterchangeInput;
  /** 1000A: who sends the file (the supplier or its billing service). */
  submitter: { name: string; id: string; contactName: string; phone: string; email?: string };
  /** 1000B: the clearinghouse or payer that receives it. */
  receiver: { name: string; id: string };
  /** 2010AA: the supplier that bills. */
  billingProvider: {
    organizationName: string;
    npi: string;
    /** EIN, `12-3456789` or `123456789`. */
    taxId: string;
    /** ZIP must be ZIP+4 (9 digits) here. */
    address: AddressInput;
    /** PRV03, e.g. `332B00000X` (DME supplier); sent only when given. */
    taxonomyCode?: string;
  };
  /**
   * 2010BA. When `patient` is absent the subscriber is the patient (SBR02 `18`, self),
   * the Medicare case.
   */
  subscriber: PersonInput & { memberId: string; groupNumber?: string };
  /** 2000C/2010CA: only when the patient is not the subscriber (a dependent on a commercial plan). */
  patient?: PersonInput & { relationshipToSubscriber: PatientRelationship };
  /** 2010BB: the payer this claim goes to. */
  payer: { name: string; id: string; claimFilingIndicator: ClaimFilingIndicator; address?: AddressInput };
  /**
   * 2000B SBR01: that payer's place in the patient's order of payers, P (default), S or T
   * (`sbr01OfLevel` in domain/coordination.ts). A claim to the secondary or tertiary payer
   * needs each earlier payer, with its adjudication, in `otherPayers`.
   */
  payerResponsibility?: ClaimPayerResponsibility;
  /**
   * 2000B SBR05, the Medicare secondary payer type: required when the claim goes to Medicare
   * (payer.claimFilingIndicator MB, or MA) as a payer that is not primary, refused otherwise.
   */
  insuranceTypeCode?: MspType;
  /**
   * The patient's other payers, at most 10, each a 2320 loop with its 2330A subscriber and
   * 2330B payer, in the order given; an adjudicating payer's lines go to 2430 under ours.
   */
  otherPayers?: OtherPayer837[];
  /** 2300. */
  claim: {
    /** CLM01, our claim id echoed in 277CA and 835 (CLP01). At most 20 characters (what Medicare keeps). */
    patientControlNumber: string;
    /** CLM02 in cents; must equal the sum of the line charges. */
    totalCharge: number;
    frequencyCode: ClaimFrequency;
    /** REF*F8, the payer's claim number of the claim being replaced or voided (frequency 7 or 8 only). */
    payerClaimNumber?: string;
    /** ICD-10-CM codes, with or without the dot; the first is the principal diagnosis (ABK). At most 12. */
    diagnoses: string[];
    /** REF*G1 in 2300: the prior-auth unique tracking number for the whole claim. */
    priorAuthNumber?: string;
    /** NTE*ADD (80 characters): break in need, replacement before useful life… */
    narrative?: string;
    /** CLM05-1; default `12` (home). */
    placeOfService?: string;
    /** `false` for a non-assigned claim (CLM07 `C`, CLM08 `N`); default assigned (`A`, `Y`). */
    acceptAssignment?: boolean;
  };
  /** 2420E on every line: the practitioner who ordered the equipment (required for DME). */
  orderingProvider: { npi: string; lastName: string; firstName: string };
  /** 2400, at most 50. A line without `lineControlNumber` gets one from `assignLineControlNumbers`. */
  lines: ClaimLine[];
}

/**
 * REF*6R values must be unique per line so the 835 and 277CA can be matched back; a
 * line that has none gets "<patient control number>-<line number>", which is unique
 * as long as patient control numbers are. The claim builder can call this before
 * storing lines so the stored and sent numbers agree.
 */
export function assignLineControlNumbers(patientControlNumber: string, lines: ClaimLine[]): ClaimLine[] {
  return lines.map((line, i) => (line.lineControlNumber ? line : { ...line, lineControlNumber: `${patientControlNumber}-${i + 1}` }));
}

/** "J44.9" → "J449", the form HI wants. */
function icd10ForClaim(code: string): string {
  return code.replace('.', '').toUpperCase();
}

const ICD10 = /^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$/;
const HCPCS = /^[A-V][0-9]{4}$/;
const MODIFIER = /^[A-Z0-9]{2}$/;
const MAX_LINES = 50;
const MAX_DIAGNOSES = 12;

function check(input: Claim837Input): ClaimLine[] {
  const c = new InputCheck();
  c.interchange('interchange', input.interchange);

  const s = input.submitter;
  if (!s) c.problem('submitter', 'is required');
  else {
    c.text('submitter.name', s.name, 60);
    c.identifier('submitter.id', s.id, 80, 2);
    c.text('submitter.contactName', s.contactName, 60);
    if ((s.phone ?? '').replace(/\D/g, '').length !== 10) c.problem('submitter.phone', 'must be a 10-digit phone number');
    if (s.email !== undefined && !/^[^\s@*~:^]+@[^\s@*~:^]+$/.test(s.email)) c.problem('submitter.email', 'must be an email address');
  }
  if (!input.receiver) c.problem('receiver', 'is required');
  else {
    c.text('receiver.name', input.receiver.name, 60);
    c.identifier('receiver.id', input.receiver.id, 80, 2);
  }

  const bp = input.billingProvider;
  if (!bp) c.problem('billingProvider', 'is required');
  else {
    c.text('billingProvider.organizationName', bp.organizationName, 60);
    c.npi('billingProvider.npi', bp.npi);
    c.ein('billingProvider.taxId', bp.taxId);
    c.address('billingProvider.address', bp.address, true);
    if (bp.taxonomyCode !== undefined && !/^[0-9]{3}[0-9A-Z]{6}X$/.test(bp.taxonomyCode)) {
      c.problem('billingProvider.taxonomyCode', 'must be a 10-character provider taxonomy code such as 332B00000X');
    }
  }

  c.person('subscriber', input.subscriber);
  if (input.subscriber) {
    c.identifier('subscriber.memberId', input.subscriber.memberId, 80, 2);
    if (input.subscriber.groupNumber !== undefined) c.identifier('subscriber.groupNumber', input.subscriber.groupNumber, 50);
  }
  if (input.patient) {
    c.person('patient', input.patient);
    if (!['01', '19', '20', '21', '39', '40', '53', 'G8'].includes(input.patient.relationshipToSubscriber)) {
      c.problem(
        'patient.relationshipToSubscriber',
        'must be a PAT01 code (01, 19, 20, 21, 39, 40, 53, G8); leave patient out when the patient is the subscriber',
      );
    }
  }

  const payer = input.payer;
  if (!payer) c.problem('payer', 'is required');
  else {
    c.text('payer.name', payer.name, 60);
    c.identifier('payer.id', payer.id, 80, 2);
    if (!/^[A-Z0-9]{2}$/.test(payer.claimFilingIndicator ?? ''))
      c.problem('payer.claimFilingIndicator', 'must be an SBR09 code such as MB, MC or CI');
    if (payer.address) c.address('payer.address', payer.address);
  }

  const claim = input.claim;
  const diagnoses = claim?.diagnoses ?? [];
  if (!claim) c.problem('claim', 'is required');
  else {
    c.identifier('claim.patientControlNumber', claim.patientControlNumber, 20);
    c.cents('claim.totalCharge', claim.totalCharge);
    if (!['1', '7', '8'].includes(claim.frequencyCode)) c.problem('claim.frequencyCode', 'must be 1 (original), 7 (replacement) or 8 (void)');
    if (claim.frequencyCode === '7' || claim.frequencyCode === '8') {
      c.identifier('claim.payerClaimNumber', claim.payerClaimNumber, 50);
    } else if (claim.payerClaimNumber !== undefined) {
      c.problem('claim.payerClaimNumber', 'goes only on a replacement (7) or void (8); an original claim has none');
    }
    if (diagnoses.length === 0 || diagnoses.length > MAX_DIAGNOSES) c.problem('claim.diagnoses', `needs 1 to ${MAX_DIAGNOSES} ICD-10 codes`);
    diagnoses.forEach((d, i) => {
      if (!ICD10.test(icd10ForClaim(d ?? ''))) c.problem(`claim.diagnoses[${i}]`, `"${d}" is not an ICD-10-CM code`);
    });
    if (claim.priorAuthNumber !== undefined) c.identifier('claim.priorAuthNumber', claim.priorAuthNumber, 50);
    c.optionalText('claim.narrative', claim.narrative, 80);
    if (claim.placeOfService !== undefined && !/^\d{2}$/.test(claim.placeOfService))
      c.problem('claim.placeOfService', 'must be a 2-digit place of service code');
  }

  const op = input.orderingProvider;
  if (!op) c.problem('orderingProvider', 'is required (DME lines need the ordering practitioner)');
  else {
    c.npi('orderingProvider.npi', op.npi);
    c.text('orderingProvider.lastName', op.lastName, 60);
    c.text('orderingProvider.firstName', op.firstName, 35);
  }

  const lines = assignLineControlNumbers(claim?.patientControlNumber ?? '', input.lines ?? []);
  if (lines.length === 0 || lines.length > MAX_LINES) c.problem('lines', `needs 1 to ${MAX_LINES} service lines`);
  const controlNumbers = new Set<string>();
  lines.forEach((line, i) => {
    const f = `lines[${i}]`;
    if (!HCPCS.test(line.hcpcs ?? '')) c.problem(`${f}.hcpcs`, `"${line.hcpcs}" is not a HCPCS Level II code`);
    if (!Array.isArray(line.modifiers) || line.modifiers.length > 4) c.problem(`${f}.modifiers`, 'at most 4 modifiers');
    (line.modifiers ?? []).forEach((m, j) => {
      if (!MODIFIER.test(m)) c.problem(`${f}.modifiers[${j}]`, `"${m}" is not a 2-character modifier`);
    });
    if (!(Number.isFinite(line.units) && line.units > 0 && line.units < 100_000)) c.problem(`${f}.units`, 'must be a number above zero');
    c.cents(`${f}.charge`, line.charge);
    c.date(`${f}.serviceFrom`, line.serviceFrom);
    c.date(`${f}.serviceTo`, line.serviceTo);
    if (line.serviceFrom > line.serviceTo) c.problem(`${f}.serviceTo`, 'is before serviceFrom');
    const pointers = line.diagnosisPointers ?? [];
    if (pointers.length === 0 || pointers.length > 4) c.problem(`${f}.diagnosisPointers`, 'needs 1 to 4 pointers');
    pointers.forEach((p, j) => {
      if (!Number.isInteger(p) || p < 1 || p > diagnoses.length) {
        c.problem(`${f}.diagnosisPointers[${j}]`, `${p} does not point at one of the ${diagnoses.length} diagnoses`);
      }
    });
    if (line.priorAuthNumber !== undefined) c.identifier(`${f}.priorAuthNumber`, line.priorAuthNumber, 50);
    c.identifier(`${f}.lineControlNumber`, line.lineControlNumber, 50);
    if (line.lineControlNumber && controlNumbers.has(line.lineControlNumber)) {
      c.problem(`${f}.lineControlNumber`, `"${line.lineControlNumber}" is used by another line; 835 posting needs it unique`);
    }
    if (line.lineControlNumber) controlNumbers.add(line.lineControlNumber);
    c.optionalText(`${f}.narrative`, line.narrative, 80);
  });
  if (claim && Number.isSafeInteger(claim.totalCharge)) {
    const sum = lines.reduce((total, l) => total + (Number.isSafeInteger(l.charge) ? l.charge : 0), 0);
    if (sum !== claim.totalCharge) {
      c.problem('claim.totalCharge', `${money(claim.totalCharge)} differs from the sum of the line charges ${money(sum)} (CLM02 must equal ΣSV102)`);
    }
  }
  checkCoordination(c, input, lines);
  c.throwIfAny();
  return lines;
}

function demographics(p: PersonInput): SegmentParts {
  return ['DMG', 'D8', ccyymmdd(p.birthDate), p.sex];
}

/** Builds the complete interchange text for one claim, or throws X12Error listing every input problem. */
export function build837P(input: Claim837Input): string {
  const lines = check(input);
  const { claim, subscriber, patient, payer, billingProvider: bp, orderingProvider: op } = input;
  const body: SegmentParts[] = [];
  const add = (...segments: SegmentParts[]) => body.push(...segments);

  // BHT03 ties the file to the interchange; BHT06 CH = chargeable (a claim, not an encounter report).
  add([
    'BHT',
    '0019',
    '00',
    String(input.interchange.controlNumber).padStart(9, '0'),
    ccyymmdd(input.interchange.date),
    input.interchange.time.replace(':', ''),
    'CH',
  ]);
  add(['NM1', '41', '2', clean(input.submitter.name), undefined, undefined, undefined, undefined, '46', input.submitter.id]);
  // The email goes as typed: its case and "@" are part of the address (X12 extended character set).
  add([
    'PER',
    'IC',
    clean(input.submitter.contactName),
    'TE',
    input.submitter.phone.replace(/\D/g, ''),
    ...(input.submitter.email ? ['EM', input.submitter.email] : []),
  ]);
  add(['NM1', '40', '2', clean(input.receiver.name), undefined, undefined, undefined, undefined, '46', input.receiver.id]);

  // 2000A billing provider
  add(['HL', '1', undefined, '20', '1']);
  if (bp.taxonomyCode) add(['PRV', 'BI', 'PXC', bp.taxonomyCode]);
  add(['NM1', '85', '2', clean(bp.organizationName), undefined, undefined, undefined, undefined, 'XX', bp.npi]);
  add(...addressSegments(bp.address));
  add(['REF', 'EI', normalizeEin(bp.taxId)]);

  // 2000B subscriber; HL04 says whether a 2000C patient level follows.
  add(['HL', '2', '1', '22', patient ? '1' : '0']);
  add([
    'SBR',
    input.payerResponsibility ?? 'P',
    patient ? undefined : '18',
    subscriber.groupNumber,
    undefined,
    input.insuranceTypeCode,
    undefined,
    undefined,
    undefined,
    payer.claimFilingIndicator,
  ]);
  add(personName('IL', subscriber, 'MI', subscriber.memberId));
  add(...addressSegments(subscriber.address), demographics(subscriber));
  add(['NM1', 'PR', '2', clean(payer.name), undefined, undefined, undefined, undefined, 'PI', payer.id]);
  if (payer.address) add(...addressSegments(payer.address));

  if (patient) {
    add(['HL', '3', '2', '23', '0']);
    add(['PAT', patient.relationshipToSubscriber]);
    add(personName('QC', patient));
    add(...addressSegments(patient.address), demographics(patient));
  }

  // 2300 claim. CLM05 = place of service : B (professional place-of-service qualifier) : frequency.
  add([
    'CLM',
    claim.patientControlNumber,
    dollars(claim.totalCharge),
    undefined,
    undefined,
    [claim.placeOfService ?? '12', 'B', claim.frequencyCode],
    'Y', // CLM06 supplier signature on file
    claim.acceptAssignment === false ? 'C' : 'A',
    // CLM08: on a non-assigned claim the payer pays the beneficiary, so benefits are not assigned to us.
    claim.acceptAssignment === false ? 'N' : 'Y',
    'Y', // CLM09 release of information on file
  ]);
  if (claim.priorAuthNumber) add(['REF', 'G1', claim.priorAuthNumber]);
  if (claim.payerClaimNumber) add(['REF', 'F8', claim.payerClaimNumber]);
  if (claim.narrative) add(['NTE', 'ADD', clean(claim.narrative)]);
  add(['HI', ...claim.diagnoses.map((d, i) => [i === 0 ? 'ABK' : 'ABF', icd10ForClaim(d)])]);
  // 2320 comes after the 2300 segments and the 2310 provider loops (none on our claims).
  add(...otherPayerLoops(input));

  lines.forEach((line, i) => {
    add(['LX', String(i + 1)]);
    add([
      'SV1',
      ['HC', line.hcpcs, ...line.modifiers],
      dollars(line.charge),
      'UN',
      String(line.units),
      // SV105 on every line because the line layout asks for it (verify with the
      // clearinghouse: the guide only requires it when it differs from CLM05-1).
      claim.placeOfService ?? '12',
      undefined,
      line.diagnosisPointers.map(String),
    ]);
    // A rental month is a span (anniversary to the day before the next one): RD8. A purchase is one day: D8.
    add(
      line.serviceFrom === line.serviceTo
        ? ['DTP', '472', 'D8', ccyymmdd(line.serviceFrom)]
        : ['DTP', '472', 'RD8', `${ccyymmdd(line.serviceFrom)}-${ccyymmdd(line.serviceTo)}`],
    );
    // Power wheelchairs carry the UTN on the base line only (DOMAIN.md §6).
    if (line.priorAuthNumber) add(['REF', 'G1', line.priorAuthNumber]);
    add(['REF', '6R', line.lineControlNumber]);
    if (line.narrative) add(['NTE', 'ADD', clean(line.narrative)]);
    add(personName('DK', op, 'XX', op.npi));
    // 2430 follows the 2420 provider loops of the line.
    add(...lineAdjudicationLoops(input, lines, i));
  });

  return interchangeText(input.interchange, { functionalId: 'HC', transactionSetId: '837', version: CLAIM_837P_VERSION }, body);
}
