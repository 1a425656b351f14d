/**
 * The HCPCS Level II catalog: what each code is, how Medicare pays for it and what
 * its medical policy demands (DOMAIN.md §2, §5–§8). The shipped entries live in
 * `data/catalog.json`; a supplier adds or overrides entries with `createCatalog`.
 * Prices are not here: they come from the payer's fee schedule (pricing.ts).
 *
 * A catalog is plain JSON so a workflow can carry it through `continueAsNew`.
 */
import { contentVersion } from './content-version';
import catalogData from './data/catalog.json';
import type { Acquisition, DocumentKind, PaymentCategory } from './types';

/** Medicare's required prior-authorization list groups (DOMAIN.md §6). */
export type PriorAuthGroup = 'power-mobility' | 'pressure-reducing-support-surface' | 'lower-limb-prosthesis' | 'orthosis';

export type ValidityPeriod = { days: number } | { months: number };

/**
 * How long an affirmed prior-authorization request stays valid, per group (DOMAIN.md §6),
 * as the DME MACs publish it for the CMS program: CGS "Prior Authorization for DMEPOS"
 * (JC) and Noridian's "Required Prior Authorization Programs" (JA/JD) — PMD 6 months,
 * PRSS 1 month, lower limb prostheses 120 calendar days, orthoses 60 calendar days.
 */
export const priorAuthGroups: Record<PriorAuthGroup, { name: string; affirmationValid: ValidityPeriod }> = {
  'power-mobility': { name: 'Power mobility devices', affirmationValid: { months: 6 } },
  'pressure-reducing-support-surface': { name: 'Pressure-reducing support surfaces', affirmationValid: { months: 1 } },
  'lower-limb-prosthesis': { name: 'Lower-limb prostheses', affirmationValid: { days: 120 } },
  orthosis: { name: 'Orthoses', affirmationValid: { days: 60 } },
};

/** Documents a medical policy asks for on top of the order (the criteria live in the medical record since CMN/DIF ended). */
export type PolicyDocumentKind = Extract<DocumentKind, 'medical-record' | 'sleep-study' | 'oxygen-test'>;

export interface PolicyDocument {
  kind: PolicyDocumentKind;
  /** The policy rule the document proves, for the staff who chase it. */
  reason: string;
}

export interface CatalogEntry {
  hcpcs: string;
  description: string;
  category: PaymentCategory;
  /** How the item may be furnished: capped rentals, oxygen and FS items are rental only. */
  acquisitions: Acquisition[];
  /**
   * Paid rental months in one rental period: 13 capped rental, 36 oxygen, 15 PEN pump;
   * null where rent is paid while needed (FS) or limited by money, not months (IN:
   * total rent may not exceed the purchase fee).
   */
  rentalCapMonths: number | null;
  /**
   * Power wheelchairs rent at 15% / 6% of the purchase price (DOMAIN.md §2). Standard
   * ones (K0813–K0831, K0898) are rental only; complex rehab ones (K0835–K0843,
   * K0848–K0864) may be bought in the first month.
   */
  powerWheelchair?: 'standard' | 'complex-rehab';
  /** The patient elects purchase or rental: BP / BR / BU (complex rehab power wheelchairs, PEN pumps). */
  purchaseElection: boolean;
  priorAuthGroup?: PriorAuthGroup;
  /** On the face-to-face encounter and written-order-prior-to-delivery list (DOMAIN.md §5). */
  faceToFace: boolean;
  /** Usual maximum for supplies: `quantity` units per `months` months (DOMAIN.md §7). */
  usualMaximum?: { quantity: number; months: number };
  /**
   * A supply used up (a disposable filter, a disposable nebulizer) rather than replaced
   * when worn: a refill's record says how much remains, not whether it still works
   * (Program Integrity Manual ch. 5 §5.2.6; domain/resupply.ts).
   */
  consumable?: boolean;
  policyDocuments: PolicyDocument[];
  /** Glucose monitor and supplies: KX when the patient is insulin-treated, KS when not. */
  glucoseMonitoring: boolean;
  /** Paid per day of use (continuous passive motion E0935): one unit per day of the billed span. */
  paidDaily: boolean;
  /**
   * Oxygen equipment (category OX): a stationary system, whose fee the flow modifiers
   * QE / QG adjust, or a portable one (the add-on). Oxygen policy article A52514 and
   * CMS CR 9848 name the codes of each.
   */
  oxygenSystem?: 'stationary' | 'portable';
  /**
   * Units one side (LT or RT) may carry on a date of service, for items billed by side.
   * The DME MACs' joint publication "Correct Coding – RT and LT Modifier Usage Change"
   * (Dec 2018, reminded Feb 2023) bills a bilateral pair as two lines, RT and LT, of one
   * unit each; the DME MUE of the knee, ankle-foot and lower-limb prosthesis codes is 2,
   * one per side. Orthoses and prostheses (PO) default to 1; others are not sided unless
   * the catalog says so.
   */
  perSideMaximum?: number;
  note?: string;
}

/** What a supplier writes: everything a category implies may be left out (see `createCatalog`). */
export type CatalogEntryInput = Pick<CatalogEntry, 'hcpcs' | 'description' | 'category'> &
  Partial<Omit<CatalogEntry, 'hcpcs' | 'description' | 'category'>>;

export interface Catalog {
  entries: Record<string, CatalogEntry>;
}

/** Rental or purchase by payment category (DOMAIN.md §2). */
const acquisitionsByCategory: Record<PaymentCategory, Acquisition[]> = {
  IN: ['purchase', 'rental'],
  FS: ['rental'],
  CR: ['rental'],
  OX: ['rental'],
  PE: ['rental', 'purchase'],
  PO: ['purchase'],
  SU: ['purchase'],
  SD: ['purchase'],
  OS: ['purchase'],
};

/**
 * Categories priced with a pricing modifier (RR / NU / UE). Supplies, orthotics and
 * prosthetics are priced without one: their fee schedule rows carry no modifier.
 */
export const categoriesWithPricingModifier: readonly PaymentCategory[] = ['IN', 'FS', 'CR', 'OX', 'PE'];

const rentalCapByCategory: Partial<Record<PaymentCategory, number>> = { CR: 13, OX: 36, PE: 15 };

const paymentCategories = Object.keys(acquisitionsByCategory) as PaymentCategory[];
const policyDocumentKinds: PolicyDocumentKind[] = ['medical-record', 'sleep-study', 'oxygen-test'];

/** HCPCS Level II: one letter A–V and four digits. */
export const hcpcsPattern = /^[A-V][0-9]{4}$/;

function completeEntry(input: CatalogEntryInput): CatalogEntry {
  return {
    ...input,
    acquisitions: input.acquisitions ?? acquisitionsByCategory[input.category],
    rentalCapMonths: input.rentalCapMonths === undefined ? (rentalCapByCategory[input.category] ?? null) : input.rentalCapMonths,
    purchaseElection: input.purchaseElection ?? (input.category === 'PE' || input.powerWheelchair === 'complex-rehab'),
    faceToFace: input.faceToFace ?? false,
    policyDocuments: input.policyDocuments ?? [],
    glucoseMonitoring: input.glucoseMonitoring ?? false,
    paidDaily: input.paidDaily ?? false,
    ...(input.perSideMaximum !== undefined || input.category === 'PO' ? { perSideMaximum: input.perSideMaximum ?? 1 } : {}),
  };
}

function entryProblems(entry: CatalogEntry): string[] {
  const problems: string[] = [];
  const where = `catalog entry ${entry.hcpcs || '(no code)'}`;
  if (!hcpcsPattern.test(entry.hcpcs)) problems.push(`${where}: a HCPCS Level II code is one letter A–V and four digits`);
  if (!entry.description) problems.push(`${where}: a description is required`);
  if (!paymentCategories.includes(entry.category)) {
    problems.push(`${where}: category must be one of ${paymentCategories.join(', ')}`);
    return problems;
  }
  if (entry.acquisitions.length === 0) problems.push(`${where}: allow rental, purchase or both`);
  const categoryAllows = acquisitionsByCategory[entry.category];
  for (const acquisition of entry.acquisitions) {
    // Complex rehab power wheelchairs are the capped-rental items Medicare still lets a patient buy.
    const boughtPowerChair = acquisition === 'purchase' && entry.powerWheelchair === 'complex-rehab';
    if (!categoryAllows.includes(acquisition) && !boughtPowerChair) {
      problems.push(`${where}: category ${entry.category} items cannot be furnished as ${acquisition}`);
    }
  }
  if (entry.rentalCapMonths !== null && !(Number.isInteger(entry.rentalCapMonths) && entry.rentalCapMonths > 0)) {
    problems.push(`${where}: rentalCapMonths must be a positive whole number of months or null`);
  }
  if (entry.priorAuthGroup !== undefined && !(entry.priorAuthGroup in priorAuthGroups)) {
    problems.push(`${where}: priorAuthGroup must be one of ${Object.keys(priorAuthGroups).join(', ')}`);
  }
  if (entry.usualMaximum && !(entry.usualMaximum.quantity > 0 && entry.usualMaximum.months > 0)) {
    problems.push(`${where}: usualMaximum needs a positive quantity and number of months`);
  }
  if (entry.category === 'OX' && !entry.oxygenSystem) {
    problems.push(`${where}: oxygen equipment is a stationary or a portable system (oxygenSystem)`);
  }
  if (entry.oxygenSystem && entry.category !== 'OX') problems.push(`${where}: oxygenSystem applies to oxygen equipment (category OX) only`);
  if (entry.perSideMaximum !== undefined && !(Number.isInteger(entry.perSideMaximum) && entry.perSideMaximum > 0)) {
    problems.push(`${where}: perSideMaximum must be a positive whole number of units per side`);
  }
  for (const document of entry.policyDocuments) {
    if (!policyDocumentKinds.includes(document.kind)) {
      problems.push(`${where}: policy documents are ${policyDocumentKinds.join(', ')} (CMN and DIF forms ended in 2023)`);
    }
  }
  return problems;
}

/**
 * Build a catalog from entries, on top of `base` when given (a supplier's own entries
 * replace the base entry with the same code). Fields a category implies may be left
 * out: acquisitions and rental cap come from the category (CR 13, OX 36, PE 15
 * months), BP/BR/BU election applies to PEN pumps and complex rehab power
 * wheelchairs, the rest default to false / empty. Throws listing every bad entry:
 * a catalog is configuration, checked once at start-up.
 */
export function createCatalog(entries: readonly CatalogEntryInput[], base?: Catalog): Catalog {
  const catalog: Record<string, CatalogEntry> = { ...(base?.entries ?? {}) };
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const input of entries) {
    const entry = completeEntry(input);
    if (seen.has(entry.hcpcs)) problems.push(`catalog entry ${entry.hcpcs}: listed twice`);
    seen.add(entry.hcpcs);
    problems.push(...entryProblems(entry));
    catalog[entry.hcpcs] = entry;
  }
  if (problems.length > 0) throw new Error(`Invalid catalog:\n- ${problems.join('\n- ')}`);
  return { entries: catalog };
}

/** The shipped catalog (data/catalog.json): every code of DOMAIN.md §8, the §6 prior-auth list and the §7 PAP supplies. */
export const defaultCatalog: Catalog = createCatalog(catalogData as CatalogEntryInput[]);

export function catalogEntry(catalog: Catalog, hcpcs: string): CatalogEntry | undefined {
  return Object.prototype.hasOwnProperty.call(catalog.entries, hcpcs) ? catalog.entries[hcpcs] : undefined;
}

/** For callers that validated the order against the catalog already (intake does). */
export function requireCatalogEntry(catalog: Catalog, hcpcs: string): CatalogEntry {
  const entry = catalogEntry(catalog, hcpcs);
  if (!entry) throw new Error(`HCPCS ${hcpcs} is not in the catalog: add it with createCatalog before ordering it`);
  return entry;
}

/**
 * Units a patient may receive of a supply over `months` months under its usual
 * maximum (DOMAIN.md §7), e.g. A7038 (2 per month) over 3 months = 6. Undefined when
 * the policy sets no usual maximum. A span shorter than the policy period still
 * allows one period's quantity (one full face mask on a single date of service).
 */
export function usualMaximumUnits(entry: CatalogEntry, months: number): number | undefined {
  if (!entry.usualMaximum) return undefined;
  return entry.usualMaximum.quantity * Math.max(1, Math.ceil(months / entry.usualMaximum.months));
}

/**
 * The part of the catalog one order needs, as the order workflow carries it (plain JSON,
 * DESIGN.md: reference data reaches a workflow through an activity): the entries of its
 * codes and the version of the catalog they came from. Editing catalog.json then changes
 * new orders only; a running order keeps coding, documenting and renting by what it loaded,
 * so its replay never changes.
 */
export interface CatalogSnapshot {
  version: string;
  entries: CatalogEntry[];
}

/** A short content version of a catalog: the same entries, the same version. */
function catalogVersion(catalog: Catalog): string {
  return contentVersion(
    Object.keys(catalog.entries)
      .sort()
      .map((code) => catalog.entries[code]),
  );
}

export function catalogSnapshot(catalog: Catalog, codes: readonly string[]): CatalogSnapshot {
  const entries = [...new Set(codes)].sort().flatMap((code) => catalogEntry(catalog, code) ?? []);
  return { version: catalogVersion(catalog), entries };
}

/** The carried entries as a catalog for the domain rules. */
export function catalogFromSnapshot(snapshot: CatalogSnapshot): Catalog {
  return { entries: Object.fromEntries(snapshot.entries.map((entry) => [entry.hcpcs, entry])) };
}
