/**
 * A rental caught up late loses the months past timely filing once per month, not once
 * per item: the month's claim would have carried every item (DOMAIN.md §4, §9). Runs on
 * the time-skipping server with the real workflow, activities, database and sandbox payer.
 */
import { and, asc, eq } from 'drizzle-orm';
import { auditEvents, claimLines, claims, tasks } from '../../db/schema';
import { addDays, addMonths } from '../../domain/calendar';
import {} from '../../workflows/definitions';
import { approveAllDocuments, confirmDelivery, createOrderHarness, type OrderHarness, seedOrder, waitForStatus } from '../support/orders';

jest.setTimeout(240_000);

let harness: OrderHarness;
beforeEach(async () => {
  harness = await createOrderHarness();
});
afterEach(() => harness?.teardown());

test('a two-item oxygen order (E1390 + E0431) delivered 15 months before it is recorded loses 3 months, says 3, and leaves one task listing them', async () => {
  // Medicare files within one calendar year of each month's date of service (42 CFR
  // 424.44). Anniversaries fall on the delivery day, so it must not be a 29th–31st (a
  // shorter month would move them): from such a day, count from a few days ahead.
  const today = await harness.today();
  const base = Number(today.slice(8)) > 28 ? addDays(today, 4) : today;
  const deliveredOn = addMonths(base, -15);
  // Months 1–3 are dated more than a year ago; month 4 (base − 12 months) is due today or later.
  const seeded = await seedOrder(harness.database, {
    items: [
      { hcpcs: 'E1390', acquisition: 'rental', unitCharge: 20_000 },
      { hcpcs: 'E0431', acquisition: 'rental', unitCharge: 5_000 },
    ],
    orderDate: addDays(deliveredOn, -7),
  });
  const handle = await harness.startOrder(seeded.orderId);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await confirmDelivery(handle, deliveredOn);

  const status = await waitForStatus(handle, (current) => current.claims.length >= 12);
  expect(status.rental?.lostMonths).toBe(3);
  expect(status.claims[0]).toMatchObject({ rentalMonth: 4, serviceFrom: addMonths(deliveredOn, 3) });

  // The first billed month carries both items on one claim.
  const firstClaimLines = await harness.database.db
    .select({ hcpcs: claimLines.hcpcs, rentalMonth: claimLines.rentalMonth })
    .from(claimLines)
    .innerJoin(claims, eq(claims.id, claimLines.claimId))
    .where(eq(claims.id, status.claims[0].claimId))
    .orderBy(asc(claimLines.hcpcs));
  expect(firstClaimLines).toEqual([
    { hcpcs: 'E0431', rentalMonth: 4 },
    { hcpcs: 'E1390', rentalMonth: 4 },
  ]);

  const lostTasks = await harness.database.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.orderId, seeded.orderId), eq(tasks.kind, 'rental-months-lost')));
  expect(lostTasks).toHaveLength(1);
  expect(lostTasks[0]).toMatchObject({ role: 'biller', status: 'open' });
  const listed = (month: number) => {
    const serviceFrom = addMonths(deliveredOn, month - 1);
    return `month ${month} (${serviceFrom}, last day ${addMonths(serviceFrom, 12)})`;
  };
  expect(lostTasks[0].title).toBe(
    '3 rental months of E1390, E0431 not billed, past timely filing (a claim would deny CO-29; write them off): ' + [1, 2, 3].map(listed).join(', '),
  );

  const audited = await harness.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, seeded.orderId), eq(auditEvents.action, 'rental.month-lost')));
  expect(audited.map((event) => [event.detail.month, event.detail.hcpcs]).sort()).toEqual([
    [1, ['E1390', 'E0431']],
    [2, ['E1390', 'E0431']],
    [3, ['E1390', 'E0431']],
  ]);
  await handle.terminate('test done');
});
