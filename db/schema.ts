/**
 * The system of record (DESIGN.md "State: who owns what"). This file is the single
 * description of the tables; migrations under db/migrations are generated from it
 * with `npm run db:generate`, reviewed and committed.
 *
 * Money columns are integer cents; calendar dates are `date` columns read as
 * `YYYY-MM-DD` strings, so no time zone ever shifts a date of service.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

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
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().default(sql`now()`),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [index('audit_events_entity_idx').on(table.entityType, table.entityId)],
);
