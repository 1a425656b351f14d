/**
 * Issue 8 (points 9 and 10) end to end over HTTP on a Temporal dev server with the
 * worker, Postgres and the sandbox payer, the API on a real 127.0.0.1 port:
 * - the sandbox payer's own 835 turned into a 4010 file (GS08 004010X091A1) is refused
 *   with 422 naming what was found, before and after the 5010 one posted — never
 *   answered as its duplicate (005010X221A1 only; 45 CFR 162.1602);
 * - the same 835 edited to come from New York Medicaid (1000A REF*2U) leaves the
 *   Medicare claim it names untouched — no ledger entry, status unchanged, no credit
 *   balance — and raises a biller task saying the payer disagreed;
 * - the genuine 835 posts once, and uploading it again posts nothing (200, duplicate).
 */
import { eq } from 'drizzle-orm';
import { ledgerEntries } from '../../db/schema';
import { completeDocuments, createOrder, deliver, registerPatient, uploadRemittance, waitForOrder, type ApiCall } from '../support/api';
import type { TestDatabase } from '../support/database';
import type { TemporalStack } from '../support/temporal-stack';
import { startServedStack, type ServedStack } from './served-stack';

jest.setTimeout(180_000);

let database: TestDatabase;
let stack: TemporalStack;
let call: ApiCall;

let served: ServedStack;
beforeAll(async () => {
  served = await startServedStack({ acknowledgementDelayMs: 500 });
  ({ database, stack, call } = served);
}, 120_000);

afterAll(() => served?.stop());

/** A walker order taken to a claim the sandbox accepted; the claim goes to medicare-jb (EDI payer id 17003). */
async function acceptedClaim() {
  const orderId = await createOrder(call, await registerPatient(call));
  await completeDocuments(call, orderId);
  await deliver(call, orderId);
  const order = await waitForOrder(call, orderId, (o) => o.claims[0]?.status === 'accepted', 'claim accepted', 60_000);
  return { claimId: order.claims[0].id as string, claimNumber: order.claims[0].claimNumber as string };
}

/** The 835 the sandbox payer will send for the claim once its remittance delay has passed (collected ahead, not confirmed). */
async function sandbox835(claimNumber: string): Promise<string> {
  const { files } = await stack.clearinghouse.collect(new Date(Date.now() + 30 * 86_400_000));
  const file = files.find((candidate) => candidate.name.startsWith('sandbox-835-') && candidate.x12.includes(`CLP*${claimNumber}*`));
  if (!file) throw new Error(`no 835 for ${claimNumber}`);
  return file.x12;
}

const claimView = async (claimId: string) => (await call('GET', `/claims/${claimId}`, { role: 'biller' })).json;
const ledgerOf = (claimId: string) => database.db.select().from(ledgerEntries).where(eq(ledgerEntries.claimId, claimId));
const creditBalancesOf = async (claimId: string) =>
  ((await call('GET', '/credit-balances', { role: 'biller' })).json.creditBalances as Array<{ claimId: string }>).filter(
    (credit) => credit.claimId === claimId,
  );

test("4010 refused, another payer's CLP naming our claim left alone with a task, the genuine 835 posted once", async () => {
  const { claimId, claimNumber } = await acceptedClaim();
  const genuine = await sandbox835(claimNumber);
  expect(genuine).toContain('REF*2U*17003~');
  const before = await claimView(claimId);
  expect(before).toMatchObject({ status: 'accepted', paidAmount: 0 });

  // Point 9: the same remittance as a 4010 file is refused, naming what it found.
  const as4010 = genuine.replace('*X*005010X221A1~', '*X*004010X091A1~').replace('*00501*', '*00401*');
  const refused = await call('POST', '/remittances', { role: 'biller', text: as4010 });
  expect(refused.status).toBe(422);
  expect(refused.json.error.code).toBe('remittance_rejected');
  expect(refused.json.error.details).toEqual([
    { code: 'unsupported-version', message: expect.stringContaining('GS08 "004010X091A1" is not 005010X221A1') },
  ]);

  // Point 10: the file edited to come from New York Medicaid, under its own trace number.
  const forged = genuine
    .replace(/N1\*PR\*[^~]*~/, 'N1*PR*NEW YORK STATE MEDICAID~')
    .replace('REF*2U*17003~', 'REF*2U*NYMCD~')
    .replace(/TRN\*1\*([^*~]+)\*/, 'TRN*1*NY$1*');
  const foreign = await uploadRemittance(call, forged);
  expect(foreign.upload.status).toBe(202);
  const posted = foreign.posted;
  expect(posted).toMatchObject({ status: 'posted', payerId: null, claims: [], creditBalances: [] });
  expect(posted.unmatched).toEqual([
    { patientControlNumber: claimNumber, disagrees: 'payer', claimId, reason: expect.stringContaining('REF*2U NYMCD') },
  ]);
  expect(posted.signals).toEqual([]);
  const after = await claimView(claimId);
  expect(after).toMatchObject({ status: before.status, paidAmount: 0 });
  expect(await ledgerOf(claimId)).toEqual([]);
  expect(await creditBalancesOf(claimId)).toEqual([]);
  const tasks = (await call('GET', '/tasks?role=biller&limit=100', { role: 'biller' })).json.tasks as Array<{
    claimId: string | null;
    kind: string;
    title: string;
  }>;
  const task = tasks.find((candidate) => candidate.claimId === claimId && candidate.kind === 'remittance-unmatched');
  expect(task?.title).toContain(`payer disagrees: claim ${claimNumber} was sent to payer medicare-jb`);

  // The genuine 835 posts; again, it is a duplicate and posts nothing; the 4010 copy is still refused, not a "duplicate".
  const first = await uploadRemittance(call, genuine);
  expect(first.upload.status).toBe(202);
  expect(first.posted).toMatchObject({ payerId: 'medicare-jb', unmatched: [], claims: [expect.objectContaining({ claimId, outcome: 'paid' })] });
  const entries = (await ledgerOf(claimId)).length;
  expect(entries).toBeGreaterThan(0);
  const again = await call('POST', '/remittances', { role: 'biller', text: genuine });
  expect(again.status).toBe(200);
  expect(again.json.remittances[0]).toMatchObject({ duplicate: true, remittanceId: first.posted.remittanceId });
  expect((await ledgerOf(claimId)).length).toBe(entries);
  const late4010 = await call('POST', '/remittances', { role: 'biller', text: as4010 });
  expect(late4010.status).toBe(422);
  expect(late4010.json.error.details[0].code).toBe('unsupported-version');
});
