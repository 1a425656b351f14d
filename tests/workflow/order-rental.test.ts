import { and, asc, eq } from 'drizzle-orm';
import { auditEvents, claimLines, claims, tasks } from '../../db/schema';
import { addMonths, addDays } from '../../domain/calendar';
import { rentalChanged } from '../../workflows/definitions';
import type { OrderWorkflowInput } from '../../workflows/order';
import {
  approveAllDocuments,
  command,
  confirmDelivery,
  createOrderHarness,
  DAY,
  type OrderHarness,
  seedOrder,
  waitForStatus,
} from '../support/orders';

jest.setTimeout(240_000);

// Each test gets its own test server, worker and database: the server's clock is shared
// by everything on it, and these tests move it by months or years.
let harness: OrderHarness;
beforeEach(async () => {
  harness = await createOrderHarness();
});
afterEach(() => harness?.teardown());

async function deliveredRental(
  items: Parameters<typeof seedOrder>[1]['items'],
  deliveredOnOrToday?: string,
  payerId?: string,
  workflowInput: Partial<OrderWorkflowInput> = {},
) {
  const deliveredOn = deliveredOnOrToday ?? (await harness.today());
  const seeded = await seedOrder(harness.database, { items, ...(payerId ? { payerId } : {}), orderDate: addDays(deliveredOn, -7) });
  const handle = await harness.startOrder(seeded.orderId, workflowInput);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await confirmDelivery(handle, deliveredOn);
  return { ...seeded, handle, deliveredOn };
}

async function claimLinesOfOrder(orderId: string) {
  return harness.database.db
    .select({
      claimId: claimLines.claimId,
      hcpcs: claimLines.hcpcs,
      modifiers: claimLines.modifiers,
      units: claimLines.units,
      charge: claimLines.charge,
      serviceFrom: claimLines.serviceFrom,
      serviceTo: claimLines.serviceTo,
      rentalMonth: claimLines.rentalMonth,
      status: claims.status,
    })
    .from(claimLines)
    .innerJoin(claims, eq(claims.id, claimLines.claimId))
    .where(eq(claims.orderId, orderId))
    .orderBy(asc(claimLines.serviceFrom), asc(claimLines.hcpcs));
}

test('a CPAP rental bills exactly 13 months — KH, KI, KI, then KJ ten times — with anniversary spans, and no 14th claim', async () => {
  const { orderId, handle, deliveredOn } = await deliveredRental([{ hcpcs: 'E0601', acquisition: 'rental', unitCharge: 12_000 }]);
  const outcome = await handle.result();
  expect(outcome).toEqual({ orderId, stage: 'closed', claims: 13 });

  const lines = await claimLinesOfOrder(orderId);
  expect(lines).toHaveLength(13);
  const expectedSequence = ['KH', 'KI', 'KI', ...Array(10).fill('KJ')];
  lines.forEach((line, index) => {
    expect(line).toMatchObject({
      hcpcs: 'E0601',
      modifiers: ['RR', expectedSequence[index], 'KX'],
      units: 1,
      charge: 12_000,
      rentalMonth: index + 1,
      serviceFrom: addMonths(deliveredOn, index),
      serviceTo: addDays(addMonths(deliveredOn, index + 1), -1),
      status: 'paid',
    });
  });
});

test('oxygen bills 36 months and nothing after, though furnishing continues to month 60', async () => {
  const { orderId, handle } = await deliveredRental([{ hcpcs: 'E1390', acquisition: 'rental', unitCharge: 20_000 }]);
  const outcome = await handle.result();
  expect(outcome.claims).toBe(36);
  const lines = await claimLinesOfOrder(orderId);
  expect(lines.map((line) => line.rentalMonth)).toEqual(Array.from({ length: 36 }, (_, index) => index + 1));
  expect(lines.every((line) => line.modifiers[0] === 'RR' && !line.modifiers.some((modifier) => ['KH', 'KI', 'KJ'].includes(modifier)))).toBe(true);
  // Medicare oxygen from 2023-04-01: the group I modifier in KX's place on every month.
  expect(lines.every((line) => line.modifiers.includes('N1') && !line.modifiers.includes('KX'))).toBe(true);
});

test('catch-up: a delivery recorded five months late bills every month already due at once, in order, each with its own span', async () => {
  const deliveredOn = addMonths(await harness.today(), -5);
  const { orderId, handle } = await deliveredRental([{ hcpcs: 'E0601', acquisition: 'rental' }], deliveredOn);
  const status = await waitForStatus(handle, (current) => current.claims.length >= 6);
  expect(status.claims.map((claim) => claim.rentalMonth)).toEqual([1, 2, 3, 4, 5, 6]);
  const lines = await claimLinesOfOrder(orderId);
  expect(lines.map((line) => [line.serviceFrom, line.modifiers[1]])).toEqual([
    [deliveredOn, 'KH'],
    [addMonths(deliveredOn, 1), 'KI'],
    [addMonths(deliveredOn, 2), 'KI'],
    [addMonths(deliveredOn, 3), 'KJ'],
    [addMonths(deliveredOn, 4), 'KJ'],
    [addMonths(deliveredOn, 5), 'KJ'],
  ]);
  await handle.terminate('test done');
});

test("a month past the payer's timely-filing window is recorded as lost, not billed", async () => {
  // Commercial payer: 180 days. A delivery 8 months ago loses months 1–3 (3 is 181–184 days old).
  const deliveredOn = addMonths(await harness.today(), -8);
  const { orderId, handle } = await deliveredRental([{ hcpcs: 'E0601', acquisition: 'rental' }], deliveredOn, 'commercial-acme');
  const status = await waitForStatus(handle, (current) => current.claims.length >= 6);
  expect(status.rental?.lostMonths).toBe(3);
  expect(status.claims.map((claim) => claim.rentalMonth)).toEqual([4, 5, 6, 7, 8, 9]);
  const lost = await harness.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, orderId), eq(auditEvents.action, 'rental.month-lost')));
  expect(lost.map((event) => event.detail.month)).toEqual([1, 2, 3]);
  // One task for the catch-up, listing the three months.
  const lostTasks = await harness.database.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.orderId, orderId), eq(tasks.kind, 'rental-months-lost')));
  expect(lostTasks).toHaveLength(1);
  expect(lostTasks[0].title).toMatch(/^3 rental months of E0601 not billed.*month 1 .*month 2 .*month 3 /);
  await handle.terminate('test done');
});

test('a 40-day hold resumes the count at the next month from the new anniversary', async () => {
  const { orderId, handle, deliveredOn } = await deliveredRental([{ hcpcs: 'E0601', acquisition: 'rental' }]);
  await waitForStatus(handle, (status) => status.claims.length === 1);
  // Month 1 billed; the patient goes into hospital 10 days in and comes home 40 days later.
  await harness.env.sleep(10 * DAY);
  const holdFrom = addDays(deliveredOn, 10);
  await command(handle, rentalChanged, { user: 'bea.biller', change: 'hold', effectiveOn: holdFrom, inpatient: true, reason: 'inpatient stay' });
  await harness.env.sleep(40 * DAY);
  const resumedOn = addDays(holdFrom, 40);
  await command(handle, rentalChanged, { user: 'bea.biller', change: 'resume', effectiveOn: resumedOn });
  const status = await waitForStatus(handle, (current) => current.claims.length >= 2);
  const lines = await claimLinesOfOrder(orderId);
  expect(lines.slice(0, 2).map((line) => [line.rentalMonth, line.serviceFrom, line.modifiers[1]])).toEqual([
    [1, deliveredOn, 'KH'],
    [2, resumedOn, 'KI'],
  ]);
  expect(status.rental?.period).toBe(1);
  await handle.terminate('test done');
});

test('a 90-day break with a new medical need starts a new rental period at KH', async () => {
  const { orderId, handle, deliveredOn } = await deliveredRental([{ hcpcs: 'E0601', acquisition: 'rental' }]);
  await waitForStatus(handle, (status) => status.claims.length === 1);
  await harness.env.sleep(40 * DAY);
  await waitForStatus(handle, (status) => status.claims.length === 2);
  const holdFrom = addDays(addMonths(deliveredOn, 1), 10);
  await harness.env.sleep(10 * DAY);
  await command(handle, rentalChanged, { user: 'bea.biller', change: 'hold', effectiveOn: holdFrom, reason: 'no longer needed' });
  await harness.env.sleep(90 * DAY);
  const resumedOn = addDays(holdFrom, 90);
  await command(handle, rentalChanged, { user: 'bea.biller', change: 'resume', effectiveOn: resumedOn, newMedicalNeed: true });
  const status = await waitForStatus(handle, (current) => current.claims.length >= 3);
  const lines = await claimLinesOfOrder(orderId);
  expect(lines.slice(0, 3).map((line) => [line.rentalMonth, line.serviceFrom, line.modifiers[1]])).toEqual([
    [1, deliveredOn, 'KH'],
    [2, addMonths(deliveredOn, 1), 'KI'],
    [1, resumedOn, 'KH'],
  ]);
  expect(status.rental?.period).toBe(2);
  await handle.terminate('test done');
});

test('a pickup stops billing after the current month', async () => {
  const { orderId, handle, deliveredOn } = await deliveredRental([{ hcpcs: 'E0601', acquisition: 'rental' }]);
  await waitForStatus(handle, (status) => status.claims.length === 1);
  await harness.env.sleep(70 * DAY);
  await waitForStatus(handle, (status) => status.claims.length === 3);
  await command(handle, rentalChanged, { user: 'bea.biller', change: 'pickup', effectiveOn: addDays(addMonths(deliveredOn, 2), 5) });
  const outcome = await handle.result();
  expect(outcome).toMatchObject({ stage: 'closed', claims: 3 });
  const months = (await claimLinesOfOrder(orderId)).map((line) => line.rentalMonth);
  expect(months).toEqual([1, 2, 3]);
});
