/**
 * Reference data outside workflow code: an order codes, documents and rents by the catalog
 * entries it loaded with its context (activities/orders.ts loadOrderContext, carried with
 * the catalog's version), so editing catalog.json cannot change what a running order does
 * on replay. A walker order runs on the time-skipping server to the delivery stage; its
 * history then replays against a workflow bundle whose catalog.json says the walker needs
 * a face-to-face encounter and a written order before delivery. With the carried entries
 * the replay passes; the same history with the carried entries taken out (an order that
 * read the bundled catalog) fails, so the edit is one the replay would notice.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { temporal } from '@temporalio/proto';
import webpack from 'webpack';
import { orderWorkflowId } from '../../workflows/definitions';
import { decryptedHistory } from '../support/codec';
import { approveAllDocuments, createOrderHarness, seedOrder, waitForStatus, type OrderHarness } from '../support/orders';

jest.setTimeout(180_000);

type History = temporal.api.history.v1.IHistory;

let harness: OrderHarness;
let folder: string;
let editedBundle: WorkflowBundleWithSourceMap;
let history: History;
let workflowId: string;

const quiet = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => process.stderr.write(`${message}\n`),
  log: () => undefined,
};

beforeAll(async () => {
  folder = mkdtempSync(path.join(tmpdir(), 'edited-catalog-'));
  const catalogPath = path.join(__dirname, '../../domain/data/catalog.json');
  const entries = JSON.parse(readFileSync(catalogPath, 'utf8')) as Array<Record<string, unknown>>;
  const walker = entries.find((entry) => entry.hcpcs === 'E0143')!;
  expect(walker.faceToFace).toBeFalsy();
  walker.faceToFace = true;
  const editedPath = path.join(folder, 'catalog.json');
  writeFileSync(editedPath, JSON.stringify(entries));
  editedBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: quiet,
    webpackConfigHook: (config) => ({
      ...config,
      plugins: [...(config.plugins ?? []), new webpack.NormalModuleReplacementPlugin(/data[\\/]catalog\.json$/, editedPath)],
    }),
  });

  harness = await createOrderHarness();
  const { orderId } = await seedOrder(harness.database, {
    items: [{ hcpcs: 'E0143', acquisition: 'purchase', unitCharge: 15_000 }],
    orderDate: await harness.today(-3),
  });
  workflowId = orderWorkflowId(orderId);
  const handle = await harness.startOrder(orderId);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  // Payloads are encrypted (tests/support/codec.ts): the test reads and edits them in the clear.
  history = await decryptedHistory(await handle.fetchHistory());
});

afterAll(async () => {
  await harness?.teardown();
  rmSync(folder, { recursive: true, force: true });
});

const replay = (recorded: History) => Worker.runReplayHistory({ workflowBundle: editedBundle, replayName: 'edited-catalog' }, recorded, workflowId);

/** The loadOrderContext result in the history, decoded and re-encoded by `edit`. */
function withContext(recorded: History, edit: (context: Record<string, unknown>) => void): History {
  const copy = structuredClone(recorded);
  const scheduled = copy.events!.find((event) => event.activityTaskScheduledEventAttributes?.activityType?.name === 'loadOrderContext')!;
  const completed = copy.events!.find((event) => String(event.activityTaskCompletedEventAttributes?.scheduledEventId) === String(scheduled.eventId))!;
  const payload = completed.activityTaskCompletedEventAttributes!.result!.payloads![0];
  const context = JSON.parse(Buffer.from(payload.data!).toString('utf8')) as Record<string, unknown>;
  edit(context);
  payload.data = Buffer.from(JSON.stringify(context), 'utf8');
  return copy;
}

test('the order carried the walker’s catalog entry, the catalog’s version and its payer policy’s version', () => {
  withContext(history, (context) => {
    const catalog = context.catalog as { version: string; entries: Array<{ hcpcs: string; faceToFace: boolean }> };
    expect(catalog.version).toMatch(/^fnv1a-[0-9a-f]{8}$/);
    expect(catalog.entries).toEqual([expect.objectContaining({ hcpcs: 'E0143', faceToFace: false })]);
    expect(context.payerPolicyVersion).toMatch(/^fnv1a-[0-9a-f]{8}$/);
  });
});

test('a running order replays unchanged against an edited catalog.json', async () => {
  await expect(replay(history)).resolves.toBeUndefined();
});

test('without the carried entries the edited catalog would change the order: the replay fails', async () => {
  const readingTheBundle = withContext(history, (context) => delete context.catalog);
  await expect(replay(readingTheBundle)).rejects.toMatchObject({ name: 'DeterminismViolationError' });
});
