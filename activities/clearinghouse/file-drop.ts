/**
 * The file-drop clearinghouse (DESIGN.md "Clearinghouse"): what we send is written to
 * an outbox folder, what the clearinghouse sends back appears in an inbox folder — how
 * many real clearinghouses exchange files (their SFTP agent moves them).
 *
 * Real-time inquiries (270, 276) become files too: the activity waits for the answer
 * whose TRN echoes ours, beating its heartbeat while it polls, and fails after the
 * response timeout so Temporal retries it. A retry carries the same control number, so
 * it finds its file already in the outbox and waits again instead of sending another.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs, mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseX12, type X12Interchange } from '../../domain/x12';
import { readX12 } from './read-x12';
import type { Clearinghouse, CollectResult, InboundFile, InquiryWait, OutboundFile } from './types';

export interface FileDropOptions {
  outbox: string;
  inbox: string;
  /** How often the mailbox workflow should look at the inbox (FILE_DROP_POLL_INTERVAL). */
  pollIntervalMs: number;
  /** How long a 270 or 276 waits for its 271 or 277 (FILE_DROP_RESPONSE_TIMEOUT). */
  responseTimeoutMs: number;
  /** How often a waiting inquiry looks at the inbox; 250 ms unless a test wants otherwise. */
  responsePollMs?: number;
}

/** Where confirmed inbox files go: kept for audit, out of the way of the next collect. */
const PROCESSED = 'processed';

/** Our own sent-file ledger: a file the clearinghouse's agent already took away is still "sent". */
const SENT = '.sent';

/** A file still being written (by us or by the clearinghouse's agent) or not a file to read. */
function isReadable(name: string): boolean {
  return !name.startsWith('.') && !/\.(tmp|part|partial|filepart)$/i.test(name) && !name.endsWith('~');
}

/** Names come back to `confirm` from the caller: never let one reach outside the inbox. */
function checkName(name: string): void {
  if (name === '' || name !== path.basename(name) || name.includes('\\') || !isReadable(name)) {
    throw new Error(`"${name}" is not the name of a file in the clearinghouse inbox`);
  }
}

function readable(x12: string): X12Interchange | undefined {
  try {
    return parseX12(x12);
  } catch {
    return undefined;
  }
}

/**
 * 271s and 277s answering a 276 (005010X212) belong to an inquiry waiting for them,
 * not to the mailbox: if `collect` handed them out, a mailbox confirm could move an
 * answer away from the inquiry that is polling for it.
 */
function isInquiryAnswer(file: X12Interchange): boolean {
  const sets = file.groups.flatMap((g) => g.transactionSets);
  return sets.length > 0 && sets.every((s) => s.id === '271' || (s.id === '277' && s.version.includes('X212')));
}

/** Our trace numbers (TRN*1 of a 270 or 276). */
function tracesOf(file: X12Interchange): string[] {
  return file.groups
    .flatMap((g) => g.transactionSets)
    .flatMap((s) => s.segments)
    .filter((s) => s.id === 'TRN' && s.elements[1] === '1' && s.elements[2])
    .map((s) => s.elements[2]);
}

/** Whether an answer echoes one of our traces in TRN*2. */
function answers(file: X12Interchange, transactionSetId: string, traces: string[]): boolean {
  return file.groups
    .flatMap((g) => g.transactionSets)
    .filter((s) => s.id === transactionSetId)
    .some((s) => s.segments.some((seg) => seg.id === 'TRN' && seg.elements[1] === '2' && traces.includes(seg.elements[2] ?? '')));
}

export function createFileDropClearinghouse(options: FileDropOptions): Clearinghouse {
  const { outbox, inbox, pollIntervalMs, responseTimeoutMs } = options;
  const responsePollMs = options.responsePollMs ?? 250;
  for (const folder of [outbox, path.join(outbox, SENT), inbox, path.join(inbox, PROCESSED)]) mkdirSync(folder, { recursive: true });

  /**
   * Writes `<controlNumber>.<extension>` whole or not at all (temp file, then rename),
   * once: the same control number again is a no-op, even after the agent took the
   * first copy away.
   */
  async function send(file: OutboundFile, extension: string): Promise<void> {
    if (!/^[A-Za-z0-9-]{1,30}$/.test(file.controlNumber)) throw new Error(`control number "${file.controlNumber}" cannot name an outbox file`);
    const name = `${file.controlNumber}.${extension}`;
    const marker = path.join(outbox, SENT, name);
    if (await exists(marker)) return;
    const target = path.join(outbox, name);
    if (!(await exists(target))) {
      const temporary = path.join(outbox, `.${name}.${randomUUID()}.tmp`);
      await fs.writeFile(temporary, file.x12, 'utf8');
      await fs.rename(temporary, target);
    }
    await fs.writeFile(marker, '', 'utf8');
  }

  async function inboxFiles(): Promise<InboundFile[]> {
    const entries = await fs.readdir(inbox, { withFileTypes: true });
    const names = entries
      .filter((e) => e.isFile() && isReadable(e.name))
      .map((e) => e.name)
      .sort();
    const files: InboundFile[] = [];
    for (const name of names) {
      try {
        files.push({ name, x12: await fs.readFile(path.join(inbox, name), 'utf8') });
      } catch (error) {
        // Taken away between listing and reading (confirmed by a concurrent call): not ours to return.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    return files;
  }

  async function confirm(names: string[]): Promise<void> {
    for (const name of names) {
      checkName(name);
      let target = path.join(inbox, PROCESSED, name);
      // A clearinghouse that reuses file names must not overwrite the earlier file.
      for (let copy = 1; await exists(target); copy++) target = path.join(inbox, PROCESSED, `${name}.${copy}`);
      try {
        await fs.rename(path.join(inbox, name), target);
      } catch (error) {
        // Already moved: confirming twice is harmless.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /** Sends an inquiry and waits for the answer echoing its trace, then takes it out of the inbox. */
  async function inquire(request: OutboundFile, extension: '270' | '276', answerId: '271' | '277', wait?: InquiryWait): Promise<string> {
    const traces = tracesOf(readX12(`${extension} request`, request.x12));
    if (traces.length === 0)
      throw new Error(`the ${extension} with control number ${request.controlNumber} has no TRN*1 trace number to match an answer by`);
    await send(request, extension);
    // Waiting is real I/O against another system, so it runs on the real clock (unlike the sandbox).
    const deadline = Date.now() + responseTimeoutMs;
    for (;;) {
      wait?.heartbeat();
      for (const file of await inboxFiles()) {
        const parsed = readable(file.x12);
        if (parsed && answers(parsed, answerId, traces)) {
          await confirm([file.name]);
          return file.x12;
        }
      }
      if (Date.now() >= deadline) {
        throw new Error(
          `no ${answerId} answered ${extension} ${request.controlNumber} within ${responseTimeoutMs / 1000} s (FILE_DROP_RESPONSE_TIMEOUT); the inquiry is in ${outbox} and the activity will retry`,
        );
      }
      // A cancelled activity stops waiting at once (the sleep rejects with an AbortError).
      await sleep(Math.min(responsePollMs, Math.max(0, deadline - Date.now())), undefined, wait?.signal ? { signal: wait.signal } : undefined);
    }
  }

  return {
    name: 'file-drop',

    checkEligibility: (request, _asOf, wait) => inquire(request, '270', '271', wait),

    async submitClaims(file: OutboundFile): Promise<void> {
      await send(file, '837');
    },

    requestClaimStatus: (request, _asOf, wait) => inquire(request, '276', '277', wait),

    async collect(asOf: Date): Promise<CollectResult> {
      const files = (await inboxFiles()).filter((file) => {
        const parsed = readable(file.x12);
        // Unreadable files are handed out too: the caller records and reports them.
        return !parsed || !isInquiryAnswer(parsed);
      });
      return { files, nextCheckAt: new Date(asOf.getTime() + pollIntervalMs) };
    },

    confirm,
  };
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
