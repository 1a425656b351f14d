/**
 * The worker: polls the `dme-orders` task queue of TEMPORAL_ADDRESS and runs the
 * order and claim workflows and their activities. `npm run start:worker` runs it
 * alone (a real deployment runs several); `npm start` runs it beside the API and an
 * embedded Temporal dev server.
 */
import { Client, Connection, WorkflowIdConflictPolicy } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, Runtime, Worker, type RuntimeOptions, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from './activities';
import { runWorkflowRelay } from './activities/workflow-starts';
import { clearinghouseOptions, createClearinghouse } from './activities/clearinghouse';
import { createMessenger, messagingOptions } from './activities/messaging';
import { supplierIdentity } from './activities/supplier';
import { encryptedDataConverter } from './codec/data-converter';
import { resolveCodecKeyring } from './codec/keys';
import { loadConfig, resupplyPolicy, type Config } from './config';
import type { Database } from './db/client';
import { openDatabase } from './db/client';
import { createLogger, sdkLogger, type Logger } from './logger';
import { MAILBOX_WORKFLOW_ID } from './workflows/definitions';

export interface DmeWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: ActivityDeps;
  /** The encrypting data converter (codec/data-converter.ts), the same as every client's. */
  dataConverter: DataConverter;
  /** Overrides for tests (e.g. a prebuilt bundle or a low cache size). */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * The SDK's runtime logger is ours, and core's own log lines are forwarded to it (not
 * printed to stderr past it), so every line the worker prints passes our redaction.
 * Call it before the first Worker or NativeConnection: the runtime is made once.
 */
export function installTemporalRuntime(logger: Logger, options: Omit<RuntimeOptions, 'logger' | 'telemetryOptions'> = {}): void {
  Runtime.install({
    ...options,
    logger: sdkLogger(logger.child({ sdk: 'temporal' })),
    telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } },
  });
}

export async function createDmeWorker(options: DmeWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: require.resolve('./workflows'),
    activities: createActivities(options.activities),
    dataConverter: options.dataConverter,
    // Let running activities finish their current write on shutdown before giving up.
    shutdownGraceTime: '10 seconds',
    ...options.workerOptions,
  });
}

/** The activities' real parts, as the configuration chooses them; `temporal` is the worker's own client. */
export function activityDeps(config: Config, database: Database, logger: Logger, temporal: Client): ActivityDeps {
  return {
    db: database.db,
    clearinghouse: createClearinghouse(clearinghouseOptions(config, database.db)),
    supplier: supplierIdentity(config),
    logger,
    underpaymentToleranceCents: config.UNDERPAYMENT_TOLERANCE_CENTS,
    temporal,
    signalBatchSize: config.REMITTANCE_SIGNAL_BATCH,
    attemptsBeforeBlocked: config.ACTIVITY_ATTEMPTS_BEFORE_BLOCKED,
    patientSmallBalanceCents: config.PATIENT_SMALL_BALANCE_CENTS,
    patientStatementFinalAction: config.PATIENT_STATEMENT_FINAL_ACTION,
    messenger: createMessenger(messagingOptions(config), database.db),
    resupplyPolicy: resupplyPolicy(config),
  };
}

/**
 * Every worker relays workflow starts that intake committed but Temporal never confirmed
 * (a crash or an outage between commit and start): a pass at start-up, then every half
 * minute, for rows older than half a minute (younger ones are still being started by
 * their request). Starts are idempotent by workflow id, so several workers may relay.
 */
export function startWorkflowRelay(db: Database['db'], client: Client, taskQueue: string, logger: Logger): () => Promise<void> {
  return runWorkflowRelay({ db, client, taskQueue, logger, everyMs: 30_000, olderThanMs: 30_000 });
}

/**
 * The clearinghouse mailbox is read by one long-running workflow; every worker start
 * makes sure it runs (starting it again while it runs is a no-op).
 */
export async function ensureMailboxWorkflow(client: Client, taskQueue: string): Promise<void> {
  await client.workflow.start('clearinghouseMailboxWorkflow', {
    workflowId: MAILBOX_WORKFLOW_ID,
    taskQueue,
    args: [],
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    staticSummary: 'Reads the clearinghouse mailbox: 999, 277CA and 835 files',
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { process: 'worker' });
  installTemporalRuntime(logger);
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await database.migrate();
  const address = config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const dataConverter = encryptedDataConverter(resolveCodecKeyring(config).keyring);
  const connection = await NativeConnection.connect({ address });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const worker = await createDmeWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    activities: activityDeps(config, database, logger, client),
    workerOptions: {
      ...(config.TEMPORAL_WORKER_IDENTITY ? { identity: config.TEMPORAL_WORKER_IDENTITY } : {}),
      ...(config.TEMPORAL_MAX_CACHED_WORKFLOWS !== undefined ? { maxCachedWorkflows: config.TEMPORAL_MAX_CACHED_WORKFLOWS } : {}),
    },
  });
  await ensureMailboxWorkflow(client, config.TEMPORAL_TASK_QUEUE);
  const stopRelay = startWorkflowRelay(database.db, client, config.TEMPORAL_TASK_QUEUE, logger);
  // The SDK shuts the worker down gracefully on SIGINT/SIGTERM; run() resolves after that.
  logger.info('worker started', { taskQueue: config.TEMPORAL_TASK_QUEUE, namespace: config.TEMPORAL_NAMESPACE });
  await worker.run();
  await stopRelay();
  await clientConnection.close();
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
