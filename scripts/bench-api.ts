/**
 * `npm run bench:api`: the API's latency at fixed request rates (issue 11.5), measured
 * with evenly paced open-loop requests over a real 127.0.0.1 socket (bench-api-load.ts).
 * One dev server (in memory), Postgres (DATABASE_URL's server, a fresh database dropped
 * afterwards) and the real worker with the sandbox payer (its answers come days later, so
 * no claim traffic) in this process; the API in its own (`api/server.ts`, as compose runs
 * it, which is why DATABASE_URL must be set); the load from a third.
 *
 * Seeded through the API: BENCH_PATIENTS (100) patients with coverage and BENCH_SEEDED
 * (200) orders, each waiting for its documents. Then, each for BENCH_SECONDS (20):
 *   1. reads at 200 req/s: GET /orders/:id over the seeded orders, every fourth a list
 *      (GET /orders?stage=documentation);
 *   2. POST /orders at 50 req/s (each a new order of a seeded patient);
 *   3. both at once — reads while the new orders' workflows are being started;
 * then 1–3 again with the worker stopped, as when the workers run on other machines (the
 * workflows are still started; they wait in their task queue).
 * Prints p50/p90/p99 and errors (connection errors, timeouts, non-2xx) per phase; every
 * order accepted in 2 and 3 is checked to have its workflow started. Issue 11's bounds:
 * reads p99 ≤ 50 ms at 200 req/s, POST /orders p99 ≤ 100 ms at 50 req/s, no errors.
 */
import { fork, spawn } from 'node:child_process';
import { count, isNotNull, isNull } from 'drizzle-orm';
import { orders } from '../db/schema';
import { httpClient } from '../tests/e2e/http-client';
import { keyFor, orderBody, registerPatient, testKeys } from '../tests/support/api';
import { testCodecEnv } from '../tests/support/codec';
import { ORDER_TASK_QUEUE } from '../workflows/definitions';
import type { LoadPlan, LoadResult } from './bench-api-load';
import { runBench, startBenchStack } from './bench-stack';
import { findFreePort } from './temporal-dev-server';

const PATIENTS = Number(process.env.BENCH_PATIENTS ?? 100);
const SEEDED = Number(process.env.BENCH_SEEDED ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const READ_RATE = 200;
const WRITE_RATE = 50;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Phase {
  label: string;
  result: LoadResult;
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
const errorsOf = ({ errors }: LoadResult) => errors.connection + errors.timeouts + errors.non2xx;

/** Runs one load plan in a child process (bench-api-load.ts), so the generator does not slow the API it measures. */
function load(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(require.resolve('./bench-api-load'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (result) => resolve(result as LoadResult));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`the load generator exited with ${code}`))));
    child.send(plan);
  });
}

function line({ label, result }: Phase): string {
  const ms = (p: number) => `${percentile(result.latencies, p).toFixed(1)} ms`;
  const errors = errorsOf(result);
  return (
    `${label}: ${result.sent} requests, p50 ${ms(50)}, p90 ${ms(90)}, p99 ${ms(99)}, max ${ms(100)}, errors ${errors}` +
    (errors > 0 ? ` (connection ${result.errors.connection}, timeouts ${result.errors.timeouts}, statuses ${JSON.stringify(result.statuses)})` : '')
  );
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL)
    throw new Error('bench:api runs the API in its own process: set DATABASE_URL to a Postgres server (PGlite is one process)');
  // The sandbox answers days later: no claim traffic, only intake and reads.
  const stack = await startBenchStack({ acknowledgementDelayMs: 86_400_000, remittanceDelayMs: 14 * 86_400_000 });
  const { database, server } = stack;
  const databaseUrl = database.url!;
  // The API in its own process, as compose and a deployment run it (npm run start:api), so reads do not queue behind the worker.
  const port = await findFreePort();
  const api = spawn(process.execPath, ['--import', 'tsx', require.resolve('../api/server')], {
    env: {
      ...process.env,
      ...testCodecEnv,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: server.namespace,
      TEMPORAL_TASK_QUEUE: ORDER_TASK_QUEUE,
      API_KEYS: testKeys.map((entry) => `${entry.key}:${entry.role}:${entry.user}`).join(','),
      PORT: String(port),
      API_HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const upBy = Date.now() + 60_000;
    while (
      !(await fetch(`${base}/healthz`).then(
        (response) => response.ok,
        () => false,
      ))
    ) {
      if (Date.now() > upBy) throw new Error('the API did not answer /healthz within 60 s');
      await pause(200);
    }
    const call = httpClient(base, { byRole: Object.fromEntries(testKeys.map((entry) => [entry.role, entry.key])) });

    const patients: Array<Awaited<ReturnType<typeof registerPatient>>> = [];
    for (let i = 0; i < PATIENTS; i += 1) patients.push(await registerPatient(call));
    const seeded: string[] = [];
    for (let i = 0; i < SEEDED; i += 1) {
      const created = await call('POST', '/orders', { role: 'intake', body: orderBody(patients[i % PATIENTS]) });
      if (created.status !== 201) throw new Error(`seed order: ${created.status} ${created.text}`);
      seeded.push(created.json.orderId);
    }
    // Every seeded order's workflow has recorded its status (what the reads serve).
    const recorded = async () => (await database.db.select({ n: count() }).from(orders).where(isNotNull(orders.statusVersion)))[0].n;
    const settleDeadline = Date.now() + 10 * 60_000;
    while ((await recorded()) < SEEDED) {
      if (Date.now() > settleDeadline) throw new Error('the seeded orders did not record their status within 10 minutes');
      await pause(250);
    }
    console.log(`seeded: ${PATIENTS} patients, ${SEEDED} orders waiting for documents`);

    const reads = { kind: 'reads', url: base, rate: READ_RATE, seconds: SECONDS, key: keyFor('biller'), items: seeded } as const;
    const writes = {
      kind: 'writes',
      url: base,
      rate: WRITE_RATE,
      seconds: SECONDS,
      key: keyFor('intake'),
      items: patients.map((patient) => orderBody(patient)),
    } as const;

    const phases: Phase[] = [];
    phases.push({ label: `reads at ${READ_RATE} req/s`, result: await load(reads) });
    phases.push({ label: `POST /orders at ${WRITE_RATE} req/s`, result: await load(writes) });
    const [both, bothWrites] = await Promise.all([load(reads), load(writes)]);
    phases.push({ label: `reads at ${READ_RATE} req/s beside POST /orders`, result: both });
    phases.push({ label: `POST /orders at ${WRITE_RATE} req/s beside reads`, result: bothWrites });
    // The same with the workers on other machines, as a deployment runs them: here none runs,
    // so the API, the dev server and Postgres have the two cores (the workflows are still
    // started, and wait in their task queue).
    await stack.stopWorker();
    await pause(5_000);
    const alone = ' (no worker on this machine)';
    phases.push({ label: `reads at ${READ_RATE} req/s${alone}`, result: await load(reads) });
    phases.push({ label: `POST /orders at ${WRITE_RATE} req/s${alone}`, result: await load(writes) });
    const [bothAlone, bothWritesAlone] = await Promise.all([load(reads), load(writes)]);
    phases.push({ label: `reads at ${READ_RATE} req/s beside POST /orders${alone}`, result: bothAlone });
    phases.push({ label: `POST /orders at ${WRITE_RATE} req/s beside reads${alone}`, result: bothWritesAlone });

    // Nothing accepted is lost: every order written has its workflow started.
    const startedDeadline = Date.now() + 10 * 60_000;
    const waitingToStart = async () => (await database.db.select({ n: count() }).from(orders).where(isNull(orders.workflowStartedAt)))[0].n;
    const startedFrom = performance.now();
    while ((await waitingToStart()) > 0) {
      if (Date.now() > startedDeadline) throw new Error(`${await waitingToStart()} accepted orders have no workflow after 10 minutes`);
      await pause(250);
    }
    const [{ n: total }] = await database.db.select({ n: count() }).from(orders);

    for (const phase of phases) console.log(line(phase));
    console.log(
      `orders accepted: ${total}, every one with its workflow started (${((performance.now() - startedFrom) / 1000).toFixed(1)} s after the last POST)`,
    );
    const p99 = (phase: Phase) => percentile(phase.result.latencies, 99);
    const errors = phases.reduce((sum, { result }) => sum + errorsOf(result), 0);
    for (const [where, from] of [
      ['with the worker beside', 0],
      ['with no worker on this machine', 4],
    ] as const) {
      console.log(`reads p99 ${where}: ${Math.max(p99(phases[from]), p99(phases[from + 2])).toFixed(1)} ms (bound 50)`);
      console.log(`orders p99 ${where}: ${Math.max(p99(phases[from + 1]), p99(phases[from + 3])).toFixed(1)} ms (bound 100)`);
    }
    console.log(`errors: ${errors}`);
  } finally {
    api.kill('SIGTERM');
    await stack.stop();
  }
}

runBench(main);
