/**
 * `npm run bench:mailbox`: answers at volume through the real mailbox (issue 11.1). A
 * dev server (in memory, loopback) and Postgres (DATABASE_URL's server, a fresh database
 * dropped afterwards; else PGlite) run the real worker: the clearinghouseMailboxWorkflow
 * collects what a clearinghouse hands it, and every 835 goes to its remittanceWorkflow.
 *
 * BENCH_CLAIMS (10,000) submitted claims are inserted, each with a stand-in workflow under
 * its real id (`claim-<id>`) on a task queue no worker polls: the server keeps each signal
 * in the stand-in's history, which is what "told" means, without running 10,000 claim
 * workflows (their own work is the rentals benchmark's). Then, each timed from the
 * mailbox's wake-up signal:
 *   1. a 277CA accepting every claim: collected, applied and told to every claim;
 *   2. a balanced 835 paying every claim (bench:posting's file): collected, stored,
 *      posted by its remittanceWorkflow and told to every claim.
 * Every claim's history is then read to check it holds exactly one acknowledgement and
 * one remittance signal. Prints events per workflow run (each must stay under 10,000;
 * Temporal's hard limit is 51,200) and, last, `seconds: N`, the 835's time to every
 * claim told — the figure issue 11 bounds at 60 s.
 */
import { randomUUID } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { eq } from 'drizzle-orm';
import type { Clearinghouse, InboundFile } from '../activities/clearinghouse/types';
import { acceptingClaimAcknowledgement } from '../tests/support/acknowledgements';
import { encryptedDataConverter } from '../codec/data-converter';
import type { CodecKeyring } from '../codec/encryption';
import { loadConfig } from '../config';
import { remittances } from '../db/schema';
import { createLogger } from '../logger';
import { build835, insertClaims, seedPatientOrder, type ClpSpec, type StoredClaim } from '../tests/support/receivables';
import { createTestDatabase } from '../tests/support/database';
import { activityDeps, createDmeWorker, ensureMailboxWorkflow, installTemporalRuntime } from '../worker';
import { MAILBOX_WORKFLOW_ID, checkMailbox, claimWorkflowId } from '../workflows/definitions';
import { startDevServerOnFreePorts } from './temporal-dev-server';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 10_000);
const EventType = temporal.api.enums.v1.EventType;
const key = { id: 'bench', key: Buffer.alloc(32, 7) };
const keyring: CodecKeyring = { active: key, keys: [key] };
const dataConverter = encryptedDataConverter(keyring);
const logger = createLogger('warn');

/** A clearinghouse whose mailbox holds what the benchmark drops into it; nothing goes out. */
function dropBox(): Clearinghouse & { drop(file: InboundFile): void; waiting(): number } {
  const files: InboundFile[] = [];
  const unused = () => Promise.reject(new Error('the benchmark sends nothing'));
  return {
    name: 'file-drop',
    checkEligibility: unused,
    submitClaims: unused,
    requestClaimStatus: unused,
    collect: async () => ({ files: [...files], nextCheckAt: null }),
    confirm: async (names) => {
      files.splice(0, files.length, ...files.filter((file) => !names.includes(file.name)));
    },
    drop: (file) => files.push(file),
    waiting: () => files.length,
  };
}

function acknowledgement(claims: StoredClaim[]): InboundFile {
  return {
    name: 'bench-277ca',
    x12: acceptingClaimAcknowledgement(
      claims.map((claim) => ({ claimNumber: claim.claimNumber, serviceFrom: claim.lines[0].serviceFrom })),
      700_001,
    ),
  };
}

/** bench:posting's 835: every claim paid at the Ohio fee less coinsurance and sequestration. */
function remittance(claims: StoredClaim[]): InboundFile {
  const clps: ClpSpec[] = claims.map((claim, index) => ({
    pcn: claim.claimNumber,
    charge: 15_000,
    paid: 5_247,
    icn: `1${String(index).padStart(13, '0')}`,
    lines: [
      {
        hcpcs: 'E0601',
        modifiers: ['RR', 'KH', 'KX'],
        charge: 15_000,
        paid: 5_247,
        allowed: 6_693,
        lineControlNumber: claim.lines[0].lineControlNumber,
        serviceDate: claim.lines[0].serviceFrom,
        adjustments: [
          { group: 'CO', reason: '45', amount: 8_307 },
          { group: 'CO', reason: '253', amount: 107 },
          { group: 'PR', reason: '2', amount: 1_339 },
        ],
      },
    ],
  }));
  return { name: 'bench-835', x12: build835({ trace: 'BENCHMAIL1', claims: clps }) };
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let from = 0; from < items.length; from += size) results.push(...(await Promise.all(items.slice(from, from + size).map(work))));
  return results;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const eventsOf = async (handle: WorkflowHandle) => (await handle.fetchHistory()).events ?? [];

async function main(): Promise<void> {
  installTemporalRuntime(logger);
  const [server, database] = await Promise.all([startDevServerOnFreePorts({ ui: false }), createTestDatabase()]);
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection, namespace: server.namespace, dataConverter });
  const nativeConnection = await NativeConnection.connect({ address: server.address });
  const taskQueue = `bench-mailbox-${randomUUID()}`;
  const clearinghouse = dropBox();
  const worker = await createDmeWorker({
    connection: nativeConnection,
    namespace: server.namespace,
    taskQueue,
    dataConverter,
    activities: { ...activityDeps(loadConfig({}), database, logger, client), clearinghouse },
  });
  const running = worker.run();
  try {
    const setupStarted = performance.now();
    const order = await seedPatientOrder(database.db, { state: 'OH' });
    const claims = await insertClaims(
      database.db,
      Array.from({ length: CLAIMS }, () => ({ order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] })),
    );
    const unpolled = `unpolled-${randomUUID()}`;
    const standIns = await inBatches(claims, 200, (claim) =>
      client.workflow.start('claimStandIn', { workflowId: claimWorkflowId(claim.claimId), taskQueue: unpolled }),
    );
    await ensureMailboxWorkflow(client, taskQueue);
    const mailbox = client.workflow.getHandle(MAILBOX_WORKFLOW_ID);
    const idle = async () => {
      const events = await eventsOf(mailbox);
      const last = events[events.length - 1]?.eventType;
      return last === EventType.EVENT_TYPE_TIMER_STARTED || last === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
    };
    await until('the mailbox idle', idle);
    const ackFile = acknowledgement(claims);
    const remittanceFile = remittance(claims);
    const setupSeconds = (performance.now() - setupStarted) / 1000;

    // 1. The 277CA.
    const eventsBefore = (await eventsOf(mailbox)).length;
    clearinghouse.drop(ackFile);
    const ackStarted = performance.now();
    await mailbox.signal(checkMailbox);
    await until('the 277CA confirmed', async () => clearinghouse.waiting() === 0);
    const ackSeconds = (performance.now() - ackStarted) / 1000;
    await until('the mailbox idle', idle);
    const ackRoundEvents = (await eventsOf(mailbox)).length - eventsBefore;

    // 2. The 835.
    clearinghouse.drop(remittanceFile);
    const started = performance.now();
    await mailbox.signal(checkMailbox);
    let remittanceId: string | undefined;
    await until('the remittance stored', async () => {
      [remittanceId] = (await database.db.select({ id: remittances.id }).from(remittances)).map((row) => row.id);
      return remittanceId !== undefined;
    });
    await until('every claim told of the 835', async () => {
      const [row] = await database.db
        .select({ status: remittances.status, failure: remittances.failure })
        .from(remittances)
        .where(eq(remittances.id, remittanceId!));
      if (row.status === 'failed') throw new Error(`the remittance failed: ${row.failure}`);
      return row.status === 'posted';
    });
    const seconds = (performance.now() - started) / 1000;
    const [posted] = await database.db.select().from(remittances).where(eq(remittances.id, remittanceId!));

    // Every claim told once of each (read back from the stand-ins' histories).
    const told = await inBatches(standIns, 100, async (handle) => {
      const signals = (await eventsOf(handle)).flatMap((event) =>
        event.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED ? [event.workflowExecutionSignaledEventAttributes?.signalName] : [],
      );
      return {
        acks: signals.filter((name) => name === 'claimAcknowledged').length,
        remits: signals.filter((name) => name === 'remittancePosted').length,
      };
    });
    const wrong = told.filter((claim) => claim.acks !== 1 || claim.remits !== 1).length;
    const remittanceRuns = await client.workflow.list({ query: `WorkflowType = 'remittanceWorkflow'` });
    const remittanceEvents: number[] = [];
    for await (const run of remittanceRuns) remittanceEvents.push((await eventsOf(client.workflow.getHandle(run.workflowId, run.runId))).length);
    const mailboxEvents = (await eventsOf(mailbox)).length;

    process.stdout.write(
      [
        `database: ${database.kind}; dev server in memory; one worker`,
        `claims: ${CLAIMS} (setup ${setupSeconds.toFixed(1)} s: claims inserted, stand-in claim workflows started)`,
        `277CA: ${(ackFile.x12.length / 1_048_576).toFixed(1)} MiB, every claim told in ${ackSeconds.toFixed(1)} s; mailbox events for the round: ${ackRoundEvents}`,
        `835: ${(remittanceFile.x12.length / 1_048_576).toFixed(1)} MiB, ${posted.signals.length} claims told (signalled through ${posted.signalledThrough})`,
        `claims not told exactly once of each: ${wrong}`,
        `events per run: mailbox ${mailboxEvents}, remittanceWorkflow ${remittanceEvents.join(', ')} (limit for this benchmark: 10000)`,
        `seconds: ${seconds.toFixed(1)}`,
      ].join('\n') + '\n',
    );
    if (wrong > 0 || mailboxEvents >= 10_000 || remittanceEvents.some((n) => n >= 10_000)) process.exitCode = 1;
  } finally {
    worker.shutdown();
    await running;
    await nativeConnection.close();
    await connection.close();
    await server.stop();
    await database.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
