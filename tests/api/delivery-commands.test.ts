/**
 * Staff commands as Updates, through the API against a real dev server and worker: the
 * bug of issue 14 was four concurrent delivery confirmations all answered 202 while the
 * workflow kept one and the stored proof of delivery kept another's date and signer.
 * Now the workflow's validator decides: exactly one confirmation is accepted, and the
 * stored proof is the one the claim was billed from (its date is the claim's first date
 * of service — "the date of service shall be the date of delivery", Noridian JD DME
 * "Proof of Delivery", after CMS PIM ch. 4 §4.26.1).
 */
import { eq } from 'drizzle-orm';
import { auditEvents, claimLines, claims, deliveries } from '../../db/schema';
import { orderWorkflowId } from '../../workflows/definitions';
import { buildTestApp, completeDocuments, createOrder, registerPatient, waitForOrder, type ApiCall } from '../support/api';
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

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

test('10 concurrent delivery confirmations: one 202, nine 409, and the stored proof is the accepted one, billed as the first date of service', async () => {
  const orderId = await createOrder(call, await registerPatient(call), { orderDate: daysAgo(12) });
  await completeDocuments(call, orderId);
  await waitForOrder(call, orderId, (o) => o.workflow.status.stage === 'delivery', 'waiting for delivery');

  const confirmations = Array.from({ length: 10 }, (_, index) => ({
    deliveredOn: daysAgo(index),
    signedBy: `Signer ${String.fromCharCode(65 + index)}`,
    relationship: 'caregiver',
  }));
  const responses = await Promise.all(confirmations.map((body) => call('POST', `/orders/${orderId}/delivery`, { role: 'delivery', body })));

  const statuses = responses.map((response) => response.status).sort();
  expect(statuses).toEqual([202, ...Array(9).fill(409)]);
  const acceptedAt = responses.findIndex((response) => response.status === 202);
  const accepted = confirmations[acceptedAt];
  expect(responses[acceptedAt].json).toMatchObject({
    accepted: true,
    command: 'deliveryConfirmed',
    status: { delivery: { deliveredOn: accepted.deliveredOn } },
  });
  for (const refused of responses.filter((response) => response.status === 409)) {
    expect(refused.json.error).toMatchObject({ code: 'conflict', message: expect.stringContaining(`already delivered on ${accepted.deliveredOn}`) });
    // No PHI in refusals: the signer's name is never echoed back.
    expect(refused.text).not.toContain('Signer');
  }

  const [proof] = await database.db.select().from(deliveries).where(eq(deliveries.orderId, orderId));
  expect(proof).toMatchObject({ deliveredOn: accepted.deliveredOn, signedBy: accepted.signedBy, relationship: 'caregiver' });
  const reported = await database.db.select().from(auditEvents).where(eq(auditEvents.entityId, orderId));
  expect(reported.filter((event) => event.action === 'delivery.reported')).toHaveLength(1);

  await waitForOrder(call, orderId, (o) => o.claims.length > 0, 'claim billed');
  const [claim] = await database.db.select().from(claims).where(eq(claims.orderId, orderId));
  const lines = await database.db.select().from(claimLines).where(eq(claimLines.claimId, claim.id));
  expect(claim.serviceFrom).toBe(proof.deliveredOn);
  expect(lines.every((line) => line.serviceFrom === proof.deliveredOn)).toBe(true);

  // Only the accepted confirmation entered the workflow's history.
  const history = await stack.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory();
  const deliveryUpdates = (history.events ?? []).filter(
    (event) => event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'deliveryConfirmed',
  );
  expect(deliveryUpdates).toHaveLength(1);
});

test('a command refused by its rule answers 422 naming the field and writes nothing; a command to a closed order answers 409; to an unknown one 404', async () => {
  const orderId = await createOrder(call, await registerPatient(call));
  await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known');
  const notNeeded = await call('POST', `/orders/${orderId}/documents`, { role: 'intake', body: { kind: 'oxygen-test', reference: 'dms://o2.pdf' } });
  expect(notNeeded.status).toBe(422);
  expect(notNeeded.json.error.details).toEqual([{ field: 'kind', message: expect.stringContaining('it needs: standard-written-order') }]);

  const cancelled = await call('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'patient declined' } });
  expect(cancelled.status).toBe(202);
  expect(cancelled.json.status.cancelReason).toBe('patient declined');
  await stack.client.workflow.getHandle(orderWorkflowId(orderId)).result();
  const late = await call('POST', `/orders/${orderId}/cancel`, { role: 'intake', body: { reason: 'again' } });
  expect(late.status).toBe(409);
  const unknown = await call('POST', '/orders/00000000-0000-4000-8000-000000000000/cancel', { role: 'intake', body: { reason: 'x' } });
  expect(unknown.status).toBe(404);
});
