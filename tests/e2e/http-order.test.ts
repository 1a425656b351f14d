/**
 * Orders end to end over HTTP only, as staff and an operator would work them: a Temporal
 * dev server, a worker running the real workflows and activities against Postgres
 * (DATABASE_URL; PGlite without it) with the sandbox payer answering in a second, the
 * clearinghouse mailbox, and the API served on a real 127.0.0.1 port.
 *
 * - A purchased walker (E0143): patient, coverage, order, documents received and approved,
 *   delivery confirmed → GET /orders/:id shows the submitted claim; its 837P, fetched from
 *   GET /claims/:id/837, passes pyx12's x12valid.
 * - A second walker left waiting for delivery is what `temporal workflow list --query
 *   "DmeStage='delivery'"` finds (and not the first one, which is past delivery).
 * - A CPAP rental (E0601) reaches its first submitted claim: month 1, RR KH KX.
 */
import { spawnSync } from 'node:child_process';
import type { Connection } from '@temporalio/client';
import { resolveTemporalCli } from '../../scripts/temporal-binaries';
import { orderWorkflowId } from '../../workflows/definitions';
import { completeDocuments, createOrder, deliver, orderBody, registerPatient, todayIso, waitForOrder, type ApiCall } from '../support/api';
import type { TemporalStack } from '../support/temporal-stack';
import { describeWithX12Valid, x12valid } from '../support/x12valid';
import { startServedStack, type ServedStack } from './served-stack';

jest.setTimeout(120_000);

let stack: TemporalStack;
let call: ApiCall;
let temporalAddress: string;

let served: ServedStack;
beforeAll(async () => {
  served = await startServedStack({ acknowledgementDelayMs: 1_000 });
  ({ stack, call } = served);
  // The stack's client is over a real Connection; its address is the dev server's.
  temporalAddress = (stack.client.connection as Connection).options.address;
}, 120_000);

afterAll(() => served?.stop());

const walker = { hcpcs: 'E0143', quantity: 1, acquisition: 'purchase', unitCharge: 15_000 };
const cpap = { hcpcs: 'E0601', quantity: 1, acquisition: 'rental', unitCharge: 12_000 };

/** Intake, documents and delivery through the API; returns the order once its first claim is submitted. */
async function orderToSubmittedClaim(items: object[], diagnoses: string[]) {
  const patient = await registerPatient(call);
  const orderId = await createOrder(call, patient, { items, diagnoses });
  await completeDocuments(call, orderId);
  await deliver(call, orderId);
  const order = await waitForOrder(
    call,
    orderId,
    // The claim reports 'submitted' while the order is still recording the end of its submission stage: wait for both.
    (o) =>
      o.claims.length > 0 &&
      o.workflow.status.claims.some((claim: { status: string }) => claim.status === 'submitted') &&
      o.workflow.status.stage !== 'submission',
    'first claim submitted and the order past submission',
    60_000,
  );
  return { orderId, order };
}

/** Workflow ids `temporal workflow list` finds for a visibility query. */
async function listWorkflowIds(query: string): Promise<string[]> {
  const cli = process.env.TEMPORAL_CLI_PATH ?? (await resolveTemporalCli()).path;
  const run = spawnSync(cli, ['workflow', 'list', '--address', temporalAddress, '--query', query, '--output', 'jsonl'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0) throw new Error(`temporal workflow list failed: ${run.stderr}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { execution: { workflowId: string } }).execution.workflowId);
}

describe('a purchased walker, from intake to a submitted claim, over HTTP', () => {
  let orderId: string;
  let order: any;

  beforeAll(async () => {
    ({ orderId, order } = await orderToSubmittedClaim([walker], ['M17.11']));
  }, 120_000);

  test('GET /orders/:id shows the submitted claim, billed from the delivery date', async () => {
    expect(order).toMatchObject({ id: orderId, workflowId: orderWorkflowId(orderId) });
    expect(order.workflow.status).toMatchObject({ orderId, delivery: { deliveredOn: todayIso() } });
    expect(order.workflow.status.claims).toEqual([expect.objectContaining({ status: 'submitted', serviceFrom: todayIso(), serviceTo: todayIso() })]);
    expect(order.claims).toEqual([expect.objectContaining({ id: order.workflow.status.claims[0].claimId, totalCharge: 15_000 })]);

    const claim = await call('GET', `/claims/${order.claims[0].id}`, { role: 'biller' });
    expect(claim.status).toBe(200);
    expect(claim.json.lines).toEqual([expect.objectContaining({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], units: 1, charge: 15_000 })]);
  });

  describeWithX12Valid('its 837P', () => {
    test('GET /claims/:id/837 answers X12 text that pyx12 finds valid', async () => {
      const response = await call('GET', `/claims/${order.claims[0].id}/837`, { role: 'biller' });
      expect(response.status).toBe(200);
      expect(response.text).toMatch(/^ISA\*/);
      expect(response.text).toContain('~SV1*HC:E0143:NU:KX*150*UN*1*12**1~');
      expect(x12valid(response.text)).toEqual({ ok: true, errors: [] });
    });
  });

  test("an order left waiting for delivery is what the operator finds with DmeStage='delivery' — not the one already billed", async () => {
    const patient = await registerPatient(call);
    const waitingId = await createOrder(call, patient, { items: [walker] });
    await completeDocuments(call, waitingId);
    await waitForOrder(call, waitingId, (o) => o.workflow.status.stage === 'delivery', 'waiting for delivery');

    // Visibility is eventually consistent: poll, bounded.
    const deadline = Date.now() + 10_000;
    let found = await listWorkflowIds("DmeStage='delivery'");
    while (!found.includes(orderWorkflowId(waitingId)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      found = await listWorkflowIds("DmeStage='delivery'");
    }
    expect(found).toContain(orderWorkflowId(waitingId));
    expect(found).not.toContain(orderWorkflowId(orderId));
    // And the billed one is found where it is.
    const billedStage = (await call('GET', `/orders/${orderId}?live=true`, { role: 'admin' })).json.workflow.status.stage;
    expect(billedStage).not.toBe('delivery');
    expect(await listWorkflowIds(`WorkflowId='${orderWorkflowId(orderId)}' AND DmeStage='${billedStage}'`)).toEqual([orderWorkflowId(orderId)]);
  });
});

describe('a CPAP rental over HTTP', () => {
  let order: any;

  beforeAll(async () => {
    ({ order } = await orderToSubmittedClaim([cpap], ['G47.33']));
  }, 120_000);

  test('reaches its first submitted claim: rental month 1, E0601 RR KH KX for a month from delivery', async () => {
    const [first] = order.workflow.status.claims;
    expect(first).toMatchObject({ status: 'submitted', rentalMonth: 1, serviceFrom: todayIso() });
    expect(order.workflow.status.stage).toBe('rental');
    const claim = await call('GET', `/claims/${first.claimId}`, { role: 'biller' });
    expect(claim.status).toBe(200);
    expect(claim.json).toMatchObject({ rentalMonth: 1, totalCharge: 12_000 });
    expect(claim.json.lines).toEqual([
      expect.objectContaining({ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], units: 1, charge: 12_000, rentalMonth: 1 }),
    ]);
  });

  describeWithX12Valid('its 837P', () => {
    test('carries the rental line with its modifiers and passes x12valid', async () => {
      const response = await call('GET', `/claims/${order.workflow.status.claims[0].claimId}/837`, { role: 'biller' });
      expect(response.status).toBe(200);
      expect(response.text).toContain('~SV1*HC:E0601:RR:KH:KX*120*UN*1*12**1~DTP*472*RD8*');
      expect(x12valid(response.text)).toEqual({ ok: true, errors: [] });
    });
  });
});

describe('a document sent the moment the order is entered', () => {
  test('is taken (202), not refused while the order works out which documents it needs: the request waits that out', async () => {
    const patient = await registerPatient(call);
    const created = await call('POST', '/orders', { role: 'intake', body: orderBody(patient, { items: [walker], diagnoses: ['M17.11'] }) });
    expect(created.status).toBe(201);
    // No wait for the workflow: the first moments are the point.
    const received = await call('POST', `/orders/${created.json.orderId}/documents`, {
      role: 'intake',
      body: { kind: 'standard-written-order', reference: 'dms://swo.pdf' },
    });
    expect([received.status, received.json?.error?.message]).toEqual([202, undefined]);
    expect(received.json.status.documents).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'standard-written-order', status: 'received', documentId: received.json.documentId })]),
    );
  });
});
