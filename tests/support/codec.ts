/**
 * The payload keys of the test suite: fixed, so a worker process a test starts (given
 * `testCodecEnv`) and the test's own clients read each other's payloads.
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { encryptedDataConverter } from '../../codec/data-converter';
import { EncryptionCodec, type CodecKeyring } from '../../codec/encryption';

const testKey = { id: 'test-2025', key: Buffer.alloc(32, 7) };

export const testKeyring: CodecKeyring = { active: testKey, keys: [testKey] };

export const testDataConverter = encryptedDataConverter(testKeyring);

/** The environment that gives a worker or API process the same keys. */
export const testCodecEnv = { TEMPORAL_CODEC_KEYS: `${testKey.id}:${testKey.key.toString('base64')}`, TEMPORAL_CODEC_ACTIVE_KEY: testKey.id };

/** Every encrypted payload of a history, decrypted in place (for tests that read or edit a history's payloads). */
export async function decryptedHistory<H extends object>(history: H): Promise<H> {
  const codec = new EncryptionCodec(testKeyring);
  const visit = async (value: unknown): Promise<void> => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    const record = value as Record<string, unknown>;
    for (const [name, child] of Object.entries(record)) {
      if (child && typeof child === 'object' && 'metadata' in child && 'data' in child) {
        record[name] = (await codec.decode([child as Payload]))[0];
      } else if (Array.isArray(child)) {
        for (const [index, item] of child.entries()) {
          if (item && typeof item === 'object' && 'metadata' in item && 'data' in item) child[index] = (await codec.decode([item as Payload]))[0];
          else await visit(item);
        }
      } else {
        await visit(child);
      }
    }
  };
  await visit(history);
  return history;
}

/** A payload of a fetched history read as its value: decrypted with the suite's keys, then JSON. */
export async function payloadValue<T>(payload: Payload): Promise<T> {
  const [decoded] = await new EncryptionCodec(testKeyring).decode([payload]);
  return defaultPayloadConverter.fromPayload<T>(decoded);
}
