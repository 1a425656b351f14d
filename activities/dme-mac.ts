/**
 * The claim builder's half of DME MAC routing (DOMAIN.md §9): a Medicare DME claim or
 * eligibility request goes to the DME MAC of the patient's permanent address on file on
 * the day it is prepared (the workflow clock), whatever contractor the order's coverage
 * named and whatever its dates of service, and carries that address (CEDI forwards an
 * electronic claim by the beneficiary address on it: JB supplier manual ch. 11; the rule
 * and its source: domain/jurisdiction.ts `claimRouting`). Other payers are billed as the
 * order says, with the current address.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { patientAddresses, patients, payers } from '../db/schema';
import { claimRouting } from '../domain/jurisdiction';
import type { ScrubFailure } from '../domain/scrubber';

type PayerRow = typeof payers.$inferSelect;
type PatientRow = typeof patients.$inferSelect;

export interface ClaimAddress {
  line1: string;
  line2?: string;
  city: string;
  state: string;
  zip: string;
}

export type RoutedPayer = { ok: true; payer: PayerRow; address: ClaimAddress } | { ok: false; failure: ScrubFailure };

const claimAddress = (row: { line1: string; line2: string | null; city: string; state: string; zip: string }): ClaimAddress => ({
  line1: row.line1,
  ...(row.line2 ? { line2: row.line2 } : {}),
  city: row.city,
  state: row.state,
  zip: row.zip,
});

/** The payer and patient address a claim (or 270) prepared on `preparedOn` is sent with. */
export async function routeToPayer(db: Db, orderPayer: PayerRow, patient: PatientRow, preparedOn: string): Promise<RoutedPayer> {
  const current = { line1: patient.addressLine1, line2: patient.addressLine2, city: patient.city, state: patient.state, zip: patient.zip };
  if (orderPayer.kind !== 'medicare' || !orderPayer.dmeMacJurisdiction) return { ok: true, payer: orderPayer, address: claimAddress(current) };

  const history = await db
    .select({
      line1: patientAddresses.line1,
      line2: patientAddresses.line2,
      city: patientAddresses.city,
      state: patientAddresses.state,
      zip: patientAddresses.zip,
      effectiveOn: patientAddresses.effectiveOn,
    })
    .from(patientAddresses)
    .where(eq(patientAddresses.patientId, patient.id));
  // A patient stored before address history (or by a test fixture) has only the patient row.
  const routing = claimRouting(history.length > 0 ? history : [{ ...current, effectiveOn: null }], preparedOn);
  if (!routing.ok) {
    return {
      ok: false,
      failure: {
        code: 'DME_MAC_UNKNOWN',
        field: 'patient.address',
        message: `no DME MAC serves the patient's permanent address on file on ${preparedOn}: record the address (POST /patients/:id/addresses), then correct the claim`,
      },
    };
  }
  const { address, jurisdiction } = routing;
  if (jurisdiction === orderPayer.dmeMacJurisdiction) return { ok: true, payer: orderPayer, address: claimAddress(address) };
  const [routed] = await db
    .select()
    .from(payers)
    .where(and(eq(payers.kind, 'medicare'), eq(payers.dmeMacJurisdiction, jurisdiction)))
    .orderBy(payers.id)
    .limit(1);
  if (!routed) {
    return {
      ok: false,
      failure: {
        code: 'DME_MAC_UNKNOWN',
        field: 'payer',
        message: `the patient's permanent address on file on ${preparedOn} is in DME MAC jurisdiction ${jurisdiction}, and no payer is configured for it`,
      },
    };
  }
  return { ok: true, payer: routed, address: claimAddress(address) };
}
