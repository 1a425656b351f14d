/**
 * The audit trail of API requests (issue 9.6), as one middleware around every route so
 * no route can forget it. It records every staff write or command, whatever it answered,
 * and every refused request (403, 404, 409, 422), reads included: who (user and role),
 * what (method and route template), on what (entity type and id from the path, or the
 * `Location` of what was created), the status and the error code, and when.
 *
 * Never PHI: no bodies, no query strings, no raw paths (a path segment is whatever was
 * typed); the route is the template, and an id is kept only when it is a UUID.
 *
 * Not recorded here: 401 (no user to name, and an unauthenticated writer could fill the
 * table; the request log line keeps it), and 400/413/415, the request's shape refused
 * before any rule looked at an entity (nothing changed, the log line keeps it).
 */
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import { matchedRoutes } from 'hono/route';
import type { Database } from '../db/client';
import { auditEvents } from '../db/schema';
import type { Logger } from '../logger';
import type { Actor, AppEnv } from './auth';

/** Refusals audited on every method, reads included. */
const auditedRefusals = new Set([403, 404, 409, 422]);
/** A write refused for its shape: nothing was read or changed. */
const shapeRefusals = new Set([400, 401, 413, 415]);
const reads = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The entity a route's first path segment names; secondary ids go to `detail` under these names. */
const entityOfCollection: Record<string, string> = {
  patients: 'patient',
  orders: 'order',
  claims: 'claim',
  remittances: 'remittance',
  'credit-balances': 'credit-balance',
  statements: 'patient-statement',
  tasks: 'task',
};
const secondaryIds: Record<string, string> = { docId: 'documentId', claimId: 'claimId' };

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a request with this method and answer is audited. */
function isAudited(method: string, status: number): boolean {
  return auditedRefusals.has(status) || (!reads.has(method) && !shapeRefusals.has(status));
}

function actionOf(status: number): string {
  if (status < 400) return 'api.request';
  if (status < 500) return 'api.refused';
  return 'api.failed';
}

/** The matched route as /openapi.json writes it (`/orders/{id}`), or null when no route matched. */
function routeTemplate(c: Context): string | null {
  const handler = [...matchedRoutes(c)].reverse().find((route) => route.method !== 'ALL');
  return handler ? handler.path.replace(/:(\w+)/g, '{$1}') : null;
}

async function outcomeOf(response: Response): Promise<string> {
  if (response.status < 400) return 'ok';
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body.error?.code === 'string' ? body.error.code : String(response.status);
  } catch {
    return String(response.status);
  }
}

function entityOf(c: Context, route: string | null) {
  const collection = route?.split('/')[1] ?? '';
  const entityType = entityOfCollection[collection] ?? null;
  const params = route ? c.req.param() : {};
  const detail: Record<string, string> = {};
  for (const [name, key] of Object.entries(secondaryIds)) {
    const value = (params as Record<string, string | undefined>)[name];
    if (value && uuid.test(value)) detail[key] = value.toLowerCase();
  }
  let entityId = (params as Record<string, string | undefined>).id ?? null;
  if (!entityId && c.res.status < 300) {
    // A creation names what it created in its Location: /orders/<uuid>.
    const location = /^\/([a-z-]+)\/([^/]+)$/.exec(c.res.headers.get('location') ?? '');
    if (location && location[1] === collection) entityId = location[2];
  }
  return { entityType, entityId: entityId && uuid.test(entityId) ? entityId.toLowerCase() : null, detail };
}

export function auditRequests(deps: { database: Database; logger: Logger }) {
  return createMiddleware<AppEnv>(async (c, next) => {
    await next();
    const actor = c.get('actor') as Actor | undefined;
    const { status } = c.res;
    if (!actor || !isAudited(c.req.method, status)) return;
    const route = routeTemplate(c);
    const { entityType, entityId, detail } = entityOf(c, route);
    try {
      await deps.database.db.insert(auditEvents).values({
        actor: actor.user,
        role: actor.role,
        action: actionOf(status),
        method: c.req.method,
        route,
        status,
        outcome: await outcomeOf(c.res),
        entityType,
        entityId,
        detail,
      });
    } catch (error) {
      // The request's own work is done (or refused) by now: answering 5xx would invite a retry of a completed write.
      deps.logger.error('audit event not recorded', {
        method: c.req.method,
        route,
        status,
        errorType: error instanceof Error ? error.name : 'unknown',
      });
    }
  });
}
