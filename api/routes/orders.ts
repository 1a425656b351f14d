import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, getTableColumns, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { recordAudit } from '../../db/audit';
import { chainCoveragesOf } from '../../db/coverages';
import { firstPayerProblem } from '../../domain/coordination';
import { claimLines, claims, coverages, deliveries, documents, orderItems, orders, patients, payers, prescribers } from '../../db/schema';
import { addDays } from '../../domain/calendar';
import { catalogEntry, defaultCatalog, hcpcsPattern } from '../../domain/catalog';
import { groupIIConditions, groupIIIConditions, oxygenOrderProblems } from '../../domain/oxygen';
import { itemChargeProblems } from '../../domain/money';
import { isIcd10Shape, isValidNpi, normalizeIcd10 } from '../../domain/scrubber';
import type { OrderItem } from '../../domain/types';
import { blockers, orderStages } from '../../domain/order-stages';
import { orderWorkflowId, type OrderStatus } from '../../workflows/definitions';
import { seesClaimMoney } from '../access';
import type { AppDeps } from '../app';
import type { OrderStarter } from '../order-starts';
import { requireRole } from '../auth';
import { contractorProblem } from '../dme-mac';
import { notFound, validationError, type FieldProblem } from '../errors';
import { calendarDate, personName, todayIso, uuidParam } from '../fields';
import { liveStatus } from '../order-workflow';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';

export const hcpcs = z.string().trim().toUpperCase().regex(hcpcsPattern, 'must be a HCPCS Level II code: a letter A–V and four digits, e.g. E0601');

export const diagnosis = z.string().transform(normalizeIcd10).refine(isIcd10Shape, 'must be an ICD-10-CM code such as E11.9 or E119');

const flag = z.boolean({ error: 'must be true or false' }).optional();

const newItemSchema = z
  .object({
    hcpcs,
    quantity: z
      .number({ error: 'must be a whole number from 1 to 9999' })
      .int('must be a whole number from 1 to 9999')
      .min(1, 'must be a whole number from 1 to 9999')
      .max(9999, 'must be a whole number from 1 to 9999')
      .describe(
        'Units of the item per claim (per month for rentals). For an item with a side (LT, RT or bilateral) quantity counts PER SIDE: ' +
          'a pair of knee orthoses is side bilateral, quantity 1, billed as two lines, LT 1 unit and RT 1 unit. ' +
          "A sided item's quantity may not exceed the code's per-side maximum (422).",
      ),
    acquisition: z.enum(['rental', 'purchase'], { message: 'must be rental or purchase' }),
    side: z
      .enum(['LT', 'RT', 'bilateral'], { message: 'must be LT, RT or bilateral' })
      .optional()
      .describe('LT or RT for one side; bilateral for both, billed as two lines (LT and RT) of `quantity` units each'),
    used: flag.describe('Used equipment on a purchase (UE instead of NU)'),
    oxygenFlow: z
      .unknown()
      .refine(
        (value) => value === undefined,
        'per-item oxygen flow was removed: the flow is one fact of the prescription — send it once for the order as oxygen.flowLpm (litres per minute) with oxygen.portable',
      )
      .optional()
      .describe('Removed: send the order-level oxygen.flowLpm and oxygen.portable instead'),
    election: z.enum(['purchase', 'rental', 'undecided'], { message: 'must be purchase, rental or undecided' }).optional(),
    replacement: flag,
    abnOnFile: flag,
    denialExpected: flag,
    insulinTreated: flag,
    hospiceUnrelated: flag,
    unitCharge: z
      .number({ error: 'must be a whole number of cents' })
      .int('must be a whole number of cents')
      .min(1, 'must be more than 0 cents')
      .describe('Charge per unit (per month for rentals), in cents; at most 10000000 ($100,000.00), see README "Money and text limits" (422 beyond)'),
  })
  .strict();

const wholeNumber = (min: number, max: number, unit: string) =>
  z
    .number({ error: `must be a whole number from ${min} to ${max} ${unit}` })
    .int(`must be a whole number from ${min} to ${max} ${unit}`)
    .min(min, `must be a whole number from ${min} to ${max} ${unit}`)
    .max(max, `must be a whole number from ${min} to ${max} ${unit}`);

/** The order's oxygen prescription and the patient's qualification (domain/oxygen.ts, LCD L33797). */
const oxygenSchema = z
  .object({
    flowLpm: z
      .number({ error: 'must be a number of litres per minute' })
      .gt(0, 'must be more than 0 litres per minute')
      .max(15, 'must be at most 15 litres per minute (the most a home oxygen regulator delivers)')
      .describe(
        'Prescribed stationary flow at rest, litres per minute, decimals allowed; where day and night flows differ, their average ' +
          '(42 CFR 414.226(e)). Decides QE (below 1), QG (above 4) or QF (above 4 with a portable).',
      ),
    portable: z.boolean({ error: 'must be true or false' }).describe('A portable system is prescribed (E0431 or E0434 must then be ordered)'),
    qualification: z
      .object({
        group: z
          .enum(['I', 'II', 'III'], { message: 'must be I, II or III' })
          .describe('Coverage group of LCD L33797: N1, N2 or N3 on Medicare claims'),
        testType: z.enum(['arterial-blood-gas', 'oximetry'], { message: 'must be arterial-blood-gas or oximetry' }),
        testDate: calendarDate.describe('Date of the qualifying study: on or before the order date'),
        result: z
          .object({
            pao2MmHg: wholeNumber(20, 700, 'mm Hg').optional().describe('Arterial PO2 (blood gas)'),
            saturationPercent: wholeNumber(50, 100, 'percent').optional().describe('Oxygen saturation (SaO2 or SpO2)'),
          })
          .strict()
          .refine((result) => result.pao2MmHg !== undefined || result.saturationPercent !== undefined, 'needs pao2MmHg or saturationPercent'),
        condition: z
          .enum([...groupIIConditions, ...groupIIIConditions], {
            message: `must be one of ${[...groupIIConditions, ...groupIIIConditions].join(', ')}`,
          })
          .optional()
          .describe(`Group II: ${groupIIConditions.join(', ')}; group III: ${groupIIIConditions.join(', ')}`),
        inpatientDischargeDate: calendarDate
          .optional()
          .describe('Study taken in hospital: the discharge date (the study must be within 2 days before it)'),
      })
      .strict(),
  })
  .strict()
  .openapi('OxygenPrescription');

const newOrderSchema = z
  .object({
    patientId: uuidParam,
    coverageId: uuidParam,
    prescriber: z
      .object({
        npi: z
          .string()
          .trim()
          .regex(/^\d{10}$/, 'must be a 10-digit NPI'),
        firstName: personName(35),
        lastName: personName(60),
      })
      .strict(),
    orderDate: calendarDate,
    diagnoses: z
      .array(diagnosis.openapi({ example: 'E11.9' }))
      .min(1, 'needs at least one ICD-10-CM diagnosis, the principal first')
      .max(12, 'at most 12 diagnoses fit on a claim')
      .superRefine((codes, ctx) => {
        codes.forEach((code, index) => {
          if (codes.indexOf(code) !== index) ctx.addIssue({ code: 'custom', path: [index], message: `repeats ${code}` });
        });
      })
      .describe('ICD-10-CM codes, principal first, with or without the dot (stored without)'),
    items: z.array(newItemSchema).min(1, 'needs at least one item').max(50, 'at most 50 items per order'),
    oxygen: oxygenSchema
      .optional()
      .describe('Required with oxygen equipment (E0424, E0439, E1390, E0431, E0434), refused without: the prescribed flow and the qualification'),
  })
  .strict()
  .openapi('NewOrder');

const createdOrder = z.object({
  orderId: z.string().uuid(),
  workflowId: z.string(),
  stage: z.literal('documentation'),
  state: z
    .literal('accepted')
    .describe(
      'Stored, with its workflow being started after this answer: usually within milliseconds, at worst by the worker’s relay within a minute (GET /orders/:id shows workflow.answered false until then). A command sent before the workflow runs starts it first.',
    ),
});

const listQuery = z.object({
  stage: z.enum(orderStages, { message: `must be one of ${orderStages.join(', ')}` }).optional(),
  payerId: z.string().trim().min(1).optional(),
  blockedOn: z.enum(blockers, { message: `must be one of ${blockers.join(', ')}` }).optional(),
  patientId: uuidParam.optional(),
  followUpBy: calendarDate
    .optional()
    .describe('Only orders whose next follow-up (reminder, escalation, rental anniversary) falls on or before this day (UTC)'),
  ...pagingQuery,
});

const orderSummary = z
  .object({
    id: z.string(),
    patientId: z.string(),
    payerId: z.string(),
    orderDate: z.string(),
    stage: z.enum(orderStages),
    blockedOn: z.enum(blockers).nullable(),
    rentalMonth: z.number().int().nullable(),
    nextFollowUpAt: z.string().nullable(),
    hcpcs: z.array(z.string()),
    createdAt: z.string(),
  })
  .openapi('OrderSummary');

const orderStatusSchema = z
  .object({
    orderId: z.string(),
    stage: z.enum(orderStages),
    blockedOn: z.enum(blockers).nullable(),
    nextFollowUpAt: z.string().nullable(),
    documents: z.array(
      z.object({
        kind: z.string(),
        reason: z.string(),
        status: z.enum(['missing', 'received', 'approved', 'rejected']),
        documentId: z.string().optional(),
        rejectReason: z.string().optional(),
      }),
    ),
    eligibility: z.object({ active: z.boolean(), coversDme: z.boolean(), checkedAt: z.string() }).nullable(),
    priorAuth: z.object({
      required: z.boolean(),
      status: z.enum(['not-required', 'requested', 'affirmed', 'non-affirmed', 'expired']),
      trackingNumber: z.string().optional(),
      expiresOn: z.string().optional(),
    }),
    delivery: z.object({ deliveredOn: z.string() }).nullable(),
    claims: z.array(
      z.object({
        claimId: z.string(),
        claimNumber: z.string(),
        serviceFrom: z.string(),
        serviceTo: z.string(),
        rentalMonth: z.number().int().optional(),
        status: z.string(),
      }),
    ),
    rental: z
      .object({
        month: z.number().int().nullable(),
        period: z.number().int(),
        status: z.string(),
        nextBillingDate: z.string().nullable(),
        lostMonths: z.number().int(),
      })
      .nullable(),
    ignoredSignals: z.array(z.object({ signal: z.string(), user: z.string(), reason: z.string(), at: z.string() })),
    cancelReason: z.string().optional(),
    systemError: z
      .object({ code: z.string(), activityType: z.string(), workflowId: z.string(), taskKey: z.string() })
      .nullable()
      .optional()
      .describe("An activity of the order or its claims that keeps failing (codes only); blockedOn is 'system-error' while it lasts"),
  })
  .openapi('OrderStatus');

export const claimLineView = z.object({
  lineNumber: z.number().int(),
  itemId: z.string(),
  hcpcs: z.string(),
  modifiers: z.array(z.string()).describe('In claim order'),
  units: z.number().int(),
  charge: z.number().int().describe('Cents'),
  serviceFrom: z.string(),
  serviceTo: z.string(),
  rentalMonth: z.number().int().nullable(),
  lineControlNumber: z.string(),
  voided: z.boolean(),
  paidAmount: z.number().int(),
  allowedAmount: z.number().int().nullable(),
});

const orderView = z
  .object({
    id: z.string(),
    patientId: z.string(),
    coverageId: z.string(),
    payerId: z.string(),
    prescriberNpi: z.string(),
    orderDate: z.string(),
    diagnoses: z.array(z.string()),
    oxygen: oxygenSchema.nullable(),
    workflowId: z.string(),
    stage: z.enum(orderStages).describe('As last recorded by the workflow; `workflow.status` is the live view'),
    blockedOn: z.enum(blockers).nullable(),
    rentalMonth: z.number().int().nullable(),
    cancelReason: z.string().nullable(),
    createdBy: z.string(),
    createdAt: z.string(),
    items: z.array(
      z.object({
        id: z.string(),
        lineNumber: z.number().int(),
        hcpcs: z.string(),
        quantity: z.number().int(),
        acquisition: z.enum(['rental', 'purchase']),
        side: z.enum(['LT', 'RT', 'bilateral']).nullable(),
        options: z.record(z.string(), z.unknown()),
        unitCharge: z.number().int(),
      }),
    ),
    documents: z.array(
      z.object({
        id: z.string(),
        kind: z.string(),
        status: z.enum(['received', 'approved', 'rejected']),
        reference: z.string(),
        receivedBy: z.string(),
        receivedAt: z.string(),
        reviewedBy: z.string().nullable(),
        reviewedAt: z.string().nullable(),
        rejectReason: z.string().nullable(),
      }),
    ),
    delivery: z
      .object({
        deliveredOn: z.string(),
        serialNumbers: z.record(z.string(), z.array(z.string())),
        reportedBy: z.string(),
        reportedAt: z.string(),
        confirmedAt: z.string().nullable(),
      })
      .nullable(),
    claims: z
      .array(
        z.object({
          id: z.string(),
          claimNumber: z.string(),
          status: z.string(),
          statusReason: z.string().nullable(),
          serviceFrom: z.string(),
          serviceTo: z.string(),
          rentalMonth: z.number().int().nullable(),
          totalCharge: z.number().int().optional().describe('Cents; billers and admins only'),
          paidAmount: z.number().int().optional().describe('Cents; billers and admins only'),
          lines: z.array(claimLineView.partial({ charge: true, paidAmount: true, allowedAmount: true })),
        }),
      )
      .describe('Claim charges, allowed and paid amounts are shown to billers and admins only, as in /claims'),
    status: orderStatusSchema
      .nullable()
      .describe(
        'The workflow’s view of the order as it last recorded it in the database (every stage or blocker change and every accepted command records it); null until the workflow first records it',
      ),
    statusRecordedAt: z.string().nullable(),
    nextFollowUpAt: z.string().nullable().describe('When the workflow follows up next (reminder, escalation, rental anniversary)'),
    workflow: z.object({
      workflowId: z.string(),
      asked: z.boolean().describe('True with ?live=true: the workflow itself was queried'),
      answered: z.boolean().describe('False when the workflow was not asked or did not answer the status query; `problem` says why it did not'),
      status: orderStatusSchema.nullable(),
      problem: z.string().nullable(),
    }),
  })
  .openapi('Order');

const orderViewQuery = z.object({
  live: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .optional()
    .describe('true: also query the order’s workflow for its live status (slower; replays an order the worker evicted)'),
});

const orderIdParams = z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) });

const createOrder = createRoute({
  method: 'post',
  path: '/orders',
  summary: 'Enter an order and start its workflow',
  description:
    'Checks the shape (400), then the catalog, the money ceilings of every line and claim total, the patient, the coverage, the NPI check digit, the order date, per-side quantities and the oxygen prescription against the items and LCD L33797 (422); stores the order with its start marker in one transaction and answers 201 without waiting for Temporal; `dmeOrderWorkflow` (`order-<id>`) is started right after (a crash before that is made good by the worker’s relay).',
  tags: ['orders'],
  security: bearerSecurity,
  middleware: [requireRole('intake')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: newOrderSchema } } } },
  responses: {
    201: {
      description: 'Stored and accepted; its workflow starts right after this answer',
      content: { 'application/json': { schema: createdOrder } },
    },
    ...errorResponses(400, 401, 403, 422),
  },
});

const listOrders = createRoute({
  method: 'get',
  path: '/orders',
  summary: 'Orders, newest first, from the database',
  tags: ['orders'],
  security: bearerSecurity,
  request: { query: listQuery },
  responses: {
    200: {
      description: 'A page of orders',
      content: { 'application/json': { schema: z.object({ orders: z.array(orderSummary), page: pageSchema }) } },
    },
    ...errorResponses(400, 401),
  },
});

const getOrder = createRoute({
  method: 'get',
  path: '/orders/{id}',
  summary: 'One order: items, documents, delivery, claims with lines, and its status, all from the database',
  description: 'Reads the database only; `?live=true` also queries the workflow (`workflow.status`).',
  tags: ['orders'],
  security: bearerSecurity,
  request: { params: orderIdParams, query: orderViewQuery },
  responses: {
    200: { description: 'The order', content: { 'application/json': { schema: orderView } } },
    ...errorResponses(400, 401, 404),
  },
});

type NewItem = z.infer<typeof newItemSchema>;

/** Catalog rules of one item (422): the code exists, the acquisition fits, options fit the item. */
function itemProblems(item: NewItem, index: number): FieldProblem[] {
  const field = (name: string) => `items.${index}.${name}`;
  const entry = catalogEntry(defaultCatalog, item.hcpcs);
  if (!entry) return [{ field: field('hcpcs'), message: `HCPCS ${item.hcpcs} is not in the catalog` }];
  const problems: FieldProblem[] = [];
  if (!entry.acquisitions.includes(item.acquisition)) {
    problems.push({
      field: field('acquisition'),
      message: `${item.hcpcs} (category ${entry.category}) is furnished as ${entry.acquisitions.join(' or ')} only, not ${item.acquisition}`,
    });
  }
  if (item.used && item.acquisition !== 'purchase') problems.push({ field: field('used'), message: 'used equipment is billed on a purchase only' });
  if (item.side && entry.perSideMaximum === undefined) {
    // RT/LT belong on items furnished per side (orthoses, prostheses); on a CPAP or a bed the
    // modifier is wrong and a bilateral order would bill the item twice.
    problems.push({ field: field('side'), message: `${item.hcpcs} (category ${entry.category}) is not billed by side: leave side out` });
  }
  if (item.side && entry.perSideMaximum !== undefined && item.quantity > entry.perSideMaximum) {
    problems.push({
      field: field('quantity'),
      message:
        `${item.hcpcs} allows at most ${entry.perSideMaximum} per side and quantity counts per side: ` +
        'a pair is side bilateral, quantity 1 (two lines, LT and RT, of 1 unit each)',
    });
  }
  if (item.election && !entry.purchaseElection) {
    problems.push({
      field: field('election'),
      message: `${item.hcpcs} has no purchase election (only PEN pumps and complex rehab power wheelchairs do)`,
    });
  }
  return problems;
}

/** Money ceilings (domain/money.ts) on every line and claim total the items can produce (422). */
function chargeCeilingProblems(items: NewItem[]): FieldProblem[] {
  const charged = items.map((item) => ({ ...item, paidDaily: catalogEntry(defaultCatalog, item.hcpcs)?.paidDaily ?? false }));
  return itemChargeProblems(charged).map(({ index, field, message }) => ({ field: `items.${index}.${field}`, message }));
}

/** The optional OrderItem fields, kept as the item's options. */
function itemOptions(item: NewItem): Partial<OrderItem> {
  const { used, election, replacement, abnOnFile, denialExpected, insulinTreated, hospiceUnrelated } = item;
  const options = { used, election, replacement, abnOnFile, denialExpected, insulinTreated, hospiceUnrelated };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

const iso = (at: Date | null) => (at ? at.toISOString() : null);

/**
 * GET /orders/:id is the page staff read most: its queries are built once and prepared,
 * and run side by side in one round (the claim lines joined to the order's claims rather
 * than asked after them) — issue 11's reads at 200 req/s.
 */
function orderPageQueries(db: Db) {
  const id = sql.placeholder('id');
  return {
    order: db.select().from(orders).where(eq(orders.id, id)).prepare('order_page_order'),
    items: db.select().from(orderItems).where(eq(orderItems.orderId, id)).orderBy(asc(orderItems.lineNumber)).prepare('order_page_items'),
    documents: db.select().from(documents).where(eq(documents.orderId, id)).orderBy(asc(documents.receivedAt)).prepare('order_page_documents'),
    delivery: db.select().from(deliveries).where(eq(deliveries.orderId, id)).prepare('order_page_delivery'),
    claims: db.select().from(claims).where(eq(claims.orderId, id)).orderBy(asc(claims.createdAt)).prepare('order_page_claims'),
    lines: db
      .select(getTableColumns(claimLines))
      .from(claimLines)
      .innerJoin(claims, eq(claims.id, claimLines.claimId))
      .where(eq(claims.orderId, id))
      .orderBy(asc(claimLines.lineNumber))
      .prepare('order_page_claim_lines'),
  };
}

export function orderRoutes(deps: AppDeps, orderStarter: OrderStarter) {
  const { db } = deps.database;
  // Prepared at the first read, not when the app is built (an app may never serve one).
  let prepared: ReturnType<typeof orderPageQueries> | undefined;
  const page = () => (prepared ??= orderPageQueries(db));

  return router()
    .openapi(createOrder, async (c) => {
      const body = c.req.valid('json');
      const actor = c.get('actor');

      const problems: FieldProblem[] = [];
      const [patient] = await db.select({ id: patients.id, state: patients.state }).from(patients).where(eq(patients.id, body.patientId));
      if (!patient) problems.push({ field: 'patientId', message: `patient ${body.patientId} does not exist` });
      const [coverage] = await db
        .select({ id: coverages.id, patientId: coverages.patientId, payerId: coverages.payerId })
        .from(coverages)
        .where(eq(coverages.id, body.coverageId));
      if (!coverage) problems.push({ field: 'coverageId', message: `coverage ${body.coverageId} does not exist` });
      else if (coverage.patientId !== body.patientId) {
        problems.push({ field: 'coverageId', message: `coverage ${body.coverageId} is not a coverage of patient ${body.patientId}` });
      } else if (patient) {
        const [payer] = await db.select().from(payers).where(eq(payers.id, coverage.payerId));
        const wrongContractor = payer && (await contractorProblem(db, 'coverageId', payer, patient.state));
        if (wrongContractor) problems.push(wrongContractor);
        const held = await chainCoveragesOf(db, body.patientId);
        const first = firstPayerProblem(held, coverage.id, body.orderDate);
        if (first) problems.push({ field: 'coverageId', message: first });
      }
      if (!isValidNpi(body.prescriber.npi)) {
        problems.push({ field: 'prescriber.npi', message: 'fails the NPI check digit: not a valid NPI' });
      }
      if (body.orderDate > todayIso()) problems.push({ field: 'orderDate', message: 'must not be in the future' });
      body.items.forEach((item, index) => problems.push(...itemProblems(item, index)));
      problems.push(...oxygenOrderProblems(body.items, body.oxygen, body.orderDate, defaultCatalog));
      problems.push(...chargeCeilingProblems(body.items));
      if (problems.length > 0 || !coverage) throw validationError(problems, 422);

      const orderId = randomUUID();
      const workflowId = orderWorkflowId(orderId);
      const codes = [...new Set(body.items.map((item) => item.hcpcs))];
      const { npi, firstName, lastName } = body.prescriber;

      // The order rows and their start marker (workflow_started_at null) commit together;
      // the start follows, and a start that fails or never happens is done by the worker's relay.
      await db.transaction(async (tx) => {
        await tx
          .insert(prescribers)
          .values({ npi, firstName, lastName })
          .onConflictDoUpdate({ target: prescribers.npi, set: { firstName, lastName } });
        await tx.insert(orders).values({
          id: orderId,
          patientId: body.patientId,
          coverageId: coverage.id,
          payerId: coverage.payerId,
          prescriberNpi: npi,
          orderDate: body.orderDate,
          diagnoses: body.diagnoses,
          oxygen: body.oxygen ?? null,
          workflowId,
          createdBy: actor.user,
        });
        await tx.insert(orderItems).values(
          body.items.map((item, index) => ({
            id: randomUUID(),
            orderId,
            lineNumber: index + 1,
            hcpcs: item.hcpcs,
            quantity: item.quantity,
            acquisition: item.acquisition,
            side: item.side ?? null,
            options: itemOptions(item),
            unitCharge: item.unitCharge,
          })),
        );
        await recordAudit(tx, {
          actor: actor.user,
          action: 'order.created',
          entityType: 'order',
          entityId: orderId,
          detail: { payerId: coverage.payerId, hcpcs: codes, items: body.items.length },
        });
      });
      // Committed: the answer does not wait for Temporal (api/order-starts.ts); the relay backs the start up.
      orderStarter.enqueue({ orderId, payerId: coverage.payerId, hcpcs: codes });

      c.header('Location', `/orders/${orderId}`);
      return c.json({ orderId, workflowId, stage: 'documentation' as const, state: 'accepted' as const }, 201);
    })
    .openapi(listOrders, async (c) => {
      const query = c.req.valid('query');
      const filters: SQL[] = [];
      if (query.stage) filters.push(eq(orders.stage, query.stage));
      if (query.payerId) filters.push(eq(orders.payerId, query.payerId));
      if (query.blockedOn) filters.push(eq(orders.blockedOn, query.blockedOn));
      if (query.patientId) filters.push(eq(orders.patientId, query.patientId));
      if (query.followUpBy) filters.push(lt(orders.nextFollowUpAt, new Date(`${addDays(query.followUpBy, 1)}T00:00:00Z`)));
      const where = filters.length ? and(...filters) : undefined;

      const [rows, [{ total }]] = await Promise.all([
        db.select().from(orders).where(where).orderBy(desc(orders.createdAt), desc(orders.id)).limit(query.limit).offset(query.offset),
        db.select({ total: count() }).from(orders).where(where),
      ]);
      const items = rows.length
        ? await db
            .select({ orderId: orderItems.orderId, hcpcs: orderItems.hcpcs })
            .from(orderItems)
            .where(
              inArray(
                orderItems.orderId,
                rows.map((row) => row.id),
              ),
            )
            .orderBy(asc(orderItems.lineNumber))
        : [];
      return c.json(
        {
          orders: rows.map((row) => ({
            id: row.id,
            patientId: row.patientId,
            payerId: row.payerId,
            orderDate: row.orderDate,
            stage: row.stage,
            blockedOn: row.blockedOn,
            rentalMonth: row.rentalMonth,
            nextFollowUpAt: iso(row.nextFollowUpAt),
            hcpcs: [...new Set(items.filter((item) => item.orderId === row.id).map((item) => item.hcpcs))],
            createdAt: row.createdAt.toISOString(),
          })),
          page: { limit: query.limit, offset: query.offset, total },
        },
        200,
      );
    })
    .openapi(getOrder, async (c) => {
      const { id } = c.req.valid('param');
      const asked = c.req.valid('query').live === 'true';
      const money = seesClaimMoney(c.get('actor').role);
      const [[order], items, docs, [delivery], claimRows, lines] = await Promise.all([
        page().order.execute({ id }),
        page().items.execute({ id }),
        page().documents.execute({ id }),
        page().delivery.execute({ id }),
        page().claims.execute({ id }),
        page().lines.execute({ id }),
      ]);
      if (!order) throw notFound('Order', id);
      const live = asked ? await liveStatus(deps.temporal, id, deps.logger) : null;

      return c.json(
        {
          id: order.id,
          patientId: order.patientId,
          coverageId: order.coverageId,
          payerId: order.payerId,
          prescriberNpi: order.prescriberNpi,
          orderDate: order.orderDate,
          diagnoses: order.diagnoses,
          oxygen: order.oxygen,
          workflowId: order.workflowId,
          stage: order.stage,
          blockedOn: order.blockedOn,
          rentalMonth: order.rentalMonth,
          cancelReason: order.cancelReason,
          createdBy: order.createdBy,
          createdAt: order.createdAt.toISOString(),
          items: items.map((item) => ({
            id: item.id,
            lineNumber: item.lineNumber,
            hcpcs: item.hcpcs,
            quantity: item.quantity,
            acquisition: item.acquisition,
            side: item.side,
            options: item.options,
            unitCharge: item.unitCharge,
          })),
          documents: docs.map((doc) => ({
            id: doc.id,
            kind: doc.kind,
            status: doc.status,
            reference: doc.reference,
            receivedBy: doc.receivedBy,
            receivedAt: doc.receivedAt.toISOString(),
            reviewedBy: doc.reviewedBy,
            reviewedAt: iso(doc.reviewedAt),
            rejectReason: doc.rejectReason,
          })),
          // Who signed for the delivery is PHI kept for audits; the order view leaves it out.
          delivery: delivery
            ? {
                deliveredOn: delivery.deliveredOn,
                serialNumbers: delivery.serialNumbers,
                reportedBy: delivery.reportedBy,
                reportedAt: delivery.reportedAt.toISOString(),
                confirmedAt: iso(delivery.confirmedAt),
              }
            : null,
          claims: claimRows.map((claim) => ({
            id: claim.id,
            claimNumber: claim.claimNumber,
            status: claim.status,
            statusReason: claim.statusReason,
            serviceFrom: claim.serviceFrom,
            serviceTo: claim.serviceTo,
            rentalMonth: claim.rentalMonth,
            ...(money ? { totalCharge: claim.totalCharge, paidAmount: claim.paidAmount } : {}),
            lines: lines.filter((line) => line.claimId === claim.id).map((line) => (money ? claimLineOf(line) : withoutMoney(claimLineOf(line)))),
          })),
          status: recordedStatus(order),
          statusRecordedAt: iso(order.statusRecordedAt),
          nextFollowUpAt: iso(order.nextFollowUpAt),
          workflow: live
            ? {
                workflowId: order.workflowId,
                asked: true,
                answered: live.answered,
                status: live.answered ? live.status : null,
                problem: live.answered ? null : order.workflowStartedAt ? live.problem : 'the order is accepted and its workflow is being started',
              }
            : { workflowId: order.workflowId, asked: false, answered: false, status: null, problem: null },
        },
        200,
      );
    });
}

/**
 * The status the workflow recorded, with what the stuck-work boundary wrote since: a
 * system error shows (and blocks) from the moment it is raised, as in the workflow's view.
 */
function recordedStatus(order: typeof orders.$inferSelect): OrderStatus | null {
  if (!order.status) return null;
  const status = order.status as unknown as OrderStatus;
  // The row's blocked_on is the stage's own blocker (a system error is shown over it, not stored in it).
  const blockedOn = order.systemError ? 'system-error' : status.blockedOn === 'system-error' ? order.blockedOn : status.blockedOn;
  return { ...status, systemError: order.systemError ?? null, blockedOn };
}

export function claimLineOf(line: typeof claimLines.$inferSelect): z.infer<typeof claimLineView> {
  return {
    lineNumber: line.lineNumber,
    itemId: line.itemId,
    hcpcs: line.hcpcs,
    modifiers: line.modifiers,
    units: line.units,
    charge: line.charge,
    serviceFrom: line.serviceFrom,
    serviceTo: line.serviceTo,
    rentalMonth: line.rentalMonth,
    lineControlNumber: line.lineControlNumber,
    voided: line.voided,
    paidAmount: line.paidAmount,
    allowedAmount: line.allowedAmount,
  };
}

/** A claim line as staff outside billing see it: what was billed, not for how much. */
function withoutMoney({ charge: _charge, paidAmount: _paid, allowedAmount: _allowed, ...line }: z.infer<typeof claimLineView>) {
  return line;
}
