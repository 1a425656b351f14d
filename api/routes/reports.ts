/**
 * A/R aging (DOMAIN.md §1 step 10): the open balances of filed claims by payer and
 * age bucket, split into what the payers still owe and what the patient owes, and the
 * payers' part by level (DOMAIN.md §15): primary, secondary, tertiary — each level's
 * side of the claim ledger, so the PR a primary passed to a secondary is the
 * secondary's receivable, not the patient's. `owedBy` lists who owes it: each payer at
 * its level, and the patient. Age counts from the claim's FIRST submission — a
 * corrected claim from its original's — so resubmitting never makes a receivable look
 * young (a secondary's part too: it is the same service's money). The totals reconcile
 * to the claim ledger: charges − payments − contractual adjustments − write-offs
 * + recoupments + refunds = payer balance + patient balance, and the payer balance is
 * primary + secondary + tertiary.
 *
 * Claims rejected at the front end or returned unprocessable were never filed: their
 * corrections carry the charge, so they are left out.
 *
 * Also here: the billing dashboard (GET /reports/dashboard, its figures in dashboard.ts),
 * whose open balance is this report's total.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { sql } from 'drizzle-orm';
import { payers as payersTable } from '../../db/schema';
import { daysBetween } from '../../domain/calendar';
import { neverFiledStatuses } from '../../domain/claim-statuses';
import { payerLevels, type PayerLevel } from '../../domain/coordination';
import { agingBucket, agingBuckets, type AgingBucket } from '../../domain/posting';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { calendarDate, todayIso } from '../fields';
import { bearerSecurity, router } from '../router';
import { errorResponses } from '../schemas';
import { dashboardFigures, dashboardRoute } from './dashboard';

const money = z.number().int().describe('Cents');

const levelBalances = z
  .object({ primary: money, secondary: money, tertiary: money })
  .describe('The payers’ balance by level: each level’s side of the ledger (payer entries without a level are the primary’s)')
  .openapi('PayerLevelBalances');

const bucketView = z.object({ claims: z.number().int(), payerBalance: money, patientBalance: money, levels: levelBalances });

const owedBy = z
  .object({
    level: z.enum([...payerLevels, 'patient']),
    payerId: z.string().nullable().describe('The payer at that level; null for the patient'),
    payerName: z.string().nullable(),
    claims: z.number().int().describe('Claims with a balance on this side'),
    balance: money,
    buckets: z.record(z.enum(agingBuckets), z.object({ claims: z.number().int(), balance: money })),
  })
  .openapi('ArOwedBy');

const ledgerTotals = z
  .object({
    claims: z.number().int().describe('Filed claims'),
    openClaims: z.number().int().describe('Filed claims with a payer or patient balance'),
    charges: money,
    payerPayments: money,
    patientPayments: money,
    contractualAdjustments: money.describe('CO/OA/PI contractual adjustments written off at posting'),
    writeOffs: money.describe('Denials and balances written off with a reason'),
    recoupments: money.describe('Overpayments the payer took back (PLB WO)'),
    refunds: money.describe('Overpayments we returned'),
    payerBalance: money,
    patientBalance: money,
    levels: levelBalances,
  })
  .openapi('LedgerTotals');

const report = z
  .object({
    asOf: z.string(),
    buckets: z.array(z.enum(agingBuckets)),
    payers: z.array(
      z.object({
        payerId: z.string(),
        payerName: z.string(),
        buckets: z.record(z.enum(agingBuckets), bucketView),
        totals: ledgerTotals,
      }),
    ),
    totals: ledgerTotals,
    owedBy: z
      .array(owedBy)
      .describe('Open balances by who owes them: each payer at its level (primary, secondary, tertiary), then the patient; sums to the totals'),
    openClaims: z
      .array(
        z.object({
          claimId: z.string(),
          claimNumber: z.string(),
          payerId: z.string(),
          status: z.string(),
          firstSubmittedOn: z.string(),
          ageDays: z.number().int(),
          bucket: z.enum(agingBuckets),
          payerBalance: money,
          patientBalance: money,
          levels: levelBalances,
          payerLevel: z.enum(payerLevels).describe('The level of the payer the claim is with now'),
        }),
      )
      .describe('The oldest open claims first, at most `limit`'),
  })
  .openapi('ArAging');

const agingRoute = createRoute({
  method: 'get',
  path: '/reports/ar-aging',
  summary: 'Open balances by payer and age bucket (0–30 … >120 days from first submission), payer and patient shares, reconciled to the ledger',
  tags: ['reports'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: {
    query: z.object({
      asOf: calendarDate.optional().describe('Age balances as of this day (default today)'),
      limit: z.coerce
        .number({ error: 'must be a whole number from 0 to 1000' })
        .int('must be a whole number from 0 to 1000')
        .min(0, 'must be a whole number from 0 to 1000')
        .max(1000, 'must be a whole number from 0 to 1000')
        .default(100),
    }),
  },
  responses: {
    200: { description: 'The report', content: { 'application/json': { schema: report } } },
    ...errorResponses(400, 401, 403),
  },
});

interface ClaimRow {
  id: string;
  claim_number: string;
  payer_id: string;
  payer_name: string;
  status: string;
  payer_level: PayerLevel;
  total_charge: number;
  first_submitted_at: string | Date;
  payer_sum: number;
  primary_sum: number;
  secondary_sum: number;
  tertiary_sum: number;
  primary_payer_id: string;
  secondary_payer_id: string | null;
  tertiary_payer_id: string | null;
  patient_sum: number;
  payer_payments: number;
  patient_payments: number;
  contractual: number;
  write_offs: number;
  recoupments: number;
  refunds: number;
}

type Totals = z.infer<typeof ledgerTotals>;
const emptyTotals = (): Totals => ({
  claims: 0,
  openClaims: 0,
  charges: 0,
  payerPayments: 0,
  patientPayments: 0,
  contractualAdjustments: 0,
  writeOffs: 0,
  recoupments: 0,
  refunds: 0,
  payerBalance: 0,
  patientBalance: 0,
  levels: { primary: 0, secondary: 0, tertiary: 0 },
});

type OwedBy = z.infer<typeof owedBy>;
const emptyBuckets = <T>(empty: () => T) => Object.fromEntries(agingBuckets.map((name) => [name, empty()])) as Record<AgingBucket, T>;

export function reportRoutes(deps: AppDeps) {
  const { db } = deps.database;

  const routes = router();
  routes.openapi(agingRoute, async (c) => {
    const { asOf = todayIso(), limit } = c.req.valid('query');
    const result = await db.execute(sql`
      with recursive lineage(claim_id, ancestor_id) as (
        select id, id from claims
        union all
        select l.claim_id, c.corrects_claim_id from lineage l join claims c on c.id = l.ancestor_id where c.corrects_claim_id is not null
      ),
      first_submission as (
        select l.claim_id, min(a.submitted_at) as first_submitted_at
        from lineage l join claims a on a.id = l.ancestor_id group by l.claim_id
      ),
      ledger as (
        select claim_id,
          coalesce(sum(amount) filter (where party = 'payer'), 0)::bigint as payer_sum,
          coalesce(sum(amount) filter (where party = 'payer' and coalesce(payer_level, 'primary') = 'primary'), 0)::bigint as primary_sum,
          coalesce(sum(amount) filter (where party = 'payer' and payer_level = 'secondary'), 0)::bigint as secondary_sum,
          coalesce(sum(amount) filter (where party = 'payer' and payer_level = 'tertiary'), 0)::bigint as tertiary_sum,
          max(payer_id) filter (where party = 'payer' and payer_level = 'secondary') as secondary_entry_payer,
          max(payer_id) filter (where party = 'payer' and payer_level = 'tertiary') as tertiary_entry_payer,
          coalesce(sum(amount) filter (where party = 'patient'), 0)::bigint as patient_sum,
          coalesce(-sum(amount) filter (where kind = 'payer-payment'), 0)::bigint as payer_payments,
          coalesce(-sum(amount) filter (where kind = 'patient-payment'), 0)::bigint as patient_payments,
          coalesce(-sum(amount) filter (where kind = 'contractual'), 0)::bigint as contractual,
          coalesce(-sum(amount) filter (where kind = 'write-off'), 0)::bigint as write_offs,
          coalesce(sum(amount) filter (where kind = 'recoupment'), 0)::bigint as recoupments,
          coalesce(sum(amount) filter (where kind = 'refund'), 0)::bigint as refunds
        from ledger_entries group by claim_id
      ),
      claim_payer_ids as (
        select claim_id,
          max(payer_id) filter (where level = 'primary') as primary_payer,
          max(payer_id) filter (where level = 'secondary') as secondary_payer,
          max(payer_id) filter (where level = 'tertiary') as tertiary_payer
        from claim_payers group by claim_id
      )
      select c.id, c.claim_number, c.payer_id, p.name as payer_name, c.status, c.payer_level, c.total_charge, f.first_submitted_at,
        coalesce(l.payer_sum, 0) as payer_sum, coalesce(l.patient_sum, 0) as patient_sum,
        coalesce(l.primary_sum, 0) as primary_sum, coalesce(l.secondary_sum, 0) as secondary_sum, coalesce(l.tertiary_sum, 0) as tertiary_sum,
        coalesce(cp.primary_payer, c.payer_id) as primary_payer_id,
        coalesce(cp.secondary_payer, l.secondary_entry_payer) as secondary_payer_id,
        coalesce(cp.tertiary_payer, l.tertiary_entry_payer) as tertiary_payer_id,
        coalesce(l.payer_payments, 0) as payer_payments, coalesce(l.patient_payments, 0) as patient_payments,
        coalesce(l.contractual, 0) as contractual, coalesce(l.write_offs, 0) as write_offs,
        coalesce(l.recoupments, 0) as recoupments, coalesce(l.refunds, 0) as refunds
      from claims c
      join payers p on p.id = c.payer_id
      join first_submission f on f.claim_id = c.id
      left join ledger l on l.claim_id = c.id
      left join claim_payer_ids cp on cp.claim_id = c.id
      where c.submitted_at is not null and c.status not in ${[...neverFiledStatuses]}`);
    const rows = ((result as { rows?: ClaimRow[] }).rows ?? (result as unknown as ClaimRow[])).map((row) => ({
      ...row,
      firstSubmittedOn: new Date(row.first_submitted_at).toISOString().slice(0, 10),
    }));
    const payerNames = new Map((await db.select({ id: payersTable.id, name: payersTable.name }).from(payersTable)).map((row) => [row.id, row.name]));

    const totals = emptyTotals();
    const payers = new Map<
      string,
      { payerId: string; payerName: string; buckets: Record<AgingBucket, z.infer<typeof bucketView>>; totals: Totals }
    >();
    const owed = new Map<string, OwedBy>();
    const owe = (level: OwedBy['level'], payerId: string | null, balance: number, bucket: AgingBucket) => {
      if (balance === 0) return;
      const key = `${level}:${payerId ?? ''}`;
      const row = owed.get(key) ?? {
        level,
        payerId,
        payerName: payerId ? (payerNames.get(payerId) ?? payerId) : null,
        claims: 0,
        balance: 0,
        buckets: emptyBuckets(() => ({ claims: 0, balance: 0 })),
      };
      owed.set(key, row);
      row.claims += 1;
      row.balance += balance;
      row.buckets[bucket].claims += 1;
      row.buckets[bucket].balance += balance;
    };
    const open: z.infer<typeof report>['openClaims'] = [];
    for (const row of rows) {
      const levels = {
        primary: Number(row.total_charge) + Number(row.primary_sum),
        secondary: Number(row.secondary_sum),
        tertiary: Number(row.tertiary_sum),
      };
      const payerBalance = Number(row.total_charge) + Number(row.payer_sum);
      const patientBalance = Number(row.patient_sum);
      const ageDays = Math.max(0, daysBetween(row.firstSubmittedOn, asOf));
      const bucket = agingBucket(ageDays);
      const payer = payers.get(row.payer_id) ?? {
        payerId: row.payer_id,
        payerName: row.payer_name,
        buckets: emptyBuckets(() => ({ claims: 0, payerBalance: 0, patientBalance: 0, levels: { primary: 0, secondary: 0, tertiary: 0 } })),
        totals: emptyTotals(),
      };
      payers.set(row.payer_id, payer);
      const isOpen = payerLevels.some((level) => levels[level] !== 0) || patientBalance !== 0;
      for (const sums of [totals, payer.totals]) {
        sums.claims += 1;
        sums.openClaims += isOpen ? 1 : 0;
        sums.charges += Number(row.total_charge);
        sums.payerPayments += Number(row.payer_payments);
        sums.patientPayments += Number(row.patient_payments);
        sums.contractualAdjustments += Number(row.contractual);
        sums.writeOffs += Number(row.write_offs);
        sums.recoupments += Number(row.recoupments);
        sums.refunds += Number(row.refunds);
        sums.payerBalance += payerBalance;
        sums.patientBalance += patientBalance;
        for (const level of payerLevels) sums.levels[level] += levels[level];
      }
      if (!isOpen) continue;
      const cell = payer.buckets[bucket];
      cell.claims += 1;
      cell.payerBalance += payerBalance;
      cell.patientBalance += patientBalance;
      for (const level of payerLevels) cell.levels[level] += levels[level];
      owe('primary', row.primary_payer_id, levels.primary, bucket);
      owe('secondary', row.secondary_payer_id, levels.secondary, bucket);
      owe('tertiary', row.tertiary_payer_id, levels.tertiary, bucket);
      owe('patient', null, patientBalance, bucket);
      open.push({
        claimId: row.id,
        claimNumber: row.claim_number,
        payerId: row.payer_id,
        status: row.status,
        firstSubmittedOn: row.firstSubmittedOn,
        ageDays,
        bucket,
        payerBalance,
        patientBalance,
        levels,
        payerLevel: row.payer_level,
      });
    }
    open.sort((a, b) => b.ageDays - a.ageDays || a.claimNumber.localeCompare(b.claimNumber));
    const levelOrder: OwedBy['level'][] = [...payerLevels, 'patient'];
    return c.json(
      {
        asOf,
        buckets: [...agingBuckets],
        payers: [...payers.values()].sort((a, b) => a.payerId.localeCompare(b.payerId)),
        totals,
        owedBy: [...owed.values()].sort(
          (a, b) => levelOrder.indexOf(a.level) - levelOrder.indexOf(b.level) || (a.payerId ?? '').localeCompare(b.payerId ?? ''),
        ),
        openClaims: open.slice(0, limit),
      },
      200,
    );
  });
  routes.openapi(dashboardRoute, async (c) => c.json(await dashboardFigures(db), 200));
  return routes;
}
