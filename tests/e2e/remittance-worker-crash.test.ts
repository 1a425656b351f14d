/**
 * An 835 upload survives `kill -9` of the worker. The worker runs as its own process
 * (worker.ts through tsx, as `npm run start:worker` runs it) against a dev server and
 * Postgres; the API runs here. A remittance of many claims is uploaded, the worker is
 * SIGKILLed while its workflow is telling the claims (a batch of one claim per step, so
 * the step is long enough to catch), and a new worker is started. The remittance then
 * posts exactly once: one claim payment and one set of ledger entries per CLP, each
 * claim paid once, each credit balance found once with one workflow, and every claim
 * told exactly once in the order of the file.
 */
import type { ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { and, count, eq, inArray, sql } from 'drizzle-orm';
import { claimPayments, claims, creditBalances, ledgerEntries, remittances } from '../../db/schema';
import { creditBalanceWorkflowId } from '../../workflows/definitions';
import type { ApiCall } from '../support/api';
import type { TestDatabase } from '../support/database';
import { startProcessStack, stopWorkerProcess, type ProcessStack } from '../support/worker-process';
import { build835, insertClaims, seedPatientOrder, type ClpSpec, type StoredClaim } from '../support/receivables';
import { createRemittanceActivities } from '../../activities/remittances';

jest.setTimeout(240_000);

const CLAIMS = 300;
const ALREADY_PAID = 3;

let stack: ProcessStack;
let database: TestDatabase;
let client: Client;
let call: ApiCall;
/** The workers' stderr, shown only when a wait times out. */
const workerOutput = () => stack.workerOutput();

beforeAll(async () => {
  stack = await startProcessStack();
  ({ database, client, call } = stack);
}, 120_000);

afterAll(() => stack?.stop());

/** The worker process, with the smallest telling batch so the kill lands mid-telling. */
function startWorker(): ChildProcess {
  return stack.startWorker({ REMITTANCE_SIGNAL_BATCH: '1' }).child;
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((resolve) => child.once('exit', () => resolve()));

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms; the worker said:\n${workerOutput()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** E0601 RR KH in Ohio, paid as the fee schedule expects (see scripts/bench-posting.ts). */
function paidCpap(claim: StoredClaim, icn: string): ClpSpec {
  return {
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
        serviceDate: claim.lines[0].serviceFrom,
        adjustments: [
          { group: 'CO', reason: '45', amount: 8_307 },
          { group: 'CO', reason: '253', amount: 107 },
          { group: 'PR', reason: '2', amount: 1_339 },
        ],
      },
    ],
  };
}

test('a worker killed with SIGKILL while telling the claims, then restarted, leaves the remittance posted exactly once and every claim told once', async () => {
  const order = await seedPatientOrder(database.db, { state: 'OH' });
  const stored = await insertClaims(
    database.db,
    Array.from({ length: CLAIMS }, () => ({ order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] })),
  );
  // A few claims were paid by an earlier remittance: paying them again is a duplicate payment, a credit balance each.
  const earlier = await createRemittanceActivities({ db: database.db }).postRemittance({
    content: build835({
      trace: 'EARLIER01',
      claims: stored.slice(0, ALREADY_PAID).map((claim, index) => paidCpap(claim, `2${String(index).padStart(13, '0')}`)),
    }),
    source: 'api',
    user: 'bea.biller',
  });
  expect(earlier.ok).toBe(true);

  const file = build835({ trace: 'CRASH0001', claims: stored.map((claim, index) => paidCpap(claim, `1${String(index).padStart(13, '0')}`)) });
  const upload = await call('POST', '/remittances', { role: 'biller', text: file });
  expect(upload.status).toBe(202);
  const remittanceId: string = upload.json.remittances[0].remittanceId;
  expect(upload.json.remittances[0]).toMatchObject({ workflowId: expect.stringMatching(/-CRASH0001$/), status: 'received' });

  const first = startWorker();
  const row = () =>
    database.db
      .select()
      .from(remittances)
      .where(eq(remittances.id, remittanceId))
      .then(([found]) => found);
  const atKill = await until(
    async () => {
      const current = await row();
      return current.signalledThrough > 0 ? current : undefined;
    },
    'the worker telling the claims',
    150_000,
  );
  stopWorkerProcess(first, 'SIGKILL');
  await exited(first);
  // Killed mid-way: posted, some claims told, not all.
  expect(atKill.postedAt).not.toBeNull();
  expect(atKill.status).toBe('posting');
  const stoppedAt = (await row()).signalledThrough;
  expect(stoppedAt).toBeLessThan(CLAIMS);

  // The same upload meanwhile finds the first: no second posting, the same Location.
  const again = await call('POST', '/remittances', { role: 'biller', text: file });
  expect(again.status).toBe(200);
  expect(again.headers.get('location')).toBe(upload.headers.get('location'));

  startWorker();
  // The telling activity is retried once its heartbeat times out (30 s) and resumes from the stored progress.
  const done = await until(
    async () => {
      const view = await call('GET', `/remittances/${remittanceId}`, { role: 'biller' });
      return view.json.status === 'posted' || view.json.status === 'failed' ? view.json : undefined;
    },
    'the remittance posted after the restart',
    150_000,
  );
  expect(done.status).toBe('posted');

  // Posted once: one claim payment per CLP; a first payment is four ledger entries (payment, contractual, PR on both sides).
  const [payments] = await database.db.select({ n: count() }).from(claimPayments).where(eq(claimPayments.remittanceId, remittanceId));
  expect(payments.n).toBe(CLAIMS);
  const firstPaid = stored.slice(ALREADY_PAID).map((claim) => claim.claimId);
  const [entries] = await database.db
    .select({ n: count() })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.remittanceId, remittanceId), inArray(ledgerEntries.claimId, firstPaid)));
  expect(entries.n).toBe(firstPaid.length * 4);
  const paid = await database.db
    .select({ paid: claims.paidAmount, n: sql<number>`count(*)::int` })
    .from(claims)
    .where(
      inArray(
        claims.id,
        stored.map((claim) => claim.claimId),
      ),
    )
    .groupBy(claims.paidAmount);
  expect(paid.sort((a, b) => a.paid - b.paid)).toEqual([
    { paid: 5_247, n: CLAIMS - ALREADY_PAID },
    { paid: 2 * 5_247, n: ALREADY_PAID },
  ]);

  // One credit balance per duplicate payment, each with its workflow.
  const credits = await database.db.select().from(creditBalances);
  expect(credits.map((credit) => credit.claimId).sort()).toEqual(
    stored
      .slice(0, ALREADY_PAID)
      .map((claim) => claim.claimId)
      .sort(),
  );
  expect(done.creditBalanceWorkflows).toEqual(expect.arrayContaining(credits.map((credit) => ({ creditBalanceId: credit.id, start: 'started' }))));
  for (const credit of credits) {
    const { status } = await client.workflow.getHandle(creditBalanceWorkflowId(credit.id)).describe();
    expect(status.name).toBe('RUNNING');
  }

  // Every claim told once, in the file's order (none has a running workflow here: each is recorded not-running).
  expect(done.signals.map((signal: { claimId: string }) => signal.claimId)).toEqual(stored.map((claim) => claim.claimId));
  expect(new Set(done.signals.map((signal: { delivery: string }) => signal.delivery))).toEqual(new Set(['not-running']));

  // The workflow's history stays a handful of events whatever the number of claims.
  const history = await client.workflow.getHandle(upload.json.remittances[0].workflowId).fetchHistory();
  expect(history.events?.length ?? 0).toBeLessThan(60);
});
