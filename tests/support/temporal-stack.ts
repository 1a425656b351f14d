/**
 * What the API talks to in API tests, all real: a Temporal dev server (in memory, on
 * free ports), a worker running the real workflows and activities against the test's
 * database with the sandbox payer, the clearinghouse mailbox workflow, and the
 * API's TemporalPort over a real client.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { TemporalPort } from '../../api/app';
import { temporalPort } from '../../api/temporal';
import { createClearinghouse, type Clearinghouse } from '../../activities/clearinghouse';
import { supplierIdentity } from '../../activities/supplier';
import { loadConfig } from '../../config';
import type { Database } from '../../db/client';
import { createLogger } from '../../logger';
import { createDmeWorker, ensureMailboxWorkflow } from '../../worker';
import { ORDER_TASK_QUEUE } from '../../workflows/definitions';
import { testDataConverter } from './codec';
import { quietTemporalRuntime, startDevServerForTests } from './temporal';

export interface TemporalStack {
  /** A client of the dev server, for looking at workflows the way an operator would. */
  client: Client;
  /** What the app under test is given. */
  temporal: TemporalPort;
  /** The sandbox payer the worker uses (tests read the answers it will send). */
  clearinghouse: Clearinghouse;
  /** The dev server, for processes of their own (an API, another worker). */
  server: { address: string; namespace: string };
  /** Stops the stack's own worker (a benchmark measuring the API with the workers elsewhere); stop() still undoes the rest. */
  stopWorker(): Promise<void>;
  /** Runs another worker on the stack's connection (e.g. a benchmark's bare workflows) until stop(). */
  runWorker(options: Omit<WorkerOptions, 'connection' | 'namespace' | 'dataConverter'>): Promise<void>;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Sandbox: a claim file's 999 and 277CA arrive this long after it was sent. */
  acknowledgementDelayMs?: number;
  /** Sandbox: a claim's 835 arrives this long after it was sent (long by default: tests post 835s through the API). */
  remittanceDelayMs?: number;
  /** Keep the dev server's state in this SQLite file (in memory otherwise). */
  dbFile?: string;
  /** Another clearinghouse for the worker (e.g. a file drop); the sandbox otherwise. */
  clearinghouse?: Clearinghouse;
}

export async function startTemporalStack(database: Database, options: StackOptions = {}): Promise<TemporalStack> {
  quietTemporalRuntime();
  const devServer = await startDevServerForTests({ ui: false, ...(options.dbFile ? { dbFile: options.dbFile } : {}) });
  const stops: Array<() => Promise<void>> = [() => devServer.stop()];
  let stopped: Promise<void> | undefined;
  // Idempotent: a test may stop the servers early (to read the SQLite file) and again in afterAll.
  const stop = () =>
    (stopped ??= (async () => {
      for (const step of stops.reverse()) await step();
    })());
  try {
    const connection = await Connection.connect({ address: devServer.address });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: devServer.namespace, dataConverter: testDataConverter });
    const nativeConnection = await NativeConnection.connect({ address: devServer.address });
    stops.push(() => nativeConnection.close());
    const clearinghouse =
      options.clearinghouse ??
      createClearinghouse({
        kind: 'sandbox',
        db: database.db,
        acknowledgementDelayMs: options.acknowledgementDelayMs ?? 1_000,
        remittanceDelayMs: options.remittanceDelayMs ?? 14 * 86_400_000,
        outbox: '',
        inbox: '',
        pollIntervalMs: 0,
        responseTimeoutMs: 0,
      });
    const worker = await createDmeWorker({
      connection: nativeConnection,
      namespace: devServer.namespace,
      taskQueue: ORDER_TASK_QUEUE,
      dataConverter: testDataConverter,
      activities: { db: database.db, clearinghouse, supplier: supplierIdentity(loadConfig({})), logger: createLogger('error'), temporal: client },
    });
    const running = worker.run();
    let workerStopped: Promise<void> | undefined;
    const stopWorker = () =>
      (workerStopped ??= (async () => {
        worker.shutdown();
        await running;
      })());
    stops.push(stopWorker);
    await ensureMailboxWorkflow(client, ORDER_TASK_QUEUE);
    const runWorker = async (workerOptions: Omit<WorkerOptions, 'connection' | 'namespace' | 'dataConverter'>) => {
      const extra = await Worker.create({
        ...workerOptions,
        connection: nativeConnection,
        namespace: devServer.namespace,
        dataConverter: testDataConverter,
      });
      const extraRunning = extra.run();
      // Stopped before the stack's own worker and connections (stops run in reverse).
      stops.push(async () => {
        extra.shutdown();
        await extraRunning;
      });
    };
    return {
      client,
      temporal: temporalPort(client, { taskQueue: ORDER_TASK_QUEUE }),
      clearinghouse,
      server: { address: devServer.address, namespace: devServer.namespace },
      stopWorker,
      runWorker,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
