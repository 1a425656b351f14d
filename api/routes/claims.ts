import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, inArray, type SQL } from 'drizzle-orm';
import {
  adjustments,
  appeals,
  claimEvents,
  claimLines,
  claimPayerStatuses,
  claimPayers,
  claimPayments,
  claimResolutions,
  claims,
  linePayments,
  remittances,
} from '../../db/schema';
import { payerLevels } from '../../domain/coordination';
import { cms1500Of } from '../../domain/cms1500';
import { claimStatuses } from '../../domain/claim-statuses';
import { parse837P } from '../../domain/x12';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { renderCms1500 } from '../cms1500-pdf';
import { ApiError, notFound } from '../errors';
import { uuidParam } from '../fields';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';
import { claimLineOf, claimLineView } from './orders';

const listQuery = z.object({
  status: z.enum(claimStatuses, { message: `must be one of ${claimStatuses.join(', ')}` }).optional(),
  resolution: z.enum(claimResolutions, { message: `must be one of ${claimResolutions.join(', ')}` }).optional(),
  orderId: uuidParam.optional(),
  payerId: z.string().trim().min(1).optional(),
  ...pagingQuery,
});

const claimSummary = z
  .object({
    id: z.string(),
    orderId: z.string(),
    claimNumber: z.string().describe('Our patient control number (CLM01)'),
    payerId: z.string(),
    status: z.enum(claimStatuses),
    statusReason: z.string().nullable(),
    resolution: z.enum(claimResolutions).nullable().describe('The final state, once reached'),
    resolvedAt: z.string().nullable(),
    serviceFrom: z.string(),
    serviceTo: z.string(),
    rentalPeriod: z.number().int().nullable(),
    rentalMonth: z.number().int().nullable(),
    totalCharge: z.number().int().describe('Cents'),
    paidAmount: z.number().int().describe('Cents'),
    patientResponsibility: z.number().int().describe('Cents'),
    frequencyCode: z.string(),
    correctsClaimId: z.string().nullable(),
    payerClaimNumber: z.string().nullable(),
    interchangeControlNumber: z.string(),
    submittedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('ClaimSummary');

const adjustmentView = z.object({
  groupCode: z.string(),
  reasonCode: z.string(),
  amount: z.number().int(),
  quantity: z.number().int().nullable(),
});

const claimView = claimSummary
  .extend({
    lines: z.array(claimLineView),
    events: z.array(z.object({ kind: z.string(), eventKey: z.string(), detail: z.record(z.string(), z.unknown()), at: z.string() })),
    appeals: z.array(
      z.object({
        id: z.string(),
        level: z.string(),
        status: z.string(),
        denialCodes: z.array(z.string()),
        amount: z.number().int(),
        prerequisite: z.string().nullable(),
        determinationOn: z.string(),
        deadlineOn: z.string(),
        filedOn: z.string().nullable(),
        reference: z.string().nullable(),
        decidedOn: z.string().nullable(),
        decision: z.string().nullable(),
      }),
    ),
    payers: z
      .array(
        z.object({
          level: z.enum(payerLevels),
          payerId: z.string(),
          status: z.enum(claimPayerStatuses),
          submittedAt: z.string().nullable(),
          payerClaimNumber: z.string().nullable(),
          adjudicatedOn: z.string().nullable(),
          paidAmount: z.number().int(),
          note: z.string().nullable(),
        }),
      )
      .describe("The payers the claim is billed to, in order (DOMAIN.md §15): each one's part, a crossover, what it paid"),
    payments: z.array(
      z.object({
        remittanceId: z.string(),
        traceNumber: z.string(),
        paymentDate: z.string().nullable(),
        statusCode: z.string(),
        outcome: z.string(),
        charge: z.number().int(),
        paid: z.number().int(),
        patientResponsibility: z.number().int(),
        payerClaimNumber: z.string(),
        remarkCodes: z.array(z.string()),
        adjustments: z.array(adjustmentView).describe('Claim-level CAS'),
        lines: z.array(
          z.object({
            claimLineId: z.string().nullable(),
            hcpcs: z.string(),
            modifiers: z.array(z.string()),
            charge: z.number().int(),
            paid: z.number().int(),
            allowed: z.number().int().nullable(),
            units: z.number().int(),
            lineControlNumber: z.string().nullable(),
            serviceFrom: z.string().nullable(),
            remarkCodes: z.array(z.string()),
            adjustments: z.array(adjustmentView),
          }),
        ),
      }),
    ),
  })
  .openapi('Claim');

const claimIdParams = z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) });

const listClaims = createRoute({
  method: 'get',
  path: '/claims',
  summary: 'Claims, newest first',
  tags: ['claims'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { query: listQuery },
  responses: {
    200: {
      description: 'A page of claims',
      content: { 'application/json': { schema: z.object({ claims: z.array(claimSummary), page: pageSchema }) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

const getClaim = createRoute({
  method: 'get',
  path: '/claims/{id}',
  summary: 'One claim: lines, clearinghouse and payer events, payments with their adjustments',
  tags: ['claims'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { params: claimIdParams },
  responses: {
    200: { description: 'The claim', content: { 'application/json': { schema: claimView } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const getClaimX12 = createRoute({
  method: 'get',
  path: '/claims/{id}/837',
  summary: 'The 837P exactly as sent: to the primary, or with `level` to the secondary or tertiary payer',
  tags: ['claims'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: {
    params: claimIdParams,
    query: z.object({
      level: z
        .enum(payerLevels)
        .optional()
        .describe('Which payer’s 837P: primary (default), secondary or tertiary. 404 when none was sent to that payer (a crossover sends none)'),
    }),
  },
  responses: {
    200: { description: 'The X12 text', content: { 'text/plain': { schema: z.string() } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const getClaimCms1500 = createRoute({
  method: 'get',
  path: '/claims/{id}/cms1500',
  summary: 'The claim on paper: a CMS-1500 (02/12) PDF of the 837P as sent',
  description:
    'For payers that take paper. Every item comes from the stored 837P; six service lines a form, a longer claim ' +
    'continuing on further pages with the total charge (item 28) on the last one. The PDF holds PHI.',
  tags: ['claims'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { params: claimIdParams },
  responses: {
    200: { description: 'The PDF, one page per form', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const iso = (at: Date | null) => (at ? at.toISOString() : null);

function summaryOf(claim: typeof claims.$inferSelect): z.infer<typeof claimSummary> {
  return {
    id: claim.id,
    orderId: claim.orderId,
    claimNumber: claim.claimNumber,
    payerId: claim.payerId,
    status: claim.status,
    statusReason: claim.statusReason,
    resolution: claim.resolution,
    resolvedAt: iso(claim.resolvedAt),
    serviceFrom: claim.serviceFrom,
    serviceTo: claim.serviceTo,
    rentalPeriod: claim.rentalPeriod,
    rentalMonth: claim.rentalMonth,
    totalCharge: claim.totalCharge,
    paidAmount: claim.paidAmount,
    patientResponsibility: claim.patientResponsibility,
    frequencyCode: claim.frequencyCode,
    correctsClaimId: claim.correctsClaimId,
    payerClaimNumber: claim.payerClaimNumber,
    interchangeControlNumber: claim.interchangeControlNumber,
    submittedAt: iso(claim.submittedAt),
    createdAt: claim.createdAt.toISOString(),
  };
}

const adjustmentOf = (row: typeof adjustments.$inferSelect) => ({
  groupCode: row.groupCode,
  reasonCode: row.reasonCode,
  amount: row.amount,
  quantity: row.quantity,
});

export function claimRoutes(deps: AppDeps) {
  const { db } = deps.database;

  return router()
    .openapi(listClaims, async (c) => {
      const query = c.req.valid('query');
      const filters: SQL[] = [];
      if (query.status) filters.push(eq(claims.status, query.status));
      if (query.resolution) filters.push(eq(claims.resolution, query.resolution));
      if (query.orderId) filters.push(eq(claims.orderId, query.orderId));
      if (query.payerId) filters.push(eq(claims.payerId, query.payerId));
      const where = filters.length ? and(...filters) : undefined;
      const [rows, [{ total }]] = await Promise.all([
        db.select().from(claims).where(where).orderBy(desc(claims.createdAt), desc(claims.id)).limit(query.limit).offset(query.offset),
        db.select({ total: count() }).from(claims).where(where),
      ]);
      return c.json({ claims: rows.map(summaryOf), page: { limit: query.limit, offset: query.offset, total } }, 200);
    })
    .openapi(getClaim, async (c) => {
      const { id } = c.req.valid('param');
      const [claim] = await db.select().from(claims).where(eq(claims.id, id));
      if (!claim) throw notFound('Claim', id);
      const [lines, events, payments, appealRows, payerRows] = await Promise.all([
        db.select().from(claimLines).where(eq(claimLines.claimId, id)).orderBy(asc(claimLines.lineNumber)),
        db.select().from(claimEvents).where(eq(claimEvents.claimId, id)).orderBy(asc(claimEvents.at), asc(claimEvents.id)),
        db
          .select({
            payment: claimPayments,
            remittance: { traceNumber: remittances.traceNumber, paymentDate: remittances.paymentDate, receivedAt: remittances.receivedAt },
          })
          .from(claimPayments)
          .innerJoin(remittances, eq(remittances.id, claimPayments.remittanceId))
          .where(eq(claimPayments.claimId, id))
          .orderBy(asc(remittances.receivedAt), asc(claimPayments.position)),
        db.select().from(appeals).where(eq(appeals.claimId, id)).orderBy(asc(appeals.createdAt)),
        db.select().from(claimPayers).where(eq(claimPayers.claimId, id)),
      ]);
      const paymentIds = payments.map(({ payment }) => payment.id);
      const [paidLines, adjusted] = paymentIds.length
        ? await Promise.all([
            db
              .select()
              .from(linePayments)
              .where(inArray(linePayments.claimPaymentId, paymentIds))
              .orderBy(asc(linePayments.serviceFrom), asc(linePayments.lineControlNumber)),
            db.select().from(adjustments).where(inArray(adjustments.claimPaymentId, paymentIds)).orderBy(asc(adjustments.id)),
          ])
        : [[], []];

      return c.json(
        {
          ...summaryOf(claim),
          lines: lines.map(claimLineOf),
          events: events.map((event) => ({ kind: event.kind, eventKey: event.eventKey, detail: event.detail, at: event.at.toISOString() })),
          appeals: appealRows.map((appeal) => ({
            id: appeal.id,
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
          payers: payerRows
            .sort((a, b) => payerLevels.indexOf(a.level) - payerLevels.indexOf(b.level))
            .map((row) => ({
              level: row.level,
              payerId: row.payerId,
              status: row.status,
              submittedAt: row.submittedAt?.toISOString() ?? null,
              payerClaimNumber: row.payerClaimNumber,
              adjudicatedOn: row.adjudicatedOn,
              paidAmount: row.paidAmount,
              note: row.note,
            })),
          payments: payments.map(({ payment, remittance }) => ({
            remittanceId: payment.remittanceId,
            traceNumber: remittance.traceNumber,
            paymentDate: remittance.paymentDate,
            statusCode: payment.statusCode,
            outcome: payment.outcome,
            charge: payment.charge,
            paid: payment.paid,
            patientResponsibility: payment.patientResponsibility,
            payerClaimNumber: payment.payerClaimNumber,
            remarkCodes: payment.remarkCodes,
            adjustments: adjusted.filter((row) => row.claimPaymentId === payment.id && row.linePaymentId === null).map(adjustmentOf),
            lines: paidLines
              .filter((line) => line.claimPaymentId === payment.id)
              .map((line) => ({
                claimLineId: line.claimLineId,
                hcpcs: line.hcpcs,
                modifiers: line.modifiers,
                charge: line.charge,
                paid: line.paid,
                allowed: line.allowed,
                units: line.units,
                lineControlNumber: line.lineControlNumber,
                serviceFrom: line.serviceFrom,
                remarkCodes: line.remarkCodes,
                adjustments: adjusted.filter((row) => row.linePaymentId === line.id).map(adjustmentOf),
              })),
          })),
        },
        200,
      );
    })
    .openapi(getClaimX12, async (c) => {
      const { id } = c.req.valid('param');
      const { level = 'primary' } = c.req.valid('query');
      const [claim] = await db.select({ x12: claims.x12, claimNumber: claims.claimNumber }).from(claims).where(eq(claims.id, id));
      if (!claim) throw notFound('Claim', id);
      let x12 = claim.x12;
      if (level !== 'primary') {
        const [row] = await db
          .select({ x12: claimPayers.x12 })
          .from(claimPayers)
          .where(and(eq(claimPayers.claimId, id), eq(claimPayers.level, level)));
        if (!row?.x12) throw new ApiError(404, 'not_found', `Claim ${id} has no 837P sent to a ${level} payer`);
        x12 = row.x12;
      }
      c.header('Content-Disposition', `inline; filename="${claim.claimNumber}${level === 'primary' ? '' : `-${level}`}.837"`);
      return c.text(x12, 200);
    })
    .openapi(getClaimCms1500, async (c) => {
      const { id } = c.req.valid('param');
      const [claim] = await db.select({ x12: claims.x12, claimNumber: claims.claimNumber }).from(claims).where(eq(claims.id, id));
      if (!claim) throw notFound('Claim', id);
      // The 837P is ours: one that cannot be read is a fault here (500, logged by error name only), never the caller's.
      const pdf = await renderCms1500(cms1500Of(parse837P(claim.x12)));
      c.header('Content-Type', 'application/pdf');
      c.header('Content-Disposition', `inline; filename="${claim.claimNumber}-cms1500.pdf"`);
      // PHI: no shared or browser cache keeps a copy.
      c.header('Cache-Control', 'no-store');
      return c.body(new Uint8Array(pdf), 200);
    });
}
