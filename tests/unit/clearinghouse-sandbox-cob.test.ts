/**
 * Coordination of benefits at the sandbox payers (issue 10.6, README.md "Coordination of
 * benefits"): Medicare crossing claims over to a Medigap plan or Medicaid, secondary and
 * tertiary claims the supplier sends with the prior payers' adjudication, and Medicare
 * as secondary payer. Through the sandbox clearinghouse against real Postgres, with
 * hand-written 837P COB claims (tests/support/cob-837p.ts), every answer read by our
 * parsers and every file checked by pyx12.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq, like } from 'drizzle-orm';
import { payers, sandboxClaims } from '../../db/schema';
import { isCrossover } from '../../domain/coordination';
import { resolveRemittancePayer } from '../../domain/remittance-matching';
import { balance835, build276, parse277, parse835, type Remittance } from '../../domain/x12';
import { createSandboxClearinghouse } from '../../activities/clearinghouse/sandbox';
import { medicareSecondaryPayment, SANDBOX_COB_TRIGGERS } from '../../activities/clearinghouse/sandbox-cob';
import type { Clearinghouse, InboundFile } from '../../activities/clearinghouse/types';
import { cobClaimFile, type CobClaim } from '../support/cob-837p';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { describeWithX12Valid, x12valid } from '../support/x12valid';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ACK_DELAY = HOUR;
const REMIT_DELAY = 14 * DAY;

let database: TestDatabase;
let sandbox: Clearinghouse;

beforeAll(async () => {
  database = await createTestDatabase();
  sandbox = createSandboxClearinghouse({ db: database.db, acknowledgementDelayMs: ACK_DELAY, remittanceDelayMs: REMIT_DELAY });
  // A state Medicaid that Medicare crosses claims over to (the seeded medicaid-state is billed directly).
  await database.db.insert(payers).values({
    id: 'medicaid-coba',
    name: 'State Medicaid (crossover)',
    kind: 'medicaid',
    ediPayerId: 'SMCDX',
    claimFilingIndicator: 'MC',
    timelyFilingDays: 365,
    settings: { medicareCrossover: true },
  });
});

afterAll(async () => {
  await database.drop();
});

/** Each test starts 100 days after the one before, past every due time (at most three remittance delays) of earlier tests. */
let testNumber = 0;
function startOfTest(): Date {
  testNumber += 1;
  return new Date(Date.UTC(2024, 2, 1, 10) + testNumber * 100 * DAY);
}
const after = (start: Date, ms: number) => new Date(start.getTime() + ms);

/** Every 837P this file sends, every crossover claim the sandbox stores and every 277CA and 835 it answers, for pyx12 at the end. */
const written: { name: string; x12: string }[] = [];

let nextControl = 500;

// ---------------------------------------------------------------- the parts of the claims, as X12

const MEDICARE = 'NM1*PR*2*CGS JURISDICTION B*****PI*17003';
const BENEFICIARY = 'NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73';
const MEDIGAP_CROSSOVER = 'NM1*PR*2*MEDIGAP SUPPLEMENT PLAN*****PI*55901';
const MEDIGAP_DIRECT = 'NM1*PR*2*MEDIGAP SUPPLEMENT PLAN*****PI*MGDR1';
const MEDICAID = 'NM1*PR*2*STATE MEDICAID*****PI*SMCD1';
const MEDICAID_CROSSOVER = 'NM1*PR*2*STATE MEDICAID*****PI*SMCDX';
const ACME = 'NM1*PR*2*ACME HEALTH PLAN*****PI*ACME1';
const MEDIGAP_MEMBER = 'NM1*IL*1*DOE*JANE****MI*MG100200301';
const MEDICAID_MEMBER = 'NM1*IL*1*DOE*JANE****MI*MCD5550001';
const ACME_MEMBER = 'NM1*IL*1*DOE*JANE****MI*ACM77001';

/** CPAP month 1 billed $150 in Ohio: Medicare allows $66.93, pays $52.47 ($1.07 sequestered), PR-2 $13.39. */
const CPAP = { sv1: 'SV1*HC:E0601:RR:KH:KX*150*UN*1*12**1', serviceDate: 'DTP*472*RD8*20240301-20240331' };

/** A 2320/2330A/2330B of a payer that has not adjudicated the claim (no AMT*D). */
const notYetAdjudicated = (sbr: string, subscriber: string, payer: string) => [sbr, 'OI***Y***Y', subscriber, payer];

/** Medicare's adjudication of the CPAP line as the 835 gave it: 2320 (claim) and 2430 (line). */
const MEDICARE_ADJUDICATED = ['SBR*P*18*******MB', 'AMT*D*52.47', 'AMT*EAF*13.39', 'OI***Y***Y', BENEFICIARY, MEDICARE, 'REF*F8*10000009990001'];
const MEDICARE_LINE = ['SVD*17003*52.47*HC:E0601:RR:KH:KX**1', 'CAS*CO*45*83.07**253*1.07', 'CAS*PR*2*13.39', 'DTP*573*D8*20240315'];

function claimFile(pcn: string, claim: Omit<CobClaim, 'controlNumber' | 'patientControlNumber' | 'totalCharge' | 'lines'> & Partial<CobClaim>) {
  const file = cobClaimFile({ controlNumber: nextControl++, patientControlNumber: pcn, totalCharge: '150', lines: [CPAP], ...claim });
  written.push({ name: `837P ${pcn}`, x12: file.x12 });
  return file;
}

// ---------------------------------------------------------------- driving the sandbox

const is835 = (f: InboundFile) => f.name.startsWith('sandbox-835-');
const mentions = (f: InboundFile, pcn: string) => f.x12.includes(`*${pcn}*`);

/** Submits the file and confirms its 999 and 277CA; returns the 277CA (the 999s are checked in clearinghouse-sandbox.test.ts). */
async function send(start: Date, file: { controlNumber: string; x12: string }): Promise<InboundFile> {
  await sandbox.submitClaims(file, start);
  const { files } = await sandbox.collect(after(start, ACK_DELAY));
  const mine = files.filter((f) => f.name.endsWith(file.controlNumber.padStart(9, '0')));
  expect(mine).toHaveLength(2);
  written.push(mine[1]);
  await sandbox.confirm(mine.map((f) => f.name));
  return mine[1];
}

/** The one 835 about the claim due at `at`, read, balanced and confirmed. */
async function remittanceAt(
  at: Date,
  pcn: string,
): Promise<{ file: InboundFile; remittance: Remittance; confirmed: { nextCheckAt: Date | null } | void }> {
  const { files } = await sandbox.collect(at);
  const mine = files.filter((f) => is835(f) && mentions(f, pcn));
  expect(mine).toHaveLength(1);
  written.push(mine[0]);
  const [remittance] = parse835(mine[0].x12);
  expect(balance835(remittance)).toEqual([]);
  const confirmed = await sandbox.confirm([mine[0].name]);
  return { file: mine[0], remittance, confirmed };
}

async function nothingFor(at: Date, pcn: string) {
  const { files } = await sandbox.collect(at);
  expect(files.filter((f) => mentions(f, pcn))).toEqual([]);
}

/** Which of our payers the 835 resolves to, the way posting recognises it (domain/remittance-matching.ts). */
async function payerOf(remittance: Remittance): Promise<string | undefined> {
  const ours = await database.db.select({ id: payers.id, ediPayerId: payers.ediPayerId, remittancePayerIds: payers.remittancePayerIds }).from(payers);
  const resolution = resolveRemittancePayer(
    { nationalPlanId: remittance.payer.nationalPlanId, payerIdNumber: remittance.payer.payerIdNumber, originatingCompanyId: remittance.payerTraceId },
    ours,
  );
  return resolution.resolved ? resolution.payerId : undefined;
}

/** The claim as a crossover payer received it from Medicare (stored by the sandbox), for pyx12. */
async function storedCrossover(prefix: '3' | '4', fileControlNumber: string): Promise<string> {
  const [row] = await database.db
    .select()
    .from(sandboxClaims)
    .where(and(eq(sandboxClaims.fileControlNumber, fileControlNumber.padStart(9, '0')), like(sandboxClaims.claimNumber, `${prefix}%`)));
  written.push({ name: `crossover claim ${row.claimNumber}`, x12: row.x12 });
  return row.x12;
}

const icn = (prefix: string, file: { controlNumber: string }) => `${prefix}${file.controlNumber.padStart(9, '0')}0001`;

// ---------------------------------------------------------------- crossover

describe('Medicare crosses a claim over to the payers whose settings say medicareCrossover', () => {
  test('to a Medigap plan: Medicare says 19 with MA18 and names the plan; one remittance delay after that 835, the plan pays the coinsurance', async () => {
    const start = startOfTest();
    const file = claimFile('XO1', {
      sbr: 'SBR*P*18*******MB',
      subscriber: BENEFICIARY,
      payer: MEDICARE,
      otherPayers: [notYetAdjudicated('SBR*S*18*******CI', MEDIGAP_MEMBER, MEDIGAP_CROSSOVER)],
    });
    await send(start, file);

    const medicare = await remittanceAt(after(start, REMIT_DELAY), 'XO1');
    // Confirming Medicare's 835 made the Medigap's due: the mailbox is told when, to look again then.
    expect(medicare.confirmed?.nextCheckAt).toEqual(after(start, 2 * REMIT_DELAY));
    const [claim] = medicare.remittance.claims;
    expect(claim).toMatchObject({ status: '19', paid: 5_247, patientResponsibility: 1_339, filingIndicator: 'MB', payerClaimNumber: icn('1', file) });
    expect(claim.remarkCodes).toEqual(['MA18']);
    expect(isCrossover(claim.status, claim.remarkCodes)).toBe(true);
    expect(medicare.file.x12).toContain('NM1*TT*2*MEDIGAP SUPPLEMENT PLAN*****PI*55901~MOA***MA18~');
    expect(await payerOf(medicare.remittance)).toBe('medicare-jb');

    // Nothing from the plan until one remittance delay after Medicare's 835 (confirmed above).
    const between = await sandbox.collect(after(start, REMIT_DELAY + DAY));
    expect(between.files.filter((f) => mentions(f, 'XO1'))).toEqual([]);
    expect(between.nextCheckAt).toEqual(after(start, 2 * REMIT_DELAY));

    const medigap = await remittanceAt(after(start, 2 * REMIT_DELAY), 'XO1');
    expect(await payerOf(medigap.remittance)).toBe('medigap-crossover');
    expect(medigap.remittance).toMatchObject({ paymentAmount: 1_339, payer: { name: 'MEDIGAP SUPPLEMENT PLAN', payerIdNumber: '55901' } });
    expect(medigap.remittance.traceNumber).not.toBe(medicare.remittance.traceNumber);
    const [secondary] = medigap.remittance.claims;
    expect(secondary).toMatchObject({
      patientControlNumber: 'XO1',
      status: '2',
      charge: 15_000,
      paid: 1_339,
      patientResponsibility: 0,
      // SBR09 CI; the 835's CLP06 has no CI.
      filingIndicator: 'ZZ',
      payerClaimNumber: icn('3', file),
      patient: { memberId: 'MG100200301' },
      remarkCodes: [],
    });
    expect(secondary.lines.map((l) => [l.lineControlNumber, l.paid, l.adjustments])).toEqual([
      ['XO1-1', 1_339, [{ group: 'OA', reason: '23', amount: 13_661 }]],
    ]);

    // What the plan received: an 837P COB claim with Medicare's adjudication in it.
    const crossover = await storedCrossover('3', file.controlNumber);
    expect(crossover).toContain('SBR*S*18*******CI~NM1*IL*1*DOE*JANE****MI*MG100200301~');
    expect(crossover).toContain(`SBR*P*18*******MB~AMT*D*52.47~AMT*EAF*13.39~OI***Y***Y~${BENEFICIARY}~`);
    expect(crossover).toContain(`${MEDICARE}~REF*F8*${icn('1', file)}~`);
    expect(crossover).toContain(`SVD*17003*52.47*HC:E0601:RR:KH:KX**1~CAS*CO*45*83.07**253*1.07~CAS*PR*2*13.39~DTP*573*D8*`);
    await nothingFor(after(start, 4 * REMIT_DELAY), 'XO1');
  });

  test('to Medicaid: remark MA07; Medicaid pays the Medicare cost-sharing', async () => {
    const start = startOfTest();
    const file = claimFile('XO2', {
      sbr: 'SBR*P*18*******MB',
      subscriber: BENEFICIARY,
      payer: MEDICARE,
      otherPayers: [notYetAdjudicated('SBR*S*18*******MC', MEDICAID_MEMBER, MEDICAID_CROSSOVER)],
    });
    await send(start, file);
    const medicare = (await remittanceAt(after(start, REMIT_DELAY), 'XO2')).remittance.claims[0];
    expect([medicare.status, medicare.remarkCodes]).toEqual(['19', ['MA07']]);
    const { remittance } = await remittanceAt(after(start, 2 * REMIT_DELAY), 'XO2');
    expect(await payerOf(remittance)).toBe('medicaid-coba');
    expect(remittance.claims[0]).toMatchObject({ status: '2', paid: 1_339, filingIndicator: 'MC', patientResponsibility: 0 });
  });

  test('to two payers: MA18 and N89, the first named; the second (tertiary, CLP02 3) is sent the claim once the first has paid, and nothing is left for it', async () => {
    const start = startOfTest();
    const file = claimFile('XO3', {
      sbr: 'SBR*P*18*******MB',
      subscriber: BENEFICIARY,
      payer: MEDICARE,
      otherPayers: [
        notYetAdjudicated('SBR*S*18*******CI', MEDIGAP_MEMBER, MEDIGAP_CROSSOVER),
        notYetAdjudicated('SBR*T*18*******MC', MEDICAID_MEMBER, MEDICAID_CROSSOVER),
      ],
    });
    await send(start, file);
    const medicare = await remittanceAt(after(start, REMIT_DELAY), 'XO3');
    expect(medicare.remittance.claims[0].remarkCodes).toEqual(['MA18', 'N89']);
    expect(medicare.file.x12).toContain('NM1*TT*2*MEDIGAP SUPPLEMENT PLAN*****PI*55901~');

    const medigap = (await remittanceAt(after(start, 2 * REMIT_DELAY), 'XO3')).remittance;
    expect(medigap.claims[0]).toMatchObject({ status: '2', paid: 1_339, payerClaimNumber: icn('3', file) });
    await storedCrossover('3', file.controlNumber);

    const medicaid = (await remittanceAt(after(start, 3 * REMIT_DELAY), 'XO3')).remittance;
    expect(await payerOf(medicaid)).toBe('medicaid-coba');
    expect(medicaid).toMatchObject({ paymentAmount: 0, paymentMethod: 'NON' });
    expect(medicaid.claims[0]).toMatchObject({ status: '3', paid: 0, patientResponsibility: 0, payerClaimNumber: icn('4', file) });
    expect(medicaid.claims[0].lines[0].adjustments).toEqual([{ group: 'OA', reason: '23', amount: 15_000 }]);
    const tertiary = await storedCrossover('4', file.controlNumber);
    // Both prior payers' adjudication: Medicare's and the Medigap plan's.
    expect(tertiary).toContain('AMT*D*52.47~');
    expect(tertiary).toContain('AMT*D*13.39~AMT*EAF*0~');
    expect(tertiary).toContain('SVD*55901*13.39*HC:E0601:RR:KH:KX**1~CAS*OA*23*136.61~');
  });

  test('not to a payer without the setting: Medicare says 1 and the supplier bills the Medigap plan itself', async () => {
    const start = startOfTest();
    await send(
      start,
      claimFile('XO4', {
        sbr: 'SBR*P*18*******MB',
        subscriber: BENEFICIARY,
        payer: MEDICARE,
        otherPayers: [notYetAdjudicated('SBR*S*18*******CI', MEDIGAP_MEMBER, MEDIGAP_DIRECT)],
      }),
    );
    const { file, remittance } = await remittanceAt(after(start, REMIT_DELAY), 'XO4');
    expect(remittance.claims[0]).toMatchObject({ status: '1', paid: 5_247, remarkCodes: [] });
    expect(file.x12).not.toContain('NM1*TT');
    await nothingFor(after(start, 3 * REMIT_DELAY), 'XO4');
  });

  test('not a claim Medicare denies: CLP02 4 and no crossover', async () => {
    const start = startOfTest();
    await send(
      start,
      claimFile('XO5', {
        sbr: 'SBR*P*18*******MB',
        subscriber: 'NM1*IL*1*DOE*JANE****MI*1EG4TE5MK93',
        payer: MEDICARE,
        otherPayers: [notYetAdjudicated('SBR*S*18*******CI', MEDIGAP_MEMBER, MEDIGAP_CROSSOVER)],
      }),
    );
    const { remittance } = await remittanceAt(after(start, REMIT_DELAY), 'XO5');
    expect(remittance.claims[0]).toMatchObject({ status: '4', remarkCodes: [] });
    await nothingFor(after(start, 3 * REMIT_DELAY), 'XO5');
  });

  test('a 276 to the crossover payer finds the claim as that payer received it', async () => {
    const start = startOfTest();
    const file = claimFile('XO6', {
      sbr: 'SBR*P*18*******MB',
      subscriber: BENEFICIARY,
      payer: MEDICARE,
      otherPayers: [notYetAdjudicated('SBR*S*18*******CI', MEDIGAP_MEMBER, MEDIGAP_CROSSOVER)],
    });
    await send(start, file);
    await remittanceAt(after(start, REMIT_DELAY), 'XO6');
    const ask = async (payer: { name: string; id: string }) =>
      parse277(
        await sandbox.requestClaimStatus(
          {
            controlNumber: String(nextControl),
            x12: build276({
              interchange: {
                senderQualifier: 'ZZ',
                senderId: 'DURABLEDME',
                receiverQualifier: 'ZZ',
                receiverId: 'SANDBOXCH',
                controlNumber: nextControl++,
                date: '2024-06-01',
                time: '09:00',
                usage: 'T',
              },
              payer,
              informationReceiver: { name: 'Durable DME Supply', id: 'DDME01' },
              provider: { organizationName: 'Durable DME Supply LLC', npi: '1234567893' },
              subscriber: { memberId: 'MG100200301', lastName: 'Doe', firstName: 'Jane' },
              claim: {
                traceNumber: `XO6${payer.id}`,
                patientControlNumber: 'XO6',
                totalCharge: 15_000,
                serviceFrom: '2024-03-01',
                serviceTo: '2024-03-31',
              },
            }),
          },
          after(start, 2 * REMIT_DELAY),
        ),
      )[0].claims[0];
    expect(await ask({ name: 'MEDIGAP SUPPLEMENT PLAN', id: '55901' })).toMatchObject({ outcome: 'paid', payerClaimNumber: icn('3', file) });
    expect(await ask({ name: 'CGS JURISDICTION B', id: '17003' })).toMatchObject({ outcome: 'paid', payerClaimNumber: icn('1', file) });
  });
});

// ---------------------------------------------------------------- secondary and tertiary claims the supplier sends

describe('a secondary or tertiary claim pays from the prior payers’ adjudication (2320, 2430)', () => {
  test.each([
    {
      what: 'the Medigap plan billed directly pays what Medicare left the patient',
      sbr: 'SBR*S*18*******CI',
      subscriber: MEDIGAP_MEMBER,
      payer: MEDIGAP_DIRECT,
      otherPayers: [MEDICARE_ADJUDICATED],
      adjudications: MEDICARE_LINE,
      expected: { payer: 'medigap-direct', status: '2', paid: 1_339, adjustments: [{ group: 'OA', reason: '23', amount: 13_661 }] },
    },
    {
      what: 'Medicaid (billed directly) pays the Medicare cost-sharing',
      sbr: 'SBR*S*18*******MC',
      subscriber: MEDICAID_MEMBER,
      payer: MEDICAID,
      otherPayers: [MEDICARE_ADJUDICATED],
      adjudications: MEDICARE_LINE,
      expected: { payer: 'medicaid-state', status: '2', paid: 1_339, adjustments: [{ group: 'OA', reason: '23', amount: 13_661 }] },
    },
    {
      what: 'Medicaid as tertiary pays the copay the Medigap plan left (CLP02 3)',
      sbr: 'SBR*T*18*******MC',
      subscriber: MEDICAID_MEMBER,
      payer: MEDICAID,
      otherPayers: [
        MEDICARE_ADJUDICATED,
        ['SBR*S*18*******CI', 'AMT*D*10', 'AMT*EAF*3.39', 'OI***Y***Y', MEDIGAP_MEMBER, MEDIGAP_DIRECT, 'REF*F8*MG7001'],
      ],
      adjudications: [...MEDICARE_LINE, 'SVD*MGDR1*10*HC:E0601:RR:KH:KX**1', 'CAS*OA*23*136.61', 'CAS*PR*3*3.39', 'DTP*573*D8*20240401'],
      expected: { payer: 'medicaid-state', status: '3', paid: 339, adjustments: [{ group: 'OA', reason: '23', amount: 14_661 }] },
    },
    {
      what: 'a prior payer that adjudicated at claim level only (2320 CAS, no 2430): its PR is what is owed',
      sbr: 'SBR*S*18*******CI',
      subscriber: MEDIGAP_MEMBER,
      payer: MEDIGAP_DIRECT,
      otherPayers: [['SBR*P*18*******MB', 'CAS*CO*45*83.07**253*1.07', 'CAS*PR*2*13.39', 'AMT*D*52.47', 'OI***Y***Y', BENEFICIARY, MEDICARE]],
      adjudications: [],
      expected: { payer: 'medigap-direct', status: '2', paid: 1_339, adjustments: [{ group: 'OA', reason: '23', amount: 13_661 }] },
    },
    {
      what: 'a prior payer that stated only AMT*D and AMT*EAF: the remaining patient liability is owed',
      sbr: 'SBR*S*18*******CI',
      subscriber: MEDIGAP_MEMBER,
      payer: MEDIGAP_DIRECT,
      otherPayers: [['SBR*P*18*******MB', 'AMT*D*52.47', 'AMT*EAF*13.39', 'OI***Y***Y', BENEFICIARY, MEDICARE]],
      adjudications: [],
      expected: { payer: 'medigap-direct', status: '2', paid: 1_339, adjustments: [{ group: 'OA', reason: '23', amount: 13_661 }] },
    },
    {
      what: 'denied CO-16 with MA04 when the prior payer is named but its payment is not (no AMT*D)',
      sbr: 'SBR*S*18*******CI',
      subscriber: MEDIGAP_MEMBER,
      payer: MEDIGAP_DIRECT,
      otherPayers: [notYetAdjudicated('SBR*P*18*******MB', BENEFICIARY, MEDICARE)],
      adjudications: [],
      expected: { payer: 'medigap-direct', status: '4', paid: 0, adjustments: [{ group: 'CO', reason: '16', amount: 15_000 }], remarks: ['MA04'] },
    },
    {
      what: 'denied CO-16 with MA04 when no prior payer is named at all',
      sbr: 'SBR*S*18*******MC',
      subscriber: MEDICAID_MEMBER,
      payer: MEDICAID,
      otherPayers: [],
      adjudications: [],
      expected: { payer: 'medicaid-state', status: '4', paid: 0, adjustments: [{ group: 'CO', reason: '16', amount: 15_000 }], remarks: ['MA04'] },
    },
  ])('$what', async ({ sbr, subscriber, payer, otherPayers, adjudications, expected }) => {
    const start = startOfTest();
    const pcn = `SEC${testNumber}`;
    await send(start, claimFile(pcn, { sbr, subscriber, payer, otherPayers, lines: [{ ...CPAP, adjudications }] }));
    const { remittance } = await remittanceAt(after(start, REMIT_DELAY), pcn);
    expect(await payerOf(remittance)).toBe(expected.payer);
    const [claim] = remittance.claims;
    expect(claim).toMatchObject({ status: expected.status, paid: expected.paid, patientResponsibility: 0 });
    expect(remittance.paymentAmount).toBe(expected.paid);
    expect(claim.lines[0].adjustments).toEqual(expected.adjustments);
    expect(claim.lines[0].remarkCodes).toEqual(expected.remarks ?? []);
    await nothingFor(after(start, 3 * REMIT_DELAY), pcn);
  });
});

// ---------------------------------------------------------------- Medicare as secondary payer

describe('Medicare as secondary payer (SBR01 S with the MSP type in SBR05)', () => {
  test('42 CFR 411.33(b): charge $175, primary allowed $150 and paid $120, Medicare fee $125 → Medicare pays $30', () => {
    expect(
      medicareSecondaryPayment({
        charge: 17_500,
        primaryPaid: 12_000,
        primaryAllowed: 15_000,
        medicareAllowed: 12_500,
        medicarePrimaryPayment: 10_000,
      }),
    ).toBe(3_000);
  });

  test.each([
    // charge − primary paid, Medicare as primary, max(allowed) − primary paid → the lowest
    { charge: 15_000, primaryPaid: 5_354, primaryAllowed: 6_693, medicareAllowed: 6_693, medicarePrimaryPayment: 5_354, pays: 1_339 },
    { charge: 15_000, primaryPaid: 6_000, primaryAllowed: 12_000, medicareAllowed: 6_693, medicarePrimaryPayment: 5_354, pays: 5_354 },
    { charge: 10_000, primaryPaid: 9_500, primaryAllowed: 9_500, medicareAllowed: 12_000, medicarePrimaryPayment: 9_600, pays: 500 },
    { charge: 15_000, primaryPaid: 15_000, primaryAllowed: 15_000, medicareAllowed: 6_693, medicarePrimaryPayment: 5_354, pays: 0 },
  ])(
    'charge $charge, primary paid $primaryPaid of $primaryAllowed, Medicare $medicareAllowed ($medicarePrimaryPayment as primary) → $pays',
    (row) => {
      expect(medicareSecondaryPayment(row)).toBe(row.pays);
    },
  );

  const ACME_PAID = ['SBR*P*18*GRP123******CI', 'AMT*D*53.54', 'AMT*EAF*13.39', 'OI***Y***Y', ACME_MEMBER, ACME, 'REF*F8*ACMECLM1'];
  const ACME_LINE = ['SVD*ACME1*53.54*HC:E0601:RR:KH:KX**1', 'CAS*CO*45*83.07', 'CAS*PR*2*13.39', 'DTP*573*D8*20240320'];

  test('after the commercial primary: Acme pays 80% of its allowed amount, then Medicare pays the lowest MSP amount less sequestration, CLP02 2', async () => {
    const start = startOfTest();
    // The primary claim to Acme names Medicare as the secondary payer, with its MSP type.
    await send(
      start,
      claimFile('MSP1A', {
        sbr: 'SBR*P*18*GRP123******CI',
        subscriber: ACME_MEMBER,
        payer: ACME,
        otherPayers: [notYetAdjudicated('SBR*S*18***12****MB', BENEFICIARY, MEDICARE)],
      }),
    );
    const acme = (await remittanceAt(after(start, REMIT_DELAY), 'MSP1A')).remittance;
    expect(await payerOf(acme)).toBe('commercial-acme');
    expect(acme.claims[0]).toMatchObject({ status: '1', paid: 5_354, patientResponsibility: 1_339 });

    // The secondary claim to Medicare, sent the day after, carries Acme's adjudication as that 835 gave it.
    const secondaryAt = after(start, REMIT_DELAY + DAY);
    await send(
      secondaryAt,
      claimFile('MSP1B', {
        sbr: 'SBR*S*18***12****MB',
        subscriber: BENEFICIARY,
        payer: MEDICARE,
        otherPayers: [ACME_PAID],
        lines: [{ ...CPAP, adjudications: ACME_LINE }],
      }),
    );
    const { remittance } = await remittanceAt(after(secondaryAt, REMIT_DELAY), 'MSP1B');
    expect(await payerOf(remittance)).toBe('medicare-jb');
    // min($150 − $53.54, $53.54, max($66.93, $66.93) − $53.54) = $13.39; 2% sequestration $0.27.
    expect(remittance.claims[0]).toMatchObject({ status: '2', paid: 1_312, patientResponsibility: 0, filingIndicator: 'MB' });
    expect(remittance.claims[0].lines[0].adjustments).toEqual([
      { group: 'CO', reason: '253', amount: 27 },
      { group: 'OA', reason: '23', amount: 13_661 },
    ]);
  });

  test('when what Medicare would pay as primary is the lowest, the patient keeps the rest of the primary’s deductible', async () => {
    const start = startOfTest();
    await send(
      start,
      claimFile('MSP2', {
        sbr: 'SBR*S*18***43****MB',
        subscriber: BENEFICIARY,
        payer: MEDICARE,
        otherPayers: [['SBR*P*18*GRP123******CI', 'AMT*D*60', 'AMT*EAF*60', 'OI***Y***Y', ACME_MEMBER, ACME]],
        lines: [{ ...CPAP, adjudications: ['SVD*ACME1*60*HC:E0601:RR:KH:KX**1', 'CAS*CO*45*30', 'CAS*PR*1*60', 'DTP*573*D8*20240320'] }],
      }),
    );
    const { remittance } = await remittanceAt(after(start, REMIT_DELAY), 'MSP2');
    // min($150 − $60, $53.54, max($66.93, $120) − $60) = $53.54; less $1.07; $6.46 of the deductible stays with the patient.
    expect(remittance.claims[0]).toMatchObject({ status: '2', paid: 5_247, patientResponsibility: 646 });
    expect(remittance.claims[0].lines[0].adjustments).toEqual([
      { group: 'CO', reason: '253', amount: 107 },
      { group: 'PR', reason: '1', amount: 646 },
      { group: 'OA', reason: '23', amount: 9_000 },
    ]);
  });

  test('as secondary payer Medicare still crosses over: 20 with MA18, and the Medigap plan pays as tertiary (3) what is left', async () => {
    const start = startOfTest();
    const file = claimFile('MSP3', {
      sbr: 'SBR*S*18***43****MB',
      subscriber: BENEFICIARY,
      payer: MEDICARE,
      otherPayers: [
        ['SBR*P*18*GRP123******CI', 'AMT*D*60', 'AMT*EAF*60', 'OI***Y***Y', ACME_MEMBER, ACME],
        notYetAdjudicated('SBR*T*18*******CI', MEDIGAP_MEMBER, MEDIGAP_CROSSOVER),
      ],
      lines: [{ ...CPAP, adjudications: ['SVD*ACME1*60*HC:E0601:RR:KH:KX**1', 'CAS*CO*45*30', 'CAS*PR*1*60', 'DTP*573*D8*20240320'] }],
    });
    await send(start, file);
    const medicare = (await remittanceAt(after(start, REMIT_DELAY), 'MSP3')).remittance.claims[0];
    expect([medicare.status, medicare.remarkCodes, medicare.paid]).toEqual(['20', ['MA18'], 5_247]);
    const medigap = (await remittanceAt(after(start, 2 * REMIT_DELAY), 'MSP3')).remittance.claims[0];
    expect(medigap).toMatchObject({ status: '3', paid: 646, patientResponsibility: 0, payerClaimNumber: icn('3', file) });
    await storedCrossover('3', file.controlNumber);
  });

  test('without SBR05 the 277CA rejects the claim (A6:578, insurance type code) and no 835 follows', async () => {
    const start = startOfTest();
    const file = claimFile('MSP4', {
      sbr: 'SBR*S*18*******MB',
      subscriber: BENEFICIARY,
      payer: MEDICARE,
      otherPayers: [ACME_PAID],
      lines: [{ ...CPAP, adjudications: ACME_LINE }],
    });
    const claimAck = await send(start, file);
    const [claim] = parse277(claimAck.x12)[0].claims;
    expect(claim.outcome).toBe('rejected');
    expect(claim.statuses[0]).toMatchObject({ action: 'U', codes: [{ category: 'A6', code: '578', outcome: 'rejected' }] });
    expect(claim.payerClaimNumber).toBeUndefined();
    await nothingFor(after(start, 2 * REMIT_DELAY), 'MSP4');
  });

  test('with SBR05 but without the primary’s payment: CO-16 with MA04', async () => {
    const start = startOfTest();
    await send(
      start,
      claimFile('MSP5', {
        sbr: 'SBR*S*18***12****MB',
        subscriber: BENEFICIARY,
        payer: MEDICARE,
        otherPayers: [notYetAdjudicated('SBR*P*18*GRP123******CI', ACME_MEMBER, ACME)],
      }),
    );
    const [claim] = (await remittanceAt(after(start, REMIT_DELAY), 'MSP5')).remittance.claims;
    expect(claim).toMatchObject({ status: '4', paid: 0 });
    expect(claim.lines[0]).toMatchObject({ adjustments: [{ group: 'CO', reason: '16', amount: 15_000 }], remarkCodes: ['MA04'] });
  });
});

test('a claim billed at a level the sandbox payers do not take (SBR01 A, the fourth payer) is rejected by the 277CA with A7:742', async () => {
  const start = startOfTest();
  const claimAck = await send(
    start,
    claimFile('LVL1', {
      sbr: 'SBR*A*18*******MC',
      subscriber: MEDICAID_MEMBER,
      payer: MEDICAID,
      otherPayers: [MEDICARE_ADJUDICATED],
      lines: [{ ...CPAP, adjudications: MEDICARE_LINE }],
    }),
  );
  const [claim] = parse277(claimAck.x12)[0].claims;
  expect(claim.statuses[0]).toMatchObject({ action: 'U', codes: [{ category: 'A7', code: '742', outcome: 'rejected' }] });
  await nothingFor(after(start, 2 * REMIT_DELAY), 'LVL1');
});

test('every COB case is in the README table that testers read, word for word', () => {
  const readme = readFileSync(join(__dirname, '../../activities/clearinghouse/README.md'), 'utf8');
  for (const t of SANDBOX_COB_TRIGGERS) expect(readme).toContain(`| ${t.payer} | ${t.claim} | ${t.answer} |`);
});

describeWithX12Valid('COB claims and the sandbox answers pass pyx12 (837P X222A1, 277CA X214, 835 X221A1)', () => {
  test('every 837P written above, every crossover claim stored and every answer validates', () => {
    expect(written.length).toBeGreaterThan(50);
    const failures = written
      .map((file) => ({ file, result: x12valid(file.x12) }))
      .filter(({ result }) => !result.ok)
      .map(({ file, result }) => `${file.name}:\n${result.errors.join('\n')}\n\n${file.x12.replace(/~/g, '~\n')}`);
    expect(failures).toEqual([]);
  });
});
