/**
 * Posting an 835 (DOMAIN.md §11): one path for files uploaded through the API and
 * files collected from the clearinghouse mailbox.
 *
 * - A file that does not parse or balance is rejected whole: nothing is posted.
 * - A remittance is identified by payer + TRN trace number: posting the same one
 *   again changes nothing and answers with the first result.
 * - Each CLP is matched to our claim only when its patient control number, one of the
 *   payers the claim is billed to (claim_payers; the 835's payer identification resolved
 *   against our payer table) and the claim charge agree (domain/remittance-matching.ts);
 *   each SVC to our line by its REF*6R line control number (falling back to code + date).
 *   A CLP that does not match changes no claim: it is kept as unmatched and goes to the
 *   billers' work queue saying which part disagreed. The file as a whole must still parse
 *   and balance; its matching CLPs post, its mismatching ones wait for a biller.
 * - A CLP posts at the level its payer holds on the claim (DOMAIN.md §15): primary,
 *   secondary or tertiary, each payer's payment on the same claim, never a duplicate of
 *   another payer's. Every CAS is kept as sent. The claim ledger gets, on the posting
 *   payer's side, the money (paid) and the contractual write-offs (CO-45, CO-253…); the
 *   patient's share (PR) moves to the next payer's side when the claim has one, else to
 *   the patient's; denied amounts stay open for the claim workflow to work. The payer's
 *   claim_payers row records its adjudication; a crossover (CLP02 19/20/21 with MA18,
 *   MA07 or N89) marks the next payer's row as forwarded to it. PLB adjustments are posted
 *   at provider level, and a WO recovery naming one of our ICNs also on that claim's
 *   ledger.
 * - Paid lines of a primary are compared with the fee schedule; a shortfall above the
 *   tolerance becomes a biller task. Claims whose payments now exceed what they are owed
 *   get a credit balance with its report-and-return deadline.
 *
 * Rows are written in batches inside one transaction, so a large remittance posts fast
 * and still posts whole or not at all.
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { recordAudit } from '../db/audit';
import type { Db } from '../db/client';
import {
  adjustments,
  claimLines,
  claimPayers,
  claimPayments,
  claims,
  ledgerEntries,
  linePayments,
  orders,
  patients,
  payers,
  providerAdjustments,
  remittances,
  remittanceStatuses,
  tasks,
} from '../db/schema';
import { crossoverRemarks, isCrossover, type PayerLevel } from '../domain/coordination';
import { payerPolicy, type PayerPolicy } from '../domain/payer-policy';
import { expectedLinePayment, ledgerMovements, nextPayerAfter, splitClaimPayment, underpayment, type LedgerSide } from '../domain/posting';
import { matchRemittanceClaim, resolveRemittancePayer, type ClaimMismatch } from '../domain/remittance-matching';
import { lineAllowedAmount, type FeeSchedule } from '../domain/pricing';
import { isDenial } from '../domain/denials';
import { parse835, X12Error, type Remittance, type RemittanceClaim } from '../domain/x12';
import type { RemittancePosted } from '../workflows/definitions';
import { sampleFeeSchedule } from './clearinghouse/sandbox-payer';
import { chunks, detectCreditBalances, type DuplicatePayments, type PostedCreditBalance, type Tx } from './credit-balances';

export type PostingOutcome = 'paid' | 'partially-paid' | 'denied' | 'reversed';

/** Underpayments up to this many cents per claim are rounding, not worth a biller's time (UNDERPAYMENT_TOLERANCE_CENTS). */
const DEFAULT_UNDERPAYMENT_TOLERANCE_CENTS = 100;

export interface PostedRemittance {
  remittanceId: string;
  traceNumber: string;
  payerIdentifier: string;
  /** Our payer the 835 was recognised as, or null when it names none of ours (every CLP is then unmatched). */
  payerId: string | null;
  paymentAmount: number;
  /** True when this remittance had been posted before: nothing was posted this time. */
  duplicate: boolean;
  claims: Array<{
    claimId: string;
    claimNumber: string;
    outcome: PostingOutcome;
    /** The level the 835's payer holds on the claim (claim_payers): the CLP posted there. */
    level: PayerLevel;
    /** The payer forwarded the claim to the next payer itself (CLP02 19/20/21 with MA18, MA07 or N89): wait for its 835, send no 837P. */
    crossover: boolean;
    /** The claim's next payer, whose side this CLP's PR moved to; absent when the PR is the patient's. */
    nextLevel?: PayerLevel;
    paid: number;
    /** CLP05 as sent: owed by the next payer when there is one (nextLevel), else by the patient. */
    patientResponsibility: number;
    /** Part of `paid` that paid lines already paid (a credit balance). */
    duplicatePayment?: number;
    /** Shortfall against the fee schedule beyond the tolerance (a biller task). */
    underpaid?: number;
  }>;
  /** CLPs posted to no claim: which part disagreed, and our claim when CLP01 named one (left untouched). */
  unmatched: Array<{ patientControlNumber: string; disagrees: ClaimMismatch; reason: string; claimId?: string }>;
  providerAdjustments: number;
  /** Credit balances found or changed by this posting: each runs a creditBalanceWorkflow. */
  creditBalances: PostedCreditBalance[];
}

type StoredRow = typeof remittances.$inferSelect;

/** A remittance of an uploaded or collected file, as stored for its remittanceWorkflow. */
export interface StoredRemittance {
  remittanceId: string;
  payerIdentifier: string;
  traceNumber: string;
  status: (typeof remittanceStatuses)[number];
  /** True when this payer + trace number was stored before: the file was not stored again. */
  duplicate: boolean;
}

export type StoringResult = { ok: true; remittances: StoredRemittance[] } | { ok: false; problems: Array<{ code: string; message: string }> };

/** What posting one remittance did, in counts: activity results never grow with the file. */
export interface RemittancePostingCounts {
  claims: number;
  unmatched: number;
  creditBalances: number;
  /** True when it had been posted before (a retry, a second workflow): nothing was posted this time. */
  duplicate: boolean;
}

/** The first posting's result, as stored with the remittance (results stored before coordination of benefits posted at the primary). */
export function firstResult(row: StoredRow): PostedRemittance {
  const first = row.summary as unknown as PostedRemittance;
  return {
    ...first,
    claims: first.claims.map((claim) => ({ ...claim, level: claim.level ?? 'primary', crossover: claim.crossover ?? false })),
    creditBalances: first.creditBalances ?? [],
    duplicate: true,
  };
}

export type PostingResult = { ok: true; remittances: PostedRemittance[] } | { ok: false; problems: Array<{ code: string; message: string }> };

/**
 * What a CLP means for the claim. A claim paid nothing but owed entirely by the
 * patient (deductible) or the next payer, besides contractual adjustments, is finalized
 * as paid: the payer's part is done. So is a later payer's CLP paid nothing with
 * contractual adjustments only (CARC 23, the prior payer's part, and CO-45: Medicaid
 * pays nothing when Medicare paid more than Medicaid allows).
 */
function claimPaymentOutcome(claim: RemittanceClaim, level: PayerLevel): PostingOutcome {
  if (claim.status === '22') return 'reversed';
  if (claim.status === '4') return 'denied';
  const lineDenied = claim.lines.some((line) => line.adjustments.some((adjustment) => isDenial(adjustment, line.remarkCodes)));
  if (claim.paid === 0) {
    const all = [
      ...claim.adjustments.map((adjustment) => ({ adjustment, remarks: claim.remarkCodes })),
      ...claim.lines.flatMap((line) => line.adjustments.map((adjustment) => ({ adjustment, remarks: line.remarkCodes }))),
    ];
    const patientShare = all.some(({ adjustment }) => adjustment.group === 'PR');
    const settled = all.every(({ adjustment, remarks }) => adjustment.group === 'PR' || !isDenial(adjustment, remarks));
    return all.length > 0 && settled && (patientShare || level !== 'primary') ? 'paid' : 'denied';
  }
  return lineDenied ? 'partially-paid' : 'paid';
}

/** With TRN02, the remittance's identity (TRN03 is required and TRN02 unique per payer and payee: 005010X221A1 TRN). */
const payerIdentifierOf = (remittance: Remittance) => remittance.payerTraceId;

async function insertAll<T>(tx: Tx, rows: readonly T[], insert: (batch: T[]) => Promise<unknown>) {
  for (const batch of chunks(rows)) await insert(batch);
}

type Column<T> = readonly [name: string, type: string, value: (row: T) => unknown];

/**
 * INSERT … SELECT FROM unnest(…): one array parameter per column, so a batch of
 * thousands of rows is one short statement (building a VALUES list row by row costs
 * more than the database's work at these volumes).
 */
async function insertUnnested<T>(tx: Tx, table: string, columns: ReadonlyArray<Column<T>>, rows: readonly T[]) {
  for (const batch of chunks(rows, 5_000)) {
    const arrays = columns.map(([, type, value]) => sql`${sql.param(batch.map(value))}::${sql.raw(type)}[]`);
    await tx.execute(
      sql`insert into ${sql.identifier(table)} (${sql.raw(columns.map(([name]) => `"${name}"`).join(', '))}) select * from unnest(${sql.join(arrays, sql`, `)})`,
    );
  }
}

const json = (value: unknown) => JSON.stringify(value ?? []);

const claimPaymentColumns: ReadonlyArray<Column<typeof claimPayments.$inferInsert>> = [
  ['id', 'uuid', (row) => row.id],
  ['remittance_id', 'uuid', (row) => row.remittanceId],
  ['claim_id', 'uuid', (row) => row.claimId ?? null],
  ['patient_control_number', 'text', (row) => row.patientControlNumber],
  ['status_code', 'text', (row) => row.statusCode],
  ['outcome', 'text', (row) => row.outcome],
  ['charge', 'bigint', (row) => row.charge],
  ['paid', 'bigint', (row) => row.paid],
  ['patient_responsibility', 'bigint', (row) => row.patientResponsibility],
  ['payer_claim_number', 'text', (row) => row.payerClaimNumber],
  ['remark_codes', 'jsonb', (row) => json(row.remarkCodes)],
  ['position', 'int', (row) => row.position],
  ['payer_id', 'text', (row) => row.payerId ?? null],
  ['payer_level', 'text', (row) => row.payerLevel ?? null],
];
const linePaymentColumns: ReadonlyArray<Column<typeof linePayments.$inferInsert>> = [
  ['id', 'uuid', (row) => row.id],
  ['claim_payment_id', 'uuid', (row) => row.claimPaymentId],
  ['claim_line_id', 'uuid', (row) => row.claimLineId ?? null],
  ['hcpcs', 'text', (row) => row.hcpcs],
  ['modifiers', 'jsonb', (row) => json(row.modifiers)],
  ['charge', 'bigint', (row) => row.charge],
  ['paid', 'bigint', (row) => row.paid],
  ['allowed', 'bigint', (row) => row.allowed ?? null],
  ['units', 'int', (row) => row.units],
  ['line_control_number', 'text', (row) => row.lineControlNumber ?? null],
  ['service_from', 'date', (row) => row.serviceFrom ?? null],
  ['remark_codes', 'jsonb', (row) => json(row.remarkCodes)],
];
const adjustmentColumns: ReadonlyArray<Column<typeof adjustments.$inferInsert>> = [
  ['claim_payment_id', 'uuid', (row) => row.claimPaymentId],
  ['line_payment_id', 'uuid', (row) => row.linePaymentId ?? null],
  ['group_code', 'text', (row) => row.groupCode],
  ['reason_code', 'text', (row) => row.reasonCode],
  ['amount', 'bigint', (row) => row.amount],
  ['quantity', 'int', (row) => row.quantity ?? null],
];
const ledgerColumns: ReadonlyArray<Column<typeof ledgerEntries.$inferInsert>> = [
  ['entry_key', 'text', (row) => row.entryKey],
  ['claim_id', 'uuid', (row) => row.claimId],
  ['party', 'text', (row) => row.party],
  ['kind', 'text', (row) => row.kind],
  ['amount', 'bigint', (row) => row.amount],
  ['remittance_id', 'uuid', (row) => row.remittanceId ?? null],
  ['credit_balance_id', 'uuid', (row) => row.creditBalanceId ?? null],
  ['payer_id', 'text', (row) => row.payerId ?? null],
  ['payer_level', 'text', (row) => row.payerLevel ?? null],
  ['reason', 'text', (row) => row.reason ?? null],
  ['actor', 'text', (row) => row.actor],
  ['at', 'timestamptz', (row) => (row.at as Date).toISOString()],
];

export interface RemittanceActivityDeps {
  db: Db;
  /** Expected payments are priced with it; the shipped sample of the CMS DMEPOS file by default. */
  feeSchedule?: FeeSchedule;
  /** Shortfalls per claim up to this many cents are not flagged (UNDERPAYMENT_TOLERANCE_CENTS). */
  underpaymentToleranceCents?: number;
}

export function createRemittanceActivities({
  db,
  feeSchedule,
  underpaymentToleranceCents = DEFAULT_UNDERPAYMENT_TOLERANCE_CENTS,
}: RemittanceActivityDeps) {
  const schedule = () => feeSchedule ?? sampleFeeSchedule();

  /**
   * Our claims by patient control number, their lines, payers (claim_payers), payer rules,
   * patient state and ledger facts: what each payer has paid of each claim and line (a
   * duplicate is the same payer paying again), and each level's side of the ledger.
   */
  async function loadClaims(numbers: string[]) {
    const ours: Array<typeof claims.$inferSelect & { patientState: string; payerKind: PayerPolicy['kind']; payerSettings: Record<string, unknown> }> =
      [];
    for (const batch of chunks([...new Set(numbers)], 5_000)) {
      const rows = await db
        .select({ claim: claims, patientState: patients.state, payerKind: payers.kind, payerSettings: payers.settings })
        .from(claims)
        .innerJoin(orders, eq(orders.id, claims.orderId))
        .innerJoin(patients, eq(patients.id, orders.patientId))
        .innerJoin(payers, eq(payers.id, claims.payerId))
        .where(inArray(claims.claimNumber, batch));
      ours.push(...rows.map((row) => ({ ...row.claim, patientState: row.patientState, payerKind: row.payerKind, payerSettings: row.payerSettings })));
    }
    const ids = ours.map((claim) => claim.id);
    const lines: Array<typeof claimLines.$inferSelect> = [];
    const payersOf = new Map<string, Array<{ level: PayerLevel; payerId: string; status: (typeof claimPayers.$inferSelect)['status'] }>>();
    /** Keyed claim:level (write-offs, sides) and claim:payer or line:payer (paid so far). */
    const writtenOff = new Map<string, number>();
    const sides = new Map<string, { balance: number; contractual: number }>();
    const claimPaidBy = new Map<string, number>();
    const linePaidBy = new Map<string, number>();
    for (const batch of chunks(ids, 5_000)) {
      lines.push(...(await db.select().from(claimLines).where(inArray(claimLines.claimId, batch))));
      const rows = await db
        .select({ claimId: claimPayers.claimId, level: claimPayers.level, payerId: claimPayers.payerId, status: claimPayers.status })
        .from(claimPayers)
        .where(inArray(claimPayers.claimId, batch));
      for (const { claimId, ...payer } of rows) payersOf.set(claimId, [...(payersOf.get(claimId) ?? []), payer]);
      const level = sql<PayerLevel>`coalesce(${ledgerEntries.payerLevel}, 'primary')`;
      const ledger = await db
        .select({
          claimId: ledgerEntries.claimId,
          level,
          total: sql<number>`sum(${ledgerEntries.amount})`.mapWith(Number),
          contractual: sql<number>`coalesce(-sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} = 'contractual'), 0)`.mapWith(Number),
          writeOffs: sql<number>`coalesce(sum(${ledgerEntries.amount}) filter (where ${ledgerEntries.kind} = 'write-off'), 0)`.mapWith(Number),
        })
        .from(ledgerEntries)
        .where(and(inArray(ledgerEntries.claimId, batch), eq(ledgerEntries.party, 'payer')))
        .groupBy(ledgerEntries.claimId, level);
      for (const side of ledger) {
        sides.set(`${side.claimId}:${side.level}`, { balance: side.total, contractual: side.contractual });
        if (side.writeOffs !== 0) writtenOff.set(`${side.claimId}:${side.level}`, side.writeOffs);
      }
      const paid = await db
        .select({ claimId: claimPayments.claimId, payerId: claimPayments.payerId, paid: sql<number>`sum(${claimPayments.paid})`.mapWith(Number) })
        .from(claimPayments)
        .where(inArray(claimPayments.claimId, batch))
        .groupBy(claimPayments.claimId, claimPayments.payerId);
      for (const row of paid) claimPaidBy.set(`${row.claimId}:${row.payerId}`, row.paid);
      const linePaid = await db
        .select({ lineId: linePayments.claimLineId, payerId: claimPayments.payerId, paid: sql<number>`sum(${linePayments.paid})`.mapWith(Number) })
        .from(linePayments)
        .innerJoin(claimPayments, eq(claimPayments.id, linePayments.claimPaymentId))
        .where(inArray(claimPayments.claimId, batch))
        .groupBy(linePayments.claimLineId, claimPayments.payerId);
      for (const row of linePaid) if (row.lineId) linePaidBy.set(`${row.lineId}:${row.payerId}`, row.paid);
    }
    return { ours, lines, payersOf, writtenOff, sides, claimPaidBy, linePaidBy };
  }

  /** Posts one stored remittance (its transaction set of the file); once posted, answers with the first result. */
  async function postOne(stored: StoredRow, remittance: Remittance, at: Date): Promise<PostedRemittance> {
    if (stored.postedAt) return firstResult(stored);
    const { id: remittanceId, payerIdentifier, receivedBy: user } = stored;
    const payerRows = await db.select({ id: payers.id, ediPayerId: payers.ediPayerId, remittancePayerIds: payers.remittancePayerIds }).from(payers);
    const payer = resolveRemittancePayer(
      {
        nationalPlanId: remittance.payer.nationalPlanId,
        payerIdNumber: remittance.payer.payerIdNumber,
        originatingCompanyId: remittance.payerTraceId,
      },
      payerRows,
    );
    const {
      ours,
      lines: ourLines,
      payersOf,
      writtenOff,
      sides,
      claimPaidBy,
      linePaidBy,
    } = await loadClaims(remittance.claims.map((claim) => claim.patientControlNumber));
    const byNumber = new Map(ours.map((claim) => [claim.claimNumber, claim]));
    const paymentDate = remittance.paymentDate || stored.receivedAt.toISOString().slice(0, 10);
    const linesByClaim = new Map<string, Array<typeof claimLines.$inferSelect>>();
    for (const line of ourLines) linesByClaim.set(line.claimId, [...(linesByClaim.get(line.claimId) ?? []), line]);

    const result: PostedRemittance = {
      remittanceId,
      traceNumber: remittance.traceNumber,
      payerIdentifier,
      payerId: payer.resolved ? payer.payerId : null,
      paymentAmount: remittance.paymentAmount,
      duplicate: false,
      claims: [],
      unmatched: [],
      providerAdjustments: remittance.providerAdjustments.length,
      creditBalances: [],
    };

    const claimPaymentRows: Array<typeof claimPayments.$inferInsert> = [];
    const linePaymentRows: Array<typeof linePayments.$inferInsert> = [];
    const adjustmentRows: Array<typeof adjustments.$inferInsert> = [];
    const ledgerRows: Array<typeof ledgerEntries.$inferInsert> = [];
    const taskRows: Array<typeof tasks.$inferInsert> = [];
    const lineUpdates = new Map<string, { delta: number; allowed: number | null }>();
    const claimUpdates = new Map<
      string,
      { status: PostingOutcome; paid: number; patientResponsibility: number; payerClaimNumber: string | null; resolveAsPaid: boolean }
    >();
    /** Each posting payer's claim_payers row, claim:level: what its CLPs did. */
    const payerUpdates = new Map<
      string,
      { claimId: string; level: PayerLevel; payerId: string; paid: number; payerClaimNumber: string | null; adjudicatedOn: string | null }
    >();
    const crossovers = new Map<string, { claimId: string; level: PayerLevel; note: string }>();
    const duplicates: DuplicatePayments = new Map();
    /**
     * Ledger rows, and the live sides of each claim (claim:level) as this remittance's
     * CLPs are applied in turn; a payer side names its payer and level.
     */
    const entry = (claimId: string, key: string, side: LedgerSide, kind: typeof ledgerEntries.$inferInsert.kind, amount: number, reason?: string) => {
      if (amount === 0) return;
      const payerColumns = side.party === 'payer' ? { payerId: side.payerId, payerLevel: side.level } : { payerId: null, payerLevel: null };
      ledgerRows.push({
        entryKey: key,
        claimId,
        party: side.party,
        kind,
        amount,
        remittanceId,
        ...payerColumns,
        reason: reason ?? null,
        actor: user,
        at,
      });
      if (side.party === 'patient') return;
      const live = sides.get(`${claimId}:${side.level}`) ?? { balance: 0, contractual: 0 };
      live.balance += amount;
      if (kind === 'contractual') live.contractual -= amount;
      sides.set(`${claimId}:${side.level}`, live);
    };

    // A reversal undoes a payment before the corrected payment of the same claim posts, whatever their order in the file.
    const ordered = [...remittance.claims].sort(
      (a, b) =>
        (a.patientControlNumber === b.patientControlNumber ? Number(b.status === '22') - Number(a.status === '22') : 0) || a.position - b.position,
    );
    for (const clp of ordered) {
      const named = byNumber.get(clp.patientControlNumber);
      const match = matchRemittanceClaim(clp, named && { ...named, payers: payersOf.get(named.id) ?? [] }, payer);
      const claim = match.matched ? named : undefined;
      const level = match.matched ? match.level : 'primary';
      const outcome = claimPaymentOutcome(clp, level);
      const claimPaymentId = randomUUID();
      claimPaymentRows.push({
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
        payerId: claim && payer.resolved ? payer.payerId : null,
        payerLevel: claim ? level : null,
      });
      for (const adjustment of clp.adjustments) {
        adjustmentRows.push({
          claimPaymentId,
          groupCode: adjustment.group,
          reasonCode: adjustment.reason,
          amount: adjustment.amount,
          quantity: adjustment.quantity !== undefined ? Math.round(adjustment.quantity) : null,
        });
      }
      const linesOfClaim = claim ? (linesByClaim.get(claim.id) ?? []) : [];
      const matchedLines = clp.lines.map((svc) => {
        const line =
          linesOfClaim.find((candidate) => svc.lineControlNumber !== undefined && candidate.lineControlNumber === svc.lineControlNumber) ??
          linesOfClaim.find((candidate) => candidate.hcpcs === svc.hcpcs && (!svc.serviceFrom || candidate.serviceFrom === svc.serviceFrom));
        const linePaymentId = randomUUID();
        linePaymentRows.push({
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
          adjustmentRows.push({
            claimPaymentId,
            linePaymentId,
            groupCode: adjustment.group,
            reasonCode: adjustment.reason,
            amount: adjustment.amount,
            quantity: adjustment.quantity !== undefined ? Math.round(adjustment.quantity) : null,
          });
        }
        return { svc, line };
      });

      if (!claim) {
        const { disagrees, reason } = match as Extract<typeof match, { matched: false }>;
        result.unmatched.push({ patientControlNumber: clp.patientControlNumber, disagrees, reason, ...(named ? { claimId: named.id } : {}) });
        taskRows.push({
          id: randomUUID(),
          taskKey: `remittance-${remittanceId}:unmatched:${clp.position}`,
          ...(named ? { orderId: named.orderId, claimId: named.id } : {}),
          role: 'biller',
          kind: 'remittance-unmatched',
          title: `Remittance ${remittance.traceNumber}: CLP at segment ${clp.position} not posted, ${disagrees} disagrees: ${reason} (payer claim ${clp.payerClaimNumber}); no claim was changed: check the file and match it by hand`,
          createdAt: at,
        });
        continue;
      }

      // Matched means the payer resolved and is one of the claim's payers.
      const payerId = (payer as Extract<typeof payer, { resolved: true }>).payerId;
      const payerSide = { party: 'payer' as const, payerId, level };
      const paidBy = (id: string) => `${id}:${payerId}`;
      const levelSide = sides.get(`${claim.id}:${level}`) ?? { balance: 0, contractual: 0 };
      const split = splitClaimPayment({
        status: clp.status,
        paid: clp.paid,
        adjustments: clp.adjustments,
        remarkCodes: clp.remarkCodes,
        // A duplicate is this payer paying again: a later payer's payment never duplicates an earlier payer's.
        alreadyPaid: (claimPaidBy.get(paidBy(claim.id)) ?? 0) > 0,
        lines: matchedLines.map(({ svc, line }) => ({
          paid: svc.paid,
          adjustments: svc.adjustments,
          remarkCodes: svc.remarkCodes,
          alreadyPaid: line !== undefined && (linePaidBy.get(paidBy(line.id)) ?? 0) > 0,
        })),
        ...(level !== 'primary' ? { laterPayer: levelSide } : {}),
      });
      const next = nextPayerAfter(level, payersOf.get(claim.id) ?? []);
      const key = (what: string) => `${claimPaymentId}:${what}`;
      for (const movement of ledgerMovements(split, { payerId, level }, next)) {
        entry(claim.id, key(movement.what), movement.side, movement.kind, movement.amount, movement.reason);
      }
      const paying = clp.status !== '22' && split.duplicatePayment < clp.paid && clp.paid > 0;
      const offKey = `${claim.id}:${level}`;
      const offs = writtenOff.get(offKey);
      if (paying && offs) {
        // The payer paid a balance we had written off (it reopened or reversed its denial): the write-off no longer stands.
        entry(claim.id, key('write-off-reversed'), payerSide, 'write-off', -offs, 'write-off reversed: the payer paid after all');
        writtenOff.delete(offKey);
      }
      if (split.duplicatePayment) {
        const byLevel = duplicates.get(claim.id) ?? {};
        byLevel[level] = (byLevel[level] ?? 0) + split.duplicatePayment;
        duplicates.set(claim.id, byLevel);
      }
      const remarks = [...new Set([...clp.remarkCodes, ...clp.lines.flatMap((line) => line.remarkCodes)])];
      const crossover = isCrossover(clp.status, remarks);
      if (crossover && next) {
        const said = remarks.filter((code) => (crossoverRemarks as readonly string[]).includes(code));
        crossovers.set(`${claim.id}:${next.level}`, {
          claimId: claim.id,
          level: next.level,
          note: `forwarded by the ${level} payer ${payerId} (CLP02 ${clp.status}): ${said.join(', ')}`,
        });
      }

      for (const { svc, line } of matchedLines) {
        if (!line) continue;
        const update = lineUpdates.get(line.id) ?? { delta: 0, allowed: null };
        update.delta += svc.paid;
        if (svc.allowed !== undefined) update.allowed = svc.allowed;
        lineUpdates.set(line.id, update);
        linePaidBy.set(paidBy(line.id), (linePaidBy.get(paidBy(line.id)) ?? 0) + svc.paid);
      }
      claimPaidBy.set(paidBy(claim.id), (claimPaidBy.get(paidBy(claim.id)) ?? 0) + clp.paid);
      const adjudicated = clp.status !== '22';
      const payerUpdate = payerUpdates.get(offKey) ?? { claimId: claim.id, level, payerId, paid: 0, payerClaimNumber: null, adjudicatedOn: null };
      payerUpdate.paid += clp.paid;
      if (adjudicated) Object.assign(payerUpdate, { payerClaimNumber: clp.payerClaimNumber, adjudicatedOn: paymentDate });
      payerUpdates.set(offKey, payerUpdate);

      // The fee schedule prices the primary's payment; a later payer pays what the prior payers left, by its own rules.
      const underpaid = clp.status === '22' || split.duplicatePayment > 0 || level !== 'primary' ? 0 : underpaymentOf(claim, matchedLines);
      if (underpaid > 0) {
        taskRows.push({
          id: randomUUID(),
          taskKey: `remittance-${remittanceId}:underpaid:${clp.position}`,
          orderId: claim.orderId,
          claimId: claim.id,
          role: 'biller',
          kind: 'underpayment',
          title: `Claim ${claim.claimNumber} paid ${money(underpaid)} less than the fee schedule and payer policy expect (remittance ${remittance.traceNumber}): review and appeal if the payer priced it wrong`,
          createdAt: at,
        });
      }
      const previous = claimUpdates.get(claim.id);
      claimUpdates.set(claim.id, {
        status: outcome,
        paid: (previous?.paid ?? 0) + clp.paid,
        // The claim's patient responsibility is what the patient owes after all its payers: PR passed to a next payer is not.
        patientResponsibility: (previous?.patientResponsibility ?? 0) + (next ? 0 : split.patientResponsibility),
        // claims.payer_claim_number is the primary's ICN (status inquiries and corrections go to the primary); each payer's is on its claim_payers row.
        payerClaimNumber: level === 'primary' ? clp.payerClaimNumber : (previous?.payerClaimNumber ?? null),
        resolveAsPaid: (previous?.resolveAsPaid ?? false) || (paying && offs !== undefined),
      });
      result.claims.push({
        claimId: claim.id,
        claimNumber: claim.claimNumber,
        outcome,
        level,
        crossover,
        ...(next ? { nextLevel: next.level } : {}),
        paid: clp.paid,
        patientResponsibility: clp.patientResponsibility,
        ...(split.duplicatePayment ? { duplicatePayment: split.duplicatePayment } : {}),
        ...(underpaid ? { underpaid } : {}),
      });
    }

    await db.transaction(async (tx) => {
      // The row lock makes a concurrent or retried posting wait here, then find it posted and write nothing.
      const claimed = await tx
        .update(remittances)
        .set({ postedAt: at })
        .where(and(eq(remittances.id, remittanceId), isNull(remittances.postedAt)))
        .returning({ id: remittances.id });
      if (claimed.length === 0) throw new DuplicateRace();

      await insertUnnested(tx, 'claim_payments', claimPaymentColumns, claimPaymentRows);
      await insertUnnested(tx, 'line_payments', linePaymentColumns, linePaymentRows);
      await insertUnnested(tx, 'adjustments', adjustmentColumns, adjustmentRows);
      const array = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;
      for (const batch of chunks([...lineUpdates], 5_000)) {
        await tx.execute(sql`update claim_lines as l set paid_amount = l.paid_amount + v.delta, allowed_amount = coalesce(v.allowed, l.allowed_amount)
          from unnest(${array(
            batch.map(([id]) => id),
            'uuid',
          )}, ${array(
            batch.map(([, update]) => update.delta),
            'bigint',
          )}, ${array(
            batch.map(([, update]) => update.allowed),
            'bigint',
          )}) as v(id, delta, allowed)
          where l.id = v.id`);
      }
      for (const batch of chunks([...claimUpdates], 5_000)) {
        const column = <K extends keyof (typeof batch)[number][1]>(key: K) => batch.map(([, update]) => update[key]);
        await tx.execute(sql`update claims as c set status = v.status, paid_amount = c.paid_amount + v.paid,
            patient_responsibility = c.patient_responsibility + v.pr, payer_claim_number = coalesce(v.icn, c.payer_claim_number), updated_at = now(),
            resolution = case when v.resolve then (case when c.patient_responsibility + v.pr > 0 then 'patient-billed' else 'paid' end) else c.resolution end
          from unnest(${array(
            batch.map(([id]) => id),
            'uuid',
          )}, ${array(column('status'), 'text')}, ${array(column('paid'), 'bigint')}, ${array(column('patientResponsibility'), 'bigint')},
            ${array(column('payerClaimNumber'), 'text')}, ${array(column('resolveAsPaid'), 'boolean')}) as v(id, status, paid, pr, icn, resolve)
          where c.id = v.id`);
      }
      await recordPayerAdjudications(tx, [...payerUpdates.values()]);
      for (const batch of chunks([...crossovers.values()], 5_000)) {
        // A row our own 837P already went to, or that has posted, has gone further than the crossover: it keeps its status.
        await tx.execute(sql`update claim_payers as p set status = 'crossover', note = v.note, updated_at = now()
          from unnest(${array(
            batch.map((row) => row.claimId),
            'uuid',
          )}, ${array(
            batch.map((row) => row.level),
            'text',
          )}, ${array(
            batch.map((row) => row.note),
            'text',
          )}) as v(claim_id, level, note)
          where p.claim_id = v.claim_id and p.level = v.level and p.status in ('pending', 'crossover')`);
      }

      await insertAll(
        tx,
        remittance.providerAdjustments.map((plb) => ({
          remittanceId,
          providerId: plb.providerId,
          fiscalPeriodDate: plb.fiscalPeriodDate,
          reasonCode: plb.reason,
          referenceId: plb.referenceId ?? null,
          amount: plb.amount,
        })),
        (batch) => tx.insert(providerAdjustments).values(batch),
      );
      // PLB WO recovers an overpayment, usually naming the ICN it recovers: that claim's payer balance goes back up.
      const recoveries = remittance.providerAdjustments.filter((plb) => plb.reason === 'WO' && plb.referenceId);
      if (recoveries.length > 0) {
        const icns = [...new Set(recoveries.map((plb) => plb.referenceId!))];
        // An ICN is the payer's own number: only this payer's payments are looked up, and the recovery goes back on its side.
        const paidUnder = await tx
          .selectDistinct({
            claimId: claimPayments.claimId,
            icn: claimPayments.payerClaimNumber,
            payerId: claimPayments.payerId,
            level: claimPayments.payerLevel,
          })
          .from(claimPayments)
          .where(and(inArray(claimPayments.payerClaimNumber, icns), payer.resolved ? eq(claimPayments.payerId, payer.payerId) : sql`true`));
        recoveries.forEach((plb, index) => {
          const paid = paidUnder.find((row) => row.icn === plb.referenceId && row.claimId);
          if (!paid?.claimId) return;
          const side = { party: 'payer' as const, payerId: paid.payerId, level: paid.level ?? 'primary' };
          entry(paid.claimId, `${remittanceId}:plb:${index}`, side, 'recoupment', plb.amount, `PLB WO ${plb.referenceId}`);
        });
      }
      await insertUnnested(tx, 'ledger_entries', ledgerColumns, ledgerRows);

      result.creditBalances = await detectCreditBalances(tx, [...new Set(ledgerRows.map((row) => row.claimId))], duplicates, at, user);
      await insertAll(tx, taskRows, (batch) => tx.insert(tasks).values(batch).onConflictDoNothing());
      await tx
        .update(remittances)
        .set({ summary: result as unknown as Record<string, unknown> })
        .where(eq(remittances.id, remittanceId));
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
          underpaid: result.claims.filter((claim) => claim.underpaid).length,
          creditBalances: result.creditBalances.length,
        },
      });
    });
    return result;
  }

  /** Shortfall of the paid lines of one CLP against the fee schedule (0 within the tolerance). */
  function underpaymentOf(
    claim: { patientState: string; payerKind: PayerPolicy['kind']; payerSettings: Record<string, unknown> },
    matched: Array<{ svc: RemittanceClaim['lines'][number]; line?: typeof claimLines.$inferSelect }>,
  ): number {
    const policy = payerPolicy(claim.payerKind, claim.payerSettings as Partial<PayerPolicy>);
    const state = claim.patientState.toUpperCase();
    if (!schedule().states.includes(state)) return 0;
    const compared = matched.flatMap(({ svc, line }) => {
      if (svc.paid < 0 || svc.adjustments.some((adjustment) => isDenial(adjustment, svc.remarkCodes))) return [];
      const fee = lineAllowedAmount(
        schedule(),
        {
          hcpcs: svc.hcpcs,
          modifiers: line?.modifiers ?? svc.modifiers,
          units: line?.units ?? Math.round(svc.unitsPaid ?? 1),
          ...(line?.rentalMonth ? { rentalMonth: line.rentalMonth } : {}),
        },
        { state, rural: false },
      );
      const expected = expectedLinePayment({
        charge: svc.charge,
        feeScheduleAmount: fee,
        deductibleApplied: svc.adjustments
          .filter((adjustment) => adjustment.group === 'PR' && adjustment.reason === '1')
          .reduce((total, adjustment) => total + adjustment.amount, 0),
        coinsuranceRate: policy.coinsuranceRate,
        sequestrationRate: policy.sequestrationRate,
      });
      return expected === undefined ? [] : [{ expected, paid: svc.paid }];
    });
    return underpayment(compared, underpaymentToleranceCents);
  }

  async function storedRow(remittanceId: string): Promise<StoredRow> {
    const [row] = await db.select().from(remittances).where(eq(remittances.id, remittanceId));
    if (!row) throw ApplicationFailure.nonRetryable(`No remittance ${remittanceId}`, 'RemittanceNotFound');
    return row;
  }

  /** Posts a stored remittance; a second call (a retry, a second workflow) posts nothing and answers with the first result. */
  async function postStored(remittanceId: string, at: Date): Promise<PostedRemittance> {
    const row = await storedRow(remittanceId);
    if (row.postedAt) return firstResult(row);
    await db
      .update(remittances)
      .set({ status: 'posting' })
      .where(and(eq(remittances.id, remittanceId), eq(remittances.status, 'received')));
    // The file was parsed when it was stored; its transaction set is found again by payer and trace number.
    const remittance = parse835(row.content).find(
      (candidate) => payerIdentifierOf(candidate) === row.payerIdentifier && candidate.traceNumber === row.traceNumber,
    );
    if (!remittance)
      throw ApplicationFailure.nonRetryable(`Remittance ${remittanceId}: its file no longer holds its trace number`, 'RemittanceFileChanged');
    try {
      return await postOne(row, remittance, at);
    } catch (error) {
      // Another posting of the same remittance committed first.
      if (!(error instanceof DuplicateRace)) throw error;
      return firstResult(await storedRow(remittanceId));
    }
  }

  /**
   * Parses and balances an 835 file and stores each of its remittances (status received)
   * under payer + trace number; nothing is stored for a file with problems. A remittance
   * stored before is found, not stored again (`duplicate`).
   */
  async function storeRemittances(input: { content: string; source: 'api' | 'mailbox'; user: string }): Promise<StoringResult> {
    let parsed: Remittance[];
    try {
      parsed = parse835(input.content);
    } catch (error) {
      if (error instanceof X12Error) {
        return { ok: false, problems: error.issues.map((issue) => ({ code: issue.code, message: issue.message })) };
      }
      throw error;
    }
    const stored: StoredRemittance[] = [];
    for (const remittance of parsed) {
      const payerIdentifier = payerIdentifierOf(remittance);
      const [inserted] = await db
        .insert(remittances)
        .values({
          id: randomUUID(),
          payerIdentifier,
          traceNumber: remittance.traceNumber,
          payerName: remittance.payer.name,
          paymentAmount: remittance.paymentAmount,
          paymentMethod: remittance.paymentMethod,
          paymentDate: remittance.paymentDate || null,
          content: input.content,
          source: input.source,
          receivedBy: input.user,
        })
        .onConflictDoNothing()
        .returning({ id: remittances.id, status: remittances.status });
      const row =
        inserted ??
        (
          await db
            .select({ id: remittances.id, status: remittances.status })
            .from(remittances)
            .where(and(eq(remittances.payerIdentifier, payerIdentifier), eq(remittances.traceNumber, remittance.traceNumber)))
        )[0];
      stored.push({ remittanceId: row.id, payerIdentifier, traceNumber: remittance.traceNumber, status: row.status, duplicate: !inserted });
    }
    return { ok: true, remittances: stored };
  }

  return {
    storeRemittances,

    /**
     * Activity of remittanceWorkflow: posts the stored remittance. Its result is counts
     * only, whatever the file's size; what posted is in the remittance row's summary.
     */
    async postStoredRemittance(input: { remittanceId: string; asOf: string }): Promise<RemittancePostingCounts> {
      const posted = await postStored(input.remittanceId, new Date(input.asOf));
      return {
        claims: posted.claims.length,
        unmatched: posted.unmatched.length,
        creditBalances: posted.creditBalances.length,
        duplicate: posted.duplicate,
      };
    },

    /** Stores and posts a whole file in-process (the bench, and tests of the posting rules); the services post through remittanceWorkflow. */
    async postRemittance(input: { content: string; source: 'api' | 'mailbox'; user: string; asOf?: string }): Promise<PostingResult> {
      const stored = await storeRemittances(input);
      if (!stored.ok) return stored;
      const at = input.asOf ? new Date(input.asOf) : new Date();
      const posted: PostedRemittance[] = [];
      for (const remittance of stored.remittances) posted.push(await postStored(remittance.remittanceId, at));
      await db
        .update(remittances)
        .set({ status: 'posted' })
        .where(
          inArray(
            remittances.id,
            stored.remittances.map((remittance) => remittance.remittanceId),
          ),
        );
      return { ok: true, remittances: posted };
    },
  };
}

class DuplicateRace extends Error {}

/**
 * Each posting payer's claim_payers row: adjudicated, with its ICN (CLP07) and
 * adjudication date (BPR16, the date appeal deadlines count from, as the claim's review
 * reads it; the day the file came in when BPR16 is absent) for the next payer's 837P (2330B
 * REF*F8, 2430 DTP*573), and what it paid. A lone reversal lowers the paid amount and
 * leaves the rest: the payer will adjudicate again. A claim written before its payers were
 * recorded gets its primary row here, from its order's coverage, as the migration made them.
 */
async function recordPayerAdjudications(
  tx: Tx,
  rows: ReadonlyArray<{
    claimId: string;
    level: PayerLevel;
    payerId: string;
    paid: number;
    payerClaimNumber: string | null;
    adjudicatedOn: string | null;
  }>,
) {
  const array = (values: unknown[], type: string) => sql`${sql.param(values)}::${sql.raw(type)}[]`;
  for (const batch of chunks(rows, 5_000)) {
    const column = <K extends keyof (typeof batch)[number]>(key: K) => batch.map((row) => row[key]);
    await tx.execute(sql`insert into claim_payers (claim_id, level, payer_id, coverage_id, status, payer_claim_number, adjudicated_on, paid_amount, submitted_at, interchange_control_number)
      select v.claim_id, v.level, v.payer_id, o.coverage_id, case when v.icn is null then 'submitted' else 'adjudicated' end, v.icn, v.adjudicated_on, v.paid,
        c.submitted_at, c.interchange_control_number
      from unnest(${array(column('claimId'), 'uuid')}, ${array(column('level'), 'text')}, ${array(column('payerId'), 'text')},
        ${array(column('paid'), 'bigint')}, ${array(column('payerClaimNumber'), 'text')}, ${array(column('adjudicatedOn'), 'date')})
        as v(claim_id, level, payer_id, paid, icn, adjudicated_on)
      join claims c on c.id = v.claim_id join orders o on o.id = c.order_id
      on conflict (claim_id, level) do update set
        status = case when excluded.payer_claim_number is null then claim_payers.status else 'adjudicated' end,
        payer_claim_number = coalesce(excluded.payer_claim_number, claim_payers.payer_claim_number),
        adjudicated_on = coalesce(excluded.adjudicated_on, claim_payers.adjudicated_on),
        paid_amount = claim_payers.paid_amount + excluded.paid_amount,
        updated_at = now()`);
  }
}

const money = (cents: number) => `$${(cents / 100).toFixed(2)}`;

/** The signals a posting sends to claim workflows (a duplicate posting sends them again; claims ignore repeats). */
export function remittanceSignals(result: PostedRemittance[], user: string): RemittancePosted[] {
  return result.flatMap((remittance) =>
    remittance.claims.map((claim) => ({
      user,
      claimId: claim.claimId,
      outcome: claim.outcome,
      paidAmount: claim.paid,
      remittanceId: remittance.remittanceId,
      level: claim.level,
      crossover: claim.crossover,
      ...(claim.nextLevel ? { nextLevel: claim.nextLevel } : {}),
    })),
  );
}

/** The credit balances a posting found, once each (a claim may appear in several remittances of a file). */
export function creditBalanceStarts(result: PostedRemittance[]): string[] {
  return [...new Set(result.flatMap((remittance) => (remittance.creditBalances ?? []).map((credit) => credit.creditBalanceId)))];
}

export type RemittanceActivities = ReturnType<typeof createRemittanceActivities>;
