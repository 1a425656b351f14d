/**
 * continueAsNew on a real dev server, in real time. (The time-skipping test server
 * stalls time skipping once a run has continued as new, so months cannot be skipped
 * across runs there.) A delivery recorded five months late bills six claims at once;
 * with a low history limit the order continues as new as soon as those claims are
 * settled, and the new run carries on from the carried state.
 */
import { asc, eq } from 'drizzle-orm';
import { claimLines, claims } from '../../db/schema';
import { addDays, addMonths } from '../../domain/calendar';
import { ORDER_TASK_QUEUE, orderStatus, orderWorkflowId, rentalChanged } from '../../workflows/definitions';
import type { dmeOrderWorkflow } from '../../workflows/order';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { approveAllDocuments, command, confirmDelivery, seedOrder, waitForStatus } from '../support/orders';
import { startTemporalStack, type TemporalStack } from '../support/temporal-stack';

jest.setTimeout(120_000);

let database: TestDatabase;
let stack: TemporalStack;
beforeAll(async () => {
  database = await createTestDatabase();
  stack = await startTemporalStack(database, { acknowledgementDelayMs: 500, remittanceDelayMs: 1_500 });
});
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

test('an order continues as new and the new run carries on from the carried state: claims report to it, a pickup closes it', async () => {
  const today = new Date().toISOString().slice(0, 10);
  const deliveredOn = addMonths(today, -5);
  const { orderId } = await seedOrder(database, { items: [{ hcpcs: 'E0601', acquisition: 'rental' }], orderDate: addDays(deliveredOn, -7) });
  const handle = await stack.client.workflow.start<typeof dmeOrderWorkflow>('dmeOrderWorkflow', {
    workflowId: orderWorkflowId(orderId),
    taskQueue: ORDER_TASK_QUEUE,
    args: [{ orderId, historyLimit: 60 }],
  });
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await confirmDelivery(handle, deliveredOn);

  const latest = stack.client.workflow.getHandle(handle.workflowId);
  const deadline = Date.now() + 60_000;
  while ((await latest.describe()).runId === handle.firstExecutionRunId) {
    if (Date.now() > deadline) throw new Error('the order never continued as new');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const carried = await latest.query(orderStatus);
  expect(carried).toMatchObject({ stage: 'rental', delivery: { deliveredOn }, rental: { month: 6, period: 1 } });
  // Claims usually settle before the switch; past four times the limit the order switches anyway.
  expect(carried.claims.map((claim) => claim.rentalMonth)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(carried.claims.every((claim) => ['submitted', 'paid'].includes(claim.status))).toBe(true);
  expect(carried.documents.every((document) => document.status === 'approved')).toBe(true);

  // The new run takes signals: a pickup today ends the rental after month 6 and the order closes.
  await command(latest, rentalChanged, { user: 'bea.biller', change: 'pickup', effectiveOn: today });
  expect(await latest.result()).toEqual({ orderId, stage: 'closed', claims: 6 });

  const lines = await database.db
    .select({ month: claimLines.rentalMonth, from: claimLines.serviceFrom, modifiers: claimLines.modifiers })
    .from(claimLines)
    .innerJoin(claims, eq(claims.id, claimLines.claimId))
    .where(eq(claims.orderId, orderId))
    .orderBy(asc(claimLines.serviceFrom));
  expect(lines).toEqual(
    ['KH', 'KI', 'KI', 'KJ', 'KJ', 'KJ'].map((modifier, index) => ({
      month: index + 1,
      from: addMonths(deliveredOn, index),
      modifiers: ['RR', modifier, 'KX'],
    })),
  );
});
