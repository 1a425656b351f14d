/**
 * The resupply plan's side effects (workflows/resupply.ts): its rows, the outreach
 * through the messaging port or a staff call task, and the supply order a confirmed
 * refill becomes — inserted like intake's (`POST /orders`) with its start marker, then
 * started, so the relay starts it if this worker dies in between. Every write is
 * idempotent: a retried activity finds its row and does nothing twice.
 *
 * PHI (the patient's name, number, address) is read here and goes only into the message
 * and its `outbound_messages` row; what returns to the workflow is ids, codes and dates.
 */
import { randomUUID } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, type Client } from '@temporalio/client';
import { and, asc, eq, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { recordAudit } from '../db/audit';
import {
  auditEvents,
  coverages,
  deliveries,
  documents,
  orderItems,
  orders,
  patients,
  resupplyCycles,
  resupplyPlanItems,
  resupplyPlans,
  tasks,
} from '../db/schema';
import { isBefore } from '../domain/calendar';
import { catalogEntry, catalogSnapshot, defaultCatalog, type CatalogSnapshot } from '../domain/catalog';
import {
  defaultResupplyPolicy,
  endOfUse,
  type RefillDecision,
  type ResupplyChannel,
  type ResupplyCycle,
  type ResupplyItemState,
  type ResupplyPolicy,
} from '../domain/resupply';
import type { Logger } from '../logger';
import { orderWorkflowId, type RefillConfirmed, type ResupplyStatus } from '../workflows/definitions';
import type { Messenger } from './messaging/types';
import type { RefillOrder } from './orders';
import type { SupplierIdentity } from './supplier';
import { markOrderWorkflowStarted, startOrderWorkflow } from './workflow-starts';

export interface ResupplyActivityDeps {
  db: Db;
  supplier: SupplierIdentity;
  logger: Logger;
  temporal?: Client;
  /** Texts and emails (the sandbox records them); without one every contact is a staff call. */
  messenger?: Messenger;
  /** The PIM's days and our outreach cadence (RESUPPLY_* settings). */
  resupplyPolicy?: ResupplyPolicy;
}

export interface ResupplyPlanFacts {
  status: ResupplyStatus['status'];
  reason: string | null;
  optedOut: boolean;
  channel: ResupplyChannel;
  cycleMonths: number;
  policy: ResupplyPolicy;
  catalog: CatalogSnapshot;
  deviceHcpcs: string;
  items: ResupplyItemState[];
  /** One past the last cycle recorded (a plan whose workflow started again goes on counting). */
  nextCycleNumber: number;
  /** The number of the last status written to the plan's row: the workflow numbers its writes on from it. */
  statusVersion: number;
}

export interface OutreachInput {
  planId: string;
  cycle: number;
  /** The contact's number in the cycle, across rounds: its message and task keys. */
  contact: number;
  /** Its attempt in the current round, of `attempts`. */
  attempt: number;
  attempts: number;
  channel: ResupplyChannel;
  dueOn: string;
  hcpcs: string[];
  deviceHcpcs: string;
  taskId: string;
  asOf: string;
}

export interface PlaceRefillInput {
  planId: string;
  cycle: number;
  /** Chosen by the workflow, so a retried activity names the same order. Null for a decline. */
  orderId: string | null;
  answer: RefillConfirmed;
  decision: RefillDecision;
  asOf: string;
}

export type ResupplyActivities = ReturnType<typeof createResupplyActivities>;

/** A US number of 10 digits (as intake enters it) in E.164, as SMS gateways take it. */
function e164(phone: string | null): string | null {
  if (!phone) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length === 10) return `+1${digits}`;
  if (digits.length === 11 && digits.startsWith('1')) return `+${digits}`;
  return phone.startsWith('+') ? phone : null;
}

/** How the items are named to the patient: the catalog's words, never a code alone. */
const plainNames: Record<string, string> = {
  A7030: 'full face mask',
  A7031: 'full face mask cushion',
  A7034: 'nasal mask',
  A7032: 'nasal mask cushions',
  A7033: 'nasal pillows',
  A7035: 'headgear',
  A7036: 'chinstrap',
  A7037: 'tubing',
  A4604: 'heated tubing',
  A7038: 'disposable filters',
  A7039: 'reusable filter',
  A7046: 'humidifier water chamber',
  A7027: 'combination mask',
  A7028: 'oral cushions',
  A7029: 'nasal pillows',
};
const nameOf = (hcpcs: string) => plainNames[hcpcs] ?? catalogEntry(defaultCatalog, hcpcs)?.description.toLowerCase() ?? hcpcs;

export function createResupplyActivities(deps: ResupplyActivityDeps) {
  const { db, logger } = deps;
  const policy = deps.resupplyPolicy ?? defaultResupplyPolicy;

  async function planRow(planId: string) {
    const [plan] = await db.select().from(resupplyPlans).where(eq(resupplyPlans.id, planId));
    if (!plan) throw ApplicationFailure.nonRetryable(`resupply plan ${planId} does not exist`, 'ResupplyPlanUnknown');
    return plan;
  }

  async function openCallTask(input: OutreachInput, why: string) {
    const taskKey = `resupply-${input.planId}:${input.cycle}:call:${input.contact}`;
    // One call to make at a time: the earlier call task of the plan gives way to this one.
    await db
      .update(tasks)
      .set({ status: 'done', doneBy: 'system', doneAt: new Date(input.asOf), note: `superseded by contact ${input.contact}` })
      .where(and(eq(tasks.resupplyPlanId, input.planId), eq(tasks.kind, 'resupply-call'), eq(tasks.status, 'open'), ne(tasks.taskKey, taskKey)));
    await db
      .insert(tasks)
      .values({
        id: input.taskId,
        taskKey,
        resupplyPlanId: input.planId,
        role: 'intake',
        kind: 'resupply-call',
        title:
          `Call the patient about the ${input.deviceHcpcs} supplies due ${input.dueOn} (${input.hcpcs.join(', ')}), ` +
          `contact ${input.attempt} of ${input.attempts}${why}: record what remains and whether each item still works`,
        dueAt: new Date(input.asOf),
      })
      .onConflictDoNothing({ target: tasks.taskKey });
  }

  return {
    async loadResupplyPlan({ planId }: { planId: string }): Promise<ResupplyPlanFacts> {
      const plan = await planRow(planId);
      const items = await db.select().from(resupplyPlanItems).where(eq(resupplyPlanItems.planId, planId)).orderBy(asc(resupplyPlanItems.hcpcs));
      const [{ last }] = await db
        .select({ last: sql<number | null>`max(${resupplyCycles.cycle})` })
        .from(resupplyCycles)
        .where(eq(resupplyCycles.planId, planId));
      const catalog = catalogSnapshot(
        defaultCatalog,
        items.map((item) => item.hcpcs),
      );
      return {
        status: plan.status,
        reason: plan.statusReason,
        optedOut: plan.optedOutAt !== null,
        channel: plan.channel,
        cycleMonths: plan.cycleMonths,
        policy,
        catalog,
        deviceHcpcs: plan.deviceHcpcs,
        items: items.map((item) => ({
          hcpcs: item.hcpcs,
          endOfUseOn: endOfUse(catalogEntry(defaultCatalog, item.hcpcs)!, item.lastDeliveredOn, plan.cycleMonths),
        })),
        nextCycleNumber: (last ?? 0) + 1,
        statusVersion: plan.statusVersion,
      };
    },

    /** Whether the plan must stop: its device picked up or stopped, or its coverage ended. */
    async checkResupplyPlan({ planId, asOf }: { planId: string; asOf: string }): Promise<{ stop?: string }> {
      const plan = await planRow(planId);
      if (plan.deviceOrderId) {
        const [ended] = await db
          .select({ action: auditEvents.action })
          .from(auditEvents)
          .where(
            and(
              eq(auditEvents.entityType, 'order'),
              eq(auditEvents.entityId, plan.deviceOrderId),
              inArray(auditEvents.action, ['rental.pickup', 'rental.stopped']),
            ),
          )
          .limit(1);
        if (ended) return { stop: ended.action === 'rental.pickup' ? 'device-picked-up' : 'rental-ended' };
        const [device] = await db.select({ stage: orders.stage }).from(orders).where(eq(orders.id, plan.deviceOrderId));
        if (device?.stage === 'cancelled') return { stop: 'rental-ended' };
      }
      const [coverage] = await db.select({ effectiveTo: coverages.effectiveTo }).from(coverages).where(eq(coverages.id, plan.coverageId));
      if (coverage?.effectiveTo && isBefore(coverage.effectiveTo, asOf)) return { stop: 'coverage-ended' };
      return {};
    },

    async openResupplyCycle({ planId, cycle }: { planId: string; cycle: ResupplyCycle }): Promise<void> {
      await db
        .insert(resupplyCycles)
        .values({
          planId,
          cycle: cycle.cycle,
          dueOn: cycle.dueOn,
          contactOpensOn: cycle.contactOpensOn,
          earliestShipOn: cycle.earliestShipOn,
          hcpcs: cycle.hcpcs,
        })
        .onConflictDoNothing();
    },

    async closeResupplyCycle(input: {
      planId: string;
      cycle: number;
      outcome: 'open' | 'no-answer' | 'stopped';
      closedOn: string | null;
    }): Promise<void> {
      await db
        .update(resupplyCycles)
        .set({ outcome: input.outcome, closedOn: input.closedOn })
        .where(
          and(
            eq(resupplyCycles.planId, input.planId),
            eq(resupplyCycles.cycle, input.cycle),
            // A confirmed or declined cycle keeps its outcome: it is the refill record.
            inArray(resupplyCycles.outcome, ['open', 'no-answer']),
          ),
        );
    },

    /**
     * A refill whose order was cancelled before delivery is open again: its record moves to
     * the audit trail and the cycle waits for a new answer. Only while it still names that order.
     */
    async reopenResupplyCycle(input: { planId: string; cycle: number; cancelledOrderId: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const naming = and(
          eq(resupplyCycles.planId, input.planId),
          eq(resupplyCycles.cycle, input.cycle),
          eq(resupplyCycles.orderId, input.cancelledOrderId),
        );
        const [cycle] = await tx.select().from(resupplyCycles).where(naming).for('update');
        if (!cycle) return;
        await tx.update(resupplyCycles).set({ outcome: 'open', orderId: null, confirmation: null, closedOn: null }).where(naming);
        // The answer stays on record (ids, codes, the staff user: no PHI) with the order it led to.
        await recordAudit(tx, {
          actor: 'system',
          action: 'resupply.order-cancelled',
          entityType: 'resupply-plan',
          entityId: input.planId,
          detail: { cycle: input.cycle, orderId: input.cancelledOrderId, confirmation: cycle.confirmation },
        });
      });
    },

    async recordResupplyStatus(input: {
      planId: string;
      version: number;
      status: ResupplyStatus['status'];
      reason: string | null;
      optedOut: boolean;
      nextDueOn: string | null;
      nextContactOn: string | null;
      asOf: string;
    }): Promise<void> {
      await db
        .update(resupplyPlans)
        .set({
          status: input.status,
          statusReason: input.reason,
          nextDueOn: input.nextDueOn,
          nextContactOn: input.nextContactOn,
          ...(input.optedOut ? { optedOutAt: sql`coalesce(${resupplyPlans.optedOutAt}, ${new Date(input.asOf)})` } : {}),
          statusVersion: input.version,
          updatedAt: new Date(),
        })
        .where(and(eq(resupplyPlans.id, input.planId), lt(resupplyPlans.statusVersion, input.version)));
    },

    /** Closes the plan's open tasks of these kinds (or all) as the system, with the note saying why. */
    async closeResupplyTasks(input: { planId: string; kinds: string[] | 'all'; note: string; asOf: string }): Promise<void> {
      await db
        .update(tasks)
        .set({ status: 'done', doneBy: 'system', doneAt: new Date(input.asOf), note: input.note })
        .where(
          and(eq(tasks.resupplyPlanId, input.planId), eq(tasks.status, 'open'), ...(input.kinds === 'all' ? [] : [inArray(tasks.kind, input.kinds)])),
        );
    },

    async createResupplyTask(input: { taskKey: string; taskId: string; planId: string; role: 'intake'; kind: string; title: string }): Promise<void> {
      await db
        .insert(tasks)
        .values({ id: input.taskId, taskKey: input.taskKey, resupplyPlanId: input.planId, role: input.role, kind: input.kind, title: input.title })
        .onConflictDoNothing({ target: tasks.taskKey });
    },

    /**
     * One contact about a refill: a text or an email through the messaging port, or a call
     * task for staff (the plan's channel, an opt-out, or a gateway that refused the number).
     */
    async sendRefillOutreach(input: OutreachInput): Promise<{ by: ResupplyChannel | 'none' }> {
      await db
        .update(resupplyCycles)
        .set({ attempts: sql`greatest(${resupplyCycles.attempts}, ${input.contact})`, lastContactAt: new Date(input.asOf) })
        .where(and(eq(resupplyCycles.planId, input.planId), eq(resupplyCycles.cycle, input.cycle)));
      const plan = await planRow(input.planId);
      // Read again on every try: a hold, a stop or an opt-out the plan took since it decided on this contact wins.
      if (plan.status === 'held' || plan.status === 'stopped') return { by: 'none' };
      const channel: ResupplyChannel = plan.optedOutAt ? 'call' : input.channel;
      input = { ...input, channel };
      const to = input.channel === 'sms' ? e164(plan.contactPhone) : input.channel === 'email' ? plan.contactEmail : null;
      if (input.channel === 'call' || !to || !deps.messenger) {
        await openCallTask(input, input.channel === 'call' ? '' : ` (no ${input.channel} contact configured)`);
        return { by: 'call' };
      }
      const [patient] = await db.select({ firstName: patients.firstName }).from(patients).where(eq(patients.id, plan.patientId));
      const supplier = deps.supplier;
      const items = input.hcpcs.map(nameOf).join(', ');
      const greeting = patient?.firstName ? `Hello ${patient.firstName}, this` : 'Hello, this';
      const body =
        `${greeting} is ${supplier.name}. Your supplies (${items}) may be due for a refill around ${input.dueOn}. ` +
        `We send a refill only when you ask for one: call us at ${supplier.submitter.phone} to tell us what you still have and whether ` +
        `each item still works.` +
        (input.channel === 'sms' ? ' Reply STOP to stop these messages.' : ' Tell us if you would rather not get these emails.');
      try {
        await deps.messenger.send({
          key: `resupply-${input.planId}:${input.cycle}:${input.contact}`,
          planId: input.planId,
          channel: input.channel,
          to,
          ...(input.channel === 'email' ? { subject: `${supplier.name}: your supplies may be due for a refill` } : {}),
          body,
        });
        return { by: input.channel };
      } catch (error) {
        // A gateway that refuses the message for good (a wrong number) leaves the contact to staff; a passing outage is retried.
        if (error instanceof Error && (error as { retryable?: boolean }).retryable === false) {
          logger.warn('refill outreach refused by the gateway; a call task instead', {
            planId: input.planId,
            cycle: input.cycle,
            errorName: error.name,
          });
          await openCallTask(input, ` (the ${input.channel} could not be delivered)`);
          return { by: 'call' };
        }
        throw error;
      }
    },

    /**
     * The patient's answer, recorded as the cycle's refill record; a confirmed one becomes a
     * supply order in the same transaction, then its workflow is started (or left to the relay).
     */
    async placeRefillOrder(input: PlaceRefillInput): Promise<{ orderId: string | null }> {
      const plan = await planRow(input.planId);
      const { decision, answer } = input;
      const placed = await db.transaction(async (tx) => {
        const [cycle] = await tx
          .select()
          .from(resupplyCycles)
          .where(and(eq(resupplyCycles.planId, input.planId), eq(resupplyCycles.cycle, input.cycle)))
          .for('update');
        if (!cycle) throw ApplicationFailure.nonRetryable(`refill ${input.cycle} of plan ${input.planId} was never opened`, 'ResupplyCycleUnknown');
        // Recorded already (a retry of this answer): the same order, or the same decline.
        if (cycle.outcome === 'confirmed' || cycle.outcome === 'declined') return { orderId: cycle.orderId, created: false };
        const confirmation = { ...answer, answeredOn: decision.answeredOn, shipNotBefore: decision.shipNotBefore, shipBy: decision.shipBy };
        if (decision.outcome === 'declined' || !input.orderId) {
          await tx
            .update(resupplyCycles)
            .set({ outcome: 'declined', confirmation, closedOn: decision.answeredOn })
            .where(and(eq(resupplyCycles.planId, input.planId), eq(resupplyCycles.cycle, input.cycle)));
          await recordAudit(tx, {
            actor: answer.user,
            action: 'resupply.declined',
            entityType: 'resupply-plan',
            entityId: input.planId,
            detail: { cycle: input.cycle, declined: decision.declined },
          });
          return { orderId: null, created: false };
        }
        const [coverage] = await tx.select({ payerId: coverages.payerId }).from(coverages).where(eq(coverages.id, plan.coverageId));
        const prices = await tx.select().from(resupplyPlanItems).where(eq(resupplyPlanItems.planId, input.planId));
        const orderId = input.orderId;
        const onFile = await writtenOrderOnFile(
          tx,
          plan.deviceOrderId,
          decision.quantities.map((line) => line.hcpcs),
        );
        const resupply: RefillOrder = {
          planId: input.planId,
          cycle: input.cycle,
          confirmedOn: decision.answeredOn,
          shipNotBefore: decision.shipNotBefore,
          shipBy: decision.shipBy,
          ...(onFile ? { writtenOrderOnFile: { orderId: onFile.orderId, documentId: randomUUID() } } : {}),
        };
        await tx.insert(orders).values({
          id: orderId,
          patientId: plan.patientId,
          coverageId: plan.coverageId,
          payerId: coverage.payerId,
          prescriberNpi: plan.prescriberNpi,
          orderDate: plan.orderDate,
          diagnoses: plan.diagnoses,
          workflowId: orderWorkflowId(orderId),
          createdBy: answer.user,
          resupply,
        });
        if (onFile && resupply.writtenOrderOnFile) {
          // The refill's own row of the written order on file: the claim's scrubber reads the order's documents.
          await tx.insert(documents).values({
            id: resupply.writtenOrderOnFile.documentId,
            orderId,
            kind: 'standard-written-order',
            status: 'approved',
            reference: onFile.reference,
            receivedBy: onFile.receivedBy,
            receivedAt: onFile.receivedAt,
            reviewedBy: onFile.reviewedBy,
            reviewedAt: onFile.reviewedAt,
          });
        }
        await tx.insert(orderItems).values(
          decision.quantities.map((line, index) => ({
            id: randomUUID(),
            orderId,
            lineNumber: index + 1,
            hcpcs: line.hcpcs,
            quantity: line.quantity,
            acquisition: 'purchase' as const,
            options: { suppliedMonths: line.months },
            unitCharge: prices.find((price) => price.hcpcs === line.hcpcs)!.unitCharge,
          })),
        );
        await tx
          .update(resupplyCycles)
          .set({ outcome: 'confirmed', confirmation, orderId, closedOn: decision.answeredOn })
          .where(and(eq(resupplyCycles.planId, input.planId), eq(resupplyCycles.cycle, input.cycle)));
        await recordAudit(tx, {
          actor: answer.user,
          action: 'resupply.confirmed',
          entityType: 'resupply-plan',
          entityId: input.planId,
          detail: { cycle: input.cycle, orderId, hcpcs: decision.quantities.map((line) => line.hcpcs), channel: answer.channel },
        });
        await recordAudit(tx, {
          actor: answer.user,
          action: 'order.created',
          entityType: 'order',
          entityId: orderId,
          detail: {
            payerId: coverage.payerId,
            hcpcs: decision.quantities.map((line) => line.hcpcs),
            items: decision.quantities.length,
            resupplyPlanId: input.planId,
          },
        });
        return { orderId, created: true, payerId: coverage.payerId };
      });
      if (placed.orderId && deps.temporal) {
        const [order] = await db
          .select({ payerId: orders.payerId, startedAt: orders.workflowStartedAt })
          .from(orders)
          .where(eq(orders.id, placed.orderId));
        if (order && !order.startedAt) {
          const codes = decision.quantities.map((line) => line.hcpcs);
          await startOrderWorkflow(deps.temporal, Context.current().info.taskQueue, {
            orderId: placed.orderId,
            payerId: order.payerId,
            hcpcs: codes,
          });
          await markOrderWorkflowStarted(db, placed.orderId, new Date());
        }
      }
      return { orderId: placed.orderId };
    },

    /** Where a refill's supply order stands: delivered (with the date and what it brought), cancelled, or still on its way. */
    async refillOrderProgress({
      orderId,
    }: {
      orderId: string;
    }): Promise<{ state: 'pending' } | { state: 'cancelled' } | { state: 'delivered'; deliveredOn: string; hcpcs: string[] }> {
      const [order] = await db.select({ stage: orders.stage }).from(orders).where(eq(orders.id, orderId));
      if (!order) return { state: 'pending' };
      const [delivery] = await db.select().from(deliveries).where(eq(deliveries.orderId, orderId));
      if (delivery?.confirmedAt) {
        const items = await db.select({ hcpcs: orderItems.hcpcs }).from(orderItems).where(eq(orderItems.orderId, orderId));
        return { state: 'delivered', deliveredOn: delivery.deliveredOn, hcpcs: [...new Set(items.map((item) => item.hcpcs))].sort() };
      }
      if (order.stage === 'cancelled') return { state: 'cancelled' };
      return { state: 'pending' };
    },

    async recordRefillDelivered(input: { planId: string; cycle: number; deliveredOn: string; hcpcs: string[] }): Promise<void> {
      if (input.hcpcs.length === 0) return;
      await db
        .update(resupplyPlanItems)
        .set({ lastDeliveredOn: input.deliveredOn })
        .where(and(eq(resupplyPlanItems.planId, input.planId), inArray(resupplyPlanItems.hcpcs, input.hcpcs)));
    },
  };
}

/**
 * The device order's approved standard written order, when it listed every code of the
 * refill: a routine refill is filled against it (PIM ch. 5 §5.2.6: no new order needed).
 */
async function writtenOrderOnFile(tx: Pick<Db, 'select'>, deviceOrderId: string | null, codes: string[]) {
  if (!deviceOrderId) return undefined;
  const listed = await tx.select({ hcpcs: orderItems.hcpcs }).from(orderItems).where(eq(orderItems.orderId, deviceOrderId));
  if (!codes.every((code) => listed.some((item) => item.hcpcs === code))) return undefined;
  const [written] = await tx
    .select()
    .from(documents)
    .where(and(eq(documents.orderId, deviceOrderId), eq(documents.kind, 'standard-written-order'), eq(documents.status, 'approved')))
    .limit(1);
  return written;
}
