import { assignLineControlNumbers, build837P, parseX12, X12Error, type Claim837Input } from '../../domain/x12';
import { claimInput, expectValid, line, transactionSegments } from '../support/claim837';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

/** The segments of the one transaction set, as text without terminators: easy to read in assertions. */
function segmentsOf(x12: string): string[] {
  return x12.split('~').filter((s) => s !== '');
}

const envelopeSample = build837P(claimInput('ENV1', [line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12000 })]));

describeWithX12Valid('837P for DME claims (validated by pyx12 x12valid)', () => {
  test('the envelope sample below passes x12valid too', () => {
    expectValid(envelopeSample);
  });

  test('x12valid does report a broken 837P, so a pass means something', () => {
    const broken = envelopeSample.replace('NM1*85*2*', 'NM1*85*9*').replace('HI*ABK:', 'HI*XXX:');
    const result = x12valid(broken);
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(/Entity Type Qualifier \(NM102\)/);
    expect(result.errors.length).toBeGreaterThanOrEqual(2);
  });

  test('a purchased walker E0143 NU KX: one line, one date of service, ordering provider on the line', () => {
    const x12 = build837P(
      claimInput('W1001', [line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12000, serviceFrom: '2024-03-04', serviceTo: '2024-03-04' })], {
        diagnoses: ['R26.81', 'M17.11'],
      }),
    );
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain('CLM*W1001*120***12:B:1*Y*A*Y*Y');
    expect(segments).toContain('HI*ABK:R2681*ABF:M1711');
    const lx = segments.indexOf('LX*1');
    expect(segments.slice(lx, lx + 5)).toEqual([
      'LX*1',
      'SV1*HC:E0143:NU:KX*120*UN*1*12**1',
      'DTP*472*D8*20240304',
      'REF*6R*W1001-1',
      'NM1*DK*1*SMITH*JOHN****XX*1245319599',
    ]);
  });

  // Capped rental: KH month 1, KI months 2–3, KJ months 4–13, KX throughout (DOMAIN.md §3); each
  // month is its own claim dated anniversary → day before the next anniversary.
  test.each([
    { month: 1, modifiers: ['RR', 'KH', 'KX'], from: '2024-01-31', to: '2024-02-29', span: '20240131-20240229' },
    { month: 2, modifiers: ['RR', 'KI', 'KX'], from: '2024-02-29', to: '2024-03-30', span: '20240229-20240330' },
    { month: 3, modifiers: ['RR', 'KI', 'KX'], from: '2024-03-31', to: '2024-04-29', span: '20240331-20240429' },
    { month: 4, modifiers: ['RR', 'KJ', 'KX'], from: '2024-04-30', to: '2024-05-30', span: '20240430-20240530' },
    { month: 13, modifiers: ['RR', 'KJ', 'KX'], from: '2025-01-31', to: '2025-02-27', span: '20250131-20250227' },
  ])('CPAP E0601 rental month $month bills $modifiers for the span $from to $to', ({ month, modifiers, from, to, span }) => {
    const pcn = `CPAP1-M${month}`;
    const x12 = build837P(
      claimInput(pcn, [line({ hcpcs: 'E0601', modifiers, charge: 10_350, serviceFrom: from, serviceTo: to, rentalMonth: month })]),
    );
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain(`SV1*HC:E0601:${modifiers.join(':')}*103.5*UN*1*12**1`);
    expect(segments).toContain(`DTP*472*RD8*${span}`);
    expect(segments).toContain(`CLM*${pcn}*103.5***12:B:1*Y*A*Y*Y`);
  });

  test('oxygen concentrator E1390 with a portable E0431, both RR, on one claim', () => {
    const month = { serviceFrom: '2024-03-05', serviceTo: '2024-04-04' };
    const x12 = build837P(
      claimInput(
        'OX2001',
        [
          line({ hcpcs: 'E1390', modifiers: ['RR'], charge: 21_500, ...month }),
          line({ hcpcs: 'E0431', modifiers: ['RR'], charge: 3_400, ...month, diagnosisPointers: [1, 2] }),
        ],
        { diagnoses: ['J44.1', 'J96.11'] },
      ),
    );
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain('CLM*OX2001*249***12:B:1*Y*A*Y*Y');
    expect(segments.filter((s) => s.startsWith('SV1'))).toEqual(['SV1*HC:E1390:RR*215*UN*1*12**1', 'SV1*HC:E0431:RR*34*UN*1*12**1:2']);
    expect(segments.filter((s) => s.startsWith('REF*6R'))).toEqual(['REF*6R*OX2001-1', 'REF*6R*OX2001-2']);
    expect(segments.filter((s) => s.startsWith('NM1*DK'))).toHaveLength(2);
  });

  test('bilateral knee orthoses L1851 LT and RT carry the prior-auth UTN at claim level (2300 REF*G1)', () => {
    const x12 = build837P(
      claimInput(
        'KO3001',
        [line({ hcpcs: 'L1851', modifiers: ['LT'], charge: 90_000 }), line({ hcpcs: 'L1851', modifiers: ['RT'], charge: 90_000 })],
        { diagnoses: ['M17.0'], priorAuthNumber: 'A1B2C3D4E5F6G7' },
      ),
    );
    expectValid(x12);
    const segments = transactionSegments(x12);
    const clm = segments.findIndex((s) => s.startsWith('CLM'));
    // 2300 order: CLM, REF*G1, HI — the UTN sits between them, before the first LX.
    expect(segments.slice(clm, clm + 3)).toEqual(['CLM*KO3001*1800***12:B:1*Y*A*Y*Y', 'REF*G1*A1B2C3D4E5F6G7', 'HI*ABK:M170']);
    expect(segments.filter((s) => s.startsWith('REF*G1'))).toHaveLength(1);
    expect(segments.filter((s) => s.startsWith('SV1'))).toEqual(['SV1*HC:L1851:LT*900*UN*1*12**1', 'SV1*HC:L1851:RT*900*UN*1*12**1']);
  });

  test('power wheelchair K0856 rented (RR KH KX BR) carries the UTN on the base line only (2400 REF*G1)', () => {
    const x12 = build837P(
      claimInput(
        'PWC4001',
        [
          line({
            hcpcs: 'K0856',
            modifiers: ['RR', 'KH', 'KX', 'BR'],
            charge: 95_000,
            serviceFrom: '2024-03-06',
            serviceTo: '2024-04-05',
            priorAuthNumber: 'PWC0000000001X',
            rentalMonth: 1,
          }),
          line({ hcpcs: 'E2310', modifiers: ['RR', 'KH', 'KX'], charge: 12_000, serviceFrom: '2024-03-06', serviceTo: '2024-04-05', rentalMonth: 1 }),
        ],
        { diagnoses: ['G35', 'G82.20'] },
      ),
    );
    expectValid(x12);
    const segments = transactionSegments(x12);
    const firstLine = segments.indexOf('LX*1');
    const secondLine = segments.indexOf('LX*2');
    expect(segments.slice(firstLine, secondLine)).toEqual([
      'LX*1',
      'SV1*HC:K0856:RR:KH:KX:BR*950*UN*1*12**1',
      'DTP*472*RD8*20240306-20240405',
      'REF*G1*PWC0000000001X',
      'REF*6R*PWC4001-1',
      'NM1*DK*1*SMITH*JOHN****XX*1245319599',
    ]);
    expect(segments.slice(secondLine).some((s) => s.startsWith('REF*G1'))).toBe(false);
    expect(segments.slice(0, firstLine).some((s) => s.startsWith('REF*G1'))).toBe(false);
  });

  test('a replacement claim (frequency 7) carries the payer claim number in REF*F8 and narratives at claim and line', () => {
    const x12 = build837P(
      claimInput(
        'CPAP1-M2R',
        [
          line({
            hcpcs: 'E0601',
            modifiers: ['RR', 'KI', 'KX'],
            charge: 10_350,
            serviceFrom: '2024-02-29',
            serviceTo: '2024-03-30',
            narrative: 'Rental month 2: anniversary 29th',
          }),
        ],
        {
          frequencyCode: '7',
          payerClaimNumber: '24062000001001',
          narrative: 'Corrected units; see ICN 24062000001001',
        },
      ),
    );
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain('CLM*CPAP1-M2R*103.5***12:B:7*Y*A*Y*Y');
    expect(segments).toContain('REF*F8*24062000001001');
    expect(segments).toContain('NTE*ADD*CORRECTED UNITS; SEE ICN 24062000001001');
    // A ':' typed by staff would split the element as a component separator: it goes out as a space.
    expect(segments).toContain('NTE*ADD*RENTAL MONTH 2 ANNIVERSARY 29TH');
  });

  test('a non-assigned claim says so in CLM07 (C) and CLM08 (N)', () => {
    const x12 = build837P(claimInput('NA6001', [line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12000 })], { acceptAssignment: false }));
    expectValid(x12);
    expect(transactionSegments(x12)).toContain('CLM*NA6001*120***12:B:1*Y*C*N*Y');
  });

  test('a dependent patient on a commercial plan gets the 2000C patient level; the subscriber is not "self"', () => {
    const input = claimInput('DEP5001', [line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 12000 })]);
    const x12 = build837P({
      ...input,
      payer: { name: 'Acme Health Plan', id: '60054', claimFilingIndicator: 'CI' },
      subscriber: { ...input.subscriber, memberId: 'XYZ12399', groupNumber: 'GRP-778' },
      patient: {
        relationshipToSubscriber: '19',
        lastName: 'Doe',
        firstName: 'Tim',
        birthDate: '2012-07-01',
        sex: 'M',
        address: input.subscriber.address,
      },
    });
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain('HL*2*1*22*1');
    expect(segments).toContain('SBR*P**GRP-778******CI');
    const patientLevel = segments.indexOf('HL*3*2*23*0');
    expect(segments.slice(patientLevel, patientLevel + 6)).toEqual([
      'HL*3*2*23*0',
      'PAT*19',
      'NM1*QC*1*DOE*TIM',
      'N3*5 ELM ST',
      'N4*COLUMBUS*OH*43215',
      'DMG*D8*20120701*M',
    ]);
    expect(patientLevel).toBeLessThan(segments.findIndex((s) => s.startsWith('CLM')));
  });
});

describe('837P envelope and control numbers', () => {
  const x12 = envelopeSample;
  const segments = segmentsOf(x12);

  test('ISA is 106 characters with ISA13 as 9 digits and the delimiters * ^ : ~', () => {
    expect(segments[0] + '~').toHaveLength(106);
    expect(segments[0]).toBe('ISA*00*          *00*          *ZZ*DURABLEDME     *ZZ*CGSCEDI        *240301*0930*^*00501*000000042*0*T*:');
  });

  test('GS06, ST02, SE, GE and IEA repeat the control number and count what they close', () => {
    expect(segments[1]).toBe('GS*HC*DURABLEDME*CGSCEDI*20240301*0930*42*X*005010X222A1');
    expect(segments[2]).toBe('ST*837*0042*005010X222A1');
    const st = segments.indexOf('ST*837*0042*005010X222A1');
    const se = segments.findIndex((s) => s.startsWith('SE*'));
    expect(segments[se]).toBe(`SE*${se - st + 1}*0042`);
    expect(segments.slice(-2)).toEqual(['GE*1*42', 'IEA*1*000000042']);
  });

  test('our own parser reads it back: one group, one 837, the claim and its line', () => {
    const interchange = parseX12(x12);
    expect(interchange.controlNumber).toBe('000000042');
    expect(interchange.groups[0].transactionSets.map((t) => [t.id, t.controlNumber, t.version])).toEqual([['837', '0042', '005010X222A1']]);
  });
});

describe('837P input rules', () => {
  function problems(input: Claim837Input): string[] {
    try {
      build837P(input);
    } catch (e) {
      expect(e).toBeInstanceOf(X12Error);
      return (e as X12Error).issues.map((i) => i.message);
    }
    throw new Error('build837P accepted an invalid input');
  }

  test('every broken field is named at once, with its rule', () => {
    const input = claimInput('BAD1', [line({ hcpcs: 'E601', modifiers: ['RR', 'KH', 'KX', 'GA', 'BR'], charge: 100, diagnosisPointers: [3] })]);
    const found = problems({
      ...input,
      billingProvider: { ...input.billingProvider, npi: '1234567890', taxId: '12-34', address: { ...input.billingProvider.address, zip: '43215' } },
      orderingProvider: { ...input.orderingProvider, npi: '123' },
      claim: { ...input.claim, patientControlNumber: 'X'.repeat(21), totalCharge: 999 },
    });
    expect(found).toEqual(
      expect.arrayContaining([
        'billingProvider.npi: must be a 10-digit NPI with a valid check digit',
        'billingProvider.taxId: must be a 9-digit EIN (12-3456789)',
        'billingProvider.address.zip: must be the 9-digit ZIP+4',
        'orderingProvider.npi: must be a 10-digit NPI with a valid check digit',
        'claim.patientControlNumber: must be 1–20 characters',
        'lines[0].hcpcs: "E601" is not a HCPCS Level II code',
        'lines[0].modifiers: at most 4 modifiers',
        'lines[0].diagnosisPointers[0]: 3 does not point at one of the 1 diagnoses',
        'claim.totalCharge: $9.99 differs from the sum of the line charges $1.00 (CLM02 must equal ΣSV102)',
      ]),
    );
  });

  test('a replacement without the payer claim number is refused; an original may not carry one', () => {
    const lines = [line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 12000 })];
    expect(problems(claimInput('R1', lines, { frequencyCode: '7' }))).toContain('claim.payerClaimNumber: is required');
    expect(problems(claimInput('R2', lines, { payerClaimNumber: '123' }))).toEqual([
      'claim.payerClaimNumber: goes only on a replacement (7) or void (8); an original claim has none',
    ]);
  });

  test('diagnoses must be ICD-10-CM (with or without the dot) and line control numbers unique', () => {
    const found = problems(
      claimInput(
        'D1',
        [
          line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 100, lineControlNumber: 'L-1' }),
          line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 100, lineControlNumber: 'L-1' }),
        ],
        { diagnoses: ['G47.33', '496'] },
      ),
    );
    expect(found).toEqual([
      'claim.diagnoses[1]: "496" is not an ICD-10-CM code',
      'lines[1].lineControlNumber: "L-1" is used by another line; 835 posting needs it unique',
    ]);
  });

  test('lines without a control number get "<patient control number>-<line number>"; given ones are kept', () => {
    const lines = [
      line({ hcpcs: 'E1390', modifiers: ['RR'], charge: 100 }),
      line({ hcpcs: 'E0431', modifiers: ['RR'], charge: 100, lineControlNumber: 'OX-PORTABLE' }),
    ];
    expect(assignLineControlNumbers('OX2001', lines).map((l) => l.lineControlNumber)).toEqual(['OX2001-1', 'OX-PORTABLE']);
    expect(lines[0].lineControlNumber).toBeUndefined();
  });

  test('a narrative longer than NTE02 allows (80) is refused rather than cut', () => {
    expect(problems(claimInput('N1', [line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 100 })], { narrative: 'x'.repeat(81) }))).toEqual([
      'claim.narrative: is longer than 80 characters',
    ]);
  });
});
