/**
 * One error shape for every failure (DESIGN.md "HTTP API"):
 * `{ "error": { "code", "message", "details" } }`. Handlers throw ApiError; the app's
 * error handler turns it, a validation failure or anything unexpected into that shape.
 * Unexpected errors answer 500 with no internals (they may quote data) and are logged.
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';

export interface FieldProblem {
  /** Dotted path of the field in the request, e.g. `items.0.hcpcs`. */
  field: string;
  /** The rule it broke, in words a user understands. */
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, 'not_found', `${what} ${id} does not exist`);

/** The request is fine but the order (or task) is not in a state where it applies. */
export const conflict = (message: string) => new ApiError(409, 'conflict', message);

/** A business rule broken by one field: 422 naming the field and the rule. */
export const ruleBroken = (field: string, message: string) => validationError([{ field, message }], 422);

/** Field problems from a zod error, each naming the field and the rule. */
export function fieldProblems(error: ZodError, prefix?: string): FieldProblem[] {
  return error.issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter((part) => part !== undefined && part !== '').join('.');
    return { field: field || '(body)', message: issue.message };
  });
}

export function validationError(problems: FieldProblem[], status: ContentfulStatusCode = 400): ApiError {
  const fields = [...new Set(problems.map((problem) => problem.field))];
  return new ApiError(
    status,
    status === 422 ? 'unprocessable' : 'validation_failed',
    `${problems.length === 1 ? 'A field is' : `${problems.length} problems:`} invalid: ${fields.join(', ')}`,
    problems,
  );
}

export function errorBody(code: string, message: string, details?: unknown) {
  return { error: { code, message, details: details ?? null } };
}

export function respondWithError(c: Context, error: ApiError) {
  return c.json(errorBody(error.code, error.message, error.details), error.status);
}
