/**
 * Patient statements through the API: the list of a patient's statements (no PDF body)
 * and each PDF as sent, for billers and admins only, the PDF's reading audited; and a
 * patient's payment telling the patient's statement account, recorded whatever Temporal
 * answers.
 */
import { PDFParse } from 'pdf-parse';
import { and, eq } from 'drizzle-orm';
import type { TemporalPort } from '../../api/app';
import { createStatementActivities } from '../../activities/statements';
import { supplierIdentity } from '../../activities/supplier';
import { loadConfig } from '../../config';
import { auditEvents, ledgerEntries } from '../../db/schema';
import type { PatientPaymentRecorded } from '../../workflows/definitions';
import { buildTestApp, keyFor, todayIso, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertClaims, seedPatientOrder, type StoredClaim } from '../support/receivables';

let database: TestDatabase;
let call: ApiCall;
let claim: StoredClaim;
let patientId: string;
const told: Array<{ patientId: string; payment: PatientPaymentRecorded }> = [];
let answer: () => Promise<'sent' | 'not-running'> = async () => 'sent';
const statementId = '0d9b6e2a-5f4c-4b8e-9a71-3c2d1e0f9a8b';

beforeAll(async () => {
  database = await createTestDatabase();
  const temporal = {
    signalPatientStatements: async (patient: string, payment: PatientPaymentRecorded) => {
      told.push({ patientId: patient, payment });
      return answer();
    },
  } as unknown as TemporalPort;
  ({ call } = buildTestApp(database, temporal));
  const order = await seedPatientOrder(database.db);
  patientId = order.patientId;
  [claim] = await insertClaims(database.db, [{ order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1 }] }]);
  // The coinsurance the payer left to the patient, as posting writes it.
  await database.db.insert(ledgerEntries).values([
    {
      entryKey: `${claim.claimId}:pr-payer`,
      claimId: claim.claimId,
      party: 'payer',
      kind: 'patient-responsibility',
      amount: -2_500,
      actor: 'test',
      at: new Date(),
    },
    {
      entryKey: `${claim.claimId}:pr-patient`,
      claimId: claim.claimId,
      party: 'patient',
      kind: 'patient-responsibility',
      amount: 2_500,
      actor: 'test',
      at: new Date(),
    },
  ]);
  const statements = createStatementActivities({ db: database.db, supplier: supplierIdentity(loadConfig({})) });
  await statements.issuePatientStatement({
    statementId,
    patientId,
    notice: 1,
    finalNotice: false,
    balances: [{ claimId: claim.claimId, finalNotice: false }],
    statementOn: '2026-03-02',
    dueOn: '2026-04-01',
    asOf: '2026-03-02T09:00:00.000Z',
  });
});
afterAll(() => database.drop());

test('GET /patients/:id/statements lists the statements without their PDFs, with the path of each', async () => {
  const listed = await call('GET', `/patients/${patientId}/statements`, { role: 'biller' });
  expect(listed.status).toBe(200);
  expect(listed.json).toEqual({
    statements: [
      {
        id: statementId,
        patientId,
        cycle: 1,
        sequence: 1,
        statementOn: '2026-03-02',
        dueOn: '2026-04-01',
        amountDue: 2_500,
        claimIds: [claim.claimId],
        pdf: `/statements/${statementId}/pdf`,
        createdAt: '2026-03-02T09:00:00.000Z',
      },
    ],
    page: { limit: 25, offset: 0, total: 1 },
  });
  // Nothing of the patient in the list: ids, dates and cents.
  expect(listed.text).not.toContain('Ledger');
  expect((await call('GET', `/patients/${claim.orderId}/statements`, { role: 'biller' })).status).toBe(404);
  expect((await call('GET', `/patients/${patientId}/statements`, { role: 'intake' })).status).toBe(403);
});

test('GET /statements/:id/pdf answers the PDF as sent, not cached, and audits who read it', async () => {
  const response = await buildTestApp(database).app.request(`/statements/${statementId}/pdf`, {
    headers: { authorization: `Bearer ${keyFor('admin')}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/pdf');
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(response.headers.get('content-disposition')).toBe(`inline; filename="statement-${statementId}.pdf"`);
  const { text } = await new PDFParse({ data: new Uint8Array(await response.arrayBuffer()) }).getText();
  expect(text.replace(/\s+/g, ' ')).toContain('Amount due: $25.00 Please pay by 04/01/2026');
  expect(text).toContain('Pat Ledger');

  const read = await database.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, 'patient-statement.read'), eq(auditEvents.entityId, patientId)));
  expect(read).toEqual([expect.objectContaining({ actor: 'ada.admin', entityType: 'patient', detail: { statementId } })]);

  expect((await call('GET', `/statements/${statementId}/pdf`, { role: 'reviewer' })).status).toBe(403);
  expect((await call('GET', `/statements/${claim.claimId}/pdf`, { role: 'biller' })).status).toBe(404);
});

test('a patient payment tells the patient’s statement account; when Temporal does not answer, the payment still stands', async () => {
  const paid = await call('POST', `/claims/${claim.claimId}/patient-payments`, { role: 'biller', body: { amount: 1_000, receivedOn: todayIso() } });
  expect(paid.status).toBe(201);
  expect(paid.json.statementAccount).toBe('sent');
  expect(told).toEqual([{ patientId, payment: { claimId: claim.claimId } }]);

  answer = async () => {
    throw new Error('Temporal unavailable');
  };
  const again = await call('POST', `/claims/${claim.claimId}/patient-payments`, { role: 'biller', body: { amount: 500, receivedOn: todayIso() } });
  expect(again.status).toBe(201);
  expect(again.json.statementAccount).toBe('failed');
  const payments = await database.db
    .select({ amount: ledgerEntries.amount })
    .from(ledgerEntries)
    .where(and(eq(ledgerEntries.claimId, claim.claimId), eq(ledgerEntries.kind, 'patient-payment')));
  expect(payments.map((row) => row.amount).sort((a, b) => a - b)).toEqual([-1_000, -500]);
});
