/**
 * Temporal servers for tests, from the binaries the Jest global setup provisioned
 * (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH; resolved again when a file runs on its own).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { registerSearchAttributes } from '../../scripts/search-attributes';
import { resolveTestServer } from '../../scripts/temporal-binaries';
import { startDevServerOnFreePorts, type DevServer, type DevServerOptions } from '../../scripts/temporal-dev-server';

/**
 * The time-skipping test server with the Dme* search attributes registered.
 *
 * The test server rejects upserts of attributes it does not know and has no `--search-attribute`
 * flag, so they go in through the operator service (addSearchAttributes works there; listing does
 * not: it answers UNIMPLEMENTED). Start-up is fast with the native binary (~0.1 s to listen), well
 * inside the few seconds the SDK waits for it; the Java fallback takes ~1 s.
 * No visibility queries or schedules on this server: use startDevServerForTests() for those.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  quietTemporalRuntime();
  const { path } = await resolveTestServer();
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path } },
  });
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (err) {
    await env.teardown();
    throw err;
  }
  return env;
}

/**
 * A real dev server (in-memory unless dbFile is given) on free ports, with the Dme* search
 * attributes and the Web UI. Call stop() in afterAll.
 */
export function startDevServerForTests(options: Omit<DevServerOptions, 'port' | 'uiPort'> = {}): Promise<DevServer> {
  return startDevServerOnFreePorts(options);
}

/**
 * The SDK logs every worker state change and the workflow bundle's webpack report at INFO, which
 * buries test output; keep WARN and above (TEMPORAL_TEST_LOG_LEVEL=INFO|DEBUG|TRACE to see more).
 * The runtime can be configured once per test file, before its first use; later calls are no-ops.
 */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger((process.env.TEMPORAL_TEST_LOG_LEVEL as LogLevel | undefined) ?? 'WARN') });
  } catch {
    // already installed (or already in use) in this test file
  }
}
