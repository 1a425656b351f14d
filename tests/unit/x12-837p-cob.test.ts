/**
 * Secondary, tertiary and Medicare-secondary (MSP) 837P claims: the coordination-of-benefits
 * loops of 005010X222A1 — 2320 Other Subscriber Information, 2330A Other Subscriber Name,
 * 2330B Other Payer Name, 2430 Line Adjudication Information — and 2000B SBR01/SBR05.
 *
 * Every claim built here passes pyx12's x12valid and our own parser. The TR3's examples 3 B
 * and 4 (tests/fixtures/x12/837p-tr3-cob-examples.md) are the reference for the loops'
 * segments, order and amounts. Balancing follows TR3 1.4.4 as RFI 1294 and 1555 read it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build837P, parseX12, X12Error, type Adjustment, type Claim837Input, type OtherPayer837 } from '../../domain/x12';
import { centsOf } from '../../domain/x12/values';
import { claimInput, expectValid, line, transactionSegments } from '../support/claim837';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/x12', name), 'utf8');

/** pyx12 4.0.0 maps only 005010X222A1, the HIPAA version; the TR3 examples are labelled X222A2. */
const asX222A1 = (x12: string) => x12.replace(/005010X222A2/g, '005010X222A1');

/** The segments of one 2400 line: from its LX to the next LX or the SE. */
function lineBlock(segments: string[], lineNumber: number): string[] {
  const start = segments.indexOf(`LX*${lineNumber}`);
  const next = segments.findIndex((s, i) => i > start && (s.startsWith('LX*') || s.startsWith('SE*')));
  return segments.slice(start, next);
}

/** What the TR3 example fixes about the COB loops, one entry per segment: the segment id, its codes, its amounts in cents. */
function describeSegment(segment: string): string {
  const e = segment.split('*');
  const cents = (value: string) => String(centsOf(value));
  switch (e[0]) {
    case 'SBR':
      return `SBR ${e[1]} ${e[2] ?? ''} SBR05=${e[5] ?? ''} ${e[9] ?? ''}`;
    case 'CAS': {
      const triplets: string[] = [];
      for (let i = 2; i < e.length; i += 3) triplets.push(`${e[i]}=${cents(e[i + 1])}${e[i + 2] ? `x${Number(e[i + 2])}` : ''}`);
      return `CAS ${e[1]} ${triplets.join(' ')}`;
    }
    case 'AMT':
      return `AMT ${e[1]} ${cents(e[2])}`;
    case 'OI':
      return `OI benefits=${e[3]} release=${e[6]}`;
    case 'NM1':
      return `NM1 ${e[1]} ${e[8]}`;
    case 'SVD':
      return `SVD ${e[1]} ${cents(e[2])} units=${Number(e[5])}${e[6] ? ` bundled=${e[6]}` : ''}`;
    case 'DTP':
    case 'REF':
      return `${e[0]} ${e[1]} ${e[3] ?? ''}`.trim();
    default:
      return e[0];
  }
}

/** The 2320–2330 loops (from the SBR after CLM to the first LX) and each line's 2430 loops (SVD to the end of the line). */
function coordinationShape(segments: string[]): { otherPayers: string[]; lines: string[][] } {
  const clm = segments.findIndex((s) => s.startsWith('CLM*'));
  const firstLine = segments.indexOf('LX*1');
  const sbr = segments.findIndex((s, i) => i > clm && s.startsWith('SBR*'));
  const lineCount = segments.filter((s) => s.startsWith('LX*')).length;
  return {
    otherPayers: segments.slice(sbr, firstLine).map(describeSegment),
    lines: Array.from({ length: lineCount }, (_, i) => {
      const block = lineBlock(segments, i + 1);
      const svd = block.findIndex((s) => s.startsWith('SVD*'));
      return svd === -1 ? [] : block.slice(svd).map(describeSegment);
    }),
  };
}

const co = (reason: string, amount: number): Adjustment => ({ group: 'CO', reason, amount });
const pr = (reason: string, amount: number): Adjustment => ({ group: 'PR', reason, amount });
const oa = (reason: string, amount: number): Adjustment => ({ group: 'OA', reason, amount });

const medicare: OtherPayer837['payer'] = { name: 'CGS Jurisdiction B', id: '17013' };
const medicaid: Claim837Input['payer'] = { name: 'Ohio Medicaid', id: 'OHMCD', claimFilingIndicator: 'MC' };
const oxygenMonth = { serviceFrom: '2024-03-05', serviceTo: '2024-04-04' };

/**
 * Oxygen (E1390 $215 + portable E0431 $34) that Medicare adjudicated: allowed $160 and $25
 * (CO-45 at the lines), then the Part B deductible left ($25) and 20% coinsurance ($32) at
 * the claim: Medicare paid $128, and Medicaid gets the claim as secondary.
 */
function medicareThenMedicaid(): Claim837Input {
  const input = claimInput(
    'OX7001-S',
    [
      line({ hcpcs: 'E1390', modifiers: ['RR'], charge: 21_500, ...oxygenMonth }),
      line({ hcpcs: 'E0431', modifiers: ['RR'], charge: 3_400, ...oxygenMonth }),
    ],
    { diagnoses: ['J44.1', 'J96.11'] },
  );
  return {
    ...input,
    subscriber: { ...input.subscriber, memberId: '112233445566' },
    payer: medicaid,
    payerResponsibility: 'S',
    otherPayers: [
      {
        responsibility: 'P',
        relationship: '18',
        claimFilingIndicator: 'MB',
        subscriber: { ...input.subscriber, memberId: '1EG4TE5MK73' },
        payer: medicare,
        adjudication: {
          paidAmount: 12_800,
          remainingPatientLiability: 5_700,
          claimAdjustments: [pr('1', 2_500), pr('2', 3_200)],
          payerClaimNumber: '24062000001001',
          adjudicatedOn: '2024-04-20',
          lines: [
            { lineControlNumber: 'OX7001-S-1', paidAmount: 16_000, paidUnits: 1, adjustments: [co('45', 5_500)] },
            { lineNumber: 2, paidAmount: 2_500, paidUnits: 1, adjustments: [co('45', 900)] },
          ],
        },
      },
    ],
  };
}

/** A CPAP month ($150) after Medicare (paid $80: CO-45 $50, PR-2 $20) and a retiree plan (paid $15 of the $20, OA-23 for Medicare's part). */
function cpapAfterMedicareAndRetireePlan(): Claim837Input {
  const input = claimInput('CPAP8001-T', [
    line({ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, serviceFrom: '2024-03-01', serviceTo: '2024-03-31', rentalMonth: 1 }),
  ]);
  return {
    ...input,
    subscriber: { ...input.subscriber, memberId: '112233445566' },
    payer: medicaid,
    payerResponsibility: 'T',
    otherPayers: [
      {
        responsibility: 'P',
        relationship: '18',
        claimFilingIndicator: 'MB',
        subscriber: { ...input.subscriber, memberId: '1EG4TE5MK73' },
        payer: medicare,
        adjudication: {
          paidAmount: 8_000,
          remainingPatientLiability: 2_000,
          payerClaimNumber: '24071000002002',
          adjudicatedOn: '2024-04-10',
          lines: [{ lineNumber: 1, paidAmount: 8_000, paidUnits: 1, adjustments: [co('45', 5_000), pr('2', 2_000)] }],
        },
      },
      {
        responsibility: 'S',
        relationship: '18',
        groupNumber: 'RET-100',
        claimFilingIndicator: 'CI',
        subscriber: { lastName: 'Doe', firstName: 'Jane', memberId: 'BRH445566' },
        payer: { name: 'Buckeye Retiree Health', id: '60054' },
        adjudication: {
          paidAmount: 1_500,
          remainingPatientLiability: 500,
          payerClaimNumber: 'BRH-2024-88',
          adjudicatedOn: '2024-04-24',
          lines: [{ lineNumber: 1, paidAmount: 1_500, paidUnits: 1, adjustments: [oa('23', 13_000), pr('3', 500)] }],
        },
      },
    ],
  };
}

/** Working aged: the patient's employer plan paid first ($90 of $150: CO-45 $30, PR-2 $30), Medicare is the secondary payer (MSP type 12). */
function employerPlanThenMedicare(): Claim837Input {
  const input = claimInput('CPAP9001-MSP', [
    line({ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, serviceFrom: '2024-03-01', serviceTo: '2024-03-31', rentalMonth: 1 }),
  ]);
  return {
    ...input,
    payerResponsibility: 'S',
    insuranceTypeCode: '12',
    otherPayers: [
      {
        responsibility: 'P',
        relationship: '18',
        groupNumber: 'GRP-778',
        claimFilingIndicator: 'CI',
        subscriber: { lastName: 'Doe', firstName: 'Jane', memberId: 'XYZ12399', address: input.subscriber.address },
        payer: { name: 'Acme Employer Health', id: '60054' },
        adjudication: {
          paidAmount: 9_000,
          adjudicatedOn: '2024-04-05',
          lines: [{ lineNumber: 1, paidAmount: 9_000, paidUnits: 1, adjustments: [co('45', 3_000), pr('2', 3_000)] }],
        },
      },
    ],
  };
}

describeWithX12Valid('837P coordination of benefits (validated by pyx12 x12valid)', () => {
  describe('the TR3 examples the builder is held to', () => {
    test('example 3 B, a claim to the secondary payer, passes x12valid and our parser', () => {
      const text = fixture('837p-tr3-cob-example3b-secondary.x12');
      expectValid(asX222A1(text));
      expect(parseX12(text).groups[0].transactionSets[0].segments).toHaveLength(62);
    });

    test('example 4, an MSP claim, passes x12valid but for its AMT*F2, a 4010 amount the 5010 2320 no longer has', () => {
      const text = asX222A1(fixture('837p-tr3-cob-example4-msp.x12'));
      const result = x12valid(text);
      expect(result.errors).toEqual([expect.stringMatching(/Segment AMT\*F2 not found/)]);
      expectValid(text.replace('AMT*F2*15.00~\n', '').replace('SE*42*0002', 'SE*41*0002'));
    });

    test('the facts of example 3 B give the same 2320, 2330A, 2330B and 2430 segments, in the same order, with the same amounts', () => {
      const dos = { serviceFrom: '2005-10-03', serviceTo: '2005-10-03' };
      // The example's CPT physician codes 99213 and 90782 are not HCPCS Level II; E0143 and A4253 stand in.
      const input = claimInput('26407789', [
        line({ hcpcs: 'E0143', modifiers: [], charge: 4_300, ...dos }),
        line({ hcpcs: 'A4253', modifiers: [], charge: 1_500, ...dos }),
        line({ hcpcs: 'J3301', modifiers: [], charge: 2_104, ...dos }),
      ]);
      const x12 = build837P({
        ...input,
        subscriber: {
          ...input.subscriber,
          lastName: 'Smith',
          firstName: 'Jack',
          middleName: undefined,
          memberId: '222334444',
          birthDate: '1943-10-22',
          sex: 'M',
        },
        patient: {
          relationshipToSubscriber: '19',
          lastName: 'Smith',
          firstName: 'Ted',
          birthDate: '1973-05-01',
          sex: 'M',
          address: input.subscriber.address,
        },
        payer: { name: 'Great Prairies Health', id: '567890', claimFilingIndicator: 'CI' },
        payerResponsibility: 'S',
        otherPayers: [
          {
            responsibility: 'P',
            relationship: '01',
            claimFilingIndicator: 'CI',
            subscriber: {
              lastName: 'Smith',
              firstName: 'Jane',
              memberId: 'JS00111223333',
              address: { line1: '236 N Main St', city: 'Miami', state: 'FL', zip: '33111' },
            },
            payer: { name: 'Key Insurance Company', id: '999996666' },
            adjudication: {
              paidAmount: 3_915,
              remainingPatientLiability: 3_689,
              claimAdjustments: [pr('1', 2_189), pr('2', 1_500)],
              adjudicatedOn: '2005-10-15',
              lines: [
                { lineNumber: 1, paidAmount: 4_000, paidUnits: 1, adjustments: [{ group: 'CO', reason: '42', amount: 300 }] },
                { lineNumber: 2, paidAmount: 1_500, paidUnits: 1 },
                { lineNumber: 3, paidAmount: 2_104, paidUnits: 1 },
              ],
            },
          },
        ],
      });
      expectValid(x12);
      const ours = coordinationShape(transactionSegments(x12));
      const example = coordinationShape(transactionSegments(fixture('837p-tr3-cob-example3b-secondary.x12')));
      expect(ours).toEqual(example);
      expect(ours.otherPayers).toEqual([
        'SBR P 01 SBR05= CI',
        'CAS PR 1=2189 2=1500',
        'AMT D 3915',
        'AMT EAF 3689',
        'OI benefits=Y release=Y',
        'NM1 IL MI',
        'N3',
        'N4',
        'NM1 PR PI',
      ]);
      expect(ours.lines[0]).toEqual(['SVD 999996666 4000 units=1', 'CAS CO 42=300', 'DTP 573 20051015']);
    });

    test('the facts of example 4 give its MSP claim: 2000B SBR05 12 to Medicare, the commercial primary in 2320, its line in 2430', () => {
      const input = claimInput('101KEN6055', [
        line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 12_000, serviceFrom: '2005-01-19', serviceTo: '2005-01-19' }),
      ]);
      const x12 = build837P({
        ...input,
        subscriber: {
          lastName: 'Medyum',
          firstName: 'Wayne',
          middleName: 'M',
          memberId: '102200221B1',
          birthDate: '1956-01-10',
          sex: 'M',
          address: { line1: '1010 Thousand Oak Lane', city: 'Mayn', state: 'PA', zip: '17089' },
        },
        payer: { name: 'Medicare', id: '10234', claimFilingIndicator: 'MB' },
        payerResponsibility: 'S',
        insuranceTypeCode: '12',
        otherPayers: [
          {
            responsibility: 'P',
            relationship: '01',
            claimFilingIndicator: 'CI',
            subscriber: {
              lastName: 'Medyum',
              firstName: 'Carol',
              memberId: 'COM188-404777',
              address: { line1: 'PO Box 45', city: 'Mayn', state: 'PA', zip: '17089' },
            },
            payer: { name: 'Commerce', id: '59999' },
            adjudication: {
              paidAmount: 8_000,
              adjudicatedOn: '2005-01-28',
              lines: [
                { lineNumber: 1, paidAmount: 8_000, paidUnits: 1, adjustments: [{ group: 'CO', reason: '42', amount: 2_500 }, pr('2', 1_500)] },
              ],
            },
          },
        ],
      });
      expectValid(x12);
      const segments = transactionSegments(x12);
      const example = transactionSegments(fixture('837p-tr3-cob-example4-msp.x12'));
      const subscriberLevel = (s: string[]) => describeSegment(s.find((x) => x.startsWith('SBR*'))!);
      expect(subscriberLevel(segments)).toBe(subscriberLevel(example));
      expect(subscriberLevel(segments)).toBe('SBR S 18 SBR05=12 MB');
      const shape = coordinationShape(example);
      expect(coordinationShape(segments)).toEqual({ ...shape, otherPayers: shape.otherPayers.filter((s) => s !== 'AMT F2 1500') });
    });
  });

  test('x12valid does notice a broken COB loop: a 2430 without its DTP*573', () => {
    const x12 = build837P(medicareThenMedicaid());
    const broken = x12.replace('CAS*CO*45*9~DTP*573*D8*20240420~', 'CAS*CO*45*9~').replace(/SE\*(\d+)\*/, (_, n: string) => `SE*${Number(n) - 1}*`);
    expect(broken).not.toBe(x12);
    const result = x12valid(broken);
    expect(result.ok).toBe(false);
    expect(result.errors.join('\n')).toMatch(/Line Check or Remittance Date/);
  });

  test('Medicare primary, Medicaid secondary: SBR01 S to Medicaid, Medicare in 2320 with PR deductible and coinsurance, CO-45 per line in 2430', () => {
    const x12 = build837P(medicareThenMedicaid());
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain('SBR*S*18*******MC');
    expect(segments).toContain('NM1*IL*1*DOE*JANE*Q***MI*112233445566');
    const hi = segments.findIndex((s) => s.startsWith('HI*'));
    expect(segments.slice(hi + 1, segments.indexOf('LX*1'))).toEqual([
      'SBR*P*18*******MB',
      'CAS*PR*1*25**2*32',
      'AMT*D*128',
      'AMT*EAF*57',
      'OI***Y***Y',
      'NM1*IL*1*DOE*JANE*Q***MI*1EG4TE5MK73',
      'N3*5 ELM ST',
      'N4*COLUMBUS*OH*43215',
      'NM1*PR*2*CGS JURISDICTION B*****PI*17013',
      // No 2330B DTP*573: the dates go with the 2430 lines.
      'REF*F8*24062000001001',
    ]);
    expect(lineBlock(segments, 1).slice(-4)).toEqual([
      'NM1*DK*1*SMITH*JOHN****XX*1245319599',
      'SVD*17013*160*HC:E1390:RR**1',
      'CAS*CO*45*55',
      'DTP*573*D8*20240420',
    ]);
    expect(lineBlock(segments, 2).slice(-3)).toEqual(['SVD*17013*25*HC:E0431:RR**1', 'CAS*CO*45*9', 'DTP*573*D8*20240420']);
  });

  test('a tertiary claim to Medicaid carries Medicare and the retiree plan, each with its 2320 and its 2430 under the line, in paying order', () => {
    const x12 = build837P(cpapAfterMedicareAndRetireePlan());
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain('SBR*T*18*******MC');
    expect(segments.filter((s) => s.startsWith('SBR*'))).toEqual(['SBR*T*18*******MC', 'SBR*P*18*******MB', 'SBR*S*18*RET-100******CI']);
    expect(segments.filter((s) => s.startsWith('AMT*'))).toEqual(['AMT*D*80', 'AMT*EAF*20', 'AMT*D*15', 'AMT*EAF*5']);
    expect(segments.filter((s) => s.startsWith('NM1*PR'))).toEqual([
      'NM1*PR*2*OHIO MEDICAID*****PI*OHMCD',
      'NM1*PR*2*CGS JURISDICTION B*****PI*17013',
      'NM1*PR*2*BUCKEYE RETIREE HEALTH*****PI*60054',
    ]);
    expect(lineBlock(segments, 1).slice(-8)).toEqual([
      'SVD*17013*80*HC:E0601:RR:KH:KX**1',
      'CAS*CO*45*50',
      'CAS*PR*2*20',
      'DTP*573*D8*20240410',
      'SVD*60054*15*HC:E0601:RR:KH:KX**1',
      'CAS*OA*23*130',
      'CAS*PR*3*5',
      'DTP*573*D8*20240424',
    ]);
  });

  test('commercial primary, Medicare secondary (MSP working aged): 2000B SBR05 12, the employer plan in 2320 with its group number', () => {
    const x12 = build837P(employerPlanThenMedicare());
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain('SBR*S*18***12****MB');
    expect(segments).toContain('SBR*P*18*GRP-778******CI');
    expect(segments).toContain('AMT*D*90');
    expect(lineBlock(segments, 1).slice(-4)).toEqual(['SVD*60054*90*HC:E0601:RR:KH:KX**1', 'CAS*CO*45*30', 'CAS*PR*2*30', 'DTP*573*D8*20240405']);
  });

  test('a payer that adjudicated the claim as a whole: 2330B carries its DTP*573 and no line gets a 2430', () => {
    const input = employerPlanThenMedicare();
    const primary = input.otherPayers![0];
    // The employer plan denied the claim: not a covered benefit, the patient's responsibility.
    const x12 = build837P({
      ...input,
      otherPayers: [{ ...primary, adjudication: { paidAmount: 0, claimAdjustments: [pr('96', 15_000)], adjudicatedOn: '2024-04-05' } }],
    });
    expectValid(x12);
    const segments = transactionSegments(x12);
    const payer = segments.indexOf('NM1*PR*2*ACME EMPLOYER HEALTH*****PI*60054');
    expect(segments.slice(payer - 7, payer + 2)).toEqual([
      'SBR*P*18*GRP-778******CI',
      'CAS*PR*96*150',
      'AMT*D*0',
      'OI***Y***Y',
      'NM1*IL*1*DOE*JANE****MI*XYZ12399',
      'N3*5 ELM ST',
      'N4*COLUMBUS*OH*43215',
      'NM1*PR*2*ACME EMPLOYER HEALTH*****PI*60054',
      'DTP*573*D8*20240405',
    ]);
    expect(segments.some((s) => s.startsWith('SVD*'))).toBe(false);
  });

  test('a primary claim may name a known secondary: 2320 without adjudication, so no CAS, AMT or 2430', () => {
    const input = claimInput('W1002', [line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 12_000 })]);
    const x12 = build837P({
      ...input,
      otherPayers: [
        {
          responsibility: 'S',
          relationship: '18',
          claimFilingIndicator: 'MC',
          subscriber: { lastName: 'Doe', firstName: 'Jane', memberId: '112233445566' },
          payer: medicaid,
        },
      ],
    });
    expectValid(x12);
    const segments = transactionSegments(x12);
    expect(segments).toContain('SBR*P*18*******MB');
    expect(segments.slice(segments.indexOf('SBR*S*18*******MC'), segments.indexOf('LX*1'))).toEqual([
      'SBR*S*18*******MC',
      'OI***Y***Y',
      'NM1*IL*1*DOE*JANE****MI*112233445566',
      'NM1*PR*2*OHIO MEDICAID*****PI*OHMCD',
    ]);
    expect(segments.some((s) => s.startsWith('SVD*') || s.startsWith('AMT*'))).toBe(false);
  });

  test('seven CO reasons on a line make two CAS segments: six reasons, then one (CAS02–CAS19 hold six)', () => {
    const input = medicareThenMedicaid();
    const primary = input.otherPayers![0];
    const sevenReasons = [
      co('45', 4_000),
      co('253', 300),
      co('97', 200),
      co('59', 400),
      co('151', 100),
      { ...co('16', 300), quantity: 1 },
      co('4', 200),
    ];
    const x12 = build837P({
      ...input,
      otherPayers: [
        {
          ...primary,
          adjudication: {
            ...primary.adjudication!,
            lines: [{ ...primary.adjudication!.lines![0], adjustments: sevenReasons }, primary.adjudication!.lines![1]],
          },
        },
      ],
    });
    expectValid(x12);
    expect(lineBlock(transactionSegments(x12), 1).filter((s) => s.startsWith('CAS*'))).toEqual([
      'CAS*CO*45*40**253*3**97*2**59*4**151*1**16*3*1',
      'CAS*CO*4*2',
    ]);
  });

  test('a claim without COB fields writes 2000B as a primary claim always has: SBR01 P and no SBR05', () => {
    const segments = transactionSegments(build837P(claimInput('P1', [line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 12_000 })])));
    expect(segments).toContain('SBR*P*18*******MB');
    expect(segments.some((s) => /^(CAS|AMT|OI|SVD)\*/.test(s))).toBe(false);
  });
});

describe('837P coordination-of-benefits input rules', () => {
  function problems(input: Claim837Input): string[] {
    try {
      build837P(input);
    } catch (e) {
      expect(e).toBeInstanceOf(X12Error);
      return (e as X12Error).issues.map((i) => i.message);
    }
    throw new Error('build837P accepted an invalid input');
  }

  type Change = (input: Claim837Input) => Claim837Input;
  const primaryOf = (input: Claim837Input) => input.otherPayers![0];
  const withPrimary = (input: Claim837Input, change: (o: OtherPayer837) => OtherPayer837): Claim837Input => ({
    ...input,
    otherPayers: [change(primaryOf(input)), ...input.otherPayers!.slice(1)],
  });
  const withAdjudication = (input: Claim837Input, change: (a: NonNullable<OtherPayer837['adjudication']>) => OtherPayer837['adjudication']) =>
    withPrimary(input, (o) => ({ ...o, adjudication: change(o.adjudication!) }));
  const someone = (i: number): OtherPayer837 => ({
    responsibility: 'U',
    relationship: '18',
    claimFilingIndicator: 'CI',
    subscriber: { lastName: 'Doe', firstName: 'Jane', memberId: `M${1000 + i}` },
    payer: { name: `Plan ${i}`, id: `P${1000 + i}` },
  });

  const rows: Array<[rule: string, base: () => Claim837Input, change: Change, expected: string[]]> = [
    [
      'SBR05 on a claim to a payer that is not Medicare',
      medicareThenMedicaid,
      (input) => ({ ...input, insuranceTypeCode: '12' }),
      ['insuranceTypeCode: goes only to Medicare (payer.claimFilingIndicator MB or MA): SBR05 says why Medicare is not the primary payer'],
    ],
    [
      'SBR05 on a claim to Medicare as primary',
      () => claimInput('P2', [line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 12_000 })]),
      (input) => ({ ...input, insuranceTypeCode: '43' }),
      ['insuranceTypeCode: goes only when Medicare is not the primary payer (payerResponsibility S or T); Medicare as primary has none'],
    ],
    [
      'a claim to Medicare as secondary without its MSP type',
      employerPlanThenMedicare,
      (input) => ({ ...input, insuranceTypeCode: undefined }),
      [
        'insuranceTypeCode: is required when Medicare is not the primary payer (payerResponsibility S): the MSP type, one of 12, 13, 14, 15, 16, 41, 42, 43, 47',
      ],
    ],
    [
      'SBR05 in 2320 for a commercial other payer',
      employerPlanThenMedicare,
      (input) => withPrimary(input, (o) => ({ ...o, insuranceTypeCode: '12' })),
      [
        'otherPayers[0].insuranceTypeCode: goes only to Medicare (otherPayers[0].claimFilingIndicator MB or MA): SBR05 says why Medicare is not the primary payer',
      ],
    ],
    [
      'an adjudication line that names no line of the claim, by control number or by number',
      medicareThenMedicaid,
      (input) =>
        withAdjudication(input, (a) => ({
          ...a,
          lines: [
            { ...a.lines![0], lineControlNumber: 'OX7001-S-9' },
            { ...a.lines![1], lineNumber: 3 },
          ],
        })),
      [
        'otherPayers[0].adjudication.lines[0].lineControlNumber: names no line of this claim',
        'otherPayers[0].adjudication.lines[1].lineNumber: names no line of this claim',
      ],
    ],
    [
      'an adjudication line that names its line both ways',
      medicareThenMedicaid,
      (input) => withAdjudication(input, (a) => ({ ...a, lines: [{ ...a.lines![0], lineNumber: 1 }, a.lines![1]] })),
      ['otherPayers[0].adjudication.lines[0]: names our line by lineControlNumber (REF*6R) or by lineNumber (LX01): exactly one of the two'],
    ],
    [
      'more than 10 other payers',
      medicareThenMedicaid,
      (input) => ({ ...input, otherPayers: [...input.otherPayers!, ...Array.from({ length: 10 }, (_, i) => someone(i))] }),
      ['otherPayers: at most 10 other payers (2320 repeats 10 times: P, S, T and A–H name 11 payers in all)'],
    ],
    [
      'a secondary claim without the primary payer',
      medicareThenMedicaid,
      (input) => ({ ...input, otherPayers: [] }),
      ['otherPayers: a claim to the secondary payer needs the primary payer (responsibility P) with its adjudication (2320 AMT*D, CAS, 2430)'],
    ],
    [
      'a tertiary claim with the secondary payer not yet adjudicated',
      cpapAfterMedicareAndRetireePlan,
      (input) => ({ ...input, otherPayers: [input.otherPayers![0], { ...input.otherPayers![1], adjudication: undefined }] }),
      ['otherPayers: a claim to the tertiary payer needs the secondary payer (responsibility S) with its adjudication (2320 AMT*D, CAS, 2430)'],
    ],
    [
      "an adjudication from a payer that pays after the claim's own",
      cpapAfterMedicareAndRetireePlan,
      (input) => ({ ...input, payerResponsibility: 'S', otherPayers: [input.otherPayers![0], { ...input.otherPayers![1], responsibility: 'T' }] }),
      ["otherPayers[1].adjudication: only a payer that pays before this claim's payer (S) has adjudicated it; this one's responsibility is T"],
    ],
    [
      'two payers in the same place of the order',
      cpapAfterMedicareAndRetireePlan,
      (input) => ({ ...input, otherPayers: [input.otherPayers![0], { ...input.otherPayers![1], responsibility: 'P' }] }),
      [
        "otherPayers[1].responsibility: P is already otherPayers[0].responsibility's: each payer has its own place in the order",
        'otherPayers: a claim to the tertiary payer needs the secondary payer (responsibility S) with its adjudication (2320 AMT*D, CAS, 2430)',
      ],
    ],
    [
      'two other payers with one payer id (SVD01 could not tell them apart)',
      cpapAfterMedicareAndRetireePlan,
      (input) => ({ ...input, otherPayers: [input.otherPayers![0], { ...input.otherPayers![1], payer: { name: 'Buckeye', id: '17013' } }] }),
      ["otherPayers[1].payer.id: is also otherPayers[0]'s: 2430 SVD01 names the other payer by this id, so each needs its own"],
    ],
    [
      'a line whose payment and adjustments do not make its charge',
      medicareThenMedicaid,
      (input) => withAdjudication(input, (a) => ({ ...a, lines: [{ ...a.lines![0], adjustments: [co('45', 5_000)] }, a.lines![1]] })),
      [
        "otherPayers[0].adjudication.lines[0]: paid $160.00 plus adjustments $50.00 is not line 1's charge $215.00 (SV102 = SVD02 + 2430 CAS, TR3 1.4.4)",
      ],
    ],
    [
      'a claim payment that is not the line payments less the claim adjustments',
      medicareThenMedicaid,
      (input) => withAdjudication(input, (a) => ({ ...a, paidAmount: 13_000 })),
      [
        'otherPayers[0].adjudication.paidAmount: $130.00 is not the line payments $185.00 less the claim adjustments $57.00 (2320 AMT*D = ΣSVD02 − Σ2320 CAS, TR3 1.4.4)',
      ],
    ],
    [
      'a zero adjustment, an unknown group and a reason that is no CARC',
      medicareThenMedicaid,
      (input) =>
        withAdjudication(input, (a) => ({
          ...a,
          claimAdjustments: [
            ...a.claimAdjustments!,
            { group: 'CR' as 'CO', reason: '45', amount: 0 },
            { group: 'PR', reason: 'deductible', amount: 1 },
          ],
        })),
      [
        'otherPayers[0].adjudication.claimAdjustments[2].group: must be CO, PR, OA or PI',
        'otherPayers[0].adjudication.claimAdjustments[2].amount: must be non-zero integer cents (a CAS lists only adjustments that changed the payment)',
        'otherPayers[0].adjudication.claimAdjustments[3].reason: must be a claim adjustment reason code (CARC) such as 1, 2 or 45',
        'otherPayers[0].adjudication.paidAmount: $128.00 is not the line payments $185.00 less the claim adjustments $57.01 (2320 AMT*D = ΣSVD02 − Σ2320 CAS, TR3 1.4.4)',
      ],
    ],
    [
      'more CAS segments than the 2320 allows (13 CO and 7 PR reasons make 3 + 2, and OA one more)',
      medicareThenMedicaid,
      (input) =>
        withAdjudication(input, (a) => ({
          ...a,
          claimAdjustments: [
            ...Array.from({ length: 13 }, (_, i) => co(String(100 + i), 1)),
            ...Array.from({ length: 7 }, (_, i) => pr(String(i + 1), 1)),
            oa('23', -20),
            ...a.claimAdjustments!,
          ],
        })),
      ['otherPayers[0].adjudication.claimAdjustments: needs 6 CAS segments (one per group code, 6 reasons each) but the 2320 loop allows 5'],
    ],
    [
      'a bundled line number that is no line of the claim, and a payer code that is not HCPCS',
      medicareThenMedicaid,
      (input) =>
        withAdjudication(input, (a) => ({
          ...a,
          lines: [{ ...a.lines![0], bundledLineNumber: 4, procedure: { hcpcs: '99213', modifiers: ['RR'] } }, a.lines![1]],
        })),
      [
        'otherPayers[0].adjudication.lines[0].procedure.hcpcs: is not a HCPCS Level II code',
        'otherPayers[0].adjudication.lines[0].bundledLineNumber: must be the number (1–2) of the line this one was bundled into (SVD06)',
      ],
    ],
  ];

  test.each(rows)('refused: %s', (_rule, base, change, expected) => {
    expect(problems(change(base()))).toEqual(expected);
  });

  test('messages name fields and rules, never a name, member id or birth date of the other subscriber', () => {
    const input = medicareThenMedicaid();
    const found = problems(
      withPrimary(input, (o) => ({
        ...o,
        relationship: 'XX' as '18',
        subscriber: {
          lastName: 'Z'.repeat(61),
          firstName: 'Winifred',
          memberId: 'MBI*SECRET',
          address: { line1: '9 Hidden Way', city: 'Columbus', state: 'oh', zip: '4321' },
        },
      })),
    );
    expect(found).toEqual([
      "otherPayers[0].relationship: must be an SBR02 code (18 self, 01 spouse, 19 child, 20 employee, 21 unknown, 39, 40, 53, G8): the patient's relationship to this subscriber",
      'otherPayers[0].subscriber.lastName: is longer than 60 characters',
      'otherPayers[0].subscriber.memberId: may hold only letters, digits, spaces, "-", "." and "/"',
      'otherPayers[0].subscriber.address.state: must be a two-letter uppercase state code',
      'otherPayers[0].subscriber.address.zip: must be 5 or 9 digits',
    ]);
    for (const secret of ['ZZZZ', 'WINIFRED', 'Winifred', 'SECRET', 'Hidden', '1940', '1EG4TE5MK73', '112233445566']) {
      expect(found.join('\n')).not.toContain(secret);
    }
  });

  test('a claim with a payer that adjudicated lines but left one out names the line', () => {
    const input = medicareThenMedicaid();
    const found = problems({
      ...input,
      otherPayers: [
        {
          ...input.otherPayers![0],
          adjudication: { ...input.otherPayers![0].adjudication!, lines: input.otherPayers![0].adjudication!.lines!.slice(0, 1) },
        },
      ],
    });
    expect(found).toEqual([
      'otherPayers[0].adjudication.lines: has nothing for line 2: once a payer adjudicated lines, each line has its 2430 (CLM02 = AMT*D + all CAS, RFI 1294)',
      'otherPayers[0].adjudication.paidAmount: $128.00 is not the line payments $160.00 less the claim adjustments $57.00 (2320 AMT*D = ΣSVD02 − Σ2320 CAS, TR3 1.4.4)',
    ]);
  });

  test('a line with more than 15 line adjudications is refused (2430 repeats 15 times)', () => {
    const input = medicareThenMedicaid();
    // Sixteen unbundled pieces of line 1 (SVD06 names no bundling here; the count alone is the rule).
    const pieces = Array.from({ length: 16 }, () => ({ lineNumber: 1, paidAmount: 1_000, paidUnits: 1, adjustments: [co('45', 343)] }));
    const found = problems(withAdjudication(input, (a) => ({ ...a, lines: [...pieces, a.lines![1]] })));
    expect(found).toContain('lines[0]: has 16 line adjudications from other payers; 2430 repeats at most 15 times');
  });
});
