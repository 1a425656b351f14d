/**
 * What bench:pipeline and bench:api run on, started together: a dev server (in memory,
 * loopback), a fresh database (DATABASE_URL's Postgres server, dropped afterwards; else
 * PGlite), a client, and the real worker with the sandbox payer answering after the given
 * delays; the clearinghouse mailbox workflow is started. `stop()` undoes it all.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { createClearinghouse } from '../activities/clearinghouse';
import { supplierIdentity } from '../activities/supplier';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { testDataConverter } from '../tests/support/codec';
import { createTestDatabase, type TestDatabase } from '../tests/support/database';
import { createDmeWorker, ensureMailboxWorkflow, installTemporalRuntime } from '../worker';
import { ORDER_TASK_QUEUE } from '../workflows/definitions';
import { startDevServerOnFreePorts, type DevServer } from './temporal-dev-server';

export interface BenchStack {
  server: DevServer;
  database: TestDatabase;
  client: Client;
  nativeConnection: NativeConnection;
  /** Runs another worker (e.g. the bare pipeline's) until stop(). */
  run(worker: Worker): void;
  stop(): Promise<void>;
}

export const benchLogger = createLogger('warn');

export async function startBenchStack(sandbox: { acknowledgementDelayMs: number; remittanceDelayMs: number }): Promise<BenchStack> {
  installTemporalRuntime(benchLogger);
  const [server, database] = await Promise.all([startDevServerOnFreePorts({ ui: false }), createTestDatabase()]);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, dataConverter: testDataConverter });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const clearinghouse = createClearinghouse({
    kind: 'sandbox',
    db: database.db,
    ...sandbox,
    outbox: '',
    inbox: '',
    pollIntervalMs: 0,
    responseTimeoutMs: 0,
  });
  const worker = await createDmeWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue: ORDER_TASK_QUEUE,
    dataConverter: testDataConverter,
    activities: { db: database.db, clearinghouse, supplier: supplierIdentity(loadConfig({})), logger: benchLogger, temporal: client },
  });
  const workers: Worker[] = [];
  const running: Promise<void>[] = [];
  const run = (one: Worker) => {
    workers.push(one);
    running.push(one.run());
  };
  run(worker);
  await ensureMailboxWorkflow(client, ORDER_TASK_QUEUE);
  return {
    server,
    database,
    client,
    nativeConnection,
    run,
    async stop() {
      for (const one of workers) one.shutdown();
      await Promise.allSettled(running);
      await nativeConnection.close();
      await connection.close();
      await server.stop();
      await database.drop();
    },
  };
}

/** Runs a benchmark's main and exits with its outcome. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
