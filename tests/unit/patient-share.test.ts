/**
 * billPatientShare against the database (issue 10.4): real 835s posted to Medicare claims,
 * then what the patient is billed and what is written off with its reason — Medicare only,
 * dual eligible by a Medicaid coverage in force or by the claim's payers, a Medicaid
 * coverage that had ended, a small balance, coinsurance a dual-eligible patient had paid
 * already — and the statement PDF read back as text.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Client } from '@temporalio/client';
import { PDFParse } from 'pdf-parse';
import { and, eq } from 'drizzle-orm';
import { recordPatientPayment } from '../../activities/credit-balances';
import { createRemittanceActivities } from '../../activities/remittances';
import { createStatementActivities, type PatientShareBilling } from '../../activities/statements';
import { supplierIdentity } from '../../activities/supplier';
import { loadConfig } from '../../config';
import { claimPayers, coverages, creditBalances, ledgerEntries, patientStatements } from '../../db/schema';
import { patientShareBilled } from '../../workflows/definitions';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { build835, insertClaims, seedPatientOrder, type Cas, type SvcSpec } from '../support/receivables';

let database: TestDatabase;
let traces = 0;
const signalled: Array<{ workflowId: string; signal: string; signalArgs: unknown[]; taskQueue: string }> = [];
const started: string[] = [];
/** The worker's client as far as these activities use it: the calls are recorded. */
const temporal = {
  workflow: {
    signalWithStart: async (_type: string, options: { workflowId: string; signal: { name: string }; signalArgs: unknown[]; taskQueue: string }) => {
      signalled.push({ workflowId: options.workflowId, signal: options.signal.name, signalArgs: options.signalArgs, taskQueue: options.taskQueue });
    },
    start: async (_type: string, options: { workflowId: string }) => {
      started.push(options.workflowId);
    },
  },
} as unknown as Client;
const activityEnv = new MockActivityEnvironment({ taskQueue: 'dme-orders' });
let statements: ReturnType<typeof createStatementActivities>;

beforeAll(async () => {
  database = await createTestDatabase();
  statements = createStatementActivities({ db: database.db, supplier: supplierIdentity(loadConfig({})), temporal, patientSmallBalanceCents: 500 });
});
afterAll(() => database.drop());
beforeEach(() => {
  signalled.length = 0;
  started.length = 0;
});

const billShare = (claimId: string): Promise<PatientShareBilling> =>
  activityEnv.run(statements.billPatientShare, { claimId, asOf: '2026-02-20T12:00:00.000Z' });

/**
 * A Medicare CPAP claim (E0601 RR, $150.00) with a full face mask (A7030, $20.00) for a patient in
 * Ohio, and its 835: the CPAP line paid with contractual, sequestration and the patient's `pr`; the
 * mask line as `mask` says.
 */
async function adjudicatedClaim(pr: Cas[], mask: Cas[] = [{ group: 'CO', reason: '45', amount: 2_000 }], patientId?: string) {
  const order = await seedPatientOrder(database.db, patientId ? { patientId } : {});
  const [claim] = await insertClaims(database.db, [
    {
      order,
      lines: [
        { hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 },
        { hcpcs: 'A7030', modifiers: ['KX'], charge: 2_000 },
      ],
    },
  ]);
  const cpap: Cas[] = [{ group: 'CO', reason: '45', amount: 8_307 }, { group: 'CO', reason: '253', amount: 27 }, ...pr];
  const line = (index: number, adjustments: Cas[]): SvcSpec => {
    const spec = claim.lines[index];
    const charge = spec.charge;
    return {
      hcpcs: spec.hcpcs,
      modifiers: spec.modifiers,
      charge,
      paid: charge - adjustments.reduce((total, adjustment) => total + adjustment.amount, 0),
      lineControlNumber: spec.lineControlNumber,
      serviceDate: spec.serviceFrom,
      adjustments,
    };
  };
  const lines = [line(0, cpap), line(1, mask)];
  traces += 1;
  const posted = await createRemittanceActivities({ db: database.db }).postRemittance({
    content: build835({
      trace: `PS${traces}`,
      claims: [{ pcn: claim.claimNumber, charge: claim.totalCharge, paid: lines[0].paid + lines[1].paid, icn: `ICN${traces}`, lines }],
    }),
    source: 'api',
    user: 'bea.biller',
  });
  if (!posted.ok) throw new Error(`not posted: ${JSON.stringify(posted.problems)}`);
  return { ...claim, patientId: order.patientId };
}

async function medicaidCoverage(patientId: string, dates: { effectiveFrom?: string; effectiveTo?: string } = {}) {
  const [row] = await database.db
    .insert(coverages)
    .values({
      patientId,
      payerId: 'medicaid-state',
      memberId: `MCD${patientId.slice(0, 6)}`,
      priority: 'secondary',
      relationship: 'self',
      createdBy: 'test',
      ...dates,
    })
    .returning({ id: coverages.id });
  return row.id;
}

const writeOffsOf = (claimId: string) =>
  database.db
    .select({ amount: ledgerEntries.amount, reason: ledgerEntries.reason })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.claimId, claimId), eq(ledgerEntries.party, 'patient'), eq(ledgerEntries.kind, 'write-off')));

const coinsurance = (amount: number): Cas => ({ group: 'PR', reason: '2', amount });

test('Medicare only: the deductible and coinsurance join the patient’s statements by signal-with-start', async () => {
  const claim = await adjudicatedClaim([{ group: 'PR', reason: '1', amount: 5_000 }, coinsurance(339)]);
  const billed = await billShare(claim.claimId);
  expect(billed).toEqual({
    claimId: claim.claimId,
    patientId: claim.patientId,
    balance: 5_339,
    dualEligible: false,
    writtenOff: [],
    billed: 5_339,
    outcome: 'statements',
    statementsWorkflowId: `patient-statements-${claim.patientId}`,
    creditBalanceIds: [],
  });
  expect(signalled).toEqual([
    {
      workflowId: `patient-statements-${claim.patientId}`,
      signal: patientShareBilled.name,
      signalArgs: [{ claimId: claim.claimId }],
      taskQueue: 'dme-orders',
    },
  ]);
  expect(await writeOffsOf(claim.claimId)).toEqual([]);
});

test('dual eligible by a Medicaid coverage in force on the service date: the coinsurance is written off with the QMB reason, the plan’s non-covered mask (PR-204) is billed; run again, nothing changes', async () => {
  const claim = await adjudicatedClaim([coinsurance(1_339)], [{ group: 'PR', reason: '204', amount: 2_000 }]);
  await medicaidCoverage(claim.patientId, { effectiveFrom: '2025-01-01' });
  const billed = await billShare(claim.claimId);
  expect(billed).toMatchObject({ balance: 3_339, dualEligible: true, billed: 2_000, outcome: 'statements' });
  expect(billed.writtenOff).toEqual([
    {
      kind: 'dual-eligible',
      amount: 1_339,
      reason: 'dual eligible: Medicare cost-sharing (PR-2) may not be billed (SSA §1902(n)(3)(B), QMB; 42 CFR 447.15)',
    },
  ]);
  expect(await writeOffsOf(claim.claimId)).toEqual([{ amount: -1_339, reason: billed.writtenOff[0].reason }]);

  const again = await billShare(claim.claimId);
  expect(again).toMatchObject({ balance: 2_000, dualEligible: true, writtenOff: [], billed: 2_000, outcome: 'statements' });
  expect(await writeOffsOf(claim.claimId)).toHaveLength(1);
});

test('dual eligible by the claim’s payers (Medicare primary, Medicaid secondary): the whole coinsurance is written off and nothing is billed', async () => {
  const claim = await adjudicatedClaim([coinsurance(1_339)]);
  const medicaid = await medicaidCoverage(claim.patientId, { effectiveTo: '2025-12-31' });
  // The claim's primary row is the fixture's (insertClaims); its Medicaid secondary adjudicated too.
  await database.db
    .insert(claimPayers)
    .values({ claimId: claim.claimId, level: 'secondary', payerId: 'medicaid-state', coverageId: medicaid, status: 'adjudicated' });
  const billed = await billShare(claim.claimId);
  expect(billed).toMatchObject({ dualEligible: true, billed: 0, outcome: 'written-off', statementsWorkflowId: null });
  expect(billed.writtenOff.map(({ kind, amount }) => ({ kind, amount }))).toEqual([{ kind: 'dual-eligible', amount: 1_339 }]);
  expect(signalled).toEqual([]);
});

test('a Medicaid coverage that ended before the service date does not make the patient dual eligible', async () => {
  const claim = await adjudicatedClaim([coinsurance(1_339)]);
  await medicaidCoverage(claim.patientId, { effectiveTo: '2025-12-31' });
  expect(await billShare(claim.claimId)).toMatchObject({ dualEligible: false, writtenOff: [], billed: 1_339, outcome: 'statements' });
});

test('a balance under the threshold is written off as a small balance, not billed', async () => {
  const claim = await adjudicatedClaim([coinsurance(450)]);
  const billed = await billShare(claim.claimId);
  expect(billed).toMatchObject({ billed: 0, outcome: 'written-off' });
  expect(await writeOffsOf(claim.claimId)).toEqual([{ amount: -450, reason: 'small balance: $4.50 is under the $5.00 write-off threshold' }]);
  expect(signalled).toEqual([]);
});

test('coinsurance a dual-eligible patient paid at delivery is written off too: the patient’s credit balance is opened for a refund', async () => {
  const claim = await adjudicatedClaim([coinsurance(1_339)]);
  await medicaidCoverage(claim.patientId);
  await recordPatientPayment(database.db, { claimId: claim.claimId, amount: 1_339, receivedOn: '2026-01-05', user: 'bea.biller' });
  const billed = await billShare(claim.claimId);
  expect(billed).toMatchObject({ balance: 0, billed: 0, outcome: 'written-off' });
  expect(billed.creditBalanceIds).toHaveLength(1);
  const [credit] = await database.db.select().from(creditBalances).where(eq(creditBalances.id, billed.creditBalanceIds[0]));
  expect(credit).toMatchObject({ party: 'patient', amount: 1_339, reason: 'patient-overpayment', status: 'open' });
  expect(started).toEqual([`credit-balance-${credit.id}`]);
});

test('the statement PDF lists services, what the payer paid and adjusted, the payment received, the remit-to address and the due date', async () => {
  const claim = await adjudicatedClaim(
    [{ group: 'PR', reason: '1', amount: 5_000 }, coinsurance(339)],
    [{ group: 'PR', reason: '204', amount: 2_000 }],
  );
  await recordPatientPayment(database.db, {
    claimId: claim.claimId,
    amount: 1_000,
    receivedOn: '2026-02-01',
    reference: 'CHK 100',
    user: 'bea.biller',
  });
  const account = await statements.loadPatientAccount({ patientId: claim.patientId, claimIds: [claim.claimId] });
  expect(account).toEqual({ owed: { [claim.claimId]: 6_339 }, settings: { smallBalanceThreshold: 500, finalAction: 'write-off' } });

  const statementId = '6f1c1d3e-2b7a-4c55-9d0e-0a1b2c3d4e5f';
  const input = {
    statementId,
    patientId: claim.patientId,
    notice: 1,
    finalNotice: false,
    balances: [{ claimId: claim.claimId, finalNotice: false }],
    statementOn: '2026-03-02',
    dueOn: '2026-04-01',
    asOf: '2026-03-02T09:00:00.000Z',
  };
  expect(await statements.issuePatientStatement(input)).toEqual({ issued: true, statementId, sequence: 1, amountDue: 6_339 });
  // A retried activity finds its statement.
  expect(await statements.issuePatientStatement(input)).toEqual({ issued: true, statementId, sequence: 1, amountDue: 6_339 });
  const [row] = await database.db.select().from(patientStatements).where(eq(patientStatements.id, statementId));
  expect(row).toMatchObject({
    patientId: claim.patientId,
    cycle: 1,
    sequence: 1,
    statementOn: '2026-03-02',
    dueOn: '2026-04-01',
    amountDue: 6_339,
    claimIds: [claim.claimId],
  });

  const { text } = await new PDFParse({ data: new Uint8Array(row.pdf) }).getText();
  const flat = text.replace(/\s+/g, ' ');
  for (const expected of [
    'PATIENT STATEMENT',
    'Pat Ledger',
    '1 Elm St',
    'Statement date: 03/02/2026',
    `Claim ${claim.claimNumber}, dates of service 01/05/2026`,
    'E0601 RR KH KX',
    'Continuous positive airway pressure (CPAP) device',
    'A7030 KX',
    'Full face mask used with positive airway pressure device, each',
    '$150.00',
    'Total charges $170.00',
    'Paid by Medicare DME MAC Jurisdiction B (CGS) -$13.27',
    'Adjusted by Medicare DME MAC Jurisdiction B (CGS) -$83.34',
    'Your share per Medicare DME MAC Jurisdiction B (CGS) $73.39',
    'Payment received 02/01/2026 -$10.00',
    'You owe on this claim $63.39',
    'Amount due: $63.39 Please pay by 04/01/2026',
    'Remit to: Durable DME Demo Supply 100 Supply Way Columbus, OH 43215-1234',
  ]) {
    expect({ expected, found: flat.includes(expected) }).toEqual({ expected, found: true });
  }
});
