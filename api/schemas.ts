/** Schemas shared by every route: the error body and its responses. */
import { z } from '@hono/zod-openapi';

export const errorSchema = z
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
  422: 'Well-formed but breaks a business rule; nothing was written',
};

export function errorResponses(...statuses: Array<400 | 401 | 403 | 404 | 409 | 422>) {
  return Object.fromEntries(
    statuses.map((status) => [status, { description: statusText[status], content: { 'application/json': { schema: errorSchema } } }]),
  ) as Record<400 | 401 | 403 | 404 | 409 | 422, { description: string; content: { 'application/json': { schema: typeof errorSchema } } }>;
}
