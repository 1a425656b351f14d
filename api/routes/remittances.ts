/**
 * Remittances (DESIGN.md "remittances"): an uploaded 835 is checked and stored in the
 * request, then posted by its remittanceWorkflow — never inside the request — and read
 * back here from the database: where it is, and what it posted.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, count, desc, eq, getTableColumns, type SQL } from 'drizzle-orm';
import { createRemittanceActivities, type PostedRemittance } from '../../activities/remittances';
import { remittances, remittanceStatuses } from '../../db/schema';
import { payerLevels } from '../../domain/coordination';
import { remittanceWorkflowId } from '../../workflows/definitions';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { ApiError, notFound, validationError } from '../errors';
import { uuidParam } from '../fields';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';

const x12MediaTypes = ['text/plain', 'application/edi-x12'];

const status = z
  .enum(remittanceStatuses)
  .describe(
    'received: stored, its workflow not yet running; posting; posted: ledger written, every claim told, credit balance workflows started; failed',
  );

const remittanceView = z
  .object({
    remittanceId: z.string(),
    workflowId: z.string().describe('remittance-<payer>-<trace number>: the remittanceWorkflow that posts it'),
    status,
    source: z.enum(['api', 'mailbox']),
    receivedAt: z.string(),
    failure: z.string().nullable().describe('failed: the error type the posting gave up with'),
    traceNumber: z.string().describe('TRN02: the check or EFT number'),
    payerIdentifier: z.string().describe('TRN03: with the trace number, identifies the remittance'),
    payerId: z
      .string()
      .nullable()
      .describe(
        'Our payer the 835 identifies (1000A N104/REF*2U, else TRN03); null when none of ours (every CLP is then unmatched) or not posted yet',
      ),
    paymentAmount: z.number().int().describe('Cents'),
    claims: z.array(
      z.object({
        claimId: z.string(),
        claimNumber: z.string(),
        outcome: z.enum(['paid', 'partially-paid', 'denied', 'reversed']),
        level: z.enum(payerLevels).describe('The level of the 835’s payer on the claim (primary, secondary, tertiary): where it posted'),
        crossover: z.boolean().describe('The payer forwarded the claim to the next payer itself (CLP02 19/20/21 with MA18, MA07 or N89)'),
        nextLevel: z
          .enum(payerLevels)
          .optional()
          .describe('The next payer, now owing this payer’s patient responsibility; absent when the patient owes it'),
        paid: z.number().int(),
        patientResponsibility: z.number().int().describe('CLP05: owed by the next payer when there is one, else by the patient'),
        duplicatePayment: z.number().int().optional().describe('Part of paid that paid lines already paid: a credit balance'),
        underpaid: z.number().int().optional().describe('Shortfall against the fee schedule beyond the tolerance: a biller task'),
      }),
    ),
    creditBalances: z
      .array(
        z.object({
          creditBalanceId: z.string(),
          claimId: z.string(),
          party: z.enum(['payer', 'patient']),
          payerId: z.string().optional().describe('For a payer’s credit: the payer that overpaid'),
          amount: z.number().int(),
          reason: z.string(),
        }),
      )
      .describe('Credit balances this posting found or changed; each runs a creditBalanceWorkflow'),
    unmatched: z
      .array(
        z.object({
          patientControlNumber: z.string(),
          disagrees: z
            .enum(['control-number', 'payer', 'charge'])
            .describe('The first part that disagreed: no claim with CLP01, another payer than the claim was sent to, or CLP03 ≠ our charge'),
          reason: z.string(),
          claimId: z.string().optional().describe('Our claim CLP01 names, when there is one: left untouched'),
        }),
      )
      .describe('CLPs posted to no claim: each became a biller task'),
    providerAdjustments: z.number().int(),
    signals: z
      .array(z.object({ claimId: z.string(), delivery: z.enum(['sent', 'not-running']) }))
      .describe('remittancePosted to each matched claim’s workflow so far; not-running when the claim workflow had closed'),
    creditBalanceWorkflows: z
      .array(z.object({ creditBalanceId: z.string(), start: z.literal('started') }))
      .describe('creditBalanceWorkflow started for each credit balance found'),
  })
  .openapi('Remittance');

const accepted = z
  .object({
    remittances: z.array(
      z.object({
        remittanceId: z.string(),
        traceNumber: z.string(),
        payerIdentifier: z.string(),
        workflowId: z.string(),
        status,
        duplicate: z.boolean().describe('True when this remittance had been received before: it was not stored again, its first workflow posts it'),
        location: z.string().describe('GET it here to follow the posting'),
      }),
    ),
  })
  .openapi('RemittancesAccepted');

const postRemittance = createRoute({
  method: 'post',
  path: '/remittances',
  summary: 'Upload an 835 file: stored here, posted by its remittance workflow',
  description:
    'The body is the raw 835 (text/plain or application/edi-x12). Only 005010X221A1 (GS01 HP, GS08) is read. A file that does not parse, breaks a TR3 limit or does not balance is rejected whole (422 remittance_rejected, details: the problems) and nothing is stored. A good file is stored and each of its remittances (payer + trace number) posted by its remittanceWorkflow: 202 with Location /remittances/<id> of the first; GET it until status is posted. A CLP posts only to the claim whose patient control number, payer and charge it matches; the others are listed as unmatched (with the part that disagreed) and become biller tasks. A remittance received before (same payer and trace number) is not stored or posted again: 200, duplicate: true, the same Location.',
  tags: ['remittances'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: {
    body: {
      required: true,
      content: Object.fromEntries(x12MediaTypes.map((type) => [type, { schema: z.string().openapi({ example: 'ISA*00*…~GS*HP*…~ST*835*0001~…' }) }])),
    },
  },
  responses: {
    202: { description: 'Stored; its workflow posts it', content: { 'application/json': { schema: accepted } } },
    200: { description: 'Every remittance in the file was received before: where they are', content: { 'application/json': { schema: accepted } } },
    ...errorResponses(400, 401, 403, 415, 422),
  },
});

const listRemittances = createRoute({
  method: 'get',
  path: '/remittances',
  summary: 'Remittances received, newest first, with what each posted',
  tags: ['remittances'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: {
    query: z.object({
      status: z.enum(remittanceStatuses, { message: `must be one of ${remittanceStatuses.join(', ')}` }).optional(),
      ...pagingQuery,
    }),
  },
  responses: {
    200: {
      description: 'A page of remittances',
      content: { 'application/json': { schema: z.object({ remittances: z.array(remittanceView), page: pageSchema }) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

const getRemittance = createRoute({
  method: 'get',
  path: '/remittances/{id}',
  summary: 'One remittance: its status and what it posted',
  tags: ['remittances'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { params: z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: { description: 'The remittance', content: { 'application/json': { schema: remittanceView } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const getRemittanceFile = createRoute({
  method: 'get',
  path: '/remittances/{id}/835',
  summary: 'The 835 file the remittance came in, exactly as received',
  description: 'The whole file (it may hold other remittances besides this one). It holds PHI: patient names and member ids.',
  tags: ['remittances'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { params: z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: { description: 'The X12 text', content: { 'text/plain': { schema: z.string() } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

/** Every column but the raw file, which can be megabytes and is not shown. */
const { content: _file, ...viewColumns } = getTableColumns(remittances);
type RemittanceRow = Omit<typeof remittances.$inferSelect, 'content'>;

function viewOf(row: RemittanceRow): z.infer<typeof remittanceView> {
  // Until its posting commits, a remittance has no summary: nothing posted yet.
  const posted = row.postedAt ? (row.summary as unknown as PostedRemittance) : undefined;
  return {
    remittanceId: row.id,
    workflowId: remittanceWorkflowId(row.payerIdentifier, row.traceNumber),
    status: row.status,
    source: row.source,
    receivedAt: row.receivedAt.toISOString(),
    failure: row.failure,
    traceNumber: row.traceNumber,
    payerIdentifier: row.payerIdentifier,
    payerId: posted?.payerId ?? null,
    paymentAmount: row.paymentAmount,
    // Summaries stored before coordination of benefits posted every claim at the primary.
    claims: (posted?.claims ?? []).map((claim) => ({ ...claim, level: claim.level ?? 'primary', crossover: claim.crossover ?? false })),
    creditBalances: posted?.creditBalances ?? [],
    unmatched: posted?.unmatched ?? [],
    providerAdjustments: posted?.providerAdjustments ?? 0,
    signals: row.signals,
    creditBalanceWorkflows: row.creditBalanceWorkflows,
  };
}

export function remittanceRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const intake = createRemittanceActivities({ db, ...(deps.posting ?? {}) });

  return router()
    .openapi(postRemittance, async (c) => {
      const { user } = c.get('actor');
      const mediaType = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (!x12MediaTypes.includes(mediaType)) {
        throw new ApiError(415, 'unsupported_media_type', `Send the 835 as ${x12MediaTypes.join(' or ')}`);
      }
      const content = await c.req.text();
      if (content.trim() === '') throw validationError([{ field: '(body)', message: 'must be the 835 file, starting with ISA' }]);

      const stored = await intake.storeRemittances({ content, source: 'api', user });
      if (!stored.ok) {
        throw new ApiError(422, 'remittance_rejected', `The 835 was not accepted: ${stored.problems.length} problem(s) in the file`, stored.problems);
      }
      for (const remittance of stored.remittances) {
        if (remittance.status === 'posted') continue;
        try {
          await deps.temporal.startRemittance(remittance);
        } catch (error) {
          // The file is stored: the worker's relay starts the workflow of a remittance left received.
          deps.logger.warn('remittanceWorkflow not started', {
            remittanceId: remittance.remittanceId,
            errorName: error instanceof Error ? error.name : 'unknown',
          });
        }
      }
      const answer = stored.remittances.map((remittance) => ({
        remittanceId: remittance.remittanceId,
        traceNumber: remittance.traceNumber,
        payerIdentifier: remittance.payerIdentifier,
        workflowId: remittanceWorkflowId(remittance.payerIdentifier, remittance.traceNumber),
        status: remittance.status,
        duplicate: remittance.duplicate,
        location: `/remittances/${remittance.remittanceId}`,
      }));
      c.header('Location', answer[0].location);
      return c.json({ remittances: answer }, answer.every((remittance) => remittance.duplicate) ? 200 : 202);
    })
    .openapi(listRemittances, async (c) => {
      const query = c.req.valid('query');
      const filters: SQL[] = [];
      if (query.status) filters.push(eq(remittances.status, query.status));
      const where = and(...filters);
      const [rows, [{ total }]] = await Promise.all([
        db
          .select(viewColumns)
          .from(remittances)
          .where(where)
          .orderBy(desc(remittances.receivedAt), desc(remittances.id))
          .limit(query.limit)
          .offset(query.offset),
        db.select({ total: count() }).from(remittances).where(where),
      ]);
      return c.json({ remittances: rows.map(viewOf), page: { limit: query.limit, offset: query.offset, total } }, 200);
    })
    .openapi(getRemittance, async (c) => {
      const { id } = c.req.valid('param');
      const [row] = await db.select(viewColumns).from(remittances).where(eq(remittances.id, id));
      if (!row) throw notFound('Remittance', id);
      return c.json(viewOf(row), 200);
    })
    .openapi(getRemittanceFile, async (c) => {
      const { id } = c.req.valid('param');
      const [row] = await db.select({ content: remittances.content }).from(remittances).where(eq(remittances.id, id));
      if (!row) throw notFound('Remittance', id);
      return c.text(row.content, 200);
    });
}
