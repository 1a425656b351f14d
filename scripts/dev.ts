/**
 * `npm start`: the whole system in one process on its embedded defaults — a Temporal
 * dev server as a child process (SQLite under DATA_DIR, Web UI, Dme* search
 * attributes), PGlite under DATA_DIR (or DATABASE_URL), the worker and the API.
 * With TEMPORAL_ADDRESS it uses that server instead of starting one.
 * Ctrl-C / SIGTERM stops the API, the worker and the dev server; nothing is left running.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { createApp } from '../api/app';
import { mintCodecGrant } from '../api/codec-grants';
import { resolveApiKeys } from '../api/keys';
import { startApiServer } from '../api/server';
import { temporalPort } from '../api/temporal';
import { webSettings } from '../api/web/routes';
import { encryptedDataConverter } from '../codec/data-converter';
import { resolveCodecKeyring } from '../codec/keys';
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { seedReferenceData } from '../db/seed';
import { createLogger } from '../logger';
import { activityDeps, createDmeWorker, ensureMailboxWorkflow, installTemporalRuntime, startWorkflowRelay } from '../worker';
import { registerSearchAttributes } from './search-attributes';
import { startDevServer, type DevServer } from './temporal-dev-server';

async function main(): Promise<void> {
  const startedAt = performance.now();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { process: 'dev' });
  fs.mkdirSync(config.DATA_DIR, { recursive: true });
  // We stop the worker ourselves, in order, on SIGINT/SIGTERM. The SDK logs through ours
  // (its INFO chatter, bundle reports and state changes, only at LOG_LEVEL=debug).
  installTemporalRuntime(logger, { shutdownSignals: [] });

  const stack: Array<() => Promise<void>> = [];
  let stopping = false;
  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping…\n');
    for (const step of stack.reverse()) {
      await step().catch((error) => logger.warn('stop step failed', { error }));
    }
    process.exit(exitCode);
  };
  // `on`, not `once`: a second Ctrl-C (or tsx forwarding the signal again) must not cut the stop short.
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    const { keys, generated } = resolveApiKeys(config);
    const codecKeys = resolveCodecKeyring(config);
    const dataConverter = encryptedDataConverter(codecKeys.keyring);
    const apiUrl = `http://${config.API_HOST === '0.0.0.0' ? 'localhost' : config.API_HOST}:${config.PORT}`;
    // The dev UI is the developer's own (127.0.0.1): it decodes as the first admin (or biller)
    // key, through a grant in its codec endpoint, for as long as this start may run.
    const uiReader = keys.find((entry) => entry.role === 'admin') ?? keys.find((entry) => entry.role === 'biller');
    const uiCodecEndpoint = uiReader
      ? `${apiUrl}/codec/grant/${mintCodecGrant(codecKeys.keyring, uiReader, new Date(Date.now() + 30 * 86_400_000))}`
      : `${apiUrl}/codec`;

    let devServer: DevServer | undefined;
    let address = config.TEMPORAL_ADDRESS;
    if (!address) {
      devServer = await startDevServer({
        port: config.TEMPORAL_PORT,
        uiPort: config.TEMPORAL_UI_PORT,
        uiCodecEndpoint,
        dbFile: path.resolve(config.DATA_DIR, 'temporal.sqlite'),
        namespace: config.TEMPORAL_NAMESPACE,
      });
      stack.push(() => devServer!.stop());
      address = devServer.address;
    }

    const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
    stack.push(() => database.close());
    await database.migrate();
    await seedReferenceData(database.db);

    const connection = await Connection.connect({ address });
    stack.push(() => connection.close());
    if (!devServer) await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });

    const workerConnection = await NativeConnection.connect({ address });
    stack.push(() => workerConnection.close());
    const worker = await createDmeWorker({
      connection: workerConnection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      dataConverter,
      activities: activityDeps(config, database, logger, client),
    });
    const running = worker.run();
    await ensureMailboxWorkflow(client, config.TEMPORAL_TASK_QUEUE);
    stack.push(startWorkflowRelay(database.db, client, config.TEMPORAL_TASK_QUEUE, logger));
    stack.push(async () => {
      worker.shutdown();
      await running;
    });
    running.catch((error) => {
      logger.error('worker stopped unexpectedly', { error });
      void stop(1);
    });

    const uiOrigins = [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`];
    const app = createApp({
      database,
      temporal: temporalPort(client, { taskQueue: config.TEMPORAL_TASK_QUEUE }),
      apiKeys: keys,
      codec: { keyring: codecKeys.keyring, corsOrigins: [...new Set([...config.CODEC_CORS_ORIGINS, ...uiOrigins])] },
      logger,
      posting: { underpaymentToleranceCents: config.UNDERPAYMENT_TOLERANCE_CENTS },
      web: webSettings(config, devServer?.uiUrl),
    });
    const api = await startApiServer(app, config.PORT, config.API_HOST);
    stack.push(() => api.close());

    const lines = [
      '',
      `Durable DME is running (started in ${((performance.now() - startedAt) / 1000).toFixed(1)} s)`,
      `  API          ${apiUrl}`,
      `  Staff app    ${apiUrl}/app  (sign in with the API key below)`,
      `  API docs     ${apiUrl}/docs`,
      `  Temporal UI  ${devServer?.uiUrl ?? `(external Temporal at ${address})`}`,
      `  Temporal     ${address}, namespace ${config.TEMPORAL_NAMESPACE}, task queue ${config.TEMPORAL_TASK_QUEUE}`,
      `  Database     ${database.kind === 'pglite' ? `PGlite in ${path.resolve(config.DATA_DIR, 'pglite')}` : 'Postgres (DATABASE_URL)'}`,
      `  Clearinghouse ${config.CLEARINGHOUSE}`,
      generated
        ? `  API key      ${generated.key}  (admin, kept in ${path.resolve(config.DATA_DIR, 'dev-api-key')})`
        : '  API keys     from API_KEYS',
      `  Payload keys ${codecKeys.keyring.active.id} encrypts${codecKeys.generatedFile ? ` (generated, kept in ${codecKeys.generatedFile})` : ''}`,
      devServer
        ? `  UI codec     ${uiReader ? `the Web UI decodes payloads as ${uiReader.user} (${uiReader.role})` : 'no admin or biller key: the Web UI shows payloads encrypted'}`
        : `  UI codec     point your Web UI at ${apiUrl}/codec (see README, "Encrypted payloads")`,
      '',
      'Ctrl-C stops everything.',
      '',
    ];
    process.stdout.write(lines.join('\n'));
  } catch (error) {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    await stop(1);
  }
}

main().catch((error) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
