/**
 * A worker as its own process (worker.ts through tsx, as `npm run start:worker` runs it),
 * for tests that kill or scale workers. It runs in its own process group (tsx runs a child
 * node), so `stopWorkerProcess` reaches both; its stderr tail is kept for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { temporalPort } from '../../api/temporal';
import { createLogger } from '../../logger';
import { ORDER_TASK_QUEUE } from '../../workflows/definitions';
import { apiClient, testKeys, type ApiCall } from './api';
import { testCodecEnv, testDataConverter } from './codec';
import { createTestDatabase, type TestDatabase } from './database';
import { quietTemporalRuntime, startDevServerForTests } from './temporal';

const repo = path.resolve(__dirname, '../..');
const tsx = path.join(repo, 'node_modules/.bin/tsx');

export interface WorkerProcess {
  child: ChildProcess;
  /** The last 4,000 characters the worker wrote to stderr. */
  output(): string;
}

function startWorkerProcess(
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

/**
 * What the worker-process tests run on: a fresh database (Postgres: the workers are other
 * processes), a dev server, a client of it, the API in this process, and worker processes
 * started on demand; `stop()` kills the workers and undoes the rest.
 */
export interface ProcessStack {
  database: TestDatabase;
  client: Client;
  call: ApiCall;
  /** Starts a worker process against the stack with these extra environment variables. */
  startWorker(env?: Record<string, string>): WorkerProcess;
  /** Every started worker's stderr tail, for failure messages. */
  workerOutput(): string;
  stop(): Promise<void>;
}

export async function startProcessStack(): Promise<ProcessStack> {
  if (!process.env.DATABASE_URL) throw new Error('this test runs workers as processes: it needs DATABASE_URL (Postgres)');
  quietTemporalRuntime();
  const database = await createTestDatabase();
  const devServer = await startDevServerForTests({ ui: false }).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  const connection = await Connection.connect({ address: devServer.address });
  const client = new Client({ connection, namespace: devServer.namespace, dataConverter: testDataConverter });
  const call = apiClient(
    createApp({ database, temporal: temporalPort(client, { taskQueue: ORDER_TASK_QUEUE }), apiKeys: testKeys, logger: createLogger('error') }),
  );
  const workers: WorkerProcess[] = [];
  return {
    database,
    client,
    call,
    startWorker(env = {}) {
      const worker = startWorkerProcess({ databaseUrl: database.url!, temporalAddress: devServer.address, namespace: devServer.namespace }, env);
      workers.push(worker);
      return worker;
    },
    workerOutput: () => workers.map((worker) => worker.output()).join('\n'),
    async stop() {
      for (const worker of workers) stopWorkerProcess(worker.child, 'SIGKILL');
      await connection.close();
      await devServer.stop();
      await database.drop();
    },
  };
}
