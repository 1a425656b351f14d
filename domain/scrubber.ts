/**
 * The claim scrubber: every check a claim must pass before it goes to the
 * clearinghouse, so that a rejection (999 R, 277CA A3/A6/A7/A8) or a certain denial
 * is caught here, where a biller can still fix it. Each failure has a stable code to
 * search for, the field it concerns and a message saying which line, which rule and
 * what to do.
 */
import { addMonths, daysBetween, isAfter, isIsoDate } from './calendar';
import { isValidNpi } from './x12/values';
import {
  type Catalog,
  type CatalogEntry,
  catalogEntry,
  categoriesWithPricingModifier,
  defaultCatalog,
  hcpcsPattern,
  usualMaximumUnits,
} from './catalog';
import { type ClaimDraft, sumOfLineCharges } from './claim';
import { knownModifiers, maxModifiersPerLine, modifierRank, orderModifiers, rentalSequenceModifier } from './coding';
import { documentLabels, type RequiredDocument } from './documentation';
import { oxygenLineProblems } from './oxygen';
import { type PayerPolicy, timelyFilingDeadline, timelyFilingLimit } from './payer-policy';
import { isUniqueTrackingNumber, priorAuthRequired } from './prior-auth';
import type { ClaimLine, DocumentKind } from './types';

export type ScrubCode =
  | 'NPI_SHAPE'
  | 'NPI_CHECK_DIGIT'
  | 'FREQUENCY_CODE'
  | 'DIAGNOSIS_COUNT'
  | 'ICD10_SHAPE'
  | 'LINE_COUNT'
  | 'TOTAL_MISMATCH'
  | 'CMN_DIF_ATTACHED'
  | 'DOCUMENT_MISSING'
  | 'HCPCS_UNKNOWN'
  | 'ACQUISITION_NOT_ALLOWED'
  | 'PRICING_MODIFIER_MISSING'
  | 'MODIFIER_UNKNOWN'
  | 'MODIFIER_ORDER'
  | 'MODIFIER_CONFLICT'
  | 'TOO_MANY_MODIFIERS'
  | 'RENTAL_MONTH_MODIFIER'
  | 'RENTAL_CAP_EXCEEDED'
  | 'QUANTITY_OVER_USUAL_MAXIMUM'
  | 'UNITS_OVER_PER_SIDE_MAXIMUM'
  | 'OXYGEN_GROUP_MODIFIER'
  | 'OXYGEN_KX_NOT_USED'
  | 'OXYGEN_MODIFIER_MISPLACED'
  | 'DIAGNOSIS_POINTER'
  | 'LINE_AMOUNT'
  | 'SERVICE_DATE'
  | 'PRIOR_AUTH_MISSING'
  | 'PRIOR_AUTH_NUMBER_SHAPE'
  | 'TIMELY_FILING'
  | 'DUPLICATE_SERVICE_PERIOD'
  // Set by the claim builder, not the scrubber: no DME MAC for the patient's permanent address (DOMAIN.md §9).
  | 'DME_MAC_UNKNOWN';

export interface ScrubFailure {
  code: ScrubCode;
  /** Path of the field in the ClaimDraft, e.g. `lines[1].modifiers`. */
  field: string;
  message: string;
}

/** A service period already billed on another claim (leave out the claim a replacement corrects). */
export interface BilledServicePeriod {
  hcpcs: string;
  serviceFrom: string;
  serviceTo: string;
  /** LT / RT for sided items, so a bilateral pair is not a duplicate of itself. */
  side?: 'LT' | 'RT';
}

export interface ScrubContext {
  today: string;
  payer: PayerPolicy;
  catalog?: Catalog;
  /** What the order needs (requiredDocuments()). */
  requiredDocuments: readonly Pick<RequiredDocument, 'kind' | 'reasons'>[];
  /** Documents received and approved. */
  documentsOnFile: readonly DocumentKind[];
  billedPeriods: readonly BilledServicePeriod[];
}

/** The 837P repeats the service line loop at most 50 times per claim. */
const maxLinesPerClaim = 50;
/** The 837P HI segments carry at most 12 diagnoses. */
const maxDiagnoses = 12;
const maxPointersPerLine = 4;

/** NPI check digit (Luhn with the 80840 prefix): one implementation, in the X12 layer that sends NPIs. */
export { isValidNpi };

/** ICD-10-CM as claims carry it: upper case, no dot ("e11.9" → "E119"). */
export function normalizeIcd10(code: string): string {
  return code.trim().toUpperCase().replace('.', '');
}

/** Letter, digit, letter or digit, then up to four more letters or digits; no dot. */
export function isIcd10Shape(code: string): boolean {
  return /^[A-Z][0-9][A-Z0-9][A-Z0-9]{0,4}$/.test(code);
}

const liabilityAndPolicy = ['GA', 'GZ', 'GY', 'KX'];

/** Modifiers that cannot share a line, with what to do about it. */
const conflictRules: Array<{ modifiers: string[]; atMostOne: boolean; advice: string }> = [
  {
    modifiers: liabilityAndPolicy,
    atMostOne: true,
    advice:
      'GA, GZ, GY and KX never share a line (the claim is unprocessable): with an ABN keep GA and drop KX; ' +
      'denial expected without an ABN keep GZ; keep KX only when the policy is met and no denial is expected',
  },
  { modifiers: ['RR', 'NU', 'UE', 'MS'], atMostOne: true, advice: 'a line is a rental (RR) or a purchase (NU / UE), never both' },
  { modifiers: ['KH', 'KI', 'KJ'], atMostOne: true, advice: 'one rental month has one of KH, KI or KJ' },
  { modifiers: ['BP', 'BR', 'BU'], atMostOne: true, advice: 'the patient made one election: BP, BR or BU' },
  { modifiers: ['QE', 'QG', 'QF'], atMostOne: true, advice: 'one oxygen flow band per line' },
  { modifiers: ['KX', 'KS'], atMostOne: true, advice: 'KX (insulin-treated) and KS (not insulin-treated) exclude each other' },
  { modifiers: ['LT', 'RT'], atMostOne: true, advice: 'bill a bilateral item as two lines of one unit: one LT, one RT' },
  { modifiers: ['BP', 'RR'], atMostOne: false, advice: 'BP (elected purchase) goes with NU or UE, not RR' },
  { modifiers: ['BR', 'NU'], atMostOne: false, advice: 'BR (elected rental) goes with RR, not NU' },
  { modifiers: ['BR', 'UE'], atMostOne: false, advice: 'BR (elected rental) goes with RR, not UE' },
];

const cmnOrDifKinds = ['cmn', 'dif', 'certificate-of-medical-necessity', 'dme-information-form'];

function lineLabel(line: ClaimLine, index: number): string {
  const modifiers = line.modifiers.length > 0 ? ` ${line.modifiers.join(' ')}` : '';
  return `Line ${index + 1} (${line.hcpcs}${modifiers}, ${line.serviceFrom})`;
}

function sideOf(modifiers: readonly string[]): 'LT' | 'RT' | undefined {
  return modifiers.includes('LT') ? 'LT' : modifiers.includes('RT') ? 'RT' : undefined;
}

function periodsOverlap(a: { serviceFrom: string; serviceTo: string }, b: { serviceFrom: string; serviceTo: string }) {
  return !isAfter(a.serviceFrom, b.serviceTo) && !isAfter(b.serviceFrom, a.serviceTo);
}

/** Calendar months a line's span covers, at least one (a single date of service covers one). */
function monthsCovered(serviceFrom: string, serviceTo: string): number {
  let months = 1;
  while (!isAfter(addMonths(serviceFrom, months), serviceTo)) months++;
  return months;
}

function scrubProviders(claim: ClaimDraft, failures: ScrubFailure[]) {
  const providers = [
    { field: 'billingProviderNpi', who: 'billing provider (the supplier)', npi: claim.billingProviderNpi },
    { field: 'orderingProviderNpi', who: 'ordering provider (the prescriber)', npi: claim.orderingProviderNpi },
  ];
  for (const { field, who, npi } of providers) {
    if (!/^\d{10}$/.test(npi ?? '')) {
      failures.push({ code: 'NPI_SHAPE', field, message: `The ${who} NPI "${npi ?? ''}" must be 10 digits` });
    } else if (!isValidNpi(npi)) {
      failures.push({
        code: 'NPI_CHECK_DIGIT',
        field,
        message: `The ${who} NPI ${npi} fails its check digit: it is mistyped — copy it again from NPPES`,
      });
    }
  }
}

function scrubFrequency(claim: ClaimDraft, payer: PayerPolicy, failures: ScrubFailure[]) {
  if (!['1', '7', '8'].includes(claim.frequencyCode)) {
    failures.push({
      code: 'FREQUENCY_CODE',
      field: 'frequencyCode',
      message: `Frequency code "${claim.frequencyCode}" is not 1 (original), 7 (replacement) or 8 (void)`,
    });
    return;
  }
  if (claim.frequencyCode === '1') return;
  if (payer.reopeningInsteadOfReplacement) {
    failures.push({
      code: 'FREQUENCY_CODE',
      field: 'frequencyCode',
      message:
        'This payer corrects processed claims by reopening, not by replacement or void claims (frequency 7/8): ' +
        'request a reopening, or resubmit a rejected claim as a new original (frequency 1)',
    });
  } else if (!claim.originalClaimNumber) {
    failures.push({
      code: 'FREQUENCY_CODE',
      field: 'originalClaimNumber',
      message: `A ${claim.frequencyCode === '7' ? 'replacement' : 'void'} claim needs the payer's claim number of the original (REF*F8)`,
    });
  }
}

function scrubDiagnoses(claim: ClaimDraft, failures: ScrubFailure[]) {
  if (claim.diagnoses.length === 0 || claim.diagnoses.length > maxDiagnoses) {
    failures.push({
      code: 'DIAGNOSIS_COUNT',
      field: 'diagnoses',
      message: `A claim carries 1 to ${maxDiagnoses} diagnoses, this one has ${claim.diagnoses.length}: keep the principal one first`,
    });
  }
  claim.diagnoses.forEach((code, index) => {
    if (isIcd10Shape(code)) return;
    const normalized = normalizeIcd10(code);
    failures.push({
      code: 'ICD10_SHAPE',
      field: `diagnoses[${index}]`,
      message: isIcd10Shape(normalized)
        ? `Diagnosis ${index + 1} "${code}" must be sent upper case without the dot: ${normalized}`
        : `Diagnosis ${index + 1} "${code}" is not an ICD-10-CM code (a letter, a digit, then 1 to 5 letters or digits)`,
    });
  });
}

function scrubTotals(claim: ClaimDraft, failures: ScrubFailure[]) {
  if (claim.lines.length === 0 || claim.lines.length > maxLinesPerClaim) {
    failures.push({
      code: 'LINE_COUNT',
      field: 'lines',
      message: `A claim has 1 to ${maxLinesPerClaim} service lines, this one has ${claim.lines.length}: split it into several claims`,
    });
  }
  const sum = sumOfLineCharges(claim.lines);
  if (claim.totalCharge !== sum) {
    failures.push({
      code: 'TOTAL_MISMATCH',
      field: 'totalCharge',
      message: `The claim total ${claim.totalCharge} cents differs from the sum of the line charges ${sum} cents: set it to ${sum}`,
    });
  }
}

function scrubAttachments(claim: ClaimDraft, failures: ScrubFailure[]) {
  (claim.attachments ?? []).forEach((attachment, index) => {
    if (cmnOrDifKinds.includes(attachment.kind.toLowerCase()) || attachment.reportTypeCode?.toUpperCase() === 'CT') {
      failures.push({
        code: 'CMN_DIF_ATTACHED',
        field: `attachments[${index}]`,
        message:
          'CMN and DIF forms were eliminated for dates of service from 2023-01-01 and claims carrying them reject: ' +
          'remove the attachment; the policy criteria belong in the medical record',
      });
    }
  });
}

function scrubDocuments(context: ScrubContext, failures: ScrubFailure[]) {
  for (const required of context.requiredDocuments) {
    if (context.documentsOnFile.includes(required.kind)) continue;
    failures.push({
      code: 'DOCUMENT_MISSING',
      field: 'documents',
      message: `The ${documentLabels[required.kind]} is not on file (approved): ${required.reasons.join('; ')}. ` + 'Obtain it before billing',
    });
  }
}

function scrubModifiers(line: ClaimLine, index: number, failures: ScrubFailure[]) {
  const field = `lines[${index}].modifiers`;
  const label = lineLabel(line, index);
  for (const modifier of line.modifiers) {
    if (!knownModifiers[modifier]) {
      failures.push({
        code: 'MODIFIER_UNKNOWN',
        field,
        message: `${label}: modifier "${modifier}" is not one this supplier bills: check the spelling`,
      });
    }
  }
  if (line.modifiers.length > maxModifiersPerLine) {
    failures.push({
      code: 'TOO_MANY_MODIFIERS',
      field,
      message: `${label}: at most ${maxModifiersPerLine} modifiers fit on a line: ` + 'put 99 in the 4th position and the rest in the line narrative',
    });
  }
  const overflowAt = line.modifiers.indexOf('99');
  if (overflowAt >= 0 && overflowAt !== maxModifiersPerLine - 1) {
    failures.push({ code: 'MODIFIER_ORDER', field, message: `${label}: 99 belongs in the 4th modifier position only` });
  }
  if (overflowAt >= 0 && !line.narrative) {
    failures.push({
      code: 'TOO_MANY_MODIFIERS',
      field: `lines[${index}].narrative`,
      message: `${label}: 99 says more modifiers follow in the narrative, but the line has none: list them there`,
    });
  }
  const outOfOrder = line.modifiers.some((modifier, i) => i > 0 && modifierRank(line.modifiers[i - 1]) > modifierRank(modifier));
  if (outOfOrder) {
    failures.push({
      code: 'MODIFIER_ORDER',
      field,
      message:
        `${label}: the pricing modifier (RR/NU/UE) comes first, then KH/KI/KJ, then KX, then informational ones: ` +
        `send ${orderModifiers(line.modifiers).join(' ')}`,
    });
  }
  if (new Set(line.modifiers).size !== line.modifiers.length) {
    failures.push({ code: 'MODIFIER_CONFLICT', field, message: `${label}: a modifier is repeated: send each once` });
  }
  for (const rule of conflictRules) {
    const present = rule.modifiers.filter((modifier) => line.modifiers.includes(modifier));
    if (rule.atMostOne ? present.length > 1 : present.length === rule.modifiers.length) {
      failures.push({ code: 'MODIFIER_CONFLICT', field, message: `${label}: ${present.join(' with ')} — ${rule.advice}` });
    }
  }
}

/**
 * A sided line bills one side: its units may not exceed the code's per-side maximum
 * (catalog.ts `perSideMaximum`; DME MAC RT/LT correct-coding publication). Checked on
 * every claim, not only at intake, for rental months, corrections and catalog edits.
 */
function scrubSidedUnits(line: ClaimLine, index: number, entry: CatalogEntry, failures: ScrubFailure[]) {
  const side = sideOf(line.modifiers);
  if (!side || entry.perSideMaximum === undefined || line.units <= entry.perSideMaximum) return;
  failures.push({
    code: 'UNITS_OVER_PER_SIDE_MAXIMUM',
    field: `lines[${index}].units`,
    message:
      `${lineLabel(line, index)}: ${line.units} units on the ${side} line exceed the per-side maximum of ` +
      `${entry.perSideMaximum} for ${entry.hcpcs}: a bilateral pair is two lines, LT and RT, of ${entry.perSideMaximum} unit(s) each`,
  });
}

function scrubAgainstCatalog(line: ClaimLine, index: number, entry: CatalogEntry, payer: PayerPolicy, failures: ScrubFailure[]) {
  const field = `lines[${index}].modifiers`;
  const label = lineLabel(line, index);
  for (const problem of oxygenLineProblems(line, entry, payer.kind)) {
    failures.push({ code: problem.code, field, message: `${label}: ${problem.message}` });
  }
  scrubSidedUnits(line, index, entry, failures);
  const rental = line.modifiers.includes('RR');
  const purchase = line.modifiers.includes('NU') || line.modifiers.includes('UE');

  if (rental && !entry.acquisitions.includes('rental')) {
    failures.push({
      code: 'ACQUISITION_NOT_ALLOWED',
      field,
      message: `${label}: ${entry.hcpcs} (category ${entry.category}) is purchase only: bill it without RR`,
    });
  }
  if (purchase && !entry.acquisitions.includes('purchase')) {
    failures.push({
      code: 'ACQUISITION_NOT_ALLOWED',
      field,
      message: `${label}: ${entry.hcpcs} (category ${entry.category}) is rental only: bill each rental month with RR`,
    });
  }
  if (!rental && !purchase && categoriesWithPricingModifier.includes(entry.category) && !line.modifiers.includes('MS')) {
    failures.push({
      code: 'PRICING_MODIFIER_MISSING',
      field,
      message: `${label}: without RR, NU or UE the line is priced as a used purchase: ` + 'add RR for a rental, NU or UE for a purchase',
    });
  }

  const sequence = line.modifiers.filter((modifier) => ['KH', 'KI', 'KJ'].includes(modifier));
  if (rental && line.rentalMonth !== undefined) {
    if (entry.rentalCapMonths !== null && line.rentalMonth > entry.rentalCapMonths) {
      failures.push({
        code: 'RENTAL_CAP_EXCEEDED',
        field: `lines[${index}].rentalMonth`,
        message: `${label}: rental month ${line.rentalMonth} is past the ${entry.rentalCapMonths}-month cap: it is not billable`,
      });
      return;
    }
    const expected = rentalSequenceModifier(entry, line.rentalMonth);
    if (expected && (sequence.length !== 1 || sequence[0] !== expected)) {
      failures.push({
        code: 'RENTAL_MONTH_MODIFIER',
        field,
        message: `${label}: rental month ${line.rentalMonth} of a ${entry.category} item carries ${expected}`,
      });
    }
  }
  if (!rentalSequenceModifier(entry, 1) && sequence.length > 0) {
    failures.push({
      code: 'RENTAL_MONTH_MODIFIER',
      field,
      message: `${label}: KH/KI/KJ are for capped rentals and PEN pumps; ${entry.category} items bill without them`,
    });
  }

  const allowedUnits = usualMaximumUnits(entry, monthsCovered(line.serviceFrom, line.serviceTo));
  if (allowedUnits !== undefined && line.units > allowedUnits) {
    failures.push({
      code: 'QUANTITY_OVER_USUAL_MAXIMUM',
      field: `lines[${index}].units`,
      message:
        `${label}: ${line.units} units exceed the usual maximum of ${entry.usualMaximum?.quantity} per ` +
        `${entry.usualMaximum?.months} month(s) (${allowedUnits} for this span): bill the supply period as the ` +
        'service span, or document the need for more in the medical record and narrative',
    });
  }
}

function scrubLineBasics(line: ClaimLine, index: number, claim: ClaimDraft, today: string, failures: ScrubFailure[]) {
  const label = lineLabel(line, index);
  if (!Number.isInteger(line.units) || line.units < 1) {
    failures.push({
      code: 'LINE_AMOUNT',
      field: `lines[${index}].units`,
      message: `${label}: units must be a whole number of 1 or more`,
    });
  }
  if (!Number.isInteger(line.charge) || line.charge <= 0) {
    failures.push({
      code: 'LINE_AMOUNT',
      field: `lines[${index}].charge`,
      message: `${label}: the charge must be a positive number of cents`,
    });
  }
  if (!isIsoDate(line.serviceFrom) || !isIsoDate(line.serviceTo)) {
    failures.push({
      code: 'SERVICE_DATE',
      field: `lines[${index}].serviceFrom`,
      message: `${label}: service dates must be written YYYY-MM-DD`,
    });
    return false;
  }
  if (isAfter(line.serviceFrom, line.serviceTo)) {
    failures.push({
      code: 'SERVICE_DATE',
      field: `lines[${index}].serviceTo`,
      message: `${label}: the service span ends before it starts`,
    });
  } else if (isAfter(line.serviceFrom, today)) {
    failures.push({
      code: 'SERVICE_DATE',
      field: `lines[${index}].serviceFrom`,
      message: `${label}: the date of service is in the future: bill it on or after ${line.serviceFrom}`,
    });
  }

  const pointers = line.diagnosisPointers;
  const pointsAtADiagnosis = (pointer: number) => Number.isInteger(pointer) && pointer >= 1 && pointer <= claim.diagnoses.length;
  const pointersValid =
    pointers.length >= 1 && pointers.length <= maxPointersPerLine && new Set(pointers).size === pointers.length && pointers.every(pointsAtADiagnosis);
  if (!pointersValid) {
    failures.push({
      code: 'DIAGNOSIS_POINTER',
      field: `lines[${index}].diagnosisPointers`,
      message:
        `${label}: diagnosis pointers [${pointers.join(', ')}] must be 1 to ${maxPointersPerLine} different numbers ` +
        `between 1 and ${claim.diagnoses.length} (the claim's diagnoses), the one the item treats first`,
    });
  }
  return true;
}

function scrubPriorAuth(line: ClaimLine, index: number, claim: ClaimDraft, context: ScrubContext, catalog: Catalog, failures: ScrubFailure[]) {
  if (!priorAuthRequired(line, context.payer, catalog)) return;
  const label = lineLabel(line, index);
  const trackingNumber = line.priorAuthNumber ?? claim.priorAuthNumber;
  if (!trackingNumber) {
    failures.push({
      code: 'PRIOR_AUTH_MISSING',
      field: 'priorAuthNumber',
      message:
        `${label}: ${line.hcpcs} needs an affirmed prior authorization; without its tracking number the claim ` +
        'denies (CARC 197): request it, or add the tracking number of the affirmation',
    });
  } else if (context.payer.kind === 'medicare' && !isUniqueTrackingNumber(trackingNumber)) {
    failures.push({
      code: 'PRIOR_AUTH_NUMBER_SHAPE',
      field: line.priorAuthNumber ? `lines[${index}].priorAuthNumber` : 'priorAuthNumber',
      message: `${label}: the prior-auth unique tracking number "${trackingNumber}" must be 14 letters or digits: ` + 'copy it from the affirmation',
    });
  }
}

function scrubTimelyFiling(line: ClaimLine, index: number, context: ScrubContext, failures: ScrubFailure[]) {
  const deadline = timelyFilingDeadline(line.serviceFrom, context.payer);
  if (!isAfter(context.today, deadline)) return;
  const lateDays = daysBetween(deadline, context.today);
  failures.push({
    code: 'TIMELY_FILING',
    field: `lines[${index}].serviceFrom`,
    message:
      `${lineLabel(line, index)}: the filing window (${timelyFilingLimit(context.payer)}) closed on ${deadline} ` +
      `(${lateDays} day${lateDays === 1 ? '' : 's'} ago); a late claim denies CO-29 — remove the line and write it off`,
  });
}

function scrubDuplicates(line: ClaimLine, index: number, claim: ClaimDraft, context: ScrubContext, failures: ScrubFailure[]) {
  const side = sideOf(line.modifiers);
  const sameSide = (other: BilledServicePeriod) => other.side === undefined || side === undefined || other.side === side;
  const sameService = (other: BilledServicePeriod) => other.hcpcs === line.hcpcs && sameSide(other) && periodsOverlap(line, other);
  const billed = context.billedPeriods.find(sameService);
  if (billed) {
    failures.push({
      code: 'DUPLICATE_SERVICE_PERIOD',
      field: `lines[${index}]`,
      message:
        `${lineLabel(line, index)}: ${line.hcpcs} was already billed for ${billed.serviceFrom} to ${billed.serviceTo}: ` +
        'a second claim denies as a duplicate (CARC 18) — correct the original instead',
    });
  }
  const earlier = claim.lines.slice(0, index).findIndex((other) => sameService({ ...other, side: sideOf(other.modifiers) }));
  if (earlier >= 0) {
    failures.push({
      code: 'DUPLICATE_SERVICE_PERIOD',
      field: `lines[${index}]`,
      message: `${lineLabel(line, index)}: repeats line ${earlier + 1} for the same service period: ` + 'merge them into one line with more units',
    });
  }
}

/** Every problem of the claim, claim-level first, then line by line; empty means clean. */
export function scrubClaim(claim: ClaimDraft, context: ScrubContext): ScrubFailure[] {
  const catalog = context.catalog ?? defaultCatalog;
  const failures: ScrubFailure[] = [];
  scrubProviders(claim, failures);
  scrubFrequency(claim, context.payer, failures);
  scrubDiagnoses(claim, failures);
  scrubTotals(claim, failures);
  scrubAttachments(claim, failures);
  scrubDocuments(context, failures);

  claim.lines.forEach((line, index) => {
    const entry = hcpcsPattern.test(line.hcpcs) ? catalogEntry(catalog, line.hcpcs) : undefined;
    if (!entry) {
      failures.push({
        code: 'HCPCS_UNKNOWN',
        field: `lines[${index}].hcpcs`,
        message: `${lineLabel(line, index)}: ${line.hcpcs} is not a HCPCS code in the catalog: ` + 'correct the code or add the item to the catalog',
      });
    }
    scrubModifiers(line, index, failures);
    const datesValid = scrubLineBasics(line, index, claim, context.today, failures);
    if (entry && datesValid) scrubAgainstCatalog(line, index, entry, context.payer, failures);
    scrubPriorAuth(line, index, claim, context, catalog, failures);
    if (datesValid) {
      scrubTimelyFiling(line, index, context, failures);
      scrubDuplicates(line, index, claim, context, failures);
    }
  });
  return failures;
}
