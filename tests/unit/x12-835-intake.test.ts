/**
 * What parse835 refuses before anything is posted (issue 8, point 9), each row an edit
 * of a valid fixture and the problem it must produce — never a file cut short or read
 * as something else. Sources: ASC X12 005010X221A1 TR3 — the envelope (GS01 HP, GS08;
 * ST03 not used), 1000A N1/REF, TRN03 (required), the 2100/2110 CAS segment (six
 * reason triples, CAS02–CAS19), PLB (six adjustment pairs, PLB03–PLB14) and section
 * 1.10.2 balancing; 45 CFR 162.1602 for the version HIPAA names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse835, X12Error, type X12ErrorCode } from '../../domain/x12';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/x12', name), 'utf8');
const paid = fixture('835-medicare-paid.x12');
const reversal = fixture('835-reversal-plb.x12');

/** Replaces one segment (exactly once) and fixes SE01 for segments added or removed. */
function edit(file: string, from: string, to: string): string {
  if (file.split(from).length !== 2) throw new Error(`"${from}" is not in the fixture exactly once`);
  const added = to.split('~').length - from.split('~').length;
  return file.replace(from, to).replace(/SE\*(\d+)\*0001~/, (_, n: string) => `SE*${Number(n) + added}*0001~`);
}

function problems(x12: string): Array<{ code: X12ErrorCode; message: string }> {
  try {
    parse835(x12);
  } catch (error) {
    if (error instanceof X12Error) return error.issues.map(({ code, message }) => ({ code, message }));
    throw error;
  }
  return [];
}

const sevenTriples = 'CAS*CO*45*50**253*0.8**A2*0**B6*0**94*0**45*0**59*0~';
const sevenPairs =
  'PLB*1234567893*20241231*WO:24062000001001*20*FB:FB0001*10*L6:24131000000777*-0.15*FB:FB0002*0*FB:FB0003*0*FB:FB0004*0*FB:FB0005*0~';

describe('parse835 refuses what 005010X221A1 does not allow, naming what it found', () => {
  test.each<[string, string, X12ErrorCode, string]>([
    // A 4010 file: the one that was posted and answered as a duplicate of the 5010 one.
    [
      'a 4010 835 (GS08 004010X091A1)',
      edit(paid, '*X*005010X221A1~', '*X*004010X091A1~'),
      'unsupported-version',
      'segment 2 (GS): GS08 "004010X091A1" is not 005010X221A1: only the HIPAA 5010 835 is accepted',
    ],
    [
      'an ST03 naming another guide',
      edit(paid, 'ST*835*0001~', 'ST*835*0001*005010X222A1~'),
      'unsupported-version',
      'segment 3 (ST): ST03 "005010X222A1" is not 005010X221A1 (GS08 says 005010X221A1)',
    ],
    [
      'a functional group that is not HP',
      edit(paid, 'GS*HP*', 'GS*HC*'),
      'wrong-transaction',
      'segment 2 (GS): GS01 "HC" is not HP (health care claim payment/advice): not an 835 functional group',
    ],
    // The seventh triple used to be dropped, and the file then posted as balanced.
    [
      'a CAS with seven reason triples',
      edit(paid, 'CAS*CO*45*50**253*0.8~', sevenTriples),
      'structure',
      'segment 22 (CAS): CAS has 21 elements; the 005010X221A1 CAS holds at most six reason/amount/quantity triples (CAS02–CAS19); send the others in another CAS of the group',
    ],
    [
      'a PLB with seven adjustment pairs',
      edit(reversal, reversal.match(/PLB\*[^~]*~/)![0], sevenPairs),
      'structure',
      'PLB has 16 elements; the 005010X221A1 PLB holds at most six adjustment identifier/amount pairs (PLB03–PLB14); send the others in another PLB',
    ],
    [
      'a TRN without TRN03',
      edit(paid, 'TRN*1*EFT0012345*1123456789~', 'TRN*1*EFT0012345~'),
      'structure',
      'segment 5 (TRN): TRN03 is required but empty',
    ],
    [
      'an N103 other than XV',
      edit(paid, 'N1*PR*CGS JURISDICTION B~', 'N1*PR*CGS JURISDICTION B*PI*17003~'),
      'invalid-value',
      'segment 7 (N1): N103 "PI" is not XV (CMS National Plan ID), the only payer identifier qualifier of 005010X221A1',
    ],
    [
      'an N104 without N103',
      edit(paid, 'N1*PR*CGS JURISDICTION B~', 'N1*PR*CGS JURISDICTION B**17003~'),
      'structure',
      'segment 7 (N1): N103 and N104 of the payer come together (both or neither)',
    ],
  ])('%s', (_, x12, code, message) => {
    const found = problems(x12);
    expect(found).toHaveLength(1);
    expect(found[0].code).toBe(code);
    expect(found[0].message).toContain(message);
  });

  test('an ST03 of 005010X221A1 is tolerated: the TR3 marks ST03 not used, but it agrees with GS08', () => {
    expect(problems(edit(paid, 'ST*835*0001~', 'ST*835*0001*005010X221A1~'))).toEqual([]);
  });

  test('a seventh triple in a second CAS of the group is read, and the claim still balances', () => {
    // C1001 line: six CO triples fill one CAS; the seventh goes in a second CAS of the group.
    const [remittance] = parse835(edit(paid, 'CAS*CO*45*50**253*0.8~', 'CAS*CO*45*50**253*0.8**A2*0**B6*0**94*0**59*0~CAS*CO*16*0~'));
    expect(remittance.claims[0].lines[0].adjustments.map((a) => a.reason)).toEqual(['45', '253', 'A2', 'B6', '94', '59', '16', '1', '2']);
  });
});

describe("section 1.10.2: a claim's service lines add up to it (Σ SVC03 − claim CAS = CLP04)", () => {
  test('CLP03 and a claim-level CAS that agree with each other but not with the lines are refused', () => {
    // C1003, denied: the claim says $130 charged, $10 adjusted at claim level and $120 on
    // its line → CLP03 − all CAS = 0 = CLP04; but its line paid $0 − $10 claim CAS ≠ $0.
    const x12 = edit(paid, 'CLP*C1003*4*120*0*0*MB*24062000001003*12*1~', 'CLP*C1003*4*130*0*0*MB*24062000001003*12*1~CAS*CO*45*10~');
    expect(problems(x12)).toEqual([
      { code: 'unbalanced', message: 'segment 41 (CLP): claim C1003: lines paid $0.00 − claim adjustments $10.00 = -$10.00, but paid $0.00' },
    ]);
  });

  test('a claim-level adjustment that the lines account for balances (the X12 RFI 1053 example: lines $85, claim CAS $5, CLP04 $80)', () => {
    const x12 = edit(paid, 'CLP*C1001*1*150*39.2*60*MB*24062000001001*12*1~', 'CLP*C1001*1*150*34.2*65*MB*24062000001001*12*1~CAS*PR*1*5~').replace(
      'BPR*I*1215.2*',
      'BPR*I*1210.2*',
    );
    expect(problems(x12)).toEqual([]);
  });
});

describe('1000A: how the payer identifies itself', () => {
  test.each([
    ['no identifier (the name only)', paid, {}],
    [
      'REF*2U, the payer identification number',
      edit(paid, 'N4*NASHVILLE*TN*372020010~', 'N4*NASHVILLE*TN*372020010~REF*2U*17003~'),
      { payerIdNumber: '17003' },
    ],
    [
      'N104 with N103 XV, the National Plan ID',
      edit(paid, 'N1*PR*CGS JURISDICTION B~', 'N1*PR*CGS JURISDICTION B*XV*1234567890~'),
      { nationalPlanId: '1234567890' },
    ],
  ])('%s', (_, x12, identification) => {
    const [remittance] = parse835(x12);
    expect(remittance.payer).toEqual({ name: 'CGS JURISDICTION B', ...identification });
    expect(remittance.payerTraceId).toBe('1123456789');
  });
});

describeWithX12Valid('the rows refused above are TR3 problems pyx12 sees too', () => {
  test('pyx12 rejects a CAS with seven triples and a TRN without TRN03', () => {
    expect(x12valid(edit(paid, 'CAS*CO*45*50**253*0.8~', sevenTriples)).ok).toBe(false);
    expect(x12valid(edit(paid, 'TRN*1*EFT0012345*1123456789~', 'TRN*1*EFT0012345~')).ok).toBe(false);
  });
});
