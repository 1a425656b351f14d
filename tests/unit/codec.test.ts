/**
 * The payload codec and its keys: AES-256-GCM with a fresh IV per payload, the key id in
 * the metadata, rotation (the active key encrypts, every listed key decrypts), refusals
 * that name the key id only; and the configuration's rules for TEMPORAL_CODEC_* with the
 * development key generated once under DATA_DIR.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, type CodecKey } from '../../codec/encryption';
import { resolveCodecKeyring } from '../../codec/keys';
import { ConfigError, loadConfig } from '../../config';

const key = (id: string): CodecKey => ({ id, key: randomBytes(32) });
const entry = (k: CodecKey) => `${k.id}:${k.key.toString('base64')}`;
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString();
const secret = { signedBy: 'Ada Lovelace', memberId: '1EG4TE5MK73' };
const plain = (): Payload => defaultPayloadConverter.toPayload(secret);

describe('EncryptionCodec', () => {
  const k1 = key('k1');
  const codec = new EncryptionCodec({ active: k1, keys: [k1] });

  test('encrypts each payload as binary/encrypted with the key id, hiding data and encoding', async () => {
    const [encrypted] = await codec.encode([plain()]);
    expect(text(encrypted.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted.metadata?.[KEY_ID_METADATA])).toBe('k1');
    expect(Object.keys(encrypted.metadata ?? {}).sort()).toEqual(['encoding', KEY_ID_METADATA].sort());
    // Ciphertext is random bytes: a three-letter word such as the first name turns up in it by chance
    // (about once in 30,000 runs), the full surname, member id and encoding do not.
    expect(Buffer.from(encrypted.data!).toString('latin1')).not.toMatch(/Lovelace|1EG4TE5MK73|json\/plain/);
    const [decoded] = await codec.decode([encrypted]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(secret);
  });

  test('a fresh 12-byte IV per payload: the same value twice gives different ciphertexts', async () => {
    const [a, b] = await codec.encode([plain(), plain()]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
    expect(Buffer.from(a.data!).subarray(0, 12).equals(Buffer.from(b.data!).subarray(0, 12))).toBe(false);
  });

  test('rotation: payloads of the old key still decrypt once a new key is active; new ones use the new key', async () => {
    const [old] = await codec.encode([plain()]);
    const k2 = key('k2');
    const rotated = new EncryptionCodec({ active: k2, keys: [k2, k1] });
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old]))[0])).toEqual(secret);
    const [fresh] = await rotated.encode([plain()]);
    expect(text(fresh.metadata?.[KEY_ID_METADATA])).toBe('k2');
    await expect(codec.decode([fresh])).rejects.toThrow('a payload is encrypted with key "k2", which is not among the configured codec keys');
  });

  test('an altered payload, or one whose key id was swapped, fails authentication without quoting it', async () => {
    const [encrypted] = await codec.encode([plain()]);
    const data = Buffer.from(encrypted.data!);
    data[20] ^= 1;
    await expect(codec.decode([{ ...encrypted, data }])).rejects.toThrow(/key "k1" failed authentication/);
    const other = { id: 'k1b', key: k1.key };
    const twin = new EncryptionCodec({ active: other, keys: [other, k1] });
    const swapped = { ...encrypted, metadata: { ...encrypted.metadata, [KEY_ID_METADATA]: Buffer.from('k1b') } };
    await expect(twin.decode([swapped])).rejects.toThrow(/failed authentication/);
  });

  test('payloads written before encryption pass through decode unchanged', async () => {
    const before = plain();
    expect(await codec.decode([before])).toEqual([before]);
  });
});

describe('TEMPORAL_CODEC_* configuration', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (error) {
      return (error as ConfigError).problems;
    }
  };

  test('keys and an active id parse; the active key defaults to the first listed', () => {
    const [a, b] = [key('2025-01'), key('2025-07')];
    const config = loadConfig({ TEMPORAL_CODEC_KEYS: `${entry(a)},${entry(b)}`, TEMPORAL_CODEC_ACTIVE_KEY: '2025-07' });
    expect(resolveCodecKeyring(config).keyring.active.id).toBe('2025-07');
    expect(resolveCodecKeyring(loadConfig({ TEMPORAL_CODEC_KEYS: `${entry(a)},${entry(b)}` })).keyring.active.id).toBe('2025-01');
  });

  test.each([
    ['bad base64', 'k1:not*base64', 'TEMPORAL_CODEC_KEYS: key "k1" is not valid base64'],
    [
      'a 16-byte key',
      `k1:${randomBytes(16).toString('base64')}`,
      'TEMPORAL_CODEC_KEYS: key "k1" is 16 bytes; AES-256 needs exactly 32 (openssl rand -base64 32)',
    ],
    ['no id', `${randomBytes(32).toString('base64')}`, 'TEMPORAL_CODEC_KEYS: an entry is not id:base64key (no ":")'],
    ['an id twice', `${entry(key('k1'))},${entry(key('k1'))}`, 'TEMPORAL_CODEC_KEYS: key id "k1" is listed twice'],
  ])('%s is refused naming the variable and the id, never the key', (_what, value, message) => {
    const found = problems({ TEMPORAL_CODEC_KEYS: value });
    expect(found).toEqual([message]);
  });

  test('an active key that is not listed, and two sources of keys, are refused', () => {
    expect(problems({ TEMPORAL_CODEC_KEYS: entry(key('k1')), TEMPORAL_CODEC_ACTIVE_KEY: 'k9' })).toEqual([
      'TEMPORAL_CODEC_ACTIVE_KEY: "k9" is not one of the ids of TEMPORAL_CODEC_KEYS (k1)',
    ]);
    expect(problems({ TEMPORAL_CODEC_KEYS: entry(key('k1')), TEMPORAL_CODEC_KEY_FILE: '/etc/dme/keys' })).toEqual([
      'TEMPORAL_CODEC_KEY_FILE: set TEMPORAL_CODEC_KEYS or TEMPORAL_CODEC_KEY_FILE, not both',
    ]);
  });

  test('a key file holds one id:base64key per line; a bad line is named with the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dme-keys-'));
    try {
      const file = path.join(dir, 'keys');
      const [a, b] = [key('a'), key('b')];
      fs.writeFileSync(file, `# rotated 2025-07\n${entry(a)}\n${entry(b)}\n`);
      const { keyring } = resolveCodecKeyring(loadConfig({ TEMPORAL_CODEC_KEY_FILE: file, TEMPORAL_CODEC_ACTIVE_KEY: 'b' }));
      expect(keyring.active.id).toBe('b');
      expect(keyring.keys.map((k) => k.id)).toEqual(['a', 'b']);
      fs.writeFileSync(file, `${entry(a)}\nb:short\n`);
      expect(() => resolveCodecKeyring(loadConfig({ TEMPORAL_CODEC_KEY_FILE: file }))).toThrow(
        `TEMPORAL_CODEC_KEY_FILE: ${file}: key "b" is not valid base64`,
      );
      expect(() => resolveCodecKeyring(loadConfig({ TEMPORAL_CODEC_KEY_FILE: path.join(dir, 'missing') }))).toThrow(/cannot be read \(ENOENT\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('development without keys generates one key once under DATA_DIR (0600); production refuses to start', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dme-keys-'));
    try {
      const first = resolveCodecKeyring(loadConfig({ DATA_DIR: dir }));
      expect(first.generatedFile).toBe(path.join(dir, 'codec-keys'));
      expect(fs.statSync(first.generatedFile!).mode & 0o777).toBe(0o600);
      const second = resolveCodecKeyring(loadConfig({ DATA_DIR: dir }));
      expect(second.generatedFile).toBeUndefined();
      expect(second.keyring.active.key.equals(first.keyring.active.key)).toBe(true);
      expect(() => resolveCodecKeyring(loadConfig({ DATA_DIR: dir, NODE_ENV: 'production' }))).toThrow(
        /TEMPORAL_CODEC_KEYS: set it .* in production/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
