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

export const mspTypeNames: Record<MspType, string> = {
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
