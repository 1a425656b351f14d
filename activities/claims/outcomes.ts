/**
 * Activities of a claim after its remittance (DOMAIN.md §12): what the payer decided
 * and what each denial calls for, the staff tasks with their due dates, reopenings and
 * appeals from opening to decision, write-offs, and the claim's final state. Tasks and
 * audit rows take the workflow's clock (`asOf`), so time-skipping tests see business
 * time. Results carry ids, codes, dates and amounts only.
 */
import { ApplicationFailure } from '@temporalio/common';
import { and, asc, eq, ne } from 'drizzle-orm';
import { recordAudit } from '../../db/audit';
import type { Db } from '../../db/client';
import {
  adjustments,
  appeals,
  claimPayers,
  claimPayments,
  claims,
  ledgerEntries,
  linePayments,
  remittances,
  tasks,
  type ClaimResolution,
} from '../../db/schema';
import { payerLevels } from '../../domain/coordination';
import { denialDecisions, type AppealLevel, type DenialDecision } from '../../domain/denials';
import { splitClaimPayment } from '../../domain/posting';
import type { Adjustment } from '../../domain/x12';
import { balancesOf } from '../credit-balances';

export interface ClaimReview {
  /** The latest CLP's outcome: a lone reversal leaves the claim 'reversed'. */
  outcome: 'paid' | 'partially-paid' | 'denied' | 'reversed';
  /** The 835's payment date (BPR16): the initial determination appeal deadlines count from. */
  determinationOn: string;
  payerBalance: number;
  patientBalance: number;
  /** What the open denials call for, leading action first; empty when the payer's part is settled. */
  decisions: DenialDecision[];
}

export interface ClaimTaskInput {
  taskKey: string;
  taskId: string;
  claimId: string;
  orderId: string;
  role: 'intake' | 'reviewer' | 'delivery' | 'biller';
  kind: string;
  title: string;
  dueOn?: string;
  asOf: string;
}

const dateOf = (at: string | Date) => (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);

export function createClaimOutcomeActivities({ db }: { db: Db }) {
  async function claimRow(claimId: string) {
    const [claim] = await db.select().from(claims).where(eq(claims.id, claimId));
    if (!claim) throw ApplicationFailure.nonRetryable(`claim ${claimId} does not exist`, 'ClaimUnknown');
    return claim;
  }

  return {
    /**
     * Reads what the payer decided so far: the latest CLP (after any reversal) and its
     * denied amounts, classified, while the payer's side still has an open balance.
     */
    async reviewClaimRemittance(input: { claimId: string; asOf: string }): Promise<ClaimReview> {
      const claim = await claimRow(input.claimId);
      const payments = await db
        .select({ payment: claimPayments, paymentDate: remittances.paymentDate, receivedAt: remittances.receivedAt })
        .from(claimPayments)
        .innerJoin(remittances, eq(remittances.id, claimPayments.remittanceId))
        .where(eq(claimPayments.claimId, input.claimId))
        .orderBy(asc(remittances.receivedAt), asc(claimPayments.position));
      const balances = (await balancesOf(db, [input.claimId])).get(input.claimId)!;
      const latest = payments.at(-1);
      if (!latest) throw ApplicationFailure.nonRetryable(`claim ${input.claimId} has no remittance posted`, 'RemittanceMissing');
      // A reversal and the corrected payment may share a remittance: the corrected one stands.
      const standing =
        [...payments].reverse().find(({ payment }) => payment.statusCode !== '22' && payment.remittanceId === latest.payment.remittanceId) ?? latest;
      const determinationOn = standing.paymentDate ?? dateOf(standing.receivedAt);
      const review: ClaimReview = {
        outcome: standing.payment.outcome === 'unmatched' ? 'denied' : standing.payment.outcome,
        determinationOn,
        payerBalance: balances.payer,
        patientBalance: balances.patient,
        decisions: [],
      };
      if (standing.payment.statusCode === '22') return review;

      const [lines, cas] = await Promise.all([
        db.select().from(linePayments).where(eq(linePayments.claimPaymentId, standing.payment.id)),
        db.select().from(adjustments).where(eq(adjustments.claimPaymentId, standing.payment.id)).orderBy(asc(adjustments.id)),
      ]);
      const toAdjustment = (row: typeof adjustments.$inferSelect): Adjustment => ({
        group: row.groupCode,
        reason: row.reasonCode,
        amount: row.amount,
      });
      const split = splitClaimPayment({
        status: standing.payment.statusCode as never,
        paid: standing.payment.paid,
        adjustments: cas.filter((row) => row.linePaymentId === null).map(toAdjustment),
        remarkCodes: standing.payment.remarkCodes,
        alreadyPaid: false,
        lines: lines.map((line) => ({
          paid: line.paid,
          adjustments: cas.filter((row) => row.linePaymentId === line.id).map(toAdjustment),
          remarkCodes: line.remarkCodes,
          alreadyPaid: false,
        })),
      });
      // PR denials (the patient's to pay) are on the patient's side already: they still need a bill.
      const patientDenials = [...cas]
        .filter((row) => row.groupCode === 'PR' && !['1', '2', '3'].includes(row.reasonCode))
        .map((row) => ({
          group: row.groupCode,
          reason: row.reasonCode,
          amount: row.amount,
          remarkCodes: lines.find((line) => line.id === row.linePaymentId)?.remarkCodes ?? [],
        }));
      // A denial is open while the side of the payer that denied it is (a secondary's denial leaves the primary's payment standing).
      const level = standing.payment.payerLevel ?? 'primary';
      const open = balances.levels[level] > 0 ? split.denied : [];
      review.decisions = denialDecisions([...open, ...patientDenials], { claimPaid: claim.paidAmount });
      return review;
    },

    /** A staff task created at the workflow's time (idempotent on its key). */
    async openClaimTask(input: ClaimTaskInput): Promise<void> {
      await db
        .insert(tasks)
        .values({
          id: input.taskId,
          taskKey: input.taskKey,
          orderId: input.orderId,
          claimId: input.claimId,
          role: input.role,
          kind: input.kind,
          title: input.title,
          dueAt: input.dueOn ? new Date(`${input.dueOn}T00:00:00Z`) : null,
          createdAt: new Date(input.asOf),
        })
        .onConflictDoNothing({ target: tasks.taskKey });
    },

    /** A corrected claim went out: the claim it replaces is closed as corrected and resubmitted. */
    async closeCorrectedOriginal(input: { claimId: string; asOf: string }): Promise<{ originalClaimId: string | null }> {
      const claim = await claimRow(input.claimId);
      if (!claim.correctsClaimId) return { originalClaimId: null };
      await db.transaction(async (tx) => {
        const [closed] = await tx
          .update(claims)
          .set({
            status: 'corrected',
            resolution: 'corrected-and-resubmitted',
            statusReason: `corrected by claim ${claim.id}`,
            resolvedAt: new Date(input.asOf),
            updatedAt: new Date(),
          })
          .where(and(eq(claims.id, claim.correctsClaimId!), ne(claims.status, 'corrected')))
          .returning({ id: claims.id });
        if (closed) {
          await recordAudit(tx, {
            actor: 'system',
            action: 'claim.resolved',
            entityType: 'claim',
            entityId: claim.correctsClaimId!,
            detail: { resolution: 'corrected-and-resubmitted', correctedBy: claim.id },
          });
        }
      });
      return { originalClaimId: claim.correctsClaimId };
    },

    /** A reopening or appeal the claim now waits for; the claim is listed as appealing. */
    async openAppeal(input: {
      appealId: string;
      claimId: string;
      level: AppealLevel;
      codes: string[];
      amount: number;
      prerequisite?: string;
      determinationOn: string;
      deadlineOn: string;
      asOf: string;
    }): Promise<void> {
      await db.transaction(async (tx) => {
        const [opened] = await tx
          .insert(appeals)
          .values({
            id: input.appealId,
            claimId: input.claimId,
            level: input.level,
            status: 'due',
            denialCodes: input.codes,
            amount: input.amount,
            prerequisite: input.prerequisite ?? null,
            determinationOn: input.determinationOn,
            deadlineOn: input.deadlineOn,
            createdAt: new Date(input.asOf),
          })
          .onConflictDoNothing()
          .returning({ id: appeals.id });
        if (!opened) return;
        await tx
          .update(claims)
          .set({ status: 'appealing', statusReason: `${input.level} due by ${input.deadlineOn}: ${input.codes.join(', ')}`, updatedAt: new Date() })
          .where(eq(claims.id, input.claimId));
        await recordAudit(tx, {
          actor: 'system',
          action: 'appeal.opened',
          entityType: 'claim',
          entityId: input.claimId,
          detail: { appealId: input.appealId, level: input.level, codes: input.codes, amount: input.amount, deadlineOn: input.deadlineOn },
        });
      });
    },

    async recordAppealFiled(input: { appealId: string; claimId: string; filedOn: string; reference?: string; user: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const [filed] = await tx
          .update(appeals)
          .set({ status: 'filed', filedOn: input.filedOn, filedBy: input.user, reference: input.reference ?? null })
          .where(and(eq(appeals.id, input.appealId), eq(appeals.status, 'due')))
          .returning({ level: appeals.level });
        if (filed)
          await recordAudit(tx, {
            actor: input.user,
            action: 'appeal.filed',
            entityType: 'claim',
            entityId: input.claimId,
            detail: { appealId: input.appealId, level: filed.level, filedOn: input.filedOn },
          });
      });
    },

    async recordAppealDecision(input: {
      appealId: string;
      claimId: string;
      decision: 'won' | 'lost';
      decidedOn: string;
      reason?: string;
      user: string;
    }): Promise<void> {
      await db.transaction(async (tx) => {
        const [decided] = await tx
          .update(appeals)
          .set({
            status: input.decision,
            decision: input.decision,
            decidedOn: input.decidedOn,
            decidedBy: input.user,
            decisionReason: input.reason ?? null,
          })
          .where(and(eq(appeals.id, input.appealId), eq(appeals.status, 'filed')))
          .returning({ level: appeals.level });
        if (decided) {
          await recordAudit(tx, {
            actor: input.user,
            action: `appeal.${input.decision}`,
            entityType: 'claim',
            entityId: input.claimId,
            detail: { appealId: input.appealId, level: decided.level, decidedOn: input.decidedOn },
          });
        }
      });
    },

    /** The filing deadline passed with nothing filed. */
    async expireAppeal(input: { appealId: string; claimId: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const [expired] = await tx
          .update(appeals)
          .set({ status: 'expired' })
          .where(and(eq(appeals.id, input.appealId), eq(appeals.status, 'due')))
          .returning({ level: appeals.level });
        if (expired)
          await recordAudit(tx, {
            actor: 'system',
            action: 'appeal.expired',
            entityType: 'claim',
            entityId: input.claimId,
            detail: { appealId: input.appealId, level: expired.level },
          });
      });
    },

    /**
     * Writes off what the payer still owes on the claim (never the patient's share) with
     * its reason, and records the claim's final state. Idempotent on the key.
     */
    async writeOffClaimBalance(input: {
      claimId: string;
      key: string;
      reason: string;
      resolution: ClaimResolution;
      user: string;
      asOf: string;
    }): Promise<{ writtenOff: number }> {
      const at = new Date(input.asOf);
      return db.transaction(async (tx) => {
        const balance = (await balancesOf(tx, [input.claimId])).get(input.claimId)!;
        const payersAt = new Map(
          (await tx.select().from(claimPayers).where(eq(claimPayers.claimId, input.claimId))).map((row) => [row.level, row.payerId]),
        );
        let writtenOff = 0;
        // Each payer level's open side is written off on that side (a denial by the secondary leaves the primary's side as it was).
        for (const level of payerLevels) {
          const open = balance.levels[level];
          if (open <= 0) continue;
          const inserted = await tx
            .insert(ledgerEntries)
            .values({
              // The primary's key as before: a retried write-off of a claim billed once stays one entry.
              entryKey: level === 'primary' ? `write-off:${input.key}` : `write-off:${input.key}:${level}`,
              claimId: input.claimId,
              party: 'payer',
              kind: 'write-off',
              amount: -open,
              payerLevel: level,
              payerId: payersAt.get(level) ?? null,
              reason: input.reason,
              actor: input.user,
              at,
            })
            .onConflictDoNothing()
            .returning({ amount: ledgerEntries.amount });
          writtenOff += -(inserted[0]?.amount ?? 0);
        }
        await tx
          .update(claims)
          .set({ status: 'written-off', statusReason: input.reason, resolution: input.resolution, resolvedAt: at, updatedAt: new Date() })
          .where(eq(claims.id, input.claimId));
        await recordAudit(tx, {
          actor: input.user,
          action: 'claim.written-off',
          entityType: 'claim',
          entityId: input.claimId,
          detail: { amount: writtenOff, reason: input.reason, resolution: input.resolution },
        });
        return { writtenOff };
      });
    },

    /** The claim's final state (paid, patient-billed, appealed-paid…). */
    async resolveClaim(input: { claimId: string; resolution: ClaimResolution; reason?: string; asOf: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(claims)
          .set({
            resolution: input.resolution,
            resolvedAt: new Date(input.asOf),
            ...(input.reason ? { statusReason: input.reason } : {}),
            updatedAt: new Date(),
          })
          .where(eq(claims.id, input.claimId));
        await recordAudit(tx, {
          actor: 'system',
          action: 'claim.resolved',
          entityType: 'claim',
          entityId: input.claimId,
          detail: { resolution: input.resolution },
        });
      });
    },
  };
}
