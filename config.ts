/**
 * Configuration: the environment parsed once with zod. Every variable is listed in
 * `.env.example` and in the README's configuration table; a bad value stops the
 * process at start with a message naming each bad variable and the rule it broke.
 */
import { z } from 'zod';

export const roles = ['intake', 'reviewer', 'delivery', 'biller', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface ApiKey {
  key: string;
  role: Role;
  user: string;
}

const port = z.coerce.number().int().min(1).max(65535);
const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

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

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  PORT: port.default(3000),
  API_HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('.data'),
  TEMPORAL_ADDRESS: optionalText,
  TEMPORAL_NAMESPACE: z.string().trim().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().trim().min(1).default('dme-orders'),
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
  API_KEYS: optionalText.pipe(
    z
      .string()
      .transform((list) => list.split(',').filter((entry) => entry.trim() !== ''))
      .pipe(z.array(apiKeyEntry).min(1, 'needs at least one key:role:user entry'))
      .optional(),
  ),
});

export type Config = z.infer<typeof environmentSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment (or any record, for tests); throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = environmentSchema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message}`),
    );
  }
  const config = result.data;
  if (config.NODE_ENV === 'production' && !config.API_KEYS) {
    throw new ConfigError(['API_KEYS: required in production (key:role:user entries separated by commas)']);
  }
  return config;
}

function redactKey(entry: string): string {
  const [key, ...rest] = entry.split(':');
  return [key ? `${key.slice(0, 4)}…` : '', ...rest].join(':');
}
