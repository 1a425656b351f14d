/**
 * Order workflows started after intake has answered (issue 11.3). `POST /orders` commits
 * the order rows with their start marker (`workflow_started_at` null) and answers 201
 * "accepted" at once; this starter then starts the workflow in the background, a few at
 * a time, and clears the marker. Nothing is lost when it does not get there: a start
 * that fails, or a process that dies first, leaves the marker, and the worker's relay
 * (activities/workflow-starts.ts) starts the order within a minute. A staff command
 * that reaches an order before its workflow runs starts it first (`startNow`), so a
 * client never has to wait for the start it did not see.
 *
 * Why an outbox with a background start and not a start inside the request: the start
 * is a round trip to Temporal's frontend and its persistence (p50 2.1 s under load,
 * 15–22 orders/s at most), while validation and the insert take milliseconds. The outbox
 * marker was already there for crashes; the request no longer waits on it.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { OrderStart } from '../activities/workflow-starts';
import type { Db } from '../db/client';
import { orderItems, orders } from '../db/schema';
import type { Logger } from '../logger';

export interface OrderStarter {
  /** Starts the order's workflow soon; never throws (a failed start is the relay's). */
  enqueue(order: OrderStart): void;
  /**
   * Starts the order's workflow now if intake committed it and it was not started yet:
   * true when it was started here (or found started by another starter).
   */
  startNow(orderId: string): Promise<boolean>;
  /** Resolves when every enqueued start has been tried (tests, shutdown). */
  settled(): Promise<void>;
}

/** Starts in flight at once: the frontend keeps up, a burst of orders does not swamp it. */
const DEFAULT_CONCURRENCY = 8;

export function createOrderStarter(deps: {
  db: Db;
  start: (order: OrderStart) => Promise<unknown>;
  logger: Logger;
  concurrency?: number;
}): OrderStarter {
  const { db, start, logger } = deps;
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;
  const queue: OrderStart[] = [];
  let running = 0;
  let idle: Array<() => void> = [];

  async function startOne(order: OrderStart): Promise<void> {
    await start(order);
    // The marker cleared (as the relay clears it): the relay leaves the order alone from now on.
    await db
      .update(orders)
      .set({ workflowStartedAt: new Date() })
      .where(and(eq(orders.id, order.orderId), isNull(orders.workflowStartedAt)));
  }

  function pump(): void {
    while (running < concurrency && queue.length > 0) {
      const order = queue.shift()!;
      running += 1;
      startOne(order)
        .catch((error: unknown) =>
          // Ids only: the relay starts it from its marker.
          logger.warn('order workflow not started; the relay will start it', {
            orderId: order.orderId,
            errorName: error instanceof Error ? error.name : 'unknown',
          }),
        )
        .finally(() => {
          running -= 1;
          pump();
          if (running === 0 && queue.length === 0) {
            for (const resolve of idle) resolve();
            idle = [];
          }
        });
    }
  }

  return {
    enqueue(order) {
      queue.push(order);
      pump();
    },

    async startNow(orderId) {
      const [order] = await db
        .select({ payerId: orders.payerId, workflowStartedAt: orders.workflowStartedAt })
        .from(orders)
        .where(eq(orders.id, orderId));
      if (!order || order.workflowStartedAt) return false;
      const items = await db
        .select({ hcpcs: orderItems.hcpcs })
        .from(orderItems)
        .where(eq(orderItems.orderId, orderId))
        .orderBy(asc(orderItems.lineNumber));
      await startOne({ orderId, payerId: order.payerId, hcpcs: [...new Set(items.map((item) => item.hcpcs))] });
      return true;
    },

    settled() {
      if (running === 0 && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
