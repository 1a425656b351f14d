/**
 * The rules a secondary, tertiary or MSP claim's coordination-of-benefits input meets
 * before a segment is written (claim837p-cob.ts writes them), reported with the claim's
 * other problems: field path and rule, never a name, member id or birth date.
 *
 * - 2000B and 2320 SBR05, the MSP type: with Medicare (SBR09 MA or MB) as a payer that is
 *   not primary, required then and refused otherwise.
 * - SBR01: each responsibility code other than U once in the claim, the claim's own
 *   included; a claim to the secondary or tertiary payer carries every earlier payer
 *   with its adjudication, and only an earlier payer can have adjudicated it.
 * - The TR3's counts: 10 other payers (2320), 5 CAS segments per 2320 and per 2430, 15
 *   line adjudications (2430) per line; CAS amounts are never zero.
 * - Balancing (TR3 1.4.4; RFI 1294 and 1555): for each payer that adjudicated lines, every
 *   line's charge SV102 = ΣSVD02 + Σ2430 CAS of that payer, and 2320 AMT*D = ΣSVD02 −
 *   Σ2320 CAS, which together make CLM02 = AMT*D + every CAS of that payer. A payer whose
 *   adjudication has no lines has no claim-level balancing to check (RFI 1294).
 */
import { mspTypes, payerLevels, sbr01OfLevel, type PayerLevel } from '../coordination';
import type { ClaimLine } from '../types';
import type { Claim837Input } from './claim837p';
import {
  casSegments,
  lineIndexOf,
  REASONS_PER_CAS,
  type OtherPayer837,
  type OtherPayerAdjudication,
  type OtherPayerLineAdjudication,
} from './claim837p-cob';
import type { InputCheck } from './input';
import type { Adjustment } from './remittance835';
import { money } from './values';

/** 2320 repeats 10 times: with the claim's own payer that is the 11 codes P, S, T, A–H. */
const MAX_OTHER_PAYERS = 10;
/** 2320 CAS and 2430 CAS are each used at most 5 times (one per group code CO, CR, OA, PI, PR). */
const MAX_CAS_SEGMENTS = 5;
/** 2430 repeats 15 times under one line. */
const MAX_LINE_ADJUDICATIONS = 15;
const PAYING_ORDER = 'PSTABCDEFGH';
const RESPONSIBILITIES: readonly string[] = [...PAYING_ORDER, 'U'];
const RELATIONSHIPS: readonly string[] = ['01', '18', '19', '20', '21', '39', '40', '53', 'G8'];
const ADJUSTMENT_GROUPS: readonly string[] = ['CO', 'PR', 'OA', 'PI'];
const CARC = /^[A-Z0-9]{1,5}$/;
const HCPCS = /^[A-V][0-9]{4}$/;
const MODIFIER = /^[A-Z0-9]{2}$/;

/** Place in the paying order; U (unknown) comes after everyone. */
function rank(responsibility: string): number {
  const index = PAYING_ORDER.indexOf(responsibility);
  return index === -1 ? Infinity : index;
}

function levelName(responsibility: string): PayerLevel | undefined {
  return payerLevels.find((level) => sbr01OfLevel[level] === responsibility);
}

function isMedicare(filing: string | undefined): boolean {
  return filing === 'MB' || filing === 'MA';
}

/** SBR05 rules of 2000B and 2320 alike: the MSP type goes with Medicare as a payer that is not primary, and only then. */
function checkMspType(
  c: InputCheck,
  field: string,
  code: string | undefined,
  filing: string | undefined,
  responsibility: string,
  names: { filing: string; responsibility: string },
): void {
  const medicare = isMedicare(filing);
  if (code === undefined) {
    if (medicare && responsibility !== 'P') {
      c.problem(
        field,
        `is required when Medicare is not the primary payer (${names.responsibility} ${responsibility}): the MSP type, one of ${mspTypes.join(', ')}`,
      );
    }
    return;
  }
  if (!(mspTypes as readonly string[]).includes(code)) c.problem(field, `must be an MSP type: ${mspTypes.join(', ')}`);
  else if (!medicare) c.problem(field, `goes only to Medicare (${names.filing} MB or MA): SBR05 says why Medicare is not the primary payer`);
  else if (responsibility === 'P')
    c.problem(field, `goes only when Medicare is not the primary payer (${names.responsibility} S or T); Medicare as primary has none`);
}

function checkAdjustments(c: InputCheck, field: string, adjustments: readonly Adjustment[] | undefined, loop: string): number {
  if (adjustments === undefined) return 0;
  if (!Array.isArray(adjustments)) {
    c.problem(field, 'must be a list of adjustments');
    return 0;
  }
  let total = 0;
  adjustments.forEach((a, k) => {
    const f = `${field}[${k}]`;
    if (!ADJUSTMENT_GROUPS.includes(a.group)) c.problem(`${f}.group`, 'must be CO, PR, OA or PI');
    if (!CARC.test(a.reason ?? '')) c.problem(`${f}.reason`, 'must be a claim adjustment reason code (CARC) such as 1, 2 or 45');
    // TR3 2320/2430 CAS: the segment carries only the non-zero adjustments.
    if (!Number.isSafeInteger(a.amount) || a.amount === 0)
      c.problem(`${f}.amount`, 'must be non-zero integer cents (a CAS lists only adjustments that changed the payment)');
    else total += a.amount;
    if (a.quantity !== undefined && !Number.isFinite(a.quantity)) c.problem(`${f}.quantity`, 'must be a number');
  });
  const segments = casSegments(adjustments).length;
  if (segments > MAX_CAS_SEGMENTS) {
    c.problem(field, `needs ${segments} CAS segments (one per group code, ${REASONS_PER_CAS} reasons each) but ${loop} allows ${MAX_CAS_SEGMENTS}`);
  }
  return total;
}

/** Sums per line of the claim for one payer: what it paid and adjusted, and the first entry that named the line. */
interface LineTotals {
  paid: number;
  adjusted: number;
  firstEntry: number;
}

/** Each entry's own rules, and the sums per line it names; null when an entry names no line, so that sums would mislead. */
function checkLineAdjudications(
  c: InputCheck,
  field: string,
  adjudicated: OtherPayerLineAdjudication[],
  lines: ClaimLine[],
): Map<number, LineTotals> | null {
  const totals = new Map<number, LineTotals>();
  let unmatched = false;
  adjudicated.forEach((l, k) => {
    const f = `${field}[${k}]`;
    let index = -1;
    if ((l.lineControlNumber === undefined) === (l.lineNumber === undefined)) {
      c.problem(f, 'names our line by lineControlNumber (REF*6R) or by lineNumber (LX01): exactly one of the two');
    } else {
      index = lineIndexOf(l, lines);
      if (index === -1) c.problem(l.lineControlNumber !== undefined ? `${f}.lineControlNumber` : `${f}.lineNumber`, 'names no line of this claim');
    }
    c.cents(`${f}.paidAmount`, l.paidAmount);
    if (l.procedure !== undefined) {
      if (!HCPCS.test(l.procedure.hcpcs ?? '')) c.problem(`${f}.procedure.hcpcs`, 'is not a HCPCS Level II code');
      const modifiers = l.procedure.modifiers ?? [];
      if (!Array.isArray(modifiers) || modifiers.length > 4) c.problem(`${f}.procedure.modifiers`, 'at most 4 modifiers');
      else
        modifiers.forEach((m, j) => {
          if (!MODIFIER.test(m)) c.problem(`${f}.procedure.modifiers[${j}]`, 'is not a 2-character modifier');
        });
    }
    if (!(Number.isFinite(l.paidUnits) && l.paidUnits >= 0 && l.paidUnits < 100_000))
      c.problem(`${f}.paidUnits`, 'must be a number of units, zero or more (SVD05)');
    if (
      l.bundledLineNumber !== undefined &&
      !(Number.isInteger(l.bundledLineNumber) && l.bundledLineNumber >= 1 && l.bundledLineNumber <= lines.length)
    ) {
      c.problem(`${f}.bundledLineNumber`, `must be the number (1–${lines.length}) of the line this one was bundled into (SVD06)`);
    }
    const adjusted = checkAdjustments(c, `${f}.adjustments`, l.adjustments, 'a 2430 loop');
    if (l.adjudicatedOn !== undefined) c.date(`${f}.adjudicatedOn`, l.adjudicatedOn);
    if (index === -1) unmatched = true;
    else {
      const sums = totals.get(index) ?? { paid: 0, adjusted: 0, firstEntry: k };
      totals.set(index, { ...sums, paid: sums.paid + (Number.isSafeInteger(l.paidAmount) ? l.paidAmount : 0), adjusted: sums.adjusted + adjusted });
    }
  });
  return unmatched ? null : totals;
}

function checkAdjudication(c: InputCheck, field: string, a: OtherPayerAdjudication, lines: ClaimLine[]): void {
  c.cents(`${field}.paidAmount`, a.paidAmount);
  if (a.remainingPatientLiability !== undefined) c.cents(`${field}.remainingPatientLiability`, a.remainingPatientLiability);
  const claimAdjusted = checkAdjustments(c, `${field}.claimAdjustments`, a.claimAdjustments, 'the 2320 loop');
  if (a.payerClaimNumber !== undefined) c.identifier(`${field}.payerClaimNumber`, a.payerClaimNumber, 50);
  c.date(`${field}.adjudicatedOn`, a.adjudicatedOn);
  const adjudicated = a.lines ?? [];
  if (adjudicated.length === 0) return;

  const totals = checkLineAdjudications(c, `${field}.lines`, adjudicated, lines);
  if (!totals) return;
  let paidOnLines = 0;
  lines.forEach((line, index) => {
    const sums = totals.get(index);
    if (!sums) {
      c.problem(
        `${field}.lines`,
        `has nothing for line ${index + 1}: once a payer adjudicated lines, each line has its 2430 (CLM02 = AMT*D + all CAS, RFI 1294)`,
      );
      return;
    }
    paidOnLines += sums.paid;
    if (Number.isSafeInteger(line.charge) && sums.paid + sums.adjusted !== line.charge) {
      c.problem(
        `${field}.lines[${sums.firstEntry}]`,
        `paid ${money(sums.paid)} plus adjustments ${money(sums.adjusted)} is not line ${index + 1}'s charge ${money(line.charge)} (SV102 = SVD02 + 2430 CAS, TR3 1.4.4)`,
      );
    }
  });
  if (Number.isSafeInteger(a.paidAmount) && a.paidAmount !== paidOnLines - claimAdjusted) {
    c.problem(
      `${field}.paidAmount`,
      `${money(a.paidAmount)} is not the line payments ${money(paidOnLines)} less the claim adjustments ${money(claimAdjusted)} (2320 AMT*D = ΣSVD02 − Σ2320 CAS, TR3 1.4.4)`,
    );
  }
}

function checkOtherPayer(c: InputCheck, field: string, o: OtherPayer837, claimResponsibility: string, lines: ClaimLine[]): void {
  if (!o) return c.problem(field, 'is required');
  if (!RESPONSIBILITIES.includes(o.responsibility))
    c.problem(`${field}.responsibility`, 'must be an SBR01 code: P, S, T, A–H (payers 4 to 11) or U (unknown)');
  if (!RELATIONSHIPS.includes(o.relationship)) {
    c.problem(
      `${field}.relationship`,
      "must be an SBR02 code (18 self, 01 spouse, 19 child, 20 employee, 21 unknown, 39, 40, 53, G8): the patient's relationship to this subscriber",
    );
  }
  if (o.groupNumber !== undefined) c.identifier(`${field}.groupNumber`, o.groupNumber, 50);
  if (!/^[A-Z0-9]{2}$/.test(o.claimFilingIndicator ?? '')) c.problem(`${field}.claimFilingIndicator`, 'must be an SBR09 code such as MB, MC or CI');
  checkMspType(c, `${field}.insuranceTypeCode`, o.insuranceTypeCode, o.claimFilingIndicator, o.responsibility, {
    filing: `${field}.claimFilingIndicator`,
    responsibility: `${field}.responsibility`,
  });
  if (o.benefitsAssigned !== undefined && typeof o.benefitsAssigned !== 'boolean') c.problem(`${field}.benefitsAssigned`, 'must be true or false');

  const s = o.subscriber;
  if (!s) c.problem(`${field}.subscriber`, 'is required');
  else {
    c.text(`${field}.subscriber.lastName`, s.lastName, 60);
    c.text(`${field}.subscriber.firstName`, s.firstName, 35);
    c.optionalText(`${field}.subscriber.middleName`, s.middleName, 25);
    c.identifier(`${field}.subscriber.memberId`, s.memberId, 80, 2);
    if (s.address) c.address(`${field}.subscriber.address`, s.address);
  }
  if (!o.payer) c.problem(`${field}.payer`, 'is required');
  else {
    c.text(`${field}.payer.name`, o.payer.name, 60);
    c.identifier(`${field}.payer.id`, o.payer.id, 80, 2);
  }

  if (!o.adjudication) return;
  if (rank(o.responsibility) >= rank(claimResponsibility)) {
    c.problem(
      `${field}.adjudication`,
      `only a payer that pays before this claim's payer (${claimResponsibility}) has adjudicated it; this one's responsibility is ${o.responsibility}`,
    );
  }
  checkAdjudication(c, `${field}.adjudication`, o.adjudication, lines);
}

/** Every COB rule of the input, added to the claim's other problems. `lines` carry their line control numbers. */
export function checkCoordination(c: InputCheck, input: Claim837Input, lines: ClaimLine[]): void {
  const responsibility = input.payerResponsibility ?? 'P';
  if (!['P', 'S', 'T'].includes(responsibility)) c.problem('payerResponsibility', 'must be P (primary), S (secondary) or T (tertiary)');
  checkMspType(c, 'insuranceTypeCode', input.insuranceTypeCode, input.payer?.claimFilingIndicator, responsibility, {
    filing: 'payer.claimFilingIndicator',
    responsibility: 'payerResponsibility',
  });

  const others = input.otherPayers ?? [];
  if (!Array.isArray(others)) return c.problem('otherPayers', 'must be a list of other payers');
  if (others.length > MAX_OTHER_PAYERS) {
    c.problem(
      'otherPayers',
      `at most ${MAX_OTHER_PAYERS} other payers (2320 repeats ${MAX_OTHER_PAYERS} times: P, S, T and A–H name 11 payers in all)`,
    );
  }

  // TR3 SBR01: within a claim each responsibility code other than U is used once, the claim's own included.
  const holders = new Map<string, string>([[responsibility, 'payerResponsibility']]);
  const payerIds = new Map<string, number>();
  others.forEach((o, i) => {
    const field = `otherPayers[${i}]`;
    checkOtherPayer(c, field, o, responsibility, lines);
    if (!o) return;
    const holder = holders.get(o.responsibility);
    if (o.responsibility !== 'U' && holder)
      c.problem(`${field}.responsibility`, `${o.responsibility} is already ${holder}'s: each payer has its own place in the order`);
    else holders.set(o.responsibility, `${field}.responsibility`);
    const id = o.payer?.id;
    const twin = id === undefined ? undefined : payerIds.get(id);
    if (twin !== undefined)
      c.problem(`${field}.payer.id`, `is also otherPayers[${twin}]'s: 2430 SVD01 names the other payer by this id, so each needs its own`);
    else if (id !== undefined) payerIds.set(id, i);
  });

  // A later payer pays on what the earlier ones did: their adjudication comes with the claim.
  for (const earlier of 'PST'.slice(0, Math.max(0, 'PST'.indexOf(responsibility)))) {
    if (!others.some((o) => o?.responsibility === earlier && o.adjudication)) {
      c.problem(
        'otherPayers',
        `a claim to the ${levelName(responsibility)} payer needs the ${levelName(earlier)} payer (responsibility ${earlier}) with its adjudication (2320 AMT*D, CAS, 2430)`,
      );
    }
  }

  lines.forEach((_, index) => {
    const count = others.reduce((n, o) => n + (o?.adjudication?.lines ?? []).filter((l) => lineIndexOf(l, lines) === index).length, 0);
    if (count > MAX_LINE_ADJUDICATIONS) {
      c.problem(`lines[${index}]`, `has ${count} line adjudications from other payers; 2430 repeats at most ${MAX_LINE_ADJUDICATIONS} times`);
    }
  });
}
