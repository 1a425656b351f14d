/**
 * Coordination of benefits in posting (issue 10, points 2, 3 and 7; DOMAIN.md §11, §13,
 * §15): each payer's 835 posts onto the same claim at its own level; the patient
 * responsibility of a payer that has a next payer moves to that payer's side, and only
 * the last payer's PR is the patient's; a crossover (005010X221A1 CLP02 19/20/21 with
 * RARC MA18, MA07 or N89) marks the next payer's row; credit balances are the whole
 * claim's and name the payer that overpaid. Real 835 text against real Postgres.
 *
 * The claim throughout: a CPAP month 1 (E0601 RR KH KX) charged $150.00 in Ohio, which
 * Medicare allows at $66.93 and pays 80% less 2% sequestration = $52.47 (CO-45 $83.07,
 * CO-253 $1.07), leaving the patient's 20% coinsurance, PR-2 $13.39 (DOMAIN.md §14). A
 * later payer's CLP carries the full charge (CLP03) and reports the prior payers' part
 * as OA-23 "impact of prior payer(s) adjudication" (CARC 23), so it balances:
 * $150.00 − $136.61 = $13.39.
 */
import { and, eq, sql } from 'drizzle-orm';
import { createCreditBalanceActivities } from '../../activities/credit-balances';
import { createRemittanceActivities, remittanceSignals, type PostedRemittance } from '../../activities/remittances';
import { claimPayers, claimPayments, claims, creditBalances, ledgerEntries } from '../../db/schema';
import { claimBalances, creditBalancesOf, ledgerMovements, nextPayerAfter, splitClaimPayment } from '../../domain/posting';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { build835, insertClaims, seedPatientOrder, type Cas, type ClpSpec, type LaterPayerSpec, type StoredClaim } from '../support/receivables';

describe('splitClaimPayment at a later payer: its contractual adjustments write off only what was left to it', () => {
  /** Medicaid's CLP on the claim whose $13.39 coinsurance Medicare passed to it. */
  const secondary = (paid: number, adjustments: Cas[]) =>
    splitClaimPayment({
      status: '2',
      paid,
      adjustments: [],
      remarkCodes: [],
      alreadyPaid: false,
      lines: [{ paid, adjustments, remarkCodes: [], alreadyPaid: false }],
      laterPayer: { balance: 1_339, contractual: 0 },
    });

  test.each([
    {
      name: 'Medicaid pays the coinsurance: OA-23 is the prior payer’s part, nothing is written off here',
      split: secondary(1_339, [{ group: 'OA', reason: '23', amount: 13_661 }]),
      expected: { payerPayment: 1_339, contractual: 0, patientResponsibility: 0, denied: [], duplicatePayment: 0 },
    },
    {
      name: 'a payer reporting the prior payer’s part as CO-45 instead writes off nothing more either',
      split: secondary(1_339, [{ group: 'CO', reason: '45', amount: 13_661 }]),
      expected: { payerPayment: 1_339, contractual: 0, patientResponsibility: 0, denied: [], duplicatePayment: 0 },
    },
    {
      name: 'Medicaid allows less than the coinsurance: it pays $10.00 and its CO-45 writes off the other $3.39 (never billed to a dual-eligible patient)',
      split: secondary(1_000, [
        { group: 'OA', reason: '23', amount: 13_661 },
        { group: 'CO', reason: '45', amount: 339 },
      ]),
      expected: { payerPayment: 1_000, contractual: 339, patientResponsibility: 0, denied: [], duplicatePayment: 0 },
    },
    {
      name: 'a Medigap plan that leaves a copay: PR-3 moves on, the rest is the prior payer’s',
      split: secondary(1_000, [
        { group: 'OA', reason: '23', amount: 13_661 },
        { group: 'PR', reason: '3', amount: 339 },
      ]),
      expected: { payerPayment: 1_000, contractual: 0, patientResponsibility: 339, denied: [], duplicatePayment: 0 },
    },
    {
      name: 'a secondary paying more than was left to it: the money posts in full, no write-off hides it',
      split: secondary(2_000, [{ group: 'OA', reason: '23', amount: 13_000 }]),
      expected: { payerPayment: 2_000, contractual: 0, patientResponsibility: 0, denied: [], duplicatePayment: 0 },
    },
  ])('$name', ({ split, expected }) => {
    expect(split).toEqual(expected);
  });
});

describe('ledgerMovements: where one CLP’s money and PR go', () => {
  const split = { payerPayment: 5_247, contractual: 8_414, patientResponsibility: 1_339, denied: [], duplicatePayment: 0 };
  const medicare = { payerId: 'medicare-jb', level: 'primary' as const };
  const medicaid = { payerId: 'medicaid-state', level: 'secondary' as const };

  test('with a next payer, the PR moves from the primary’s side to the secondary’s, not to the patient', () => {
    expect(ledgerMovements(split, medicare, medicaid).map(({ what, side, amount }) => [what, side, amount])).toEqual([
      ['payment', { party: 'payer', ...medicare }, -5_247],
      ['contractual', { party: 'payer', ...medicare }, -8_414],
      ['pr-payer', { party: 'payer', ...medicare }, -1_339],
      ['pr-next', { party: 'payer', ...medicaid }, 1_339],
    ]);
  });

  test('the last payer’s PR is the patient’s', () => {
    expect(
      ledgerMovements({ ...split, payerPayment: 1_000, contractual: 0, patientResponsibility: 339 }, medicaid, null).map(({ what, side, amount }) => [
        what,
        side,
        amount,
      ]),
    ).toEqual([
      ['payment', { party: 'payer', ...medicaid }, -1_000],
      ['pr-payer', { party: 'payer', ...medicaid }, -339],
      ['pr-patient', { party: 'patient' }, 339],
    ]);
  });

  test('a skipped payer is passed over for the next one above it, and none above the last', () => {
    const payers = [
      { level: 'primary' as const, status: 'adjudicated' as const },
      { level: 'secondary' as const, status: 'skipped' as const },
      { level: 'tertiary' as const, status: 'pending' as const },
    ];
    expect(nextPayerAfter('primary', payers)?.level).toBe('tertiary');
    expect(nextPayerAfter('tertiary', payers)).toBeNull();
    expect(nextPayerAfter('primary', [payers[0]])).toBeNull();
  });
});

describe('creditBalancesOf over the whole claim, in billing order', () => {
  const balances = (primary: number, secondary: number, patient: number) =>
    claimBalances(15_000, [
      { party: 'payer', payerLevel: 'primary', amount: primary - 15_000 },
      { party: 'payer', payerLevel: 'secondary', amount: secondary },
      { party: 'patient', amount: patient },
    ]);
  const none = { duplicatePayments: {}, writtenOff: false };

  test.each([
    ['Medicare paid, Medicaid paid the coinsurance passed to it: nothing', balances(0, 0, 0), none, []],
    ['the secondary’s 835 posted before the primary’s: the primary’s open side carries it, nothing', balances(15_000, -1_339, 0), none, []],
    [
      'Medicare paid twice while the secondary still owes the coinsurance: Medicare’s whole second payment',
      balances(-5_247, 1_339, 0),
      { duplicatePayments: { primary: 5_247 }, writtenOff: false },
      [{ party: 'payer', level: 'primary', amount: 5_247, reason: 'duplicate-payment' }],
    ],
    [
      'the secondary paid $6.61 more than the $13.39 left to it',
      balances(0, -661, 0),
      none,
      [{ party: 'payer', level: 'secondary', amount: 661, reason: 'overpayment' }],
    ],
    ['the patient prepaid the coinsurance the secondary still owes: nothing yet', balances(0, 1_339, -1_339), none, []],
    [
      'the patient prepaid it and the secondary paid it too: the patient is refunded',
      balances(0, 0, -1_339),
      none,
      [{ party: 'patient', amount: 1_339, reason: 'patient-overpayment' }],
    ],
  ])('%s', (_, claim, history, expected) => {
    expect(creditBalancesOf(claim, history)).toEqual(expected);
  });
});

describe('posting each payer’s 835 at its level', () => {
  let database: TestDatabase;
  let posting: ReturnType<typeof createRemittanceActivities>;

  beforeAll(async () => {
    database = await createTestDatabase();
    posting = createRemittanceActivities({ db: database.db });
  });
  afterAll(() => database.drop());

  /** A Medicare CPAP claim with the later payers given (State Medicaid SMCD1, Acme Health Plan ACME1 as a Medigap plan). */
  async function cpapClaim(payers: LaterPayerSpec[]): Promise<StoredClaim> {
    const order = await seedPatientOrder(database.db);
    const [claim] = await insertClaims(database.db, [
      { order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }], payers },
    ]);
    return claim;
  }

  /** Medicare's adjudication: $52.47 paid, PR-2 $13.39; CLP02 1, or 19 with the crossover remark. */
  const medicare = (claim: StoredClaim, icn: string, crossover?: 'MA18' | 'MA07'): ClpSpec => ({
    pcn: claim.claimNumber,
    status: crossover ? '19' : '1',
    charge: 15_000,
    paid: 5_247,
    icn,
    ...(crossover ? { remarks: [crossover] } : {}),
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

  /** A later payer's CLP: the full charge, `paid`, the prior payers' part as OA-23 and any further CAS. */
  const later = (claim: StoredClaim, icn: string, status: '2' | '3', paid: number, extra: Cas[] = [], filingIndicator = 'MC'): ClpSpec => {
    const priorPart = 15_000 - paid - extra.reduce((total, adjustment) => total + adjustment.amount, 0);
    return {
      pcn: claim.claimNumber,
      status,
      filingIndicator,
      charge: 15_000,
      paid,
      icn,
      lines: [
        {
          hcpcs: 'E0601',
          modifiers: ['RR', 'KH', 'KX'],
          charge: 15_000,
          paid,
          lineControlNumber: claim.lines[0].lineControlNumber,
          adjustments: [{ group: 'OA', reason: '23', amount: priorPart }, ...extra],
        },
      ],
    };
  };
  const fromMedicaid = { payerIdNumber: 'SMCD1', payerName: 'STATE MEDICAID' };
  const fromAcme = { payerIdNumber: 'ACME1', payerName: 'ACME HEALTH PLAN' };

  async function post(content: string): Promise<PostedRemittance> {
    const result = await posting.postRemittance({ content, source: 'api', user: 'bea.biller' });
    if (!result.ok) throw new Error(`not posted: ${JSON.stringify(result.problems)}`);
    return result.remittances[0];
  }

  /** Each side of the claim from its ledger. */
  async function sides(claimId: string) {
    const rows = await database.db
      .select({ party: ledgerEntries.party, payerLevel: ledgerEntries.payerLevel, total: sql<number>`sum(${ledgerEntries.amount})::int` })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.claimId, claimId))
      .groupBy(ledgerEntries.party, ledgerEntries.payerLevel);
    const [claim] = await database.db.select().from(claims).where(eq(claims.id, claimId));
    const { levels, patient } = claimBalances(
      claim.totalCharge,
      rows.map((row) => ({ party: row.party, payerLevel: row.payerLevel, amount: row.total })),
    );
    return { ...levels, patient };
  }
  const payerRow = async (claimId: string, level: 'primary' | 'secondary' | 'tertiary') =>
    (
      await database.db
        .select()
        .from(claimPayers)
        .where(and(eq(claimPayers.claimId, claimId), eq(claimPayers.level, level)))
    )[0];
  const creditsOf = (claimId: string) => database.db.select().from(creditBalances).where(eq(creditBalances.claimId, claimId));

  test('Medicare primary pays with PR-2 coinsurance, then the Medicaid secondary (CLP02 2) pays it: posted at secondary, no credit balance, the patient owes nothing', async () => {
    const claim = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state' }]);
    const primary = await post(build835({ trace: 'T-COB-MCR-1', claims: [medicare(claim, '11000000101')] }));
    expect(primary.claims).toEqual([
      expect.objectContaining({ level: 'primary', crossover: false, nextLevel: 'secondary', paid: 5_247, patientResponsibility: 1_339 }),
    ]);
    // The coinsurance is the secondary's to pay, not the patient's (DOMAIN.md §15).
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 1_339, tertiary: 0, patient: 0 });
    expect(await payerRow(claim.claimId, 'primary')).toMatchObject({
      status: 'adjudicated',
      payerClaimNumber: '11000000101',
      adjudicatedOn: '2026-02-13',
      paidAmount: 5_247,
    });

    const secondary = await post(build835({ trace: 'T-COB-MCD-1', claims: [later(claim, 'MCD0000101', '2', 1_339)], ...fromMedicaid }));
    expect(secondary).toMatchObject({ payerId: 'medicaid-state', unmatched: [], creditBalances: [] });
    expect(secondary.claims).toEqual([
      {
        claimId: claim.claimId,
        claimNumber: claim.claimNumber,
        outcome: 'paid',
        level: 'secondary',
        crossover: false,
        paid: 1_339,
        patientResponsibility: 0,
      },
    ]);
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 0, tertiary: 0, patient: 0 });
    expect(await creditsOf(claim.claimId)).toEqual([]);
    expect(await payerRow(claim.claimId, 'secondary')).toMatchObject({
      status: 'adjudicated',
      payerClaimNumber: 'MCD0000101',
      adjudicatedOn: '2026-02-13',
      paidAmount: 1_339,
    });
    const [row] = await database.db.select().from(claims).where(eq(claims.id, claim.claimId));
    // Claim totals over all payers; the ICN on the claim stays the primary's (status inquiries go to the primary).
    expect(row).toMatchObject({ status: 'paid', paidAmount: 6_586, patientResponsibility: 0, payerClaimNumber: '11000000101' });
    const payments = await database.db.select().from(claimPayments).where(eq(claimPayments.claimId, claim.claimId));
    expect(payments.map((payment) => [payment.payerId, payment.payerLevel, payment.paid]).sort()).toEqual([
      ['medicaid-state', 'secondary', 1_339],
      ['medicare-jb', 'primary', 5_247],
    ]);
    const entries = await database.db
      .select()
      .from(ledgerEntries)
      .where(and(eq(ledgerEntries.claimId, claim.claimId), eq(ledgerEntries.remittanceId, secondary.remittanceId)));
    expect(entries.map((entry) => [entry.party, entry.payerId, entry.payerLevel, entry.kind, entry.amount])).toEqual([
      ['payer', 'medicaid-state', 'secondary', 'payer-payment', -1_339],
    ]);
  });

  test('Medicare CLP02 19 with MA18 marks the Medigap row crossover and puts the coinsurance on its side; the Medigap 835 (CLP02 2) then posts', async () => {
    const claim = await cpapClaim([{ level: 'secondary', payerId: 'commercial-acme' }]);
    const primary = await post(build835({ trace: 'T-COB-XOVER-1', claims: [medicare(claim, '11000000201', 'MA18')] }));
    expect(primary.claims[0]).toMatchObject({ outcome: 'paid', level: 'primary', crossover: true, nextLevel: 'secondary' });
    expect(remittanceSignals([primary], 'bea.biller')).toEqual([
      {
        user: 'bea.biller',
        claimId: claim.claimId,
        outcome: 'paid',
        paidAmount: 5_247,
        remittanceId: primary.remittanceId,
        level: 'primary',
        crossover: true,
        nextLevel: 'secondary',
      },
    ]);
    const crossed = await payerRow(claim.claimId, 'secondary');
    expect(crossed).toMatchObject({ status: 'crossover', payerId: 'commercial-acme' });
    expect(crossed.note).toContain('MA18');
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 1_339, tertiary: 0, patient: 0 });

    const medigap = await post(build835({ trace: 'T-COB-MEDIGAP-1', claims: [later(claim, 'AC00000201', '2', 1_339, [], 'CI')], ...fromAcme }));
    expect(medigap.claims[0]).toMatchObject({ outcome: 'paid', level: 'secondary', crossover: false, paid: 1_339 });
    expect(medigap.claims[0].nextLevel).toBeUndefined();
    expect(medigap.creditBalances).toEqual([]);
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 0, tertiary: 0, patient: 0 });
    expect(await payerRow(claim.claimId, 'secondary')).toMatchObject({ status: 'adjudicated', payerClaimNumber: 'AC00000201', paidAmount: 1_339 });
  });

  test('a crossover without a next payer on file is still reported, and the PR is the patient’s', async () => {
    const claim = await cpapClaim([]);
    const primary = await post(build835({ trace: 'T-COB-XOVER-ALONE', claims: [medicare(claim, '11000000301', 'MA07')] }));
    expect(primary.claims[0]).toMatchObject({ level: 'primary', crossover: true });
    expect(primary.claims[0].nextLevel).toBeUndefined();
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 0, tertiary: 0, patient: 1_339 });
  });

  test('a secondary paying more than was left to it is a credit balance naming the secondary, refunded back onto its side', async () => {
    const claim = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state' }]);
    await post(build835({ trace: 'T-COB-OVER-MCR', claims: [medicare(claim, '11000000401')] }));
    const over = await post(build835({ trace: 'T-COB-OVER-MCD', claims: [later(claim, 'MCD0000401', '2', 2_000)], ...fromMedicaid }));
    expect(over.claims[0]).toMatchObject({ level: 'secondary', paid: 2_000 });
    expect(over.claims[0].duplicatePayment).toBeUndefined();
    expect(over.creditBalances).toEqual([
      { creditBalanceId: expect.any(String), claimId: claim.claimId, party: 'payer', payerId: 'medicaid-state', amount: 661, reason: 'overpayment' },
    ]);
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: -661, tertiary: 0, patient: 0 });
    const [credit] = await creditsOf(claim.claimId);
    expect(credit).toMatchObject({ status: 'open', party: 'payer', payerId: 'medicaid-state', amount: 661 });

    const refunds = createCreditBalanceActivities({ db: database.db });
    const asOf = '2026-02-20T12:00:00Z';
    expect(
      await refunds.resolveCreditBalance({
        creditBalanceId: credit.id,
        resolution: 'refund-to-payer',
        reference: 'EFT 12',
        user: 'bea.biller',
        asOf,
      }),
    ).toEqual({
      resolved: true,
    });
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 0, tertiary: 0, patient: 0 });
  });

  test('the same secondary paying the same line twice is a duplicate payment against that payer', async () => {
    const claim = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state' }]);
    await post(build835({ trace: 'T-COB-DUP-MCR', claims: [medicare(claim, '11000000501')] }));
    const first = await post(build835({ trace: 'T-COB-DUP-MCD-1', claims: [later(claim, 'MCD0000501', '2', 1_339)], ...fromMedicaid }));
    expect(first.claims[0].duplicatePayment).toBeUndefined();
    const again = await post(build835({ trace: 'T-COB-DUP-MCD-2', claims: [later(claim, 'MCD0000502', '2', 1_339)], ...fromMedicaid }));
    expect(again.claims[0]).toMatchObject({ level: 'secondary', duplicatePayment: 1_339 });
    expect(again.creditBalances).toEqual([
      {
        creditBalanceId: expect.any(String),
        claimId: claim.claimId,
        party: 'payer',
        payerId: 'medicaid-state',
        amount: 1_339,
        reason: 'duplicate-payment',
      },
    ]);
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: -1_339, tertiary: 0, patient: 0 });
  });

  test('a tertiary: Medicare, then a Medigap plan leaving a $3.39 copay, then Medicaid (CLP02 3) paying it; nothing left for the patient', async () => {
    const claim = await cpapClaim([
      { level: 'secondary', payerId: 'commercial-acme' },
      { level: 'tertiary', payerId: 'medicaid-state' },
    ]);
    const primary = await post(build835({ trace: 'T-COB-TER-MCR', claims: [medicare(claim, '11000000601')] }));
    expect(primary.claims[0]).toMatchObject({ level: 'primary', nextLevel: 'secondary' });
    const secondary = await post(
      build835({
        trace: 'T-COB-TER-ACME',
        claims: [later(claim, 'AC00000601', '2', 1_000, [{ group: 'PR', reason: '3', amount: 339 }], 'CI')],
        ...fromAcme,
      }),
    );
    expect(secondary.claims[0]).toMatchObject({ level: 'secondary', nextLevel: 'tertiary', paid: 1_000, patientResponsibility: 339 });
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 0, tertiary: 339, patient: 0 });

    const tertiary = await post(build835({ trace: 'T-COB-TER-MCD', claims: [later(claim, 'MCD0000601', '3', 339)], ...fromMedicaid }));
    expect(tertiary.claims[0]).toMatchObject({ outcome: 'paid', level: 'tertiary', paid: 339 });
    expect(tertiary.claims[0].nextLevel).toBeUndefined();
    expect(tertiary.creditBalances).toEqual([]);
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 0, tertiary: 0, patient: 0 });
    const [row] = await database.db.select().from(claims).where(eq(claims.id, claim.claimId));
    expect(row).toMatchObject({ paidAmount: 6_586, patientResponsibility: 0 });
    expect(
      (await database.db.select().from(claimPayers).where(eq(claimPayers.claimId, claim.claimId)))
        .map((payer) => [payer.level, payer.status, payer.paidAmount])
        .sort(),
    ).toEqual([
      ['primary', 'adjudicated', 5_247],
      ['secondary', 'adjudicated', 1_000],
      ['tertiary', 'adjudicated', 339],
    ]);
  });

  test('Medicaid paying nothing because Medicare paid more than it allows settles the claim: the coinsurance is written off, never billed to the patient', async () => {
    const claim = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state' }]);
    await post(build835({ trace: 'T-COB-LESSER-MCR', claims: [medicare(claim, '11000000701')] }));
    const medicaid = await post(
      build835({
        trace: 'T-COB-LESSER-MCD',
        claims: [later(claim, 'MCD0000701', '2', 0, [{ group: 'CO', reason: '45', amount: 1_339 }])],
        ...fromMedicaid,
      }),
    );
    expect(medicaid.claims[0]).toMatchObject({ outcome: 'paid', level: 'secondary', paid: 0 });
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 0, tertiary: 0, patient: 0 });
  });

  test('a secondary’s reversal puts the coinsurance back on its side, and no credit balance is left', async () => {
    const claim = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state' }]);
    await post(build835({ trace: 'T-COB-REV-MCR', claims: [medicare(claim, '11000000801')] }));
    await post(build835({ trace: 'T-COB-REV-MCD-1', claims: [later(claim, 'MCD0000801', '2', 1_339)], ...fromMedicaid }));
    const paid = later(claim, 'MCD0000801', '2', 1_339);
    const reversal: ClpSpec = {
      ...paid,
      status: '22',
      charge: -paid.charge,
      paid: -paid.paid,
      lines: paid.lines.map((line) => ({
        ...line,
        charge: -line.charge,
        paid: -line.paid,
        adjustments: line.adjustments.map((adjustment) => ({ ...adjustment, amount: -adjustment.amount })),
      })),
    };
    const reversed = await post(build835({ trace: 'T-COB-REV-MCD-2', claims: [reversal], ...fromMedicaid }));
    expect(reversed.claims[0]).toMatchObject({ outcome: 'reversed', level: 'secondary', paid: -1_339 });
    expect(reversed.creditBalances).toEqual([]);
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 1_339, tertiary: 0, patient: 0 });
    expect(await payerRow(claim.claimId, 'secondary')).toMatchObject({ paidAmount: 0, payerClaimNumber: 'MCD0000801' });
  });

  test('a skipped secondary is passed over: the primary’s PR is the patient’s', async () => {
    const claim = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state', status: 'skipped' }]);
    const primary = await post(build835({ trace: 'T-COB-SKIPPED', claims: [medicare(claim, '11000000901')] }));
    expect(primary.claims[0].nextLevel).toBeUndefined();
    expect(await sides(claim.claimId)).toEqual({ primary: 0, secondary: 0, tertiary: 0, patient: 1_339 });
    const [row] = await database.db.select().from(claims).where(eq(claims.id, claim.claimId));
    expect(row.patientResponsibility).toBe(1_339);
  });

  test('an 835 from a payer that is not among the claim’s payers is unmatched and changes nothing', async () => {
    const claim = await cpapClaim([{ level: 'secondary', payerId: 'medicaid-state' }]);
    await post(build835({ trace: 'T-COB-STRANGER-MCR', claims: [medicare(claim, '11000001001')] }));
    const before = await sides(claim.claimId);
    const stranger = await post(build835({ trace: 'T-COB-STRANGER', claims: [later(claim, 'AC00001001', '2', 1_339, [], 'CI')], ...fromAcme }));
    expect(stranger.claims).toEqual([]);
    expect(stranger.unmatched).toEqual([
      {
        patientControlNumber: claim.claimNumber,
        disagrees: 'payer',
        reason: `claim ${claim.claimNumber} was sent to payers medicare-jb (primary), medicaid-state (secondary), but the 835 is from payer commercial-acme (REF*2U ACME1)`,
        claimId: claim.claimId,
      },
    ]);
    expect(await sides(claim.claimId)).toEqual(before);
    expect(await payerRow(claim.claimId, 'secondary')).toMatchObject({ status: 'pending', paidAmount: 0 });
  });
});
