import { createRoute, z } from '@hono/zod-openapi';
import { and, count, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { validationError } from '../errors';
import { calendarDate } from '../fields';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';

const instantPattern = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
const isTimeBound = (value: string) =>
  instantPattern.test(value) && calendarDate.safeParse(value.slice(0, 10)).success && Number.isFinite(Date.parse(value));

const timeBound = z
  .string()
  .refine(isTimeBound, 'must be a date YYYY-MM-DD (the whole UTC day) or an instant such as 2026-03-14T09:30:00Z')
  .openapi({ example: '2026-03-14' });

const word = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9._@:-]{1,100}$/, `must be ${what}: 1–100 letters, digits or . _ @ : -`);

const listQuery = z.object({
  entityType: word('an entity type such as order, claim, task').optional(),
  entityId: word('an entity id').optional(),
  user: word('a user name as in API_KEYS').optional(),
  from: timeBound.optional().describe('From this instant, or from the start of this UTC day'),
  to: timeBound.optional().describe('Up to this instant, or to the end of this UTC day'),
  ...pagingQuery,
});

const auditEventView = z
  .object({
    id: z.number().int(),
    at: z.string(),
    user: z.string().describe('The acting user, or "system" for the workflows’ own steps'),
    role: z.string().nullable().describe('Request rows: the role of the key'),
    action: z.string().describe('api.request, api.refused or api.failed for requests; a business event such as task.done otherwise'),
    method: z.string().nullable(),
    route: z.string().nullable().describe('The route template as in /openapi.json; null when no route matched'),
    status: z.number().int().nullable(),
    outcome: z.string().nullable().describe('ok, or the error code answered'),
    entityType: z.string().nullable(),
    entityId: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).describe('Ids, codes and stages only: never PHI'),
  })
  .openapi('AuditEvent');

const listAudit = createRoute({
  method: 'get',
  path: '/audit',
  summary: 'The audit trail, newest first: staff actions, refused requests and business events (no PHI)',
  tags: ['audit'],
  security: bearerSecurity,
  middleware: [requireRole('admin')] as const,
  request: { query: listQuery },
  responses: {
    200: {
      description: 'A page of audit events',
      content: { 'application/json': { schema: z.object({ events: z.array(auditEventView), page: pageSchema }) } },
    },
    ...errorResponses(400, 401, 403),
  },
});

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 24 * 60 * 60 * 1000);
const isDate = (value: string) => value.length === 10;

export function auditRoutes(deps: AppDeps) {
  const { db } = deps.database;

  return router().openapi(listAudit, async (c) => {
    const query = c.req.valid('query');
    const from = query.from === undefined ? undefined : new Date(isDate(query.from) ? `${query.from}T00:00:00Z` : query.from);
    const to = query.to === undefined ? undefined : isDate(query.to) ? nextDay(query.to) : new Date(query.to);
    // A date's `to` is the next day's start (exclusive); an instant's is itself (inclusive).
    const toDate = query.to !== undefined && isDate(query.to);
    if (from && to && (toDate ? from >= to : from > to)) {
      throw validationError([{ field: 'query.to', message: 'must not be before from' }]);
    }
    const filters: SQL[] = [];
    if (query.entityType) filters.push(eq(auditEvents.entityType, query.entityType));
    if (query.entityId) filters.push(eq(auditEvents.entityId, query.entityId));
    if (query.user) filters.push(eq(auditEvents.actor, query.user));
    if (from) filters.push(gte(auditEvents.at, from));
    if (to) filters.push(toDate ? lt(auditEvents.at, to) : lte(auditEvents.at, to));
    const where = filters.length ? and(...filters) : undefined;
    const [rows, [{ total }]] = await Promise.all([
      db.select().from(auditEvents).where(where).orderBy(desc(auditEvents.at), desc(auditEvents.id)).limit(query.limit).offset(query.offset),
      db.select({ total: count() }).from(auditEvents).where(where),
    ]);
    return c.json(
      {
        events: rows.map((row) => ({
          id: row.id,
          at: row.at.toISOString(),
          user: row.actor,
          role: row.role,
          action: row.action,
          method: row.method,
          route: row.route,
          status: row.status,
          outcome: row.outcome,
          entityType: row.entityType,
          entityId: row.entityId,
          detail: row.detail,
        })),
        page: { limit: query.limit, offset: query.offset, total },
      },
      200,
    );
  });
}
