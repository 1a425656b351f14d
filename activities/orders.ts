/**
 * Activities of the order workflow: everything it needs from the database and the
 * clearinghouse. Each one is idempotent — Temporal may run it again after a crash —
 * through keys the workflow chooses (document, check, claim and task ids) and unique
 * constraints. Results carry ids, codes and dates only: no PHI enters workflow history.
 */
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { ApplicationFailure } from '@temporalio/common';
import { recordAudit } from '../db/audit';
import { chainCoveragesOf } from '../db/coverages';
import { inquiryControlNumber, nextControlNumber, storeEdiFile } from '../db/edi';
import { currentInquiryWait } from './clearinghouse/inquiry-wait';
import type { Db } from '../db/client';
import {
  claimLines,
  claimPayers,
  claims,
  coverages,
  deliveries,
  documents,
  eligibilityChecks,
  orderItems,
  orders,
  patients,
  payers,
  prescribers,
  priorAuths,
  tasks,
} from '../db/schema';
import { addDays } from '../domain/calendar';
import { catalogSnapshot, defaultCatalog, type CatalogSnapshot } from '../domain/catalog';
import { contentVersion } from '../domain/content-version';
import { eligibilityPayerProblems, payerChain, payerOrderProblems, type OtherPayerBenefit } from '../domain/coordination';
import { otherPayerOf } from './claims/next-payer';
import { partiesOf, personOf } from './claims/parties';
import { draftClaim } from '../domain/claim';
import { requiredDocuments } from '../domain/documentation';
import type { OxygenPrescription } from '../domain/oxygen';
import { payerPolicy, type PayerKind, type PayerPolicy } from '../domain/payer-policy';
import { scrubClaim, type ScrubFailure } from '../domain/scrubber';
import type { ClaimLine, DocumentKind, OrderItem } from '../domain/types';
import { assignLineControlNumbers, build270, build837P, parse271, type ClaimFilingIndicator } from '../domain/x12';
import type { BlockedOn, OrderStage } from '../domain/order-stages';
import type { OrderStatus } from '../workflows/definitions';
import type { Clearinghouse } from './clearinghouse/types';
import { routeToPayer } from './dme-mac';
import { postgresErrorOf } from './failures';
import type { SupplierIdentity } from './supplier';

export interface OrderActivityDeps {
  db: Db;
  clearinghouse: Clearinghouse;
  supplier: SupplierIdentity;
}

/** What the workflow needs to know about an order: codes, dates and payer rules, never PHI. */
export interface OrderContext {
  orderId: string;
  payerId: string;
  payerKind: PayerKind;
  payer: PayerPolicy;
  orderDate: string;
  items: OrderItem[];
  diagnosisCount: number;
  /** The oxygen prescription and qualification, on orders with oxygen equipment (no PHI: flow, group, test values). */
  oxygen?: OxygenPrescription;
  /**
   * The catalog entries of the order's codes with the catalog's version, loaded once: the
   * workflow codes and documents by these, so a later edit of catalog.json cannot change a
   * running order (contexts loaded before this field existed use the shipped catalog).
   */
  catalog?: CatalogSnapshot;
  /** The version of `payer` as loaded (domain/content-version.ts). */
  payerPolicyVersion?: string;
  /** A refill of a resupply plan (domain/resupply.ts): the window its confirmation leaves for delivery. */
  resupply?: RefillOrder;
}

/** What a supply order of a resupply plan carries: ids and dates only. */
export interface RefillOrder {
  planId: string;
  cycle: number;
  confirmedOn: string;
  shipNotBefore: string;
  shipBy: string;
  /** The device order's approved standard written order covers the refill (a routine refill needs no new order). */
  writtenOrderOnFile?: { orderId: string; documentId: string };
}

export interface TaskInput {
  /** Idempotency: derived by the workflow, e.g. `order-<id>:documents:reminder:3`. */
  taskKey: string;
  taskId: string;
  orderId?: string;
  claimId?: string;
  role: 'intake' | 'reviewer' | 'delivery' | 'biller';
  kind: string;
  title: string;
  dueAt?: string;
}

export type PrepareClaimResult =
  { ok: true; claimId: string; claimNumber: string; totalCharge: number; lineCount: number } | { ok: false; failures: ScrubFailure[] };

/** Our patient control number: `DME` + 17 hex digits of the claim id = 20 characters, what Medicare keeps. */
const claimNumberOf = (claimId: string) => `DME${claimId.replace(/-/g, '').slice(0, 17).toUpperCase()}`;

const isoDate = (at: Date | string) => (typeof at === 'string' ? at : at.toISOString()).slice(0, 10);

const dmeServiceTypes = ['12', '18', 'DM'];

/**
 * What a 271 means for the order: active coverage (EB01 1) that covers DME purchase or
 * rental (service types 12, 18, DM, or 30 plan coverage), and no non-covered (EB01 I)
 * DME benefit. The summary keeps the amounts staff need (no PHI).
 */
function eligibilityOutcome(response: string): { active: boolean; coversDme: boolean; summary: Record<string, unknown> } {
  const [answer] = parse271(response);
  const member = answer?.members[0];
  if (!member) return { active: false, coversDme: false, summary: { status: 'no-member-in-271' } };
  const active = member.status === 'active';
  const activeBenefits = member.benefits.filter((benefit) => benefit.kind === 'active');
  const coversDme =
    active &&
    activeBenefits.some(
      (benefit) => benefit.serviceTypes.length === 0 || benefit.serviceTypes.some((type) => [...dmeServiceTypes, '30'].includes(type)),
    ) &&
    !member.benefits.some((benefit) => benefit.kind === 'non-covered' && benefit.serviceTypes.some((type) => dmeServiceTypes.includes(type)));
  const deductible = member.benefits.find((benefit) => benefit.kind === 'deductible' && benefit.timePeriod === '29' && benefit.amount !== undefined);
  const coinsurance = member.benefits.find((benefit) => benefit.kind === 'coinsurance' && benefit.percent !== undefined);
  return {
    active,
    coversDme,
    summary: {
      status: member.status,
      ...(deductible ? { deductibleRemaining: deductible.amount } : {}),
      ...(coinsurance ? { coinsurance: coinsurance.percent } : {}),
      ...(member.rejections.length ? { rejections: member.rejections.map((rejection) => rejection.reason) } : {}),
    },
  };
}

/** EB01 R benefits of a 271: the other payers it names (2120C). */
function otherPayersOf(response: string): OtherPayerBenefit[] {
  const [answer] = parse271(response);
  return (answer?.members[0]?.benefits ?? [])
    .filter((benefit) => benefit.kind === 'other-payer')
    .map((benefit) => ({
      ...(benefit.insuranceType ? { insuranceType: benefit.insuranceType } : {}),
      payerIds: benefit.relatedEntities.flatMap((entity) => (entity.id ? [entity.id] : [])),
      hasName: benefit.relatedEntities.some((entity) => entity.name !== undefined),
    }));
}

/** A stable id for the check of another coverage within one eligibility check (a retry finds the same row). */
function derivedId(checkId: string, coverageId: string): string {
  const hex = createHash('sha256').update(`${checkId}:${coverageId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Items as stored, back into the domain's OrderItem. */
function toOrderItem(row: typeof orderItems.$inferSelect): OrderItem {
  return {
    ...(row.options as Partial<OrderItem>),
    id: row.id,
    hcpcs: row.hcpcs,
    quantity: row.quantity,
    acquisition: row.acquisition,
    ...(row.side ? { side: row.side } : {}),
    unitCharge: row.unitCharge,
  };
}

/**
 * What the order workflow records of itself in its row: stage, blocker and, numbered, the
 * whole status view `GET /orders/:id` reads (issue 11.2). The workflow hands it to the
 * activity doing the order's next piece of work, which writes it with that work (issue
 * 11.4); recordStage writes it alone where no such activity follows (before a wait).
 */
export interface OrderStatusRecord {
  orderId: string;
  stage: OrderStage;
  blockedOn: BlockedOn | null;
  rentalMonth: number | null;
  cancelReason?: string;
  status?: { version: number; view: OrderStatus; nextFollowUpAt: string | null; at: string };
}

/** Writes the record unless a newer one is there already (a slower retry of an older view never replaces a newer one). */
async function writeOrderStatus(db: Pick<Db, 'update'>, input: OrderStatusRecord | undefined): Promise<void> {
  if (!input) return;
  const { status } = input;
  await db
    .update(orders)
    .set({
      stage: input.stage,
      blockedOn: input.blockedOn,
      // Evaluated against the row as it was: a new blocker starts the clock, the same one keeps it, none clears it.
      blockedSince:
        input.blockedOn === null
          ? null
          : sql`case when ${orders.blockedOn} is not distinct from ${input.blockedOn} and ${orders.blockedSince} is not null then ${orders.blockedSince} else ${(status ? new Date(status.at) : new Date()).toISOString()}::timestamptz end`,
      rentalMonth: input.rentalMonth,
      ...(input.cancelReason ? { cancelReason: input.cancelReason } : {}),
      ...(status
        ? {
            status: status.view as unknown as Record<string, unknown>,
            statusVersion: status.version,
            statusRecordedAt: new Date(status.at),
            nextFollowUpAt: status.nextFollowUpAt ? new Date(status.nextFollowUpAt) : null,
          }
        : {}),
      updatedAt: new Date(),
    })
    .where(
      status
        ? and(eq(orders.id, input.orderId), or(isNull(orders.statusVersion), lt(orders.statusVersion, status.version)))
        : eq(orders.id, input.orderId),
    );
}

/** An activity input that may carry the order's status record (OrderRun.withStatus). */
type CarryingStatus = { orderStatus?: OrderStatusRecord };

export function createOrderActivities({ db, clearinghouse, supplier }: OrderActivityDeps) {
  /** The coverage and payer rows of the chain's other links. */
  async function otherCoveragesOf(links: ReturnType<typeof payerChain>) {
    const rows = await db
      .select({ coverage: coverages, payer: payers })
      .from(coverages)
      .innerJoin(payers, eq(payers.id, coverages.payerId))
      .where(
        inArray(
          coverages.id,
          links.map((link) => link.coverageId),
        ),
      );
    return links.flatMap((link) => {
      const found = rows.find((candidate) => candidate.coverage.id === link.coverageId);
      return found ? [{ level: link.level, ...found }] : [];
    });
  }

  async function payerPolicyOf(payerId: string): Promise<{ kind: PayerKind; policy: PayerPolicy; row: typeof payers.$inferSelect }> {
    const [row] = await db.select().from(payers).where(eq(payers.id, payerId));
    if (!row) throw ApplicationFailure.nonRetryable(`payer ${payerId} is not configured`, 'PayerUnknown');
    const policy = payerPolicy(row.kind, { ...(row.settings as Partial<PayerPolicy>), timelyFilingDays: row.timelyFilingDays });
    return { kind: row.kind, policy, row };
  }

  return {
    async loadOrderContext(orderId: string): Promise<OrderContext> {
      const [order] = await db.select().from(orders).where(eq(orders.id, orderId));
      if (!order) throw ApplicationFailure.nonRetryable(`order ${orderId} does not exist`, 'OrderUnknown');
      const items = await db.select().from(orderItems).where(eq(orderItems.orderId, orderId)).orderBy(orderItems.lineNumber);
      const { kind, policy } = await payerPolicyOf(order.payerId);
      return {
        orderId,
        payerId: order.payerId,
        payerKind: kind,
        payer: policy,
        orderDate: order.orderDate,
        items: items.map(toOrderItem),
        diagnosisCount: order.diagnoses.length,
        ...(order.oxygen ? { oxygen: order.oxygen } : {}),
        catalog: catalogSnapshot(
          defaultCatalog,
          items.map((item) => item.hcpcs),
        ),
        payerPolicyVersion: contentVersion(policy),
        ...(order.resupply ? { resupply: order.resupply } : {}),
      };
    },

    /**
     * The order's row mirrors its workflow: stage, blocker, rental month and the whole status
     * view with its number — alone, where no activity doing the order's work carries it (before
     * a wait, at the end). A view older than the one stored (a retried or slower write) changes nothing.
     */
    async recordStage(input: OrderStatusRecord): Promise<void> {
      await writeOrderStatus(db, input);
    },

    async createTask(input: TaskInput): Promise<void> {
      await db
        .insert(tasks)
        .values({
          id: input.taskId,
          taskKey: input.taskKey,
          orderId: input.orderId ?? null,
          claimId: input.claimId ?? null,
          role: input.role,
          kind: input.kind,
          title: input.title,
          dueAt: input.dueAt ? new Date(input.dueAt) : null,
        })
        .onConflictDoNothing({ target: tasks.taskKey });
    },

    /**
     * Closes the order's tasks whose reason is gone, as the system, with the note saying
     * why. Idempotent: only tasks still open change (staff may have closed some already).
     */
    async closeTasks(input: { orderId: string; taskKeys: string[]; note: string; at: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const closed = await tx
          .update(tasks)
          .set({ status: 'done', doneBy: 'system', doneAt: new Date(input.at), note: input.note })
          .where(and(eq(tasks.orderId, input.orderId), inArray(tasks.taskKey, input.taskKeys), eq(tasks.status, 'open')))
          .returning({ id: tasks.id, kind: tasks.kind });
        for (const task of closed) {
          await recordAudit(tx, {
            actor: 'system',
            action: 'task.done',
            entityType: 'task',
            entityId: task.id,
            detail: { kind: task.kind, orderId: input.orderId, note: input.note },
          });
        }
      });
    },

    /** A received document, once the order accepted it (retries find the row by its id). */
    async recordDocumentReceived(
      input: {
        orderId: string;
        documentId: string;
        kind: DocumentKind;
        reference: string;
        user: string;
        at: string;
      } & CarryingStatus,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        await writeOrderStatus(tx, input.orderStatus);
        const stored = await tx
          .insert(documents)
          .values({
            id: input.documentId,
            orderId: input.orderId,
            kind: input.kind,
            status: 'received',
            reference: input.reference,
            receivedBy: input.user,
            receivedAt: new Date(input.at),
          })
          .onConflictDoNothing()
          .returning({ id: documents.id });
        if (stored.length === 0) return;
        await recordAudit(tx, {
          actor: input.user,
          action: 'document.received',
          entityType: 'document',
          entityId: input.documentId,
          detail: { orderId: input.orderId, kind: input.kind },
        });
      });
    },

    /**
     * The proof of delivery of the accepted delivery confirmation: only the confirmation
     * the order accepted is written, so the stored proof is the one the claims bill from.
     */
    async recordDeliveryProof(
      input: {
        orderId: string;
        deliveredOn: string;
        signedBy: string;
        relationship: string;
        serialNumbers: Record<string, string[]>;
        user: string;
        at: string;
      } & CarryingStatus,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        await writeOrderStatus(tx, input.orderStatus);
        const stored = await tx
          .insert(deliveries)
          .values({
            orderId: input.orderId,
            deliveredOn: input.deliveredOn,
            signedBy: input.signedBy,
            relationship: input.relationship,
            serialNumbers: input.serialNumbers,
            reportedBy: input.user,
            reportedAt: new Date(input.at),
          })
          .onConflictDoNothing()
          .returning({ orderId: deliveries.orderId });
        if (stored.length === 0) return;
        await recordAudit(tx, {
          actor: input.user,
          action: 'delivery.reported',
          entityType: 'order',
          entityId: input.orderId,
          detail: { deliveredOn: input.deliveredOn, itemsWithSerialNumbers: Object.keys(input.serialNumbers).length },
        });
      });
    },

    async recordDocumentReview(
      input: {
        orderId: string;
        documentId: string;
        decision: 'approved' | 'rejected';
        reason?: string;
        user: string;
        at: string;
      } & CarryingStatus,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        await writeOrderStatus(tx, input.orderStatus);
        await tx
          .update(documents)
          .set({ status: input.decision, reviewedBy: input.user, reviewedAt: new Date(input.at), rejectReason: input.reason ?? null })
          .where(and(eq(documents.id, input.documentId), eq(documents.orderId, input.orderId)));
        await recordAudit(tx, {
          actor: input.user,
          action: `document.${input.decision}`,
          entityType: 'document',
          entityId: input.documentId,
          detail: { orderId: input.orderId },
        });
      });
    },

    /**
     * The order now bills a corrected coverage (the API stored it; the command names it).
     * The corrected coverage replaces the one the order billed: when that one holds the
     * same priority and is still open-ended or in force, it ends the day before, so the
     * patient's payers in order do not show two primaries (the old one stays on record
     * for the claims and checks that name it).
     */
    async switchCoverage(input: { orderId: string; coverageId: string; user: string; asOf?: string }): Promise<{ ok: boolean; reason?: string }> {
      const [order] = await db
        .select({ patientId: orders.patientId, coverageId: orders.coverageId })
        .from(orders)
        .where(eq(orders.id, input.orderId));
      const [coverage] = await db.select().from(coverages).where(eq(coverages.id, input.coverageId));
      if (!order || !coverage || coverage.patientId !== order.patientId) {
        return { ok: false, reason: `coverage ${input.coverageId} is not a coverage of this order's patient` };
      }
      const today = isoDate(input.asOf ?? new Date());
      await db.transaction(async (tx) => {
        const [replaced] = await tx.select().from(coverages).where(eq(coverages.id, order.coverageId));
        const endsOn = addDays(today, -1);
        if (
          replaced &&
          replaced.id !== coverage.id &&
          replaced.priority === coverage.priority &&
          (replaced.effectiveTo === null || replaced.effectiveTo > endsOn) &&
          (replaced.effectiveFrom === null || replaced.effectiveFrom <= endsOn)
        ) {
          await tx.update(coverages).set({ effectiveTo: endsOn }).where(eq(coverages.id, replaced.id));
          await recordAudit(tx, {
            actor: input.user,
            action: 'coverage.ended',
            entityType: 'coverage',
            entityId: replaced.id,
            detail: { effectiveTo: endsOn, replacedBy: coverage.id, orderId: input.orderId },
          });
        }
        await tx
          .update(orders)
          .set({ coverageId: coverage.id, payerId: coverage.payerId, updatedAt: new Date() })
          .where(eq(orders.id, input.orderId));
        await recordAudit(tx, {
          actor: input.user,
          action: 'order.coverage-changed',
          entityType: 'order',
          entityId: input.orderId,
          detail: { coverageId: coverage.id, payerId: coverage.payerId },
        });
      });
      return { ok: true };
    },

    /**
     * 270 → 271 through the clearinghouse. A payer's answer (active or not) is a result,
     * not a failure; only transport errors throw, so Temporal retries those alone.
     */
    async checkEligibility(
      input: {
        orderId: string;
        checkId: string;
        asOf: string;
      } & CarryingStatus,
    ): Promise<{ active: boolean; coversDme: boolean; summary: Record<string, unknown>; payerProblems?: string[] }> {
      // The order shows it is checking eligibility while the payer answers (that can take minutes with a file drop).
      await writeOrderStatus(db, input.orderStatus);
      const [row] = await db
        .select({ order: orders, coverage: coverages, patient: patients })
        .from(orders)
        .innerJoin(coverages, eq(coverages.id, orders.coverageId))
        .innerJoin(patients, eq(patients.id, orders.patientId))
        .where(eq(orders.id, input.orderId));
      if (!row) throw ApplicationFailure.nonRetryable(`order ${input.orderId} does not exist`, 'OrderUnknown');
      const today = isoDate(input.asOf);

      /** One payer's 270 → 271, stored once per check id (a retry finds it and asks nothing again). */
      const ask = async (checkId: string, coverage: typeof coverages.$inferSelect, payerId: string) => {
        const [existing] = await db.select().from(eligibilityChecks).where(eq(eligibilityChecks.id, checkId));
        if (existing) return { active: existing.active, coversDme: existing.coversDme, summary: existing.summary, response: existing.response };
        const { row: coveragePayer } = await payerPolicyOf(payerId);
        const routed = await routeToPayer(db, coveragePayer, row.patient, today);
        // Without a DME MAC for the address the coverage's own payer is asked; the claim builder holds the claim.
        const payer = routed.ok ? routed.payer : coveragePayer;
        // One number per check: a retry rebuilds the same 270 instead of sending another.
        const controlNumber = await inquiryControlNumber(db, `270:${checkId}`);
        const subscriber =
          coverage.relationship === 'self' || !coverage.subscriber
            ? { firstName: row.patient.firstName, lastName: row.patient.lastName, birthDate: row.patient.birthDate, sex: row.patient.sex }
            : coverage.subscriber;
        const request = build270({
          interchange: supplier.interchange(controlNumber, input.asOf),
          payer: { name: payer.name, id: payer.ediPayerId },
          provider: { organizationName: supplier.name, npi: supplier.npi, taxId: supplier.taxId },
          subscriber: {
            memberId: coverage.memberId,
            lastName: subscriber.lastName,
            firstName: subscriber.firstName,
            birthDate: subscriber.birthDate,
            sex: subscriber.sex as 'M' | 'F' | 'U',
          },
          traceNumber: checkId.replace(/-/g, '').slice(0, 30),
          serviceDate: today,
          serviceTypes: ['12', '18'],
        });
        const response = await clearinghouse.checkEligibility(
          { controlNumber: String(controlNumber), x12: request },
          new Date(input.asOf),
          currentInquiryWait(),
        );
        await storeEdiFile(db, 'outbound', '270', request);
        await storeEdiFile(db, 'inbound', '271', response);
        const { active, coversDme, summary } = eligibilityOutcome(response);
        await db
          .insert(eligibilityChecks)
          .values({
            id: checkId,
            orderId: input.orderId,
            coverageId: coverage.id,
            controlNumber: String(controlNumber),
            request,
            response,
            active,
            coversDme,
            summary,
            checkedAt: new Date(input.asOf),
          })
          .onConflictDoNothing();
        return { active, coversDme, summary, response };
      };

      const primary = await ask(input.checkId, row.coverage, row.order.payerId);

      // Every other payer the order will bill (DOMAIN.md §15): asked too, and what their 271s say against our order of payers.
      const held = await chainCoveragesOf(db, row.patient.id);
      const orderCoverage = held.find((coverage) => coverage.id === row.coverage.id)!;
      const chain = payerChain(orderCoverage, held, today);
      const problems = payerOrderProblems(held, today).map((problem) => `${problem.field}: ${problem.message}`);
      const answers = [{ coverage: orderCoverage, response: primary.response }];
      for (const link of chain.slice(1)) {
        const [coverage] = await db.select().from(coverages).where(eq(coverages.id, link.coverageId));
        const answer = await ask(derivedId(input.checkId, link.coverageId), coverage, link.payerId);
        answers.push({ coverage: held.find((candidate) => candidate.id === link.coverageId)!, response: answer.response });
        if (!answer.active || !answer.coversDme)
          problems.push(
            `the ${link.level} coverage ${link.coverageId} (payer ${link.payerId}) is ${answer.active ? 'active without DME benefits' : 'inactive'} on ${today}: correct it or end it, or the claim goes to it for nothing`,
          );
      }
      for (const { coverage, response } of answers) problems.push(...eligibilityPayerProblems(coverage, otherPayersOf(response), held));
      return {
        active: primary.active,
        coversDme: primary.coversDme,
        summary: primary.summary,
        ...(problems.length > 0 || chain.length > 1 ? { payerProblems: problems } : {}),
      };
    },

    async recordPriorAuthRequest(input: { orderId: string; priorAuthId: string; hcpcs: string[]; asOf: string; user: string }): Promise<void> {
      await db.transaction(async (tx) => {
        const inserted = await tx
          .insert(priorAuths)
          .values({ id: input.priorAuthId, orderId: input.orderId, hcpcs: input.hcpcs, status: 'requested', requestedAt: new Date(input.asOf) })
          .onConflictDoNothing()
          .returning({ id: priorAuths.id });
        if (inserted.length === 0) return;
        await recordAudit(tx, {
          actor: input.user,
          action: 'prior-auth.requested',
          entityType: 'prior-auth',
          entityId: input.priorAuthId,
          detail: { orderId: input.orderId, hcpcs: input.hcpcs },
        });
      });
    },

    async recordPriorAuthDecision(input: {
      orderId: string;
      priorAuthId: string;
      status: 'affirmed' | 'non-affirmed' | 'expired';
      trackingNumber?: string;
      expiresOn?: string;
      reason?: string;
      user: string;
      at: string;
    }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .update(priorAuths)
          .set({
            status: input.status,
            // An expiry keeps the tracking number and dates of the affirmation it ends.
            ...(input.trackingNumber ? { trackingNumber: input.trackingNumber } : {}),
            ...(input.expiresOn ? { expiresOn: input.expiresOn } : {}),
            ...(input.reason ? { reason: input.reason } : {}),
            decidedBy: input.user,
            decidedAt: new Date(input.at),
          })
          .where(eq(priorAuths.id, input.priorAuthId));
        await recordAudit(tx, {
          actor: input.user,
          action: `prior-auth.${input.status}`,
          entityType: 'prior-auth',
          entityId: input.priorAuthId,
          detail: { orderId: input.orderId, ...(input.expiresOn ? { expiresOn: input.expiresOn } : {}) },
        });
      });
    },

    /** Confirms the reported delivery and files the proof of delivery as an approved document. */
    async confirmDelivery(
      input: { orderId: string; deliveredOn: string; user: string; at: string; podDocumentId: string } & CarryingStatus,
    ): Promise<void> {
      await db.transaction(async (tx) => {
        await writeOrderStatus(tx, input.orderStatus);
        await tx
          .update(deliveries)
          .set({ confirmedAt: new Date(input.at) })
          .where(eq(deliveries.orderId, input.orderId));
        await tx
          .insert(documents)
          .values({
            id: input.podDocumentId,
            orderId: input.orderId,
            kind: 'proof-of-delivery',
            status: 'approved',
            reference: `delivery of ${input.deliveredOn}`,
            receivedBy: input.user,
            receivedAt: new Date(input.at),
            reviewedBy: input.user,
            reviewedAt: new Date(input.at),
          })
          .onConflictDoNothing();
        await recordAudit(tx, {
          actor: input.user,
          action: 'delivery.confirmed',
          entityType: 'order',
          entityId: input.orderId,
          detail: { deliveredOn: input.deliveredOn },
        });
      });
    },

    /**
     * Builds, scrubs and stores a claim with its 837P exactly as it will be sent.
     * Idempotent on the claim id; the database refuses a second live line for the same
     * item and service period, so a period is never billed twice.
     */
    async prepareClaim(
      input: {
        claimId: string;
        orderId: string;
        lines: ClaimLine[];
        rentalPeriod?: number;
        rentalMonth?: number;
        priorAuthNumber?: string;
        correctsClaimId?: string;
        narrative?: string;
        asOf: string;
      } & CarryingStatus,
    ): Promise<PrepareClaimResult> {
      await writeOrderStatus(db, input.orderStatus);
      const [existing] = await db.select().from(claims).where(eq(claims.id, input.claimId));
      if (existing) {
        return {
          ok: true,
          claimId: existing.id,
          claimNumber: existing.claimNumber,
          totalCharge: existing.totalCharge,
          lineCount: input.lines.length,
        };
      }
      const [row] = await db
        .select({ order: orders, coverage: coverages, patient: patients, prescriber: prescribers })
        .from(orders)
        .innerJoin(coverages, eq(coverages.id, orders.coverageId))
        .innerJoin(patients, eq(patients.id, orders.patientId))
        .innerJoin(prescribers, eq(prescribers.npi, orders.prescriberNpi))
        .where(eq(orders.id, input.orderId));
      if (!row) throw ApplicationFailure.nonRetryable(`order ${input.orderId} does not exist`, 'OrderUnknown');
      const { policy, row: orderPayer } = await payerPolicyOf(row.order.payerId);
      // Routed by the address on file today, not on the date of service: a catch-up month
      // or a correction prepared after a move goes to the new contractor.
      const routed = await routeToPayer(db, orderPayer, row.patient, isoDate(input.asOf));
      if (!routed.ok) return { ok: false, failures: [routed.failure] };
      const { payer, address: patientAddress } = routed;
      const items = (await db.select().from(orderItems).where(eq(orderItems.orderId, input.orderId))).map(toOrderItem);
      const approved = await db
        .select({ kind: documents.kind })
        .from(documents)
        .where(and(eq(documents.orderId, input.orderId), eq(documents.status, 'approved')));
      const billed = await db
        .select({ hcpcs: claimLines.hcpcs, serviceFrom: claimLines.serviceFrom, serviceTo: claimLines.serviceTo, side: claimLines.side })
        .from(claimLines)
        .innerJoin(claims, eq(claims.id, claimLines.claimId))
        .where(and(eq(claims.orderId, input.orderId), eq(claimLines.voided, false)));

      const claimNumber = claimNumberOf(input.claimId);
      const lines = assignLineControlNumbers(claimNumber, input.lines);
      // Power wheelchairs carry the tracking number on their base line, everyone else at claim level.
      const onBaseLine = lines.some((line) => line.priorAuthNumber);
      const draft = draftClaim({
        claimControlNumber: claimNumber,
        orderId: input.orderId,
        payerId: payer.id,
        frequencyCode: '1',
        billingProviderNpi: supplier.npi,
        orderingProviderNpi: row.prescriber.npi,
        placeOfService: '12',
        diagnoses: row.order.diagnoses,
        lines,
        ...(input.priorAuthNumber && !onBaseLine ? { priorAuthNumber: input.priorAuthNumber } : {}),
        ...(input.narrative ? { narrative: input.narrative } : {}),
      });
      const failures = scrubClaim(draft, {
        today: isoDate(input.asOf),
        payer: policy,
        requiredDocuments: requiredDocuments(items, policy),
        documentsOnFile: approved.map((document) => document.kind as DocumentKind),
        billedPeriods: billed.map((period) => ({
          hcpcs: period.hcpcs,
          serviceFrom: period.serviceFrom,
          serviceTo: period.serviceTo,
          ...(period.side === 'LT' || period.side === 'RT' ? { side: period.side } : {}),
        })),
      });
      if (failures.length > 0) return { ok: false, failures };

      const serviceFrom = lines.map((line) => line.serviceFrom).sort()[0];
      const serviceTo = lines
        .map((line) => line.serviceTo)
        .sort()
        .slice(-1)[0];
      // The payers it is billed to, in order (DOMAIN.md §15); the 837P names the others in 2320/2330 (TR3: when they are known).
      const held = await chainCoveragesOf(db, row.patient.id);
      const orderCoverage = held.find((coverage) => coverage.id === row.coverage.id)!;
      const chain = payerChain(orderCoverage, held, serviceFrom);
      const others = chain.length > 1 ? await otherCoveragesOf(chain.slice(1)) : [];

      const controlNumber = await nextControlNumber(db);
      const patientPerson = personOf(row.patient, patientAddress);
      const x12 = build837P({
        interchange: supplier.interchange(controlNumber, input.asOf),
        submitter: supplier.submitter,
        receiver: supplier.receiver,
        billingProvider: supplier.billingProvider,
        ...partiesOf(patientPerson, row.coverage),
        payer: { name: payer.name, id: payer.ediPayerId, claimFilingIndicator: payer.claimFilingIndicator as ClaimFilingIndicator },
        ...(others.length > 0 ? { otherPayers: others.map((other) => otherPayerOf(patientPerson, other.level, other.coverage, other.payer)) } : {}),
        claim: {
          patientControlNumber: claimNumber,
          totalCharge: draft.totalCharge,
          frequencyCode: '1',
          diagnoses: row.order.diagnoses,
          ...(draft.priorAuthNumber ? { priorAuthNumber: draft.priorAuthNumber } : {}),
          ...(input.narrative ? { narrative: input.narrative } : {}),
        },
        orderingProvider: { npi: row.prescriber.npi, lastName: row.prescriber.lastName, firstName: row.prescriber.firstName },
        lines,
      });

      try {
        await db.transaction(async (tx) => {
          await tx.insert(claims).values({
            id: input.claimId,
            orderId: input.orderId,
            claimNumber,
            payerId: payer.id,
            serviceFrom,
            serviceTo,
            rentalPeriod: input.rentalPeriod ?? null,
            rentalMonth: input.rentalMonth ?? null,
            totalCharge: draft.totalCharge,
            frequencyCode: '1',
            correctsClaimId: input.correctsClaimId ?? null,
            status: 'built',
            interchangeControlNumber: String(controlNumber),
            x12,
          });
          // The payers it is billed to, in order: this payer first, then the patient's other coverages in force (DOMAIN.md §15).
          await tx.insert(claimPayers).values(
            chain.map((link) => ({
              claimId: input.claimId,
              level: link.level,
              payerId: link.level === 'primary' ? payer.id : link.payerId,
              coverageId: link.coverageId,
              interchangeControlNumber: link.level === 'primary' ? String(controlNumber) : null,
            })),
          );
          await tx.insert(claimLines).values(
            lines.map((line, index) => ({
              claimId: input.claimId,
              lineNumber: index + 1,
              itemId: line.itemId,
              hcpcs: line.hcpcs,
              modifiers: line.modifiers,
              units: line.units,
              charge: line.charge,
              serviceFrom: line.serviceFrom,
              serviceTo: line.serviceTo,
              rentalMonth: line.rentalMonth ?? null,
              lineControlNumber: line.lineControlNumber!,
              side: line.modifiers.find((modifier) => modifier === 'LT' || modifier === 'RT') ?? '',
            })),
          );
          await recordAudit(tx, {
            actor: 'system',
            action: 'claim.built',
            entityType: 'claim',
            entityId: input.claimId,
            detail: { orderId: input.orderId, claimNumber, totalCharge: draft.totalCharge, rentalMonth: input.rentalMonth ?? null },
          });
        });
      } catch (error) {
        // drizzle wraps the Postgres error (DrizzleQueryError, with the query and its parameters): the code and constraint are on its cause.
        const refused = postgresErrorOf(error);
        if (refused?.code === '23505' && refused.constraint === 'claim_lines_item_period_uq') {
          return {
            ok: false,
            failures: [
              {
                code: 'DUPLICATE_SERVICE_PERIOD',
                field: 'lines',
                message: 'A line of this claim bills a service period that another live claim already bills; nothing was stored',
              },
            ],
          };
        }
        throw error;
      }
      return { ok: true, claimId: input.claimId, claimNumber, totalCharge: draft.totalCharge, lineCount: lines.length };
    },

    /** The lines of a claim, to rebuild a corrected claim from the (corrected) order data. */
    async claimLinesOf(claimId: string): Promise<{ lines: ClaimLine[]; rentalPeriod?: number; rentalMonth?: number }> {
      const [claim] = await db.select().from(claims).where(eq(claims.id, claimId));
      if (!claim) throw ApplicationFailure.nonRetryable(`claim ${claimId} does not exist`, 'ClaimUnknown');
      const rows = await db.select().from(claimLines).where(eq(claimLines.claimId, claimId)).orderBy(claimLines.lineNumber);
      return {
        lines: rows.map((line) => ({
          itemId: line.itemId,
          hcpcs: line.hcpcs,
          modifiers: line.modifiers,
          units: line.units,
          charge: line.charge,
          serviceFrom: line.serviceFrom,
          serviceTo: line.serviceTo,
          diagnosisPointers: [1],
          ...(line.rentalMonth ? { rentalMonth: line.rentalMonth } : {}),
        })),
        ...(claim.rentalPeriod ? { rentalPeriod: claim.rentalPeriod } : {}),
        ...(claim.rentalMonth ? { rentalMonth: claim.rentalMonth } : {}),
      };
    },

    async recordAuditEvent(event: {
      actor: string;
      action: string;
      entityType: string;
      entityId: string;
      detail?: Record<string, unknown>;
    }): Promise<void> {
      await recordAudit(db, event);
    },
  };
}

export type OrderActivities = ReturnType<typeof createOrderActivities>;
