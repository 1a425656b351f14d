/**
 * The worker: polls the `dme-orders` task queue of TEMPORAL_ADDRESS and runs the
 * order and claim workflows and their activities. `npm run start:worker` runs it
 * alone (a real deployment runs several); `npm start` runs it beside the API and an
 * embedded Temporal dev server.
 */
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { loadConfig } from './config';
import { openDatabase } from './db/client';
import { createLogger } from './logger';

export interface DmeWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ActivityDeps;
  /** Overrides for tests (e.g. a prebuilt bundle or a low cache size). */
  workerOptions?: Partial<WorkerOptions>;
}

export async function createDmeWorker(options: DmeWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities(options.activities),
    // Let running activities finish their current write on shutdown before giving up.
    shutdownGraceTime: '10 seconds',
    ...options.workerOptions,
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { process: 'worker' });
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await database.migrate();
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const worker = await createDmeWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    activities: { db: database.db, logger, clock: () => new Date() },
  });
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves after that.
  logger.info('worker started', { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE });
  await worker.run();
  await connection.close();
  await database.close();
  logger.info('worker stopped');
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
