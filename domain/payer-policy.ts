/**
 * Payer-level billing settings (DOMAIN.md: "every number that a payer can change
 * belongs in configuration"). Medicare is the reference; Medicaid and commercial
 * payers start from documented defaults that the payer table overrides.
 */
import { addDays, addMonths } from './calendar';
import { followUpPolicy } from './follow-up';

export type PayerKind = 'medicare' | 'medicaid' | 'commercial';

export interface PayerPolicy {
  kind: PayerKind;
  /**
   * Days from the date of service to file a claim, for payers other than Medicare: by
   * contract, often 90–180 (Medicaid by state). Medicare's limit is one calendar year in
   * law, not a number of days, so `timelyFilingDeadline` does not read this for Medicare.
   */
  timelyFilingDays: number;
  /** Whether Medicare's required prior-authorization list (DOMAIN.md §6) applies to this payer. */
  priorAuthListApplies: boolean;
  /** Whether the face-to-face encounter / written order prior to delivery list (DOMAIN.md §5) applies. */
  faceToFaceListApplies: boolean;
  /** Share of the payer's payment withheld: 2% Medicare sequestration (CARC 253), 0 elsewhere. */
  sequestrationRate: number;
  /** Patient's share of the allowed amount after the deductible: 20% under Medicare Part B. */
  coinsuranceRate: number;
  /**
   * Capped rentals: the contractor pays no month after the 11th until told the purchase
   * option was offered in month 10. (verify): some sources tie this to rentals begun
   * before 2006, when the purchase option still existed — hence a flag, off by default.
   */
  purchaseOptionHoldAfterMonth11: boolean;
  /**
   * Corrections of processed claims go through a reopening instead of a replacement
   * claim (frequency 7/8). DME MACs work this way (verify).
   */
  reopeningInsteadOfReplacement: boolean;
  /** Days to refund an identified overpayment (Medicare: 60 days, DOMAIN.md §13). */
  creditBalanceDeadlineDays: number;
  /**
   * Medicare crosses its adjudicated claims over to this payer itself (a COBA trading
   * partner: Medicare Claims Processing Manual, Pub. 100-04 ch. 28 §70.6; DOMAIN.md §15).
   * Medicare's 835 then says so (CLP02 19/20/21, remark MA18, MA07 or N89) and the
   * supplier sends this payer no claim of its own: it waits for this payer's 835. Off by
   * default; set `{ "medicareCrossover": true }` in the payer's settings.
   */
  medicareCrossover: boolean;
}

/**
 * Defaults per payer kind. Medicaid timely filing differs by state (365 days is the
 * most common, verify per state); a commercial default of 90 days is the short end of
 * the usual 90–180 so an unconfigured contract never lets a claim go late.
 * Coinsurance of a commercial plan comes from the 271 eligibility answer when known.
 */
const defaults: Record<PayerKind, PayerPolicy> = {
  medicare: {
    kind: 'medicare',
    timelyFilingDays: 365,
    priorAuthListApplies: true,
    faceToFaceListApplies: true,
    sequestrationRate: 0.02,
    coinsuranceRate: 0.2,
    purchaseOptionHoldAfterMonth11: false,
    reopeningInsteadOfReplacement: true,
    creditBalanceDeadlineDays: followUpPolicy.creditBalance.deadline.days,
    medicareCrossover: false,
  },
  medicaid: {
    kind: 'medicaid',
    timelyFilingDays: 365,
    priorAuthListApplies: false,
    faceToFaceListApplies: true,
    sequestrationRate: 0,
    coinsuranceRate: 0,
    purchaseOptionHoldAfterMonth11: false,
    reopeningInsteadOfReplacement: false,
    creditBalanceDeadlineDays: followUpPolicy.creditBalance.deadline.days,
    medicareCrossover: false,
  },
  commercial: {
    kind: 'commercial',
    timelyFilingDays: 90,
    priorAuthListApplies: false,
    faceToFaceListApplies: true,
    sequestrationRate: 0,
    coinsuranceRate: 0.2,
    purchaseOptionHoldAfterMonth11: false,
    reopeningInsteadOfReplacement: false,
    creditBalanceDeadlineDays: followUpPolicy.creditBalance.deadline.days,
    medicareCrossover: false,
  },
};

/** The policy of a payer: the defaults of its kind with the payer table's overrides on top. */
export function payerPolicy(kind: PayerKind, overrides: Partial<Omit<PayerPolicy, 'kind'>> = {}): PayerPolicy {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return { ...defaults[kind], ...defined, kind };
}

/**
 * Last day a claim for this date of service may be filed; late claims deny CO-29.
 * Rejected claims do not count as filed, so a rejection close to this date is urgent.
 *
 * Medicare: "no later than 12 months, or 1 calendar year, after the date of service"
 * (42 CFR 424.44(a)(1); Pub. 100-04 ch. 1 §70.1), the line's From date for DME rentals
 * and supplies. A calendar year is the same date a year later — DOS 2024-02-01 is due
 * by 2025-02-01 — and "claims having a date of service on February 29 must be filed by
 * February 28 of the following year" (§70.1): 365 days would be a day short whenever a
 * February 29 falls in between. Other payers: their configured number of days.
 */
export function timelyFilingDeadline(dateOfService: string, payer: Pick<PayerPolicy, 'kind' | 'timelyFilingDays'>): string {
  return payer.kind === 'medicare' ? addMonths(dateOfService, 12) : addDays(dateOfService, payer.timelyFilingDays);
}

/** The filing limit in words, for messages to staff ("one calendar year", "the 180-day limit"). */
export function timelyFilingLimit(payer: Pick<PayerPolicy, 'kind' | 'timelyFilingDays'>): string {
  return payer.kind === 'medicare' ? "Medicare's one-calendar-year limit (42 CFR 424.44)" : `the payer's ${payer.timelyFilingDays}-day limit`;
}

export type DmeMacJurisdiction = 'JA' | 'JB' | 'JC' | 'JD';

/**
 * Medicare DME claims go through CEDI to the DME MAC of the patient's permanent
 * address (DOMAIN.md §9). State lists checked against the contractors' award notices:
 * JA, JB, JC, JD as CMS named them when the DME MACs were set up (HomeCare, "CMS
 * Announces DMEPOS MACs", 2006) and unchanged since: JC in CGS's 2020 re-award notice
 * (cgsmedicare.com/jc/transition.html), JD in CMS's 2024 award (cms.gov, MACs "What's
 * New" archive: "Contract Award for DME MAC Jurisdiction D"), JB in NGS's supplier
 * manual ch. 11 before CGS took it over. Every USPS state, DC and territory code we
 * accept maps to exactly one (tests/unit/jurisdiction.test.ts).
 */
const dmeMacJurisdictions: Record<DmeMacJurisdiction, { contractor: string; states: string[] }> = {
  JA: { contractor: 'Noridian', states: ['CT', 'DE', 'DC', 'ME', 'MD', 'MA', 'NH', 'NJ', 'NY', 'PA', 'RI', 'VT'] },
  JB: { contractor: 'CGS', states: ['IL', 'IN', 'KY', 'MI', 'MN', 'OH', 'WI'] },
  JC: {
    contractor: 'CGS',
    states: ['AL', 'AR', 'CO', 'FL', 'GA', 'LA', 'MS', 'NM', 'NC', 'OK', 'SC', 'TN', 'TX', 'VA', 'WV', 'PR', 'VI'],
  },
  JD: {
    contractor: 'Noridian',
    // GU, AS, MP: the Pacific territories (Guam, American Samoa, Northern Mariana Islands).
    states: ['AK', 'AZ', 'CA', 'HI', 'ID', 'IA', 'KS', 'MO', 'MT', 'NE', 'NV', 'ND', 'OR', 'SD', 'UT', 'WA', 'WY', 'GU', 'AS', 'MP'],
  },
};

/** The DME MAC for a patient's state (USPS code), or undefined for an unknown code. */
export function dmeMacForState(state: string): DmeMacJurisdiction | undefined {
  const code = state.trim().toUpperCase();
  return (Object.keys(dmeMacJurisdictions) as DmeMacJurisdiction[]).find((jurisdiction) => dmeMacJurisdictions[jurisdiction].states.includes(code));
}
