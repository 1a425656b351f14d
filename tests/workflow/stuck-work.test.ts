/**
 * Stuck work is visible (issue 9.4): an activity that keeps failing blocks its order on
 * `system-error` with a biller task, in the order's status, its DmeBlockedOn attribute and
 * its Web UI details; when the activity goes through, the task closes and the blocker clears.
 * A failure no retry can fix shows at once, and the order waits for the fix instead of failing.
 *
 * Activity retries here run in real time (the test server's clock stands while nothing awaits
 * a result), so each attempt comes seconds after the last: polls are in real time too.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { WorkflowHandle } from '@temporalio/client';
import type { Clearinghouse } from '../../activities/clearinghouse/types';
import { claims, tasks } from '../../db/schema';
import { orderStatus, type OrderStatus } from '../../workflows/definitions';
import { DmeBlockedOn } from '../../workflows/search-attributes';
import { approveAllDocuments, confirmDelivery, createOrderHarness, eventually, seedOrder, waitForStatus, type OrderHarness } from '../support/orders';

jest.setTimeout(120_000);
/** Retries come seconds apart in real time: allow a few of them. */
const within = 60_000;

let harness: OrderHarness;
afterEach(() => harness?.teardown());

async function deliveredWalker() {
  const seeded = await seedOrder(harness.database, {
    items: [{ hcpcs: 'E0143', acquisition: 'purchase', unitCharge: 15_000 }],
    orderDate: await harness.today(-3),
  });
  const handle = await harness.startOrder(seeded.orderId);
  await approveAllDocuments(handle);
  await waitForStatus(handle, (status) => status.stage === 'delivery');
  await confirmDelivery(handle, await harness.today());
  return { ...seeded, handle };
}

const systemErrorTasks = (orderId: string) =>
  harness.database.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.orderId, orderId), eq(tasks.kind, 'system-error')));

/** What staff and operators see: the live status, the search attribute and the Web UI details. */
async function seen(handle: WorkflowHandle) {
  const status: OrderStatus = await handle.query(orderStatus);
  const { typedSearchAttributes } = await handle.describe();
  const { currentDetails } = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');
  return { status, blockedOn: typedSearchAttributes.get(DmeBlockedOn), details: currentDetails };
}

test('a clearinghouse that keeps refusing the claim file blocks the order on system-error after the configured attempts, and clears when it goes through', async () => {
  let refusing = true;
  let submitAttempts = 0;
  harness = await createOrderHarness({
    attemptsBeforeBlocked: 3,
    wrapClearinghouse: (clearinghouse: Clearinghouse): Clearinghouse => ({
      ...clearinghouse,
      checkEligibility: clearinghouse.checkEligibility.bind(clearinghouse),
      requestClaimStatus: clearinghouse.requestClaimStatus.bind(clearinghouse),
      collect: clearinghouse.collect.bind(clearinghouse),
      confirm: clearinghouse.confirm.bind(clearinghouse),
      async submitClaims(file, asOf) {
        submitAttempts += 1;
        if (refusing) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
        return clearinghouse.submitClaims(file, asOf);
      },
    }),
  });
  const { orderId, handle } = await deliveredWalker();

  const [task] = await eventually(
    async () => {
      const found = await systemErrorTasks(orderId);
      return found.length > 0 && found;
    },
    'a system-error task',
    within,
  );
  // Two failures are ordinary retries; the third is the configured limit.
  expect(submitAttempts).toBeGreaterThanOrEqual(3);
  expect(task).toMatchObject({ role: 'biller', status: 'open' });
  expect(task.title).toContain('CLEARINGHOUSE_UNREACHABLE, attempt 3');
  const blocked = await eventually(
    async () => {
      const view = await seen(handle);
      return view.blockedOn === 'system-error' && view;
    },
    'DmeBlockedOn system-error',
    within,
  );
  expect(blocked.status.blockedOn).toBe('system-error');
  expect(blocked.status.systemError).toMatchObject({ code: 'CLEARINGHOUSE_UNREACHABLE', activityType: 'submitClaim', taskKey: task.taskKey });
  expect(blocked.status.systemError!.workflowId).toMatch(/^claim-/);
  expect(blocked.details).toContain('**System error:** submitClaim keeps failing (CLEARINGHOUSE_UNREACHABLE)');
  expect(await systemErrorTasks(orderId)).toHaveLength(1);

  refusing = false;
  const closed = await eventually(
    async () => {
      const [row] = await systemErrorTasks(orderId);
      return row.status === 'done' && row;
    },
    'the task closed',
    within,
  );
  expect(closed).toMatchObject({ doneBy: 'system' });
  expect(closed.note).toMatch(/^submitClaim succeeded on attempt \d+$/);
  const recovered = await eventually(
    async () => {
      const view = await seen(handle);
      return view.blockedOn !== 'system-error' && view;
    },
    'the blocker cleared',
    within,
  );
  expect(recovered.status.systemError).toBeNull();
  expect(recovered.status.blockedOn).not.toBe('system-error');
  expect(recovered.details).not.toContain('System error');
  const [claim] = await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId));
  await eventually(
    async () => (await harness.database.db.select().from(claims).where(eq(claims.id, claim.id)))[0].status !== 'built' || undefined,
    'the claim sent',
    within,
  );
  await handle.terminate('test done');
});

test('a failure no retry can fix (a check constraint on the claim) shows at once; the order waits rather than fails, and goes on once the cause is fixed', async () => {
  harness = await createOrderHarness({ attemptsBeforeBlocked: 5 });
  await harness.database.db.execute(sql`ALTER TABLE claims ADD CONSTRAINT stuck_work_test CHECK (total_charge < 100)`);
  const { orderId, handle } = await deliveredWalker();

  const [task] = await eventually(
    async () => {
      const found = await systemErrorTasks(orderId);
      return found.length > 0 && found;
    },
    'a system-error task',
    within,
  );
  expect(task.title).toContain('DB_CHECK_VIOLATION, attempt 1');
  const blocked = await eventually(
    async () => {
      const view = await seen(handle);
      return view.blockedOn === 'system-error' && view;
    },
    'DmeBlockedOn system-error',
    within,
  );
  expect(blocked.status.systemError).toMatchObject({ code: 'DB_CHECK_VIOLATION', taskKey: task.taskKey });
  expect(blocked.status.systemError!.workflowId).toBe(handle.workflowId);
  expect((await handle.describe()).status.name).toBe('RUNNING');

  await harness.database.db.execute(sql`ALTER TABLE claims DROP CONSTRAINT stuck_work_test`);
  await eventually(
    async () => {
      const [row] = await systemErrorTasks(orderId);
      return row.status === 'done' && row;
    },
    'the task closed',
    within,
  );
  const recovered = await eventually(
    async () => {
      const view = await seen(handle);
      return view.status.systemError === null && view.blockedOn !== 'system-error' && view;
    },
    'the blocker cleared',
    within,
  );
  expect(recovered.status.claims).toHaveLength(1);
  expect(await harness.database.db.select().from(claims).where(eq(claims.orderId, orderId))).toHaveLength(1);
  await handle.terminate('test done');
});
