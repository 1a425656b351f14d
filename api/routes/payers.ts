import { createRoute, z } from '@hono/zod-openapi';
import { asc } from 'drizzle-orm';
import { payers } from '../../db/schema';
import type { AppDeps } from '../app';
import { bearerSecurity, router } from '../router';

const payerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['medicare', 'medicaid', 'commercial']),
    ediPayerId: z.string(),
    claimFilingIndicator: z.string(),
    dmeMacJurisdiction: z.enum(['JA', 'JB', 'JC', 'JD']).nullable(),
    timelyFilingDays: z.number().int(),
  })
  .openapi('Payer');

const listPayers = createRoute({
  method: 'get',
  path: '/payers',
  summary: 'Configured payers',
  tags: ['reference'],
  security: bearerSecurity,
  responses: {
    200: {
      description: 'Payers with their filing settings',
      content: { 'application/json': { schema: z.object({ payers: z.array(payerSchema) }) } },
    },
  },
});

export function payerRoutes(deps: AppDeps) {
  return router().openapi(listPayers, async (c) => {
    const rows = await deps.database.db
      .select({
        id: payers.id,
        name: payers.name,
        kind: payers.kind,
        ediPayerId: payers.ediPayerId,
        claimFilingIndicator: payers.claimFilingIndicator,
        dmeMacJurisdiction: payers.dmeMacJurisdiction,
        timelyFilingDays: payers.timelyFilingDays,
      })
      .from(payers)
      .orderBy(asc(payers.id));
    return c.json({ payers: rows }, 200);
  });
}
