/**
 * Asking the payer where a silent claim is (276 → 277).
 */
import { and, eq } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/common';
import { recordAudit } from '../../db/audit';
import { inquiryControlNumber, storeEdiFile } from '../../db/edi';
import { claimEvents, claimPayers, claims, coverages, orders, patients, payers } from '../../db/schema';
import { build276, parse277, type ClaimStatusOutcome } from '../../domain/x12';
import { currentInquiryWait } from '../clearinghouse/inquiry-wait';
import type { ClaimActivityDeps } from './index';

export interface ClaimStatusAnswer {
  outcome: ClaimStatusOutcome;
  /** Category and status codes as the payer sent them, e.g. `P1:20`. */
  codes: string[];
  reason?: string;
}

export function createClaimStatusActivities({ db, clearinghouse, supplier }: ClaimActivityDeps) {
  return {
    async requestClaimStatus(input: { claimId: string; asOf: string }): Promise<ClaimStatusAnswer> {
      // The payer the claim is with now (claims.payer_level): the primary, or the next payer once the claim went on.
      // A claim stored without its payers (before coordination of benefits) is with its order's coverage and payer.
      const [claim] = await db.select().from(claims).where(eq(claims.id, input.claimId));
      if (!claim) throw ApplicationFailure.nonRetryable(`claim ${input.claimId} does not exist`, 'ClaimUnknown');
      const [level] = await db
        .select()
        .from(claimPayers)
        .where(and(eq(claimPayers.claimId, claim.id), eq(claimPayers.level, claim.payerLevel)));
      const [row] = await db
        .select({ claim: claims, coverage: coverages, patient: patients, payer: payers })
        .from(claims)
        .innerJoin(orders, eq(orders.id, claims.orderId))
        .innerJoin(coverages, eq(coverages.id, level?.coverageId ?? orders.coverageId))
        .innerJoin(patients, eq(patients.id, orders.patientId))
        .innerJoin(payers, eq(payers.id, level?.payerId ?? claims.payerId))
        .where(eq(claims.id, input.claimId));
      if (!row) throw ApplicationFailure.nonRetryable(`claim ${input.claimId} does not exist`, 'ClaimUnknown');
      const primary = claim.payerLevel === 'primary';
      const payerClaimNumber = primary ? claim.payerClaimNumber : level?.payerClaimNumber;
      // The workflow asks once per date: a retry of that inquiry rebuilds the same 276.
      const controlNumber = await inquiryControlNumber(
        db,
        primary ? `276:${input.claimId}:${input.asOf}` : `276:${input.claimId}:${claim.payerLevel}:${input.asOf}`,
      );
      const traceNumber = `${row.claim.claimNumber}S${controlNumber}`.slice(0, 30);
      const request = build276({
        interchange: supplier.interchange(controlNumber, input.asOf),
        payer: { name: row.payer.name, id: row.payer.ediPayerId },
        informationReceiver: { name: supplier.name, id: supplier.submitter.id },
        provider: { organizationName: supplier.name, npi: supplier.npi },
        subscriber: {
          memberId: row.coverage.memberId,
          lastName: row.patient.lastName,
          firstName: row.patient.firstName,
          birthDate: row.patient.birthDate,
          sex: row.patient.sex,
        },
        claim: {
          traceNumber,
          patientControlNumber: row.claim.claimNumber,
          ...(payerClaimNumber ? { payerClaimNumber } : {}),
          totalCharge: row.claim.totalCharge,
          serviceFrom: row.claim.serviceFrom,
          serviceTo: row.claim.serviceTo,
        },
      });
      const response = await clearinghouse.requestClaimStatus(
        { controlNumber: String(controlNumber), x12: request },
        new Date(input.asOf),
        currentInquiryWait(),
      );
      await storeEdiFile(db, 'outbound', '276', request);
      await storeEdiFile(db, 'inbound', '277', response);
      const answers = parse277(response).flatMap((transaction) => transaction.claims);
      const answer = answers.find((claim) => claim.patientControlNumber === row.claim.claimNumber) ?? answers[0];
      const codes = answer?.statuses.flatMap((status) => status.codes.map((code) => `${code.category}:${code.code}`)) ?? [];
      const outcome: ClaimStatusOutcome = answer?.outcome ?? 'other';
      await db
        .insert(claimEvents)
        .values({
          claimId: input.claimId,
          eventKey: `277:${traceNumber}`,
          kind: 'status-inquiry',
          detail: { outcome, codes },
          at: new Date(input.asOf),
        })
        .onConflictDoNothing();
      await recordAudit(db, {
        actor: 'system',
        action: 'claim.status-inquiry',
        entityType: 'claim',
        entityId: input.claimId,
        detail: { outcome, codes },
      });
      const message = answer?.statuses.find((status) => status.message)?.message;
      return { outcome, codes, ...(message ? { reason: message } : outcome === 'rejected' ? { reason: codes.join(', ') } : {}) };
    },
  };
}
