/**
 * POST /orders intake rules for oxygen and sided items: every request here is refused
 * before a workflow starts, so the app runs without Temporal. Sources: LCD L33797 (group
 * criteria, time of need), CMS CR 9848 (the flow is one prescription fact; portable
 * prescribed or not), DME MAC RT/LT correct-coding publication (a pair is one unit a side).
 */
import { count } from 'drizzle-orm';
import { orderItems, orders } from '../../db/schema';
import { buildTestApp, orderBody, registerPatient, todayIso, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let call: ApiCall;

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
});
afterAll(async () => {
  await database?.drop();
});

const concentrator = { hcpcs: 'E1390', quantity: 1, acquisition: 'rental', unitCharge: 20_000 };
const portableTank = { hcpcs: 'E0431', quantity: 1, acquisition: 'rental', unitCharge: 4_000 };
const cpap = { hcpcs: 'E0601', quantity: 1, acquisition: 'rental', unitCharge: 12_000 };

const groupI = { group: 'I', testType: 'oximetry', testDate: todayIso(), result: { saturationPercent: 87 } };
const oxygen = (extra: Record<string, unknown> = {}, qualification: Record<string, unknown> = {}) => ({
  flowLpm: 5,
  portable: true,
  qualification: { ...groupI, ...qualification },
  ...extra,
});

async function rowCounts() {
  const [[o], [i]] = await Promise.all([database.db.select({ n: count() }).from(orders), database.db.select({ n: count() }).from(orderItems)]);
  return { orders: o.n, items: i.n };
}

async function refused(change: Record<string, unknown>) {
  const patient = await registerPatient(call);
  const before = await rowCounts();
  const response = await call('POST', '/orders', { role: 'intake', body: orderBody(patient, change) });
  expect(await rowCounts()).toEqual(before);
  return response;
}

describe('POST /orders: the oxygen prescription agrees with the items (422 naming the field)', () => {
  test.each<[string, Record<string, unknown>, string, string]>([
    ['an oxygen item without the oxygen block', { items: [concentrator] }, 'oxygen', 'items.0 (E1390) is oxygen equipment'],
    [
      'a flow on a CPAP order (oxygen block, no oxygen item)',
      { items: [cpap], oxygen: oxygen({ portable: false }) },
      'oxygen',
      'order with oxygen equipment',
    ],
    ['portable prescribed but no portable item', { items: [concentrator], oxygen: oxygen() }, 'oxygen.portable', 'no portable item (E0431, E0434)'],
    [
      'a portable item with portable: false',
      { items: [concentrator, portableTank], oxygen: oxygen({ portable: false }) },
      'oxygen.portable',
      'items.1 (E0431) is a portable system',
    ],
    [
      'a result that does not meet group I',
      { items: [concentrator, portableTank], oxygen: oxygen({}, { result: { saturationPercent: 92 } }) },
      'oxygen.qualification.result',
      'saturation 92% does not meet the stated group I',
    ],
    [
      'group II without its coexisting condition',
      { items: [concentrator, portableTank], oxygen: oxygen({}, { group: 'II', result: { saturationPercent: 89 } }) },
      'oxygen.qualification.condition',
      'group II needs one of dependent-edema',
    ],
    [
      'a study after the order date',
      { orderDate: '2025-01-10', items: [concentrator, portableTank], oxygen: oxygen({}, { testDate: '2025-01-11' }) },
      'oxygen.qualification.testDate',
      'on or before the order date 2025-01-10',
    ],
    [
      'an inpatient study more than 2 days before discharge',
      {
        orderDate: '2025-01-10',
        items: [concentrator, portableTank],
        oxygen: oxygen({}, { testDate: '2025-01-01', inpatientDischargeDate: '2025-01-05' }),
      },
      'oxygen.qualification.testDate',
      'within 2 days before discharge',
    ],
  ])('%s', async (_rule, change, field, message) => {
    const response = await refused(change);
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([{ field, message: expect.stringContaining(message) }]);
  });
});

describe('POST /orders: the shape of the oxygen block and the removed per-item flow (400)', () => {
  test.each<[string, Record<string, unknown>, string, string]>([
    [
      'a per-item oxygenFlow',
      { items: [{ ...concentrator, oxygenFlow: 'over-4-lpm' }], oxygen: oxygen({ portable: false }) },
      'items.0.oxygenFlow',
      'send it once for the order as oxygen.flowLpm',
    ],
    ['a flow of 0', { items: [concentrator, portableTank], oxygen: oxygen({ flowLpm: 0 }) }, 'oxygen.flowLpm', 'more than 0 litres per minute'],
    ['a flow of 40 LPM', { items: [concentrator, portableTank], oxygen: oxygen({ flowLpm: 40 }) }, 'oxygen.flowLpm', 'at most 15 litres per minute'],
    ['a flow as text', { items: [concentrator, portableTank], oxygen: oxygen({ flowLpm: '5' }) }, 'oxygen.flowLpm', 'litres per minute'],
    ['group IV', { items: [concentrator, portableTank], oxygen: oxygen({}, { group: 'IV' }) }, 'oxygen.qualification.group', 'I, II or III'],
    [
      'a saturation of 101%',
      { items: [concentrator, portableTank], oxygen: oxygen({}, { result: { saturationPercent: 101 } }) },
      'oxygen.qualification.result.saturationPercent',
      'from 50 to 100 percent',
    ],
    [
      'an empty result',
      { items: [concentrator, portableTank], oxygen: oxygen({}, { result: {} }) },
      'oxygen.qualification.result',
      'pao2MmHg or saturationPercent',
    ],
  ])('%s', async (_rule, change, field, message) => {
    const response = await refused(change);
    expect(response.status).toBe(400);
    expect(response.json.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field, message: expect.stringContaining(message) })]),
    );
  });
});

describe('POST /orders: quantity counts per side', () => {
  test('a bilateral knee orthosis pair ordered as quantity 2 is a 422 on items.0.quantity saying a pair is 1', async () => {
    const response = await refused({ items: [{ hcpcs: 'L1832', quantity: 2, acquisition: 'purchase', side: 'bilateral', unitCharge: 90_000 }] });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([
      {
        field: 'items.0.quantity',
        message:
          'L1832 allows at most 1 per side and quantity counts per side: a pair is side bilateral, quantity 1 (two lines, LT and RT, of 1 unit each)',
      },
    ]);
  });

  test('one side above its maximum is refused too', async () => {
    const response = await refused({ items: [{ hcpcs: 'L1851', quantity: 3, acquisition: 'purchase', side: 'RT', unitCharge: 90_000 }] });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([expect.objectContaining({ field: 'items.0.quantity' })]);
  });

  test('a side on an item not billed by side (a CPAP) is a 422 on items.0.side: bilateral would bill it twice', async () => {
    const response = await refused({ items: [{ hcpcs: 'E0601', quantity: 1, acquisition: 'rental', side: 'bilateral', unitCharge: 12_000 }] });
    expect(response.status).toBe(422);
    expect(response.json.error.details).toEqual([{ field: 'items.0.side', message: 'E0601 (category CR) is not billed by side: leave side out' }]);
  });

  test('the OpenAPI schema says quantity counts per side', async () => {
    const response = await call('GET', '/openapi.json');
    const quantity = response.json.components.schemas.NewOrder.properties.items.items.properties.quantity;
    expect(quantity.description).toContain('quantity counts PER SIDE: a pair of knee orthoses is side bilateral, quantity 1');
    expect(response.json.components.schemas.NewOrder.properties.oxygen).toBeDefined();
  });
});
