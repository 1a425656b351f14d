/** Schemas shared by every route: the error body and its responses. */
import { z } from '@hono/zod-openapi';

const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z.string(),
      details: z.unknown().openapi({ description: 'For validation failures: [{ field, message }] naming each bad field and its rule' }),
    }),
  })
  .openapi('Error');

const statusText: Record<number, string> = {
  400: 'Invalid input: each bad field named with its rule; nothing was written',
  401: 'No or unknown API key',
  403: 'The API key lacks the role',
  404: 'Not found',
  409: 'Conflicts with the current state',
  415: 'The body is not of a media type this route reads',
  422: 'Well-formed but breaks a business rule; nothing was written',
  503: 'Temporal did not answer; nothing was changed, try again',
};

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 415 | 422 | 503;

export function errorResponses<S extends ErrorStatus>(...statuses: S[]) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: statusText[status], content: { 'application/json': { schema: errorSchema } } }]),
  ) as Record<S, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }>;
}

/** Paging of every list: `limit` (1–100, default 25) and `offset`. */
export const pagingQuery = {
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 100' })
    .int('must be a whole number from 1 to 100')
    .min(1, 'must be a whole number from 1 to 100')
    .max(100, 'must be a whole number from 1 to 100')
    .default(25),
  offset: z.coerce
    .number({ error: 'must be a whole number, 0 or more' })
    .int('must be a whole number, 0 or more')
    .min(0, 'must be a whole number, 0 or more')
    .default(0),
};

export const pageSchema = z.object({ limit: z.number().int(), offset: z.number().int(), total: z.number().int() });
