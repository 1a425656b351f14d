/**
 * Coordination of benefits (DOMAIN.md §15): the payers of a claim in order, what the
 * primary's 835 says about the next one, and the codes the 837P carries for it.
 *
 * Sources:
 * - 005010X222A1 (837P TR3) 2000B SBR01 payer responsibility sequence (P, S, T) and
 *   SBR05 insurance type code, required when Medicare is not the primary payer
 *   (12 working aged, 13 ESRD, 14 no-fault, 15 workers' compensation, 16 PHS, 41 black
 *   lung, 42 VA, 43 disability, 47 liability).
 * - 005010X221A1 (835 TR3) CLP02 claim status: 1 processed as primary, 2 as secondary,
 *   3 as tertiary, 4 denied, 19/20/21 processed as primary/secondary/tertiary and
 *   forwarded to additional payers, 22 reversal.
 * - Remittance advice remark codes (X12 RARC list): MA18 "The claim information is also
 *   being forwarded to the patient's supplemental insurer", MA07 "… also being forwarded
 *   to Medicaid", N89 "… forwarded to more than one other payer" — Medicare's crossover
 *   (COBA, Medicare Claims Processing Manual ch. 28 §70.6).
 */

export const payerLevels = ['primary', 'secondary', 'tertiary'] as const;
export type PayerLevel = (typeof payerLevels)[number];

/** SBR01 of the 837P for a claim sent to the payer at this level. */
export const sbr01OfLevel: Record<PayerLevel, 'P' | 'S' | 'T'> = { primary: 'P', secondary: 'S', tertiary: 'T' };

/** SBR05 Medicare secondary payer types (837P TR3 2000B SBR05, Medicare only). */
export const mspTypes = ['12', '13', '14', '15', '16', '41', '42', '43', '47'] as const;
export type MspType = (typeof mspTypes)[number];

const mspTypeNames: Record<MspType, string> = {
  '12': 'working aged (employer group health plan)',
  '13': 'end-stage renal disease',
  '14': 'no-fault insurance',
  '15': "workers' compensation",
  '16': 'public health service or other federal agency',
  '41': 'black lung',
  '42': "veterans' administration",
  '43': 'disability (large group health plan)',
  '47': 'liability insurance',
};

/** The level after this one, or null after the tertiary. */
export function nextLevel(level: PayerLevel): PayerLevel | null {
  const index = payerLevels.indexOf(level);
  return payerLevels[index + 1] ?? null;
}

/** CLP02 codes that say the payer processed the claim and forwarded it to another payer. */
const forwardedStatuses = new Set(['19', '20', '21']);
/** Remark codes (claim-level MOA or line-level LQ) that name the crossover. */
export const crossoverRemarks = ['MA18', 'MA07', 'N89'] as const;

/** The level a CLP02 says the payer processed the claim at, or null for a denial (4) or reversal (22). */
export function processedLevelOf(statusCode: string): PayerLevel | null {
  switch (statusCode) {
    case '1':
    case '19':
      return 'primary';
    case '2':
    case '20':
      return 'secondary';
    case '3':
    case '21':
      return 'tertiary';
    default:
      return null;
  }
}

/**
 * Whether the payer forwarded the claim to the next payer itself (crossover): CLP02 19, 20
 * or 21 with one of the crossover remarks. A forwarded status without the remark, or the
 * remark on a claim processed without forwarding, is not taken for a crossover: the
 * supplier then bills the next payer itself, which is the safe side (a secondary that
 * also received the crossover denies the duplicate as such; a claim never sent is lost).
 */
export function isCrossover(statusCode: string, remarkCodes: readonly string[]): boolean {
  return forwardedStatuses.has(statusCode) && remarkCodes.some((code) => (crossoverRemarks as readonly string[]).includes(code));
}

/** A coverage as far as the order of payers goes. */
export interface ChainCoverage {
  id: string;
  payerId: string;
  payerKind: 'medicare' | 'medicaid' | 'commercial';
  /** The payer's EDI id (2010BB / 2330B NM109), to recognise it where a 271 names it. */
  ediPayerId: string;
  priority: PayerLevel;
  effectiveFrom: string | null;
  effectiveTo: string | null;
  mspType: MspType | null;
}

export interface ChainLink {
  level: PayerLevel;
  coverageId: string;
  payerId: string;
}

const inForce = (coverage: ChainCoverage, on: string) =>
  (coverage.effectiveFrom === null || coverage.effectiveFrom <= on) && (coverage.effectiveTo === null || on <= coverage.effectiveTo);

/**
 * The payers a claim is billed to, in order: the order's coverage first (the payer the
 * order bills), then the patient's other coverages in force on the first date of
 * service whose priority comes after it, by priority, at most three. A second coverage
 * of a payer already in the chain is left out (one claim per payer), and Medicaid goes
 * last whatever its recorded priority: it is the payer of last resort (42 CFR 433.139;
 * DOMAIN.md §15).
 */
export function payerChain(orderCoverage: ChainCoverage, coverages: readonly ChainCoverage[], serviceFrom: string): ChainLink[] {
  const rank = (coverage: ChainCoverage) => payerLevels.indexOf(coverage.priority) + (coverage.payerKind === 'medicaid' ? payerLevels.length : 0);
  const after = coverages
    .filter(
      (coverage) =>
        coverage.id !== orderCoverage.id && inForce(coverage, serviceFrom) && rank(coverage) > payerLevels.indexOf(orderCoverage.priority),
    )
    .sort((a, b) => rank(a) - rank(b));
  const chain: ChainCoverage[] = [orderCoverage];
  for (const coverage of after) if (!chain.some((held) => held.payerId === coverage.payerId)) chain.push(coverage);
  return chain
    .slice(0, payerLevels.length)
    .map((coverage, index) => ({ level: payerLevels[index], coverageId: coverage.id, payerId: coverage.payerId }));
}

/**
 * What intake must fix in the order of payers before the order bills it, each a
 * PHI-free sentence naming the field: two coverages at one priority in force together,
 * Medicare secondary without its MSP type (SBR05 is required then) or an MSP type on
 * a coverage where Medicare is not secondary, Medicaid ahead of another payer.
 */
export function payerOrderProblems(coverages: readonly ChainCoverage[], on: string): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  const current = coverages.filter((coverage) => inForce(coverage, on));
  for (const level of payerLevels) {
    const held = current.filter((coverage) => coverage.priority === level);
    if (held.length > 1)
      problems.push({ field: 'priority', message: `coverages ${held.map((coverage) => coverage.id).join(' and ')} are both ${level} on ${on}` });
  }
  for (const coverage of current) {
    if (coverage.payerKind === 'medicare' && coverage.priority !== 'primary' && !coverage.mspType)
      problems.push({
        field: 'mspType',
        message: `coverage ${coverage.id}: Medicare is ${coverage.priority}, so the claim needs the MSP type (SBR05)`,
      });
    if (
      coverage.payerKind === 'medicaid' &&
      current.some((other) => other.payerKind !== 'medicaid' && payerLevels.indexOf(other.priority) > payerLevels.indexOf(coverage.priority))
    )
      problems.push({
        field: 'priority',
        message: `coverage ${coverage.id}: Medicaid is the payer of last resort and is billed after every other payer`,
      });
  }
  return problems;
}

/** EB01 R of a 271: another payer the answering payer says is involved (2120C names it). */
export interface OtherPayerBenefit {
  /** EB04 insurance type: on a Medicare 271, an MSP type says that payer is primary to Medicare. */
  insuranceType?: string;
  /** 2120C NM109 (the other payer's id) and NM103 (its name), when given. */
  payerIds: string[];
  hasName: boolean;
}

/**
 * What a payer's 271 says against the order of payers we hold (issue 10.1): EB01 R that
 * names a payer none of the patient's coverages is with, or Medicare reporting an MSP
 * primary (EB04 one of the MSP types) while we bill Medicare first. Sentences name
 * coverage ids and payer ids only (the 2120C name is not repeated: it may be a person).
 */
export function eligibilityPayerProblems(
  answered: ChainCoverage,
  otherPayers: readonly OtherPayerBenefit[],
  held: readonly ChainCoverage[],
): string[] {
  const problems: string[] = [];
  for (const other of otherPayers) {
    const known = other.payerIds.some((id) => held.some((coverage) => coverage.ediPayerId === id));
    if (!known && (other.payerIds.length > 0 || other.hasName))
      problems.push(
        `the 271 for coverage ${answered.id} (payer ${answered.payerId}) names another payer${other.payerIds.length ? ` (${other.payerIds.join(', ')})` : ''} the patient has no coverage with: add it or confirm it ended`,
      );
    if (
      answered.payerKind === 'medicare' &&
      answered.priority === 'primary' &&
      other.insuranceType &&
      (mspTypes as readonly string[]).includes(other.insuranceType)
    )
      problems.push(
        `Medicare's 271 for coverage ${answered.id} reports another payer primary (MSP type ${other.insuranceType}, ${mspTypeNames[other.insuranceType as MspType]}) while we bill Medicare first: correct the order of payers`,
      );
  }
  return problems;
}

/**
 * Why an order may not bill this coverage first, or null: another coverage in force on
 * the order date comes before it (a primary when it is secondary; any other payer when
 * it is Medicaid). The claim goes to the payers in order; the first must be the first.
 */
export function firstPayerProblem(held: readonly ChainCoverage[], coverageId: string, on: string): string | null {
  const chosen = held.find((coverage) => coverage.id === coverageId);
  if (!chosen) return null;
  const rank = (coverage: ChainCoverage) => payerLevels.indexOf(coverage.priority) + (coverage.payerKind === 'medicaid' ? payerLevels.length : 0);
  const ahead = held.filter((coverage) => coverage.id !== chosen.id && inForce(coverage, on) && rank(coverage) < rank(chosen));
  if (ahead.length === 0) return null;
  const first = ahead.sort((a, b) => rank(a) - rank(b))[0];
  return chosen.payerKind === 'medicaid' && first.priority === chosen.priority
    ? `coverage ${chosen.id} is Medicaid, the payer of last resort: the order bills coverage ${first.id} (payer ${first.payerId}) first`
    : `coverage ${chosen.id} is ${chosen.priority}; coverage ${first.id} (payer ${first.payerId}) is ${first.priority} on ${on}: the order bills it first and this one after`;
}

/** Why a coverage's MSP type (SBR05) is wrong for its payer and priority, or null. */
export function mspTypeProblem(payerKind: ChainCoverage['payerKind'], priority: PayerLevel, mspType: MspType | undefined): string | null {
  if (payerKind === 'medicare' && priority !== 'primary' && !mspType)
    return `is required when Medicare is ${priority}: say why another payer is primary (${mspTypes.join(', ')})`;
  if (mspType && payerKind !== 'medicare') return 'is for a Medicare coverage only (837P SBR05, Medicare secondary payer)';
  if (mspType && priority === 'primary') return 'is for Medicare as secondary or tertiary payer; here Medicare is primary';
  return null;
}
