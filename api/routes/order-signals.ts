/**
 * What staff tell a running order: each route sends its command as an Update. The
 * workflow's validator decides with the rule in domain/order-commands.ts, so a refused
 * command answers at once with its reason (404, 409 or 422) and changes nothing; an
 * accepted one answers 202 with the order's new status. What a command writes (the
 * document row, the proof of delivery) is written by the workflow's activity after it
 * accepted the command, so only accepted commands leave rows behind.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { UpdateDefinition } from '@temporalio/common';
import { and, eq, ne } from 'drizzle-orm';
import { coverages, documents, orderItems, orders, patients, payers, resupplyPlans } from '../../db/schema';
import { documentLabels } from '../../domain/documentation';
import { blockers, orderStages } from '../../domain/order-stages';
import { documentsNotKnownYet } from '../../domain/order-commands';
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
  resupplyDeviceEnded,
  type OrderStatus,
} from '../../workflows/definitions';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { contractorProblem } from '../dme-mac';
import { conflict, notFound, ruleBroken, validationError } from '../errors';
import { calendarDate, personName, uuidParam } from '../fields';
import type { OrderStarter } from '../order-starts';
import { runCommand } from '../order-workflow';
import { bearerSecurity, router } from '../router';
import { errorResponses } from '../schemas';

const documentKinds = Object.keys(documentLabels) as [DocumentKind, ...DocumentKind[]];

/** Free text staff type: reasons and notes. */
const note = (maxLength: number) => z.string().trim().min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);

const accepted = z
  .object({
    accepted: z.literal(true),
    command: z.string().describe('The Update the order workflow accepted'),
    documentId: z.string().uuid().optional(),
    status: z
      .object({ stage: z.enum(orderStages), blockedOn: z.enum(blockers).nullable() })
      .passthrough()
      .describe("The order's status once the command was applied (as GET /orders/{id} shows it)"),
  })
  .openapi('CommandAccepted');

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
    signedBy: personName(60).describe('Who signed the proof of delivery'),
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
      202: {
        description: 'The workflow accepted the command; the body carries its new status',
        content: { 'application/json': { schema: accepted } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 422, 503),
    },
  });
}

const receiveDocument = signalRoute({
  path: '/orders/{id}/documents',
  summary: 'Register a received document (Update documentReceived)',
  description:
    '422 when the order does not need this kind; 409 when that document is already approved or waiting for review. Sent in the order’s first moments, before it has worked out which documents it needs, the request keeps asking for 10 s (its last try may then wait for the workflow’s answer) instead of refusing.',
  role: 'intake',
  params: orderParams,
  body: receivedDocumentSchema,
});
const reviewDocument = signalRoute({
  path: '/orders/{id}/documents/{docId}/review',
  summary: 'Approve or reject a document (Update documentReviewed)',
  description: '409 unless the document is the one the order waits on and it is waiting for review.',
  role: 'reviewer',
  params: documentParams,
  body: reviewSchema,
});
const correctCoverage = signalRoute({
  path: '/orders/{id}/coverage',
  summary: 'Bill a corrected coverage of the same patient (Update coverageUpdated)',
  description:
    'Add the coverage first with POST /patients/{id}/coverages. 422 when it is not a coverage of the order’s patient, or when it is a Medicare DME MAC other than the one of the patient’s current permanent address (the message names the right one), as at intake.',
  role: 'intake',
  params: orderParams,
  body: coverageSchema,
});
const decidePriorAuth = signalRoute({
  path: '/orders/{id}/prior-auth',
  summary: 'Record the prior-authorization decision (Update priorAuthDecided)',
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
  summary: 'Confirm the delivery with its proof (Update deliveryConfirmed)',
  description:
    'The workflow stores the proof of delivery once it accepted the confirmation; the first accepted one is the first date of service. 409 unless the order waits for delivery; 422 for a future date, a date before the order, or serial numbers of items not on the order.',
  role: 'delivery',
  params: orderParams,
  body: deliverySchema,
});
const changeRental = signalRoute({
  path: '/orders/{id}/rental',
  summary: 'Hold, resume, pick up a rental or record the purchase-option offer (Update rentalChanged)',
  description:
    '409 when the order has no rental under way or is closed; 422 for a future date, one before the delivery, or a hold starting on or before the date of service of the last billed month.',
  role: 'biller',
  params: orderParams,
  body: rentalSchema,
});
const cancel = signalRoute({
  path: '/orders/{id}/cancel',
  summary: 'Cancel the order (Update cancelOrder)',
  description:
    'After a claim was sent, cancelling stops future rental months only. 409 when the order is closed, cancelled or already being cancelled.',
  role: 'intake',
  params: orderParams,
  body: cancelSchema,
});
const correctClaim = signalRoute({
  path: '/orders/{id}/claims/{claimId}/correct',
  summary: 'Send a rejected claim again after the order data was fixed (Update claimCorrected)',
  description: '409 unless the claim was rejected and not corrected yet.',
  role: 'biller',
  params: claimParams,
  body: correctionSchema,
});

/** How long a document received before the order knows which it needs waits for it to know (documentCommand). */
const documentWaitMs = 10_000;

export function orderSignalRoutes(deps: AppDeps, orderStarter: OrderStarter) {
  const { db } = deps.database;
  const { temporal, logger } = deps;

  async function orderOf(id: string) {
    const [order] = await db.select().from(orders).where(eq(orders.id, id));
    if (!order) throw notFound('Order', id);
    return order;
  }
  // An order accepted a moment ago may not have its workflow yet: the command starts it, then goes to it.
  const send = async <A>(id: string, update: UpdateDefinition<OrderStatus, [A]>, payload: A) => {
    const answer = await temporal.updateOrder(id, update, payload);
    if (answer.outcome !== 'missing' || !(await orderStarter.startNow(id))) return answer;
    return temporal.updateOrder(id, update, payload);
  };
  const command = <A>(id: string, update: UpdateDefinition<OrderStatus, [A]>, payload: A) =>
    runCommand(() => send(id, update, payload), `Order ${id}`, logger);

  /**
   * A document received in an order's first moments: the workflow has not worked out yet which
   * documents it needs (its first activity) and refuses it, never entering history. The request
   * waits that out, asking again every 200 ms for up to documentWaitMs, so a client never has to retry it.
   */
  const documentCommand = <A>(id: string, update: UpdateDefinition<OrderStatus, [A]>, payload: A) =>
    runCommand(
      async () => {
        const deadline = Date.now() + documentWaitMs;
        for (;;) {
          const answer = await send(id, update, payload);
          if (answer.outcome !== 'refused' || answer.message !== documentsNotKnownYet || Date.now() >= deadline) return answer;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      `Order ${id}`,
      logger,
    );
  const answer = (update: { name: string }, status: OrderStatus, documentId?: string) => ({
    accepted: true as const,
    command: update.name,
    ...(documentId ? { documentId } : {}),
    status,
  });

  // Routes are added one by one rather than chained: the chained type of eight routes is too large for tsc to merge into the app.
  const routes = router();
  routes.openapi(receiveDocument, async (c) => {
    const { id } = c.req.valid('param');
    const { kind, reference } = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const documentId = randomUUID();
    const status = await documentCommand(id, documentReceived, { user, documentId, kind, reference });
    return c.json(answer(documentReceived, status, documentId), 202);
  });
  routes.openapi(reviewDocument, async (c) => {
    const { id, docId } = c.req.valid('param');
    const { decision, reason } = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const [document] = await db
      .select({ id: documents.id })
      .from(documents)
      .where(and(eq(documents.id, docId), eq(documents.orderId, id)));
    if (!document) throw notFound('Document', docId);
    const status = await command(id, documentReviewed, { user, documentId: docId, decision, ...(reason ? { reason } : {}) });
    return c.json(answer(documentReviewed, status), 202);
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
    const status = await command(id, coverageUpdated, { user, coverageId });
    return c.json(answer(coverageUpdated, status), 202);
  });
  routes.openapi(decidePriorAuth, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const decision =
      body.decision === 'affirmed'
        ? {
            user,
            decision: body.decision,
            ...(body.trackingNumber ? { trackingNumber: body.trackingNumber.toUpperCase() } : {}),
            ...(body.expiresOn ? { expiresOn: body.expiresOn } : {}),
          }
        : { user, decision: body.decision, ...(body.reason ? { reason: body.reason } : {}), ...(body.next ? { next: body.next } : {}) };
    const status = await command(id, priorAuthDecided, decision);
    return c.json(answer(priorAuthDecided, status), 202);
  });
  routes.openapi(confirmDelivery, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const status = await command(id, deliveryConfirmed, { user, ...body });
    return c.json(answer(deliveryConfirmed, status), 202);
  });
  /**
   * The device is picked up: its resupply plans stop now rather than at their next look
   * (which would stop them too). A plan that does not hear it is still stopped by that look.
   */
  async function tellResupplyPlans(orderId: string) {
    const plans = await db
      .select({ id: resupplyPlans.id })
      .from(resupplyPlans)
      .where(and(eq(resupplyPlans.deviceOrderId, orderId), ne(resupplyPlans.status, 'stopped')));
    for (const plan of plans) {
      try {
        await deps.temporal.signalResupply(plan.id, resupplyDeviceEnded, { orderId, reason: 'picked-up' });
      } catch (error) {
        deps.logger.warn('resupply plan not told of the pickup; its next look stops it', {
          planId: plan.id,
          errorName: error instanceof Error ? error.name : 'unknown',
        });
      }
    }
  }
  routes.openapi(changeRental, async (c) => {
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    // Known from the order's items before the workflow has read them.
    const rented = await db
      .select({ id: orderItems.id })
      .from(orderItems)
      .where(and(eq(orderItems.orderId, id), eq(orderItems.acquisition, 'rental')));
    if (rented.length === 0) throw conflict(`Order ${id} has no rented item`);
    const status = await command(id, rentalChanged, { user, ...body });
    if (body.change === 'pickup') await tellResupplyPlans(id);
    return c.json(answer(rentalChanged, status), 202);
  });
  routes.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    const { reason } = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    const status = await command(id, cancelOrder, { user, reason });
    return c.json(answer(cancelOrder, status), 202);
  });
  routes.openapi(correctClaim, async (c) => {
    const { id, claimId } = c.req.valid('param');
    const { note: correctionNote } = c.req.valid('json');
    const { user } = c.get('actor');
    await orderOf(id);
    // Claims the scrubber held never reached the database: the workflow knows them all.
    const status = await command(id, claimCorrected, { user, claimId, ...(correctionNote ? { note: correctionNote } : {}) });
    return c.json(answer(claimCorrected, status), 202);
  });
  return routes;
}
