/**
 * Posting an 835 (DOMAIN.md §11): one path for files uploaded through the API and
 * files collected from the clearinghouse mailbox.
 *
 * - A file that does not parse or balance is rejected whole: nothing is posted.
 * - A remittance is identified by payer + TRN trace number: posting the same one
 *   again changes nothing and answers with the first result.
 * - Each CLP is matched to our claim by patient control number and each SVC to our
 *   line by its REF*6R line control number (falling back to code + date); what does
 *   not match goes to the billers' work queue with the reason.
 * - CO amounts are written off, PR amounts are the patient's; PLB adjustments are
 *   posted at provider level.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/client';
import { adjustments, claimLines, claimPayments, claims, linePayments, providerAdjustments, remittances, tasks } from '../db/schema';
import { parse835, X12Error, type Remittance, type RemittanceClaim } from '../domain/x12';
import type { RemittancePosted } from '../workflows/definitions';

export type PostingOutcome = 'paid' | 'partially-paid' | 'denied' | 'reversed';

export interface PostedRemittance {
  remittanceId: string;
  traceNumber: string;
  payerIdentifier: string;
  paymentAmount: number;
  /** True when this remittance had been posted before: nothing was posted this time. */
  duplicate: boolean;
  claims: Array<{ claimId: string; claimNumber: string; outcome: PostingOutcome; paid: number; patientResponsibility: number }>;
  unmatched: Array<{ patientControlNumber: string; reason: string }>;
  providerAdjustments: number;
}

export type PostingResult =
  | { ok: true; remittances: PostedRemittance[] }
  | { ok: false; problems: Array<{ code: string; message: string }> };

/**
 * What a CLP means for the claim. A claim paid nothing but owed entirely by the
 * patient (deductible) is finalized as paid: the payer's part is done.
 */
export function claimPaymentOutcome(claim: RemittanceClaim): PostingOutcome {
  if (claim.status === '22') return 'reversed';
  if (claim.status === '4') return 'denied';
  const lineDenied = claim.lines.some((line) => line.paid === 0 && line.adjustments.some((adjustment) => adjustment.group !== 'PR'));
  if (claim.paid === 0) {
    const all = [...claim.adjustments, ...claim.lines.flatMap((line) => line.adjustments)];
    return all.length > 0 && all.every((adjustment) => adjustment.group === 'PR') ? 'paid' : 'denied';
  }
  return lineDenied ? 'partially-paid' : 'paid';
}

const payerIdentifierOf = (remittance: Remittance) => remittance.payerTraceId || remittance.payer.id || remittance.payer.name;

export function createRemittanceActivities({ db }: { db: Db }) {
  async function postOne(remittance: Remittance, content: string, source: 'api' | 'mailbox', user: string): Promise<PostedRemittance> {
    const payerIdentifier = payerIdentifierOf(remittance);
    const [existing] = await db
      .select()
      .from(remittances)
      .where(and(eq(remittances.payerIdentifier, payerIdentifier), eq(remittances.traceNumber, remittance.traceNumber)));
    if (existing) return { ...(existing.summary as unknown as PostedRemittance), duplicate: true };

    const remittanceId = randomUUID();
    const numbers = remittance.claims.map((claim) => claim.patientControlNumber);
    const ours = numbers.length ? await db.select().from(claims).where(inArray(claims.claimNumber, numbers)) : [];
    const byNumber = new Map(ours.map((claim) => [claim.claimNumber, claim]));
    const ourLines = ours.length
      ? await db.select().from(claimLines).where(inArray(claimLines.claimId, ours.map((claim) => claim.id)))
      : [];

    const result: PostedRemittance = {
      remittanceId,
      traceNumber: remittance.traceNumber,
      payerIdentifier,
      paymentAmount: remittance.paymentAmount,
      duplicate: false,
      claims: [],
      unmatched: [],
      providerAdjustments: remittance.providerAdjustments.length,
    };

    await db.transaction(async (tx) => {
      const inserted = await tx
        .insert(remittances)
        .values({
          id: remittanceId,
          payerIdentifier,
          traceNumber: remittance.traceNumber,
          payerName: remittance.payer.name,
          paymentAmount: remittance.paymentAmount,
          paymentMethod: remittance.paymentMethod,
          paymentDate: remittance.paymentDate || null,
          content,
          source,
          receivedBy: user,
        })
        .onConflictDoNothing()
        .returning({ id: remittances.id });
      if (inserted.length === 0) throw new DuplicateRace();

      for (const clp of remittance.claims) {
        const claim = byNumber.get(clp.patientControlNumber);
        const outcome = claimPaymentOutcome(clp);
        const claimPaymentId = randomUUID();
        await tx.insert(claimPayments).values({
          id: claimPaymentId,
          remittanceId,
          claimId: claim?.id ?? null,
          patientControlNumber: clp.patientControlNumber,
          statusCode: clp.status,
          outcome: claim ? outcome : 'unmatched',
          charge: clp.charge,
          paid: clp.paid,
          patientResponsibility: clp.patientResponsibility,
          payerClaimNumber: clp.payerClaimNumber,
          remarkCodes: clp.remarkCodes,
          position: clp.position,
        });
        for (const adjustment of clp.adjustments) {
          await tx.insert(adjustments).values({
            claimPaymentId,
            groupCode: adjustment.group,
            reasonCode: adjustment.reason,
            amount: adjustment.amount,
            quantity: adjustment.quantity !== undefined ? Math.round(adjustment.quantity) : null,
          });
        }
        const linesOfClaim = claim ? ourLines.filter((line) => line.claimId === claim.id) : [];
        for (const svc of clp.lines) {
          const line =
            linesOfClaim.find((candidate) => svc.lineControlNumber !== undefined && candidate.lineControlNumber === svc.lineControlNumber) ??
            linesOfClaim.find((candidate) => candidate.hcpcs === svc.hcpcs && (!svc.serviceFrom || candidate.serviceFrom === svc.serviceFrom));
          const linePaymentId = randomUUID();
          await tx.insert(linePayments).values({
            id: linePaymentId,
            claimPaymentId,
            claimLineId: line?.id ?? null,
            hcpcs: svc.hcpcs,
            modifiers: svc.modifiers,
            charge: svc.charge,
            paid: svc.paid,
            allowed: svc.allowed ?? null,
            units: Math.round(svc.unitsPaid ?? 1),
            lineControlNumber: svc.lineControlNumber ?? null,
            serviceFrom: svc.serviceFrom ?? null,
            remarkCodes: svc.remarkCodes,
          });
          for (const adjustment of svc.adjustments) {
            await tx.insert(adjustments).values({
              claimPaymentId,
              linePaymentId,
              groupCode: adjustment.group,
              reasonCode: adjustment.reason,
              amount: adjustment.amount,
              quantity: adjustment.quantity !== undefined ? Math.round(adjustment.quantity) : null,
            });
          }
          if (line) {
            await tx
              .update(claimLines)
              .set({ paidAmount: line.paidAmount + svc.paid, ...(svc.allowed !== undefined ? { allowedAmount: svc.allowed } : {}) })
              .where(eq(claimLines.id, line.id));
            line.paidAmount += svc.paid;
          }
        }

        if (!claim) {
          const reason = `no claim with patient control number ${clp.patientControlNumber}`;
          result.unmatched.push({ patientControlNumber: clp.patientControlNumber, reason });
          await tx
            .insert(tasks)
            .values({
              id: randomUUID(),
              taskKey: `remittance-${remittanceId}:unmatched:${clp.position}`,
              role: 'biller',
              kind: 'remittance-unmatched',
              title: `Remittance ${remittance.traceNumber}: ${reason} (payer claim ${clp.payerClaimNumber}); match it by hand`,
            })
            .onConflictDoNothing();
          continue;
        }
        // Reversals carry negative amounts, so sums over every CLP give the claim's ledger.
        const paid = claim.paidAmount + clp.paid;
        const patientResponsibility = claim.patientResponsibility + clp.patientResponsibility;
        await tx
          .update(claims)
          .set({ status: outcome, paidAmount: paid, patientResponsibility, payerClaimNumber: clp.payerClaimNumber, updatedAt: new Date() })
          .where(eq(claims.id, claim.id));
        claim.paidAmount = paid;
        claim.patientResponsibility = patientResponsibility;
        result.claims.push({ claimId: claim.id, claimNumber: claim.claimNumber, outcome, paid: clp.paid, patientResponsibility: clp.patientResponsibility });
      }

      for (const plb of remittance.providerAdjustments) {
        await tx.insert(providerAdjustments).values({
          remittanceId,
          providerId: plb.providerId,
          fiscalPeriodDate: plb.fiscalPeriodDate,
          reasonCode: plb.reason,
          referenceId: plb.referenceId ?? null,
          amount: plb.amount,
        });
      }
      await tx.update(remittances).set({ summary: result as unknown as Record<string, unknown> }).where(eq(remittances.id, remittanceId));
      await recordAudit(tx, {
        actor: user,
        action: 'remittance.posted',
        entityType: 'remittance',
        entityId: remittanceId,
        detail: {
          traceNumber: remittance.traceNumber,
          paymentAmount: remittance.paymentAmount,
          claims: result.claims.length,
          unmatched: result.unmatched.length,
          providerAdjustments: remittance.providerAdjustments.length,
        },
      });
    });
    return result;
  }

  return {
    /** Parses, balances and posts an 835 file (one or more transaction sets). */
    async postRemittance(input: { content: string; source: 'api' | 'mailbox'; user: string }): Promise<PostingResult> {
      let parsed: Remittance[];
      try {
        parsed = parse835(input.content);
      } catch (error) {
        if (error instanceof X12Error) {
          return { ok: false, problems: error.issues.map((issue) => ({ code: issue.code, message: issue.message })) };
        }
        throw error;
      }
      const posted: PostedRemittance[] = [];
      for (const remittance of parsed) {
        try {
          posted.push(await postOne(remittance, input.content, input.source, input.user));
        } catch (error) {
          // Two uploads of the same file raced: the other one posted it.
          if (!(error instanceof DuplicateRace)) throw error;
          posted.push(await postOne(remittance, input.content, input.source, input.user));
        }
      }
      return { ok: true, remittances: posted };
    },
  };
}

class DuplicateRace extends Error {}

/** The signals a posting sends to claim workflows (a duplicate posting sends them again; claims ignore repeats). */
export function remittanceSignals(result: PostedRemittance[], user: string): RemittancePosted[] {
  return result.flatMap((remittance) =>
    remittance.claims.map((claim) => ({
      user,
      claimId: claim.claimId,
      outcome: claim.outcome,
      paidAmount: claim.paid,
      remittanceId: remittance.remittanceId,
    })),
  );
}

export type RemittanceActivities = ReturnType<typeof createRemittanceActivities>;
