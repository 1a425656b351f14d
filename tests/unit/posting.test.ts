/**
 * Posting arithmetic: the pure split of a CLP into ledger amounts, then real 835 files
 * posted against the database — full payment with deductible, coinsurance and
 * sequestration; an underpayment; a partial payment; a line denied beside a paid one;
 * a reversal and repayment; a duplicate payment recovered by PLB WO. Every posted
 * remittance must balance to the cent against the file.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { createRemittanceActivities, type PostedRemittance } from '../../activities/remittances';
import {
  adjustments,
  claimLines,
  claimPayments,
  claims,
  creditBalances,
  ledgerEntries,
  providerAdjustments,
  remittances,
  tasks,
} from '../../db/schema';
import { agingBucket, claimBalances, creditBalancesOf, expectedLinePayment, splitClaimPayment, underpayment } from '../../domain/posting';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { build835, insertClaims, seedPatientOrder, type Cas, type StoredClaim } from '../support/receivables';

describe('splitClaimPayment: what one CLP posts', () => {
  const line = (paid: number, adjustments: Cas[], alreadyPaid = false, remarkCodes: string[] = []) => ({
    paid,
    adjustments,
    remarkCodes,
    alreadyPaid,
  });
  const claim = (status: '1' | '4' | '22', paid: number, lines: ReturnType<typeof line>[]) => ({
    status,
    paid,
    adjustments: [],
    remarkCodes: [],
    lines,
    alreadyPaid: false,
  });

  test.each([
    {
      name: 'paid with deductible, coinsurance and sequestration: CO written off, PR to the patient, nothing open',
      clp: claim('1', 1_327, [
        line(1_327, [
          { group: 'CO', reason: '45', amount: 8_307 },
          { group: 'CO', reason: '253', amount: 27 },
          { group: 'PR', reason: '1', amount: 5_000 },
          { group: 'PR', reason: '2', amount: 339 },
        ]),
      ]),
      split: { payerPayment: 1_327, contractual: 8_334, patientResponsibility: 5_339, denied: [], duplicatePayment: 0 },
    },
    {
      name: 'a denied line beside a paid one: the denial stays open',
      clp: claim('1', 5_247, [
        line(5_247, [
          { group: 'CO', reason: '45', amount: 8_307 },
          { group: 'CO', reason: '253', amount: 107 },
          { group: 'PR', reason: '2', amount: 1_339 },
        ]),
        line(0, [{ group: 'CO', reason: '50', amount: 20_000 }], false, ['N115']),
      ]),
      split: {
        payerPayment: 5_247,
        contractual: 8_414,
        patientResponsibility: 1_339,
        denied: [{ group: 'CO', reason: '50', amount: 20_000, remarkCodes: ['N115'] }],
        duplicatePayment: 0,
      },
    },
    {
      name: 'a reversal undoes its original with negative amounts',
      clp: claim('22', -5_247, [
        line(
          -5_247,
          [
            { group: 'CO', reason: '45', amount: -8_307 },
            { group: 'CO', reason: '253', amount: -107 },
            { group: 'PR', reason: '2', amount: -1_339 },
          ],
          true,
        ),
      ]),
      split: { payerPayment: -5_247, contractual: -8_414, patientResponsibility: -1_339, denied: [], duplicatePayment: 0 },
    },
    {
      name: 'a second payment of a line already paid: the money posts, its adjustments do not',
      clp: claim('1', 5_247, [
        line(
          5_247,
          [
            { group: 'CO', reason: '45', amount: 8_307 },
            { group: 'CO', reason: '253', amount: 107 },
            { group: 'PR', reason: '2', amount: 1_339 },
          ],
          true,
        ),
      ]),
      split: { payerPayment: 5_247, contractual: 0, patientResponsibility: 0, denied: [], duplicatePayment: 5_247 },
    },
  ])('$name', ({ clp, split }) => {
    expect(splitClaimPayment(clp)).toEqual(split);
  });

  test('balances and credit balances: a duplicate payment leaves the payer side negative by the payment', () => {
    const balances = claimBalances(15_000, [
      { party: 'payer', amount: -5_247 },
      { party: 'payer', amount: -8_414 },
      { party: 'payer', amount: -1_339 },
      { party: 'patient', amount: 1_339 },
      { party: 'payer', amount: -5_247 },
    ]);
    expect(balances).toEqual({ payer: -5_247, patient: 1_339, levels: { primary: -5_247, secondary: 0, tertiary: 0 } });
    // The patient's unpaid coinsurance is owed to us: it never lowers the payer's refund.
    expect(creditBalancesOf(balances, { duplicatePayments: { primary: 5_247 }, writtenOff: false })).toEqual([
      { party: 'payer', level: 'primary', amount: 5_247, reason: 'duplicate-payment' },
    ]);
    const patientPaidTwice = claimBalances(15_000, [
      { party: 'payer', amount: -15_000 },
      { party: 'patient', amount: -500 },
    ]);
    expect(creditBalancesOf(patientPaidTwice, { duplicatePayments: {}, writtenOff: false })).toEqual([
      { party: 'patient', amount: 500, reason: 'patient-overpayment' },
    ]);
    const paidAfterWriteOff = claimBalances(100, [{ party: 'payer', amount: -200 }]);
    expect(creditBalancesOf(paidAfterWriteOff, { duplicatePayments: {}, writtenOff: true })[0].reason).toBe('payment-after-write-off');
  });

  test('expected payment (DOMAIN.md §14): allowed $100, $50 deductible applied → $39.20; a shortfall counts only beyond the tolerance', () => {
    expect(
      expectedLinePayment({ charge: 15_000, feeScheduleAmount: 10_000, deductibleApplied: 5_000, coinsuranceRate: 0.2, sequestrationRate: 0.02 }),
    ).toBe(3_920);
    expect(
      expectedLinePayment({ charge: 15_000, feeScheduleAmount: undefined, deductibleApplied: 0, coinsuranceRate: 0.2, sequestrationRate: 0.02 }),
    ).toBeUndefined();
    expect(underpayment([{ expected: 3_920, paid: 3_820 }], 100)).toBe(0);
    expect(underpayment([{ expected: 3_920, paid: 3_819 }], 100)).toBe(101);
  });

  test.each([
    [0, '0-30'],
    [30, '0-30'],
    [31, '31-60'],
    [60, '31-60'],
    [61, '61-90'],
    [90, '61-90'],
    [91, '91-120'],
    [120, '91-120'],
    [121, '121+'],
  ])('%i days old is in the %s bucket', (days, bucket) => {
    expect(agingBucket(days)).toBe(bucket);
  });
});

describe('posting 835 files against the database', () => {
  let database: TestDatabase;
  let posting: ReturnType<typeof createRemittanceActivities>;

  beforeAll(async () => {
    database = await createTestDatabase();
    posting = createRemittanceActivities({ db: database.db });
  });
  afterAll(() => database.drop());

  /** A Medicare CPAP claim for a patient in Ohio: E0601 RR KH is $66.93 in the sample fee schedule. */
  async function cpapClaim(extraLines: Array<{ hcpcs: string; modifiers: string[]; charge: number }> = []): Promise<StoredClaim> {
    const order = await seedPatientOrder(database.db);
    const [claim] = await insertClaims(database.db, [
      { order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }, ...extraLines] },
    ]);
    return claim;
  }

  async function post(content: string): Promise<PostedRemittance> {
    const result = await posting.postRemittance({ content, source: 'api', user: 'bea.biller' });
    if (!result.ok) throw new Error(`not posted: ${JSON.stringify(result.problems)}`);
    const [posted] = result.remittances;
    await expectBalancedAgainstTheFile(posted.remittanceId);
    return posted;
  }

  /** BPR02 = Σ CLP paid − Σ PLB, and every CLP: charge − all its CAS = paid — as posted, to the cent. */
  async function expectBalancedAgainstTheFile(remittanceId: string) {
    const [remittance] = await database.db.select().from(remittances).where(eq(remittances.id, remittanceId));
    const paid = await database.db.select().from(claimPayments).where(eq(claimPayments.remittanceId, remittanceId));
    const plb = await database.db.select().from(providerAdjustments).where(eq(providerAdjustments.remittanceId, remittanceId));
    const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
    expect(sum(paid.map((row) => row.paid)) - sum(plb.map((row) => row.amount))).toBe(remittance.paymentAmount);
    const cas = paid.length
      ? await database.db
          .select()
          .from(adjustments)
          .where(
            inArray(
              adjustments.claimPaymentId,
              paid.map((row) => row.id),
            ),
          )
      : [];
    for (const row of paid)
      expect(row.charge - sum(cas.filter((adjustment) => adjustment.claimPaymentId === row.id).map((adjustment) => adjustment.amount))).toBe(
        row.paid,
      );
  }

  async function balances(claimId: string) {
    const rows = await database.db
      .select({ party: ledgerEntries.party, total: sql<number>`sum(${ledgerEntries.amount})::int` })
      .from(ledgerEntries)
      .where(eq(ledgerEntries.claimId, claimId))
      .groupBy(ledgerEntries.party);
    const [claim] = await database.db.select().from(claims).where(eq(claims.id, claimId));
    const { payer, patient } = claimBalances(
      claim.totalCharge,
      rows.map((row) => ({ party: row.party, amount: row.total })),
    );
    return { payer, patient };
  }

  const tasksOf = (claimId: string, kind: string) =>
    database.db
      .select()
      .from(tasks)
      .where(and(eq(tasks.claimId, claimId), eq(tasks.kind, kind)));

  /** The standard adjudication of the CPAP line in Ohio, no deductible left. */
  const paidCpap = (claim: StoredClaim, icn: string) => ({
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
          { group: 'CO' as const, reason: '45', amount: 8_307 },
          { group: 'CO' as const, reason: '253', amount: 107 },
          { group: 'PR' as const, reason: '2', amount: 1_339 },
        ],
      },
    ],
  });

  test('full payment with deductible (PR-1), coinsurance (PR-2) and sequestration (CO-253): payer side closed, the patient owes PR, no underpayment', async () => {
    const claim = await cpapClaim();
    // Allowed $66.93, $50 deductible applied: coinsurance 20% of 16.93 = 3.39, the payer's 13.54 less 2% = 13.27.
    const posted = await post(
      build835({
        trace: 'T-FULL',
        claims: [
          {
            pcn: claim.claimNumber,
            charge: 15_000,
            paid: 1_327,
            icn: '11000000001',
            lines: [
              {
                hcpcs: 'E0601',
                modifiers: ['RR', 'KH', 'KX'],
                charge: 15_000,
                paid: 1_327,
                allowed: 6_693,
                lineControlNumber: claim.lines[0].lineControlNumber,
                adjustments: [
                  { group: 'CO', reason: '45', amount: 8_307 },
                  { group: 'CO', reason: '253', amount: 27 },
                  { group: 'PR', reason: '1', amount: 5_000 },
                  { group: 'PR', reason: '2', amount: 339 },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(posted.claims).toEqual([
      {
        claimId: claim.claimId,
        claimNumber: claim.claimNumber,
        outcome: 'paid',
        level: 'primary',
        crossover: false,
        paid: 1_327,
        patientResponsibility: 5_339,
      },
    ]);
    expect(await balances(claim.claimId)).toEqual({ payer: 0, patient: 5_339 });
    const [line] = await database.db.select().from(claimLines).where(eq(claimLines.claimId, claim.claimId));
    expect(line).toMatchObject({ paidAmount: 1_327, allowedAmount: 6_693 });
    const [row] = await database.db.select().from(claims).where(eq(claims.id, claim.claimId));
    expect(row).toMatchObject({ status: 'paid', paidAmount: 1_327, patientResponsibility: 5_339, payerClaimNumber: '11000000001' });
    expect(await tasksOf(claim.claimId, 'underpayment')).toEqual([]);
    const cas = await database.db
      .select()
      .from(adjustments)
      .innerJoin(claimPayments, eq(claimPayments.id, adjustments.claimPaymentId))
      .where(eq(claimPayments.claimId, claim.claimId));
    expect(cas.map(({ adjustments: a }) => [a.groupCode, a.reasonCode, a.amount])).toEqual([
      ['CO', '45', 8_307],
      ['CO', '253', 27],
      ['PR', '1', 5_000],
      ['PR', '2', 339],
    ]);
  });

  test('paid nothing because the whole allowed amount went to the deductible: the payer’s part is done (paid), the patient owes it', async () => {
    const claim = await cpapClaim();
    const file = paidCpap(claim, '11000000011');
    file.paid = 0;
    file.lines[0] = {
      ...file.lines[0],
      paid: 0,
      adjustments: [
        { group: 'CO', reason: '45', amount: 8_307 },
        { group: 'PR', reason: '1', amount: 6_693 },
      ],
    };
    const posted = await post(build835({ trace: 'T-ALL-DEDUCTIBLE', claims: [file] }));
    expect(posted.claims[0]).toMatchObject({ outcome: 'paid', paid: 0, patientResponsibility: 6_693 });
    expect(await balances(claim.claimId)).toEqual({ payer: 0, patient: 6_693 });
  });

  test('a payment below the fee schedule by more than the tolerance becomes a biller task naming the shortfall', async () => {
    const claim = await cpapClaim();
    const file = paidCpap(claim, '11000000002');
    // The payer allowed $63.66 instead of $66.93: it paid $49.91, $2.56 short of $52.47.
    file.paid = 4_991;
    file.lines[0] = {
      ...file.lines[0],
      paid: 4_991,
      allowed: 6_366,
      adjustments: [
        { group: 'CO', reason: '45', amount: 8_634 },
        { group: 'CO', reason: '253', amount: 102 },
        { group: 'PR', reason: '2', amount: 1_273 },
      ],
    };
    const posted = await post(build835({ trace: 'T-UNDER', claims: [file] }));
    expect(posted.claims[0]).toMatchObject({ outcome: 'paid', underpaid: 256 });
    const [task] = await tasksOf(claim.claimId, 'underpayment');
    expect(task).toMatchObject({ role: 'biller', status: 'open' });
    expect(task.title).toContain('$2.56');
    expect(await balances(claim.claimId)).toEqual({ payer: 0, patient: 1_273 });
  });

  test('a partial payment: half the allowed amount cut CO-151 stays open on the payer side; no underpayment task for a denied line', async () => {
    const claim = await cpapClaim();
    const posted = await post(
      build835({
        trace: 'T-PARTIAL',
        claims: [
          {
            pcn: claim.claimNumber,
            charge: 15_000,
            paid: 2_624,
            icn: '11000000003',
            lines: [
              {
                hcpcs: 'E0601',
                modifiers: ['RR', 'KH', 'KX'],
                charge: 15_000,
                paid: 2_624,
                allowed: 3_347,
                lineControlNumber: claim.lines[0].lineControlNumber,
                adjustments: [
                  { group: 'CO', reason: '45', amount: 8_307 },
                  { group: 'CO', reason: '151', amount: 3_346 },
                  { group: 'CO', reason: '253', amount: 54 },
                  { group: 'PR', reason: '2', amount: 669 },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(posted.claims[0].outcome).toBe('partially-paid');
    expect(await balances(claim.claimId)).toEqual({ payer: 3_346, patient: 669 });
    expect(await tasksOf(claim.claimId, 'underpayment')).toEqual([]);
  });

  test('a line denied CO-50 beside a paid line: the claim is partially paid and the denied charge stays open', async () => {
    const claim = await cpapClaim([{ hcpcs: 'A7030', modifiers: [], charge: 20_000 }]);
    const file = paidCpap(claim, '11000000004');
    file.charge = 35_000;
    file.lines.push({
      hcpcs: 'A7030',
      modifiers: [],
      charge: 20_000,
      paid: 0,
      allowed: undefined as unknown as number,
      lineControlNumber: claim.lines[1].lineControlNumber,
      adjustments: [{ group: 'CO', reason: '50', amount: 20_000 }],
    });
    delete (file.lines[1] as { allowed?: number }).allowed;
    const posted = await post(build835({ trace: 'T-LINE-DENIED', claims: [file] }));
    expect(posted.claims[0]).toMatchObject({ outcome: 'partially-paid', paid: 5_247 });
    expect(await balances(claim.claimId)).toEqual({ payer: 20_000, patient: 1_339 });
    const lines = await database.db.select().from(claimLines).where(eq(claimLines.claimId, claim.claimId));
    expect(lines.map((line) => [line.hcpcs, line.paidAmount]).sort()).toEqual([
      ['A7030', 0],
      ['E0601', 5_247],
    ]);
  });

  test('a reversal and its repayment in one file: the original is undone and the corrected adjudication stands', async () => {
    const claim = await cpapClaim();
    await post(build835({ trace: 'T-ORIGINAL', claims: [paidCpap(claim, '11000000005')] }));
    const reversal = paidCpap(claim, '11000000005');
    const negative = {
      ...reversal,
      status: '22',
      charge: -15_000,
      paid: -5_247,
      lines: reversal.lines.map((line) => ({
        ...line,
        charge: -line.charge,
        paid: -line.paid,
        allowed: -line.allowed,
        adjustments: line.adjustments.map((a) => ({ ...a, amount: -a.amount })),
      })),
    };
    // Reprocessed with $10 of deductible: coinsurance 20% of 56.93 = 11.39, the payer's 45.54 less 2% = 44.63.
    const repayment = {
      ...paidCpap(claim, '11000000006'),
      paid: 4_463,
      lines: [
        {
          ...paidCpap(claim, '11000000006').lines[0],
          paid: 4_463,
          adjustments: [
            { group: 'CO' as const, reason: '45', amount: 8_307 },
            { group: 'CO' as const, reason: '253', amount: 91 },
            { group: 'PR' as const, reason: '1', amount: 1_000 },
            { group: 'PR' as const, reason: '2', amount: 1_139 },
          ],
        },
      ],
    };
    // The repayment first in the file: posting still undoes the original before it.
    const posted = await post(build835({ trace: 'T-REVERSAL', claims: [repayment, negative] }));
    expect(posted.claims.map((row) => [row.outcome, row.paid])).toEqual([
      ['reversed', -5_247],
      ['paid', 4_463],
    ]);
    expect(posted.creditBalances).toEqual([]);
    expect(await balances(claim.claimId)).toEqual({ payer: 0, patient: 2_139 });
    const [row] = await database.db.select().from(claims).where(eq(claims.id, claim.claimId));
    expect(row).toMatchObject({ status: 'paid', paidAmount: 4_463, patientResponsibility: 2_139, payerClaimNumber: '11000000006' });
    const [line] = await database.db.select().from(claimLines).where(eq(claimLines.claimId, claim.claimId));
    expect(line.paidAmount).toBe(4_463);
  });

  test('a duplicate payment is a payer credit balance; a later PLB WO naming its ICN recovers it and closes it as recouped', async () => {
    const claim = await cpapClaim();
    const other = await cpapClaim();
    await post(build835({ trace: 'T-FIRST', claims: [paidCpap(claim, '11000000007')] }));
    const duplicate = await post(build835({ trace: 'T-DUPLICATE', claims: [paidCpap(claim, '21000000007')] }));
    expect(duplicate.claims[0]).toMatchObject({ outcome: 'paid', duplicatePayment: 5_247 });
    expect(duplicate.creditBalances).toEqual([
      {
        creditBalanceId: expect.any(String),
        claimId: claim.claimId,
        party: 'payer',
        payerId: 'medicare-jb',
        amount: 5_247,
        reason: 'duplicate-payment',
      },
    ]);
    expect(await balances(claim.claimId)).toEqual({ payer: -5_247, patient: 1_339 });
    const [credit] = await database.db.select().from(creditBalances).where(eq(creditBalances.claimId, claim.claimId));
    // Medicare: report and return within 60 days of identification.
    expect(credit).toMatchObject({ status: 'open', amount: 5_247, deadlineOn: addDaysIso(credit.identifiedAt, 60) });

    const recovery = await post(
      build835({
        trace: 'T-RECOVERY',
        claims: [paidCpap(other, '11000000008')],
        plb: [
          { reason: 'WO', reference: '21000000007', amount: 5_247 },
          { reason: 'L6', reference: '11000000008', amount: -115 },
        ],
      }),
    );
    expect(recovery.paymentAmount).toBe(5_247 - 5_247 + 115);
    expect(await balances(claim.claimId)).toEqual({ payer: 0, patient: 1_339 });
    const [recouped] = await database.db.select().from(creditBalances).where(eq(creditBalances.id, credit.id));
    expect(recouped).toMatchObject({ status: 'resolved', resolution: 'recouped' });
    const plb = await database.db.select().from(providerAdjustments).where(eq(providerAdjustments.remittanceId, recovery.remittanceId));
    expect(plb.map((row) => [row.reasonCode, row.referenceId, row.amount])).toEqual([
      ['WO', '21000000007', 5_247],
      ['L6', '11000000008', -115],
    ]);
  });

  test('the same file twice posts once: the second answer is the first result and no row changes', async () => {
    const claim = await cpapClaim();
    const file = build835({ trace: 'T-TWICE', claims: [paidCpap(claim, '11000000009')] });
    const first = await post(file);
    const count = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(ledgerEntries))[0].n;
    const before = await count();
    const again = await posting.postRemittance({ content: file, source: 'mailbox', user: 'clearinghouse' });
    expect(again).toEqual({ ok: true, remittances: [{ ...first, duplicate: true }] });
    expect(await count()).toBe(before);
  });

  test('an unbalanced file posts nothing at all', async () => {
    const claim = await cpapClaim();
    const count = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(claimPayments))[0].n;
    const before = await count();
    const result = await posting.postRemittance({
      content: build835({ trace: 'T-BAD', claims: [paidCpap(claim, '11000000010')], paymentAmount: 5_000 }),
      source: 'api',
      user: 'bea.biller',
    });
    expect(result.ok).toBe(false);
    expect(await count()).toBe(before);
    expect(await balances(claim.claimId)).toEqual({ payer: 15_000, patient: 0 });
  });
});

function addDaysIso(at: Date, days: number): string {
  const date = new Date(at);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}
