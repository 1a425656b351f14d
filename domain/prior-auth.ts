/**
 * Prior authorization (DOMAIN.md §6): which items need an affirmed request before the
 * claim, and how long an affirmation lasts. Without one the claim denies (CARC 197).
 */
import { addDays, addMonths } from './calendar';
import { type Catalog, catalogEntry, defaultCatalog, priorAuthGroups, type ValidityPeriod } from './catalog';
import type { PayerPolicy } from './payer-policy';

/**
 * True when the payer applies Medicare's required prior-authorization list and the
 * item's code is on it. Payers that do not copy the list turn it off with
 * `priorAuthListApplies: false`. Unknown codes are never on the list.
 */
export function priorAuthRequired(
  item: { hcpcs: string },
  payer: Pick<PayerPolicy, 'priorAuthListApplies'>,
  catalog: Catalog = defaultCatalog,
): boolean {
  return payer.priorAuthListApplies && catalogEntry(catalog, item.hcpcs)?.priorAuthGroup !== undefined;
}

/** How long an affirmation for this code stays valid (6 months power mobility, 1 month support surfaces…). */
export function priorAuthValidity(hcpcs: string, catalog: Catalog = defaultCatalog): ValidityPeriod | undefined {
  const group = catalogEntry(catalog, hcpcs)?.priorAuthGroup;
  return group === undefined ? undefined : priorAuthGroups[group].affirmationValid;
}

/**
 * The last date of service an affirmation decided on `decidedOn` covers. The decision
 * day counts as the first day (a 60-day affirmation from Jan 1 runs through Mar 1;
 * 6 months from Jan 15 through Jul 14): the shorter reading, so a delivery is never
 * planned on a day the contractor may consider expired.
 */
export function priorAuthValidThrough(decidedOn: string, hcpcs: string, catalog: Catalog = defaultCatalog): string | undefined {
  const validity = priorAuthValidity(hcpcs, catalog);
  if (validity === undefined) return undefined;
  return 'days' in validity ? addDays(decidedOn, validity.days - 1) : addDays(addMonths(decidedOn, validity.months), -1);
}

/** An affirmation's unique tracking number (UTN) is 14 characters (837P `REF*G1`). */
export function isUniqueTrackingNumber(value: string): boolean {
  return /^[A-Z0-9]{14}$/i.test(value);
}
