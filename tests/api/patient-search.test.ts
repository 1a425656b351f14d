/**
 * POST /patients/search: intake and billers find a patient by the start of the last name,
 * narrowed by first name and birth date; the names go in the body (PHI never in a URL);
 * at most 25 matches with `more`; bad input names its field and a role without the whole
 * record is refused.
 */
import { patients } from '../../db/schema';
import { buildTestApp, type ApiCall } from '../support/api';
import { createTestDatabase, type TestDatabase } from '../support/database';

let database: TestDatabase;
let call: ApiCall;

const person = (firstName: string, lastName: string, birthDate: string, city = 'Columbus') => ({
  firstName,
  lastName,
  birthDate,
  sex: 'F' as const,
  addressLine1: '1 Elm St',
  city,
  state: 'OH',
  zip: '43215',
  createdBy: 'test',
});

beforeAll(async () => {
  database = await createTestDatabase();
  call = buildTestApp(database).call;
  await database.db
    .insert(patients)
    .values([
      person('Ada', 'Lovelace', '1948-02-29'),
      person('Ada', 'Lovelace', '1951-07-01', 'Dayton'),
      person('Byron', 'Lovelace', '1950-01-01'),
      person('Grace', 'Hopper', '1946-12-09'),
      ...Array.from({ length: 30 }, (_, index) =>
        person(`Pat${String.fromCharCode(97 + (index % 26))}`, `Ledger`, `1960-01-${String((index % 28) + 1).padStart(2, '0')}`),
      ),
    ]);
});
afterAll(() => database.drop());

const names = (answer: { json: { patients: Array<{ firstName: string; lastName: string; birthDate: string }> } }) =>
  answer.json.patients.map((patient) => `${patient.firstName} ${patient.lastName} ${patient.birthDate}`);

test('by the start of the last name, any case; narrowed by first name and birth date; namesakes told apart by city', async () => {
  const all = await call('POST', '/patients/search', { role: 'intake', body: { lastName: 'love' } });
  expect(all.status).toBe(200);
  expect(names(all)).toEqual(['Ada Lovelace 1948-02-29', 'Ada Lovelace 1951-07-01', 'Byron Lovelace 1950-01-01']);
  expect(all.json.more).toBe(false);
  expect(all.json.patients.map((patient: { city: string }) => patient.city)).toEqual(['Columbus', 'Dayton', 'Columbus']);
  expect(names(await call('POST', '/patients/search', { role: 'biller', body: { lastName: 'Lovelace', firstName: 'ad' } }))).toHaveLength(2);
  expect(names(await call('POST', '/patients/search', { role: 'biller', body: { lastName: 'Lovelace', birthDate: '1948-02-29' } }))).toEqual([
    'Ada Lovelace 1948-02-29',
  ]);
  expect(names(await call('POST', '/patients/search', { role: 'intake', body: { lastName: 'Nobody' } }))).toEqual([]);
});

test('in name order whatever the case names were typed in', async () => {
  await database.db
    .insert(patients)
    .values([person('Ann', 'SMITH', '1970-01-01'), person('bob', 'smith', '1971-01-01'), person('Cy', 'Smithers', '1972-01-01')]);
  const answer = await call('POST', '/patients/search', { role: 'intake', body: { lastName: 'smi' } });
  expect(names(answer)).toEqual(['Ann SMITH 1970-01-01', 'bob smith 1971-01-01', 'Cy Smithers 1972-01-01']);
});

test('at most 25 matches, and `more` says there are others', async () => {
  const answer = await call('POST', '/patients/search', { role: 'intake', body: { lastName: 'Ledger' } });
  expect(answer.json.patients).toHaveLength(25);
  expect(answer.json.more).toBe(true);
});

test.each([
  [{ lastName: 'L' }, 'lastName'],
  [{ lastName: 'Love%' }, 'lastName'],
  [{ firstName: 'Ada' }, 'lastName'],
  [{ lastName: 'Lovelace', birthDate: '1948-02-30' }, 'birthDate'],
  [{ lastName: 'Lovelace', city: 'Columbus' }, '(body)'],
])('%j is refused 400 naming %s', async (body, field) => {
  const answer = await call('POST', '/patients/search', { role: 'intake', body });
  expect(answer.status).toBe(400);
  expect(answer.json.error.details.map((detail: { field: string }) => detail.field)).toContain(field);
});

test('reviewers and delivery staff, who do not see whole records, are refused', async () => {
  for (const role of ['reviewer', 'delivery'] as const) {
    expect((await call('POST', '/patients/search', { role, body: { lastName: 'Lovelace' } })).status).toBe(403);
  }
});
