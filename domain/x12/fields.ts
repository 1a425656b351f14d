/**
 * Typed element access for the transaction-set parsers: each read names the element
 * (CLP03) and the segment's position when the value is missing or malformed. The name
 * is built only on failure, since reads happen hundreds of thousands of times a file.
 */
import { moneyCeilings, x12QuantityCeiling } from '../money';
import { fail } from './errors';
import type { X12Segment } from './parse';
import { amountProblem, centsOf, decimalOf, isoDateOf, money, type DateSpan } from './values';

function elementName(seg: X12Segment, index: number): string {
  return `${seg.id}${String(index).padStart(2, '0')}`;
}

function invalid(seg: X12Segment, index: number, value: string, problem: string): never {
  return fail('invalid-value', `${elementName(seg, index)} "${value}" ${problem}`, seg);
}

/** The element's text, or '' when absent. */
export function text(seg: X12Segment, index: number): string {
  return seg.elements[index] ?? '';
}

export function optionalText(seg: X12Segment, index: number): string | undefined {
  const value = seg.elements[index];
  return value === undefined || value === '' ? undefined : value;
}

export function required(seg: X12Segment, index: number): string {
  const value = seg.elements[index];
  if (value === undefined || value === '') fail('structure', `${elementName(seg, index)} is required but empty`, seg);
  return value;
}

function centsAt(seg: X12Segment, index: number, value: string): number {
  const cents = centsOf(value);
  if (Number.isNaN(cents)) return invalid(seg, index, value, amountProblem(value));
  // R 1/18 allows more, but no DME remittance or benefit comes near (domain/money.ts).
  if (Math.abs(cents) > moneyCeilings.x12Amount) return invalid(seg, index, value, `is beyond ${money(moneyCeilings.x12Amount)}`);
  return cents;
}

export function cents(seg: X12Segment, index: number): number {
  return centsAt(seg, index, required(seg, index));
}

export function optionalCents(seg: X12Segment, index: number): number | undefined {
  const value = optionalText(seg, index);
  return value === undefined ? undefined : centsAt(seg, index, value);
}

export function optionalDecimal(seg: X12Segment, index: number): number | undefined {
  const value = optionalText(seg, index);
  if (value === undefined) return undefined;
  const n = decimalOf(value);
  return Number.isNaN(n) ? invalid(seg, index, value, 'is not a number') : n;
}

/** A count such as SVC05 units or a CAS quantity: stored as a 4-byte integer, so bounded. */
export function optionalQuantity(seg: X12Segment, index: number): number | undefined {
  const n = optionalDecimal(seg, index);
  if (n !== undefined && Math.abs(n) > x12QuantityCeiling) return invalid(seg, index, text(seg, index), `is beyond ${x12QuantityCeiling}`);
  return n;
}

function dateAt(seg: X12Segment, index: number, value: string): string {
  return isoDateOf(value) ?? invalid(seg, index, value, 'is not a CCYYMMDD date');
}

export function date(seg: X12Segment, index: number): string {
  return dateAt(seg, index, required(seg, index));
}

export function optionalDate(seg: X12Segment, index: number): string | undefined {
  const value = optionalText(seg, index);
  return value === undefined ? undefined : dateAt(seg, index, value);
}

/** DTP: qualifier at 1, format at 2 (D8 one date, RD8 a CCYYMMDD-CCYYMMDD range), value at 3. */
export function dtpSpan(seg: X12Segment): DateSpan {
  const format = required(seg, 2);
  const value = required(seg, 3);
  if (format === 'D8') {
    const day = dateAt(seg, 3, value);
    return { from: day, to: day };
  }
  if (format !== 'RD8') return invalid(seg, 2, format, 'is not D8 or RD8');
  const dash = value.indexOf('-');
  if (dash === -1 || value.indexOf('-', dash + 1) !== -1) return invalid(seg, 3, value, 'is not a CCYYMMDD-CCYYMMDD range');
  return { from: dateAt(seg, 3, value.slice(0, dash)), to: dateAt(seg, 3, value.slice(dash + 1)) };
}
