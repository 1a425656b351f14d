/**
 * Configuration: the environment parsed once with zod. Every variable is listed in
 * `.env.example` and in the README's configuration table; a bad value stops the
 * process at start with a message naming each bad variable and the rule it broke.
 */
import { z } from 'zod';
import type { CodecKey } from './codec/encryption';
import { statementFinalActions } from './domain/patient-statements';
import type { ResupplyPolicy } from './domain/resupply';
import { inquiryStartToCloseMs } from './workflows/activity-options';

export const roles = ['intake', 'reviewer', 'delivery', 'biller', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface ApiKey {
  key: string;
  role: Role;
  user: string;
}

const port = z.coerce
  .number({ error: 'must be a port number from 1 to 65535' })
  .int('must be a port number from 1 to 65535')
  .min(1, 'must be a port number from 1 to 65535')
  .max(65535, 'must be a port number from 1 to 65535');
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** A whole number of days (or attempts) within bounds, with its default. */
const days = (min: number, max: number, fallback: number, unit = 'days') =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max} ${unit}` })
    .int(`must be a whole number from ${min} to ${max} ${unit}`)
    .min(min, `must be a whole number from ${min} to ${max} ${unit}`)
    .max(max, `must be a whole number from ${min} to ${max} ${unit}`)
    .default(fallback);

const durationUnits: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration written like `30s`, `5m`, `1h` or `14d`, parsed to milliseconds. */
const duration = z
  .string()
  .trim()
  .regex(/^\d+(s|m|h|d)$/, 'must be a number followed by s, m, h or d (e.g. 30s, 5m, 1h, 14d)')
  .transform((value) => Number(value.slice(0, -1)) * durationUnits[value.slice(-1)]);

const apiKeyEntry = z
  .string()
  .trim()
  .transform((entry, ctx): ApiKey => {
    const [key, role, user, ...rest] = entry.split(':');
    if (!key || !role || !user || rest.length > 0) {
      ctx.addIssue({ code: 'custom', message: `entry "${redactKey(entry)}" is not key:role:user` });
      return z.NEVER;
    }
    if (key.length < 16) {
      ctx.addIssue({ code: 'custom', message: `the key of user "${user}" is shorter than 16 characters` });
      return z.NEVER;
    }
    if (!(roles as readonly string[]).includes(role)) {
      ctx.addIssue({ code: 'custom', message: `role "${role}" of user "${user}" is not one of ${roles.join(', ')}` });
      return z.NEVER;
    }
    return { key, role: role as Role, user };
  });

const codecKeyId = /^[A-Za-z0-9._-]{1,64}$/;
const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * One `id:base64key` entry of TEMPORAL_CODEC_KEYS or of the key file: an id of letters,
 * digits, `.`, `_` or `-`, and exactly 32 bytes of key (AES-256). Messages name the id,
 * never the key.
 */
function codecKeyEntry(entry: string, report: (message: string) => void): CodecKey | undefined {
  const colon = entry.indexOf(':');
  const id = colon < 0 ? '' : entry.slice(0, colon).trim();
  const encoded = colon < 0 ? '' : entry.slice(colon + 1).trim();
  if (!id || !encoded) return void report(`an entry is not id:base64key (${colon < 0 ? 'no ":"' : id ? 'no key' : 'no id'})`);
  if (!codecKeyId.test(id)) return void report(`key id "${id.slice(0, 64)}" may hold only letters, digits, ".", "_" and "-" (at most 64)`);
  if (!base64.test(encoded) || encoded.length % 4 !== 0) return void report(`key "${id}" is not valid base64`);
  const key = Buffer.from(encoded, 'base64');
  if (key.length !== 32) return void report(`key "${id}" is ${key.length} bytes; AES-256 needs exactly 32 (openssl rand -base64 32)`);
  return { id, key };
}

/** A list of codec keys, comma- or line-separated (`#` starts a comment line in a key file). */
export function parseCodecKeys(text: string, report: (message: string) => void): CodecKey[] {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) report('needs at least one id:base64key entry');
  const keys = entries.map((entry) => codecKeyEntry(entry, report)).filter((key): key is CodecKey => key !== undefined);
  const ids = keys.map((key) => key.id);
  for (const duplicate of new Set(ids.filter((id, index) => ids.indexOf(id) !== index))) report(`key id "${duplicate}" is listed twice`);
  return keys;
}

const codecKeyList = z.string().transform((list, ctx): CodecKey[] => {
  const keys = parseCodecKeys(list, (message) => ctx.addIssue({ code: 'custom', message }));
  return keys;
});

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  PORT: port.default(3000),
  API_HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('dme-orders'),
  /** How this worker names itself in histories (Temporal's default is pid@host); set per replica when scaled. */
  TEMPORAL_WORKER_IDENTITY: optionalText,
  /**
   * Workflows a worker keeps in memory between their tasks (the sticky cache); one evicted
   * is replayed from its history at its next task. Unset: the SDK's default, sized from the
   * heap. About 100 KiB each for an order (README "Performance", bench:rentals).
   */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    z.coerce
      .number({ error: 'must be a whole number from 0 to 100000' })
      .int('must be a whole number from 0 to 100000')
      .min(0, 'must be a whole number from 0 to 100000')
      .max(100_000, 'must be a whole number from 0 to 100000')
      .optional(),
  ),
  TEMPORAL_PORT: port.default(7233),
  TEMPORAL_UI_PORT: port.default(8233),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  CLEARINGHOUSE: z.enum(['sandbox', 'file-drop']).default('sandbox'),
  CLEARINGHOUSE_OUTBOX: optionalText,
  CLEARINGHOUSE_INBOX: optionalText,
  SANDBOX_ACKNOWLEDGEMENT_DELAY: duration.prefault('1h'),
  SANDBOX_REMITTANCE_DELAY: duration.prefault('14d'),
  FILE_DROP_POLL_INTERVAL: duration.prefault('5m'),
  /** Kept a minute below the inquiry activity's budget (workflows/activity-options.ts), so a try ends by its own timeout. */
  FILE_DROP_RESPONSE_TIMEOUT: duration
    .refine(
      (ms) => ms >= 1_000 && ms <= inquiryStartToCloseMs - 60_000,
      `must be from 1s to ${(inquiryStartToCloseMs - 60_000) / 60_000}m: an inquiry try may last ${inquiryStartToCloseMs / 60_000}m`,
    )
    .prefault('2m'),
  /** Patient outreach (activities/messaging): sandbox records each message in outbound_messages; live sends it. */
  MESSAGING: z.enum(['sandbox', 'live'], { error: 'must be sandbox or live' }).default('sandbox'),
  /** Live SMS: the origin of a gateway speaking Twilio's REST API. */
  SMS_API_URL: z
    .string()
    .trim()
    .regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, 'must be an http(s) URL')
    .default('https://api.twilio.com'),
  SMS_ACCOUNT_SID: optionalText,
  SMS_AUTH_TOKEN: optionalText,
  /** Our sender: an E.164 number, a short code, or a messaging service SID (`MG…`) that picks the number. */
  SMS_FROM: optionalText.pipe(
    z
      .string()
      .regex(/^(\+[1-9]\d{6,14}|\d{5,6}|MG[0-9A-Za-z]{32})$/, 'must be an E.164 number (+16145550100), a short code or a messaging service SID (MG…)')
      .optional(),
  ),
  /** Live email: one SMTP URL, with the login in it when the server wants one (never printed: it holds the password). */
  SMTP_URL: optionalText.pipe(
    z
      .string()
      .regex(/^smtps?:\/\/\S+$/, 'must be an smtp:// or smtps:// URL (smtps://user:pass@host:465)')
      .optional(),
  ),
  EMAIL_FROM: optionalText.pipe(
    z
      .string()
      .regex(
        /^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
        'must be an address (outreach@example.com) or a name and one (Durable DME <outreach@example.com>)',
      )
      .optional(),
  ),
  SUPPLIER_NAME: z.string().trim().min(1).max(60).default('Durable DME Demo Supply'),
  SUPPLIER_NPI: z
    .string()
    .trim()
    .regex(/^\d{10}$/, 'must be a 10-digit NPI')
    .default('1234567893'),
  SUPPLIER_TAX_ID: z
    .string()
    .trim()
    .regex(/^\d{2}-?\d{7}$/, 'must be a 9-digit EIN (12-3456789)')
    .default('12-3456789'),
  SUPPLIER_ADDRESS_LINE1: z.string().trim().min(1).max(55).default('100 Supply Way'),
  SUPPLIER_CITY: z.string().trim().min(2).max(30).default('Columbus'),
  SUPPLIER_STATE: z
    .string()
    .trim()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter state code')
    .default('OH'),
  SUPPLIER_ZIP: z
    .string()
    .trim()
    .regex(/^\d{9}$/, 'must be the 9-digit ZIP+4 (837P 2010AA)')
    .default('432151234'),
  SUPPLIER_CONTACT_NAME: z.string().trim().min(1).max(60).default('Billing Office'),
  SUPPLIER_PHONE: z
    .string()
    .trim()
    .regex(/^\d{10}$/, 'must be 10 digits')
    .default('6145550100'),
  /** Our submitter id at the clearinghouse (ISA06, 1000A NM109). */
  SUBMITTER_ID: z.string().trim().min(2).max(15).default('DURABLEDME'),
  /** The clearinghouse's receiver id (ISA08, 1000B NM109). */
  CLEARINGHOUSE_RECEIVER_ID: z.string().trim().min(2).max(15).default('SANDBOXCH'),
  /** ISA15: T while testing with a clearinghouse, P in production. */
  X12_USAGE: z.enum(['T', 'P']).default('T'),
  /** Posting: a claim paid this many cents or less below the fee schedule's expectation is not flagged as underpaid. */
  UNDERPAYMENT_TOLERANCE_CENTS: z.coerce
    .number({ error: 'must be a whole number of cents, 0 or more' })
    .int('must be a whole number of cents, 0 or more')
    .min(0, 'must be a whole number of cents, 0 or more')
    .default(100),
  /** Posting: remittancePosted signals sent per step of a remittance's workflow (each step's progress is stored). */
  REMITTANCE_SIGNAL_BATCH: z.coerce
    .number({ error: 'must be a whole number from 1 to 1000' })
    .int('must be a whole number from 1 to 1000')
    .min(1, 'must be a whole number from 1 to 1000')
    .max(1000, 'must be a whole number from 1 to 1000')
    .default(100),
  /** Stuck work: failed attempts after which an activity shows as its order's system-error blocker with a biller task. */
  ACTIVITY_ATTEMPTS_BEFORE_BLOCKED: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(5),
  /** Patient statements: a patient balance under this many cents is written off, not billed (0: never). */
  PATIENT_SMALL_BALANCE_CENTS: z.coerce
    .number({ error: 'must be a whole number of cents, 0 or more' })
    .int('must be a whole number of cents, 0 or more')
    .min(0, 'must be a whole number of cents, 0 or more')
    .default(500),
  /** Resupply (PIM ch. 5 §5.2.6): contact about a refill no sooner than this many days before shipping. */
  RESUPPLY_CONTACT_DAYS: days(1, 60, 14),
  /** Resupply (PIM ch. 5 §5.2.6): deliver a refill no sooner than this many days before the current supply runs out. */
  RESUPPLY_DELIVERY_DAYS: days(0, 30, 10),
  /** Resupply: the first contact this many days before the earliest shipping date (at most RESUPPLY_CONTACT_DAYS). */
  RESUPPLY_OUTREACH_DAYS: days(0, 60, 10),
  /** Resupply: days between contacts. */
  RESUPPLY_REMINDER_DAYS: days(1, 30, 3),
  /** Resupply: contacts without an answer before the plan pauses with a task. */
  RESUPPLY_ATTEMPTS: days(1, 10, 3, 'attempts'),
  /** Patient statements: what happens to a balance still unpaid when its final notice falls due. */
  PATIENT_STATEMENT_FINAL_ACTION: z.enum(statementFinalActions, { error: 'must be collections or write-off' }).default('write-off'),
  API_KEYS: optionalText.pipe(
    z
      .string()
      .transform((list) => list.split(',').filter((entry) => entry.trim() !== ''))
      .pipe(z.array(apiKeyEntry).min(1, 'needs at least one key:role:user entry'))
      .optional(),
  ),
  /** Payload encryption keys, `id:base64key` entries (32-byte keys); every listed key decrypts. */
  TEMPORAL_CODEC_KEYS: optionalText.pipe(codecKeyList.optional()),
  /** A file of `id:base64key` lines, instead of TEMPORAL_CODEC_KEYS (read at start, see codec/keys.ts). */
  TEMPORAL_CODEC_KEY_FILE: optionalText,
  /** The key id that encrypts; default the first key listed. */
  TEMPORAL_CODEC_ACTIVE_KEY: optionalText.pipe(z.string().regex(codecKeyId, 'must be a key id of TEMPORAL_CODEC_KEYS or the key file').optional()),
  /** The staff web app (/app): a session ends after this long without a request (automatic logoff)… */
  WEB_SESSION_IDLE: duration.prefault('30m'),
  /** …and this long after its sign-in, whatever its use. */
  WEB_SESSION_MAX: duration.prefault('12h'),
  /** Proxies in front of the API whose X-Forwarded-For entries the web sign-in limit believes (0: the socket's address). */
  WEB_TRUSTED_PROXIES: z.coerce
    .number({ error: 'must be a whole number from 0 to 10' })
    .int('must be a whole number from 0 to 10')
    .min(0, 'must be a whole number from 0 to 10')
    .max(10, 'must be a whole number from 0 to 10')
    .default(0),
  /** The Temporal Web UI the web app links every order and claim to; unset: npm start's own UI, else http://127.0.0.1:TEMPORAL_UI_PORT. */
  TEMPORAL_UI_URL: optionalText.pipe(
    z
      .string()
      .regex(/^https?:\/\/[^\s]+[^/\s]$/, 'must be an http(s) URL without a trailing slash')
      .optional(),
  ),
  /** Web UI origins allowed to call the API's codec endpoints (CORS), comma-separated. */
  CODEC_CORS_ORIGINS: z
    .string()
    .trim()
    .default('http://localhost:8233,http://127.0.0.1:8233')
    .transform((list, ctx) => {
      const origins = list
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== '');
      for (const origin of origins) {
        if (!/^https?:\/\/[^/\s]+$/.test(origin))
          ctx.addIssue({ code: 'custom', message: `"${origin}" is not an origin (scheme://host[:port], no path)` });
      }
      return origins;
    }),
});

/** What each live messaging channel needs, all of it (SMS_API_URL has a default). */
const messagingChannels = [
  { channel: 'SMS', variables: ['SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM'] },
  { channel: 'email', variables: ['SMTP_URL', 'EMAIL_FROM'] },
] as const;

/**
 * Rules across variables: one source of codec keys, and an active key that is among them;
 * live messaging with at least one channel set in full, and none set by half.
 */
const checkedEnvironmentSchema = environmentSchema.superRefine((env, ctx) => {
  if (env.MESSAGING === 'live') checkMessagingChannels(env, ctx);
  if (env.RESUPPLY_OUTREACH_DAYS > env.RESUPPLY_CONTACT_DAYS) {
    ctx.addIssue({
      code: 'custom',
      path: ['RESUPPLY_OUTREACH_DAYS'],
      message: `must be at most RESUPPLY_CONTACT_DAYS (${env.RESUPPLY_CONTACT_DAYS}): a contact earlier than that before shipping does not count`,
    });
  }
  if (env.TEMPORAL_CODEC_KEYS && env.TEMPORAL_CODEC_KEY_FILE) {
    ctx.addIssue({ code: 'custom', path: ['TEMPORAL_CODEC_KEY_FILE'], message: 'set TEMPORAL_CODEC_KEYS or TEMPORAL_CODEC_KEY_FILE, not both' });
  }
  if (env.TEMPORAL_CODEC_ACTIVE_KEY && env.TEMPORAL_CODEC_KEYS && !env.TEMPORAL_CODEC_KEYS.some((key) => key.id === env.TEMPORAL_CODEC_ACTIVE_KEY)) {
    ctx.addIssue({
      code: 'custom',
      path: ['TEMPORAL_CODEC_ACTIVE_KEY'],
      message: `"${env.TEMPORAL_CODEC_ACTIVE_KEY}" is not one of the ids of TEMPORAL_CODEC_KEYS (${env.TEMPORAL_CODEC_KEYS.map((key) => key.id).join(', ')})`,
    });
  }
});

/** Names the variables a channel lacks, never their values (a token, a password in SMTP_URL). */
function checkMessagingChannels(env: z.infer<typeof environmentSchema>, ctx: z.RefinementCtx): void {
  const missing = messagingChannels.map(({ channel, variables }) => ({ channel, variables, unset: variables.filter((name) => !env[name]) }));
  if (missing.every(({ unset }) => unset.length > 0)) {
    ctx.addIssue({
      code: 'custom',
      path: ['MESSAGING'],
      message: `live needs a channel configured in full: ${missing.map(({ channel, unset }) => `set ${unset.join(', ')} for ${channel}`).join(', or ')}`,
    });
  }
  for (const { channel, variables, unset } of missing) {
    if (unset.length === 0 || unset.length === variables.length) continue;
    const set = variables.filter((name) => !unset.includes(name));
    ctx.addIssue({
      code: 'custom',
      path: [unset[0]],
      message: `${set.join(', ')} set but not ${unset.join(', ')}: the ${channel} channel needs all of them`,
    });
  }
}

export type Config = z.infer<typeof environmentSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (or any record, for tests); throws ConfigError naming every bad variable. */
/** The refill rule's days and the outreach cadence, as the resupply activities take them. */
export function resupplyPolicy(config: Config): ResupplyPolicy {
  return {
    contactDaysBeforeShipping: config.RESUPPLY_CONTACT_DAYS,
    deliveryDaysBeforeEndOfUse: config.RESUPPLY_DELIVERY_DAYS,
    outreachDaysBeforeShipping: config.RESUPPLY_OUTREACH_DAYS,
    reminderEveryDays: config.RESUPPLY_REMINDER_DAYS,
    attempts: config.RESUPPLY_ATTEMPTS,
  };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = checkedEnvironmentSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`));
  }
  // API_KEYS in production is checked where keys are used (api/keys.ts): the worker and migrations need none.
  return result.data;
}

function redactKey(entry: string): string {
  const [key, ...rest] = entry.split(':');
  return [key ? `${key.slice(0, 4)}…` : '', ...rest].join(':');
}
