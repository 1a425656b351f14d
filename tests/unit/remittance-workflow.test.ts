/**
 * What makes a remittance post once however it arrives: its workflow id comes from the
 * payer and trace number only (TRN03 + TRN02, which 005010X221A1 makes unique per payer
 * and payee), and the posting activity, run again or twice at once, posts nothing twice.
 */
import { count, eq } from 'drizzle-orm';
import { createRemittanceActivities } from '../../activities/remittances';
import { claimPayments, claims, ledgerEntries, remittances } from '../../db/schema';
import { remittanceWorkflowId } from '../../workflows/definitions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { build835, insertClaims, seedPatientOrder } from '../support/receivables';

describe('remittanceWorkflowId', () => {
  test.each([
    ['1123456789', 'EFT0012345', 'remittance-1123456789-EFT0012345'],
    ['1123456789', '12.34', 'remittance-1123456789-12.34'],
    ['1123456789', 'CHK 77', 'remittance-1123456789-CHK~002077'],
    ['11-2345', 'A/B', 'remittance-11~002d2345-A~002fB'],
  ])('payer %s, trace %s → %s', (payer, trace, id) => {
    expect(remittanceWorkflowId(payer, trace)).toBe(id);
  });

  test('keeps remittances apart that a plain replacement would merge', () => {
    expect(remittanceWorkflowId('1', 'A-B')).not.toBe(remittanceWorkflowId('1-A', 'B'));
    expect(remittanceWorkflowId('1', 'A B')).not.toBe(remittanceWorkflowId('1', 'A_B'));
  });
});

describe('postStoredRemittance', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  async function storedFile(trace: string) {
    const order = await seedPatientOrder(database.db, { state: 'OH' });
    const [claim] = await insertClaims(database.db, [
      { order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] },
    ]);
    const content = build835({
      trace,
      claims: [
        {
          pcn: claim.claimNumber,
          charge: 15_000,
          paid: 5_247,
          icn: '11000000001',
          lines: [
            {
              hcpcs: 'E0601',
              modifiers: ['RR', 'KH', 'KX'],
              charge: 15_000,
              paid: 5_247,
              lineControlNumber: claim.lines[0].lineControlNumber,
              serviceDate: claim.lines[0].serviceFrom,
              adjustments: [
                { group: 'CO', reason: '45', amount: 8_414 },
                { group: 'PR', reason: '2', amount: 1_339 },
              ],
            },
          ],
        },
      ],
    });
    const posting = createRemittanceActivities({ db: database.db });
    const stored = await posting.storeRemittances({ content, source: 'api', user: 'bea.biller' });
    if (!stored.ok) throw new Error('not stored');
    return { posting, claim, remittanceId: stored.remittances[0].remittanceId };
  }

  const countsOf = async (remittanceId: string, claimId: string) => {
    const [[payments], [entries], [claim]] = await Promise.all([
      database.db.select({ n: count() }).from(claimPayments).where(eq(claimPayments.remittanceId, remittanceId)),
      database.db.select({ n: count() }).from(ledgerEntries).where(eq(ledgerEntries.claimId, claimId)),
      database.db.select({ paid: claims.paidAmount }).from(claims).where(eq(claims.id, claimId)),
    ]);
    return { payments: payments.n, entries: entries.n, paid: claim.paid };
  };

  test('run again (a retry after a crash) posts nothing twice and answers as a duplicate', async () => {
    const { posting, claim, remittanceId } = await storedFile('RETRY0001');
    const asOf = '2026-02-14T10:00:00.000Z';
    expect(await posting.postStoredRemittance({ remittanceId, asOf })).toEqual({ claims: 1, unmatched: 0, creditBalances: 0, duplicate: false });
    const once = await countsOf(remittanceId, claim.claimId);
    expect(once).toEqual({ payments: 1, entries: 4, paid: 5_247 });
    expect(await posting.postStoredRemittance({ remittanceId, asOf })).toEqual({ claims: 1, unmatched: 0, creditBalances: 0, duplicate: true });
    expect(await countsOf(remittanceId, claim.claimId)).toEqual(once);
  });

  test('two runs at once (a worker thought lost and its replacement) post once', async () => {
    const { posting, claim, remittanceId } = await storedFile('RACE0001');
    const asOf = '2026-02-14T10:00:00.000Z';
    const both = await Promise.all([posting.postStoredRemittance({ remittanceId, asOf }), posting.postStoredRemittance({ remittanceId, asOf })]);
    expect(both.map((result) => result.duplicate).sort()).toEqual([false, true]);
    expect(await countsOf(remittanceId, claim.claimId)).toEqual({ payments: 1, entries: 4, paid: 5_247 });
    const [row] = await database.db.select().from(remittances).where(eq(remittances.id, remittanceId));
    expect(row.status).toBe('posting');
    expect(row.postedAt).toEqual(new Date(asOf));
  });

  test('storing the same file again finds the first remittance', async () => {
    const { posting, remittanceId } = await storedFile('STORE0001');
    const [row] = await database.db.select().from(remittances).where(eq(remittances.id, remittanceId));
    const again = await posting.storeRemittances({ content: row.content, source: 'mailbox', user: 'clearinghouse' });
    expect(again).toEqual({
      ok: true,
      remittances: [expect.objectContaining({ remittanceId, traceNumber: 'STORE0001', duplicate: true, status: 'received' })],
    });
    const [rows] = await database.db.select({ n: count() }).from(remittances).where(eq(remittances.traceNumber, 'STORE0001'));
    expect(rows.n).toBe(1);
  });
});
