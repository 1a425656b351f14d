/**
 * Encrypted payloads end to end (issue 9, points 1 and 2). An order runs through the API
 * on a dev server that keeps its state in a SQLite file; the delivery is signed by a name
 * no other test uses. Then:
 * - the raw history (a client without our codec) and the SQLite file hold no readable
 *   payload: the marker is absent, every payload is `binary/encrypted` with a key id, and
 *   the codec decodes them back to the marker;
 * - the codec server answers Temporal's remote codec format to admin and biller keys (and
 *   grants), refuses other roles and forged grants, and answers the Web UI's preflight;
 * - in a real headless browser the Web UI shows the order's input encrypted on a dev server
 *   without a codec endpoint, and decoded on one started with `--ui-codec-endpoint`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import puppeteer, { type Browser } from 'puppeteer-core';
import { createApp } from '../../api/app';
import { mintCodecGrant } from '../../api/codec-grants';
import { startApiServer, type RunningApi } from '../../api/server';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../codec/encryption';
import { createLogger } from '../../logger';
import { findFreePort } from '../../scripts/ports';
import { startDevServer, type DevServer } from '../../scripts/temporal-dev-server';
import { orderWorkflowId } from '../../workflows/definitions';
import { completeDocuments, createOrder, registerPatient, testKeys, todayIso, waitForOrder } from '../support/api';
import { testKeyring } from '../support/codec';
import { startServedStack, type ServedStack } from './served-stack';

jest.setTimeout(240_000);

const CHROMIUM = '/usr/bin/chromium';
/** A signer's name no other test uses (letters only: names refuse digits). */
const marker = `Quillfeather ${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')} Zebulon`;
const keyOf = (role: string) => testKeys.find((entry) => entry.role === role)!.key;

let dir: string;
let dbFile: string;
let served: ServedStack | undefined;
let workflowId: string;
let orderId: string;
let rawPayloads: Payload[] = [];
let readablePayloads: Payload[] = [];

/** Every payload of a history, wherever the event keeps it (input, results, update args, failures' encoded attributes). */
function payloadsIn(value: unknown, found: Array<{ at: string; payload: Payload }> = [], at = ''): Array<{ at: string; payload: Payload }> {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return found;
  const record = value as Record<string, unknown>;
  if (record.metadata && typeof record.metadata === 'object' && 'data' in record) found.push({ at, payload: record as Payload });
  for (const [name, child] of Object.entries(record)) payloadsIn(child, found, `${at}.${name}`);
  return found;
}

/**
 * What Temporal must read and so no codec encodes: search attributes (ids, codes and stages
 * only, DESIGN.md) and the SDK's patch markers (the patch id).
 */
const readableByDesign = (at: string) =>
  /\.searchAttributes\.indexedFields\./.test(at) || /markerRecordedEventAttributes\.details\.patch-data\./.test(at);

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
let startInput: Payload | undefined;
/** The workflow's input as Temporal stores it, base64 (how the UI prints a payload it cannot decode). */
const history0Input = () => Buffer.from(startInput!.data!).toString('base64');

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? new Uint8Array()).toString('latin1');

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dme-encryption-'));
  dbFile = path.join(dir, 'temporal.sqlite');
  served = await startServedStack({ dbFile });
  const patient = await registerPatient(served.call);
  orderId = await createOrder(served.call, patient);
  workflowId = orderWorkflowId(orderId);
  await completeDocuments(served.call, orderId);
  await waitForOrder(served.call, orderId, (o) => o.workflow.status.stage === 'delivery', 'waiting for delivery');
  const delivered = await served.call('POST', `/orders/${orderId}/delivery`, {
    role: 'delivery',
    body: { deliveredOn: todayIso(), signedBy: marker, relationship: 'self', serialNumbers: {} },
  });
  if (delivered.status !== 202) throw new Error(`delivery refused: ${delivered.status} ${delivered.text}`);
  await waitForOrder(served.call, orderId, (o) => o.workflow.status.stage !== 'delivery', 'past delivery');

  // An operator's client without our codec sees what Temporal stores.
  const address = (served.stack.client.connection as Connection).options.address;
  const connection = await Connection.connect({ address });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    startInput = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as Payload;
    const found = payloadsIn(history);
    rawPayloads = found.filter(({ at }) => !readableByDesign(at)).map(({ payload }) => payload);
    readablePayloads = found.filter(({ at }) => readableByDesign(at)).map(({ payload }) => payload);
  } finally {
    await connection.close();
  }
});

afterAll(async () => {
  await served?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('what Temporal stores', () => {
  test('every payload of the raw history is binary/encrypted with a key id, and none holds the marker', () => {
    expect(rawPayloads.length).toBeGreaterThan(5);
    for (const payload of rawPayloads) {
      expect(text(payload.metadata?.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(payload.metadata?.[KEY_ID_METADATA])).toBe(testKeyring.active.id);
      expect(text(payload.data)).not.toContain(marker);
    }
    expect(JSON.stringify(rawPayloads.map((payload) => text(payload.data)))).not.toContain(marker);
  });

  test('only search attributes and patch markers are readable, and they hold codes, stages and dates', () => {
    expect(readablePayloads.length).toBeGreaterThan(0);
    for (const payload of readablePayloads)
      expect(text(payload.data)).toMatch(/^(null|"[a-z0-9:.TZ-]*"|\["[A-Z0-9a-z-]+"(,"[A-Z0-9a-z-]+")*\]|\{"id":"[a-z-]+","deprecated":false\})$/);
  });

  test('the codec decodes them: the delivery signer is in the history, as the Update carried it', async () => {
    const decoded = await new EncryptionCodec(testKeyring).decode(rawPayloads);
    expect(decoded.map((payload) => text(payload.data)).join('\n')).toContain(marker);
    expect(decoded.every((payload) => text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING)).toBe(true);
  });

  test("the dev server's SQLite file holds no readable payload", async () => {
    // Stop the server so everything it wrote is in the files (the WAL included).
    await served!.stack.stop();
    const files = fs.readdirSync(dir).filter((name) => name.startsWith('temporal.sqlite'));
    expect(files).toContain('temporal.sqlite');
    const bytes = Buffer.concat(files.map((name) => fs.readFileSync(path.join(dir, name))));
    expect(bytes.length).toBeGreaterThan(10_000);
    expect(bytes.includes(Buffer.from(workflowId))).toBe(true); // the file is the one that ran the order
    expect(bytes.includes(Buffer.from(marker))).toBe(false);
    expect(bytes.includes(Buffer.from(`"orderId":"${orderId}"`))).toBe(false);
  });
});

describe('the codec server', () => {
  const body = () => ({
    payloads: rawPayloads.slice(0, 20).map((p) => ({ metadata: b64Record(p.metadata), data: Buffer.from(p.data ?? []).toString('base64') })),
  });
  const b64Record = (metadata: Payload['metadata']) =>
    Object.fromEntries(Object.entries(metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')]));
  const decodedText = (json: any) => (json.payloads as any[]).map((p) => Buffer.from(p.data, 'base64').toString()).join('\n');

  test('decodes for admin and biller keys, in the remote codec format', async () => {
    for (const role of ['admin', 'biller'] as const) {
      const response = await served!.call('POST', '/codec/decode', { role, body: body() });
      expect({ role, status: response.status }).toEqual({ role, status: 200 });
      expect(response.json.payloads).toHaveLength(body().payloads.length);
      expect(Buffer.from(response.json.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    }
    const all = await served!.call('POST', '/codec/decode', { role: 'biller', body: { ...body(), payloads: body().payloads.concat() } });
    expect(all.status).toBe(200);
  });

  test('refuses other roles (403) and requests without a key (401)', async () => {
    for (const role of ['intake', 'reviewer', 'delivery'] as const) {
      expect((await served!.call('POST', '/codec/decode', { role, body: body() })).status).toBe(403);
      expect((await served!.call('POST', '/codec/encode', { role, body: body() })).status).toBe(403);
    }
    expect((await served!.call('POST', '/codec/decode', { body: body() })).status).toBe(401);
  });

  test('encode then decode gives the payload back, encrypted in between', async () => {
    const plain = {
      metadata: { encoding: Buffer.from('json/plain').toString('base64') },
      data: Buffer.from(JSON.stringify({ note: marker })).toString('base64'),
    };
    const encoded = await served!.call('POST', '/codec/encode', { role: 'admin', body: { payloads: [plain] } });
    expect(encoded.status).toBe(200);
    expect(Buffer.from(encoded.json.payloads[0].data, 'base64').toString('latin1')).not.toContain(marker);
    const decoded = await served!.call('POST', '/codec/decode', { role: 'admin', body: encoded.json });
    expect(decoded.json).toEqual({ payloads: [plain] });
  });

  test('a grant in the path stands for its user; an altered one is 401', async () => {
    const granted = await served!.call('POST', '/codec/grants', { role: 'biller' });
    expect(granted.status).toBe(201);
    const grantPath = new URL(granted.json.endpoint).pathname;
    const ok = await served!.call('POST', `${grantPath}/decode`, { body: body() });
    expect(ok.status).toBe(200);
    expect(decodedText(ok.json)).toContain(orderId);
    const forged = grantPath.slice(0, -3) + (grantPath.endsWith('AAA') ? 'BBB' : 'AAA');
    expect((await served!.call('POST', `${forged}/decode`, { body: body() })).status).toBe(401);
    const intakeGrant = await served!.call('POST', '/codec/grants', { role: 'intake' });
    expect(intakeGrant.status).toBe(403);
  });

  test("answers the Web UI's preflight for its origin only", async () => {
    const url = `http://127.0.0.1:${served!.api.port}/codec/decode`;
    const preflight = (origin: string) =>
      fetch(url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-namespace,authorization' },
      });
    const allowed = await preflight('http://127.0.0.1:8233');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-namespace');
    const other = await preflight('http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    // A refusal still carries the CORS headers, so the UI can read that it was refused.
    const refused = await fetch(url, {
      method: 'POST',
      headers: { origin: 'http://127.0.0.1:8233', 'content-type': 'application/json' },
      body: '{"payloads":[]}',
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
  });
});

describe('the Temporal Web UI in a headless browser', () => {
  let browser: Browser;
  let codecApi: RunningApi | undefined;
  let ui: DevServer | undefined;

  beforeAll(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  });

  afterAll(async () => {
    await browser?.close();
    await ui?.stop();
    await codecApi?.close();
  });

  /** Opens the order's workflow page and returns the page text once the input is shown. */
  async function workflowPageText(uiUrl: string, expected: RegExp): Promise<string> {
    const page = await browser.newPage();
    try {
      await page.goto(`${uiUrl}/namespaces/default/workflows/${workflowId}`, { waitUntil: 'networkidle2', timeout: 90_000 });
      // Strings, not functions: they run in the page, where `document` is (this project compiles without the DOM library).
      const shown = () => page.evaluate('document.body.innerText') as Promise<string>;
      await page
        .waitForFunction(`new RegExp(${JSON.stringify(expected.source)}).test(document.body.innerText)`, { timeout: 90_000, polling: 250 })
        .catch(async (error: Error) => {
          throw new Error(`${error.message}: the page never showed ${expected}; it shows:\n${(await shown()).slice(0, 4_000)}`);
        });
      return await shown();
    } finally {
      await page.close();
    }
  }

  async function startUi(uiCodecEndpoint?: string): Promise<DevServer> {
    const [port, uiPort] = [await findFreePort(), await findFreePort()];
    return startDevServer({ port, uiPort, dbFile, startTimeoutMs: 60_000, ...(uiCodecEndpoint ? { uiCodecEndpoint } : {}) });
  }

  test('without a codec endpoint the input is shown encrypted: the ciphertext as stored, no order id field', async () => {
    // The UI shows a payload it cannot decode as its data, base64: exactly the stored ciphertext.
    const input = history0Input();
    ui = await startUi();
    try {
      const shown = await workflowPageText(ui.uiUrl!, new RegExp(escapeRegExp(input)));
      expect(shown).not.toContain('"orderId"');
      expect(shown).not.toContain(marker);
    } finally {
      await ui.stop();
      ui = undefined;
    }
  });

  test('with the codec endpoint and a grant the input is shown decoded, the ciphertext gone', async () => {
    const uiPort = await findFreePort();
    const port = await findFreePort();
    const origins = [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`];
    const app = createApp({
      database: served!.database,
      temporal: served!.stack.temporal,
      apiKeys: testKeys,
      logger: createLogger('error'),
      codec: { keyring: testKeyring, corsOrigins: origins },
    });
    codecApi = await startApiServer(app, 0, '127.0.0.1');
    const admin = testKeys.find((entry) => entry.key === keyOf('admin'))!;
    const grant = mintCodecGrant(testKeyring, admin, new Date(Date.now() + 3_600_000));
    ui = await startDevServer({
      port,
      uiPort,
      dbFile,
      startTimeoutMs: 60_000,
      uiCodecEndpoint: `http://127.0.0.1:${codecApi.port}/codec/grant/${grant}`,
    });
    const shown = await workflowPageText(ui.uiUrl!, new RegExp(`"orderId":\\s*"${orderId}"`));
    expect(shown).not.toContain(history0Input());
  });
});
