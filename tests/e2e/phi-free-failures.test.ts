/**
 * Failures carry no PHI (issue 9.3). Orders of patients with unique PHI markers (name,
 * member id, birth date, address line) fail the ways real ones did or could: a charge
 * past its column's range and a check constraint while the claim (the whole 837P in the
 * statement's parameters) is stored, an X12 build error, and a file-drop clearinghouse
 * whose share is gone. Then every place an operator or an attacker could read is
 * scanned for each marker: the histories raw and decrypted with the payload keys
 * (messages, stack traces, details: what an authorised operator reads through the
 * codec), the pending activities' last failures, `temporal workflow describe` and
 * `show`, the dev server's SQLite files, and every log line our logger and the SDK's
 * runtime printed. Encryption hides payloads from the raw scans; the decrypted scan is
 * the one that proves the messages themselves hold no PHI.
 *
 * The charge overflow and the constraint are forced in this file's own database (a
 * narrower charge column, a check on one amount): the API refuses such charges and money
 * columns are 64-bit, so no order reaches them by the front door.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { eq, sql } from 'drizzle-orm';
import { createClearinghouse } from '../../activities/clearinghouse';
import { supplierIdentity } from '../../activities/supplier';
import { loadConfig } from '../../config';
import { patients } from '../../db/schema';
import { createLogger } from '../../logger';
import { createDmeWorker, ensureMailboxWorkflow, installTemporalRuntime } from '../../worker';
import { orderWorkflowId } from '../../workflows/definitions';
import type { dmeOrderWorkflow } from '../../workflows/order';
import { decryptedHistory, testDataConverter } from '../support/codec';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { approveAllDocuments, confirmDelivery, seedOrder, waitForStatus } from '../support/orders';
import { startDevServerForTests } from '../support/temporal';
import type { DevServer } from '../../scripts/temporal-dev-server';

jest.setTimeout(240_000);

// Every line our logger and the SDK's runtime print in this file, at every level.
const logLines: string[] = [];
const logger = createLogger('debug', {}, (line) => logLines.push(line));
installTemporalRuntime(logger);

const run = promisify(execFile);
const OVERFLOWING_CHARGE = 12_345_678; // past numeric(7, 0)
const REFUSED_CHARGE = 4_242; // the check below refuses it
const SANDBOX_QUEUE = 'phi-sandbox';
const DEAD_QUEUE = 'phi-dead-clearinghouse';

interface Patient {
  firstName: string;
  lastName: string;
  memberId: string;
  birthDate: string;
  addressLine1: string;
}

/** Markers nobody else writes: letters only in names (X12 uppercases them), an MBI-shaped member id. */
function uniquePatient(index: number, lastName?: string): Patient {
  const tag = randomBytes(4)
    .toString('hex')
    .replace(/[0-9]/g, (digit) => 'QWRTHJKMNP'[Number(digit)]);
  return {
    firstName: `Quen${tag}`,
    lastName: lastName ?? `Phimark${tag}`,
    memberId: `${index + 2}QW3RT6HJ${index + 1}9`,
    birthDate: `193${index}-07-2${index}`,
    addressLine1: `${4410 + index} Marigold${tag} Quay`,
  };
}

/** Each marker in the forms it can take: as entered, uppercased, and birth dates as X12's CCYYMMDD. */
function markersOf(patient: Patient): string[] {
  return [
    patient.firstName,
    patient.lastName.slice(0, 40),
    patient.memberId,
    patient.birthDate,
    patient.birthDate.replace(/-/g, ''),
    patient.addressLine1,
  ];
}

let database: TestDatabase;
let devServer: DevServer;
let dbFile: string;
let scratch: string;
let client: Client;
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dme-phi-'));
  dbFile = path.join(scratch, 'temporal.sqlite');
  database = await createTestDatabase();
  await database.db.execute(sql`ALTER TABLE claims ALTER COLUMN total_charge TYPE numeric(7, 0)`);
  await database.db.execute(sql.raw(`ALTER TABLE claims ADD CONSTRAINT claims_phi_probe_check CHECK (total_charge <> ${REFUSED_CHARGE})`));
  devServer = await startDevServerForTests({ dbFile, ui: false });
  const connection = await Connection.connect({ address: devServer.address });
  stops.push(() => connection.close());
  client = new Client({ connection, namespace: devServer.namespace, dataConverter: testDataConverter });
  const nativeConnection = await NativeConnection.connect({ address: devServer.address });
  stops.push(() => nativeConnection.close());

  const deadDrop = path.join(scratch, 'clearinghouse');
  const deadClearinghouse = createClearinghouse({
    kind: 'file-drop',
    db: database.db,
    outbox: path.join(deadDrop, 'outbox'),
    inbox: path.join(deadDrop, 'inbox'),
    acknowledgementDelayMs: 0,
    remittanceDelayMs: 0,
    pollIntervalMs: 1_000,
    responseTimeoutMs: 5_000,
  });
  // The share the outbox lived on is gone: where the folder was there is now a file.
  fs.rmSync(path.join(deadDrop, 'outbox'), { recursive: true });
  fs.writeFileSync(path.join(deadDrop, 'outbox'), '');
  const sandbox = createClearinghouse({
    kind: 'sandbox',
    db: database.db,
    acknowledgementDelayMs: 1_000,
    remittanceDelayMs: 14 * 86_400_000,
    outbox: '',
    inbox: '',
    pollIntervalMs: 0,
    responseTimeoutMs: 0,
  });
  const supplier = supplierIdentity(loadConfig({}));
  for (const [taskQueue, clearinghouse] of [
    [SANDBOX_QUEUE, sandbox],
    [DEAD_QUEUE, deadClearinghouse],
  ] as const) {
    const worker: Worker = await createDmeWorker({
      connection: nativeConnection,
      namespace: devServer.namespace,
      taskQueue,
      dataConverter: testDataConverter,
      activities: { db: database.db, clearinghouse, supplier, logger, temporal: client },
    });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
  }
  await ensureMailboxWorkflow(client, SANDBOX_QUEUE);
});

afterAll(async () => {
  for (const step of stops.reverse()) await step().catch(() => undefined);
  await devServer?.stop();
  await database?.drop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

async function orderFor(patient: Patient, unitCharge: number, taskQueue: string): Promise<WorkflowHandle<typeof dmeOrderWorkflow>> {
  const { orderId, patientId } = await seedOrder(database, {
    items: [{ hcpcs: 'E0143', acquisition: 'purchase', unitCharge }],
    memberId: patient.memberId,
  });
  await database.db
    .update(patients)
    .set({ firstName: patient.firstName, lastName: patient.lastName, birthDate: patient.birthDate, addressLine1: patient.addressLine1 })
    .where(eq(patients.id, patientId));
  return client.workflow.start<typeof dmeOrderWorkflow>('dmeOrderWorkflow', { workflowId: orderWorkflowId(orderId), taskQueue, args: [{ orderId }] });
}

/** Staff do their part up to the claim: documents approved, the delivery confirmed. */
async function driveToClaim(handle: WorkflowHandle): Promise<void> {
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery', 60_000);
  await confirmDelivery(handle, new Date().toISOString().slice(0, 10));
}

/** The failure types an order's activities reported (`untyped` when the SDK had to replace an oversized one): failed attempts in history, pending ones' last failures. */
async function failureTypes(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  const failed = (history.events ?? []).flatMap((event) => {
    const failure = event.activityTaskFailedEventAttributes?.failure;
    return failure ? [failure.applicationFailureInfo?.type ?? 'untyped'] : [];
  });
  const { raw } = await handle.describe();
  const pending = (raw.pendingActivities ?? []).flatMap((activity) =>
    (activity.attempt ?? 0) >= 2 && activity.lastFailure ? [activity.lastFailure.applicationFailureInfo?.type ?? 'untyped'] : [],
  );
  return [...failed, ...pending];
}

/** Waits until the order's activity has failed (the scan must see the failure whatever its type). */
async function waitForFailure(handle: WorkflowHandle): Promise<string[]> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const types = await failureTypes(handle);
    if (types.length > 0) return types;
    if (Date.now() > deadline) throw new Error(`${handle.workflowId} never failed`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * Text of any value, with bytes (payload data) read as UTF-8 so a payload's JSON is searched
 * too. A walk of its own, not JSON.stringify: protobuf messages' toJSON writes bytes as
 * base64, which would hide a payload's text from the scan.
 */
function textOf(value: unknown): string {
  const parts: string[] = [];
  const seen = new Set<object>();
  const visit = (current: unknown): void => {
    if (current === null || current === undefined) return;
    if (current instanceof Uint8Array) parts.push(Buffer.from(current).toString('utf8'));
    else if (typeof current === 'object') {
      if (seen.has(current)) return;
      seen.add(current);
      for (const [key, child] of Object.entries(current)) {
        parts.push(key);
        visit(child);
      }
    } else parts.push(String(current));
  };
  visit(value);
  return parts.join('\n');
}

function findings(where: string, text: string, markers: string[]): string[] {
  const lower = text.toLowerCase();
  return markers.filter((marker) => lower.includes(marker.toLowerCase())).map((marker) => `${where}: ${marker}`);
}

test('database, X12 and clearinghouse failures reach history, the CLI, the SQLite file and the logs without PHI', async () => {
  const overflow = uniquePatient(0);
  const constraint = uniquePatient(1);
  // Longer than X12's 60 characters for NM103: the builder refuses it.
  const x12 = uniquePatient(2, `Phimarkx${'y'.repeat(60)}`);
  const unreachable = uniquePatient(3);
  const cases = [
    { patient: overflow, handle: await orderFor(overflow, OVERFLOWING_CHARGE, SANDBOX_QUEUE), type: 'DB_NUMERIC_OUT_OF_RANGE', claim: true },
    { patient: constraint, handle: await orderFor(constraint, REFUSED_CHARGE, SANDBOX_QUEUE), type: 'DB_CHECK_VIOLATION', claim: true },
    { patient: x12, handle: await orderFor(x12, 10_000, SANDBOX_QUEUE), type: 'X12_INVALID', claim: false },
    { patient: unreachable, handle: await orderFor(unreachable, 10_000, DEAD_QUEUE), type: 'CLEARINGHOUSE_UNREACHABLE', claim: false },
  ];
  for (const { handle, claim } of cases) {
    if (claim) await driveToClaim(handle);
    else await approveAllDocuments(handle);
  }
  const failed: string[][] = [];
  for (const { handle } of cases) failed.push(await waitForFailure(handle));

  const markers = cases.flatMap(({ patient }) => markersOf(patient));
  const found: string[] = [];
  const cli = (...args: string[]) => run(devServer.cliPath, [...args, '--address', devServer.address, '--namespace', devServer.namespace]);
  const decodedMessages: string[] = [];
  for (const { handle } of cases) {
    const id = handle.workflowId;
    found.push(...findings(`history of ${id}`, textOf(await handle.fetchHistory()), markers));
    const decoded = textOf(await decryptedHistory(await handle.fetchHistory()));
    found.push(...findings(`decrypted history of ${id}`, decoded, markers));
    decodedMessages.push(decoded);
    found.push(...findings(`describe of ${id}`, textOf((await handle.describe()).raw), markers));
    const decodedDescribe = textOf(await decryptedHistory((await handle.describe()).raw));
    found.push(...findings(`decrypted describe of ${id}`, decodedDescribe, markers));
    decodedMessages.push(decodedDescribe);
    found.push(...findings(`temporal workflow describe ${id}`, (await cli('workflow', 'describe', '--workflow-id', id)).stdout, markers));
    found.push(...findings(`temporal workflow show ${id}`, (await cli('workflow', 'show', '--workflow-id', id, '--output', 'json')).stdout, markers));
  }
  const sqliteFiles = () => fs.readdirSync(scratch).filter((name) => name.startsWith('temporal.sqlite'));
  for (const name of sqliteFiles())
    found.push(...findings(`${name} (running)`, fs.readFileSync(path.join(scratch, name)).toString('latin1'), markers));
  // Stopped, the server has written everything back to the database file.
  for (const step of stops.splice(0).reverse()) await step();
  await devServer.stop();
  for (const name of sqliteFiles())
    found.push(...findings(`${name} (stopped)`, fs.readFileSync(path.join(scratch, name)).toString('latin1'), markers));
  found.push(...findings('log lines', logLines.join('\n'), markers));

  expect(found).toEqual([]);
  expect(failed).toEqual(cases.map(({ type }) => expect.arrayContaining([type])));
  // The scan looked at something: the failures are in the file and the worker logged them.
  const sqlite = fs.readFileSync(dbFile).toString('latin1');
  for (const { type } of cases) expect(sqlite).toContain(type);
  expect(logLines.some((line) => line.includes('Activity failed') && line.includes('DB_NUMERIC_OUT_OF_RANGE'))).toBe(true);
  // The decrypted scan read the failures' messages, which only the keys reveal: raw, they are ciphertext.
  expect(decodedMessages.join('\n')).toContain('Database refused the statement: SQLSTATE 22003');
  expect(sqlite).not.toContain('Database refused the statement');
});
