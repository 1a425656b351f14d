import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse999 } from '../../domain/x12';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/x12', name), 'utf8');

describe('parse999: implementation acknowledgments', () => {
  test('accepted: the 837 with our control number goes on to the payer', () => {
    expect(parse999(fixture('999-accepted.x12'))).toEqual([
      {
        controlNumber: '0001',
        functionalId: 'HC',
        groupControlNumber: '1',
        version: '005010X222A1',
        code: 'A',
        transactionSetsIncluded: 1,
        transactionSetsReceived: 1,
        transactionSetsAccepted: 1,
        errorCodes: [],
        transactionSets: [
          { transactionSetId: '837', controlNumber: '0001', version: '005010X222A1', code: 'A', accepted: true, errorCodes: [], segmentErrors: [] },
        ],
      },
    ]);
  });

  test('rejected: each bad segment and element, with positions and the bad value, so staff can fix and resend', () => {
    const [ack] = parse999(fixture('999-rejected.x12'));
    expect(ack).toMatchObject({ code: 'R', groupControlNumber: '2', transactionSetsAccepted: 0 });
    expect(ack.transactionSets).toEqual([
      {
        transactionSetId: '837',
        controlNumber: '0002',
        version: '005010X222A1',
        code: 'R',
        accepted: false,
        errorCodes: ['5'],
        segmentErrors: [
          {
            segmentId: 'N4',
            position: 10,
            errorCode: '8',
            elementErrors: [{ position: 3, elementReference: '116', errorCode: 'I12', badValue: '43215' }],
          },
          {
            segmentId: 'SV1',
            position: 24,
            errorCode: '8',
            elementErrors: [{ position: 1, componentPosition: 2, elementReference: '234', errorCode: '7', badValue: 'E999' }],
          },
        ],
      },
    ]);
  });

  test('a 999 without its AK9 trailer is refused', () => {
    const broken = fixture('999-accepted.x12').replace('AK9*A*1*1*1~\n', '').replace('SE*6*0001', 'SE*5*0001');
    expect(() => parse999(broken)).toThrow('segment 7 (SE): 999 transaction set 0001 has no AK9');
  });
});

describeWithX12Valid('999 fixtures are valid 005010X231A1 (pyx12 x12valid)', () => {
  test.each(['999-accepted.x12', '999-rejected.x12'])('%s', (name) => {
    expect(x12valid(fixture(name))).toEqual({ ok: true, errors: [] });
  });
});
