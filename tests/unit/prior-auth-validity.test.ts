/**
 * How long an affirmed prior-authorization request lasts, checked against the DME MACs'
 * pages of the CMS required prior-authorization program for DMEPOS (DOMAIN.md §6):
 * - CGS, "Prior Authorization for DMEPOS" (cgsmedicare.com/jc/pa): "Decision is valid
 *   for" — lower limb prostheses 120 calendar days; orthoses 60 calendar days; power
 *   mobility devices 6 months; pressure reducing support surfaces 1 month.
 * - Noridian JA/JD "Required Prior Authorization Programs" and "Prior Authorization for
 *   Lower Limb Prosthetics": "PAR Decision Valid" LLP 120 days, orthoses 60 days, PMD six
 *   months, PRSS one month.
 * - CGS, "PMDs Prior Authorization – What Suppliers Need to Know": an affirmed PMD is
 *   delivered "within 6 months following the determination".
 */
import { priorAuthGroups } from '../../domain/catalog';
import { affirmationExpiryProblem, affirmationLatestExpiry, priorAuthValidity } from '../../domain/prior-auth';

describe('the catalog’s validity periods are the program’s', () => {
  test.each([
    ['power-mobility', { months: 6 }],
    ['pressure-reducing-support-surface', { months: 1 }],
    ['lower-limb-prosthesis', { days: 120 }],
    ['orthosis', { days: 60 }],
  ] as const)('%s: valid %j', (group, validity) => {
    expect(priorAuthGroups[group].affirmationValid).toEqual(validity);
  });

  test.each([
    ['K0856', { months: 6 }],
    ['K0800', { months: 6 }],
    ['E0193', { months: 1 }],
    ['E0373', { months: 1 }],
    ['L5856', { days: 120 }],
    ['L5987', { days: 120 }],
    ['L1951', { days: 60 }],
    ['L0631', { days: 60 }],
  ])('%s: valid %j', (hcpcs, validity) => {
    expect(priorAuthValidity(hcpcs)).toEqual(validity);
  });
});

describe('the latest expiry an affirmation may carry', () => {
  test.each([
    // decided on, the order's codes, latest expiry
    ['2025-01-15', ['K0823'], '2025-07-15'],
    ['2025-08-31', ['K0856'], '2026-02-28'],
    ['2024-08-31', ['K0856'], '2025-02-28'],
    ['2025-01-31', ['E0277'], '2025-02-28'],
    ['2024-01-31', ['E0277'], '2024-02-29'],
    ['2025-03-15', ['E0193'], '2025-04-15'],
    ['2025-01-01', ['L5973'], '2025-05-01'],
    ['2025-01-01', ['L0648'], '2025-03-02'],
    ['2024-01-01', ['L0648'], '2024-03-01'],
    ['2025-12-15', ['L1832'], '2026-02-13'],
    // One request for the order: the shortest validity decides.
    ['2025-01-01', ['L5856', 'L1832'], '2025-03-02'],
    ['2025-01-01', ['K0823', 'E0601'], '2025-07-01'],
    ['2025-01-01', ['E0601'], undefined],
    ['2025-01-01', [], undefined],
  ])('decided on %s for %j: through %p', (decidedOn, hcpcs, latest) => {
    expect(affirmationLatestExpiry(decidedOn, hcpcs)).toBe(latest);
  });
});

describe('an expiry past what the policy allows is refused with the rule and the latest date', () => {
  test.each([
    ['2025-03-02', '2025-01-01', ['L1832'], undefined],
    ['2025-02-15', '2025-01-01', ['L1832'], undefined],
    [
      '2025-03-03',
      '2025-01-01',
      ['L1832'],
      'must be on or before 2025-03-02: an affirmation for L1832 (orthoses) decided on 2025-01-01 is valid 60 days ' +
        '(Medicare required prior-authorization list)',
    ],
    [
      '2025-08-01',
      '2025-01-15',
      ['K0856'],
      'must be on or before 2025-07-15: an affirmation for K0856 (power mobility devices) decided on 2025-01-15 is valid 6 months ' +
        '(Medicare required prior-authorization list)',
    ],
    [
      '2025-03-01',
      '2025-01-31',
      ['E0277'],
      'must be on or before 2025-02-28: an affirmation for E0277 (pressure-reducing support surfaces) decided on 2025-01-31 is valid 1 month ' +
        '(Medicare required prior-authorization list)',
    ],
    [
      '2025-04-01',
      '2025-01-01',
      ['L5856', 'L1832'],
      'must be on or before 2025-03-02: an affirmation for L1832 (orthoses) decided on 2025-01-01 is valid 60 days ' +
        '(Medicare required prior-authorization list)',
    ],
    ['2030-01-01', '2025-01-01', ['E0601'], undefined],
  ])('expiry %s, decided %s, items %j', (expiresOn, decidedOn, hcpcs, problem) => {
    expect(affirmationExpiryProblem({ expiresOn, decidedOn, hcpcs })).toBe(problem);
  });
});
