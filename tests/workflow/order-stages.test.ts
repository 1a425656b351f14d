import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { ApplicationFailure } from '@temporalio/common';
import { and, count, eq, like } from 'drizzle-orm';
import { createActivities } from '../../activities';
import { addMonths } from '../../domain/calendar';
import { auditEvents, claimLines, claims, coverages, deliveries, priorAuths, sandboxClaims, tasks } from '../../db/schema';
import {
  COMMAND_REFUSED,
  cancelOrder,
  coverageUpdated,
  documentReceived,
  documentReviewed,
  orderStatus,
  priorAuthDecided,
  type CommandRefusedDetails,
} from '../../workflows/definitions';
import { DmeBlockedOn, DmeFollowUpAt, DmeHcpcs, DmePayer, DmeRentalMonth, DmeStage } from '../../workflows/search-attributes';
import {
  approveAllDocuments,
  command,
  confirmDelivery,
  createOrderHarness,
  DAY,
  type OrderHarness,
  daysBetween,
  receiveDocument,
  seedOrder,
  stagesRecordedBy,
  tasksOpenedBy,
  waitForStatus,
} from '../support/orders';

jest.setTimeout(120_000);

// Each test moves the shared test-server clock, so each gets its own server, worker and database.
let harness: OrderHarness;
beforeEach(async () => {
  harness = await createOrderHarness();
});
afterEach(() => harness?.teardown());

async function tasksOf(orderId: string, kind: string) {
  return harness.database.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.orderId, orderId), eq(tasks.kind, kind)));
}

/** The tasks the order opened from the first of `kind` on, each with its day counted from that one (virtual time). */
async function followUpDays(handle: WorkflowHandle, kind: string) {
  const opened = await tasksOpenedBy(handle);
  const first = opened.find((task) => task.kind === kind);
  if (!first) throw new Error(`no ${kind} task in ${JSON.stringify(opened)}`);
  return opened.slice(opened.indexOf(first)).map((task) => ({ kind: task.kind, role: task.role, day: daysBetween(first.at, task.at) }));
}

async function newOrder(options: Partial<Parameters<typeof seedOrder>[1]> = {}) {
  const seeded = await seedOrder(harness.database, {
    items: [{ hcpcs: 'E0143', acquisition: 'purchase' }],
    orderDate: await harness.today(-1),
    ...options,
  });
  return { ...seeded, handle: await harness.startOrder(seeded.orderId) };
}

test('missing documents: reminders every 3 days, one escalation at day 14, auto-cancel at day 60', async () => {
  const { orderId, handle } = await newOrder();
  await waitForStatus(handle, (status) => status.blockedOn === 'documents');
  const outcome = await handle.result();
  expect(outcome).toMatchObject({ stage: 'cancelled', reason: expect.stringContaining('documentation window of 60 days closed') });
  const { startTime, closeTime } = await handle.describe();
  const opened = (await tasksOpenedBy(handle)).map(({ kind, role, at }) => ({ kind, role, day: daysBetween(startTime.getTime(), at) }));
  const reminder = (day: number) => ({ kind: 'document-reminder', role: 'intake', day });
  // Days 3, 6, 9, 12, the escalation on day 14, then 17, 20 … 59: the cadence restarts from the escalation.
  expect(opened).toEqual([
    ...[3, 6, 9, 12].map(reminder),
    { kind: 'document-escalation', role: 'reviewer', day: 14 },
    ...Array.from({ length: 15 }, (_, index) => reminder(17 + 3 * index)),
  ]);
  expect(daysBetween(startTime.getTime(), closeTime!.getTime())).toBe(60);
  expect(await tasksOf(orderId, 'document-reminder')).toHaveLength(4 + 15);
  expect(await tasksOf(orderId, 'document-escalation')).toHaveLength(1);
  const [cancelled] = await harness.database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.entityId, orderId), eq(auditEvents.action, 'order.cancelled')));
  expect(cancelled.actor).toBe('system');
});

test('a rejected document is asked for again; the order goes on once a new one is approved', async () => {
  const { orderId, handle } = await newOrder();
  await waitForStatus(handle, (status) => status.blockedOn === 'documents');
  const first = await receiveDocument(handle, 'standard-written-order');
  await command(handle, documentReviewed, { user: 'rex.reviewer', documentId: first, decision: 'rejected', reason: 'unsigned' });
  const rejected = await waitForStatus(handle, (status) => status.documents[0].status === 'rejected');
  expect(rejected.documents[0].rejectReason).toBe('unsigned');
  await waitForTask(orderId, 'document-rejected');
  expect((await tasksOpenedBy(handle)).map(({ kind, role }) => ({ kind, role }))).toEqual([{ kind: 'document-rejected', role: 'intake' }]);
  const second = await receiveDocument(handle, 'standard-written-order');
  await command(handle, documentReviewed, { user: 'rex.reviewer', documentId: second, decision: 'approved' });
  await waitForStatus(handle, (status) => status.stage === 'delivery');
});

test('inactive coverage blocks the order on coverage until staff correct it; the new coverage is checked and the order goes on', async () => {
  // Sandbox trigger: a member id ending in 91 answers the 270 with inactive coverage.
  const { orderId, patientId, handle } = await newOrder({ memberId: '1EG4TE5MK91' });
  await approveAllDocuments(handle);
  const blocked = await waitForStatus(handle, (status) => status.blockedOn === 'coverage');
  expect(blocked).toMatchObject({ stage: 'eligibility', eligibility: { active: false } });
  await waitForTask(orderId, 'coverage-problem');

  // Two follow-up cadences pass (days 2 and 4), not a third: staff get two reminders.
  await harness.env.sleep(5 * DAY);
  expect(await followUpDays(handle, 'coverage-problem')).toEqual([
    { kind: 'coverage-problem', role: 'intake', day: 0 },
    { kind: 'coverage-reminder', role: 'intake', day: 2 },
    { kind: 'coverage-reminder', role: 'intake', day: 4 },
  ]);
  expect(await tasksOf(orderId, 'coverage-reminder')).toHaveLength(2);

  const [corrected] = await harness.database.db
    .insert(coverages)
    .values({ patientId, payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary', relationship: 'self', createdBy: 'ivy.intake' })
    .returning({ id: coverages.id });
  await command(handle, coverageUpdated, { user: 'ivy.intake', coverageId: corrected.id });
  const after = await waitForStatus(handle, (status) => status.stage === 'delivery');
  expect(after.eligibility).toMatchObject({ active: true, coversDme: true });
});

test('coverage never corrected: reminders every 2 days, the escalation on day 7, auto-cancel on day 30', async () => {
  const { orderId, handle } = await newOrder({ memberId: '1EG4TE5MK91' });
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.blockedOn === 'coverage');
  expect(await handle.result()).toEqual({ orderId, stage: 'cancelled', claims: 0, reason: 'coverage not corrected within 30 days' });
  const reminder = (day: number) => ({ kind: 'coverage-reminder', role: 'intake', day });
  expect(await followUpDays(handle, 'coverage-problem')).toEqual([
    { kind: 'coverage-problem', role: 'intake', day: 0 },
    ...[2, 4, 6].map(reminder),
    { kind: 'coverage-escalation', role: 'reviewer', day: 7 },
    ...Array.from({ length: 11 }, (_, index) => reminder(9 + 2 * index)),
  ]);
  const [problem] = await tasksOf(orderId, 'coverage-problem');
  const problemAt = (await tasksOpenedBy(handle)).find((task) => task.kind === 'coverage-problem')!.at;
  expect(daysBetween(problemAt, (await handle.describe()).closeTime!.getTime())).toBe(30);
  expect(problem).toMatchObject({ role: 'intake', status: 'done', doneBy: 'system' });
});

test('prior auth non-affirmed, resubmitted, then affirmed: the tracking number goes on the claim', async () => {
  const { orderId, handle } = await newOrder({ items: [{ hcpcs: 'L1851', acquisition: 'purchase', side: 'bilateral' }] });
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'prior-auth' && status.priorAuth.status === 'requested');
  await command(handle, priorAuthDecided, { user: 'rex.reviewer', decision: 'non-affirmed', reason: 'insufficient documentation', next: 'resubmit' });
  await waitForStatus(handle, (status) => status.priorAuth.status === 'requested');
  await waitForDatabase(async () => (await tasksOf(orderId, 'prior-auth-request')).length === 2);
  expect((await tasksOpenedBy(handle)).map(({ kind, role }) => ({ kind, role }))).toEqual([
    { kind: 'prior-auth-request', role: 'reviewer' },
    { kind: 'prior-auth-non-affirmed', role: 'reviewer' },
    { kind: 'prior-auth-request', role: 'reviewer' },
  ]);
  await command(handle, priorAuthDecided, {
    user: 'rex.reviewer',
    decision: 'affirmed',
    trackingNumber: 'A1B2C3D4E5F6G7',
    expiresOn: await harness.today(60),
  });
  await waitForStatus(handle, (status) => status.stage === 'delivery' && status.priorAuth.status === 'affirmed');

  // The decision is written by an activity the signal handler runs: wait for it.
  await waitForDatabase(async () => {
    const requests = await harness.database.db.select().from(priorAuths).where(eq(priorAuths.orderId, orderId));
    return (
      requests
        .map((request) => request.status)
        .sort()
        .join() === 'affirmed,non-affirmed'
    );
  });

  const deliveredOn = await harness.today();
  await confirmDelivery(handle, deliveredOn);
  const withClaim = await waitForStatus(handle, (status) => status.claims.length === 1);
  const [claim] = await harness.database.db.select().from(claims).where(eq(claims.id, withClaim.claims[0].claimId));
  expect(claim.x12).toContain('REF*G1*A1B2C3D4E5F6G7~');
  await handle.terminate('test done');
});

test('silence on prior auth is followed up every 2 days and escalated on day 14, and an affirmation that lapses before delivery is requested again', async () => {
  const { orderId, handle } = await newOrder({ items: [{ hcpcs: 'L1851', acquisition: 'purchase' }] });
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.priorAuth.status === 'requested');
  await harness.env.sleep(15 * DAY);
  // Days 2, 4 … 12, then the escalation on day 14 goes to the biller; no decision is followed up again on day 16.
  expect(await followUpDays(handle, 'prior-auth-request')).toEqual([
    { kind: 'prior-auth-request', role: 'reviewer', day: 0 },
    ...[2, 4, 6, 8, 10, 12].map((day) => ({ kind: 'prior-auth-follow-up', role: 'reviewer', day })),
    { kind: 'prior-auth-escalation', role: 'biller', day: 14 },
  ]);
  expect(await tasksOf(orderId, 'prior-auth-follow-up')).toHaveLength(6);
  expect(await tasksOf(orderId, 'prior-auth-escalation')).toHaveLength(1);
  await command(handle, priorAuthDecided, {
    user: 'rex.reviewer',
    decision: 'affirmed',
    trackingNumber: 'ZZZZ1111YYYY22',
    expiresOn: await harness.today(5),
  });
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await harness.env.sleep(7 * DAY);
  const asked = await waitForStatus(handle, (status) => status.stage === 'prior-auth' && status.priorAuth.status === 'requested');
  expect(asked.priorAuth.trackingNumber).toBeUndefined();
  await waitForDatabase(async () => (await harness.database.db.select().from(priorAuths).where(eq(priorAuths.orderId, orderId))).length === 2);
  const requests = await harness.database.db.select().from(priorAuths).where(eq(priorAuths.orderId, orderId));
  expect(requests.map((request) => [request.status, request.trackingNumber]).sort()).toEqual([
    ['expired', 'ZZZZ1111YYYY22'],
    ['requested', null],
  ]);
  await handle.terminate('test done');
});

test('nobody confirms the delivery: reminders every 3 days to delivery staff, one escalation to the biller on day 14', async () => {
  const { handle } = await newOrder();
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await harness.env.sleep(21 * DAY);
  const entered = (await stagesRecordedBy(handle)).find((recorded) => recorded.stage === 'delivery')!.at;
  const opened = (await tasksOpenedBy(handle)).map(({ kind, role, at }) => ({ kind, role, day: daysBetween(entered, at) }));
  const reminder = (day: number) => ({ kind: 'delivery-reminder', role: 'delivery', day });
  expect(opened).toEqual([...[3, 6, 9, 12].map(reminder), { kind: 'delivery-escalation', role: 'biller', day: 14 }, ...[17, 20].map(reminder)]);
  await handle.terminate('test done');
});

/** What an operator sees of the order in Temporal: its search attributes and the Web UI's current details. */
async function operatorView(handle: WorkflowHandle, until: (attributes: { stage?: string; followUpAt?: Date }) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    // The upsert lands with the workflow task that made it: poll until the server shows it.
    const { typedSearchAttributes: attributes } = await handle.describe();
    const view = {
      stage: attributes.get(DmeStage),
      blockedOn: attributes.get(DmeBlockedOn),
      followUpAt: attributes.get(DmeFollowUpAt),
      payer: attributes.get(DmePayer),
      hcpcs: attributes.get(DmeHcpcs),
      rentalMonth: attributes.get(DmeRentalMonth),
    };
    if (until(view)) {
      const { currentDetails } = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
      return { ...view, details: currentDetails.split('\n\n') };
    }
    if (Date.now() > deadline) throw new Error(`search attributes never matched: ${JSON.stringify(view)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('operators see the real order in Temporal: stage, blocker, next follow-up, payer, HCPCS and rental month as search attributes, a summary as current details', async () => {
  const { handle } = await newOrder({ items: [{ hcpcs: 'E0601', acquisition: 'rental' }] });
  const waiting = await waitForStatus(handle, (status) => status.blockedOn === 'documents');
  const documentation = await operatorView(handle, (view) => view.stage === 'documentation' && view.followUpAt !== undefined);
  const startedAt = (await handle.describe()).startTime.getTime();
  expect(documentation).toEqual({
    stage: 'documentation',
    blockedOn: 'documents',
    followUpAt: new Date(waiting.nextFollowUpAt!),
    payer: 'medicare-jb',
    hcpcs: ['E0601'],
    rentalMonth: undefined,
    details: [
      '**Stage:** documentation — waiting for **documents**',
      `**Next follow-up:** ${waiting.nextFollowUpAt}`,
      `**Documents:** ${waiting.documents.map((document) => `${document.kind} (missing)`).join(', ')}`,
    ],
  });
  expect(waiting.documents.length).toBeGreaterThan(0);
  expect(daysBetween(startedAt, documentation.followUpAt!.getTime())).toBe(3);

  await approveAllDocuments(handle);
  const ready = await waitForStatus(handle, (status) => status.stage === 'delivery' && status.blockedOn === 'delivery');
  const delivery = await operatorView(handle, (view) => view.stage === 'delivery');
  const deliveryEntered = (await stagesRecordedBy(handle)).find((recorded) => recorded.stage === 'delivery')!.at;
  expect(delivery).toEqual({
    stage: 'delivery',
    blockedOn: 'delivery',
    followUpAt: new Date(ready.nextFollowUpAt!),
    payer: 'medicare-jb',
    hcpcs: ['E0601'],
    rentalMonth: undefined,
    details: ['**Stage:** delivery — waiting for **delivery**', `**Next follow-up:** ${ready.nextFollowUpAt}`],
  });
  expect(daysBetween(deliveryEntered, delivery.followUpAt!.getTime())).toBe(3);

  const deliveredOn = await harness.today();
  await confirmDelivery(handle, deliveredOn);
  const billing = await waitForStatus(handle, (status) => status.stage === 'rental' && status.nextFollowUpAt !== null);
  // The rental loop sleeps until month 2's anniversary, at the start of that day (UTC).
  const anniversary = `${addMonths(deliveredOn, 1)}T00:00:00.000Z`;
  expect(billing.nextFollowUpAt).toBe(anniversary);
  const rental = await operatorView(handle, (view) => view.stage === 'rental' && view.followUpAt !== undefined);
  expect(rental).toEqual({
    stage: 'rental',
    blockedOn: undefined,
    followUpAt: new Date(anniversary),
    payer: 'medicare-jb',
    hcpcs: ['E0601'],
    rentalMonth: 1,
    details: [
      '**Stage:** rental',
      `**Next follow-up:** ${anniversary}`,
      `**Delivered:** ${deliveredOn}`,
      '**Claims:** 1 (0 to fix)',
      '**Rental month:** 1',
    ],
  });
  await handle.terminate('test done');
});

test.each(['documentation', 'eligibility', 'prior-auth', 'delivery'] as const)(
  'cancelOrder in %s ends the order as cancelled before any claim',
  async (stage) => {
    const coverageStage = stage === 'eligibility';
    const { orderId, handle } = await newOrder({
      items: [{ hcpcs: stage === 'prior-auth' ? 'L1851' : 'E0143', acquisition: 'purchase' }],
      ...(coverageStage ? { memberId: '1EG4TE5MK91' } : {}),
    });
    if (stage !== 'documentation') await approveAllDocuments(handle);
    await waitForStatus(handle, (status) => status.stage === stage);
    await command(handle, cancelOrder, { user: 'ivy.intake', reason: 'patient declined' });
    const outcome = await handle.result();
    expect(outcome).toEqual({ orderId, stage: 'cancelled', claims: 0, reason: 'patient declined' });
    const [{ n }] = await harness.database.db.select({ n: count() }).from(claims).where(eq(claims.orderId, orderId));
    expect(n).toBe(0);
  },
);

/** The refusal a rejected Update carries (domain/order-commands.ts via the validator). */
async function refusalOf(sent: Promise<unknown>) {
  const error = await sent.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
  expect(cause.type).toBe(COMMAND_REFUSED);
  return { message: cause.message, ...(cause.details?.[0] as CommandRefusedDetails) };
}

test('commands that do not apply are refused with their reason, change nothing and never enter history', async () => {
  const { orderId, handle } = await newOrder();
  await waitForStatus(handle, (status) => status.blockedOn === 'documents');
  expect(await refusalOf(command(handle, documentReviewed, { user: 'rex.reviewer', documentId: randomUUID(), decision: 'approved' }))).toMatchObject({
    status: 409,
  });
  expect(
    await refusalOf(command(handle, documentReceived, { user: 'ivy.intake', documentId: randomUUID(), kind: 'oxygen-test', reference: 'dms://o2' })),
  ).toMatchObject({
    status: 422,
    field: 'kind',
    message: expect.stringContaining('it needs: standard-written-order'),
  });
  expect(
    await refusalOf(
      command(handle, priorAuthDecided, { user: 'rex.reviewer', decision: 'affirmed', trackingNumber: 'A1B2C3D4E5F6G7', expiresOn: '2030-01-01' }),
    ),
  ).toMatchObject({
    status: 409,
    message: expect.stringContaining('no prior-authorization request'),
  });
  expect(await refusalOf(confirmDelivery(handle, await harness.today()))).toMatchObject({
    status: 409,
    message: expect.stringContaining('not waiting for delivery'),
  });
  const untouched = await handle.query(orderStatus);
  expect(untouched).toMatchObject({ stage: 'documentation', delivery: null, priorAuth: { status: 'not-required' } });
  expect(untouched.documents.every((document) => document.status === 'missing')).toBe(true);

  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  expect(await refusalOf(confirmDelivery(handle, await harness.today(3)))).toMatchObject({
    status: 422,
    field: 'deliveredOn',
    message: 'must not be in the future',
  });
  expect(await refusalOf(confirmDelivery(handle, await harness.today(), { 'not-an-item': ['SN1'] }))).toMatchObject({
    status: 422,
    field: 'serialNumbers.not-an-item',
  });
  expect((await handle.query(orderStatus)).delivery).toBeNull();

  const deliveredOn = await harness.today();
  const accepted = await confirmDelivery(handle, deliveredOn);
  expect(accepted.delivery).toEqual({ deliveredOn });
  expect(await refusalOf(confirmDelivery(handle, deliveredOn))).toMatchObject({
    status: 409,
    message: `the order was already delivered on ${deliveredOn}`,
  });
  const outcome = await handle.result();
  expect(outcome).toMatchObject({ stage: 'closed', claims: 1 });
  // Refused commands left no trace in history: the one delivery confirmation there is the accepted one.
  const history = await handle.fetchHistory();
  const updates = (history.events ?? []).filter((event) => event.workflowExecutionUpdateAcceptedEventAttributes);
  const names = updates.map((event) => event.workflowExecutionUpdateAcceptedEventAttributes!.acceptedRequest!.input!.name);
  expect(names.filter((name) => name === 'deliveryConfirmed')).toHaveLength(1);
  expect(names).not.toContain('priorAuthDecided');
  const [proof] = await harness.database.db.select().from(deliveries).where(eq(deliveries.orderId, orderId));
  expect(proof).toMatchObject({ deliveredOn, signedBy: 'Pat Testcase', relationship: 'self', reportedBy: 'dan.delivery' });
  expect(proof.confirmedAt).not.toBeNull();
});

test('a worker that dies mid-order and is restarted does not bill or submit a claim twice', async () => {
  await harness.teardown();
  harness = await createOrderHarness({ maxCachedWorkflows: 0 });
  const { orderId, handle } = await newOrder({ items: [{ hcpcs: 'E0601', acquisition: 'rental' }] });
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  const deliveredOn = await harness.today();
  await confirmDelivery(handle, deliveredOn);
  // Kill the worker as soon as the claim row exists (building done, submission under way or next).
  await waitForDatabase(async () => (await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId))).length > 0);
  await harness.stopWorker();
  await harness.startWorker();
  // The acknowledgement and the remittance come on the sandbox payer's clock: move it on.
  await harness.env.sleep(15 * DAY);
  await waitForStatus(handle, (status) => status.claims[0]?.status === 'paid');

  // Temporal may also run an activity again after a crash: run submission again by hand.
  const [claim] = await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId));
  const [line] = await harness.database.db.select().from(claimLines).where(eq(claimLines.claimId, claim.id));
  const activities = createActivities(harness.deps);
  // Not sent again; it asks the mailbox to look again, and signals it itself (wakeMailbox false: the workflow need not).
  expect(await activities.submitClaim({ claimId: claim.id, asOf: new Date().toISOString() })).toEqual({
    submitted: false,
    claimNumber: claim.claimNumber,
    correctsClaimId: null,
    wakeMailbox: false,
  });
  // A second claim for the same month (a retried workflow step with a new claim id) is refused.
  const duplicate = await activities.prepareClaim({
    claimId: randomUUID(),
    orderId,
    lines: [
      {
        itemId: line.itemId,
        hcpcs: 'E0601',
        modifiers: line.modifiers,
        units: 1,
        charge: line.charge,
        serviceFrom: line.serviceFrom,
        serviceTo: line.serviceTo,
        diagnosisPointers: [1],
        rentalMonth: 1,
      },
    ],
    rentalPeriod: 1,
    rentalMonth: 1,
    asOf: new Date().toISOString(),
  });
  expect(duplicate).toMatchObject({ ok: false, failures: [expect.objectContaining({ code: 'DUPLICATE_SERVICE_PERIOD' })] });

  const claimRows = await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId));
  expect(claimRows).toHaveLength(1);
  // The sandbox payer keys claims by its own claim number; ours is CLM01 inside what it received.
  const received = await harness.database.db
    .select()
    .from(sandboxClaims)
    .where(like(sandboxClaims.x12, `%CLM*${claim.claimNumber}*%`));
  expect(received).toHaveLength(1);
  await handle.terminate('test done');
});

async function waitForTask(orderId: string, kind: string) {
  await waitForDatabase(async () => (await tasksOf(orderId, kind)).length > 0);
}

async function waitForDatabase(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the database never reached the expected state');
}
