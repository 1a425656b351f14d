/**
 * Credit balances (DOMAIN.md §13, §15): found over the whole claim — all its payers and
 * the patient — after every posting (an 835, a patient's payment), each naming who
 * overpaid (a payer by its id, or the patient), each worked by its own
 * creditBalanceWorkflow up to the report-and-return deadline, and resolved by staff — a
 * refund to the payer or the patient, or, with the patient's consent, the credit applied
 * to another of their open balances. Every step is audited; every write is idempotent.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/client';
import { claimPayers, claims, creditBalances, ledgerEntries, payers } from '../db/schema';
import { addDays } from '../domain/calendar';
import type { PayerLevel } from '../domain/coordination';
import { payerPolicy, type PayerPolicy } from '../domain/payer-policy';
import { claimBalances, creditBalancesOf, type Balances } from '../domain/posting';
import type { CreditBalanceResolved } from '../workflows/definitions';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Rows per statement: well under Postgres's 65,535 bind parameters for every table here. */
export function chunks<T>(rows: readonly T[], size = 1_000): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}

export interface PostedCreditBalance {
  creditBalanceId: string;
  claimId: string;
  party: 'payer' | 'patient';
  /** For the payer party: the payer that overpaid, to be refunded. */
  payerId?: string;
  amount: number;
  reason: string;
}

/** What posting found paid twice by the same payer: claim → level → cents (a credit balance's reason). */
export type DuplicatePayments = Map<string, Partial<Record<PayerLevel, number>>>;

/** Open balances of claims straight from the ledger: all payers', each payer level's and the patient's. */
export async function balancesOf(db: Pick<Db, 'select'>, claimIds: string[]) {
  const out = new Map<string, Balances & { charge: number; writeOffs: number }>();
  for (const batch of chunks(claimIds, 5_000)) {
    // One after the other: called inside transactions, whose queries share one connection.
    const [rows, sums] = [
      await db.select({ id: claims.id, totalCharge: claims.totalCharge }).from(claims).where(inArray(claims.id, batch)),
      await db
        .select({
          claimId: ledgerEntries.claimId,
          party: ledgerEntries.party,
          payerLevel: ledgerEntries.payerLevel,
          total: sql<number>`sum(${ledgerEntries.amount})`.mapWith(Number),
          writeOffs: sql<number>`count(*) filter (where ${ledgerEntries.kind} = 'write-off')::int`,
        })
        .from(ledgerEntries)
        .where(inArray(ledgerEntries.claimId, batch))
        .groupBy(ledgerEntries.claimId, ledgerEntries.party, ledgerEntries.payerLevel),
    ];
    const byClaim = new Map<string, typeof sums>();
    for (const sum of sums) byClaim.set(sum.claimId, [...(byClaim.get(sum.claimId) ?? []), sum]);
    for (const row of rows) {
      const own = byClaim.get(row.id) ?? [];
      const balances = claimBalances(
        row.totalCharge,
        own.map((sum) => ({ party: sum.party, payerLevel: sum.payerLevel, amount: sum.total })),
      );
      out.set(row.id, { ...balances, charge: row.totalCharge, writeOffs: own.reduce((total, sum) => total + sum.writeOffs, 0) });
    }
  }
  return out;
}

/** The payer at each level of each claim, with its credit-balance policy: claim_payers, else the claim's own payer as primary. */
async function payersByLevel(tx: Pick<Db, 'select'>, claimIds: string[]) {
  const policyOf = (kind: PayerPolicy['kind'], settings: Record<string, unknown>) => payerPolicy(kind, settings as Partial<PayerPolicy>);
  const out = new Map<string, Partial<Record<PayerLevel, { payerId: string; policy: PayerPolicy }>>>();
  // One after the other: inside a transaction both go over one connection.
  const own = await tx
    .select({ claimId: claims.id, payerId: claims.payerId, kind: payers.kind, settings: payers.settings })
    .from(claims)
    .innerJoin(payers, eq(payers.id, claims.payerId))
    .where(inArray(claims.id, claimIds));
  const listed = await tx
    .select({ claimId: claimPayers.claimId, level: claimPayers.level, payerId: claimPayers.payerId, kind: payers.kind, settings: payers.settings })
    .from(claimPayers)
    .innerJoin(payers, eq(payers.id, claimPayers.payerId))
    .where(inArray(claimPayers.claimId, claimIds));
  for (const row of own) out.set(row.claimId, { primary: { payerId: row.payerId, policy: policyOf(row.kind, row.settings) } });
  for (const row of listed) out.get(row.claimId)![row.level] = { payerId: row.payerId, policy: policyOf(row.kind, row.settings) };
  return out;
}

/**
 * Credit balances of the claims a posting touched, over each whole claim
 * (domain/posting.ts creditBalancesOf): a new one for each party paid beyond what it owes,
 * naming the payer that overpaid; an open one brought up to date (its amount, and its
 * payer when a later posting shows another payer overpaid); and an open one whose
 * overpayment a later posting took back (reversal, PLB recovery) or a later payer's part
 * absorbed closed as recouped. Runs inside the posting's transaction.
 */
export async function detectCreditBalances(
  tx: Tx,
  claimIds: string[],
  duplicates: DuplicatePayments,
  at: Date,
  user: string,
): Promise<PostedCreditBalance[]> {
  const found: PostedCreditBalance[] = [];
  const balances = await balancesOf(tx, claimIds);
  for (const batch of chunks(claimIds, 5_000)) {
    const payersOf = await payersByLevel(tx, batch);
    const open = await tx
      .select()
      .from(creditBalances)
      .where(and(inArray(creditBalances.claimId, batch), eq(creditBalances.status, 'open')));
    const openByClaim = new Map(open.map((row) => [`${row.claimId}:${row.party}`, row]));
    for (const claimId of batch) {
      const balance = balances.get(claimId);
      const claimPayerRows = payersOf.get(claimId);
      if (!balance || !claimPayerRows) continue;
      const findings = creditBalancesOf(balance, { duplicatePayments: duplicates.get(claimId) ?? {}, writtenOff: balance.writeOffs > 0 });
      for (const party of ['payer', 'patient'] as const) {
        const finding = findings.find((candidate) => candidate.party === party);
        const current = openByClaim.get(`${claimId}:${party}`);
        // The payer that overpaid; a patient's credit is filed under the claim's primary payer, as before.
        const named = claimPayerRows[finding?.level ?? 'primary'] ?? claimPayerRows.primary!;
        if (!finding && current) {
          await tx
            .update(creditBalances)
            .set({ status: 'resolved', resolution: 'recouped', resolvedBy: user, resolvedAt: at })
            .where(eq(creditBalances.id, current.id));
          await recordAudit(tx, {
            actor: user,
            action: 'credit-balance.recouped',
            entityType: 'credit-balance',
            entityId: current.id,
            detail: { claimId, amount: current.amount },
          });
        } else if (finding && current) {
          const payerChanged = party === 'payer' && current.payerId !== named.payerId;
          const reason = payerChanged ? finding.reason : current.reason;
          if (current.amount !== finding.amount || payerChanged) {
            await tx
              .update(creditBalances)
              .set({ amount: finding.amount, ...(payerChanged ? { payerId: named.payerId, reason } : {}) })
              .where(eq(creditBalances.id, current.id));
            await recordAudit(tx, {
              actor: user,
              action: 'credit-balance.changed',
              entityType: 'credit-balance',
              entityId: current.id,
              detail: { claimId, from: current.amount, to: finding.amount, ...(payerChanged ? { payerId: named.payerId } : {}) },
            });
          }
          found.push({
            creditBalanceId: current.id,
            claimId,
            party,
            ...(party === 'payer' ? { payerId: named.payerId } : {}),
            amount: finding.amount,
            reason,
          });
        } else if (finding) {
          const id = randomUUID();
          await tx.insert(creditBalances).values({
            id,
            claimId,
            payerId: named.payerId,
            party,
            reason: finding.reason,
            amount: finding.amount,
            identifiedAt: at,
            deadlineOn: addDays(at.toISOString().slice(0, 10), named.policy.creditBalanceDeadlineDays),
          });
          await recordAudit(tx, {
            actor: user,
            action: 'credit-balance.identified',
            entityType: 'credit-balance',
            entityId: id,
            detail: { claimId, party, ...(party === 'payer' ? { payerId: named.payerId } : {}), reason: finding.reason, amount: finding.amount },
          });
          found.push({
            creditBalanceId: id,
            claimId,
            party,
            ...(party === 'payer' ? { payerId: named.payerId } : {}),
            amount: finding.amount,
            reason: finding.reason,
          });
        }
      }
    }
  }
  return found;
}

export interface CreditBalanceFacts {
  creditBalanceId: string;
  claimId: string;
  orderId: string;
  party: 'payer' | 'patient';
  status: 'open' | 'resolved';
  amount: number;
  identifiedOn: string;
  deadlineOn: string;
  /** Days from identification to the deadline (the payer's creditBalanceDeadlineDays when it was found). */
  deadlineDays: number;
}

export function createCreditBalanceActivities({ db }: { db: Db }) {
  return {
    /** What the workflow needs to set its timers: ids, dates and amounts only. */
    async loadCreditBalance(input: { creditBalanceId: string }): Promise<CreditBalanceFacts> {
      const [found] = await db
        .select({ credit: creditBalances, orderId: claims.orderId })
        .from(creditBalances)
        .innerJoin(claims, eq(claims.id, creditBalances.claimId))
        .where(eq(creditBalances.id, input.creditBalanceId));
      if (!found) throw ApplicationFailure.nonRetryable(`credit balance ${input.creditBalanceId} does not exist`, 'CreditBalanceUnknown');
      const row = found.credit;
      const identifiedOn = row.identifiedAt.toISOString().slice(0, 10);
      return {
        creditBalanceId: row.id,
        claimId: row.claimId,
        orderId: found.orderId,
        party: row.party,
        status: row.status,
        amount: row.amount,
        identifiedOn,
        deadlineOn: row.deadlineOn,
        deadlineDays: Math.round((Date.parse(`${row.deadlineOn}T00:00:00Z`) - Date.parse(`${identifiedOn}T00:00:00Z`)) / 86_400_000),
      };
    },

    /**
     * Records the resolution staff chose: a refund puts the money back on the side that
     * overpaid (its balance returns to zero), an application moves the patient's credit
     * onto another of their claims. Resolving twice changes nothing.
     */
    async resolveCreditBalance(input: CreditBalanceResolved & { asOf: string }): Promise<{ resolved: boolean }> {
      const at = new Date(input.asOf);
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(creditBalances)
          .set({
            status: 'resolved',
            resolution: input.resolution,
            resolvedBy: input.user,
            resolvedAt: at,
            reference: input.reference ?? null,
            targetClaimId: input.targetClaimId ?? null,
            consent: input.consent ?? null,
          })
          .where(and(eq(creditBalances.id, input.creditBalanceId), eq(creditBalances.status, 'open')))
          .returning();
        if (!row) return { resolved: false };
        const entry = { remittanceId: null, creditBalanceId: row.id, actor: input.user, at };
        if (input.resolution === 'apply-to-balance') {
          await tx.insert(ledgerEntries).values([
            {
              ...entry,
              entryKey: `${row.id}:applied-from`,
              claimId: row.claimId,
              party: 'patient',
              kind: 'applied-credit',
              amount: row.amount,
              reason: `applied to claim ${input.targetClaimId}`,
            },
            {
              ...entry,
              entryKey: `${row.id}:applied-to`,
              claimId: input.targetClaimId!,
              party: 'patient',
              kind: 'applied-credit',
              amount: -row.amount,
              reason: `credit from claim ${row.claimId}`,
            },
          ]);
        } else {
          // A payer's refund goes back on that payer's side of the claim, at its level (claim_payers; the primary's without a row).
          const [level] =
            row.party === 'payer'
              ? await tx
                  .select({ level: claimPayers.level })
                  .from(claimPayers)
                  .where(and(eq(claimPayers.claimId, row.claimId), eq(claimPayers.payerId, row.payerId)))
              : [];
          await tx.insert(ledgerEntries).values({
            ...entry,
            entryKey: `${row.id}:refund`,
            claimId: row.claimId,
            party: row.party,
            kind: 'refund',
            amount: row.amount,
            ...(row.party === 'payer' ? { payerId: row.payerId, payerLevel: level?.level ?? 'primary' } : {}),
            reason: input.reference ? `refund ${input.reference}` : 'refund',
          });
          await tx.update(claims).set({ resolution: 'refunded', resolvedAt: at, updatedAt: new Date() }).where(eq(claims.id, row.claimId));
        }
        await recordAudit(tx, {
          actor: input.user,
          action: 'credit-balance.resolved',
          entityType: 'credit-balance',
          entityId: row.id,
          detail: {
            claimId: row.claimId,
            resolution: input.resolution,
            amount: row.amount,
            ...(input.targetClaimId ? { targetClaimId: input.targetClaimId, consent: input.consent === true } : {}),
          },
        });
        return { resolved: true };
      });
    },

    /** The workflow's deadline steps, audited as they happen (reminders, escalation, missed deadline). */
    async recordCreditBalanceStep(input: { creditBalanceId: string; step: 'remind' | 'escalate' | 'deadline'; asOf: string }): Promise<void> {
      await recordAudit(db, {
        actor: 'system',
        action: `credit-balance.${input.step}`,
        entityType: 'credit-balance',
        entityId: input.creditBalanceId,
        detail: { at: input.asOf },
      });
    },
  };
}

/**
 * A patient's payment on a claim, entered by staff (API): it lowers the patient's
 * balance, and paying more than owed leaves a patient credit balance.
 */
export async function recordPatientPayment(
  db: Db,
  input: { claimId: string; amount: number; receivedOn: string; reference?: string; user: string },
): Promise<{ paymentKey: string; creditBalances: PostedCreditBalance[] }> {
  const paymentKey = `patient-payment:${randomUUID()}`;
  const at = new Date();
  const found = await db.transaction(async (tx) => {
    await tx.insert(ledgerEntries).values({
      entryKey: paymentKey,
      claimId: input.claimId,
      party: 'patient',
      kind: 'patient-payment',
      amount: -input.amount,
      reason: input.reference ? `patient payment ${input.reference} received ${input.receivedOn}` : `patient payment received ${input.receivedOn}`,
      actor: input.user,
      at,
    });
    await recordAudit(tx, {
      actor: input.user,
      action: 'claim.patient-payment',
      entityType: 'claim',
      entityId: input.claimId,
      detail: { amount: input.amount, receivedOn: input.receivedOn },
    });
    return detectCreditBalances(tx, [input.claimId], new Map(), at, input.user);
  });
  return { paymentKey, creditBalances: found };
}

export type CreditBalanceActivities = ReturnType<typeof createCreditBalanceActivities>;
