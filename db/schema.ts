/**
 * The system of record (DESIGN.md "State: who owns what"). This file is the single
 * description of the tables; migrations under db/migrations are generated from it
 * with `npm run db:generate`, reviewed and committed.
 *
 * Money columns are integer cents in 64-bit columns (`cents()`); calendar dates
 * are `date` columns read as `YYYY-MM-DD` strings, so no time zone ever shifts a date of service.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgSequence,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { claimStatuses } from '../domain/claim-statuses';
import { mspTypes, payerLevels } from '../domain/coordination';
import { appealLevels } from '../domain/denials';
import { blockers, orderStages } from '../domain/order-stages';
import type { OxygenPrescription } from '../domain/oxygen';
import { claimResolutions, type ClaimResolution } from '../domain/posting';

/**
 * A money column: integer cents, 64-bit, read as a JavaScript number. A 4-byte integer
 * ends at $21,474,836.47, which one mistyped order passed; domain/money.ts keeps every
 * amount far below 2^53, where a number is still exact.
 */
const cents = (name: string) => bigint(name, { mode: 'number' });

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

/**
 * Payers with the settings DOMAIN.md says a payer can change: timely filing,
 * claim filing indicator (837P SBR09), EDI payer id, and the DME MAC jurisdiction
 * for Medicare. Further policy overrides live in `settings` (a PayerPolicy subset).
 */
export const payers = pgTable('payers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  kind: text('kind', { enum: ['medicare', 'medicaid', 'commercial'] }).notNull(),
  ediPayerId: text('edi_payer_id').notNull(),
  /**
   * What this payer's 835s carry to identify it when that is not `ediPayerId`: the
   * 1000A N104 (XV) or REF*2U id, or its TRN03 ("1" + EIN) if its 835s send neither.
   * Remittances are matched to claims only through these (domain/remittance-matching.ts).
   */
  remittancePayerIds: jsonb('remittance_payer_ids').$type<string[]>().notNull().default([]),
  claimFilingIndicator: text('claim_filing_indicator').notNull(),
  dmeMacJurisdiction: text('dme_mac_jurisdiction', { enum: ['JA', 'JB', 'JC', 'JD'] }),
  timelyFilingDays: integer('timely_filing_days').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

export const patients = pgTable(
  'patients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    firstName: text('first_name').notNull(),
    middleName: text('middle_name'),
    lastName: text('last_name').notNull(),
    birthDate: date('birth_date', { mode: 'string' }).notNull(),
    sex: text('sex', { enum: ['F', 'M', 'U'] }).notNull(),
    addressLine1: text('address_line1').notNull(),
    addressLine2: text('address_line2'),
    city: text('city').notNull(),
    state: text('state').notNull(),
    zip: text('zip').notNull(),
    phone: text('phone'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('patients_last_name_idx').on(table.lastName)],
);

/**
 * The permanent addresses of a patient over time. The DME MAC of a Medicare claim is
 * the one of the address in effect on its date of service (domain/jurisdiction.ts);
 * the patient row keeps the current address for everything else.
 */
export const patientAddresses = pgTable(
  'patient_addresses',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    line1: text('line1').notNull(),
    line2: text('line2'),
    city: text('city').notNull(),
    state: text('state').notNull(),
    zip: text('zip').notNull(),
    /** First day the patient lives here; null for the address given at registration. */
    effectiveOn: date('effective_on', { mode: 'string' }),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('patient_addresses_patient_effective_uq').on(table.patientId, table.effectiveOn)],
);

export const coverages = pgTable(
  'coverages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    payerId: text('payer_id')
      .notNull()
      .references(() => payers.id),
    memberId: text('member_id').notNull(),
    groupNumber: text('group_number'),
    priority: text('priority', { enum: ['primary', 'secondary', 'tertiary'] }).notNull(),
    /** 837P/270 individual relationship of the patient to the subscriber. */
    relationship: text('relationship', { enum: ['self', 'spouse', 'child', 'other'] }).notNull(),
    subscriber: jsonb('subscriber').$type<{ firstName: string; lastName: string; birthDate: string; sex: string }>(),
    effectiveFrom: date('effective_from', { mode: 'string' }),
    effectiveTo: date('effective_to', { mode: 'string' }),
    /** SBR05 when this is Medicare and another payer is primary: why Medicare is secondary (domain/coordination.ts). */
    mspType: text('msp_type', { enum: mspTypes }),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('coverages_patient_idx').on(table.patientId),
    uniqueIndex('coverages_patient_payer_member_uq').on(table.patientId, table.payerId, table.memberId),
  ],
);

/** Ordering practitioners, keyed by NPI (837P loop 2420E). */
export const prescribers = pgTable('prescribers', {
  npi: text('npi').primaryKey(),
  firstName: text('first_name').notNull(),
  lastName: text('last_name').notNull(),
  createdAt: createdAt(),
});

/**
 * Who did what, when. `detail` holds ids, codes and stages — never names, birth
 * dates or member ids (the audit trail is read by people without PHI access too).
 *
 * Two kinds of rows: business events the API and activities record with the change
 * (`order.created`, `task.done`, …), and one row per audited API request, written by the
 * API's audit middleware (api/audit.ts): every staff command or write and every refused
 * request, with the role, method, route template, status and error code. Request rows
 * may have no entity (a refused POST /orders names none).
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type'),
    entityId: text('entity_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    /** Request rows: the key's role, e.g. `biller`. */
    role: text('role'),
    /** Request rows: `POST`. */
    method: text('method'),
    /** Request rows: the route template as in /openapi.json (`/tasks/{id}/done`); null when no route matched. */
    route: text('route'),
    /** Request rows: the HTTP status answered. */
    status: integer('status'),
    /** Request rows: `ok`, or the error code answered (`forbidden`, `not_found`, `conflict`, `unprocessable`, …). */
    outcome: text('outcome'),
  },
  (table) => [
    index('audit_events_entity_idx').on(table.entityType, table.entityId),
    index('audit_events_at_idx').on(table.at),
    index('audit_events_actor_at_idx').on(table.actor, table.at),
  ],
);

// ---------------------------------------------------------------------------
// Orders and their life (issue: the DME order workflow). The workflow owns the
// orchestration; these rows are written by its activities, idempotently.
// ---------------------------------------------------------------------------

export const orders = pgTable(
  'orders',
  {
    id: uuid('id').primaryKey(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    coverageId: uuid('coverage_id')
      .notNull()
      .references(() => coverages.id),
    payerId: text('payer_id')
      .notNull()
      .references(() => payers.id),
    prescriberNpi: text('prescriber_npi')
      .notNull()
      .references(() => prescribers.npi),
    orderDate: date('order_date', { mode: 'string' }).notNull(),
    /** ICD-10-CM codes without the dot, principal first. */
    diagnoses: jsonb('diagnoses').$type<string[]>().notNull(),
    /** The oxygen prescription and qualification (domain/oxygen.ts), on orders with oxygen equipment. */
    oxygen: jsonb('oxygen').$type<OxygenPrescription>(),
    workflowId: text('workflow_id').notNull(),
    /** Mirrors of the workflow's stage and blocker for list queries; the workflow is the authority. */
    stage: text('stage', { enum: orderStages }).notNull().default('documentation'),
    blockedOn: text('blocked_on', { enum: blockers }),
    /** Since when the order has waited on blocked_on (set when the blocker changes, kept while it stays, null when none): the dashboard's days on hold. */
    blockedSince: timestamp('blocked_since', { withTimezone: true }),
    rentalMonth: integer('rental_month'),
    cancelReason: text('cancel_reason'),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Null from intake until Temporal confirmed the order's workflow: committed with the
     * order rows, so a crash before the start leaves a marker the worker's relay finds.
     */
    workflowStartedAt: timestamp('workflow_started_at', { withTimezone: true }),
    /**
     * The workflow's own view of the order (its `orderStatus`, PHI-free: ids, codes, dates,
     * staff user names), recorded with every stage or blocker change and every accepted
     * command, so `GET /orders/:id` reads the database and not the workflow (issue 11.2).
     */
    status: jsonb('status').$type<Record<string, unknown>>(),
    statusRecordedAt: timestamp('status_recorded_at', { withTimezone: true }),
    /** The snapshot's number in the workflow: a slower write of an older snapshot never replaces a newer one. */
    statusVersion: integer('status_version'),
    /** When the workflow follows up next (a reminder, an escalation, a rental anniversary): lists sort and filter by it. */
    nextFollowUpAt: timestamp('next_follow_up_at', { withTimezone: true }),
    /**
     * Set by the stuck-work boundary (activities/stuck-work.ts) while an activity of the
     * order or its claims keeps failing, cleared when it succeeds: codes and ids only.
     */
    systemError: jsonb('system_error').$type<{ code: string; activityType: string; workflowId: string; taskKey: string }>(),
    /** A refill of a resupply plan: the confirmation it fills and the delivery window the PIM allows (domain/resupply.ts). */
    resupply: jsonb('resupply').$type<{ planId: string; cycle: number; confirmedOn: string; shipNotBefore: string; shipBy: string }>(),
  },
  (table) => [
    index('orders_stage_idx').on(table.stage),
    index('orders_follow_up_idx').on(table.nextFollowUpAt),
    index('orders_payer_idx').on(table.payerId),
    index('orders_patient_idx').on(table.patientId),
    index('orders_workflow_pending_idx')
      .on(table.createdAt)
      .where(sql`workflow_started_at is null`),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    lineNumber: integer('line_number').notNull(),
    hcpcs: text('hcpcs').notNull(),
    quantity: integer('quantity').notNull(),
    acquisition: text('acquisition', { enum: ['rental', 'purchase'] }).notNull(),
    side: text('side', { enum: ['LT', 'RT', 'bilateral'] }),
    /** The rest of the domain OrderItem (flow, election, ABN, replacement…). */
    options: jsonb('options').$type<Record<string, unknown>>().notNull().default({}),
    unitCharge: cents('unit_charge').notNull(),
  },
  (table) => [uniqueIndex('order_items_order_line_uq').on(table.orderId, table.lineNumber)],
);

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    kind: text('kind').notNull(),
    status: text('status', { enum: ['received', 'approved', 'rejected'] }).notNull(),
    /** Where the document is kept (document-management reference, file name); never its content. */
    reference: text('reference').notNull(),
    receivedBy: text('received_by').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
    reviewedBy: text('reviewed_by'),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    rejectReason: text('reject_reason'),
  },
  (table) => [index('documents_order_idx').on(table.orderId)],
);

export const eligibilityChecks = pgTable(
  'eligibility_checks',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    coverageId: uuid('coverage_id').notNull(),
    controlNumber: text('control_number').notNull(),
    request: text('request').notNull(),
    response: text('response').notNull(),
    active: boolean('active').notNull(),
    coversDme: boolean('covers_dme').notNull(),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
    checkedAt: timestamp('checked_at', { withTimezone: true }).notNull(),
  },
  (table) => [index('eligibility_checks_order_idx').on(table.orderId)],
);

export const priorAuths = pgTable(
  'prior_auths',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    hcpcs: jsonb('hcpcs').$type<string[]>().notNull(),
    status: text('status', { enum: ['requested', 'affirmed', 'non-affirmed', 'expired'] }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    /** The 14-character unique tracking number of an affirmation (837P REF*G1). */
    trackingNumber: text('tracking_number'),
    expiresOn: date('expires_on', { mode: 'string' }),
    reason: text('reason'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (table) => [index('prior_auths_order_idx').on(table.orderId)],
);

/**
 * Proof of delivery (DOMAIN.md §5): the API stores what the delivery staff report
 * (signer and relationship are PHI and never enter workflow history); the workflow
 * confirms it, and the delivery date becomes the first date of service.
 */
export const deliveries = pgTable('deliveries', {
  orderId: uuid('order_id')
    .primaryKey()
    .references(() => orders.id),
  deliveredOn: date('delivered_on', { mode: 'string' }).notNull(),
  signedBy: text('signed_by').notNull(),
  relationship: text('relationship').notNull(),
  serialNumbers: jsonb('serial_numbers').$type<Record<string, string[]>>().notNull().default({}),
  reportedBy: text('reported_by').notNull(),
  reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
});

/** ISA13 / GS06 / ST02 of every file we send: unique, 9 digits at most. */
export const interchangeControlNumbers = pgSequence('interchange_control_number_seq', {
  startWith: 1,
  maxValue: 999_999_999,
  cycle: true,
});

export { claimResolutions, type ClaimResolution };

export const claims = pgTable(
  'claims',
  {
    id: uuid('id').primaryKey(),
    orderId: uuid('order_id')
      .notNull()
      .references(() => orders.id),
    /** Our patient control number (837P CLM01, echoed in 277CA and 835 CLP01). */
    claimNumber: text('claim_number').notNull(),
    payerId: text('payer_id').notNull(),
    serviceFrom: date('service_from', { mode: 'string' }).notNull(),
    serviceTo: date('service_to', { mode: 'string' }).notNull(),
    rentalPeriod: integer('rental_period'),
    rentalMonth: integer('rental_month'),
    totalCharge: cents('total_charge').notNull(),
    frequencyCode: text('frequency_code').notNull().default('1'),
    /** The claim this one corrects after a front-end rejection. */
    correctsClaimId: uuid('corrects_claim_id'),
    status: text('status', { enum: claimStatuses }).notNull(),
    statusReason: text('status_reason'),
    interchangeControlNumber: text('interchange_control_number').notNull(),
    /** The 837P exactly as sent. */
    x12: text('x12').notNull(),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    payerClaimNumber: text('payer_claim_number'),
    paidAmount: cents('paid_amount').notNull().default(0),
    patientResponsibility: cents('patient_responsibility').notNull().default(0),
    /** The payer the claim is with now (claim_payers): primary until the primary has adjudicated it and a next payer holds it. */
    payerLevel: text('payer_level', { enum: payerLevels }).notNull().default('primary'),
    /** The claim's final state, once it has one (statusReason says why for write-offs). */
    resolution: text('resolution', { enum: claimResolutions }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('claims_claim_number_uq').on(table.claimNumber),
    index('claims_order_idx').on(table.orderId),
    index('claims_status_idx').on(table.status),
  ],
);

export const claimLines = pgTable(
  'claim_lines',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id),
    lineNumber: integer('line_number').notNull(),
    itemId: uuid('item_id').notNull(),
    hcpcs: text('hcpcs').notNull(),
    modifiers: jsonb('modifiers').$type<string[]>().notNull(),
    units: integer('units').notNull(),
    charge: cents('charge').notNull(),
    serviceFrom: date('service_from', { mode: 'string' }).notNull(),
    serviceTo: date('service_to', { mode: 'string' }).notNull(),
    rentalMonth: integer('rental_month'),
    /** Unique per line (837P REF*6R), echoed in 277CA and 835 so posting can match. */
    lineControlNumber: text('line_control_number').notNull(),
    /** Side of a bilateral pair (LT/RT) so both lines of one item may share a period; '' otherwise. */
    side: text('side').notNull().default(''),
    /** Set when the claim was rejected at the front end: a rejected claim was never filed. */
    voided: boolean('voided').notNull().default(false),
    paidAmount: cents('paid_amount').notNull().default(0),
    allowedAmount: cents('allowed_amount'),
  },
  (table) => [
    uniqueIndex('claim_lines_control_number_uq').on(table.lineControlNumber),
    // A service period of an item is billed once: the database refuses a second live line.
    uniqueIndex('claim_lines_item_period_uq')
      .on(table.itemId, table.serviceFrom, table.side)
      .where(sql`voided = false`),
  ],
);

export const claimPayerStatuses = ['pending', 'submitted', 'crossover', 'adjudicated', 'skipped'] as const;
export type ClaimPayerStatus = (typeof claimPayerStatuses)[number];

/**
 * The payers a claim is billed to, in order (DOMAIN.md §15): the primary (the claim's own
 * payer and 837P) and the patient's secondary and tertiary coverages in force on the
 * service date. Each row follows that payer's part: pending, submitted (our own 837P,
 * `x12`), crossover (the prior payer forwarded it), adjudicated (its 835 posted), or
 * skipped (nothing left to bill it, or the claim ended before it).
 */
export const claimPayers = pgTable(
  'claim_payers',
  {
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id),
    level: text('level', { enum: payerLevels }).notNull(),
    payerId: text('payer_id')
      .notNull()
      .references(() => payers.id),
    coverageId: uuid('coverage_id')
      .notNull()
      .references(() => coverages.id),
    status: text('status', { enum: claimPayerStatuses }).notNull().default('pending'),
    /** The 837P sent to this payer; the primary's is claims.x12, and a crossover has none. */
    x12: text('x12'),
    interchangeControlNumber: text('interchange_control_number'),
    submittedAt: timestamp('submitted_at', { withTimezone: true }),
    /** CLP07 of this payer's 835 and its adjudication date (2330B REF*F8 and 2430 DTP*573 of the next payer's claim). */
    payerClaimNumber: text('payer_claim_number'),
    adjudicatedOn: date('adjudicated_on', { mode: 'string' }),
    paidAmount: cents('paid_amount').notNull().default(0),
    /** Why the row is skipped, or what the crossover said (remark codes). */
    note: text('note'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.claimId, table.level] }),
    uniqueIndex('claim_payers_claim_payer_uq').on(table.claimId, table.payerId),
    index('claim_payers_payer_idx').on(table.payerId),
  ],
);

/** A claim's way through the clearinghouse and payer: acknowledgements, statuses, remittances. */
export const claimEvents = pgTable(
  'claim_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id),
    /** Idempotency: the same inbound document applied twice is one event. */
    eventKey: text('event_key').notNull(),
    kind: text('kind').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex('claim_events_key_uq').on(table.claimId, table.eventKey)],
);

/** X12 files exchanged with the clearinghouse, kept as sent or received. */
export const ediFiles = pgTable(
  'edi_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    direction: text('direction', { enum: ['outbound', 'inbound'] }).notNull(),
    transaction: text('transaction').notNull(),
    /** sha256 of the text: the same file received twice is stored once. */
    digest: text('digest').notNull(),
    content: text('content').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [uniqueIndex('edi_files_digest_uq').on(table.direction, table.digest)],
);

/**
 * The clearinghouse mailbox's wake-up (one row, id 1): set by the first claim sent since the
 * mailbox last looked, which then signals it; cleared by the mailbox's round before it looks
 * (activities/mailbox.ts). A claim sent after the clear finds it unset and signals; one sent
 * before is seen by the round's look. So the mailbox is woken once per round, not per claim.
 */
export const mailboxWake = pgTable('mailbox_wake', {
  id: integer('id').primaryKey(),
  requested: boolean('requested').notNull().default(false),
  /** The send that set it (a claim, and its payer level): that send's retry is told to signal again. */
  requestedBy: text('requested_by'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * The ISA13 of each clearinghouse inquiry (270, 276), keyed by what identifies the
 * inquiry (its check id, or claim and date). A retried activity finds its number here and
 * builds the same file again, so the file-drop outbox gets one file per inquiry.
 */
export const inquiryControlNumbers = pgTable('inquiry_control_numbers', {
  inquiryKey: text('inquiry_key').primaryKey(),
  controlNumber: integer('control_number').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Claims the sandbox payer has received, so it answers the same way after a restart
 * and hands out each answer once (acknowledgements, then the remittance).
 */
export const sandboxClaims = pgTable('sandbox_claims', {
  claimNumber: text('claim_number').primaryKey(),
  /** ISA13 of the file the claim came in (the 999 answers per file). */
  fileControlNumber: text('file_control_number').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  /** The claim's own segments (CLM … up to the next claim), as the payer read them. */
  x12: text('x12').notNull(),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
  remittedAt: timestamp('remitted_at', { withTimezone: true }),
});

/** Staff work queue: reminders, escalations, rejections, denials. */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey(),
    /** Idempotency: the workflow derives it (e.g. `order-1:documents:reminder:3`). */
    taskKey: text('task_key').notNull(),
    orderId: uuid('order_id').references(() => orders.id),
    claimId: uuid('claim_id'),
    /** A resupply plan's task (a call to make, a plan paused): the plan, not an order. */
    resupplyPlanId: uuid('resupply_plan_id'),
    role: text('role', { enum: ['intake', 'reviewer', 'delivery', 'biller'] }).notNull(),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    status: text('status', { enum: ['open', 'done'] })
      .notNull()
      .default('open'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    createdAt: createdAt(),
    doneBy: text('done_by'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    /** Why the task was closed when the system closed it (`doneBy` 'system'): its reason is gone. Codes and dates only. */
    note: text('note'),
  },
  (table) => [uniqueIndex('tasks_key_uq').on(table.taskKey), index('tasks_role_status_idx').on(table.role, table.status)],
);

// ---------------------------------------------------------------------------
// Remittances (835) and what they posted. A remittance is identified by the payer
// and its TRN trace number: the same file twice posts once.
// ---------------------------------------------------------------------------

export const remittanceStatuses = ['received', 'posting', 'posted', 'failed'] as const;

export const remittances = pgTable(
  'remittances',
  {
    id: uuid('id').primaryKey(),
    /** TRN03 (the payer's "1" + EIN, required by 005010X221A1); with the trace number, the remittance's identity. */
    payerIdentifier: text('payer_identifier').notNull(),
    traceNumber: text('trace_number').notNull(),
    payerName: text('payer_name').notNull(),
    paymentAmount: cents('payment_amount').notNull(),
    paymentMethod: text('payment_method').notNull(),
    paymentDate: date('payment_date', { mode: 'string' }),
    /** The raw file, kept as received. */
    content: text('content').notNull(),
    source: text('source', { enum: ['api', 'mailbox'] }).notNull(),
    receivedBy: text('received_by').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
    /**
     * Where its remittanceWorkflow is: received (stored, workflow not yet run), posting,
     * posted (ledger written, claims told, credit balance workflows started) or failed.
     */
    status: text('status', { enum: remittanceStatuses }).notNull().default('received'),
    /** Set in the posting transaction: a posting retried after a crash sees it and posts nothing twice. */
    postedAt: timestamp('posted_at', { withTimezone: true }),
    /** remittancePosted delivered to each matched claim's workflow, in the order of summary.claims. */
    signals: jsonb('signals').$type<Array<{ claimId: string; delivery: 'sent' | 'not-running' }>>().notNull().default([]),
    /** How many of summary.claims were told: a retried signalling activity resumes here. */
    signalledThrough: integer('signalled_through').notNull().default(0),
    creditBalanceWorkflows: jsonb('credit_balance_workflows').$type<Array<{ creditBalanceId: string; start: 'started' }>>().notNull().default([]),
    /** Why the workflow gave up (an error code, never file text). */
    failure: text('failure'),
  },
  (table) => [
    uniqueIndex('remittances_payer_trace_uq').on(table.payerIdentifier, table.traceNumber),
    index('remittances_status_idx').on(table.status),
  ],
);

/** One CLP of a remittance, matched to our claim by control number, payer and charge (or not: unmatched, claim_id null). */
export const claimPayments = pgTable(
  'claim_payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    remittanceId: uuid('remittance_id')
      .notNull()
      .references(() => remittances.id),
    claimId: uuid('claim_id').references(() => claims.id),
    patientControlNumber: text('patient_control_number').notNull(),
    statusCode: text('status_code').notNull(),
    outcome: text('outcome', { enum: ['paid', 'partially-paid', 'denied', 'reversed', 'unmatched'] }).notNull(),
    charge: cents('charge').notNull(),
    paid: cents('paid').notNull(),
    patientResponsibility: cents('patient_responsibility').notNull(),
    payerClaimNumber: text('payer_claim_number').notNull(),
    remarkCodes: jsonb('remark_codes').$type<string[]>().notNull().default([]),
    position: integer('position').notNull(),
    /** The payer of the remittance and its level on the claim (claim_payers); null when unmatched. */
    payerId: text('payer_id'),
    payerLevel: text('payer_level', { enum: payerLevels }),
  },
  (table) => [index('claim_payments_claim_idx').on(table.claimId), index('claim_payments_remittance_idx').on(table.remittanceId)],
);

export const linePayments = pgTable(
  'line_payments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    claimPaymentId: uuid('claim_payment_id')
      .notNull()
      .references(() => claimPayments.id),
    claimLineId: uuid('claim_line_id').references(() => claimLines.id),
    hcpcs: text('hcpcs').notNull(),
    modifiers: jsonb('modifiers').$type<string[]>().notNull(),
    charge: cents('charge').notNull(),
    paid: cents('paid').notNull(),
    allowed: cents('allowed'),
    units: integer('units').notNull(),
    lineControlNumber: text('line_control_number'),
    serviceFrom: date('service_from', { mode: 'string' }),
    remarkCodes: jsonb('remark_codes').$type<string[]>().notNull().default([]),
  },
  (table) => [index('line_payments_claim_line_idx').on(table.claimLineId)],
);

/** CAS adjustments, at claim level (no line) or line level. CO is written off, PR is the patient's. */
export const adjustments = pgTable(
  'adjustments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    claimPaymentId: uuid('claim_payment_id')
      .notNull()
      .references(() => claimPayments.id),
    linePaymentId: uuid('line_payment_id').references(() => linePayments.id),
    groupCode: text('group_code', { enum: ['CO', 'PR', 'OA', 'PI'] }).notNull(),
    reasonCode: text('reason_code').notNull(),
    amount: cents('amount').notNull(),
    quantity: integer('quantity'),
  },
  (table) => [index('adjustments_claim_payment_idx').on(table.claimPaymentId)],
);

/** PLB: provider-level adjustments (WO recovery, FB forward balance, 72 refund, L6 interest). */
export const providerAdjustments = pgTable('provider_adjustments', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  remittanceId: uuid('remittance_id')
    .notNull()
    .references(() => remittances.id),
  providerId: text('provider_id').notNull(),
  fiscalPeriodDate: date('fiscal_period_date', { mode: 'string' }).notNull(),
  reasonCode: text('reason_code').notNull(),
  referenceId: text('reference_id'),
  amount: cents('amount').notNull(),
});

// ---------------------------------------------------------------------------
// Receivables: the claim ledger, appeals and credit balances (DOMAIN.md §11–§13).
// ---------------------------------------------------------------------------

export const ledgerParties = ['payer', 'patient'] as const;
export type LedgerParty = (typeof ledgerParties)[number];

export const ledgerEntryKinds = [
  /** CLP/SVC paid (negative: the payer's balance goes down; a reversal's comes back up). */
  'payer-payment',
  /** CO/OA/PI adjustments that are contractual (CO-45, CO-253…): written off, never billed to the patient. */
  'contractual',
  /** PR adjustments move from the payer's balance to the patient's (one entry on each side). */
  'patient-responsibility',
  /** PLB WO: the payer took money back from a later payment (referenced by the claim's ICN). */
  'recoupment',
  'patient-payment',
  /** A denial or balance written off with a reason (timely filing, lost appeal…). */
  'write-off',
  /** A denied amount the patient owes (PR denial, or billed to the patient by decision). */
  'transfer-to-patient',
  /** An overpayment returned (to the payer or the patient). */
  'refund',
  /** A patient's credit applied to another of their open balances (with consent). */
  'applied-credit',
] as const;
export type LedgerEntryKind = (typeof ledgerEntryKinds)[number];

/**
 * The claim ledger: every amount that moves a claim's payer or patient balance. The
 * charge is the claim's totalCharge; balances are charge + Σ payer entries (payer) and
 * Σ patient entries (patient). Amounts are signed cents: negative lowers the party's
 * balance. Denied amounts post no entry: they stay open until paid, appealed, billed
 * to the patient or written off. `entryKey` makes every write idempotent.
 */
export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryKey: text('entry_key').notNull(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id),
    party: text('party', { enum: ledgerParties }).notNull(),
    kind: text('kind', { enum: ledgerEntryKinds }).notNull(),
    amount: cents('amount').notNull(),
    remittanceId: uuid('remittance_id'),
    creditBalanceId: uuid('credit_balance_id'),
    /** On payer entries: which of the claim's payers (claim_payers) the amount is with or from. */
    payerId: text('payer_id'),
    payerLevel: text('payer_level', { enum: payerLevels }),
    /** CARC codes or the staff reason, for write-offs and transfers. */
    reason: text('reason'),
    actor: text('actor').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex('ledger_entries_key_uq').on(table.entryKey), index('ledger_entries_claim_idx').on(table.claimId)],
);

export const appealStatuses = ['due', 'filed', 'won', 'lost', 'expired'] as const;

/** A reopening or appeal of a denial, from the determination that started its clock to its decision. */
export const appeals = pgTable(
  'appeals',
  {
    id: uuid('id').primaryKey(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id),
    level: text('level', { enum: appealLevels }).notNull(),
    status: text('status', { enum: appealStatuses }).notNull(),
    /** The denial's group and reason codes and remark codes, e.g. CO-50, N115. */
    denialCodes: jsonb('denial_codes').$type<string[]>().notNull().default([]),
    /** The denied amount in dispute (cents). */
    amount: cents('amount').notNull(),
    /** What the appeal needs first (prior auth obtained, same-or-similar history checked). */
    prerequisite: text('prerequisite'),
    /** The determination (remittance or decision) date the deadline counts from. */
    determinationOn: date('determination_on', { mode: 'string' }).notNull(),
    deadlineOn: date('deadline_on', { mode: 'string' }).notNull(),
    filedOn: date('filed_on', { mode: 'string' }),
    filedBy: text('filed_by'),
    /** The contractor's appeal or correspondence number. */
    reference: text('reference'),
    decidedOn: date('decided_on', { mode: 'string' }),
    decidedBy: text('decided_by'),
    decision: text('decision', { enum: ['won', 'lost'] }),
    decisionReason: text('decision_reason'),
    createdAt: createdAt(),
  },
  (table) => [index('appeals_claim_idx').on(table.claimId), index('appeals_status_idx').on(table.status)],
);

export const creditBalanceReasons = ['duplicate-payment', 'payment-after-write-off', 'overpayment', 'patient-overpayment'] as const;
export const creditBalanceResolutions = ['refund-to-payer', 'refund-to-patient', 'apply-to-balance', 'recouped'] as const;
export type CreditBalanceResolution = (typeof creditBalanceResolutions)[number];

/**
 * Payments above what a claim is owed (DOMAIN.md §13), each with its report-and-return
 * deadline (Medicare: 60 days from identification, payer policy). At most one open
 * credit balance per claim and party; a later posting updates its amount.
 */
export const creditBalances = pgTable(
  'credit_balances',
  {
    id: uuid('id').primaryKey(),
    claimId: uuid('claim_id')
      .notNull()
      .references(() => claims.id),
    payerId: text('payer_id').notNull(),
    /** Whose money it is: the payer's (refund to the payer) or the patient's. */
    party: text('party', { enum: ledgerParties }).notNull(),
    reason: text('reason', { enum: creditBalanceReasons }).notNull(),
    amount: cents('amount').notNull(),
    identifiedAt: timestamp('identified_at', { withTimezone: true }).notNull(),
    deadlineOn: date('deadline_on', { mode: 'string' }).notNull(),
    status: text('status', { enum: ['open', 'resolved'] })
      .notNull()
      .default('open'),
    resolution: text('resolution', { enum: creditBalanceResolutions }),
    /** Apply-to-balance: the claim whose open balance received the credit. */
    targetClaimId: uuid('target_claim_id'),
    /** Apply-to-balance: the patient consented (required). */
    consent: boolean('consent'),
    /** Refund check or EFT number. */
    reference: text('reference'),
    resolvedBy: text('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('credit_balances_open_uq')
      .on(table.claimId, table.party)
      .where(sql`status = 'open'`),
    index('credit_balances_status_idx').on(table.status),
  ],
);

/** Binary column (the PDF): pg reads a Buffer, PGlite a Uint8Array; both come back as a Buffer. */
const bytea = customType<{ data: Buffer; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

/**
 * Statements sent to patients for what they owe after the last payer (DOMAIN.md §15),
 * each with its PDF: the only place the patient's name, address and services sit beside
 * their balances. Written once by the patient's statement workflow (the id is its own,
 * so a retried activity writes nothing twice); GET /statements/:id/pdf serves the PDF.
 */
export const patientStatements = pgTable(
  'patient_statements',
  {
    id: uuid('id').primaryKey(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    /** The statement's place in the 30/60/90 series: 1 on day 0 … 4, the final notice, on day 90. */
    cycle: integer('cycle').notNull(),
    /** The account's statements in order: the first ever is 1. */
    sequence: integer('sequence').notNull(),
    statementOn: date('statement_on', { mode: 'string' }).notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    amountDue: cents('amount_due').notNull(),
    /** The claims whose balances it lists. */
    claimIds: jsonb('claim_ids').$type<string[]>().notNull(),
    pdf: bytea('pdf').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('patient_statements_patient_idx').on(table.patientId, table.statementOn)],
);

/**
 * Signed-in sessions of the staff web app (/app): a browser holds a random token in an
 * httpOnly cookie, this table its SHA-256 only, so a copy of the table signs no one in.
 * The session acts with the API key it was opened with (by the key's SHA-256; the key
 * itself is never stored): removing the key from API_KEYS ends its sessions.
 */
export const webSessions = pgTable(
  'web_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    keyHash: text('key_hash').notNull(),
    user: text('user').notNull(),
    role: text('role').notNull(),
    /** The synchronizer token every form of the session posts back (CSRF). */
    csrfToken: text('csrf_token').notNull(),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** Signed out (or expired and swept): the row stays for the audit of who was signed in when. */
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (table) => [index('web_sessions_user_idx').on(table.user)],
);

// ---------------------------------------------------------------------------
// Resupply (issue 13): refills of the supplies a patient's device uses, each one only
// after the patient or a caregiver asked for it (Program Integrity Manual ch. 5 §5.2.6).
// ---------------------------------------------------------------------------

export const resupplyPlanStatuses = ['active', 'paused', 'held', 'stopped'] as const;
export const resupplyChannels = ['sms', 'email', 'call'] as const;
export const resupplyCycleOutcomes = ['open', 'confirmed', 'declined', 'no-answer', 'stopped'] as const;

/**
 * A patient's plan of refills for the supplies of one device, run by the workflow
 * `resupply-<planId>`; the status columns mirror it for lists, the workflow is the authority.
 */
export const resupplyPlans = pgTable(
  'resupply_plans',
  {
    id: uuid('id').primaryKey(),
    patientId: uuid('patient_id')
      .notNull()
      .references(() => patients.id),
    /** The coverage the supply orders bill. */
    coverageId: uuid('coverage_id')
      .notNull()
      .references(() => coverages.id),
    /** The order that furnished the device, when it was ours: its pickup or rental end stops the plan. */
    deviceOrderId: uuid('device_order_id').references(() => orders.id),
    deviceHcpcs: text('device_hcpcs').notNull(),
    prescriberNpi: text('prescriber_npi')
      .notNull()
      .references(() => prescribers.npi),
    /** The order date of the standard written order the refills are filled against. */
    orderDate: date('order_date', { mode: 'string' }).notNull(),
    diagnoses: jsonb('diagnoses').$type<string[]>().notNull(),
    /** Months of supply one refill brings: 1 to 3 (a DME MAC pays at most a three-month quantity at a time). */
    cycleMonths: integer('cycle_months').notNull(),
    channel: text('channel', { enum: resupplyChannels }).notNull(),
    /** Where messages go (PHI, never outside this table and the message itself). */
    contactPhone: text('contact_phone'),
    contactEmail: text('contact_email'),
    /** The patient asked for no more messages: outreach becomes a call by staff. */
    optedOutAt: timestamp('opted_out_at', { withTimezone: true }),
    status: text('status', { enum: resupplyPlanStatuses }).notNull().default('active'),
    /** Why the plan is paused, held or stopped: a code-like phrase, never PHI. */
    statusReason: text('status_reason'),
    /** When the next refill is due (the earliest end of use of an item) and outreach opens. */
    nextDueOn: date('next_due_on', { mode: 'string' }),
    nextContactOn: date('next_contact_on', { mode: 'string' }),
    /** The workflow's number of the status written: a slower write of an older one never replaces a newer one. */
    statusVersion: integer('status_version').notNull().default(0),
    workflowId: text('workflow_id').notNull(),
    /** Null until Temporal confirmed the plan's workflow (the relay starts any left behind). */
    workflowStartedAt: timestamp('workflow_started_at', { withTimezone: true }),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index('resupply_plans_patient_idx').on(table.patientId),
    index('resupply_plans_status_idx').on(table.status, table.nextContactOn),
    index('resupply_plans_device_order_idx').on(table.deviceOrderId),
    // One plan at a time per patient and device: a second submit of the same plan is refused, not run twice.
    uniqueIndex('resupply_plans_one_active_uq')
      .on(table.patientId, table.deviceHcpcs)
      .where(sql`status <> 'stopped'`),
  ],
);

/** The supplies of a plan and when each was last delivered: its next refill is due a period later. */
export const resupplyPlanItems = pgTable(
  'resupply_plan_items',
  {
    planId: uuid('plan_id')
      .notNull()
      .references(() => resupplyPlans.id),
    hcpcs: text('hcpcs').notNull(),
    lastDeliveredOn: date('last_delivered_on', { mode: 'string' }).notNull(),
    /** Charge per unit, cents, from the supplier's charge master. */
    unitCharge: cents('unit_charge').notNull(),
  },
  (table) => [primaryKey({ columns: [table.planId, table.hcpcs] })],
);

/**
 * One refill cycle of a plan: when it was due, the outreach, and its outcome. The
 * confirmation is the refill record the PIM asks for (who asked, when, by which channel,
 * and per item what remains or whether it still works); confirmed cycles name their order.
 */
export const resupplyCycles = pgTable(
  'resupply_cycles',
  {
    planId: uuid('plan_id')
      .notNull()
      .references(() => resupplyPlans.id),
    cycle: integer('cycle').notNull(),
    dueOn: date('due_on', { mode: 'string' }).notNull(),
    contactOpensOn: date('contact_opens_on', { mode: 'string' }).notNull(),
    earliestShipOn: date('earliest_ship_on', { mode: 'string' }).notNull(),
    /** The supplies this cycle refills. */
    hcpcs: jsonb('hcpcs').$type<string[]>().notNull(),
    outcome: text('outcome', { enum: resupplyCycleOutcomes }).notNull().default('open'),
    /** Contacts made (texts, emails, call tasks), across every round of the cycle. */
    attempts: integer('attempts').notNull().default(0),
    lastContactAt: timestamp('last_contact_at', { withTimezone: true }),
    confirmation: jsonb('confirmation').$type<Record<string, unknown>>(),
    orderId: uuid('order_id').references(() => orders.id),
    /** The business date the outcome was reached: the outreach report counts by its month. */
    closedOn: date('closed_on', { mode: 'string' }),
  },
  (table) => [primaryKey({ columns: [table.planId, table.cycle] }), index('resupply_cycles_closed_idx').on(table.closedOn)],
);

/**
 * Every message the system sent or, with the sandbox adapter, would have sent. The key
 * makes a retried send a no-op; the body holds PHI and stays in this table.
 */
export const outboundMessages = pgTable('outbound_messages', {
  key: text('key').primaryKey(),
  planId: uuid('plan_id').references(() => resupplyPlans.id),
  channel: text('channel', { enum: ['sms', 'email'] }).notNull(),
  adapter: text('adapter', { enum: ['sandbox', 'sms', 'email'] }).notNull(),
  recipient: text('recipient').notNull(),
  subject: text('subject'),
  body: text('body').notNull(),
  status: text('status', { enum: ['recorded', 'sending', 'sent', 'failed'] }).notNull(),
  providerId: text('provider_id'),
  createdAt: createdAt(),
  sentAt: timestamp('sent_at', { withTimezone: true }),
});
