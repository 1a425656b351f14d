/**
 * The codec server (Temporal's remote codec protocol): `POST …/encode` and `…/decode`
 * take and return `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`, the
 * protobuf JSON of Payloads. The Web UI and `temporal --codec-endpoint` call it to show
 * payloads the worker and clients encrypted (codec/encryption.ts).
 *
 * Who may: admin and biller. Decoding shows everything a workflow carries (failure
 * messages, the delivery signer, whatever an Update held), which only roles that see
 * all of a patient's data may read; the operators who watch orders in the Web UI act
 * with one of those keys. Encoding lets the UI and CLI send input a worker will accept
 * (an Update from the Web UI), so it needs the same roles.
 *
 * Authentication: `Authorization: Bearer <api key>` (CLI `--codec-auth`, scripts), or a
 * grant in the path, `/codec/grant/<grant>/decode` (api/codec-grants.ts), for the Web UI.
 * CORS lets the configured Web UI origins call it, preflight included.
 */
import { Hono, type Context } from 'hono';
import { cors } from 'hono/cors';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import type { ApiKey } from '../../config';
import { EncryptionCodec, PayloadDecryptionError, type CodecKeyring } from '../../codec/encryption';
import type { Logger } from '../../logger';
import { authenticate, requireRole, type AppEnv } from '../auth';
import { mintCodecGrant, verifyCodecGrant } from '../codec-grants';
import { ApiError, fieldProblems, validationError } from '../errors';

export interface CodecDeps {
  keyring: CodecKeyring;
  /** Web UI origins allowed by CORS (CODEC_CORS_ORIGINS). */
  corsOrigins: string[];
}

/** The roles that may decode and encode (admin always may). */
const codecRoles = ['biller'] as const;
const GRANT_HOURS = 12;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const payloadsBody = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), base64).optional(), data: base64.optional() })).max(10_000),
});

function toPayload(json: z.infer<typeof payloadsBody>['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(json.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(json.data ?? '', 'base64'),
  };
}

function toJson(payload: Payload) {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? new Uint8Array()).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

export function codecRoutes(deps: { codec: CodecDeps; apiKeys: ApiKey[]; logger: Logger }) {
  const codec = new EncryptionCodec(deps.codec.keyring);
  const app = new Hono<AppEnv>();

  app.use(
    '/codec/*',
    cors({
      origin: (origin) => (deps.codec.corsOrigins.includes(origin) ? origin : null),
      allowMethods: ['POST', 'OPTIONS'],
      allowHeaders: ['Content-Type', 'X-Namespace', 'Authorization'],
      credentials: true,
      maxAge: 600,
    }),
  );

  const convert = (direction: 'encode' | 'decode') => async (c: Context<AppEnv>) => {
    const parsed = payloadsBody.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) throw validationError(fieldProblems(parsed.error));
    const payloads = parsed.data.payloads.map(toPayload);
    let converted: Payload[];
    try {
      converted = direction === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
    } catch (error) {
      if (error instanceof PayloadDecryptionError) throw new ApiError(422, 'undecodable', error.message);
      throw error;
    }
    const actor = c.get('actor');
    // Who read or wrote payloads, how many and in which namespace: never their content.
    deps.logger.info(`codec ${direction}`, { user: actor.user, role: actor.role, payloads: payloads.length, namespace: c.req.header('x-namespace') });
    return c.json({ payloads: converted.map(toJson) });
  };

  const grantAuth = createGrantAuth(deps.codec.keyring, deps.apiKeys);
  for (const direction of ['encode', 'decode'] as const) {
    app.post(`/codec/${direction}`, authenticate(deps.apiKeys), requireRole(...codecRoles), convert(direction));
    app.post(`/codec/grant/:grant/${direction}`, grantAuth, requireRole(...codecRoles), convert(direction));
  }

  app.post('/codec/grants', authenticate(deps.apiKeys), requireRole(...codecRoles), (c) => {
    const expiresAt = new Date(Date.now() + GRANT_HOURS * 3_600_000);
    const grant = mintCodecGrant(deps.codec.keyring, c.get('actor'), expiresAt);
    const endpoint = `${new URL(c.req.url).origin}/codec/grant/${grant}`;
    return c.json({ endpoint, expiresAt: expiresAt.toISOString(), user: c.get('actor').user }, 201);
  });
  return app;
}

function createGrantAuth(keyring: CodecKeyring, apiKeys: ApiKey[]) {
  return async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const actor = verifyCodecGrant(keyring, apiKeys, c.req.param('grant') ?? '');
    if (!actor)
      throw new ApiError(
        401,
        'unauthenticated',
        'The codec grant is not valid (expired, altered or its user has no key): ask POST /codec/grants for a new one',
      );
    c.set('actor', actor);
    await next();
  };
}
