/**
 * How the workflows that intake data asks for are started, by whoever asks — the API,
 * the mailbox, the worker's relay — so each has one id and one start policy. The data
 * is committed first, with a marker saying its workflow is due (an order without
 * workflow_started_at, a remittance still received); the relay finishes any start a
 * crash or an unreachable Temporal left undone, so a committed order or remittance
 * always gets its workflow (DESIGN.md "State: who owns what").
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { and, asc, eq, inArray, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/client';
import { orderItems, orders, remittances, resupplyPlans } from '../db/schema';
import type { Logger } from '../logger';
import { orderWorkflowId, remittanceWorkflowId, resupplyWorkflowId } from '../workflows/definitions';
import type { dmeOrderWorkflow } from '../workflows/order';
import type { remittanceWorkflow } from '../workflows/remittance';
import type { resupplyPlanWorkflow } from '../workflows/resupply';
import { DmeHcpcs, DmePayer, DmeStage } from '../workflows/search-attributes';

/** What starts an order's workflow: ids and codes only, never PHI. */
export interface OrderStart {
  orderId: string;
  payerId: string;
  /** The order's distinct HCPCS codes. */
  hcpcs: string[];
}

/**
 * Starts the order's workflow (one per order, ever). A start whose answer was lost may
 * still have happened: the refused second start says so, and counts as started.
 */
export async function startOrderWorkflow(
  client: Client,
  taskQueue: string,
  { orderId, payerId, hcpcs }: OrderStart,
): Promise<{ workflowId: string }> {
  const workflowId = orderWorkflowId(orderId);
  try {
    await client.workflow.start<typeof dmeOrderWorkflow>('dmeOrderWorkflow', {
      workflowId,
      taskQueue,
      args: [{ orderId }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Order ${orderId}: ${hcpcs.join(', ')} billed to ${payerId}`,
      typedSearchAttributes: [
        { key: DmeStage, value: 'documentation' },
        { key: DmePayer, value: payerId },
        { key: DmeHcpcs, value: hcpcs },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return { workflowId };
}

/** Clears an order's start marker once Temporal confirmed its workflow. */
export async function markOrderWorkflowStarted(db: Db, orderId: string, at: Date): Promise<void> {
  await db
    .update(orders)
    .set({ workflowStartedAt: at })
    .where(and(eq(orders.id, orderId), isNull(orders.workflowStartedAt)));
}

/** Starts the remittance's workflow, or finds it running or closed (one id per payer + trace number: a remittance that arrives twice posts once). */
export async function startRemittanceWorkflow(
  client: Client,
  taskQueue: string,
  remittance: { remittanceId: string; payerIdentifier: string; traceNumber: string },
): Promise<void> {
  try {
    await client.workflow.start<typeof remittanceWorkflow>('remittanceWorkflow', {
      workflowId: remittanceWorkflowId(remittance.payerIdentifier, remittance.traceNumber),
      taskQueue,
      args: [{ remittanceId: remittance.remittanceId }],
      // A second upload, the mailbox or the relay finds the running one; a failed one may be run again.
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      staticSummary: `Remittance ${remittance.remittanceId}: post, tell the claims, start credit balance workflows`,
    });
  } catch (error) {
    // Posted and closed already: nothing to start.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** Starts a resupply plan's workflow (one per plan, ever); a start that happened before counts. */
export async function startResupplyWorkflow(client: Client, taskQueue: string, plan: { planId: string; deviceHcpcs: string }): Promise<void> {
  try {
    await client.workflow.start<typeof resupplyPlanWorkflow>('resupplyPlanWorkflow', {
      workflowId: resupplyWorkflowId(plan.planId),
      taskQueue,
      args: [{ planId: plan.planId }],
      workflowIdConflictPolicy: 'FAIL',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      staticSummary: `Resupply plan ${plan.planId}: refills of the ${plan.deviceHcpcs} supplies, each after the patient asks`,
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** Clears a resupply plan's start marker once Temporal confirmed its workflow. */
async function markResupplyWorkflowStarted(db: Db, planId: string, at: Date): Promise<void> {
  await db
    .update(resupplyPlans)
    .set({ workflowStartedAt: at })
    .where(and(eq(resupplyPlans.id, planId), isNull(resupplyPlans.workflowStartedAt)));
}

/** Workflows started per relay pass, oldest first; the next pass takes the rest. */
const relayBatch = 100;

/**
 * One relay pass: starts the workflow of every order and remittance committed more than
 * `olderThanMs` ago whose start is still due (younger ones are being started by their
 * request). Returns how many it started; a start that fails waits for the next pass.
 */
export async function startPendingWorkflows(input: { db: Db; client: Client; taskQueue: string; logger: Logger; olderThanMs: number; now: Date }) {
  const { db, client, taskQueue, logger } = input;
  const before = new Date(input.now.getTime() - input.olderThanMs);
  const started = { orders: 0, remittances: 0, resupplyPlans: 0 };

  const dueOrders = await db
    .select({ orderId: orders.id, payerId: orders.payerId })
    .from(orders)
    .where(and(isNull(orders.workflowStartedAt), lt(orders.createdAt, before)))
    .orderBy(asc(orders.createdAt))
    .limit(relayBatch);
  const items = dueOrders.length
    ? await db
        .select({ orderId: orderItems.orderId, hcpcs: orderItems.hcpcs })
        .from(orderItems)
        .where(
          inArray(
            orderItems.orderId,
            dueOrders.map((order) => order.orderId),
          ),
        )
    : [];
  for (const order of dueOrders) {
    const hcpcs = [...new Set(items.filter((item) => item.orderId === order.orderId).map((item) => item.hcpcs))];
    try {
      await startOrderWorkflow(client, taskQueue, { ...order, hcpcs });
      await markOrderWorkflowStarted(db, order.orderId, input.now);
      started.orders += 1;
    } catch (error) {
      logger.warn('relay: order workflow not started', { orderId: order.orderId, errorName: error instanceof Error ? error.name : 'unknown' });
    }
  }

  const dueRemittances = await db
    .select({ remittanceId: remittances.id, payerIdentifier: remittances.payerIdentifier, traceNumber: remittances.traceNumber })
    .from(remittances)
    .where(and(eq(remittances.status, 'received'), lt(remittances.receivedAt, before)))
    .orderBy(asc(remittances.receivedAt))
    .limit(relayBatch);
  for (const remittance of dueRemittances) {
    try {
      await startRemittanceWorkflow(client, taskQueue, remittance);
      started.remittances += 1;
    } catch (error) {
      logger.warn('relay: remittance workflow not started', {
        remittanceId: remittance.remittanceId,
        errorName: error instanceof Error ? error.name : 'unknown',
      });
    }
  }
  const duePlans = await db
    .select({ planId: resupplyPlans.id, deviceHcpcs: resupplyPlans.deviceHcpcs })
    .from(resupplyPlans)
    .where(and(isNull(resupplyPlans.workflowStartedAt), lt(resupplyPlans.createdAt, before)))
    .orderBy(asc(resupplyPlans.createdAt))
    .limit(relayBatch);
  for (const plan of duePlans) {
    try {
      await startResupplyWorkflow(client, taskQueue, plan);
      await markResupplyWorkflowStarted(db, plan.planId, input.now);
      started.resupplyPlans += 1;
    } catch (error) {
      logger.warn('relay: resupply workflow not started', { planId: plan.planId, errorName: error instanceof Error ? error.name : 'unknown' });
    }
  }
  if (started.orders || started.remittances || started.resupplyPlans) logger.info('relay started workflows', started);
  return started;
}

/** Runs a relay pass now and every `everyMs` until stopped (the worker does, beside polling its task queue). */
export function runWorkflowRelay(input: {
  db: Db;
  client: Client;
  taskQueue: string;
  logger: Logger;
  everyMs: number;
  olderThanMs: number;
}): () => Promise<void> {
  let pass: Promise<unknown> = Promise.resolve();
  const run = () => {
    pass = pass
      .then(() => startPendingWorkflows({ ...input, now: new Date() }))
      .catch((error: unknown) => input.logger.warn('relay pass failed', { errorName: error instanceof Error ? error.name : 'unknown' }));
  };
  run();
  const timer = setInterval(run, input.everyMs);
  return async () => {
    clearInterval(timer);
    await pass;
  };
}
