/**
 * Writing X12: segments to text, the ISA/GS/ST…SE/GE/IEA envelope around one
 * transaction set with its counts and control numbers, and the name and address
 * segments (NM1, N3, N4) every loop of a person writes the same way.
 */
import { clean, zipDigits, type AddressInput, type InterchangeInput } from './input';
import { ccyymmdd } from './values';

/**
 * The delimiters we send: `~` `*` `:` `^`, the ones nearly every health care trading
 * partner uses; `clean()` keeps them out of data.
 */
const OUTBOUND = { segment: '~', element: '*', component: ':', repetition: '^' } as const;

/** An element: plain text, a composite (components joined by `:`), or empty. */
type Element = string | readonly (string | undefined)[] | undefined;

/** A segment before serialization: id then elements in X12 order (index 1 = first element). */
export type SegmentParts = [id: string, ...elements: Element[]];

function element(value: Element): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  return trimTrailingEmpty(value.map((c) => c ?? '')).join(OUTBOUND.component);
}

function trimTrailingEmpty(values: string[]): string[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === '') end--;
  return end === values.length ? values : values.slice(0, end);
}

/** Trailing empty elements are dropped, as X12 requires ("NM1*41*2*ACME*****46*X", never a trailing "*"). */
function segmentText(parts: SegmentParts): string {
  return trimTrailingEmpty(parts.map(element)).join(OUTBOUND.element) + OUTBOUND.segment;
}

/** NM1 of a person (NM102 1): last, first and middle name, then the id qualifier (NM108) and id (NM109). */
export function personName(
  entity: string,
  person: { lastName: string; firstName: string; middleName?: string },
  qualifier?: string,
  id?: string,
): SegmentParts {
  return [
    'NM1',
    entity,
    '1',
    clean(person.lastName),
    clean(person.firstName),
    person.middleName ? clean(person.middleName) : undefined,
    undefined,
    undefined,
    qualifier,
    id,
  ];
}

/** N3 street lines and N4 city, state, ZIP. */
export function addressSegments(a: AddressInput): SegmentParts[] {
  return [
    ['N3', clean(a.line1), a.line2 ? clean(a.line2) : undefined],
    ['N4', clean(a.city), a.state, zipDigits(a.zip)],
  ];
}

interface TransactionSetSpec {
  /** GS01: HC claim, HS eligibility inquiry, HR claim status inquiry. */
  functionalId: 'HC' | 'HS' | 'HR';
  /** ST01. */
  transactionSetId: '837' | '270' | '276';
  /** GS08 and ST03, e.g. 005010X222A1. */
  version: string;
}

/** Wraps one transaction set's body (the segments between ST and SE) in a complete interchange. */
export function interchangeText(interchange: InterchangeInput, spec: TransactionSetSpec, body: SegmentParts[]): string {
  const control = interchange.controlNumber;
  const isaControl = String(control).padStart(9, '0');
  const stControl = String(control).padStart(4, '0');
  const date = ccyymmdd(interchange.date);
  const time = interchange.time.replace(':', '');
  const isa: SegmentParts = [
    'ISA',
    '00',
    ' '.repeat(10),
    '00',
    ' '.repeat(10),
    interchange.senderQualifier,
    interchange.senderId.padEnd(15),
    interchange.receiverQualifier,
    interchange.receiverId.padEnd(15),
    date.slice(2),
    time,
    OUTBOUND.repetition,
    '00501',
    isaControl,
    interchange.acknowledgmentRequested ? '1' : '0',
    interchange.usage,
    OUTBOUND.component,
  ];
  const gs: SegmentParts = [
    'GS',
    spec.functionalId,
    interchange.applicationSenderCode ?? interchange.senderId,
    interchange.applicationReceiverCode ?? interchange.receiverId,
    date,
    time,
    String(control),
    'X',
    spec.version,
  ];
  const segments = [segmentText(['ST', spec.transactionSetId, stControl, spec.version])];
  for (const parts of body) segments.push(segmentText(parts));
  // SE01 counts every segment from ST to SE inclusive.
  segments.push(segmentText(['SE', String(segments.length + 1), stControl]));
  return [
    // ISA is fixed-width: ISA16 (the component separator) must not be trimmed away.
    isa.map((p) => p as string).join(OUTBOUND.element) + OUTBOUND.segment,
    segmentText(gs),
    ...segments,
    segmentText(['GE', '1', String(control)]),
    segmentText(['IEA', '1', isaControl]),
  ].join('');
}
