/**
 * Records workflow histories from real runs for the replay test
 * (tests/workflow/replay.test.ts), which replays every file under tests/fixtures/histories/
 * against the current workflow code and fails on any nondeterminism.
 *
 *   npx tsx scripts/record-histories.ts               # every scenario
 *   npx tsx scripts/record-histories.ts rental-pickup # only the named ones
 *
 * Each scenario runs on its own time-skipping test server with a worker running the real
 * workflows and activities against a fresh database (DATABASE_URL, else PGlite in memory)
 * and the sandbox payer — the helpers of tests/support/orders.ts — driven the way staff
 * would drive an order. The order's history, and where the scenario has them its claim
 * workflows' and the clearinghouse mailbox's, are written as
 * `<scenario>.<workflowType>.json`: `{ scenario, workflowType, workflowId, recordedWith,
 * history }`, the history in proto3 JSON (the format of `temporal workflow show -o json`
 * and the Web UI's download; see historyToJson below). Each recording is replayed once
 * before it is written.
 *
 * When to re-record, and when not to:
 * - These histories stand for workflows that are running in production while the code
 *   changes. A change to a released workflow that alters its commands (a new activity,
 *   timer or child, a different order) must go behind `patched('<change-id>')` so old
 *   histories still replay — the replay test failing is that rule at work: fix the code,
 *   do not re-record.
 * - Re-record only for changes that never ran anywhere but here (unreleased workflow
 *   code), or to add a scenario; say so in the commit. Old fixtures of a patched change
 *   are worth keeping beside the new ones (give the scenario a new name).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { Worker } from '@temporalio/worker';
import { claims } from '../db/schema';
import { addDays, addMonths } from '../domain/calendar';
import { outreachTimeUtc } from '../domain/resupply';
import type { OrderHarness, seedOrder } from '../tests/support/orders';
import {
  MAILBOX_WORKFLOW_ID,
  cancelOrder,
  claimWorkflowId,
  documentReviewed,
  orderWorkflowId,
  refillConfirmed,
  rentalChanged,
  resupplyStatus,
  resupplyStopped,
  resupplyWorkflowId,
  type ResupplyStatus,
} from '../workflows/definitions';

/** The test harness is loaded only to record: the replay test reads files without it. */
const support = async (): Promise<typeof import('../tests/support/orders')> => require('../tests/support/orders');

export const HISTORIES_DIR = path.resolve(__dirname, '../tests/fixtures/histories');

export interface RecordedHistory {
  scenario: string;
  workflowType: string;
  workflowId: string;
  recordedWith: string;
  /** Proto3 JSON (historyToJson). */
  history: unknown;
}

type History = proto.temporal.api.history.v1.IHistory;

/**
 * Proto3 JSON of a history, and back. `historyToJSON`/`historyFromJSON` of
 * @temporalio/common would do this, but with the lockfile's layout they fail ("type must
 * be a Type"): @temporalio/common and @temporalio/proto each get their own nested copy of
 * protobufjs 8 (the root one is protobufjs 7, for @grpc/proto-loader), and protojson
 * checks `instanceof Type` against the copy it came from. So we use the protojson of the
 * copy that built @temporalio/proto's types.
 */
interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}
const protoJson: ProtoJson = require(require.resolve('protobufjs/ext/protojson', { paths: [path.dirname(require.resolve('@temporalio/proto'))] }));
const historyType = (patchProtobufRoot(proto) as unknown as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History');

export function historyToJson(history: History): unknown {
  return protoJson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
}

/** A History the replayer takes as it is (event ids as Long, payloads as bytes). */
export function historyFromJson(json: unknown): History {
  // Fields a newer server adds must not break old fixtures.
  const history = protoJson.fromJson(historyType, json, { ignoreUnknownFields: true }) as History | null;
  if (!history?.events?.length) throw new TypeError('not a workflow history: no events');
  return history;
}

/** Every recorded history under tests/fixtures/histories, by file name. */
export function readRecordedHistories(dir = HISTORIES_DIR): Array<{ file: string; recorded: RecordedHistory; history: History }> {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const recorded = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as RecordedHistory;
      return { file, recorded, history: historyFromJson(recorded.history) };
    });
}

interface Scenario {
  name: string;
  what: string;
  /** Drives the order to its end; returns the ids of the workflows to record. */
  run(harness: OrderHarness): Promise<string[]>;
}

/** Documents approved, delivery confirmed today: what every delivered order goes through. */
async function deliveredOrder(harness: OrderHarness, items: Parameters<typeof seedOrder>[1]['items']) {
  const { approveAllDocuments, confirmDelivery, seedOrder, waitForStatus } = await support();
  const seeded = await seedOrder(harness.database, { items, orderDate: await harness.today(-3) });
  const handle = await harness.startOrder(seeded.orderId);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  const deliveredOn = await harness.today();
  await confirmDelivery(handle, deliveredOn);
  return { ...seeded, handle, deliveredOn };
}

async function claimWorkflowIdsOf(harness: OrderHarness, orderId: string): Promise<string[]> {
  const rows = await harness.database.db.select({ id: claims.id }).from(claims).where(eq(claims.orderId, orderId)).orderBy(asc(claims.serviceFrom));
  return rows.map((row) => claimWorkflowId(row.id));
}

async function expectOutcome(harness: OrderHarness, workflowId: string, expected: { stage: string; claims: number }) {
  const outcome = (await harness.runToCompletion(workflowId)) as { stage: string; claims: number };
  if (outcome.stage !== expected.stage || outcome.claims !== expected.claims) {
    throw new Error(`${workflowId} ended ${JSON.stringify(outcome)}, expected ${JSON.stringify(expected)}`);
  }
}

/** A purchased walker (E0143) driven to closed: its order's, its claim's and (if asked) the mailbox's workflow ids. */
async function closedPurchase(harness: OrderHarness, { withMailbox }: { withMailbox: boolean }): Promise<string[]> {
  const { orderId, handle } = await deliveredOrder(harness, [{ hcpcs: 'E0143', acquisition: 'purchase', unitCharge: 15_000 }]);
  await expectOutcome(harness, handle.workflowId, { stage: 'closed', claims: 1 });
  return [handle.workflowId, ...(await claimWorkflowIdsOf(harness, orderId)), ...(withMailbox ? [MAILBOX_WORKFLOW_ID] : [])];
}

export const scenarios: Scenario[] = [
  {
    name: 'purchase-closed',
    what: 'a purchased walker (E0143): documents, eligibility, delivery, claim, 999/277CA, 835 paid, closed',
    run: (harness) => closedPurchase(harness, { withMailbox: true }),
  },
  {
    name: 'purchase-folded-records',
    what: 'purchase-closed after issue 11.4: status records carried by the activities doing the work, a new claim not asked to close an original',
    run: (harness) => closedPurchase(harness, { withMailbox: false }),
  },
  {
    name: 'purchase-mailbox-woken-once',
    what: 'purchase-closed with the mailbox woken once a round, by the send activity that set the wake-up row (the claim no longer signals it)',
    run: (harness) => closedPurchase(harness, { withMailbox: true }),
  },
  {
    name: 'rental-pickup',
    what: 'a CPAP rental (E0601) billed for three months, then picked up: closed after month 3',
    async run(harness) {
      const { DAY, command, waitForStatus } = await support();
      const { orderId, handle, deliveredOn } = await deliveredOrder(harness, [{ hcpcs: 'E0601', acquisition: 'rental', unitCharge: 12_000 }]);
      await waitForStatus(handle, (status) => status.claims.length === 1);
      await harness.env.sleep(70 * DAY);
      await waitForStatus(handle, (status) => status.claims.length === 3);
      await command(handle, rentalChanged, { user: 'bea.biller', change: 'pickup', effectiveOn: addDays(addMonths(deliveredOn, 2), 5) });
      await expectOutcome(harness, handle.workflowId, { stage: 'closed', claims: 3 });
      const claimIds = await claimWorkflowIdsOf(harness, orderId);
      return [handle.workflowId, claimIds[0], claimIds[2]];
    },
  },
  {
    name: 'cancelled-in-documentation',
    what: 'an order cancelled by intake while it waits for documents',
    async run(harness) {
      const { command, seedOrder, waitForStatus } = await support();
      const { orderId } = await seedOrder(harness.database, {
        items: [{ hcpcs: 'E0143', acquisition: 'purchase' }],
        orderDate: await harness.today(-1),
      });
      const handle = await harness.startOrder(orderId);
      await waitForStatus(handle, (status) => status.blockedOn === 'documents');
      await command(handle, cancelOrder, { user: 'ivy.intake', reason: 'patient declined' });
      await expectOutcome(harness, handle.workflowId, { stage: 'cancelled', claims: 0 });
      return [handle.workflowId];
    },
  },
  {
    name: 'document-rejected-then-approved',
    what: 'a standard written order rejected as unsigned, a new one approved, then delivered, billed and closed',
    async run(harness) {
      const { command, confirmDelivery, receiveDocument, seedOrder, waitForStatus } = await support();
      const { orderId } = await seedOrder(harness.database, {
        items: [{ hcpcs: 'E0143', acquisition: 'purchase' }],
        orderDate: await harness.today(-1),
      });
      const handle = await harness.startOrder(orderId);
      await waitForStatus(handle, (status) => status.blockedOn === 'documents');
      const first = await receiveDocument(handle, 'standard-written-order');
      await command(handle, documentReviewed, { user: 'rex.reviewer', documentId: first, decision: 'rejected', reason: 'unsigned' });
      await waitForStatus(handle, (status) => status.documents[0]?.status === 'rejected');
      const second = await receiveDocument(handle, 'standard-written-order');
      await command(handle, documentReviewed, { user: 'rex.reviewer', documentId: second, decision: 'approved' });
      await waitForStatus(handle, (status) => status.stage === 'delivery');
      const deliveredOn = await harness.today();
      await confirmDelivery(handle, deliveredOn);
      await expectOutcome(harness, handle.workflowId, { stage: 'closed', claims: 1 });
      return [handle.workflowId];
    },
  },
  {
    name: 'resupply-refill',
    what: "a CPAP's resupply plan: a text, the patient's answer, the refill order (written order on file) delivered, paid and closed, the next cycle, then stopped",
    run: resupplyRefill,
  },
];

/** Polls the plan's query in real time (it answers once its first activity is done) until it shows what is waited for. */
async function planShows(harness: OrderHarness, planId: string, predicate: (status: ResupplyStatus) => boolean): Promise<ResupplyStatus> {
  const handle = harness.env.client.workflow.getHandle(resupplyWorkflowId(planId));
  for (let tries = 0; tries < 300; tries++) {
    const status = await handle.query(resupplyStatus).catch(() => undefined);
    if (status && predicate(status)) return status;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`resupply plan ${planId} never showed what was waited for`);
}

/**
 * A CPAP's resupply plan through one refill: the plan (by the API, as intake starts it),
 * its text, the patient's answer, the refill order (its written order on file) delivered,
 * billed and closed, the next cycle opened, then the plan stopped.
 */
async function resupplyRefill(harness: OrderHarness): Promise<string[]> {
  const { DAY, command, confirmDelivery, eventually, waitForStatus } = await support();
  const { buildTestApp }: typeof import('../tests/support/api') = require('../tests/support/api');
  const { temporalPort }: typeof import('../api/temporal') = require('../api/temporal');
  const { patientId, orderId } = await deliveredOrder(harness, [
    { hcpcs: 'E0601', acquisition: 'rental', unitCharge: 12_000 },
    { hcpcs: 'A7034', acquisition: 'purchase', unitCharge: 9_000 },
    { hcpcs: 'A7032', acquisition: 'purchase', quantity: 2, unitCharge: 2_500 },
    { hcpcs: 'A7038', acquisition: 'purchase', quantity: 2, unitCharge: 400 },
  ]);
  const { call } = buildTestApp(harness.database, temporalPort(harness.env.client, { taskQueue: harness.taskQueue }));
  // The delivery is on record once its claim is built.
  await eventually(async () => (await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId))).length > 0, 'the CPAP claim');
  const created = await call('POST', `/patients/${patientId}/resupply-plans`, {
    role: 'intake',
    body: { deviceOrderId: orderId, items: [{ hcpcs: 'A7032' }, { hcpcs: 'A7034' }, { hcpcs: 'A7038' }], channel: 'sms', contactPhone: '6145550100' },
  });
  if (created.status !== 201) throw new Error(`resupply plan not created: ${JSON.stringify(created.json)}`);
  const planId = created.json.planId as string;
  const plan = harness.env.client.workflow.getHandle(resupplyWorkflowId(planId));
  const waiting = await planShows(harness, planId, (status) => status.cycle?.phase === 'waiting');
  await harness.env.sleep(Date.parse(`${waiting.cycle!.contactOpensOn}T${outreachTimeUtc}`) + 3_600_000 - (await harness.env.currentTimeMs()));
  await planShows(harness, planId, (status) => status.cycle?.phase === 'outreach' && status.cycle.attempts === 1);
  const answered = await command(plan, refillConfirmed, {
    user: 'ivy.intake',
    cycle: 1,
    answeredBy: 'patient',
    channel: 'phone',
    items: [
      { hcpcs: 'A7032', needed: true, condition: 'worn' },
      { hcpcs: 'A7034', needed: true, condition: 'damaged' },
      { hcpcs: 'A7038', needed: true, quantityOnHand: 0 },
    ],
  });
  const refill = harness.env.client.workflow.getHandle(orderWorkflowId(answered.cycle!.orderId!));
  await waitForStatus(refill, (status) => status.stage === 'delivery', 60_000);
  await harness.env.sleep(Date.parse(`${waiting.cycle!.earliestShipOn}T12:00:00Z`) - (await harness.env.currentTimeMs()));
  await confirmDelivery(refill, waiting.cycle!.earliestShipOn);
  await expectOutcome(harness, refill.workflowId, { stage: 'closed', claims: 1 });
  await planShows(harness, planId, (status) => status.cyclesCompleted === 1 && status.cycle?.cycle === 2);
  await command(plan, resupplyStopped, { user: 'ivy.intake', reason: 'patient-request' });
  await plan.result();
  await harness.env.sleep(DAY);
  return [plan.workflowId, refill.workflowId];
}

async function record(scenario: Scenario): Promise<RecordedHistory[]> {
  const { createOrderHarness, workflowBundle } = await support();
  const harness = await createOrderHarness();
  try {
    const workflowIds = await scenario.run(harness);
    const recorded: RecordedHistory[] = [];
    for (const workflowId of workflowIds) {
      const handle = harness.env.client.workflow.getHandle(workflowId);
      const [description, history] = await Promise.all([handle.describe(), handle.fetchHistory()]);
      // Proves the recording is complete enough to replay before anyone commits it.
      // The harness encrypts with the suite's fixed test key (tests/support/codec.ts), so the recording's payloads are ciphertext.
      const { testDataConverter }: typeof import('../tests/support/codec') = require('../tests/support/codec');
      await Worker.runReplayHistory(
        { workflowBundle: await workflowBundle(), dataConverter: testDataConverter, replayName: `record ${scenario.name}` },
        history,
        workflowId,
      );
      recorded.push({
        scenario: scenario.name,
        workflowType: description.type,
        workflowId,
        recordedWith: `@temporalio/worker ${require('@temporalio/worker/package.json').version}`,
        history: historyToJson(history),
      });
    }
    return recorded;
  } finally {
    await harness.teardown();
  }
}

async function main(names: string[]): Promise<void> {
  const unknown = names.filter((name) => !scenarios.some((scenario) => scenario.name === name));
  if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  const chosen = names.length > 0 ? scenarios.filter((scenario) => names.includes(scenario.name)) : scenarios;
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  for (const scenario of chosen) {
    const started = Date.now();
    const recorded = await record(scenario);
    for (const file of fs.readdirSync(HISTORIES_DIR).filter((name) => name.startsWith(`${scenario.name}.`))) {
      fs.rmSync(path.join(HISTORIES_DIR, file));
    }
    // Two claims of one workflow type get the claim number's position in the name.
    const seen = new Map<string, number>();
    for (const entry of recorded) {
      const count = (seen.get(entry.workflowType) ?? 0) + 1;
      seen.set(entry.workflowType, count);
      const file = path.join(HISTORIES_DIR, `${scenario.name}.${entry.workflowType}${count > 1 ? `-${count}` : ''}.json`);
      fs.writeFileSync(file, `${JSON.stringify(entry, null, 1)}\n`);
      const events = (entry.history as { events?: unknown[] }).events?.length ?? 0;
      process.stdout.write(`${path.relative(process.cwd(), file)}: ${events} events\n`);
    }
    process.stdout.write(`${scenario.name} (${scenario.what}) recorded in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
