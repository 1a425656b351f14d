/**
 * The billing dashboard's figures (GET /reports/dashboard, registered with the other
 * reports in reports.ts). Each is counted in SQL from the tables the other endpoints
 * read, so it reconciles to them:
 *
 * - First-pass acceptance: of the original claims submitted, those never rejected at the
 *   front end nor returned unprocessable. Our definition, after HFMA's Clean Claim Rate
 *   (MAP Key CL-1), which counts claims passing the edits before submission with no
 *   manual work; here the clearinghouse's and payers' front ends are the edits.
 * - Denials: of the claims with a remittance (adjudicated), those a payer denied,
 *   by CARC, as HFMA's Remittance Denial Rate (MAP Key AR-5) counts denials among the
 *   claims remitted. Claim-level denials only (line denials on a paid claim are not
 *   counted): our choice.
 * - Days sales outstanding: open A/R over average daily charges of the last 90 days, as
 *   HFMA's Net Days in A/R (MAP Key) divides net A/R by the average daily net revenue
 *   of three months. Ours divides by gross charges billed (net revenue is known only
 *   once a payer adjudicates): our choice.
 * - Open orders by stage and days on hold: ours, from the orders table.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, count, eq, isNotNull, isNull, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { adjustments, claimEvents, claimPayments, claims, ledgerEntries, orders } from '../../db/schema';
import { neverFiledStatuses } from '../../domain/claim-statuses';
import { isDenial } from '../../domain/denials';
import { blockers, finalOrderStages, orderStages } from '../../domain/order-stages';
import { requireRole } from '../auth';
import { bearerSecurity } from '../router';
import { errorResponses } from '../schemas';

/** The period whose charges give the average daily charge (HFMA: three months). */
const chargeWindowDays = 90;

const money = z.number().int().describe('Cents');
const claimCount = z.number().int();
const rate = z.number().nullable().describe('A fraction from 0 to 1, four decimals; null when there is nothing to divide by');

const dashboard = z
  .object({
    firstPassAcceptance: z
      .object({
        submitted: claimCount.describe('Original claims (frequency code 1, correcting no other claim) that were submitted'),
        acceptedFirstPass: claimCount.describe(
          'Of those, the claims never rejected: no 999 rejecting their file (IK5 other than A or E), no 277CA, 277 or status answer ' +
            'rejecting them (A3, A6–A8), and not voided as rejected or unprocessable (CARC 16 / MA130; status rejected, then corrected)',
        ),
        rate: rate.describe('acceptedFirstPass ÷ submitted; null when none was submitted'),
      })
      .describe(
        'Claims accepted on their first submission. Our definition, after HFMA’s Clean Claim Rate (MAP Key CL-1), with the clearinghouse’s and payers’ front ends as the edits',
      ),
    denials: z
      .object({
        adjudicated: claimCount.describe('Claims with at least one remittance posted to them (GET /claims/:id `payments` not empty)'),
        denied: claimCount.describe(
          'Of those, claims with a remittance whose outcome is denied (GET /claims/:id `payments[].outcome`), whatever came after',
        ),
        rate: rate.describe('denied ÷ adjudicated; null when none was adjudicated'),
        byReason: z
          .array(
            z.object({
              code: z.string().describe('Group code and CARC, e.g. CO-50'),
              claims: claimCount.describe('Denied claims carrying it'),
              amount: money.describe('The amount the denied remittances adjusted under it, claim and line CAS together'),
            }),
          )
          .describe('The denial adjustments of the denied remittances (contractual and deductible/coinsurance/copay left out), most claims first'),
      })
      .describe(
        'Claims a payer denied among those adjudicated, as HFMA’s Remittance Denial Rate (MAP Key AR-5); claim-level denials only (line denials on a paid claim are not counted: our choice)',
      ),
    daysSalesOutstanding: z
      .object({
        openBalance: money.describe(
          'What payers and patients still owe on filed claims: the totals payerBalance + patientBalance of GET /reports/ar-aging',
        ),
        charges90Days: money.describe('Total charge of those filed claims submitted in the last 90 days (each by its own submission)'),
        days: z.number().nullable().describe('openBalance ÷ (charges90Days ÷ 90), one decimal; null without charges in the 90 days'),
      })
      .describe(
        'Days in A/R: open balance over average daily charges of the last 90 days. After HFMA’s Net Days in A/R, but over gross charges billed (our choice: net revenue is known only after adjudication)',
      ),
    openOrdersByStage: z
      .array(z.object({ stage: z.enum(orderStages), orders: z.number().int() }))
      .describe('Every stage but closed and cancelled, in workflow order, with its orders (GET /orders?stage=… page.total)'),
    daysOnHold: z
      .array(
        z.object({
          blockedOn: z.enum(blockers),
          orders: z.number().int().describe('Open orders blocked on it (GET /orders?blockedOn=…)'),
          averageDays: z.number().describe('One decimal'),
          maxDays: z.number().describe('One decimal'),
        }),
      )
      .describe(
        'Open orders waiting (blockedOn set), by what they wait for, counted from when the order began to wait on that blocker ' +
          '(orders.blockedSince, set by the workflow when its blocker changes and kept while it stays; for orders already waiting ' +
          'when it was added, their last recorded status: a lower bound)',
      ),
  })
  .openapi('BillingDashboard');

export const dashboardRoute = createRoute({
  method: 'get',
  path: '/reports/dashboard',
  summary: 'The billing dashboard: first-pass acceptance, denial rate by reason, days in A/R, open orders by stage, days on hold',
  tags: ['reports'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  responses: {
    200: { description: 'The figures, as of now', content: { 'application/json': { schema: dashboard } } },
    ...errorResponses(401, 403),
  },
});

const ratio = (part: number, whole: number, decimals: number) => (whole === 0 ? null : Number((part / whole).toFixed(decimals)));

/** How a rejection is recorded (activities/mailbox.ts, claims/status-inquiry.ts): a 999 not accepting the file, or a 277 answer rejecting the claim. */
const rejectionRecorded = sql`exists (
  select 1 from ${claimEvents} where ${claimEvents.claimId} = ${claims.id} and (
    (${claimEvents.kind} = '999' and ${claimEvents.detail}->>'code' not in ('A', 'E'))
    or (${claimEvents.kind} in ('277CA', '277', 'status-inquiry') and ${claimEvents.detail}->>'outcome' = 'rejected')))`;

async function firstPassAcceptance(db: Db) {
  const [row] = await db
    .select({
      submitted: count(),
      acceptedFirstPass: sql<number>`count(*) filter (where ${claims.status} not in ${[...neverFiledStatuses]} and not ${rejectionRecorded})`.mapWith(
        Number,
      ),
    })
    .from(claims)
    .where(and(isNotNull(claims.submittedAt), isNull(claims.correctsClaimId), eq(claims.frequencyCode, '1')));
  return { ...row, rate: ratio(row.acceptedFirstPass, row.submitted, 4) };
}

async function denials(db: Db) {
  const matched = isNotNull(claimPayments.claimId);
  const [[totals], reasons] = await Promise.all([
    db
      .select({
        adjudicated: sql<number>`count(distinct ${claimPayments.claimId})`.mapWith(Number),
        denied: sql<number>`count(distinct ${claimPayments.claimId}) filter (where ${claimPayments.outcome} = 'denied')`.mapWith(Number),
      })
      .from(claimPayments)
      .where(matched),
    db
      .select({
        group: adjustments.groupCode,
        reason: adjustments.reasonCode,
        claims: sql<number>`count(distinct ${claimPayments.claimId})`.mapWith(Number),
        amount: sql<number>`sum(${adjustments.amount})`.mapWith(Number),
      })
      .from(adjustments)
      .innerJoin(claimPayments, eq(claimPayments.id, adjustments.claimPaymentId))
      .where(and(matched, eq(claimPayments.outcome, 'denied')))
      .groupBy(adjustments.groupCode, adjustments.reasonCode),
  ]);
  // Which codes are denials is the classification table's rule (domain/denials.ts); remark codes only choose among denial actions.
  const byReason = reasons
    .filter((row) => isDenial({ group: row.group, reason: row.reason }))
    .map((row) => ({ code: `${row.group}-${row.reason}`, claims: row.claims, amount: row.amount }))
    .sort((a, b) => b.claims - a.claims || b.amount - a.amount || a.code.localeCompare(b.code));
  return { ...totals, rate: ratio(totals.denied, totals.adjudicated, 4), byReason };
}

/** The same claims and balances as GET /reports/ar-aging: filed claims, charge plus every ledger entry. */
async function daysSalesOutstanding(db: Db) {
  const ledger = db
    .select({ claimId: ledgerEntries.claimId, amount: sql<number>`sum(${ledgerEntries.amount})`.as('amount') })
    .from(ledgerEntries)
    .groupBy(ledgerEntries.claimId)
    .as('ledger');
  const [row] = await db
    .select({
      openBalance: sql<number>`coalesce(sum(${claims.totalCharge} + coalesce(${ledger.amount}, 0)), 0)`.mapWith(Number),
      charges90Days:
        sql<number>`coalesce(sum(${claims.totalCharge}) filter (where ${claims.submittedAt} > now() - make_interval(days => ${chargeWindowDays})), 0)`.mapWith(
          Number,
        ),
    })
    .from(claims)
    .leftJoin(ledger, eq(ledger.claimId, claims.id))
    .where(and(isNotNull(claims.submittedAt), notInArray(claims.status, [...neverFiledStatuses])));
  const dailyCharges = row.charges90Days / chargeWindowDays;
  return { ...row, days: dailyCharges === 0 ? null : Number((row.openBalance / dailyCharges).toFixed(1)) };
}

const openOrder = notInArray(orders.stage, [...finalOrderStages]);

async function openOrdersByStage(db: Db) {
  const rows = await db.select({ stage: orders.stage, orders: count() }).from(orders).where(openOrder).groupBy(orders.stage);
  return orderStages
    .filter((stage) => !(finalOrderStages as readonly string[]).includes(stage))
    .map((stage) => ({ stage, orders: rows.find((row) => row.stage === stage)?.orders ?? 0 }));
}

async function daysOnHold(db: Db) {
  const heldDays = sql`extract(epoch from now() - coalesce(${orders.blockedSince}, ${orders.statusRecordedAt}, ${orders.updatedAt})) / 86400`;
  const rows = await db
    .select({
      blockedOn: orders.blockedOn,
      orders: count(),
      averageDays: sql<number>`round(avg(${heldDays})::numeric, 1)`.mapWith(Number),
      maxDays: sql<number>`round(max(${heldDays})::numeric, 1)`.mapWith(Number),
    })
    .from(orders)
    .where(and(openOrder, isNotNull(orders.blockedOn)))
    .groupBy(orders.blockedOn);
  return blockers.flatMap((blockedOn) => {
    const row = rows.find((candidate) => candidate.blockedOn === blockedOn);
    return row ? [{ ...row, blockedOn }] : [];
  });
}

export async function dashboardFigures(db: Db): Promise<z.infer<typeof dashboard>> {
  const [firstPass, denied, dso, byStage, onHold] = await Promise.all([
    firstPassAcceptance(db),
    denials(db),
    daysSalesOutstanding(db),
    openOrdersByStage(db),
    daysOnHold(db),
  ]);
  return { firstPassAcceptance: firstPass, denials: denied, daysSalesOutstanding: dso, openOrdersByStage: byStage, daysOnHold: onHold };
}
