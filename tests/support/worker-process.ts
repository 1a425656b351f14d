/**
 * A worker as its own process (worker.ts through tsx, as `npm run start:worker` runs it),
 * for tests that kill or scale workers. It runs in its own process group (tsx runs a child
 * node), so `stopWorkerProcess` reaches both; its stderr tail is kept for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { ORDER_TASK_QUEUE } from '../../workflows/definitions';
import { testCodecEnv } from './codec';

const repo = path.resolve(__dirname, '../..');
const tsx = path.join(repo, 'node_modules/.bin/tsx');

export interface WorkerProcess {
  child: ChildProcess;
  /** The last 4,000 characters the worker wrote to stderr. */
  output(): string;
}

export function startWorkerProcess(
  target: { databaseUrl: string; temporalAddress: string; namespace: string },
  env: Record<string, string> = {},
): WorkerProcess {
  let output = '';
  const child = spawn(tsx, ['worker.ts'], {
    cwd: repo,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: target.databaseUrl,
      TEMPORAL_ADDRESS: target.temporalAddress,
      TEMPORAL_NAMESPACE: target.namespace,
      TEMPORAL_TASK_QUEUE: ORDER_TASK_QUEUE,
      ...testCodecEnv,
      LOG_LEVEL: 'error',
      ...env,
    },
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4_000);
  });
  return { child, output: () => output };
}

/** Signals the worker's whole process group; nothing happens when it is gone already. */
export function stopWorkerProcess(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}
