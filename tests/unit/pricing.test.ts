import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { defaultCatalog, requireCatalogEntry } from '../../domain/catalog';
import {
  allowedAmount,
  cappedRentalMonthlyFee,
  expectedPayment,
  lineAllowedAmount,
  parseFeeScheduleCsv,
  rentalMonthAllowed,
} from '../../domain/pricing';

const sample = parseFeeScheduleCsv(readFileSync(join(__dirname, '../../domain/data/dmepos-fee-schedule-sample.csv'), 'utf8'));
const entry = (hcpcs: string) => requireCatalogEntry(defaultCatalog, hcpcs);

describe('the committed fee schedule sample', () => {
  test('holds the §8 codes for six states', () => {
    expect(sample.states).toEqual(['CA', 'FL', 'NY', 'OH', 'PA', 'TX']);
    expect(Object.keys(sample.rows)).toHaveLength(57);
  });

  test('a row reads in full: amounts in cents by state, non-rural and rural', () => {
    expect(sample.rows['E0601|RR|']).toEqual({
      hcpcs: 'E0601',
      modifier: 'RR',
      modifier2: '',
      jurisdiction: 'D',
      category: 'CR',
      ceiling: 7590,
      floor: 5865,
      amounts: {
        CA: { nonRural: 7176, rural: 7607 },
        FL: { nonRural: 6762, rural: 7168 },
        NY: { nonRural: 7107, rural: 7533 },
        OH: { nonRural: 6693, rural: 7095 },
        PA: { nonRural: 6900, rural: 7314 },
        TX: { nonRural: 6831, rural: 7241 },
      },
      description: 'Continuous positive airway pressure (CPAP) device',
    });
  });

  test.each([
    // code, modifier, state, rural, cents
    ['E0601', 'RR', 'CA', false, 7176],
    ['E0601', 'RR', 'CA', true, 7607],
    ['E0100', 'NU', 'CA', false, 3120],
    ['E0100', 'UE', 'CA', false, 2340],
    ['E0100', 'RR', 'OH', false, 291],
    ['K0856', 'NU', 'NY', false, 751_900],
    ['E1390', 'RR', 'TX', false, 18_315],
    ['A7030', '', 'TX', false, 16_038],
    ['L1832', '', 'PA', true, 64_660],
    ['B9002', 'RR', 'FL', false, 12_544],
    ['E0601', 'NU', 'CA', false, undefined],
    ['E0601', 'RR', 'WY', false, undefined],
    ['E9999', 'RR', 'CA', false, undefined],
  ])('%s %s in %s (rural %p) allows %p', (hcpcs, modifier, state, rural, cents) => {
    expect(allowedAmount(sample, { hcpcs, modifier, state, rural })).toBe(cents);
  });
});

describe('parseFeeScheduleCsv reads the CMS layout', () => {
  const header = '"HCPCS","Mod","Mod2","JURIS","CATG","Ceiling","Floor","CA (NR)","CA (R)","NY (NR)","NY (R)","Description"';

  test('quoted fields with commas, doubled quotes and line breaks; title lines before the header; BOM and CRLF', () => {
    const text =
      '\uFEFFDMEPOS Fee Schedule, January 2025\r\n"Illustrative"\r\n' +
      `${header}\r\n` +
      '"E0100","NU","","D","IN","$1,234.50",10,"1,000.00",1100,900.5,,"Cane, ""quad"", with\ntip"\r\n';
    expect(parseFeeScheduleCsv(text).rows['E0100|NU|']).toEqual({
      hcpcs: 'E0100',
      modifier: 'NU',
      modifier2: '',
      jurisdiction: 'D',
      category: 'IN',
      ceiling: 123_450,
      floor: 1000,
      amounts: { CA: { nonRural: 100_000, rural: 110_000 }, NY: { nonRural: 90_050 } },
      description: 'Cane, "quad", with\ntip',
    });
  });

  test('a blank rural amount falls back to the non-rural one', () => {
    const schedule = parseFeeScheduleCsv(`${header}\n"E0100","NU","","D","IN",1,1,10.00,11.00,9.00,,"Cane"\n`);
    expect(allowedAmount(schedule, { hcpcs: 'E0100', modifier: 'NU', state: 'NY', rural: true })).toBe(900);
  });

  test('columns are found by name, in any order', () => {
    const text = '"Description","CA (R)","CA (NR)","Floor","Ceiling","CATG","JURIS","Mod2","Mod","HCPCS"\n"Cane",2,1,,,"IN","D","","NU","E0100"\n';
    expect(allowedAmount(parseFeeScheduleCsv(text), { hcpcs: 'E0100', modifier: 'NU', state: 'CA', rural: true })).toBe(200);
  });

  test.each([
    ['no header row', '"E0100","NU"\n', 'no header row with an "HCPCS" column'],
    ['a missing column', '"HCPCS","Mod","Mod2","JURIS","CATG","Ceiling","CA (NR)","Description"\n', 'no "Floor" column'],
    ['no state columns', '"HCPCS","Mod","Mod2","JURIS","CATG","Ceiling","Floor","Description"\n', 'no state amount columns'],
    ['an amount that is not dollars', `${header}\n"E0100","NU","","D","IN",1,1,abc,1,1,1,"Cane"\n`, 'line 2, column "CA (NR)": "abc"'],
    [
      'a row listed twice',
      `${header}\n"E0100","NU","","D","IN",1,1,1,1,1,1,"Cane"\n"E0100","NU","","D","IN",1,1,1,1,1,1,"Cane"\n`,
      'line 3: E0100 NU is listed twice',
    ],
    ['an unclosed quote', `${header}\n"E0100,"NU"\n`, 'never closed'],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseFeeScheduleCsv(text)).toThrow(message);
  });
});

describe('capped-rental monthly fee from the purchase fee', () => {
  test.each([
    // purchase fee, month, hcpcs, monthly fee
    [100_000, 1, 'E0601', 10_000],
    [100_000, 3, 'E0601', 10_000],
    [100_000, 4, 'E0601', 7_500],
    [100_000, 13, 'E0601', 7_500],
    [100_000, 14, 'E0601', 0],
    [100_000, 1, 'K0823', 15_000],
    [100_000, 4, 'K0823', 6_000],
    [100_000, 13, 'K0823', 6_000],
    [12_345, 4, 'E0601', 926],
  ])('purchase fee %i, month %i of %s: %i', (purchaseFee, month, hcpcs, fee) => {
    expect(cappedRentalMonthlyFee(purchaseFee, month, entry(hcpcs))).toBe(fee);
  });

  test.each(['E0601', 'K0823'])('13 months of %s add up to 105% of the purchase price', (hcpcs) => {
    const months = Array.from({ length: 13 }, (_, i) => cappedRentalMonthlyFee(100_000, i + 1, entry(hcpcs)));
    expect(months.reduce((sum, fee) => sum + fee, 0)).toBe(105_000);
  });

  test('month 0 is not a rental month', () => {
    expect(() => cappedRentalMonthlyFee(100_000, 0, entry('E0601'))).toThrow(RangeError);
  });
});

describe('allowed fee of a rental month', () => {
  test.each([
    // hcpcs, month, state, cents
    ['E0601', 1, 'CA', 7176],
    ['E0601', 3, 'CA', 7176],
    ['E0601', 4, 'CA', 5382],
    ['E0601', 13, 'CA', 5382],
    ['E0601', 14, 'CA', 0],
    ['K0823', 1, 'CA', 63_960],
    ['K0823', 4, 'CA', 25_584],
    ['E1390', 1, 'TX', 18_315],
    ['E1390', 30, 'TX', 18_315],
    ['E1390', 37, 'TX', 0],
    ['E0465', 60, 'OH', 102_820],
    ['B9002', 15, 'FL', 12_544],
    // A cane rents at 312 a month against a 3 120 purchase fee: ten months reach it.
    ['E0100', 1, 'CA', 312],
    ['E0100', 10, 'CA', 312],
    ['E0100', 11, 'CA', 0],
  ])('%s month %i in %s: %i cents', (hcpcs, month, state, cents) => {
    expect(rentalMonthAllowed(sample, { entry: entry(hcpcs), month, state, rural: false })).toBe(cents);
  });

  test('a capped rental without an RR row is priced from its NU purchase fee', () => {
    const schedule = parseFeeScheduleCsv(
      '"HCPCS","Mod","Mod2","JURIS","CATG","Ceiling","Floor","CA (NR)","CA (R)","Description"\n' + '"E0601","NU","","D","CR",,,1000.00,,"CPAP"\n',
    );
    expect(rentalMonthAllowed(schedule, { entry: entry('E0601'), month: 4, state: 'CA', rural: false })).toBe(7500);
  });
});

describe('allowed amount of a claim line', () => {
  test.each([
    ['a CPAP rental month 4', 5382, { hcpcs: 'E0601', modifiers: ['RR', 'KJ', 'KX'], units: 1, rentalMonth: 4 }],
    ['two canes bought new', 6240, { hcpcs: 'E0100', modifiers: ['NU', 'KX'], units: 2 }],
    ['a cane without NU or UE is priced as used', 2340, { hcpcs: 'E0100', modifiers: ['KX'], units: 1 }],
    ['three full face masks', 50_544, { hcpcs: 'A7030', modifiers: ['KX'], units: 3 }],
    ['oxygen below 1 LPM pays 50%', 9_620, { hcpcs: 'E1390', modifiers: ['RR', 'QE'], units: 1, rentalMonth: 2 }],
    ['oxygen above 4 LPM pays 150%', 28_860, { hcpcs: 'E1390', modifiers: ['RR', 'QG'], units: 1, rentalMonth: 2 }],
    // CR 9848: with a portable prescribed (QF on both lines) the stationary line pays its standard fee.
    [
      'oxygen above 4 LPM with portable: the stationary line pays 100%',
      19_240,
      { hcpcs: 'E1390', modifiers: ['RR', 'QF', 'N1'], units: 1, rentalMonth: 2 },
    ],
    [
      'oxygen above 4 LPM with portable: the portable line at least its own fee',
      3_276,
      { hcpcs: 'E0431', modifiers: ['RR', 'QF', 'N1'], units: 1, rentalMonth: 2 },
    ],
    ['a code missing from the schedule', undefined, { hcpcs: 'A7031', modifiers: ['KX'], units: 1 }],
    ['a code missing from the catalog', undefined, { hcpcs: 'E9999', modifiers: ['NU'], units: 1 }],
  ])('%s: %p cents in CA', (_name, cents, line) => {
    expect(lineAllowedAmount(sample, line, { state: 'CA', rural: false })).toBe(cents);
  });
});

describe('expectedPayment (DOMAIN.md §14)', () => {
  test.each([
    [
      'the §14 example: allowed $100, $50 deductible left',
      { charge: 12_000, allowed: 10_000, deductibleRemaining: 5_000, coinsuranceRate: 0.2, sequestrationRate: 0.02 },
      {
        allowed: 10_000,
        deductibleApplied: 5_000,
        coinsurance: 1_000,
        payerPaysBeforeSequestration: 4_000,
        sequestration: 80,
        payerPays: 3_920,
        patientOwes: 6_000,
        contractualAdjustment: 2_000,
      },
    ],
    [
      'deductible met',
      { charge: 10_000, allowed: 10_000, deductibleRemaining: 0, coinsuranceRate: 0.2, sequestrationRate: 0.02 },
      {
        allowed: 10_000,
        deductibleApplied: 0,
        coinsurance: 2_000,
        payerPaysBeforeSequestration: 8_000,
        sequestration: 160,
        payerPays: 7_840,
        patientOwes: 2_000,
        contractualAdjustment: 0,
      },
    ],
    [
      'a charge below the fee is the allowed amount',
      { charge: 8_000, allowed: 10_000, deductibleRemaining: 0, coinsuranceRate: 0.2, sequestrationRate: 0.02 },
      {
        allowed: 8_000,
        deductibleApplied: 0,
        coinsurance: 1_600,
        payerPaysBeforeSequestration: 6_400,
        sequestration: 128,
        payerPays: 6_272,
        patientOwes: 1_600,
        contractualAdjustment: 0,
      },
    ],
    [
      'the deductible takes the whole allowed amount',
      { charge: 10_000, allowed: 7_176, deductibleRemaining: 25_700, coinsuranceRate: 0.2, sequestrationRate: 0.02 },
      {
        allowed: 7_176,
        deductibleApplied: 7_176,
        coinsurance: 0,
        payerPaysBeforeSequestration: 0,
        sequestration: 0,
        payerPays: 0,
        patientOwes: 7_176,
        contractualAdjustment: 2_824,
      },
    ],
    [
      'odd cents: coinsurance and sequestration round half up, the payer gets the remainder',
      { charge: 7_177, allowed: 7_177, deductibleRemaining: 0, coinsuranceRate: 0.2, sequestrationRate: 0.02 },
      {
        allowed: 7_177,
        deductibleApplied: 0,
        coinsurance: 1_435,
        payerPaysBeforeSequestration: 5_742,
        sequestration: 115,
        payerPays: 5_627,
        patientOwes: 1_435,
        contractualAdjustment: 0,
      },
    ],
    [
      'a half cent of sequestration rounds up',
      { charge: 125, allowed: 125, deductibleRemaining: 0, coinsuranceRate: 0, sequestrationRate: 0.02 },
      {
        allowed: 125,
        deductibleApplied: 0,
        coinsurance: 0,
        payerPaysBeforeSequestration: 125,
        sequestration: 3,
        payerPays: 122,
        patientOwes: 0,
        contractualAdjustment: 0,
      },
    ],
    [
      'a commercial payer without sequestration',
      { charge: 15_000, allowed: 10_000, deductibleRemaining: 2_000, coinsuranceRate: 0.2, sequestrationRate: 0 },
      {
        allowed: 10_000,
        deductibleApplied: 2_000,
        coinsurance: 1_600,
        payerPaysBeforeSequestration: 6_400,
        sequestration: 0,
        payerPays: 6_400,
        patientOwes: 3_600,
        contractualAdjustment: 5_000,
      },
    ],
  ])('%s', (_name, input, expected) => {
    const payment = expectedPayment(input);
    expect(payment).toEqual(expected);
    expect(payment.payerPays + payment.sequestration + payment.patientOwes + payment.contractualAdjustment).toBe(input.charge);
  });

  test.each([
    [{ charge: -1, allowed: 0, deductibleRemaining: 0, coinsuranceRate: 0.2, sequestrationRate: 0 }, 'charge'],
    [{ charge: 10.5, allowed: 0, deductibleRemaining: 0, coinsuranceRate: 0.2, sequestrationRate: 0 }, 'charge'],
    [{ charge: 100, allowed: 100, deductibleRemaining: 0, coinsuranceRate: 20, sequestrationRate: 0 }, 'coinsuranceRate'],
  ])('rejects %j', (input, field) => {
    expect(() => expectedPayment(input)).toThrow(field);
  });
});
