/**
 * Eligibility: the 270 inquiry we send (005010X279A1) and the 271 answer we read.
 * For DME we ask about service types 12 (DME purchase) and 18 (DME rental).
 */
import { interchangeText, type SegmentParts } from './envelope';
import { fail } from './errors';
import { cents as readCents, dtpSpan, optionalCents, optionalDate, optionalDecimal, optionalText, required, text } from './fields';
import { clean, InputCheck, type InterchangeInput, type Sex } from './input';
import { components, parseX12, repeats, transactionSetsOf, type X12Delimiters, type X12Segment, type X12TransactionSet } from './parse';
import { ccyymmdd, normalizeEin, type DateSpan } from './values';

const ELIGIBILITY_VERSION = '005010X279A1';

export interface Eligibility270Input {
  interchange: InterchangeInput;
  /** 2100A: the payer asked. */
  payer: { name: string; id: string };
  /** 2100B: the supplier asking; its EIN becomes the trace originator (TRN03 "1" + EIN). */
  provider: { organizationName: string; npi: string; taxId: string };
  /**
   * 2100C. The patient is always sent as the subscriber: 5010 asks for the patient in
   * the subscriber loop whenever the patient has their own member id, which Medicare
   * and nearly all current plans issue; a dependent loop (2000D) is not built.
   */
  subscriber: { memberId: string; lastName: string; firstName: string; birthDate?: string; sex?: Sex };
  /** TRN02: our reference, echoed in the 271's TRN*2 so the answer finds its order. */
  traceNumber: string;
  /** DTP*291: the date of service asked about (delivery date). */
  serviceDate: string;
  /** EQ01 per segment; default 12 and 18. */
  serviceTypes?: string[];
}

export function build270(input: Eligibility270Input): string {
  const c = new InputCheck();
  c.interchange('interchange', input.interchange);
  c.text('payer.name', input.payer?.name, 60);
  c.identifier('payer.id', input.payer?.id, 80, 2);
  c.text('provider.organizationName', input.provider?.organizationName, 60);
  c.npi('provider.npi', input.provider?.npi);
  c.ein('provider.taxId', input.provider?.taxId);
  const s = input.subscriber;
  c.identifier('subscriber.memberId', s?.memberId, 80, 2);
  c.text('subscriber.lastName', s?.lastName, 60);
  c.text('subscriber.firstName', s?.firstName, 35);
  if (s?.birthDate !== undefined) c.date('subscriber.birthDate', s.birthDate);
  if (s?.sex !== undefined && !['M', 'F', 'U'].includes(s.sex)) c.problem('subscriber.sex', 'must be M, F or U');
  c.identifier('traceNumber', input.traceNumber, 50);
  c.date('serviceDate', input.serviceDate);
  const serviceTypes = input.serviceTypes ?? ['12', '18'];
  if (serviceTypes.length === 0 || serviceTypes.length > 99) c.problem('serviceTypes', 'needs 1 to 99 service type codes');
  serviceTypes.forEach((t, i) => {
    if (!/^[A-Z0-9]{1,2}$/.test(t)) c.problem(`serviceTypes[${i}]`, `"${t}" is not a service type code`);
  });
  c.throwIfAny();

  const body: SegmentParts[] = [
    // BHT02 13 = request.
    ['BHT', '0022', '13', input.traceNumber, ccyymmdd(input.interchange.date), input.interchange.time.replace(':', '')],
    ['HL', '1', undefined, '20', '1'],
    ['NM1', 'PR', '2', clean(input.payer.name), undefined, undefined, undefined, undefined, 'PI', input.payer.id],
    ['HL', '2', '1', '21', '1'],
    ['NM1', '1P', '2', clean(input.provider.organizationName), undefined, undefined, undefined, undefined, 'XX', input.provider.npi],
    ['HL', '3', '2', '22', '0'],
    // TRN03 is 10 characters: "1" marks the rest as an EIN.
    ['TRN', '1', input.traceNumber, `1${normalizeEin(input.provider.taxId)}`],
    ['NM1', 'IL', '1', clean(s.lastName), clean(s.firstName), undefined, undefined, undefined, 'MI', s.memberId],
  ];
  if (s.birthDate) body.push(['DMG', 'D8', ccyymmdd(s.birthDate), s.sex]);
  body.push(['DTP', '291', 'D8', ccyymmdd(input.serviceDate)]);
  for (const t of serviceTypes) body.push(['EQ', t]);
  return interchangeText(input.interchange, { functionalId: 'HS', transactionSetId: '270', version: ELIGIBILITY_VERSION }, body);
}

/** EB01 in the domain's words; codes outside the list DME billing acts on read as 'other'. */
export type BenefitKind =
  | 'active' // 1
  | 'inactive' // 6
  | 'deductible' // C
  | 'coinsurance' // A
  | 'copay' // B
  | 'out-of-pocket' // G
  | 'other-payer' // R (Medicare Advantage, a primary payer ahead of this one)
  | 'non-covered' // I
  | 'other';

const BENEFIT_KINDS: Record<string, BenefitKind> = {
  '1': 'active',
  '6': 'inactive',
  C: 'deductible',
  A: 'coinsurance',
  B: 'copay',
  G: 'out-of-pocket',
  R: 'other-payer',
  I: 'non-covered',
};

export interface BenefitDate extends DateSpan {
  /** DTP01: 291 plan, 346 plan begin, 347 plan end, 356/357 eligibility begin/end, 307 eligibility… */
  qualifier: string;
}

export interface Benefit {
  /** EB01 as sent. */
  code: string;
  kind: BenefitKind;
  /** EB02: IND individual, FAM family… */
  coverageLevel?: string;
  /** EB03, repeated: 12 DME purchase, 18 DME rental, 30 plan coverage, DM… */
  serviceTypes: string[];
  /** EB04: MB Medicare Part B, MA Part A, HM HMO, MC Medicaid… */
  insuranceType?: string;
  /** EB05. */
  planDescription?: string;
  /** EB06: 23 calendar year, 29 remaining, 22 service year, 26 episode… */
  timePeriod?: string;
  /** EB07 in cents (deductible, copay, out-of-pocket amounts). */
  amount?: number;
  /** EB08 as a fraction: 0.2 is 20% coinsurance. */
  percent?: number;
  quantityQualifier?: string;
  quantity?: number;
  /** EB11: prior authorization required (Y), not required (N), unknown (U). */
  authorizationRequired?: string;
  /** EB12: in plan network Y, N, W (not applicable), U. */
  inNetwork?: string;
  /** EB13 procedure, when the benefit is for one HCPCS code. */
  procedure?: { qualifier: string; code: string; modifiers: string[] };
  dates: BenefitDate[];
  /** MSG free text. */
  messages: string[];
  /** 2120C: the other payer or provider the benefit points at (EB01 R: the primary/MA plan). */
  relatedEntities: { entity: string; name?: string; idQualifier?: string; id?: string }[];
}

/** AAA: the payer could not answer (AAA03 72 invalid member id, 75 subscriber not found, 42 unable to respond…). */
export interface EligibilityRejection {
  /** Which loop said it: payer (2100A), provider (2100B), member (2100C/D), benefit (2110C/D). */
  level: 'payer' | 'provider' | 'member' | 'benefit';
  /** AAA01: Y the request was valid but…, N it was not. */
  validRequest: boolean;
  reason: string;
  /** AAA04: C correct and resubmit, N resubmission not allowed, R resubmission allowed, W wait… */
  followUp?: string;
}

export interface MemberEligibility {
  /** 2000C subscriber or 2000D dependent. */
  level: 'subscriber' | 'dependent';
  /** TRN*2 values: our 270 trace number(s) echoed. */
  traceNumbers: string[];
  lastName?: string;
  firstName?: string;
  memberId?: string;
  birthDate?: string;
  sex?: string;
  /** Member-level DTP: 346 plan begin, 356 eligibility begin… */
  dates: BenefitDate[];
  benefits: Benefit[];
  rejections: EligibilityRejection[];
  /**
   * Summary a workflow can branch on: rejected when any AAA applies to the member or
   * above it; active when any EB01 is 1; inactive when EB01 6 and no 1; otherwise
   * unknown.
   */
  status: 'active' | 'inactive' | 'rejected' | 'unknown';
}

export interface EligibilityResponse {
  /** ST02. */
  controlNumber: string;
  payer: { name?: string; id?: string };
  provider: { name?: string; id?: string };
  /** AAA at the payer or provider level (the whole request failed). */
  rejections: EligibilityRejection[];
  members: MemberEligibility[];
}

function rejection(level: EligibilityRejection['level'], seg: X12Segment): EligibilityRejection {
  return { level, validRequest: text(seg, 1) === 'Y', reason: required(seg, 3), ...(optionalText(seg, 4) ? { followUp: text(seg, 4) } : {}) };
}

function readResponse(set: X12TransactionSet, d: X12Delimiters): EligibilityResponse {
  const response: EligibilityResponse = { controlNumber: set.controlNumber, payer: {}, provider: {}, rejections: [], members: [] };
  let level: '20' | '21' | '22' | '23' | undefined;
  let member: MemberEligibility | undefined;
  let benefit: Benefit | undefined;
  let inRelatedEntity = false;

  for (let s = 1; s < set.segments.length - 1; s++) {
    const seg = set.segments[s];
    switch (seg.id) {
      case 'HL': {
        const code = required(seg, 3);
        if (code !== '20' && code !== '21' && code !== '22' && code !== '23')
          fail('invalid-value', `HL03 "${code}" is not a 271 level (20, 21, 22, 23)`, seg);
        level = code;
        benefit = undefined;
        inRelatedEntity = false;
        member = undefined;
        if (code === '22' || code === '23') {
          member = {
            level: code === '22' ? 'subscriber' : 'dependent',
            traceNumbers: [],
            dates: [],
            benefits: [],
            rejections: [],
            status: 'unknown',
          };
          response.members.push(member);
        }
        break;
      }
      case 'NM1': {
        if (inRelatedEntity && benefit) {
          benefit.relatedEntities.push({
            entity: required(seg, 1),
            name: optionalText(seg, 3),
            idQualifier: optionalText(seg, 8),
            id: optionalText(seg, 9),
          });
        } else if (level === '20') response.payer = { name: optionalText(seg, 3), id: optionalText(seg, 9) };
        else if (level === '21') response.provider = { name: optionalText(seg, 3), id: optionalText(seg, 9) };
        else if (member) {
          member.lastName = optionalText(seg, 3);
          member.firstName = optionalText(seg, 4);
          member.memberId = optionalText(seg, 9);
        }
        break;
      }
      case 'TRN':
        if (member && text(seg, 1) === '2') member.traceNumbers.push(required(seg, 2));
        break;
      case 'DMG':
        if (member) {
          member.birthDate = text(seg, 1) === 'D8' ? optionalDate(seg, 2) : undefined;
          member.sex = optionalText(seg, 3);
        }
        break;
      case 'AAA':
        if (benefit) member!.rejections.push(rejection('benefit', seg));
        else if (member) member.rejections.push(rejection('member', seg));
        else response.rejections.push(rejection(level === '20' ? 'payer' : 'provider', seg));
        break;
      case 'DTP': {
        const date = { qualifier: required(seg, 1), ...dtpSpan(seg) };
        if (benefit) benefit.dates.push(date);
        else if (member) member.dates.push(date);
        break;
      }
      case 'EB': {
        if (!member) fail('structure', 'EB (benefit) outside a subscriber or dependent level', seg);
        inRelatedEntity = false;
        const code = required(seg, 1);
        const procedure = optionalText(seg, 13);
        const [qualifier, procedureCode, ...modifiers] = components(procedure, d);
        benefit = {
          code,
          kind: BENEFIT_KINDS[code] ?? 'other',
          coverageLevel: optionalText(seg, 2),
          serviceTypes: repeats(optionalText(seg, 3), d),
          insuranceType: optionalText(seg, 4),
          planDescription: optionalText(seg, 5),
          timePeriod: optionalText(seg, 6),
          amount: optionalCents(seg, 7),
          percent: optionalDecimal(seg, 8),
          quantityQualifier: optionalText(seg, 9),
          quantity: optionalDecimal(seg, 10),
          authorizationRequired: optionalText(seg, 11),
          inNetwork: optionalText(seg, 12),
          ...(procedure ? { procedure: { qualifier, code: procedureCode ?? '', modifiers: modifiers.filter((m) => m !== '') } } : {}),
          dates: [],
          messages: [],
          relatedEntities: [],
        };
        member.benefits.push(benefit);
        break;
      }
      case 'MSG':
        if (benefit) benefit.messages.push(required(seg, 1));
        break;
      case 'LS':
        inRelatedEntity = true;
        break;
      case 'LE':
        inRelatedEntity = false;
        break;
      case 'HSD':
      case 'III':
      case 'REF':
      case 'N3':
      case 'N4':
      case 'PER':
      case 'PRV':
      case 'INS':
      case 'HI':
      case 'MPI':
      case 'BHT':
        break;
      case 'AMT':
        readCents(seg, 2);
        break;
      default:
        fail('structure', `${seg.id} is not a 271 segment`, seg);
    }
  }
  for (const m of response.members) {
    const rejected = response.rejections.length > 0 || m.rejections.some((r) => r.level === 'member');
    m.status = rejected
      ? 'rejected'
      : m.benefits.some((b) => b.kind === 'active')
        ? 'active'
        : m.benefits.some((b) => b.kind === 'inactive')
          ? 'inactive'
          : 'unknown';
  }
  return response;
}

/** Reads every 271 in the file: one response per transaction set, one entry per member asked about. */
export function parse271(x12: string): EligibilityResponse[] {
  const interchange = parseX12(x12);
  return transactionSetsOf(interchange, '271').map((set) => readResponse(set, interchange.delimiters));
}
