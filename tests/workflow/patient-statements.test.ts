/**
 * A patient's statement account on the time-skipping server: the patient's share of a
 * claim billed by billPatientShare (signal-with-start), statements on days 0, 30, 60 and
 * the final notice on day 90, then on day 120 a collections task, or with the write-off
 * policy the balance written off and a task saying so; and a payment through the API
 * after the first statement that ends the account at once. Dates are the workflow clock's.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { PDFParse } from 'pdf-parse';
import { and, asc, eq } from 'drizzle-orm';
import { createStatementActivities, type PatientShareBilling } from '../../activities/statements';
import { temporalPort } from '../../api/temporal';
import { ledgerEntries, patientStatements, tasks } from '../../db/schema';
import { addDays } from '../../domain/calendar';
import type { patientStatementsWorkflow } from '../../workflows/patient-statements';
import { patientStatementsWorkflowId } from '../../workflows/definitions';
import { buildTestApp, todayIso } from '../support/api';
import { createOrderHarness, eventually, type OrderHarness } from '../support/orders';
import { insertClaims, seedPatientOrder } from '../support/receivables';

jest.setTimeout(240_000);

let harness: OrderHarness;
afterEach(() => harness?.teardown());

/** A claim whose last payer left the patient `owed` cents, billed to the patient as the claim workflow will. */
async function billedShare(owed: number): Promise<PatientShareBilling & { handle: ReturnType<typeof accountOf> }> {
  const db = harness.database.db;
  const order = await seedPatientOrder(db);
  const [claim] = await insertClaims(db, [{ order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] }]);
  const at = new Date(await harness.env.currentTimeMs());
  await db.insert(ledgerEntries).values([
    {
      entryKey: `${claim.claimId}:pr-payer`,
      claimId: claim.claimId,
      party: 'payer',
      kind: 'patient-responsibility',
      amount: -owed,
      actor: 'test',
      at,
    },
    {
      entryKey: `${claim.claimId}:pr-patient`,
      claimId: claim.claimId,
      party: 'patient',
      kind: 'patient-responsibility',
      amount: owed,
      actor: 'test',
      at,
    },
  ]);
  const activities = createStatementActivities(harness.deps);
  const billed: PatientShareBilling = await new MockActivityEnvironment({ taskQueue: harness.taskQueue }).run(activities.billPatientShare, {
    claimId: claim.claimId,
    asOf: at.toISOString(),
  });
  return { ...billed, handle: accountOf(order.patientId) };
}

const accountOf = (patientId: string) =>
  harness.env.client.workflow.getHandle<typeof patientStatementsWorkflow>(patientStatementsWorkflowId(patientId));
const statementsOf = (patientId: string) =>
  harness.database.db.select().from(patientStatements).where(eq(patientStatements.patientId, patientId)).orderBy(asc(patientStatements.sequence));
const tasksOf = (claimId: string) => harness.database.db.select().from(tasks).where(eq(tasks.claimId, claimId));
const textOf = async (pdf: Buffer) => (await new PDFParse({ data: new Uint8Array(pdf) }).getText()).text.replace(/\s+/g, ' ');

test('an unpaid balance: statements on days 0, 30, 60 and the final notice on day 90, then on day 120 a biller task to refer it to collections', async () => {
  harness = await createOrderHarness({ patientStatementFinalAction: 'collections' });
  const billed = await billedShare(3_000);
  expect(billed).toMatchObject({ billed: 3_000, outcome: 'statements', statementsWorkflowId: `patient-statements-${billed.patientId}` });

  expect(await billed.handle.result()).toEqual({ patientId: billed.patientId, statements: 4 });
  const sent = await statementsOf(billed.patientId);
  const day0 = sent[0].statementOn;
  expect(
    sent.map(({ cycle, sequence, statementOn, dueOn, amountDue, claimIds }) => ({ cycle, sequence, statementOn, dueOn, amountDue, claimIds })),
  ).toEqual(
    [0, 30, 60, 90].map((day, index) => ({
      cycle: index + 1,
      sequence: index + 1,
      statementOn: addDays(day0, day),
      dueOn: addDays(day0, day + 30),
      amountDue: 3_000,
      claimIds: [billed.claimId],
    })),
  );
  expect(await textOf(sent[0].pdf)).not.toContain('FINAL NOTICE');
  expect(await textOf(sent[3].pdf)).toContain('PATIENT STATEMENT: FINAL NOTICE');

  const [task] = await tasksOf(billed.claimId);
  expect(task).toMatchObject({ kind: 'patient-collections', role: 'biller', status: 'open' });
  expect(task.createdAt.toISOString().slice(0, 10)).toBe(addDays(day0, 120));
  expect(task.title).toContain(`Refer patient ${billed.patientId} to collections: $30.00 on claim ${billed.claimId} unpaid after 4 statements`);
  // Collections works the balance from here: it stays on the ledger.
  const writeOffs = await harness.database.db
    .select()
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.claimId, billed.claimId), eq(ledgerEntries.kind, 'write-off')));
  expect(writeOffs).toEqual([]);
});

test('a payment in full after the first statement ends the account that day; with the write-off policy an unpaid balance is written off on day 120', async () => {
  harness = await createOrderHarness();
  const { call } = buildTestApp(harness.database, temporalPort(harness.env.client, { taskQueue: harness.taskQueue }));

  const paying = await billedShare(4_200);
  const [first] = await eventually(async () => {
    const rows = await statementsOf(paying.patientId);
    return rows.length > 0 ? rows : undefined;
  }, 'the first statement');
  expect(first).toMatchObject({ cycle: 1, amountDue: 4_200 });
  const payment = await call('POST', `/claims/${paying.claimId}/patient-payments`, {
    role: 'biller',
    body: { amount: 4_200, receivedOn: todayIso(), reference: 'CHK 7' },
  });
  expect(payment.status).toBe(201);
  expect(payment.json.statementAccount).toBe('sent');
  expect(await paying.handle.result()).toEqual({ patientId: paying.patientId, statements: 1 });
  const { startTime, closeTime } = await paying.handle.describe();
  expect(closeTime!.getTime() - startTime.getTime()).toBeLessThan(86_400_000);
  expect(await statementsOf(paying.patientId)).toHaveLength(1);

  const unpaid = await billedShare(3_000);
  expect(await unpaid.handle.result()).toEqual({ patientId: unpaid.patientId, statements: 4 });
  const day0 = (await statementsOf(unpaid.patientId))[0].statementOn;
  const writeOffs = await harness.database.db
    .select({ amount: ledgerEntries.amount, reason: ledgerEntries.reason, party: ledgerEntries.party })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.claimId, unpaid.claimId), eq(ledgerEntries.kind, 'write-off')));
  expect(writeOffs).toEqual([
    { amount: -3_000, party: 'patient', reason: `bad debt: unpaid after 4 statements, the final notice due ${addDays(day0, 120)}` },
  ]);
  const [task] = await tasksOf(unpaid.claimId);
  expect(task).toMatchObject({ kind: 'patient-balance-written-off', role: 'biller' });
  expect(task.createdAt.toISOString().slice(0, 10)).toBe(addDays(day0, 120));
});
