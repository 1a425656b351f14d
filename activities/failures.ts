/**
 * What leaves an activity when it fails. Temporal stores a failure's message, stack
 * trace and cause chain in the workflow history (the SQLite file, `temporal workflow
 * describe`, the Web UI) and the worker logs it, so a raw error must never get out: a
 * database error quotes every query parameter (a claim insert carries the whole 837P:
 * name, member id, birth date, address) and its detail quotes the failing row.
 *
 * `withPhiFreeFailures` wraps every activity at one boundary (createActivities) and
 * turns each error into an ApplicationFailure with a stable code as its type and a
 * message built only from names we own: SQLSTATE, constraint, table and column; X12
 * issue codes with field paths and segment positions; errno codes. No cause is attached
 * and the stack keeps only the original's frames, never its message lines. Failures our
 * code throws on purpose (OrderUnknown, ClaimUnknown…) pass through: they carry ids only.
 */
import { CompleteAsyncError, Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { X12Error } from '../domain/x12';
import type { Clearinghouse } from './clearinghouse/types';

/** The failure types operators search for, besides the business ones our activities throw. */
export const failureCodes = [
  'DB_UNIQUE_VIOLATION',
  'DB_FOREIGN_KEY_VIOLATION',
  'DB_CHECK_VIOLATION',
  'DB_NOT_NULL_VIOLATION',
  'DB_CONSTRAINT_VIOLATION',
  'DB_NUMERIC_OUT_OF_RANGE',
  'DB_INVALID_DATA',
  'DB_CONFLICT',
  'DB_UNAVAILABLE',
  'DB_QUERY_REJECTED',
  'DB_ERROR',
  'X12_INVALID',
  'CLEARINGHOUSE_UNREACHABLE',
  'CLEARINGHOUSE_FAILED',
  'UNREACHABLE',
  'INTERNAL',
] as const;
export type FailureCode = (typeof failureCodes)[number];

/** What a failure's details hold: the same PHI-free facts as its message, for tools. */
export interface FailureFacts {
  code: FailureCode;
  errorClass: string;
  sqlState?: string;
  constraint?: string;
  table?: string;
  column?: string;
  errno?: string;
  x12Code?: string;
  /** Field paths (`subscriber.address.zip`) or segment positions (`segment 57 (CLP)`). */
  where?: string[];
}

/** The fields of a Postgres error (pg's DatabaseError and PGlite's both carry them) that name schema objects, never values. */
interface PostgresError {
  code: string;
  table?: string;
  column?: string;
  constraint?: string;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;
/** Node's socket and DNS errors: the other side is not there (yet). */
const unreachableErrno = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  // A file-drop folder on a share that is gone or not writable.
  'ENOENT',
  'ENOTDIR',
  'EACCES',
  'EPERM',
  'EROFS',
  'ENOSPC',
  'EIO',
]);
const MAX_PLACES = 10;

/** Errors the clearinghouse adapters threw, so they are named as the clearinghouse's. */
const clearinghouseErrors = new WeakSet<object>();

/** Wraps every activity so that whatever it throws leaves as a PHI-free ApplicationFailure. */
export function withPhiFreeFailures<T extends object>(activities: T): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, activity]) => [
      name,
      typeof activity !== 'function'
        ? activity
        : async (...args: unknown[]) => {
            try {
              return await (activity as (...input: unknown[]) => Promise<unknown>)(...args);
            } catch (error) {
              throw phiFreeFailure(error);
            }
          },
    ]),
  ) as T;
}

/**
 * The clearinghouse as the activities see it: the same calls, with every error it throws
 * marked as the clearinghouse's (identity kept, so adapters' callers still catch X12Error
 * or an AbortError as before).
 */
export function markingClearinghouseErrors(clearinghouse: Clearinghouse): Clearinghouse {
  return new Proxy(clearinghouse, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        try {
          return await (value as (...input: unknown[]) => Promise<unknown>).apply(target, args);
        } catch (error) {
          if (typeof error === 'object' && error !== null) clearinghouseErrors.add(error);
          throw error;
        }
      };
    },
  });
}

/** The error as it may leave the activity. */
function phiFreeFailure(error: unknown): unknown {
  // Ours on purpose (messages carry ids), and the SDK's own signals that must reach it unchanged.
  if (error instanceof ApplicationFailure || error instanceof CancelledFailure || error instanceof CompleteAsyncError) return error;
  if (isAbortError(error) && activityCancelled()) return error;
  const facts = factsOf(error);
  const failure = ApplicationFailure.create({
    type: facts.code,
    message: messageOf(facts),
    nonRetryable: !retryable(facts),
    details: [facts],
  });
  failure.stack = `ApplicationFailure: ${failure.message}\n${framesOf(error)}`;
  return failure;
}

/** The Postgres error inside drizzle's DrizzleQueryError (error.cause) or thrown bare. */
export function postgresErrorOf(error: unknown): PostgresError | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && SQLSTATE.test(code)) return current as PostgresError;
  }
  return undefined;
}

function factsOf(error: unknown): FailureFacts {
  const errorClass = error instanceof Error ? error.constructor.name || error.name : typeof error;
  if (error instanceof X12Error) {
    const where = error.issues.map(
      (issue) => issue.field ?? (issue.segment ? `segment ${issue.segment.position} (${issue.segment.id})` : issue.code),
    );
    return { code: 'X12_INVALID', errorClass, x12Code: error.code, where: [...new Set(where)] };
  }
  const postgres = postgresErrorOf(error);
  if (postgres) {
    return {
      code: postgresCode(postgres.code),
      errorClass,
      sqlState: postgres.code,
      ...(identifier(postgres.constraint) ? { constraint: postgres.constraint } : {}),
      ...(identifier(postgres.table) ? { table: postgres.table } : {}),
      ...(identifier(postgres.column) ? { column: postgres.column } : {}),
    };
  }
  const errno = errnoOf(error);
  const fromClearinghouse = typeof error === 'object' && error !== null && clearinghouseErrors.has(error);
  if (errno && unreachableErrno.has(errno)) {
    // A database connection error arrives inside drizzle's DrizzleQueryError.
    const fromDatabase = (error as Error).name === 'DrizzleQueryError' || errorClass === 'DrizzleQueryError';
    return { code: fromClearinghouse ? 'CLEARINGHOUSE_UNREACHABLE' : fromDatabase ? 'DB_UNAVAILABLE' : 'UNREACHABLE', errorClass, errno };
  }
  if (fromClearinghouse) return { code: 'CLEARINGHOUSE_FAILED', errorClass, ...(errno ? { errno } : {}) };
  return { code: 'INTERNAL', errorClass, ...(errno ? { errno } : {}) };
}

function postgresCode(sqlState: string): FailureCode {
  switch (sqlState) {
    case '23505':
      return 'DB_UNIQUE_VIOLATION';
    case '23503':
      return 'DB_FOREIGN_KEY_VIOLATION';
    case '23514':
      return 'DB_CHECK_VIOLATION';
    case '23502':
      return 'DB_NOT_NULL_VIOLATION';
    case '22003':
      return 'DB_NUMERIC_OUT_OF_RANGE';
    case '40001':
    case '40P01':
      return 'DB_CONFLICT';
    case '57014':
    case '57P01':
    case '57P02':
    case '57P03':
      return 'DB_UNAVAILABLE';
  }
  if (sqlState.startsWith('23')) return 'DB_CONSTRAINT_VIOLATION';
  if (sqlState.startsWith('22')) return 'DB_INVALID_DATA';
  if (sqlState.startsWith('08') || sqlState.startsWith('53')) return 'DB_UNAVAILABLE';
  if (sqlState.startsWith('42')) return 'DB_QUERY_REJECTED';
  return 'DB_ERROR';
}

/**
 * Integrity and data errors fail the same way on every try: retrying only hides them.
 * A schema mismatch (42…) is retried: a deploy or a migration fixes it, not new input.
 */
function retryable(facts: FailureFacts): boolean {
  switch (facts.code) {
    case 'DB_UNIQUE_VIOLATION':
    case 'DB_FOREIGN_KEY_VIOLATION':
    case 'DB_CHECK_VIOLATION':
    case 'DB_NOT_NULL_VIOLATION':
    case 'DB_CONSTRAINT_VIOLATION':
    case 'DB_NUMERIC_OUT_OF_RANGE':
    case 'DB_INVALID_DATA':
    case 'X12_INVALID':
      return false;
    default:
      return true;
  }
}

function messageOf(facts: FailureFacts): string {
  const on = [
    facts.constraint && `constraint ${facts.constraint}`,
    facts.table && `table ${facts.table}`,
    facts.column && `column ${facts.column}`,
  ].filter(Boolean);
  const place = on.length > 0 ? ` (${on.join(', ')})` : '';
  switch (facts.code) {
    case 'X12_INVALID': {
      const where = facts.where ?? [];
      const listed = where.slice(0, MAX_PLACES).join(', ') + (where.length > MAX_PLACES ? ` and ${where.length - MAX_PLACES} more` : '');
      return `X12 ${facts.x12Code}: ${listed}`;
    }
    case 'CLEARINGHOUSE_UNREACHABLE':
      return `The clearinghouse could not be reached (${facts.errno}); the activity retries`;
    case 'CLEARINGHOUSE_FAILED':
      return `The clearinghouse adapter failed (${facts.errorClass}); the activity retries`;
    case 'UNREACHABLE':
      return `A service could not be reached (${facts.errno}); the activity retries`;
    case 'INTERNAL':
      return `${facts.errorClass}${facts.errno ? ` (${facts.errno})` : ''}: message withheld, it may quote patient data`;
    default:
      return `Database refused the statement: SQLSTATE ${facts.sqlState ?? 'unknown'}${place}`;
  }
}

/** Schema names only; anything else in those fields is dropped rather than printed. */
function identifier(name: string | undefined): name is string {
  return typeof name === 'string' && /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(name);
}

function errnoOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) return code;
  }
  return undefined;
}

/** The original's stack frames (file, line, function): its message lines may quote values. */
function framesOf(error: unknown): string {
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  return stack
    .split('\n')
    .filter((line) => /^\s+at [^'"`]*$/.test(line))
    .join('\n');
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function activityCancelled(): boolean {
  try {
    return Context.current().cancellationSignal.aborted;
  } catch {
    return false; // called outside an activity (a test calling the activity directly)
  }
}
