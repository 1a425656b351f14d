import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from './auth';
import { fieldProblems, respondWithError, validationError } from './errors';

/** Where a validation failure came from, as the field path's first part. */
const targetPrefix: Record<string, string | undefined> = { json: undefined, query: 'query', param: 'path', header: 'header' };

/**
 * Every sub-app is built here so that a request failing its zod schema answers 400
 * in the one error shape, naming each bad field and its rule.
 */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) {
        return respondWithError(c, validationError(fieldProblems(result.error, targetPrefix[result.target])));
      }
    },
  });
}

export const bearerSecurity = [{ bearer: [] }];
