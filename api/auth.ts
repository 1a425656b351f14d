/**
 * Bearer API keys: each key maps to a user and a role (DESIGN.md "HTTP API"). The
 * acting user is put on the context so every write can record who did it.
 */
import { timingSafeEqual } from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import type { ApiKey, Role } from '../config';
import { ApiError } from './errors';

export interface Actor {
  user: string;
  role: Role;
}

export type AppEnv = { Variables: { actor: Actor } };

export function authenticate(apiKeys: ApiKey[]) {
  const keys = apiKeys.map((entry) => ({ ...entry, bytes: Buffer.from(entry.key) }));
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw new ApiError(401, 'unauthenticated', 'Send an API key as "Authorization: Bearer <key>"');
    }
    const presented = Buffer.from(match[1]);
    const found = keys.find((entry) => entry.bytes.length === presented.length && timingSafeEqual(entry.bytes, presented));
    if (!found) throw new ApiError(401, 'unauthenticated', 'The API key is not recognised');
    c.set('actor', { user: found.user, role: found.role });
    await next();
  });
}

/** Lets the request through when the actor has one of the roles; admin may do all. */
export function requireRole(...allowed: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const actor = c.get('actor');
    if (actor.role !== 'admin' && !allowed.includes(actor.role)) {
      throw new ApiError(403, 'forbidden', `This needs the role ${allowed.join(' or ')}; user ${actor.user} has the role ${actor.role}`);
    }
    await next();
  });
}
