/**
 * The CMS-1500 (02/12) of a claim, from the 837P the real builder makes: built, read back
 * with parse837P, rendered to PDF and read again as text, item by item (NUCC 1500 Reference
 * Instruction Manual for the 02/12 form; Medicare's items 9 and 11 per IOM 100-04 ch. 26).
 */
import type { ClaimLine } from '../../domain/types';
import { cms1500Of, cms1500Pages, insuranceTypeOf, type Cms1500ServiceLine } from '../../domain/cms1500';
import { build837P, parse837P, X12Error, type Claim837Input } from '../../domain/x12';
import { renderCms1500 } from '../../api/cms1500-pdf';
import { readCms1500, type FormPage } from '../support/cms1500';
import { describeWithX12Valid, x12valid } from '../support/x12valid';
import { phiIn } from '../support/phi';

function line(overrides: Partial<ClaimLine> & Pick<ClaimLine, 'hcpcs' | 'modifiers' | 'charge'>): ClaimLine {
  return { itemId: `item-${overrides.hcpcs}`, units: 1, serviceFrom: '2024-03-04', serviceTo: '2024-03-04', diagnosisPointers: [1], ...overrides };
}

/** A Medicare claim of one patient who is the subscriber, as activities/orders.ts builds it. */
function claimInput(lines: ClaimLine[], overrides: Partial<Claim837Input> = {}, claim: Partial<Claim837Input['claim']> = {}): Claim837Input {
  return {
    interchange: {
      senderQualifier: 'ZZ',
      senderId: 'DURABLEDME',
      receiverQualifier: 'ZZ',
      receiverId: 'CGSCEDI',
      controlNumber: 42,
      date: '2024-03-05',
      time: '09:30',
      usage: 'T',
    },
    submitter: { name: 'Durable DME Supply LLC', id: 'DDME01', contactName: 'Billing Desk', phone: '614-555-1234' },
    receiver: { name: 'CGS Administrators', id: '15004' },
    billingProvider: {
      organizationName: 'Durable DME Supply LLC',
      npi: '1234567893',
      taxId: '31-1234567',
      address: { line1: '100 Main St', line2: 'Suite 4', city: 'Columbus', state: 'OH', zip: '43215-1234' },
    },
    subscriber: {
      memberId: '1EG4TE5MK73',
      lastName: 'Doe',
      firstName: 'Jane',
      middleName: 'Quinn',
      birthDate: '1940-05-06',
      sex: 'F',
      address: { line1: '5 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
    },
    payer: {
      name: 'CGS Jurisdiction B',
      id: '17013',
      claimFilingIndicator: 'MB',
      address: { line1: 'PO Box 20010', city: 'Nashville', state: 'TN', zip: '37202' },
    },
    claim: {
      patientControlNumber: 'DME0001',
      totalCharge: lines.reduce((total, l) => total + l.charge, 0),
      frequencyCode: '1',
      diagnoses: ['R26.81', 'M17.11'],
      ...claim,
    },
    orderingProvider: { npi: '1245319599', lastName: 'Smith', firstName: 'John' },
    lines,
    ...overrides,
  };
}

async function formOf(x12: string): Promise<FormPage[]> {
  return readCms1500(await renderCms1500(cms1500Of(parse837P(x12))));
}

/** Segments spliced in before the first segment starting with `marker`, SE01 recounted. */
function withSegmentsBefore(x12: string, marker: string, added: string[]): string {
  const segments = x12.split('~').filter((segment) => segment.trim() !== '');
  segments.splice(
    segments.findIndex((segment) => segment.startsWith(marker)),
    0,
    ...added,
  );
  const st = segments.findIndex((segment) => segment.startsWith('ST*'));
  const se = segments.findIndex((segment) => segment.startsWith('SE*'));
  segments[se] = segments[se].replace(/^SE\*\d+/, `SE*${se - st + 1}`);
  return `${segments.join('~')}~`;
}

/** 2010AB, after the billing provider's 2010AA. */
const payToAddress = ['NM1*87*2', 'N3*PO BOX 9', 'N4*COLUMBUS*OH*432160009'];

/** 2320/2330 loops go after 2300 and 2310, before the first service line. */
const withLoopsBeforeLines = (x12: string, loops: string[]) => withSegmentsBefore(x12, 'LX*1', loops);

describe('a purchase claim on paper: every item of the form', () => {
  const walker = build837P(claimInput([line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })]));

  test('one page, items 1–33 as the 837P says, Medicare primary so item 11 is NONE', async () => {
    const pages = await formOf(walker);
    expect(pages).toHaveLength(1);
    const [page] = pages;
    expect(page.text).toMatch(/PAGE 1 OF 1/);
    expect(page.text).toMatch(/CARRIER\s+CGS JURISDICTION B\s+PO BOX 20010\s+NASHVILLE TN 37202/);
    expect(page.items).toEqual({
      '1': '[X] MEDICARE [ ] MEDICAID [ ] TRICARE [ ] CHAMPVA [ ] GROUP HEALTH PLAN [ ] FECA BLK LUNG [ ] OTHER',
      '1a': '1EG4TE5MK73',
      '2': 'DOE, JANE, Q',
      '3': '05 06 1940 [ ] M [X] F',
      '4': 'DOE, JANE, Q',
      '5': '5 ELM ST COLUMBUS OH 43215',
      '6': '[X] SELF [ ] SPOUSE [ ] CHILD [ ] OTHER',
      '7': '5 ELM ST COLUMBUS OH 43215',
      '8': '',
      '9': '',
      '9a': '',
      '9b': '',
      '9c': '',
      '9d': '',
      '10': '',
      '10a': '[ ] YES [X] NO',
      '10b': '[ ] YES [X] NO',
      '10c': '[ ] YES [X] NO',
      '10d': '',
      // No insurance primary to Medicare: NONE, and 11a–11d stay blank.
      '11': 'NONE',
      '11a': '',
      '11b': '',
      '11c': '',
      '11d': '',
      '12': 'SIGNATURE ON FILE',
      '13': 'SIGNATURE ON FILE',
      '14': '',
      '15': '',
      '16': '',
      '17': 'DK JOHN SMITH',
      '17a': '',
      '17b': '1245319599',
      '18': '',
      '19': '',
      '20': '',
      '21': 'ICD Ind. 0 A. R2681 B. M1711 C. D. E. F. G. H. I. J. K. L.',
      '22': '',
      '23': '',
      '24': expect.any(String),
      '25': '311234567 [ ] SSN [X] EIN',
      '26': 'DME0001',
      '27': '[X] YES [ ] NO',
      '28': '120.00',
      '29': '',
      '30': '',
      '31': 'SIGNATURE ON FILE DATE 03 05 24',
      '32': '',
      '32a': '',
      '32b': '',
      '33': 'DURABLE DME SUPPLY LLC 100 MAIN ST SUITE 4 COLUMBUS OH 43215-1234 (614) 555-1234',
      '33a': '1234567893',
      '33b': '',
    });
    // 24A–J: from, to, place of service, (no EMG), HCPCS, modifiers, pointer, charge, units (24J blank: the billing provider renders).
    expect(page.serviceLines).toEqual(['03 04 24 03 04 24 12 E0143 NU KX A 120.00 1']);
  });

  test('a claim not assigned (CLM07 C, CLM08 N): item 27 NO and no insured signature in 13', async () => {
    const [page] = await formOf(
      build837P(claimInput([line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })], {}, { acceptAssignment: false })),
    );
    expect(page.items).toMatchObject({ '12': 'SIGNATURE ON FILE', '13': '', '27': '[ ] YES [X] NO' });
  });

  test('a pay-to address (2010AB) does not replace the billing provider of item 33', async () => {
    const [page] = await formOf(withSegmentsBefore(walker, 'HL*2', payToAddress));
    expect(page.items).toMatchObject({
      '33': 'DURABLE DME SUPPLY LLC 100 MAIN ST SUITE 4 COLUMBUS OH 43215-1234 (614) 555-1234',
      '33a': '1234567893',
    });
  });

  test('the narrative (NTE, as the 837P cleaned it) is item 19', async () => {
    const [page] = await formOf(
      build837P(
        claimInput([line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })], {}, { narrative: 'Replacement: walker lost in fire' }),
      ),
    );
    expect(page.items['19']).toBe('REPLACEMENT WALKER LOST IN FIRE');
  });
});

describe('a rental claim of a dependent on a commercial plan', () => {
  // CPAP month 1: RR KH KX over the rental month (DOMAIN.md §3), the patient a child on a parent's plan.
  const cpap = build837P(
    claimInput(
      [line({ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 10_350, serviceFrom: '2024-01-31', serviceTo: '2024-02-29', rentalMonth: 1 })],
      {
        subscriber: {
          memberId: 'ACM123456',
          groupNumber: 'GRP-7788',
          lastName: 'Doe',
          firstName: 'John',
          birthDate: '1975-02-10',
          sex: 'M',
          address: { line1: '9 Oak Ave', line2: 'Apt 2', city: 'Dayton', state: 'OH', zip: '45402-1111' },
        },
        patient: {
          relationshipToSubscriber: '19',
          lastName: 'Doe',
          firstName: 'Amy',
          birthDate: '2010-07-15',
          sex: 'F',
          address: { line1: '9 Oak Ave', line2: 'Apt 2', city: 'Dayton', state: 'OH', zip: '45402-1111' },
        },
        payer: { name: 'Acme Health Plan', id: 'ACME01', claimFilingIndicator: 'CI' },
      },
      { diagnoses: ['G47.33'] },
    ),
  );

  test('items 1–11d name the patient and the insured apart; 24 shows the rental span and RR KH KX', async () => {
    const [page] = await formOf(cpap);
    expect(page.items).toMatchObject({
      '1': '[ ] MEDICARE [ ] MEDICAID [ ] TRICARE [ ] CHAMPVA [X] GROUP HEALTH PLAN [ ] FECA BLK LUNG [ ] OTHER',
      '1a': 'ACM123456',
      '2': 'DOE, AMY',
      '3': '07 15 2010 [ ] M [X] F',
      '4': 'DOE, JOHN',
      '5': '9 OAK AVE APT 2 DAYTON OH 45402-1111',
      '6': '[ ] SELF [ ] SPOUSE [X] CHILD [ ] OTHER',
      '7': '9 OAK AVE APT 2 DAYTON OH 45402-1111',
      '9': '',
      '9a': '',
      '9d': '',
      '11': 'GRP-7788',
      '11a': '02 10 1975 [X] M [ ] F',
      '11c': 'ACME HEALTH PLAN',
      '11d': '[ ] YES [X] NO',
      '21': 'ICD Ind. 0 A. G4733 B. C. D. E. F. G. H. I. J. K. L.',
      '26': 'DME0001',
      '28': '103.50',
      '29': '',
    });
    expect(page.text).toMatch(/CARRIER\s+ACME HEALTH PLAN/);
    expect(page.serviceLines).toEqual(['01 31 24 02 29 24 12 E0601 RR KH KX A 103.50 1']);
  });
});

describe('a claim of more than six lines continues on further forms', () => {
  // A CPAP month with its supplies: nine lines.
  const supplies: Array<[hcpcs: string, modifiers: string[], charge: number, units: number]> = [
    ['E0601', ['RR', 'KJ', 'KX'], 10_350, 1],
    ['E0562', ['RR', 'KJ', 'KX'], 2_800, 1],
    ['A7030', ['NU', 'KX'], 16_400, 1],
    ['A7031', ['NU', 'KX'], 6_200, 1],
    ['A7034', ['NU', 'KX'], 9_900, 1],
    ['A7035', ['NU', 'KX'], 3_300, 1],
    ['A7037', ['NU', 'KX'], 3_100, 1],
    ['A7038', ['NU', 'KX'], 450, 2],
    ['A7039', ['NU', 'KX'], 1_250, 1],
  ];
  const x12 = build837P(
    claimInput(
      supplies.map(([hcpcs, modifiers, charge, units]) =>
        line({
          hcpcs,
          modifiers,
          charge,
          units,
          serviceFrom: '2024-04-30',
          serviceTo: hcpcs.startsWith('E') ? '2024-05-30' : '2024-04-30',
          diagnosisPointers: [1, 2],
        }),
      ),
      {},
      { diagnoses: ['G47.33', 'J44.9'] },
    ),
  );

  test('nine lines: six on page 1 with item 28 CONTINUED, three on page 2 with the total of all nine', async () => {
    const pages = await formOf(x12);
    expect(pages).toHaveLength(2);
    const [first, second] = pages;
    expect(first.text).toMatch(/PAGE 1 OF 2/);
    expect(second.text).toMatch(/PAGE 2 OF 2/);
    expect(first.serviceLines).toEqual([
      '04 30 24 05 30 24 12 E0601 RR KJ KX AB 103.50 1',
      '04 30 24 05 30 24 12 E0562 RR KJ KX AB 28.00 1',
      '04 30 24 04 30 24 12 A7030 NU KX AB 164.00 1',
      '04 30 24 04 30 24 12 A7031 NU KX AB 62.00 1',
      '04 30 24 04 30 24 12 A7034 NU KX AB 99.00 1',
      '04 30 24 04 30 24 12 A7035 NU KX AB 33.00 1',
    ]);
    expect(second.serviceLines).toEqual([
      '04 30 24 04 30 24 12 A7037 NU KX AB 31.00 1',
      '04 30 24 04 30 24 12 A7038 NU KX AB 4.50 2',
      '04 30 24 04 30 24 12 A7039 NU KX AB 12.50 1',
    ]);
    expect(first.items['28']).toBe('CONTINUED');
    expect(second.items['28']).toBe('537.50');
    // Everything but items 24 and 28 is the same claim on both forms.
    const { '24': _first24, '28': _first28, ...firstRest } = first.items;
    const { '24': _second24, '28': _second28, ...secondRest } = second.items;
    expect(secondRest).toEqual(firstRest);
    expect(firstRest).toMatchObject({ '1a': '1EG4TE5MK73', '21': 'ICD Ind. 0 A. G4733 B. J449 C. D. E. F. G. H. I. J. K. L.', '26': 'DME0001' });
  });

  const lineOf = (charge: number): Cms1500ServiceLine => ({
    from: '2024-01-01',
    to: '2024-01-01',
    placeOfService: '12',
    emergency: false,
    hcpcs: 'A7030',
    modifiers: [],
    diagnosisPointer: 'A',
    charge,
    units: '1',
  });
  test.each([
    { lines: 1, pages: [1], totals: [700] },
    { lines: 6, pages: [6], totals: [700] },
    { lines: 7, pages: [6, 1], totals: ['continued', 700] },
    { lines: 12, pages: [6, 6], totals: ['continued', 700] },
    { lines: 13, pages: [6, 6, 1], totals: ['continued', 'continued', 700] },
  ])('$lines lines make forms of $pages lines; the total is on the last form only', ({ lines, pages, totals }) => {
    const forms = cms1500Pages(
      Array.from({ length: lines }, () => lineOf(100)),
      700,
      250,
    );
    expect(forms.map((form) => form.lines.length)).toEqual(pages);
    expect(forms.map((form) => form.totalCharge)).toEqual(totals);
    expect(forms.map((form) => form.amountPaid)).toEqual(totals.map((total) => (total === 'continued' ? undefined : 250)));
    expect(forms.map((form) => `${form.pageNumber}/${form.pageCount}`)).toEqual(pages.map((_, i) => `${i + 1}/${pages.length}`));
  });
});

describe('corrections and prior authorization', () => {
  test('a replacement claim (CLM05-3 7, REF*F8) says 7 and the original claim number in item 22', async () => {
    const [page] = await formOf(
      build837P(
        claimInput(
          [line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })],
          {},
          { frequencyCode: '7', payerClaimNumber: '2124012345678' },
        ),
      ),
    );
    expect(page.items['22']).toBe('7 2124012345678');
  });

  test('a void (8) says 8 and the original claim number', async () => {
    const [page] = await formOf(
      build837P(
        claimInput(
          [line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })],
          {},
          { frequencyCode: '8', payerClaimNumber: '2124012345678' },
        ),
      ),
    );
    expect(page.items['22']).toBe('8 2124012345678');
  });

  test("the claim's prior authorization (REF*G1) is item 23", async () => {
    const [page] = await formOf(
      build837P(
        claimInput(
          [line({ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 10_350, serviceTo: '2024-04-03' })],
          {},
          { priorAuthNumber: 'A1B2C3D4E5F6G7' },
        ),
      ),
    );
    expect(page.items).toMatchObject({ '22': '', '23': 'A1B2C3D4E5F6G7' });
  });

  test("a power wheelchair's tracking number on its base line is item 23 too: paper has one place for it", async () => {
    const [page] = await formOf(
      build837P(
        claimInput([
          line({ hcpcs: 'K0856', modifiers: ['NU', 'KX'], charge: 450_000, priorAuthNumber: 'PMDUTN000123' }),
          line({ hcpcs: 'E2361', modifiers: ['NU'], charge: 30_000 }),
        ]),
      ),
    );
    expect(page.items['23']).toBe('PMDUTN000123');
    expect(page.serviceLines).toEqual(['03 04 24 03 04 24 12 K0856 NU KX A 4500.00 1', '03 04 24 03 04 24 12 E2361 NU A 300.00 1']);
  });
});

/**
 * Other payer loops as a secondary 837P carries them (DOMAIN.md §15): our builder writes
 * none yet, so they are spliced into a built claim where the TR3 puts them, after 2300
 * and before the first line; pyx12 checks each spliced file below.
 */
const commercial = build837P(
  claimInput([line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })], {
    subscriber: {
      memberId: 'ACM123456',
      groupNumber: 'GRP-7788',
      lastName: 'Doe',
      firstName: 'Jane',
      birthDate: '1960-05-06',
      sex: 'F',
      address: { line1: '5 Elm St', city: 'Columbus', state: 'OH', zip: '43215' },
    },
    payer: { name: 'Acme Health Plan', id: 'ACME01', claimFilingIndicator: 'CI' },
  }),
);
const medicare = build837P(claimInput([line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })]));
/** Secondary to an employer plan that paid $80; the patient is the spouse of its subscriber. */
const commercialSecondary = withLoopsBeforeLines(commercial.replace('SBR*P*18*GRP-7788', 'SBR*S*18*GRP-7788'), [
  'SBR*P*01*EMP-4455*EMPLOYER PLAN*****CI',
  'AMT*D*80',
  'OI***Y***Y',
  'NM1*IL*1*DOE*ROBERT****MI*EMP998877',
  'N3*5 ELM ST',
  'N4*COLUMBUS*OH*43215',
  'NM1*PR*2*BIGCO BENEFITS*****PI*BIG01',
  'DTP*573*D8*20240320',
  'REF*F8*BIG-ICN-1',
]);
/** The same, with $20 the patient paid (2300 AMT*F5, before HI on a claim with no REF or NTE). */
const commercialSecondaryPatientPaid = withSegmentsBefore(commercialSecondary, 'HI*', ['AMT*F5*20']);
/** Medicare secondary payer, working aged (SBR05 12): the employer plan is primary and paid $95.50. */
const medicareSecondary = withLoopsBeforeLines(medicare.replace('SBR*P*18*******MB', 'SBR*S*18***12****MB'), [
  'SBR*P*18*EMP-4455******CI',
  'AMT*D*95.5',
  'OI***Y***Y',
  'NM1*IL*1*DOE*JANE****MI*EMP112233',
  'NM1*PR*2*BIGCO BENEFITS*****PI*BIG01',
]);
/** Medicare primary with the patient's Medigap after it. */
const medicareWithMedigap = withLoopsBeforeLines(medicare, [
  'SBR*S*18*MG-5566******CI',
  'OI***Y***Y',
  'NM1*IL*1*DOE*JANE****MI*MG778899',
  'NM1*PR*2*GAP MUTUAL*****PI*55001',
]);

describe('other payers (2320, 2330A, 2330B) when the claim carries them', () => {
  test('a secondary commercial claim: the primary is items 9, 9a, 9d, 11d says YES, item 29 what it paid', async () => {
    const [page] = await formOf(commercialSecondary);
    expect(page.items).toMatchObject({
      '1': '[ ] MEDICARE [ ] MEDICAID [ ] TRICARE [ ] CHAMPVA [X] GROUP HEALTH PLAN [ ] FECA BLK LUNG [ ] OTHER',
      '9': 'DOE, ROBERT',
      '9a': 'EMP-4455',
      '9d': 'EMPLOYER PLAN',
      '11': 'GRP-7788',
      '11c': 'ACME HEALTH PLAN',
      '11d': '[X] YES [ ] NO',
      '28': '120.00',
      '29': '80.00',
    });
  });

  test('item 29 adds what the patient paid (AMT*F5) to what the other payers paid', async () => {
    const [page] = await formOf(commercialSecondaryPatientPaid);
    expect(page.items).toMatchObject({ '28': '120.00', '29': '100.00' });
  });

  test('without other payer loops items 9 stay blank, 11d says NO and 29 is blank', async () => {
    const [page] = await formOf(commercial);
    expect(page.items).toMatchObject({ '9': '', '9a': '', '9d': '', '11d': '[ ] YES [X] NO', '29': '' });
  });

  test('Medicare secondary (an employer plan primary): the primary goes to items 11 and 11c, Medicare-style', async () => {
    const [page] = await formOf(medicareSecondary);
    expect(page.items).toMatchObject({ '9': '', '9a': '', '9d': '', '11': 'EMP-4455', '11c': 'BIG01', '11d': '', '29': '95.50' });
  });

  test('a Medicare claim naming a Medigap after Medicare: the Medigap is item 9, item 11 still NONE', async () => {
    const [page] = await formOf(medicareWithMedigap);
    expect(page.items).toMatchObject({ '9': 'DOE, JANE', '9a': 'MG-5566', '9d': 'GAP MUTUAL', '11': 'NONE', '11d': '', '29': '' });
  });
});

describeWithX12Valid('the spliced loops are valid 005010X222A1 (pyx12)', () => {
  test.each([
    ['pay-to address', withSegmentsBefore(medicare, 'HL*2', payToAddress)],
    ['commercial secondary', commercialSecondary],
    ['commercial secondary with the patient paid amount', commercialSecondaryPatientPaid],
    ['Medicare secondary payer', medicareSecondary],
    ['Medicare with a Medigap', medicareWithMedigap],
  ])('%s', (_name, x12) => {
    expect(x12valid(x12)).toEqual({ ok: true, errors: [] });
  });
});

describe('reading the 837P', () => {
  test.each([
    ['MB', 'medicare'],
    ['MA', 'medicare'],
    ['MC', 'medicaid'],
    ['CH', 'tricare'],
    ['VA', 'champva'],
    ['CI', 'group-health-plan'],
    ['BL', 'group-health-plan'],
    ['HM', 'group-health-plan'],
    ['WC', 'other'],
    ['AM', 'other'],
  ])('SBR09 %s marks item 1 %s', (indicator, type) => {
    expect(insuranceTypeOf(indicator)).toBe(type);
  });

  test('an 837P without its claim is refused naming the segment, never quoting the patient', () => {
    const x12 = build837P(claimInput([line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })]));
    const broken = withLoopsBeforeLines(x12, [])
      .replace(/CLM\*[^~]*~/, '')
      .replace(/SE\*(\d+)/, (_, n) => `SE*${Number(n) - 1}`);
    expect(() => parse837P(broken)).toThrow(X12Error);
    try {
      parse837P(broken);
    } catch (error) {
      expect((error as Error).message).toMatch(/^segment 3 \(ST\): the 837P has no claim \(CLM\)$/);
      expect(phiIn((error as Error).message, ['DOE', 'JANE', '1EG4TE5MK73', '19400506'])).toEqual([]);
    }
  });

  test('a file that is not an 837P is refused', () => {
    const remittance835 = build837P(claimInput([line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })])).replace('ST*837*', 'ST*835*');
    expect(() => parse837P(remittance835)).toThrow(/expected 837 transaction sets, found a 835/);
  });
});
