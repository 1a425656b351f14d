/**
 * API keys come from API_KEYS. In development, when none are configured, one admin
 * key is generated once, kept under DATA_DIR (mode 0600) and printed at start, so a
 * fresh clone works without setup and the key survives restarts.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ApiKey, Config } from '../config';

const developmentUser = 'dev-admin';

export function resolveApiKeys(config: Pick<Config, 'API_KEYS' | 'DATA_DIR' | 'NODE_ENV'>): { keys: ApiKey[]; generated?: ApiKey } {
  if (config.API_KEYS) return { keys: config.API_KEYS };
  if (config.NODE_ENV === 'production') throw new Error('API_KEYS must be set in production');
  const file = path.resolve(config.DATA_DIR, 'dev-api-key');
  let key: string;
  if (fs.existsSync(file)) {
    key = fs.readFileSync(file, 'utf8').trim();
  } else {
    key = `dme_dev_${randomBytes(24).toString('hex')}`;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${key}\n`, { mode: 0o600 });
  }
  const entry: ApiKey = { key, role: 'admin', user: developmentUser };
  return { keys: [entry], generated: entry };
}
