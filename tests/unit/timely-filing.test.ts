/**
 * Timely filing (DOMAIN.md §9). Medicare: 42 CFR 424.44(a)(1) and the Medicare Claims
 * Processing Manual, Pub. 100-04 ch. 1 §70.1 — a claim must be filed "no later than 12
 * months, or 1 calendar year, after the date of service"; for a February 29 date of
 * service, "by February 28 of the following year"; on professional claims (837P,
 * including DME rentals and supplies) the line's From date counts. Late claims deny
 * CO-29. Other payers: the days their contract sets (payer table).
 */
import { payerPolicy, timelyFilingDeadline } from '../../domain/payer-policy';
import { scrubClaim, type ScrubContext } from '../../domain/scrubber';
import type { ClaimDraft } from '../../domain/claim';

const medicare = payerPolicy('medicare');

describe('Medicare: one calendar year after the date of service, not 365 days', () => {
  test.each([
    // date of service, last day to file, why the row is here
    ['2024-02-01', '2025-02-01', 'the issue’s example: the same date a year later'],
    ['2023-03-10', '2024-03-10', 'a February 29 in between: 365 days would end on 2024-03-09'],
    ['2024-02-29', '2025-02-28', 'a leap day: February 28 of the following year (§70.1)'],
    ['2023-02-28', '2024-02-28', 'February 28 before a leap year stays February 28'],
    ['2024-01-31', '2025-01-31', 'a month end stays that month end'],
    ['2024-04-30', '2025-04-30', 'a 30-day month end'],
    ['2024-12-31', '2025-12-31', 'the last day of the year'],
    ['2025-03-01', '2026-03-01', 'no leap day in between: a calendar year is 365 days here'],
  ])('date of service %s → last day %s (%s)', (dateOfService, deadline) => {
    expect(timelyFilingDeadline(dateOfService, medicare)).toBe(deadline);
  });

  test("Medicare's limit is the law's, whatever days the payer row carries", () => {
    expect(timelyFilingDeadline('2023-03-10', payerPolicy('medicare', { timelyFilingDays: 365 }))).toBe('2024-03-10');
  });
});

describe('other payers: their configured days', () => {
  test.each([
    ['commercial', 90, '2024-01-31', '2024-04-30'],
    ['commercial', 180, '2024-02-01', '2024-07-30'],
    ['commercial', 365, '2023-03-10', '2024-03-09'],
    ['medicaid', 365, '2024-02-29', '2025-02-28'],
    ['medicaid', 95, '2024-12-31', '2025-04-05'],
  ] as const)('%s with %i days: date of service %s → last day %s', (kind, days, dateOfService, deadline) => {
    expect(timelyFilingDeadline(dateOfService, payerPolicy(kind, { timelyFilingDays: days }))).toBe(deadline);
  });
});

describe('the scrubber uses the same deadline', () => {
  const claimOn = (serviceFrom: string): ClaimDraft => ({
    claimControlNumber: 'CLM-0001',
    orderId: 'order-1',
    payerId: 'medicare-jb',
    frequencyCode: '1',
    billingProviderNpi: '1234567893',
    orderingProviderNpi: '1245319599',
    placeOfService: '12',
    diagnoses: ['G4733'],
    totalCharge: 12_000,
    lines: [
      {
        itemId: 'item-1',
        hcpcs: 'E0601',
        modifiers: ['RR', 'KH', 'KX'],
        units: 1,
        charge: 12_000,
        serviceFrom,
        serviceTo: serviceFrom,
        diagnosisPointers: [1],
        rentalMonth: 1,
      },
    ],
  });
  const context = (today: string, payer = medicare): ScrubContext => ({
    today,
    payer,
    requiredDocuments: [],
    documentsOnFile: [],
    billedPeriods: [],
  });
  const timelyFailures = (serviceFrom: string, today: string, payer = medicare) =>
    scrubClaim(claimOn(serviceFrom), context(today, payer)).filter((failure) => failure.code === 'TIMELY_FILING');

  test.each([
    ['2023-03-10', '2024-03-10', 0, 'the last day of the calendar year is still on time'],
    ['2023-03-10', '2024-03-11', 1, 'the day after is late'],
    ['2024-02-29', '2025-02-28', 0, 'a leap-day service on February 28 of the next year'],
    ['2024-02-29', '2025-03-01', 1, 'and late on March 1'],
  ])('Medicare, service %s filed on %s: %i timely-filing failure (%s)', (serviceFrom, today, failures) => {
    expect(timelyFailures(serviceFrom, today)).toHaveLength(failures);
  });

  test('the message names the limit and the last day', () => {
    expect(timelyFailures('2023-03-10', '2024-03-12')[0].message).toBe(
      "Line 1 (E0601 RR KH KX, 2023-03-10): the filing window (Medicare's one-calendar-year limit (42 CFR 424.44)) " +
        'closed on 2024-03-10 (2 days ago); a late claim denies CO-29 — remove the line and write it off',
    );
  });

  test("a commercial payer's window is its configured days", () => {
    const acme = payerPolicy('commercial', { timelyFilingDays: 180 });
    expect(timelyFailures('2024-02-01', '2024-07-30', acme)).toHaveLength(0);
    expect(timelyFailures('2024-02-01', '2024-07-31', acme)[0].message).toContain("the payer's 180-day limit) closed on 2024-07-30");
  });
});
