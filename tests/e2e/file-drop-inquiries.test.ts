/**
 * A real-time inquiry through the file-drop clearinghouse, driven by the order workflow on
 * a dev server: the 270 waits in the outbox longer than the adapter's response timeout, so
 * the first try fails and Temporal retries it. The retry must resend the same file (same
 * control number: no second 270 in the outbox) and take the answer when it comes. The
 * clearinghouse's agent here relays our outbox to the sandbox payer and its 271 back into
 * the inbox, answering only after the first try gave up.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClearinghouse } from '../../activities/clearinghouse';
import { createFileDropClearinghouse } from '../../activities/clearinghouse/file-drop';
import { eligibilityChecks } from '../../db/schema';
import { orderWorkflowId } from '../../workflows/definitions';
import { buildTestApp, completeDocuments, createOrder, registerPatient, waitForOrder, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTemporalStack, type TemporalStack } from '../support/temporal-stack';

jest.setTimeout(120_000);

const RESPONSE_TIMEOUT_MS = 1_000;
/** The agent answers a 270 only this long after it first saw it: after the first try timed out. */
const ANSWER_AFTER_MS = 1_800;

let root: string;
let database: TestDatabase;
let stack: TemporalStack;
let call: ApiCall;
let agent: NodeJS.Timeout;
const firstSeen = new Map<string, number>();

beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'file-drop-e2e-'));
  const [outbox, inbox] = [path.join(root, 'outbox'), path.join(root, 'inbox')];
  database = await createTestDatabase();
  const payer = createClearinghouse({
    kind: 'sandbox',
    db: database.db,
    acknowledgementDelayMs: 3_600_000,
    remittanceDelayMs: 14 * 86_400_000,
    outbox: '',
    inbox: '',
    pollIntervalMs: 0,
    responseTimeoutMs: 0,
  });
  const fileDrop = createFileDropClearinghouse({ outbox, inbox, pollIntervalMs: 60_000, responseTimeoutMs: RESPONSE_TIMEOUT_MS, responsePollMs: 50 });
  agent = setInterval(() => {
    for (const name of readdirSync(outbox).filter((file) => file.endsWith('.270'))) {
      const seen = firstSeen.get(name) ?? Date.now();
      firstSeen.set(name, seen);
      if (Date.now() - seen < ANSWER_AFTER_MS) continue;
      const x12 = readFileSync(path.join(outbox, name), 'utf8');
      rmSync(path.join(outbox, name)); // the agent takes the file away, as an SFTP agent would
      void payer
        .checkEligibility({ controlNumber: name.replace('.270', ''), x12 }, new Date())
        .then((answer) => writeFileSync(path.join(inbox, name.replace('.270', '.271')), answer));
    }
  }, 100);
  stack = await startTemporalStack(database, { clearinghouse: fileDrop });
  call = buildTestApp(database, stack.temporal).call;
}, 120_000);

afterAll(async () => {
  clearInterval(agent);
  await stack?.stop();
  await database?.drop();
  rmSync(root, { recursive: true, force: true });
});

test('a 270 answered after the first try timed out: the retry resends nothing new and takes the 271', async () => {
  const patient = await registerPatient(call);
  const orderId = await createOrder(call, patient);
  await completeDocuments(call, orderId);
  const order = await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'delivery', 'eligibility verified', 60_000);
  expect(order.workflow.status.eligibility).toMatchObject({ active: true, coversDme: true });

  // One inquiry, one file: the agent saw a single 270 and our sent-ledger holds one.
  expect([...firstSeen.keys()]).toHaveLength(1);
  expect(readdirSync(path.join(root, 'outbox', '.sent')).filter((name) => name.endsWith('.270'))).toEqual([...firstSeen.keys()]);
  const checks = await database.db.select().from(eligibilityChecks);
  expect(checks.map((check) => `${check.controlNumber}.270`)).toEqual([...firstSeen.keys()]);

  // The history shows the retry and the inquiry's own budget: heartbeats, and a try longer than the adapter waits.
  const history = await stack.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  const events = history.events ?? [];
  const scheduled = events.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'checkEligibility')!;
  const attributes = scheduled.activityTaskScheduledEventAttributes!;
  expect(Number(attributes.heartbeatTimeout?.seconds)).toBe(30);
  expect(Number(attributes.startToCloseTimeout?.seconds)).toBeGreaterThan(RESPONSE_TIMEOUT_MS / 1000);
  const started = events.find((event) => String(event.activityTaskStartedEventAttributes?.scheduledEventId) === String(scheduled.eventId))!;
  expect(started.activityTaskStartedEventAttributes!.attempt).toBe(2);
});
