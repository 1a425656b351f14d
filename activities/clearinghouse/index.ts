/**
 * The clearinghouse the worker uses, chosen by configuration (CLEARINGHOUSE): the
 * embedded sandbox payer by default, or the file-drop folders of a real clearinghouse.
 */
import path from 'node:path';
import type { Config } from '../../config';
import type { Db } from '../../db/client';
import { createFileDropClearinghouse } from './file-drop';
import { createSandboxClearinghouse } from './sandbox';
import type { Clearinghouse } from './types';

export type { Clearinghouse } from './types';

export interface ClearinghouseOptions {
  kind: 'sandbox' | 'file-drop';
  db: Db;
  /** Sandbox: receipt of a claim file → its 999 and 277CA. */
  acknowledgementDelayMs: number;
  /** Sandbox: receipt of a claim → its 835. */
  remittanceDelayMs: number;
  /** File drop: the folder our files go to and the one answers arrive in (created when missing). */
  outbox: string;
  inbox: string;
  /** File drop: how often the mailbox looks at the inbox. */
  pollIntervalMs: number;
  /** File drop: how long a 270/276 waits for its answer before the activity fails and retries. */
  responseTimeoutMs: number;
}

export function createClearinghouse(options: ClearinghouseOptions): Clearinghouse {
  if (options.kind === 'file-drop') {
    return createFileDropClearinghouse({
      outbox: options.outbox,
      inbox: options.inbox,
      pollIntervalMs: options.pollIntervalMs,
      responseTimeoutMs: options.responseTimeoutMs,
    });
  }
  return createSandboxClearinghouse({
    db: options.db,
    acknowledgementDelayMs: options.acknowledgementDelayMs,
    remittanceDelayMs: options.remittanceDelayMs,
  });
}

/** The options the configuration gives: folders default to `<DATA_DIR>/clearinghouse/outbox` and `inbox`. */
export function clearinghouseOptions(config: Config, db: Db): ClearinghouseOptions {
  const folder = path.resolve(config.DATA_DIR, 'clearinghouse');
  return {
    kind: config.CLEARINGHOUSE,
    db,
    acknowledgementDelayMs: config.SANDBOX_ACKNOWLEDGEMENT_DELAY,
    remittanceDelayMs: config.SANDBOX_REMITTANCE_DELAY,
    outbox: path.resolve(config.CLEARINGHOUSE_OUTBOX ?? path.join(folder, 'outbox')),
    inbox: path.resolve(config.CLEARINGHOUSE_INBOX ?? path.join(folder, 'inbox')),
    pollIntervalMs: config.FILE_DROP_POLL_INTERVAL,
    responseTimeoutMs: config.FILE_DROP_RESPONSE_TIMEOUT,
  };
}
