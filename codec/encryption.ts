/**
 * The payload codec of DESIGN.md "State: who owns what": every payload the worker, the
 * API and the scripts send to Temporal (workflow input, activity arguments and results,
 * Updates, signals, queries, memos, and failure messages and stack traces through the
 * failure converter) is encrypted with AES-256-GCM before it leaves the process, so
 * Temporal's database, its exported histories and the Web UI hold only ciphertext.
 *
 * Each payload gets its own random 12-byte IV; the ciphertext is the whole original
 * Payload (metadata and data, protobuf-encoded), so even the encoding (`json/plain`)
 * is hidden. The key id travels in the metadata (`encryption-key-id`) and is
 * authenticated as additional data: rotation adds a new key, makes it active, and
 * keeps the old ones listed until no history needs them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface CodecKey {
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

/** The keys a process knows: `active` encrypts, every key in `keys` (active included) decrypts. */
export interface CodecKeyring {
  active: CodecKey;
  keys: CodecKey[];
}

/** Why a payload could not be decrypted: names the key id only, never payload content. */
export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(private readonly keyring: CodecKeyring) {
    this.keys = new Map(keyring.keys.map((entry) => [entry.id, entry.key]));
    this.keys.set(keyring.active.id, keyring.active.key);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  /** Payloads that are not ours (written before encryption was on) pass through unchanged. */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => (textOf(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING ? this.decrypt(payload) : payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.keyring.active;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(id));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: { [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
      data,
    };
  }

  private decrypt(payload: Payload): Payload {
    const id = textOf(payload.metadata?.[KEY_ID_METADATA]);
    if (!id) throw new PayloadDecryptionError(`an encrypted payload has no ${KEY_ID_METADATA} metadata`);
    const key = this.keys.get(id);
    if (!key) throw new PayloadDecryptionError(`a payload is encrypted with key "${id}", which is not among the configured codec keys`);
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadDecryptionError(`an encrypted payload of key "${id}" is too short`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(`a payload of key "${id}" failed authentication (altered, or the key's bytes differ)`);
    }
    return temporal.api.common.v1.Payload.decode(plain);
  }
}

function textOf(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString() : undefined;
}
