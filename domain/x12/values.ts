/**
 * Conversions between the domain's values (integer cents, ISO dates) and X12 element
 * values (decimal dollars, CCYYMMDD), plus the identifier checks both sides share.
 * All string arithmetic: a float never touches money.
 */
import { fail, type SegmentRef } from './errors';

/** 15050 → "150.5", 15000 → "150", -2 → "-0.02": the X12 R type suppresses trailing zeros. */
export function dollars(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100);
  const fraction = abs % 100;
  if (fraction === 0) return `${sign}${whole}`;
  return `${sign}${whole}.${String(fraction).padStart(2, '0').replace(/0$/, '')}`;
}

/** 11080 → "$110.80": amounts in messages people read. */
export function money(cents: number): string {
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}$${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const AMOUNT = /^-?(\d+\.?\d*|\.\d+)$/;

/**
 * "150.5" → 15050. Sub-cent digits must be zeros ("1.500" is fine, "1.505" is not):
 * an amount we would have to round is a malformed remittance, not a rounding choice.
 */
export function parseCents(value: string, where: SegmentRef, element: string): number {
  if (!AMOUNT.test(value)) fail('invalid-value', `${element} "${value}" is not an amount`, where);
  const negative = value.startsWith('-');
  const unsigned = negative ? value.slice(1) : value;
  const dot = unsigned.indexOf('.');
  const whole = dot === -1 ? unsigned : unsigned.slice(0, dot);
  const fraction = dot === -1 ? '' : unsigned.slice(dot + 1);
  if (/[1-9]/.test(fraction.slice(2))) fail('invalid-value', `${element} "${value}" has fractions of a cent`, where);
  const cents = Number(whole || '0') * 100 + Number(fraction.slice(0, 2).padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) fail('invalid-value', `${element} "${value}" is too large`, where);
  return negative ? -cents : cents;
}

/** A decimal such as a CAS quantity, an EB08 percent (".2") or SVC05 units. */
export function parseDecimal(value: string, where: SegmentRef, element: string): number {
  if (!AMOUNT.test(value)) fail('invalid-value', `${element} "${value}" is not a number`, where);
  return Number(value);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** "2024-01-15" → "20240115". Callers validate first; this only reformats. */
export function ccyymmdd(isoDate: string): string {
  return isoDate.slice(0, 4) + isoDate.slice(5, 7) + isoDate.slice(8, 10);
}

/** "20240115" → "2024-01-15", rejecting impossible dates such as 20240231. */
export function parseDate(value: string, where: SegmentRef, element: string): string {
  const iso = /^\d{8}$/.test(value) ? `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}` : '';
  if (!isIsoDate(iso)) fail('invalid-value', `${element} "${value}" is not a CCYYMMDD date`, where);
  return iso;
}

export interface DateSpan {
  from: string;
  to: string;
}

/** A DTP date: D8 "20240115" or RD8 "20240115-20240214". */
export function parseDateSpan(format: string, value: string, where: SegmentRef, element: string): DateSpan {
  if (format === 'RD8') {
    const [from, to, extra] = value.split('-');
    if (to === undefined || extra !== undefined) fail('invalid-value', `${element} "${value}" is not a CCYYMMDD-CCYYMMDD range`, where);
    return { from: parseDate(from, where, element), to: parseDate(to, where, element) };
  }
  if (format === 'D8') {
    const date = parseDate(value, where, element);
    return { from: date, to: date };
  }
  return fail('invalid-value', `date format "${format}" is not D8 or RD8`, where);
}

/**
 * NPI check digit: Luhn over the 15 digits "80840" + NPI (the ISO card-issuer
 * prefix CMS assigned to US health identifiers).
 */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false;
  const digits = `80840${npi}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * An employer identification number: nine digits, written "12-3456789" or not. The
 * IRS never issues the 00 prefix; other prefix rules change and are left to the IRS.
 */
export function normalizeEin(ein: string): string | undefined {
  const digits = /^\d{2}-?\d{7}$/.test(ein) ? ein.replace('-', '') : '';
  return digits && !digits.startsWith('00') ? digits : undefined;
}
