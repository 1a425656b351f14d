/**
 * The DME MAC of a patient's permanent address (DOMAIN.md §9). The state lists are the
 * contractors' own: JA, JB, JC, JD as CMS named them at the DME MAC award (HomeCare,
 * "CMS Announces DMEPOS MACs", 2006), JC as in CGS's 2020 re-award notice
 * (cgsmedicare.com/jc/transition.html), JD as in CMS's 2024 award notice (cms.gov, MACs
 * "What's New" archive), JB as in the JB supplier manual ch. 11. The JA list DOMAIN.md
 * marked (verify) matches them.
 */
import { usStateCodes } from '../../api/fields';
import { checkContractor, claimRouting, contractorChange, moveRefusal } from '../../domain/jurisdiction';
import { dmeMacForState } from '../../domain/payer-policy';

describe('every state, DC and territory has one DME MAC', () => {
  test.each([
    // JA (Noridian)
    ['CT', 'JA'],
    ['DE', 'JA'],
    ['DC', 'JA'],
    ['ME', 'JA'],
    ['MD', 'JA'],
    ['MA', 'JA'],
    ['NH', 'JA'],
    ['NJ', 'JA'],
    ['NY', 'JA'],
    ['PA', 'JA'],
    ['RI', 'JA'],
    ['VT', 'JA'],
    // JB (CGS)
    ['IL', 'JB'],
    ['IN', 'JB'],
    ['KY', 'JB'],
    ['MI', 'JB'],
    ['MN', 'JB'],
    ['OH', 'JB'],
    ['WI', 'JB'],
    // JC (CGS), with Puerto Rico and the U.S. Virgin Islands
    ['AL', 'JC'],
    ['AR', 'JC'],
    ['CO', 'JC'],
    ['FL', 'JC'],
    ['GA', 'JC'],
    ['LA', 'JC'],
    ['MS', 'JC'],
    ['NM', 'JC'],
    ['NC', 'JC'],
    ['OK', 'JC'],
    ['SC', 'JC'],
    ['TN', 'JC'],
    ['TX', 'JC'],
    ['VA', 'JC'],
    ['WV', 'JC'],
    ['PR', 'JC'],
    ['VI', 'JC'],
    // JD (Noridian), with the Pacific territories
    ['AK', 'JD'],
    ['AZ', 'JD'],
    ['CA', 'JD'],
    ['HI', 'JD'],
    ['ID', 'JD'],
    ['IA', 'JD'],
    ['KS', 'JD'],
    ['MO', 'JD'],
    ['MT', 'JD'],
    ['NE', 'JD'],
    ['NV', 'JD'],
    ['ND', 'JD'],
    ['OR', 'JD'],
    ['SD', 'JD'],
    ['UT', 'JD'],
    ['WA', 'JD'],
    ['WY', 'JD'],
    ['GU', 'JD'],
    ['AS', 'JD'],
    ['MP', 'JD'],
  ])('%s → %s', (state, jurisdiction) => {
    expect(dmeMacForState(state)).toBe(jurisdiction);
  });

  test('the table above is every code intake accepts: 50 states, DC, PR, VI, GU, AS, MP', () => {
    expect(usStateCodes).toHaveLength(56);
    expect(usStateCodes.filter((state) => dmeMacForState(state) === undefined)).toEqual([]);
  });

  test.each([
    ['tx', 'JC'],
    [' oh ', 'JB'],
    ['XX', undefined],
    ['AA', undefined],
  ])('%p → %p (case and spaces do not matter; unknown codes have none)', (state, jurisdiction) => {
    expect(dmeMacForState(state)).toBe(jurisdiction);
  });
});

describe('a coverage names the DME MAC of the patient’s permanent address', () => {
  test.each([
    ['JB', 'TX', { ok: false, reason: 'other-dme-mac', named: 'JB', jurisdiction: 'JC' }],
    ['JC', 'TX', { ok: true, jurisdiction: 'JC' }],
    ['JB', 'OH', { ok: true, jurisdiction: 'JB' }],
    ['JA', 'GU', { ok: false, reason: 'other-dme-mac', named: 'JA', jurisdiction: 'JD' }],
    ['JC', 'XX', { ok: false, reason: 'no-dme-mac' }],
  ] as const)('%s for a patient in %s → %p', (named, state, expected) => {
    expect(checkContractor(named, state)).toEqual(expected);
  });
});

/**
 * CGS JC, "Reminder About Beneficiary Addresses" (2022-02-09): "Claims are determined
 * based on the beneficiary's address at the time the claim is processed, not the
 * beneficiary's address on the date of service." Its example: delivered in Illinois,
 * moved to Florida four months later, "the claims for the remaining months of rental
 * must list the beneficiary's Florida (current) address". Each row's date of service
 * places the claim in the rental; the routing does not read it.
 */
describe('a claim goes to the DME MAC of the address on file the day it is prepared, whatever its date of service', () => {
  const history = [
    { id: 'registered-illinois', state: 'IL', effectiveOn: null },
    { id: 'moved-to-florida', state: 'FL', effectiveOn: '2025-05-20' },
    { id: 'moved-to-arizona', state: 'AZ', effectiveOn: '2025-09-01' },
  ];

  test.each([
    ['month 1', '2025-01-15', '2025-01-15', 'registered-illinois', 'JB'],
    ['month 4', '2025-04-15', '2025-04-15', 'registered-illinois', 'JB'],
    ['month 5, the first after the move', '2025-05-15', '2025-05-20', 'moved-to-florida', 'JC'],
    ['month 1 corrected after the move', '2025-01-15', '2025-06-02', 'moved-to-florida', 'JC'],
    ['month 4 resubmitted after a CO-109 denial', '2025-04-15', '2025-05-20', 'moved-to-florida', 'JC'],
    ['month 3, a catch-up month prepared after the move', '2025-03-15', '2025-05-21', 'moved-to-florida', 'JC'],
    ['month 8, prepared the day before the second move', '2025-08-15', '2025-08-31', 'moved-to-florida', 'JC'],
    ['month 8, prepared on the day of the second move', '2025-08-15', '2025-09-01', 'moved-to-arizona', 'JD'],
  ])('%s (date of service %s) prepared on %s: %s, %s', (_claim, _dateOfService, preparedOn, address, jurisdiction) => {
    expect(claimRouting(history, preparedOn)).toEqual({ ok: true, address: history.find((row) => row.id === address), jurisdiction });
  });

  test('the order of the history rows does not matter', () => {
    expect(claimRouting([...history].reverse(), '2025-06-01')).toMatchObject({ ok: true, address: { id: 'moved-to-florida' } });
  });

  test('with no registration address, nothing is on file before the first move', () => {
    expect(claimRouting([{ state: 'OH', effectiveOn: '2025-03-10' }], '2025-03-01')).toEqual({ ok: false, reason: 'no-address' });
  });

  test('an address no DME MAC serves routes nowhere', () => {
    expect(claimRouting([{ state: 'XX', effectiveOn: null }], '2025-03-01')).toEqual({ ok: false, reason: 'no-dme-mac' });
  });
});

describe('recording a move', () => {
  const history = [
    { state: 'TX', effectiveOn: null },
    { state: 'OH', effectiveOn: '2025-03-10' },
  ];

  test.each([
    ['2025-03-11', undefined],
    ['2025-06-01', undefined],
    ['2025-03-10', "must be after the effective date of the patient's current address"],
    ['2025-01-01', "must be after the effective date of the patient's current address"],
    ['2025-06-02', 'must not be in the future: record a move once the patient lives at the new address'],
  ])('effective %s, today 2025-06-01 → %p', (effectiveOn, refusal) => {
    expect(moveRefusal(history, effectiveOn, '2025-06-01')).toBe(refusal);
  });

  test('the first move after registration may take any past date', () => {
    expect(moveRefusal([{ state: 'TX', effectiveOn: null }], '2020-01-01', '2025-06-01')).toBeUndefined();
  });

  test.each([
    ['TX', 'OH', { from: 'JC', to: 'JB' }],
    ['OH', 'TX', { from: 'JB', to: 'JC' }],
    ['TX', 'FL', undefined],
    ['NY', 'NJ', undefined],
  ])('a move from %s to %s changes the contractor: %p', (from, to, change) => {
    expect(contractorChange(from, to)).toEqual(change);
  });
});
