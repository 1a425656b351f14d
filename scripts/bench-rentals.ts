/**
 * `npm run bench:rentals` (issue 11.5): BENCH_RENTALS (10,000) open rental orders waiting
 * on their next anniversary, the worker's memory while they wait, then the anniversary-day
 * burst of their claims.
 *
 * Parts: Postgres (DATABASE_URL's server, a fresh database dropped afterwards); the real
 * worker as its own process (worker.ts, as `npm run start:worker` runs it) with
 * TEMPORAL_MAX_CACHED_WORKFLOWS=BENCH_CACHE (600) and the sandbox payer acknowledging
 * a claim file a second after it arrives; and the time-skipping test server, because an
 * anniversary is a UTC midnight and this is the Temporal server whose clock can be moved to
 * one (an in-memory server, not the production one: it shares the two cores, and its CPU
 * during the burst is printed beside the worker's).
 *
 * 1. Seeding, BENCH_CONCURRENCY (25) at a time: each rental (a CPAP, E0601, Medicare) is
 *    entered the way the workflow tests enter it (its rows written straight to the
 *    database), its workflow started, its documents received and approved and its delivery
 *    confirmed by Updates. Delivered a month before the day after tomorrow: month 1 is
 *    billed now and month 2 falls due at a midnight one to two days ahead, the same one for
 *    every rental. Done when every month-1 claim is acknowledged.
 * 2. Waiting: the worker's resident memory with every rental open.
 * 3. The burst: the clock is moved to the anniversary; every rental bills month 2 at once.
 *    Done when every month-2 claim is built, submitted and acknowledged. Prints the
 *    seconds (`seconds: N`, the last line), claims per second, the worker's peak memory
 *    and both processes' CPU.
 * 4. Events per rental month, from a sample of orders' histories: the order's events
 *    between its month-1 and month-2 claims, and the month-2 claim's events until its
 *    acknowledgement.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { and, countDistinct, eq, inArray } from 'drizzle-orm';
import { claimLines, claims } from '../db/schema';
import { addDays, addMonths } from '../domain/calendar';
import { ORDER_TASK_QUEUE, claimWorkflowId, orderWorkflowId } from '../workflows/definitions';
import { testCodecEnv } from '../tests/support/codec';
import { createTestDatabase, type TestDatabase } from '../tests/support/database';
import { approveAllDocuments, confirmDelivery, seedOrder, waitForStatus } from '../tests/support/orders';
import { createTimeSkippingEnv } from '../tests/support/temporal';
import { runBench } from './bench-stack';

const RENTALS = Number(process.env.BENCH_RENTALS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 25);
const CACHE = Number(process.env.BENCH_CACHE ?? 600);
const SAMPLE = Math.min(20, RENTALS);
const STEP_TIMEOUT_MS = 300_000;
const LOOK_EVERY_MS = 1_000;
const EventType = temporal.api.enums.v1.EventType;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/** The worker's resident memory now and at its peak (VmRSS, VmHWM of /proc/<pid>/status), in KiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** CPU seconds a process has used (utime + stime of /proc/<pid>/stat, at Linux's 100 ticks a second). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The time-skipping server's process: this process's child running the test server binary. */
function testServerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.split(') ')[1].split(' ')[1]) === process.pid && stat.includes('(temporal-test-')) return Number(entry);
    } catch {
      // Gone meanwhile.
    }
  }
  return undefined;
}

/** Month-n claims of the benchmark's rentals: built (all), acknowledged (accepted or past it), rejected. */
async function monthClaims(database: TestDatabase, month: number) {
  const monthClaimIds = database.db.select({ id: claimLines.claimId }).from(claimLines).where(eq(claimLines.rentalMonth, month));
  const rows = await database.db
    .select({ status: claims.status, count: countDistinct(claims.id) })
    .from(claims)
    .where(inArray(claims.id, monthClaimIds))
    .groupBy(claims.status);
  const of = (...statuses: string[]) => rows.filter((row) => statuses.includes(row.status)).reduce((sum, row) => sum + row.count, 0);
  const built = of(...rows.map((row) => row.status));
  return { built, acknowledged: built - of('built', 'submitted'), rejected: of('rejected') };
}

/** Waits until every rental's month-n claim is acknowledged; prints progress every 30 s. */
async function untilAcknowledged(database: TestDatabase, month: number, what: string, workerPid: number, timeoutMs: number) {
  const started = performance.now();
  let lastPrint = started;
  for (;;) {
    const standing = await monthClaims(database, month);
    if (standing.rejected > 0) throw new Error(`${standing.rejected} month-${month} claims were rejected`);
    if (standing.acknowledged >= RENTALS) return;
    const now = performance.now();
    if (now - lastPrint > 30_000) {
      lastPrint = now;
      const { rss } = memoryOf(workerPid);
      console.log(
        `  ${what}: ${((now - started) / 1000).toFixed(0)} s, month-${month} claims built ${standing.built}, acknowledged ${standing.acknowledged}, worker ${mib(rss)}`,
      );
    }
    if (now - started > timeoutMs)
      throw new Error(`${what}: month-${month} claims not all acknowledged in ${timeoutMs / 1000} s: ${JSON.stringify(standing)}`);
    await pause(1_000);
  }
}

/** The order's events between its month-1 and month-2 claims, and the month-2 claim's events so far. */
async function eventsPerMonth(client: Client, database: TestDatabase, orderId: string): Promise<{ order: number; claim: number }> {
  const events = (await client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory()).events ?? [];
  const claimStarts = events.filter((event) => event.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED);
  if (claimStarts.length < 2) throw new Error(`order ${orderId} started ${claimStarts.length} claims, not 2`);
  const order = Number(claimStarts[1].eventId) - Number(claimStarts[0].eventId);
  const [second] = await database.db
    .select({ id: claims.id })
    .from(claims)
    .innerJoin(claimLines, eq(claimLines.claimId, claims.id))
    .where(and(eq(claims.orderId, orderId), eq(claimLines.rentalMonth, 2)));
  const claim = ((await client.workflow.getHandle(claimWorkflowId(second.id)).fetchHistory()).events ?? []).length;
  return { order, claim };
}

async function main(): Promise<void> {
  if (!process.env.DATABASE_URL) throw new Error('bench:rentals runs the worker in its own process: set DATABASE_URL to a Postgres server');
  const database = await createTestDatabase();
  const env = await createTimeSkippingEnv();
  const worker = spawn(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../worker.ts')], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      ...testCodecEnv,
      NODE_OPTIONS: '',
      LOG_LEVEL: 'error',
      DATABASE_URL: database.url!,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: env.namespace ?? 'default',
      TEMPORAL_TASK_QUEUE: ORDER_TASK_QUEUE,
      TEMPORAL_MAX_CACHED_WORKFLOWS: String(CACHE),
      CLEARINGHOUSE: 'sandbox',
      SANDBOX_ACKNOWLEDGEMENT_DELAY: '1s',
      SANDBOX_REMITTANCE_DELAY: '14d',
    },
  });
  const workerGone = new Promise<never>((_, reject) =>
    worker.once('exit', (code, signal) => reject(new Error(`the worker exited (${code ?? signal})`))),
  );
  const watch = <T>(work: Promise<T>) => Promise.race([work, workerGone]);
  try {
    const client = env.client;
    const pid = worker.pid!;
    const today = new Date(await env.currentTimeMs()).toISOString().slice(0, 10);
    const anniversary = addDays(today, 2);
    const deliveredOn = addMonths(anniversary, -1);
    if (addMonths(deliveredOn, 1) !== anniversary) throw new Error(`${anniversary} is not a month after ${deliveredOn}: run it another day`);
    console.log(
      `bench:rentals: ${RENTALS} CPAP rentals delivered ${deliveredOn}, month 2 due ${anniversary}; worker cache ${CACHE} workflows, ${CONCURRENCY} seeded at a time`,
    );

    // 1. Seeding.
    const seedStarted = performance.now();
    const orderIds: string[] = [];
    let next = 0;
    let failed = false;
    await watch(
      Promise.all(
        Array.from({ length: Math.min(CONCURRENCY, RENTALS) }, async () => {
          while (next < RENTALS && !failed) {
            next += 1;
            const { orderId } = await seedOrder(database, {
              items: [{ hcpcs: 'E0601', acquisition: 'rental', unitCharge: 12_000 }],
              orderDate: addDays(deliveredOn, -7),
            });
            const handle = await client.workflow.start('dmeOrderWorkflow', {
              workflowId: orderWorkflowId(orderId),
              taskQueue: ORDER_TASK_QUEUE,
              args: [{ orderId }],
            });
            try {
              // Staff look at an order now and then, not ten times a second (each look is a
              // query the worker answers, replaying the order if it was evicted); generous
              // waits, since with thousands open the worker replays evicted orders as well.
              const approved = await approveAllDocuments(handle, STEP_TIMEOUT_MS, LOOK_EVERY_MS);
              if (approved.stage !== 'delivery') await waitForStatus(handle, (status) => status.stage === 'delivery', STEP_TIMEOUT_MS, LOOK_EVERY_MS);
              await confirmDelivery(handle, deliveredOn);
            } catch (error) {
              failed = true;
              throw new Error(`rental ${orderIds.length + 1} (order ${orderId}): ${String(error)}`, { cause: error });
            }
            orderIds.push(orderId);
            if (orderIds.length % 500 === 0) {
              console.log(
                `  seeding: ${orderIds.length} delivered in ${((performance.now() - seedStarted) / 1000).toFixed(0)} s, worker ${mib(memoryOf(pid).rss)}`,
              );
            }
          }
        }),
      ),
    );
    await watch(untilAcknowledged(database, 1, 'seeding', pid, 3_600_000));
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    console.log(
      `seeded: ${RENTALS} rentals delivered and month 1 acknowledged in ${seedSeconds.toFixed(0)} s (${(RENTALS / seedSeconds).toFixed(1)} rentals/s)`,
    );

    // 2. Waiting on the anniversary.
    await pause(10_000);
    const waiting = memoryOf(pid);
    console.log(`waiting: ${RENTALS} open rentals, worker RSS ${mib(waiting.rss)} (peak while seeding ${mib(waiting.peak)}; bound 1,536 MiB)`);

    // 3. The anniversary: the clock moves to its midnight (plus a second), then runs at wall-clock pace.
    const toAnniversary = Date.parse(`${anniversary}T00:00:00Z`) - (await env.currentTimeMs()) + 1_000;
    const serverPid = testServerPid();
    const cpuBefore = { worker: cpuSeconds(pid), server: serverPid ? cpuSeconds(serverPid) : NaN };
    const burstStarted = performance.now();
    await watch(env.sleep(toAnniversary));
    await watch(untilAcknowledged(database, 2, 'burst', pid, 3_600_000));
    const burstSeconds = (performance.now() - burstStarted) / 1000;
    const after = memoryOf(pid);
    const cpu = { worker: cpuSeconds(pid) - cpuBefore.worker, server: serverPid ? cpuSeconds(serverPid) - cpuBefore.server : NaN };

    // 4. Events per rental month.
    const sample = await Promise.all(orderIds.slice(0, SAMPLE).map((orderId) => eventsPerMonth(client, database, orderId)));
    const mean = (values: number[]) => (values.reduce((sum, value) => sum + value, 0) / values.length).toFixed(1);
    console.log(
      `events per rental month (${SAMPLE} orders): order ${mean(sample.map((one) => one.order))} between its month-1 and month-2 claims, ` +
        `month-2 claim ${mean(sample.map((one) => one.claim))} to its acknowledgement`,
    );
    console.log(`worker RSS: waiting ${mib(waiting.rss)}, after the burst ${mib(after.rss)}, peak ${mib(after.peak)} (bound 1,536 MiB)`);
    console.log(
      `burst: ${RENTALS} month-2 claims built, submitted and acknowledged in ${burstSeconds.toFixed(1)} s (${(RENTALS / burstSeconds).toFixed(1)} claims/s; bound 600 s)`,
    );
    console.log(
      `burst CPU: worker ${cpu.worker.toFixed(0)} s (${((100 * cpu.worker) / burstSeconds).toFixed(0)}% of a core), ` +
        `time-skipping server ${cpu.server.toFixed(0)} s (${((100 * cpu.server) / burstSeconds).toFixed(0)}%)`,
    );
    console.log(`seconds: ${burstSeconds.toFixed(1)}`);
  } catch (error) {
    // Said before the teardown, whose closed connection fails whatever is still in flight.
    console.error(`bench:rentals failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    throw error;
  } finally {
    worker.kill('SIGKILL');
    await env.teardown();
    await database.drop();
  }
}

runBench(main);
