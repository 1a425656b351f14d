/**
 * The activities' failure boundary: real database errors (through drizzle, which quotes
 * the query and every parameter), X12 errors, socket errors and unknown ones leave as
 * ApplicationFailures with a code, a message naming only schema objects, fields and
 * errno codes, no cause, and a stack of frames only.
 */
import { sql } from 'drizzle-orm';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { markingClearinghouseErrors, withPhiFreeFailures } from '../../activities/failures';
import type { Clearinghouse } from '../../activities/clearinghouse/types';
import { X12Error } from '../../domain/x12';
import { createTestDatabase, type TestDatabase } from '../support/database';

const MARKER = 'Quillonby 1931-07-29 PHIMBR77Q';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await database.db.execute(
    sql.raw(`CREATE TABLE phi_probe (
      id integer PRIMARY KEY,
      note text NOT NULL CONSTRAINT phi_probe_note_check CHECK (note <> 'refused ${MARKER}'),
      payer_id text CONSTRAINT phi_probe_payer_fk REFERENCES payers(id),
      amount numeric(6, 0)
    )`),
  );
  await database.db.execute(sql`INSERT INTO phi_probe (id, note) VALUES (1, ${MARKER})`);
});
afterAll(() => database?.drop());

async function failureOf(run: () => Promise<unknown>): Promise<ApplicationFailure> {
  const { activity } = withPhiFreeFailures({ activity: run });
  const error = await activity().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  const failure = error as ApplicationFailure;
  for (const text of [failure.message, failure.stack ?? '', JSON.stringify(failure.details)]) expect(text).not.toContain(MARKER);
  expect(failure.cause).toBeUndefined();
  return failure;
}

test.each([
  {
    case: 'a unique violation names its constraint and table',
    run: () => database.db.execute(sql`INSERT INTO phi_probe (id, note) VALUES (1, ${MARKER})`),
    type: 'DB_UNIQUE_VIOLATION',
    message: 'SQLSTATE 23505 (constraint phi_probe_pkey, table phi_probe)',
  },
  {
    case: 'a check violation names its constraint, never the failing row',
    run: () => database.db.execute(sql`INSERT INTO phi_probe (id, note) VALUES (2, ${`refused ${MARKER}`})`),
    type: 'DB_CHECK_VIOLATION',
    message: 'SQLSTATE 23514 (constraint phi_probe_note_check, table phi_probe)',
  },
  {
    case: 'a foreign-key violation names its constraint',
    run: () => database.db.execute(sql`INSERT INTO phi_probe (id, note, payer_id) VALUES (3, ${MARKER}, ${'no-such-payer'})`),
    type: 'DB_FOREIGN_KEY_VIOLATION',
    message: 'SQLSTATE 23503 (constraint phi_probe_payer_fk, table phi_probe)',
  },
  {
    case: 'a not-null violation names its column',
    run: () => database.db.execute(sql`INSERT INTO phi_probe (id, note) VALUES (4, ${null}) RETURNING ${MARKER}`),
    type: 'DB_NOT_NULL_VIOLATION',
    message: 'SQLSTATE 23502 (table phi_probe, column note)',
  },
  {
    case: 'a charge past the column’s range is a numeric overflow',
    run: () => database.db.execute(sql`INSERT INTO phi_probe (id, note, amount) VALUES (5, ${MARKER}, ${12_345_678})`),
    type: 'DB_NUMERIC_OUT_OF_RANGE',
    message: 'SQLSTATE 22003',
  },
  {
    case: 'a value Postgres cannot read is invalid data, its value unquoted',
    run: () => database.db.execute(sql`SELECT ${MARKER}::integer`),
    type: 'DB_INVALID_DATA',
    message: 'SQLSTATE 22P02',
  },
])('$case', async ({ run, type, message }) => {
  const failure = await failureOf(run);
  expect(failure).toMatchObject({ type, nonRetryable: true });
  expect(failure.message).toContain(message);
});

test('an X12 build error lists its issue code and fields, not the values', async () => {
  const failure = await failureOf(async () => {
    throw new X12Error([
      { code: 'invalid-input', field: 'subscriber.address.zip', message: `subscriber.address.zip: ${MARKER} must be 5 or 9 digits` },
      { code: 'invalid-value', segment: { position: 7, id: 'NM1' }, message: `segment 7 (NM1): ${MARKER}` },
    ]);
  });
  expect(failure).toMatchObject({ type: 'X12_INVALID', nonRetryable: true, message: 'X12 invalid-input: subscriber.address.zip, segment 7 (NM1)' });
});

test('a clearinghouse that cannot be reached is retried; its address and file text stay out', async () => {
  const refused = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:9 while sending ${MARKER}`), { code: 'ECONNREFUSED' });
  const clearinghouse = markingClearinghouseErrors({
    name: 'file-drop',
    submitClaims: async () => {
      throw refused;
    },
  } as unknown as Clearinghouse);
  const failure = await failureOf(() => clearinghouse.submitClaims({ controlNumber: '1', x12: MARKER }, new Date()));
  expect(failure).toMatchObject({ type: 'CLEARINGHOUSE_UNREACHABLE', nonRetryable: false });
  expect(failure.message).toContain('ECONNREFUSED');
});

test('an unknown error is INTERNAL with its class name only, and retried', async () => {
  class ScannerJam extends Error {}
  const failure = await failureOf(async () => {
    throw new ScannerJam(`jammed on ${MARKER}`);
  });
  expect(failure).toMatchObject({ type: 'INTERNAL', nonRetryable: false });
  expect(failure.message).toMatch(/^ScannerJam: /);
  expect(failure.stack).toMatch(/\n\s+at /);
});

test('failures our activities throw on purpose, and cancellation, pass through unchanged', async () => {
  const business = ApplicationFailure.nonRetryable('order 42 does not exist', 'OrderUnknown');
  const cancelled = new CancelledFailure('cancelled');
  const { unknownOrder, cancel } = withPhiFreeFailures({
    unknownOrder: async () => {
      throw business;
    },
    cancel: async () => {
      throw cancelled;
    },
  });
  await expect(unknownOrder()).rejects.toBe(business);
  await expect(cancel()).rejects.toBe(cancelled);
});
