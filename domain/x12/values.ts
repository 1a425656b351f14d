/**
 * Conversions between the domain's values (integer cents, ISO dates) and X12 element
 * values (decimal dollars, CCYYMMDD), plus the identifier checks both sides share.
 * All string arithmetic: a float never touches money.
 */

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

/**
 * "150.5" → 15050, or NaN when the text is not an amount or has fractions of a cent
 * ("1.500" is fine, "1.505" is not: an amount we would have to round is a malformed
 * file, not a rounding choice). A character loop rather than a regex and Number(): a
 * large 835 holds hundreds of thousands of amounts.
 */
export function centsOf(value: string): number {
  const length = value.length;
  let i = value.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const negative = i === 1;
  let whole = 0;
  let digits = 0;
  for (; i < length; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    whole = whole * 10 + c;
    digits++;
  }
  let fraction = 0;
  if (i < length && value.charCodeAt(i) === 46 /* . */) {
    i++;
    for (let place = 0; i < length; i++, place++) {
      const c = value.charCodeAt(i) - 48;
      if (c < 0 || c > 9) break;
      digits++;
      if (place === 0) fraction += c * 10;
      else if (place === 1) fraction += c;
      else if (c !== 0) return NaN;
    }
  }
  const cents = whole * 100 + fraction;
  if (i !== length || digits === 0 || !Number.isSafeInteger(cents)) return NaN;
  return negative ? -cents : cents;
}

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

/** Why `centsOf` refused a value, for the error message. */
export function amountProblem(value: string): string {
  if (!DECIMAL.test(value)) return 'is not an amount';
  return /\.\d{2}\d*[1-9]/.test(value) ? 'has fractions of a cent' : 'is too large';
}

/** A decimal such as a CAS quantity, an EB08 percent (".2") or SVC05 units; NaN when not a number. */
export function decimalOf(value: string): number {
  return DECIMAL.test(value) ? Number(value) : NaN;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

function digitsAt(value: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = value.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return NaN;
    n = n * 10 + c;
  }
  return n;
}

/** "2024-01-15" → "20240115". Callers validate first; this only reformats. */
export function ccyymmdd(isoDate: string): string {
  return isoDate.slice(0, 4) + isoDate.slice(5, 7) + isoDate.slice(8, 10);
}

/** "20240115" → "2024-01-15", or undefined for anything that is not a real CCYYMMDD date (20240231). */
export function isoDateOf(value: string): string | undefined {
  if (value.length !== 8) return undefined;
  const year = digitsAt(value, 0, 4);
  const month = digitsAt(value, 4, 2);
  const day = digitsAt(value, 6, 2);
  if (!isCalendarDate(year, month, day)) return undefined;
  return `${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}`;
}

export interface DateSpan {
  from: string;
  to: string;
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
