import { type ClaimDraft, draftClaim } from '../../domain/claim';
import { codeClaimLines } from '../../domain/coding';
import { requiredDocuments } from '../../domain/documentation';
import { payerPolicy } from '../../domain/payer-policy';
import { isIcd10Shape, isValidNpi, normalizeIcd10, type ScrubCode, type ScrubContext, scrubClaim } from '../../domain/scrubber';
import type { ClaimLine } from '../../domain/types';

const medicare = payerPolicy('medicare');

/** CPAP month 1, delivered June 1, billed June 15. */
const cpapLine: ClaimLine = {
  itemId: 'item-1',
  hcpcs: 'E0601',
  modifiers: ['RR', 'KH', 'KX'],
  units: 1,
  charge: 15_000,
  serviceFrom: '2024-06-01',
  serviceTo: '2024-06-30',
  diagnosisPointers: [1],
  rentalMonth: 1,
};

const cleanClaim: ClaimDraft = {
  claimControlNumber: 'CLM-0001',
  orderId: 'order-1',
  payerId: 'medicare-jd',
  frequencyCode: '1',
  billingProviderNpi: '1234567893',
  orderingProviderNpi: '1245319599',
  placeOfService: '12',
  diagnoses: ['G4733'],
  lines: [cpapLine],
  totalCharge: 15_000,
};

const cleanContext: ScrubContext = {
  today: '2024-06-15',
  payer: medicare,
  requiredDocuments: [
    { kind: 'standard-written-order', reasons: ['every item'] },
    { kind: 'sleep-study', reasons: ['CPAP policy: AHI of 15 or more'] },
  ],
  documentsOnFile: ['standard-written-order', 'sleep-study', 'proof-of-delivery'],
  billedPeriods: [],
};

function withLine(line: Partial<ClaimLine>, claim: Partial<ClaimDraft> = {}): ClaimDraft {
  const lines = [{ ...cpapLine, ...line }];
  return { ...cleanClaim, lines, totalCharge: lines[0].charge, ...claim };
}

const powerWheelchairLine: Partial<ClaimLine> = { hcpcs: 'K0823', modifiers: ['RR', 'KH', 'KX'] };

describe('scrubClaim', () => {
  test('a clean claim has no failures', () => {
    expect(scrubClaim(cleanClaim, cleanContext)).toEqual([]);
  });

  test.each<[ScrubCode, ClaimDraft, Partial<ScrubContext>]>([
    ['NPI_SHAPE', { ...cleanClaim, billingProviderNpi: '12345' }, {}],
    ['NPI_CHECK_DIGIT', { ...cleanClaim, orderingProviderNpi: '1234567890' }, {}],
    ['FREQUENCY_CODE', { ...cleanClaim, frequencyCode: '7', originalClaimNumber: '21234567890' }, {}],
    ['DIAGNOSIS_COUNT', { ...cleanClaim, diagnoses: Array(13).fill('G4733') }, {}],
    ['ICD10_SHAPE', { ...cleanClaim, diagnoses: ['G47.33'] }, {}],
    ['LINE_COUNT', { ...cleanClaim, lines: [], totalCharge: 0 }, {}],
    ['TOTAL_MISMATCH', { ...cleanClaim, totalCharge: 14_999 }, {}],
    ['CMN_DIF_ATTACHED', { ...cleanClaim, attachments: [{ kind: 'cmn', reportTypeCode: 'CT' }] }, {}],
    ['DOCUMENT_MISSING', cleanClaim, { documentsOnFile: ['standard-written-order'] }],
    ['HCPCS_UNKNOWN', withLine({ hcpcs: 'E9999', modifiers: ['RR', 'KX'] }), {}],
    ['ACQUISITION_NOT_ALLOWED', withLine({ modifiers: ['NU', 'KH', 'KX'], rentalMonth: undefined }), {}],
    ['PRICING_MODIFIER_MISSING', withLine({ modifiers: ['KH', 'KX'] }), {}],
    ['MODIFIER_UNKNOWN', withLine({ modifiers: ['RR', 'KH', 'KX', 'ZZ'] }), {}],
    ['MODIFIER_ORDER', withLine({ modifiers: ['KX', 'RR', 'KH'] }), {}],
    ['MODIFIER_CONFLICT', withLine({ modifiers: ['RR', 'KH', 'KX', 'GA'] }), {}],
    ['TOO_MANY_MODIFIERS', withLine({ modifiers: ['RR', 'KH', 'KX', 'RA', 'GW'] }), {}],
    ['RENTAL_MONTH_MODIFIER', withLine({ modifiers: ['RR', 'KH', 'KX'], rentalMonth: 2 }), {}],
    ['RENTAL_CAP_EXCEEDED', withLine({ modifiers: ['RR', 'KJ', 'KX'], rentalMonth: 14 }), {}],
    ['QUANTITY_OVER_USUAL_MAXIMUM', withLine({ hcpcs: 'A7030', modifiers: ['KX'], units: 2, serviceTo: '2024-06-01', rentalMonth: undefined }), {}],
    ['DIAGNOSIS_POINTER', withLine({ diagnosisPointers: [2] }), {}],
    ['LINE_AMOUNT', withLine({ charge: 0 }), {}],
    ['SERVICE_DATE', withLine({ serviceFrom: '2024-07-01', serviceTo: '2024-07-31' }), {}],
    ['PRIOR_AUTH_MISSING', withLine(powerWheelchairLine), {}],
    ['PRIOR_AUTH_NUMBER_SHAPE', withLine({ ...powerWheelchairLine, priorAuthNumber: 'UTN123' }), {}],
    ['TIMELY_FILING', cleanClaim, { today: '2025-06-02' }],
    ['DUPLICATE_SERVICE_PERIOD', cleanClaim, { billedPeriods: [{ hcpcs: 'E0601', serviceFrom: '2024-06-01', serviceTo: '2024-06-30' }] }],
  ])('%s is reported for its own violation, and nothing else', (code, claim, context) => {
    expect(scrubClaim(claim, { ...cleanContext, ...context }).map((failure) => failure.code)).toEqual([code]);
  });

  test.each<[string, ClaimDraft, Partial<ScrubContext>, { code: ScrubCode; field: string; message: string }]>([
    [
      'GA with KX',
      withLine({ modifiers: ['RR', 'KH', 'KX', 'GA'] }),
      {},
      {
        code: 'MODIFIER_CONFLICT',
        field: 'lines[0].modifiers',
        message:
          'Line 1 (E0601 RR KH KX GA, 2024-06-01): GA with KX — GA, GZ, GY and KX never share a line (the claim is ' +
          'unprocessable): with an ABN keep GA and drop KX; denial expected without an ABN keep GZ; keep KX only when ' +
          'the policy is met and no denial is expected',
      },
    ],
    [
      'modifiers out of order',
      withLine({ modifiers: ['KX', 'RR', 'KH'] }),
      {},
      {
        code: 'MODIFIER_ORDER',
        field: 'lines[0].modifiers',
        message:
          'Line 1 (E0601 KX RR KH, 2024-06-01): the pricing modifier (RR/NU/UE) comes first, then KH/KI/KJ, then KX, ' +
          'then informational ones: send RR KH KX',
      },
    ],
    [
      'RR on a purchase-only orthosis',
      withLine({ hcpcs: 'L1832', modifiers: ['RR', 'KX'], rentalMonth: undefined }, { priorAuthNumber: 'A1B2C3D4E5F6G7' }),
      {},
      {
        code: 'ACQUISITION_NOT_ALLOWED',
        field: 'lines[0].modifiers',
        message: 'Line 1 (L1832 RR KX, 2024-06-01): L1832 (category PO) is purchase only: bill it without RR',
      },
    ],
    [
      'KH on oxygen',
      withLine({ hcpcs: 'E1390', modifiers: ['RR', 'KH', 'N1'] }),
      {},
      {
        code: 'RENTAL_MONTH_MODIFIER',
        field: 'lines[0].modifiers',
        message: 'Line 1 (E1390 RR KH N1, 2024-06-01): KH/KI/KJ are for capped rentals and PEN pumps; OX items bill without them',
      },
    ],
    [
      'a missing sleep study',
      cleanClaim,
      { documentsOnFile: ['standard-written-order'] },
      {
        code: 'DOCUMENT_MISSING',
        field: 'documents',
        message: 'The sleep study is not on file (approved): CPAP policy: AHI of 15 or more. Obtain it before billing',
      },
    ],
    [
      'a diagnosis with its dot',
      { ...cleanClaim, diagnoses: ['g47.33'] },
      {},
      { code: 'ICD10_SHAPE', field: 'diagnoses[0]', message: 'Diagnosis 1 "g47.33" must be sent upper case without the dot: G4733' },
    ],
    [
      'a replacement claim to a DME MAC',
      { ...cleanClaim, frequencyCode: '7', originalClaimNumber: '21234567890' },
      {},
      {
        code: 'FREQUENCY_CODE',
        field: 'frequencyCode',
        message:
          'This payer corrects processed claims by reopening, not by replacement or void claims (frequency 7/8): ' +
          'request a reopening, or resubmit a rejected claim as a new original (frequency 1)',
      },
    ],
    [
      'a late claim',
      cleanClaim,
      { today: '2025-06-02' },
      {
        code: 'TIMELY_FILING',
        field: 'lines[0].serviceFrom',
        message:
          "Line 1 (E0601 RR KH KX, 2024-06-01): the filing window (Medicare's one-calendar-year limit (42 CFR 424.44)) " +
          'closed on 2025-06-01 (1 day ago); ' +
          'a late claim denies CO-29 — remove the line and write it off',
      },
    ],
  ])('the message says which line, which rule and what to do: %s', (_name, claim, context, failure) => {
    expect(scrubClaim(claim, { ...cleanContext, ...context })).toEqual([failure]);
  });

  test('a replacement claim to a commercial payer needs the original claim number', () => {
    const context = { ...cleanContext, payer: payerPolicy('commercial') };
    expect(scrubClaim({ ...cleanClaim, frequencyCode: '7' }, context).map((failure) => failure.field)).toEqual(['originalClaimNumber']);
    expect(scrubClaim({ ...cleanClaim, frequencyCode: '7', originalClaimNumber: 'A123' }, context)).toEqual([]);
  });

  test('a payer that does not apply the prior-auth list needs no tracking number', () => {
    const context = { ...cleanContext, payer: payerPolicy('commercial') };
    expect(scrubClaim(withLine(powerWheelchairLine), context)).toEqual([]);
  });

  test('a claim-level tracking number satisfies prior authorization', () => {
    expect(scrubClaim(withLine(powerWheelchairLine, { priorAuthNumber: 'A1B2C3D4E5F6G7' }), cleanContext)).toEqual([]);
  });

  test('a bilateral pair (LT and RT) is not a duplicate of itself', () => {
    const orthosis = { ...cpapLine, hcpcs: 'L1851', rentalMonth: undefined, serviceTo: '2024-06-01' };
    const lines = [
      { ...orthosis, modifiers: ['KX', 'LT'] },
      { ...orthosis, modifiers: ['KX', 'RT'] },
    ];
    const claim = { ...cleanClaim, lines, totalCharge: 30_000, priorAuthNumber: 'A1B2C3D4E5F6G7' };
    expect(scrubClaim(claim, cleanContext)).toEqual([]);
    expect(scrubClaim({ ...claim, lines: [lines[0], lines[0]] }, cleanContext).map((failure) => failure.code)).toEqual(['DUPLICATE_SERVICE_PERIOD']);
  });

  test('a supply shipped for three months is within the usual maximum when billed with its span', () => {
    const filters = { ...cpapLine, hcpcs: 'A7038', modifiers: ['KX'], units: 6, rentalMonth: undefined };
    const claim = withLine({ ...filters, serviceFrom: '2024-06-01', serviceTo: '2024-08-31' }, { totalCharge: 15_000 });
    expect(scrubClaim(claim, { ...cleanContext, today: '2024-09-01' })).toEqual([]);
  });

  test('lines coded by codeClaimLines pass the scrubber, including 99 with its narrative', () => {
    const item = {
      id: 'item-1',
      hcpcs: 'K0856',
      quantity: 1,
      acquisition: 'rental' as const,
      replacement: true,
      hospiceUnrelated: true,
      unitCharge: 150_000,
    };
    const lines = codeClaimLines(
      item,
      { kind: 'rental-month', period: 1, month: 1, serviceFrom: '2024-06-01', serviceTo: '2024-06-30' },
      { documentationComplete: true, priorAuthNumber: 'A1B2C3D4E5F6G7' },
    );
    expect(lines[0].modifiers).toEqual(['RR', 'BR', 'KH', '99']);
    const claim = draftClaim({ ...cleanClaim, lines });
    const documents = requiredDocuments([item], medicare);
    const context = { ...cleanContext, requiredDocuments: documents, documentsOnFile: documents.map((document) => document.kind) };
    expect(scrubClaim(claim, context)).toEqual([]);
  });
});

describe('NPI check digit (Luhn with the 80840 prefix)', () => {
  test.each([
    ['1234567893', true],
    ['1245319599', true],
    ['1987654328', true],
    ['1234567890', false],
    ['1245319598', false],
    ['123456789', false],
    ['123456789A', false],
  ])('%s valid: %p', (npi, valid) => {
    expect(isValidNpi(npi)).toBe(valid);
  });
});

describe('ICD-10-CM codes on the claim', () => {
  test.each([
    ['G47.33', 'G4733'],
    [' e11.9 ', 'E119'],
    ['J449', 'J449'],
    ['S72.001A', 'S72001A'],
  ])('%s is sent as %s', (code, normalized) => {
    expect(normalizeIcd10(code)).toBe(normalized);
  });

  test.each([
    ['G4733', true],
    ['E119', true],
    ['S72001A', true],
    ['Z9981', true],
    ['G47.33', false],
    ['G4', false],
    ['1G473', false],
    ['G47330000', false],
  ])('%s has the ICD-10-CM shape: %p', (code, valid) => {
    expect(isIcd10Shape(code)).toBe(valid);
  });
});
