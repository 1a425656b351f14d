/**
 * Serves the API over HTTP. `npm run start:api` runs it alone against TEMPORAL_ADDRESS
 * and DATABASE_URL (a real deployment); `npm start` calls startApiServer beside the
 * worker and the embedded Temporal dev server.
 */
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { encryptedDataConverter } from '../codec/data-converter';
import { resolveCodecKeyring } from '../codec/keys';
import { loadConfig } from '../config';
import { openDatabase } from '../db/client';
import { seedReferenceData } from '../db/seed';
import { createLogger } from '../logger';
import { createApp } from './app';
import { webSettings } from './web/routes';
import { resolveApiKeys } from './keys';
import { temporalPort } from './temporal';

export interface RunningApi {
  port: number;
  close(): Promise<void>;
}

export function startApiServer(app: ReturnType<typeof createApp>, port: number, hostname: string): Promise<RunningApi> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname }, (info: AddressInfo) => {
      resolve({
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            // Idle keep-alive sockets would hold close() open until they time out.
            if ('closeAllConnections' in server) (server as { closeAllConnections(): void }).closeAllConnections();
          }),
      });
    });
    server.once('error', reject);
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, { process: 'api' });
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  await database.migrate();
  await seedReferenceData(database.db);
  const { keyring } = resolveCodecKeyring(config);
  const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter: encryptedDataConverter(keyring) });
  const { keys, generated } = resolveApiKeys(config);
  const app = createApp({
    database,
    temporal: temporalPort(client, { taskQueue: config.TEMPORAL_TASK_QUEUE }),
    apiKeys: keys,
    codec: { keyring, corsOrigins: config.CODEC_CORS_ORIGINS },
    logger,
    posting: { underpaymentToleranceCents: config.UNDERPAYMENT_TOLERANCE_CENTS },
    web: webSettings(config),
  });
  const api = await startApiServer(app, config.PORT, config.API_HOST);
  logger.info('api listening', { port: api.port, host: config.API_HOST });
  if (generated) process.stdout.write(`Development API key (admin): ${generated.key}\n`);

  const stop = async () => {
    await api.close();
    await connection.close();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
