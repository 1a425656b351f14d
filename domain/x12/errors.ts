/**
 * One error type for everything X12: a file we cannot read, an input we refuse to
 * build, a remittance that does not balance. It lists every problem found (not only
 * the first) so a biller fixes a file in one pass, and each problem names where it
 * is: the segment number (1 = ISA) and id for files, the field path for inputs.
 *
 * An activity that throws it fails as ApplicationFailure type `X12_INVALID` (non-retryable),
 * with the issue code and the field paths or segment positions only: issue messages may
 * quote values, so they stay out of Temporal (activities/failures.ts).
 */

export type X12ErrorCode =
  /** The text does not start with an ISA segment. */
  | 'not-x12'
  /** The file ends early: no IEA, or the last segment has no terminator. */
  | 'truncated'
  /** Envelope structure or control numbers are wrong (SE/GE/IEA counts, ST without SE…). */
  | 'envelope'
  /** An element holds something its type does not allow (a non-numeric amount, a bad date). */
  | 'invalid-value'
  /** A segment the transaction set requires is missing or a segment is out of place. */
  | 'structure'
  /** The file holds a different transaction set than the parser reads (an 837 given to parse835). */
  | 'wrong-transaction'
  /** The right transaction set in a version we do not take (a 4010 835: only 005010X221A1 is HIPAA's). */
  | 'unsupported-version'
  /** An 835 whose claim, line or payment arithmetic does not add up. */
  | 'unbalanced'
  /** A builder input breaks a rule (missing field, invalid NPI, charges that do not add up). */
  | 'invalid-input';

export interface SegmentRef {
  /** 1-based position of the segment in the file (ISA is 1). */
  position: number;
  id: string;
}

export interface X12Issue {
  code: X12ErrorCode;
  message: string;
  /** Where in the file, for parse errors. */
  segment?: SegmentRef;
  /** Which input field, for build errors (`lines[2].modifiers`). */
  field?: string;
}

export class X12Error extends Error {
  readonly code: X12ErrorCode;
  readonly issues: readonly X12Issue[];

  constructor(issues: X12Issue[]) {
    if (issues.length === 0) throw new Error('X12Error needs at least one issue');
    super(issues.length === 1 ? issues[0].message : `${issues.length} problems: ${issues.map((i) => i.message).join('; ')}`);
    this.name = 'X12Error';
    this.code = issues[0].code;
    this.issues = issues;
  }
}

/** "segment 57 (CLP)": how every parse message starts, so the biller can find the spot. */
export function at(segment: SegmentRef): string {
  return `segment ${segment.position} (${segment.id})`;
}

export function fail(code: X12ErrorCode, message: string, segment?: SegmentRef): never {
  if (!segment) throw new X12Error([{ code, message }]);
  throw new X12Error([{ code, message: `${at(segment)}: ${message}`, segment: { position: segment.position, id: segment.id } }]);
}
