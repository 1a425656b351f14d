/**
 * The staff web app in a real browser (issue 12.5): Debian's Chromium through
 * puppeteer-core against the dev-server stack (a Temporal dev server, the real worker,
 * Postgres, the sandbox clearinghouse acknowledging in a second, the API on a 127.0.0.1
 * port), with every request that is not to this API aborted, as on a machine without
 * internet. One walker order is worked as staff would, each in their own browser session:
 * intake registers the documents, a reviewer approves them and sees the order move on,
 * delivery staff confirm the delivery, and a biller uploads the payer's 835 and sees the
 * claim paid. A CPAP delivered 80 days ago is set up through the API; intake starts its
 * resupply plan from the order's page and records the patient's refill answer.
 *
 * With WEB_SCREENSHOTS=<dir> it saves the README's screenshots of the main pages there.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { addDays } from '../../domain/calendar';
import { completeDocuments, createOrder, deliver, registerPatient, testKeys, todayIso, waitForOrder, type ApiCall } from '../support/api';
import { build835 } from '../support/receivables';
import { startServedStack, type ServedStack } from './served-stack';

jest.setTimeout(240_000);

const CHROMIUM = '/usr/bin/chromium';
const screenshots = process.env.WEB_SCREENSHOTS;
const keyOf = (role: string) => testKeys.find((entry) => entry.role === role)!.key;

let served: ServedStack;
let call: ApiCall;
let browser: Browser;
let origin: string;
const offsite: string[] = [];
/** What the browser complained of: a Content-Security-Policy refusal (an inline style or script) shows here. */
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  served = await startServedStack({ acknowledgementDelayMs: 1_000 });
  call = served.call;
  origin = `http://127.0.0.1:${served.api.port}`;
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await served?.stop();
});

/** A signed-in staff member in a browser context of their own (their own cookie jar). */
async function signedIn(role: string): Promise<Page> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    if (request.url().startsWith(`${origin}/`) || request.url().startsWith('data:')) return void request.continue();
    offsite.push(request.url());
    return void request.abort('internetdisconnected');
  });
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  await page.goto(`${origin}/app`, { waitUntil: 'load' });
  expect(new URL(page.url()).pathname).toBe('/app/sign-in');
  await page.type('#key', keyOf(role));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('button[type=submit]')]);
  expect(new URL(page.url()).pathname).toBe('/app/queue');
  return page;
}

const text = (page: Page) => page.evaluate('document.body.innerText') as Promise<string>;

/** Submits the form whose button is `selector` and waits for the page it leads to. */
async function submit(page: Page, selector: string) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/** Reloads the page until its text satisfies `done` (the workflow records its status a moment after a command). */
async function reloadUntil(page: Page, done: (body: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = await text(page);
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms; the page said:\n${body.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await page.reload({ waitUntil: 'load' });
  }
}

async function shoot(page: Page, name: string) {
  if (!screenshots) return;
  fs.mkdirSync(screenshots, { recursive: true });
  await page.screenshot({ path: path.join(screenshots, `${name}.png`), fullPage: false });
}

const stageOf = (body: string) => /Stage\s+([a-z-]+)/.exec(body)?.[1];

test('intake enters the patient and the order and registers the documents, a reviewer approves and sees the order move on, delivery confirms, a biller uploads the 835 and sees the claim paid', async () => {
  // Intake: the patient with their coverage, then the order, each through its form.
  const intake = await signedIn('intake');
  await submit(intake, 'a[href="/app/patients"]');
  await submit(intake, 'a[href="/app/patients/new"]');
  const fill = async (selector: string, value: string) => {
    await intake.$eval(selector, (element, typed) => ((element as unknown as { value: string }).value = typed), value);
  };
  await intake.type('#patient-firstName', 'Ada');
  await intake.type('#patient-lastName', 'Lovelace');
  await fill('#patient-birthDate', '1948-02-29');
  await intake.select('#patient-sex', 'F');
  await intake.type('#patient-address\\.line1', '12 Main St');
  await intake.type('#patient-address\\.city', 'Columbus');
  await intake.type('#patient-address\\.state', 'OH');
  await intake.type('#patient-address\\.zip', '43215');
  await intake.select('#patient-payerId', 'medicare-jb');
  await intake.type('#patient-memberId', '1EG4TE5MK73');
  await submit(intake, 'form[action="/app/patients"] button[type=submit]');
  expect(await text(intake)).toContain('Patient registered with their coverage');
  await shoot(intake, 'patient');
  // A prescriber NPI that fails its check digit is refused beside its field, the rest kept.
  await intake.type('#order-prescriber\\.npi', '1987654321');
  await intake.type('#order-prescriber\\.firstName', 'Grace');
  await intake.type('#order-prescriber\\.lastName', 'Hopper');
  await fill('#order-orderDate', todayIso());
  await intake.type('#order-diagnoses', 'M17.11');
  await intake.type('#order-items\\.0\\.hcpcs', 'E0143');
  await intake.type('#order-items\\.0\\.quantity', '1');
  await intake.select('#order-items\\.0\\.acquisition', 'purchase');
  await intake.type('#order-items\\.0\\.unitCharge', '150.00');
  await submit(intake, 'form[action$="/orders"] button[type=submit]');
  const refused = await intake.$eval('#order-prescriber\\.npi', (element) => element.getAttribute('aria-invalid'));
  expect(refused).toBe('true');
  expect(await intake.$eval('#order-items\\.0\\.hcpcs', (element) => (element as unknown as { value: string }).value)).toBe('E0143');
  await fill('#order-prescriber\\.npi', '1987654328');
  await submit(intake, 'form[action$="/orders"] button[type=submit]');
  const orderId = /^\/app\/orders\/([0-9a-f-]{36})$/.exec(new URL(intake.url()).pathname)?.[1] ?? 'no order page';
  expect(await text(intake)).toContain('Order entered');

  // Intake registers each needed document through the order page's form.
  const needed = (await waitForOrder(call, orderId, (o) => o.workflow.status.documents.length > 0, 'documents known')).workflow.status.documents as {
    kind: string;
  }[];
  await reloadUntil(intake, (body) => body.includes('Register a received document') && /standard written order/.test(body), 'the documents needed');
  for (const document of needed) {
    await intake.select('#doc-kind', document.kind);
    await intake.type('#doc-reference', `dms://orders/${orderId}/${document.kind}.pdf`);
    await submit(intake, 'form[action$="/documents"] button[type=submit]');
    expect(await text(intake)).toContain('Document registered');
  }

  // The reviewer finds the order waiting in their queue and approves each document.
  const reviewer = await signedIn('reviewer');
  expect(await text(reviewer)).toMatch(/\d+ documents to review/);
  await reviewer.goto(`${origin}/app/orders/${orderId}`, { waitUntil: 'load' });
  const approvals = (body: string) => (body.match(/Approve /g) ?? []).length;
  await reloadUntil(reviewer, (body) => approvals(body) === needed.length, 'every document received');
  await shoot(reviewer, 'order-documents');
  for (let index = 0; index < needed.length; index += 1) {
    // The workflow records each review a moment after accepting it: the page shows the rest once it has.
    await reloadUntil(reviewer, (body) => approvals(body) === needed.length - index, `${needed.length - index} documents left to approve`);
    await submit(reviewer, 'form[action$="/review"] input[value=approved] ~ button[type=submit]');
    expect(await text(reviewer)).toContain('Review recorded');
  }
  const moved = await reloadUntil(
    reviewer,
    (body) => stageOf(body) !== undefined && stageOf(body) !== 'documentation',
    'the order past documentation',
  );
  expect(moved).not.toContain('Approve ');

  // Delivery staff confirm the delivery on the order page.
  const delivery = await signedIn('delivery');
  await delivery.goto(`${origin}/app/orders/${orderId}`, { waitUntil: 'load' });
  await reloadUntil(delivery, (body) => body.includes('Confirm delivery'), 'the order waiting for delivery');
  await delivery.evaluate(`document.querySelector('#pod-deliveredOn').value = '${todayIso()}'`);
  await delivery.type('#pod-signedBy', 'Ada Lovelace');
  await delivery.type('#pod-relationship', 'self');
  await shoot(delivery, 'order-delivery');
  await submit(delivery, 'form[action$="/delivery"] button[type=submit]');
  expect(await text(delivery)).toContain('Delivery confirmed');
  await reloadUntil(delivery, (body) => /Delivered /.test(body), 'the delivery recorded');

  // The claim is built, sent and acknowledged by the sandbox; its payer's 835 comes to the biller.
  const order = await waitForOrder(call, orderId, (o) => o.claims.length > 0 && ['accepted'].includes(o.claims[0].status), 'claim accepted', 90_000);
  const claim = (await call('GET', `/claims/${order.claims[0].id}`, { role: 'biller' })).json;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'era-')), `era-${claim.claimNumber}.835`);
  fs.writeFileSync(
    file,
    build835({
      trace: `WEB${claim.claimNumber.slice(-10)}`,
      paidOn: todayIso(),
      claims: [
        {
          pcn: claim.claimNumber,
          charge: claim.totalCharge,
          paid: claim.totalCharge - 3_000,
          icn: 'WEBAPP00000001',
          adjustments: [
            { group: 'CO', reason: '45', amount: 2_000 },
            { group: 'PR', reason: '2', amount: 1_000 },
          ],
          lines: [],
        },
      ],
    }),
  );

  const biller = await signedIn('biller');
  await biller.goto(`${origin}/app/remittances`, { waitUntil: 'load' });
  const input = await biller.$('#era-file');
  await input!.uploadFile(file);
  await submit(biller, 'form[action="/app/remittances"] button[type=submit]');
  expect(new URL(biller.url()).pathname).toMatch(/^\/app\/remittances\/[0-9a-f-]{36}$/);
  const posted = await reloadUntil(biller, (body) => /Status\s+posted/.test(body), 'the remittance posted');
  expect(posted).toContain(claim.claimNumber);
  await shoot(biller, 'remittance');
  await submit(biller, `a[href="/app/claims/${claim.id}"]`);
  const paid = await reloadUntil(
    biller,
    (body) => /Status\s+(paid|partially-paid)/.test(body) || /→\s+(paid|patient-billed)/.test(body),
    'the claim paid',
  );
  expect(paid).toContain(`$${((claim.totalCharge - 3_000) / 100).toFixed(2)}`);
  await shoot(biller, 'claim');

  for (const [name, page] of [
    ['queue', '/app/queue'],
    ['orders', '/app/orders'],
    ['ar-aging', '/app/ar-aging'],
    ['dashboard', '/app/dashboard'],
    ['denials', '/app/denials'],
    ['credit-balances', '/app/credit-balances'],
  ] as const) {
    const response = await biller.goto(`${origin}${page}`, { waitUntil: 'load' });
    expect([page, response?.status()]).toEqual([page, 200]);
    await shoot(biller, name);
  }
  expect(offsite).toEqual([]);
  // The one page answered with an error status is the NPI refusal (422), which Chromium logs as a failed load.
  expect(consoleErrors).toEqual(['Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)']);
});

test("intake starts a CPAP resupply plan from the delivered order's page and records the patient's refill answer in the browser", async () => {
  const offsiteBefore = offsite.length;
  const consoleErrorsBefore = consoleErrors.length;
  // Through the API: a CPAP (rental) with its mask, cushions and filters, ordered 90 days ago and delivered 80 days ago.
  const patient = await registerPatient(call, { payerId: 'medicare-jb' });
  const orderId = await createOrder(call, patient, {
    orderDate: addDays(todayIso(), -90),
    diagnoses: ['G47.33'],
    items: [
      { hcpcs: 'E0601', quantity: 1, acquisition: 'rental', unitCharge: 12_000 },
      { hcpcs: 'A7034', quantity: 1, acquisition: 'purchase', unitCharge: 9_000 },
      { hcpcs: 'A7032', quantity: 2, acquisition: 'purchase', unitCharge: 2_500 },
      { hcpcs: 'A7038', quantity: 2, acquisition: 'purchase', unitCharge: 400 },
    ],
  });
  await completeDocuments(call, orderId);
  await deliver(call, orderId, addDays(todayIso(), -80));
  await waitForOrder(call, orderId, (o) => Boolean(o.delivery?.confirmedAt) && o.claims.length > 0, 'the delivery recorded', 60_000);

  // Intake follows the order page's link and starts the plan.
  const intake = await signedIn('intake');
  await intake.goto(`${origin}/app/orders/${orderId}`, { waitUntil: 'load' });
  await reloadUntil(intake, (body) => body.includes('Start a resupply plan'), 'the resupply link of the delivered order', 20_000);
  await submit(intake, 'a[href^="/app/resupply/new?"]');
  expect(new URL(intake.url()).pathname).toBe('/app/resupply/new');
  await intake.type('#plan-items', 'A7034, A7032, A7038');
  await intake.select('#plan-cycleMonths', '3');
  await intake.select('#plan-channel', 'sms');
  await intake.type('#plan-contactPhone', '614-555-0100');
  await submit(intake, 'form[action="/app/resupply/new"] button[type=submit]');
  const planPath = new URL(intake.url()).pathname;
  expect(planPath).toMatch(/^\/app\/resupply\/[0-9a-f-]{36}$/);
  expect(await text(intake)).toContain('Resupply plan started');

  // Supplies delivered 80 days ago: the first refill's outreach is open now, so its answer form shows within seconds.
  await reloadUntil(intake, (body) => body.includes('Record the refill answer (cycle 1)'), 'the open refill cycle with its answer form', 20_000);
  /** The answer form's row of a code (its rows follow the cycle's codes, sorted). */
  const rowOf = async (hcpcs: string) =>
    /^items\.(\d+)\.hcpcs$/.exec(
      await intake.$eval(`input[type=hidden][name^="items."][value="${hcpcs}"]`, (element) => element.getAttribute('name') ?? ''),
    )![1];
  const rows = { A7032: await rowOf('A7032'), A7034: await rowOf('A7034'), A7038: await rowOf('A7038') };
  const answer = async (a7034Condition: string) => {
    await intake.select(`#refill-items\\.${rows.A7032}\\.needed`, 'yes');
    await intake.select(`#refill-items\\.${rows.A7032}\\.condition`, 'worn');
    await intake.select(`#refill-items\\.${rows.A7034}\\.needed`, 'yes');
    await intake.select(`#refill-items\\.${rows.A7034}\\.condition`, a7034Condition);
    await intake.select(`#refill-items\\.${rows.A7038}\\.needed`, 'yes');
    await intake.$eval(`#refill-items\\.${rows.A7038}\\.quantityOnHand`, (element) => ((element as unknown as { value: string }).value = '0'));
    await intake.select('#refill-answeredBy', 'patient');
    await intake.select('#refill-channel', 'phone');
    await submit(intake, 'form[action$="/confirmations"] button[type=submit]');
  };

  // A mask that still works is refused beside its condition, the answer left to correct.
  await answer('functional');
  const condition = `#refill-items\\.${rows.A7034}\\.condition`;
  expect(await intake.$eval(condition, (element) => element.getAttribute('aria-invalid'))).toBe('true');
  expect(await intake.$eval(`${condition}-error`, (element) => element.textContent)).toContain('A7034 still works');
  expect(await text(intake)).toContain('Record the refill answer (cycle 1)');

  // The patient's real answer: the cushions worn, the mask damaged, no filters left.
  await answer('damaged');
  expect(new URL(intake.url()).pathname).toBe(planPath);
  expect(await text(intake)).toContain('Refill answer recorded');
  const cycle = await intake.$eval('tr[data-cycle="1"]', (element) => (element as unknown as { innerText: string }).innerText);
  expect(cycle).toContain('confirmed');
  expect(await text(intake)).not.toContain('Record the refill answer');
  const refillHref = await intake.$eval('tr[data-cycle="1"] a[href^="/app/orders/"]', (element) => element.getAttribute('href') ?? '');
  expect(refillHref).toMatch(/^\/app\/orders\/[0-9a-f-]{36}$/);
  expect(refillHref).not.toBe(`/app/orders/${orderId}`);
  await submit(intake, `tr[data-cycle="1"] a[href="${refillHref}"]`);
  expect(new URL(intake.url()).pathname).toBe(refillHref);
  const refill = await text(intake);
  for (const hcpcs of ['A7032', 'A7034', 'A7038']) expect(refill).toContain(`${hcpcs} ×`);
  expect(refill).not.toContain('E0601 ×');

  expect(offsite.slice(offsiteBefore)).toEqual([]);
  // The one error status is the refused answer (422), which Chromium logs as a failed load.
  expect(consoleErrors.slice(consoleErrorsBefore)).toEqual([
    'Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)',
  ]);
});
