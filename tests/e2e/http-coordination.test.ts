/**
 * Coordination of benefits end to end over HTTP (issue 10), as intake and billers would
 * work it: a Temporal dev server, the worker with the real workflows and activities, the
 * sandbox payers answering in seconds (DOMAIN.md §15; activities/clearinghouse/README.md
 * "COB triggers"), the mailbox, and the API on a real 127.0.0.1 port.
 *
 * - Medicare + a Medigap with a crossover agreement: no claim of ours to the Medigap, its
 *   835 posted, the patient owes nothing and gets no statement.
 * - Medicare + Medicaid without crossover: a secondary 837P (GET /claims/:id/837?level=
 *   secondary) that pyx12 accepts, the Medicaid 835 posted, no credit balance, no
 *   statement; then a second Medicaid payment (POST /remittances) is a credit balance
 *   naming Medicaid.
 * - An employer plan primary with Medicare secondary: the Medicare claim carries SBR05 12.
 * - Medicare alone: the coinsurance left is the patient's, a statement PDF states it, and
 *   the patient's payment closes the account.
 */
import { PDFParse } from 'pdf-parse';
import { patientStatementsWorkflowId } from '../../workflows/definitions';
import { build835 } from '../support/receivables';
import { completeDocuments, createOrder, deliver, keyFor, patientBody, todayIso, type ApiCall } from '../support/api';
import type { TemporalStack } from '../support/temporal-stack';
import { describeWithX12Valid, x12valid } from '../support/x12valid';
import { startServedStack, type ServedStack } from './served-stack';

jest.setTimeout(180_000);

let stack: TemporalStack;
let call: ApiCall;
let served: ServedStack;
beforeAll(async () => {
  served = await startServedStack({ acknowledgementDelayMs: 1_000, remittanceDelayMs: 3_000 });
  ({ stack, call } = served);
}, 120_000);
afterAll(() => served?.stop());

const walker = { hcpcs: 'E0143', quantity: 1, acquisition: 'purchase', unitCharge: 15_000 };

/** A patient with coverages in order, through the API; returns the patient and the primary coverage. */
async function patientWith(coverages: Array<Record<string, unknown>>) {
  const patient = await call('POST', '/patients', { role: 'intake', body: patientBody });
  expect(patient.status).toBe(201);
  const ids: string[] = [];
  for (const coverage of coverages) {
    const added = await call('POST', `/patients/${patient.json.id}/coverages`, { role: 'intake', body: coverage });
    expect({ coverage, status: added.status }).toEqual({ coverage, status: 201 });
    ids.push(added.json.id);
  }
  return { patientId: patient.json.id as string, coverageId: ids[0] };
}

/** The order's one claim once it has its final state (the claim workflow resolved it after its last payer). */
async function resolvedClaim(orderId: string) {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const order = await call('GET', `/orders/${orderId}`, { role: 'admin' });
    const claimId = order.json.claims?.[0]?.id;
    if (claimId) {
      const claim = await call('GET', `/claims/${claimId}`, { role: 'biller' });
      if (claim.json.resolution) return claim.json;
    }
    if (Date.now() > deadline) throw new Error(`the claim of order ${orderId} was never resolved`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function billedWalker(coverages: Array<Record<string, unknown>>) {
  const patient = await patientWith(coverages);
  const orderId = await createOrder(call, patient, { items: [walker], diagnoses: ['M17.11'] });
  await completeDocuments(call, orderId);
  await deliver(call, orderId);
  return { ...patient, orderId, claim: await resolvedClaim(orderId) };
}

const medicare = { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'primary' };

describeWithX12Valid('coordination of benefits over HTTP', () => {
  test('Medicare + Medigap by crossover: no secondary claim sent, the Medigap 835 posted, the patient owes nothing', async () => {
    const { patientId, claim } = await billedWalker([medicare, { payerId: 'medigap-crossover', memberId: 'MG100200301', priority: 'secondary' }]);
    expect(claim.payers).toEqual([
      expect.objectContaining({ level: 'primary', payerId: 'medicare-jb', status: 'adjudicated' }),
      expect.objectContaining({ level: 'secondary', payerId: 'medigap-crossover', status: 'adjudicated' }),
    ]);
    expect(claim.payments.map((payment: { statusCode: string }) => payment.statusCode)).toEqual(['19', '2']);
    expect(claim.payments[0].remarkCodes).toContain('MA18');
    expect((await call('GET', `/claims/${claim.id}/837?level=secondary`, { role: 'biller' })).status).toBe(404);
    expect(claim.resolution).toBe('paid');
    expect((await call('GET', `/patients/${patientId}/statements`, { role: 'biller' })).json.statements).toEqual([]);
  });

  test('Medicare + Medicaid: a secondary 837P pyx12 accepts, the Medicaid 835 posted, no credit balance; a second Medicaid payment is a credit balance naming Medicaid', async () => {
    const { patientId, claim } = await billedWalker([medicare, { payerId: 'medicaid-state', memberId: 'MCD445566', priority: 'secondary' }]);
    expect(claim.payments.map((payment: { statusCode: string }) => payment.statusCode)).toEqual(['1', '2']);
    const secondary = await call('GET', `/claims/${claim.id}/837?level=secondary`, { role: 'biller' });
    expect(secondary.status).toBe(200);
    expect(x12valid(secondary.text)).toEqual({ ok: true, errors: [] });
    expect(secondary.text).toContain('SBR*S*18*******MC');
    expect(secondary.text).toContain('AMT*D*');
    const credits = async () =>
      (
        (await call('GET', '/credit-balances', { role: 'biller' })).json.creditBalances as Array<{ claimId: string; payerId: string; party: string }>
      ).filter((credit) => credit.claimId === claim.id);
    expect(await credits()).toEqual([]);
    expect((await call('GET', `/patients/${patientId}/statements`, { role: 'biller' })).json.statements).toEqual([]);

    // Medicaid pays the claim again: its money, above what the claim is owed, is a credit balance against Medicaid.
    const again = build835({
      trace: `MCDAGAIN${claim.claimNumber.slice(-6)}`,
      payerIdNumber: 'SMCD1',
      payerName: 'State Medicaid',
      paidOn: todayIso(),
      claims: [
        {
          pcn: claim.claimNumber,
          status: '2',
          filingIndicator: 'MC',
          charge: claim.totalCharge,
          paid: 1_000,
          icn: 'MCDSECONDPAY01',
          adjustments: [{ group: 'OA', reason: '23', amount: claim.totalCharge - 1_000 }],
          lines: [],
        },
      ],
    });
    const posted = await call('POST', '/remittances', { role: 'biller', text: again });
    expect(posted.status).toBeLessThan(300);
    const deadline = Date.now() + 60_000;
    while ((await credits()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await credits()).toEqual([expect.objectContaining({ payerId: 'medicaid-state', party: 'payer' })]);
  });

  test('an employer plan primary, Medicare secondary: the Medicare claim is secondary with MSP type 12 (SBR05)', async () => {
    const { claim } = await billedWalker([
      { payerId: 'commercial-acme', memberId: 'ACM123456', priority: 'primary' },
      { payerId: 'medicare-jb', memberId: '1EG4TE5MK73', priority: 'secondary', mspType: '12' },
    ]);
    expect(claim.payers.map((payer: { payerId: string }) => payer.payerId)).toEqual(['commercial-acme', 'medicare-jb']);
    const toMedicare = await call('GET', `/claims/${claim.id}/837?level=secondary`, { role: 'biller' });
    expect(x12valid(toMedicare.text)).toEqual({ ok: true, errors: [] });
    expect(toMedicare.text).toMatch(/SBR\*S\*18\*\*\*12\*\*\*\*MB~/);
  });

  test('a patient-only balance: a statement PDF states it, and the patient’s payment closes the account', async () => {
    const { patientId, claim } = await billedWalker([medicare]);
    expect(claim.resolution).toBe('patient-billed');
    const deadline = Date.now() + 60_000;
    let statements: Array<{ id: string; amountDue: number; pdf: string; claimIds: string[] }> = [];
    while (statements.length === 0 && Date.now() < deadline) {
      statements = (await call('GET', `/patients/${patientId}/statements`, { role: 'biller' })).json.statements;
      if (statements.length === 0) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(statements).toEqual([expect.objectContaining({ claimIds: [claim.id] })]);
    const [statement] = statements;
    expect(statement.amountDue).toBe(claim.patientResponsibility);
    expect(statement.amountDue).toBeGreaterThan(0);
    const pdf = await fetch(`http://127.0.0.1:${served.api.port}${statement.pdf}`, { headers: { authorization: `Bearer ${keyFor('biller')}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const { text } = await new PDFParse({ data: new Uint8Array(await pdf.arrayBuffer()) }).getText();
    expect(text).toContain(`$${(statement.amountDue / 100).toFixed(2)}`);

    const paid = await call('POST', `/claims/${claim.id}/patient-payments`, {
      role: 'biller',
      body: { amount: statement.amountDue, receivedOn: todayIso(), reference: 'CHK 1001' },
    });
    expect(paid.status).toBe(201);
    expect(paid.json.statementAccount).toBe('sent');
    // The account has nothing left to state: its workflow ends.
    await stack.client.workflow.getHandle(patientStatementsWorkflowId(patientId)).result();
    const after = await call('GET', `/claims/${claim.id}`, { role: 'biller' });
    expect(after.json.payers).toEqual([expect.objectContaining({ level: 'primary', status: 'adjudicated' })]);
  });
});
