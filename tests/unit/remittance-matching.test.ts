/**
 * Remittance to claim matching (issue 8, point 10; DOMAIN.md §11): a CLP pays our claim
 * only when its patient control number, the payer the claim was sent to and the charge
 * agree. Sources: ASC X12 005010X221A1 TR3 — 1000A N1 (N103 XV / N104 National Plan
 * ID), 1000A REF*2U (payer identification number; X12 RFI 2245), TRN03 (the payer's
 * "1" + EIN), CLP01 (the 837's CLM01), CLP03 (the claim's submitted charge, CLM02).
 */
import { matchRemittanceClaim, resolveRemittancePayer, type PayerResolution, type RecognisablePayer } from '../../domain/remittance-matching';

const ourPayers: RecognisablePayer[] = [
  { id: 'medicare-ja', ediPayerId: '16003', remittancePayerIds: ['1410000001'] },
  { id: 'medicare-jd', ediPayerId: '19003', remittancePayerIds: ['1410000001'] },
  { id: 'medicare-jb', ediPayerId: '17003', remittancePayerIds: ['1620000002', '17013'] },
  { id: 'medicaid-state', ediPayerId: 'SMCD1', remittancePayerIds: [] },
];

describe('resolveRemittancePayer: N104 (XV), then REF*2U, then TRN03 only when the 1000A has no id', () => {
  test.each<[string, Parameters<typeof resolveRemittancePayer>[0], Partial<PayerResolution>]>([
    [
      'REF*2U equal to the EDI payer id we send claims to',
      { payerIdNumber: '17003', originatingCompanyId: '1999999999' },
      { resolved: true, payerId: 'medicare-jb', by: 'REF*2U' },
    ],
    [
      "REF*2U listed among the payer's remittance ids (a contractor number)",
      { payerIdNumber: '17013', originatingCompanyId: '1999999999' },
      { resolved: true, payerId: 'medicare-jb', by: 'REF*2U' },
    ],
    [
      'N104 wins over REF*2U',
      { nationalPlanId: 'SMCD1', payerIdNumber: '17003', originatingCompanyId: '1620000002' },
      { resolved: true, payerId: 'medicaid-state', by: 'N104' },
    ],
    [
      'TRN03 when the 1000A carries no id, listed on one payer',
      { originatingCompanyId: '1620000002' },
      { resolved: true, payerId: 'medicare-jb', by: 'TRN03' },
    ],
    // TRN03 is never compared with EDI payer ids: an EIN is not a payer id.
    ['TRN03 that happens to equal an EDI payer id', { originatingCompanyId: '17003' }, { resolved: false, by: 'TRN03', identifier: '17003' }],
    ['TRN03 shared by two contractors under one EIN', { originatingCompanyId: '1410000001' }, { resolved: false, by: 'TRN03' }],
    // The New York Medicaid 835: a REF*2U of a payer we do not have.
    [
      'REF*2U of a payer we do not have, whatever TRN03 says',
      { payerIdNumber: 'NYMCD', originatingCompanyId: '1620000002' },
      { resolved: false, by: 'REF*2U', identifier: 'NYMCD' },
    ],
  ])('%s', (_, identification, expected) => {
    expect(resolveRemittancePayer(identification, ourPayers)).toMatchObject(expected);
  });

  test('an unresolved payer says why, with the element and the identifier', () => {
    expect(resolveRemittancePayer({ originatingCompanyId: '1410000001' }, ourPayers)).toEqual({
      resolved: false,
      by: 'TRN03',
      identifier: '1410000001',
      reason: "the 835's payer (TRN03 1410000001) could be any of payers medicare-ja, medicare-jd; list it on one payer only",
    });
    expect(resolveRemittancePayer({ payerIdNumber: 'NYMCD', originatingCompanyId: '1' }, ourPayers)).toMatchObject({
      reason: "the 835's payer (REF*2U NYMCD) is none of our payers",
    });
  });
});

describe('matchRemittanceClaim: control number, then payer, then charge', () => {
  const claim = { claimNumber: 'DME0001', payerId: 'medicare-jb', totalCharge: 52_024 };
  const fromJb: PayerResolution = { resolved: true, payerId: 'medicare-jb', by: 'REF*2U', identifier: '17003' };
  const fromMedicaid: PayerResolution = { resolved: true, payerId: 'medicaid-state', by: 'REF*2U', identifier: 'SMCD1' };
  const unknown: PayerResolution = {
    resolved: false,
    by: 'REF*2U',
    identifier: 'NYMCD',
    reason: "the 835's payer (REF*2U NYMCD) is none of our payers",
  };

  test.each<[string, Parameters<typeof matchRemittanceClaim>, ReturnType<typeof matchRemittanceClaim>]>([
    ['all three agree', [{ patientControlNumber: 'DME0001', status: '1', charge: 52_024 }, claim, fromJb], { matched: true, level: 'primary' }],
    [
      'a reversal carries the charge negated and still matches',
      [{ patientControlNumber: 'DME0001', status: '22', charge: -52_024 }, claim, fromJb],
      { matched: true, level: 'primary' },
    ],
    [
      'no claim of ours has the control number',
      [{ patientControlNumber: 'XYZ9', status: '1', charge: 52_024 }, undefined, fromJb],
      { matched: false, disagrees: 'control-number', reason: 'no claim with patient control number XYZ9' },
    ],
    [
      'our claim number, but another of our payers paid it',
      [{ patientControlNumber: 'DME0001', status: '1', charge: 52_024 }, claim, fromMedicaid],
      {
        matched: false,
        disagrees: 'payer',
        reason: 'claim DME0001 was sent to payer medicare-jb, but the 835 is from payer medicaid-state (REF*2U SMCD1)',
      },
    ],
    [
      // The edited New York Medicaid 835 that was posted onto a Medicare claim 13 times.
      'our claim number in an 835 from a payer we do not have',
      [{ patientControlNumber: 'DME0001', status: '1', charge: 80_140 }, claim, unknown],
      {
        matched: false,
        disagrees: 'payer',
        reason: "claim DME0001 was sent to payer medicare-jb, but the 835's payer (REF*2U NYMCD) is none of our payers",
      },
    ],
    [
      'the right payer, another charge',
      [{ patientControlNumber: 'DME0001', status: '1', charge: 80_140 }, claim, fromJb],
      { matched: false, disagrees: 'charge', reason: 'claim DME0001 was billed at $520.24, but CLP03 says $801.40' },
    ],
    [
      'a reversal of another charge',
      [{ patientControlNumber: 'DME0001', status: '22', charge: -80_140 }, claim, fromJb],
      { matched: false, disagrees: 'charge', reason: 'claim DME0001 was billed at $520.24, but CLP03 says $801.40 (reversal, sign undone)' },
    ],
  ])('%s', (_, args, expected) => {
    expect(matchRemittanceClaim(...args)).toEqual(expected);
  });
});

describe('matchRemittanceClaim with coordination of benefits (DOMAIN.md §15): any of the claim’s payers, at its level', () => {
  const claim = {
    claimNumber: 'DME0002',
    payerId: 'medicare-jb',
    totalCharge: 15_000,
    payers: [
      { level: 'secondary' as const, payerId: 'commercial-acme' },
      { level: 'primary' as const, payerId: 'medicare-jb' },
      { level: 'tertiary' as const, payerId: 'medicaid-state' },
    ],
  };
  const from = (payerId: string, identifier: string): PayerResolution => ({ resolved: true, payerId, by: 'REF*2U', identifier });

  test.each<[string, Parameters<typeof matchRemittanceClaim>, ReturnType<typeof matchRemittanceClaim>]>([
    [
      'the primary',
      [{ patientControlNumber: 'DME0002', status: '19', charge: 15_000 }, claim, from('medicare-jb', '17003')],
      { matched: true, level: 'primary' },
    ],
    [
      'the secondary (a Medigap plan), with the full charge in CLP03',
      [{ patientControlNumber: 'DME0002', status: '2', charge: 15_000 }, claim, from('commercial-acme', 'ACME1')],
      { matched: true, level: 'secondary' },
    ],
    [
      'the tertiary (Medicaid, the payer of last resort)',
      [{ patientControlNumber: 'DME0002', status: '3', charge: 15_000 }, claim, from('medicaid-state', 'SMCD1')],
      { matched: true, level: 'tertiary' },
    ],
    [
      'a claim with no claim_payers rows: its own payer is its primary',
      [{ patientControlNumber: 'DME0002', status: '1', charge: 15_000 }, { ...claim, payers: [] }, from('medicare-jb', '17003')],
      { matched: true, level: 'primary' },
    ],
    [
      'a payer that is not among the claim’s payers is still a mismatch, listing them in billing order',
      [{ patientControlNumber: 'DME0002', status: '2', charge: 15_000 }, claim, from('medicare-ja', '16003')],
      {
        matched: false,
        disagrees: 'payer',
        reason:
          'claim DME0002 was sent to payers medicare-jb (primary), commercial-acme (secondary), medicaid-state (tertiary), but the 835 is from payer medicare-ja (REF*2U 16003)',
      },
    ],
    [
      'the secondary with another charge',
      [{ patientControlNumber: 'DME0002', status: '2', charge: 3_000 }, claim, from('commercial-acme', 'ACME1')],
      { matched: false, disagrees: 'charge', reason: 'claim DME0002 was billed at $150.00, but CLP03 says $30.00' },
    ],
  ])('%s', (_, args, expected) => {
    expect(matchRemittanceClaim(...args)).toEqual(expected);
  });
});
