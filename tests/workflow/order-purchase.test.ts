import { asc, eq } from 'drizzle-orm';
import { claimLines, claims, tasks } from '../../db/schema';
import {} from '../../workflows/definitions';
import { approveAllDocuments, confirmDelivery, createOrderHarness, type OrderHarness, seedOrder, waitForStatus } from '../support/orders';

jest.setTimeout(120_000);

let harness: OrderHarness;
beforeAll(async () => {
  harness = await createOrderHarness();
});
afterAll(() => harness?.teardown());

test('a purchased walker goes from order to a submitted, acknowledged and paid claim, then the order closes', async () => {
  const { orderId } = await seedOrder(harness.database, {
    items: [{ hcpcs: 'E0143', acquisition: 'purchase', unitCharge: 15_000 }],
    orderDate: await harness.today(-3),
  });
  const handle = await harness.startOrder(orderId);

  const documentation = await waitForStatus(handle, (status) => status.stage === 'documentation' && status.blockedOn === 'documents');
  expect(documentation.documents.map((document) => document.kind)).toEqual(['standard-written-order']);
  await approveAllDocuments(handle);

  await waitForStatus(handle, (status) => status.stage === 'delivery');
  const deliveredOn = await harness.today();
  await confirmDelivery(handle, deliveredOn);

  const outcome = await handle.result();
  expect(outcome).toEqual({ orderId, stage: 'closed', claims: 1 });

  const [claim] = await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId));
  expect(claim).toMatchObject({ status: 'paid', serviceFrom: deliveredOn, serviceTo: deliveredOn, totalCharge: 15_000 });
  expect(claim.x12).toContain('CLM*' + claim.claimNumber + '*150*');
  const lines = await harness.database.db.select().from(claimLines).where(eq(claimLines.claimId, claim.id)).orderBy(asc(claimLines.lineNumber));
  expect(lines.map((line) => ({ hcpcs: line.hcpcs, modifiers: line.modifiers, units: line.units, charge: line.charge }))).toEqual([
    { hcpcs: 'E0143', modifiers: ['NU', 'KX'], units: 1, charge: 15_000 },
  ]);
  expect(claim.paidAmount).toBeGreaterThan(0);
  const openTasks = await harness.database.db.select().from(tasks).where(eq(tasks.orderId, orderId));
  expect(openTasks.filter((task) => task.kind.startsWith('claim'))).toEqual([]);
});
