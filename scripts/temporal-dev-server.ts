/**
 * Starts the Temporal dev server (`temporal server start-dev`) as a child process: the embedded
 * default of DESIGN.md "Running it" (SQLite file, Web UI, Dme* search attributes registered).
 *
 * - Listens on 127.0.0.1 only (gRPC, UI, and the HTTP-API/metrics ports it picks itself).
 * - Ready means a real gRPC round trip (getSystemInfo + describeNamespace), the six search
 *   attributes listed, and the UI answering; not merely an open port.
 * - The child dies with us: stop() (SIGTERM, then SIGKILL after a grace period), a process 'exit'
 *   hook for normal exits, and on Linux `setpriv --pdeathsig` so even a SIGKILLed parent leaves no
 *   orphan server holding the ports and the SQLite file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { Connection } from '@temporalio/client';
import { searchAttributeCliArgs, dmeSearchAttributes } from '../workflows/search-attributes';
import { LOOPBACK, canConnect, findFreePort, sleep } from './ports';
import { listCustomSearchAttributes, registerSearchAttributes } from './search-attributes';
import { resolveTemporalCli, which } from './temporal-binaries';

export { findFreePort } from './ports';
export { registerSearchAttributes } from './search-attributes';

export interface DevServerOptions {
  /** gRPC port. Default 7233. */
  port?: number;
  /** Web UI port. Default 8233. */
  uiPort?: number;
  /** Serve the Web UI. Default true; false passes --headless. */
  ui?: boolean;
  /** The Web UI's remote codec endpoint (`--ui-codec-endpoint`): the UI calls `<endpoint>/decode` to show payloads. */
  uiCodecEndpoint?: string;
  /** SQLite file for persistence across restarts; omitted → in-memory. Parent dirs are created. */
  dbFile?: string;
  /** Namespace the app uses; created at start-up ("default" always exists). Default "default". */
  namespace?: string;
  /** Server log level. Default "warn". */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** The CLI to run; default resolveTemporalCli(). */
  cliPath?: string;
  /** How long to wait for readiness. Default 30 s. */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 10 s. */
  stopGraceMs?: number;
  /** Receives the server's stdout/stderr (e.g. to prefix and print it); the tail is kept regardless. */
  onOutput?: (text: string) => void;
}

export interface DevServer {
  /** host:port for Connection.connect / NativeConnection.connect. */
  address: string;
  /** Web UI URL, when the UI is on. */
  uiUrl?: string;
  namespace: string;
  /** The server's pid (also the pid of the setpriv wrapper, which execs it). */
  pid: number;
  cliPath: string;
  /** Resolves when the process has exited, whoever stopped it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, wait for exit, SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void>;
}

export class DevServerStartError extends Error {
  override name = 'DevServerStartError';
}

export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const port = options.port ?? 7233;
  const ui = options.ui ?? true;
  const uiPort = options.uiPort ?? 8233;
  const namespace = options.namespace ?? 'default';
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const cliPath = options.cliPath ?? (await resolveTemporalCli()).path;
  const address = `${LOOPBACK}:${port}`;
  const uiUrl = ui ? `http://${LOOPBACK}:${uiPort}` : undefined;

  // Someone else on our port would make us "ready" against the wrong server.
  if (await canConnect(port)) throw new DevServerStartError(`port ${port} on ${LOOPBACK} is already in use`);
  if (ui && (await canConnect(uiPort))) throw new DevServerStartError(`UI port ${uiPort} on ${LOOPBACK} is already in use`);

  const args = ['server', 'start-dev', '--ip', LOOPBACK, '--port', String(port), '--log-level', options.logLevel ?? 'warn'];
  args.push(...(ui ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (ui && options.uiCodecEndpoint) args.push('--ui-codec-endpoint', options.uiCodecEndpoint);
  if (options.dbFile) {
    fs.mkdirSync(path.dirname(path.resolve(options.dbFile)), { recursive: true });
    args.push('--db-filename', path.resolve(options.dbFile));
  }
  if (namespace !== 'default') args.push('--namespace', namespace);
  args.push(...searchAttributeCliArgs());

  const child = spawnTiedToUs(cliPath, args);
  let output = '';
  const onData = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-8_000);
    options.onOutput?.(text);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (err) => {
      spawnError = err;
      exitInfo = { code: null, signal: null };
      resolve(exitInfo);
    });
  });
  // A normal exit of our process (process.exit, end of event loop) takes the server with it.
  const killOnExit = () => {
    if (!exitInfo) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  void exited.then(() => process.removeListener('exit', killOnExit));

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (!exitInfo) {
        child.kill('SIGTERM');
        let timer: NodeJS.Timeout | undefined;
        const graceful = await Promise.race([
          exited.then(() => true),
          new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), options.stopGraceMs ?? 10_000))),
        ]);
        clearTimeout(timer); // a pending grace timer would keep the caller's process alive
        if (!graceful) {
          child.kill('SIGKILL');
          await exited;
        }
      }
    })();
    return stopping;
  };

  try {
    await waitUntilReady({ address, uiUrl, namespace, timeoutMs: startTimeoutMs, hasExited: () => exitInfo !== undefined });
  } catch (err) {
    await stop();
    const why = spawnError
      ? `could not run ${cliPath}: ${spawnError.message}`
      : exitInfo && !(err instanceof ReadyTimeout)
        ? `exited during start-up (code ${exitInfo.code}, signal ${exitInfo.signal})`
        : (err as Error).message;
    const tail = output.trim().split(/\r?\n/).slice(-15).join('\n');
    throw new DevServerStartError(`Temporal dev server on ${address} did not start: ${why}${tail ? `\n--- server output (tail) ---\n${tail}` : ''}`);
  }

  return { address, uiUrl, namespace, pid: child.pid!, cliPath, exited, stop };
}

/**
 * On Linux, `setpriv --pdeathsig TERM` makes the kernel signal the server when our process dies,
 * however it dies. The death signal follows the *thread* that forked, so only from the main thread
 * (a worker thread ending would otherwise stop the server early).
 */
export function spawnTiedToUs(cliPath: string, args: string[]): ChildProcess {
  const setpriv = process.platform === 'linux' && isMainThread ? which('setpriv') : undefined;
  const [command, argv] = setpriv ? [setpriv, ['--pdeathsig', 'TERM', '--', cliPath, ...args]] : [cliPath, args];
  // Not detached: same process group, so a terminal's Ctrl-C reaches the server too.
  return spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
}

class ReadyTimeout extends Error {}

async function waitUntilReady(opts: {
  address: string;
  uiUrl?: string;
  namespace: string;
  timeoutMs: number;
  hasExited: () => boolean;
}): Promise<void> {
  const { address, uiUrl, namespace, timeoutMs, hasExited } = opts;
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer yet';
  const check = () => {
    if (hasExited()) throw new Error('exited');
    if (Date.now() > deadline) throw new ReadyTimeout(`not ready within ${timeoutMs / 1000} s; last error: ${lastError}`);
  };

  // gRPC: a real round trip, and the namespace must exist (it is created during start-up).
  let connection: Connection | undefined;
  while (!connection) {
    check();
    try {
      const candidate = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await candidate.workflowService.getSystemInfo({});
        await candidate.workflowService.describeNamespace({ namespace });
        connection = candidate;
      } catch (err) {
        await candidate.close();
        throw err;
      }
    } catch (err) {
      lastError = (err as Error).message;
      await sleep(200);
    }
  }

  try {
    // The --search-attribute flags register them at start-up; make sure, and fill any gap.
    const present = await listCustomSearchAttributes(connection, namespace);
    if (!present || dmeSearchAttributes.some((key) => !present.has(key.name))) {
      await registerSearchAttributes(connection, namespace);
    }
  } finally {
    await connection.close();
  }

  if (uiUrl) {
    for (;;) {
      check();
      try {
        const response = await fetch(uiUrl, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.ok) break;
        lastError = `UI answered HTTP ${response.status}`;
      } catch (err) {
        lastError = `UI: ${(err as Error).message}`;
      }
      await sleep(200);
    }
  }
}

/** Picks free gRPC and UI ports (retrying if another process grabs one first) and starts. */
export async function startDevServerOnFreePorts(options: Omit<DevServerOptions, 'port' | 'uiPort'> = {}): Promise<DevServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    const uiPort = await findFreePort();
    if (uiPort === port) continue;
    try {
      return await startDevServer({ ...options, port, uiPort });
    } catch (err) {
      lastError = err;
      if (!/in use|address already in use|bind/i.test((err as Error).message)) throw err;
    }
  }
  throw lastError;
}
