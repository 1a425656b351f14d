/**
 * Balancing an 835 (005010X221A1 section 1.10.2): a remittance whose lines, claims
 * and payment do not add up is rejected whole, so every imbalance is listed at once.
 */
import type { X12Issue } from './errors';
import type { Adjustment, Remittance } from './remittance835';
import { money } from './values';

const sum = (amounts: number[]): number => amounts.reduce((a, b) => a + b, 0);
const adjusted = (list: Adjustment[]): number => sum(list.map((a) => a.amount));

/**
 * The 835 balancing rules (005010X221A1 section 1.10.2), every violation listed:
 *   line:  SVC02 − line CAS = SVC03
 *   claim: CLP03 − (claim CAS + all line CAS) = CLP04
 *   lines to claim, when the claim has SVC lines: Σ SVC03 − claim CAS = CLP04
 *   transaction: BPR02 = Σ CLP04 − Σ PLB amounts
 * A positive adjustment lowers the payment (section 1.10.2), hence "−" where DOMAIN.md
 * §11 wrote "Σ line paid + claim-level adjustments". Reversals (CLP02 = 22) carry
 * negative amounts and balance by the same rules.
 */
export function balance835(remittance: Remittance): X12Issue[] {
  const issues: X12Issue[] = [];
  const unbalanced = (message: string, position: number, id: string) =>
    issues.push({ code: 'unbalanced', message: `segment ${position} (${id}): ${message}`, segment: { position, id } });

  for (const claim of remittance.claims) {
    const pcn = claim.patientControlNumber;
    for (const line of claim.lines) {
      const expected = line.charge - adjusted(line.adjustments);
      if (expected !== line.paid) {
        unbalanced(
          `claim ${pcn} line ${line.hcpcs}${line.lineControlNumber ? ` (${line.lineControlNumber})` : ''}: charge ${money(line.charge)} − adjustments ${money(adjusted(line.adjustments))} = ${money(expected)}, but paid ${money(line.paid)}`,
          line.position,
          'SVC',
        );
      }
    }
    const allAdjustments = adjusted(claim.adjustments) + sum(claim.lines.map((l) => adjusted(l.adjustments)));
    const expected = claim.charge - allAdjustments;
    const linesPaid = sum(claim.lines.map((l) => l.paid));
    const fromLines = linesPaid - adjusted(claim.adjustments);
    // One problem per CLP: a claim that fails its own arithmetic is not reported again for its lines.
    if (expected !== claim.paid) {
      unbalanced(
        `claim ${pcn}: charge ${money(claim.charge)} − adjustments ${money(allAdjustments)} (claim and lines) = ${money(expected)}, but paid ${money(claim.paid)}`,
        claim.position,
        'CLP',
      );
    } else if (claim.lines.length > 0 && fromLines !== claim.paid) {
      unbalanced(
        `claim ${pcn}: lines paid ${money(linesPaid)} − claim adjustments ${money(adjusted(claim.adjustments))} = ${money(fromLines)}, but paid ${money(claim.paid)}`,
        claim.position,
        'CLP',
      );
    }
  }
  const claimsPaid = sum(remittance.claims.map((c) => c.paid));
  const providerAdjusted = sum(remittance.providerAdjustments.map((p) => p.amount));
  if (claimsPaid - providerAdjusted !== remittance.paymentAmount) {
    issues.push({
      code: 'unbalanced',
      message: `transaction set ${remittance.controlNumber}: BPR02 ${money(remittance.paymentAmount)} ≠ claims paid ${money(claimsPaid)} − provider adjustments ${money(providerAdjusted)} = ${money(claimsPaid - providerAdjusted)}`,
    });
  }
  return issues;
}
