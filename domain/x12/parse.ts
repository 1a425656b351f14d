/**
 * Reading X12: delimiters from the ISA, segments, and the envelope (interchange →
 * functional groups → transaction sets) with every count and control number checked.
 *
 * Why our own tokenizer and not node-x12: node-x12 requires Node's `stream`,
 * `crypto` and `string_decoder`, so it cannot be imported by Temporal workflow code
 * (domain/ must stay pure); its object model (X12Interchange → X12Segment →
 * X12Element objects, one allocation per element) is heavier than the arrays of
 * strings the typed parsers below need; it does not check SE/GE/IEA counts or report
 * where a file is malformed in the terms a biller uses; and splitting X12 is a few
 * dozen lines once the delimiters are read from the ISA. node-x12 stays a
 * devDependency as the reference the benchmark (scripts/bench-x12.ts) compares with.
 */
import { at, fail } from './errors';
import { date } from './fields';
import { isoDateOf } from './values';

export interface X12Delimiters {
  /** ISA position 3. */
  element: string;
  /** ISA16. */
  component: string;
  /** ISA11 in 00501 and later; absent for 00401, where ISA11 is the standards identifier. */
  repetition?: string;
  /** The character after ISA16. */
  segment: string;
}

export interface X12Segment {
  /** Segment id, also `elements[0]`. */
  id: string;
  /** Index = X12 position: `elements[2]` of a CLP is CLP02. Composites stay joined; see `components()`. */
  elements: string[];
  /** 1-based position in the file (ISA = 1), as in every error message. */
  position: number;
}

export interface X12TransactionSet {
  /** ST01: 835, 271, 277, 999… */
  id: string;
  /** ST02. */
  controlNumber: string;
  /** ST03, or GS08 when ST03 is absent (4010 files). */
  version: string;
  /** ST through SE inclusive. */
  segments: X12Segment[];
}

export interface X12FunctionalGroup {
  /** GS01: HP remittance, HB eligibility response, HN claim status, FA acknowledgment… */
  functionalId: string;
  senderCode: string;
  receiverCode: string;
  date: string;
  time: string;
  /** GS06. */
  controlNumber: string;
  /** GS08. */
  version: string;
  transactionSets: X12TransactionSet[];
}

export interface X12Interchange {
  delimiters: X12Delimiters;
  senderQualifier: string;
  /** ISA06 without its padding. */
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** ISA09 as `YYYY-MM-DD` (20YY). */
  date: string;
  /** ISA10 as `HH:MM`. */
  time: string;
  /** ISA12: 00501 for 5010. */
  version: string;
  /** ISA13. */
  controlNumber: string;
  /** ISA15: T or P. */
  usage: string;
  groups: X12FunctionalGroup[];
}

/** Two or three uppercase letters or digits; a character loop because a regex here costs a quarter of the tokenizing time. */
function isSegmentId(id: string): boolean {
  if (id.length < 2 || id.length > 3) return false;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90))) return false;
  }
  return true;
}

/**
 * Reads the delimiters from the ISA: the element separator is the 4th character, the
 * component separator follows the 16th element separator, and the segment terminator
 * follows that. Counting separators (rather than trusting the fixed 106-character
 * width) also reads senders who do not pad ISA06/ISA08.
 */
function readDelimiters(text: string, start: number): { delimiters: X12Delimiters; isaEnd: number } {
  if (text.slice(start, start + 3) !== 'ISA') fail('not-x12', 'the file does not start with an ISA segment: not an X12 interchange');
  const element = text[start + 3];
  if (element === undefined || /[A-Za-z0-9 ]/.test(element)) fail('not-x12', 'the ISA segment has no element separator after "ISA"');
  let separators = 0;
  let i = start;
  while (i < text.length && separators < 16) {
    if (text[i] === element) separators++;
    i++;
  }
  const component = text[i];
  const segment = text[i + 1];
  if (separators < 16 || component === undefined || segment === undefined) {
    fail('truncated', 'the file ends inside the ISA segment (fewer than 16 elements, or no segment terminator after ISA16)', {
      position: 1,
      id: 'ISA',
    });
  }
  const isa = text.slice(start, i - 1).split(element);
  const isa11 = isa[11];
  // ISA11 became the repetition separator in 00402; before that it was the "U" standards identifier.
  const repetition = isa[12] >= '00402' && isa11.length === 1 && !/[A-Za-z0-9 ]/.test(isa11) ? isa11 : undefined;
  return { delimiters: { element, component, repetition, segment }, isaEnd: i + 2 };
}

/** Splits the text into segments. Line breaks between segments (\n or \r\n) are ignored. */
function tokenize(text: string): { delimiters: X12Delimiters; segments: X12Segment[] } {
  let start = 0;
  // A byte-order mark or blank lines before the ISA are harmless.
  while (start < text.length && (text[start] === '\uFEFF' || /\s/.test(text[start]))) start++;
  const { delimiters } = readDelimiters(text, start);
  refuseControlCharacters(text, start, delimiters);
  const raw = text.slice(start).split(delimiters.segment);
  const segments: X12Segment[] = [];
  const last = raw.length - 1;
  for (let r = 0; r <= last; r++) {
    const body = trimLineBreaks(raw[r]);
    if (body === '') continue;
    const elements = body.split(delimiters.element);
    const id = elements[0];
    const position = segments.length + 1;
    if (r === last) {
      // Text after the final terminator is a segment that never ended: the file was cut off.
      fail('truncated', `the file ends in the middle of a segment (no terminator "${delimiters.segment}"): it was truncated`, {
        position,
        id: id.slice(0, 3),
      });
    }
    if (!isSegmentId(id)) fail('structure', `"${id.slice(0, 10)}" is not a segment id`, { position, id: id.slice(0, 3) });
    segments.push({ id, elements, position });
  }
  return { delimiters, segments };
}

/**
 * X12's basic and extended character sets hold no control characters; a NUL or the
 * like in a file is damage (a bad transfer, a binary file), not data. Line breaks
 * between segments stay allowed, and so do control characters the ISA chose as
 * delimiters (some senders use FS/GS/RS). One regex search over the text: a
 * per-character loop would cost more than tokenizing.
 */
function refuseControlCharacters(text: string, start: number, delimiters: X12Delimiters) {
  const allowed = new Set(['\n', '\r', delimiters.element, delimiters.component, delimiters.segment, delimiters.repetition ?? '']);
  const controls: string[] = [];
  for (let code = 0; code <= 0x9f; code = code === 0x1f ? 0x7f : code + 1) {
    if (!allowed.has(String.fromCharCode(code))) controls.push(`\\u${code.toString(16).padStart(4, '0')}`);
  }
  const found = text.slice(start).search(new RegExp(`[${controls.join('')}]`));
  if (found === -1) return;
  const before = text.slice(start, start + found);
  const position = before.split(delimiters.segment).length;
  const id = trimLineBreaks(before.slice(before.lastIndexOf(delimiters.segment) + 1))
    .split(delimiters.element)[0]
    .slice(0, 3);
  const code = `U+${text
    .charCodeAt(start + found)
    .toString(16)
    .toUpperCase()
    .padStart(4, '0')}`;
  fail('invalid-value', `character ${found + 1} of the file is the control character ${code}: X12 text holds none`, { position, id });
}

function trimLineBreaks(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 10 || s.charCodeAt(a) === 13)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 10 || s.charCodeAt(b - 1) === 13)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function count(seg: X12Segment, index: number, what: string): number {
  const value = seg.elements[index] ?? '';
  if (!/^\d+$/.test(value)) fail('envelope', `${seg.id}0${index} "${value}" is not a count of ${what}`, seg);
  return Number(value);
}

/** Control numbers compare as numbers when both are numeric ("0001" = "1"), as receivers do. */
function sameControlNumber(a: string, b: string): boolean {
  return a === b || (/^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) === Number(b));
}

/**
 * Parses one interchange and checks its envelope: GS inside ISA, ST inside GS, SE01
 * segment counts, GE01/IEA01 counts and that every trailer repeats its header's
 * control number. Throws X12Error naming the segment for anything malformed.
 */
export function parseX12(text: string): X12Interchange {
  const { delimiters, segments } = tokenize(text);
  const isa = segments[0];
  if (isa.elements.length < 17) fail('envelope', `the ISA has ${isa.elements.length - 1} elements, not 16`, isa);
  const e = isa.elements;
  const isaDate = (/^\d{6}$/.test(e[9]) && isoDateOf(`20${e[9]}`)) || fail('invalid-value', `ISA09 "${e[9]}" is not a YYMMDD date`, isa);
  const interchange: X12Interchange = {
    delimiters,
    senderQualifier: e[5],
    senderId: e[6].trim(),
    receiverQualifier: e[7],
    receiverId: e[8].trim(),
    date: isaDate,
    time: `${e[10].slice(0, 2)}:${e[10].slice(2, 4)}`,
    version: e[12],
    controlNumber: e[13],
    usage: e[15],
    groups: [],
  };

  let group: X12FunctionalGroup | undefined;
  let groupStart: X12Segment | undefined;
  let transaction: X12TransactionSet | undefined;
  let closed: X12Segment | undefined;
  for (let s = 1; s < segments.length; s++) {
    const seg = segments[s];
    if (closed) fail('envelope', `found after the IEA that closed the interchange at segment ${closed.position}; one interchange per file`, seg);
    switch (seg.id) {
      case 'ISA':
        fail('envelope', 'a second ISA before the IEA of the first interchange', seg);
      case 'GS':
        if (group) fail('envelope', `GS inside the functional group opened at ${at(groupStart!)} (missing GE)`, seg);
        groupStart = seg;
        group = {
          functionalId: seg.elements[1] ?? '',
          senderCode: seg.elements[2] ?? '',
          receiverCode: seg.elements[3] ?? '',
          date: date(seg, 4),
          time: `${(seg.elements[5] ?? '').slice(0, 2)}:${(seg.elements[5] ?? '').slice(2, 4)}`,
          controlNumber: seg.elements[6] ?? '',
          version: seg.elements[8] ?? '',
          transactionSets: [],
        };
        break;
      case 'ST':
        if (!group) fail('envelope', 'ST outside a functional group (no GS before it)', seg);
        if (transaction)
          fail('envelope', `ST inside transaction set ${transaction.controlNumber} opened at ${at(transaction.segments[0])} (missing SE)`, seg);
        transaction = { id: seg.elements[1] ?? '', controlNumber: seg.elements[2] ?? '', version: seg.elements[3] || group.version, segments: [seg] };
        break;
      case 'SE': {
        if (!transaction) fail('envelope', 'SE without an ST', seg);
        transaction.segments.push(seg);
        const declared = count(seg, 1, 'segments');
        if (declared !== transaction.segments.length) {
          fail(
            'envelope',
            `SE01 says ${declared} segments but transaction set ${transaction.controlNumber} has ${transaction.segments.length} (ST to SE): segments are missing or extra`,
            seg,
          );
        }
        if (seg.elements[2] !== transaction.controlNumber) {
          fail('envelope', `SE02 "${seg.elements[2] ?? ''}" does not match ST02 "${transaction.controlNumber}"`, seg);
        }
        group!.transactionSets.push(transaction);
        transaction = undefined;
        break;
      }
      case 'GE': {
        if (transaction)
          fail('envelope', `GE inside transaction set ${transaction.controlNumber} opened at ${at(transaction.segments[0])} (missing SE)`, seg);
        if (!group) fail('envelope', 'GE without a GS', seg);
        const declared = count(seg, 1, 'transaction sets');
        if (declared !== group.transactionSets.length) {
          fail('envelope', `GE01 says ${declared} transaction sets but the group has ${group.transactionSets.length}`, seg);
        }
        if (!sameControlNumber(seg.elements[2] ?? '', group.controlNumber)) {
          fail('envelope', `GE02 "${seg.elements[2] ?? ''}" does not match GS06 "${group.controlNumber}"`, seg);
        }
        interchange.groups.push(group);
        group = undefined;
        break;
      }
      case 'IEA': {
        if (transaction) fail('envelope', `IEA inside transaction set ${transaction.controlNumber} (missing SE)`, seg);
        if (group) fail('envelope', `IEA inside the functional group opened at ${at(groupStart!)} (missing GE)`, seg);
        const declared = count(seg, 1, 'functional groups');
        if (declared !== interchange.groups.length) {
          fail('envelope', `IEA01 says ${declared} functional groups but the interchange has ${interchange.groups.length}`, seg);
        }
        if (!sameControlNumber(seg.elements[2] ?? '', interchange.controlNumber)) {
          fail('envelope', `IEA02 "${seg.elements[2] ?? ''}" does not match ISA13 "${interchange.controlNumber}"`, seg);
        }
        closed = seg;
        break;
      }
      case 'TA1':
        // An interchange acknowledgment may sit between ISA and the first GS.
        if (group) fail('envelope', 'TA1 inside a functional group', seg);
        break;
      default:
        if (!transaction) fail('envelope', 'segment outside a transaction set (not between ST and SE)', seg);
        transaction.segments.push(seg);
    }
  }
  if (!closed) {
    const last = segments[segments.length - 1];
    const open = transaction ? ` inside transaction set ${transaction.controlNumber}` : '';
    fail('truncated', `the file ends after ${at(last)}${open} without an IEA: it was truncated`, last);
  }
  return interchange;
}

/** Components of a composite element: "HC:E0601:RR" → ["HC", "E0601", "RR"]. */
export function components(value: string | undefined, delimiters: X12Delimiters): string[] {
  return value ? value.split(delimiters.component) : [];
}

/** Repeats of a repeating element (EB03 "12^18"); a file without a repetition separator has one repeat. */
export function repeats(value: string | undefined, delimiters: X12Delimiters): string[] {
  if (!value) return [];
  return delimiters.repetition ? value.split(delimiters.repetition) : [value];
}

/** The transaction sets of the wanted kind, or an error naming what the file holds instead. */
export function transactionSetsOf(interchange: X12Interchange, id: string): X12TransactionSet[] {
  const sets = interchange.groups.flatMap((g) => g.transactionSets);
  const other = sets.find((t) => t.id !== id);
  if (other) fail('wrong-transaction', `expected ${id} transaction sets, found a ${other.id || 'blank'}`, other.segments[0]);
  if (sets.length === 0) fail('structure', `the interchange holds no ${id} transaction set`);
  return sets;
}
