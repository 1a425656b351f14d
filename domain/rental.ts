/**
 * The rental schedule of one rented item (DOMAIN.md §4), as plain JSON state and pure
 * functions a workflow drives month by month:
 *
 *   let state = startRental({ itemId, hcpcs, firstDateOfService, payer });
 *   loop: const event = nextRentalEvent(state, today)
 *     'bill'  → code and submit event.month, then state = recordMonthBilled(state, n)
 *     'wait'  → sleep until event.until (or a signal)
 *     'on-hold' / 'awaiting-purchase-option-offer' → wait for the signal
 *     'furnishing-only' → oxygen past its cap: nothing to bill until event.until
 *     'finished' → the rental stage ends
 *   signals: applyHold / applyResume / applyPickup / recordPurchaseOptionOffer
 *
 * Each month's date of service is the anniversary of the first date of service, by
 * calendar-month arithmetic from the original date (never chained), and its span runs
 * to the day before the next anniversary. The anniversary moves only when billing
 * resumes after an anniversary passed during a hold (inpatient stay, break in need);
 * `anniversaries` keeps every base so earlier months keep their dates.
 */
import { addDays, addMonths, daysBetween, isAfter, isBefore, isIsoDate } from './calendar';
import { type Catalog, catalogEntry, defaultCatalog } from './catalog';
import { type RentalMonthEvent, rentalSequenceModifier } from './coding';
import { type PayerPolicy, timelyFilingDeadline, timelyFilingLimit } from './payer-policy';
import type { PaymentCategory } from './types';

/**
 * Why the item is not in use. A break in medical need may start a new rental period;
 * hospital, nursing-facility, hospice or HMO stays never do by themselves.
 */
export type HoldReason = 'break-in-need' | 'inpatient' | 'nursing-facility' | 'hospice' | 'hmo';

export interface RentalState {
  itemId: string;
  hcpcs: string;
  category: PaymentCategory;
  /** Paid months per period (13 capped rental, 36 oxygen, 15 PEN pump); null: no month cap. */
  capMonths: number | null;
  /** Paid per day of use (E0935): the last month's span ends at the pickup. */
  paidDaily: boolean;
  /** Payer flag: capped-rental months after the 11th wait until the purchase-option offer is recorded. */
  purchaseOptionHold: boolean;
  /** Rental period, 1 for the first; a new one starts after a long break in need with a new order. */
  period: number;
  /** First date of service of the period (oxygen's 60-month furnishing counts from here). */
  periodStart: string;
  /**
   * Anniversary bases, oldest first: month `month` falls on `date`, later months on its
   * calendar-month anniversaries, until the next base.
   */
  anniversaries: Array<{ month: number; date: string }>;
  /**
   * Last month of the period already claimed or given up (lost to timely filing);
   * 0 before the first claim. Lost months count: the count follows continuous use.
   */
  billedThroughMonth: number;
  hold?: { from: string; reason: HoldReason };
  /** Last day the item was in the home (pickup or discontinuation). */
  endedOn?: string;
  purchaseOptionOfferedOn?: string;
}

/** A rental month with what its claim needs; a `RentalMonthEvent` for `codeClaimLines`. */
export interface RentalMonth extends RentalMonthEvent {
  /** KH / KI / KJ for capped rentals and PEN pumps, none for oxygen, FS and IN items. */
  sequenceModifier?: 'KH' | 'KI' | 'KJ';
  /** Month 10 of a capped rental: the supplier must offer the purchase option (DOMAIN.md §4). */
  offerPurchaseOption: boolean;
}

export type RentalEvent =
  | { kind: 'bill'; month: RentalMonth }
  | { kind: 'wait'; until: string; month: RentalMonth }
  | { kind: 'on-hold'; since: string; reason: HoldReason }
  | { kind: 'awaiting-purchase-option-offer'; month: RentalMonth; reason: string }
  | { kind: 'furnishing-only'; until: string; reason: string }
  | { kind: 'finished'; reason: string };

export type DueRentalMonth = RentalMonth & {
  /** Last day to file the month's claim. */
  filingDeadline: string;
} & ({ status: 'due' } | { status: 'lost'; lostReason: string });

/** The outcome of a staff or system change: rejected changes leave the state as it was. */
export type RentalChange = { accepted: true; state: RentalState; note: string } | { accepted: false; state: RentalState; reason: string };

/** Oxygen: 36 paid months, but the supplier keeps furnishing for the 60-month useful life. */
const oxygenUsefulLifeMonths = 60;
/** A gap up to 60 consecutive days plus the rest of the rental month is temporary (DOMAIN.md §4). */
const temporaryGapDays = 60;
/** The purchase option is offered in month 10; with the payer flag nothing after month 11 is paid before it. */
const purchaseOptionMonth = 10;
const lastMonthBeforePurchaseOption = 11;

export function startRental(input: {
  itemId: string;
  hcpcs: string;
  /** The delivery date. */
  firstDateOfService: string;
  payer: Pick<PayerPolicy, 'purchaseOptionHoldAfterMonth11'>;
  catalog?: Catalog;
}): RentalState {
  const entry = catalogEntry(input.catalog ?? defaultCatalog, input.hcpcs);
  if (!entry) throw new Error(`HCPCS ${input.hcpcs} is not in the catalog: a rental needs its payment category`);
  if (!entry.acquisitions.includes('rental')) {
    throw new Error(`HCPCS ${input.hcpcs} (category ${entry.category}) cannot be rented`);
  }
  if (!isIsoDate(input.firstDateOfService)) {
    throw new RangeError(`first date of service "${input.firstDateOfService}" is not a date written YYYY-MM-DD`);
  }
  return {
    itemId: input.itemId,
    hcpcs: input.hcpcs,
    category: entry.category,
    capMonths: entry.rentalCapMonths,
    paidDaily: entry.paidDaily,
    purchaseOptionHold: input.payer.purchaseOptionHoldAfterMonth11,
    period: 1,
    periodStart: input.firstDateOfService,
    anniversaries: [{ month: 1, date: input.firstDateOfService }],
    billedThroughMonth: 0,
  };
}

function baseOf(state: RentalState, month: number): { month: number; date: string } {
  let base = state.anniversaries[0];
  for (const candidate of state.anniversaries) if (candidate.month <= month) base = candidate;
  return base;
}

/** Date of service of a month of the current period. */
function anniversaryDate(state: RentalState, month: number): string {
  const base = baseOf(state, month);
  return addMonths(base.date, month - base.month);
}

/** The month whose span contains `date` (0 when the date is before the period). */
function monthContaining(state: RentalState, date: string): number {
  const bases = state.anniversaries.filter((base) => !isAfter(base.date, date));
  if (bases.length === 0) return 0;
  const base = bases[bases.length - 1];
  const [fromYear, fromMonth, toYear, toMonth] = [
    Number(base.date.slice(0, 4)),
    Number(base.date.slice(5, 7)),
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)),
  ];
  let elapsed = (toYear - fromYear) * 12 + (toMonth - fromMonth);
  if (isAfter(addMonths(base.date, elapsed), date)) elapsed -= 1;
  return base.month + elapsed;
}

function rentalMonth(state: RentalState, month: number): RentalMonth {
  const base = baseOf(state, month);
  const serviceFrom = addMonths(base.date, month - base.month);
  // The span is one calendar month from its own base, even when the next month's anniversary moved.
  let serviceTo = addDays(addMonths(base.date, month + 1 - base.month), -1);
  if (state.paidDaily && state.endedOn && isBefore(state.endedOn, serviceTo)) serviceTo = state.endedOn;
  const sequenceModifier = rentalSequenceModifier({ category: state.category, rentalCapMonths: state.capMonths }, month);
  return {
    kind: 'rental-month',
    period: state.period,
    month,
    serviceFrom,
    serviceTo,
    ...(sequenceModifier ? { sequenceModifier } : {}),
    offerPurchaseOption: state.category === 'CR' && month === purchaseOptionMonth,
  };
}

function capReached(state: RentalState): boolean {
  return state.capMonths !== null && state.billedThroughMonth >= state.capMonths;
}

/** What the rental needs next, seen on `today`. */
export function nextRentalEvent(state: RentalState, today: string): RentalEvent {
  if (capReached(state)) {
    if (state.category === 'OX' && !state.endedOn) {
      const until = addDays(addMonths(state.periodStart, oxygenUsefulLifeMonths), -1);
      if (!isAfter(today, until)) {
        return {
          kind: 'furnishing-only',
          until,
          reason: `not billable: cap of ${state.capMonths} paid months reached, furnishing continues until ${until}`,
        };
      }
      return {
        kind: 'finished',
        reason: `60-month useful life ended on ${until}: a replacement starts a new 36-month period (RA on its first month)`,
      };
    }
    return {
      kind: 'finished',
      reason:
        state.category === 'CR'
          ? `cap reached: ${state.capMonths} paid months, title passes to the patient`
          : `cap reached: ${state.capMonths} paid months, no further rental payments`,
    };
  }

  const month = rentalMonth(state, state.billedThroughMonth + 1);
  if (state.endedOn && isAfter(month.serviceFrom, state.endedOn)) {
    return {
      kind: 'finished',
      reason: `picked up or discontinued on ${state.endedOn}: billing ended after month ${state.billedThroughMonth}`,
    };
  }
  if (state.hold && !isBefore(month.serviceFrom, state.hold.from)) {
    return { kind: 'on-hold', since: state.hold.from, reason: state.hold.reason };
  }
  if (state.purchaseOptionHold && state.category === 'CR' && month.month > lastMonthBeforePurchaseOption && !state.purchaseOptionOfferedOn) {
    return {
      kind: 'awaiting-purchase-option-offer',
      month,
      reason: `month ${month.month} is not paid until the purchase-option offer of month ${purchaseOptionMonth} is recorded`,
    };
  }
  if (isAfter(month.serviceFrom, today)) return { kind: 'wait', until: month.serviceFrom, month };
  return { kind: 'bill', month };
}

/**
 * Every month already due on `today`, in order, each with its span — the catch-up
 * after a delivery recorded late. A month whose date of service is past the payer's
 * timely-filing window is `lost`: record it with `recordMonthBilled` like the others,
 * it still counts toward the period, but do not claim it (it would deny CO-29).
 */
export function dueMonths(state: RentalState, today: string, payer: Pick<PayerPolicy, 'kind' | 'timelyFilingDays'>): DueRentalMonth[] {
  const months: DueRentalMonth[] = [];
  let current = state;
  for (let event = nextRentalEvent(current, today); event.kind === 'bill'; event = nextRentalEvent(current, today)) {
    const filingDeadline = timelyFilingDeadline(event.month.serviceFrom, payer);
    months.push(
      isAfter(today, filingDeadline)
        ? {
            ...event.month,
            filingDeadline,
            status: 'lost',
            lostReason:
              `date of service ${event.month.serviceFrom} is past ${timelyFilingLimit(payer)} ` +
              `(last day ${filingDeadline}): a claim would deny CO-29`,
          }
        : { ...event.month, filingDeadline, status: 'due' },
    );
    current = recordMonthBilled(current, event.month.month);
  }
  return months;
}

/** The month was claimed (or given up as lost). Idempotent: recording a month twice changes nothing. */
export function recordMonthBilled(state: RentalState, month: number): RentalState {
  return month <= state.billedThroughMonth ? state : { ...state, billedThroughMonth: month };
}

function rejected(state: RentalState, reason: string): RentalChange {
  return { accepted: false, state, reason };
}

/** The last claimed month's date of service, when it falls on or after `date`. */
function billedOnOrAfter(state: RentalState, date: string): RentalMonth | undefined {
  if (state.billedThroughMonth === 0) return undefined;
  const last = rentalMonth(state, state.billedThroughMonth);
  return isBefore(last.serviceFrom, date) ? undefined : last;
}

/** The item is out of use from `from` (first day not in use): months whose anniversary falls in the hold are not billed. */
export function applyHold(state: RentalState, change: { from: string; reason: HoldReason }): RentalChange {
  if (state.endedOn) return rejected(state, `the rental ended on ${state.endedOn}: there is nothing to hold`);
  if (state.hold) return rejected(state, `already on hold since ${state.hold.from} (${state.hold.reason}): resume it first`);
  if (capReached(state)) return rejected(state, `the cap of ${state.capMonths} paid months is reached: no month is left to hold`);
  const currentBase = state.anniversaries[state.anniversaries.length - 1];
  if (isBefore(change.from, currentBase.date)) {
    return rejected(state, `a hold from ${change.from} starts before the current anniversary base ${currentBase.date}`);
  }
  const billed = billedOnOrAfter(state, change.from);
  if (billed) {
    return rejected(
      state,
      `month ${billed.month} (date of service ${billed.serviceFrom}) is already billed: a hold must start after it; ` +
        'if the patient was off the item on that date, correct that claim first',
    );
  }
  return {
    accepted: true,
    state: { ...state, hold: { from: change.from, reason: change.reason } },
    note: `on hold from ${change.from} (${change.reason}): months whose anniversary falls in the hold are not billed`,
  };
}

/**
 * The item is back in use on `on` (the discharge date after an inpatient stay).
 * - Back before the next anniversary: nothing was missed, billing continues as planned.
 * - Otherwise the missed anniversaries are not billable and the anniversary moves to
 *   `on`: the count resumes at the next month. This covers every hospital, nursing-
 *   facility, hospice or HMO stay, and a break in need up to 60 days plus the rest of
 *   the rental month in which use stopped.
 * - A longer break in need with a new order (`newOrder`: new need, new documentation)
 *   starts a new period at month 1 (KH). Months of the old period must be billed first.
 * - A longer break without a new order stays in the same period and the count resumes
 *   (this is our choice: a new period is never started without the documentation that
 *   proves new need; the note tells staff to get a new order if the need is new).
 */
export function applyResume(state: RentalState, change: { on: string; newOrder?: boolean }): RentalChange {
  const hold = state.hold;
  if (!hold) return rejected(state, 'the rental is not on hold: nothing to resume');
  if (isBefore(change.on, hold.from)) {
    return rejected(state, `resumption on ${change.on} is before the hold began on ${hold.from}`);
  }
  const stoppedInMonth = monthContaining(state, hold.from);
  const nextAnniversary = anniversaryDate(state, stoppedInMonth + 1);
  const resumed = { ...state };
  delete resumed.hold;

  if (isBefore(change.on, nextAnniversary)) {
    return {
      accepted: true,
      state: resumed,
      note: `resumed on ${change.on}, before the next anniversary ${nextAnniversary}: billing continues as scheduled`,
    };
  }

  const gapDays = daysBetween(hold.from, change.on);
  const temporaryUntil = addDays(nextAnniversary, temporaryGapDays);
  const countResumes: RentalState = {
    ...resumed,
    anniversaries: [...state.anniversaries, { month: stoppedInMonth + 1, date: change.on }],
  };
  if (hold.reason !== 'break-in-need' || !isAfter(change.on, temporaryUntil)) {
    return {
      accepted: true,
      state: countResumes,
      note:
        `resumed on ${change.on} after ${gapDays} days (${hold.reason}): the anniversaries in between are not billed; ` +
        `month ${stoppedInMonth + 1} is billed from ${change.on}, the new anniversary`,
    };
  }

  const longBreak =
    `break in need of ${gapDays} days, longer than 60 days plus the rest of rental month ${stoppedInMonth} ` +
    `(resumption was due by ${temporaryUntil})`;
  if (!change.newOrder) {
    return {
      accepted: true,
      state: countResumes,
      note:
        `${longBreak}, but without a new order: the rental stays in period ${state.period} and month ` +
        `${stoppedInMonth + 1} is billed from ${change.on}. If the need is new, get a new order and documentation ` +
        'to start a new rental period',
    };
  }
  if (state.billedThroughMonth < stoppedInMonth) {
    return rejected(
      state,
      `months ${state.billedThroughMonth + 1}–${stoppedInMonth} of period ${state.period} are not billed yet: ` +
        'bill them (dueMonths) before starting a new rental period',
    );
  }
  const newPeriod: RentalState = {
    ...resumed,
    period: state.period + 1,
    periodStart: change.on,
    anniversaries: [{ month: 1, date: change.on }],
    billedThroughMonth: 0,
  };
  delete newPeriod.purchaseOptionOfferedOn;
  return {
    accepted: true,
    state: newPeriod,
    note: `${longBreak}, with a new order: rental period ${newPeriod.period} starts on ${change.on} at month 1 (KH)`,
  };
}

/**
 * The item was picked up or discontinued on `on`: billing ends after the current
 * month (a month is billable when the item is in the home on its anniversary).
 * Picked up during a hold: billing ended with the last month before the hold.
 */
export function applyPickup(state: RentalState, change: { on: string }): RentalChange {
  if (state.endedOn) return rejected(state, `the rental already ended on ${state.endedOn}`);
  if (isBefore(change.on, state.periodStart)) {
    return rejected(state, `pickup on ${change.on} is before the first date of service ${state.periodStart}`);
  }
  if (state.hold) {
    const ended: RentalState = { ...state, endedOn: addDays(state.hold.from, -1) };
    delete ended.hold;
    return {
      accepted: true,
      state: ended,
      note: `picked up on ${change.on} during the hold that began ${state.hold.from}: no month after the hold began is billed`,
    };
  }
  const billedAfter = billedOnOrAfter(state, addDays(change.on, 1));
  if (billedAfter) {
    return rejected(
      state,
      `month ${billedAfter.month} (date of service ${billedAfter.serviceFrom}) is billed but falls after the pickup ` +
        `on ${change.on}: correct or void that claim first`,
    );
  }
  const lastMonth = monthContaining(state, change.on);
  return {
    accepted: true,
    state: { ...state, endedOn: change.on },
    note: `picked up on ${change.on}: month ${lastMonth} is the last billable month`,
  };
}

/** The month-10 purchase-option offer was made to the patient (releases the hold on months after 11). */
export function recordPurchaseOptionOffer(state: RentalState, change: { on: string }): RentalChange {
  if (state.category !== 'CR') {
    return rejected(state, `the purchase-option offer applies to capped rentals, not category ${state.category}`);
  }
  if (state.purchaseOptionOfferedOn) {
    return rejected(state, `the purchase option was already offered on ${state.purchaseOptionOfferedOn}`);
  }
  return {
    accepted: true,
    state: { ...state, purchaseOptionOfferedOn: change.on },
    note: `purchase option offered on ${change.on}`,
  };
}
