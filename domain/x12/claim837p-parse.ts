/**
 * Reading an 837P (005010X222A1) back: the claim as we built and sent it, loop by loop,
 * so a paper CMS-1500 (domain/cms1500) carries the same data as the electronic claim.
 * One interchange holds one claim (claim837p.ts), so the reader takes the first claim
 * of the first transaction set.
 *
 * Loops are told apart by the TR3's segment order: an NM1's entity code means a different
 * loop under the subscriber (2010BA IL, 2010BB PR), under the claim (2310A DN referring,
 * 2310B 82 rendering, 2310C 77 service facility), under another payer's SBR (2330A IL
 * other subscriber, 2330B PR other payer) and under a line (2420A 82, 2420E DK ordering).
 * A REF*G1 is the claim's prior authorization only in 2300; in 2330B it is the other
 * payer's and in 2400 the line's.
 */
import { fail } from './errors';
import { cents, date, dtpSpan, optionalText, required, text } from './fields';
import { components, parseX12, transactionSetsOf, type X12Delimiters, type X12Segment } from './parse';

export interface ParsedAddress {
  line1: string;
  line2?: string;
  city: string;
  state: string;
  zip: string;
}

/** NM1 of a person or organization: NM103 last or organization name, NM104 first, NM105 middle, NM109 the id. */
export interface ParsedName {
  lastOrOrganization: string;
  first?: string;
  middle?: string;
  /** NM108: MI member id, XX NPI, PI payer id… */
  idQualifier?: string;
  id?: string;
}

export interface ParsedParty extends ParsedName {
  address?: ParsedAddress;
  /** DMG02 and DMG03. */
  birthDate?: string;
  sex?: string;
}

/** One other payer of a secondary or tertiary claim: 2320 with its 2330A and 2330B. */
export interface ParsedOtherPayer {
  /** 2320 SBR01: that payer's responsibility (P, S, T…). */
  responsibility: string;
  /** SBR02: the patient's relationship to the other subscriber (18 self). */
  relationship?: string;
  groupNumber?: string;
  groupName?: string;
  /** SBR09 of the other payer. */
  claimFilingIndicator?: string;
  /** AMT*D, what that payer paid on the claim, in cents. */
  paid?: number;
  /** 2330A other subscriber. */
  subscriber?: ParsedName;
  /** 2330B other payer, with REF*F8 its claim number. */
  payer?: ParsedName & { claimNumber?: string };
}

export interface ParsedServiceLine {
  hcpcs: string;
  modifiers: string[];
  /** SV102 in cents. */
  charge: number;
  /** SV104 as written (it may be a decimal). */
  units: string;
  /** SV105 when the line says its own place of service. */
  placeOfService?: string;
  /** SV107: 1-based pointers into the claim's diagnoses. */
  diagnosisPointers: number[];
  /** SV109 Y. */
  emergency: boolean;
  serviceFrom: string;
  serviceTo: string;
  priorAuthNumber?: string;
  lineControlNumber?: string;
  narrative?: string;
  /** 2420A. */
  renderingProvider?: ParsedName;
  /** 2420E. */
  orderingProvider?: ParsedName;
}

export interface Parsed837P {
  /** BHT04: the day the claim was created. */
  createdOn: string;
  /** 1000A, with its PER telephone. */
  submitter: { name: string; phone?: string };
  /** 2010AA, with REF*EI (or SY) and any PER telephone. */
  billingProvider: ParsedParty & { taxId?: { qualifier: 'EI' | 'SY'; value: string }; phone?: string };
  /** 2000B SBR and 2010BA. */
  subscriber: ParsedParty & {
    /** SBR01: P, S, T… */
    responsibility: string;
    /** SBR02 18 when the subscriber is the patient. */
    relationship?: string;
    groupNumber?: string;
    groupName?: string;
    /** SBR05, the Medicare secondary payer type. */
    insuranceType?: string;
    claimFilingIndicator: string;
  };
  /** 2010BB. */
  payer: ParsedParty;
  /** 2000C/2010CA, when the patient is not the subscriber; PAT01 their relationship. */
  patient?: ParsedParty & { relationship: string };
  claim: {
    patientControlNumber: string;
    totalCharge: number;
    /** CLM05-1. */
    placeOfService: string;
    /** CLM05-3: 1 original, 7 replacement, 8 void. */
    frequencyCode: string;
    /** CLM06 Y: the supplier's signature is on file. */
    providerSignatureOnFile: boolean;
    /** CLM07: A assigned, B lab services only, C not assigned. */
    assignment: string;
    /** CLM08 Y: the insured assigned benefits to the provider. */
    benefitsAssigned: boolean;
    /** CLM09: Y (or I) release of information on file. */
    releaseOfInformation: string;
    /** CLM11-1..3: EM employment, AA auto accident, OA other accident. */
    relatedCauses: string[];
    /** CLM11-4. */
    autoAccidentState?: string;
    priorAuthNumber?: string;
    /** AMT*F5: what the patient has paid toward the claim, in cents. */
    patientPaid?: number;
    /** REF*F8: the payer's claim number of the claim replaced or voided. */
    payerClaimNumber?: string;
    narrative?: string;
    /** HI: qualifier ABK/ABF (ICD-10) or BK/BF (ICD-9), code without the dot. */
    diagnoses: Array<{ qualifier: string; code: string }>;
  };
  /** 2310A. */
  referringProvider?: ParsedName;
  /** 2310B. */
  renderingProvider?: ParsedName;
  /** 2310C. */
  serviceFacility?: ParsedParty;
  otherPayers: ParsedOtherPayer[];
  lines: ParsedServiceLine[];
}

function nameOf(seg: X12Segment): ParsedName {
  return {
    // Empty on a pay-to address (NM1*87*2), which names no one.
    lastOrOrganization: text(seg, 3),
    first: optionalText(seg, 4),
    middle: optionalText(seg, 5),
    idQualifier: optionalText(seg, 8),
    id: optionalText(seg, 9),
  };
}

/** Where the reader is: the loop the last NM1, SBR, CLM or LX opened. */
type Loop =
  | 'header'
  | '1000A'
  | '1000B'
  | '2000A'
  | '2010AA'
  | '2010AB'
  | '2000B'
  | '2010BA'
  | '2010BB'
  | '2000C'
  | '2010CA'
  | '2300'
  | '2310A'
  | '2310B'
  | '2310C'
  | '2310-other'
  | '2320'
  | '2330A'
  | '2330B'
  | '2330-other'
  | '2400'
  | '2420A'
  | '2420E'
  | '2420-other'
  | '2430';

/** Reads the first claim of an 837P interchange, or throws X12Error naming the segment that is wrong or missing. */
export function parse837P(x12: string): Parsed837P {
  const interchange = parseX12(x12);
  const [set] = transactionSetsOf(interchange, '837');
  return readClaim(set.segments, interchange.delimiters);
}

function readClaim(segments: X12Segment[], d: X12Delimiters): Parsed837P {
  let loop: Loop = 'header';
  let createdOn: string | undefined;
  let submitter: Parsed837P['submitter'] | undefined;
  let billingProvider: Parsed837P['billingProvider'] | undefined;
  let subscriber: Parsed837P['subscriber'] | undefined;
  let sbr: Omit<Parsed837P['subscriber'], keyof ParsedParty> | undefined;
  let payer: ParsedParty | undefined;
  let patient: Parsed837P['patient'] | undefined;
  let patientRelationship: string | undefined;
  let claim: Parsed837P['claim'] | undefined;
  let referringProvider: ParsedName | undefined;
  let renderingProvider: ParsedName | undefined;
  let serviceFacility: ParsedParty | undefined;
  const otherPayers: ParsedOtherPayer[] = [];
  const lines: ParsedServiceLine[] = [];
  // The party whose N3/N4/DMG/PER/REF follow.
  let party: (ParsedParty & { phone?: string }) | undefined;

  const otherPayer = () => otherPayers[otherPayers.length - 1];
  const line = () => lines[lines.length - 1];

  for (const seg of segments) {
    if (claim && lines.length > 0 && seg.id === 'CLM') break; // one claim per interchange: the first is ours
    switch (seg.id) {
      case 'BHT':
        createdOn = date(seg, 4);
        break;
      case 'HL': {
        const level = text(seg, 3);
        loop = level === '20' ? '2000A' : level === '22' ? '2000B' : level === '23' ? '2000C' : loop;
        party = undefined;
        break;
      }
      case 'SBR':
        if (loop === '2000B') {
          sbr = {
            responsibility: required(seg, 1),
            relationship: optionalText(seg, 2),
            groupNumber: optionalText(seg, 3),
            groupName: optionalText(seg, 4),
            insuranceType: optionalText(seg, 5),
            claimFilingIndicator: required(seg, 9),
          };
        } else if (claim) {
          loop = '2320';
          otherPayers.push({
            responsibility: required(seg, 1),
            relationship: optionalText(seg, 2),
            groupNumber: optionalText(seg, 3),
            groupName: optionalText(seg, 4),
            claimFilingIndicator: optionalText(seg, 9),
          });
        }
        party = undefined;
        break;
      case 'PAT':
        patientRelationship = required(seg, 1);
        break;
      case 'NM1': {
        const entity = text(seg, 1);
        const name = nameOf(seg);
        party = undefined;
        if (loop === 'header' || loop === '1000A' || loop === '1000B') {
          if (entity === '41') {
            loop = '1000A';
            submitter = { name: name.lastOrOrganization };
          } else loop = '1000B';
        } else if (loop === '2000A' || loop === '2010AA' || loop === '2010AB') {
          // 87 is the pay-to address (2010AB), not the billing provider.
          if (entity === '85') {
            loop = '2010AA';
            billingProvider = party = name;
          } else loop = '2010AB';
        } else if (loop === '2000B' || loop === '2010BA' || loop === '2010BB') {
          if (entity === 'IL') {
            if (!sbr) fail('structure', 'the subscriber (NM1*IL) comes before its SBR', seg);
            loop = '2010BA';
            subscriber = party = { ...name, ...sbr };
          } else if (entity === 'PR') {
            loop = '2010BB';
            payer = party = name;
          }
        } else if (loop === '2000C' || loop === '2010CA') {
          loop = '2010CA';
          patient = { ...name, relationship: patientRelationship ?? '' };
          party = patient;
        } else if (loop === '2300' || loop.startsWith('2310')) {
          if (entity === 'DN') {
            loop = '2310A';
            referringProvider = name;
          } else if (entity === '82') {
            loop = '2310B';
            renderingProvider = name;
          } else if (entity === '77') {
            loop = '2310C';
            serviceFacility = party = name;
          } else loop = '2310-other';
        } else if (loop === '2320' || loop.startsWith('2330')) {
          if (entity === 'IL') {
            loop = '2330A';
            otherPayer().subscriber = name;
          } else if (entity === 'PR') {
            loop = '2330B';
            otherPayer().payer = name;
          } else loop = '2330-other';
        } else if (loop === '2400' || loop.startsWith('2420') || loop === '2430') {
          if (entity === '82') {
            loop = '2420A';
            line().renderingProvider = name;
          } else if (entity === 'DK') {
            loop = '2420E';
            line().orderingProvider = name;
          } else loop = '2420-other';
        }
        break;
      }
      case 'N3':
        if (party) party.address = { line1: required(seg, 1), line2: optionalText(seg, 2), city: '', state: '', zip: '' };
        break;
      case 'N4':
        if (party) {
          party.address = { line1: '', ...party.address, city: required(seg, 1), state: text(seg, 2), zip: text(seg, 3) };
        }
        break;
      case 'DMG':
        if (party) {
          party.birthDate = date(seg, 2);
          party.sex = optionalText(seg, 3);
        }
        break;
      case 'PER': {
        // PER03/04 and PER05/06 are qualifier and number pairs; TE is the telephone.
        const phone = text(seg, 3) === 'TE' ? text(seg, 4) : text(seg, 5) === 'TE' ? text(seg, 6) : undefined;
        if (loop === '1000A' && submitter) submitter.phone = phone;
        else if (loop === '2010AA' && billingProvider) billingProvider.phone = phone;
        break;
      }
      case 'REF': {
        const qualifier = text(seg, 1);
        const value = required(seg, 2);
        if (loop === '2010AA' && billingProvider && (qualifier === 'EI' || qualifier === 'SY')) billingProvider.taxId = { qualifier, value };
        else if (loop === '2300' && claim && qualifier === 'G1') claim.priorAuthNumber = value;
        else if (loop === '2300' && claim && qualifier === 'F8') claim.payerClaimNumber = value;
        else if (loop === '2330B' && qualifier === 'F8') otherPayer().payer!.claimNumber = value;
        else if (loop === '2400' && qualifier === 'G1') line().priorAuthNumber = value;
        else if (loop === '2400' && qualifier === '6R') line().lineControlNumber = value;
        break;
      }
      case 'CLM':
        loop = '2300';
        party = undefined;
        claim = claimOf(seg, d);
        break;
      case 'NTE':
        if (loop === '2300' && claim) claim.narrative = text(seg, 2);
        else if (loop === '2400') line().narrative = text(seg, 2);
        break;
      case 'HI':
        if (loop === '2300' && claim) {
          for (let i = 1; i < seg.elements.length; i++) {
            const [qualifier, code] = components(seg.elements[i], d);
            if (qualifier && code) claim.diagnoses.push({ qualifier, code });
          }
        }
        break;
      case 'AMT':
        if (loop === '2320' && text(seg, 1) === 'D') otherPayer().paid = cents(seg, 2);
        else if (loop === '2300' && claim && text(seg, 1) === 'F5') claim.patientPaid = cents(seg, 2);
        break;
      case 'LX':
        loop = '2400';
        party = undefined;
        lines.push({
          hcpcs: '',
          modifiers: [],
          charge: 0,
          units: '1',
          diagnosisPointers: [],
          emergency: false,
          serviceFrom: '',
          serviceTo: '',
        });
        break;
      case 'SV1':
        if (loop === '2400') Object.assign(line(), serviceOf(seg, d));
        break;
      case 'DTP':
        if (loop === '2400' && text(seg, 1) === '472') {
          const span = dtpSpan(seg);
          line().serviceFrom = span.from;
          line().serviceTo = span.to;
        }
        break;
      case 'SVD':
        loop = '2430';
        break;
    }
  }

  const st = segments[0];
  if (!createdOn) fail('structure', 'the 837P has no BHT (beginning of hierarchical transaction)', st);
  if (!billingProvider) fail('structure', 'the 837P has no billing provider (2010AA NM1*85)', st);
  if (!subscriber) fail('structure', 'the 837P has no subscriber (2000B SBR and 2010BA NM1*IL)', st);
  if (!payer) fail('structure', 'the 837P has no payer (2010BB NM1*PR)', st);
  if (!claim) fail('structure', 'the 837P has no claim (CLM)', st);
  if (lines.length === 0) fail('structure', 'the claim has no service line (LX and SV1)', st);
  const undated = lines.findIndex((l) => l.hcpcs === '' || l.serviceFrom === '');
  if (undated !== -1) fail('structure', `service line ${undated + 1} has no SV1 or no DTP*472 date of service`, st);
  return {
    createdOn,
    submitter: submitter ?? { name: '' },
    billingProvider,
    subscriber,
    payer,
    ...(patient ? { patient } : {}),
    claim,
    ...(referringProvider ? { referringProvider } : {}),
    ...(renderingProvider ? { renderingProvider } : {}),
    ...(serviceFacility ? { serviceFacility } : {}),
    otherPayers,
    lines,
  };
}

function claimOf(seg: X12Segment, d: X12Delimiters): Parsed837P['claim'] {
  const [placeOfService, , frequencyCode] = components(required(seg, 5), d);
  const related = components(optionalText(seg, 11), d);
  return {
    patientControlNumber: required(seg, 1),
    totalCharge: cents(seg, 2),
    placeOfService: placeOfService ?? '',
    frequencyCode: frequencyCode ?? '1',
    providerSignatureOnFile: text(seg, 6) === 'Y',
    assignment: text(seg, 7),
    benefitsAssigned: text(seg, 8) === 'Y',
    releaseOfInformation: text(seg, 9),
    relatedCauses: related.slice(0, 3).filter((code) => code !== ''),
    ...(related[3] ? { autoAccidentState: related[3] } : {}),
    diagnoses: [],
  };
}

function serviceOf(seg: X12Segment, d: X12Delimiters): Partial<ParsedServiceLine> {
  const [, hcpcs, ...rest] = components(required(seg, 1), d);
  return {
    hcpcs: hcpcs ?? '',
    // SV101-7 is a description, not a modifier: modifiers are SV101-3..6.
    modifiers: rest.slice(0, 4).filter((m) => m !== ''),
    charge: cents(seg, 2),
    units: text(seg, 4) || '1',
    placeOfService: optionalText(seg, 5),
    diagnosisPointers: components(optionalText(seg, 7), d).map(Number),
    emergency: text(seg, 9) === 'Y',
  };
}
