/**
 * Tasks whose reason is gone are closed by the system with a note (issue 8): the prior-
 * auth request and its follow-ups once the decision is recorded, delivery reminders once
 * the delivery is confirmed, document chasing once every document is approved, coverage
 * tasks once the corrected coverage checks out, everything open when the order is
 * cancelled. Staff's own tasks of other kinds stay open. Time-skipping server, real
 * workflow, activities and database; the affirmation's expiry is capped by the program's
 * validity (orthoses 60 calendar days: CGS "Prior Authorization for DMEPOS").
 */
import { and, asc, eq, ne } from 'drizzle-orm';
import { coverages, tasks } from '../../db/schema';
import { addDays } from '../../domain/calendar';
import { cancelOrder, coverageUpdated, documentReviewed, priorAuthDecided } from '../../workflows/definitions';
import {
  approveAllDocuments,
  command,
  confirmDelivery,
  createOrderHarness,
  DAY,
  type OrderHarness,
  receiveDocument,
  seedOrder,
  waitForStatus,
} from '../support/orders';

jest.setTimeout(120_000);

let harness: OrderHarness;
beforeEach(async () => {
  harness = await createOrderHarness();
});
afterEach(() => harness?.teardown());

async function newOrder(options: Partial<Parameters<typeof seedOrder>[1]> = {}) {
  const seeded = await seedOrder(harness.database, {
    items: [{ hcpcs: 'E0143', acquisition: 'purchase' }],
    orderDate: await harness.today(-1),
    ...options,
  });
  return { ...seeded, handle: await harness.startOrder(seeded.orderId) };
}

async function tasksOf(orderId: string) {
  const rows = await harness.database.db.select().from(tasks).where(eq(tasks.orderId, orderId)).orderBy(asc(tasks.createdAt), asc(tasks.taskKey));
  return rows.map((task) => ({ kind: task.kind, status: task.status, doneBy: task.doneBy, note: task.note }));
}

/** Polls the task rows (in real time): closing is an activity the workflow runs after the fact. */
async function waitForTasks(orderId: string, check: (rows: Awaited<ReturnType<typeof tasksOf>>) => boolean) {
  const deadline = Date.now() + 20_000;
  let rows = await tasksOf(orderId);
  while (!check(rows)) {
    if (Date.now() > deadline) throw new Error(`tasks never matched: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    rows = await tasksOf(orderId);
  }
  return rows;
}

const closedBySystem = (note: string) => ({ status: 'done', doneBy: 'system', note: `Closed by the system: ${note}` });

test('the prior-auth request and its follow-ups are closed once the decision is recorded; an expiry past 60 days is refused', async () => {
  const { orderId, handle } = await newOrder({ items: [{ hcpcs: 'L1851', acquisition: 'purchase' }] });
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.priorAuth.status === 'requested');
  await harness.env.sleep(3 * DAY);
  await waitForTasks(orderId, (rows) => rows.some((row) => row.kind === 'prior-auth-follow-up'));

  const decidedOn = await harness.today();
  // Past the API (CLI, Web UI) the same validator refuses more than the program allows: orthoses 60 days (CGS JC "Prior Authorization for DMEPOS").
  const tooLong = command(handle, priorAuthDecided, {
    user: 'rex.reviewer',
    decision: 'affirmed',
    trackingNumber: 'A1B2C3D4E5F6G7',
    expiresOn: addDays(decidedOn, 90),
  });
  await expect(tooLong).rejects.toMatchObject({
    cause: { type: 'CommandRefused', message: expect.stringContaining(`must be on or before ${addDays(decidedOn, 60)}`) },
  });
  await command(handle, priorAuthDecided, {
    user: 'rex.reviewer',
    decision: 'affirmed',
    trackingNumber: 'A1B2C3D4E5F6G7',
    expiresOn: addDays(decidedOn, 60),
  });
  const affirmed = await waitForStatus(handle, (status) => status.stage === 'delivery');
  expect(affirmed.priorAuth).toMatchObject({ status: 'affirmed', expiresOn: addDays(decidedOn, 60) });

  const note = `the prior-authorization decision was recorded (affirmed) on ${decidedOn}`;
  const rows = await waitForTasks(orderId, (current) =>
    current.filter((row) => row.kind.startsWith('prior-auth')).every((row) => row.status === 'done'),
  );
  const priorAuthTasks = rows.filter((row) => row.kind.startsWith('prior-auth'));
  // Three days of silence: the one follow-up of day 2.
  expect(priorAuthTasks).toEqual([
    { kind: 'prior-auth-request', ...closedBySystem(note) },
    { kind: 'prior-auth-follow-up', ...closedBySystem(note) },
  ]);
  await handle.terminate('test done');
});

test('a non-affirmation closes the first request; the resubmission opens a new one that stays open', async () => {
  const { orderId, handle } = await newOrder({ items: [{ hcpcs: 'L1851', acquisition: 'purchase' }] });
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.priorAuth.status === 'requested');
  await waitForTasks(orderId, (rows) => rows.some((row) => row.kind === 'prior-auth-request'));
  await command(handle, priorAuthDecided, { user: 'rex.reviewer', decision: 'non-affirmed', reason: 'insufficient documentation', next: 'resubmit' });
  const rows = await waitForTasks(
    orderId,
    (current) => current.filter((row) => row.kind === 'prior-auth-request').length === 2 && current[0].status === 'done',
  );
  const note = `the prior-authorization decision was recorded (non-affirmed) on ${await harness.today()}`;
  expect(rows.filter((row) => row.kind !== 'prior-auth-follow-up')).toEqual([
    { kind: 'prior-auth-request', ...closedBySystem(note) },
    { kind: 'prior-auth-non-affirmed', status: 'open', doneBy: null, note: null },
    { kind: 'prior-auth-request', status: 'open', doneBy: null, note: null },
  ]);
  await handle.terminate('test done');
});

test('delivery reminders and the escalation are closed once the delivery is confirmed', async () => {
  const { orderId, handle } = await newOrder();
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await harness.env.sleep(15 * DAY);
  await waitForTasks(orderId, (rows) => rows.some((row) => row.kind === 'delivery-escalation'));

  const deliveredOn = await harness.today();
  await confirmDelivery(handle, deliveredOn);
  const rows = await waitForTasks(orderId, (current) => current.every((row) => row.status === 'done'));
  const deliveryTasks = rows.filter((row) => row.kind.startsWith('delivery-'));
  // Fifteen days: reminders on days 3, 6, 9 and 12, the escalation on day 14.
  expect(deliveryTasks.map((row) => row.kind)).toEqual([...Array(4).fill('delivery-reminder'), 'delivery-escalation']);
  for (const row of deliveryTasks) expect(row).toMatchObject(closedBySystem(`delivery on ${deliveredOn} was confirmed`));
  await handle.terminate('test done');
});

test('document chasing is closed once every document is approved; coverage tasks once the corrected coverage checks out', async () => {
  // Sandbox trigger: a member id ending in 91 answers the 270 with inactive coverage.
  const { orderId, patientId, handle } = await newOrder({ memberId: '1EG4TE5MK91' });
  await waitForStatus(handle, (status) => status.blockedOn === 'documents');
  const rejected = await receiveDocument(handle, 'standard-written-order');
  await command(handle, documentReviewed, { user: 'rex.reviewer', documentId: rejected, decision: 'rejected', reason: 'unsigned' });
  await harness.env.sleep(4 * DAY);
  await waitForTasks(orderId, (rows) => rows.some((row) => row.kind === 'document-reminder') && rows.some((row) => row.kind === 'document-rejected'));
  await approveAllDocuments(handle);
  const approvedBy = await harness.today();

  await waitForStatus(handle, (status) => status.blockedOn === 'coverage');
  await harness.env.sleep(3 * DAY);
  await waitForTasks(orderId, (rows) => rows.some((row) => row.kind === 'coverage-reminder'));
  const [corrected] = await harness.database.db
    .insert(coverages)
    .values({ patientId, payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary', relationship: 'self', createdBy: 'ivy.intake' })
    .returning({ id: coverages.id });
  const switchedOn = await harness.today();
  await command(handle, coverageUpdated, { user: 'ivy.intake', coverageId: corrected.id });
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  const checkedOn = await harness.today();

  const rows = await waitForTasks(orderId, (current) => current.every((row) => row.kind.startsWith('delivery-') || row.status === 'done'));
  const documentTasks = rows.filter((task) => task.kind.startsWith('document-'));
  expect(documentTasks.map((task) => task.kind)).toEqual(['document-rejected', 'document-reminder']);
  for (const row of documentTasks) {
    expect(row).toMatchObject(closedBySystem(`every required document was approved by ${approvedBy}`));
  }
  const coverageTasks = rows.filter((task) => task.kind.startsWith('coverage-'));
  // Three days on inactive coverage: the problem and the reminder of day 2.
  expect(coverageTasks.map((task) => task.kind)).toEqual(['coverage-problem', 'coverage-reminder']);
  for (const row of coverageTasks) {
    expect(row).toMatchObject(closedBySystem(`eligibility checked on ${checkedOn}: the coverage is active and covers DME`));
  }
  // The corrected primary replaced the inactive one: that one ended the day before, so the payers in order hold one primary.
  const [replaced] = await harness.database.db
    .select({ effectiveTo: coverages.effectiveTo })
    .from(coverages)
    .where(and(eq(coverages.patientId, patientId), ne(coverages.id, corrected.id)));
  expect(replaced.effectiveTo).toBe(addDays(switchedOn, -1));
  expect(rows.some((row) => row.kind === 'payer-order-problem')).toBe(false);
  await handle.terminate('test done');
});

test('cancelling the order closes what it left open', async () => {
  const { orderId, handle } = await newOrder();
  await waitForStatus(handle, (status) => status.blockedOn === 'documents');
  await harness.env.sleep(4 * DAY);
  await waitForTasks(orderId, (rows) => rows.some((row) => row.kind === 'document-reminder'));
  await command(handle, cancelOrder, { user: 'ivy.intake', reason: 'patient declined' });
  await handle.result();
  const rows = await waitForTasks(orderId, (current) => current.every((row) => row.status === 'done'));
  expect(rows).toEqual([{ kind: 'document-reminder', ...closedBySystem('the order was cancelled') }]);
});
