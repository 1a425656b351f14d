/**
 * POST /orders/:id/prior-auth refuses an affirmation whose expiry is past what the CMS
 * required prior-authorization program allows from the decision (DOMAIN.md §6; CGS
 * "Prior Authorization for DMEPOS": orthoses valid 60 calendar days), naming the field
 * and the latest date; at the limit it is accepted. Real Temporal dev server and worker.
 */
import { eq } from 'drizzle-orm';
import { auditEvents } from '../../db/schema';
import { addDays } from '../../domain/calendar';
import { buildTestApp, completeDocuments, createOrder, registerPatient, todayIso, waitForOrder, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { startTemporalStack, type TemporalStack } from '../support/temporal-stack';

jest.setTimeout(120_000);

let database: TestDatabase;
let stack: TemporalStack;
let call: ApiCall;

beforeAll(async () => {
  database = await createTestDatabase();
  stack = await startTemporalStack(database);
  call = buildTestApp(database, stack.temporal).call;
}, 120_000);
afterAll(async () => {
  await stack?.stop();
  await database?.drop();
});

test('an orthosis affirmation: 61 days is a 422 naming expiresOn and the latest date, 60 days is accepted and kept', async () => {
  const orderId = await createOrder(call, await registerPatient(call), {
    items: [{ hcpcs: 'L1832', quantity: 1, acquisition: 'purchase', unitCharge: 90000 }],
  });
  await completeDocuments(call, orderId);
  await waitForOrder(call, orderId, (o) => o.workflow.status.priorAuth.status === 'requested', 'prior auth requested');
  const today = todayIso();
  const auditBefore = (await database.db.select().from(auditEvents).where(eq(auditEvents.entityId, orderId))).length;

  const tooLong = await call('POST', `/orders/${orderId}/prior-auth`, {
    role: 'reviewer',
    body: { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn: addDays(today, 61) },
  });
  expect(tooLong.status).toBe(422);
  expect(tooLong.json.error.details).toEqual([
    {
      field: 'expiresOn',
      message:
        `must be on or before ${addDays(today, 60)}: an affirmation for L1832 (orthoses) decided on ${today} is valid 60 days ` +
        '(Medicare required prior-authorization list)',
    },
  ]);
  // Refused: nothing reached the order.
  const unchanged = await waitForOrder(call, orderId, () => true, 'status');
  expect(unchanged.workflow.status.priorAuth).toEqual({ required: true, status: 'requested' });

  const atLimit = await call('POST', `/orders/${orderId}/prior-auth`, {
    role: 'reviewer',
    body: { decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn: addDays(today, 60) },
  });
  expect(atLimit.status).toBe(202);
  const affirmed = await waitForOrder(call, orderId, (o) => o.workflow.status.priorAuth.status === 'affirmed', 'affirmed');
  expect(affirmed.workflow.status.priorAuth.expiresOn).toBe(addDays(today, 60));
  const capped = (await database.db.select().from(auditEvents).where(eq(auditEvents.entityId, orderId)))
    .slice(auditBefore)
    .filter((event) => event.action === 'prior-auth.expiry-capped');
  expect(capped).toEqual([]);
});
