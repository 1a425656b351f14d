/**
 * Calendar arithmetic on ISO dates (`YYYY-MM-DD`). Dates of service are calendar
 * days, never instants, so everything here runs in UTC and no time zone can move a
 * date. Pure and deterministic: safe inside Temporal workflows (no `Date.now()`).
 */

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const millisecondsPerDay = 86_400_000;

/** True for a real calendar date written `YYYY-MM-DD` (rejects 2025-02-30). */
export function isIsoDate(value: string): boolean {
  const match = isoDatePattern.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

function parts(date: string): { year: number; month: number; day: number } {
  if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a calendar date written YYYY-MM-DD`);
  return { year: Number(date.slice(0, 4)), month: Number(date.slice(5, 7)), day: Number(date.slice(8, 10)) };
}

function format(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function dayNumber(date: string): number {
  const { year, month, day } = parts(date);
  return Date.UTC(year, month - 1, day) / millisecondsPerDay;
}

function fromDayNumber(days: number): string {
  const instant = new Date(days * millisecondsPerDay);
  return format(instant.getUTCFullYear(), instant.getUTCMonth() + 1, instant.getUTCDate());
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function addDays(date: string, days: number): string {
  return fromDayNumber(dayNumber(date) + days);
}

/**
 * Calendar-month arithmetic as CMS uses it for rental anniversaries: the same day of
 * the month `months` later, or the last day of that month when it is shorter
 * (Jan 31 + 1 month = Feb 28/29). Always count from the original date — chaining
 * (Jan 31 → Feb 28 → Mar 28) would drift.
 */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = parts(date);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = (monthIndex % 12) + 1;
  return format(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

function compareDates(a: string, b: string): number {
  return dayNumber(a) - dayNumber(b);
}

export function isBefore(a: string, b: string): boolean {
  return compareDates(a, b) < 0;
}

export function isAfter(a: string, b: string): boolean {
  return compareDates(a, b) > 0;
}
