import { createRoute, z } from '@hono/zod-openapi';
import { randomUUID } from 'node:crypto';
import { and, asc, eq, notInArray } from 'drizzle-orm';
import { recordAudit } from '../../db/audit';
import { coverages, orders, patientAddresses, patients, payers, tasks } from '../../db/schema';
import { mspTypeProblem, mspTypes } from '../../domain/coordination';
import { contractorChange, moveRefusal } from '../../domain/jurisdiction';
import { dmeMacForState } from '../../domain/payer-policy';
import { roles } from '../../config';
import { patientParts, patientPartsByRole, type PatientPart } from '../access';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { contractorProblem } from '../dme-mac';
import { ApiError, notFound, ruleBroken, validationError } from '../errors';
import { addressLine, birthDate, calendarDate, memberIdRule, personName, phone, sex, stateCode, todayIso, uuidParam, zipCode } from '../fields';
import { bearerSecurity, router } from '../router';
import { errorResponses } from '../schemas';

const address = z.object({
  line1: addressLine,
  line2: addressLine.optional(),
  city: personName(30).describe('city name'),
  state: stateCode,
  zip: zipCode,
});

const newPatientSchema = z
  .object({
    firstName: personName(35),
    middleName: personName(25).optional(),
    lastName: personName(60),
    birthDate,
    sex,
    address,
    phone: phone.optional(),
  })
  .strict()
  .openapi('NewPatient');

const newAddressSchema = address
  .extend({ effectiveOn: calendarDate.describe('first day the patient lives at this address') })
  .strict()
  .openapi('NewAddress');

const subscriberSchema = z.object({ firstName: personName(35), lastName: personName(60), birthDate, sex }).strict();

const newCoverageSchema = z
  .object({
    payerId: z.string().trim().min(1, 'must name a payer from GET /payers'),
    memberId: z.string().trim().toUpperCase(),
    groupNumber: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{1,30}$/, 'must be 1–30 letters, digits or hyphens')
      .optional(),
    priority: z.enum(['primary', 'secondary', 'tertiary']),
    relationship: z.enum(['self', 'spouse', 'child', 'other']).default('self'),
    subscriber: subscriberSchema.optional(),
    effectiveFrom: calendarDate.optional(),
    effectiveTo: calendarDate.optional(),
    mspType: z
      .enum(mspTypes)
      .optional()
      .describe(
        'Medicare secondary payer type (837P SBR05), required on a Medicare coverage that is not primary: 12 working aged, 13 ESRD, 14 no-fault, 15 workers’ compensation, 16 PHS, 41 black lung, 42 VA, 43 disability, 47 liability',
      ),
  })
  .strict()
  .superRefine((coverage, ctx) => {
    if (coverage.relationship !== 'self' && !coverage.subscriber) {
      ctx.addIssue({ code: 'custom', path: ['subscriber'], message: 'is required when the patient is not the subscriber' });
    }
    if (coverage.relationship === 'self' && coverage.subscriber) {
      ctx.addIssue({ code: 'custom', path: ['subscriber'], message: 'must be left out when the patient is the subscriber' });
    }
    if (coverage.effectiveFrom && coverage.effectiveTo && coverage.effectiveTo < coverage.effectiveFrom) {
      ctx.addIssue({ code: 'custom', path: ['effectiveTo'], message: 'must not be before effectiveFrom' });
    }
  })
  .openapi('NewCoverage');

const created = z.object({ id: z.string().uuid() });
const patientIdParams = z.object({ id: uuidParam.openapi({ param: { name: 'id', in: 'path' } }) });

const coverageView = z.object({
  id: z.string(),
  payerId: z.string(),
  memberId: z.string().optional().describe('With groupNumber: shown to roles that see memberIds'),
  groupNumber: z.string().nullable().optional(),
  priority: z.string(),
  relationship: z.string(),
  effectiveFrom: z.string().nullable(),
  effectiveTo: z.string().nullable(),
  mspType: z.string().nullable(),
});

const shownOnlyTo = (part: PatientPart) => `Shown to ${roles.filter((role) => patientPartsByRole[role].includes(part)).join(', ')} (part "${part}")`;

const patientView = z
  .object({
    id: z.string(),
    shown: z.array(z.enum(patientParts)).describe('The parts of the record the caller’s role sees (README "What each role sees of a patient")'),
    firstName: z.string().optional().describe(shownOnlyTo('name')),
    middleName: z.string().nullable().optional(),
    lastName: z.string().optional(),
    birthDate: z.string().optional().describe(shownOnlyTo('birthDate')),
    sex: z.string().optional().describe(shownOnlyTo('sex')),
    address: z
      .object({
        line1: z.string(),
        line2: z.string().nullable(),
        city: z.string(),
        state: z.string(),
        zip: z.string(),
      })
      .optional()
      .describe(shownOnlyTo('address')),
    phone: z.string().nullable().optional().describe(shownOnlyTo('phone')),
    /** The Medicare DME MAC of the current permanent address (DOMAIN.md §9). */
    dmeMacJurisdiction: z.enum(['JA', 'JB', 'JC', 'JD']).nullable().optional().describe('With the address'),
    coverages: z.array(coverageView).optional().describe(shownOnlyTo('coverages')),
  })
  .openapi('Patient');

const createPatient = createRoute({
  method: 'post',
  path: '/patients',
  summary: 'Register a patient (demographics)',
  tags: ['patients'],
  security: bearerSecurity,
  middleware: [requireRole('intake')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: newPatientSchema } } } },
  responses: {
    201: { description: 'Registered', content: { 'application/json': { schema: created } } },
    ...errorResponses(400, 401, 403),
  },
});

const getPatient = createRoute({
  method: 'get',
  path: '/patients/{id}',
  summary: 'A patient with their coverages: the parts the caller’s role needs',
  tags: ['patients'],
  security: bearerSecurity,
  request: { params: patientIdParams },
  responses: {
    200: { description: 'The patient', content: { 'application/json': { schema: patientView } } },
    ...errorResponses(400, 401, 404),
  },
});

const addCoverage = createRoute({
  method: 'post',
  path: '/patients/{id}/coverages',
  summary: 'Add a coverage (payer, member id, priority)',
  tags: ['patients'],
  security: bearerSecurity,
  middleware: [requireRole('intake')] as const,
  request: {
    params: patientIdParams,
    body: { required: true, content: { 'application/json': { schema: newCoverageSchema } } },
  },
  responses: {
    201: { description: 'Added', content: { 'application/json': { schema: created } } },
    ...errorResponses(400, 401, 403, 404, 409, 422),
  },
});

const addAddress = createRoute({
  method: 'post',
  path: '/patients/{id}/addresses',
  summary: 'Record a move: the new permanent address and the day it takes effect',
  description:
    'Medicare DME claims prepared from then on — later rental months, catch-up months, corrections and resubmissions, whatever their dates of service — go to the DME MAC of the new address and carry it. A move into another jurisdiction opens a biller task on each open Medicare order.',
  tags: ['patients'],
  security: bearerSecurity,
  middleware: [requireRole('intake')] as const,
  request: {
    params: patientIdParams,
    body: { required: true, content: { 'application/json': { schema: newAddressSchema } } },
  },
  responses: {
    201: { description: 'Recorded', content: { 'application/json': { schema: created } } },
    ...errorResponses(400, 401, 403, 404, 422),
  },
});

export function patientRoutes(deps: AppDeps) {
  const { db } = deps.database;

  return router()
    .openapi(createPatient, async (c) => {
      const body = c.req.valid('json');
      const actor = c.get('actor');
      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(patients)
          .values({
            firstName: body.firstName,
            middleName: body.middleName ?? null,
            lastName: body.lastName,
            birthDate: body.birthDate,
            sex: body.sex,
            addressLine1: body.address.line1,
            addressLine2: body.address.line2 ?? null,
            city: body.address.city,
            state: body.address.state,
            zip: body.address.zip,
            phone: body.phone ?? null,
            createdBy: actor.user,
          })
          .returning({ id: patients.id });
        await tx.insert(patientAddresses).values({
          patientId: row.id,
          line1: body.address.line1,
          line2: body.address.line2 ?? null,
          city: body.address.city,
          state: body.address.state,
          zip: body.address.zip,
          effectiveOn: null,
          createdBy: actor.user,
        });
        await recordAudit(tx, { actor: actor.user, action: 'patient.created', entityType: 'patient', entityId: row.id });
        return row.id;
      });
      c.header('Location', `/patients/${id}`);
      return c.json({ id }, 201);
    })
    .openapi(getPatient, async (c) => {
      const { id } = c.req.valid('param');
      const [patient] = await db.select().from(patients).where(eq(patients.id, id));
      if (!patient) throw notFound('Patient', id);
      const rows = await db.select().from(coverages).where(eq(coverages.patientId, id)).orderBy(asc(coverages.priority), asc(coverages.createdAt));
      const shown = patientPartsByRole[c.get('actor').role];
      const sees = (part: PatientPart) => shown.includes(part);
      return c.json(
        {
          id: patient.id,
          shown: [...shown],
          ...(sees('name') ? { firstName: patient.firstName, middleName: patient.middleName, lastName: patient.lastName } : {}),
          ...(sees('birthDate') ? { birthDate: patient.birthDate } : {}),
          ...(sees('sex') ? { sex: patient.sex } : {}),
          ...(sees('address')
            ? {
                address: {
                  line1: patient.addressLine1,
                  line2: patient.addressLine2,
                  city: patient.city,
                  state: patient.state,
                  zip: patient.zip,
                },
                dmeMacJurisdiction: dmeMacForState(patient.state) ?? null,
              }
            : {}),
          ...(sees('phone') ? { phone: patient.phone } : {}),
          ...(sees('coverages')
            ? {
                coverages: rows.map((coverage) => ({
                  id: coverage.id,
                  payerId: coverage.payerId,
                  ...(sees('memberIds') ? { memberId: coverage.memberId, groupNumber: coverage.groupNumber } : {}),
                  priority: coverage.priority,
                  relationship: coverage.relationship,
                  effectiveFrom: coverage.effectiveFrom,
                  effectiveTo: coverage.effectiveTo,
                  mspType: coverage.mspType,
                })),
              }
            : {}),
        },
        200,
      );
    })
    .openapi(addCoverage, async (c) => {
      const { id: patientId } = c.req.valid('param');
      const body = c.req.valid('json');
      const actor = c.get('actor');

      const [payer] = await db
        .select({ id: payers.id, kind: payers.kind, dmeMacJurisdiction: payers.dmeMacJurisdiction })
        .from(payers)
        .where(eq(payers.id, body.payerId));
      if (!payer) {
        throw validationError([{ field: 'payerId', message: `payer ${body.payerId} is not configured (see GET /payers)` }], 422);
      }
      const rule = memberIdRule(payer.kind);
      if (!rule.pattern.test(body.memberId)) {
        throw validationError([{ field: 'memberId', message: rule.message }]);
      }
      const msp = mspTypeProblem(payer.kind, body.priority, body.mspType);
      if (msp) throw validationError([{ field: 'mspType', message: msp }], 422);
      const [patient] = await db.select({ id: patients.id, state: patients.state }).from(patients).where(eq(patients.id, patientId));
      if (!patient) throw notFound('Patient', patientId);
      const wrongContractor = await contractorProblem(db, 'payerId', payer, patient.state);
      if (wrongContractor) throw validationError([wrongContractor], 422);

      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(coverages)
          .values({
            patientId,
            payerId: payer.id,
            memberId: body.memberId,
            groupNumber: body.groupNumber ?? null,
            priority: body.priority,
            relationship: body.relationship,
            subscriber: body.subscriber ?? null,
            effectiveFrom: body.effectiveFrom ?? null,
            effectiveTo: body.effectiveTo ?? null,
            mspType: body.mspType ?? null,
            createdBy: actor.user,
          })
          .onConflictDoNothing()
          .returning({ id: coverages.id });
        if (!row) {
          throw new ApiError(409, 'conflict', `The patient already has this member id with payer ${payer.id}`);
        }
        await recordAudit(tx, {
          actor: actor.user,
          action: 'coverage.added',
          entityType: 'coverage',
          entityId: row.id,
          detail: { patientId, payerId: payer.id, priority: body.priority },
        });
        return row.id;
      });
      c.header('Location', `/patients/${patientId}`);
      return c.json({ id }, 201);
    })
    .openapi(addAddress, async (c) => {
      const { id: patientId } = c.req.valid('param');
      const body = c.req.valid('json');
      const actor = c.get('actor');
      const [patient] = await db.select({ id: patients.id, state: patients.state }).from(patients).where(eq(patients.id, patientId));
      if (!patient) throw notFound('Patient', patientId);
      const history = await db
        .select({ state: patientAddresses.state, effectiveOn: patientAddresses.effectiveOn })
        .from(patientAddresses)
        .where(eq(patientAddresses.patientId, patientId));
      const refusal = moveRefusal(history, body.effectiveOn, todayIso());
      if (refusal) throw ruleBroken('effectiveOn', refusal);
      const change = contractorChange(patient.state, body.state);

      const id = await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(patientAddresses)
          .values({
            patientId,
            line1: body.line1,
            line2: body.line2 ?? null,
            city: body.city,
            state: body.state,
            zip: body.zip,
            effectiveOn: body.effectiveOn,
            createdBy: actor.user,
          })
          .returning({ id: patientAddresses.id });
        // The patient row is the current address (moves are never future-dated).
        await tx
          .update(patients)
          .set({ addressLine1: body.line1, addressLine2: body.line2 ?? null, city: body.city, state: body.state, zip: body.zip })
          .where(eq(patients.id, patientId));
        if (change) {
          const openMedicareOrders = await tx
            .select({ id: orders.id })
            .from(orders)
            .innerJoin(payers, eq(payers.id, orders.payerId))
            .where(and(eq(orders.patientId, patientId), eq(payers.kind, 'medicare'), notInArray(orders.stage, ['closed', 'cancelled'])));
          // A new contractor means its own coverage records and prior-auth decisions: billers check before its first claim.
          for (const order of openMedicareOrders) {
            await tx
              .insert(tasks)
              .values({
                id: randomUUID(),
                taskKey: `address-${row.id}:order-${order.id}:dme-mac-changed`,
                orderId: order.id,
                role: 'biller',
                kind: 'dme-mac-changed',
                title: `The patient moved from DME MAC jurisdiction ${change.from} to ${change.to}: claims prepared from now on go to ${change.to}, whatever their dates of service; check coverage and any prior authorization with the new contractor`,
              })
              .onConflictDoNothing({ target: tasks.taskKey });
          }
        }
        await recordAudit(tx, {
          actor: actor.user,
          action: 'patient.address-changed',
          entityType: 'patient',
          entityId: patientId,
          detail: { addressId: row.id, ...(change ? { dmeMacFrom: change.from, dmeMacTo: change.to } : {}) },
        });
        return row.id;
      });
      c.header('Location', `/patients/${patientId}`);
      return c.json({ id }, 201);
    });
}
