/**
 * Patient statements (DOMAIN.md §15): the statements a patient's account sent, newest
 * first, and each one's PDF as it went out. Billers (and admins) only: a statement is
 * claim money beside the patient's name, address and services, and claim money is
 * theirs (README "Roles"); intake sees the patient but not what the claims paid. Every
 * PDF served is audited as a read of the document.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { count, desc, eq } from 'drizzle-orm';
import { recordAudit } from '../../db/audit';
import { patientStatements, patients } from '../../db/schema';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { notFound } from '../errors';
import { uuidParam } from '../fields';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';

const idParams = z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) });

const statementView = z
  .object({
    id: z.string(),
    patientId: z.string(),
    cycle: z.number().int().describe('Its place in the 30/60/90 series: 1 on day 0 … 4, the final notice, on day 90'),
    sequence: z.number().int().describe('The account’s statements in order, the first is 1'),
    statementOn: z.string(),
    dueOn: z.string(),
    amountDue: z.number().int().describe('Cents'),
    claimIds: z.array(z.string()).describe('The claims whose balances it lists'),
    pdf: z.string().describe('GET this path for the PDF'),
    createdAt: z.string(),
  })
  .openapi('PatientStatement');

const listStatements = createRoute({
  method: 'get',
  path: '/patients/{id}/statements',
  summary: 'The statements sent to a patient, newest first (no PDF: see GET /statements/{id}/pdf)',
  tags: ['patients'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { params: idParams, query: z.object(pagingQuery) },
  responses: {
    200: {
      description: 'A page of statements',
      content: { 'application/json': { schema: z.object({ statements: z.array(statementView), page: pageSchema }) } },
    },
    ...errorResponses(400, 401, 403, 404),
  },
});

const statementPdf = createRoute({
  method: 'get',
  path: '/statements/{id}/pdf',
  summary: 'A statement’s PDF, exactly as it was sent',
  tags: ['patients'],
  security: bearerSecurity,
  middleware: [requireRole('biller')] as const,
  request: { params: idParams },
  responses: {
    200: { description: 'The PDF', content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

export function statementRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const routes = router();

  routes.openapi(listStatements, async (c) => {
    const { id } = c.req.valid('param');
    const { limit, offset } = c.req.valid('query');
    const [patient] = await db.select({ id: patients.id }).from(patients).where(eq(patients.id, id));
    if (!patient) throw notFound('Patient', id);
    const [rows, [{ total }]] = await Promise.all([
      db
        .select({
          id: patientStatements.id,
          patientId: patientStatements.patientId,
          cycle: patientStatements.cycle,
          sequence: patientStatements.sequence,
          statementOn: patientStatements.statementOn,
          dueOn: patientStatements.dueOn,
          amountDue: patientStatements.amountDue,
          claimIds: patientStatements.claimIds,
          createdAt: patientStatements.createdAt,
        })
        .from(patientStatements)
        .where(eq(patientStatements.patientId, id))
        .orderBy(desc(patientStatements.sequence))
        .limit(limit)
        .offset(offset),
      db.select({ total: count() }).from(patientStatements).where(eq(patientStatements.patientId, id)),
    ]);
    return c.json(
      {
        statements: rows.map((row) => ({ ...row, pdf: `/statements/${row.id}/pdf`, createdAt: row.createdAt.toISOString() })),
        page: { limit, offset, total },
      },
      200,
    );
  });

  routes.openapi(statementPdf, async (c) => {
    const { id } = c.req.valid('param');
    const [row] = await db
      .select({ pdf: patientStatements.pdf, patientId: patientStatements.patientId })
      .from(patientStatements)
      .where(eq(patientStatements.id, id));
    if (!row) throw notFound('Statement', id);
    await recordAudit(db, {
      actor: c.get('actor').user,
      action: 'patient-statement.read',
      entityType: 'patient',
      entityId: row.patientId,
      detail: { statementId: id },
    });
    return c.body(new Uint8Array(row.pdf), 200, {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `inline; filename="statement-${id}.pdf"`,
      'Cache-Control': 'no-store',
    });
  });
  return routes;
}
