/**
 * The payload keys of the test suite: fixed, so a worker process a test starts (given
 * `testCodecEnv`) and the test's own clients read each other's payloads.
 */
import { encryptedDataConverter } from '../../codec/data-converter';
import type { CodecKeyring } from '../../codec/encryption';

const testKey = { id: 'test-2025', key: Buffer.alloc(32, 7) };

export const testKeyring: CodecKeyring = { active: testKey, keys: [testKey] };

export const testDataConverter = encryptedDataConverter(testKeyring);

/** The environment that gives a worker or API process the same keys. */
export const testCodecEnv = { TEMPORAL_CODEC_KEYS: `${testKey.id}:${testKey.key.toString('base64')}`, TEMPORAL_CODEC_ACTIVE_KEY: testKey.id };
