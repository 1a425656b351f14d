import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { balance835, parse835, X12Error, type Remittance } from '../../domain/x12';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/x12', name), 'utf8');

function errorOf(parse: () => unknown): X12Error {
  try {
    parse();
  } catch (e) {
    if (e instanceof X12Error) return e;
    throw e;
  }
  throw new Error('expected an X12Error');
}

describe('parse835: a Medicare DME remittance', () => {
  const [remittance] = parse835(fixture('835-medicare-paid.x12'));

  test('payment, trace number, payer and payee', () => {
    expect(remittance).toMatchObject({
      controlNumber: '0001',
      handlingCode: 'I',
      paymentAmount: 121_520,
      creditDebit: 'C',
      paymentMethod: 'ACH',
      paymentDate: '2024-04-15',
      traceNumber: 'EFT0012345',
      payerTraceId: '1123456789',
      productionDate: '2024-04-12',
      payer: { name: 'CGS JURISDICTION B' },
      payee: { name: 'DURABLE DME SUPPLY LLC', idQualifier: 'XX', id: '1234567893', taxId: '123456789' },
      providerAdjustments: [],
    });
  });

  // DOMAIN.md §14: allowed $100 with $50 deductible left → Medicare $40 less 2% = $39.20; the patient owes $60.
  test('the CPAP claim: allowed, deductible, coinsurance and sequestration per line, in cents', () => {
    const cpap = remittance.claims[0];
    expect(cpap).toMatchObject({
      patientControlNumber: 'C1001',
      status: '1',
      charge: 15_000,
      paid: 3_920,
      patientResponsibility: 6_000,
      filingIndicator: 'MB',
      payerClaimNumber: '24062000001001',
      frequencyCode: '1',
      patient: { lastName: 'DOE', firstName: 'JANE', memberId: '1EG4TE5MK73' },
      receivedDate: '2024-03-05',
      adjustments: [],
    });
    expect(cpap.lines).toEqual([
      {
        procedureQualifier: 'HC',
        hcpcs: 'E0601',
        modifiers: ['RR', 'KH', 'KX'],
        charge: 15_000,
        paid: 3_920,
        unitsPaid: 1,
        serviceFrom: '2024-03-01',
        serviceTo: '2024-03-31',
        adjustments: [
          { group: 'CO', reason: '45', amount: 5_000 },
          { group: 'CO', reason: '253', amount: 80 },
          { group: 'PR', reason: '1', amount: 5_000 },
          { group: 'PR', reason: '2', amount: 1_000 },
        ],
        lineControlNumber: 'C1001-1',
        allowed: 10_000,
        remarkCodes: ['N130'],
        position: 19,
      },
    ]);
  });

  test('bilateral orthoses: two lines matched back by REF*6R, each with its own allowed amount', () => {
    const orthoses = remittance.claims[1];
    expect(orthoses.lines.map((l) => [l.lineControlNumber, l.modifiers, l.charge, l.paid, l.allowed, l.serviceFrom])).toEqual([
      ['C1002-1', ['LT'], 90_000, 58_800, 75_000, '2024-03-01'],
      ['C1002-2', ['RT'], 90_000, 58_800, 75_000, '2024-03-01'],
    ]);
  });

  test('a denied claim (CLP02 4) with CO-16 and two LQ*HE remark codes', () => {
    const walker = remittance.claims[2];
    expect(walker).toMatchObject({ patientControlNumber: 'C1003', status: '4', charge: 12_000, paid: 0 });
    expect(walker.lines[0]).toMatchObject({
      hcpcs: 'E0143',
      modifiers: ['NU', 'KX'],
      adjustments: [{ group: 'CO', reason: '16', amount: 12_000 }],
      remarkCodes: ['MA130', 'N290'],
    });
  });

  test('a line adjudicated under another code than billed keeps both (SVC06)', () => {
    const recoded = fixture('835-medicare-paid.x12').replace(
      'SVC*HC:E0601:RR:KH:KX*150*39.2**1~',
      'SVC*HC:E0601:RR:KH*150*39.2**1*HC:E0601:RR:KH:KX~',
    );
    const line = parse835(recoded)[0].claims[0].lines[0];
    expect([line.hcpcs, line.modifiers, line.billedProcedure]).toEqual(['E0601', ['RR', 'KH'], { hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'] }]);
  });

  test('a CAS with six reason/amount/quantity triples reads all six', () => {
    const sixTriples = fixture('835-medicare-paid.x12')
      .replace('CAS*CO*45*50**253*0.8~\nCAS*PR*1*50**2*10~', 'CAS*CO*45*50**253*0.8*1*59*20**97*10**151*20*2*B7*10~')
      .replace('SE*47*0001', 'SE*46*0001');
    const line = parse835(sixTriples)[0].claims[0].lines[0];
    expect(line.adjustments).toEqual([
      { group: 'CO', reason: '45', amount: 5_000 },
      { group: 'CO', reason: '253', amount: 80, quantity: 1 },
      { group: 'CO', reason: '59', amount: 2_000 },
      { group: 'CO', reason: '97', amount: 1_000 },
      { group: 'CO', reason: '151', amount: 2_000, quantity: 2 },
      { group: 'CO', reason: 'B7', amount: 1_000 },
    ]);
  });
});

describe('parse835: reversals and provider-level adjustments', () => {
  const [remittance] = parse835(fixture('835-reversal-plb.x12'));

  test('a reversal (CLP02 22) takes back the first payment with negative amounts, then the corrected claim pays', () => {
    const [reversal, corrected] = remittance.claims;
    expect(reversal).toMatchObject({
      patientControlNumber: 'C1001',
      status: '22',
      charge: -15_000,
      paid: -3_920,
      patientResponsibility: -6_000,
      payerClaimNumber: '24062000001001',
    });
    expect(reversal.lines[0]).toMatchObject({ charge: -15_000, paid: -3_920, unitsPaid: -1, allowed: -10_000, lineControlNumber: 'C1001-1' });
    expect(reversal.lines[0].adjustments.map((a) => a.amount)).toEqual([-5_000, -80, -5_000, -1_000]);
    expect(corrected).toMatchObject({
      patientControlNumber: 'C1001',
      status: '1',
      paid: 7_840,
      frequencyCode: '7',
      payerClaimNumber: '24131000000777',
    });
  });

  test('PLB adjustments keep reason, reference id and sign (positive reduces the payment)', () => {
    expect(remittance.providerAdjustments).toEqual([
      { providerId: '1234567893', fiscalPeriodDate: '2024-12-31', reason: 'WO', referenceId: '24062000000099', amount: 2_500 },
      { providerId: '1234567893', fiscalPeriodDate: '2024-12-31', reason: 'L6', referenceId: '24131000000777', amount: -115 },
      { providerId: '1234567893', fiscalPeriodDate: '2024-12-31', reason: 'FB', referenceId: 'FB0001', amount: 1_000 },
      { providerId: '1234567893', fiscalPeriodDate: '2024-12-31', reason: '72', referenceId: 'CHK77881', amount: -500 },
    ]);
    // BPR02 $10.35 = claims paid (−39.20 + 78.40) − PLB (25 − 1.15 + 10 − 5).
    expect(remittance.paymentAmount).toBe(1_035);
  });
});

describe('835 balancing: a remittance that does not add up is rejected whole', () => {
  test('the unbalanced fixture fails with every imbalance: line, claim and payment total', () => {
    const error = errorOf(() => parse835(fixture('835-unbalanced.x12')));
    expect(error.code).toBe('unbalanced');
    expect(error.issues.map((i) => i.message)).toEqual([
      'segment 14 (SVC): claim C1001 line E0601 (C1001-1): charge $150.00 − adjustments $110.80 = $39.20, but paid $40.00',
      'segment 12 (CLP): claim C1001: charge $150.00 − adjustments $110.80 (claim and lines) = $39.20, but paid $40.00',
      'transaction set 0001: BPR02 $45.00 ≠ claims paid $40.00 − provider adjustments $0.00 = $40.00',
    ]);
    expect(error.message).toMatch(/^3 problems: /);
  });

  test('a claim-level CAS counts toward the claim but not the lines', () => {
    const text = fixture('835-medicare-paid.x12').replace('NM1*QC*1*DOE*JANE', 'CAS*OA*23*5~\nNM1*QC*1*DOE*JANE').replace('SE*47*0001', 'SE*48*0001');
    const error = errorOf(() => parse835(text));
    expect(error.issues.map((i) => i.message)).toEqual([
      'segment 16 (CLP): claim C1001: charge $150.00 − adjustments $115.80 (claim and lines) = $34.20, but paid $39.20',
    ]);
  });

  test('a provider adjustment that the payment does not reflect unbalances the transaction', () => {
    const text = fixture('835-reversal-plb.x12').replace('*FB:FB0001*10*', '*FB:FB0001*12*');
    expect(errorOf(() => parse835(text)).issues.map((i) => i.message)).toEqual([
      'transaction set 0001: BPR02 $10.35 ≠ claims paid $39.20 − provider adjustments $30.85 = $8.35',
    ]);
  });

  test('balance835 checks a remittance object too, and finds nothing wrong in a balanced one', () => {
    const [remittance] = parse835(fixture('835-medicare-paid.x12'));
    expect(balance835(remittance)).toEqual([]);
    const tampered: Remittance = structuredClone(remittance);
    tampered.claims[1].lines[1].paid -= 1;
    tampered.claims[2].paid += 500;
    // The short line also leaves its claim's lines summing to less than CLP04 (segment 27).
    expect(balance835(tampered).map((i) => [i.segment?.position, i.segment?.id, i.code])).toEqual([
      [35, 'SVC', 'unbalanced'],
      [27, 'CLP', 'unbalanced'],
      [41, 'CLP', 'unbalanced'],
      [undefined, undefined, 'unbalanced'],
    ]);
  });
});

describeWithX12Valid('835 fixtures are valid 005010X221A1 (pyx12 x12valid)', () => {
  // Balancing is ours to check: pyx12 validates syntax only, so the unbalanced fixture passes it.
  test.each(['835-medicare-paid.x12', '835-reversal-plb.x12', '835-unbalanced.x12'])('%s', (name) => {
    expect(x12valid(fixture(name))).toEqual({ ok: true, errors: [] });
  });
});
