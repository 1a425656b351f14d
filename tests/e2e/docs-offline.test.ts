/**
 * `/docs` renders with no internet (issue 12.1): the API served over a real socket, Debian's
 * Chromium through puppeteer-core, and every request that is not to this API aborted, as on
 * a machine that reaches nothing else. Swagger UI must draw the API's title and operations
 * from `/openapi.json` with only what this server sends (it loaded from a CDN before: a blank
 * page offline).
 */
import * as fs from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { startApiServer, type RunningApi } from '../../api/server';
import { buildTestApp } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';

jest.setTimeout(120_000);

const CHROMIUM = '/usr/bin/chromium';
let database: TestDatabase;
let api: RunningApi;
let browser: Browser;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
  database = await createTestDatabase();
  api = await startApiServer(buildTestApp(database).app, 0, '127.0.0.1');
  browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
});

afterAll(async () => {
  await browser?.close();
  await api?.close();
  await database?.drop();
});

test('Swagger UI draws the API from this server alone: no request leaves it, the title and the order routes are shown', async () => {
  const origin = `http://127.0.0.1:${api.port}`;
  const page = await browser.newPage();
  const elsewhere: string[] = [];
  const failed: string[] = [];
  try {
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      if (url.startsWith(`${origin}/`) || url.startsWith('data:')) return void request.continue();
      elsewhere.push(url);
      return void request.abort('internetdisconnected');
    });
    page.on('requestfailed', (request) => failed.push(request.url()));
    const response = await page.goto(`${origin}/docs`, { waitUntil: 'networkidle0', timeout: 60_000 });
    expect(response?.status()).toBe(200);
    // Strings, not functions: they run in the page (this project compiles without the DOM library).
    await page.waitForFunction(`document.querySelector('.swagger-ui .info .title')?.textContent.includes('Durable DME API')`, { timeout: 60_000 });
    await page.waitForFunction(`document.querySelectorAll('.opblock').length > 20`, { timeout: 60_000 });
    const text = (await page.evaluate('document.body.innerText')) as string;
    expect(text).toContain('/orders/{id}');
    expect(text).toContain('/remittances');
    expect(elsewhere).toEqual([]);
    expect(failed).toEqual([]);
  } finally {
    await page.close();
  }
});
