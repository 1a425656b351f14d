/**
 * Oxygen rules, one row per rule. Sources: LCD L33797 (groups, time of need), the DME
 * MAC oxygen modifier billing reminder of Nov 2023 and CGS "How to Choose the Correct
 * Oxygen Modifier" (Aug 2023: E1390 RR N1 from 2023-04-01, KX rejects), CMS CR 9848
 * (QG stationary only, QF on the stationary and the portable line, QE below 1 LPM).
 */
import { type BillingEvent, codeClaimLines, type CodingOptions } from '../../domain/coding';
import { requireCatalogEntry, defaultCatalog } from '../../domain/catalog';
import { flowModifier, type OxygenPrescription, type OxygenQualification, qualificationProblems } from '../../domain/oxygen';
import type { OrderItem } from '../../domain/types';

const groupI: OxygenQualification = { group: 'I', testType: 'oximetry', testDate: '2024-05-28', result: { saturationPercent: 87 } };

function qualification(extra: Partial<OxygenQualification>): OxygenQualification {
  return { ...groupI, ...extra };
}

describe('qualificationProblems: the study supports the stated group (LCD L33797)', () => {
  test.each<[string, OxygenQualification, string[]]>([
    ['group I: SpO2 88% at rest qualifies', qualification({ result: { saturationPercent: 88 } }), []],
    ['group I: PaO2 55 mm Hg qualifies', qualification({ testType: 'arterial-blood-gas', result: { pao2MmHg: 55 } }), []],
    ['group I: SpO2 89% is not group I', qualification({ result: { saturationPercent: 89 } }), ['qualification.result']],
    ['group I: PaO2 56 is not group I', qualification({ testType: 'arterial-blood-gas', result: { pao2MmHg: 56 } }), ['qualification.result']],
    [
      'group I: a blood gas reporting only a saturation misses its PaO2',
      qualification({ testType: 'arterial-blood-gas', result: { saturationPercent: 85 } }),
      ['qualification.result.pao2MmHg'],
    ],
    ['group I takes no condition', qualification({ condition: 'dependent-edema' }), ['qualification.condition']],
    [
      'group II: SpO2 89% with dependent edema qualifies',
      qualification({ group: 'II', result: { saturationPercent: 89 }, condition: 'dependent-edema' }),
      [],
    ],
    [
      'group II: PaO2 59 with erythrocythemia qualifies',
      qualification({ group: 'II', testType: 'arterial-blood-gas', result: { pao2MmHg: 59 }, condition: 'erythrocythemia' }),
      [],
    ],
    [
      'group II: SpO2 89% without a coexisting condition does not',
      qualification({ group: 'II', result: { saturationPercent: 89 } }),
      ['qualification.condition'],
    ],
    [
      'group II: SpO2 87% is group I, not II',
      qualification({ group: 'II', result: { saturationPercent: 87 }, condition: 'dependent-edema' }),
      ['qualification.result'],
    ],
    [
      'group II: a cluster headache is a group III condition',
      qualification({ group: 'II', result: { saturationPercent: 89 }, condition: 'cluster-headache' }),
      ['qualification.condition'],
    ],
    [
      'group III: SpO2 95% with cluster headache qualifies',
      qualification({ group: 'III', result: { saturationPercent: 95 }, condition: 'cluster-headache' }),
      [],
    ],
    [
      'group III needs the absence of group I/II hypoxemia: SpO2 89% is not group III',
      qualification({ group: 'III', result: { saturationPercent: 89 }, condition: 'cluster-headache' }),
      ['qualification.result'],
    ],
    ['a study after the order date does not count', qualification({ testDate: '2024-06-02' }), ['qualification.testDate']],
    ['a study on the order date counts', qualification({ testDate: '2024-06-01' }), []],
    ['an older outpatient study is not refused: the 30-day CMN window ended in 2023', qualification({ testDate: '2023-11-01' }), []],
    [
      'an inpatient study 2 days before discharge is at the time of need',
      qualification({ testDate: '2024-05-28', inpatientDischargeDate: '2024-05-30' }),
      [],
    ],
    [
      'an inpatient study 3 days before discharge is not',
      qualification({ testDate: '2024-05-27', inpatientDischargeDate: '2024-05-30' }),
      ['qualification.testDate'],
    ],
  ])('%s', (_rule, input, fields) => {
    expect(qualificationProblems(input, '2024-06-01').map((problem) => problem.field)).toEqual(fields);
  });

  test('the message names the values and the group criteria, and no patient data', () => {
    const [problem] = qualificationProblems(qualification({ result: { saturationPercent: 91 } }), '2024-06-01');
    expect(problem.message).toBe(
      'saturation 91% does not meet the stated group I: group I needs PaO2 at or below 55 mm Hg or saturation at or below 88% (LCD L33797)',
    );
  });
});

describe('flowModifier: the stationary flow at rest decides QE / QG / QF (CR 9848)', () => {
  test.each<[number, boolean, 'stationary' | 'portable', string | undefined]>([
    [0.5, false, 'stationary', 'QE'],
    [0.5, true, 'portable', undefined],
    [1, false, 'stationary', undefined],
    [4, true, 'stationary', undefined],
    [4.5, false, 'stationary', 'QG'],
    [5, true, 'stationary', 'QF'],
    [5, true, 'portable', 'QF'],
  ])('%p LPM, portable %p, %s system: %p', (flowLpm, portable, system, expected) => {
    expect(flowModifier(system, { flowLpm, portable })).toBe(expected);
  });
});

describe('codeClaimLines for oxygen: the order prescription decides flow and group modifiers', () => {
  const prescription = (flowLpm: number, portable: boolean, group: OxygenQualification['group'] = 'I'): OxygenPrescription => ({
    flowLpm,
    portable,
    qualification: { ...groupI, group },
  });
  const item = (hcpcs: string): OrderItem => ({ id: `item-${hcpcs}`, hcpcs, quantity: 1, acquisition: 'rental', unitCharge: 20_000 });
  const month = (serviceFrom: string, serviceTo: string): BillingEvent => ({ kind: 'rental-month', period: 1, month: 1, serviceFrom, serviceTo });
  const june2024 = month('2024-06-10', '2024-07-09');
  const medicare = (oxygen: OxygenPrescription, documentationComplete = true): CodingOptions => ({
    documentationComplete,
    payerKind: 'medicare',
    oxygen,
  });

  test.each<[string, string, BillingEvent, CodingOptions, string[]]>([
    ['a Medicare concentrator from 2023-04-01, group I: RR N1 (no KX)', 'E1390', june2024, medicare(prescription(2, false)), ['RR', 'N1']],
    ['group II: N2', 'E1390', june2024, medicare(prescription(2, false, 'II')), ['RR', 'N2']],
    ['group III: N3', 'E0439', june2024, medicare(prescription(2, false, 'III')), ['RR', 'N3']],
    ['5 LPM with a portable: the concentrator is RR QF N1', 'E1390', june2024, medicare(prescription(5, true)), ['RR', 'QF', 'N1']],
    ['5 LPM with a portable: the portable is RR QF N1 too', 'E0431', june2024, medicare(prescription(5, true)), ['RR', 'QF', 'N1']],
    ['5 LPM, stationary only: RR QG N1', 'E1390', june2024, medicare(prescription(5, false)), ['RR', 'QG', 'N1']],
    ['0.5 LPM with a portable: QE on the stationary line', 'E1390', june2024, medicare(prescription(0.5, true)), ['RR', 'QE', 'N1']],
    ['0.5 LPM with a portable: no QE on the portable line', 'E0431', june2024, medicare(prescription(0.5, true)), ['RR', 'N1']],
    ['criteria not documented: no group modifier', 'E1390', june2024, medicare(prescription(2, false), false), ['RR']],
    ['a month before 2023-04-01 keeps the KX rule', 'E1390', month('2023-03-10', '2023-04-09'), medicare(prescription(2, false)), ['RR', 'KX']],
    [
      'Medicare oxygen without a recorded qualification: neither KX nor N (the scrubber holds it)',
      'E1390',
      june2024,
      { documentationComplete: true, payerKind: 'medicare' },
      ['RR'],
    ],
    [
      'a commercial payer keeps KX on oxygen',
      'E1390',
      june2024,
      { documentationComplete: true, payerKind: 'commercial', oxygen: prescription(2, false) },
      ['RR', 'KX'],
    ],
    ['a CPAP under Medicare keeps KX', 'E0601', june2024, medicare(prescription(2, false)), ['RR', 'KH', 'KX']],
  ])('%s', (_rule, hcpcs, event, options, modifiers) => {
    expect(codeClaimLines(item(hcpcs), event, options).map((line) => line.modifiers)).toEqual([modifiers]);
  });

  test('an ABN on file bills GA and no group modifier', () => {
    const lines = codeClaimLines({ ...item('E1390'), abnOnFile: true }, june2024, medicare(prescription(2, false)));
    expect(lines[0].modifiers).toEqual(['RR', 'GA']);
  });

  test('the catalog marks every oxygen code stationary or portable', () => {
    expect(['E0424', 'E0439', 'E1390', 'E0431', 'E0434'].map((code) => requireCatalogEntry(defaultCatalog, code).oxygenSystem)).toEqual([
      'stationary',
      'stationary',
      'stationary',
      'portable',
      'portable',
    ]);
  });
});
