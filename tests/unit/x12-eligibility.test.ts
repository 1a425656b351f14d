import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build270, parse271, X12Error, type Eligibility270Input } from '../../domain/x12';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/x12', name), 'utf8');

const inquiry: Eligibility270Input = {
  interchange: {
    senderQualifier: 'ZZ',
    senderId: 'DURABLEDME',
    receiverQualifier: 'ZZ',
    receiverId: 'CMSHETS',
    controlNumber: 7,
    date: '2024-03-01',
    time: '09:15',
    usage: 'T',
  },
  payer: { name: 'CMS', id: 'CMS' },
  provider: { organizationName: 'Durable DME Supply LLC', npi: '1234567893', taxId: '31-1234567' },
  subscriber: { memberId: '1EG4TE5MK73', lastName: 'Doe', firstName: 'Jane', birthDate: '1940-05-06', sex: 'F' },
  traceNumber: 'ELIG-ORD-42',
  serviceDate: '2024-03-01',
};

describe('build270: eligibility inquiry for DME purchase (12) and rental (18)', () => {
  // Written out by hand against the 005010X279A1 example 270 (subscriber is the patient),
  // with one EQ per DME service type. pyx12 has no 5010 270 map, so this text is the check.
  test('matches the hand-checked 270 segment for segment', () => {
    expect(build270(inquiry).split('~')).toEqual([
      'ISA*00*          *00*          *ZZ*DURABLEDME     *ZZ*CMSHETS        *240301*0915*^*00501*000000007*0*T*:',
      'GS*HS*DURABLEDME*CMSHETS*20240301*0915*7*X*005010X279A1',
      'ST*270*0007*005010X279A1',
      'BHT*0022*13*ELIG-ORD-42*20240301*0915',
      'HL*1**20*1',
      'NM1*PR*2*CMS*****PI*CMS',
      'HL*2*1*21*1',
      'NM1*1P*2*DURABLE DME SUPPLY LLC*****XX*1234567893',
      'HL*3*2*22*0',
      'TRN*1*ELIG-ORD-42*1311234567',
      'NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73',
      'DMG*D8*19400506*F',
      'DTP*291*D8*20240301',
      'EQ*12',
      'EQ*18',
      'SE*14*0007',
      'GE*1*7',
      'IEA*1*000000007',
      '',
    ]);
  });

  test('other service types when asked (DM), and no DMG without a birth date', () => {
    const segments = build270({
      ...inquiry,
      subscriber: { memberId: 'XYZ12399', lastName: 'Poe', firstName: 'Annabel' },
      serviceTypes: ['DM'],
    }).split('~');
    expect(segments.filter((s) => s.startsWith('EQ'))).toEqual(['EQ*DM']);
    expect(segments.some((s) => s.startsWith('DMG'))).toBe(false);
  });

  test('refuses an inquiry it cannot send, naming each field', () => {
    let error: unknown;
    try {
      build270({ ...inquiry, provider: { ...inquiry.provider, npi: '1234567890' }, serviceDate: '2024-02-30', serviceTypes: ['12', 'DME'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(X12Error);
    expect((error as X12Error).issues.map((i) => i.field)).toEqual(['provider.npi', 'serviceDate', 'serviceTypes[1]']);
  });
});

describe('parse271: eligibility answers', () => {
  test('Medicare Part B active, with deductible (total and remaining), 20% coinsurance, an MA plan and a non-covered type', () => {
    const [response] = parse271(fixture('271-medicare-active.x12'));
    expect(response.payer).toEqual({ name: 'CGS JURISDICTION B', id: '17013' });
    expect(response.provider).toEqual({ name: 'DURABLE DME SUPPLY LLC', id: '1234567893' });
    const [member] = response.members;
    expect(member).toMatchObject({
      level: 'subscriber',
      status: 'active',
      traceNumbers: ['ELIG-ORD-42'],
      lastName: 'DOE',
      firstName: 'JANE',
      memberId: '1EG4TE5MK73',
      birthDate: '1940-05-06',
      sex: 'F',
      dates: [{ qualifier: '346', from: '2005-06-01', to: '2005-06-01' }],
    });
    expect(member.benefits.map((b) => [b.kind, b.serviceTypes, b.timePeriod, b.amount, b.percent])).toEqual([
      ['active', ['30', '12', '18'], undefined, undefined, undefined],
      ['deductible', ['30'], '23', 24_000, undefined],
      ['deductible', ['30'], '29', 12_000, undefined],
      ['coinsurance', ['12', '18'], '27', undefined, 0.2],
      ['other-payer', ['30'], undefined, undefined, undefined],
      ['non-covered', ['DM'], undefined, undefined, undefined],
    ]);
    expect(member.benefits[1].dates).toEqual([{ qualifier: '291', from: '2024-01-01', to: '2024-12-31' }]);
    expect(member.benefits[4]).toMatchObject({
      code: 'R',
      insuranceType: 'HN',
      planDescription: 'MEDICARE ADVANTAGE',
      dates: [{ qualifier: '290', from: '2024-01-01', to: '2024-01-01' }],
      relatedEntities: [{ entity: 'PRP', name: 'BUCKEYE SENIOR HEALTH PLAN', idQualifier: 'PI', id: 'H1234' }],
    });
    expect(member.benefits[5].messages).toEqual(['DIABETIC SHOES BILL THE DME MAC']);
  });

  test('inactive coverage (EB01 6) with the date it ended', () => {
    const [response] = parse271(fixture('271-inactive.x12'));
    const [member] = response.members;
    expect(member.status).toBe('inactive');
    expect(member.benefits).toEqual([
      {
        code: '6',
        kind: 'inactive',
        serviceTypes: ['30'],
        insuranceType: 'MC',
        dates: [{ qualifier: '357', from: '2023-12-31', to: '2023-12-31' }],
        messages: ['COVERAGE TERMINATED'],
        relatedEntities: [],
      },
    ]);
  });

  test('a rejected member (AAA 72 invalid member id) and a commercial plan with copay, out-of-pocket and non-covered purchase', () => {
    const [rejected, commercial] = parse271(fixture('271-commercial-rejected.x12'));
    expect(rejected.members[0]).toMatchObject({
      status: 'rejected',
      memberId: 'XYZ12345',
      benefits: [],
      rejections: [{ level: 'member', validRequest: true, reason: '72', followUp: 'C' }],
    });

    const member = commercial.members[0];
    expect(member.status).toBe('active');
    const byKind = (kind: string) => member.benefits.filter((b) => b.kind === kind);
    expect(byKind('copay')).toMatchObject([{ serviceTypes: ['12', '18'], amount: 2_500, authorizationRequired: 'N', inNetwork: 'Y' }]);
    expect(byKind('out-of-pocket').map((b) => [b.timePeriod, b.amount])).toEqual([
      ['23', 300_000],
      ['29', 275_000],
    ]);
    expect(byKind('coinsurance')).toMatchObject([
      { serviceTypes: ['18'], percent: 0.1, authorizationRequired: 'Y', procedure: { qualifier: 'HC', code: 'E0601', modifiers: [] } },
    ]);
    expect(byKind('non-covered')).toMatchObject([{ serviceTypes: ['12'], messages: ['PURCHASE OF DME NOT COVERED RENTAL ONLY'] }]);
  });

  test('the 271 answers the 270 we sent: its TRN*2 echoes our trace number', () => {
    const [response] = parse271(fixture('271-medicare-active.x12'));
    expect(response.members[0].traceNumbers).toContain(inquiry.traceNumber);
  });

  test('a 271 whose EB amount is not a number is refused with its position', () => {
    const broken = fixture('271-medicare-active.x12').replace('*23*240~', '*23*2A0~');
    expect(() => parse271(broken)).toThrow('segment 17 (EB): EB07 "2A0" is not an amount');
  });
});
