/**
 * Credit balances (DOMAIN.md §13): the list billers work from, with each deadline, and
 * the resolution (Update creditBalanceResolved to the credit balance's workflow, which
 * records it). A payer's overpayment goes back to the payer; a patient's is refunded
 * or, with the patient's consent, applied to another of their open balances.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, count, eq, inArray, type SQL } from 'drizzle-orm';
import { balancesOf } from '../../activities/credit-balances';
import { claims, creditBalances, orders } from '../../db/schema';
import { creditBalanceResolved } from '../../workflows/definitions';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { conflict, notFound, validationError, type FieldProblem } from '../errors';
import { uuidParam } from '../fields';
import { runCommand } from '../order-workflow';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';

const listQuery = z.object({
  status: z.enum(['open', 'resolved'], { message: 'must be open or resolved' }).default('open'),
  party: z.enum(['payer', 'patient'], { message: 'must be payer or patient' }).optional(),
  claimId: uuidParam.optional(),
  ...pagingQuery,
});

const creditBalanceView = z
  .object({
    id: z.string(),
    claimId: z.string(),
    payerId: z.string(),
    party: z.enum(['payer', 'patient']).describe('Whose money it is'),
    reason: z.string(),
    amount: z.number().int().describe('Cents'),
    identifiedAt: z.string(),
    deadlineOn: z.string().describe('Report and return by this day (Medicare: 60 days from identification)'),
    status: z.enum(['open', 'resolved']),
    resolution: z.string().nullable(),
    targetClaimId: z.string().nullable(),
    reference: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
  })
  .openapi('CreditBalance');

const resolveSchema = z
  .object({
    resolution: z.enum(['refund-to-payer', 'refund-to-patient', 'apply-to-balance'], {
      message: 'must be refund-to-payer, refund-to-patient or apply-to-balance',
    }),
    reference: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(50, 'must be at most 50 characters')
      .optional()
      .describe('Refund check or EFT number'),
    targetClaimId: uuidParam.optional().describe('apply-to-balance: the patient’s claim with the open balance'),
    consent: z.boolean({ error: 'must be true or false' }).optional().describe('apply-to-balance: the patient consented (required)'),
  })
  .strict()
  .openapi('CreditBalanceResolution');

const listCreditBalances = createRoute({
  method: 'get',
  path: '/credit-balances',
  summary: 'Credit balances with their deadlines, earliest deadline first',
  tags: ['credit-balances'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { query: listQuery },
  responses: {
    200: {
      description: 'A page of credit balances',
      content: { 'application/json': { schema: z.object({ creditBalances: z.array(creditBalanceView), page: pageSchema }) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

const resolveCreditBalance = createRoute({
  method: 'post',
  path: '/credit-balances/{id}/resolve',
  summary: 'Resolve a credit balance (Update creditBalanceResolved)',
  description:
    'A payer’s overpayment: refund-to-payer only. A patient’s: refund-to-patient, or apply-to-balance with consent: true and the targetClaimId of another of the patient’s claims whose patient balance covers it (422 otherwise). 409 unless the credit balance is open.',
  tags: ['credit-balances'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: {
    params: z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) }),
    body: { required: true, content: { 'application/json': { schema: resolveSchema } } },
  },
  responses: {
    202: {
      description: 'The workflow accepted the resolution and recorded it; the body carries its status',
      content: {
        'application/json': {
          schema: z.object({
            accepted: z.literal(true),
            command: z.string(),
            status: z.object({ creditBalanceId: z.string(), status: z.enum(['open', 'resolved']) }).passthrough(),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404, 409, 422, 503),
  },
});

const iso = (at: Date | null) => (at ? at.toISOString() : null);

function viewOf(row: typeof creditBalances.$inferSelect): z.infer<typeof creditBalanceView> {
  return {
    id: row.id,
    claimId: row.claimId,
    payerId: row.payerId,
    party: row.party,
    reason: row.reason,
    amount: row.amount,
    identifiedAt: row.identifiedAt.toISOString(),
    deadlineOn: row.deadlineOn,
    status: row.status,
    resolution: row.resolution,
    targetClaimId: row.targetClaimId,
    reference: row.reference,
    resolvedBy: row.resolvedBy,
    resolvedAt: iso(row.resolvedAt),
  };
}

/** Starts the workflow of each credit balance a posting found; a failure is reported, and the next posting or resolve retries. */
export async function startCreditBalanceWorkflows(deps: AppDeps, ids: string[]) {
  const started: Array<{ creditBalanceId: string; start: 'started' | 'failed' }> = [];
  for (const creditBalanceId of ids) {
    try {
      await deps.temporal.startCreditBalance(creditBalanceId);
      started.push({ creditBalanceId, start: 'started' });
    } catch (error) {
      deps.logger.warn('creditBalanceWorkflow not started', { creditBalanceId, errorName: error instanceof Error ? error.name : 'unknown' });
      started.push({ creditBalanceId, start: 'failed' });
    }
  }
  return started;
}

export function creditBalanceRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const { temporal, logger } = deps;

  const routes = router();
  routes.openapi(listCreditBalances, async (c) => {
    const query = c.req.valid('query');
    const filters: SQL[] = [eq(creditBalances.status, query.status)];
    if (query.party) filters.push(eq(creditBalances.party, query.party));
    if (query.claimId) filters.push(eq(creditBalances.claimId, query.claimId));
    const where = and(...filters);
    const [rows, [{ total }]] = await Promise.all([
      db
        .select()
        .from(creditBalances)
        .where(where)
        .orderBy(asc(creditBalances.deadlineOn), asc(creditBalances.id))
        .limit(query.limit)
        .offset(query.offset),
      db.select({ total: count() }).from(creditBalances).where(where),
    ]);
    return c.json({ creditBalances: rows.map(viewOf), page: { limit: query.limit, offset: query.offset, total } }, 200);
  });
  routes.openapi(resolveCreditBalance, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    const [credit] = await db.select().from(creditBalances).where(eq(creditBalances.id, id));
    if (!credit) throw notFound('Credit balance', id);
    if (credit.status !== 'open') throw conflict(`Credit balance ${id} is already resolved (${credit.resolution})`);

    const problems: FieldProblem[] = [];
    if (credit.party === 'payer' && body.resolution !== 'refund-to-payer') {
      problems.push({ field: 'resolution', message: 'a payer’s overpayment is returned to the payer: refund-to-payer' });
    }
    if (credit.party === 'patient' && body.resolution === 'refund-to-payer') {
      problems.push({
        field: 'resolution',
        message: 'a patient’s overpayment is refunded to the patient or applied to another open balance with consent',
      });
    }
    if (body.resolution === 'apply-to-balance') {
      if (body.consent !== true)
        problems.push({ field: 'consent', message: 'applying a patient’s credit to another balance needs the patient’s consent: consent: true' });
      if (!body.targetClaimId) problems.push({ field: 'targetClaimId', message: 'name the claim whose open balance receives the credit' });
      else if (body.targetClaimId === credit.claimId)
        problems.push({ field: 'targetClaimId', message: 'must be another claim than the one holding the credit' });
      else {
        const both = await db
          .select({ id: claims.id, patientId: orders.patientId })
          .from(claims)
          .innerJoin(orders, eq(orders.id, claims.orderId))
          .where(inArray(claims.id, [credit.claimId, body.targetClaimId]));
        const source = both.find((row) => row.id === credit.claimId);
        const target = both.find((row) => row.id === body.targetClaimId);
        const targetBalance = target ? (await balancesOf(db, [target.id])).get(target.id)!.patient : 0;
        if (!target) problems.push({ field: 'targetClaimId', message: `claim ${body.targetClaimId} does not exist` });
        else if (target.patientId !== source?.patientId) problems.push({ field: 'targetClaimId', message: 'must be a claim of the same patient' });
        else if (targetBalance < credit.amount)
          problems.push({
            field: 'targetClaimId',
            message: `its patient balance (${targetBalance} cents) is less than the credit (${credit.amount} cents)`,
          });
      }
    } else if (body.consent !== undefined || body.targetClaimId !== undefined) {
      problems.push({ field: body.consent !== undefined ? 'consent' : 'targetClaimId', message: 'applies to apply-to-balance only' });
    }
    if (problems.length) throw validationError(problems, 422);

    const payload = {
      user,
      creditBalanceId: id,
      resolution: body.resolution,
      ...(body.reference ? { reference: body.reference } : {}),
      ...(body.targetClaimId ? { targetClaimId: body.targetClaimId } : {}),
      ...(body.consent !== undefined ? { consent: body.consent } : {}),
    };
    const resolve = () => temporal.updateCreditBalance(id, creditBalanceResolved, payload);
    const status = await runCommand(
      async () => {
        const answer = await resolve();
        if (answer.outcome !== 'missing') return answer;
        // Its start failed when the posting found it: start it now, then resolve.
        await temporal.startCreditBalance(id);
        return resolve();
      },
      `Credit balance ${id}`,
      logger,
    );
    return c.json({ accepted: true as const, command: creditBalanceResolved.name, status }, 202);
  });
  return routes;
}
