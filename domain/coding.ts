/**
 * HCPCS coding of one billing event of an order item: the claim line(s) with their
 * modifiers, units, charge and service dates (DOMAIN.md §3).
 *
 * Modifier order on a line: the pricing modifier (RR / NU / UE) first, then the
 * payment-adjusting ones that travel with it (oxygen flow, purchase election), then
 * the rental sequence (KH / KI / KJ), then KX (or KS, or an oxygen line's N1–N3), then the liability and
 * informational ones. At most four fit on a line: when more are needed the fourth is
 * 99 and the rest go into the line narrative.
 */
import { addDays, addMonths, daysBetween } from './calendar';
import { type Catalog, type CatalogEntry, catalogEntry, categoriesWithPricingModifier, defaultCatalog } from './catalog';
import { flowModifier, groupModifiers, type OxygenPrescription, usesGroupModifier } from './oxygen';
import type { PayerKind } from './payer-policy';
import type { ClaimLine, OrderItem, PaymentCategory } from './types';

export interface PurchaseEvent {
  kind: 'purchase';
  dateOfService: string;
}

/** One month of a rental period, as the rental schedule (rental.ts) produces it. */
export interface RentalMonthEvent {
  kind: 'rental-month';
  /** Rental period, 1 for the first; a new period starts after a break in need with a new order. */
  period: number;
  /** Month within the period, 1-based. */
  month: number;
  /** The anniversary date (the claim's date of service) … */
  serviceFrom: string;
  /** … to the day before the next anniversary. */
  serviceTo: string;
}

export type BillingEvent = PurchaseEvent | RentalMonthEvent;

export interface CodingOptions {
  /** The medical policy's requirements are met and documented: the line carries KX. */
  documentationComplete: boolean;
  /** 1-based pointers into the claim's diagnoses; [1] (the principal diagnosis) when omitted. */
  diagnosisPointers?: number[];
  /** Prior-auth tracking number, carried on a power wheelchair's base line (837P 2400 `REF*G1`). */
  priorAuthNumber?: string;
  catalog?: Catalog;
  /** The order's oxygen prescription: flow modifiers and the coverage group (N1–N3) of oxygen lines. */
  oxygen?: OxygenPrescription;
  /** Medicare oxygen lines from 2023-04-01 carry N1–N3 instead of KX. */
  payerKind?: PayerKind;
}

type ModifierGroup = 'pricing' | 'payment-adjusting' | 'rental-sequence' | 'policy' | 'liability' | 'informational' | 'overflow';

const groupRank: Record<ModifierGroup, number> = {
  pricing: 0,
  'payment-adjusting': 1,
  'rental-sequence': 2,
  policy: 3,
  liability: 4,
  informational: 5,
  overflow: 6,
};

/** The modifiers this system bills or accepts, with their place on the line (DOMAIN.md §3). */
export const knownModifiers: Record<string, { group: ModifierGroup; meaning: string }> = {
  RR: { group: 'pricing', meaning: 'rental' },
  NU: { group: 'pricing', meaning: 'purchase, new equipment' },
  UE: { group: 'pricing', meaning: 'purchase, used equipment' },
  MS: { group: 'pricing', meaning: 'six-month maintenance and servicing fee' },
  QE: { group: 'payment-adjusting', meaning: 'oxygen flow below 1 LPM (pays 50%)' },
  QG: { group: 'payment-adjusting', meaning: 'oxygen flow above 4 LPM (pays 150%)' },
  QF: { group: 'payment-adjusting', meaning: 'oxygen flow above 4 LPM with portable oxygen' },
  BP: { group: 'payment-adjusting', meaning: 'patient elected to purchase' },
  BR: { group: 'payment-adjusting', meaning: 'patient elected to rent' },
  BU: { group: 'payment-adjusting', meaning: 'patient made no purchase/rental decision within 30 days' },
  KH: { group: 'rental-sequence', meaning: 'first claim: purchase or first rental month' },
  KI: { group: 'rental-sequence', meaning: 'second or third rental month' },
  KJ: { group: 'rental-sequence', meaning: 'capped rental months 4–13, PEN pump months 4–15' },
  KX: { group: 'policy', meaning: "the medical policy's requirements are met" },
  KS: { group: 'policy', meaning: 'glucose monitor or supplies, patient not insulin-treated' },
  N1: { group: 'policy', meaning: 'oxygen: group I coverage criteria met' },
  N2: { group: 'policy', meaning: 'oxygen: group II coverage criteria met' },
  N3: { group: 'policy', meaning: 'oxygen: group III coverage criteria met' },
  CG: { group: 'policy', meaning: 'policy criteria met' },
  GA: { group: 'liability', meaning: 'ABN on file: the patient is liable if denied' },
  GZ: { group: 'liability', meaning: 'denial expected, no ABN: the supplier is liable' },
  GY: { group: 'liability', meaning: 'statutorily excluded or not a benefit' },
  RA: { group: 'informational', meaning: 'replacement of an item' },
  RB: { group: 'informational', meaning: 'replacement of a part in a repair' },
  LT: { group: 'informational', meaning: 'left side' },
  RT: { group: 'informational', meaning: 'right side' },
  GW: { group: 'informational', meaning: 'hospice patient, item unrelated to the terminal condition' },
  EY: { group: 'informational', meaning: 'no practitioner order' },
  '99': { group: 'overflow', meaning: 'more modifiers in the line narrative' },
};

export const maxModifiersPerLine = 4;

/** Position class of a modifier (lower comes first); unknown modifiers sort with the informational ones. */
export function modifierRank(modifier: string): number {
  const known = knownModifiers[modifier];
  return groupRank[known ? known.group : 'informational'];
}

/** Stable sort into claim order: modifiers of one group keep the order they were added in. */
export function orderModifiers(modifiers: readonly string[]): string[] {
  return [...new Set(modifiers)]
    .map((modifier, index) => ({ modifier, index }))
    .sort((a, b) => modifierRank(a.modifier) - modifierRank(b.modifier) || a.index - b.index)
    .map(({ modifier }) => modifier);
}

/** Four modifiers fit on a line; beyond that the fourth becomes 99 and the rest go to the narrative. */
export function fitModifiers(ordered: readonly string[]): { modifiers: string[]; overflow: string[] } {
  if (ordered.length <= maxModifiersPerLine) return { modifiers: [...ordered], overflow: [] };
  const kept = ordered.slice(0, maxModifiersPerLine - 1);
  return { modifiers: [...kept, '99'], overflow: ordered.slice(maxModifiersPerLine - 1) };
}

/**
 * KH / KI / KJ follow capped rentals and PEN pumps only (KJ: "capped rental months
 * 4–13, PEN pump months 4–15"). Oxygen and frequent-and-substantial-servicing items
 * bill plain RR. Inexpensive/routinely purchased items bill RR / NU / UE without the
 * sequence: DOMAIN.md §3 names no category for KH/KI, and the DME MAC billing guides
 * list only RR, NU and UE for that category (verify).
 */
const categoriesWithRentalSequence: PaymentCategory[] = ['CR', 'PE'];

/**
 * The KH / KI / KJ modifier of a rental month: KH month 1, KI months 2–3, KJ from
 * month 4 to the cap. Undefined where the category has no sequence or the month is
 * past the cap (not billable).
 */
export function rentalSequenceModifier(entry: Pick<CatalogEntry, 'category' | 'rentalCapMonths'>, month: number): 'KH' | 'KI' | 'KJ' | undefined {
  if (!categoriesWithRentalSequence.includes(entry.category)) return undefined;
  if (entry.rentalCapMonths !== null && month > entry.rentalCapMonths) return undefined;
  if (month === 1) return 'KH';
  if (month <= 3) return 'KI';
  return 'KJ';
}

const electionModifiers = { purchase: 'BP', rental: 'BR', undecided: 'BU' } as const;

/**
 * KX, or on Medicare oxygen from 2023-04-01 the coverage group's N1 / N2 / N3 in its
 * place (DOMAIN.md §3; DME MAC oxygen modifier billing reminder, Nov 2023). Without a
 * recorded qualification an oxygen line there gets neither and the scrubber holds it.
 */
function policyModifier(entry: CatalogEntry | undefined, dateOfService: string, options: CodingOptions) {
  if (entry?.category !== 'OX' || !usesGroupModifier(options.payerKind, dateOfService)) return 'KX';
  return options.oxygen ? groupModifiers[options.oxygen.qualification.group] : undefined;
}

function lineModifiers(item: OrderItem, event: BillingEvent, entry: CatalogEntry | undefined, options: CodingOptions) {
  const modifiers: string[] = [];
  const dateOfService = event.kind === 'purchase' ? event.dateOfService : event.serviceFrom;
  const firstClaim = event.kind === 'purchase' || event.month === 1;

  // Unknown codes still get the acquisition's pricing modifier; the scrubber reports the code.
  if (!entry || categoriesWithPricingModifier.includes(entry.category)) {
    modifiers.push(event.kind === 'rental-month' ? 'RR' : item.used ? 'UE' : 'NU');
  }
  const flow = entry?.oxygenSystem && options.oxygen ? flowModifier(entry.oxygenSystem, options.oxygen) : undefined;
  if (flow) modifiers.push(flow);
  if (entry?.purchaseElection) {
    // Without a recorded election the acquisition is the patient's choice.
    modifiers.push(electionModifiers[item.election ?? (event.kind === 'purchase' ? 'purchase' : 'rental')]);
  }
  if (entry && categoriesWithRentalSequence.includes(entry.category)) {
    // DOMAIN.md §3: KH marks the first claim of a purchase too (verify: some billing
    // guides say KH has not been required on purchased wheelchairs since Oct 2018).
    const sequence = event.kind === 'purchase' ? 'KH' : rentalSequenceModifier(entry, event.month);
    if (sequence) modifiers.push(sequence);
  }

  // GA, GZ, GY and KX never share a line: the liability modifier replaces KX.
  const liability = item.abnOnFile ? 'GA' : item.denialExpected ? 'GZ' : undefined;
  if (entry?.glucoseMonitoring && !item.insulinTreated) {
    modifiers.push('KS');
  } else if (options.documentationComplete && !liability) {
    const policy = policyModifier(entry, dateOfService, options);
    if (policy) modifiers.push(policy);
  }
  if (liability) modifiers.push(liability);

  if (item.replacement && firstClaim) modifiers.push('RA');
  if (item.hospiceUnrelated) modifiers.push('GW');
  return modifiers;
}

/**
 * The last day a supply's quantity is expected to last: span dates run from the delivery
 * (or shipping) date for the days the quantity lasts (NGS JB "Span Date Billing Guide": a
 * 30-day supply delivered June 25 bills June 25 to July 24). One day without a supply period.
 */
function supplyEnd(item: OrderItem, dateOfService: string): string {
  return item.suppliedMonths ? addDays(addMonths(dateOfService, item.suppliedMonths), -1) : dateOfService;
}

function narrativeOf(event: BillingEvent, overflow: string[], item: OrderItem): string | undefined {
  const parts: string[] = [];
  // A quantity for more than a month says so in the line's NTE (NHIC JA billing reminder, March 2015).
  if (event.kind === 'purchase' && item.suppliedMonths && item.suppliedMonths > 1) parts.push(`${item.suppliedMonths} month supply`);
  if (event.kind === 'rental-month' && event.period > 1 && event.month === 1) {
    parts.push(`Break in need: new rental period ${event.period} with a new order`);
  }
  if (overflow.length > 0) parts.push(`Additional modifiers: ${overflow.join(' ')}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/**
 * The claim line(s) for one billing event of an order item. A bilateral item becomes
 * two lines, LT and RT; its quantity counts per side (one knee orthosis per knee is
 * quantity 1). A rental month past the item's cap is not billable: no line.
 * Never throws on odd input (a purchase of a rental-only item, an unknown code): it
 * codes what it is asked and the scrubber reports the problem to a biller.
 */
export function codeClaimLines(item: OrderItem, event: BillingEvent, options: CodingOptions): ClaimLine[] {
  const entry = catalogEntry(options.catalog ?? defaultCatalog, item.hcpcs);
  const cap = entry?.rentalCapMonths ?? null;
  if (event.kind === 'rental-month' && cap !== null && event.month > cap) {
    return [];
  }

  const [serviceFrom, serviceTo] =
    event.kind === 'purchase' ? [event.dateOfService, supplyEnd(item, event.dateOfService)] : [event.serviceFrom, event.serviceTo];
  const units = entry?.paidDaily ? (daysBetween(serviceFrom, serviceTo) + 1) * item.quantity : item.quantity;
  const base = lineModifiers(item, event, entry, options);
  const sides: Array<'LT' | 'RT' | undefined> =
    item.side === 'bilateral' ? ['LT', 'RT'] : [item.side === 'LT' || item.side === 'RT' ? item.side : undefined];

  return sides.map((side) => {
    const { modifiers, overflow } = fitModifiers(orderModifiers(side ? [...base, side] : base));
    const line: ClaimLine = {
      itemId: item.id,
      hcpcs: item.hcpcs,
      modifiers,
      units,
      charge: units * item.unitCharge,
      serviceFrom,
      serviceTo,
      diagnosisPointers: options.diagnosisPointers?.length ? [...options.diagnosisPointers] : [1],
    };
    if (event.kind === 'rental-month') line.rentalMonth = event.month;
    if (entry?.powerWheelchair && options.priorAuthNumber) line.priorAuthNumber = options.priorAuthNumber;
    const narrative = narrativeOf(event, overflow, item);
    if (narrative) line.narrative = narrative;
    return line;
  });
}
