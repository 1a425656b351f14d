/**
 * Temporal servers for tests, from the binaries the Jest global setup provisioned
 * (TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH; resolved again when a file runs on its own).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import { registerSearchAttributes } from '../../scripts/search-attributes';
import { resolveTestServer } from '../../scripts/temporal-binaries';
import { canConnect, findFreePort, LOOPBACK, sleep } from '../../scripts/ports';
import { testDataConverter } from './codec';
import { spawnTiedToUs, startDevServerOnFreePorts, type DevServer, type DevServerOptions } from '../../scripts/temporal-dev-server';

/**
 * The time-skipping test server with the Dme* search attributes registered.
 *
 * We start the server process ourselves rather than through `createTimeSkipping`: the SDK gives
 * it 5 s to accept connections and cannot be told otherwise, and on a loaded 2-core machine a
 * clean CI run failed there (connection refused for 5 s). We wait as long as a cold start needs,
 * and a server that exits before listening (its port taken by another between our probe and
 * its bind) is started again on another port. The process is tied to ours (pdeathsig) and
 * killed by `env.teardown()`.
 *
 * The test server rejects upserts of attributes it does not know and has no `--search-attribute`
 * flag, so they go in through the operator service (addSearchAttributes works there; listing does
 * not: it answers UNIMPLEMENTED). No visibility queries or schedules on this server: use
 * startDevServerForTests() for those.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment & { address: string }> {
  quietTemporalRuntime();
  const { path } = await resolveTestServer();
  const server = await startTestServer(path);
  const address = `${LOOPBACK}:${server.port}`;
  let env: TestWorkflowEnvironment;
  try {
    env = await connectTimeSkipping(address);
  } catch (err) {
    await server.stop();
    throw err;
  }
  const teardown = env.teardown.bind(env);
  env.teardown = async () => {
    try {
      await teardown();
    } finally {
      await server.stop();
    }
  };
  try {
    await registerSearchAttributes(env.connection, env.namespace ?? 'default');
  } catch (err) {
    await env.teardown();
    throw err;
  }
  // The address, for processes of their own (a worker process in bench:rentals).
  return Object.assign(env, { address });
}

const TEST_SERVER_READY_MS = 60_000;
const TEST_SERVER_PORT_TRIES = 3;

async function startTestServer(path: string): Promise<{ port: number; stop(): Promise<void> }> {
  const failures: string[] = [];
  for (let attempt = 0; attempt < TEST_SERVER_PORT_TRIES; attempt++) {
    const port = await findFreePort();
    // Only the port: without --enable-time-skipping the server starts with skipping locked,
    // which is what the SDK's client expects (it unlocks while a test awaits a result).
    const child = spawnTiedToUs(path, [String(port)]);
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    let exited = false;
    const exit = new Promise<void>((resolve) => {
      child.once('exit', () => ((exited = true), resolve()));
      child.once('error', (err) => ((exited = true), (output += err.message), resolve()));
    });
    const stop = async () => {
      if (!exited) child.kill('SIGKILL');
      await exit;
    };
    const deadline = Date.now() + TEST_SERVER_READY_MS;
    while (!exited && Date.now() < deadline) {
      if (await canConnect(port)) return { port, stop };
      await sleep(50);
    }
    await stop();
    failures.push(
      `port ${port}: ${exited ? 'exited before listening' : `did not listen within ${TEST_SERVER_READY_MS / 1000} s`}${output ? ` (${output.trim().split('\n').slice(-3).join(' | ')})` : ''}`,
    );
  }
  throw new Error(`time-skipping test server ${path} did not start: ${failures.join('; ')}`);
}

/**
 * `TestWorkflowEnvironment.create` is how `createTimeSkipping` connects once its own server is up;
 * it is private in the SDK's types (1.24.0, pinned), so it is reached through this one cast.
 */
function connectTimeSkipping(address: string): Promise<TestWorkflowEnvironment> {
  const create = (
    TestWorkflowEnvironment as unknown as {
      create(opts: {
        server: { type: 'existing' };
        address: string;
        namespace: string;
        supportsTimeSkipping: true;
        client: { dataConverter: typeof testDataConverter };
      }): Promise<TestWorkflowEnvironment>;
    }
  ).create.bind(TestWorkflowEnvironment);
  // env.client encrypts and decrypts with the suite's keys, as the harness's worker does.
  return create({
    server: { type: 'existing' },
    address,
    namespace: 'default',
    supportsTimeSkipping: true,
    client: { dataConverter: testDataConverter },
  });
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
