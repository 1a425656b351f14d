import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { sandboxClaims } from '../../db/schema';
import type { ClaimLine } from '../../domain/types';
import {
  balance835,
  build270,
  build276,
  build837P,
  parse271,
  parse277,
  parse835,
  parse999,
  type Claim837Input,
  type ClaimFilingIndicator,
  type Eligibility270Input,
} from '../../domain/x12';
import { createSandboxClearinghouse } from '../../activities/clearinghouse/sandbox';
import { SANDBOX_TRIGGERS } from '../../activities/clearinghouse/sandbox-payer';
import type { Clearinghouse, InboundFile } from '../../activities/clearinghouse/types';
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
});

afterAll(async () => {
  await database.drop();
});

/** Each test starts 100 days after the one before, past every due time (at most two remittance delays) of earlier tests. */
let testNumber = 0;
function startOfTest(): Date {
  testNumber += 1;
  return new Date(Date.UTC(2024, 2, 1, 10) + testNumber * 100 * DAY);
}
const after = (start: Date, ms: number) => new Date(start.getTime() + ms);

/** Control numbers unique in this file (ISA13 is the sandbox's file key). */
let nextControl = 100;

function line(overrides: Partial<ClaimLine> & Pick<ClaimLine, 'hcpcs' | 'modifiers' | 'charge'>): ClaimLine {
  return { itemId: `item-${overrides.hcpcs}`, units: 1, serviceFrom: '2024-03-01', serviceTo: '2024-03-01', diagnosisPointers: [1], ...overrides };
}

const cpapMonth1 = () => line({ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, serviceFrom: '2024-03-01', serviceTo: '2024-03-31' });

interface ClaimOptions {
  memberId?: string;
  lines?: ClaimLine[];
  filingIndicator?: ClaimFilingIndicator;
  state?: string;
  payerId?: string;
  /** A child on the subscriber's commercial plan (2000C). */
  dependent?: boolean;
}

/** A complete 837P the way the claim workflow builds it (see x12-837p.test.ts). */
function claimFile(pcn: string, options: ClaimOptions = {}): { controlNumber: string; x12: string } {
  const controlNumber = nextControl++;
  const lines = options.lines ?? [cpapMonth1()];
  const input: Claim837Input = {
    interchange: {
      senderQualifier: 'ZZ',
      senderId: 'DURABLEDME',
      receiverQualifier: 'ZZ',
      receiverId: 'SANDBOXCH',
      controlNumber,
      date: '2024-03-01',
      time: '09:30',
      usage: 'T',
    },
    submitter: { name: 'Durable DME Supply', id: 'DDME01', contactName: 'Billing Desk', phone: '614-555-1234' },
    receiver: { name: 'Sandbox Clearinghouse', id: 'SANDBOXCH' },
    billingProvider: {
      organizationName: 'Durable DME Supply LLC',
      npi: '1234567893',
      taxId: '31-1234567',
      address: { line1: '100 Main St', city: 'Columbus', state: 'OH', zip: '43215-1234' },
    },
    subscriber: {
      memberId: options.memberId ?? '1EG4TE5MK73',
      lastName: 'Doe',
      firstName: 'Jane',
      birthDate: '1940-05-06',
      sex: 'F',
      address: { line1: '5 Elm St', city: 'Columbus', state: options.state ?? 'OH', zip: '43215' },
    },
    payer: { name: 'CGS Jurisdiction B', id: options.payerId ?? '17003', claimFilingIndicator: options.filingIndicator ?? 'MB' },
    claim: { patientControlNumber: pcn, totalCharge: lines.reduce((t, l) => t + l.charge, 0), frequencyCode: '1', diagnoses: ['G47.33'] },
    orderingProvider: { npi: '1245319599', lastName: 'Smith', firstName: 'John' },
    lines,
    ...(options.dependent
      ? {
          patient: {
            relationshipToSubscriber: '19' as const,
            lastName: 'Doe',
            firstName: 'Tim',
            birthDate: '2012-07-01',
            sex: 'M' as const,
            address: { line1: '5 Elm St', city: 'Austin', state: 'TX', zip: '73301' },
          },
        }
      : {}),
  };
  return { controlNumber: String(controlNumber), x12: build837P(input) };
}

function eligibilityRequest(memberId: string, overrides: Partial<Eligibility270Input> = {}) {
  const controlNumber = nextControl++;
  const input: Eligibility270Input = {
    interchange: {
      senderQualifier: 'ZZ',
      senderId: 'DURABLEDME',
      receiverQualifier: 'ZZ',
      receiverId: 'SANDBOXCH',
      controlNumber,
      date: '2024-03-01',
      time: '09:15',
      usage: 'T',
    },
    payer: { name: 'CGS Jurisdiction B', id: '17003' },
    provider: { organizationName: 'Durable DME Supply LLC', npi: '1234567893', taxId: '31-1234567' },
    subscriber: { memberId, lastName: 'Doe', firstName: 'Jane', birthDate: '1940-05-06', sex: 'F' },
    traceNumber: `ELIG${controlNumber}`,
    serviceDate: '2024-03-04',
    ...overrides,
  };
  return { controlNumber: String(controlNumber), x12: build270(input) };
}

function statusRequest(claim: { patientControlNumber: string; payerClaimNumber?: string; memberId?: string }) {
  const controlNumber = nextControl++;
  return {
    controlNumber: String(controlNumber),
    x12: build276({
      interchange: {
        senderQualifier: 'ZZ',
        senderId: 'DURABLEDME',
        receiverQualifier: 'ZZ',
        receiverId: 'SANDBOXCH',
        controlNumber,
        date: '2024-04-15',
        time: '09:00',
        usage: 'T',
      },
      payer: { name: 'CGS Jurisdiction B', id: '17003' },
      informationReceiver: { name: 'Durable DME Supply', id: 'DDME01' },
      provider: { organizationName: 'Durable DME Supply LLC', npi: '1234567893' },
      subscriber: { memberId: claim.memberId ?? '1EG4TE5MK73', lastName: 'Doe', firstName: 'Jane' },
      claim: {
        traceNumber: `STATUS${controlNumber}`,
        patientControlNumber: claim.patientControlNumber,
        ...(claim.payerClaimNumber ? { payerClaimNumber: claim.payerClaimNumber } : {}),
        totalCharge: 15_000,
        serviceFrom: '2024-03-01',
        serviceTo: '2024-03-31',
      },
    }),
  };
}

const byKind = (files: InboundFile[], kind: '999' | '277CA' | '835') => files.filter((f) => f.name.startsWith(`sandbox-${kind}-`));

/** The files of one test's claims: a collect also returns what other tests left unconfirmed. */
function filesFor(files: InboundFile[], ...patientControlNumbers: string[]): InboundFile[] {
  return files.filter((f) => patientControlNumbers.some((pcn) => f.x12.includes(`*${pcn}*`) || f.x12.includes(`*${pcn}~`)));
}

/** Submits, lets the acknowledgements pass and confirms them, so the test can look at the 835 alone. */
async function submitAndAcknowledge(start: Date, ...files: { controlNumber: string; x12: string }[]) {
  for (const file of files) await sandbox.submitClaims(file, start);
  const acknowledgements = await sandbox.collect(after(start, ACK_DELAY));
  await sandbox.confirm(acknowledgements.files.filter((f) => !f.name.startsWith('sandbox-835-')).map((f) => f.name));
}

async function remittanceFor(start: Date, pcn: string) {
  const { files } = await sandbox.collect(after(start, REMIT_DELAY));
  const mine = filesFor(byKind(files, '835'), pcn);
  expect(mine).toHaveLength(1);
  return { file: mine[0], remittance: parse835(mine[0].x12)[0] };
}

describe('sandbox eligibility (270 → 271)', () => {
  test('an ordinary member id is active for DME purchase (12) and rental (18), deductible met, 20% coinsurance', async () => {
    const request = eligibilityRequest('1EG4TE5MK73');
    const [response] = parse271(await sandbox.checkEligibility(request, startOfTest()));
    expect(response.payer).toEqual({ name: 'CGS JURISDICTION B', id: '17003' });
    expect(response.members).toHaveLength(1);
    const member = response.members[0];
    expect(member).toMatchObject({
      status: 'active',
      traceNumbers: [`ELIG${request.controlNumber}`],
      memberId: '1EG4TE5MK73',
      lastName: 'DOE',
      firstName: 'JANE',
      birthDate: '1940-05-06',
    });
    expect(member.dates).toEqual([{ qualifier: '307', from: '2024-03-04', to: '2024-03-04' }]);
    expect(member.benefits.map((b) => [b.kind, b.serviceTypes, b.timePeriod, b.amount, b.percent])).toEqual([
      ['active', ['12'], undefined, undefined, undefined],
      ['active', ['18'], undefined, undefined, undefined],
      ['deductible', ['12', '18'], '23', 25_700, undefined],
      ['deductible', ['12', '18'], '29', 0, undefined],
      ['coinsurance', ['12', '18'], undefined, undefined, 0.2],
    ]);
  });

  test('a member id ending in 91 is inactive (EB*6) for every service type asked, without any EB*1', async () => {
    const x12 = await sandbox.checkEligibility(eligibilityRequest('1EG4TE5MK91'), startOfTest());
    const member = parse271(x12)[0].members[0];
    expect(member.status).toBe('inactive');
    expect(member.benefits.map((b) => [b.code, b.serviceTypes])).toEqual([
      ['6', ['12']],
      ['6', ['18']],
    ]);
    // Coverage ended the day before the date of service asked about.
    expect(member.dates).toEqual([{ qualifier: '357', from: '2024-03-03', to: '2024-03-03' }]);
    expect(x12).toContain('EB*6**12~');
    expect(x12).not.toMatch(/EB\*1\*/);
  });

  test('asked about DM instead, the answer is about DM', async () => {
    const member = parse271(await sandbox.checkEligibility(eligibilityRequest('XYZ99991', { serviceTypes: ['DM'] }), startOfTest()))[0].members[0];
    expect(member.benefits.map((b) => [b.code, b.serviceTypes])).toEqual([['6', ['DM']]]);
  });

  test('the 271 envelope answers the 270 sender and is dated by asOf, not by the wall clock', async () => {
    const at = new Date('2031-07-04T16:45:00Z');
    const x12 = await sandbox.checkEligibility(eligibilityRequest('1EG4TE5MK73'), at);
    expect(x12).toMatch(/^ISA\*00\*          \*00\*          \*ZZ\*SANDBOXCH      \*ZZ\*DURABLEDME     \*310704\*1645\*/);
    expect(x12).toContain('GS*HB*SANDBOXCH*DURABLEDME*20310704*1645*');
  });

  test('a 270 that is not readable X12 fails without quoting the patient', async () => {
    const request = eligibilityRequest('1EG4TE5MK73');
    // A stray "~" in a name splits the segment: the parser would quote the text after it.
    const broken = { ...request, x12: request.x12.replace('*DOE*JANE*', '*DOE~JANE*') };
    const error = await sandbox.checkEligibility(broken, startOfTest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('X12Error');
    expect((error as Error).message).toMatch(/270 eligibility request is not readable X12: structure at segment \d+/);
    expect((error as Error).message).not.toMatch(/JANE|DOE|1EG4TE5MK73|19400506/);
  });
});

describe('sandbox claim submission: 999 and 277CA after the acknowledgement delay', () => {
  test('nothing before the delay, with nextCheckAt at the due time; then an accepted 999 and 277CA; confirmed, they are gone', async () => {
    const start = startOfTest();
    const file = claimFile('ACK1');
    await sandbox.submitClaims(file, start);

    const early = await sandbox.collect(start);
    expect(filesFor(early.files, 'ACK1')).toEqual([]);
    expect(early.nextCheckAt).toEqual(after(start, ACK_DELAY));
    expect(filesFor((await sandbox.collect(after(start, ACK_DELAY - 1))).files, 'ACK1')).toEqual([]);

    const due = await sandbox.collect(after(start, ACK_DELAY));
    const [ack] = byKind(due.files, '999').filter((f) => f.name.endsWith(file.controlNumber.padStart(9, '0')));
    const [claimAck] = filesFor(byKind(due.files, '277CA'), 'ACK1');
    const [acknowledgment] = parse999(ack.x12);
    expect(acknowledgment).toMatchObject({ code: 'A', functionalId: 'HC', groupControlNumber: file.controlNumber, transactionSetsAccepted: 1 });
    expect(acknowledgment.transactionSets).toEqual([
      expect.objectContaining({ transactionSetId: '837', controlNumber: file.controlNumber.padStart(4, '0'), code: 'A', accepted: true }),
    ]);
    const [status] = parse277(claimAck.x12);
    expect(status.kind).toBe('acknowledgment');
    expect(status.claims).toEqual([
      expect.objectContaining({
        patientControlNumber: 'ACK1',
        outcome: 'accepted',
        payerClaimNumber: `1${file.controlNumber.padStart(9, '0')}0001`,
        serviceFrom: '2024-03-01',
        serviceTo: '2024-03-31',
      }),
    ]);
    expect(status.claims[0].statuses[0].codes[0]).toMatchObject({ category: 'A2', code: '20' });
    // The next answer is the 835.
    expect(due.nextCheckAt!.getTime()).toBeLessThanOrEqual(after(start, REMIT_DELAY).getTime());

    // Collecting again hands out the very same files.
    const again = await sandbox.collect(after(start, ACK_DELAY + HOUR));
    expect(again.files.filter((f) => f.name === ack.name || f.name === claimAck.name)).toEqual([ack, claimAck]);

    await sandbox.confirm([ack.name, claimAck.name]);
    const afterConfirm = await sandbox.collect(after(start, ACK_DELAY + HOUR));
    expect(afterConfirm.files.filter((f) => f.name === ack.name || f.name === claimAck.name)).toEqual([]);
    const [row] = await database.db
      .select()
      .from(sandboxClaims)
      .where(eq(sandboxClaims.fileControlNumber, file.controlNumber.padStart(9, '0')));
    expect(row.acknowledgedAt).toEqual(after(start, ACK_DELAY));
    expect(row.remittedAt).toBeNull();
  });

  test('the 999 alone confirmed keeps the pair coming until the 277CA is confirmed', async () => {
    const start = startOfTest();
    const file = claimFile('ACK2');
    await sandbox.submitClaims(file, start);
    const { files } = await sandbox.collect(after(start, ACK_DELAY));
    const mine = files.filter((f) => f.name.endsWith(file.controlNumber.padStart(9, '0')));
    expect(mine.map((f) => f.name)).toEqual([
      `sandbox-999-${file.controlNumber.padStart(9, '0')}`,
      `sandbox-277CA-${file.controlNumber.padStart(9, '0')}`,
    ]);
    await sandbox.confirm([mine[0].name]);
    expect((await sandbox.collect(after(start, ACK_DELAY))).files.filter((f) => mine.some((m) => m.name === f.name))).toEqual(mine);
    await sandbox.confirm([mine[1].name]);
    expect((await sandbox.collect(after(start, ACK_DELAY))).files.filter((f) => mine.some((m) => m.name === f.name))).toEqual([]);
  });

  test('the same file submitted twice is stored once, received at the first submission', async () => {
    const start = startOfTest();
    const file = claimFile('DUP1');
    await sandbox.submitClaims(file, start);
    await sandbox.submitClaims(file, after(start, 5 * HOUR));
    // ISA13 "000000123" and "123" are the same file.
    await sandbox.submitClaims({ ...file, controlNumber: file.controlNumber.padStart(9, '0') }, after(start, 6 * HOUR));
    const rows = await database.db
      .select()
      .from(sandboxClaims)
      .where(eq(sandboxClaims.fileControlNumber, file.controlNumber.padStart(9, '0')));
    expect(rows).toHaveLength(1);
    expect(rows[0].receivedAt).toEqual(start);
    expect(rows[0].x12).toContain('CLM*DUP1*150***12:B:1*Y*A*Y*Y~');
    const { files } = await sandbox.collect(after(start, ACK_DELAY));
    expect(filesFor(byKind(files, '277CA'), 'DUP1')).toHaveLength(1);
  });

  test("a file whose ISA13 is not the control number given is refused (the idempotency key must be the file's own)", async () => {
    const file = claimFile('KEY1');
    await expect(sandbox.submitClaims({ ...file, controlNumber: '999999' }, startOfTest())).rejects.toThrow(
      /ISA13 is 0*\d+; the control number is the idempotency key/,
    );
  });

  test('a member id ending in 92 is accepted by the 999 and rejected by the 277CA with A7:164:IL, and never remitted', async () => {
    const start = startOfTest();
    const file = claimFile('REJ1', { memberId: '1EG4TE5MK92' });
    await sandbox.submitClaims(file, start);
    const { files } = await sandbox.collect(after(start, ACK_DELAY));
    const [ack] = files.filter((f) => f.name === `sandbox-999-${file.controlNumber.padStart(9, '0')}`);
    expect(parse999(ack.x12)[0].code).toBe('A');
    const [claimAck] = filesFor(byKind(files, '277CA'), 'REJ1');
    const [claim] = parse277(claimAck.x12)[0].claims;
    expect(claim.outcome).toBe('rejected');
    expect(claim.statuses[0]).toMatchObject({
      action: 'U',
      totalCharge: 15_000,
      codes: [{ category: 'A7', code: '164', entity: 'IL', outcome: 'rejected' }],
    });
    expect(claim.payerClaimNumber).toBeUndefined();
    await sandbox.confirm(files.filter((f) => f.name.endsWith(file.controlNumber.padStart(9, '0'))).map((f) => f.name));

    const later = await sandbox.collect(after(start, REMIT_DELAY + DAY));
    expect(filesFor(later.files, 'REJ1')).toEqual([]);
    const [status] = parse277(
      await sandbox.requestClaimStatus(statusRequest({ patientControlNumber: 'REJ1', memberId: '1EG4TE5MK92' }), after(start, REMIT_DELAY + DAY)),
    )[0].claims;
    expect(status.statuses[0].codes[0]).toMatchObject({ category: 'A7', code: '164', entity: 'IL' });
  });
});

describe('sandbox remittance: the 835 after the remittance delay', () => {
  test('Medicare pays 80% of the fee schedule less 2% sequestration: CPAP month 1 billed $150 in Ohio', async () => {
    const start = startOfTest();
    const file = claimFile('PAY1');
    await submitAndAcknowledge(start, file);
    const before = await sandbox.collect(after(start, REMIT_DELAY - 1));
    expect(filesFor(before.files, 'PAY1')).toEqual([]);
    expect(before.nextCheckAt).toEqual(after(start, REMIT_DELAY));

    const { file: remitted, remittance } = await remittanceFor(start, 'PAY1');
    expect(balance835(remittance)).toEqual([]);
    // E0601 RR in OH (non-rural) is $66.93 in the sample schedule: allowed = the lower of it and the charge.
    // Coinsurance 20% = 13.386 → $13.39; Medicare's 53.54 less 2% = 1.0708 → $1.07; paid $52.47.
    expect(remittance).toMatchObject({
      paymentAmount: 5_247,
      paymentMethod: 'CHK',
      paymentDate: after(start, REMIT_DELAY).toISOString().slice(0, 10),
      traceNumber: `SBX1${file.controlNumber.padStart(9, '0')}0001`,
      // The 837's payer id comes back in 1000A REF*2U (no National Plan ID in N104): what posting recognises the payer by.
      payer: { name: 'CGS JURISDICTION B', payerIdNumber: '17003' },
      payee: { name: 'DURABLE DME SUPPLY LLC', idQualifier: 'XX', id: '1234567893' },
    });
    expect(remittance.claims).toHaveLength(1);
    const [claim] = remittance.claims;
    expect(claim).toMatchObject({
      patientControlNumber: 'PAY1',
      status: '1',
      charge: 15_000,
      paid: 5_247,
      patientResponsibility: 1_339,
      filingIndicator: 'MB',
      payerClaimNumber: `1${file.controlNumber.padStart(9, '0')}0001`,
      patient: { lastName: 'DOE', firstName: 'JANE', memberId: '1EG4TE5MK73' },
    });
    expect(claim.lines).toEqual([
      expect.objectContaining({
        hcpcs: 'E0601',
        modifiers: ['RR', 'KH', 'KX'],
        charge: 15_000,
        paid: 5_247,
        allowed: 6_693,
        lineControlNumber: 'PAY1-1',
        serviceFrom: '2024-03-01',
        serviceTo: '2024-03-31',
        adjustments: [
          { group: 'CO', reason: '45', amount: 8_307 },
          { group: 'CO', reason: '253', amount: 107 },
          { group: 'PR', reason: '2', amount: 1_339 },
        ],
      }),
    ]);

    await sandbox.confirm([remitted.name]);
    const afterConfirm = await sandbox.collect(after(start, REMIT_DELAY + DAY));
    expect(filesFor(afterConfirm.files, 'PAY1')).toEqual([]);
    const [row] = await database.db
      .select()
      .from(sandboxClaims)
      .where(eq(sandboxClaims.fileControlNumber, file.controlNumber.padStart(9, '0')));
    expect(row.remittedAt).toEqual(after(start, REMIT_DELAY));
  });

  test('a charge below the fee schedule is allowed as charged: no CO-45', async () => {
    const start = startOfTest();
    await submitAndAcknowledge(start, claimFile('PAY2', { lines: [line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 10_000 })] }));
    const { remittance } = await remittanceFor(start, 'PAY2');
    // E0143 NU in OH is $111.55 > $100: allowed $100, coinsurance $20, 2% of $80 = $1.60, paid $78.40.
    expect(remittance.claims[0].lines[0]).toMatchObject({
      paid: 7_840,
      allowed: 10_000,
      adjustments: [
        { group: 'CO', reason: '253', amount: 160 },
        { group: 'PR', reason: '2', amount: 2_000 },
      ],
    });
  });

  test("a commercial claim (SBR09 CI) has no sequestration, is priced in the patient's state and comes back as CLP06 ZZ (the 835 has no CI)", async () => {
    const start = startOfTest();
    await submitAndAcknowledge(
      start,
      claimFile('PAY3', { filingIndicator: 'CI', state: 'TX', payerId: 'ACME1', lines: [line({ hcpcs: 'L1851', modifiers: [], charge: 60_000 })] }),
    );
    const { remittance } = await remittanceFor(start, 'PAY3');
    // L1851 in TX (non-rural) is $524.70: CO-45 $75.30; the plan pays 80% = $419.76.
    expect(remittance.claims[0]).toMatchObject({ filingIndicator: 'ZZ', paid: 41_976, patientResponsibility: 10_494 });
    expect(remittance.claims[0].lines[0].adjustments).toEqual([
      { group: 'CO', reason: '45', amount: 7_530 },
      { group: 'PR', reason: '2', amount: 10_494 },
    ]);
  });

  test("claims of one payer received together come in one 835; another payer's in its own", async () => {
    const start = startOfTest();
    const first = claimFile('BAT1');
    const second = claimFile('BAT2', { lines: [line({ hcpcs: 'E0143', modifiers: ['NU', 'KX'], charge: 10_000 })] });
    const other = claimFile('BAT3', { payerId: '18003' });
    await submitAndAcknowledge(start, first, second, other);
    const { files } = await sandbox.collect(after(start, REMIT_DELAY));
    const remittances = filesFor(byKind(files, '835'), 'BAT1', 'BAT2', 'BAT3').map((f) => parse835(f.x12)[0]);
    expect(remittances.map((r) => [r.payer.payerIdNumber, r.claims.map((c) => c.patientControlNumber), r.paymentAmount])).toEqual([
      ['17003', ['BAT1', 'BAT2'], 5_247 + 7_840],
      ['18003', ['BAT3'], 5_247],
    ]);
    expect(new Set(remittances.map((r) => r.traceNumber)).size).toBe(2);
  });

  test('collecting twice returns the same 835 with the same control and trace numbers; so does a restarted sandbox', async () => {
    const start = startOfTest();
    await submitAndAcknowledge(start, claimFile('DET1'));
    const first = (await remittanceFor(start, 'DET1')).file;
    const second = filesFor((await sandbox.collect(after(start, REMIT_DELAY + 3 * DAY))).files, 'DET1');
    expect(second).toEqual([first]);
    const restarted = createSandboxClearinghouse({ db: database.db, acknowledgementDelayMs: ACK_DELAY, remittanceDelayMs: REMIT_DELAY });
    expect(filesFor((await restarted.collect(after(start, REMIT_DELAY))).files, 'DET1')).toEqual([first]);
  });

  test.each([
    {
      trigger: '93',
      outcome: 'denied as not medically necessary: CO-50 on every line, remark N115',
      lines: () => [cpapMonth1()],
      status: '4',
      paid: 0,
      adjustments: [[{ group: 'CO', reason: '50', amount: 15_000 }]],
      remarks: [['N115']],
    },
    {
      trigger: '94',
      outcome: 'partially paid: the last line denied CO-151, the first paid normally',
      lines: () => [cpapMonth1(), line({ hcpcs: 'A7030', modifiers: [], charge: 20_000 })],
      status: '1',
      paid: 5_247,
      adjustments: [
        [
          { group: 'CO', reason: '45', amount: 8_307 },
          { group: 'CO', reason: '253', amount: 107 },
          { group: 'PR', reason: '2', amount: 1_339 },
        ],
        [{ group: 'CO', reason: '151', amount: 20_000 }],
      ],
      remarks: [[], []],
    },
    {
      trigger: '94',
      outcome: 'partially paid: a one-line claim paid on half its allowed amount, the other half CO-151',
      lines: () => [cpapMonth1()],
      status: '1',
      // Allowed $66.93: $33.46 cut; on $33.47 coinsurance $6.69, sequestration $0.54, paid $26.24.
      paid: 2_624,
      adjustments: [
        [
          { group: 'CO', reason: '45', amount: 8_307 },
          { group: 'CO', reason: '151', amount: 3_346 },
          { group: 'CO', reason: '253', amount: 54 },
          { group: 'PR', reason: '2', amount: 669 },
        ],
      ],
      remarks: [[]],
    },
    {
      trigger: '96',
      outcome: 'denied for want of prior authorization: CO-197 on every line',
      lines: () => [cpapMonth1()],
      status: '4',
      paid: 0,
      adjustments: [[{ group: 'CO', reason: '197', amount: 15_000 }]],
      remarks: [[]],
    },
    {
      trigger: '97',
      outcome: 'returned unprocessable: CO-16 on every line, remark MA130',
      lines: () => [cpapMonth1()],
      status: '4',
      paid: 0,
      adjustments: [[{ group: 'CO', reason: '16', amount: 15_000 }]],
      remarks: [['MA130']],
    },
  ])('a member id ending in $trigger is $outcome', async ({ trigger, lines, status, paid, adjustments, remarks }) => {
    const start = startOfTest();
    const pcn = `TRG${trigger}${lines().length}`;
    await submitAndAcknowledge(start, claimFile(pcn, { memberId: `1EG4TE5MK${trigger}`, lines: lines() }));
    const { remittance } = await remittanceFor(start, pcn);
    expect(balance835(remittance)).toEqual([]);
    const [claim] = remittance.claims;
    expect(claim.status).toBe(status);
    expect(claim.paid).toBe(paid);
    expect(remittance.paymentAmount).toBe(paid);
    expect(remittance.paymentMethod).toBe(paid > 0 ? 'CHK' : 'NON');
    expect(claim.lines.map((l) => l.adjustments)).toEqual(adjustments);
    expect(claim.lines.map((l) => l.remarkCodes)).toEqual(remarks);
  });

  test('a member id ending in 95 is paid twice: a second 835 one remittance delay later pays the same claim under a second payer claim number', async () => {
    const start = startOfTest();
    const file = claimFile('TRG95', { memberId: '1EG4TE5MK95' });
    await submitAndAcknowledge(start, file);
    const { file: firstFile, remittance: first } = await remittanceFor(start, 'TRG95');
    expect(first.claims.map((c) => [c.patientControlNumber, c.payerClaimNumber, c.paid])).toEqual([
      ['TRG95', `1${file.controlNumber.padStart(9, '0')}0001`, 5_247],
    ]);
    await sandbox.confirm([firstFile.name]);

    const between = await sandbox.collect(after(start, REMIT_DELAY + DAY));
    expect(filesFor(between.files, 'TRG95')).toEqual([]);
    expect(between.nextCheckAt).toEqual(after(start, 2 * REMIT_DELAY));

    const { files } = await sandbox.collect(after(start, 2 * REMIT_DELAY));
    const [secondFile] = filesFor(byKind(files, '835'), 'TRG95');
    const [second] = parse835(secondFile.x12);
    expect(balance835(second)).toEqual([]);
    expect(second.traceNumber).not.toBe(first.traceNumber);
    expect(second.paymentDate).toBe(
      after(start, 2 * REMIT_DELAY)
        .toISOString()
        .slice(0, 10),
    );
    expect(second.claims.map((c) => [c.patientControlNumber, c.payerClaimNumber, c.paid])).toEqual([
      ['TRG95', `2${file.controlNumber.padStart(9, '0')}0001`, 5_247],
    ]);

    await sandbox.confirm([secondFile.name]);
    const done = await sandbox.collect(after(start, 5 * REMIT_DELAY));
    expect(filesFor(done.files, 'TRG95')).toEqual([]);
  });

  test('every trigger is in the README table that testers read', () => {
    expect(SANDBOX_TRIGGERS.map((t) => t.memberIdEndsWith)).toEqual(['91', '92', '93', '94', '95', '96', '97']);
    const readme = readFileSync(join(__dirname, '../../activities/clearinghouse/README.md'), 'utf8');
    for (const trigger of SANDBOX_TRIGGERS) expect(readme).toContain(`| \`…${trigger.memberIdEndsWith}\` | `);
  });
});

describe('sandbox claim status (276 → 277)', () => {
  test("received, then pending, then finalized paid with the 835's amount and check number", async () => {
    const start = startOfTest();
    const file = claimFile('STA1');
    await sandbox.submitClaims(file, start);
    const ask = async (at: Date) => parse277(await sandbox.requestClaimStatus(statusRequest({ patientControlNumber: 'STA1' }), at))[0];

    const received = await ask(after(start, 1));
    expect(received.kind).toBe('inquiry-response');
    expect(received.claims[0]).toMatchObject({ outcome: 'received', patientControlNumber: 'STA1', patient: { memberId: '1EG4TE5MK73' } });
    expect(received.claims[0].statuses[0].codes[0]).toMatchObject({ category: 'A1', code: '19', entity: 'PR' });

    const pending = await ask(after(start, ACK_DELAY));
    expect(pending.claims[0]).toMatchObject({ outcome: 'pending', payerClaimNumber: `1${file.controlNumber.padStart(9, '0')}0001` });
    expect(pending.claims[0].statuses[0].codes[0]).toMatchObject({ category: 'P1', code: '20' });
    expect(pending.claims[0].lines).toEqual([]);

    const paid = await ask(after(start, REMIT_DELAY));
    const [claim] = paid.claims;
    expect(claim.outcome).toBe('paid');
    expect(claim.statuses[0]).toMatchObject({
      totalCharge: 15_000,
      paid: 5_247,
      checkNumber: `SBX1${file.controlNumber.padStart(9, '0')}0001`,
      codes: [expect.objectContaining({ category: 'F1', code: '65' })],
    });
    expect(claim.lines).toEqual([
      expect.objectContaining({
        hcpcs: 'E0601',
        lineControlNumber: 'STA1-1',
        statuses: [expect.objectContaining({ codes: [expect.objectContaining({ category: 'F1' })] })],
      }),
    ]);
    expect(claim.traceNumber).toMatch(/^STATUS\d+$/);
  });

  test('a denied claim is finalized denied (F2) once its 835 is out', async () => {
    const start = startOfTest();
    await sandbox.submitClaims(claimFile('STA2', { memberId: 'ABC96' }), start);
    const [claim] = parse277(
      await sandbox.requestClaimStatus(statusRequest({ patientControlNumber: 'STA2', memberId: 'ABC96' }), after(start, REMIT_DELAY)),
    )[0].claims;
    expect(claim.outcome).toBe('denied');
    expect(claim.statuses[0]).toMatchObject({ paid: 0, codes: [expect.objectContaining({ category: 'F2', code: '1' })] });
  });

  test('found by the payer claim number (REF*1K) as well', async () => {
    const start = startOfTest();
    const file = claimFile('STA3');
    await sandbox.submitClaims(file, start);
    const payerClaimNumber = `1${file.controlNumber.padStart(9, '0')}0001`;
    const [claim] = parse277(
      await sandbox.requestClaimStatus(statusRequest({ patientControlNumber: 'OTHER', payerClaimNumber }), after(start, ACK_DELAY)),
    )[0].claims;
    expect(claim).toMatchObject({ outcome: 'pending', payerClaimNumber, patientControlNumber: 'STA3' });
  });

  test('an unknown claim is not found: A4:35, our numbers echoed', async () => {
    const [claim] = parse277(await sandbox.requestClaimStatus(statusRequest({ patientControlNumber: 'NEVERSENT' }), startOfTest()))[0].claims;
    expect(claim).toMatchObject({ outcome: 'not-found', patientControlNumber: 'NEVERSENT' });
    expect(claim.statuses[0].codes[0]).toMatchObject({ category: 'A4', code: '35' });
  });
});

describe('sandbox claims for a dependent patient (2000C)', () => {
  test("the 835 names the patient in NM1*QC and the subscriber in NM1*IL, priced in the patient's state", async () => {
    const start = startOfTest();
    await submitAndAcknowledge(
      start,
      claimFile('DEP1', {
        dependent: true,
        filingIndicator: 'CI',
        payerId: 'ACME1',
        lines: [line({ hcpcs: 'E0143', modifiers: ['NU'], charge: 20_000 })],
      }),
    );
    const { file, remittance } = await remittanceFor(start, 'DEP1');
    expect(remittance.claims[0].patient).toEqual({ lastName: 'DOE', firstName: 'TIM' });
    expect(file.x12).toContain('NM1*IL*1*DOE*JANE****MI*1EG4TE5MK73~');
    // E0143 NU in TX (the child's address), not OH (the subscriber's): $113.85.
    expect(remittance.claims[0].lines[0].allowed).toBe(11_385);
  });
});

describeWithX12Valid('sandbox answers pass pyx12 (999 X231A1, 277CA X214, 835 X221A1)', () => {
  test.each([
    { suffix: '73', dependent: false },
    { suffix: '73', dependent: true },
    { suffix: '92', dependent: false },
    { suffix: '93', dependent: false },
    { suffix: '94', dependent: false },
    { suffix: '96', dependent: false },
  ])('every file for a member id ending in $suffix (dependent patient: $dependent) validates', async ({ suffix, dependent }) => {
    const start = startOfTest();
    const pcn = `VAL${suffix}${dependent ? 'D' : ''}`;
    const file = claimFile(pcn, {
      memberId: `1EG4TE5MK${suffix}`,
      dependent,
      lines: [cpapMonth1(), line({ hcpcs: 'A7030', modifiers: [], charge: 20_000 })],
    });
    await sandbox.submitClaims(file, start);
    const acknowledgements = (await sandbox.collect(after(start, ACK_DELAY))).files.filter((f) =>
      f.name.endsWith(file.controlNumber.padStart(9, '0')),
    );
    const remittances = filesFor(byKind((await sandbox.collect(after(start, REMIT_DELAY))).files, '835'), pcn);
    expect(acknowledgements).toHaveLength(2);
    expect(remittances).toHaveLength(suffix === '92' ? 0 : 1);
    for (const answer of [...acknowledgements, ...remittances]) {
      const result = x12valid(answer.x12);
      if (!result.ok) throw new Error(`${answer.name}:\n${result.errors.join('\n')}\n\n${answer.x12.replace(/~/g, '~\n')}`);
    }
  });
});
