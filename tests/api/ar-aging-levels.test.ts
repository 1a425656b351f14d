/**
 * GET /reports/ar-aging by payer level (issue 10, point 7; DOMAIN.md §15): a claim's open
 * balance is split into what the primary, the secondary and the tertiary still owe and
 * what the patient owes, each payer at its level listed in `owedBy`, and every split
 * reconciles to the claim ledger. Claims and real 835s posted straight to the database
 * (no Temporal needed for the report).
 */
import { sql } from 'drizzle-orm';
import { createRemittanceActivities } from '../../activities/remittances';
import { buildTestApp, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { build835, insertClaims, seedPatientOrder, type ClpSpec, type LaterPayerSpec, type StoredClaim } from '../support/receivables';

let database: TestDatabase;
let call: ApiCall;
let posting: ReturnType<typeof createRemittanceActivities>;

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
  posting = createRemittanceActivities({ db: database.db });
});
afterAll(() => database.drop());

async function cpapClaim(payers: LaterPayerSpec[]): Promise<StoredClaim> {
  const order = await seedPatientOrder(database.db);
  const [claim] = await insertClaims(database.db, [
    {
      order,
      lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }],
      payers,
      submittedAt: new Date('2026-01-10T12:00:00Z'),
    },
  ]);
  return claim;
}

/** Medicare pays $52.47 of the $150.00 CPAP month, PR-2 $13.39 (DOMAIN.md §14). */
const medicare = (claim: StoredClaim, icn: string): ClpSpec => ({
  pcn: claim.claimNumber,
  charge: 15_000,
  paid: 5_247,
  icn,
  lines: [
    {
      hcpcs: 'E0601',
      modifiers: ['RR', 'KH', 'KX'],
      charge: 15_000,
      paid: 5_247,
      allowed: 6_693,
      lineControlNumber: claim.lines[0].lineControlNumber,
      adjustments: [
        { group: 'CO', reason: '45', amount: 8_307 },
        { group: 'CO', reason: '253', amount: 107 },
        { group: 'PR', reason: '2', amount: 1_339 },
      ],
    },
  ],
});

/** A Medigap plan (Acme) paying $10.00 of the coinsurance and leaving a $3.39 copay; the prior payer's part as OA-23. */
const medigap = (claim: StoredClaim, icn: string): ClpSpec => ({
  pcn: claim.claimNumber,
  status: '2',
  filingIndicator: 'CI',
  charge: 15_000,
  paid: 1_000,
  icn,
  lines: [
    {
      hcpcs: 'E0601',
      modifiers: ['RR', 'KH', 'KX'],
      charge: 15_000,
      paid: 1_000,
      lineControlNumber: claim.lines[0].lineControlNumber,
      adjustments: [
        { group: 'OA', reason: '23', amount: 13_661 },
        { group: 'PR', reason: '3', amount: 339 },
      ],
    },
  ],
});

/** Rows of a raw query, whichever driver answered (pg's result object, or an array). */
const rowsOf = <T>(result: unknown): T[] => (result as { rows?: T[] }).rows ?? (result as T[]);

async function post(content: string) {
  const result = await posting.postRemittance({ content, source: 'api', user: 'bea.biller' });
  if (!result.ok) throw new Error(`not posted: ${JSON.stringify(result.problems)}`);
  return result.remittances[0];
}

type Levels = { primary: number; secondary: number; tertiary: number };
interface OwedBy {
  level: string;
  payerId: string | null;
  claims: number;
  balance: number;
  buckets: Record<string, { claims: number; balance: number }>;
}

test('splits open balances into primary, secondary, tertiary and patient, each payer at its level, reconciling to the ledger', async () => {
  // A claim with the secondary's part still open, one whose tertiary still owes the Medigap copay, and one billed to the patient.
  const waitingForMedicaid = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state' }]);
  await post(build835({ trace: 'T-AR-1', claims: [medicare(waitingForMedicaid, '11000002001')] }));
  const waitingForTertiary = await cpapClaim([
    { level: 'secondary', payerId: 'commercial-acme' },
    { level: 'tertiary', payerId: 'medicaid-state' },
  ]);
  await post(build835({ trace: 'T-AR-2', claims: [medicare(waitingForTertiary, '11000002002')] }));
  await post(
    build835({ trace: 'T-AR-3', claims: [medigap(waitingForTertiary, 'AC00002002')], payerIdNumber: 'ACME1', payerName: 'ACME HEALTH PLAN' }),
  );
  const patientOwes = await cpapClaim([]);
  await post(build835({ trace: 'T-AR-4', claims: [medicare(patientOwes, '11000002003')] }));
  const unpaid = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state' }]);

  const response = await call('GET', '/reports/ar-aging?asOf=2026-03-01', { role: 'biller' });
  expect(response.status).toBe(200);
  const report = response.json;
  const row = (claim: StoredClaim) => report.openClaims.find((open: { claimId: string }) => open.claimId === claim.claimId);
  expect(row(waitingForMedicaid)).toMatchObject({
    payerBalance: 1_339,
    patientBalance: 0,
    levels: { primary: 0, secondary: 1_339, tertiary: 0 },
    bucket: '31-60',
  });
  expect(row(waitingForTertiary)).toMatchObject({ payerBalance: 339, patientBalance: 0, levels: { primary: 0, secondary: 0, tertiary: 339 } });
  expect(row(patientOwes)).toMatchObject({ payerBalance: 0, patientBalance: 1_339, levels: { primary: 0, secondary: 0, tertiary: 0 } });
  expect(row(unpaid)).toMatchObject({ payerBalance: 15_000, levels: { primary: 15_000, secondary: 0, tertiary: 0 }, payerLevel: 'primary' });

  const owedBy: OwedBy[] = report.owedBy;
  const owing = (level: string, payerId: string | null) => owedBy.find((entry) => entry.level === level && entry.payerId === payerId);
  expect(owing('primary', 'medicare-jb')).toMatchObject({ claims: 1, balance: 15_000 });
  expect(owing('secondary', 'medicaid-state')).toMatchObject({
    claims: 1,
    balance: 1_339,
    buckets: expect.objectContaining({ '31-60': { claims: 1, balance: 1_339 } }),
  });
  expect(owing('tertiary', 'medicaid-state')).toMatchObject({ claims: 1, balance: 339 });
  expect(owing('secondary', 'commercial-acme')).toBeUndefined();
  expect(owing('patient', null)).toMatchObject({ claims: 1, balance: 1_339 });
  expect(owedBy.map((entry) => entry.level)).toEqual(['primary', 'secondary', 'tertiary', 'patient']);

  // Every split sums back: levels to the payer balance, owedBy to the levels, buckets to their rows.
  const t = report.totals;
  const levels: Levels = t.levels;
  expect(levels.primary + levels.secondary + levels.tertiary).toBe(t.payerBalance);
  const owedAt = (level: string) => owedBy.filter((entry) => entry.level === level).reduce((total, entry) => total + entry.balance, 0);
  expect({ primary: owedAt('primary'), secondary: owedAt('secondary'), tertiary: owedAt('tertiary') }).toEqual(levels);
  expect(owedAt('patient')).toBe(t.patientBalance);
  for (const entry of owedBy) {
    expect(Object.values(entry.buckets).reduce((total, bucket) => total + bucket.balance, 0)).toBe(entry.balance);
  }
  const payerLevels = report.payers.map((payer: { totals: { levels: Levels } }) => payer.totals.levels);
  const bucketLevels = report.payers.flatMap((payer: { buckets: Record<string, { levels: Levels }> }) =>
    Object.values(payer.buckets).map((bucket) => bucket.levels),
  );
  for (const level of ['primary', 'secondary', 'tertiary'] as const) {
    expect(payerLevels.reduce((total: number, sums: Levels) => total + sums[level], 0)).toBe(levels[level]);
    expect(bucketLevels.reduce((total: number, sums: Levels) => total + sums[level], 0)).toBe(levels[level]);
  }
  expect(t.charges - t.payerPayments - t.patientPayments - t.contractualAdjustments - t.writeOffs + t.recoupments + t.refunds).toBe(
    t.payerBalance + t.patientBalance,
  );

  // And straight from the ledger: the charge opens on the primary's side, each level's entries on its own.
  const ledger = await database.db.execute(sql`
    select coalesce(payer_level, 'primary') as level, sum(amount)::int as total from ledger_entries where party = 'payer' group by 1`);
  const sides = rowsOf<{ level: string; total: number }>(ledger).reduce<Levels>((sums, side) => ({ ...sums, [side.level]: Number(side.total) }), {
    primary: 0,
    secondary: 0,
    tertiary: 0,
  });
  expect(levels).toEqual({ primary: t.charges + sides.primary, secondary: sides.secondary, tertiary: sides.tertiary });
  const [{ patient }] = rowsOf<{ patient: number }>(
    await database.db.execute(sql`select coalesce(sum(amount), 0)::int as patient from ledger_entries where party = 'patient'`),
  );
  expect(t.patientBalance).toBe(Number(patient));
});
