/**
 * The staff web app (/app) in process: sign-in into a session cookie, the session's
 * lifetime, CSRF, navigation by role, the API's field errors beside the form's fields,
 * money and dates in the reader's locale, and no input that answers 5xx. The pages act
 * through the API's routes as the signed-in key, so what a role may do is the API's
 * (tests/api/roles.test.ts); here, that the app carries it. The browser tests on the
 * dev-server stack are tests/e2e/web-app.test.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq, isNull, sql } from 'drizzle-orm';
import { createApp, type CommandAnswer, type TemporalPort } from '../../api/app';
import { agingChart } from '../../api/web/pages/reports';
import { claimLoopOf } from '../../api/web/pages/claims';
import { signInLimiter } from '../../api/web/sign-in-limit';
import { centsOf } from '../../api/web/pages/new-order';
import { appeals, auditEvents, orders, patients, remittances, tasks, webSessions } from '../../db/schema';
import { createLogger } from '../../logger';
import { apiClient, testKeys } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertClaims, seedPatientOrder, type SeededPatientOrder } from '../support/receivables';
import { webBrowser } from '../support/web';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/x12', name), 'utf8');

const refused = async (): Promise<CommandAnswer<never>> =>
  ({ outcome: 'refused', message: 'The order is not waiting for a delivery', code: 'not-applicable' }) as never;
/** The orders a command reached (the stand-in refuses them all). */
const updatesSent: string[] = [];
const standInTemporal: TemporalPort = {
  ping: async () => undefined,
  startOrder: async ({ orderId }) => ({ workflowId: `order-${orderId}` }),
  queryOrder: async () => null,
  updateOrder: async (orderId) => {
    updatesSent.push(orderId);
    return refused();
  },
  updateClaim: refused,
  signalClaim: async () => 'not-running',
  startCreditBalance: async () => undefined,
  updateCreditBalance: refused,
  startResupply: async () => undefined,
  updateResupply: refused,
  signalResupply: async () => 'not-running',
  startRemittance: async () => undefined,
  signalPatientStatements: async () => 'not-running',
};

let database: TestDatabase;
let order: SeededPatientOrder;
let claimId: string;

const build = (apiKeys = testKeys, session?: { idleMs: number; maxMs: number }, trustedProxies?: number) =>
  createApp({
    database,
    temporal: standInTemporal,
    apiKeys,
    logger: createLogger('error'),
    web: {
      temporalUi: { url: 'http://127.0.0.1:8233', namespace: 'default' },
      ...(session ? { session } : {}),
      ...(trustedProxies !== undefined ? { signInLimit: { maxFailures: 10, windowMs: 15 * 60_000, trustedProxies } } : {}),
    },
  });
/** The new-patient form as intake fills it in (the ZIP, payer and member id are each test's own). */
const newPatientForm = {
  firstName: 'Ada',
  lastName: 'Lovelace',
  birthDate: '1948-02-29',
  sex: 'F',
  'address.line1': '12 Main St',
  'address.city': 'Columbus',
  'address.state': 'OH',
};
/** Intake signed in and on the page of a patient of their own (with a Medicare coverage). */
async function intakeOnPatientPage() {
  const patient = await seedPatientOrder(database.db);
  const app = build();
  const browser = webBrowser(app);
  await browser.signIn(key('intake'));
  await browser.get(`/app/patients/${patient.patientId}`);
  return { patient, app, browser };
}
const key = (role: string) => testKeys.find((entry) => entry.role === role)!.key;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeAll(async () => {
  database = await createTestDatabase();
  order = await seedPatientOrder(database.db);
  const [claim] = await insertClaims(database.db, [
    { order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 123_456, rentalMonth: 1 }] },
  ]);
  claimId = claim.claimId;
});
afterAll(() => database.drop());

describe('sign-in', () => {
  test('a page without a session sends to sign-in; the sign-in page runs no script and forbids any', async () => {
    const browser = webBrowser(build());
    const page = await browser.get('/app/orders');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/app/sign-in');
    const signIn = await browser.get('/app/sign-in');
    expect(signIn.status).toBe(200);
    expect(signIn.text).toContain('name="key"');
    expect(signIn.text).not.toMatch(/<script/i);
    expect(signIn.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(signIn.headers.get('cache-control')).toBe('no-store');
  });

  test('a wrong key is refused with a message and no cookie; a right one opens a session cookie (httpOnly, SameSite=Strict, path /app) stored only as hashes', async () => {
    const browser = webBrowser(build());
    const wrong = await browser.signIn('not-a-key-of-anyone-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('This key is not recognised.');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const empty = await browser.signIn('');
    expect(empty.status).toBe(401);
    expect(empty.text).toContain('Enter your API key.');

    const right = await browser.signIn(key('reviewer'));
    expect(right.status).toBe(303);
    expect(right.location).toBe('/app');
    const cookie = right.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^dme_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/app/);
    expect(cookie).not.toMatch(/Secure/); // plain http here; over https the cookie is Secure

    const token = browser.cookie!.split('=')[1];
    const rows = await database.db
      .select()
      .from(webSessions)
      .where(eq(webSessions.tokenHash, sha256(token)));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ user: 'rex.reviewer', role: 'reviewer', keyHash: sha256(key('reviewer')), endedAt: null });
    const stored = JSON.stringify(await database.db.select().from(webSessions));
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(key('reviewer'));
  });

  test('an address that failed ten times in 15 minutes is refused 429 with Retry-After, even with a right key; other addresses are not', async () => {
    // One trusted proxy: the last X-Forwarded-For entry is the address it saw.
    const app = build(testKeys, undefined, 1);
    const from = (address: string) => ({ 'x-forwarded-for': `10.0.0.9, ${address}` });
    const browser = webBrowser(app);
    for (let attempt = 0; attempt < 10; attempt += 1) {
      expect((await browser.post('/app/sign-in', { key: `wrong-key-${attempt}-000000` }, from('203.0.113.7'))).status).toBe(401);
    }
    const locked = await browser.post('/app/sign-in', { key: key('biller') }, from('203.0.113.7'));
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(locked.text).toContain('Too many failed sign-ins from here');
    expect((await browser.post('/app/sign-in', { key: key('biller') }, from('198.51.100.2'))).status).toBe(303);
  });

  test('without a trusted proxy a forged X-Forwarded-For escapes nothing: every try counts for the socket’s address', async () => {
    const browser = webBrowser(build());
    for (let attempt = 0; attempt < 10; attempt += 1) {
      await browser.post('/app/sign-in', { key: `wrong-key-${attempt}-000000` }, { 'x-forwarded-for': `198.51.100.${attempt}` });
    }
    expect((await browser.post('/app/sign-in', { key: key('biller') }, { 'x-forwarded-for': '192.0.2.200' })).status).toBe(429);
  });

  test('behind a proxy that writes the default port into the host, the Origin still matches', async () => {
    const answer = await build().request('http://dme.example.com/app/sign-in', {
      method: 'POST',
      headers: {
        'x-forwarded-proto': 'https',
        'x-forwarded-host': 'dme.example.com:443',
        origin: 'https://dme.example.com',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ key: key('biller') }).toString(),
    });
    expect(answer.status).toBe(303);
  });

  test('the limiter forgets failures older than its window, and a success clears the count', () => {
    let now = 0;
    const limiter = signInLimiter({ maxFailures: 2, windowMs: 1_000 }, () => now);
    limiter.failed('a');
    limiter.failed('a');
    expect(limiter.retryAfter('a')).toBe(1);
    now = 1_001;
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.failed('a');
    limiter.succeeded('a');
    limiter.failed('a');
    expect(limiter.retryAfter('a')).toBe(0);
  });

  test('over https the cookie is Secure', async () => {
    const browser = webBrowser(build(), 'https://dme.example');
    const right = await browser.signIn(key('intake'));
    expect(right.headers.get('set-cookie')).toMatch(/Secure/);
  });

  test('signing out ends the session: the old cookie signs no one in', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    const oldCookie = browser.cookie;
    expect((await browser.get('/app/queue')).status).toBe(200);
    const out = await browser.post('/app/sign-out', {});
    expect(out.status).toBe(303);
    expect(out.location).toBe('/app/sign-in');
    browser.cookie = oldCookie;
    expect((await browser.get('/app/queue')).location).toBe('/app/sign-in');
  });

  test('a session idle longer than its limit, or whose key was removed from API_KEYS, has ended', async () => {
    const browser = webBrowser(build(testKeys, { idleMs: 30 * 60_000, maxMs: 12 * 3_600_000 }));
    await browser.signIn(key('delivery'));
    const token = browser.cookie!.split('=')[1];
    await database.db
      .update(webSessions)
      .set({ lastSeenAt: sql`now() - interval '31 minutes'` })
      .where(eq(webSessions.tokenHash, sha256(token)));
    expect((await browser.get('/app/queue')).location).toBe('/app/sign-in');
    const [ended] = await database.db
      .select()
      .from(webSessions)
      .where(eq(webSessions.tokenHash, sha256(token)));
    expect(ended.endedAt).not.toBeNull();

    const signedIn = webBrowser(build());
    await signedIn.signIn(key('delivery'));
    const withoutDelivery = webBrowser(build(testKeys.filter((entry) => entry.role !== 'delivery')));
    withoutDelivery.cookie = signedIn.cookie;
    expect((await withoutDelivery.get('/app/queue')).location).toBe('/app/sign-in');
  });
});

describe('CSRF', () => {
  test('a form without the session’s token, or from another site, is refused 403 and changes nothing', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('reviewer'));
    const before = await database.db.select({ id: auditEvents.id }).from(auditEvents);
    const noToken = await browser.post('/app/sign-out', { _csrf: 'forged' });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toMatch(/token does not match/);
    const crossSite = await browser.post('/app/sign-out', {}, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect((await browser.get('/app/queue')).status).toBe(200); // still signed in
    const forged = await browser.post(`/app/orders/${order.orderId}/cancel`, { _csrf: '', reason: 'forged' });
    expect(forged.status).toBe(403);
    expect(await database.db.select({ id: auditEvents.id }).from(auditEvents)).toEqual(before);
  });

  test('a sign-in posted from another site is refused (login CSRF)', async () => {
    const browser = webBrowser(build());
    const answer = await browser
      .signIn(key('admin'))
      .then(() => browser.post('/app/sign-in', { key: key('admin') }, { origin: 'https://evil.example' }));
    expect(answer.status).toBe(403);
  });
});

describe('navigation by role', () => {
  test.each([
    ['intake', ['My work queue', 'Orders', 'Patients'], ['Claims', 'Dashboard']],
    ['reviewer', ['My work queue', 'Orders'], ['Claims', 'Remittances', 'Patients']],
    ['delivery', ['My work queue', 'Orders'], ['Credit balances', 'A/R aging']],
    ['biller', ['My work queue', 'Orders', 'Claims', 'Denials &amp; appeals', 'Remittances', 'Credit balances', 'A/R aging', 'Dashboard'], []],
    ['admin', ['My work queue', 'Orders', 'Claims', 'Dashboard'], []],
  ])('%s sees %j and not %j', async (role, shown, hidden) => {
    const browser = webBrowser(build());
    await browser.signIn(key(role));
    const page = await browser.get('/app/queue');
    const nav = /<nav aria-label="Sections">([\s\S]*?)<\/nav>/.exec(page.text)![1];
    for (const label of shown) expect(nav).toContain(`>${label}</a>`);
    for (const label of hidden) expect(nav).not.toContain(`>${label}</a>`);
  });

  test('a page of another role answers the API’s 403 with its message, not the data', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('reviewer'));
    const page = await browser.get(`/app/claims/${claimId}`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('This needs the role biller');
    expect(page.text).not.toContain('E0601');
  });
});

describe('pages', () => {
  test('the order page shows the order from the database, links its workflow in the Temporal Web UI and shows money only to billers', async () => {
    const biller = webBrowser(build());
    await biller.signIn(key('biller'));
    const page = await biller.get(`/app/orders/${order.orderId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`href="http://127.0.0.1:8233/namespaces/default/workflows/order-${order.orderId}"`);
    expect(page.text).toContain('$1,234.56');
    const reviewer = webBrowser(build());
    await reviewer.signIn(key('reviewer'));
    const theirs = await reviewer.get(`/app/orders/${order.orderId}`);
    expect(theirs.status).toBe(200);
    expect(theirs.text).not.toContain('$1,234.56');
  });

  test('the claim page links its CMS-1500, which the app passes on from the API as a PDF (or its refusal)', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    expect((await browser.get(`/app/claims/${claimId}`)).text).toContain(`href="/app/claims/${claimId}/cms1500"`);
    const pdf = await browser.get(`/app/claims/${claimId}/cms1500`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.text.startsWith('%PDF-')).toBe(true);
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    const missing = await browser.get('/app/claims/00000000-0000-4000-8000-000000000000/cms1500');
    expect(missing.status).toBe(404);
    expect(missing.text).toContain('does not exist');
  });

  test('money and dates follow the reader’s Accept-Language', async () => {
    const app = build();
    const browser = webBrowser(app);
    await browser.signIn(key('biller'));
    const response = await app.request(`http://localhost/app/claims/${claimId}`, {
      headers: { cookie: browser.cookie!, 'accept-language': 'de-DE,de;q=0.9' },
    });
    const text = await response.text();
    expect(text).toContain('1.234,56');
    expect(text).toContain('lang="de-DE"');
    const us = await (
      await app.request(`http://localhost/app/claims/${claimId}`, { headers: { cookie: browser.cookie!, 'accept-language': 'en-US' } })
    ).text();
    expect(us).toContain('$1,234.56');
    expect(us).toMatch(/Jan \d{1,2}, 2026/);
  });

  test('every list page renders for a biller, and pages a long list', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    for (const page of [
      '/app/queue',
      '/app/orders',
      '/app/claims',
      '/app/remittances',
      '/app/credit-balances',
      '/app/ar-aging',
      '/app/orders?stage=documentation',
      '/app/credit-balances?status=resolved',
    ]) {
      const answer = await browser.get(page);
      expect([page, answer.status]).toEqual([page, 200]);
    }
    const orders = [];
    for (let index = 0; index < 26; index += 1) orders.push(await seedPatientOrder(database.db));
    const first = await browser.get('/app/orders');
    expect(first.text).toMatch(/1–25 of \d+/);
    expect(first.text).toContain('rel="next" href="/app/orders?offset=25"');
    const second = await browser.get('/app/orders?offset=25');
    expect(second.text).toMatch(/26–\d+ of \d+/);
    expect(second.text).toContain('rel="prev"');
  });
});

describe('my work queue', () => {
  test('shows my role’s open tasks with their order, marks one done as me; another role’s task is refused with the API’s reason', async () => {
    const id = randomUUID();
    await database.db
      .insert(tasks)
      .values({ id, taskKey: `web:${id}`, role: 'biller', kind: 'claim-rejected', title: 'Claim rejected: fix and resend', orderId: order.orderId });
    const intake = webBrowser(build());
    await intake.signIn(key('intake'));
    expect((await intake.get('/app/queue')).text).not.toContain('Claim rejected: fix and resend');
    const refusedDone = await intake.post(`/app/tasks/${id}/done`, {});
    expect(refusedDone.status).toBe(403);
    expect(refusedDone.text).toContain('is a biller task: only a biller or an admin may mark it done');

    const biller = webBrowser(build());
    await biller.signIn(key('biller'));
    const queue = await biller.get('/app/queue');
    expect(queue.text).toContain('Claim rejected: fix and resend');
    expect(queue.text).toContain(`href="/app/orders/${order.orderId}"`);
    expect(queue.text).toMatch(/\d+ claims to fix/);
    const done = await biller.post(`/app/tasks/${id}/done`, {});
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/app/queue?notice=${encodeURIComponent('Task marked done')}`);
    const [row] = await database.db.select().from(tasks).where(eq(tasks.id, id));
    expect(row).toMatchObject({ status: 'done', doneBy: 'bea.biller' });
    expect((await biller.get('/app/queue')).text).not.toContain('Claim rejected: fix and resend');
  });
});

describe('forms show the API’s errors beside the field and change nothing', () => {
  test('a delivery with a malformed date: 400, the message beside the date, the values kept; the form gone, the message at the top', async () => {
    const waiting = await seedPatientOrder(database.db);
    await database.db.update(orders).set({ stage: 'delivery', blockedOn: 'delivery' }).where(eq(orders.id, waiting.orderId));
    const browser = webBrowser(build());
    await browser.signIn(key('delivery'));
    expect((await browser.get(`/app/orders/${waiting.orderId}`)).text).toContain('Confirm delivery');
    const answer = await browser.post(`/app/orders/${waiting.orderId}/delivery`, {
      deliveredOn: '2026-02-30',
      signedBy: 'Jo Ledger',
      relationship: 'daughter',
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/id="pod-deliveredOn"[^>]*aria-invalid="true"/);
    expect(answer.text).toMatch(/<p class="field-error" id="pod-deliveredOn-error">[^<]+<\/p>/);
    expect(answer.text).toMatch(/id="pod-signedBy"[^>]*value="Jo Ledger"/);

    // An order not at its delivery stage shows no delivery form: the refusal names the field at the top.
    await browser.get(`/app/orders/${order.orderId}`);
    const elsewhere = await browser.post(`/app/orders/${order.orderId}/delivery`, {
      deliveredOn: '2026-02-30',
      signedBy: 'Jo Ledger',
      relationship: 'daughter',
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.text).toMatch(/<code>deliveredOn<\/code>/);
  });

  test('a command the workflow refuses answers the API’s status with its reason', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('intake'));
    await browser.get(`/app/orders/${order.orderId}`);
    const answer = await browser.post(`/app/orders/${order.orderId}/cancel`, { reason: 'Patient moved away' });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.text).toContain('The order is not waiting for a delivery');
  });

  test('an empty cancellation reason: 400 with the message beside the reason field', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('intake'));
    await browser.get(`/app/orders/${order.orderId}`);
    const answer = await browser.post(`/app/orders/${order.orderId}/cancel`, { reason: '' });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/id="cancel-reason"[^>]*aria-invalid="true"/);
    expect(answer.text).toMatch(/<p class="field-error" id="cancel-reason-error">must not be empty<\/p>/);
  });

  test('inputs that are not what a page expects answer 4xx, never 5xx', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('admin'));
    const paths = [
      '/app/orders/not-an-id',
      '/app/orders/00000000-0000-4000-8000-000000000000',
      '/app/claims/00000000-0000-4000-8000-000000000000',
      '/app/remittances/00000000-0000-4000-8000-000000000000',
      '/app/remittances/x/835',
      '/app/orders?stage=nowhere',
      '/app/orders?followUpBy=yesterday',
      '/app/orders?offset=-5',
      '/app/claims?status=%00',
      '/app/nowhere',
    ];
    for (const page of paths) {
      const answer = await browser.get(page);
      expect([page, answer.status >= 400 && answer.status < 500]).toEqual([page, true]);
    }
    await browser.get(`/app/orders/${order.orderId}`);
    const nul = await browser.post(`/app/orders/${order.orderId}/cancel`, { reason: 'bad\u0000byte' });
    expect(nul.status).toBe(400);
    expect(nul.text).toMatch(/control character U\+0000/);
  });
});

describe('remittances', () => {
  test('an uploaded 835 file is stored and the biller is sent to its page; a file that does not balance lists its problems and stores nothing', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    await browser.get('/app/remittances');
    const upload = new FormData();
    upload.set('file', new Blob([fixture('835-medicare-paid.x12')], { type: 'text/plain' }), '835-medicare-paid.x12');
    const answer = await browser.postMultipart('/app/remittances', upload);
    expect(answer.status).toBe(303);
    const [stored] = await database.db.select({ id: remittances.id }).from(remittances).where(eq(remittances.traceNumber, 'EFT0012345'));
    expect(answer.location).toBe(`/app/remittances/${stored.id}?notice=${encodeURIComponent('Stored: its remittance workflow is posting it')}`);
    const page = await browser.get(answer.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('EFT0012345');
    const file = await browser.get(`/app/remittances/${stored.id}/835`);
    expect(file.text).toContain('TRN*1*EFT0012345');

    await browser.get('/app/remittances');
    const before = await database.db.select({ id: remittances.id }).from(remittances);
    const bad = await browser.post('/app/remittances', { x12: fixture('835-unbalanced.x12') });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('nothing was stored');
    expect(bad.text).toContain('unbalanced:');
    expect(await database.db.select({ id: remittances.id }).from(remittances)).toEqual(before);
    const none = await browser.post('/app/remittances', { x12: '' });
    expect(none.status).toBe(400);
  });

  test('the claim page shows its part of an 835: the CLP loop up to the next claim', () => {
    const x12 = fixture('835-medicare-paid.x12');
    const loop = claimLoopOf(x12, 'C1002')!;
    expect(loop.split('\n')[0]).toMatch(/^CLP\*C1002\*/);
    expect(loop).not.toMatch(/CLP\*C1001|CLP\*C1003/);
    expect(claimLoopOf(x12, 'C9999')).toBeNull();
  });
});

describe('what the review of the app found', () => {
  test('behind a TLS-terminating proxy the forms work and the cookie is Secure (X-Forwarded-Proto and Host)', async () => {
    const app = build();
    const proxied = {
      'x-forwarded-proto': 'https',
      host: 'dme.example.com',
      origin: 'https://dme.example.com',
      'content-type': 'application/x-www-form-urlencoded',
    };
    const answer = await app.request('http://dme.example.com/app/sign-in', {
      method: 'POST',
      headers: proxied,
      body: new URLSearchParams({ key: key('biller') }).toString(),
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('set-cookie')).toMatch(/Secure/);
    const forged = await app.request('http://dme.example.com/app/sign-in', {
      method: 'POST',
      headers: { ...proxied, origin: 'http://dme.example.com' },
      body: new URLSearchParams({ key: key('biller') }).toString(),
    });
    expect(forged.status).toBe(403);
  });

  test('a body that is not a form answers 400, signed in or not, and nothing is logged as unhandled', async () => {
    const browser = webBrowser(build());
    const junk = { 'content-type': 'multipart/form-data; boundary=XYZ' };
    expect((await browser.post('/app/sign-in', {}, junk)).status).toBe(400);
    await browser.signIn(key('intake'));
    const answer = await browser.post(`/app/orders/${order.orderId}/cancel`, {}, junk);
    expect(answer.status).toBe(400);
  });

  test.each([
    ['a line break', (id: string) => `${id}%0A`],
    ['a path to another order', (id: string) => `${id}%2F..%2F00000000-0000-4000-8000-000000000000`],
  ])('an order id with %s in the page path reaches no workflow and answers 4xx', async (_, path) => {
    const browser = webBrowser(build());
    await browser.signIn(key('intake'));
    await browser.get(`/app/orders/${order.orderId}`);
    const before = updatesSent.length;
    const answer = await browser.post(`/app/orders/${path(order.orderId)}/cancel`, { reason: 'Moved away' });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(updatesSent.length).toBe(before);
  });

  test('a form over the body limit answers an HTML page with the app’s headers, not the API’s JSON', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('intake'));
    await browser.get(`/app/orders/${order.orderId}`);
    const answer = await browser.post(`/app/orders/${order.orderId}/cancel`, { reason: 'x'.repeat(1_100_000) });
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toMatch(/^text\/html/);
    expect(answer.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.text).toContain('larger than 1 MiB');
  });

  test('a filter the API refuses shows its rule beside the filter', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    const answer = await browser.get('/app/orders?stage=nowhere');
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/id="f-stage-error">must be one of documentation, /);
  });

  test('a new order whose second row has a charge that is not an amount: the message is beside that row’s charge, in dollars', async () => {
    const { patient, browser } = await intakeOnPatientPage();
    const answer = await browser.post(`/app/patients/${patient.patientId}/orders`, {
      coverageId: patient.coverageId,
      'prescriber.npi': '1987654328',
      'prescriber.firstName': 'Grace',
      'prescriber.lastName': 'Hopper',
      orderDate: '2026-11-30',
      diagnoses: 'M17.11',
      'items.1.hcpcs': 'E0143',
      'items.1.quantity': '1',
      'items.1.acquisition': 'purchase',
      'items.1.unitCharge': 'a lot',
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/id="order-items\.1\.unitCharge-error">must be an amount in dollars, such as 150.00</);
    expect(answer.text).not.toContain('id="order-items.0.unitCharge-error"');
  });

  test('a new patient whose coverage is refused: the patient is kept, and their page (reached by redirect, so a reload registers no one again) says why with the coverage form open', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('intake'));
    await browser.get('/app/patients/new');
    const before = await database.db.select({ id: patients.id }).from(patients);
    const answer = await browser.post('/app/patients', {
      ...newPatientForm,
      'address.zip': '43215',
      payerId: 'medicare-jb',
      memberId: '!!',
      registerAnyway: 'true',
    });
    expect(answer.status).toBe(303);
    expect(answer.location).toMatch(/^\/app\/patients\/[0-9a-f-]{36}\?coverage=refused&notice=/);
    expect(await database.db.select({ id: patients.id }).from(patients)).toHaveLength(before.length + 1);
    const page = await browser.get(answer.location!);
    expect(page.text).toMatch(
      /<div class="error-summary" role="alert"><p>The patient is registered, but the coverage was not added: memberId [^<]+<\/p>/,
    );
    expect(page.text).toMatch(/<details\s+open/);
  });

  test('a required choice starts blank (“— choose —”), so nothing is chosen for the user', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('intake'));
    const page = (await browser.get('/app/patients/new')).text.replace(/\s+/g, ' ');
    expect(page).toMatch(/<select id="patient-sex" name="sex" required[^>]*> <option value="" selected>— choose —<\/option>/);
    expect(page).toMatch(/<select id="patient-payerId" name="payerId" required[^>]*> <option value="" selected>— choose —<\/option>/);
  });

  test('a refused resolution of a credit balance not on the page still says why', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    await browser.get('/app/credit-balances');
    const answer = await browser.post('/app/credit-balances/00000000-0000-4000-8000-000000000000/resolve', {
      resolution: 'refund-to-payer',
      reference: 'CHK 1',
    });
    expect(answer.status).toBe(404);
    expect(answer.text).toContain('does not exist');
  });

  test('dates stay Gregorian with Latin digits whatever the reader’s locale', async () => {
    const app = build();
    const browser = webBrowser(app);
    await browser.signIn(key('biller'));
    for (const locale of ['fa-IR', 'th-TH', 'ar-EG']) {
      const text = await (
        await app.request(`http://localhost/app/claims/${claimId}`, { headers: { cookie: browser.cookie!, 'accept-language': locale } })
      ).text();
      expect([locale, /2026/.test(text)]).toEqual([locale, true]);
      expect([locale, /[\u0660-\u0669\u06f0-\u06f9\u0e50-\u0e59]/.test(text)]).toEqual([locale, false]);
    }
  });
});

describe('billing forms', () => {
  test('a patient payment typed in words is refused in the form’s terms (dollars), and changes nothing', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    await browser.get(`/app/claims/${claimId}`);
    const before = await database.db.select({ id: auditEvents.id }).from(auditEvents).where(isNull(auditEvents.method));
    const answer = await browser.post(`/app/claims/${claimId}/patient-payment`, { amount: 'twenty', receivedOn: '2026-11-30' });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('must be an amount in dollars, such as 25.00');
    expect(await database.db.select({ id: auditEvents.id }).from(auditEvents).where(isNull(auditEvents.method))).toEqual(before);
  });

  test('the queue filters by kind in the database and pages the kind’s tasks', async () => {
    for (let index = 0; index < 27; index += 1) {
      const id = randomUUID();
      await database.db
        .insert(tasks)
        .values({ id, taskKey: `web-kind:${id}`, role: 'biller', kind: 'remittance-unmatched', title: `Unmatched CLP ${index}` });
    }
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    const first = await browser.get('/app/queue?kind=remittance-unmatched');
    expect(first.text).toMatch(/1–25 of 27/);
    expect(first.text).toContain('rel="next" href="/app/queue?kind=remittance-unmatched&amp;offset=25"');
    expect(first.text).toMatch(/<option value="remittance-unmatched"\s+selected/);
  });
});

describe('billing pages', () => {
  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

  test('denials and appeals: each one still to file or decide, earliest deadline first, with its countdown', async () => {
    await database.db.insert(appeals).values([
      {
        id: randomUUID(),
        claimId,
        level: 'redetermination',
        status: 'due',
        denialCodes: ['CO-50'],
        amount: 6_693,
        determinationOn: inDays(-110),
        deadlineOn: inDays(10),
      },
      {
        id: randomUUID(),
        claimId,
        level: 'reopening',
        status: 'due',
        denialCodes: ['CO-16', 'N290'],
        amount: 2_000,
        determinationOn: inDays(-370),
        deadlineOn: inDays(-3),
      },
      {
        id: randomUUID(),
        claimId,
        level: 'reopening',
        status: 'won',
        denialCodes: ['CO-4'],
        amount: 1_000,
        determinationOn: inDays(-60),
        deadlineOn: inDays(300),
        decidedOn: inDays(-1),
      },
    ]);
    const browser = webBrowser(build());
    await browser.signIn(key('biller'));
    const page = await browser.get('/app/denials');
    expect(page.status).toBe(200);
    const rows = [...page.text.matchAll(/<tr>\s*<td><a href="\/app\/claims\/[^"]+">[^<]+<\/a><\/td>[\s\S]*?<\/tr>/g)].map((match) => match[0]);
    expect(rows).toHaveLength(2); // the won one is done
    expect(rows[0]).toContain('CO-16, N290');
    expect(rows[0]).toMatch(/countdown overdue[^>]*data-days="-3"/);
    expect(rows[0]).toContain('3 days overdue');
    expect(rows[1]).toContain('CO-50');
    expect(rows[1]).toMatch(/countdown soon[^>]*data-days="10"/);
    expect(rows[1]).toContain('$66.93');
    // An expired appeal (its deadline passed unfiled) shows its date, not a countdown to act on.
    await database.db.insert(appeals).values({
      id: randomUUID(),
      claimId,
      level: 'reopening',
      status: 'expired',
      denialCodes: ['CO-11'],
      amount: 500,
      determinationOn: inDays(-400),
      deadlineOn: inDays(-20),
    });
    expect((await browser.get(`/app/claims/${claimId}`)).text).not.toContain('data-days="-20"');
    // The claim page offers to record the filing of its open appeal.
    expect((await browser.get(`/app/claims/${claimId}`)).text).toContain(`action="/app/claims/${claimId}/appeal"`);
  });

  test('the dashboard shows the API’s figures, and its orders by stage are the order lists’ totals', async () => {
    const app = build();
    const browser = webBrowser(app);
    await browser.signIn(key('biller'));
    const answer = await browser.get('/app/dashboard');
    expect(answer.status).toBe(200);
    // Text as the reader sees it: the template's line breaks are spaces.
    const page = { text: answer.text.replace(/\s+/g, ' ') };
    const api = apiClient(app);
    const figures = (await api('GET', '/reports/dashboard', { role: 'biller' })).json;
    const { submitted, acceptedFirstPass } = figures.firstPassAcceptance;
    expect(page.text).toContain(`${acceptedFirstPass} of ${submitted} original claims accepted on their first submission`);
    expect(page.text).toContain(`${figures.denials.denied} of ${figures.denials.adjudicated} adjudicated claims denied`);
    const section = (name: string) => new RegExp(`data-figure="${name}"[\\s\\S]*?</table>`).exec(page.text)![0];
    const stages = [...section('orders-by-stage').matchAll(/stage=([a-z-]+)">[a-z-]+<\/a><\/td>\s*<td class="num">(\d+)</g)].map((match) => [
      match[1],
      Number(match[2]),
    ]);
    expect(stages).toEqual(figures.openOrdersByStage.map((row: { stage: string; orders: number }) => [row.stage, row.orders]));
    expect(stages.length).toBeGreaterThan(0);
    for (const [stage, orders] of stages) {
      expect([stage, (await api('GET', `/orders?stage=${stage}`, { role: 'biller' })).json.page.total]).toEqual([stage, orders]);
    }
    const aging = (await api('GET', '/reports/ar-aging', { role: 'biller' })).json;
    expect(figures.daysSalesOutstanding.openBalance).toBe(aging.totals.payerBalance + aging.totals.patientBalance);
    expect(page.text).toContain(
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(figures.daysSalesOutstanding.openBalance / 100),
    );
  });
});

describe('intake', () => {
  test('a new patient whose ZIP code breaks the rule: 400, the message beside the ZIP, nothing stored', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('intake'));
    await browser.get('/app/patients/new');
    const before = await database.db.select({ id: patients.id }).from(patients);
    const answer = await browser.post('/app/patients', {
      ...newPatientForm,
      'address.zip': '4321',
      payerId: 'medicare-jb',
      memberId: '1EG4TE5MK73',
      // Another test registered an Ada Lovelace of this birth date: this one is said to be someone else.
      registerAnyway: 'true',
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toMatch(/id="patient-address\.zip"[^>]*aria-invalid="true"/);
    expect(answer.text).toMatch(/id="patient-address\.zip-error">[^<]+</);
    expect(answer.text).toMatch(/id="patient-firstName"[^>]*value="Ada"/);
    expect(await database.db.select({ id: patients.id }).from(patients)).toEqual(before);
  });

  test('an order entered with an item option and a dependant’s coverage reach the API as the form said', async () => {
    const { patient, app, browser } = await intakeOnPatientPage();
    const coverage = await browser.post(`/app/patients/${patient.patientId}/coverages`, {
      payerId: 'commercial-acme',
      memberId: 'ACM123456',
      priority: 'secondary',
      groupNumber: 'GRP-7',
      relationship: 'child',
      'subscriber.firstName': 'Ada',
      'subscriber.lastName': 'Ledger',
      'subscriber.birthDate': '1921-03-04',
      'subscriber.sex': 'F',
    });
    expect(coverage.status).toBe(303);
    const stored = await apiClient(app)('GET', `/patients/${patient.patientId}`, { role: 'intake' });
    expect(stored.json.coverages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ payerId: 'commercial-acme', priority: 'secondary', relationship: 'child', groupNumber: 'GRP-7' }),
      ]),
    );

    await browser.get(`/app/patients/${patient.patientId}`);
    const entered = await browser.post(`/app/patients/${patient.patientId}/orders`, {
      coverageId: patient.coverageId,
      'prescriber.npi': '1987654328',
      'prescriber.firstName': 'Grace',
      'prescriber.lastName': 'Hopper',
      orderDate: new Date().toISOString().slice(0, 10),
      diagnoses: 'M17.11',
      'items.0.hcpcs': 'E0143',
      'items.0.quantity': '1',
      'items.0.acquisition': 'purchase',
      'items.0.unitCharge': '1.234,50',
      'items.0.used': 'true',
      'items.0.abnOnFile': 'true',
    });
    expect(entered.status).toBe(303);
    const orderId = /\/app\/orders\/([0-9a-f-]{36})/.exec(entered.location!)![1];
    const order = await apiClient(app)('GET', `/orders/${orderId}`, { role: 'biller' });
    expect(order.json.items).toEqual([
      expect.objectContaining({
        hcpcs: 'E0143',
        quantity: 1,
        acquisition: 'purchase',
        unitCharge: 123_450,
        options: expect.objectContaining({ used: true, abnOnFile: true }),
      }),
    ]);
  });

  test('finds a patient by name through a form whose names never enter a URL, and warns before registering the same person twice', async () => {
    const browser = webBrowser(build());
    await browser.signIn(key('intake'));
    await browser.get('/app/patients');
    const found = await browser.post('/app/patients/search', { lastName: 'ledg' });
    expect(found.status).toBe(200);
    expect(found.text).toMatch(/<a href="\/app\/patients\/[0-9a-f-]{36}">Ledger, Pat<\/a>/);
    const refused = await browser.post('/app/patients/search', { lastName: 'L' });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/id="find-lastName-error">needs at least 2 letters</);

    await browser.get('/app/patients/new');
    const before = await database.db.select({ id: patients.id }).from(patients);
    const twin = {
      ...newPatientForm,
      firstName: 'Pat',
      lastName: 'Ledger',
      birthDate: '1950-04-01',
      'address.zip': '43215',
      payerId: 'medicare-jb',
      memberId: '1EG4TE5MK73',
    };
    const warned = await browser.post('/app/patients', twin);
    expect(warned.status).toBe(409);
    expect(warned.text).toContain('A patient with this name and birth date is registered already');
    expect(await database.db.select({ id: patients.id }).from(patients)).toEqual(before);
    const anyway = await browser.post('/app/patients', { ...twin, registerAnyway: 'true' });
    expect(anyway.status).toBe(303);
    expect(await database.db.select({ id: patients.id }).from(patients)).toHaveLength(before.length + 1);
  });

  test('an oxygen order takes its prescription and qualification from the form; without them the API’s rule is shown', async () => {
    const { patient, app, browser } = await intakeOnPatientPage();
    const today = new Date().toISOString().slice(0, 10);
    const concentrator = {
      coverageId: patient.coverageId,
      'prescriber.npi': '1987654328',
      'prescriber.firstName': 'Grace',
      'prescriber.lastName': 'Hopper',
      orderDate: today,
      diagnoses: 'J44.9',
      'items.0.hcpcs': 'E1390',
      'items.0.quantity': '1',
      'items.0.acquisition': 'rental',
      'items.0.unitCharge': '180.00',
    };
    const without = await browser.post(`/app/patients/${patient.patientId}/orders`, concentrator);
    expect(without.status).toBe(422);
    // The rule itself, listed above the form (it names the prescription as a whole, no one input).
    expect(without.text).toMatch(/role="alert"[\s\S]*is oxygen equipment: the order needs its oxygen prescription/);
    await browser.get(`/app/patients/${patient.patientId}`);
    const entered = await browser.post(`/app/patients/${patient.patientId}/orders`, {
      ...concentrator,
      'oxygen.flowLpm': '2.5',
      'oxygen.qualification.group': 'I',
      'oxygen.qualification.testType': 'oximetry',
      'oxygen.qualification.testDate': today,
      'oxygen.qualification.result.saturationPercent': '87',
    });
    expect(entered.status).toBe(303);
    const orderId = /\/app\/orders\/([0-9a-f-]{36})/.exec(entered.location!)![1];
    const order = await apiClient(app)('GET', `/orders/${orderId}`, { role: 'biller' });
    expect(order.json.oxygen).toMatchObject({
      flowLpm: 2.5,
      portable: false,
      qualification: { group: 'I', testType: 'oximetry', result: { saturationPercent: 87 } },
    });
  });

  test('a move is recorded from the patient page; one the API refuses shows its reason beside the field', async () => {
    const { patient, app, browser } = await intakeOnPatientPage();
    const refused = await browser.post(`/app/patients/${patient.patientId}/addresses`, {
      line1: '9 Oak Ave',
      city: 'Dayton',
      state: 'ZZ',
      zip: '45402',
      effectiveOn: '2026-11-01',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/id="move-state"[^>]*aria-invalid="true"/);
    await browser.get(`/app/patients/${patient.patientId}`);
    const moved = await browser.post(`/app/patients/${patient.patientId}/addresses`, {
      line1: '9 Oak Ave',
      city: 'Dayton',
      state: 'OH',
      zip: '45402',
      effectiveOn: '2026-11-01',
    });
    expect(moved.status).toBe(303);
    const stored = await apiClient(app)('GET', `/patients/${patient.patientId}`, { role: 'intake' });
    expect(stored.json.address).toMatchObject({ line1: '9 Oak Ave', city: 'Dayton', state: 'OH' });
  });

  test.each([
    ['150', 15_000],
    ['1.234,50', 123_450],
    ['12,5', 1_250],
    ['1,234.50', 123_450],
    ['$12.5', 1_250],
    ['0.07', 7],
    ['.50', 50],
    ['150.', 15_000],
    ['12.345', '12.345'],
    ['ten', 'ten'],
  ])('a charge typed %p is sent as %p (cents, or the text for the API to name)', (typed, sent) => {
    expect(centsOf(typed)).toBe(sent);
  });
});

describe('A/R aging chart', () => {
  test('draws one bar per payer whose segments are its buckets, the widest the largest balance', async () => {
    const svg = await agingChart(
      ['0-30', '31-60'],
      [
        {
          payerName: 'Medicare JB',
          buckets: { '0-30': { payerBalance: 30_000, patientBalance: 0 }, '31-60': { payerBalance: 10_000, patientBalance: 0 } },
        },
        { payerName: 'Acme', buckets: { '0-30': { payerBalance: 20_000, patientBalance: 0 } } },
      ],
      'en-US',
    );
    const widths = [...String(svg).matchAll(/<rect\s+x="[\d.]+"\s+y="\d+"\s+width="([\d.]+)"/g)].map((match) => Number(match[1]));
    expect(widths).toEqual([480, 160, 320, 0]);
    // A negative bucket (credits owed back) draws nothing; the total beside the bar is net.
    const credit = String(
      await agingChart(
        ['0-30', '31-60'],
        [
          {
            payerName: 'Acme',
            buckets: { '0-30': { payerBalance: 10_000, patientBalance: 0 }, '31-60': { payerBalance: -5_000, patientBalance: 0 } },
          },
        ],
        'en-US',
      ),
    );
    expect([...credit.matchAll(/<rect\s+x="[\d.]+"\s+y="\d+"\s+width="([\d.-]+)"/g)].map((match) => Number(match[1]))).toEqual([640, 0]);
    expect(credit).toContain('$50.00');
    expect(String(svg)).toContain('$400.00');
  });
});
