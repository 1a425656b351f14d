/**
 * Real parts for workflow tests: the time-skipping test server, a worker running the
 * real workflows and activities against a fresh database, and the sandbox payer. Plus
 * helpers that seed an order the way intake would and drive it the way staff would.
 */
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker, type WorkflowBundleWithSourceMap, bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { tsToMs } from '@temporalio/common/lib/time';
import { createActivities, type ActivityDeps } from '../../activities';
import { createClearinghouse } from '../../activities/clearinghouse';
import { createMessenger } from '../../activities/messaging';
import type { Clearinghouse } from '../../activities/clearinghouse/types';
import type { TaskInput } from '../../activities/orders';
import { supplierIdentity } from '../../activities/supplier';
import { loadConfig } from '../../config';
import { coverages, orderItems, orders, patients, prescribers } from '../../db/schema';
import { catalogEntry, defaultCatalog } from '../../domain/catalog';
import type { OxygenPrescription } from '../../domain/oxygen';
import type { DocumentKind, OrderItem } from '../../domain/types';
import { createLogger } from '../../logger';
import {
  MAILBOX_WORKFLOW_ID,
  deliveryConfirmed,
  documentReceived,
  documentReviewed,
  orderStatus,
  orderWorkflowId,
  type OrderStatus,
} from '../../workflows/definitions';
import type { dmeOrderWorkflow, OrderWorkflowInput } from '../../workflows/order';
import { failureConverterPath } from '../../codec/data-converter';
import { payloadValue, testDataConverter } from './codec';
import { createTestDatabase, type TestDatabase } from './database';
import { createTimeSkippingEnv } from './temporal';

const PRESCRIBER_NPI = '1987654328';
export const DAY = 86_400_000;

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/**
 * The workflow bundle is built once per test file (webpack takes a second or two).
 * @public scripts/record-histories.ts loads this module with require(), out of knip's sight.
 */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), failureConverterPath, logger: quietBundlerLogger });
  return bundle;
}
const quietBundlerLogger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => process.stderr.write(`${message}\n`),
  log: () => undefined,
};

export interface OrderHarness {
  env: TestWorkflowEnvironment;
  database: TestDatabase;
  deps: ActivityDeps;
  taskQueue: string;
  worker: Worker;
  /** Starts a fresh worker (after `stopWorker`, to simulate a crash and restart). */
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  startOrder(orderId: string, options?: Partial<OrderWorkflowInput>): Promise<WorkflowHandleWithFirstExecutionRunId<typeof dmeOrderWorkflow>>;
  /**
   * The workflow clock's calendar date, shifted by whole days. The test server's clock
   * runs ahead of the wall clock once a test skipped time, and it is shared by the file.
   */
  today(offsetDays?: number): Promise<string>;
  /** Moves the test server's clock a step at a time until the workflow closes. */
  runToCompletion(workflowId: string, stepDays?: number, maxSteps?: number): Promise<unknown>;
  teardown(): Promise<void>;
}

export async function createOrderHarness(
  options: {
    acknowledgementDelayMs?: number;
    remittanceDelayMs?: number;
    /**
     * 0 turns off the sticky cache. Needed where a test stops a worker or continues a
     * workflow as new: the test server keeps the old sticky queue, and time skipping
     * then stalls waiting on it.
     */
    maxCachedWorkflows?: number;
    /** Wraps the real activities, e.g. to hold one of them while a test sends a message. */
    wrapActivities?: (activities: ReturnType<typeof createActivities>, env: TestWorkflowEnvironment) => ReturnType<typeof createActivities>;
    /** Wraps the sandbox clearinghouse the activities get (inside every activity boundary), e.g. to make it fail. */
    wrapClearinghouse?: (clearinghouse: Clearinghouse) => Clearinghouse;
    /** ACTIVITY_ATTEMPTS_BEFORE_BLOCKED for this worker. */
    attemptsBeforeBlocked?: number;
    /** PATIENT_STATEMENT_FINAL_ACTION for this worker. */
    patientStatementFinalAction?: ActivityDeps['patientStatementFinalAction'];
  } = {},
): Promise<OrderHarness> {
  const [env, database, workflowCode] = await Promise.all([createTimeSkippingEnv(), createTestDatabase(), workflowBundle()]);
  const wrapClearinghouse = options.wrapClearinghouse ?? ((clearinghouse: Clearinghouse) => clearinghouse);
  const deps: ActivityDeps = {
    db: database.db,
    ...(options.attemptsBeforeBlocked !== undefined ? { attemptsBeforeBlocked: options.attemptsBeforeBlocked } : {}),
    ...(options.patientStatementFinalAction ? { patientStatementFinalAction: options.patientStatementFinalAction } : {}),
    clearinghouse: wrapClearinghouse(
      createClearinghouse({
        kind: 'sandbox',
        db: database.db,
        acknowledgementDelayMs: options.acknowledgementDelayMs ?? 3_600_000,
        remittanceDelayMs: options.remittanceDelayMs ?? 14 * DAY,
        outbox: '',
        inbox: '',
        pollIntervalMs: 0,
        responseTimeoutMs: 0,
      }),
    ),
    supplier: supplierIdentity(loadConfig({})),
    logger: createLogger('error'),
    temporal: env.client,
    // Resupply outreach: the sandbox records every message in outbound_messages.
    messenger: createMessenger({ kind: 'sandbox' }, database.db),
  };
  const taskQueue = `orders-${randomUUID()}`;
  let running: Promise<void> | undefined;
  const harness: OrderHarness = {
    env,
    database,
    deps,
    taskQueue,
    worker: undefined as unknown as Worker,
    async startWorker() {
      harness.worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: workflowCode,
        dataConverter: testDataConverter,
        activities: inBusinessTimeOnly(env, options.wrapActivities ? options.wrapActivities(createActivities(deps), env) : createActivities(deps)),
        ...(options.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
      });
      running = harness.worker.run();
    },
    async stopWorker() {
      harness.worker.shutdown();
      await running;
    },
    async startOrder(orderId, input = {}) {
      return env.client.workflow.start<typeof dmeOrderWorkflow>('dmeOrderWorkflow', {
        workflowId: orderWorkflowId(orderId),
        taskQueue,
        args: [{ orderId, ...input }],
      });
    },
    async today(offsetDays = 0) {
      return new Date((await env.currentTimeMs()) + offsetDays * DAY).toISOString().slice(0, 10);
    },
    async runToCompletion(workflowId, stepDays = 15, maxSteps = 400) {
      const handle = env.client.workflow.getHandle(workflowId);
      for (let step = 0; step < maxSteps; step++) {
        const { status } = await handle.describe();
        if (status.name !== 'RUNNING') return handle.result();
        await env.sleep(stepDays * DAY);
      }
      throw new Error(`${workflowId} still running after ${maxSteps} steps of ${stepDays} days`);
    },
    async teardown() {
      if (harness.worker && harness.worker.getState() === 'RUNNING') await harness.stopWorker();
      await env.teardown();
      await database.drop();
    },
  };
  await harness.startWorker();
  await env.client.workflow.start('clearinghouseMailboxWorkflow', { workflowId: MAILBOX_WORKFLOW_ID, taskQueue, args: [] });
  return harness;
}

/**
 * The time-skipping server skips ahead even while an activity runs, so an activity with a
 * heartbeat timeout (the remittance workflow's claim signalling, clearinghouse inquiries)
 * timed out in skipped time on every try and the workflow never moved on. In production an
 * activity takes seconds of a month: here each one holds time still while it runs.
 */
function inBusinessTimeOnly<T extends Record<string, unknown>>(env: TestWorkflowEnvironment, activities: T): T {
  const testService = env.connection.testService;
  if (!testService) return activities;
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      typeof activity !== 'function'
        ? activity
        : async (...args: unknown[]) => {
            await testService.lockTimeSkipping({});
            try {
              return await (activity as (...input: unknown[]) => Promise<unknown>)(...args);
            } finally {
              await testService.unlockTimeSkipping({});
            }
          },
    ]),
  ) as T;
}

export interface SeedItem extends Partial<Omit<OrderItem, 'id'>> {
  hcpcs: string;
  acquisition: OrderItem['acquisition'];
}

export interface SeededOrder {
  orderId: string;
  patientId: string;
  coverageId: string;
  itemIds: string[];
}

/** What intake requires with oxygen equipment when a test does not say: group I on oximetry, 2 LPM, no portable. */
const groupIOxygen = (orderDate: string): OxygenPrescription => ({
  flowLpm: 2,
  portable: false,
  qualification: { group: 'I', testType: 'oximetry', testDate: orderDate, result: { saturationPercent: 87 } },
});

/**
 * An order as intake enters it (patient, coverage, prescriber, items, and the oxygen
 * prescription intake requires with oxygen equipment), written straight to the database.
 */
export async function seedOrder(
  database: TestDatabase,
  options: { items: SeedItem[]; payerId?: string; memberId?: string; diagnoses?: string[]; orderDate?: string; oxygen?: OxygenPrescription },
): Promise<SeededOrder> {
  const db = database.db;
  const [patient] = await db
    .insert(patients)
    .values({
      firstName: 'Pat',
      lastName: 'Testcase',
      birthDate: '1950-04-01',
      sex: 'F',
      addressLine1: '1 Elm St',
      city: 'Columbus',
      state: 'OH',
      zip: '43215',
      createdBy: 'test',
    })
    .returning({ id: patients.id });
  const [coverage] = await db
    .insert(coverages)
    .values({
      patientId: patient.id,
      payerId: options.payerId ?? 'medicare-jb',
      memberId: options.memberId ?? '1EG4TE5MK73',
      priority: 'primary',
      relationship: 'self',
      createdBy: 'test',
    })
    .returning({ id: coverages.id });
  await db.insert(prescribers).values({ npi: PRESCRIBER_NPI, firstName: 'Olivia', lastName: 'Ordering' }).onConflictDoNothing();
  const orderId = randomUUID();
  const orderDate = options.orderDate ?? new Date().toISOString().slice(0, 10);
  const withOxygen = options.items.some((item) => catalogEntry(defaultCatalog, item.hcpcs)?.category === 'OX');
  await db.insert(orders).values({
    id: orderId,
    patientId: patient.id,
    coverageId: coverage.id,
    payerId: options.payerId ?? 'medicare-jb',
    prescriberNpi: PRESCRIBER_NPI,
    orderDate,
    diagnoses: options.diagnoses ?? ['G4733'],
    oxygen: options.oxygen ?? (withOxygen ? groupIOxygen(orderDate) : null),
    workflowId: orderWorkflowId(orderId),
    createdBy: 'test',
  });
  const itemIds: string[] = [];
  for (const [index, item] of options.items.entries()) {
    const id = randomUUID();
    itemIds.push(id);
    const { hcpcs, acquisition, quantity, side, unitCharge, ...rest } = item;
    await db.insert(orderItems).values({
      id,
      orderId,
      lineNumber: index + 1,
      hcpcs,
      quantity: quantity ?? 1,
      acquisition,
      side: side ?? null,
      options: rest,
      unitCharge: unitCharge ?? 10_000,
    });
  }
  return { orderId, patientId: patient.id, coverageId: coverage.id, itemIds };
}

/** Polls the live query (in real time) until the predicate holds. */
export async function waitForStatus(
  handle: WorkflowHandle,
  predicate: (status: OrderStatus) => boolean,
  timeoutMs = 20_000,
  intervalMs = 100,
): Promise<OrderStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: OrderStatus | undefined;
  while (Date.now() < deadline) {
    last = await handle.query(orderStatus);
    if (predicate(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`status never matched; last: ${JSON.stringify(last)}`);
}

/** A staff command sent the way the API sends it (an Update); resolves with the workflow's new status, rejects with its refusal. */
export function command<S, A>(handle: WorkflowHandle, update: UpdateDefinition<S, [A]>, payload: A): Promise<S> {
  return handle.executeUpdate(update, { args: [payload] });
}

/** A document arrives (the workflow's activity stores its row once it accepted it). */
export async function receiveDocument(handle: WorkflowHandle, kind: DocumentKind): Promise<string> {
  const documentId = randomUUID();
  await command(handle, documentReceived, { user: 'ivy.intake', documentId, kind, reference: `dms://${kind}` });
  return documentId;
}

/** Every document the order asks for, received and approved; answers the status after the last approval. */
export async function approveAllDocuments(handle: WorkflowHandle, timeoutMs?: number, intervalMs?: number): Promise<OrderStatus> {
  let status = await waitForStatus(handle, (current) => current.documents.length > 0, timeoutMs, intervalMs);
  for (const document of status.documents.filter((candidate) => candidate.status !== 'approved')) {
    const documentId = await receiveDocument(handle, document.kind);
    status = await command(handle, documentReviewed, { user: 'rex.reviewer', documentId, decision: 'approved' });
  }
  return status;
}

/** Delivery staff confirm the delivery with its proof, signed by the patient. */
export function confirmDelivery(handle: WorkflowHandle, deliveredOn: string, serialNumbers: Record<string, string[]> = {}): Promise<OrderStatus> {
  return command(handle, deliveryConfirmed, { user: 'dan.delivery', deliveredOn, signedBy: 'Pat Testcase', relationship: 'self', serialNumbers });
}

/** What a workflow asked an activity to do, with the workflow clock's time of asking (virtual time on the test server). */
async function activitiesScheduled<I>(handle: WorkflowHandle, names: readonly string[]): Promise<Array<{ input: I; at: number }>> {
  const history = await handle.fetchHistory();
  const scheduled = (history.events ?? []).flatMap((event) => {
    const attributes = event.activityTaskScheduledEventAttributes;
    if (!attributes?.activityType?.name || !names.includes(attributes.activityType.name)) return [];
    return [{ payload: attributes.input!.payloads![0], at: tsToMs(event.eventTime) }];
  });
  return Promise.all(scheduled.map(async ({ payload, at }) => ({ input: await payloadValue<I>(payload), at })));
}

/**
 * The staff tasks a workflow opened, in order, with when it opened them. Read from its
 * history because that time is the workflow clock's: a task row's created_at is the
 * database's wall clock, which the test server's skipped days never move.
 */
export async function tasksOpenedBy(handle: WorkflowHandle): Promise<Array<{ kind: string; role: TaskInput['role']; at: number }>> {
  const opened = await activitiesScheduled<Pick<TaskInput, 'kind' | 'role'>>(handle, ['createTask', 'openClaimTask']);
  return opened.map(({ input, at }) => ({ kind: input.kind, role: input.role, at }));
}

/** The stages the order recorded, in order, with when it entered each (or changed what it waits for). */
export async function stagesRecordedBy(handle: WorkflowHandle): Promise<Array<{ stage: string; blockedOn: string | null; at: number }>> {
  const recorded = await activitiesScheduled<{ stage: string; blockedOn: string | null }>(handle, ['recordStage']);
  return recorded.map(({ input, at }) => ({ stage: input.stage, blockedOn: input.blockedOn, at }));
}

/** Whole days (to the minute) from one workflow-clock instant to another: follow-ups fall on exact days of the policy. */
export function daysBetween(from: number, to: number): number {
  return Math.round((to - from) / 60_000) / 1_440;
}

/**
 * Polls in real time until `read` gives a value (not undefined or false): activities run
 * while the test server's clock stands, so what they write shows up in wall-clock time.
 */
export async function eventually<T>(read: () => Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
