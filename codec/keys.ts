/**
 * Where the payload codec's keys come from: TEMPORAL_CODEC_KEYS, or the file named by
 * TEMPORAL_CODEC_KEY_FILE (one `id:base64key` per line). In development, when neither
 * is set, one key is generated once, kept in DATA_DIR/codec-keys (mode 0600) and used
 * from then on, the way the development API key is (api/keys.ts): the worker, the API
 * and the scripts started on the same DATA_DIR share it, and a second `npm start` can
 * still read the histories of the first. Production refuses to start without keys.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, parseCodecKeys, type Config } from '../config';
import type { CodecKey, CodecKeyring } from './encryption';

type KeyConfig = Pick<Config, 'TEMPORAL_CODEC_KEYS' | 'TEMPORAL_CODEC_KEY_FILE' | 'TEMPORAL_CODEC_ACTIVE_KEY' | 'DATA_DIR' | 'NODE_ENV'>;

export function resolveCodecKeyring(config: KeyConfig): { keyring: CodecKeyring; generatedFile?: string } {
  if (config.TEMPORAL_CODEC_KEYS) return { keyring: keyring(config.TEMPORAL_CODEC_KEYS, config.TEMPORAL_CODEC_ACTIVE_KEY, 'TEMPORAL_CODEC_KEYS') };
  if (config.TEMPORAL_CODEC_KEY_FILE) {
    return { keyring: keyring(readKeyFile(config.TEMPORAL_CODEC_KEY_FILE), config.TEMPORAL_CODEC_ACTIVE_KEY, 'TEMPORAL_CODEC_KEY_FILE') };
  }
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(['TEMPORAL_CODEC_KEYS: set it (or TEMPORAL_CODEC_KEY_FILE) in production: payloads are encrypted with these keys']);
  }
  const file = path.resolve(config.DATA_DIR, 'codec-keys');
  let generatedFile: string | undefined;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const id = `dev-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`;
    fs.writeFileSync(
      file,
      `# Development payload keys (codec/keys.ts); id:base64key, the first line encrypts.\n${id}:${randomBytes(32).toString('base64')}\n`,
      {
        mode: 0o600,
        flag: 'wx',
      },
    );
    generatedFile = file;
  }
  return { keyring: keyring(readKeyFile(file), config.TEMPORAL_CODEC_ACTIVE_KEY, file), generatedFile };
}

function readKeyFile(file: string): CodecKey[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([`TEMPORAL_CODEC_KEY_FILE: ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  const problems: string[] = [];
  const keys = parseCodecKeys(text, (message) => problems.push(`TEMPORAL_CODEC_KEY_FILE: ${file}: ${message}`));
  if (problems.length > 0) throw new ConfigError(problems);
  return keys;
}

function keyring(keys: CodecKey[], activeId: string | undefined, source: string): CodecKeyring {
  const active = activeId ? keys.find((key) => key.id === activeId) : keys[0];
  if (!active)
    throw new ConfigError([`TEMPORAL_CODEC_ACTIVE_KEY: "${activeId}" is not one of the ids of ${source} (${keys.map((key) => key.id).join(', ')})`]);
  return { active, keys };
}
