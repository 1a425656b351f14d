import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';
import type { Db } from '../../db/client';
import { build270, build276, parse271, parse277, type Eligibility270Input } from '../../domain/x12';
import { clearinghouseOptions, createClearinghouse } from '../../activities/clearinghouse';
import { createFileDropClearinghouse } from '../../activities/clearinghouse/file-drop';
import type { Clearinghouse } from '../../activities/clearinghouse/types';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../fixtures/x12', name), 'utf8');

let root: string;
let outbox: string;
let inbox: string;
let clearinghouse: Clearinghouse;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'file-drop-'));
  outbox = path.join(root, 'outbox');
  inbox = path.join(root, 'inbox');
  clearinghouse = createFileDropClearinghouse({ outbox, inbox, pollIntervalMs: 5 * 60_000, responseTimeoutMs: 3_000, responsePollMs: 50 });
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

/** What the clearinghouse's agent does: drop a file into our inbox, a little later, from outside this call. */
function dropLater(name: string, x12: string, ms: number): void {
  setTimeout(() => writeFileSync(path.join(inbox, name), x12), ms);
}

const visible = (folder: string) =>
  readdirSync(folder)
    .filter((name) => !name.startsWith('.'))
    .sort();

function eligibilityRequest(traceNumber: string, controlNumber = 7): { controlNumber: string; x12: string } {
  const input: Eligibility270Input = {
    interchange: {
      senderQualifier: 'ZZ',
      senderId: 'DURABLEDME',
      receiverQualifier: 'ZZ',
      receiverId: 'CLEARHOUSE',
      controlNumber,
      date: '2024-03-01',
      time: '09:15',
      usage: 'T',
    },
    payer: { name: 'CGS Jurisdiction B', id: '17013' },
    provider: { organizationName: 'Durable DME Supply LLC', npi: '1234567893', taxId: '31-1234567' },
    subscriber: { memberId: '1EG4TE5MK73', lastName: 'Doe', firstName: 'Jane', birthDate: '1940-05-06', sex: 'F' },
    traceNumber,
    serviceDate: '2024-03-01',
  };
  return { controlNumber: String(controlNumber), x12: build270(input) };
}

const asOf = new Date('2024-03-01T10:00:00Z');

describe('file-drop: claims out', () => {
  test('submitClaims writes <outbox>/<controlNumber>.837 whole, with no temporary file left behind', async () => {
    const x12 = 'ISA*00*          *00*          *ZZ*DURABLEDME     *ZZ*CLEARHOUSE     *240301*0930*^*00501*000000042*0*T*:~';
    await clearinghouse.submitClaims({ controlNumber: '42', x12 }, asOf);
    expect(visible(outbox)).toEqual(['42.837']);
    expect(readFileSync(path.join(outbox, '42.837'), 'utf8')).toBe(x12);
    expect(readdirSync(outbox).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  test('the same control number again is a no-op, even after the agent took the first copy away', async () => {
    await clearinghouse.submitClaims({ controlNumber: '43', x12: 'first' }, asOf);
    const written = statSync(path.join(outbox, '43.837')).mtimeMs;
    await clearinghouse.submitClaims({ controlNumber: '43', x12: 'second' }, asOf);
    expect(readFileSync(path.join(outbox, '43.837'), 'utf8')).toBe('first');
    expect(statSync(path.join(outbox, '43.837')).mtimeMs).toBe(written);
    unlinkSync(path.join(outbox, '43.837'));
    await clearinghouse.submitClaims({ controlNumber: '43', x12: 'third' }, asOf);
    expect(visible(outbox)).toEqual([]);
  });

  test('a control number that cannot name a file is refused', async () => {
    await expect(clearinghouse.submitClaims({ controlNumber: '../42', x12: 'x' }, asOf)).rejects.toThrow(/cannot name an outbox file/);
  });
});

describe('file-drop: eligibility and claim status wait for the answer that echoes our trace', () => {
  test('checkEligibility writes the 270, picks up the 271 another process drops later, and moves it to processed/', async () => {
    const request = eligibilityRequest('ELIG-ORD-42');
    // An answer to someone else's inquiry is left where it is.
    writeFileSync(path.join(inbox, 'other.271'), fixture('271-inactive.x12'));
    dropLater('answer.271', fixture('271-medicare-active.x12'), 300);

    const answer = await clearinghouse.checkEligibility(request, asOf);
    expect(parse271(answer)[0].members[0].traceNumbers).toEqual(['ELIG-ORD-42']);
    expect(readFileSync(path.join(outbox, '7.270'), 'utf8')).toBe(request.x12);
    expect(visible(inbox)).toEqual(['other.271', 'processed']);
    expect(readdirSync(path.join(inbox, 'processed'))).toEqual(['answer.271']);
  });

  test('no answer within the response timeout: an error naming the request by control number only, so the activity retries', async () => {
    const quick = createFileDropClearinghouse({ outbox, inbox, pollIntervalMs: 60_000, responseTimeoutMs: 200, responsePollMs: 50 });
    const error = await quick.checkEligibility(eligibilityRequest('ELIG-ORD-99', 8), asOf).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^no 271 answered 270 8 within 0.2 s \(FILE_DROP_RESPONSE_TIMEOUT\)/);
    expect((error as Error).message).not.toMatch(/1EG4TE5MK73|DOE|JANE|19400506/);
  });

  test('requestClaimStatus writes the 276 and returns the 277 whose TRN*2 is our trace', async () => {
    const x12 = build276({
      interchange: {
        senderQualifier: 'ZZ',
        senderId: 'DURABLEDME',
        receiverQualifier: 'ZZ',
        receiverId: 'CLEARHOUSE',
        controlNumber: 9,
        date: '2024-04-15',
        time: '09:00',
        usage: 'T',
      },
      payer: { name: 'CGS Jurisdiction B', id: '17013' },
      informationReceiver: { name: 'Durable DME Supply', id: 'DDME01' },
      provider: { organizationName: 'Durable DME Supply LLC', npi: '1234567893' },
      subscriber: { memberId: '1EG4TE5MK73', lastName: 'Doe', firstName: 'Jane' },
      claim: { traceNumber: 'STATUS-C1004', patientControlNumber: 'C1004', totalCharge: 12_000, serviceFrom: '2024-03-20', serviceTo: '2024-03-20' },
    });
    dropLater('status.277', fixture('277-status-paid-pending.x12'), 200);
    const answer = await clearinghouse.requestClaimStatus({ controlNumber: '9', x12 }, asOf);
    expect(parse277(answer)[0].claims.map((c) => c.traceNumber)).toContain('STATUS-C1004');
    expect(visible(outbox)).toEqual(['9.276']);
    expect(readdirSync(path.join(inbox, 'processed'))).toEqual(['status.277']);
  });
});

describe('file-drop: the inbox', () => {
  test('collect returns every readable file not yet confirmed, skipping dotfiles, temporary files, folders and answers an inquiry waits for', async () => {
    writeFileSync(path.join(inbox, 'b-remit.835'), fixture('835-medicare-paid.x12'));
    writeFileSync(path.join(inbox, 'a-ack.999'), fixture('999-accepted.x12'));
    writeFileSync(path.join(inbox, 'garbage.txt'), 'not x12 at all');
    writeFileSync(path.join(inbox, '.hidden.835'), fixture('835-medicare-paid.x12'));
    writeFileSync(path.join(inbox, 'incoming.835.part'), 'ISA*00*');
    writeFileSync(path.join(inbox, 'late.271'), fixture('271-medicare-active.x12'));
    mkdirSync(path.join(inbox, 'archive'));

    const result = await clearinghouse.collect(asOf);
    expect(result.files.map((f) => f.name)).toEqual(['a-ack.999', 'b-remit.835', 'garbage.txt']);
    expect(result.files[1].x12).toBe(fixture('835-medicare-paid.x12'));
    expect(result.nextCheckAt).toEqual(new Date(asOf.getTime() + 5 * 60_000));

    // Not confirmed: the same files again.
    expect((await clearinghouse.collect(asOf)).files.map((f) => f.name)).toEqual(['a-ack.999', 'b-remit.835', 'garbage.txt']);

    await clearinghouse.confirm(['a-ack.999', 'b-remit.835']);
    expect((await clearinghouse.collect(asOf)).files.map((f) => f.name)).toEqual(['garbage.txt']);
    expect(readdirSync(path.join(inbox, 'processed')).sort()).toEqual(['a-ack.999', 'b-remit.835']);
    // Confirming twice is harmless.
    await clearinghouse.confirm(['a-ack.999']);
  });

  test('a file name the clearinghouse reuses does not overwrite the processed copy', async () => {
    writeFileSync(path.join(inbox, 'remit.835'), 'first');
    await clearinghouse.confirm(['remit.835']);
    writeFileSync(path.join(inbox, 'remit.835'), 'second');
    await clearinghouse.confirm(['remit.835']);
    expect(readFileSync(path.join(inbox, 'processed', 'remit.835'), 'utf8')).toBe('first');
    expect(readFileSync(path.join(inbox, 'processed', 'remit.835.1'), 'utf8')).toBe('second');
  });

  test('confirm refuses names that would reach outside the inbox', async () => {
    await expect(clearinghouse.confirm(['../outbox/42.837'])).rejects.toThrow(/not the name of a file in the clearinghouse inbox/);
    await expect(clearinghouse.confirm(['.sent'])).rejects.toThrow(/not the name of a file/);
  });
});

describe('createClearinghouse', () => {
  // The sandbox does not touch the database until it is used; the factory only wires it.
  const db = {} as Db;

  test('folders default to <DATA_DIR>/clearinghouse/outbox and inbox, created by the file-drop adapter', () => {
    const config = loadConfig({ DATA_DIR: root, CLEARINGHOUSE: 'file-drop', FILE_DROP_POLL_INTERVAL: '30s', FILE_DROP_RESPONSE_TIMEOUT: '1m' });
    const options = clearinghouseOptions(config, db);
    expect(options).toMatchObject({
      kind: 'file-drop',
      outbox: path.join(root, 'clearinghouse', 'outbox'),
      inbox: path.join(root, 'clearinghouse', 'inbox'),
      pollIntervalMs: 30_000,
      responseTimeoutMs: 60_000,
      acknowledgementDelayMs: 3_600_000,
      remittanceDelayMs: 14 * 86_400_000,
    });
    expect(createClearinghouse(options).name).toBe('file-drop');
    expect(existsSync(path.join(root, 'clearinghouse', 'inbox', 'processed'))).toBe(true);
    expect(existsSync(path.join(root, 'clearinghouse', 'outbox'))).toBe(true);
  });

  test('configured folders win; the default kind is the sandbox, which creates no folders', () => {
    const elsewhere = path.join(root, 'elsewhere');
    const options = clearinghouseOptions(
      loadConfig({ DATA_DIR: root, CLEARINGHOUSE_OUTBOX: path.join(elsewhere, 'out'), CLEARINGHOUSE_INBOX: path.join(elsewhere, 'in') }),
      db,
    );
    expect(options).toMatchObject({ kind: 'sandbox', outbox: path.join(elsewhere, 'out'), inbox: path.join(elsewhere, 'in') });
    expect(createClearinghouse(options).name).toBe('sandbox');
    expect(existsSync(elsewhere)).toBe(false);
  });
});

describe('file-drop: an inquiry waits as an activity should', () => {
  test('it beats the heartbeat while it polls and stops at once when the activity is cancelled', async () => {
    const waiting = createFileDropClearinghouse({ outbox, inbox, pollIntervalMs: 60_000, responseTimeoutMs: 60_000, responsePollMs: 20 });
    const cancel = new AbortController();
    let beats = 0;
    const inquiry = waiting.checkEligibility(eligibilityRequest('TRACECANCEL1', 31), asOf, { heartbeat: () => (beats += 1), signal: cancel.signal });
    await new Promise((resolve) => setTimeout(resolve, 200));
    cancel.abort();
    await expect(inquiry).rejects.toMatchObject({ name: 'AbortError' });
    expect(beats).toBeGreaterThan(1);
    // The request stays in the outbox: a retry finds it there and sends nothing new.
    expect(visible(outbox)).toEqual(['31.270']);
  });
});
