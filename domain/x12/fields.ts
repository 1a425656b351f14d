/**
 * Typed element access for the transaction-set parsers: each read names the element
 * (CLP03) and the segment's position when the value is missing or malformed.
 */
import { fail } from './errors';
import type { X12Segment } from './parse';
import { parseCents, parseDate, parseDateSpan, parseDecimal, type DateSpan } from './values';

export function elementName(seg: X12Segment, index: number): string {
  return `${seg.id}${String(index).padStart(2, '0')}`;
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

export function cents(seg: X12Segment, index: number): number {
  return parseCents(required(seg, index), seg, elementName(seg, index));
}

export function optionalCents(seg: X12Segment, index: number): number | undefined {
  const value = optionalText(seg, index);
  return value === undefined ? undefined : parseCents(value, seg, elementName(seg, index));
}

export function optionalDecimal(seg: X12Segment, index: number): number | undefined {
  const value = optionalText(seg, index);
  return value === undefined ? undefined : parseDecimal(value, seg, elementName(seg, index));
}

export function date(seg: X12Segment, index: number): string {
  return parseDate(required(seg, index), seg, elementName(seg, index));
}

export function optionalDate(seg: X12Segment, index: number): string | undefined {
  const value = optionalText(seg, index);
  return value === undefined ? undefined : parseDate(value, seg, elementName(seg, index));
}

/** DTP: qualifier at 1, format (D8/RD8) at 2, value at 3. */
export function dtpSpan(seg: X12Segment): DateSpan {
  return parseDateSpan(required(seg, 2), required(seg, 3), seg, elementName(seg, 3));
}

export function expect(seg: X12Segment | undefined, id: string, where: string): X12Segment {
  if (!seg || seg.id !== id) fail('structure', `expected ${id} ${where}`, seg);
  return seg;
}
