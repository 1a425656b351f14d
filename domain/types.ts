/**
 * The shared vocabulary of the billing domain. Plain JSON shapes only (they travel
 * through workflow inputs, signals and `continueAsNew`), so no Date, Map or class.
 *
 * Money is always integer cents. Dates are ISO calendar dates `YYYY-MM-DD`.
 */

/** CMS DMEPOS fee schedule payment categories (fee file CATG column, DOMAIN.md §2). */
export type PaymentCategory =
  | 'IN' // inexpensive / routinely purchased
  | 'FS' // frequent and substantial servicing
  | 'CR' // capped rental
  | 'OX' // oxygen
  | 'PO' // prosthetics and orthotics
  | 'SU' // supplies
  | 'SD' // surgical dressings
  | 'OS' // ostomy
  | 'PE'; // parenteral / enteral pumps

export type Acquisition = 'rental' | 'purchase';

/**
 * LT / RT for one side; `bilateral` becomes two lines, LT and RT, each of `quantity`
 * units: quantity counts per side, so a pair is quantity 1.
 */
export type Side = 'LT' | 'RT' | 'bilateral';

/** BP / BR / BU for complex rehab power wheelchairs and PEN pumps. */
export type PurchaseElection = 'purchase' | 'rental' | 'undecided';

export type DocumentKind =
  | 'standard-written-order'
  | 'face-to-face-note'
  | 'written-order-prior-to-delivery'
  | 'medical-record'
  | 'sleep-study'
  | 'oxygen-test'
  | 'abn'
  | 'proof-of-delivery';

/** One line of an order as the intake staff entered it. */
export interface OrderItem {
  /** Our id for the item (stable across the order's life). */
  id: string;
  hcpcs: string;
  /** Units billed; for a sided item, per side (a bilateral pair of knee orthoses is 1). */
  quantity: number;
  acquisition: Acquisition;
  side?: Side;
  /** Used equipment on a purchase (UE instead of NU). */
  used?: boolean;
  election?: PurchaseElection;
  /** Replacement of an item (RA on the first claim). */
  replacement?: boolean;
  /** An advance beneficiary notice is on file: bill with GA. */
  abnOnFile?: boolean;
  /** Denial is expected (item not reasonable and necessary for this patient). */
  denialExpected?: boolean;
  /** Glucose supplies / monitor: the patient is insulin-treated (KX) or not (KS). */
  insulinTreated?: boolean;
  /** Hospice patient, item unrelated to the terminal condition (GW). */
  hospiceUnrelated?: boolean;
  /** Charge per unit (per month for rentals), cents, from the supplier's charge master. */
  unitCharge: number;
  /**
   * Months of use a supply's quantity covers (a refill of three months' cushions): its
   * line spans them from the delivery date, so the usual maximum is read over the span.
   */
  suppliedMonths?: number;
}

/** A service line ready to go on a claim (837P loop 2400). */
export interface ClaimLine {
  /** Order item this line bills. */
  itemId: string;
  hcpcs: string;
  /** In claim order: pricing modifier first, KX next, informational after; at most 4. */
  modifiers: string[];
  units: number;
  /** Line charge in cents (units × unit charge). */
  charge: number;
  serviceFrom: string;
  serviceTo: string;
  /** 1-based pointers into the claim's diagnosis list (at most 4). */
  diagnosisPointers: number[];
  /** Rental month within the current rental period, when this is a rental line. */
  rentalMonth?: number;
  /** Prior-auth tracking number carried on the line (power wheelchair base line). */
  priorAuthNumber?: string;
  /** Unique per line, echoed in 277CA and 835 (`REF*6R`). Assigned when the claim is built. */
  lineControlNumber?: string;
  narrative?: string;
}
