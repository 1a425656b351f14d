/**
 * Field rules shared by the request schemas. Each rule's message says what is
 * expected, so a 400 names the field and the rule it broke.
 */
import { z } from '@hono/zod-openapi';

/** US states, DC and the territories CMS bills for (PR, VI, GU, AS, MP). */
export const usStateCodes = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'PR',
  'VI',
  'GU',
  'AS',
  'MP',
] as const;

/** The UTC calendar date today, `YYYY-MM-DD`. */
export const todayIso = () => new Date().toISOString().slice(0, 10);

function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export const calendarDate = z
  .string()
  .refine(isCalendarDate, 'must be a real calendar date written YYYY-MM-DD')
  .openapi({ example: '2026-03-14', format: 'date' });

const pastOrToday = calendarDate.refine((value) => value <= todayIso(), 'must not be in the future');

export const birthDate = pastOrToday.refine((value) => value >= '1900-01-01', 'must be on or after 1900-01-01');

/** Letters (accented too), then letters, spaces, apostrophes, hyphens and periods. `u`: \p{L} is a Unicode property. */
const personNamePattern = /^[\p{L}][\p{L} .'-]*$/u;

/**
 * Person names as the 837P NM1 segment carries them: letters (accented too), spaces,
 * apostrophes, hyphens and periods; no digits or X12 delimiters (* ~ : ^).
 *
 * The pattern is given to the OpenAPI document as its source: the generator writes a
 * regex's flags after the pattern (`…$/u`), which no client can match a name against.
 * OpenAPI 3.1's `pattern` is ECMA-262 (JSON Schema 2020-12 §6.3.3); clients apply `u`.
 */
export const personName = (maxLength: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .regex(personNamePattern, 'may contain only letters, spaces, apostrophes, hyphens and periods')
    .openapi({ pattern: personNamePattern.source });

export const stateCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine((value) => (usStateCodes as readonly string[]).includes(value), 'must be a US state or territory code such as NY');

export const zipCode = z
  .string()
  .trim()
  .transform((value) => value.replace('-', ''))
  .refine((value) => /^\d{5}(\d{4})?$/.test(value), 'must be 5 or 9 digits (12345 or 12345-6789)');

export const sex = z.enum(['F', 'M', 'U'], { message: 'must be F, M or U (unknown)' });

export const addressLine = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(55, 'must be at most 55 characters')
  .regex(/^[^*~:^|]*$/, 'must not contain * ~ : ^ or |');

export const phone = z
  .string()
  .trim()
  .transform((value) => value.replace(/[\s().-]/g, ''))
  .refine((value) => /^\d{10}$/.test(value), 'must be a 10-digit US phone number');

/**
 * Medicare Beneficiary Identifier: 11 characters, CMS's published pattern (positions
 * 2, 5, 8, 9 letters; 1 a digit 1–9; 4, 7, 10, 11 digits; 3, 6 letter or digit;
 * S, L, O, I, B and Z never used).
 */
const mbiPattern = /^[1-9][AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y][AC-HJKMNP-RT-Y0-9]\d[AC-HJKMNP-RT-Y]{2}\d{2}$/;

/** Other payers' member ids: 2–30 letters and digits (hyphens allowed inside). */
const genericMemberIdPattern = /^[A-Z0-9][A-Z0-9-]{0,28}[A-Z0-9]$/;

export const memberIdRule = (payerKind: string) =>
  payerKind === 'medicare'
    ? { pattern: mbiPattern, message: 'must be a Medicare Beneficiary Identifier: 11 characters like 1EG4TE5MK73' }
    : { pattern: genericMemberIdPattern, message: 'must be 2–30 letters or digits' };

export const uuidParam = z.string().uuid('must be a UUID');
