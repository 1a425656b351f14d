/**
 * The deployment files, checked as far as a machine without a Docker engine can:
 * - docker-compose.yml is accepted by `docker compose config` and wires the stack as
 *   DESIGN.md "Running it" says (skipped, with a message, where the docker client has
 *   no compose plugin: `bash docker/install-compose-plugin.sh` adds it);
 * - docker/register-search-attributes.sh registers exactly the six Dme* attributes of
 *   workflows/search-attributes.ts, idempotently, on a real Temporal server, and fails on
 *   a type clash;
 * - docker/worker-healthcheck.js tells a polling worker from none;
 * - .env.example lists every variable of config.ts with its real default.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { resolveApiKeys } from '../../api/keys';
import { loadConfig } from '../../config';
import type { DevServer } from '../../scripts/temporal-dev-server';
import { dmeSearchAttributes } from '../../workflows/search-attributes';
import { quietTemporalRuntime, startDevServerForTests } from '../support/temporal';
import type { waitForever } from '../support/workflows/timers';

jest.setTimeout(60_000);

const repo = path.resolve(__dirname, '../..');
const composeFile = path.join(repo, 'docker-compose.yml');
const registerScript = path.join(repo, 'docker/register-search-attributes.sh');
const healthcheckScript = path.join(repo, 'docker/worker-healthcheck.js');

/** The CLI's spelling of each type (`--type`) and the operator service's (`list -o json`). */
const cliType: Record<string, string> = { KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', DATETIME: 'Datetime', INT: 'Int' };
const expectedAttributes = Object.fromEntries(dmeSearchAttributes.map((key) => [key.name, cliType[key.type]]));
const expectedListed = Object.fromEntries(dmeSearchAttributes.map((key) => [key.name, `INDEXED_VALUE_TYPE_${key.type}`]));

function composeAvailable(): boolean {
  const run = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8', timeout: 30_000 });
  return !run.error && run.status === 0;
}

/**
 * `docker compose config` of the repo's file with only the variables given: an empty
 * --env-file keeps a developer's .env out of the interpolation.
 */
function composeConfig(env: Record<string, string> = {}, args: string[] = ['--format', 'json']) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dme-compose-'));
  try {
    const envFile = path.join(dir, 'empty.env');
    fs.writeFileSync(envFile, '');
    const cleanEnv: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, DOCKER_CONFIG: process.env.DOCKER_CONFIG, ...env };
    return spawnSync('docker', ['compose', '--project-directory', repo, '-f', composeFile, '--env-file', envFile, 'config', ...args], {
      encoding: 'utf8',
      env: cleanEnv,
      timeout: 30_000,
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const describeWithCompose = composeAvailable() ? describe : describe.skip;
if (!composeAvailable()) {
  console.warn('SKIPPED "docker-compose.yml": no `docker compose` here (bash docker/install-compose-plugin.sh adds the plugin)');
}

describeWithCompose('docker-compose.yml', () => {
  let config: any;

  beforeAll(() => {
    const run = composeConfig({ API_KEYS: 'compose-check-key-0001:admin:ada.admin' });
    if (run.status !== 0) throw new Error(`docker compose config failed: ${run.stderr}`);
    config = JSON.parse(run.stdout);
  });

  test('docker compose config -q accepts it with no .env and no variables set', () => {
    const run = composeConfig({}, ['-q']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  test('runs Temporal on Postgres with the Web UI, the search-attribute job, the app database, migrations, API and worker', () => {
    expect(Object.keys(config.services).sort()).toEqual(
      ['api', 'app-postgres', 'migrate', 'temporal', 'temporal-postgres', 'temporal-search-attributes', 'temporal-ui', 'worker'].sort(),
    );
    const { temporal, 'temporal-ui': ui, 'temporal-search-attributes': attributes } = config.services;
    expect(temporal.image).toMatch(/^temporalio\/auto-setup:\d+\.\d+\.\d+$/);
    expect(temporal.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'temporal-postgres' });
    expect(temporal.depends_on['temporal-postgres'].condition).toBe('service_healthy');
    expect(ui.image).toMatch(/^temporalio\/ui:\d+\.\d+\.\d+$/);
    expect(ui.ports).toEqual([expect.objectContaining({ target: 8080, host_ip: '127.0.0.1', published: '8080' })]);
    expect(attributes.image).toMatch(/^temporalio\/admin-tools:\d+\.\d+\.\d+/);
    expect(attributes.depends_on.temporal.condition).toBe('service_healthy');
    expect(attributes.volumes).toEqual([expect.objectContaining({ type: 'bind', source: registerScript, read_only: true })]);
  });

  test('every file it mounts from the repository exists (compose would mount an empty folder instead)', () => {
    const binds = Object.values<any>(config.services).flatMap((service) => (service.volumes ?? []).filter((volume: any) => volume.type === 'bind'));
    expect(binds.length).toBeGreaterThanOrEqual(2);
    for (const bind of binds)
      expect({ source: bind.source, isFile: fs.statSync(bind.source, { throwIfNoEntry: false })?.isFile() }).toEqual({
        source: bind.source,
        isFile: true,
      });
  });

  test('API and worker are built from the Dockerfile and configured for production against the compose services', () => {
    const { api, worker, migrate } = config.services;
    for (const service of [api, worker, migrate]) {
      expect(service.build).toMatchObject({ context: repo, dockerfile: 'Dockerfile' });
      expect(service.environment).toMatchObject({
        NODE_ENV: 'production',
        TEMPORAL_ADDRESS: 'temporal:7233',
        DATABASE_URL: 'postgres://dme:dme@app-postgres:5432/dme',
        CLEARINGHOUSE: 'sandbox',
        API_KEYS: 'compose-check-key-0001:admin:ada.admin',
      });
      // What the app itself would make of this environment.
      expect(() => loadConfig(service.environment)).not.toThrow();
    }
    // What `npm run build` emits for worker.ts, api/server.ts and scripts/migrate.ts.
    expect(api.command).toEqual(['node', 'dist/api/server.js']);
    expect(worker.command).toEqual(['node', 'dist/worker.js']);
    expect(migrate.command).toEqual(['node', 'dist/scripts/migrate.js']);
    for (const source of ['api/server.ts', 'worker.ts', 'scripts/migrate.ts']) expect(fs.existsSync(path.join(repo, source))).toBe(true);
    expect(api.environment).toMatchObject({ API_HOST: '0.0.0.0', PORT: '3000' });
    // The worker's cache is sized as bench:rentals measured it, and the app reads it so.
    expect(worker.environment.TEMPORAL_MAX_CACHED_WORKFLOWS).toBe('600');
    expect(loadConfig(worker.environment).TEMPORAL_MAX_CACHED_WORKFLOWS).toBe(600);
    expect(api.ports).toEqual([expect.objectContaining({ target: 3000, host_ip: '127.0.0.1', published: '3000' })]);
  });

  test('the app starts only after migrations and the search attributes, and every long-running service has a healthcheck', () => {
    const { api, worker, migrate } = config.services;
    for (const service of [api, worker]) {
      expect(service.depends_on).toMatchObject({
        migrate: { condition: 'service_completed_successfully' },
        'temporal-search-attributes': { condition: 'service_completed_successfully' },
      });
    }
    expect(migrate.depends_on['app-postgres'].condition).toBe('service_healthy');
    for (const name of ['api', 'worker', 'temporal', 'temporal-postgres', 'app-postgres']) {
      expect({ name, test: config.services[name].healthcheck?.test?.length > 0 }).toEqual({ name, test: true });
    }
    expect(worker.healthcheck.test).toEqual(['CMD', 'node', 'docker/worker-healthcheck.js']);
  });

  test('the worker scales (`--scale worker=N`): no fixed name, no published port; Temporal is sized for 100,000 rentals', () => {
    const { worker, temporal } = config.services;
    expect(worker.container_name).toBeUndefined();
    expect(worker.ports).toBeUndefined();
    // Fixed when the cluster is created (README "Sizing for 100,000 open rentals").
    expect(temporal.environment).toMatchObject({ NUM_HISTORY_SHARDS: '512', DEFAULT_NAMESPACE_RETENTION: '30d' });
  });

  test('without API_KEYS the API gets none and refuses to start in production rather than run open', () => {
    const run = composeConfig();
    const { api } = JSON.parse(run.stdout).services;
    expect(api.environment.API_KEYS).toBe('');
    // What api/server.ts does at start (config.ts or the key resolver refuses).
    expect(() => resolveApiKeys(loadConfig(api.environment))).toThrow(/API_KEYS/);
  });
});

describe('docker/register-search-attributes.sh', () => {
  let server: DevServer;
  let connection: Connection;
  const cli = () => process.env.TEMPORAL_CLI_PATH ?? server.cliPath;

  beforeAll(async () => {
    quietTemporalRuntime();
    server = await startDevServerForTests({ ui: false });
    connection = await Connection.connect({ address: server.address });
  }, 60_000);
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
  });

  const register = (namespace: string) =>
    spawnSync('sh', [registerScript], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_CLI: cli(), WAIT_SECONDS: '20' },
    });
  const createNamespace = (namespace: string) => {
    const run = spawnSync(cli(), ['operator', 'namespace', 'create', '--address', server.address, '--namespace', namespace], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(run.stderr);
  };
  const customAttributes = async (namespace: string) => {
    const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
    return Object.fromEntries(Object.entries(customAttributes ?? {}).map(([name, type]) => [name, `INDEXED_VALUE_TYPE_${typeName(Number(type))}`]));
  };

  test('names exactly the six attributes of workflows/search-attributes.ts with their types', () => {
    const script = fs.readFileSync(registerScript, 'utf8');
    const declared: Record<string, string> = {};
    for (const [, name, type] of script.matchAll(/^create (\w+) (\w+)$/gm)) declared[name] = type;
    expect(declared).toEqual(expectedAttributes);
  });

  test('registers them in a namespace that has none, and a second run changes nothing', async () => {
    const namespace = `fresh-${randomUUID().slice(0, 8)}`;
    createNamespace(namespace);
    expect(await customAttributes(namespace)).toEqual({});

    const first = register(namespace);
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    expect(first.stdout).toContain(`Dme* search attributes registered in namespace ${namespace}`);
    expect(await customAttributes(namespace)).toEqual(expectedListed);

    const again = register(namespace);
    expect(again.status).toBe(0);
    expect(await customAttributes(namespace)).toEqual(expectedListed);
  });

  test('stops with an error when an attribute exists with another type', async () => {
    const namespace = `clash-${randomUUID().slice(0, 8)}`;
    createNamespace(namespace);
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: { DmeStage: 3 /* INT */ } });
    const run = register(namespace);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`could not register DmeStage as Keyword in namespace ${namespace}`);
  });

  test('gives up after WAIT_SECONDS when the namespace never appears', () => {
    const run = spawnSync('sh', [registerScript], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: server.address, TEMPORAL_NAMESPACE: 'never-created', TEMPORAL_CLI: cli(), WAIT_SECONDS: '2' },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('has no namespace never-created after 2s');
  });

  describe('docker/worker-healthcheck.js', () => {
    const taskQueue = `health-${randomUUID()}`;
    const check = (hostname?: string) =>
      spawnSync(process.execPath, [healthcheckScript], {
        cwd: repo,
        encoding: 'utf8',
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          TEMPORAL_ADDRESS: server.address,
          TEMPORAL_TASK_QUEUE: taskQueue,
          ...(hostname ? { WORKER_HEALTHCHECK_HOSTNAME: hostname } : {}),
        },
      });

    test('is unhealthy while no worker polls the task queue, healthy once one from this host does', async () => {
      const before = check();
      expect(before.status).toBe(1);
      expect(before.stderr).toContain(`no workflow poller from`);

      const nativeConnection = await NativeConnection.connect({ address: server.address });
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue,
        workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../support/workflows/timers'), logger: silent }),
        activities: { ping: async () => 'pong' },
      });
      await worker.runUntil(async () => {
        // A workflow task makes sure both pollers have reached the server.
        const client = new Client({ connection });
        await client.workflow
          .start<typeof waitForever>('waitForever', { taskQueue, workflowId: `health-${randomUUID()}` })
          .then((handle) => handle.terminate('done'));
        const deadline = Date.now() + 20_000;
        let last = check();
        while (last.status !== 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 500));
          last = check();
        }
        expect({ status: last.status, stderr: last.stderr }).toEqual({ status: 0, stderr: '' });
        expect(check('another-container').status).toBe(1);
      });
      await nativeConnection.close();
    });

    test('is unhealthy when Temporal does not answer', () => {
      const run = spawnSync(process.execPath, [healthcheckScript], {
        encoding: 'utf8',
        timeout: 30_000,
        env: { PATH: process.env.PATH, TEMPORAL_ADDRESS: '127.0.0.1:1' },
      });
      expect(run.status).toBe(1);
    });
  });
});

describe('.env.example', () => {
  const example = fs.readFileSync(path.join(repo, '.env.example'), 'utf8');
  const configSource = fs.readFileSync(path.join(repo, 'config.ts'), 'utf8');
  const schemaBody = configSource.slice(configSource.indexOf('const environmentSchema = z.object({'));
  const variables = [...schemaBody.slice(0, schemaBody.indexOf('\n});')).matchAll(/^  ([A-Z][A-Z0-9_]+):/gm)].map((match) => match[1]);
  const lines = new Map(
    [...example.matchAll(/^(#\s*)?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map(([, commented, name, value]) => [
      name,
      { commented: Boolean(commented), value: value.replace(/^"(.*)"$/, '$1') },
    ]),
  );
  const defaults = loadConfig({}) as Record<string, unknown>;

  test('config.ts is read as expected (the list below is not empty)', () => {
    expect(variables.length).toBeGreaterThan(25);
    expect(variables).toEqual(expect.arrayContaining(['NODE_ENV', 'DATABASE_URL', 'API_KEYS', 'CLEARINGHOUSE']));
  });

  test('lists every variable of config.ts, each after a comment line', () => {
    expect(variables.filter((name) => !lines.has(name))).toEqual([]);
    for (const name of variables) {
      const before = example
        .slice(0, example.search(new RegExp(`^(#\\s*)?${name}=`, 'm')))
        .trimEnd()
        .split('\n')
        .pop()!;
      expect({ name, comment: before.startsWith('#') }).toEqual({ name, comment: true });
    }
  });

  test('an uncommented line holds exactly the default, and only variables without a default are commented out', () => {
    for (const name of variables) {
      const line = lines.get(name)!;
      const hasDefault = defaults[name] !== undefined;
      expect({ name, commented: line.commented }).toEqual({ name, commented: !hasDefault });
      if (hasDefault)
        expect({ name, value: loadConfig({ [name]: line.value })[name as keyof ReturnType<typeof loadConfig>] }).toEqual({
          name,
          value: defaults[name],
        });
    }
  });

  test('its example values for the variables without a default are valid too', () => {
    const examples = Object.fromEntries(
      variables.filter((name) => defaults[name] === undefined && !lines.get(name)!.value.includes('<')).map((name) => [name, lines.get(name)!.value]),
    );
    expect(Object.keys(examples)).toEqual(expect.arrayContaining(['DATABASE_URL', 'TEMPORAL_ADDRESS']));
    expect(() => loadConfig(examples)).not.toThrow();
  });
});

const silent = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  log: () => undefined,
};

function typeName(type: number): string {
  return ['UNSPECIFIED', 'TEXT', 'KEYWORD', 'INT', 'DOUBLE', 'BOOL', 'DATETIME', 'KEYWORD_LIST'][type] ?? String(type);
}
