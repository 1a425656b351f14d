import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app';
import type { AppEnv } from '../auth';

const check = z.object({ ok: z.boolean(), error: z.string().optional() });
const health = z.object({ status: z.enum(['ok', 'unavailable']), database: check, temporal: check });

const route = createRoute({
  method: 'get',
  path: '/healthz',
  summary: 'Database and Temporal reachable',
  tags: ['system'],
  responses: {
    200: { description: 'Everything reachable', content: { 'application/json': { schema: health } } },
    503: { description: 'A part is unreachable; the body names it', content: { 'application/json': { schema: health } } },
  },
});

/** Each check is bounded so a hung dependency answers 503 instead of hanging the probe. */
async function probe(run: () => Promise<unknown>, timeoutMs = 3000): Promise<z.infer<typeof check>> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>().openapi(route, async (c) => {
    const [database, temporal] = await Promise.all([probe(() => deps.database.ping()), probe(() => deps.temporal.ping())]);
    const ok = database.ok && temporal.ok;
    return c.json({ status: ok ? ('ok' as const) : ('unavailable' as const), database, temporal }, ok ? 200 : 503);
  });
}
