/**
 * Posting against the database with the three-part match (issue 8, point 10): a CLP
 * whose payer or charge disagrees with the claim its CLP01 names leaves that claim
 * untouched — no ledger entry, status and amounts unchanged, no credit balance — and
 * raises a biller task saying which part disagreed; the matching CLPs of the same
 * (balanced) file post. Payer identification per 005010X221A1 1000A (REF*2U) and TRN03.
 */
import { and, eq, like } from 'drizzle-orm';
import { createRemittanceActivities, type PostedRemittance } from '../../activities/remittances';
import { claimPayments, claims, creditBalances, ledgerEntries, payers, tasks } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { build835, insertClaims, seedPatientOrder, type ClpSpec, type StoredClaim } from '../support/receivables';

let database: TestDatabase;
let posting: ReturnType<typeof createRemittanceActivities>;

beforeAll(async () => {
  database = await createTestDatabase();
  posting = createRemittanceActivities({ db: database.db });
});
afterAll(() => database.drop());

/** A CPAP month-1 claim sent to CGS Jurisdiction B (EDI payer id 17003). */
async function cpapClaim(): Promise<StoredClaim> {
  const order = await seedPatientOrder(database.db);
  const [claim] = await insertClaims(database.db, [
    { order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] },
  ]);
  return claim;
}

/** The Ohio adjudication of the CPAP line, for a claim charged `charge`. */
function paidCpap(claim: StoredClaim, icn: string, charge = 15_000): ClpSpec {
  const adjustments = [
    { group: 'CO' as const, reason: '45', amount: charge - 6_693 },
    { group: 'CO' as const, reason: '253', amount: 107 },
    { group: 'PR' as const, reason: '2', amount: 1_339 },
  ];
  return {
    pcn: claim.claimNumber,
    charge,
    paid: 5_247,
    icn,
    lines: [
      {
        hcpcs: 'E0601',
        modifiers: ['RR', 'KH', 'KX'],
        charge,
        paid: 5_247,
        allowed: 6_693,
        lineControlNumber: claim.lines[0].lineControlNumber,
        adjustments,
      },
    ],
  };
}

async function post(content: string): Promise<PostedRemittance> {
  const result = await posting.postRemittance({ content, source: 'api', user: 'bea.biller' });
  if (!result.ok) throw new Error(`not posted: ${JSON.stringify(result.problems)}`);
  return result.remittances[0];
}

/** Everything posting could have changed on a claim. */
async function footprint(claimId: string) {
  const [claim] = await database.db
    .select({ status: claims.status, paid: claims.paidAmount, pr: claims.patientResponsibility, icn: claims.payerClaimNumber })
    .from(claims)
    .where(eq(claims.id, claimId));
  const ledger = await database.db.select().from(ledgerEntries).where(eq(ledgerEntries.claimId, claimId));
  const credits = await database.db.select().from(creditBalances).where(eq(creditBalances.claimId, claimId));
  const payments = await database.db.select().from(claimPayments).where(eq(claimPayments.claimId, claimId));
  return { claim, ledger: ledger.length, credits: credits.length, payments: payments.length };
}
const untouched = { claim: { status: 'accepted', paid: 0, pr: 0, icn: null }, ledger: 0, credits: 0, payments: 0 };

const unmatchedTask = (claimId: string) =>
  database.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.claimId, claimId), eq(tasks.kind, 'remittance-unmatched')));

test.each([
  // The New York Medicaid 835 edited to carry our claim number: a payer we do not have.
  [
    'a payer we do not have (REF*2U NYMCD)',
    'payer',
    { payerIdNumber: 'NYMCD', payerName: 'NEW YORK MEDICAID' },
    15_000,
    "claim %s was sent to payer medicare-jb, but the 835's payer (REF*2U NYMCD) is none of our payers",
  ],
  [
    'another of our payers (REF*2U SMCD1, State Medicaid)',
    'payer',
    { payerIdNumber: 'SMCD1' },
    15_000,
    'claim %s was sent to payer medicare-jb, but the 835 is from payer medicaid-state (REF*2U SMCD1)',
  ],
  ['the right payer with another charge', 'charge', {}, 52_024, 'claim %s was billed at $150.00, but CLP03 says $520.24'],
])(
  'a CLP naming our claim from %s changes nothing on the claim and raises a biller task saying the %s disagrees',
  async (_, disagrees, payer: { payerIdNumber?: string; payerName?: string }, charge, reason) => {
    const claim = await cpapClaim();
    const posted = await post(
      build835({
        trace: `T-MISMATCH-${disagrees}-${charge}-${payer.payerIdNumber ?? ''}`,
        claims: [paidCpap(claim, '19000000001', charge)],
        ...payer,
      }),
    );

    const expectedReason = reason.replace('%s', claim.claimNumber);
    expect(posted.claims).toEqual([]);
    expect(posted.unmatched).toEqual([{ patientControlNumber: claim.claimNumber, disagrees, reason: expectedReason, claimId: claim.claimId }]);
    expect(await footprint(claim.claimId)).toEqual(untouched);
    const [task] = await unmatchedTask(claim.claimId);
    expect(task).toMatchObject({ role: 'biller', orderId: claim.orderId });
    expect(task.title).toContain(`${disagrees} disagrees: ${expectedReason}`);
    // No PHI: the task names ids, payer ids and amounts, never the patient in NM1*QC.
    expect(task.title).not.toMatch(/LEDGER|1EG4TE5MK73/);
  },
);

test('a balanced file with one matching and one mismatching CLP posts the match only', async () => {
  const [good, other] = [await cpapClaim(), await cpapClaim()];
  const posted = await post(build835({ trace: 'T-PARTIAL', claims: [paidCpap(good, '19000000002'), paidCpap(other, '19000000003', 16_000)] }));
  expect(posted.claims).toEqual([expect.objectContaining({ claimId: good.claimId, outcome: 'paid', paid: 5_247 })]);
  expect(posted.unmatched).toEqual([expect.objectContaining({ claimId: other.claimId, disagrees: 'charge' })]);
  expect((await footprint(good.claimId)).ledger).toBeGreaterThan(0);
  expect(await footprint(other.claimId)).toEqual(untouched);
});

test('an 835 that carries only TRN03 is matched when exactly one payer lists that TRN03', async () => {
  const claim = await cpapClaim();
  const noPayerId = (trace: string) => build835({ trace, claims: [paidCpap(claim, '19000000004')], payerIdNumber: null });
  // Unlisted: the TRN03 names none of our payers, so the claim is left alone.
  const first = await post(noPayerId('T-TRN03-UNLISTED'));
  expect(first).toMatchObject({ payerId: null, claims: [], unmatched: [expect.objectContaining({ disagrees: 'payer' })] });

  await database.db
    .update(payers)
    .set({ remittancePayerIds: ['1123456789'] })
    .where(eq(payers.id, 'medicare-jb'));
  const second = await post(noPayerId('T-TRN03-LISTED'));
  expect(second).toMatchObject({
    payerId: 'medicare-jb',
    unmatched: [],
    claims: [expect.objectContaining({ claimId: claim.claimId, outcome: 'paid' })],
  });
  await database.db.update(payers).set({ remittancePayerIds: [] }).where(eq(payers.id, 'medicare-jb'));
});

test('a CLP whose control number is none of ours says so, and its task names no claim', async () => {
  const posted = await post(build835({ trace: 'T-NO-CLAIM', claims: [{ ...paidCpap(await cpapClaim(), '19000000005'), pcn: 'NOTOURS1' }] }));
  expect(posted.unmatched).toEqual([
    { patientControlNumber: 'NOTOURS1', disagrees: 'control-number', reason: 'no claim with patient control number NOTOURS1' },
  ]);
  const [task] = await database.db
    .select()
    .from(tasks)
    .where(like(tasks.taskKey, `remittance-${posted.remittanceId}:unmatched:%`));
  expect(task).toMatchObject({ kind: 'remittance-unmatched', claimId: null, orderId: null });
  expect(task.title).toContain('control-number disagrees: no claim with patient control number NOTOURS1');
});
