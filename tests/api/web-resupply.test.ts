/**
 * The resupply pages of the staff web app (/app/resupply) in process: the queue by status
 * and next contact, a plan's page with its cycles and refill records, the refill answer
 * form and what it sends to the plan's workflow (a stand-in Temporal port that records it),
 * the workflow's refusal beside the field it names, the outreach report, the plan-start
 * form, and what a biller (who reads resupply but sends no command) sees.
 */
import { randomUUID } from 'node:crypto';
import { createApp, type CommandAnswer, type TemporalPort } from '../../api/app';
import { deliveries, orderItems, resupplyCycles, resupplyPlanItems, resupplyPlans } from '../../db/schema';
import { createLogger } from '../../logger';
import type { ResupplyStatus } from '../../workflows/definitions';
import { testKeys } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { seedPatientOrder, type SeededPatientOrder } from '../support/receivables';
import { webBrowser } from '../support/web';

/** What the plans' workflows were sent, and the answer the next command gets. */
const sent: { planId: string; update: string; payload: unknown }[] = [];
const started: string[] = [];
let nextAnswer: CommandAnswer<ResupplyStatus> = { outcome: 'missing' };
const refused = async (): Promise<CommandAnswer<never>> => ({ outcome: 'refused', message: 'not in this test', status: 409 }) as never;
const standInTemporal: TemporalPort = {
  ping: async () => undefined,
  startOrder: async ({ orderId }) => ({ workflowId: `order-${orderId}` }),
  queryOrder: async () => null,
  updateOrder: refused,
  updateClaim: refused,
  signalClaim: async () => 'not-running',
  startCreditBalance: async () => undefined,
  updateCreditBalance: refused,
  startResupply: async ({ planId }) => {
    started.push(planId);
  },
  updateResupply: async (planId, update, payload) => {
    sent.push({ planId, update: update.name, payload });
    return nextAnswer as never;
  },
  signalResupply: async () => 'not-running',
  startRemittance: async () => undefined,
  signalPatientStatements: async () => 'not-running',
};

const accepted = (planId: string): CommandAnswer<ResupplyStatus> => ({
  outcome: 'accepted',
  status: { planId, status: 'active', reason: null, optedOut: false, cyclesCompleted: 1, cycle: null, items: [], heldUntil: null },
});

let database: TestDatabase;
let device: SeededPatientOrder;
let refillOrderId: string;
const plan = { active: randomUUID(), soonest: randomUUID(), paused: randomUUID(), stopped: randomUUID() };

const build = () =>
  createApp({
    database,
    temporal: standInTemporal,
    apiKeys: testKeys,
    logger: createLogger('error'),
    web: { temporalUi: { url: 'http://127.0.0.1:8233', namespace: 'default' } },
  });
const key = (role: string) => testKeys.find((entry) => entry.role === role)!.key;
async function signedIn(role: string) {
  const browser = webBrowser(build());
  await browser.signIn(key(role));
  return browser;
}

/** The month `back` months before this one, YYYY-MM (UTC), as the outreach report counts. */
const month = (back: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
};
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

async function seedPlan(id: string, values: Partial<typeof resupplyPlans.$inferInsert>) {
  await database.db.insert(resupplyPlans).values({
    id,
    patientId: device.patientId,
    coverageId: device.coverageId,
    deviceOrderId: device.orderId,
    deviceHcpcs: 'E0601',
    prescriberNpi: '1987654328',
    orderDate: '2026-01-02',
    diagnoses: ['G4733'],
    cycleMonths: 3,
    channel: 'sms',
    contactPhone: '6145550100',
    workflowId: `resupply-${id}`,
    createdBy: 'ivy.intake',
    ...values,
  });
  await database.db.insert(resupplyPlanItems).values([
    { planId: id, hcpcs: 'A7030', lastDeliveredOn: '2026-01-05', unitCharge: 16_500 },
    { planId: id, hcpcs: 'A7038', lastDeliveredOn: '2026-01-05', unitCharge: 450 },
  ]);
}

const cycle = (planId: string, number: number, values: Partial<typeof resupplyCycles.$inferInsert>) => ({
  planId,
  cycle: number,
  dueOn: '2026-04-05',
  contactOpensOn: '2026-03-16',
  earliestShipOn: '2026-03-26',
  hcpcs: ['A7030', 'A7038'],
  ...values,
});

beforeAll(async () => {
  database = await createTestDatabase();
  device = await seedPatientOrder(database.db);
  refillOrderId = (await seedPatientOrder(database.db, { patientId: device.patientId })).orderId;
  await seedPlan(plan.active, { nextDueOn: inDays(30), nextContactOn: inDays(10) });
  // One active plan per patient and device: the others serve other devices of the patient.
  await seedPlan(plan.soonest, { deviceHcpcs: 'E0470', nextDueOn: inDays(20), nextContactOn: inDays(2), channel: 'call', optedOutAt: new Date() });
  await seedPlan(plan.paused, { deviceHcpcs: 'E0471', status: 'paused', statusReason: 'no-answer', nextDueOn: inDays(5), nextContactOn: null });
  await seedPlan(plan.stopped, { status: 'stopped', statusReason: 'no-longer-needed', nextDueOn: null, nextContactOn: null });
  await database.db.insert(resupplyCycles).values([
    cycle(plan.active, 1, {
      outcome: 'confirmed',
      attempts: 2,
      orderId: refillOrderId,
      closedOn: `${month(0)}-01`,
      confirmation: {
        user: 'ivy.intake',
        cycle: 1,
        answeredBy: 'caregiver',
        caregiverRelationship: 'daughter',
        channel: 'phone',
        answeredOn: `${month(0)}-01`,
        shipNotBefore: `${month(0)}-01`,
        shipBy: `${month(0)}-15`,
        items: [
          { hcpcs: 'A7030', needed: true, condition: 'worn' },
          { hcpcs: 'A7038', needed: true, quantityOnHand: 1, quantity: 5 },
        ],
      },
    }),
    cycle(plan.active, 2, { dueOn: '2026-07-05', contactOpensOn: '2026-06-16', earliestShipOn: '2026-06-26', attempts: 1 }),
    cycle(plan.paused, 1, { outcome: 'declined', attempts: 1, closedOn: `${month(1)}-15` }),
    cycle(plan.paused, 2, { outcome: 'no-answer', attempts: 3, closedOn: `${month(0)}-02`, hcpcs: ['A7038'] }),
    cycle(plan.stopped, 1, { outcome: 'stopped', attempts: 0, closedOn: `${month(0)}-03` }),
  ]);
});
afterAll(() => database.drop());
beforeEach(() => {
  sent.length = 0;
  started.length = 0;
  nextAnswer = { outcome: 'missing' };
});

describe('the resupply queue', () => {
  test('intake and billers see Resupply in the navigation; a reviewer neither sees it nor opens it (the API’s 403)', async () => {
    for (const role of ['intake', 'biller']) {
      const page = await (await signedIn(role)).get('/app/queue');
      expect(/<nav aria-label="Sections">([\s\S]*?)<\/nav>/.exec(page.text)![1]).toMatch(/href="\/app\/resupply"\s*>Resupply<\/a>/);
    }
    const reviewer = await signedIn('reviewer');
    expect((await reviewer.get('/app/queue')).text).not.toContain('>Resupply</a>');
    const refusedPage = await reviewer.get('/app/resupply');
    expect(refusedPage.status).toBe(403);
    expect(refusedPage.text).not.toContain('A7030');
  });

  test('lists the active plans by next contact, soonest first, with due date, device, supplies, outreach and a link to each; other statuses on their tab', async () => {
    const browser = await signedIn('intake');
    const page = await browser.get('/app/resupply');
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/<script/i);
    const rows = /<table data-table="plans">([\s\S]*?)<\/table>/.exec(page.text)![1];
    const soonest = rows.indexOf(`href="/app/resupply/${plan.soonest}"`);
    const later = rows.indexOf(`href="/app/resupply/${plan.active}"`);
    expect(soonest).toBeGreaterThan(-1);
    expect(later).toBeGreaterThan(soonest);
    expect(rows).toContain('A7030, A7038');
    expect(rows).toContain('E0601');
    expect(rows).toMatch(/call <span class="badge wait">opted-out<\/span>/);
    expect(rows).toMatch(/data-days="2"/);
    expect(rows).not.toContain(plan.paused);
    expect(rows).not.toContain(plan.stopped);

    const paused = await browser.get('/app/resupply?status=paused');
    const pausedRows = /<table data-table="plans">([\s\S]*?)<\/table>/.exec(paused.text)![1];
    expect(pausedRows).toContain(`href="/app/resupply/${plan.paused}"`);
    expect(pausedRows).toContain('no-answer');
    expect(pausedRows).not.toContain(plan.active);
    expect(paused.text).toMatch(/href="\/app\/resupply\?status=paused" aria-current="page"/);
  });

  test('“due by” keeps the plans whose next contact is on or before the day; a date that is not one is refused beside the field', async () => {
    const browser = await signedIn('intake');
    const page = await browser.get(`/app/resupply?contactBy=${inDays(5)}`);
    const rows = /<table data-table="plans">([\s\S]*?)<\/table>/.exec(page.text)![1];
    expect(rows).toContain(plan.soonest);
    expect(rows).not.toContain(plan.active);
    expect(page.text).toMatch(new RegExp(`id="f-contactBy"[^>]*value="${inDays(5)}"`));

    const wrong = await browser.get('/app/resupply?contactBy=2026-02-30');
    expect(wrong.status).toBe(400);
    expect(wrong.text).toMatch(/id="f-contactBy"[^>]*aria-invalid="true"/);
    expect(wrong.text).toMatch(/<p class="field-error" id="f-contactBy-error">must be a real calendar date written YYYY-MM-DD<\/p>/);
  });

  test('the outreach report below the list counts the cycles closed in each of the last 12 months', async () => {
    const page = await (await signedIn('biller')).get('/app/resupply');
    const report = /<table data-table="outreach">([\s\S]*?)<\/table>/.exec(page.text)![1];
    expect(report.match(/<tr data-month=/g)).toHaveLength(12);
    const row = (of: string) =>
      [...new RegExp(`<tr data-month="${of}">([\\s\\S]*?)</tr>`).exec(report)![1].matchAll(/<td class="num">(\d+)<\/td>/g)].map((cell) =>
        Number(cell[1]),
      );
    // confirmed, declined, no answer, stopped, contacts
    expect(row(month(0))).toEqual([1, 0, 1, 1, 5]);
    expect(row(month(1))).toEqual([0, 1, 0, 0, 1]);
    expect(row(month(2))).toEqual([0, 0, 0, 0, 0]);
    expect(report).not.toContain(`data-month="${month(12)}"`);
  });
});

describe('a plan’s page', () => {
  test('shows the plan, its supplies, its cycles with the refill record and order, and the answer form of the open cycle', async () => {
    const page = await (await signedIn('intake')).get(`/app/resupply/${plan.active}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Pat Ledger');
    expect(page.text).toContain(`href="http://127.0.0.1:8233/namespaces/default/workflows/resupply-${plan.active}"`);
    expect(page.text).toContain(`href="/app/orders/${device.orderId}">device order</a>`);
    const cycles = page.text.slice(page.text.indexOf('<table data-table="cycles">'), page.text.indexOf('Record the refill answer'));
    const [confirmed, open] = cycles.split('<tr data-cycle="2">');
    expect(confirmed).toContain('badge wait">confirmed');
    expect(confirmed).toContain(`href="/app/orders/${refillOrderId}"`);
    expect(confirmed).toMatch(/Answered by caregiver \(daughter\) by phone/);
    expect(confirmed).toContain('recorded by ivy.intake');
    // The record's item rows: needed, on hand, condition, quantity.
    expect(confirmed).toMatch(/<td>A7030<\/td>\s*<td>yes<\/td>\s*<td class="num">—<\/td>\s*<td>worn<\/td>/);
    expect(confirmed).toMatch(/<td>A7038<\/td>\s*<td>yes<\/td>\s*<td class="num">1<\/td>\s*<td>—<\/td>\s*<td class="num">5<\/td>/);
    expect(open).toContain('badge wait">open');
    expect(open).not.toContain('Answered by');

    expect(page.text).toContain('Record the refill answer (cycle 2)');
    expect(page.text).toContain(`action="/app/resupply/${plan.active}/confirmations"`);
    expect(page.text).toContain('<input type="hidden" name="cycle" value="2" />');
    expect(page.text).toContain('<input type="hidden" name="items.0.hcpcs" value="A7030" />');
    expect(page.text).toContain('<input type="hidden" name="items.1.hcpcs" value="A7038" />');
    expect(page.text).toMatch(/id="refill-items\.1\.quantityOnHand" name="items\.1\.quantityOnHand" required/);
    for (const command of ['hold', 'stop', 'opt-out']) expect(page.text).toContain(`action="/app/resupply/${plan.active}/${command}"`);
    expect(page.text).not.toContain(`action="/app/resupply/${plan.active}/resume"`);
  });

  test('a paused plan answers the cycle that went unanswered, and offers resume; a stopped one offers nothing', async () => {
    const browser = await signedIn('intake');
    const paused = await browser.get(`/app/resupply/${plan.paused}`);
    expect(paused.text).toContain('Record the refill answer (cycle 2)');
    expect(paused.text).toContain('<input type="hidden" name="items.0.hcpcs" value="A7038" />');
    expect(paused.text).not.toContain('name="items.1.hcpcs"');
    expect(paused.text).toContain(`action="/app/resupply/${plan.paused}/resume"`);
    const stopped = await browser.get(`/app/resupply/${plan.stopped}`);
    expect(stopped.status).toBe(200);
    expect(stopped.text).not.toContain('Record the refill answer');
    expect(stopped.text).not.toMatch(new RegExp(`action="/app/resupply/${plan.stopped}/`));
  });

  test('the answer form sends the refill record to the plan’s workflow as refillConfirmed and goes back to the plan with a notice', async () => {
    nextAnswer = accepted(plan.active);
    const browser = await signedIn('intake');
    await browser.get(`/app/resupply/${plan.active}`);
    const answer = await browser.post(`/app/resupply/${plan.active}/confirmations`, {
      cycle: '2',
      'items.0.hcpcs': 'A7030',
      'items.0.needed': 'yes',
      'items.0.quantityOnHand': '',
      'items.0.condition': 'damaged',
      'items.0.quantity': '',
      'items.1.hcpcs': 'A7038',
      'items.1.needed': 'no',
      'items.1.quantityOnHand': '6',
      'items.1.condition': '',
      'items.1.quantity': '',
      answeredBy: 'caregiver',
      caregiverRelationship: 'child',
      channel: 'in-person',
    });
    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/app/resupply/${plan.active}?notice=${encodeURIComponent('Refill answer recorded')}`);
    expect(sent).toEqual([
      {
        planId: plan.active,
        update: 'refillConfirmed',
        payload: {
          user: 'ivy.intake',
          cycle: 2,
          answeredBy: 'caregiver',
          caregiverRelationship: 'child',
          channel: 'in-person',
          items: [
            { hcpcs: 'A7030', needed: true, condition: 'damaged' },
            { hcpcs: 'A7038', needed: false, quantityOnHand: 6 },
          ],
        },
      },
    ]);
  });

  test('the workflow’s refusal of an item stands beside that item’s field, with what was typed kept', async () => {
    nextAnswer = {
      outcome: 'refused',
      status: 422,
      field: 'items[0].condition',
      message:
        'A7030 still works: a non-consumable supply is refilled only when it is no longer functional; record it as not needed (PIM ch. 5 §5.2.6)',
    };
    const browser = await signedIn('intake');
    await browser.get(`/app/resupply/${plan.active}`);
    const answer = await browser.post(`/app/resupply/${plan.active}/confirmations`, {
      cycle: '2',
      'items.0.hcpcs': 'A7030',
      'items.0.needed': 'yes',
      'items.0.condition': 'functional',
      'items.1.hcpcs': 'A7038',
      'items.1.needed': 'yes',
      'items.1.quantityOnHand': '1',
      answeredBy: 'patient',
      channel: 'phone',
    });
    expect(sent).toHaveLength(1);
    expect(answer.status).toBe(422);
    expect(answer.text).toMatch(/id="refill-items\.0\.condition"[^>]*aria-invalid="true"/);
    expect(answer.text).toMatch(/<p class="field-error" id="refill-items\.0\.condition-error">A7030 still works: [^<]+<\/p>/);
    expect(answer.text).not.toMatch(/<code>items\[0\]\.condition<\/code>/);
    expect(answer.text).toMatch(/id="refill-items\.0\.condition"[\s\S]*?<option value="functional" selected>/);
    expect(answer.text).toMatch(/id="refill-items\.1\.quantityOnHand"[^>]*value="1"/);
  });

  test('a refusal without a field (too early to ask) is shown above the form; a malformed hold date beside its field, nothing sent', async () => {
    nextAnswer = { outcome: 'refused', status: 409, message: 'too early: refill 2 may not ship before 2026-06-26 (PIM ch. 5 §5.2.6)' };
    const browser = await signedIn('intake');
    await browser.get(`/app/resupply/${plan.active}`);
    const early = await browser.post(`/app/resupply/${plan.active}/confirmations`, {
      cycle: '2',
      'items.0.hcpcs': 'A7030',
      'items.0.needed': 'no',
      'items.1.hcpcs': 'A7038',
      'items.1.needed': 'no',
      'items.1.quantityOnHand': '4',
      answeredBy: 'patient',
      channel: 'sms',
    });
    expect(early.status).toBe(409);
    expect(early.text).toMatch(/<div class="error-summary" role="alert">\s*<p>[^<]*too early: refill 2 may not ship before 2026-06-26/);

    sent.length = 0;
    const hold = await browser.post(`/app/resupply/${plan.active}/hold`, { reason: 'inpatient-stay', until: '2026-02-30' });
    expect(hold.status).toBe(400);
    expect(hold.text).toMatch(/<p class="field-error" id="hold-until-error">must be a real calendar date written YYYY-MM-DD<\/p>/);
    expect(hold.text).toMatch(/<details open>\s*<summary>Hold outreach…<\/summary>/);
    expect(sent).toEqual([]);
  });

  test('hold, resume, stop and opt-out send their Updates with what the form says', async () => {
    nextAnswer = accepted(plan.paused);
    const browser = await signedIn('intake');
    await browser.get(`/app/resupply/${plan.paused}`);
    expect((await browser.post(`/app/resupply/${plan.paused}/hold`, { reason: 'inpatient-stay', until: '2026-09-01' })).status).toBe(303);
    expect((await browser.post(`/app/resupply/${plan.paused}/resume`, {})).status).toBe(303);
    expect((await browser.post(`/app/resupply/${plan.paused}/opt-out`, {})).status).toBe(303);
    const stop = await browser.post(`/app/resupply/${plan.paused}/stop`, { reason: 'no-longer-needed' });
    expect(stop.location).toBe(`/app/resupply/${plan.paused}?notice=${encodeURIComponent('Resupply plan stopped')}`);
    expect(sent.map(({ update, payload }) => [update, payload])).toEqual([
      ['resupplyHeld', { user: 'ivy.intake', reason: 'inpatient-stay', until: '2026-09-01' }],
      ['resupplyResumed', { user: 'ivy.intake' }],
      ['resupplyOptedOut', { user: 'ivy.intake' }],
      ['resupplyStopped', { user: 'ivy.intake', reason: 'no-longer-needed' }],
    ]);
  });

  test('a biller sees the queue and the plan but no command form, and a command posted anyway is the API’s 403', async () => {
    const biller = await signedIn('biller');
    expect((await biller.get('/app/resupply')).text).toContain(`href="/app/resupply/${plan.active}"`);
    const page = await biller.get(`/app/resupply/${plan.active}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Answered by caregiver (daughter) by phone');
    expect(page.text).toContain('$165.00');
    expect(page.text).not.toContain('Record the refill answer');
    expect(page.text).not.toContain(`action="/app/resupply/${plan.active}/`);
    const posted = await biller.post(`/app/resupply/${plan.active}/confirmations`, { cycle: '2', answeredBy: 'patient', channel: 'phone' });
    expect(posted.status).toBe(403);
    expect(posted.text).toContain('This needs the role intake');
    expect(sent).toEqual([]);
  });

  test('a plan that does not exist is the API’s 404; an id that is not one its 400', async () => {
    const browser = await signedIn('intake');
    expect((await browser.get(`/app/resupply/${randomUUID()}`)).status).toBe(404);
    expect((await browser.get('/app/resupply/not-a-plan')).status).toBe(400);
  });
});

describe('starting a plan from a delivered order', () => {
  test('the order page links the form once the order is delivered, only for intake', async () => {
    const intake = await signedIn('intake');
    const link = `href="/app/resupply/new?patientId=${device.patientId}&amp;deviceOrderId=${device.orderId}"`;
    expect((await intake.get(`/app/orders/${device.orderId}`)).text).not.toContain(link);
    await database.db.insert(deliveries).values({
      orderId: device.orderId,
      deliveredOn: '2026-01-05',
      signedBy: 'Pat Ledger',
      relationship: 'self',
      reportedBy: 'dan.delivery',
      reportedAt: new Date(),
      confirmedAt: new Date(),
    });
    expect((await intake.get(`/app/orders/${device.orderId}`)).text).toContain(link);
    expect((await (await signedIn('reviewer')).get(`/app/orders/${device.orderId}`)).text).not.toContain(link);
  });

  test('the form posts the plan to the API: its refusal of a code stands beside the codes; a plan it accepts opens its page', async () => {
    // A CPAP set up with its first mask and tubing, delivered: the plan takes their delivery and charges.
    const setUp = await seedPatientOrder(database.db);
    await database.db.insert(orderItems).values([
      { id: randomUUID(), orderId: setUp.orderId, lineNumber: 2, hcpcs: 'A7030', quantity: 1, acquisition: 'purchase', unitCharge: 16_500 },
      { id: randomUUID(), orderId: setUp.orderId, lineNumber: 3, hcpcs: 'A7037', quantity: 1, acquisition: 'purchase', unitCharge: 3_500 },
    ]);
    await database.db.insert(deliveries).values({
      orderId: setUp.orderId,
      deliveredOn: '2026-01-05',
      signedBy: 'Pat Ledger',
      relationship: 'self',
      reportedBy: 'dan.delivery',
      reportedAt: new Date(),
      confirmedAt: new Date(),
    });
    const intake = await signedIn('intake');
    const form = await intake.get(`/app/resupply/new?patientId=${setUp.patientId}&deviceOrderId=${setUp.orderId}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain(`<input type="hidden" name="deviceOrderId" value="${setUp.orderId}" />`);
    expect(form.text).toContain(`action="/app/resupply/new"`);
    const fields = {
      patientId: setUp.patientId,
      deviceOrderId: setUp.orderId,
      cycleMonths: '3',
      channel: 'call',
      contactPhone: '',
      contactEmail: '',
    };

    const unknown = await intake.post('/app/resupply/new', { ...fields, items: 'A7030, E0100' });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toMatch(/<p class="field-error" id="plan-items-error">[^<]*E0100 has no usual maximum in the catalog[^<]*<\/p>/);
    expect(unknown.text).toMatch(
      /<p class="field-error" id="plan-items-error">[^<]*E0100: its last delivery is required for a supply the device order did not furnish[^<]*<\/p>/,
    );
    expect(unknown.text).toMatch(/id="plan-items"[^>]*value="A7030, E0100"/);
    expect(started).toEqual([]);

    const created = await intake.post('/app/resupply/new', { ...fields, items: 'a7030 A7037' });
    expect(created.status).toBe(303);
    const planId = /^\/app\/resupply\/([0-9a-f-]{36})\?notice=/.exec(created.location!)![1];
    expect(started).toEqual([planId]);
    const opened = await intake.get(created.location!);
    expect(opened.status).toBe(200);
    expect(opened.text).toContain('Resupply plan started');
    expect(/<table data-table="items">([\s\S]*?)<\/table>/.exec(opened.text)![1].match(/<td>A703[07]<\/td>/g)).toEqual([
      '<td>A7030</td>',
      '<td>A7037</td>',
    ]);
  });

  test('without its order the form is not offered', async () => {
    const answer = await (await signedIn('intake')).get(`/app/resupply/new?patientId=${device.patientId}`);
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('A resupply plan starts from a delivered order');
  });
});
