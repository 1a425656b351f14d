/**
 * The denials-and-appeals work list (DOMAIN.md §12): every reopening or appeal with its
 * deadline, earliest first. Then what billers tell a claim after its remittance: a
 * reopening or appeal filed, the contractor's decision (Updates appealFiled /
 * appealDecided to the claim's workflow), and a patient's payment. The dates are checked against the appeal's row here; whether
 * the claim waits for that filing or decision is the workflow validator's rule, so a
 * refused command answers 404, 409 or 422 with its reason and an accepted one 202.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { recordPatientPayment } from '../../activities/credit-balances';
import { appealStatuses, appeals, claims, orders } from '../../db/schema';
import { appealLevels } from '../../domain/denials';
import { ceilingProblem } from '../../domain/money';
import type { UpdateDefinition } from '@temporalio/common';
import { appealDecided, appealFiled, type ClaimWorkflowStatus } from '../../workflows/definitions';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { conflict, notFound, validationError, type FieldProblem } from '../errors';
import { calendarDate, todayIso, uuidParam } from '../fields';
import { runCommand } from '../order-workflow';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';
import { startCreditBalanceWorkflows } from './credit-balances';

/** Still the billers' to act on: due (to be filed by its deadline) or filed (waiting for the contractor's decision). */
const awaitingAction = ['due', 'filed'] as const satisfies readonly (typeof appealStatuses)[number][];

const listQuery = z.object({
  status: z
    .enum(appealStatuses, { message: `must be one of ${appealStatuses.join(', ')}` })
    .optional()
    .describe(
      'Only appeals with this status. Default: due and filed, the ones that still need a biller (won and lost are decided; expired ones were written off by the claim workflow when the deadline passed)',
    ),
  claimId: uuidParam.optional(),
  payerId: z.string().trim().min(1).optional().describe("The claim's payer"),
  ...pagingQuery,
});

const appealView = z
  .object({
    id: z.string(),
    claimId: z.string(),
    claimNumber: z.string().describe('Our patient control number (CLM01)'),
    orderId: z.string(),
    payerId: z.string().describe("The claim's payer"),
    level: z.enum(appealLevels),
    status: z.enum(appealStatuses),
    denialCodes: z.array(z.string()).describe('Group-reason and remark codes of the denial, e.g. CO-50, N115'),
    amount: z.number().int().describe('The denied amount in dispute, cents'),
    prerequisite: z.string().nullable().describe('What the appeal needs first (obtain-prior-auth, check-same-or-similar)'),
    determinationOn: z.string().describe('The determination the deadline counts from'),
    deadlineOn: z.string().describe('File by this day'),
    filedOn: z.string().nullable(),
    reference: z.string().nullable().describe('The contractor’s appeal or correspondence number'),
    decidedOn: z.string().nullable(),
    decision: z.enum(['won', 'lost']).nullable(),
  })
  .openapi('AppealListed');

const listAppeals = createRoute({
  method: 'get',
  path: '/appeals',
  summary: 'Reopenings and appeals with their deadlines, earliest deadline first (due and filed unless status says otherwise)',
  description: 'The denials-and-appeals work list: billers’ money and codes, no patient data.',
  tags: ['claims'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { query: listQuery },
  responses: {
    200: {
      description: 'A page of appeals',
      content: { 'application/json': { schema: z.object({ appeals: z.array(appealView), page: pageSchema }) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

const note = (maxLength: number) => z.string().trim().min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);

const claimParams = z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) });

const filedSchema = z
  .object({
    filedOn: calendarDate.describe('The day the reopening or appeal was sent to the contractor'),
    reference: note(50).optional().describe('The contractor’s appeal or correspondence number'),
  })
  .strict()
  .openapi('AppealFiled');

const decisionSchema = z
  .object({
    decision: z.enum(['won', 'lost'], { message: 'must be won or lost' }),
    decidedOn: calendarDate,
    next: z
      .enum(['next-level', 'write-off'], { message: 'must be next-level or write-off' })
      .optional()
      .describe('Lost: appeal at the next level, or write the balance off'),
    reason: note(300).optional(),
  })
  .strict()
  .openapi('AppealDecision');

const patientPaymentSchema = z
  .object({
    amount: z
      .number({ error: 'must be a whole number of cents' })
      .int('must be a whole number of cents')
      .min(1, 'must be at least 1 cent')
      .describe('Cents; at most 1000000000 ($10,000,000.00), 422 beyond'),
    receivedOn: calendarDate,
    reference: note(50).optional().describe('Check number or card transaction id'),
  })
  .strict()
  .openapi('PatientPayment');

const accepted = z
  .object({
    accepted: z.literal(true),
    command: z.string().describe('The Update the claim workflow accepted'),
    appealId: z.string(),
    status: z.object({ claimId: z.string(), status: z.string() }).passthrough().describe("The claim workflow's status once the command was applied"),
  })
  .openapi('AppealCommandAccepted');

function claimRoute<B extends z.ZodType>(spec: {
  path: string;
  summary: string;
  description: string;
  body: B;
  responses: Parameters<typeof createRoute>[0]['responses'];
}) {
  return createRoute({
    method: 'post',
    path: spec.path,
    summary: spec.summary,
    description: spec.description,
    tags: ['claims'],
    security: bearerSecurity,
    middleware: [requireRole('biller')] as const,
    request: { params: claimParams, body: { required: true, content: { 'application/json': { schema: spec.body } } } },
    responses: spec.responses,
  });
}

const signalResponses = {
  202: {
    description: 'The claim workflow accepted the command; the body carries its new status',
    content: { 'application/json': { schema: accepted } },
  },
  ...errorResponses(400, 401, 403, 404, 409, 422, 503),
};

const fileAppeal = claimRoute({
  path: '/claims/{id}/appeal',
  summary: 'Record that the reopening or appeal the claim waits for was filed (Update appealFiled)',
  description: '409 unless the claim has a reopening or appeal waiting to be filed; 422 for a filing date in the future or before the determination.',
  body: filedSchema,
  responses: signalResponses,
});
const decideAppeal = claimRoute({
  path: '/claims/{id}/appeal/decision',
  summary: 'Record the contractor’s decision on the filed reopening or appeal (Update appealDecided)',
  description:
    'Won: the claim waits for the new remittance. Lost: next (next-level or write-off) is required; after a reconsideration the later levels are a human decision, so only write-off. 409 unless an appeal was filed and waits for its decision.',
  body: decisionSchema,
  responses: signalResponses,
});
const payByPatient = claimRoute({
  path: '/claims/{id}/patient-payments',
  summary: 'Record a patient’s payment on the claim',
  description:
    'Lowers the patient balance; paying more than owed leaves a patient credit balance (its workflow starts). The patient’s statement account (patient-statements-<patientId>) is told, so a balance paid off ends its statements.',
  body: patientPaymentSchema,
  responses: {
    201: {
      description: 'Recorded',
      content: {
        'application/json': {
          schema: z.object({
            creditBalances: z.array(
              z.object({ creditBalanceId: z.string(), party: z.enum(['payer', 'patient']), amount: z.number().int(), reason: z.string() }),
            ),
            creditBalanceWorkflows: z.array(z.object({ creditBalanceId: z.string(), start: z.enum(['started', 'failed']) })),
            statementAccount: z
              .enum(['sent', 'not-running', 'failed'])
              .describe(
                'Whether the patient’s statement account was told (not-running: no statements under way; failed: it reads the ledger at its next statement anyway)',
              ),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403, 404, 409, 422),
  },
});

export function appealRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const { temporal, logger } = deps;

  async function claimOf(id: string) {
    const [claim] = await db.select().from(claims).where(eq(claims.id, id));
    if (!claim) throw notFound('Claim', id);
    return claim;
  }
  async function latestAppeal(claimId: string, status: 'due' | 'filed') {
    const [appeal] = await db
      .select()
      .from(appeals)
      .where(and(eq(appeals.claimId, claimId), eq(appeals.status, status)))
      .orderBy(desc(appeals.createdAt));
    return appeal;
  }
  /** The payment is recorded whatever Temporal answers: an account not told reads the ledger at its next statement. */
  async function tellStatementAccount(orderId: string, claimId: string): Promise<'sent' | 'not-running' | 'failed'> {
    const [order] = await db.select({ patientId: orders.patientId }).from(orders).where(eq(orders.id, orderId));
    try {
      return await temporal.signalPatientStatements(order.patientId, { claimId });
    } catch (error) {
      logger.warn('patient statement account not told of a payment', { claimId, errorName: error instanceof Error ? error.name : 'unknown' });
      return 'failed';
    }
  }
  const command = <A>(claimId: string, update: UpdateDefinition<ClaimWorkflowStatus, [A]>, payload: A) =>
    runCommand(() => temporal.updateClaim(claimId, update, payload), `Claim ${claimId}`, logger);

  const routes = router();
  routes.openapi(listAppeals, async (c) => {
    const query = c.req.valid('query');
    const filters: SQL[] = [query.status ? eq(appeals.status, query.status) : inArray(appeals.status, [...awaitingAction])];
    if (query.claimId) filters.push(eq(appeals.claimId, query.claimId));
    if (query.payerId) filters.push(eq(claims.payerId, query.payerId));
    const where = and(...filters);
    const [rows, [{ total }]] = await Promise.all([
      db
        .select({ appeal: appeals, claimNumber: claims.claimNumber, orderId: claims.orderId, payerId: claims.payerId })
        .from(appeals)
        .innerJoin(claims, eq(claims.id, appeals.claimId))
        .where(where)
        .orderBy(asc(appeals.deadlineOn), asc(appeals.id))
        .limit(query.limit)
        .offset(query.offset),
      db.select({ total: count() }).from(appeals).innerJoin(claims, eq(claims.id, appeals.claimId)).where(where),
    ]);
    return c.json(
      {
        appeals: rows.map(({ appeal, claimNumber, orderId, payerId }) => ({
          id: appeal.id,
          claimId: appeal.claimId,
          claimNumber,
          orderId,
          payerId,
          level: appeal.level,
          status: appeal.status,
          denialCodes: appeal.denialCodes,
          amount: appeal.amount,
          prerequisite: appeal.prerequisite,
          determinationOn: appeal.determinationOn,
          deadlineOn: appeal.deadlineOn,
          filedOn: appeal.filedOn,
          reference: appeal.reference,
          decidedOn: appeal.decidedOn,
          decision: appeal.decision,
        })),
        page: { limit: query.limit, offset: query.offset, total },
      },
      200,
    );
  });
  routes.openapi(fileAppeal, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    await claimOf(id);
    const appeal = await latestAppeal(id, 'due');
    if (!appeal) throw conflict(`Claim ${id} has no reopening or appeal waiting to be filed`);
    const problems: FieldProblem[] = [];
    if (body.filedOn > todayIso()) problems.push({ field: 'filedOn', message: 'must not be in the future' });
    else if (body.filedOn < appeal.determinationOn)
      problems.push({ field: 'filedOn', message: `must not be before the determination on ${appeal.determinationOn}` });
    if (problems.length) throw validationError(problems, 422);
    const status = await command(id, appealFiled, {
      user,
      claimId: id,
      appealId: appeal.id,
      level: appeal.level,
      filedOn: body.filedOn,
      ...(body.reference ? { reference: body.reference } : {}),
    });
    return c.json({ accepted: true as const, command: appealFiled.name, appealId: appeal.id, status }, 202);
  });
  routes.openapi(decideAppeal, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    await claimOf(id);
    const appeal = await latestAppeal(id, 'filed');
    if (!appeal) throw conflict(`Claim ${id} has no filed reopening or appeal waiting for a decision`);
    const problems: FieldProblem[] = [];
    if (body.decidedOn > todayIso()) problems.push({ field: 'decidedOn', message: 'must not be in the future' });
    else if (appeal.filedOn && body.decidedOn < appeal.filedOn)
      problems.push({ field: 'decidedOn', message: `must not be before the filing on ${appeal.filedOn}` });
    if (problems.length) throw validationError(problems, 422);
    // What the decision itself must say (next step, last level) is the workflow's rule (domain/claim-commands.ts).
    const status = await command(id, appealDecided, {
      user,
      claimId: id,
      appealId: appeal.id,
      decision: body.decision,
      decidedOn: body.decidedOn,
      ...(body.next ? { next: body.next } : {}),
      ...(body.reason ? { reason: body.reason } : {}),
    });
    return c.json({ accepted: true as const, command: appealDecided.name, appealId: appeal.id, status }, 202);
  });
  routes.openapi(payByPatient, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    const claim = await claimOf(id);
    if (!claim.submittedAt || claim.status === 'rejected' || claim.status === 'corrected') {
      throw conflict(`Claim ${id} is ${claim.status}: it was never filed, so it has no patient balance`);
    }
    const problems: FieldProblem[] = [];
    const tooMuch = ceilingProblem('patientPayment', body.amount);
    if (tooMuch) problems.push({ field: 'amount', message: tooMuch });
    if (body.receivedOn > todayIso()) problems.push({ field: 'receivedOn', message: 'must not be in the future' });
    if (problems.length) throw validationError(problems, 422);
    const recorded = await recordPatientPayment(db, {
      claimId: id,
      amount: body.amount,
      receivedOn: body.receivedOn,
      ...(body.reference ? { reference: body.reference } : {}),
      user,
    });
    const creditBalanceWorkflows = await startCreditBalanceWorkflows(
      deps,
      recorded.creditBalances.map((credit) => credit.creditBalanceId),
    );
    const statementAccount = await tellStatementAccount(claim.orderId, id);
    return c.json(
      {
        creditBalances: recorded.creditBalances.map(({ creditBalanceId, party, amount, reason }) => ({ creditBalanceId, party, amount, reason })),
        creditBalanceWorkflows,
        statementAccount,
      },
      201,
    );
  });
  return routes;
}
