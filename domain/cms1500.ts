/**
 * The paper claim: the CMS-1500 (02/12) items of a claim, read from the 837P we stored
 * and sent, so paper and electronic claims carry the same data (DOMAIN.md §15 "Paper").
 * What goes in each item follows the NUCC 1500 Health Insurance Claim Form Reference
 * Instruction Manual for Form Version 02/12 and its map of items to 837P elements;
 * where Medicare asks for more, the Medicare Claims Processing Manual (IOM 100-04)
 * chapter 26 "Completing and Processing Form CMS-1500 Data Set" is cited on the item.
 *
 * Items the 837P we build has no data for (8, 9b, 9c, 10d, 11b, 14–16, 18, 20, 30, the
 * shaded supplemental lines of 24) stay blank, as the manual allows when they do not apply.
 */
import type { Parsed837P, ParsedAddress, ParsedName, ParsedOtherPayer, ParsedParty, ParsedServiceLine } from './x12/claim837p-parse';

/** Item 1: one box is marked. */
export type InsuranceType = 'medicare' | 'medicaid' | 'tricare' | 'champva' | 'group-health-plan' | 'feca-black-lung' | 'other';

/**
 * Item 1 from the claim filing indicator (SBR09) of the payer the claim goes to. No SBR09
 * code names FECA Black Lung (federal workers' compensation files as WC, "other"), so
 * that box is never marked from an 837P.
 */
const insuranceTypeOfFilingIndicator: Record<string, InsuranceType> = {
  MA: 'medicare',
  MB: 'medicare',
  MC: 'medicaid',
  CH: 'tricare',
  VA: 'champva',
  BL: 'group-health-plan',
  CI: 'group-health-plan',
  FI: 'group-health-plan',
  HM: 'group-health-plan',
  '12': 'group-health-plan',
  '13': 'group-health-plan',
  '14': 'group-health-plan',
  '15': 'group-health-plan',
  '16': 'group-health-plan',
  '17': 'group-health-plan',
};

export function insuranceTypeOf(claimFilingIndicator: string): InsuranceType {
  return insuranceTypeOfFilingIndicator[claimFilingIndicator] ?? 'other';
}

/** Item 6. */
export type PatientRelationship = 'self' | 'spouse' | 'child' | 'other';

export interface FormPerson {
  last: string;
  first?: string;
  middle?: string;
}

export interface FormAddress {
  street: string;
  city: string;
  state: string;
  zip: string;
  phone?: string;
}

/** A provider in items 17, 32 or 33, with its NPI (17b, 32a, 33a). */
export interface FormProvider {
  name: FormPerson;
  npi?: string;
  address?: FormAddress;
}

export interface Cms1500ServiceLine {
  /** 24A, ISO dates; a one-day service has from = to. */
  from: string;
  to: string;
  /** 24B. */
  placeOfService: string;
  /** 24C. */
  emergency: boolean;
  /** 24D. */
  hcpcs: string;
  modifiers: string[];
  /** 24E: the letters of item 21, "A", "AB"… */
  diagnosisPointer: string;
  /** 24F, cents. */
  charge: number;
  /** 24G, as billed. */
  units: string;
  /** 24J, only when the rendering provider is not the billing provider of 33a. */
  renderingNpi?: string;
}

/** One printed form: at most six service lines. */
export interface Cms1500Page {
  pageNumber: number;
  pageCount: number;
  lines: Cms1500ServiceLine[];
  /** Item 28: the claim's total on the last page, "continued" on the pages before. */
  totalCharge: number | 'continued';
  /** Item 29, on the last page only. */
  amountPaid?: number;
}

export interface Cms1500 {
  /** The carrier block above item 1: where the paper claim is mailed. */
  payer: { name: string; address?: FormAddress };
  /** 1 */
  insuranceType: InsuranceType;
  /** 1a */
  insuredId: string;
  /** 2 */
  patientName: FormPerson;
  /** 3 */
  patientBirthDate?: string;
  patientSex?: string;
  /** 4 */
  insuredName: FormPerson;
  /** 5 */
  patientAddress?: FormAddress;
  /** 6 */
  relationship: PatientRelationship;
  /** 7 */
  insuredAddress?: FormAddress;
  /** 9, 9a, 9d: the other payer of a secondary claim (2320/2330A/2330B). */
  otherInsured?: { name?: FormPerson; policyOrGroupNumber?: string; planName?: string };
  /** 10a–10c from CLM11. */
  conditionRelatedTo: { employment: boolean; autoAccident: boolean; autoAccidentState?: string; otherAccident: boolean };
  /** 11 */
  insuredGroupNumber?: string;
  /** 11a */
  insuredBirthDate?: string;
  insuredSex?: string;
  /** 11c */
  insurancePlanName?: string;
  /** 11d, blank (undefined) on a Medicare claim. */
  anotherHealthBenefitPlan?: boolean;
  /** 12 (CLM09) and 13 (CLM08): "SIGNATURE ON FILE". */
  patientSignatureOnFile: boolean;
  insuredSignatureOnFile: boolean;
  /** 17 with its qualifier (DK ordering, DN referring) and 17b. */
  referringProvider?: FormProvider & { qualifier: 'DK' | 'DN' };
  /** 19 */
  additionalClaimInformation?: string;
  /** 21: the ICD indicator and diagnoses A–L, without the decimal point. */
  icdIndicator: '0' | '9';
  diagnoses: string[];
  /** 22 */
  resubmission?: { code: '7' | '8'; originalReferenceNumber?: string };
  /** 23 */
  priorAuthorizationNumber?: string;
  /** 24, 28 and 29 (what the patient and other payers paid), six lines a page. */
  pages: Cms1500Page[];
  /** 25 */
  federalTaxId?: { number: string; kind: 'SSN' | 'EIN' };
  /** 26 */
  patientAccountNumber: string;
  /** 27 */
  acceptAssignment: boolean;
  /** 31: "SIGNATURE ON FILE" and the date the claim was made. */
  supplierSignature?: { onFile: true; date: string };
  /** 32 and 32a. */
  serviceFacility?: FormProvider;
  /** 33 and 33a. */
  billingProvider: FormProvider;
}

/** Item 24 holds six service lines (NUCC 02/12 manual, item 24). */
export const SERVICE_LINES_PER_PAGE = 6;

const personOf = (name: ParsedName): FormPerson => ({
  last: name.lastOrOrganization,
  ...(name.first ? { first: name.first } : {}),
  ...(name.middle ? { middle: name.middle } : {}),
});

function addressOf(address: ParsedAddress | undefined, phone?: string): FormAddress | undefined {
  if (!address) return undefined;
  return {
    street: [address.line1, address.line2].filter(Boolean).join(' '),
    city: address.city,
    state: address.state,
    zip: address.zip,
    ...(phone ? { phone } : {}),
  };
}

const npiOf = (name: ParsedName | undefined) => (name?.idQualifier === 'XX' ? name.id : undefined);

const letters = 'ABCDEFGHIJKL';

function relationshipOf(claim: Parsed837P): PatientRelationship {
  if (!claim.patient) return claim.subscriber.relationship === '18' ? 'self' : 'other';
  // PAT01 of 2000C: 01 spouse, 19 child; everything else (employee, life partner…) is "other".
  return claim.patient.relationship === '01' ? 'spouse' : claim.patient.relationship === '19' ? 'child' : 'other';
}

const policyOrGroupNumberOf = (other: ParsedOtherPayer) => other.groupNumber ?? other.subscriber?.id;
const planNameOf = (other: ParsedOtherPayer) => other.groupName ?? other.payer?.lastOrOrganization;

/**
 * Medicare reads items 9 and 11 its own way (IOM 100-04 ch. 26 §10.2): item 11 names the
 * insurance primary to Medicare, or says NONE when there is none and the form goes on to
 * item 12; 11c is that primary payer's payer id, else its plan name; 11d is left blank;
 * item 9 is the Medigap (a payer after Medicare). So on a Medicare claim an other payer
 * whose 2320 SBR01 is P goes to item 11 and one after Medicare to item 9. Every other
 * payer's claim follows the NUCC manual: 11 is the insured's own plan and 9 the other one.
 */
function isMedicare(claim: Parsed837P): boolean {
  return insuranceTypeOf(claim.subscriber.claimFilingIndicator) === 'medicare';
}

/** Items 11–11d. */
function insuredPlanOf(
  claim: Parsed837P,
): Pick<Cms1500, 'insuredGroupNumber' | 'insuredBirthDate' | 'insuredSex' | 'insurancePlanName' | 'anotherHealthBenefitPlan'> {
  const { subscriber, payer } = claim;
  if (isMedicare(claim)) {
    const primary = claim.otherPayers.find((other) => other.responsibility === 'P');
    if (!primary) return { insuredGroupNumber: 'NONE' };
    const number = policyOrGroupNumberOf(primary);
    const plan = primary.payer?.idQualifier === 'PI' && primary.payer.id ? primary.payer.id : planNameOf(primary);
    return { ...(number ? { insuredGroupNumber: number } : {}), ...(plan ? { insurancePlanName: plan } : {}) };
  }
  return {
    ...(subscriber.groupNumber ? { insuredGroupNumber: subscriber.groupNumber } : {}),
    ...(subscriber.birthDate ? { insuredBirthDate: subscriber.birthDate } : {}),
    ...(subscriber.sex ? { insuredSex: subscriber.sex } : {}),
    insurancePlanName: subscriber.groupName ?? payer.lastOrOrganization,
    anotherHealthBenefitPlan: claim.otherPayers.length > 0,
  };
}

/** Items 9, 9a and 9d: the other payer (the form has room for one), on a Medicare claim the one after Medicare. */
function otherInsuredOf(claim: Parsed837P): Cms1500['otherInsured'] {
  const other = isMedicare(claim) ? claim.otherPayers.find((payer) => payer.responsibility !== 'P') : claim.otherPayers[0];
  if (!other) return undefined;
  const policyOrGroupNumber = policyOrGroupNumberOf(other);
  const planName = planNameOf(other);
  return {
    ...(other.subscriber ? { name: personOf(other.subscriber) } : {}),
    ...(policyOrGroupNumber ? { policyOrGroupNumber } : {}),
    ...(planName ? { planName } : {}),
  };
}

/**
 * Item 17: the ordering provider (DK), who DME lines need (837P 2420E, the same on every
 * line we build), or else the claim's referring provider (2310A, DN).
 */
function referringProviderOf(claim: Parsed837P): Cms1500['referringProvider'] {
  const ordering = claim.lines.find((line) => line.orderingProvider)?.orderingProvider;
  const provider = ordering ?? claim.referringProvider;
  if (!provider) return undefined;
  const npi = npiOf(provider);
  return { qualifier: ordering ? 'DK' : 'DN', name: personOf(provider), ...(npi ? { npi } : {}) };
}

function serviceLineOf(line: ParsedServiceLine, claim: Parsed837P, billingNpi: string | undefined): Cms1500ServiceLine {
  // 24J is reported only when it differs from 33a (NUCC 02/12 manual, item 24J).
  const renderingNpi = npiOf(line.renderingProvider ?? claim.renderingProvider);
  return {
    from: line.serviceFrom,
    to: line.serviceTo,
    placeOfService: line.placeOfService ?? claim.claim.placeOfService,
    emergency: line.emergency,
    hcpcs: line.hcpcs,
    modifiers: line.modifiers,
    diagnosisPointer: line.diagnosisPointers.map((pointer) => letters[pointer - 1] ?? '').join(''),
    charge: line.charge,
    units: line.units,
    ...(renderingNpi && renderingNpi !== billingNpi ? { renderingNpi } : {}),
  };
}

/**
 * Six lines a form; a longer claim continues on further forms, each carrying the same
 * claim data, with the total charge (28) on the last form only and "continued" on the
 * ones before, so no payer adds a page's subtotal as a claim. Item 29 goes with the
 * total: on every page it would be counted once a page.
 *
 * The NUCC 02/12 manual defines item 28 as the total of all charges in 24F; the
 * continuation rule is written out by payers' multi-page instructions (HMSA "Multi-page
 * Claims": "the total charge for all items should be listed on the last page only… type
 * the word continued"; Texas Medicaid TMPPM §5.4.1.4, the same). Some payers want no
 * continuation at all: Noridian's DME Jurisdiction A asks for at most six lines per paper
 * claim, each with its own total, and no "continued" (verify per payer before mailing).
 */
export function cms1500Pages(lines: Cms1500ServiceLine[], totalCharge: number, amountPaid?: number): Cms1500Page[] {
  const pageCount = Math.max(1, Math.ceil(lines.length / SERVICE_LINES_PER_PAGE));
  return Array.from({ length: pageCount }, (_, index) => {
    const last = index === pageCount - 1;
    return {
      pageNumber: index + 1,
      pageCount,
      lines: lines.slice(index * SERVICE_LINES_PER_PAGE, (index + 1) * SERVICE_LINES_PER_PAGE),
      totalCharge: last ? totalCharge : 'continued',
      ...(last && amountPaid !== undefined ? { amountPaid } : {}),
    };
  });
}

/** The CMS-1500 items of a claim read from its 837P. */
export function cms1500Of(claim: Parsed837P): Cms1500 {
  const { subscriber, billingProvider, payer } = claim;
  const patient: ParsedParty = claim.patient ?? subscriber;
  const billingNpi = npiOf(billingProvider);
  // Item 29 is what the patient and other payers paid (NUCC 02/12 manual): 2300 AMT*F5 and each 2320 AMT*D.
  const paidAmounts = [claim.claim.patientPaid, ...claim.otherPayers.map((other) => other.paid)].filter((paid): paid is number => paid !== undefined);
  const amountPaid = paidAmounts.length > 0 ? paidAmounts.reduce((sum, paid) => sum + paid, 0) : undefined;
  const frequency = claim.claim.frequencyCode;
  const priorAuthorizationNumber = claim.claim.priorAuthNumber ?? claim.lines.find((line) => line.priorAuthNumber)?.priorAuthNumber;
  const related = claim.claim.relatedCauses;
  const lines = claim.lines.map((line) => serviceLineOf(line, claim, billingNpi));
  // The submitter's telephone stands for the billing provider's when the supplier submits its own claims.
  const billingPhone = billingProvider.phone ?? (claim.submitter.name === billingProvider.lastOrOrganization ? claim.submitter.phone : undefined);
  const facilityNpi = npiOf(claim.serviceFacility);
  const referringProvider = referringProviderOf(claim);
  const otherInsured = otherInsuredOf(claim);

  return {
    payer: { name: payer.lastOrOrganization, ...(payer.address ? { address: addressOf(payer.address) } : {}) },
    insuranceType: insuranceTypeOf(subscriber.claimFilingIndicator),
    insuredId: subscriber.id ?? '',
    patientName: personOf(patient),
    ...(patient.birthDate ? { patientBirthDate: patient.birthDate } : {}),
    ...(patient.sex ? { patientSex: patient.sex } : {}),
    insuredName: personOf(subscriber),
    ...(patient.address ? { patientAddress: addressOf(patient.address) } : {}),
    relationship: relationshipOf(claim),
    ...(subscriber.address ? { insuredAddress: addressOf(subscriber.address) } : {}),
    ...(otherInsured ? { otherInsured } : {}),
    conditionRelatedTo: {
      employment: related.includes('EM'),
      autoAccident: related.includes('AA'),
      ...(claim.claim.autoAccidentState ? { autoAccidentState: claim.claim.autoAccidentState } : {}),
      otherAccident: related.includes('OA'),
    },
    ...insuredPlanOf(claim),
    // CLM09 I (release limited to what federal statute allows) is still a signature on file.
    patientSignatureOnFile: claim.claim.releaseOfInformation === 'Y' || claim.claim.releaseOfInformation === 'I',
    insuredSignatureOnFile: claim.claim.benefitsAssigned,
    ...(referringProvider ? { referringProvider } : {}),
    ...(claim.claim.narrative ? { additionalClaimInformation: claim.claim.narrative } : {}),
    // HI qualifiers ABK/ABF are ICD-10-CM (indicator 0), BK/BF ICD-9-CM (9).
    icdIndicator: claim.claim.diagnoses.some((d) => d.qualifier.startsWith('AB')) ? '0' : '9',
    diagnoses: claim.claim.diagnoses.slice(0, letters.length).map((d) => d.code),
    // 22 is for resubmissions only: an original claim (frequency 1) leaves it blank.
    ...(frequency === '7' || frequency === '8'
      ? {
          resubmission: {
            code: frequency,
            ...(claim.claim.payerClaimNumber ? { originalReferenceNumber: claim.claim.payerClaimNumber } : {}),
          },
        }
      : {}),
    // A power wheelchair's tracking number rides on its base line in the 837P; paper has one place for it.
    ...(priorAuthorizationNumber ? { priorAuthorizationNumber } : {}),
    pages: cms1500Pages(lines, claim.claim.totalCharge, amountPaid),
    ...(billingProvider.taxId
      ? { federalTaxId: { number: billingProvider.taxId.value, kind: billingProvider.taxId.qualifier === 'SY' ? 'SSN' : 'EIN' } }
      : {}),
    patientAccountNumber: claim.claim.patientControlNumber,
    acceptAssignment: claim.claim.assignment === 'A',
    ...(claim.claim.providerSignatureOnFile ? { supplierSignature: { onFile: true, date: claim.createdOn } } : {}),
    ...(claim.serviceFacility
      ? {
          serviceFacility: {
            name: personOf(claim.serviceFacility),
            ...(facilityNpi ? { npi: facilityNpi } : {}),
            ...(claim.serviceFacility.address ? { address: addressOf(claim.serviceFacility.address) } : {}),
          },
        }
      : {}),
    billingProvider: {
      name: personOf(billingProvider),
      ...(billingNpi ? { npi: billingNpi } : {}),
      ...(billingProvider.address ? { address: addressOf(billingProvider.address, billingPhone) } : {}),
    },
  };
}
