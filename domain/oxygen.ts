/**
 * Home oxygen: the order's prescription (flow, portable) and the patient's qualification
 * (coverage group and the blood gas study behind it), and what they mean for the claim
 * lines (DOMAIN.md §3, §7).
 *
 * Sources:
 * - Oxygen and Oxygen Equipment LCD L33797 (revised 2023-01-01 after NCD 240.2): group
 *   I, II and III criteria; the study is "performed at the time of need" — for a hospital
 *   inpatient, within 2 days of discharge. The 30-day window of the CMN era is gone, so
 *   an older study is not refused here.
 * - DME MAC joint publication "Oxygen Modifiers – Billing Reminder" (Nov 2023) and CGS
 *   "How to Choose the Correct Oxygen Modifier" (Aug 2023): N1 / N2 / N3 for group I / II
 *   / III on new oxygen rental periods from 2023-04-01, where KX "must not be used"; KX
 *   there rejects as an invalid modifier.
 * - CMS CR 9848 (Claims Processing Manual ch. 20 §30.6.1, 42 CFR 414.226(e)): the flow
 *   that counts is the stationary flow at rest; QG above 4 LPM on the stationary line when
 *   no portable is prescribed; QF above 4 LPM with a portable, on both the stationary and
 *   the portable line (the portable line then carries the volume adjustment); QE below
 *   1 LPM halves the stationary fee.
 */
import { addDays, isAfter, isBefore } from './calendar';
import { type Catalog, type CatalogEntry, catalogEntry } from './catalog';
import type { PayerKind } from './payer-policy';

export type OxygenGroup = 'I' | 'II' | 'III';
export type OxygenTestType = 'arterial-blood-gas' | 'oximetry';

/** Group II's coexisting conditions (LCD L33797), then group III's: a condition oxygen improves without hypoxemia. */
export const groupIIConditions = ['dependent-edema', 'pulmonary-hypertension-or-cor-pulmonale', 'erythrocythemia'] as const;
export const groupIIIConditions = ['cluster-headache', 'other-condition-improved-by-oxygen'] as const;
export type OxygenCondition = (typeof groupIIConditions)[number] | (typeof groupIIIConditions)[number];

export interface OxygenQualification {
  group: OxygenGroup;
  testType: OxygenTestType;
  testDate: string;
  /** Arterial PO2 (mm Hg, from a blood gas) and / or oxygen saturation (%, SaO2 or SpO2), whole numbers. */
  result: { pao2MmHg?: number; saturationPercent?: number };
  /** Group II: the coexisting condition; group III: the condition oxygen improves. */
  condition?: OxygenCondition;
  /** The study was taken in hospital: the discharge date (time of need: within 2 days of it). */
  inpatientDischargeDate?: string;
}

/** The oxygen part of the prescription: one fact for the whole order, not per item. */
export interface OxygenPrescription {
  /** Prescribed stationary flow at rest, litres per minute (42 CFR 414.226(e)). */
  flowLpm: number;
  /** A portable system is prescribed. */
  portable: boolean;
  qualification: OxygenQualification;
}

export interface OxygenProblem {
  /** Path under the order's `oxygen` block, e.g. `qualification.result`. */
  field: string;
  message: string;
}

/** N1–N3 replace KX on Medicare oxygen rental periods beginning on or after this date. */
const groupModifiersFrom = '2023-04-01';
export const groupModifiers: Record<OxygenGroup, 'N1' | 'N2' | 'N3'> = { I: 'N1', II: 'N2', III: 'N3' };
const groupModifierList: readonly string[] = Object.values(groupModifiers);
const flowModifierList = ['QE', 'QG', 'QF'];

/** An inpatient's qualifying study is at the time of need when taken within 2 days of discharge (LCD L33797). */
const inpatientTimeOfNeedDays = 2;

/** Blood gas thresholds of LCD L33797: group I at or below 55 mm Hg / 88%, group II 56–59 mm Hg / 89%. */
const groupI = { pao2: 55, saturation: 88 };
const groupII = { pao2: 59, saturation: 89 };

/** The lowest group the measured values reach: I, II (values only; its condition is checked apart) or none. */
function hypoxemiaLevel(result: OxygenQualification['result']): 'I' | 'II' | 'none' {
  const { pao2MmHg: pao2, saturationPercent: saturation } = result;
  if ((pao2 !== undefined && pao2 <= groupI.pao2) || (saturation !== undefined && saturation <= groupI.saturation)) return 'I';
  if ((pao2 !== undefined && pao2 <= groupII.pao2) || (saturation !== undefined && saturation <= groupII.saturation)) return 'II';
  return 'none';
}

const describe = (result: OxygenQualification['result']) =>
  [
    result.pao2MmHg !== undefined ? `PaO2 ${result.pao2MmHg} mm Hg` : undefined,
    result.saturationPercent !== undefined ? `saturation ${result.saturationPercent}%` : undefined,
  ]
    .filter(Boolean)
    .join(', ');

const groupCriteria: Record<OxygenGroup, string> = {
  I: 'group I needs PaO2 at or below 55 mm Hg or saturation at or below 88%',
  II: 'group II needs PaO2 56–59 mm Hg or saturation 89% with dependent edema, pulmonary hypertension / cor pulmonale or erythrocythemia',
  III: 'group III needs no hypoxemia of group I or II (PaO2 60 mm Hg or more, saturation 90% or more) and a condition oxygen improves, such as cluster headache',
};

/**
 * Whether the study supports the stated group, and was taken when it counts (LCD
 * L33797). Empty when it does. `orderDate` is the practitioner's order: the study is
 * evaluated before oxygen is ordered, so it cannot be later.
 */
export function qualificationProblems(qualification: OxygenQualification, orderDate: string): OxygenProblem[] {
  const problems: OxygenProblem[] = [];
  const { group, testType, result, condition } = qualification;

  if (testType === 'arterial-blood-gas' && result.pao2MmHg === undefined) {
    problems.push({ field: 'qualification.result.pao2MmHg', message: 'an arterial blood gas study reports the arterial PO2 in mm Hg' });
  }
  if (testType === 'oximetry' && (result.saturationPercent === undefined || result.pao2MmHg !== undefined)) {
    problems.push({
      field: 'qualification.result',
      message: 'an oximetry study reports the oxygen saturation (saturationPercent) and no arterial PO2',
    });
  }
  if (problems.length === 0) {
    const level = hypoxemiaLevel(result);
    const meets = group === 'I' ? level === 'I' : group === 'II' ? level === 'II' : level === 'none';
    if (!meets) {
      problems.push({
        field: 'qualification.result',
        message: `${describe(result)} does not meet the stated group ${group}: ${groupCriteria[group]} (LCD L33797)`,
      });
    }
  }

  const allowed: readonly string[] = group === 'II' ? groupIIConditions : group === 'III' ? groupIIIConditions : [];
  if (group !== 'I' && (!condition || !allowed.includes(condition))) {
    problems.push({ field: 'qualification.condition', message: `group ${group} needs one of ${allowed.join(', ')} (LCD L33797)` });
  }
  if (group === 'I' && condition) {
    problems.push({ field: 'qualification.condition', message: 'group I qualifies on the study alone: leave the condition out' });
  }

  if (isAfter(qualification.testDate, orderDate)) {
    problems.push({
      field: 'qualification.testDate',
      message: `the qualifying study (${qualification.testDate}) must be on or before the order date ${orderDate}: the practitioner evaluates it before ordering oxygen`,
    });
  }
  const discharge = qualification.inpatientDischargeDate;
  if (discharge) {
    const earliest = addDays(discharge, -inpatientTimeOfNeedDays);
    if (isBefore(qualification.testDate, earliest) || isAfter(qualification.testDate, discharge)) {
      problems.push({
        field: 'qualification.testDate',
        message: `an inpatient's qualifying study is taken within ${inpatientTimeOfNeedDays} days before discharge (${earliest} to ${discharge}), the time of need (LCD L33797)`,
      });
    }
  }
  return problems;
}

/** QE / QG / QF for one oxygen system under the prescription (CR 9848); none for 1–4 LPM. */
export function flowModifier(system: NonNullable<CatalogEntry['oxygenSystem']>, prescription: Pick<OxygenPrescription, 'flowLpm' | 'portable'>) {
  if (prescription.flowLpm > 4 && prescription.portable) return 'QF';
  if (system !== 'stationary') return undefined;
  if (prescription.flowLpm > 4) return 'QG';
  // The 50% reduction is on the stationary fee; the portable line carries no QE (verify: Noridian lists QE with stationary codes only).
  if (prescription.flowLpm < 1) return 'QE';
  return undefined;
}

/** Medicare oxygen lines from 2023-04-01 carry the group modifier where other lines carry KX. */
export function usesGroupModifier(payerKind: PayerKind | undefined, dateOfService: string): boolean {
  return payerKind === 'medicare' && !isBefore(dateOfService, groupModifiersFrom);
}

/**
 * Oxygen-specific problems of one claim line (codes for the scrubber): KX where the
 * group modifier belongs, no group modifier, a group or flow modifier on the wrong line.
 * The dates are those of the line: a rental begun before 2023-04-01 may bill KX or N1–N3
 * for its remaining months (Nov 2023 billing reminder), so N1–N3 from that date is always
 * accepted and KX from it is held.
 */
export function oxygenLineProblems(
  line: { modifiers: readonly string[]; serviceFrom: string },
  entry: CatalogEntry,
  payerKind: PayerKind,
): Array<{ code: 'OXYGEN_GROUP_MODIFIER' | 'OXYGEN_KX_NOT_USED' | 'OXYGEN_MODIFIER_MISPLACED'; message: string }> {
  const problems: ReturnType<typeof oxygenLineProblems> = [];
  const group = line.modifiers.filter((modifier) => groupModifierList.includes(modifier));
  const flow = line.modifiers.filter((modifier) => flowModifierList.includes(modifier));
  if (entry.category !== 'OX') {
    for (const modifier of [...group, ...flow]) {
      problems.push({
        code: 'OXYGEN_MODIFIER_MISPLACED',
        message: `${modifier} is an oxygen modifier and ${entry.hcpcs} is not oxygen equipment: remove it`,
      });
    }
    return problems;
  }
  if (entry.oxygenSystem === 'portable') {
    for (const modifier of flow.filter((candidate) => candidate !== 'QF')) {
      problems.push({
        code: 'OXYGEN_MODIFIER_MISPLACED',
        message: `${modifier} adjusts the stationary system's fee: bill it on the stationary line, not on portable ${entry.hcpcs} (QF goes on both)`,
      });
    }
  }
  const liability = line.modifiers.some((modifier) => ['GA', 'GZ', 'GY'].includes(modifier));
  if (group.length > 0 && liability) {
    problems.push({
      code: 'OXYGEN_GROUP_MODIFIER',
      message: `${group.join(' ')} says the coverage criteria are met and takes KX's place: like KX it never shares a line with GA, GZ or GY`,
    });
  }
  if (group.length > 1) {
    problems.push({ code: 'OXYGEN_GROUP_MODIFIER', message: `${group.join(' with ')}: the patient qualifies in one coverage group` });
  }
  if (!usesGroupModifier(payerKind, line.serviceFrom)) return problems;
  if (line.modifiers.includes('KX')) {
    problems.push({
      code: 'OXYGEN_KX_NOT_USED',
      message:
        `KX is not used on Medicare oxygen from ${groupModifiersFrom} and the contractor rejects it: ` +
        'bill N1, N2 or N3 for the coverage group recorded on the order',
    });
  } else if (group.length === 0 && !liability) {
    problems.push({
      code: 'OXYGEN_GROUP_MODIFIER',
      message:
        `Medicare oxygen from ${groupModifiersFrom} carries N1, N2 or N3 (group I, II or III criteria met): ` +
        "record the order's oxygen qualification and approve its documents, or bill GA / GZ when the criteria are not met",
    });
  }
  return problems;
}

/**
 * The order's oxygen block against its items (intake, 422): the prescription belongs to
 * an order with oxygen equipment and every such order has one; `portable` says whether
 * a portable system is ordered, and the items agree. Then the qualification itself.
 * Fields are paths in the order, e.g. `oxygen.portable`.
 */
export function oxygenOrderProblems(
  items: ReadonlyArray<{ hcpcs: string }>,
  oxygen: OxygenPrescription | undefined,
  orderDate: string,
  catalog: Catalog,
): OxygenProblem[] {
  const systems = items.map((item, index) => ({ index, hcpcs: item.hcpcs, system: catalogEntry(catalog, item.hcpcs)?.oxygenSystem }));
  const oxygenItems = systems.filter((item) => item.system);
  const portableCodes = Object.values(catalog.entries)
    .filter((entry) => entry.oxygenSystem === 'portable')
    .map((entry) => entry.hcpcs);
  if (!oxygen) {
    return oxygenItems.map(({ index, hcpcs }) => ({
      field: 'oxygen',
      message: `items.${index} (${hcpcs}) is oxygen equipment: the order needs its oxygen prescription (flowLpm, portable) and qualification`,
    }));
  }
  if (oxygenItems.length === 0) {
    return [
      { field: 'oxygen', message: 'an oxygen prescription belongs to an order with oxygen equipment, and this order has none: leave oxygen out' },
    ];
  }
  const problems: OxygenProblem[] = [];
  const portables = oxygenItems.filter((item) => item.system === 'portable');
  if (oxygen.portable && portables.length === 0) {
    problems.push({
      field: 'oxygen.portable',
      message: `a portable system is prescribed but no portable item (${portableCodes.join(', ')}) is ordered: add it, or set portable to false`,
    });
  }
  if (!oxygen.portable) {
    for (const { index, hcpcs } of portables) {
      problems.push({
        field: 'oxygen.portable',
        message: `items.${index} (${hcpcs}) is a portable system but the prescription says portable: false`,
      });
    }
  }
  for (const problem of qualificationProblems(oxygen.qualification, orderDate)) {
    problems.push({ field: `oxygen.${problem.field}`, message: problem.message });
  }
  return problems;
}
