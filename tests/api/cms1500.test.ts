/**
 * GET /claims/:id/cms1500 against a real database: a claim stored as the order workflow
 * stores it (tests/support/receivables.ts, its 837P made by the real builder) answers as
 * a PDF whose items are that claim; billers and admins only; 404 for a claim that does
 * not exist; and a stored 837P that cannot be read answers 500 with nothing of the
 * patient in the answer or in the log. No workflow is involved: the route reads the
 * database only.
 */
import { eq } from 'drizzle-orm';
import { claims, coverages } from '../../db/schema';
import { createLogger } from '../../logger';
import { buildTestApp, keyFor, type ApiCall } from '../support/api';
import { readCms1500 } from '../support/cms1500';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { insertClaims, seedPatientOrder, type StoredClaim } from '../support/receivables';
import { phiIn } from '../support/phi';

let database: TestDatabase;
let app: ReturnType<typeof buildTestApp>['app'];
let call: ApiCall;
let claim: StoredClaim;
let memberId: string;
const logLines: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  ({ app, call } = buildTestApp(
    database,
    undefined,
    createLogger('info', {}, (line) => logLines.push(line)),
  ));
  const order = await seedPatientOrder(database.db);
  [claim] = await insertClaims(database.db, [
    { order, lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, rentalMonth: 1, serviceFrom: '2026-01-05' }] },
  ]);
  [{ memberId }] = await database.db.select({ memberId: coverages.memberId }).from(coverages).where(eq(coverages.patientId, order.patientId));
});
afterAll(() => database.drop());

const unknownId = '00000000-0000-4000-8000-000000000000';

/** The raw answer: a PDF is bytes, not text. */
async function getPdf(claimId: string, role: 'biller' | 'admin') {
  const response = await app.request(`/claims/${claimId}/cms1500`, { headers: { authorization: `Bearer ${keyFor(role)}` } });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe('GET /claims/:id/cms1500', () => {
  test.each(['biller', 'admin'] as const)('answers %s the claim as a CMS-1500 PDF of its 837P', async (role) => {
    const { response, bytes } = await getPdf(claim.claimId, role);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toBe(`inline; filename="${claim.claimNumber}-cms1500.pdf"`);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-');

    const [page, ...more] = await readCms1500(bytes);
    expect(more).toEqual([]);
    expect(page.items).toMatchObject({
      '1': '[X] MEDICARE [ ] MEDICAID [ ] TRICARE [ ] CHAMPVA [ ] GROUP HEALTH PLAN [ ] FECA BLK LUNG [ ] OTHER',
      '1a': memberId,
      '2': 'LEDGER, PAT',
      '3': '04 01 1950 [ ] M [X] F',
      '5': '1 ELM ST COLUMBUS OH 43215',
      '6': '[X] SELF [ ] SPOUSE [ ] CHILD [ ] OTHER',
      '11': 'NONE',
      '17': 'DK OLIVIA ORDERING',
      '17b': '1987654328',
      '21': 'ICD Ind. 0 A. G4733 B. C. D. E. F. G. H. I. J. K. L.',
      '26': claim.claimNumber,
      '27': '[X] YES [ ] NO',
      '28': '150.00',
      '33a': '1234567893',
    });
    expect(page.serviceLines).toEqual(['01 05 26 01 05 26 12 E0601 RR KH KX A 150.00 1']);
  });

  test.each(['intake', 'reviewer', 'delivery'] as const)('refuses %s (403): paper claims are billing work', async (role) => {
    const response = await call('GET', `/claims/${claim.claimId}/cms1500`, { role });
    expect(response.status).toBe(403);
    expect(response.json.error.code).toBe('forbidden');
    expect(response.text).not.toMatch(/LEDGER|Ledger/);
  });

  test('without a key: 401', async () => {
    expect((await call('GET', `/claims/${claim.claimId}/cms1500`)).status).toBe(401);
  });

  test('a claim that does not exist: 404 in the one error shape', async () => {
    const response = await call('GET', `/claims/${unknownId}/cms1500`, { role: 'biller' });
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: { code: 'not_found', message: `Claim ${unknownId} does not exist`, details: null } });
  });

  test('a stored 837P that cannot be read: 500, and neither the answer nor the log holds the patient', async () => {
    const [broken] = await insertClaims(database.db, [
      {
        order: await seedPatientOrder(database.db),
        lines: [{ hcpcs: 'E0601', modifiers: ['RR', 'KH', 'KX'], charge: 15_000, serviceFrom: '2026-02-05' }],
      },
    ]);
    const [stored] = await database.db.select({ x12: claims.x12 }).from(claims).where(eq(claims.id, broken.claimId));
    // Cut off after the patient's name: the text holds PHI the error must not echo.
    const cut = stored.x12.slice(0, stored.x12.indexOf('NM1*IL') + 40);
    expect(cut).toMatch(/LEDGER\*PAT/);
    await database.db.update(claims).set({ x12: cut }).where(eq(claims.id, broken.claimId));
    logLines.length = 0;

    const response = await call('GET', `/claims/${broken.claimId}/cms1500`, { role: 'biller' });
    expect(response.status).toBe(500);
    expect(response.json.error.code).toBe('internal');
    expect(phiIn(response.text, ['LEDGER', '19500401', '04 01 1950', 'ELM'])).toEqual([]);
    expect(logLines.join('\n')).toMatch(/"errorName":"X12Error"/);
    expect(phiIn(logLines.join('\n'), ['LEDGER', '19500401', '04 01 1950', 'ELM', 'NM1'])).toEqual([]);
  });

  test('is in /openapi.json as a PDF for billers', async () => {
    const spec = (await call('GET', '/openapi.json')).json;
    const operation = spec.paths['/claims/{id}/cms1500'].get;
    expect(operation.tags).toEqual(['claims']);
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(operation.responses['200'].content)).toEqual(['application/pdf']);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '400', '401', '403', '404']);
  });
});
