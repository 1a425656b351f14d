/**
 * `npm run bench:posting`: posting an 835 of 10,000 claims end to end — parse and
 * balance, match every CLP and SVC to our claims and lines, write payments, CAS
 * adjustments, ledger entries and line and claim updates in batches, compare each paid
 * line with the fee schedule, look for credit balances — in one transaction.
 *
 * The claims (an order, 10,000 submitted claims of one CPAP line each) are inserted
 * first, in batches; then one balanced 835 pays them, each at the sample fee schedule's
 * Ohio amount less coinsurance and sequestration, every 20th short by $5 (an
 * underpayment task). Runs against a fresh database on DATABASE_URL's server (dropped
 * afterwards), else an in-memory PGlite. Prints claims per second and the total time.
 */
import { createRemittanceActivities } from '../activities/remittances';
import { sql } from 'drizzle-orm';
import { ledgerEntries, tasks } from '../db/schema';
import { createTestDatabase } from '../tests/support/database';
import { build835, insertClaims, seedPatientOrder, type ClpSpec } from '../tests/support/receivables';

const CLAIMS = Number(process.env.BENCH_CLAIMS ?? 10_000);

async function main(): Promise<void> {
  const database = await createTestDatabase();
  try {
    const setupStarted = performance.now();
    const order = await seedPatientOrder(database.db, { state: 'OH' });
    const stored = await insertClaims(
      database.db,
      Array.from({ length: CLAIMS }, () => ({ order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] })),
    );
    // E0601 RR KH in Ohio: allowed $66.93; coinsurance $13.39; sequestration $1.07; paid $52.47.
    const clps: ClpSpec[] = stored.map((claim, index) => {
      const short = index % 20 === 0 ? 500 : 0;
      return {
        pcn: claim.claimNumber,
        charge: 15_000,
        paid: 5_247 - short,
        icn: `1${String(index).padStart(13, '0')}`,
        lines: [
          {
            hcpcs: 'E0601',
            modifiers: ['RR', 'KH', 'KX'],
            charge: 15_000,
            paid: 5_247 - short,
            allowed: 6_693 - short,
            lineControlNumber: claim.lines[0].lineControlNumber,
            serviceDate: claim.lines[0].serviceFrom,
            adjustments: [
              { group: 'CO', reason: '45', amount: 8_307 + short },
              { group: 'CO', reason: '253', amount: 107 },
              { group: 'PR', reason: '2', amount: 1_339 },
            ],
          },
        ],
      };
    });
    const content = build835({ trace: 'BENCH0001', claims: clps });
    const setupMs = performance.now() - setupStarted;

    const posting = createRemittanceActivities({ db: database.db });
    const started = performance.now();
    const result = await posting.postRemittance({ content, source: 'api', user: 'bench' });
    const ms = performance.now() - started;
    if (!result.ok) throw new Error(`the benchmark 835 did not post: ${JSON.stringify(result.problems.slice(0, 3))}`);
    const [posted] = result.remittances;
    const [{ entries }] = await database.db.select({ entries: sql<number>`count(*)::int` }).from(ledgerEntries);
    const [{ underpaid }] = await database.db
      .select({ underpaid: sql<number>`count(*)::int` })
      .from(tasks)
      .where(sql`${tasks.kind} = 'underpayment'`);
    if (posted.claims.length !== CLAIMS || posted.unmatched.length !== 0)
      throw new Error(`posted ${posted.claims.length} claims, ${posted.unmatched.length} unmatched`);

    process.stdout.write(
      [
        `database: ${database.kind}`,
        `835: ${CLAIMS} claims, ${(content.length / 1_048_576).toFixed(1)} MiB (setup ${(setupMs / 1000).toFixed(1)} s)`,
        `posted: ${posted.claims.length} claims, ${entries} ledger entries, ${underpaid} underpayment tasks`,
        `total: ${(ms / 1000).toFixed(2)} s`,
        `claims/second: ${Math.round(CLAIMS / (ms / 1000))}`,
      ].join('\n') + '\n',
    );
  } finally {
    await database.drop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
