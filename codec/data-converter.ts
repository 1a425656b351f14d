/**
 * The data converter every Temporal client and worker of ours uses: JSON payloads (the
 * SDK's default payload converter, also inside the workflow sandbox), encrypted by the
 * codec outside the sandbox, and failures whose message and stack are encrypted too.
 */
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, type CodecKeyring } from './encryption';

/** The path the worker's bundler and the clients load the failure converter from. */
export const failureConverterPath = require.resolve('../workflows/failure-converter');

export function encryptedDataConverter(keyring: CodecKeyring): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keyring)], failureConverterPath };
}
