/**
 * A patient's coverages as the order of payers sees them (domain/coordination.ts): the
 * one query the API's intake checks and the claim builder share.
 */
import { asc, eq } from 'drizzle-orm';
import type { ChainCoverage } from '../domain/coordination';
import type { Db } from './client';
import { coverages, payers } from './schema';

export async function chainCoveragesOf(db: Pick<Db, 'select'>, patientId: string): Promise<ChainCoverage[]> {
  const rows = await db
    .select({ coverage: coverages, payer: { kind: payers.kind, ediPayerId: payers.ediPayerId } })
    .from(coverages)
    .innerJoin(payers, eq(payers.id, coverages.payerId))
    .where(eq(coverages.patientId, patientId))
    .orderBy(asc(coverages.createdAt));
  return rows.map(({ coverage, payer }) => ({
    id: coverage.id,
    payerId: coverage.payerId,
    payerKind: payer.kind,
    ediPayerId: payer.ediPayerId,
    priority: coverage.priority,
    effectiveFrom: coverage.effectiveFrom,
    effectiveTo: coverage.effectiveTo,
    mspType: coverage.mspType,
  }));
}
