/**
 * Prior authorization (DOMAIN.md §6): which items need an affirmed request before the
 * claim, and how long an affirmation lasts. Without one the claim denies (CARC 197).
 */
import { addDays, addMonths, isAfter } from './calendar';
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
 * The last date of service an affirmation decided on `decidedOn` covers: the validity
 * counted from the day after the decision, as the contractors word it — "deliver the
 * item within 6 months following the determination" (CGS, PMD prior authorization,
 * what suppliers need to know); "decision is valid for 120 calendar days / 60 calendar
 * days / 6 months / 1 month" (CGS JC and Noridian JA/JD prior-authorization pages).
 * A 60-day affirmation of Jan 1 runs through Mar 2; 6 months from Jan 15 through Jul 15;
 * a month from Jan 31 through Feb 28. The sources do not say whether the decision day
 * counts (verify); this is the latest reading, used as a cap on what staff record, and
 * the decision letter's own date, when earlier, is the one kept.
 */
export function priorAuthValidThrough(decidedOn: string, hcpcs: string, catalog: Catalog = defaultCatalog): string | undefined {
  const validity = priorAuthValidity(hcpcs, catalog);
  if (validity === undefined) return undefined;
  return 'days' in validity ? addDays(decidedOn, validity.days) : addMonths(decidedOn, validity.months);
}

/**
 * The latest expiry an affirmation decided on `decidedOn` may carry for these items: one
 * request covers the order's items, so the shortest validity among them decides.
 * Undefined when none of the codes needs prior authorization.
 */
export function affirmationLatestExpiry(decidedOn: string, hcpcs: readonly string[], catalog: Catalog = defaultCatalog): string | undefined {
  const limits = hcpcs.flatMap((code) => priorAuthValidThrough(decidedOn, code, catalog) ?? []);
  return limits.length === 0 ? undefined : limits.sort()[0];
}

/** Why an affirmation's expiry cannot be recorded as given (past what the policy allows), or undefined when it can. */
export function affirmationExpiryProblem(
  affirmation: { expiresOn: string; decidedOn: string; hcpcs: readonly string[] },
  catalog: Catalog = defaultCatalog,
): string | undefined {
  const latest = affirmationLatestExpiry(affirmation.decidedOn, affirmation.hcpcs, catalog);
  if (latest === undefined || !isAfter(affirmation.expiresOn, latest)) return undefined;
  const limiting = affirmation.hcpcs.find((code) => priorAuthValidThrough(affirmation.decidedOn, code, catalog) === latest)!;
  const group = priorAuthGroups[catalogEntry(catalog, limiting)!.priorAuthGroup!];
  const period =
    'days' in group.affirmationValid
      ? `${group.affirmationValid.days} days`
      : `${group.affirmationValid.months} month${group.affirmationValid.months === 1 ? '' : 's'}`;
  return (
    `must be on or before ${latest}: an affirmation for ${limiting} (${group.name.toLowerCase()}) decided on ` +
    `${affirmation.decidedOn} is valid ${period} (Medicare required prior-authorization list)`
  );
}

/** An affirmation's unique tracking number (UTN) is 14 characters (837P `REF*G1`). */
export function isUniqueTrackingNumber(value: string): boolean {
  return /^[A-Z0-9]{14}$/i.test(value);
}
