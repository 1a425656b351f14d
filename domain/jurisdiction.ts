/**
 * Which DME MAC a Medicare DME claim belongs to. Unlike other Medicare claims, the
 * contractor is chosen by the beneficiary's permanent address (the one on file with
 * the Social Security Administration), never by where the supplier is or what intake
 * typed as payer: Noridian JD "Claims Filing Based on Beneficiary Address"; NGS JB
 * supplier manual ch. 11. It is the address on file when the claim is processed, not
 * the one on the date of service (CGS JC, "Reminder About Beneficiary Addresses",
 * 2022-02-09), so after a move every claim prepared from then on — the remaining rental
 * months, catch-up months, corrections and resubmissions — goes to the contractor of the
 * new address with that address on it. A claim sent to another contractor denies CO-109
 * with remark N104 and must be sent again to the right one (same bulletin).
 */
import { dmeMacForState, type DmeMacJurisdiction } from './payer-policy';

/** One permanent address of a patient. `effectiveOn` null: the address given at registration, in effect before any recorded move. */
export interface DatedAddress {
  state: string;
  effectiveOn: string | null;
}

/** The permanent address in effect on `date`: the latest move on or before it, else the registration address. */
function permanentAddressOn<Address extends DatedAddress>(history: Address[], date: string): Address | undefined {
  return history
    .filter((address) => address.effectiveOn === null || address.effectiveOn <= date)
    .sort((a, b) => (a.effectiveOn ?? '').localeCompare(b.effectiveOn ?? ''))
    .at(-1);
}

export type ClaimRouting<Address> =
  { ok: true; address: Address; jurisdiction: DmeMacJurisdiction } | { ok: false; reason: 'no-address' | 'no-dme-mac' };

/**
 * The DME MAC a Medicare DME claim (or 270) prepared on `preparedOn` goes to, and the
 * address it carries: the permanent address on file that day, whatever the claim's
 * dates of service. CGS JC, "Reminder About Beneficiary Addresses" (2022-02-09):
 * "Claims are determined based on the beneficiary's address at the time the claim is
 * processed, not the beneficiary's address on the date of service"; CGS, "Beneficiary
 * Address—Which Jurisdiction Should Process Your Claim" (2012): "the state where the
 * beneficiary currently resides".
 */
export function claimRouting<Address extends DatedAddress>(history: Address[], preparedOn: string): ClaimRouting<Address> {
  const address = permanentAddressOn(history, preparedOn);
  if (!address) return { ok: false, reason: 'no-address' };
  const jurisdiction = dmeMacForState(address.state);
  if (!jurisdiction) return { ok: false, reason: 'no-dme-mac' };
  return { ok: true, address, jurisdiction };
}

/**
 * Why a move with this effective date cannot be recorded, or undefined when it can.
 * A move is recorded once it has happened (the claim builder bills today's claims from
 * today's address), and moves are kept in order: each starts after the one before.
 */
export function moveRefusal(history: DatedAddress[], effectiveOn: string, today: string): string | undefined {
  if (effectiveOn > today) return 'must not be in the future: record a move once the patient lives at the new address';
  const latest = history
    .map((address) => address.effectiveOn)
    .filter((date): date is string => date !== null)
    .sort()
    .at(-1);
  if (latest !== undefined && effectiveOn <= latest) return "must be after the effective date of the patient's current address";
  return undefined;
}

export type ContractorCheck =
  | { ok: true; jurisdiction: DmeMacJurisdiction }
  | { ok: false; reason: 'no-dme-mac' }
  | { ok: false; reason: 'other-dme-mac'; named: DmeMacJurisdiction; jurisdiction: DmeMacJurisdiction };

/** Whether the DME MAC a coverage names is the one of the patient's permanent address (its USPS state code). */
export function checkContractor(named: DmeMacJurisdiction, patientState: string): ContractorCheck {
  const jurisdiction = dmeMacForState(patientState);
  if (!jurisdiction) return { ok: false, reason: 'no-dme-mac' };
  if (jurisdiction !== named) return { ok: false, reason: 'other-dme-mac', named, jurisdiction };
  return { ok: true, jurisdiction };
}

/** The DME MACs before and after a move, when the move changes the contractor. */
export function contractorChange(fromState: string, toState: string): { from: DmeMacJurisdiction; to: DmeMacJurisdiction } | undefined {
  const from = dmeMacForState(fromState);
  const to = dmeMacForState(toState);
  return from && to && from !== to ? { from, to } : undefined;
}
