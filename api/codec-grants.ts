/**
 * Codec grants: how a browser reaches the codec endpoints. The Temporal Web UI calls its
 * codec endpoint with no API key (it can pass only its own OIDC token, and only over
 * HTTPS), so an operator asks the API for a grant with their key (`POST /codec/grants`)
 * and gives the UI the endpoint `…/codec/grant/<grant>`: the grant names the user and role,
 * expires, is signed with a key derived from the active payload key (so rotating that key
 * ends every grant), and holds only while the same user still has a key of that role.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { ApiKey, Role } from '../config';
import type { CodecKeyring } from '../codec/encryption';
import type { Actor } from './auth';

interface GrantClaims {
  user: string;
  role: Role;
  /** Expiry, ms since the epoch. */
  exp: number;
}

function signingKey(keyring: CodecKeyring): Buffer {
  return Buffer.from(hkdfSync('sha256', keyring.active.key, Buffer.alloc(0), 'durable-dme codec grant v1', 32));
}

export function mintCodecGrant(keyring: CodecKeyring, actor: Actor, expiresAt: Date): string {
  const claims: GrantClaims = { user: actor.user, role: actor.role, exp: expiresAt.getTime() };
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${body}.${createHmac('sha256', signingKey(keyring)).update(body).digest('base64url')}`;
}

/** The actor a grant stands for, or undefined when it is forged, expired or its user's key is gone. */
export function verifyCodecGrant(keyring: CodecKeyring, apiKeys: ApiKey[], grant: string, now = Date.now()): Actor | undefined {
  const [body, signature, ...rest] = grant.split('.');
  if (!body || !signature || rest.length > 0) return undefined;
  const expected = createHmac('sha256', signingKey(keyring)).update(body).digest();
  const presented = Buffer.from(signature, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  let claims: GrantClaims;
  try {
    claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as GrantClaims;
  } catch {
    return undefined;
  }
  if (typeof claims.exp !== 'number' || claims.exp <= now) return undefined;
  if (!apiKeys.some((entry) => entry.user === claims.user && entry.role === claims.role)) return undefined;
  return { user: claims.user, role: claims.role };
}
