/**
 * A move into another DME MAC jurisdiction on the time-skipping server, as CGS JC tells
 * it ("Reminder About Beneficiary Addresses", 2022-02-09): "Claims are determined based
 * on the beneficiary's address at the time the claim is processed, not the
 * beneficiary's address on the date of service … the claims for the remaining months of
 * rental must list the beneficiary's Florida (current) address on file with the SSA at
 * the time the claim is submitted." Months claimed before the move stay with the old
 * contractor; every claim prepared after it — a later month, or a correction of a claim
 * whose date of service came before the move — goes to the new one with the new address.
 *
 * The move is written to patient_addresses as POST /patients/:id/addresses writes it,
 * but effective on the workflow clock's date: the API refuses dates after the wall
 * clock's, and the test server's clock runs months ahead of it.
 */
import { asc, eq } from 'drizzle-orm';
import { claims, coverages, patientAddresses, patients } from '../../db/schema';
import { addDays, addMonths } from '../../domain/calendar';
import { claimCorrected } from '../../workflows/definitions';
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
import { describeWithX12Valid, x12valid } from '../support/x12valid';

jest.setTimeout(240_000);

// seedOrder's patient lives in Columbus, Ohio (JB) and its coverage names JB.
const OHIO = { payer: '~NM1*PR*2*MEDICARE DME MAC JURISDICTION B (CGS)*****PI*17003~', address: '~N4*COLUMBUS*OH*43215~' };
const TEXAS = { payer: '~NM1*PR*2*MEDICARE DME MAC JURISDICTION C (CGS)*****PI*18003~', address: '~N4*AUSTIN*TX*78701~' };

// Each describe has its own test server, worker and database: both move the clock.
let harness: OrderHarness;

/** An Ohio patient's order (JB) with its registration address on file, documented and delivered today. */
async function deliveredToOhio(item: { hcpcs: string; acquisition: 'rental' | 'purchase' }, memberId?: string) {
  const deliveredOn = await harness.today();
  const seeded = await seedOrder(harness.database, { items: [item], orderDate: addDays(deliveredOn, -7), ...(memberId ? { memberId } : {}) });
  await harness.database.db
    .insert(patientAddresses)
    .values({ patientId: seeded.patientId, line1: '1 Elm St', city: 'Columbus', state: 'OH', zip: '43215', effectiveOn: null, createdBy: 'test' });
  const handle = await harness.startOrder(seeded.orderId);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await confirmDelivery(handle, deliveredOn);
  return { ...seeded, handle, deliveredOn };
}

/** The move to Austin, Texas (JC) from the workflow clock's today, written as the address endpoint writes it. */
async function moveToTexas(patientId: string): Promise<string> {
  const effectiveOn = await harness.today();
  const texas = { line1: '1 Congress Ave', city: 'Austin', state: 'TX', zip: '78701' };
  await harness.database.db.insert(patientAddresses).values({ patientId, ...texas, effectiveOn, createdBy: 'intake' });
  await harness.database.db
    .update(patients)
    .set({ addressLine1: texas.line1, city: texas.city, state: texas.state, zip: texas.zip })
    .where(eq(patients.id, patientId));
  return effectiveOn;
}

/** Moves the test server's clock to noon on `date`. */
async function sleepUntil(date: string) {
  await harness.env.sleep(Date.parse(`${date}T12:00:00Z`) - (await harness.env.currentTimeMs()));
}

const claimsOf = (orderId: string) =>
  harness.database.db
    .select({
      id: claims.id,
      payerId: claims.payerId,
      serviceFrom: claims.serviceFrom,
      rentalMonth: claims.rentalMonth,
      correctsClaimId: claims.correctsClaimId,
      x12: claims.x12,
    })
    .from(claims)
    .where(eq(claims.orderId, orderId))
    .orderBy(asc(claims.createdAt));

describe('a CPAP rental whose patient moves from Ohio (JB) to Texas (JC) after month 2', () => {
  let rows: Awaited<ReturnType<typeof claimsOf>>;
  let deliveredOn: string;
  let movedOn: string;

  beforeAll(async () => {
    harness = await createOrderHarness();
    const order = await deliveredToOhio({ hcpcs: 'E0601', acquisition: 'rental' });
    deliveredOn = order.deliveredOn;
    await waitForStatus(order.handle, (status) => status.claims.length === 1);
    await sleepUntil(addMonths(deliveredOn, 1));
    await waitForStatus(order.handle, (status) => status.claims.length === 2);
    // Ten days into month 2 the patient moves; months 1 and 2 are already with JB.
    await sleepUntil(addDays(addMonths(deliveredOn, 1), 10));
    movedOn = await moveToTexas(order.patientId);
    await sleepUntil(addMonths(deliveredOn, 3));
    await waitForStatus(order.handle, (status) => status.claims.length === 4);
    rows = await claimsOf(order.orderId);
    await order.handle.terminate('test done');
  });
  afterAll(() => harness?.teardown());

  test('months 1 and 2, claimed before the move, went to JB; months 3 and 4, prepared after it, go to JC', () => {
    expect(movedOn).toBe(addDays(addMonths(deliveredOn, 1), 10));
    expect(rows.map((row) => [row.rentalMonth, row.serviceFrom, row.payerId])).toEqual([
      [1, deliveredOn, 'medicare-jb'],
      [2, addMonths(deliveredOn, 1), 'medicare-jb'],
      [3, addMonths(deliveredOn, 2), 'medicare-jc'],
      [4, addMonths(deliveredOn, 3), 'medicare-jc'],
    ]);
  });

  test('each 837P names the contractor it went to in 2010BB and carries the address on file when it was prepared', () => {
    for (const row of rows.slice(0, 2)) {
      expect(row.x12).toContain(OHIO.payer);
      expect(row.x12).toContain(OHIO.address);
    }
    for (const row of rows.slice(2)) {
      expect(row.x12).toContain(TEXAS.payer);
      expect(row.x12).toContain(TEXAS.address);
      expect(row.x12).not.toContain(OHIO.address);
      expect(row.x12).not.toContain('PI*17003');
    }
  });

  describeWithX12Valid('the first 837P to the new contractor', () => {
    test('passes x12valid', () => {
      expect(x12valid(rows[2].x12)).toEqual({ ok: true, errors: [] });
    });
  });
});

describe('a walker claim rejected before the move', () => {
  beforeAll(async () => {
    harness = await createOrderHarness();
  });
  afterAll(() => harness?.teardown());

  test('corrected after the move, goes to the new contractor with the new address, for its old date of service', async () => {
    // Member id …92: the sandbox's 277CA rejects the claim (A7, invalid member id).
    const { orderId, patientId, coverageId, handle, deliveredOn } = await deliveredToOhio({ hcpcs: 'E0143', acquisition: 'purchase' }, '1EG4TE5MK92');
    await harness.env.sleep(DAY);
    const rejected = (await waitForStatus(handle, (status) => status.claims[0]?.status === 'rejected')).claims[0];

    await harness.env.sleep(20 * DAY);
    const movedOn = await moveToTexas(patientId);
    await harness.database.db.update(coverages).set({ memberId: '1EG4TE5MK73' }).where(eq(coverages.id, coverageId));
    await command(handle, claimCorrected, { user: 'bea.biller', claimId: rejected.claimId });
    await waitForStatus(handle, (status) => status.claims.length === 2);

    const [original, corrected] = await claimsOf(orderId);
    expect(movedOn).toBe(addDays(deliveredOn, 21));
    expect(original).toMatchObject({ id: rejected.claimId, payerId: 'medicare-jb', serviceFrom: deliveredOn });
    expect(original.x12).toContain(OHIO.address);
    expect(corrected).toMatchObject({ correctsClaimId: rejected.claimId, payerId: 'medicare-jc', serviceFrom: deliveredOn });
    expect(corrected.x12).toContain(TEXAS.payer);
    expect(corrected.x12).toContain(TEXAS.address);
    expect(corrected.x12).not.toContain(OHIO.address);
    await handle.terminate('test done');
  });
});
