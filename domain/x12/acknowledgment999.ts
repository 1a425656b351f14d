/**
 * The 999 implementation acknowledgment (005010X231A1): did the clearinghouse accept
 * the file's syntax? A rejected 837 never reached a payer and must be fixed and sent
 * again; the IK3/IK4 errors say which segment and element to fix.
 */
import { fail } from './errors';
import { optionalText, required, text } from './fields';
import { components, parseX12, transactionSetsOf, type X12Delimiters, type X12Segment, type X12TransactionSet } from './parse';

/** IK5 and AK9 codes: A accepted, E accepted with errors, P partially accepted (AK9 only), M/W/X rejected variants, R rejected. */
export type AcknowledgmentCode = 'A' | 'E' | 'M' | 'P' | 'R' | 'W' | 'X';
const ACK_CODES: readonly string[] = ['A', 'E', 'M', 'P', 'R', 'W', 'X'];

export interface ElementError {
  /** IK401-1: element position in the segment. */
  position: number;
  /** IK401-2: component position within a composite. */
  componentPosition?: number;
  /** IK401-3: repetition. */
  repeat?: number;
  /** IK402: data element reference number. */
  elementReference?: string;
  /** IK403: 1 required element missing, 6 invalid character, 7 invalid code value, 8 invalid date… */
  errorCode: string;
  /** IK404: the bad data as received. */
  badValue?: string;
}

export interface SegmentError {
  /** IK301. */
  segmentId: string;
  /** IK302: position counted from ST = 1. */
  position: number;
  /** IK303: the LS/LE bounded-loop identifier (at most 4 characters), when the segment sits in one. */
  loopId?: string;
  /** IK304: 1 unrecognized segment, 3 required segment missing, 8 segment has data element errors… */
  errorCode?: string;
  elementErrors: ElementError[];
}

export interface TransactionSetAcknowledgment {
  /** AK201, e.g. 837. */
  transactionSetId: string;
  /** AK202: our ST02. */
  controlNumber: string;
  /** AK203: version of what we sent. */
  version?: string;
  /** IK501. */
  code: AcknowledgmentCode;
  /** A or E: the transaction set goes on to the payer. */
  accepted: boolean;
  /** IK502–IK506: 5 segment count wrong, 3 SE missing, 1 not supported… */
  errorCodes: string[];
  segmentErrors: SegmentError[];
}

export interface Acknowledgment {
  /** ST02 of the 999. */
  controlNumber: string;
  /** AK101: functional id we sent (HC). */
  functionalId: string;
  /** AK102: our GS06. */
  groupControlNumber: string;
  /** AK103. */
  version?: string;
  /** AK901. */
  code: AcknowledgmentCode;
  /** AK902–AK904. */
  transactionSetsIncluded: number;
  transactionSetsReceived: number;
  transactionSetsAccepted: number;
  /** AK905–AK909. */
  errorCodes: string[];
  transactionSets: TransactionSetAcknowledgment[];
}

function ackCode(seg: X12Segment, index: number): AcknowledgmentCode {
  const value = required(seg, index);
  if (!ACK_CODES.includes(value)) fail('invalid-value', `${seg.id}0${index} "${value}" is not an acknowledgment code (A, E, M, P, R, W, X)`, seg);
  return value as AcknowledgmentCode;
}

function integer(seg: X12Segment, index: number): number {
  const value = required(seg, index);
  if (!/^\d+$/.test(value)) fail('invalid-value', `${seg.id}${String(index).padStart(2, '0')} "${value}" is not a number`, seg);
  return Number(value);
}

function codesFrom(seg: X12Segment, first: number, last: number): string[] {
  const codes: string[] = [];
  for (let i = first; i <= last; i++) if (optionalText(seg, i)) codes.push(text(seg, i));
  return codes;
}

function readAcknowledgment(set: X12TransactionSet, d: X12Delimiters): Acknowledgment {
  let ack: Partial<Acknowledgment> & { transactionSets: TransactionSetAcknowledgment[] } = { controlNumber: set.controlNumber, transactionSets: [] };
  let current: (Omit<TransactionSetAcknowledgment, 'code' | 'accepted'> & { code?: AcknowledgmentCode; accepted?: boolean }) | undefined;
  let segmentError: SegmentError | undefined;

  for (let s = 1; s < set.segments.length - 1; s++) {
    const seg = set.segments[s];
    switch (seg.id) {
      case 'AK1':
        ack = {
          ...ack,
          functionalId: required(seg, 1),
          groupControlNumber: required(seg, 2),
          ...(optionalText(seg, 3) ? { version: text(seg, 3) } : {}),
        };
        break;
      case 'AK2':
        current = {
          transactionSetId: required(seg, 1),
          controlNumber: required(seg, 2),
          ...(optionalText(seg, 3) ? { version: text(seg, 3) } : {}),
          errorCodes: [],
          segmentErrors: [],
        };
        segmentError = undefined;
        break;
      case 'IK3':
        if (!current) fail('structure', 'IK3 (segment error) before any AK2', seg);
        segmentError = {
          segmentId: required(seg, 1),
          position: integer(seg, 2),
          ...(optionalText(seg, 3) ? { loopId: text(seg, 3) } : {}),
          ...(optionalText(seg, 4) ? { errorCode: text(seg, 4) } : {}),
          elementErrors: [],
        };
        current.segmentErrors.push(segmentError);
        break;
      case 'IK4': {
        if (!segmentError) fail('structure', 'IK4 (element error) without an IK3 before it', seg);
        const [position, component, repeat] = components(required(seg, 1), d);
        if (!/^\d+$/.test(position)) fail('invalid-value', `IK401 "${text(seg, 1)}" does not start with an element position`, seg);
        segmentError.elementErrors.push({
          position: Number(position),
          ...(component ? { componentPosition: Number(component) } : {}),
          ...(repeat ? { repeat: Number(repeat) } : {}),
          ...(optionalText(seg, 2) ? { elementReference: text(seg, 2) } : {}),
          errorCode: required(seg, 3),
          ...(optionalText(seg, 4) ? { badValue: text(seg, 4) } : {}),
        });
        break;
      }
      case 'IK5': {
        if (!current) fail('structure', 'IK5 (transaction set response) before any AK2', seg);
        const code = ackCode(seg, 1);
        ack.transactionSets.push({ ...current, code, accepted: code === 'A' || code === 'E', errorCodes: codesFrom(seg, 2, 6) });
        current = undefined;
        segmentError = undefined;
        break;
      }
      case 'AK9':
        if (current) fail('structure', `AK9 before the IK5 of transaction set ${current.controlNumber}`, seg);
        ack = {
          ...ack,
          code: ackCode(seg, 1),
          transactionSetsIncluded: integer(seg, 2),
          transactionSetsReceived: integer(seg, 3),
          transactionSetsAccepted: integer(seg, 4),
          errorCodes: codesFrom(seg, 5, 9),
        };
        break;
      case 'CTX':
        break;
      default:
        fail('structure', `${seg.id} is not a 999 segment`, seg);
    }
  }
  if (ack.functionalId === undefined) fail('structure', `999 transaction set ${set.controlNumber} has no AK1`, set.segments[0]);
  if (ack.code === undefined) fail('structure', `999 transaction set ${set.controlNumber} has no AK9`, set.segments[set.segments.length - 1]);
  return ack as Acknowledgment;
}

/** Reads every 999 in the file. */
export function parse999(x12: string): Acknowledgment[] {
  const interchange = parseX12(x12);
  return transactionSetsOf(interchange, '999').map((set) => readAcknowledgment(set, interchange.delimiters));
}
