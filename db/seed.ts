/**
 * Reference data every installation starts with: the four Medicare DME MACs
 * (DOMAIN.md §9 — Medicare DME claims go through CEDI to the MAC of the patient's
 * permanent address), one Medicaid plan, one commercial plan and two Medigap plans, one
 * that Medicare crosses claims over to and one billed directly (DOMAIN.md §15). Together
 * they reach every coordination-of-benefits case of the sandbox payer
 * (activities/clearinghouse/README.md). Inserted once, so running it again changes
 * nothing.
 */
import type { Db } from './client';
import { payers } from './schema';

type PayerRow = typeof payers.$inferInsert;

// EDI payer ids of the DME MACs as CEDI lists them (verify against the CEDI payer list
// of the supplier's trading-partner agreement; they are data, not code).
const seedPayers: PayerRow[] = [
  {
    id: 'medicare-ja',
    name: 'Medicare DME MAC Jurisdiction A (Noridian)',
    kind: 'medicare',
    ediPayerId: '16003',
    claimFilingIndicator: 'MB',
    dmeMacJurisdiction: 'JA',
    timelyFilingDays: 365,
  },
  {
    id: 'medicare-jb',
    name: 'Medicare DME MAC Jurisdiction B (CGS)',
    kind: 'medicare',
    ediPayerId: '17003',
    claimFilingIndicator: 'MB',
    dmeMacJurisdiction: 'JB',
    timelyFilingDays: 365,
  },
  {
    id: 'medicare-jc',
    name: 'Medicare DME MAC Jurisdiction C (CGS)',
    kind: 'medicare',
    ediPayerId: '18003',
    claimFilingIndicator: 'MB',
    dmeMacJurisdiction: 'JC',
    timelyFilingDays: 365,
  },
  {
    id: 'medicare-jd',
    name: 'Medicare DME MAC Jurisdiction D (Noridian)',
    kind: 'medicare',
    ediPayerId: '19003',
    claimFilingIndicator: 'MB',
    dmeMacJurisdiction: 'JD',
    timelyFilingDays: 365,
  },
  {
    id: 'medicaid-state',
    name: 'State Medicaid',
    kind: 'medicaid',
    ediPayerId: 'SMCD1',
    claimFilingIndicator: 'MC',
    dmeMacJurisdiction: null,
    timelyFilingDays: 365,
  },
  {
    id: 'commercial-acme',
    name: 'Acme Health Plan',
    kind: 'commercial',
    ediPayerId: 'ACME1',
    claimFilingIndicator: 'CI',
    dmeMacJurisdiction: null,
    // Commercial timely filing is set by contract, often 90–180 days (DOMAIN.md §9).
    timelyFilingDays: 180,
  },
  // Medigap (Medicare supplement) plans. The 837P has no claim filing indicator of its
  // own for them (005010X222A1 SBR09 lists none): they are commercial insurers, CI.
  {
    id: 'medigap-crossover',
    name: 'Medigap Supplement Plan (Medicare crossover)',
    kind: 'commercial',
    // A Medigap insurer Medicare crosses claims over to from the claim itself is named in
    // 2330B by its COBA Medigap claim-based id: five digits starting with 5 (CMS CR 5662,
    // CR 5837). This one is made up in that form; use the insurer's own.
    ediPayerId: '55901',
    claimFilingIndicator: 'CI',
    dmeMacJurisdiction: null,
    timelyFilingDays: 365,
    // Medicare forwards its adjudicated claim (PayerPolicy.medicareCrossover): we wait for
    // this plan's 835 instead of sending it a secondary claim.
    settings: { medicareCrossover: true },
  },
  {
    id: 'medigap-direct',
    name: 'Medigap Supplement Plan (billed directly)',
    kind: 'commercial',
    ediPayerId: 'MGDR1',
    claimFilingIndicator: 'CI',
    dmeMacJurisdiction: null,
    timelyFilingDays: 365,
  },
];

export async function seedReferenceData(db: Db): Promise<void> {
  await db
    .insert(payers)
    .values(seedPayers)
    // A supplier may have edited a seeded payer: never overwrite it.
    .onConflictDoNothing({ target: payers.id });
}
