/**
 * Scrubber rows for oxygen modifiers and sided units. Sources: DME MAC "Oxygen Modifiers
 * – Billing Reminder" (Nov 2023; KX must not be used on new oxygen rental periods from
 * 2023-04-01, N1/N2/N3 instead) and CGS (Aug 2023: KX there rejects as an invalid
 * modifier); CR 9848 (QE/QG on stationary lines, QF on both); DME MAC joint publication
 * "Correct Coding – RT and LT Modifier Usage Change" (bilateral: RT and LT lines of one
 * unit each) and the knee orthoses policy article A52465.
 */
import type { ClaimDraft } from '../../domain/claim';
import { payerPolicy } from '../../domain/payer-policy';
import { type ScrubCode, type ScrubContext, scrubClaim } from '../../domain/scrubber';
import type { ClaimLine } from '../../domain/types';

const concentrator: ClaimLine = {
  itemId: 'item-1',
  hcpcs: 'E1390',
  modifiers: ['RR', 'N1'],
  units: 1,
  charge: 20_000,
  serviceFrom: '2024-06-01',
  serviceTo: '2024-06-30',
  diagnosisPointers: [1],
  rentalMonth: 1,
};

const kneeBrace: ClaimLine = {
  itemId: 'item-2',
  hcpcs: 'L1851',
  modifiers: ['KX', 'LT'],
  units: 1,
  charge: 90_000,
  serviceFrom: '2024-06-01',
  serviceTo: '2024-06-01',
  diagnosisPointers: [1],
};

const context: ScrubContext = {
  today: '2024-06-15',
  payer: payerPolicy('medicare'),
  requiredDocuments: [],
  documentsOnFile: [],
  billedPeriods: [],
};

function claimOf(...lines: ClaimLine[]): ClaimDraft {
  return {
    claimControlNumber: 'CLM-0001',
    orderId: 'order-1',
    payerId: 'medicare-jd',
    frequencyCode: '1',
    billingProviderNpi: '1234567893',
    orderingProviderNpi: '1245319599',
    placeOfService: '12',
    diagnoses: ['J449'],
    lines,
    totalCharge: lines.reduce((sum, line) => sum + line.charge, 0),
    priorAuthNumber: 'A1B2C3D4E5F6G7',
  };
}

const codes = (claim: ClaimDraft, overrides: Partial<ScrubContext> = {}) =>
  scrubClaim(claim, { ...context, ...overrides }).map((failure) => failure.code);

describe('oxygen lines', () => {
  test.each<[string, ClaimLine[], Partial<ScrubContext>, ScrubCode[]]>([
    ['Medicare oxygen with N1 is clean', [concentrator], {}, []],
    [
      'E1390 + E0431 at 5 LPM, both QF N1, is clean',
      [
        { ...concentrator, modifiers: ['RR', 'QF', 'N1'] },
        { ...concentrator, hcpcs: 'E0431', modifiers: ['RR', 'QF', 'N1'] },
      ],
      {},
      [],
    ],
    ['KX on Medicare oxygen from 2023-04-01 is held', [{ ...concentrator, modifiers: ['RR', 'KX'] }], {}, ['OXYGEN_KX_NOT_USED']],
    ['no group modifier on Medicare oxygen is held', [{ ...concentrator, modifiers: ['RR'] }], {}, ['OXYGEN_GROUP_MODIFIER']],
    ['GA (ABN on file) on oxygen needs no group modifier', [{ ...concentrator, modifiers: ['RR', 'GA'] }], {}, []],
    ['N1 with GA never share a line', [{ ...concentrator, modifiers: ['RR', 'N1', 'GA'] }], {}, ['OXYGEN_GROUP_MODIFIER']],
    ['two coverage groups on a line', [{ ...concentrator, modifiers: ['RR', 'N1', 'N2'] }], {}, ['OXYGEN_GROUP_MODIFIER']],
    [
      'a month before 2023-04-01 keeps KX',
      [{ ...concentrator, modifiers: ['RR', 'KX'], serviceFrom: '2023-03-01', serviceTo: '2023-03-31' }],
      { today: '2023-04-15' },
      [],
    ],
    ['a commercial payer keeps KX on oxygen', [{ ...concentrator, modifiers: ['RR', 'KX'] }], { payer: payerPolicy('commercial') }, []],
    ['QG on a portable line is misplaced', [{ ...concentrator, hcpcs: 'E0431', modifiers: ['RR', 'QG', 'N1'] }], {}, ['OXYGEN_MODIFIER_MISPLACED']],
    ['N1 on a CPAP is misplaced', [{ ...concentrator, hcpcs: 'E0601', modifiers: ['RR', 'KH', 'N1'] }], {}, ['OXYGEN_MODIFIER_MISPLACED']],
  ])('%s', (_rule, lines, overrides, expected) => {
    expect(codes(claimOf(...lines), overrides)).toEqual(expected);
  });

  test('the KX message says what to bill instead', () => {
    const [failure] = scrubClaim(claimOf({ ...concentrator, modifiers: ['RR', 'KX'] }), context);
    expect(failure).toEqual({
      code: 'OXYGEN_KX_NOT_USED',
      field: 'lines[0].modifiers',
      message:
        'Line 1 (E1390 RR KX, 2024-06-01): KX is not used on Medicare oxygen from 2023-04-01 and the contractor rejects it: ' +
        'bill N1, N2 or N3 for the coverage group recorded on the order',
    });
  });
});

describe('sided lines and the per-side maximum', () => {
  test('a bilateral pair as LT 1 and RT 1 is clean', () => {
    expect(codes(claimOf(kneeBrace, { ...kneeBrace, modifiers: ['KX', 'RT'] }))).toEqual([]);
  });

  test('a pair billed as 2 units a side is held on each line, naming the per-side maximum', () => {
    const failures = scrubClaim(
      claimOf({ ...kneeBrace, units: 2, charge: 180_000 }, { ...kneeBrace, modifiers: ['KX', 'RT'], units: 2, charge: 180_000 }),
      context,
    );
    expect(failures).toEqual([
      {
        code: 'UNITS_OVER_PER_SIDE_MAXIMUM',
        field: 'lines[0].units',
        message:
          'Line 1 (L1851 KX LT, 2024-06-01): 2 units on the LT line exceed the per-side maximum of 1 for L1851: ' +
          'a bilateral pair is two lines, LT and RT, of 1 unit(s) each',
      },
      expect.objectContaining({ code: 'UNITS_OVER_PER_SIDE_MAXIMUM', field: 'lines[1].units' }),
    ]);
  });

  test('an unsided line is not held by the per-side maximum', () => {
    expect(codes(claimOf({ ...kneeBrace, modifiers: ['KX'], units: 2, charge: 180_000 }))).toEqual([]);
  });
});
