import { createRoute, z } from '@hono/zod-openapi';
import { createRemittanceActivities, creditBalanceStarts, remittanceSignals } from '../../activities/remittances';
import { remittancePosted } from '../../workflows/definitions';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { ApiError, validationError } from '../errors';
import { bearerSecurity, router } from '../router';
import { errorResponses } from '../schemas';
import { startCreditBalanceWorkflows } from './credit-balances';

const x12MediaTypes = ['text/plain', 'application/edi-x12'];

const postedRemittance = z.object({
  remittanceId: z.string(),
  traceNumber: z.string().describe('TRN02: the check or EFT number'),
  payerIdentifier: z.string().describe('TRN03: with the trace number, identifies the remittance'),
  payerId: z
    .string()
    .nullable()
    .describe('Our payer the 835 identifies (1000A N104/REF*2U, else TRN03); null when none of ours: every CLP is then unmatched'),
  paymentAmount: z.number().int().describe('Cents'),
  duplicate: z.boolean().describe('True when this remittance was posted before: nothing was posted again'),
  claims: z.array(
    z.object({
      claimId: z.string(),
      claimNumber: z.string(),
      outcome: z.enum(['paid', 'partially-paid', 'denied', 'reversed']),
      paid: z.number().int(),
      patientResponsibility: z.number().int(),
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
});

const postingResult = z
  .object({
    remittances: z.array(postedRemittance),
    signals: z
      .array(z.object({ claimId: z.string(), delivery: z.enum(['sent', 'not-running', 'failed']) }))
      .describe('remittancePosted to each matched claim’s workflow; not-running when the claim workflow has closed'),
    creditBalanceWorkflows: z
      .array(z.object({ creditBalanceId: z.string(), start: z.enum(['started', 'failed']) }))
      .describe('creditBalanceWorkflow started for each credit balance found (posting the file again retries a failed start)'),
  })
  .openapi('RemittancePosting');

const postRemittance = createRoute({
  method: 'post',
  path: '/remittances',
  summary: 'Post an 835 file and tell the claims it pays',
  description:
    'The body is the raw 835 (text/plain or application/edi-x12). Only 005010X221A1 (GS01 HP, GS08) is read. A file that does not parse, breaks a TR3 limit or does not balance is rejected whole (422 remittance_rejected, details: the problems) and nothing is posted. A CLP posts only to the claim whose patient control number, payer and charge it matches; the others are listed as unmatched (with the part that disagreed) and become biller tasks. A remittance posted before (same payer and trace number) is not posted again: 200 with the first result.',
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
    201: { description: 'Posted', content: { 'application/json': { schema: postingResult } } },
    200: {
      description: 'Every remittance in the file was posted before: the first result',
      content: { 'application/json': { schema: postingResult } },
    },
    ...errorResponses(400, 401, 403, 415, 422),
  },
});

export function remittanceRoutes(deps: AppDeps) {
  const posting = createRemittanceActivities({ db: deps.database.db, ...(deps.posting ?? {}) });

  return router().openapi(postRemittance, async (c) => {
    const { user } = c.get('actor');
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
    if (!x12MediaTypes.includes(mediaType)) {
      throw new ApiError(415, 'unsupported_media_type', `Send the 835 as ${x12MediaTypes.join(' or ')}`);
    }
    const content = await c.req.text();
    if (content.trim() === '') throw validationError([{ field: '(body)', message: 'must be the 835 file, starting with ISA' }]);

    const result = await posting.postRemittance({ content, source: 'api', user });
    if (!result.ok) {
      throw new ApiError(422, 'remittance_rejected', `The 835 was not posted: ${result.problems.length} problem(s) in the file`, result.problems);
    }

    const signals: Array<{ claimId: string; delivery: 'sent' | 'not-running' | 'failed' }> = [];
    for (const signal of remittanceSignals(result.remittances, user)) {
      try {
        signals.push({ claimId: signal.claimId, delivery: await deps.temporal.signalClaim(signal.claimId, remittancePosted, signal) });
      } catch (error) {
        // The posting stands; uploading the file again posts nothing new but sends the signals again.
        deps.logger.warn('remittancePosted not delivered', { claimId: signal.claimId, errorName: error instanceof Error ? error.name : 'unknown' });
        signals.push({ claimId: signal.claimId, delivery: 'failed' });
      }
    }
    const creditBalanceWorkflows = await startCreditBalanceWorkflows(deps, creditBalanceStarts(result.remittances));
    const duplicate = result.remittances.every((remittance) => remittance.duplicate);
    return c.json({ remittances: result.remittances, signals, creditBalanceWorkflows }, duplicate ? 200 : 201);
  });
}
