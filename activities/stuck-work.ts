/**
 * Stuck work is visible. An activity that keeps failing used to retry forever with
 * nothing to show for it: no blocker, no task, `blockedOn: null`. This boundary watches
 * every activity's attempts (it wraps them in createActivities, outside the PHI-free
 * failure boundary, so it sees the coded failure):
 *
 * - when an activity has failed `attemptsBeforeBlocked` times (ACTIVITY_ATTEMPTS_BEFORE_BLOCKED),
 *   or at once when its failure is one no retry can fix (a constraint, an overflow, an
 *   X12 build error: failures.ts marks them non-retryable), it opens a biller task keyed by
 *   the activity execution and tells the order's workflow (`systemErrorChanged`), which
 *   shows the `system-error` blocker in its status, `DmeBlockedOn` and its Web UI details;
 * - a failure no retry can fix is then retried on the normal backoff (at most every five
 *   minutes) instead of failing the workflow: the data or the schema gets fixed, and the
 *   next attempt goes through without anyone restarting the order;
 * - when that activity later succeeds, the task is closed by the system and the workflow
 *   is told, so the blocker clears.
 *
 * Only codes and names travel: the failure code, the activity type, ids.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { and, eq, sql } from 'drizzle-orm';
import type { Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { claims, creditBalances, orders, tasks } from '../db/schema';
import type { Logger } from '../logger';
import { orderWorkflowId, systemErrorChanged, type SystemErrorChanged } from '../workflows/definitions';
import { failureCodes } from './failures';

const defaultAttemptsBeforeBlocked = 5;

export interface StuckWorkDeps {
  db: Db;
  logger: Logger;
  temporal?: Client;
  attemptsBeforeBlocked?: number;
}

const systemCodes = new Set<string>(failureCodes);

export function withStuckWorkReporting<T extends object>(activities: T, deps: StuckWorkDeps): T {
  const threshold = deps.attemptsBeforeBlocked ?? defaultAttemptsBeforeBlocked;
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      typeof activity !== 'function'
        ? activity
        : async (...args: unknown[]) => {
            const info = activityInfo();
            try {
              const result = await (activity as (...input: unknown[]) => Promise<unknown>)(...args);
              if (info && info.attempt > 1) await cleared(deps, info);
              return result;
            } catch (error) {
              if (!info || error instanceof CancelledFailure) throw error;
              const failure = error instanceof ApplicationFailure ? error : undefined;
              const code = failure?.type ?? 'INTERNAL';
              const unfixableByRetry = failure?.nonRetryable === true && systemCodes.has(code);
              if (unfixableByRetry || info.attempt >= threshold) await raised(deps, info, code);
              if (unfixableByRetry && failure) {
                const retryable = ApplicationFailure.create({
                  type: failure.type ?? undefined,
                  message: failure.message,
                  details: failure.details ?? undefined,
                  nonRetryable: false,
                });
                retryable.stack = failure.stack;
                throw retryable;
              }
              throw error;
            }
          },
    ]),
  ) as T;
}

interface AttemptInfo {
  attempt: number;
  activityType: string;
  activityId: string;
  workflowId: string;
  runId: string;
}

/** The running activity's identity; none when an activity is called outside a worker (unit tests). */
function activityInfo(): AttemptInfo | undefined {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return undefined;
  }
  if (!info.workflowExecution) return undefined;
  return {
    attempt: info.attempt,
    activityType: info.activityType,
    activityId: info.activityId,
    workflowId: info.workflowExecution.workflowId,
    runId: info.workflowExecution.runId,
  };
}

/** One task per activity execution: its retries share it, a later incident gets its own. */
const taskKeyOf = (info: AttemptInfo) => `system-error:${info.runId}:${info.activityId}`;

async function raised(deps: StuckWorkDeps, info: AttemptInfo, code: string): Promise<void> {
  await report(deps, info, async (orderId) => {
    const taskKey = taskKeyOf(info);
    const created = await deps.db
      .insert(tasks)
      .values({
        id: randomUUID(),
        taskKey,
        orderId,
        role: 'biller',
        kind: 'system-error',
        title: `${info.activityType} keeps failing (${code}, attempt ${info.attempt}) in ${info.workflowId}; it is retried until it succeeds: fix the cause, see the workflow in the Temporal Web UI`,
      })
      .onConflictDoNothing({ target: tasks.taskKey })
      .returning({ id: tasks.id });
    if (created.length === 0) return undefined;
    return { taskKey, raised: true, code, activityType: info.activityType, workflowId: info.workflowId, attempt: info.attempt };
  });
}

async function cleared(deps: StuckWorkDeps, info: AttemptInfo): Promise<void> {
  const taskKey = taskKeyOf(info);
  const open = await deps.db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.taskKey, taskKey), eq(tasks.status, 'open')));
  if (open.length === 0) return;
  await report(deps, info, async () => {
    await deps.db
      .update(tasks)
      .set({ status: 'done', doneBy: 'system', doneAt: new Date(), note: `${info.activityType} succeeded on attempt ${info.attempt}` })
      .where(and(eq(tasks.taskKey, taskKey), eq(tasks.status, 'open')));
    return { taskKey, raised: false, activityType: info.activityType, workflowId: info.workflowId, attempt: info.attempt };
  });
}

/**
 * Records the change and tells the order. Reporting must never become the failure: when
 * the database or Temporal is what is down, the activity's own failure stands and the
 * report is tried again on the next attempt.
 */
async function report(
  deps: StuckWorkDeps,
  info: AttemptInfo,
  record: (orderId: string | null) => Promise<SystemErrorChanged | undefined>,
): Promise<void> {
  try {
    const orderId = await orderOf(deps.db, info.workflowId);
    const change = await record(orderId);
    if (!change || !orderId) return;
    // The order's row shows it at once (reads come from there); the workflow's own view follows the signal.
    await deps.db
      .update(orders)
      .set({
        systemError: change.raised
          ? { code: change.code ?? 'INTERNAL', activityType: change.activityType, workflowId: change.workflowId, taskKey: change.taskKey }
          : null,
      })
      .where(change.raised ? eq(orders.id, orderId) : and(eq(orders.id, orderId), sql`${orders.systemError}->>'taskKey' = ${change.taskKey}`));
    if (!deps.temporal) return;
    await deps.temporal.workflow.getHandle(orderWorkflowId(orderId)).signal(systemErrorChanged, change);
    deps.logger.warn(change.raised ? 'activity stuck: order blocked on system-error' : 'stuck activity recovered', {
      orderId,
      workflowId: info.workflowId,
      activityType: info.activityType,
      attempt: info.attempt,
      ...(change.code ? { code: change.code } : {}),
    });
  } catch (error) {
    deps.logger.warn('could not report a stuck activity', {
      workflowId: info.workflowId,
      activityType: info.activityType,
      errorName: error instanceof Error ? error.name : typeof error,
    });
  }
}

/** The order a workflow works for: the order's own, a claim's, a credit balance's claim's; none for the mailbox or a remittance. */
async function orderOf(db: Db, workflowId: string): Promise<string | null> {
  const [kind, id] = splitWorkflowId(workflowId);
  if (kind === 'order') return id;
  if (kind === 'claim') {
    const [row] = await db.select({ orderId: claims.orderId }).from(claims).where(eq(claims.id, id));
    return row?.orderId ?? null;
  }
  if (kind === 'credit-balance') {
    const [row] = await db
      .select({ orderId: claims.orderId })
      .from(creditBalances)
      .innerJoin(claims, eq(claims.id, creditBalances.claimId))
      .where(eq(creditBalances.id, id));
    return row?.orderId ?? null;
  }
  return null;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const workflowIdPattern = new RegExp(`^(order|claim|credit-balance)-(${UUID})$`, 'i');

function splitWorkflowId(workflowId: string): [string, string] | [undefined, undefined] {
  const match = workflowIdPattern.exec(workflowId);
  return match ? [match[1], match[2]] : [undefined, undefined];
}
