/**
 * Coordination of benefits at the sandbox payer (DOMAIN.md §15): what an 837P says about
 * the claim's other payers, and how a payer billed after another one pays.
 *
 * Reading follows the 005010X222A1 loop order inside a claim: 2300 CLM … then one 2320
 * (SBR, CAS, AMT*D, AMT*EAF, OI) per other payer with its 2330A subscriber (NM1*IL) and
 * 2330B payer (NM1*PR, REF*F8), then each 2400 line (LX, SV1 …, 2420 NM1s) with one 2430
 * (SVD, CAS, DTP*573) per payer that adjudicated it. The payer of a 2430 is SVD01, which
 * the TR3 requires to match that payer's 2330B NM109.
 *
 * Paying after the prior payers, per line:
 * - Medigap and Medicaid pay what the last prior payer left the patient (its PR
 *   adjustments: deductible, coinsurance, copay) and adjust the rest OA-23, "the impact
 *   of prior payer(s) adjudication" (CARC 23 is for group OA only). For Medicaid that is
 *   the Medicare cost-sharing in full, which a state may pay for its dual eligibles; a
 *   state may instead pay only up to its own rate ("lesser of", Social Security Act
 *   §1902(n)(2)), which the sandbox does not model.
 * - Medicare as secondary payer pays the lowest of (1) the charge minus the primary's
 *   payment, (2) what Medicare would pay as primary, (3) the higher of Medicare's and the
 *   primary's allowed amount minus the primary's payment (42 CFR 411.33(a), the rule the
 *   MSP Manual, Pub. 100-05 ch. 5, has contractors apply line by line); sequestration
 *   (CO-253) comes off that payment like any other.
 * - No prior payer adjudication at all (no 2320 AMT*D below the claim's level): every
 *   line CO-16 with remark MA04, "secondary payment cannot be considered without the
 *   identity of or payment information from the primary payer" — the pair the DME MACs
 *   use (Noridian, "Medicare is Secondary Payer" reason code guidance): fix and resend.
 */
import { payerLevels, sbr01OfLevel, type PayerLevel } from '../../domain/coordination';
import { expectedPayment } from '../../domain/pricing';
import { X12Error, type X12Segment } from '../../domain/x12';
import type { AdjudicatedLine, PayerClaim, PayerClaimLine } from './sandbox-payer';
import type { RemittanceAdjustment } from './sandbox-x12';

/**
 * The coordination-of-benefits cases, for testers (README.md "Coordination of
 * benefits"): which payer, given which 837P content, answers what. Unlike the member-id
 * triggers (SANDBOX_TRIGGERS, which still apply to these claims) they follow from what a
 * COB claim says, so a test reaches them with the seeded payers and a real claim.
 */
export const SANDBOX_COB_TRIGGERS: readonly { payer: string; claim: string; answer: string }[] = [
  {
    payer: 'Medicare (SBR09 `MB`)',
    claim: 'a 2320/2330A/2330B at a later level (SBR01) for a payer whose settings say `medicareCrossover`, not yet adjudicated (no `AMT*D`)',
    answer:
      "835 `CLP02` `19` (`20`/`21` when Medicare is itself secondary/tertiary), `NM1*TT` naming that payer, `MOA` `MA18` (`MA07` when it is a Medicaid payer; and `N89` when there are more); once that 835 is confirmed, one remittance delay later the crossover payer's own 835 as below (`CLP07` `3…`); a second crossover payer's follows the first's the same way (`CLP07` `4…`)",
  },
  {
    payer: 'Medicare',
    claim: 'the same, but Medicare denies the claim (member-id trigger 93, 96 or 97)',
    answer: '835 `CLP02` `4` and no crossover',
  },
  {
    payer: 'any other (Medigap, Medicaid, commercial)',
    claim: 'SBR01 `S` or `T` and a 2320 with `AMT*D` for a payer at an earlier level',
    answer:
      '835 `CLP02` `2`/`3`: each line pays what the last prior payer left the patient (its `PR` in the 2430 `CAS`, or its 2320 `CAS` / `AMT*EAF` spread over the lines), `OA-23` on the rest, patient responsibility 0',
  },
  {
    payer: 'Medicare',
    claim: 'SBR01 `S` or `T`, SBR05 (`12`, `43`…) and a 2320 with `AMT*D`',
    answer:
      "835 `CLP02` `2`/`3` paying, per line, the lowest of the charge less the prior payments, Medicare's own primary payment, and the higher allowed amount less the prior payments (42 CFR 411.33(a)), less `CO-253`; `OA-23`, and `PR` for what the patient still owes",
  },
  {
    payer: 'Medicare',
    claim: 'SBR01 `S` or `T` without SBR05',
    answer: '277CA `STC*A6:578` (insurance type code missing), action `U`; no 835; a 276 answers `A6:578`',
  },
  {
    payer: 'any',
    claim: "SBR01 `S` or `T` without any earlier payer's `AMT*D` (or without a 2320)",
    answer: '835 `CLP02` `4`, every line `CO-16` for its charge with remark `MA04`',
  },
  {
    payer: 'any',
    claim: 'SBR01 other than `P`, `S` or `T`',
    answer: '277CA `STC*A7:742` (payer responsibility sequence number code); no 835',
  },
];

/** SBR01 payer responsibility sequence → level: the sandbox payers take P, S and T, not the fourth to eleventh payers (A–H) or U. */
export function payerLevelOf(sbr01: string): PayerLevel | undefined {
  return payerLevels.find((level) => sbr01OfLevel[level] === sbr01);
}

const rank = (level: PayerLevel) => payerLevels.indexOf(level);

/** What one other payer did with the claim, when it adjudicated it (2320 AMT*D present). */
export interface PriorAdjudication {
  /** AMT*D: what that payer paid. */
  paid: number;
  /** AMT*EAF: what it left the patient, when stated. */
  remainingPatientLiability?: number;
  /** 2320 CAS: its claim-level adjustments. */
  adjustments: RemittanceAdjustment[];
}

/** One 2320/2330A/2330B: another payer of the claim. */
export interface OtherPayer {
  /** SBR01; undefined for a sequence the sandbox does not take (A–H, U). */
  level?: PayerLevel;
  /** SBR02: the patient's relationship to that payer's subscriber (18 self). */
  relationship: string;
  groupNumber?: string;
  groupName?: string;
  /** SBR05: the MSP insurance type, when that payer is Medicare and not primary. */
  insuranceType?: string;
  /** SBR09: MB Medicare Part B, MC Medicaid, CI commercial… */
  filingIndicator: string;
  /** 2330B NM103 / NM109. */
  payer: { name: string; id: string };
  /** 2330A NM1*IL (with its N3/N4 when sent), as the segments came. */
  subscriberSegments: X12Segment[];
  /** 2330B REF*F8: that payer's claim number. */
  payerClaimNumber?: string;
  adjudication?: PriorAdjudication;
}

/** One 2430: a prior payer's adjudication of one line. */
export interface LineAdjudication {
  /** SVD01: the 2330B NM109 of the payer. */
  payerId: string;
  /** SVD02. */
  paid: number;
  adjustments: RemittanceAdjustment[];
  /** DTP*573: when that payer adjudicated it. */
  adjudicatedOn?: string;
}

export interface Coordination {
  otherPayers: OtherPayer[];
  /** The 2430s of each line, in SV1 order. */
  lineAdjudications: LineAdjudication[][];
}

const el = (segment: X12Segment, index: number): string => segment.elements[index] ?? '';

/** A signed amount in cents ("-12.5" → -1250); prior payers' adjustments may be negative. */
function signedCents(value: string, where: X12Segment): number {
  const match = /^(-?)(\d*)(?:\.(\d{0,2}))?$/.exec(value);
  if (!match || (match[2] === '' && !match[3])) {
    throw new X12Error([
      {
        code: 'invalid-value',
        message: `segment ${where.position} (${where.id}): an amount is not dollars and cents`,
        segment: { position: where.position, id: where.id },
      },
    ]);
  }
  const cents = Number(match[2] || '0') * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  return match[1] ? -cents : cents;
}

const GROUPS = new Set(['CO', 'PR', 'OA', 'PI']);

/** A CAS segment: its group and up to six reason/amount/quantity triples. */
function casAdjustments(cas: X12Segment): RemittanceAdjustment[] {
  const group = el(cas, 1);
  if (!GROUPS.has(group)) {
    throw new X12Error([
      {
        code: 'invalid-value',
        message: `segment ${cas.position} (CAS): CAS01 is not CO, PR, OA or PI`,
        segment: { position: cas.position, id: 'CAS' },
      },
    ]);
  }
  const found: RemittanceAdjustment[] = [];
  for (let i = 2; i <= 17; i += 3) {
    if (!el(cas, i)) continue;
    found.push({ group: group as RemittanceAdjustment['group'], reason: el(cas, i), amount: signedCents(el(cas, i + 1), cas) });
  }
  return found;
}

/** A 2320 as read, before it is known whether that payer adjudicated the claim. */
interface OtherPayerReading {
  other: OtherPayer;
  paid?: number;
  remainingPatientLiability?: number;
  adjustments: RemittanceAdjustment[];
}

/**
 * The claim's other payers and the lines' prior adjudications, read from a claim's own
 * segments (CLM up to the next claim). Loops are told apart by the segment that opens
 * them: SBR a 2320, NM1*IL / NM1*PR its 2330A / 2330B, LX a line, SVD a 2430, LQ or FRM
 * a 2440 form (which follows the 2430s). A 2320 without AMT*D is a payer that has not
 * adjudicated the claim (the TR3 requires AMT*D once it has).
 */
export function readCoordination(own: X12Segment[]): Coordination {
  const readings: OtherPayerReading[] = [];
  const lineAdjudications: LineAdjudication[][] = [];
  let loop: 'claim' | '2320' | '2330A' | '2330B' | '2330' | 'line' | '2430' | '2440' = 'claim';
  let reading: OtherPayerReading | undefined;
  let svd: LineAdjudication | undefined;
  for (const s of own) {
    const inOtherPayer = reading !== undefined && (loop === '2320' || loop === '2330A' || loop === '2330B' || loop === '2330');
    if (s.id === 'SBR' && (loop === 'claim' || inOtherPayer)) {
      reading = { other: otherPayerOf(s), adjustments: [] };
      readings.push(reading);
      loop = '2320';
    } else if (s.id === 'LX') {
      loop = 'line';
      reading = undefined;
    } else if (s.id === 'SV1') {
      lineAdjudications.push([]);
    } else if (inOtherPayer) {
      loop = readOtherPayerSegment(s, reading!, loop);
    } else if (s.id === 'SVD' && lineAdjudications.length > 0 && loop !== '2440') {
      svd = { payerId: el(s, 1), paid: signedCents(el(s, 2), s), adjustments: [] };
      lineAdjudications[lineAdjudications.length - 1].push(svd);
      loop = '2430';
    } else if (loop === '2430' && s.id === 'CAS') {
      svd!.adjustments.push(...casAdjustments(s));
    } else if (loop === '2430' && s.id === 'DTP' && el(s, 1) === '573') {
      svd!.adjudicatedOn = isoDate(el(s, 3));
    } else if (s.id === 'LQ' || s.id === 'FRM') {
      loop = '2440';
    }
  }
  const otherPayers = readings.map(({ other, paid, remainingPatientLiability, adjustments }) =>
    paid === undefined
      ? other
      : { ...other, adjudication: { paid, adjustments, ...(remainingPatientLiability !== undefined ? { remainingPatientLiability } : {}) } },
  );
  return { otherPayers, lineAdjudications };
}

function otherPayerOf(sbr: X12Segment): OtherPayer {
  const level = payerLevelOf(el(sbr, 1));
  return {
    ...(level ? { level } : {}),
    relationship: el(sbr, 2),
    ...(el(sbr, 3) ? { groupNumber: el(sbr, 3) } : {}),
    ...(el(sbr, 4) ? { groupName: el(sbr, 4) } : {}),
    ...(el(sbr, 5) ? { insuranceType: el(sbr, 5) } : {}),
    filingIndicator: el(sbr, 9),
    payer: { name: '', id: '' },
    subscriberSegments: [],
  };
}

/** One segment of a 2320/2330 loop; returns the loop it leaves the reader in. */
function readOtherPayerSegment<L extends string>(s: X12Segment, reading: OtherPayerReading, loop: L): L | '2330A' | '2330B' | '2330' {
  const { other } = reading;
  if (s.id === 'NM1') {
    const entity = el(s, 1);
    if (entity === 'IL') other.subscriberSegments = [s];
    if (entity === 'PR') other.payer = { name: el(s, 3), id: el(s, 9) };
    return entity === 'IL' ? '2330A' : entity === 'PR' ? '2330B' : '2330';
  }
  if (loop === '2320' && s.id === 'CAS') reading.adjustments.push(...casAdjustments(s));
  else if (loop === '2320' && s.id === 'AMT' && el(s, 1) === 'D') reading.paid = signedCents(el(s, 2), s);
  else if (loop === '2320' && s.id === 'AMT' && el(s, 1) === 'EAF') reading.remainingPatientLiability = signedCents(el(s, 2), s);
  else if (loop === '2330A' && (s.id === 'N3' || s.id === 'N4')) other.subscriberSegments.push(s);
  else if (loop === '2330B' && s.id === 'REF' && el(s, 1) === 'F8') other.payerClaimNumber = el(s, 2);
  return loop;
}

function isoDate(value: string): string {
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}

// ---------------------------------------------------------------- paying after the prior payers

/** What the prior payers did with one line, summed over them where the rules need a sum. */
interface PriorLine {
  /** Every prior payer's payment on the line. */
  paid: number;
  /** The last prior payer's allowed amount: the charge less its adjustments other than PR. */
  allowed: number;
  /** The last prior payer's PR adjustments: what it left the patient. */
  patientLiability: RemittanceAdjustment[];
}

/**
 * The payers after this claim's level that have not adjudicated it, in level order: the
 * ones a crossover can go to. Each needs its subscriber (2330A): Medicare forwards a
 * claim to a member of a plan, not to the plan at large.
 */
export function payersStillToPay(claim: Pick<PayerClaim, 'level' | 'otherPayers'>): OtherPayer[] {
  const own = rank(claim.level ?? 'primary');
  return claim.otherPayers
    .filter((other) => !other.adjudication && other.level !== undefined && rank(other.level) > own && other.subscriberSegments.length > 0)
    .sort((a, b) => rank(a.level!) - rank(b.level!));
}

/** The payers billed before this claim's level that adjudicated it, in level order. */
function adjudicatedPriorPayers(claim: Pick<PayerClaim, 'level' | 'otherPayers'>): OtherPayer[] {
  const own = rank(claim.level ?? 'primary');
  return claim.otherPayers
    .filter((other) => other.adjudication && other.level !== undefined && rank(other.level) < own)
    .sort((a, b) => rank(a.level!) - rank(b.level!));
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * Spreads a claim-level amount over the lines in order, each line taking up to what is
 * still open on it (an 835 may adjust at claim level; the 837P repeats that in 2320 CAS).
 */
function spread(amount: number, open: number[]): number[] {
  let left = Math.max(0, amount);
  return open.map((room) => {
    const share = Math.min(left, Math.max(0, room));
    left -= share;
    return share;
  });
}

/** One prior payer's payment and adjustments per line: its 2430s, with its 2320 claim-level figures spread over the lines. */
function linesOf(claim: Pick<PayerClaim, 'lines'>, prior: OtherPayer): { paid: number; adjustments: RemittanceAdjustment[] }[] {
  const adjudication = prior.adjudication!;
  const lines = claim.lines.map((line) => {
    const own = line.priorAdjudications.filter((a) => a.payerId === prior.payer.id);
    return { charge: line.charge, paid: sum(own.map((a) => a.paid)), adjustments: own.flatMap((a) => a.adjustments) };
  });
  const open = () => lines.map((l) => l.charge - l.paid - sum(l.adjustments.map((a) => a.amount)));
  const claimLevelOnly = lines.every((l) => l.paid === 0 && l.adjustments.length === 0);
  if (claimLevelOnly) spread(adjudication.paid, open()).forEach((share, i) => (lines[i].paid += share));
  const claimAdjustments = [...adjudication.adjustments];
  // Claim-level information only, with the patient's part stated as AMT*EAF and not in CAS.
  const statedPatientPart = sum(claimAdjustments.filter((a) => a.group === 'PR').map((a) => a.amount));
  if (claimLevelOnly && adjudication.remainingPatientLiability !== undefined && statedPatientPart === 0) {
    claimAdjustments.push({ group: 'PR', reason: '2', amount: adjudication.remainingPatientLiability });
  }
  for (const adjustment of claimAdjustments) {
    spread(adjustment.amount, open()).forEach((share, i) => {
      if (share > 0) lines[i].adjustments.push({ ...adjustment, amount: share });
    });
  }
  return lines;
}

/**
 * The prior payers' figures per line. What the patient still owes is what the last of
 * them left, unless that one denied the claim outright (paid nothing, left the patient
 * nothing): then what the payer before it left still stands.
 */
function priorLines(claim: Pick<PayerClaim, 'lines'>, priors: OtherPayer[]): PriorLine[] {
  const perPayer = priors.map((prior) => linesOf(claim, prior));
  const decided = perPayer.filter((lines) => lines.some((l) => l.paid > 0 || l.adjustments.some((a) => a.group === 'PR' && a.amount > 0)));
  const last = decided[decided.length - 1] ?? perPayer[perPayer.length - 1];
  return claim.lines.map((line, i) => ({
    paid: sum(perPayer.map((lines) => lines[i].paid)),
    allowed: line.charge - sum(last[i].adjustments.filter((a) => a.group !== 'PR').map((a) => a.amount)),
    patientLiability: last[i].adjustments.filter((a) => a.group === 'PR' && a.amount > 0),
  }));
}

/** 42 CFR 411.33(a): the Medicare secondary payment for a line priced on a fee schedule. */
export function medicareSecondaryPayment(input: {
  charge: number;
  primaryPaid: number;
  primaryAllowed: number;
  medicareAllowed: number;
  /** What Medicare would pay were there no primary payer (its deductible and coinsurance applied). */
  medicarePrimaryPayment: number;
}): number {
  const { charge, primaryPaid, primaryAllowed, medicareAllowed, medicarePrimaryPayment } = input;
  return Math.max(0, Math.min(charge - primaryPaid, medicarePrimaryPayment, Math.max(medicareAllowed, primaryAllowed) - primaryPaid));
}

/** The patient's part after `covered` of it was paid: the prior payer's PR reasons in order, deductible first. */
function remainingAfter(liability: RemittanceAdjustment[], covered: number): RemittanceAdjustment[] {
  let left = covered;
  const ordered = [...liability].sort((a, b) => a.reason.localeCompare(b.reason, 'en', { numeric: true }));
  return ordered
    .map((a) => {
      const paidOff = Math.min(left, a.amount);
      left -= paidOff;
      return { ...a, amount: a.amount - paidOff };
    })
    .filter((a) => a.amount > 0);
}

/** How the payer itself would price and pay the line as primary (Medicare's fee schedule, DOMAIN.md §14). */
export type PrimaryPricing = (line: PayerClaimLine) => { allowed: number; payment: number };

/**
 * The lines of a claim to a payer billed after others (SBR01 S or T), or undefined when
 * no prior payer's adjudication came with it (MA04). Medicare pays as secondary payer
 * (42 CFR 411.33) less sequestration; any other payer pays the patient's remaining part.
 */
export function linesAfterPriorPayers(
  claim: Pick<PayerClaim, 'level' | 'otherPayers' | 'lines'>,
  payer: { isMedicare: boolean; sequestrationRate: number; asPrimary: PrimaryPricing },
): AdjudicatedLine[] | undefined {
  const priors = adjudicatedPriorPayers(claim);
  if (priors.length === 0) return undefined;
  return priorLines(claim, priors).map((prior, i) => {
    const line = claim.lines[i];
    const owed = sum(prior.patientLiability.map((a) => a.amount));
    let payment: number;
    if (payer.isMedicare) {
      const medicare = payer.asPrimary(line);
      payment = medicareSecondaryPayment({
        charge: line.charge,
        primaryPaid: prior.paid,
        primaryAllowed: prior.allowed,
        medicareAllowed: medicare.allowed,
        medicarePrimaryPayment: medicare.payment,
      });
    } else {
      payment = Math.max(0, Math.min(owed, line.charge - prior.paid));
    }
    const sequestration = expectedPayment({
      charge: payment,
      allowed: payment,
      deductibleRemaining: 0,
      coinsuranceRate: 0,
      sequestrationRate: payer.sequestrationRate,
    }).sequestration;
    const stillOwed = remainingAfter(prior.patientLiability, payment);
    const adjustments: RemittanceAdjustment[] = [
      { group: 'OA', reason: '23', amount: line.charge - payment - sum(stillOwed.map((a) => a.amount)) },
      { group: 'CO', reason: '253', amount: sequestration },
      ...stillOwed,
    ].filter((a): a is RemittanceAdjustment => a.amount !== 0);
    return { line, paid: payment - sequestration, adjustments, remarkCodes: [] };
  });
}
