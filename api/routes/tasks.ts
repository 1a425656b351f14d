import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, count, eq, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../db/audit';
import { tasks } from '../../db/schema';
import type { AppDeps } from '../app';
import { taskCloseRefusal } from '../access';
import { ApiError, conflict, notFound } from '../errors';
import { uuidParam } from '../fields';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';

const taskRoles = ['intake', 'reviewer', 'delivery', 'biller'] as const;

const listQuery = z.object({
  role: z.enum(taskRoles, { message: `must be one of ${taskRoles.join(', ')}` }).optional(),
  status: z.enum(['open', 'done'], { message: 'must be open or done' }).default('open'),
  orderId: uuidParam.optional(),
  kind: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(60, 'must be at most 60 characters')
    .optional()
    .describe('Only tasks of this kind (e.g. claim-rejected, credit-balance-due)'),
  ...pagingQuery,
});

const taskView = z
  .object({
    id: z.string(),
    orderId: z.string().nullable(),
    claimId: z.string().nullable(),
    resupplyPlanId: z.string().nullable().describe('A resupply plan’s task (a call to make, a plan paused)'),
    role: z.enum(taskRoles),
    kind: z.string(),
    title: z.string(),
    status: z.enum(['open', 'done']),
    dueAt: z.string().nullable(),
    createdAt: z.string(),
    doneBy: z.string().nullable(),
    doneAt: z.string().nullable(),
    note: z.string().nullable().describe('Why the system closed the task (doneBy "system"): its reason is gone'),
  })
  .openapi('Task');

const listTasks = createRoute({
  method: 'get',
  path: '/tasks',
  summary: 'The staff work queue (open tasks unless status says otherwise), oldest first',
  tags: ['tasks'],
  security: bearerSecurity,
  request: { query: listQuery },
  responses: {
    200: { description: 'A page of tasks', content: { 'application/json': { schema: z.object({ tasks: z.array(taskView), page: pageSchema }) } } },
    ...errorResponses(400, 401),
  },
});

const completeTask = createRoute({
  method: 'post',
  path: '/tasks/{id}/done',
  summary: 'Mark a task done',
  description: 'Only staff of the task’s role (or an admin) may: 403 names the task’s role otherwise.',
  tags: ['tasks'],
  security: bearerSecurity,
  request: { params: z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) }) },
  responses: {
    200: { description: 'Done: who and when are recorded', content: { 'application/json': { schema: taskView } } },
    ...errorResponses(400, 401, 403, 404, 409),
  },
});

const iso = (at: Date | null) => (at ? at.toISOString() : null);

function viewOf(task: typeof tasks.$inferSelect): z.infer<typeof taskView> {
  return {
    id: task.id,
    orderId: task.orderId,
    claimId: task.claimId,
    resupplyPlanId: task.resupplyPlanId,
    role: task.role,
    kind: task.kind,
    title: task.title,
    status: task.status,
    dueAt: iso(task.dueAt),
    createdAt: task.createdAt.toISOString(),
    doneBy: task.doneBy,
    doneAt: iso(task.doneAt),
    note: task.note,
  };
}

export function taskRoutes(deps: AppDeps) {
  const { db } = deps.database;

  return router()
    .openapi(listTasks, async (c) => {
      const query = c.req.valid('query');
      const filters: SQL[] = [eq(tasks.status, query.status)];
      if (query.role) filters.push(eq(tasks.role, query.role));
      if (query.orderId) filters.push(eq(tasks.orderId, query.orderId));
      if (query.kind) filters.push(eq(tasks.kind, query.kind));
      const where = and(...filters);
      const [rows, [{ total }]] = await Promise.all([
        db.select().from(tasks).where(where).orderBy(asc(tasks.createdAt), asc(tasks.id)).limit(query.limit).offset(query.offset),
        db.select({ total: count() }).from(tasks).where(where),
      ]);
      return c.json({ tasks: rows.map(viewOf), page: { limit: query.limit, offset: query.offset, total } }, 200);
    })
    .openapi(completeTask, async (c) => {
      const { id } = c.req.valid('param');
      const actor = c.get('actor');
      const { user } = actor;
      const done = await db.transaction(async (tx) => {
        const [task] = await tx.select({ role: tasks.role }).from(tasks).where(eq(tasks.id, id));
        if (!task) throw notFound('Task', id);
        const refusal = taskCloseRefusal(actor, { id, role: task.role });
        if (refusal) throw new ApiError(403, 'forbidden', refusal);
        // Only an open task changes: of two people finishing it at once, one wins and the other gets 409.
        const [row] = await tx
          .update(tasks)
          .set({ status: 'done', doneBy: user, doneAt: new Date() })
          .where(and(eq(tasks.id, id), eq(tasks.status, 'open')))
          .returning();
        if (!row) {
          const [existing] = await tx.select({ doneBy: tasks.doneBy, doneAt: tasks.doneAt }).from(tasks).where(eq(tasks.id, id));
          throw conflict(`Task ${id} was already done by ${existing.doneBy} at ${iso(existing.doneAt)}`);
        }
        await recordAudit(tx, {
          actor: user,
          action: 'task.done',
          entityType: 'task',
          entityId: id,
          detail: { kind: row.kind, ...(row.orderId ? { orderId: row.orderId } : {}), ...(row.claimId ? { claimId: row.claimId } : {}) },
        });
        return row;
      });
      return c.json(viewOf(done), 200);
    });
}
