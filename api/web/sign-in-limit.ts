/**
 * Failed sign-ins are counted per client address: after `maxFailures` within `windowMs`
 * the address is refused (429, with Retry-After) until its oldest failure in the window
 * ages out, whatever key it tries (OWASP Authentication Cheat Sheet, "Protect against
 * automated attacks"). A success clears the address's count. The count lives in this
 * process: with several API processes each counts its own, which still bounds a guesser
 * to `maxFailures` a window per process.
 *
 * The address is the socket's, unless `trustedProxies` proxies stand in front of the API:
 * then it is the X-Forwarded-For entry the outermost trusted proxy added (the last
 * `trustedProxies` entries are written by those proxies; anything before them the client
 * may have forged). With the default 0, a forged X-Forwarded-For counts for nothing.
 */
import type { Context } from 'hono';

export interface SignInLimit {
  maxFailures: number;
  windowMs: number;
  /** Proxies in front of the API whose X-Forwarded-For entries are believed (WEB_TRUSTED_PROXIES). */
  trustedProxies?: number;
}

export const defaultSignInLimit: SignInLimit = { maxFailures: 10, windowMs: 15 * 60_000 };

/** The client's address as far as the trusted proxies vouch for it; 'unknown' in process (tests). */
export function clientAddress(c: Context, trustedProxies = 0): string {
  const hops = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  if (trustedProxies > 0 && hops.length >= trustedProxies) return hops[hops.length - trustedProxies];
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

export function signInLimiter(limit: SignInLimit, now: () => number = Date.now) {
  const failures = new Map<string, number[]>();
  const recent = (address: string) => {
    const since = now() - limit.windowMs;
    const kept = (failures.get(address) ?? []).filter((at) => at > since);
    if (kept.length === 0) failures.delete(address);
    else failures.set(address, kept);
    return kept;
  };
  return {
    /** Seconds until the address may try again; 0 when it may now. */
    retryAfter(address: string): number {
      const kept = recent(address);
      if (kept.length < limit.maxFailures) return 0;
      return Math.max(1, Math.ceil((kept[0] + limit.windowMs - now()) / 1000));
    },
    /** Counts a failure; returns the address's failures in the window. */
    failed(address: string): number {
      const kept = [...recent(address), now()];
      failures.set(address, kept);
      // Bounded memory: past 100,000 addresses the one whose failures are oldest is forgotten first.
      if (failures.size > 100_000) failures.delete(failures.keys().next().value as string);
      return kept.length;
    },
    succeeded(address: string): void {
      failures.delete(address);
    },
  };
}
