/**
 * Resupply: refills of the supplies a patient's device uses (CPAP masks, cushions,
 * filters, tubing), each one only after the patient or a caregiver asked for it.
 *
 * The rule, from the Program Integrity Manual (CMS Pub. 100-08) ch. 5 §5.2.6 "Refills of
 * DMEPOS Items Provided on a Recurring Basis", as the joint DME MAC publication "Items
 * Provided on a Recurring Basis and Request for Refill Requirements" (Jan 2022) and
 * Noridian's "Usual Maximum Amount of Supplies" (JA, Dec 2022) quote it:
 * - the supplier must not ship on a predetermined basis, even if the beneficiary
 *   "authorized" it in advance: each refill needs the beneficiary's or designee's request;
 * - contact about a refill takes place no sooner than 14 calendar days before the
 *   delivery/shipping date, and the refill is delivered no sooner than 10 calendar days
 *   before the end of usage of the current supply (both days are configurable here:
 *   the manual has changed them before — an earlier edition said approximately 7 and 5);
 * - the refill record says who asked, when, what, and per item either how much remains
 *   (consumables, so the amount is nearly exhausted on or about the anniversary) or
 *   whether it still works (non-consumables such as PAP masks and cushions: replaced only
 *   when no longer functional — a mask that leaks, a cushion that is torn);
 * - never more than the beneficiary's expected use, nor more than a three-month quantity
 *   at a time (NHIC JA "Billing Reminder: Supplies Provided on a Periodic Basis", 2015).
 * DOMAIN.md §5 says "contact within 30 days before the supply runs out": the manual's 14
 * days before shipping is what we follow.
 *
 * The usual maximums themselves are the catalog's (DOMAIN.md §7, the PAP policy's table).
 * Every message here carries codes and dates only, never PHI.
 */
import { addDays, addMonths, daysBetween, isAfter, isBefore } from './calendar';
import { type Catalog, type CatalogEntry, catalogEntry, usualMaximumUnits } from './catalog';
import type { CommandRefusal } from './order-commands';

export interface ResupplyPolicy {
  /** Contact no sooner than this many days before the shipping date (PIM: 14). */
  contactDaysBeforeShipping: number;
  /** Deliver no sooner than this many days before the current supply runs out (PIM: 10). */
  deliveryDaysBeforeEndOfUse: number;
  /** First outreach this many days before the earliest shipping date (at most the contact days). */
  outreachDaysBeforeShipping: number;
  /** Days between outreach attempts. */
  reminderEveryDays: number;
  /** Attempts before the plan pauses with a task for staff. */
  attempts: number;
}

/** The manual's days, first outreach 10 days before the earliest shipping date, three attempts 3 days apart. */
export const defaultResupplyPolicy: ResupplyPolicy = {
  contactDaysBeforeShipping: 14,
  deliveryDaysBeforeEndOfUse: 10,
  outreachDaysBeforeShipping: 10,
  reminderEveryDays: 3,
  attempts: 3,
};

/** The most a refill may bring: a three-month quantity. */
export const maxCycleMonths = 3;
/** Items whose supply ends within this many days of the first one's are refilled with it, in one shipment. */
const groupWithinDays = 7;
/** A consumable is nearly used up when no more than this many days' use would remain on its anniversary. */
const nearlyExhaustedDays = 14;
/** A consumable declined with nothing said about when it runs out is asked about again after this long at least. */
const minimumDeclineDays = 30;
/** The hour (UTC) outreach goes out: 10 am Eastern, 7 am Pacific in winter; never at midnight. */
export const outreachTimeUtc = '15:00:00Z';

export const caregiverRelationships = [
  'spouse',
  'child',
  'parent',
  'sibling',
  'other-relative',
  'friend',
  'caregiver',
  'legal-representative',
] as const;
export type CaregiverRelationship = (typeof caregiverRelationships)[number];

export type ResupplyChannel = 'sms' | 'email' | 'call';
export type AnswerChannel = 'phone' | 'sms' | 'email' | 'in-person' | 'portal';
export type ItemCondition = 'functional' | 'worn' | 'damaged';

export interface ResupplyItemState {
  hcpcs: string;
  /** The day the current supply of the item runs out: its last delivery plus its period. */
  endOfUseOn: string;
}

export interface ResupplyCycle {
  cycle: number;
  /** The earliest end of use among the cycle's items. */
  dueOn: string;
  /** No shipment before this day: 10 days before the last of the cycle's items runs out. */
  earliestShipOn: string;
  /** Outreach opens on this day. */
  contactOpensOn: string;
  hcpcs: string[];
}

/** Months one refill of the item covers: the plan's cycle, or the item's own period when that is longer (headgear: 6). */
export function itemPeriodMonths(entry: CatalogEntry, cycleMonths: number): number {
  return Math.max(cycleMonths, entry.usualMaximum?.months ?? cycleMonths);
}

/** The units one refill of the item brings: its usual maximum over its period (A7038 over 3 months = 6). */
export function refillQuantity(entry: CatalogEntry, cycleMonths: number): number {
  return usualMaximumUnits(entry, itemPeriodMonths(entry, cycleMonths)) ?? 0;
}

/** Units used a day under the usual maximum (A7038, 2 a month: about 0.066). */
const dailyUse = (entry: CatalogEntry) => entry.usualMaximum!.quantity / (entry.usualMaximum!.months * 30.4375);

/** Used up (filters, disposable nebulizer parts) rather than replaced when worn: the record says what remains. */
export function isConsumable(entry: CatalogEntry): boolean {
  return entry.consumable === true;
}

export function endOfUse(entry: CatalogEntry, deliveredOn: string, cycleMonths: number): string {
  return addMonths(deliveredOn, itemPeriodMonths(entry, cycleMonths));
}

/** The next refill cycle of a plan: the items due together, when outreach opens and the earliest day they may ship. */
export function nextCycle(cycle: number, items: readonly ResupplyItemState[], policy: ResupplyPolicy): ResupplyCycle {
  const dueOn = items.map((item) => item.endOfUseOn).reduce((earliest, date) => (isBefore(date, earliest) ? date : earliest));
  const joining = items.filter((item) => !isAfter(item.endOfUseOn, addDays(dueOn, groupWithinDays)));
  const lastEnd = joining.map((item) => item.endOfUseOn).reduce((latest, date) => (isAfter(date, latest) ? date : latest));
  const earliestShipOn = addDays(lastEnd, -policy.deliveryDaysBeforeEndOfUse);
  return {
    cycle,
    dueOn,
    earliestShipOn,
    contactOpensOn: addDays(earliestShipOn, -policy.outreachDaysBeforeShipping),
    hcpcs: joining.map((item) => item.hcpcs).sort(),
  };
}

export interface RefillItemAnswer {
  hcpcs: string;
  /** The patient wants this item refilled now. */
  needed: boolean;
  /** Units still on hand: required for consumables. */
  quantityOnHand?: number;
  /** Whether the item still works: required for non-consumables asked for. */
  condition?: ItemCondition;
  /** Units wanted; a full refill less what is on hand when left out. */
  quantity?: number;
}

/** The refill record: who asked, how, and what (PIM 5.2.6). */
export interface RefillConfirmation {
  cycle: number;
  answeredBy: 'patient' | 'caregiver';
  /** How a caregiver is related to the patient (a designee, never supplier staff): a kind, never a name. */
  caregiverRelationship?: CaregiverRelationship;
  channel: AnswerChannel;
  /** The day the patient answered, when it is recorded later (a Friday call typed in on Monday); today when left out. */
  answeredOn?: string;
  items: RefillItemAnswer[];
}

export interface DeclinedItem {
  hcpcs: string;
  /** What remains of a consumable: it is asked about again when that runs out. */
  quantityOnHand?: number;
}

export interface RefillDecision {
  outcome: 'confirmed' | 'declined';
  /** The day of the answer: the refill record's date, from which the 14 days run. */
  answeredOn: string;
  /** Units per item to ship (confirmed items only). */
  quantities: Array<{ hcpcs: string; quantity: number; months: number }>;
  /** Items not needed now, with what remains of the consumables among them. */
  declined: DeclinedItem[];
  /** The window the PIM leaves for the shipment. */
  shipNotBefore: string;
  shipBy: string;
}

const broken = (field: string, message: string): CommandRefusal => ({ status: 422, field, message });
const pim = 'PIM ch. 5 §5.2.6';

/** The plan's state as the rule reads it. */
export interface ResupplyView {
  today: string;
  status: 'active' | 'paused' | 'held' | 'stopped';
  cycle?: ResupplyCycle & { phase: 'waiting' | 'outreach' | 'paused' | 'ordered' };
  cycleMonths: number;
  policy: ResupplyPolicy;
  catalog: Catalog;
}

/**
 * Whether a refill answer may be recorded now, and what it leads to: a supply order of
 * the quantities, a decline, or a refusal naming the field and the rule.
 */
export function decideRefill(view: ResupplyView, answer: RefillConfirmation): CommandRefusal | RefillDecision {
  if (view.status === 'stopped') return { status: 409, message: 'the resupply plan is stopped' };
  if (view.status === 'held') return { status: 409, message: 'the resupply plan is on hold: resume it first' };
  const cycle = view.cycle;
  if (!cycle) return { status: 409, message: 'no refill is open on this plan' };
  if (cycle.phase === 'ordered') return { status: 409, message: `refill ${cycle.cycle} is already confirmed and ordered` };
  if (answer.cycle !== cycle.cycle) return broken('cycle', `the open refill is cycle ${cycle.cycle}, not ${answer.cycle}`);
  if (answer.answeredBy === 'caregiver' && !answer.caregiverRelationship) {
    return broken('caregiverRelationship', "a caregiver's answer records how they are related to the patient");
  }
  if (answer.answeredBy === 'patient' && answer.caregiverRelationship) {
    return broken('caregiverRelationship', 'applies to a caregiver’s answer only');
  }

  const contactDays = view.policy.contactDaysBeforeShipping;
  const answeredOn = answer.answeredOn ?? view.today;
  if (isAfter(answeredOn, view.today)) return broken('answeredOn', 'must not be in the future');
  const shipNotBefore = isAfter(cycle.earliestShipOn, view.today) ? cycle.earliestShipOn : view.today;
  const shipBy = addDays(answeredOn, contactDays);
  if (isAfter(cycle.earliestShipOn, shipBy)) {
    return {
      status: 409,
      message:
        `too early: contact about a refill takes place no sooner than ${contactDays} days before shipping, ` +
        `and refill ${cycle.cycle} may not ship before ${cycle.earliestShipOn} (${pim}); ask again from ` +
        `${addDays(cycle.earliestShipOn, -contactDays)}`,
    };
  }
  if (isAfter(shipNotBefore, shipBy)) {
    return broken(
      'answeredOn',
      `an answer of ${answeredOn} is more than ${contactDays} days before any shipping date left: ask the patient again (${pim})`,
    );
  }

  const seen = new Set<string>();
  const quantities: RefillDecision['quantities'] = [];
  const declined: DeclinedItem[] = [];
  for (const [index, item] of answer.items.entries()) {
    const field = `items[${index}]`;
    if (!cycle.hcpcs.includes(item.hcpcs)) {
      return broken(`${field}.hcpcs`, `${item.hcpcs} is not due in refill ${cycle.cycle} (due: ${cycle.hcpcs.join(', ')})`);
    }
    if (seen.has(item.hcpcs)) return broken(`${field}.hcpcs`, `${item.hcpcs} is answered twice`);
    seen.add(item.hcpcs);
    const entry = catalogEntry(view.catalog, item.hcpcs)!;
    const full = refillQuantity(entry, view.cycleMonths);
    const consumable = isConsumable(entry);
    if (consumable && item.quantityOnHand === undefined) {
      return broken(`${field}.quantityOnHand`, `${item.hcpcs} is used up: record how many the patient still has (${pim})`);
    }
    if (!item.needed) {
      declined.push({ hcpcs: item.hcpcs, ...(consumable ? { quantityOnHand: item.quantityOnHand! } : {}) });
      continue;
    }
    let allowed = full;
    if (consumable) {
      // What would remain on the anniversary at the usual rate of use: nearly nothing, or it is not a refill yet.
      const left = Math.max(0, item.quantityOnHand! - Math.round(dailyUse(entry) * Math.max(0, daysBetween(answeredOn, cycle.dueOn))));
      const nearlyNothing = Math.ceil(dailyUse(entry) * nearlyExhaustedDays);
      if (left > nearlyNothing) {
        return broken(
          `${field}.quantityOnHand`,
          `${item.hcpcs}: ${item.quantityOnHand} on hand would leave about ${left} on ${cycle.dueOn}, more than ${nearlyExhaustedDays} days' use: ` +
            `not nearly used up, record it as not needed (${pim})`,
        );
      }
      // Never more than a period's use in the home: the refill less what will remain.
      allowed = full - left;
    } else {
      if (!item.condition) {
        return broken(`${field}.condition`, `${item.hcpcs} is replaced when it no longer works: record its condition (${pim})`);
      }
      if (item.condition === 'functional') {
        return broken(
          `${field}.condition`,
          `${item.hcpcs} still works: a non-consumable supply is refilled only when it is no longer functional; record it as not needed (${pim})`,
        );
      }
    }
    const quantity = item.quantity ?? allowed;
    if (quantity > allowed) {
      const onHand = consumable ? ` with ${item.quantityOnHand} on hand` : '';
      return broken(
        `${field}.quantity`,
        `${item.hcpcs}: ${quantity} exceeds the usual maximum of ${entry.usualMaximum!.quantity} per ${entry.usualMaximum!.months} month(s): ` +
          `at most ${allowed} for ${itemPeriodMonths(entry, view.cycleMonths)} month(s)${onHand}`,
      );
    }
    quantities.push({ hcpcs: item.hcpcs, quantity, months: itemPeriodMonths(entry, view.cycleMonths) });
  }
  const unanswered = cycle.hcpcs.filter((hcpcs) => !seen.has(hcpcs));
  if (unanswered.length > 0) {
    return broken('items', `answer every item due in refill ${cycle.cycle}: ${unanswered.join(', ')} missing`);
  }
  return { outcome: quantities.length > 0 ? 'confirmed' : 'declined', answeredOn, quantities, declined, shipNotBefore, shipBy };
}

/**
 * A refill's date of service against the window its confirmation left (PIM 5.2.6: the
 * delivery/shipping date): no sooner than the earliest shipping date, no later than the
 * contact days after the answer. A mailed refill is recorded with its ship date (the
 * date of service of a shipped item, DOMAIN.md §5).
 */
export function refillDeliveryRefusal(window: { shipNotBefore: string; shipBy: string }, deliveredOn: string): CommandRefusal | undefined {
  if (isBefore(deliveredOn, window.shipNotBefore)) {
    return broken(
      'deliveredOn',
      `a refill ships no sooner than the refill rule allows before the current supply runs out: not before ${window.shipNotBefore} ` +
        `(for a mailed refill, record the ship date) (${pim})`,
    );
  }
  if (isAfter(deliveredOn, window.shipBy)) {
    return broken(
      'deliveredOn',
      `the patient's answer is too old for a refill dated ${deliveredOn}: ship by ${window.shipBy} (for a mailed refill, record the ship date) ` +
        `or ask the patient again (${pim})`,
    );
  }
  return undefined;
}

/**
 * Where each item's supply stands after a cycle. A delivered item's new supply starts
 * when the old one runs out (delivered up to 10 days early, it would otherwise drift a
 * cycle earlier each time: five masks in a year); a declined consumable is due when what
 * remains runs out, a declined non-consumable a cycle later.
 */
export function afterCycle(
  items: readonly ResupplyItemState[],
  catalog: Catalog,
  cycleMonths: number,
  outcome: { deliveredOn?: string; delivered: string[]; declined: readonly DeclinedItem[]; dueOn: string; answeredOn?: string },
): ResupplyItemState[] {
  return items.map((item) => {
    const entry = catalogEntry(catalog, item.hcpcs)!;
    if (outcome.deliveredOn && outcome.delivered.includes(item.hcpcs)) {
      const from = isAfter(outcome.deliveredOn, item.endOfUseOn) ? outcome.deliveredOn : item.endOfUseOn;
      return { hcpcs: item.hcpcs, endOfUseOn: endOfUse(entry, from, cycleMonths) };
    }
    const declined = outcome.declined.find((candidate) => candidate.hcpcs === item.hcpcs);
    if (declined) {
      if (declined.quantityOnHand !== undefined) {
        const answeredOn = outcome.answeredOn ?? outcome.dueOn;
        const lasts = Math.max(minimumDeclineDays, Math.round(declined.quantityOnHand / dailyUse(entry)));
        return { hcpcs: item.hcpcs, endOfUseOn: addDays(answeredOn, lasts) };
      }
      const from = isAfter(item.endOfUseOn, outcome.dueOn) ? item.endOfUseOn : outcome.dueOn;
      return { hcpcs: item.hcpcs, endOfUseOn: addMonths(from, cycleMonths) };
    }
    return { ...item };
  });
}

export interface NewPlanItem {
  hcpcs: string;
  lastDeliveredOn: string;
}

/** The problems of a new plan's items and cycle, each naming its field. */
export function planProblems(
  input: { items: NewPlanItem[]; cycleMonths: number; channel: ResupplyChannel; contactPhone?: string; contactEmail?: string },
  catalog: Catalog,
  today: string,
): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (!Number.isInteger(input.cycleMonths) || input.cycleMonths < 1 || input.cycleMonths > maxCycleMonths) {
    problems.push({ field: 'cycleMonths', message: `a refill brings 1 to ${maxCycleMonths} months of supplies at a time` });
  }
  const seen = new Set<string>();
  input.items.forEach((item, index) => {
    const entry = catalogEntry(catalog, item.hcpcs);
    if (!entry) problems.push({ field: `items[${index}].hcpcs`, message: `${item.hcpcs} is not in the catalog` });
    else if (!entry.usualMaximum) {
      problems.push({ field: `items[${index}].hcpcs`, message: `${item.hcpcs} has no usual maximum in the catalog: its refill schedule is unknown` });
    }
    if (seen.has(item.hcpcs)) problems.push({ field: `items[${index}].hcpcs`, message: `${item.hcpcs} is listed twice` });
    seen.add(item.hcpcs);
    if (isAfter(item.lastDeliveredOn, today)) problems.push({ field: `items[${index}].lastDeliveredOn`, message: 'must not be in the future' });
  });
  if (input.channel === 'sms' && !input.contactPhone) problems.push({ field: 'contactPhone', message: 'text messages need a phone number' });
  if (input.channel === 'email' && !input.contactEmail) problems.push({ field: 'contactEmail', message: 'email needs an address' });
  return problems;
}
