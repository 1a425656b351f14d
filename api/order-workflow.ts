/**
 * How routes talk to an order's workflow: read its live status before acting, and
 * send a signal only after the intake data it refers to is committed — the
 * workflow's activities read those rows — taking the rows back out if Temporal
 * refuses the signal, so nothing half-done stays behind.
 */
import { WorkflowNotFoundError, type SignalDefinition } from '@temporalio/common';
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditEvents } from '../db/schema';
import type { Logger } from '../logger';
import type { OrderStatus } from '../workflows/definitions';
import type { TemporalPort } from './app';
import { ApiError, conflict } from './errors';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

type LiveStatus = { answered: true; status: OrderStatus } | { answered: false; problem: string };

const temporalUnavailable = () =>
  new ApiError(503, 'temporal_unavailable', "The order's workflow did not answer in time; nothing was changed. Try again shortly.");

/** The workflow's own view, or why there is none (for reads that must not fail). */
export async function liveStatus(temporal: TemporalPort, orderId: string, logger: Logger): Promise<LiveStatus> {
  try {
    const status = await temporal.queryOrder(orderId);
    return status
      ? { answered: true, status }
      : { answered: false, problem: 'the order has no workflow (never started, or its history was removed)' };
  } catch (error) {
    logger.warn('order status query failed', { orderId, errorName: error instanceof Error ? error.name : 'unknown' });
    return { answered: false, problem: 'the workflow did not answer the status query in time' };
  }
}

/** The live status a signal is checked against: 409 without a workflow, 503 when it does not answer. */
export async function requireLiveStatus(temporal: TemporalPort, orderId: string, logger: Logger): Promise<OrderStatus> {
  let status: OrderStatus | null;
  try {
    status = await temporal.queryOrder(orderId);
  } catch (error) {
    logger.warn('order status query failed', { orderId, errorName: error instanceof Error ? error.name : 'unknown' });
    throw temporalUnavailable();
  }
  if (!status) throw conflict(`Order ${orderId} has no running workflow to act on`);
  return status;
}

const isFinished = (status: OrderStatus) => status.stage === 'closed' || status.stage === 'cancelled';

/** 409 when the order is closed or cancelled. */
export function requireOpen(status: OrderStatus, orderId: string): void {
  if (isFinished(status)) throw conflict(`Order ${orderId} is ${status.stage}`);
}

/** Sends a signal; a workflow that closed meanwhile is a 409, no answer from Temporal a 503. */
export async function signalOrder<T>(
  temporal: TemporalPort,
  orderId: string,
  signal: SignalDefinition<[T]>,
  payload: T,
  logger: Logger,
): Promise<void> {
  try {
    await temporal.signalOrder(orderId, signal, payload);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw conflict(`Order ${orderId}'s workflow is no longer running`);
    logger.warn('signal failed', { orderId, signal: signal.name, errorName: error instanceof Error ? error.name : 'unknown' });
    throw temporalUnavailable();
  }
}

/**
 * Commits `write` (with its audit row), then tells Temporal (a start or a signal);
 * when Temporal refuses, `undo` removes what `write` created, including the audit
 * rows whose ids it returned, and Temporal's error answers the request.
 */
export async function commitThenTell<W extends { auditIds: number[] }>(
  db: Db,
  logger: Logger,
  steps: { write: (tx: Tx) => Promise<W>; tell: (written: W) => Promise<void>; undo: (tx: Tx, written: W) => Promise<void> },
): Promise<W> {
  const written = await db.transaction(steps.write);
  try {
    await steps.tell(written);
  } catch (error) {
    await db
      .transaction(async (tx) => {
        await steps.undo(tx, written);
        for (const id of written.auditIds) await tx.delete(auditEvents).where(eq(auditEvents.id, id));
      })
      .catch((undoError: unknown) => {
        logger.error('could not take back intake data after Temporal refused it', {
          errorName: undoError instanceof Error ? undoError.name : 'unknown',
        });
        throw undoError;
      });
    throw error;
  }
  return written;
}

/** An audit row whose id is kept, so a failed signal can take it back with the rows it describes. */
export async function auditWithId(
  tx: Tx,
  event: { actor: string; action: string; entityType: string; entityId: string; detail?: Record<string, unknown> },
): Promise<number> {
  const [row] = await tx
    .insert(auditEvents)
    .values({ ...event, detail: event.detail ?? {} })
    .returning({ id: auditEvents.id });
  return row.id;
}
