/**
 * The parts an end-to-end test over HTTP needs, started together: a fresh database, a
 * Temporal dev server with a worker running the real workflows and the sandbox payer, and
 * the API served on a 127.0.0.1 port with a client that signs in by role.
 */
import { createApp } from '../../api/app';
import { startApiServer, type RunningApi } from '../../api/server';
import { createLogger } from '../../logger';
import { testKeys, type ApiCall } from '../support/api';
import { testKeyring } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTemporalStack, type StackOptions, type TemporalStack } from '../support/temporal-stack';
import { httpClient } from './http-client';

export interface ServedStack {
  database: TestDatabase;
  stack: TemporalStack;
  api: RunningApi;
  call: ApiCall;
  stop(): Promise<void>;
}

export async function startServedStack(options: StackOptions = {}): Promise<ServedStack> {
  const database = await createTestDatabase();
  const stack = await startTemporalStack(database, options);
  const app = createApp({
    database,
    temporal: stack.temporal,
    apiKeys: testKeys,
    logger: createLogger('error'),
    codec: { keyring: testKeyring, corsOrigins: ['http://127.0.0.1:8233'] },
  });
  const api = await startApiServer(app, 0, '127.0.0.1');
  const call = httpClient(`http://127.0.0.1:${api.port}`, { byRole: Object.fromEntries(testKeys.map((entry) => [entry.role, entry.key])) });
  return {
    database,
    stack,
    api,
    call,
    async stop() {
      await api.close();
      await stack.stop();
      await database.drop();
    },
  };
}
