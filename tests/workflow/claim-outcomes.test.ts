/**
 * Claim outcomes on the time-skipping server with the sandbox payer: a silent claim
 * chased on the status-inquiry cadence; a CO-50 denial's redetermination deadline with
 * its reminders and escalation; a won appeal paid by a new remittance; an unprocessable
 * CO-16 claim corrected and resubmitted; a duplicate payment's credit balance escalated
 * before its 60-day deadline and closed on refund.
 */
import { and, asc, eq, like, sql } from 'drizzle-orm';
import { createRemittanceActivities, remittanceSignals } from '../../activities/remittances';
import { sampleFeeSchedule } from '../../activities/clearinghouse/sandbox-payer';
import { appeals, claimEvents, claimLines, claims, coverages, creditBalances, ledgerEntries, sandboxClaims, tasks } from '../../db/schema';
import { addDays } from '../../domain/calendar';
import { expectedPayment, lineAllowedAmount } from '../../domain/pricing';
import type { claimWorkflow } from '../../workflows/claim';
import type { creditBalanceWorkflow } from '../../workflows/credit-balance';
import {
  appealDecided,
  appealFiled,
  claimCorrected,
  claimWorkflowId,
  creditBalanceResolved,
  creditBalanceWorkflowId,
  remittancePosted,
} from '../../workflows/definitions';
import {
  approveAllDocuments,
  command,
  confirmDelivery,
  createOrderHarness,
  DAY,
  daysBetween,
  eventually,
  type OrderHarness,
  seedOrder,
  tasksOpenedBy,
  waitForStatus,
} from '../support/orders';
import { build835 } from '../support/receivables';

jest.setTimeout(240_000);

// Each test gets its own test server: they move its clock by months.
let harness: OrderHarness;
afterEach(() => harness?.teardown());

/** A walker (E0143, purchase) ordered, documented and delivered today: its claim goes out at once. */
async function deliveredWalker(memberId: string) {
  const seeded = await seedOrder(harness.database, {
    items: [{ hcpcs: 'E0143', acquisition: 'purchase', unitCharge: 15_000 }],
    memberId,
    orderDate: await harness.today(-3),
  });
  const handle = await harness.startOrder(seeded.orderId);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  const deliveredOn = await harness.today();
  await confirmDelivery(handle, deliveredOn);
  return { ...seeded, handle };
}

const claimsOf = (orderId: string) => harness.database.db.select().from(claims).where(eq(claims.orderId, orderId)).orderBy(asc(claims.createdAt));
const tasksOf = (claimId: string) => harness.database.db.select().from(tasks).where(eq(tasks.claimId, claimId)).orderBy(asc(tasks.createdAt));
const dateOf = (at: Date) => at.toISOString().slice(0, 10);
const balancesOf = async (claimId: string) => {
  const rows = await harness.database.db
    .select({ party: ledgerEntries.party, total: sql<number>`sum(${ledgerEntries.amount})::int` })
    .from(ledgerEntries)
    .where(eq(ledgerEntries.claimId, claimId))
    .groupBy(ledgerEntries.party);
  const [claim] = await harness.database.db.select().from(claims).where(eq(claims.id, claimId));
  return {
    payer: claim.totalCharge + (rows.find((row) => row.party === 'payer')?.total ?? 0),
    patient: rows.find((row) => row.party === 'patient')?.total ?? 0,
  };
};

test('a silent claim is asked after on the cadence: a 90-day remittance delay sees inquiries on days 30, 44, 58, 72 and 86, then the 835 pays it', async () => {
  harness = await createOrderHarness({ remittanceDelayMs: 90 * DAY });
  const { orderId, handle } = await deliveredWalker('1EG4TE5MK73');
  expect(await handle.result()).toMatchObject({ stage: 'closed', claims: 1 });

  const [claim] = await claimsOf(orderId);
  const inquiries = await harness.database.db
    .select()
    .from(claimEvents)
    .where(and(eq(claimEvents.claimId, claim.id), eq(claimEvents.kind, 'status-inquiry')))
    .orderBy(asc(claimEvents.at));
  const daysAfterSubmission = inquiries.map((event) => Math.floor((event.at.getTime() - claim.submittedAt!.getTime()) / DAY));
  expect(daysAfterSubmission).toEqual([30, 44, 58, 72, 86]);
  // Pending at the payer each time (277 P1), then paid by the 835.
  expect(inquiries.every((event) => (event.detail.codes as string[]).includes('P1:20'))).toBe(true);
  expect(claim).toMatchObject({ status: 'paid', resolution: 'patient-billed' });
  expect(await balancesOf(claim.id)).toMatchObject({ payer: 0 });
  // Acknowledged and pending at the payer is not lost: no acknowledgement-missing or claim-not-found task.
  expect((await tasksOf(claim.id)).map((task) => task.kind)).toEqual([]);
});

test('a claim file that never reached the payer: no acknowledgement by day 2 asks the biller to check the clearinghouse; each inquiry the payer answers "no record" (days 32 and 46) asks to resend', async () => {
  harness = await createOrderHarness({ acknowledgementDelayMs: 90 * DAY, remittanceDelayMs: 90 * DAY });
  const { orderId, handle } = await deliveredWalker('1EG4TE5MK73');
  const claim = await eventually(async () => (await claimsOf(orderId)).find((row) => row.submittedAt !== null), 'the claim sent');
  // The file goes astray: the payer has no trace of it, so no 999/277CA and no 835 will come.
  const lost = await eventually(async () => {
    const removed = await harness.database.db
      .delete(sandboxClaims)
      .where(like(sandboxClaims.x12, `%CLM*${claim.claimNumber}*%`))
      .returning();
    return removed.length > 0 ? removed : undefined;
  }, 'the payer received the file');
  expect(lost).toHaveLength(1);

  const claimHandle = harness.env.client.workflow.getHandle<typeof claimWorkflow>(claimWorkflowId(claim.id));
  const started = (await claimHandle.describe()).startTime.getTime();
  await harness.env.sleep(started + 47 * DAY - (await harness.env.currentTimeMs()));
  const opened = (await tasksOpenedBy(claimHandle)).map(({ kind, role, at }) => ({ kind, role, day: daysBetween(started, at) }));
  expect(opened).toEqual([
    { kind: 'acknowledgement-missing', role: 'biller', day: 2 },
    { kind: 'claim-not-found', role: 'biller', day: 32 },
    { kind: 'claim-not-found', role: 'biller', day: 46 },
  ]);
  const rows = await eventually(async () => {
    const found = await tasksOf(claim.id);
    return found.length === 3 ? found : undefined;
  }, 'the three task rows');
  expect(rows.map((task) => [task.kind, task.role, task.orderId, task.status])).toEqual([
    ['acknowledgement-missing', 'biller', orderId, 'open'],
    ['claim-not-found', 'biller', orderId, 'open'],
    ['claim-not-found', 'biller', orderId, 'open'],
  ]);
  expect((await claimHandle.describe()).status.name).toBe('RUNNING');
  await claimHandle.terminate('test done');
  await handle.terminate('test done');
});

test('a CO-50 denial (member id …93) opens a redetermination due in 120 days, reminds at 60, 30 and 14 days before, escalates at 7, and writes off at the deadline', async () => {
  harness = await createOrderHarness();
  const { orderId, handle } = await deliveredWalker('1EG4TE5MK93');
  // The claim reports to its order only once it is settled: here, when the deadline passes.
  expect(await handle.result()).toMatchObject({ stage: 'closed', claims: 1 });

  const [claim] = await claimsOf(orderId);
  const [appeal] = await harness.database.db.select().from(appeals).where(eq(appeals.claimId, claim.id));
  expect(appeal).toMatchObject({ level: 'redetermination', status: 'expired', denialCodes: ['CO-50', 'N115'], amount: 15_000 });
  // The clock starts at the initial determination: the 835's payment date.
  const determinationOn = dateOf(new Date(claim.submittedAt!.getTime() + 14 * DAY));
  expect(appeal.determinationOn).toBe(determinationOn);
  expect(appeal.deadlineOn).toBe(addDays(determinationOn, 120));

  const staffTasks = (await tasksOf(claim.id)).map((task) => ({
    kind: task.kind,
    role: task.role,
    on: dateOf(task.createdAt),
    due: task.dueAt ? dateOf(task.dueAt) : null,
  }));
  const due = addDays(determinationOn, 120);
  expect(staffTasks).toEqual([
    { kind: 'redetermination-due', role: 'biller', on: determinationOn, due },
    { kind: 'redetermination-reminder', role: 'biller', on: addDays(determinationOn, 60), due },
    { kind: 'redetermination-reminder', role: 'biller', on: addDays(determinationOn, 90), due },
    { kind: 'redetermination-reminder', role: 'biller', on: addDays(determinationOn, 106), due },
    { kind: 'redetermination-escalation', role: 'reviewer', on: addDays(determinationOn, 113), due },
    { kind: 'appeal-deadline-passed', role: 'biller', on: due, due: null },
  ]);
  const [closed] = await claimsOf(orderId);
  expect(closed).toMatchObject({
    status: 'written-off',
    resolution: 'written-off',
    statusReason: expect.stringContaining('redetermination deadline'),
  });
  expect(await balancesOf(claim.id)).toEqual({ payer: 0, patient: 0 });
});

test('a won appeal waits for the new remittance, which posts the new payment: the claim ends appealed and paid', async () => {
  harness = await createOrderHarness();
  const { orderId, handle } = await deliveredWalker('1EG4TE5MK93');
  await harness.env.sleep(15 * DAY);
  const [claim] = await claimsOf(orderId);
  const appeal = await eventually(
    async () => (await harness.database.db.select().from(appeals).where(eq(appeals.claimId, claim.id)))[0],
    'the appeal opened',
  );
  const claimHandle = harness.env.client.workflow.getHandle<typeof claimWorkflow>(claimWorkflowId(claim.id));

  await command(claimHandle, appealFiled, {
    user: 'bea.biller',
    claimId: claim.id,
    appealId: appeal.id,
    level: 'redetermination',
    filedOn: await harness.today(),
    reference: 'RD-0001',
  });
  await eventually(
    async () => ((await harness.database.db.select().from(appeals).where(eq(appeals.id, appeal.id)))[0].status === 'filed' ? true : undefined),
    'the filing recorded',
  );
  await harness.env.sleep(40 * DAY);
  await command(claimHandle, appealDecided, {
    user: 'bea.biller',
    claimId: claim.id,
    appealId: appeal.id,
    decision: 'won',
    decidedOn: await harness.today(),
  });

  // The contractor pays the claim on a new remittance.
  const [line] = await harness.database.db.select().from(claimLines).where(eq(claimLines.claimId, claim.id));
  const fee = lineAllowedAmount(sampleFeeSchedule(), { hcpcs: line.hcpcs, modifiers: line.modifiers, units: 1 }, { state: 'OH', rural: false })!;
  const payment = expectedPayment({ charge: line.charge, allowed: fee, deductibleRemaining: 0, coinsuranceRate: 0.2, sequestrationRate: 0.02 });
  const posting = createRemittanceActivities({ db: harness.database.db });
  const posted = await posting.postRemittance({
    source: 'api',
    user: 'bea.biller',
    content: build835({
      trace: 'RD0001PAID',
      claims: [
        {
          pcn: claim.claimNumber,
          charge: line.charge,
          paid: payment.payerPays,
          icn: '31000000001',
          lines: [
            {
              hcpcs: line.hcpcs,
              modifiers: line.modifiers,
              charge: line.charge,
              paid: payment.payerPays,
              allowed: payment.allowed,
              lineControlNumber: line.lineControlNumber,
              adjustments: [
                { group: 'CO', reason: '45', amount: payment.contractualAdjustment },
                { group: 'CO', reason: '253', amount: payment.sequestration },
                { group: 'PR', reason: '2', amount: payment.coinsurance },
              ],
            },
          ],
        },
      ],
    }),
  });
  if (!posted.ok) throw new Error('the appeal payment did not post');
  for (const signal of remittanceSignals(posted.remittances, 'bea.biller')) await claimHandle.signal(remittancePosted, signal);

  expect(await handle.result()).toMatchObject({ stage: 'closed' });
  expect(await claimHandle.result()).toMatchObject({ outcome: 'paid', resolution: 'appealed-paid' });
  const [paid] = await claimsOf(orderId);
  expect(paid).toMatchObject({ status: 'paid', resolution: 'appealed-paid', paidAmount: payment.payerPays });
  expect(await balancesOf(claim.id)).toEqual({ payer: 0, patient: payment.coinsurance });
  const [decided] = await harness.database.db.select().from(appeals).where(eq(appeals.id, appeal.id));
  expect(decided).toMatchObject({ status: 'won', reference: 'RD-0001', filedBy: 'bea.biller', decidedBy: 'bea.biller' });
});

test('an unprocessable claim (CO-16 + MA130, member id …97) is voided; once staff fix it, a corrected claim goes out and is paid', async () => {
  harness = await createOrderHarness();
  const { orderId, coverageId, handle } = await deliveredWalker('1EG4TE5MK97');
  await harness.env.sleep(15 * DAY);
  const status = await waitForStatus(handle, (current) => current.claims[0]?.status === 'rejected');
  const original = status.claims[0];
  const [returned] = await claimsOf(orderId);
  expect(returned).toMatchObject({ status: 'rejected', statusReason: expect.stringContaining('CO-16') });
  expect((await tasksOf(original.claimId)).map((task) => task.kind)).toContain('claim-unprocessable');

  // Intake corrects the member id, then the biller sends the claim again.
  await harness.database.db.update(coverages).set({ memberId: '1EG4TE5MK73' }).where(eq(coverages.id, coverageId));
  await command(handle, claimCorrected, { user: 'bea.biller', claimId: original.claimId });
  expect(await handle.result()).toMatchObject({ stage: 'closed', claims: 2 });

  const [first, corrected] = await claimsOf(orderId);
  expect(first).toMatchObject({ id: original.claimId, status: 'corrected', resolution: 'corrected-and-resubmitted' });
  expect(corrected).toMatchObject({ correctsClaimId: original.claimId, status: 'paid', resolution: 'patient-billed' });
});

test('a duplicate payment (member id …95) opens a credit balance: reminders, an escalation before day 60, closed on the refund', async () => {
  harness = await createOrderHarness();
  const { orderId, handle } = await deliveredWalker('1EG4TE5MK95');
  expect(await handle.result()).toMatchObject({ stage: 'closed' });
  const [claim] = await claimsOf(orderId);

  // The payer pays the claim a second time one remittance delay later.
  await harness.env.sleep(15 * DAY);
  const credit = await eventually(
    async () => (await harness.database.db.select().from(creditBalances).where(eq(creditBalances.claimId, claim.id)))[0],
    'the credit balance found',
  );
  expect(credit).toMatchObject({ party: 'payer', reason: 'duplicate-payment', amount: claim.paidAmount, status: 'open' });
  const identifiedOn = dateOf(credit.identifiedAt);
  expect(credit.deadlineOn).toBe(addDays(identifiedOn, 60));

  // To day 54 after identification: past the escalation (7 days before the deadline), short of the deadline.
  await harness.env.sleep(Date.parse(`${addDays(identifiedOn, 54)}T00:00:00Z`) - (await harness.env.currentTimeMs()));
  const creditTasks = await eventually(async () => {
    const found = (await tasksOf(claim.id)).filter((task) => task.kind.startsWith('credit-balance'));
    return found.length >= 4 ? found : undefined;
  }, 'the credit-balance tasks');
  expect(creditTasks.map((task) => [task.kind, task.role, dateOf(task.createdAt)])).toEqual([
    ['credit-balance-identified', 'biller', identifiedOn],
    ['credit-balance-reminder', 'biller', addDays(identifiedOn, 30)],
    ['credit-balance-reminder', 'biller', addDays(identifiedOn, 46)],
    ['credit-balance-escalation', 'reviewer', addDays(identifiedOn, 53)],
  ]);

  const creditHandle = harness.env.client.workflow.getHandle<typeof creditBalanceWorkflow>(creditBalanceWorkflowId(credit.id));
  await command(creditHandle, creditBalanceResolved, {
    user: 'bea.biller',
    creditBalanceId: credit.id,
    resolution: 'refund-to-payer',
    reference: 'CHK-1001',
  });
  expect(await creditHandle.result()).toEqual({ creditBalanceId: credit.id, resolution: 'refund-to-payer', escalated: true });
  const [resolved] = await harness.database.db.select().from(creditBalances).where(eq(creditBalances.id, credit.id));
  expect(resolved).toMatchObject({ status: 'resolved', resolution: 'refund-to-payer', reference: 'CHK-1001', resolvedBy: 'bea.biller' });
  expect((await balancesOf(claim.id)).payer).toBe(0);
  const [refunded] = await claimsOf(orderId);
  expect(refunded.resolution).toBe('refunded');
});
