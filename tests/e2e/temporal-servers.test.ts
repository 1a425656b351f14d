/**
 * The Temporal servers the project runs, started from the provisioned binaries:
 * - the time-skipping test server: Dme* search attributes registered, a 30-day timer skipped;
 * - the dev server launcher: six search attributes, Web UI, persistence, clean stop, no orphans.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { sleep } from '../../scripts/ports';
import { startDevServer, type DevServer } from '../../scripts/temporal-dev-server';
import { dmeSearchAttributes } from '../../workflows/search-attributes';
import { createTimeSkippingEnv, quietTemporalRuntime, startDevServerForTests } from '../support/temporal';
import type { sleepThirtyDays, waitForever } from '../support/workflows/timers';

const THIRTY_DAYS_MS = 30 * 24 * 60 * 60 * 1000;
const expectedTypes = Object.fromEntries(dmeSearchAttributes.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)]));

/** Alive means running: a zombie waiting for its parent to reap it counts as gone. */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    if (process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(pid)) return true;
    await sleep(100);
  }
  return !isRunning(pid);
}

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  let startMs: number;
  let workflowBundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    quietTemporalRuntime();
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../support/workflows/timers') });
    const started = Date.now();
    env = await createTimeSkippingEnv();
    startMs = Date.now() - started;
  }, 60_000);

  afterAll(async () => {
    await env?.teardown();
  });

  it('starts from the provisioned binary well inside the SDK start-up wait', () => {
    expect(startMs).toBeLessThan(5_000);
  });

  it('skips a 30-day timer in a workflow that upserts the Dme* search attributes', async () => {
    const taskQueue = `timers-${Date.now()}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      workflowBundle,
    });
    const serverTimeBefore = (await env.currentTimeMs()) as number;
    const wallStarted = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute<typeof sleepThirtyDays>('sleepThirtyDays', { taskQueue, workflowId: `sleep-${taskQueue}` }),
    );
    const wallMs = Date.now() - wallStarted;

    expect(result.sleptMs).toBeGreaterThanOrEqual(THIRTY_DAYS_MS);
    expect(result).toMatchObject({ stage: 'rental', rentalMonth: 2 });
    expect((await env.currentTimeMs()) - serverTimeBefore).toBeGreaterThanOrEqual(THIRTY_DAYS_MS);
    expect(wallMs).toBeLessThan(20_000);
  }, 120_000);

  it('rejects the same upserts on a server where nobody registered the attributes (why createTimeSkippingEnv does)', async () => {
    const bare = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: process.env.TEMPORAL_TEST_SERVER_PATH! } },
    });
    try {
      const taskQueue = 'unregistered';
      const worker = await Worker.create({ connection: bare.nativeConnection, namespace: bare.namespace ?? 'default', taskQueue, workflowBundle });
      const failure = await worker.runUntil(async () => {
        const handle = await bare.client.workflow.start<typeof sleepThirtyDays>('sleepThirtyDays', { taskQueue, workflowId: 'unregistered' });
        // The workflow task fails and is retried forever: look for the failure in the history.
        for (let attempt = 0; attempt < 100; attempt++) {
          const { events } = await handle.fetchHistory();
          const failed = events?.find((e) => e.workflowTaskFailedEventAttributes);
          if (failed) {
            await handle.terminate('test done');
            return failed.workflowTaskFailedEventAttributes?.failure?.message;
          }
          await sleep(100);
        }
        await handle.terminate('test done');
        return undefined;
      });
      expect(failure).toMatch(/BadSearchAttributes: search attribute Dme\w+ is not defined/);
    } finally {
      await bare.teardown();
    }
  }, 60_000);
});

describe('dev server', () => {
  let server: DevServer;
  let startMs: number;

  beforeAll(async () => {
    const started = Date.now();
    server = await startDevServerForTests();
    startMs = Date.now() - started;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  it('is ready within the bounded wait, listening on 127.0.0.1', () => {
    expect(startMs).toBeLessThan(30_000);
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.uiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('has the six Dme* search attributes with their types (operator service)', async () => {
    const connection = await Connection.connect({ address: server.address });
    try {
      const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      const dme = Object.fromEntries(Object.entries(customAttributes ?? {}).filter(([name]) => name.startsWith('Dme')));
      expect(dme).toEqual(expectedTypes);
    } finally {
      await connection.close();
    }
  });

  it('lists them through the temporal CLI too', async () => {
    const { stdout } = await promisify(execFile)(process.env.TEMPORAL_CLI_PATH ?? server.cliPath, [
      'operator',
      'search-attribute',
      'list',
      '--address',
      server.address,
      '--output',
      'json',
    ]);
    const { customAttributes } = JSON.parse(stdout) as { customAttributes: Record<string, string> };
    expect(customAttributes).toMatchObject({
      DmeStage: 'INDEXED_VALUE_TYPE_KEYWORD',
      DmeBlockedOn: 'INDEXED_VALUE_TYPE_KEYWORD',
      DmePayer: 'INDEXED_VALUE_TYPE_KEYWORD',
      DmeHcpcs: 'INDEXED_VALUE_TYPE_KEYWORD_LIST',
      DmeFollowUpAt: 'INDEXED_VALUE_TYPE_DATETIME',
      DmeRentalMonth: 'INDEXED_VALUE_TYPE_INT',
      DmeResupplyDue: 'INDEXED_VALUE_TYPE_DATETIME',
    });
  });

  it('serves the Web UI', async () => {
    const response = await fetch(server.uiUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    await response.arrayBuffer();
  });

  it('refuses to start on a port that is taken', async () => {
    const port = Number(server.address.split(':')[1]);
    await expect(startDevServer({ port, ui: false })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
  });
});

describe('dev server lifecycle', () => {
  let tmp: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dme-devserver-'));
  });

  afterAll(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('stop() ends the server process and leaves none behind', async () => {
    const server = await startDevServerForTests({ ui: false });
    expect(isRunning(server.pid)).toBe(true);
    await server.stop();
    expect(await server.exited).toEqual({ code: expect.any(Number), signal: null }); // graceful SIGTERM
    expect(await waitUntilGone(server.pid, 2_000)).toBe(true);
    await server.stop(); // idempotent
  }, 60_000);

  it('keeps workflows across a restart when given a dbFile', async () => {
    const dbFile = path.join(tmp, 'nested', 'temporal.sqlite');
    const workflowId = `persisted-${Date.now()}`;

    const first = await startDevServerForTests({ ui: false, dbFile });
    try {
      const connection = await Connection.connect({ address: first.address });
      // No worker needed: a started workflow stays open in the server's store.
      await new Client({ connection }).workflow.start<typeof waitForever>('waitForever', { taskQueue: 'nobody-polls', workflowId });
      await connection.close();
    } finally {
      await first.stop();
    }
    expect(fs.existsSync(dbFile)).toBe(true);

    const second = await startDevServerForTests({ ui: false, dbFile });
    try {
      const connection = await Connection.connect({ address: second.address });
      const description = await new Client({ connection }).workflow.getHandle(workflowId).describe();
      expect(description.status.name).toBe('RUNNING');
      await connection.close();
    } finally {
      await second.stop();
    }
  }, 90_000);

  const linuxOnly = process.platform === 'linux' ? it : it.skip;
  linuxOnly(
    'does not outlive a parent that is killed with SIGKILL',
    async () => {
      const repo = path.resolve(__dirname, '../..');
      const parent = spawn(process.execPath, ['--import', 'tsx', path.join(repo, 'tests/support/dev-server-child.ts')], {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      parent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const line = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        parent.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk.toString();
          if (stdout.includes('\n')) resolve(stdout.split('\n')[0]);
        });
        parent.once('exit', (code) => reject(new Error(`child exited (${code}) before reporting: ${stderr}`)));
      });
      const { pid } = JSON.parse(line) as { pid: number };
      expect(isRunning(pid)).toBe(true);

      parent.kill('SIGKILL');
      expect(await waitUntilGone(pid, 10_000)).toBe(true);
    },
    60_000,
  );
});
