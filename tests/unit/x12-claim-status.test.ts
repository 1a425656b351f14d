import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build276, claimStatusOutcome, parse277, type ClaimStatus276Input } from '../../domain/x12';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/x12', name), 'utf8');

const inquiry: ClaimStatus276Input = {
  interchange: {
    senderQualifier: 'ZZ',
    senderId: 'DURABLEDME',
    receiverQualifier: 'ZZ',
    receiverId: 'CLEARHOUSE',
    controlNumber: 8,
    date: '2024-04-15',
    time: '09:00',
    usage: 'T',
  },
  payer: { name: 'CGS Jurisdiction B', id: '17013' },
  informationReceiver: { name: 'Durable DME Supply', id: 'DDME01' },
  provider: { organizationName: 'Durable DME Supply LLC', npi: '1234567893' },
  subscriber: { memberId: '1EG4TE5MK73', lastName: 'Doe', firstName: 'Jane', birthDate: '1940-05-06', sex: 'F' },
  claim: {
    traceNumber: 'STATUS-C1001',
    patientControlNumber: 'C1001',
    payerClaimNumber: '24062000001001',
    totalCharge: 15_000,
    serviceFrom: '2024-03-01',
    serviceTo: '2024-03-31',
  },
  lines: [
    {
      hcpcs: 'E0601',
      modifiers: ['RR', 'KH', 'KX'],
      charge: 15_000,
      units: 1,
      lineControlNumber: 'C1001-1',
      serviceFrom: '2024-03-01',
      serviceTo: '2024-03-31',
    },
  ],
};

describe('build276: claim status inquiry', () => {
  // Hand-checked against the 005010X212 example 276 (2000D subscriber is the patient: DMG
  // before NM1, TRN then REF/AMT/DTP, then the 2210D line). pyx12 has no 5010 276 map.
  test('matches the hand-checked 276 segment for segment', () => {
    const body = build276(inquiry).split('~').slice(2, -3);
    expect(body).toEqual([
      'ST*276*0008*005010X212',
      'BHT*0010*13*STATUS-C1001*20240415*0900',
      'HL*1**20*1',
      'NM1*PR*2*CGS JURISDICTION B*****PI*17013',
      'HL*2*1*21*1',
      'NM1*41*2*DURABLE DME SUPPLY*****46*DDME01',
      'HL*3*2*19*1',
      'NM1*1P*2*DURABLE DME SUPPLY LLC*****XX*1234567893',
      'HL*4*3*22*0',
      'DMG*D8*19400506*F',
      'NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73',
      'TRN*1*STATUS-C1001',
      'REF*1K*24062000001001',
      'REF*EJ*C1001',
      'AMT*T3*150',
      'DTP*472*RD8*20240301-20240331',
      'SVC*HC:E0601:RR:KH:KX*150*****1',
      'REF*FJ*C1001-1',
      'DTP*472*RD8*20240301-20240331',
      'SE*20*0008',
    ]);
    expect(build276(inquiry).split('~').slice(0, 2)[1]).toBe('GS*HR*DURABLEDME*CLEARHOUSE*20240415*0900*8*X*005010X212');
  });

  test('a claim-level inquiry without lines or payer claim number, for a single date of service', () => {
    const segments = build276({
      ...inquiry,
      lines: undefined,
      claim: { ...inquiry.claim, payerClaimNumber: undefined, serviceTo: '2024-03-01' },
    }).split('~');
    expect(segments.filter((s) => /^(REF|SVC|DTP)/.test(s))).toEqual(['REF*EJ*C1001', 'DTP*472*D8*20240301']);
  });
});

describe('parse277: the 277CA claim acknowledgment', () => {
  test('accepted into adjudication (A2): matched by our patient control number in TRN02, with the payer claim number', () => {
    const [ack] = parse277(fixture('277ca-accepted.x12'));
    expect(ack.kind).toBe('acknowledgment');
    expect(ack.batchStatuses.map((s) => s.codes[0].category)).toEqual(['A1', 'A1']);
    expect(ack.claims).toEqual([
      {
        patientControlNumber: 'C1001',
        traceNumber: 'C1001',
        payerClaimNumber: '24062000001001',
        patient: { lastName: 'DOE', firstName: 'JANE', memberId: '1EG4TE5MK73' },
        providerId: '1234567893',
        serviceFrom: '2024-03-01',
        serviceTo: '2024-03-31',
        statuses: [
          {
            codes: [{ category: 'A2', outcome: 'accepted', code: '20', entity: 'PR' }],
            effectiveDate: '2024-03-02',
            action: 'WQ',
            totalCharge: 15_000,
          },
        ],
        lines: [],
        outcome: 'accepted',
      },
    ]);
  });

  test('rejected for invalid data (A7): claim and both lines, lines matched by REF*FJ = our REF*6R', () => {
    const [ack] = parse277(fixture('277ca-rejected-a7.x12'));
    const [claim] = ack.claims;
    expect(claim).toMatchObject({
      patientControlNumber: 'C1002',
      outcome: 'rejected',
      clearinghouseTraceNumber: 'CH99887766',
      statuses: [
        {
          codes: [{ category: 'A7', outcome: 'rejected', code: '562', entity: 'DK' }],
          action: 'U',
          totalCharge: 180_000,
          message: 'ORDERING PROVIDER NPI NOT FOUND',
        },
      ],
    });
    expect(claim.payerClaimNumber).toBeUndefined();
    expect(claim.lines.map((l) => [l.lineControlNumber, l.hcpcs, l.modifiers, l.charge, l.statuses[0].codes[0].category])).toEqual([
      ['C1002-1', 'L1851', ['LT'], 90_000, 'A7'],
      ['C1002-2', 'L1851', ['RT'], 90_000, 'A7'],
    ]);
  });
});

describe('parse277: the answer to a 276', () => {
  const [response] = parse277(fixture('277-status-paid-pending.x12'));

  test('a paid claim (F1) with amounts, check number and the line', () => {
    expect(response.kind).toBe('inquiry-response');
    const paid = response.claims[0];
    expect(paid).toMatchObject({
      traceNumber: inquiry.claim.traceNumber,
      patientControlNumber: 'C1001',
      payerClaimNumber: '24062000001001',
      outcome: 'paid',
      statuses: [
        {
          codes: [{ category: 'F1', code: '65' }],
          effectiveDate: '2024-04-10',
          totalCharge: 15_000,
          paid: 3_920,
          adjudicatedDate: '2024-04-10',
          checkNumber: 'EFT0012345',
        },
      ],
    });
    expect(paid.lines).toMatchObject([{ lineControlNumber: 'C1001-1', hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000 }]);
  });

  test('a pending claim (P1) under the same subscriber', () => {
    expect(response.claims[1]).toMatchObject({
      traceNumber: 'STATUS-C1004',
      patientControlNumber: 'C1004',
      outcome: 'pending',
      serviceFrom: '2024-03-20',
      lines: [],
    });
  });
});

describe("claim status categories in the workflow's words", () => {
  test.each([
    ['A1', 'received'],
    ['A2', 'accepted'],
    ['A3', 'rejected'],
    ['A6', 'rejected'],
    ['A7', 'rejected'],
    ['A8', 'rejected'],
    ['A4', 'not-found'],
    ['P0', 'pending'],
    ['P5', 'pending'],
    ['F1', 'paid'],
    ['F2', 'denied'],
    ['F4', 'finalized'],
    ['R4', 'information-requested'],
    ['E0', 'error'],
  ])('%s is %s', (category, outcome) => {
    expect(claimStatusOutcome(category)).toBe(outcome);
  });
});

describeWithX12Valid('277CA fixtures are valid 005010X214 (pyx12 x12valid)', () => {
  test.each(['277ca-accepted.x12', '277ca-rejected-a7.x12'])('%s', (name) => {
    expect(x12valid(fixture(name))).toEqual({ ok: true, errors: [] });
  });
});
