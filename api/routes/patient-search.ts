/**
 * Finding a patient: by last name (its start, any case), narrowed by first name and birth
 * date, for intake and billers, who see the whole record anyway (api/access.ts). A POST with
 * the names in its body, never in the URL: proxies and browsers keep URLs in their logs and
 * history, and these are PHI. Matches in name order whatever their case; at most 25, with the name, birth date and city and
 * state that tell two namesakes apart; `more` says the search should be narrowed.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { and, asc, eq, ilike, sql, type SQL } from 'drizzle-orm';
import { patients } from '../../db/schema';
import type { AppDeps } from '../app';
import { requireRole } from '../auth';
import { birthDate, personName } from '../fields';
import { bearerSecurity, router } from '../router';
import { errorResponses } from '../schemas';

const maxMatches = 25;

const searchSchema = z
  .object({
    lastName: personName(60).pipe(z.string().min(2, 'needs at least 2 letters')).describe('The last name, or its first letters'),
    firstName: personName(35).optional().describe('The first name, or its first letters'),
    birthDate: birthDate.optional(),
  })
  .strict()
  .openapi('PatientSearch');

const match = z.object({
  id: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  birthDate: z.string(),
  city: z.string(),
  state: z.string(),
});

const searchPatients = createRoute({
  method: 'post',
  path: '/patients/search',
  summary: 'Find patients by last name (its start), first name and birth date',
  description:
    'Intake and billers. The names go in the body, not the URL (PHI). At most 25 matches, by name and birth date; `more` when there are others.',
  tags: ['patients'],
  security: bearerSecurity,
  middleware: [requireRole('intake', 'biller')] as const,
  request: { body: { required: true, content: { 'application/json': { schema: searchSchema } } } },
  responses: {
    200: {
      description: 'The matches',
      content: { 'application/json': { schema: z.object({ patients: z.array(match), more: z.boolean() }).openapi('PatientMatches') } },
    },
    ...errorResponses(400, 401, 403),
  },
});

/** A LIKE pattern matching what starts with the text: its own % and _ taken literally. */
const startsWith = (text: string) => `${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;

export function patientSearchRoutes(deps: AppDeps) {
  const { db } = deps.database;
  return router().openapi(searchPatients, async (c) => {
    const search = c.req.valid('json');
    const filters: SQL[] = [ilike(patients.lastName, startsWith(search.lastName))];
    if (search.firstName) filters.push(ilike(patients.firstName, startsWith(search.firstName)));
    if (search.birthDate) filters.push(eq(patients.birthDate, search.birthDate));
    const rows = await db
      .select({
        id: patients.id,
        firstName: patients.firstName,
        lastName: patients.lastName,
        birthDate: patients.birthDate,
        city: patients.city,
        state: patients.state,
      })
      .from(patients)
      .where(and(...filters))
      .orderBy(asc(sql`lower(${patients.lastName})`), asc(sql`lower(${patients.firstName})`), asc(patients.birthDate), asc(patients.id))
      .limit(maxMatches + 1);
    return c.json({ patients: rows.slice(0, maxMatches), more: rows.length > maxMatches }, 200);
  });
}
