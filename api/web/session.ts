/**
 * Sign-in for the staff web app: an API key exchanged for a session cookie.
 *
 * The cookie holds a random 256-bit token (httpOnly, SameSite=Strict, path /app, Secure
 * over https); the database holds its SHA-256 and the SHA-256 of the key it was opened
 * with, so neither a copy of the table nor a log line signs anyone in. Each request finds
 * the key again among API_KEYS: the session acts as that key (its user and role, through
 * the API's own routes), and ends when the key is removed. A session ends after
 * `idleMs` without a request (HIPAA's automatic logoff, 45 CFR 164.312(a)(2)(iii)) or
 * `maxMs` after sign-in, whichever comes first.
 *
 * CSRF: SameSite=Strict keeps the cookie off cross-site requests, and every form posts
 * the session's synchronizer token, compared in constant time (OWASP CSRF Prevention
 * Cheat Sheet); a POST whose Origin is another site's is refused before either.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ApiKey, Role } from '../../config';
import type { Db } from '../../db/client';
import { webSessions } from '../../db/schema';

const sessionCookie = 'dme_session';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export interface WebSession {
  user: string;
  role: Role;
  /** The key the session acts as: never stored, found again in API_KEYS by its hash. */
  key: string;
  csrfToken: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The configured key equal to the one typed in, compared in constant time; undefined when none is. */
export function keyNamed(apiKeys: readonly ApiKey[], presented: string): ApiKey | undefined {
  return apiKeys.find((entry) => sameText(entry.key, presented));
}

/** Opens a session for the key and sets its cookie. */
export async function openSession(c: Context, db: Db, key: ApiKey, policy: SessionPolicy): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  await db.insert(webSessions).values({
    tokenHash: sha256(token),
    keyHash: sha256(key.key),
    user: key.user,
    role: key.role,
    csrfToken: randomBytes(32).toString('base64url'),
  });
  setCookie(c, sessionCookie, token, {
    path: '/app',
    httpOnly: true,
    sameSite: 'Strict',
    secure: publicOrigin(c).startsWith('https:'),
    maxAge: Math.floor(policy.maxMs / 1000),
  });
}

/**
 * The request's live session, its last-seen time moved on; null when there is none, it
 * ended, it idled or aged out (then it is ended here), or its key is no longer configured.
 */
export async function currentSession(c: Context, db: Db, apiKeys: readonly ApiKey[], policy: SessionPolicy): Promise<WebSession | null> {
  const token = getCookie(c, sessionCookie);
  if (!token) return null;
  const tokenHash = sha256(token);
  const [row] = await db
    .select()
    .from(webSessions)
    .where(and(eq(webSessions.tokenHash, tokenHash), isNull(webSessions.endedAt)));
  if (!row) return null;
  const now = Date.now();
  const key = apiKeys.find((entry) => sha256(entry.key) === row.keyHash);
  const expired = now - row.lastSeenAt.getTime() > policy.idleMs || now - row.createdAt.getTime() > policy.maxMs;
  if (!key || expired || key.user !== row.user || key.role !== row.role) {
    await db
      .update(webSessions)
      .set({ endedAt: new Date(now) })
      .where(eq(webSessions.tokenHash, tokenHash));
    return null;
  }
  await db
    .update(webSessions)
    .set({ lastSeenAt: new Date(now) })
    .where(eq(webSessions.tokenHash, tokenHash));
  return { user: key.user, role: key.role, key: key.key, csrfToken: row.csrfToken };
}

/** Ends the request's session (sign-out) and clears its cookie. */
export async function endSession(c: Context, db: Db): Promise<void> {
  const token = getCookie(c, sessionCookie);
  if (token)
    await db
      .update(webSessions)
      .set({ endedAt: new Date() })
      .where(eq(webSessions.tokenHash, sha256(token)));
  deleteCookie(c, sessionCookie, { path: '/app' });
}

/** True when the posted form token is the session's. */
export function csrfTokenMatches(session: WebSession, posted: unknown): boolean {
  return typeof posted === 'string' && sameText(posted, session.csrfToken);
}

/**
 * This site's origin as the browser sees it. Behind a TLS-terminating proxy the request
 * reaches us as plain http: the proxy's X-Forwarded-Proto and X-Forwarded-Host say what the
 * browser used. Trusting them is safe for the checks below: a cross-site page can make a
 * browser send a form, but cannot set these headers on it.
 */
function publicOrigin(c: Context): string {
  const url = new URL(c.req.url);
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0].trim().toLowerCase();
  const host = c.req.header('x-forwarded-host')?.split(',')[0].trim() || c.req.header('host') || url.host;
  const scheme = proto === 'https' || proto === 'http' ? proto : url.protocol.slice(0, -1);
  // A browser's Origin leaves out the scheme's default port; some proxies write it in the host.
  const bare = host.replace(scheme === 'https' ? /:443$/ : /:80$/, '');
  return `${scheme}://${bare}`;
}

/** A POST from another site: its Origin (sent by every current browser on POST) is not this one. */
export function crossSite(c: Context): boolean {
  const origin = c.req.header('origin');
  if (!origin || origin === 'null') return origin === 'null';
  return origin !== publicOrigin(c);
}
