/**
 * The claim goes on to the next payer (DOMAIN.md §15, issue 10.2): after a payer's 835
 * the claim workflow asks which payer comes next. A crossover (the prior payer forwarded
 * the claim, posting marked the row) needs nothing sent; otherwise we build the next
 * payer's 837P from the same claim, with the prior payers' adjudication in 2320/2330/2430,
 * and send it.
 */
import { ApplicationFailure } from '@temporalio/common';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../../db/audit';
import { nextControlNumber, storeEdiFile } from '../../db/edi';
import {
  adjustments,
  claimLines,
  claimPayers,
  claimPayments,
  claims,
  coverages,
  linePayments,
  orders,
  patients,
  payers,
  prescribers,
  remittances,
} from '../../db/schema';
import { balancesOf } from '../credit-balances';
import { payerLevels, sbr01OfLevel, type PayerLevel } from '../../domain/coordination';
import type { ClaimLine } from '../../domain/types';
import type { PersonInput } from '../../domain/x12/input';
import { build837P, type ClaimFilingIndicator } from '../../domain/x12';
import { parseX12, transactionSetsOf } from '../../domain/x12/parse';
import type { OtherPayer837 } from '../../domain/x12';
import { routeToPayer } from '../dme-mac';
import type { ClaimActivityDeps } from './index';
import { askMailboxToLook } from './mailbox-wake';
import { partiesOf, personOf } from './parties';

export type NextClaimPayer = { level: PayerLevel; payerId: string; crossover: boolean } | null;

/** What the primary's 837P said that the claim rows do not keep: prior auth, narratives, diagnosis pointers. */
function sentFacts(x12: string) {
  const [transaction] = transactionSetsOf(parseX12(x12), '837');
  const facts: { priorAuthNumber?: string; narrative?: string; lines: Array<{ pointers: number[]; priorAuthNumber?: string; narrative?: string }> } =
    {
      lines: [],
    };
  let line: (typeof facts.lines)[number] | undefined;
  for (const segment of transaction?.segments ?? []) {
    const [id, first, second] = segment.elements;
    if (id === 'LX') {
      line = { pointers: [] };
      facts.lines.push(line);
    } else if (id === 'SV1' && line) {
      const pointers = (segment.elements[7] ?? '').split(/[^0-9]/).filter(Boolean);
      line.pointers = pointers.map(Number);
    } else if (id === 'REF' && first === 'G1') {
      if (line) line.priorAuthNumber = second;
      else facts.priorAuthNumber = second;
    } else if (id === 'NTE' && first === 'ADD') {
      if (line) line.narrative = second;
      else facts.narrative = second;
    }
  }
  return facts;
}

/** A payer other than the one a claim goes to, as its 2320/2330A/2330B say it (with its adjudication once it has one). */
export function otherPayerOf(
  patientPerson: PersonInput,
  level: PayerLevel,
  coverage: typeof coverages.$inferSelect,
  payer: typeof payers.$inferSelect,
  adjudication?: OtherPayer837['adjudication'],
): OtherPayer837 {
  const parties = partiesOf(patientPerson, coverage);
  return {
    responsibility: sbr01OfLevel[level],
    relationship: parties.patient ? parties.patient.relationshipToSubscriber : '18',
    ...(coverage.groupNumber ? { groupNumber: coverage.groupNumber } : {}),
    ...(coverage.mspType && payer.kind === 'medicare' && level !== 'primary' ? { insuranceTypeCode: coverage.mspType } : {}),
    claimFilingIndicator: payer.claimFilingIndicator as ClaimFilingIndicator,
    subscriber: {
      lastName: parties.subscriber.lastName,
      firstName: parties.subscriber.firstName,
      memberId: coverage.memberId,
      address: parties.subscriber.address,
    },
    payer: { name: payer.name, id: payer.ediPayerId },
    ...(adjudication ? { adjudication } : {}),
  };
}

export function createNextPayerActivities({ db, clearinghouse, supplier, temporal }: ClaimActivityDeps) {
  async function payerRows(claimId: string) {
    const rows = await db.select().from(claimPayers).where(eq(claimPayers.claimId, claimId));
    return rows.sort((a, b) => payerLevels.indexOf(a.level) - payerLevels.indexOf(b.level));
  }

  return {
    /**
     * The payer the claim goes to after the one that just adjudicated it, or null when
     * that was the last. A next payer with nothing left to pay (the claim's payer side
     * is settled) is skipped with the reason. Moves claims.payer_level to the payer
     * returned, so status inquiries and tasks name it.
     */
    async nextClaimPayer(input: { claimId: string; asOf: string }): Promise<NextClaimPayer> {
      const [claim] = await db.select().from(claims).where(eq(claims.id, input.claimId));
      if (!claim) throw ApplicationFailure.nonRetryable(`claim ${input.claimId} does not exist`, 'ClaimUnknown');
      const rows = await payerRows(input.claimId);
      const current = payerLevels.indexOf(claim.payerLevel);
      const next = rows.find((row) => payerLevels.indexOf(row.level) > current && row.status !== 'skipped' && row.status !== 'adjudicated');
      if (!next) return null;
      // Already moved on (a retried activity, or a replayed workflow asking again).
      if (next.status === 'submitted') return { level: next.level, payerId: next.payerId, crossover: false };
      const balances = (await balancesOf(db, [input.claimId])).get(input.claimId)!;
      if (balances.payer <= 0) {
        await db.transaction(async (tx) => {
          await tx
            .update(claimPayers)
            .set({ status: 'skipped', note: 'nothing left to bill after the prior payer', updatedAt: new Date() })
            .where(and(eq(claimPayers.claimId, input.claimId), inArray(claimPayers.status, ['pending', 'crossover'])));
          await recordAudit(tx, {
            actor: 'system',
            action: 'claim.next-payer-skipped',
            entityType: 'claim',
            entityId: input.claimId,
            detail: { level: next.level, payerId: next.payerId },
          });
        });
        return null;
      }
      await db.update(claims).set({ payerLevel: next.level, updatedAt: new Date() }).where(eq(claims.id, input.claimId));
      return { level: next.level, payerId: next.payerId, crossover: next.status === 'crossover' };
    },

    /**
     * Builds the next payer's 837P (SBR01 S or T; 2320/2330A/2330B for every other payer,
     * with the adjudication of those that have adjudicated; 2430 per line) and stores it on
     * its claim_payers row. Idempotent: a row that has its 837P keeps it.
     */
    async prepareNextPayerClaim(input: { claimId: string; level: PayerLevel; asOf: string }): Promise<{ built: boolean }> {
      const rows = await payerRows(input.claimId);
      const target = rows.find((row) => row.level === input.level);
      if (!target) throw ApplicationFailure.nonRetryable(`claim ${input.claimId} has no ${input.level} payer`, 'ClaimPayerUnknown');
      if (target.x12) return { built: false };
      const [found] = await db
        .select({ claim: claims, order: orders, patient: patients, prescriber: prescribers })
        .from(claims)
        .innerJoin(orders, eq(orders.id, claims.orderId))
        .innerJoin(patients, eq(patients.id, orders.patientId))
        .innerJoin(prescribers, eq(prescribers.npi, orders.prescriberNpi))
        .where(eq(claims.id, input.claimId));
      if (!found) throw ApplicationFailure.nonRetryable(`claim ${input.claimId} does not exist`, 'ClaimUnknown');
      const { claim, order, patient, prescriber } = found;
      const coverageRows = await db
        .select({ coverage: coverages, payer: payers })
        .from(coverages)
        .innerJoin(payers, eq(payers.id, coverages.payerId))
        .where(
          inArray(
            coverages.id,
            rows.map((row) => row.coverageId),
          ),
        );
      const byCoverage = new Map(coverageRows.map((row) => [row.coverage.id, row]));
      const payerById = new Map(
        (
          await db
            .select()
            .from(payers)
            .where(
              inArray(
                payers.id,
                rows.map((row) => row.payerId),
              ),
            )
        ).map((row) => [row.id, row]),
      );
      const held = byCoverage.get(target.coverageId);
      const targetPayer = payerById.get(target.payerId);
      if (!held || !targetPayer)
        throw ApplicationFailure.nonRetryable(`claim ${input.claimId}: the ${input.level} coverage is gone`, 'ClaimPayerUnknown');
      // A Medicare secondary goes to the DME MAC of the permanent address, like a primary (DOMAIN.md §9).
      const routed = await routeToPayer(db, targetPayer, patient, input.asOf.slice(0, 10));
      if (!routed.ok) throw ApplicationFailure.nonRetryable(routed.failure.message, routed.failure.code);
      const { payer, address } = routed;
      const patientPerson = personOf(patient, address);
      const sent = sentFacts(claim.x12);
      const lineRows = await db.select().from(claimLines).where(eq(claimLines.claimId, input.claimId)).orderBy(asc(claimLines.lineNumber));
      const lines: ClaimLine[] = lineRows.map((line, index) => ({
        itemId: line.itemId,
        hcpcs: line.hcpcs,
        modifiers: line.modifiers,
        units: line.units,
        charge: line.charge,
        serviceFrom: line.serviceFrom,
        serviceTo: line.serviceTo,
        diagnosisPointers: sent.lines[index]?.pointers.length ? sent.lines[index].pointers : [1],
        lineControlNumber: line.lineControlNumber,
        ...(line.rentalMonth ? { rentalMonth: line.rentalMonth } : {}),
        ...(sent.lines[index]?.priorAuthNumber ? { priorAuthNumber: sent.lines[index].priorAuthNumber } : {}),
        ...(sent.lines[index]?.narrative ? { narrative: sent.lines[index].narrative } : {}),
      }));

      // The adjudication of each payer that has adjudicated: its standing CLP (after any reversal), lines and CAS.
      const adjudicationOf = async (level: PayerLevel): Promise<OtherPayer837['adjudication'] | undefined> => {
        const payments = await db
          .select({ payment: claimPayments, paymentDate: remittances.paymentDate, receivedAt: remittances.receivedAt })
          .from(claimPayments)
          .innerJoin(remittances, eq(remittances.id, claimPayments.remittanceId))
          .where(and(eq(claimPayments.claimId, input.claimId), eq(claimPayments.payerLevel, level)))
          .orderBy(asc(remittances.receivedAt), asc(claimPayments.position));
        const standing = [...payments].reverse().find(({ payment }) => payment.statusCode !== '22');
        if (!standing) return undefined;
        const adjudicatedOn = standing.paymentDate ?? standing.receivedAt.toISOString().slice(0, 10);
        const [paidLines, cas] = await Promise.all([
          db.select().from(linePayments).where(eq(linePayments.claimPaymentId, standing.payment.id)),
          db.select().from(adjustments).where(eq(adjustments.claimPaymentId, standing.payment.id)).orderBy(asc(adjustments.id)),
        ]);
        const toCas = (row: typeof adjustments.$inferSelect) => ({
          group: row.groupCode,
          reason: row.reasonCode,
          amount: row.amount,
          ...(row.quantity !== null ? { quantity: row.quantity } : {}),
        });
        const patientLiability = cas.filter((row) => row.groupCode === 'PR').reduce((sum, row) => sum + row.amount, 0);
        return {
          paidAmount: standing.payment.paid,
          remainingPatientLiability: patientLiability,
          claimAdjustments: cas.filter((row) => row.linePaymentId === null).map(toCas),
          payerClaimNumber: standing.payment.payerClaimNumber,
          adjudicatedOn,
          lines: paidLines.flatMap((paid) => {
            const ours = lineRows.find((line) => line.id === paid.claimLineId);
            if (!ours) return [];
            return [
              {
                lineControlNumber: ours.lineControlNumber,
                ...(paid.hcpcs !== ours.hcpcs ? { procedure: { hcpcs: paid.hcpcs, modifiers: paid.modifiers } } : {}),
                paidAmount: paid.paid,
                paidUnits: paid.units,
                adjustments: cas.filter((row) => row.linePaymentId === paid.id).map(toCas),
                adjudicatedOn,
              },
            ];
          }),
        };
      };

      const otherPayers: OtherPayer837[] = [];
      for (const row of rows) {
        if (row.level === input.level) continue;
        const other = byCoverage.get(row.coverageId);
        const otherPayer = payerById.get(row.payerId);
        if (!other || !otherPayer) continue;
        const adjudication = payerLevels.indexOf(row.level) < payerLevels.indexOf(input.level) ? await adjudicationOf(row.level) : undefined;
        otherPayers.push(otherPayerOf(patientPerson, row.level, other.coverage, otherPayer, adjudication));
      }

      const parties = partiesOf(patientPerson, held.coverage);
      const controlNumber = await nextControlNumber(db);
      const x12 = build837P({
        interchange: supplier.interchange(controlNumber, input.asOf),
        submitter: supplier.submitter,
        receiver: supplier.receiver,
        billingProvider: supplier.billingProvider,
        ...parties,
        payer: { name: payer.name, id: payer.ediPayerId, claimFilingIndicator: payer.claimFilingIndicator as ClaimFilingIndicator },
        payerResponsibility: sbr01OfLevel[input.level],
        ...(held.coverage.mspType && payer.kind === 'medicare' ? { insuranceTypeCode: held.coverage.mspType } : {}),
        otherPayers,
        claim: {
          patientControlNumber: claim.claimNumber,
          totalCharge: claim.totalCharge,
          frequencyCode: '1',
          diagnoses: order.diagnoses,
          ...(sent.priorAuthNumber ? { priorAuthNumber: sent.priorAuthNumber } : {}),
          ...(sent.narrative ? { narrative: sent.narrative } : {}),
        },
        orderingProvider: { npi: prescriber.npi, lastName: prescriber.lastName, firstName: prescriber.firstName },
        lines,
      });
      const stored = await db
        .update(claimPayers)
        .set({ x12, interchangeControlNumber: String(controlNumber), updatedAt: new Date() })
        .where(and(eq(claimPayers.claimId, input.claimId), eq(claimPayers.level, input.level), eq(claimPayers.status, 'pending')))
        .returning({ level: claimPayers.level });
      return { built: stored.length > 0 };
    },

    /** Sends the next payer's 837P once; a row already submitted is not sent again. Answers whether to wake the mailbox, as submitClaim. */
    async submitNextPayerClaim(input: { claimId: string; level: PayerLevel; asOf: string }): Promise<{ submitted: boolean; wakeMailbox: boolean }> {
      const [row] = await db
        .select()
        .from(claimPayers)
        .where(and(eq(claimPayers.claimId, input.claimId), eq(claimPayers.level, input.level)));
      if (!row?.x12 || !row.interchangeControlNumber)
        throw ApplicationFailure.nonRetryable(`claim ${input.claimId}: no ${input.level} 837P was built`, 'ClaimPayerNotBuilt');
      if (row.status !== 'pending')
        return { submitted: false, wakeMailbox: await askMailboxToLook({ db, temporal }, `${input.claimId}:${input.level}`) };
      await clearinghouse.submitClaims({ controlNumber: row.interchangeControlNumber, x12: row.x12 }, new Date(input.asOf));
      await storeEdiFile(db, 'outbound', '837', row.x12);
      await db.transaction(async (tx) => {
        await tx
          .update(claimPayers)
          .set({ status: 'submitted', submittedAt: new Date(input.asOf), updatedAt: new Date() })
          .where(and(eq(claimPayers.claimId, input.claimId), eq(claimPayers.level, input.level), eq(claimPayers.status, 'pending')));
        await tx.update(claims).set({ payerLevel: input.level, status: 'submitted', updatedAt: new Date() }).where(eq(claims.id, input.claimId));
        await recordAudit(tx, {
          actor: 'system',
          action: 'claim.submitted',
          entityType: 'claim',
          entityId: input.claimId,
          detail: { level: input.level, payerId: row.payerId, controlNumber: row.interchangeControlNumber },
        });
      });
      return { submitted: true, wakeMailbox: await askMailboxToLook({ db, temporal }, `${input.claimId}:${input.level}`) };
    },
  };
}
