/**
 * `npm start` end to end: scripts/dev.ts run as a child process the way the npm script
 * runs it (`node --import tsx`), on free ports and a fresh DATA_DIR, with DATABASE_URL passed through when
 * set (a fresh database on that server), else PGlite under DATA_DIR.
 *
 * First run: the banner within 60 s with the generated dev API key; /healthz answers 200
 * with the database and Temporal ok; the Web UI answers; the CLI lists the six Dme*
 * search attributes; a patient and an order go in through the API. Ctrl-C (SIGINT to the
 * process group, as a terminal sends it) stops everything: no process of the stack is
 * left, no port open. Second run on the same DATA_DIR: the same dev key, the patient
 * still there, and the order's workflow still answering from the dev server's SQLite
 * file; SIGTERM to the launcher alone (a service manager's stop) takes the dev server
 * down too.
 *
 * How it is stopped matters: the npm script runs dev.ts in one node process with tsx as a
 * loader (`node --import tsx`), not under the tsx launcher. That launcher relays SIGINT to
 * its child, waits 30 ms for the child to acknowledge it, and otherwise SIGKILLs the child
 * and exits 130: on a loaded machine a Ctrl-C then cut the orderly stop short (seen in a
 * parallel run of the suite). With no relay in between, the signal reaches dev.ts itself,
 * whose `process.on` handlers stop the stack in order however often it comes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canConnect, findFreePort, sleep } from '../../scripts/ports';
import { resolveTemporalCli } from '../../scripts/temporal-binaries';
import { dmeSearchAttributes } from '../../workflows/search-attributes';
import { createOrder, patientBody, registerPatient } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { httpClient } from './http-client';

jest.setTimeout(120_000);

const repo = path.resolve(__dirname, '../..');

interface Ports {
  api: number;
  temporal: number;
  ui: number;
}

interface RunningStack {
  child: ChildProcess;
  output: () => string;
  banner: string;
  startedInMs: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Every process whose parent chain leads to `root` (Linux /proc), root included. */
function processTree(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // gone meanwhile
    }
  }
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!tree.has(pid) && tree.has(ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** Running (a zombie waiting to be reaped is not). */
function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) [ZX] /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const commandOf = (pid: number) => {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
};

async function startStack(env: NodeJS.ProcessEnv): Promise<RunningStack> {
  const started = Date.now();
  // Its own process group, so the test can send Ctrl-C to the whole group like a terminal.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts'], { cwd: repo, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let hasExited = false;
  void exited.then(() => (hasExited = true));
  const deadline = started + 60_000;
  while (!output.includes('Ctrl-C stops everything.')) {
    if (hasExited) throw new Error(`npm start exited before it was ready:\n${output}`);
    if (Date.now() > deadline) {
      killGroup(child);
      throw new Error(`npm start printed no banner within 60 s:\n${output}`);
    }
    await sleep(100);
  }
  return { child, output: () => output, banner: output, startedInMs: Date.now() - started, exited };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL') {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

async function waitForExit(stack: RunningStack, timeoutMs: number) {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([stack.exited, new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)))]);
  clearTimeout(timer);
  return result;
}

/** Waits until none of `pids` runs; returns those still running at the deadline, with their command lines. */
async function survivors(pids: number[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isRunning);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(100);
    alive = pids.filter(isRunning);
  }
  return alive.map((pid) => `${pid} ${commandOf(pid)}`);
}

async function openPorts(ports: Ports): Promise<number[]> {
  const open: number[] = [];
  for (const port of [ports.api, ports.temporal, ports.ui]) if (await canConnect(port)) open.push(port);
  return open;
}

const linuxOnly = process.platform === 'linux' ? describe : describe.skip;

linuxOnly('npm start (scripts/dev.ts)', () => {
  let dataDir: string;
  let database: TestDatabase | undefined;
  let ports: Ports;
  let env: NodeJS.ProcessEnv;
  const stacks: RunningStack[] = [];
  /** What the first run left for the second to find. */
  let first: { key: string; patientId: string; orderId: string } | undefined;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dme-start-'));
    ports = { api: await findFreePort(), temporal: await findFreePort(), ui: await findFreePort() };
    if (new Set(Object.values(ports)).size !== 3) throw new Error(`free ports collided: ${JSON.stringify(ports)}`);
    // A fresh database on the CI server, so this run neither sees nor leaves other rows.
    if (process.env.DATABASE_URL) database = await createTestDatabase();
    env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TEMPORAL_CLI_PATH: process.env.TEMPORAL_CLI_PATH ?? (await resolveTemporalCli()).path,
      DATA_DIR: dataDir,
      PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      LOG_LEVEL: 'warn',
      ...(database?.url ? { DATABASE_URL: database.url } : {}),
    };
  });

  afterAll(async () => {
    for (const stack of stacks) {
      if ((await waitForExit(stack, 0)) === 'timeout') {
        killGroup(stack.child);
        await waitForExit(stack, 10_000);
      }
    }
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('first start: ready within 60 s, healthy, Web UI up, Dme* attributes listed, intake works with the printed key; Ctrl-C leaves nothing running', async () => {
    const stack = await startStack(env);
    stacks.push(stack);
    process.stderr.write(
      `npm start: banner after ${(stack.startedInMs / 1000).toFixed(1)} s (${/started in ([\d.]+ s)/.exec(stack.banner)?.[1]} by its own clock)\n`,
    );
    expect(stack.startedInMs).toBeLessThan(60_000);

    const apiUrl = `http://127.0.0.1:${ports.api}`;
    expect(stack.banner).toContain(`API          ${apiUrl}`);
    expect(stack.banner).toContain(`Temporal UI  http://127.0.0.1:${ports.ui}`);
    expect(stack.banner).toContain(`Temporal     127.0.0.1:${ports.temporal}, namespace default, task queue dme-orders`);
    expect(stack.banner).toContain(database ? 'Postgres (DATABASE_URL)' : `PGlite in ${path.join(dataDir, 'pglite')}`);
    const key = /API key\s+(\S+)\s+\(admin/.exec(stack.banner)?.[1];
    expect(key).toMatch(/^dme_dev_[0-9a-f]{48}$/);
    expect(fs.readFileSync(path.join(dataDir, 'dev-api-key'), 'utf8').trim()).toBe(key);

    const health = await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(10_000) });
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ database: { ok: true }, temporal: { ok: true } });

    const ui = await fetch(`http://127.0.0.1:${ports.ui}/`, { signal: AbortSignal.timeout(10_000) });
    expect(ui.status).toBe(200);
    expect(ui.headers.get('content-type')).toContain('text/html');
    await ui.arrayBuffer();

    const listed = spawnSync(
      env.TEMPORAL_CLI_PATH!,
      ['operator', 'search-attribute', 'list', '--address', `127.0.0.1:${ports.temporal}`, '--output', 'json'],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(listed.status).toBe(0);
    const { customAttributes } = JSON.parse(listed.stdout) as { customAttributes: Record<string, string> };
    expect(customAttributes).toMatchObject(
      Object.fromEntries(dmeSearchAttributes.map((attribute) => [attribute.name, `INDEXED_VALUE_TYPE_${attribute.type}`])),
    );

    // Intake through the served API with the key the banner printed.
    const call = httpClient(apiUrl, { defaultKey: key });
    expect((await call('GET', '/payers', { key: 'not-a-key-at-all-000' })).status).toBe(401);
    const patient = await registerPatient(call);
    const orderId = await createOrder(call, patient);
    first = { key: key!, patientId: patient.patientId, orderId };

    // One SIGINT to dev.ts: the orderly stop, in reverse order of start.
    const tree = processTree(stack.child.pid!);
    expect(tree.some((pid) => / server start-dev /.test(commandOf(pid)))).toBe(true);
    process.kill(stack.child.pid!, 'SIGINT');
    const exit = await waitForExit(stack, 30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(stack.output()).toContain('Stopping…');
    expect(await survivors(tree, 10_000)).toEqual([]);
    expect(await openPorts(ports)).toEqual([]);
  });

  test('second start on the same DATA_DIR: same dev key, the patient and the order’s workflow are still there; SIGTERM to the launcher stops the dev server too', async () => {
    if (!first) throw new Error('the first start did not get as far as creating data');
    const stack = await startStack(env);
    stacks.push(stack);
    process.stderr.write(`npm start again: banner after ${(stack.startedInMs / 1000).toFixed(1)} s\n`);
    const key = /API key\s+(\S+)\s+\(admin/.exec(stack.banner)?.[1];
    expect(key).toBe(first.key);

    const call = httpClient(`http://127.0.0.1:${ports.api}`, { defaultKey: key });
    const patient = await call('GET', `/patients/${first.patientId}`);
    expect(patient.status).toBe(200);
    expect(patient.json).toMatchObject({ id: first.patientId, lastName: patientBody.lastName });
    // The order's row (database) and its workflow (the dev server's SQLite file) survived.
    const order = await call('GET', `/orders/${first.orderId}?live=true`);
    expect(order.status).toBe(200);
    expect(order.json.workflow).toMatchObject({ answered: true, status: { orderId: first.orderId, stage: 'documentation' } });

    // A service manager stops the launcher alone; the dev server must not outlive it.
    const tree = processTree(stack.child.pid!);
    expect(tree.some((pid) => / server start-dev /.test(commandOf(pid)))).toBe(true);
    stack.child.kill('SIGTERM');
    const exit = await waitForExit(stack, 30_000);
    expect(exit).not.toBe('timeout');
    expect(stack.output()).toContain('Stopping…');
    expect(await survivors(tree, 15_000)).toEqual([]);
    expect(await openPorts(ports)).toEqual([]);
  });

  // dev.ts listens with process.on, so the second signal finds the stop already under way.
  test('Ctrl-C pressed twice in a terminal still stops in order and exits 0', async () => {
    const stack = await startStack(env);
    stacks.push(stack);
    const tree = processTree(stack.child.pid!);
    killGroup(stack.child, 'SIGINT');
    await sleep(100);
    killGroup(stack.child, 'SIGINT');
    const exit = await waitForExit(stack, 30_000);
    // Whatever the exit code, nothing may be left behind.
    expect(await survivors(tree, 15_000)).toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
  });
});
