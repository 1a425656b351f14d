/**
 * Fee schedules and payment arithmetic (DOMAIN.md §2, §14). Money is integer cents;
 * every percentage is applied in integer arithmetic and rounded half up to the cent,
 * so the same input always gives the same cents on every machine.
 */
import { type Catalog, type CatalogEntry, catalogEntry, categoriesWithPricingModifier, defaultCatalog } from './catalog';
import { ceilingProblem } from './money';
import type { ClaimLine } from './types';

export interface FeeScheduleAmount {
  nonRural?: number;
  rural?: number;
}

/** One row of the CMS DMEPOS fee schedule: one HCPCS and modifier pair. */
export interface FeeScheduleRow {
  hcpcs: string;
  /** RR rental (the monthly fee of months 1–3), NU / UE purchase, '' for supplies and orthotics. */
  modifier: string;
  modifier2: string;
  jurisdiction: string;
  category: string;
  ceiling?: number;
  floor?: number;
  /** By USPS state code. */
  amounts: Record<string, FeeScheduleAmount>;
  description: string;
}

export interface FeeSchedule {
  /** Keyed by `HCPCS|Mod|Mod2`, e.g. `E0601|RR|` or `A7030||`. */
  rows: Record<string, FeeScheduleRow>;
  states: string[];
}

function feeScheduleKey(hcpcs: string, modifier = '', modifier2 = ''): string {
  return `${hcpcs.toUpperCase()}|${modifier.toUpperCase()}|${modifier2.toUpperCase()}`;
}

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < input.length; i++) {
    const char = input[i];
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else {
      field += char;
    }
  }
  if (quoted) throw new Error('Fee schedule CSV: a quoted field is never closed');
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** "1,234.56" or "$12.5" → cents, exactly (no floating point); blank → undefined. */
function parseAmount(value: string, where: string): number | undefined {
  const cleaned = value.replace(/[$,\s]/g, '');
  if (cleaned === '') return undefined;
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) throw new Error(`Fee schedule CSV ${where}: "${value}" is not an amount in dollars`);
  const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  const problem = ceilingProblem('feeScheduleAmount', cents);
  if (problem) throw new Error(`Fee schedule CSV ${where}: "${value}" ${problem}`);
  return cents;
}

const stateColumn = /^([A-Z]{2})\s*\((NR|R)\)$/i;

/**
 * Parse the CMS DMEPOS fee schedule CSV (DOMAIN.md §14). Title lines before the
 * header row are skipped (the header is the first row with an "HCPCS" column);
 * columns are found by name, so their order does not matter. Throws naming the line
 * and column of anything it cannot read: a fee schedule is loaded once, never half.
 */
export function parseFeeScheduleCsv(text: string): FeeSchedule {
  const records = csvRecords(text);
  const headerIndex = records.findIndex((record) => record.some((cell) => cell.trim().toUpperCase() === 'HCPCS'));
  if (headerIndex < 0) throw new Error('Fee schedule CSV: no header row with an "HCPCS" column');
  const header = records[headerIndex].map((name) => name.trim());
  const column = (name: string) => {
    const index = header.findIndex((candidate) => candidate.toUpperCase() === name.toUpperCase());
    if (index < 0) throw new Error(`Fee schedule CSV: the header has no "${name}" column`);
    return index;
  };
  const columns = {
    hcpcs: column('HCPCS'),
    modifier: column('Mod'),
    modifier2: column('Mod2'),
    jurisdiction: column('JURIS'),
    category: column('CATG'),
    ceiling: column('Ceiling'),
    floor: column('Floor'),
    description: column('Description'),
  };
  const stateColumns = header.flatMap((name, index) => {
    const match = stateColumn.exec(name);
    return match ? [{ state: match[1].toUpperCase(), rural: match[2].toUpperCase() === 'R', index }] : [];
  });
  if (stateColumns.length === 0) throw new Error('Fee schedule CSV: no state amount columns such as "CA (NR)"');

  const rows: Record<string, FeeScheduleRow> = {};
  records.slice(headerIndex + 1).forEach((record, offset) => {
    const lineNumber = headerIndex + offset + 2;
    const cell = (index: number) => (record[index] ?? '').trim();
    if (cell(columns.hcpcs) === '') return;
    const amounts: Record<string, FeeScheduleAmount> = {};
    for (const { state, rural, index } of stateColumns) {
      const amount = parseAmount(cell(index), `line ${lineNumber}, column "${header[index]}"`);
      if (amount === undefined) continue;
      amounts[state] = { ...amounts[state], [rural ? 'rural' : 'nonRural']: amount };
    }
    const row: FeeScheduleRow = {
      hcpcs: cell(columns.hcpcs).toUpperCase(),
      modifier: cell(columns.modifier).toUpperCase(),
      modifier2: cell(columns.modifier2).toUpperCase(),
      jurisdiction: cell(columns.jurisdiction),
      category: cell(columns.category),
      ceiling: parseAmount(cell(columns.ceiling), `line ${lineNumber}, column "Ceiling"`),
      floor: parseAmount(cell(columns.floor), `line ${lineNumber}, column "Floor"`),
      amounts,
      description: cell(columns.description),
    };
    const key = feeScheduleKey(row.hcpcs, row.modifier, row.modifier2);
    if (rows[key]) throw new Error(`Fee schedule CSV line ${lineNumber}: ${row.hcpcs} ${row.modifier} is listed twice`);
    rows[key] = row;
  });
  return { rows, states: [...new Set(stateColumns.map(({ state }) => state))] };
}

/**
 * The fee-schedule amount for a code and modifier in a state, in cents; undefined
 * when the schedule has no such row or amount. A rural amount falls back to the
 * non-rural one where the file leaves it blank.
 */
export function allowedAmount(
  schedule: FeeSchedule,
  query: { hcpcs: string; modifier?: string; modifier2?: string; state: string; rural: boolean },
): number | undefined {
  const row = schedule.rows[feeScheduleKey(query.hcpcs, query.modifier, query.modifier2)];
  const amount = row?.amounts[query.state.toUpperCase()];
  if (!amount) return undefined;
  return query.rural ? (amount.rural ?? amount.nonRural) : amount.nonRural;
}

function percentOf(amount: number, perThousand: number): number {
  return Math.floor((amount * perThousand + 500) / 1000);
}

/**
 * Capped-rental fee shares of the purchase price, in tenths of a percent: 10% in
 * months 1–3 and 7.5% in months 4–13 (105% in all); power wheelchairs 15% and 6%
 * (rentals since 2011; DOMAIN.md §2 names the standard ones, which can only be rented).
 */
function cappedRentalShares(entry: Pick<CatalogEntry, 'powerWheelchair'>) {
  return entry.powerWheelchair ? { firstMonths: 150, laterMonths: 60 } : { firstMonths: 100, laterMonths: 75 };
}

/** The monthly fee of a capped rental from the purchase fee; 0 after the cap (title has passed). */
export function cappedRentalMonthlyFee(purchaseFee: number, month: number, entry: Pick<CatalogEntry, 'powerWheelchair' | 'rentalCapMonths'>): number {
  if (!Number.isInteger(month) || month < 1) throw new RangeError(`rental month ${month} is not 1 or later`);
  if (month > (entry.rentalCapMonths ?? 13)) return 0;
  const shares = cappedRentalShares(entry);
  return percentOf(purchaseFee, month <= 3 ? shares.firstMonths : shares.laterMonths);
}

/**
 * The allowed fee of one rental month. The RR row is the fee of months 1–3; capped
 * rentals pay less from month 4 (7.5/10 of it, power wheelchairs 6/15). Without an RR
 * row a capped rental is priced from its NU purchase fee. Oxygen, FS and PEN pump
 * rentals pay the RR fee every month. An inexpensive item's total rent may not exceed
 * its purchase fee (DOMAIN.md §2): the month that reaches it pays the rest, later
 * months pay nothing. No payment past the cap.
 */
export function rentalMonthAllowed(
  schedule: FeeSchedule,
  query: { entry: CatalogEntry; month: number; state: string; rural: boolean },
): number | undefined {
  const { entry, month, state, rural } = query;
  if (entry.rentalCapMonths !== null && month > entry.rentalCapMonths) return 0;
  const rentalFee = allowedAmount(schedule, { hcpcs: entry.hcpcs, modifier: 'RR', state, rural });
  if (entry.category === 'IN' && rentalFee !== undefined) {
    const purchaseFee = allowedAmount(schedule, { hcpcs: entry.hcpcs, modifier: 'NU', state, rural });
    if (purchaseFee === undefined) return rentalFee;
    return Math.max(0, Math.min(rentalFee, purchaseFee - rentalFee * (month - 1)));
  }
  if (entry.category !== 'CR') return rentalFee;
  if (rentalFee === undefined) {
    const purchaseFee = allowedAmount(schedule, { hcpcs: entry.hcpcs, modifier: 'NU', state, rural });
    return purchaseFee === undefined ? undefined : cappedRentalMonthlyFee(purchaseFee, month, entry);
  }
  if (month <= 3) return rentalFee;
  const shares = cappedRentalShares(entry);
  return Math.floor((rentalFee * shares.laterMonths + shares.firstMonths / 2) / shares.firstMonths);
}

/**
 * Oxygen flow adjustments (DOMAIN.md §3): QE pays 50% of the stationary fee, QG 150%.
 * QF (over 4 LPM with portable) goes on both lines and, since CR 9848 (Apr 2017), pays
 * the stationary line at 100% and the portable line the higher of 50% of the stationary
 * fee and the portable add-on; a line alone does not know its stationary fee, so the
 * portable line is priced at its own fee here, the lower bound (verify against the 835).
 */
const oxygenFlowPercent: Record<string, number> = { QE: 50, QG: 150 };

/**
 * What the fee schedule allows for a whole claim line (per-unit fee × units), in cents;
 * undefined when the code or its row is not in the schedule. A DME purchase without
 * NU or UE is priced as used (DOMAIN.md §3).
 */
export function lineAllowedAmount(
  schedule: FeeSchedule,
  line: Pick<ClaimLine, 'hcpcs' | 'modifiers' | 'units' | 'rentalMonth'>,
  where: { state: string; rural: boolean; catalog?: Catalog },
): number | undefined {
  const entry = catalogEntry(where.catalog ?? defaultCatalog, line.hcpcs);
  if (!entry) return undefined;
  const { state, rural } = where;
  let perUnit: number | undefined;
  if (!categoriesWithPricingModifier.includes(entry.category)) {
    perUnit = allowedAmount(schedule, { hcpcs: entry.hcpcs, state, rural });
  } else if (line.modifiers.includes('RR')) {
    perUnit = rentalMonthAllowed(schedule, { entry, month: line.rentalMonth ?? 1, state, rural });
  } else {
    const modifier = line.modifiers.includes('NU') ? 'NU' : 'UE';
    perUnit = allowedAmount(schedule, { hcpcs: entry.hcpcs, modifier, state, rural });
  }
  if (perUnit === undefined) return undefined;
  const flow = line.modifiers.find((modifier) => modifier in oxygenFlowPercent);
  if (entry.category === 'OX' && flow) perUnit = Math.floor((perUnit * oxygenFlowPercent[flow] + 50) / 100);
  return perUnit * line.units;
}

export interface ExpectedPaymentInput {
  /** The line's billed charge. */
  charge: number;
  /** The fee-schedule amount for the line. */
  allowed: number;
  /** Part B (or plan) deductible not yet met. */
  deductibleRemaining: number;
  /** 0.2 under Medicare. */
  coinsuranceRate: number;
  /** 0.02 under Medicare. */
  sequestrationRate: number;
}

export interface ExpectedPayment {
  /** The lower of the charge and the fee-schedule amount. */
  allowed: number;
  deductibleApplied: number;
  coinsurance: number;
  payerPaysBeforeSequestration: number;
  /** CO-253. */
  sequestration: number;
  payerPays: number;
  /** Deductible plus coinsurance (PR-1, PR-2). */
  patientOwes: number;
  /** Charge above the allowed amount, written off (CO-45). */
  contractualAdjustment: number;
}

/** A rate such as 0.2 as basis points (2000), so the arithmetic stays in integers. */
function basisPoints(rate: number, name: string): number {
  if (!(rate >= 0 && rate <= 1)) throw new RangeError(`${name} ${rate} must be a fraction between 0 and 1`);
  return Math.round(rate * 10_000);
}

function centsField(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole, non-negative number of cents`);
  return value;
}

/**
 * What the payer and the patient should pay for a line (DOMAIN.md §14): the payer pays
 * (1 − coinsurance) of the allowed amount after the unmet deductible; sequestration
 * then withholds its rate of the payer's part. Coinsurance and sequestration are
 * rounded half up to the cent; the payer's share is the remainder, so
 * charge = payerPays + sequestration + patientOwes + contractualAdjustment exactly.
 * Example: allowed $100, $50 deductible left → payer 4000 less 2% = 3920 cents; the
 * patient owes 5000 + 1000.
 */
export function expectedPayment(input: ExpectedPaymentInput): ExpectedPayment {
  const charge = centsField(input.charge, 'charge');
  const fee = centsField(input.allowed, 'allowed');
  const deductibleRemaining = centsField(input.deductibleRemaining, 'deductibleRemaining');
  const coinsuranceShare = basisPoints(input.coinsuranceRate, 'coinsuranceRate');
  const sequestrationShare = basisPoints(input.sequestrationRate, 'sequestrationRate');

  const allowed = Math.min(charge, fee);
  const deductibleApplied = Math.min(deductibleRemaining, allowed);
  const afterDeductible = allowed - deductibleApplied;
  const coinsurance = Math.floor((afterDeductible * coinsuranceShare + 5_000) / 10_000);
  const payerPaysBeforeSequestration = afterDeductible - coinsurance;
  const sequestration = Math.floor((payerPaysBeforeSequestration * sequestrationShare + 5_000) / 10_000);
  return {
    allowed,
    deductibleApplied,
    coinsurance,
    payerPaysBeforeSequestration,
    sequestration,
    payerPays: payerPaysBeforeSequestration - sequestration,
    patientOwes: deductibleApplied + coinsurance,
    contractualAdjustment: charge - allowed,
  };
}
