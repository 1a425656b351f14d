/**
 * The failure converter of the worker, its workflow sandbox and every client: a failure's
 * message and stack trace go into its encoded attributes, a payload the codec encrypts
 * (codec/encryption.ts), so no error text reaches Temporal's history in the clear. The
 * failure's type (`EligibilityInactive`, `CommandRefused`) stays readable for search.
 * Loaded by path (DataConverter.failureConverterPath), so it lives where the bundle can import it.
 */
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
