/**
 * The mailbox is woken once a round, not once a claim (issue 11: a burst of 10,000 claims
 * sent 10,000 signals into the one mailbox workflow, whose continue-as-new the server then
 * kept refusing for the signals that had come in meanwhile). A send answers `wakeMailbox`
 * true only for the first claim since the mailbox's last look; the look clears it first, so
 * a claim sent after the look starts asks again, and one sent before it is in what it reads.
 * The request remembers which send set it, so that send's retry (its answer, and the signal,
 * lost with a dead worker) signals; otherwise every later claim would leave it to that one.
 */
import { eq, inArray } from 'drizzle-orm';
import { createClaimSubmissionActivities } from '../../activities/claims/submission';
import { createClearinghouse } from '../../activities/clearinghouse';
import { createMailboxActivities } from '../../activities/mailbox';
import { createRemittanceActivities } from '../../activities/remittances';
import { supplierIdentity } from '../../activities/supplier';
import { loadConfig } from '../../config';
import { claims, mailboxWake } from '../../db/schema';
import { createLogger } from '../../logger';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertClaims, seedPatientOrder } from '../support/receivables';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

function activities() {
  const db = database.db;
  const clearinghouse = createClearinghouse({
    kind: 'sandbox',
    db,
    // The answers fall due long after the test: its looks collect nothing.
    acknowledgementDelayMs: 86_400_000,
    remittanceDelayMs: 14 * 86_400_000,
    outbox: '',
    inbox: '',
    pollIntervalMs: 0,
    responseTimeoutMs: 0,
  });
  return {
    ...createClaimSubmissionActivities({ db, clearinghouse, supplier: supplierIdentity(loadConfig({})) }),
    ...createMailboxActivities({ db, clearinghouse, remittances: createRemittanceActivities({ db }), logger: createLogger('error') }),
  };
}

async function builtClaims(count: number): Promise<string[]> {
  const order = await seedPatientOrder(database.db, { state: 'OH' });
  const stored = await insertClaims(
    database.db,
    Array.from({ length: count }, () => ({ order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] })),
  );
  const ids = stored.map((claim) => claim.claimId);
  await database.db.update(claims).set({ status: 'built' }).where(inArray(claims.id, ids));
  return ids;
}

test('the first claim sent since the last look wakes the mailbox; the rest of the burst does not; after a look the next one does again', async () => {
  const { submitClaim, collectMailbox } = activities();
  const asOf = new Date().toISOString();
  const [first, second, third, afterLook, afterLookToo] = await builtClaims(5);

  const burst = [];
  for (const claimId of [first, second, third]) burst.push(await submitClaim({ claimId, asOf }));
  expect(burst.map((sent) => [sent.submitted, sent.wakeMailbox])).toEqual([
    [true, true],
    [true, false],
    [true, false],
  ]);

  await collectMailbox({ asOf });
  expect((await database.db.select().from(mailboxWake).where(eq(mailboxWake.id, 1)))[0].requested).toBe(false);
  expect((await submitClaim({ claimId: afterLook, asOf })).wakeMailbox).toBe(true);
  expect((await submitClaim({ claimId: afterLookToo, asOf })).wakeMailbox).toBe(false);
});

test('a send retried after its attempt died (sent, not answered) still asks: it wakes the mailbox if nobody has since the look', async () => {
  const { submitClaim, collectMailbox } = activities();
  const asOf = new Date().toISOString();
  const [claimId] = await builtClaims(1);
  await submitClaim({ claimId, asOf });
  // The mailbox looked between the lost answer and the retry; the claim was in that look, but
  // the retry cannot know, and waking once too often only costs a round.
  await collectMailbox({ asOf });
  const retried = await submitClaim({ claimId, asOf });
  expect(retried).toMatchObject({ submitted: false, wakeMailbox: true });
});

test('a send whose attempt set the request and died before the signal is told to signal on its retry; another send is not', async () => {
  const { submitClaim, collectMailbox } = activities();
  const asOf = new Date().toISOString();
  await collectMailbox({ asOf });
  const [lost, other] = await builtClaims(2);
  expect((await submitClaim({ claimId: lost, asOf })).wakeMailbox).toBe(true);
  // The worker died here: the answer (and so the signal) was lost. Nobody else may be the one to wake it…
  expect((await submitClaim({ claimId: other, asOf })).wakeMailbox).toBe(false);
  // …so the retry is.
  expect(await submitClaim({ claimId: lost, asOf })).toMatchObject({ submitted: false, wakeMailbox: true });
});

test('concurrent sends: exactly one of them wakes the mailbox', async () => {
  const { submitClaim, collectMailbox } = activities();
  const asOf = new Date().toISOString();
  await collectMailbox({ asOf });
  const ids = await builtClaims(12);
  const sent = await Promise.all(ids.map((claimId) => submitClaim({ claimId, asOf })));
  expect(sent.every((one) => one.submitted)).toBe(true);
  expect(sent.filter((one) => one.wakeMailbox)).toHaveLength(1);
});
