/**
 * What staff tell a running order: each route checks the order's live status first
 * and answers 404, 409 or 422 with the reason instead of signalling blindly; an
 * accepted request answers 202 once the signal is delivered (the workflow applies
 * it). Intake data (documents, proof of delivery) is stored here before the signal;
 * the signal itself carries ids, codes and dates only.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { and, eq, isNull } from 'drizzle-orm';
import { auditEvents, claims, coverages, deliveries, documents, orderItems, orders, patients, payers } from '../../db/schema';
import { documentLabels } from '../../domain/documentation';
import { catalogEntry, defaultCatalog } from '../../domain/catalog';
import { affirmationExpiryProblem, isUniqueTrackingNumber } from '../../domain/prior-auth';
import type { DocumentKind } from '../../domain/types';
import {
  cancelOrder,
  claimCorrected,
  coverageUpdated,
  deliveryConfirmed,
  documentReceived,
  documentReviewed,
  priorAuthDecided,
  rentalChanged,
} from '../../workflows/definitions';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { contractorProblem } from '../dme-mac';
import { conflict, notFound, ruleBroken, validationError, type FieldProblem } from '../errors';
import { calendarDate, personName, todayIso, uuidParam } from '../fields';
import { auditWithId, commitThenTell, requireLiveStatus, requireOpen, signalOrder } from '../order-workflow';
import { bearerSecurity, router } from '../router';
import { errorResponses } from '../schemas';

const documentKinds = Object.keys(documentLabels) as [DocumentKind, ...DocumentKind[]];

/** Free text staff type: reasons and notes. */
const note = (maxLength: number) => z.string().trim().min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);

const accepted = z
  .object({
    accepted: z.literal(true),
    signal: z.string().describe('The signal sent to the order workflow'),
    documentId: z.string().uuid().optional(),
  })
  .openapi('SignalAccepted');

const orderParams = z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) });
const documentParams = orderParams.extend({ docId: uuidParam.openapi({ param: { name: 'docId', in: 'path' } }) });
const claimParams = orderParams.extend({ claimId: uuidParam.openapi({ param: { name: 'claimId', in: 'path' } }) });

const receivedDocumentSchema = z
  .object({
    kind: z.enum(documentKinds, { message: `must be one of ${documentKinds.join(', ')}` }),
    reference: z
      .string()
      .trim()
      .min(1, 'must say where the document is kept')
      .max(300, 'must be at most 300 characters')
      .describe('Where the document is kept (document-management reference or file name), never its content'),
  })
  .strict()
  .openapi('ReceivedDocument');

const reviewSchema = z
  .object({
    decision: z.enum(['approved', 'rejected'], { message: 'must be approved or rejected' }),
    reason: note(300).optional(),
  })
  .strict()
  .superRefine((review, ctx) => {
    if (review.decision === 'rejected' && !review.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'is required when the document is rejected' });
    }
  })
  .openapi('DocumentReview');

const coverageSchema = z.object({ coverageId: uuidParam }).strict().openapi('CorrectedCoverage');

const priorAuthSchema = z
  .object({
    decision: z.enum(['affirmed', 'non-affirmed'], { message: 'must be affirmed or non-affirmed' }),
    trackingNumber: z.string().trim().optional().describe('Affirmed: the 14-character unique tracking number'),
    expiresOn: calendarDate.optional().describe('Affirmed: the last day the affirmation is valid'),
    reason: note(300).optional().describe('Non-affirmed: why'),
    next: z.enum(['resubmit', 'cancel'], { message: 'must be resubmit or cancel' }).optional().describe('Non-affirmed: what happens next'),
  })
  .strict()
  .openapi('PriorAuthDecision');

const serialNumber = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(50, 'must be at most 50 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ./-]*$/, 'may contain letters, digits, spaces, periods, slashes and hyphens');

const deliverySchema = z
  .object({
    deliveredOn: calendarDate,
    signedBy: personName(60).describe('Who signed the proof of delivery: stored, never sent to the workflow'),
    relationship: personName(35).describe('The signer’s relationship to the patient (self, daughter, caregiver…)'),
    serialNumbers: z
      .record(z.string(), z.array(serialNumber).min(1, 'list at least one serial number').max(100, 'at most 100 serial numbers'))
      .default({})
      .describe('Serial numbers by order item id'),
  })
  .strict()
  .openapi('Delivery');

const rentalSchema = z
  .object({
    change: z.enum(['hold', 'resume', 'pickup', 'purchase-option-offered'], { message: 'must be hold, resume, pickup or purchase-option-offered' }),
    effectiveOn: calendarDate,
    reason: note(300).optional(),
    inpatient: z.boolean({ error: 'must be true or false' }).optional().describe('Hold: an inpatient stay'),
    newMedicalNeed: z.boolean({ error: 'must be true or false' }).optional().describe('Resume: a new medical need starts a new rental period'),
  })
  .strict()
  .openapi('RentalChange');

const cancelSchema = z
  .object({ reason: note(300) })
  .strict()
  .openapi('Cancellation');

const correctionSchema = z
  .object({ note: note(300).optional() })
  .strict()
  .openapi('ClaimCorrection');

function signalRoute<P extends z.ZodObject, B extends z.ZodType>(spec: {
  path: string;
  summary: string;
  description: string;
  role: Parameters<typeof requireRole>[0];
  params: P;
  body: B;
}) {
  return createRoute({
    method: 'post',
    path: spec.path,
    summary: spec.summary,
    description: spec.description,
    tags: ['orders'],
    security: bearerSecurity,
    middleware: [requireRole(spec.role)] as const,
    request: { params: spec.params, body: { required: true, content: { 'application/json': { schema: spec.body } } } },
    responses: {
      202: { description: 'The signal was delivered; the workflow applies it', content: { 'application/json': { schema: accepted } } },
      ...errorResponses(400, 401, 403, 404, 409, 422, 503),
    },
  });
}

const receiveDocument = signalRoute({
  path: '/orders/{id}/documents',
  summary: 'Register a received document (signal documentReceived)',
  description: '422 when the order does not need this kind; 409 when that document is already approved or waiting for review.',
  role: 'intake',
  params: orderParams,
  body: receivedDocumentSchema,
});
const reviewDocument = signalRoute({
  path: '/orders/{id}/documents/{docId}/review',
  summary: 'Approve or reject a document (signal documentReviewed)',
  description: '409 unless the document is the one the order waits on and it is waiting for review.',
  role: 'reviewer',
  params: documentParams,
  body: reviewSchema,
});
const correctCoverage = signalRoute({
  path: '/orders/{id}/coverage',
  summary: 'Bill a corrected coverage of the same patient (signal coverageUpdated)',
  description:
    'Add the coverage first with POST /patients/{id}/coverages. 422 when it is not a coverage of the order’s patient, or when it is a Medicare DME MAC other than the one of the patient’s current permanent address (the message names the right one), as at intake.',
  role: 'intake',
  params: orderParams,
  body: coverageSchema,
});
const decidePriorAuth = signalRoute({
  path: '/orders/{id}/prior-auth',
  summary: 'Record the prior-authorization decision (signal priorAuthDecided)',
  description:
    '409 unless a request is waiting for a decision. Affirmed needs a 14-character tracking number and an expiry neither past nor beyond ' +
    'what the program allows from today (PMD 6 months, support surfaces 1 month, lower-limb prostheses 120 days, orthoses 60 days; ' +
    '422 names the latest date); non-affirmed needs a reason and what next (422).',
  role: 'reviewer',
  params: orderParams,
  body: priorAuthSchema,
});
const confirmDelivery = signalRoute({
  path: '/orders/{id}/delivery',
  summary: 'Confirm the delivery with its proof (signal deliveryConfirmed)',
  description:
    'Stores the proof of delivery, then signals the date and serial numbers only. 409 unless the order waits for delivery; 422 for a future date, a date before the order, or serial numbers of items not on the order.',
  role: 'delivery',
  params: orderParams,
  body: deliverySchema,
});
const changeRental = signalRoute({
  path: '/orders/{id}/rental',
  summary: 'Hold, resume, pick up a rental or record the purchase-option offer (signal rentalChanged)',
  description:
    '409 when the order has no rental under way or is closed; 422 for a future date, one before the delivery, or a hold starting on or before the date of service of the last billed month.',
  role: 'biller',
  params: orderParams,
  body: rentalSchema,
});
const cancel = signalRoute({
  path: '/orders/{id}/cancel',
  summary: 'Cancel the order (signal cancelOrder)',
  description:
    'After a claim was sent, cancelling stops future rental months only. 409 when the order is closed, cancelled or already being cancelled.',
  role: 'intake',
  params: orderParams,
  body: cancelSchema,
});
const correctClaim = signalRoute({
  path: '/orders/{id}/claims/{claimId}/correct',
  summary: 'Send a rejected claim again after the order data was fixed (signal claimCorrected)',
  description: '409 unless the claim was rejected and not corrected yet.',
  role: 'biller',
  params: claimParams,
  body: correctionSchema,
});

export function orderSignalRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const { temporal, logger } = deps;

  async function orderOf(id: string) {
    const [order] = await db.select().from(orders).where(eq(orders.id, id));
    if (!order) throw notFound('Order', id);
    return order;
  }

  // Routes are added one by one rather than chained: the chained type of eight routes is too large for tsc to merge into the app.
  const routes = router();
  routes.openapi(receiveDocument, async (c) => {
    const { id } = c.req.valid('param');
    const { kind, reference } = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const status = await requireLiveStatus(temporal, id, logger);
    requireOpen(status, id);
    if (status.documents.length === 0) {
      throw conflict(`Order ${id} is still working out which documents it needs; try again in a moment`);
    }
    const wanted = status.documents.find((document) => document.kind === kind);
    if (!wanted) {
      const needed = status.documents.map((document) => document.kind).join(', ');
      throw ruleBroken('kind', `the order does not need a ${documentLabels[kind]}; it needs: ${needed}`);
    }
    if (wanted.status === 'approved') throw conflict(`The ${documentLabels[kind]} of order ${id} is already approved`);
    if (wanted.status === 'received') {
      throw conflict(`The ${documentLabels[kind]} of order ${id} (document ${wanted.documentId}) is waiting for review: review it first`);
    }

    const documentId = randomUUID();
    await commitThenTell(db, logger, {
      write: async (tx) => {
        await tx
          .insert(documents)
          .values({ id: documentId, orderId: id, kind, status: 'received', reference, receivedBy: user, receivedAt: new Date() });
        const auditId = await auditWithId(tx, {
          actor: user,
          action: 'document.received',
          entityType: 'document',
          entityId: documentId,
          detail: { orderId: id, kind },
        });
        return { auditIds: [auditId] };
      },
      tell: () => signalOrder(temporal, id, documentReceived, { user, documentId, kind }, logger),
      undo: async (tx) => {
        await tx.delete(documents).where(eq(documents.id, documentId));
      },
    });
    return c.json({ accepted: true as const, signal: documentReceived.name, documentId }, 202);
  });
  routes.openapi(reviewDocument, async (c) => {
    const { id, docId } = c.req.valid('param');
    const { decision, reason } = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const [document] = await db
      .select()
      .from(documents)
      .where(and(eq(documents.id, docId), eq(documents.orderId, id)));
    if (!document) throw notFound('Document', docId);
    const status = await requireLiveStatus(temporal, id, logger);
    requireOpen(status, id);
    const live = status.documents.find((candidate) => candidate.documentId === docId);
    if (!live) throw conflict(`Document ${docId} is not the ${document.kind} order ${id} is waiting on (a later one replaced it)`);
    if (live.status !== 'received') throw conflict(`Document ${docId} is ${live.status}, not waiting for review`);

    await signalOrder(temporal, id, documentReviewed, { user, documentId: docId, decision, ...(reason ? { reason } : {}) }, logger);
    return c.json({ accepted: true as const, signal: documentReviewed.name }, 202);
  });
  routes.openapi(correctCoverage, async (c) => {
    const { id } = c.req.valid('param');
    const { coverageId } = c.req.valid('json');
    const { user } = c.get('actor');
    const order = await orderOf(id);
    const [coverage] = await db
      .select({ patientId: coverages.patientId, payerId: coverages.payerId })
      .from(coverages)
      .where(eq(coverages.id, coverageId));
    if (!coverage) throw ruleBroken('coverageId', `coverage ${coverageId} does not exist`);
    if (coverage.patientId !== order.patientId) throw ruleBroken('coverageId', `coverage ${coverageId} is not a coverage of the order's patient`);
    // The same check as intake (POST /orders): a coverage kept from before a move may name the old contractor.
    const [billing] = await db
      .select({ payer: payers, state: patients.state })
      .from(payers)
      .innerJoin(patients, eq(patients.id, order.patientId))
      .where(eq(payers.id, coverage.payerId));
    const wrongContractor = billing && (await contractorProblem(db, 'coverageId', billing.payer, billing.state));
    if (wrongContractor) throw validationError([wrongContractor], 422);
    const status = await requireLiveStatus(temporal, id, logger);
    requireOpen(status, id);

    await signalOrder(temporal, id, coverageUpdated, { user, coverageId }, logger);
    return c.json({ accepted: true as const, signal: coverageUpdated.name }, 202);
  });
  routes.openapi(decidePriorAuth, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const status = await requireLiveStatus(temporal, id, logger);
    requireOpen(status, id);
    if (status.priorAuth.status !== 'requested') {
      throw conflict(`Order ${id} has no prior-authorization request waiting for a decision (status ${status.priorAuth.status})`);
    }

    const problems: FieldProblem[] = [];
    if (body.decision === 'affirmed') {
      if (!body.trackingNumber || !isUniqueTrackingNumber(body.trackingNumber)) {
        problems.push({ field: 'trackingNumber', message: 'an affirmation needs its unique tracking number: 14 letters or digits' });
      }
      if (!body.expiresOn) problems.push({ field: 'expiresOn', message: 'an affirmation needs the last day it is valid' });
      else if (body.expiresOn < todayIso()) problems.push({ field: 'expiresOn', message: 'the affirmation has already expired' });
      else {
        // The decision is recorded the day it is made: its validity counts from today.
        const items = await db.select({ hcpcs: orderItems.hcpcs }).from(orderItems).where(eq(orderItems.orderId, id));
        const hcpcs = items.map((item) => item.hcpcs).filter((code) => catalogEntry(defaultCatalog, code)?.priorAuthGroup !== undefined);
        const tooLate = affirmationExpiryProblem({ expiresOn: body.expiresOn, decidedOn: todayIso(), hcpcs });
        if (tooLate) problems.push({ field: 'expiresOn', message: tooLate });
      }
    } else {
      if (!body.reason) problems.push({ field: 'reason', message: 'a non-affirmation needs its reason' });
      if (!body.next) problems.push({ field: 'next', message: 'a non-affirmation needs what happens next: resubmit or cancel' });
    }
    if (problems.length) throw validationError(problems, 422);

    await signalOrder(
      temporal,
      id,
      priorAuthDecided,
      body.decision === 'affirmed'
        ? { user, decision: 'affirmed', trackingNumber: body.trackingNumber!.toUpperCase(), expiresOn: body.expiresOn! }
        : { user, decision: 'non-affirmed', reason: body.reason!, next: body.next! },
      logger,
    );
    return c.json({ accepted: true as const, signal: priorAuthDecided.name }, 202);
  });
  routes.openapi(confirmDelivery, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    const order = await orderOf(id);
    const status = await requireLiveStatus(temporal, id, logger);
    if (status.delivery) throw conflict(`Order ${id} was already delivered on ${status.delivery.deliveredOn}`);
    if (status.stage !== 'delivery') throw conflict(`Order ${id} is in ${status.stage}, not waiting for delivery`);

    const problems: FieldProblem[] = [];
    if (body.deliveredOn > todayIso()) problems.push({ field: 'deliveredOn', message: 'must not be in the future' });
    else if (body.deliveredOn < order.orderDate)
      problems.push({ field: 'deliveredOn', message: `must not be before the order date ${order.orderDate}` });
    const items = await db.select({ id: orderItems.id }).from(orderItems).where(eq(orderItems.orderId, id));
    const itemIds = new Set(items.map((item) => item.id));
    for (const itemId of Object.keys(body.serialNumbers)) {
      if (!itemIds.has(itemId)) problems.push({ field: `serialNumbers.${itemId}`, message: 'is not an item of this order' });
    }
    if (problems.length) throw validationError(problems, 422);

    const proof = {
      deliveredOn: body.deliveredOn,
      signedBy: body.signedBy,
      relationship: body.relationship,
      serialNumbers: body.serialNumbers,
      reportedBy: user,
      reportedAt: new Date(),
    };
    await commitThenTell(db, logger, {
      write: async (tx) => {
        // A report whose signal never arrived (no confirmation yet) is replaced; a confirmed one never is.
        const stored = await tx
          .insert(deliveries)
          .values({ orderId: id, ...proof })
          .onConflictDoUpdate({ target: deliveries.orderId, set: proof, setWhere: isNull(deliveries.confirmedAt) })
          .returning({ orderId: deliveries.orderId });
        if (stored.length === 0) throw conflict(`Order ${id}'s delivery is already confirmed`);
        const auditId = await auditWithId(tx, {
          actor: user,
          action: 'delivery.reported',
          entityType: 'order',
          entityId: id,
          detail: { deliveredOn: body.deliveredOn, itemsWithSerialNumbers: Object.keys(body.serialNumbers).length },
        });
        return { auditIds: [auditId] };
      },
      tell: () => signalOrder(temporal, id, deliveryConfirmed, { user, deliveredOn: body.deliveredOn, serialNumbers: body.serialNumbers }, logger),
      undo: async (tx) => {
        await tx.delete(deliveries).where(and(eq(deliveries.orderId, id), isNull(deliveries.confirmedAt)));
      },
    });
    return c.json({ accepted: true as const, signal: deliveryConfirmed.name }, 202);
  });
  routes.openapi(changeRental, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const rented = await db
      .select({ id: orderItems.id })
      .from(orderItems)
      .where(and(eq(orderItems.orderId, id), eq(orderItems.acquisition, 'rental')));
    if (rented.length === 0) throw conflict(`Order ${id} has no rented item`);
    const status = await requireLiveStatus(temporal, id, logger);
    requireOpen(status, id);
    if (!status.rental || !status.delivery) throw conflict(`Order ${id}'s rental starts at delivery: there is nothing to change yet`);

    const problems: FieldProblem[] = [];
    if (body.effectiveOn > todayIso())
      problems.push({ field: 'effectiveOn', message: 'must not be in the future: record a change once it happened' });
    else if (body.effectiveOn < status.delivery.deliveredOn) {
      problems.push({ field: 'effectiveOn', message: `must not be before the delivery on ${status.delivery.deliveredOn}` });
    }
    const lastBilled = status.claims
      .filter((claim) => claim.rentalMonth !== undefined && claim.status !== 'rejected')
      .map((claim) => claim.serviceFrom)
      .sort()
      .at(-1);
    if (body.change === 'hold' && lastBilled && body.effectiveOn <= lastBilled && problems.length === 0) {
      problems.push({ field: 'effectiveOn', message: `a hold must start after the date of service of the last billed month (${lastBilled})` });
    }
    if (body.inpatient !== undefined && body.change !== 'hold') problems.push({ field: 'inpatient', message: 'applies to a hold only' });
    if (body.newMedicalNeed !== undefined && body.change !== 'resume')
      problems.push({ field: 'newMedicalNeed', message: 'applies to a resume only' });
    if (problems.length) throw validationError(problems, 422);

    await signalOrder(temporal, id, rentalChanged, { user, ...body }, logger);
    return c.json({ accepted: true as const, signal: rentalChanged.name }, 202);
  });
  routes.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const status = await requireLiveStatus(temporal, id, logger);
    requireOpen(status, id);
    if (status.cancelReason) throw conflict(`Order ${id} is already being cancelled`);

    await signalOrder(temporal, id, cancelOrder, { user, reason }, logger);
    return c.json({ accepted: true as const, signal: cancelOrder.name }, 202);
  });
  routes.openapi(correctClaim, async (c) => {
    const { id, claimId } = c.req.valid('param');
    const { note: correctionNote } = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const status = await requireLiveStatus(temporal, id, logger);
    // Claims the scrubber held never reached the database: the live status is where they are.
    const claim = status.claims.find((candidate) => candidate.claimId === claimId);
    if (!claim) throw notFound('Claim', claimId);
    if (claim.status !== 'rejected') throw conflict(`Claim ${claimId} is ${claim.status}, not rejected`);
    const [correction] = await db.select({ id: claims.id }).from(claims).where(eq(claims.correctsClaimId, claimId));
    const [corrected] = await db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(and(eq(auditEvents.entityType, 'claim'), eq(auditEvents.entityId, claimId), eq(auditEvents.action, 'claim.corrected')));
    if (correction || corrected) throw conflict(`Claim ${claimId} was already corrected${correction ? ` by claim ${correction.id}` : ''}`);

    await signalOrder(temporal, id, claimCorrected, { user, claimId, ...(correctionNote ? { note: correctionNote } : {}) }, logger);
    return c.json({ accepted: true as const, signal: claimCorrected.name }, 202);
  });
  return routes;
}
