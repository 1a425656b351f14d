/**
 * Input shapes the builders (837P, 270, 276) share, and the checks that run before a
 * single segment is written: a builder either returns a file a payer can read or
 * throws one X12Error naming every field that is wrong.
 */
import { X12Error, type X12Issue } from './errors';
import { isIsoDate } from '../calendar';
import { isValidNpi, normalizeEin } from './values';

/** ISA/GS envelope data. One control number drives ISA13, GS06 and ST02. */
export interface InterchangeInput {
  /** ISA05: `ZZ` mutually defined (usual with clearinghouses), `27`/`28` Medicare carrier/intermediary, `30` federal tax id. */
  senderQualifier: string;
  /** ISA06, at most 15 characters (padded by the builder). Also GS02 unless `applicationSenderCode` is set. */
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** GS02 when the clearinghouse wants a different application sender code than ISA06. */
  applicationSenderCode?: string;
  applicationReceiverCode?: string;
  /** 1–999999999, unique per file we send: ISA13 (9 digits, zero-padded), GS06, ST02 (≥ 4 digits). */
  controlNumber: number;
  /** Creation date and time, `YYYY-MM-DD` and `HH:MM` (a workflow passes its deterministic clock). */
  date: string;
  time: string;
  /** ISA15: `T` test or `P` production. */
  usage: 'T' | 'P';
  /** ISA14: ask the receiver for a TA1 interchange acknowledgment. */
  acknowledgmentRequested?: boolean;
}

export interface AddressInput {
  line1: string;
  line2?: string;
  city: string;
  /** Two-letter state or territory code. */
  state: string;
  /** 5 or 9 digits, `12345` or `12345-6789`. */
  zip: string;
}

export type Sex = 'M' | 'F' | 'U';

export interface PersonInput {
  lastName: string;
  firstName: string;
  middleName?: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  sex: Sex;
  address: AddressInput;
}

/** Collects every problem with an input, then throws them together. */
export class InputCheck {
  private readonly issues: X12Issue[] = [];

  problem(field: string, rule: string): void {
    this.issues.push({ code: 'invalid-input', field, message: `${field}: ${rule}` });
  }

  /** Required text that will go into one element: present and within the element's length. */
  text(field: string, value: string | undefined, max: number, min = 1): void {
    const length = value === undefined ? 0 : clean(value).length;
    if (length < min) this.problem(field, min === 1 ? 'is required' : `needs at least ${min} characters`);
    else if (length > max) this.problem(field, `is longer than ${max} characters`);
  }

  optionalText(field: string, value: string | undefined, max: number): void {
    if (value !== undefined && value !== '') this.text(field, value, max);
  }

  /** Identifiers go out exactly as given, so they may not contain anything the builder would change. */
  identifier(field: string, value: string | undefined, max: number, min = 1): void {
    if (value === undefined || value === '') return this.problem(field, 'is required');
    if (value.length < min || value.length > max) this.problem(field, `must be ${min === max ? min : `${min}–${max}`} characters`);
    if (!/^[A-Za-z0-9][A-Za-z0-9 .\-/]*$/.test(value)) this.problem(field, 'may hold only letters, digits, spaces, "-", "." and "/"');
  }

  date(field: string, value: string | undefined): void {
    if (value === undefined || !isIsoDate(value)) this.problem(field, 'must be a YYYY-MM-DD date');
  }

  npi(field: string, value: string | undefined): void {
    if (value === undefined || !isValidNpi(value)) this.problem(field, 'must be a 10-digit NPI with a valid check digit');
  }

  ein(field: string, value: string | undefined): void {
    if (value === undefined || normalizeEin(value) === undefined) this.problem(field, 'must be a 9-digit EIN (12-3456789)');
  }

  cents(field: string, value: number | undefined, allowZero = true): void {
    if (value === undefined || !Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
      this.problem(field, `must be ${allowZero ? 'zero or more' : 'more than zero'} integer cents`);
    }
  }

  address(field: string, value: AddressInput | undefined, nineDigitZip = false): void {
    if (!value) return this.problem(field, 'is required');
    this.text(`${field}.line1`, value.line1, 55);
    this.optionalText(`${field}.line2`, value.line2, 55);
    this.text(`${field}.city`, value.city, 30, 2);
    if (!/^[A-Z]{2}$/.test(value.state ?? '')) this.problem(`${field}.state`, 'must be a two-letter uppercase state code');
    const digits = zipDigits(value.zip ?? '');
    if (nineDigitZip && digits.length !== 9) {
      // 005010X222A1 2010AA N403: the billing provider's ZIP must carry the +4.
      this.problem(`${field}.zip`, 'must be the 9-digit ZIP+4');
    } else if (digits.length !== 5 && digits.length !== 9) {
      this.problem(`${field}.zip`, 'must be 5 or 9 digits');
    }
  }

  person(field: string, value: PersonInput | undefined): void {
    if (!value) return this.problem(field, 'is required');
    this.text(`${field}.lastName`, value.lastName, 60);
    this.text(`${field}.firstName`, value.firstName, 35);
    this.optionalText(`${field}.middleName`, value.middleName, 25);
    this.date(`${field}.birthDate`, value.birthDate);
    if (!['M', 'F', 'U'].includes(value.sex)) this.problem(`${field}.sex`, 'must be M, F or U');
    this.address(`${field}.address`, value.address);
  }

  interchange(field: string, value: InterchangeInput | undefined): void {
    if (!value) return this.problem(field, 'is required');
    this.identifier(`${field}.senderQualifier`, value.senderQualifier, 2, 2);
    this.identifier(`${field}.senderId`, value.senderId, 15);
    this.identifier(`${field}.receiverQualifier`, value.receiverQualifier, 2, 2);
    this.identifier(`${field}.receiverId`, value.receiverId, 15);
    if (value.applicationSenderCode !== undefined) this.identifier(`${field}.applicationSenderCode`, value.applicationSenderCode, 15, 2);
    if (value.applicationReceiverCode !== undefined) this.identifier(`${field}.applicationReceiverCode`, value.applicationReceiverCode, 15, 2);
    if (!Number.isSafeInteger(value.controlNumber) || value.controlNumber < 1 || value.controlNumber > 999_999_999) {
      this.problem(`${field}.controlNumber`, 'must be an integer from 1 to 999999999');
    }
    this.date(`${field}.date`, value.date);
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(value.time ?? '')) this.problem(`${field}.time`, 'must be HH:MM (24-hour)');
    if (value.usage !== 'T' && value.usage !== 'P') this.problem(`${field}.usage`, 'must be T (test) or P (production)');
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new X12Error(this.issues);
  }
}

/**
 * Free text as it goes into an element: uppercase (the Medicare companion guides ask
 * for uppercase), accents dropped, and the delimiter characters (* : ^ ~) and other
 * characters outside the X12 basic character set (which every receiver accepts)
 * replaced by spaces, so a narrative typed as
 * "replaced 3/1: cracked frame" cannot split a segment.
 */
export function clean(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 !"&'()+,\-./;?=]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export function zipDigits(zip: string): string {
  return /^\d{5}(-?\d{4})?$/.test(zip) ? zip.replace('-', '') : '';
}
