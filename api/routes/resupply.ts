/**
 * Resupply plans (issue 13): refills of a device's supplies, each only after the patient
 * or a caregiver asked for it (PIM ch. 5 §5.2.6, domain/resupply.ts). A plan is started
 * from a delivered order (its codes, dates, coverage and written order) or by staff for a
 * device the patient already has; its workflow `resupply-<planId>` does the outreach.
 * The answer, a hold, a resume, a stop and an opt-out are Updates to that workflow, like
 * every staff command; reads come from the database, which the workflow keeps current.
 */
import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, count, desc, eq, inArray, isNull, lt, ne, sql, type SQL } from 'drizzle-orm';
import { recordAudit } from '../../db/audit';
import {
  coverages,
  deliveries,
  orderItems,
  orders,
  patients,
  prescribers,
  resupplyChannels,
  resupplyCycleOutcomes,
  resupplyCycles,
  resupplyPlanItems,
  resupplyPlanStatuses,
  resupplyPlans,
} from '../../db/schema';
import { addDays } from '../../domain/calendar';
import { defaultCatalog } from '../../domain/catalog';
import { caregiverRelationships, maxCycleMonths, planProblems } from '../../domain/resupply';
import { isValidNpi } from '../../domain/scrubber';
import {
  refillConfirmed,
  resupplyHeld,
  resupplyOptedOut,
  resupplyResumed,
  resupplyStopped,
  resupplyWorkflowId,
  type ResupplyStatus,
} from '../../workflows/definitions';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { notFound, conflict, validationError, type FieldProblem } from '../errors';
import { calendarDate, phone, todayIso, uuidParam } from '../fields';
import { runCommand } from '../order-workflow';
import { bearerSecurity, router } from '../router';
import { errorResponses, pageSchema, pagingQuery } from '../schemas';
import { diagnosis, hcpcs } from './orders';

const cents = z
  .number({ error: 'must be a whole number of cents' })
  .int('must be a whole number of cents')
  .min(1, 'must be more than 0 cents')
  .max(10_000_000, 'must be at most 10000000 cents ($100,000.00)');

const newPlanSchema = z
  .object({
    deviceOrderId: uuidParam
      .optional()
      .describe('The delivered order of the device: its coverage, prescriber, written order, codes and delivery date are used'),
    deviceHcpcs: hcpcs.optional().describe('Without a device order: the device the supplies serve (e.g. E0601)'),
    coverageId: uuidParam.optional().describe('Without a device order: the coverage the refills bill'),
    prescriberNpi: z
      .string()
      .trim()
      .regex(/^\d{10}$/, 'must be a 10-digit NPI')
      .refine(isValidNpi, 'fails the NPI check digit: not a valid NPI')
      .optional()
      .describe('Without a device order: a known prescriber'),
    orderDate: calendarDate.optional().describe('Without a device order: the date of the written order that lists the supplies'),
    diagnoses: z.array(diagnosis).min(1, 'needs at least one ICD-10-CM diagnosis').max(12, 'at most 12 diagnoses fit on a claim').optional(),
    items: z
      .array(
        z
          .object({
            hcpcs,
            lastDeliveredOn: calendarDate.optional().describe("Defaults to the device order's delivery when it furnished this code"),
            unitCharge: cents.optional().describe("Charge per unit in cents; defaults to the device order's charge for this code"),
          })
          .strict(),
      )
      .min(1, 'needs at least one supply')
      .max(20, 'at most 20 supplies in one plan'),
    cycleMonths: z
      .number({ error: `must be a whole number from 1 to ${maxCycleMonths}` })
      .int(`must be a whole number from 1 to ${maxCycleMonths}`)
      .default(3)
      .describe('Months of supplies one refill brings (1 to 3)'),
    channel: z.enum(resupplyChannels, { message: 'must be sms, email or call' }).describe('How the patient is contacted before each refill'),
    contactPhone: phone.optional().describe("For sms: defaults to the patient's phone"),
    contactEmail: z.string().trim().email('must be an email address').max(254, 'must be at most 254 characters').optional(),
  })
  .strict()
  .openapi('NewResupplyPlan');

const cycleView = z.object({
  cycle: z.number().int(),
  dueOn: z.string(),
  contactOpensOn: z.string(),
  earliestShipOn: z.string(),
  hcpcs: z.array(z.string()),
  outcome: z.enum(resupplyCycleOutcomes),
  attempts: z.number().int().describe('Contacts made in the cycle: texts, emails and call tasks'),
  lastContactAt: z.string().nullable(),
  orderId: z.string().nullable(),
  closedOn: z.string().nullable(),
  confirmation: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('The refill record: who asked, by which channel, and per item what remains or whether it works'),
});

const planView = z
  .object({
    id: z.string(),
    patientId: z.string(),
    patientName: z.string().describe('Last name, first name: intake and billers see the patient’s name'),
    workflowId: z.string(),
    deviceOrderId: z.string().nullable(),
    deviceHcpcs: z.string(),
    coverageId: z.string(),
    cycleMonths: z.number().int(),
    channel: z.enum(resupplyChannels),
    optedOut: z.boolean(),
    status: z.enum(resupplyPlanStatuses),
    statusReason: z.string().nullable(),
    nextDueOn: z.string().nullable(),
    nextContactOn: z.string().nullable(),
    items: z.array(z.object({ hcpcs: z.string(), lastDeliveredOn: z.string(), unitCharge: z.number().int() })),
    createdBy: z.string(),
    createdAt: z.string(),
  })
  .openapi('ResupplyPlan');

const planDetail = planView.extend({ cycles: z.array(cycleView) }).openapi('ResupplyPlanDetail');

const confirmationSchema = z
  .object({
    cycle: z.number({ error: 'must be the open refill cycle number' }).int('must be a whole number').min(1, 'must be 1 or more'),
    answeredBy: z.enum(['patient', 'caregiver'], { message: 'must be patient or caregiver' }),
    caregiverRelationship: z
      .enum(caregiverRelationships, { message: `must be one of ${caregiverRelationships.join(', ')}` })
      .optional()
      .describe('A caregiver’s relationship to the patient (a kind, never a name)'),
    channel: z.enum(['phone', 'sms', 'email', 'in-person', 'portal'], { message: 'must be phone, sms, email, in-person or portal' }),
    answeredOn: calendarDate.optional().describe('The day the patient answered, when recorded later; today when left out'),
    items: z
      .array(
        z
          .object({
            hcpcs,
            needed: z.boolean({ error: 'must be true or false' }),
            quantityOnHand: z
              .number({ error: 'must be a whole number' })
              .int('must be a whole number')
              .min(0, 'must be 0 or more')
              .max(999, 'must be at most 999')
              .optional(),
            condition: z.enum(['functional', 'worn', 'damaged'], { message: 'must be functional, worn or damaged' }).optional(),
            quantity: z
              .number({ error: 'must be a whole number' })
              .int('must be a whole number')
              .min(1, 'must be 1 or more')
              .max(999, 'must be at most 999')
              .optional(),
          })
          .strict(),
      )
      .min(1, 'answer every item due')
      .max(20, 'at most 20 items'),
  })
  .strict()
  .openapi('RefillConfirmation');

const holdSchema = z
  .object({
    reason: z.enum(['inpatient-stay', 'patient-request', 'other'], { message: 'must be inpatient-stay, patient-request or other' }),
    until: calendarDate.optional().describe('The hold ends by itself on this day'),
  })
  .strict();
const stopSchema = z
  .object({ reason: z.enum(['patient-request', 'no-longer-needed', 'other'], { message: 'must be patient-request, no-longer-needed or other' }) })
  .strict();
const emptySchema = z.object({}).strict();

const planParam = z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) });
const commandAnswer = z.object({
  accepted: z.literal(true),
  command: z.string(),
  status: z.object({ planId: z.string(), status: z.enum(resupplyPlanStatuses) }).passthrough(),
});

const reader = ['intake', 'biller'] as const;

const createPlan = createRoute({
  method: 'post',
  path: '/patients/{id}/resupply-plans',
  summary: 'Start a resupply plan for a patient',
  description:
    'From a delivered order (deviceOrderId) or, for a device the patient already has, with deviceHcpcs, coverageId, prescriberNpi, orderDate and diagnoses. ' +
    'Every item needs a usual maximum in the catalog; a refill brings cycleMonths (1–3) of supplies. 409 when the patient already has an active plan for the device.',
  tags: ['resupply'],
  security: bearerSecurity,
  middleware: [requireRole('intake')] as const,
  request: { params: planParam, body: { required: true, content: { 'application/json': { schema: newPlanSchema } } } },
  responses: {
    201: {
      description: 'The plan and its workflow',
      content: { 'application/json': { schema: z.object({ planId: z.string(), workflowId: z.string(), status: z.literal('active') }) } },
    },
    ...errorResponses(400, 401, 403, 404, 409, 422),
  },
});

const patientPlans = createRoute({
  method: 'get',
  path: '/patients/{id}/resupply-plans',
  summary: "A patient's resupply plans",
  tags: ['resupply'],
  security: bearerSecurity,
  middleware: [requireRole(...reader)] as const,
  request: { params: planParam },
  responses: {
    200: { description: 'The plans, newest first', content: { 'application/json': { schema: z.object({ plans: z.array(planView) }) } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

const listPlans = createRoute({
  method: 'get',
  path: '/resupply-plans',
  summary: 'Resupply plans by status, the next contact first (the resupply queue)',
  tags: ['resupply'],
  security: bearerSecurity,
  middleware: [requireRole(...reader)] as const,
  request: {
    query: z.object({
      status: z.enum(resupplyPlanStatuses, { message: 'must be active, paused, held or stopped' }).optional(),
      contactBy: calendarDate.optional().describe('Plans whose next contact is on or before this day'),
      ...pagingQuery,
    }),
  },
  responses: {
    200: { description: 'A page of plans', content: { 'application/json': { schema: z.object({ plans: z.array(planView), page: pageSchema }) } } },
    ...errorResponses(400, 401, 403),
  },
});

const getPlan = createRoute({
  method: 'get',
  path: '/resupply-plans/{id}',
  summary: 'One resupply plan with its refill cycles and their records',
  tags: ['resupply'],
  security: bearerSecurity,
  middleware: [requireRole(...reader)] as const,
  request: { params: planParam },
  responses: {
    200: { description: 'The plan', content: { 'application/json': { schema: planDetail } } },
    ...errorResponses(400, 401, 403, 404),
  },
});

function commandRoute(path: string, summary: string, description: string, schema: z.ZodTypeAny) {
  return createRoute({
    method: 'post',
    path: `/resupply-plans/{id}/${path}`,
    summary,
    description,
    tags: ['resupply'],
    security: bearerSecurity,
    middleware: [requireRole('intake')] as const,
    request: { params: planParam, body: { required: true, content: { 'application/json': { schema } } } },
    responses: {
      202: {
        description: 'The workflow accepted the command; the body carries its status',
        content: { 'application/json': { schema: commandAnswer } },
      },
      ...errorResponses(400, 401, 403, 404, 409, 422, 503),
    },
  });
}

const confirmRoute = commandRoute(
  'confirmations',
  'Record the patient’s refill answer (Update refillConfirmed)',
  'The refill record of the open cycle: who answered, how, and per item whether it is needed, how many remain (consumables) or whether it still works (masks, cushions, tubing). ' +
    'A confirmed item becomes a supply order (through the order workflow); 409 when it is more than 14 days before the earliest shipping date (PIM ch. 5 §5.2.6), 422 when an item breaks the rule.',
  confirmationSchema,
);
const holdRoute = commandRoute(
  'hold',
  'Hold outreach (Update resupplyHeld)',
  'A hospital stay or the patient’s request: no contact until resumed or until the given day.',
  holdSchema,
);
const resumeRoute = commandRoute(
  'resume',
  'Resume a held or paused plan (Update resupplyResumed)',
  'Contact starts again with a new round of attempts.',
  emptySchema,
);
const stopRoute = commandRoute(
  'stop',
  'Stop the plan (Update resupplyStopped)',
  'No more outreach or refills; a refill already ordered goes on.',
  stopSchema,
);
const optOutRoute = commandRoute(
  'opt-out',
  'The patient opts out of messages (Update resupplyOptedOut)',
  'Honoured at once: every later contact is a call by staff.',
  emptySchema,
);

/** A month of the report: YYYY-MM from 2000 to 2099. */
const reportMonth = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'must be a month from 2000-01 to 2099-12 written YYYY-MM');
/** The longest report: ten years of months. */
const maxReportMonths = 120;

const outreachReport = createRoute({
  method: 'get',
  path: '/reports/resupply-outreach',
  summary: 'Refill outreach outcomes per month: confirmed, declined, no answer',
  description: 'Cycles counted by the month their outcome was reached; contacts are the messages and call tasks of the cycles closed that month.',
  tags: ['reports'],
  security: bearerSecurity,
  middleware: [requireRole(...reader)] as const,
  request: {
    query: z.object({
      from: reportMonth,
      to: reportMonth,
    }),
  },
  responses: {
    200: {
      description: 'One row per month from `from` to `to`',
      content: {
        'application/json': {
          schema: z.object({
            months: z.array(
              z.object({
                month: z.string(),
                confirmed: z.number().int(),
                declined: z.number().int(),
                noAnswer: z.number().int(),
                stopped: z.number().int(),
                contacts: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** A Postgres unique violation of this constraint, however drizzle wrapped it (the code is on a cause). */
function violates(error: unknown, constraint: string): boolean {
  for (let current: unknown = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    const { code, constraint: name } = current as { code?: string; constraint?: string };
    if (code === '23505' && name === constraint) return true;
  }
  return false;
}

type PlanRow = typeof resupplyPlans.$inferSelect;
type ItemRow = typeof resupplyPlanItems.$inferSelect;

function planOf(row: PlanRow, items: ItemRow[], names: Map<string, string>): z.infer<typeof planView> {
  return {
    id: row.id,
    patientId: row.patientId,
    patientName: names.get(row.patientId) ?? '',
    workflowId: row.workflowId,
    deviceOrderId: row.deviceOrderId,
    deviceHcpcs: row.deviceHcpcs,
    coverageId: row.coverageId,
    cycleMonths: row.cycleMonths,
    channel: row.channel,
    optedOut: row.optedOutAt !== null,
    status: row.status,
    statusReason: row.statusReason,
    nextDueOn: row.nextDueOn,
    nextContactOn: row.nextContactOn,
    items: items
      .filter((item) => item.planId === row.id)
      .map((item) => ({ hcpcs: item.hcpcs, lastDeliveredOn: item.lastDeliveredOn, unitCharge: item.unitCharge })),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
  };
}

const monthsBetween = (from: string, to: string): string[] => {
  const months: string[] = [];
  for (let month = from; month <= to; month = addDays(`${month}-28`, 7).slice(0, 7)) months.push(month);
  return months;
};

export function resupplyRoutes(deps: AppDeps) {
  const { db } = deps.database;
  const { temporal, logger } = deps;

  async function namesOf(patientIds: string[]) {
    const rows = patientIds.length
      ? await db
          .select({ id: patients.id, firstName: patients.firstName, lastName: patients.lastName })
          .from(patients)
          .where(inArray(patients.id, [...new Set(patientIds)]))
      : [];
    return new Map(rows.map((row) => [row.id, `${row.lastName}, ${row.firstName}`]));
  }

  async function itemsOf(planIds: string[]) {
    return planIds.length
      ? db.select().from(resupplyPlanItems).where(inArray(resupplyPlanItems.planId, planIds)).orderBy(asc(resupplyPlanItems.hcpcs))
      : [];
  }

  async function command<A>(
    planId: string,
    update: Parameters<typeof temporal.updateResupply<A>>[1],
    payload: A,
    /** What to do when the plan's workflow is closed (terminated, or failed for good) instead of answering 409. */
    whenClosed?: () => Promise<ResupplyStatus>,
  ): Promise<ResupplyStatus> {
    const [plan] = await db
      .select({ id: resupplyPlans.id, deviceHcpcs: resupplyPlans.deviceHcpcs, startedAt: resupplyPlans.workflowStartedAt })
      .from(resupplyPlans)
      .where(eq(resupplyPlans.id, planId));
    if (!plan) throw notFound('Resupply plan', planId);
    const send = () => temporal.updateResupply(planId, update, payload);
    return runCommand(
      async () => {
        const answer = await send();
        if (answer.outcome === 'closed' && whenClosed) return { outcome: 'accepted' as const, status: await whenClosed() };
        if (answer.outcome !== 'missing' || plan.startedAt) return answer;
        // Committed but not started yet (its start failed; the relay would start it): start it now, then send.
        await temporal.startResupply({ planId, deviceHcpcs: plan.deviceHcpcs });
        await markStarted(planId);
        return send();
      },
      `Resupply plan ${planId}`,
      logger,
    );
  }

  async function markStarted(planId: string) {
    await db
      .update(resupplyPlans)
      .set({ workflowStartedAt: new Date() })
      .where(and(eq(resupplyPlans.id, planId), isNull(resupplyPlans.workflowStartedAt)));
  }

  return router()
    .openapi(createPlan, async (c) => {
      const { id: patientId } = c.req.valid('param');
      const body = c.req.valid('json');
      const { user } = c.get('actor');
      const today = todayIso();
      const [patient] = await db.select({ id: patients.id, phone: patients.phone }).from(patients).where(eq(patients.id, patientId));
      if (!patient) throw notFound('Patient', patientId);

      const problems: FieldProblem[] = [];
      let source: { coverageId: string; prescriberNpi: string; orderDate: string; diagnoses: string[]; deviceHcpcs: string } | undefined;
      let deviceItems: Array<{ hcpcs: string; unitCharge: number }> = [];
      let deliveredOn: string | undefined;
      if (body.deviceOrderId) {
        const [order] = await db.select().from(orders).where(eq(orders.id, body.deviceOrderId));
        if (!order || order.patientId !== patientId) {
          problems.push({ field: 'deviceOrderId', message: `order ${body.deviceOrderId} is not an order of patient ${patientId}` });
        } else {
          const [delivery] = await db.select().from(deliveries).where(eq(deliveries.orderId, order.id));
          deviceItems = await db
            .select({ hcpcs: orderItems.hcpcs, unitCharge: orderItems.unitCharge })
            .from(orderItems)
            .where(eq(orderItems.orderId, order.id));
          const device = deviceItems.find((item) => item.hcpcs.startsWith('E') || item.hcpcs.startsWith('K'));
          if (!delivery?.confirmedAt) problems.push({ field: 'deviceOrderId', message: `order ${order.id} is not delivered yet` });
          if (!device) problems.push({ field: 'deviceOrderId', message: `order ${order.id} furnished no device (an E or K code)` });
          if (delivery?.confirmedAt && device) {
            deliveredOn = delivery.deliveredOn;
            source = {
              coverageId: order.coverageId,
              prescriberNpi: order.prescriberNpi,
              orderDate: order.orderDate,
              diagnoses: order.diagnoses,
              deviceHcpcs: device.hcpcs,
            };
          }
        }
        for (const field of ['deviceHcpcs', 'coverageId', 'prescriberNpi', 'orderDate', 'diagnoses'] as const) {
          if (body[field] !== undefined) problems.push({ field, message: 'comes from the device order: leave it out' });
        }
      } else {
        for (const field of ['deviceHcpcs', 'coverageId', 'prescriberNpi', 'orderDate', 'diagnoses'] as const) {
          if (body[field] === undefined) problems.push({ field, message: 'is required without a deviceOrderId' });
        }
        if (body.coverageId) {
          const [coverage] = await db.select({ patientId: coverages.patientId }).from(coverages).where(eq(coverages.id, body.coverageId));
          if (coverage?.patientId !== patientId)
            problems.push({ field: 'coverageId', message: `coverage ${body.coverageId} is not a coverage of patient ${patientId}` });
        }
        if (body.prescriberNpi) {
          const [known] = await db.select({ npi: prescribers.npi }).from(prescribers).where(eq(prescribers.npi, body.prescriberNpi));
          if (!known)
            problems.push({ field: 'prescriberNpi', message: `prescriber ${body.prescriberNpi} is not known: enter an order from them first` });
        }
        if (body.orderDate && body.orderDate > today) problems.push({ field: 'orderDate', message: 'must not be in the future' });
        if (body.deviceHcpcs && body.coverageId && body.prescriberNpi && body.orderDate && body.diagnoses) {
          source = {
            coverageId: body.coverageId,
            prescriberNpi: body.prescriberNpi,
            orderDate: body.orderDate,
            diagnoses: body.diagnoses,
            deviceHcpcs: body.deviceHcpcs,
          };
        }
      }

      const items = body.items.map((item, index) => {
        const furnished = deviceItems.find((candidate) => candidate.hcpcs === item.hcpcs);
        const lastDeliveredOn = item.lastDeliveredOn ?? (furnished ? deliveredOn : undefined);
        const unitCharge = item.unitCharge ?? furnished?.unitCharge;
        if (!lastDeliveredOn)
          problems.push({ field: `items[${index}].lastDeliveredOn`, message: 'is required for a supply the device order did not furnish' });
        if (!unitCharge) problems.push({ field: `items[${index}].unitCharge`, message: 'is required for a supply the device order did not furnish' });
        return { hcpcs: item.hcpcs, lastDeliveredOn: lastDeliveredOn ?? today, unitCharge: unitCharge ?? 0 };
      });
      const contactPhone = body.contactPhone ?? (body.channel === 'sms' ? (patient.phone ?? undefined) : undefined);
      problems.push(
        ...planProblems(
          {
            items,
            cycleMonths: body.cycleMonths,
            channel: body.channel,
            ...(contactPhone ? { contactPhone } : {}),
            ...(body.contactEmail ? { contactEmail: body.contactEmail } : {}),
          },
          defaultCatalog,
          today,
        ).map((problem) =>
          problem.field === 'contactPhone' ? { ...problem, message: `${problem.message} (the patient has none on file)` } : problem,
        ),
      );
      if (problems.length > 0 || !source) throw validationError(problems, 422);

      const active = await db
        .select({ id: resupplyPlans.id })
        .from(resupplyPlans)
        .where(and(eq(resupplyPlans.patientId, patientId), eq(resupplyPlans.deviceHcpcs, source.deviceHcpcs), ne(resupplyPlans.status, 'stopped')));
      if (active.length > 0)
        throw conflict(`patient ${patientId} already has resupply plan ${active[0].id} for ${source.deviceHcpcs}: stop it first`);

      const planId = randomUUID();
      const workflowId = resupplyWorkflowId(planId);
      await db
        .transaction(async (tx) => {
          await tx.insert(resupplyPlans).values({
            id: planId,
            patientId,
            coverageId: source.coverageId,
            deviceOrderId: body.deviceOrderId ?? null,
            deviceHcpcs: source.deviceHcpcs,
            prescriberNpi: source.prescriberNpi,
            orderDate: source.orderDate,
            diagnoses: source.diagnoses,
            cycleMonths: body.cycleMonths,
            channel: body.channel,
            contactPhone: contactPhone ?? null,
            contactEmail: body.contactEmail ?? null,
            workflowId,
            createdBy: user,
          });
          await tx.insert(resupplyPlanItems).values(items.map((item) => ({ planId, ...item })));
          await recordAudit(tx, {
            actor: user,
            action: 'resupply.plan-created',
            entityType: 'resupply-plan',
            entityId: planId,
            detail: {
              patientId,
              deviceHcpcs: source.deviceHcpcs,
              hcpcs: items.map((item) => item.hcpcs),
              cycleMonths: body.cycleMonths,
              channel: body.channel,
            },
          });
        })
        .catch((error: unknown) => {
          // Two submits at once: the partial unique index lets one plan be active per patient and device.
          if (violates(error, 'resupply_plans_one_active_uq')) {
            throw conflict(`patient ${patientId} already has an active resupply plan for ${source.deviceHcpcs}: stop it first`);
          }
          throw error;
        });
      try {
        await temporal.startResupply({ planId, deviceHcpcs: source.deviceHcpcs });
        // The marker cleared (as the relay clears it): the relay leaves the plan alone from now on.
        await markStarted(planId);
      } catch (error) {
        // Committed with its start marker: the worker's relay starts it within a minute.
        logger.warn('resupply workflow not started; the relay will start it', { planId, errorName: error instanceof Error ? error.name : 'unknown' });
      }
      c.header('Location', `/resupply-plans/${planId}`);
      return c.json({ planId, workflowId, status: 'active' as const }, 201);
    })
    .openapi(patientPlans, async (c) => {
      const { id } = c.req.valid('param');
      const [patient] = await db.select({ id: patients.id }).from(patients).where(eq(patients.id, id));
      if (!patient) throw notFound('Patient', id);
      const rows = await db.select().from(resupplyPlans).where(eq(resupplyPlans.patientId, id)).orderBy(desc(resupplyPlans.createdAt));
      const [items, names] = await Promise.all([itemsOf(rows.map((row) => row.id)), namesOf([id])]);
      return c.json({ plans: rows.map((row) => planOf(row, items, names)) }, 200);
    })
    .openapi(listPlans, async (c) => {
      const query = c.req.valid('query');
      const filters: SQL[] = [];
      if (query.status) filters.push(eq(resupplyPlans.status, query.status));
      if (query.contactBy) filters.push(lt(resupplyPlans.nextContactOn, addDays(query.contactBy, 1)));
      const where = filters.length ? and(...filters) : undefined;
      const [rows, [{ total }]] = await Promise.all([
        db
          .select()
          .from(resupplyPlans)
          .where(where)
          .orderBy(sql`${resupplyPlans.nextContactOn} asc nulls last`, asc(resupplyPlans.id))
          .limit(query.limit)
          .offset(query.offset),
        db.select({ total: count() }).from(resupplyPlans).where(where),
      ]);
      const [items, names] = await Promise.all([itemsOf(rows.map((row) => row.id)), namesOf(rows.map((row) => row.patientId))]);
      return c.json({ plans: rows.map((row) => planOf(row, items, names)), page: { limit: query.limit, offset: query.offset, total } }, 200);
    })
    .openapi(getPlan, async (c) => {
      const { id } = c.req.valid('param');
      const [row] = await db.select().from(resupplyPlans).where(eq(resupplyPlans.id, id));
      if (!row) throw notFound('Resupply plan', id);
      const [items, cycles] = await Promise.all([
        itemsOf([id]),
        db.select().from(resupplyCycles).where(eq(resupplyCycles.planId, id)).orderBy(asc(resupplyCycles.cycle)),
      ]);
      return c.json(
        {
          ...planOf(row, items, await namesOf([row.patientId])),
          cycles: cycles.map((cycle) => ({
            cycle: cycle.cycle,
            dueOn: cycle.dueOn,
            contactOpensOn: cycle.contactOpensOn,
            earliestShipOn: cycle.earliestShipOn,
            hcpcs: cycle.hcpcs,
            outcome: cycle.outcome,
            attempts: cycle.attempts,
            lastContactAt: cycle.lastContactAt ? cycle.lastContactAt.toISOString() : null,
            orderId: cycle.orderId,
            closedOn: cycle.closedOn,
            confirmation: cycle.confirmation,
          })),
        },
        200,
      );
    })
    .openapi(confirmRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json') as z.infer<typeof confirmationSchema>;
      const status = await command(id, refillConfirmed, { user: c.get('actor').user, ...body });
      return c.json({ accepted: true as const, command: refillConfirmed.name, status }, 202);
    })
    .openapi(holdRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json') as z.infer<typeof holdSchema>;
      const status = await command(id, resupplyHeld, { user: c.get('actor').user, ...body });
      return c.json({ accepted: true as const, command: resupplyHeld.name, status }, 202);
    })
    .openapi(resumeRoute, async (c) => {
      const { id } = c.req.valid('param');
      const status = await command(id, resupplyResumed, { user: c.get('actor').user });
      return c.json({ accepted: true as const, command: resupplyResumed.name, status }, 202);
    })
    .openapi(stopRoute, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json') as z.infer<typeof stopSchema>;
      const { user } = c.get('actor');
      // A plan whose workflow is gone (terminated by an operator) is stopped in its row, so a new plan can be started.
      const stopInRow = async (): Promise<ResupplyStatus> => {
        await db.transaction(async (tx) => {
          await tx
            .update(resupplyPlans)
            .set({ status: 'stopped', statusReason: body.reason, nextContactOn: null, updatedAt: new Date() })
            .where(eq(resupplyPlans.id, id));
          await recordAudit(tx, {
            actor: user,
            action: 'resupply.stopped-without-workflow',
            entityType: 'resupply-plan',
            entityId: id,
            detail: { reason: body.reason },
          });
        });
        return { planId: id, status: 'stopped', reason: body.reason, optedOut: false, cyclesCompleted: 0, cycle: null, items: [], heldUntil: null };
      };
      const status = await command(id, resupplyStopped, { user, ...body }, stopInRow);
      return c.json({ accepted: true as const, command: resupplyStopped.name, status }, 202);
    })
    .openapi(optOutRoute, async (c) => {
      const { id } = c.req.valid('param');
      const status = await command(id, resupplyOptedOut, { user: c.get('actor').user });
      return c.json({ accepted: true as const, command: resupplyOptedOut.name, status }, 202);
    })
    .openapi(outreachReport, async (c) => {
      const { from, to } = c.req.valid('query');
      if (from > to) throw validationError([{ field: 'to', message: 'must not be before from' }], 422);
      const span = (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5)) - Number(from.slice(5)) + 1;
      if (span > maxReportMonths) throw validationError([{ field: 'to', message: `at most ${maxReportMonths} months from from` }], 422);
      const rows = await db
        .select({
          month: sql<string>`to_char(${resupplyCycles.closedOn}, 'YYYY-MM')`,
          outcome: resupplyCycles.outcome,
          cycles: count(),
          contacts: sql<number>`coalesce(sum(${resupplyCycles.attempts}), 0)::int`,
        })
        .from(resupplyCycles)
        .where(and(sql`${resupplyCycles.closedOn} >= ${`${from}-01`}`, lt(resupplyCycles.closedOn, addDays(`${to}-28`, 7).slice(0, 7) + '-01')))
        .groupBy(sql`1`, resupplyCycles.outcome);
      const months = monthsBetween(from, to).map((month) => {
        const of = (outcome: string) => rows.find((row) => row.month === month && row.outcome === outcome)?.cycles ?? 0;
        return {
          month,
          confirmed: of('confirmed'),
          declined: of('declined'),
          noAnswer: of('no-answer'),
          stopped: of('stopped'),
          contacts: rows.filter((row) => row.month === month).reduce((sum, row) => sum + Number(row.contacts), 0),
        };
      });
      return c.json({ months }, 200);
    });
}
