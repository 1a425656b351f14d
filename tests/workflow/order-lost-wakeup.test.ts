/**
 * The order waits on the state of its claims, not on a snapshot taken after an await.
 *
 * The receivables loop used to `await setBlocked(...)` (the recordStage activity) and only
 * then take the snapshot of claim statuses it waited to change: a claimSettled that landed
 * while that activity ran was folded into the snapshot, and the order stayed in
 * `receivables` blocked on `remittance` forever with its only claim paid. Here the claim
 * reports back from inside exactly that activity: the signal is accepted by the server
 * before the activity returns, so the order must see it and close.
 */
import { eq } from 'drizzle-orm';
import { claims } from '../../db/schema';
import { claimSettled, orderWorkflowId } from '../../workflows/definitions';
import { approveAllDocuments, confirmDelivery, createOrderHarness, type OrderHarness, seedOrder, waitForStatus } from '../support/orders';

jest.setTimeout(120_000);

let harness: OrderHarness;
const settledInside: string[] = [];

beforeAll(async () => {
  harness = await createOrderHarness({
    wrapActivities: (activities, env) => ({
      ...activities,
      async recordStage(input) {
        await activities.recordStage(input);
        if (input.stage !== 'receivables' || input.blockedOn !== 'remittance' || settledInside.includes(input.orderId)) return;
        // The claim workflow reports its outcome while the order is inside this activity.
        const [claim] = await harness.database.db.select({ id: claims.id }).from(claims).where(eq(claims.orderId, input.orderId));
        await env.client.workflow.getHandle(orderWorkflowId(input.orderId)).signal(claimSettled, { claimId: claim.id, outcome: 'paid' });
        settledInside.push(input.orderId);
      },
    }),
  });
});
afterAll(() => harness?.teardown());

test('a claim settled while the order records its receivables stage still closes the order', async () => {
  const { orderId } = await seedOrder(harness.database, {
    items: [{ hcpcs: 'E0143', acquisition: 'purchase', unitCharge: 15_000 }],
    orderDate: await harness.today(-3),
  });
  const handle = await harness.startOrder(orderId);
  await waitForStatus(handle, (status) => status.stage === 'documentation' && status.blockedOn === 'documents');
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  const deliveredOn = await harness.today();
  await confirmDelivery(handle, deliveredOn);

  // The claim workflow's own payer answers two weeks later; the order must not need them.
  expect(await handle.result()).toEqual({ orderId, stage: 'closed', claims: 1 });
  expect(settledInside).toEqual([orderId]);
});
