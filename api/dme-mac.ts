/**
 * Intake's half of DME MAC routing (DOMAIN.md §9): a Medicare DME coverage, order or
 * coverage correction that names a contractor other than the one of the patient's
 * permanent address is refused, naming the right one with its payer id, so nothing is
 * stored against the wrong contractor. After a move the claim builder routes every claim
 * it prepares to the new contractor itself (activities/dme-mac.ts). Messages carry
 * jurisdiction codes and payer ids, never the address.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { payers } from '../db/schema';
import { checkContractor } from '../domain/jurisdiction';
import type { FieldProblem } from './errors';

type PayerRow = Pick<typeof payers.$inferSelect, 'id' | 'kind' | 'dmeMacJurisdiction'>;

/** The problem with billing `payer` for a patient whose permanent address is in `patientState`, if any. */
export async function contractorProblem(db: Db, field: string, payer: PayerRow, patientState: string): Promise<FieldProblem | undefined> {
  if (payer.kind !== 'medicare' || !payer.dmeMacJurisdiction) return undefined;
  const check = checkContractor(payer.dmeMacJurisdiction, patientState);
  if (check.ok) return undefined;
  if (check.reason === 'no-dme-mac') {
    return { field, message: "no DME MAC serves the patient's permanent address: Medicare DME claims cannot be filed for it" };
  }
  const [right] = await db
    .select({ id: payers.id, name: payers.name, ediPayerId: payers.ediPayerId })
    .from(payers)
    .where(and(eq(payers.kind, 'medicare'), eq(payers.dmeMacJurisdiction, check.jurisdiction)))
    .orderBy(payers.id)
    .limit(1);
  const use = right
    ? `use payer ${right.id} (${right.name}, EDI payer id ${right.ediPayerId})`
    : `configure a payer for jurisdiction ${check.jurisdiction}`;
  return {
    field,
    message:
      `${payer.id} is the DME MAC of jurisdiction ${check.named}, but Medicare DME claims go to the DME MAC of the ` +
      `patient's permanent address, jurisdiction ${check.jurisdiction}: ${use}`,
  };
}
