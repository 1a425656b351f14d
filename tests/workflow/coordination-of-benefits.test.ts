/**
 * Coordination of benefits on the time-skipping server with the sandbox payers (issue
 * 10, DOMAIN.md §15): an order bills its patient's payers in order, and each claim goes
 * on from one payer to the next.
 * - Medicare + a Medigap with a crossover agreement: Medicare's 835 says it forwarded the
 *   claim (CLP02 19, MA18); we send no claim of ours, the Medigap's 835 posts at the
 *   secondary level, and the patient owes nothing.
 * - Medicare + Medicaid without crossover: we send Medicaid a secondary 837P carrying
 *   Medicare's adjudication (2320/2330A/2330B/2430, checked by pyx12), its 835 posts at
 *   the secondary level, no credit balance opens and the dual-eligible patient is not billed.
 * - An employer plan primary with Medicare secondary: the Medicare claim is a secondary
 *   claim with the MSP type in SBR05.
 */
import { and, asc, eq } from 'drizzle-orm';
import { claimPayers, claimPayments, claims, coverages, creditBalances, ediFiles, ledgerEntries, patientStatements, tasks } from '../../db/schema';
import { payerLevels } from '../../domain/coordination';
import { approveAllDocuments, confirmDelivery, createOrderHarness, DAY, type OrderHarness, seedOrder, waitForStatus } from '../support/orders';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

jest.setTimeout(240_000);

let harness: OrderHarness;
afterEach(() => harness?.teardown());

/** A walker (E0143, purchase) for a patient with `others` coverages after the order's own, documented and delivered today. */
async function deliveredWalker(
  order: { payerId?: string; memberId?: string },
  others: Array<{ payerId: string; memberId: string; priority: 'secondary' | 'tertiary'; mspType?: '12' }>,
  items: Parameters<typeof seedOrder>[1]['items'] = [{ hcpcs: 'E0143', acquisition: 'purchase', unitCharge: 15_000 }],
) {
  const seeded = await seedOrder(harness.database, {
    items,
    ...order,
    orderDate: await harness.today(-3),
  });
  for (const other of others) {
    await harness.database.db.insert(coverages).values({
      patientId: seeded.patientId,
      payerId: other.payerId,
      memberId: other.memberId,
      priority: other.priority,
      relationship: 'self',
      mspType: other.mspType ?? null,
      createdBy: 'test',
    });
  }
  const handle = await harness.startOrder(seeded.orderId);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await confirmDelivery(handle, await harness.today());
  return { ...seeded, handle };
}

async function claimOf(orderId: string) {
  const [claim] = await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId));
  return claim;
}
/** The claim's payers in billing order (rows written together share a created_at). */
const payersOf = async (claimId: string) =>
  (await harness.database.db.select().from(claimPayers).where(eq(claimPayers.claimId, claimId))).sort(
    (a, b) => payerLevels.indexOf(a.level) - payerLevels.indexOf(b.level),
  );
const paymentsOf = (claimId: string) =>
  harness.database.db.select().from(claimPayments).where(eq(claimPayments.claimId, claimId)).orderBy(asc(claimPayments.position));
const sentClaims = async () =>
  (
    await harness.database.db
      .select()
      .from(ediFiles)
      .where(and(eq(ediFiles.direction, 'outbound'), eq(ediFiles.transaction, '837')))
  ).length;

async function sides(claimId: string) {
  const entries = await harness.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.claimId, claimId));
  const [claim] = await harness.database.db.select().from(claims).where(eq(claims.id, claimId));
  const payer = (level: string) =>
    entries.filter((entry) => entry.party === 'payer' && (entry.payerLevel ?? 'primary') === level).reduce((sum, entry) => sum + entry.amount, 0);
  return {
    primary: claim.totalCharge + payer('primary'),
    secondary: payer('secondary'),
    patient: entries.filter((entry) => entry.party === 'patient').reduce((sum, entry) => sum + entry.amount, 0),
  };
}

describeWithX12Valid('coordination of benefits', () => {
  test('Medicare + Medigap by crossover: no claim of ours to the Medigap, its 835 posts at the secondary level, the patient owes nothing', async () => {
    harness = await createOrderHarness({ remittanceDelayMs: 14 * DAY });
    const { orderId, patientId, handle } = await deliveredWalker({}, [
      { payerId: 'medigap-crossover', memberId: 'MG100200301', priority: 'secondary' },
    ]);
    expect(await handle.result()).toMatchObject({ stage: 'closed', claims: 1 });

    const claim = await claimOf(orderId);
    // The claim to Medicare named the Medigap (2320/2330B), as the TR3 asks when another payer is known.
    expect(claim.x12).toContain('SBR*S*18*******CI');
    expect(x12valid(claim.x12)).toEqual({ ok: true, errors: [] });
    const [primary, secondary] = await payersOf(claim.id);
    expect(primary).toMatchObject({ level: 'primary', payerId: 'medicare-jb', status: 'adjudicated' });
    expect(secondary).toMatchObject({ level: 'secondary', payerId: 'medigap-crossover', status: 'adjudicated', x12: null });
    expect(secondary.paidAmount).toBeGreaterThan(0);
    // Medicare's CLP02 19 with MA18, then the Medigap's CLP02 2.
    const payments = await paymentsOf(claim.id);
    expect(payments.map((payment) => [payment.payerLevel, payment.statusCode])).toEqual([
      ['primary', '19'],
      ['secondary', '2'],
    ]);
    expect(payments[0].remarkCodes).toContain('MA18');
    // One 837P was ever sent: Medicare's. The Medigap got the claim from Medicare.
    expect(await sentClaims()).toBe(1);
    expect(await sides(claim.id)).toEqual({ primary: 0, secondary: 0, patient: 0 });
    expect(await harness.database.db.select().from(creditBalances).where(eq(creditBalances.claimId, claim.id))).toEqual([]);
    expect(await harness.database.db.select().from(patientStatements).where(eq(patientStatements.patientId, patientId))).toEqual([]);
    expect((await claimOf(orderId)).resolution).toBe('paid');
  });

  test('Medicare + Medicaid without crossover: a secondary 837P with Medicare’s adjudication, the Medicaid 835 posted, no credit balance, the patient not billed', async () => {
    harness = await createOrderHarness({ remittanceDelayMs: 14 * DAY });
    const { orderId, patientId, handle } = await deliveredWalker({}, [{ payerId: 'medicaid-state', memberId: 'MCD445566', priority: 'secondary' }]);
    expect(await handle.result()).toMatchObject({ stage: 'closed', claims: 1 });

    const claim = await claimOf(orderId);
    const [primary, secondary] = await payersOf(claim.id);
    expect(primary).toMatchObject({ payerId: 'medicare-jb', status: 'adjudicated' });
    expect(secondary).toMatchObject({ payerId: 'medicaid-state', status: 'adjudicated' });
    // Our secondary claim: SBR01 S to Medicaid, Medicare's adjudication in 2320 (CAS, AMT*D), 2330B with its claim number, 2430 per line.
    const sent = secondary.x12!;
    expect(x12valid(sent)).toEqual({ ok: true, errors: [] });
    expect(sent).toContain('SBR*S*18*******MC');
    expect(sent).toContain('SBR*P*18*******MB');
    expect(sent).toMatch(/AMT\*D\*\d+(\.\d+)?~/);
    expect(sent).toContain(`REF*F8*${primary.payerClaimNumber}`);
    expect(sent).toMatch(/SVD\*17003\*/);
    expect(sent).toMatch(/DTP\*573\*D8\*\d{8}/);
    expect(await sentClaims()).toBe(2);

    const payments = await paymentsOf(claim.id);
    expect(payments.map((payment) => [payment.payerLevel, payment.statusCode])).toEqual([
      ['primary', '1'],
      ['secondary', '2'],
    ]);
    // The Medicaid payment is the secondary's, never a duplicate of Medicare's: no credit balance, no refund task.
    expect(await harness.database.db.select().from(creditBalances).where(eq(creditBalances.claimId, claim.id))).toEqual([]);
    expect((await harness.database.db.select().from(tasks).where(eq(tasks.claimId, claim.id))).map((task) => task.kind)).not.toContain(
      'credit-balance-due',
    );
    expect(await sides(claim.id)).toMatchObject({ primary: 0, secondary: 0, patient: 0 });
    expect(await harness.database.db.select().from(patientStatements).where(eq(patientStatements.patientId, patientId))).toEqual([]);
  });

  test('an employer plan primary, Medicare secondary: the Medicare claim is a secondary claim with MSP type 12 in SBR05', async () => {
    harness = await createOrderHarness({ remittanceDelayMs: 14 * DAY });
    const { orderId, handle } = await deliveredWalker({ payerId: 'commercial-acme', memberId: 'ACM123456' }, [
      { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'secondary', mspType: '12' },
    ]);
    expect(await handle.result()).toMatchObject({ stage: 'closed', claims: 1 });

    const claim = await claimOf(orderId);
    expect(claim.payerId).toBe('commercial-acme');
    const [, medicare] = await payersOf(claim.id);
    expect(medicare).toMatchObject({ level: 'secondary', payerId: 'medicare-jb', status: 'adjudicated' });
    const sent = medicare.x12!;
    expect(x12valid(sent)).toEqual({ ok: true, errors: [] });
    // 2000B SBR: S, self, no group, SBR05 12 (working aged), SBR09 MB.
    expect(sent).toMatch(/SBR\*S\*18\*\*\*12\*\*\*\*MB~/);
    expect(sent).toContain('SBR*P*18*******CI');
    const payments = await paymentsOf(claim.id);
    expect(payments.map((payment) => [payment.payerLevel, payment.statusCode])).toEqual([
      ['primary', '1'],
      ['secondary', '2'],
    ]);
  });

  test('a CPAP rental with Medicaid secondary: every month’s claim goes on to Medicaid, 13 claims, no credit balance, nothing left to the patient', async () => {
    harness = await createOrderHarness({ remittanceDelayMs: 14 * DAY });
    const { orderId, patientId, handle } = await deliveredWalker(
      {},
      [{ payerId: 'medicaid-state', memberId: 'MCD445566', priority: 'secondary' }],
      [{ hcpcs: 'E0601', acquisition: 'rental', unitCharge: 12_000 }],
    );
    expect(await handle.result()).toMatchObject({ stage: 'closed', claims: 13 });
    const rows = await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId));
    expect(rows).toHaveLength(13);
    for (const claim of rows) {
      const [primary, secondary] = await payersOf(claim.id);
      expect({ claim: claim.rentalMonth, primary: primary.status, secondary: secondary?.status }).toEqual({
        claim: claim.rentalMonth,
        primary: 'adjudicated',
        secondary: 'adjudicated',
      });
      expect(x12valid(secondary.x12!)).toEqual({ ok: true, errors: [] });
      expect(await sides(claim.id)).toMatchObject({ primary: 0, secondary: 0, patient: 0 });
    }
    expect(await harness.database.db.select().from(creditBalances)).toEqual([]);
    expect(await harness.database.db.select().from(patientStatements).where(eq(patientStatements.patientId, patientId))).toEqual([]);
  });

  test('eligibility asks every payer the order will bill: an inactive secondary opens an intake task, and the order goes on with its primary', async () => {
    harness = await createOrderHarness({ remittanceDelayMs: 14 * DAY });
    // The sandbox answers a member id ending in 91 with EB*6 (inactive).
    const { orderId, handle } = await deliveredWalker({}, [{ payerId: 'medigap-direct', memberId: 'MGD1234591', priority: 'secondary' }]);
    await waitForStatus(handle, (status) => status.stage !== 'delivery');
    const opened = await harness.database.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.orderId, orderId), eq(tasks.kind, 'payer-order-problem')));
    expect(opened).toEqual([expect.objectContaining({ role: 'intake', status: 'open' })]);
    expect(opened[0].title).toMatch(/the secondary coverage [0-9a-f-]{36} \(payer medigap-direct\) is inactive on \d{4}-\d{2}-\d{2}/);
    expect(opened[0].title).not.toMatch(/MGD1234591|Testcase/);
    await handle.terminate('the test is over');
  });
});
