/**
 * Money ceilings (domain/money.ts): each field's ceiling, and the lines and claim
 * totals an order's items could produce. A bilateral item is two lines of its quantity
 * each (DOMAIN.md §3); a daily-paid item (E0935) bills quantity × days, up to 31 days.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeeScheduleCsv } from '../../domain/pricing';
import { parse835 } from '../../domain/x12';
import { ceilingProblem, itemChargeProblems, largestLineCharge, moneyCeilings, type ChargedItem } from '../../domain/money';

const item = (quantity: number, unitCharge: number, extra: Partial<ChargedItem> = {}): ChargedItem => ({
  quantity,
  unitCharge,
  paidDaily: false,
  ...extra,
});

describe('each money field has one ceiling', () => {
  test.each([
    ['unitCharge', moneyCeilings.unitCharge, undefined],
    ['unitCharge', moneyCeilings.unitCharge + 1, 'must be at most 10000000 cents ($100000.00)'],
    ['patientPayment', 3_000_000_000, 'must be at most 1000000000 cents ($10000000.00)'],
    ['patientPayment', 1_000_000_000, undefined],
    ['lineCharge', 100_000_001, 'must be at most 100000000 cents ($1000000.00)'],
    ['x12Amount', 99_999_999_999, undefined],
    ['x12Amount', 100_000_000_000, 'must be at most 99999999999 cents ($999999999.99)'],
  ] as const)('%s of %d cents: %s', (field, cents, expected) => {
    expect(ceilingProblem(field, cents)).toBe(expected);
  });

  test('every ceiling is a whole number of cents a JavaScript number holds exactly', () => {
    for (const ceiling of Object.values(moneyCeilings)) expect(Number.isSafeInteger(ceiling)).toBe(true);
  });
});

describe('the largest line an item can put on a claim', () => {
  test.each([
    ['a cane, 1 × $45.00', item(1, 4500), 4500],
    ['PAP supplies, 90 × $2.50', item(90, 250), 22_500],
    ['CPM paid daily, 1 a day for a 31-day month × $30.00', item(1, 3000, { paidDaily: true }), 93_000],
    ['a bilateral knee orthosis: each side is one line of the quantity', item(1, 80_000, { side: 'bilateral' }), 80_000],
  ])('%s', (_name, given, cents) => {
    expect(largestLineCharge(given)).toBe(cents);
  });
});

describe('an order whose claim lines or total would pass a ceiling is refused, naming the item field', () => {
  test.each([
    ['a cane at $45.00', [item(1, 4500)], []],
    ['a wheelchair at exactly $100,000.00', [item(1, 10_000_000)], []],
    ['a unit charge past $100,000.00', [item(1, 10_000_001)], [{ index: 0, field: 'unitCharge' }]],
    ['9999 × $100,000.00 (the order that overflowed its claim)', [item(9999, 10_000_000)], [{ index: 0, field: 'quantity' }]],
    ['10 × $100,000.00 is exactly a $1,000,000.00 line', [item(10, 10_000_000)], []],
    ['CPM 40 a day × $1,000.00 passes $1,000,000 over a 31-day month', [item(40, 100_000, { paidDaily: true })], [{ index: 0, field: 'quantity' }]],
    [
      'eleven $1,000,000 lines: the claim total passes $10,000,000 at the eleventh item',
      Array.from({ length: 11 }, () => item(10, 10_000_000)),
      [{ index: 10, field: 'quantity' }],
    ],
    [
      'a bilateral item counts twice toward the total: six $1,000,000 pairs pass at the sixth',
      Array.from({ length: 6 }, () => item(10, 10_000_000, { side: 'bilateral' })),
      [{ index: 5, field: 'quantity' }],
    ],
  ])('%s', (_name, items, expected) => {
    expect(itemChargeProblems(items).map(({ index, field }) => ({ index, field }))).toEqual(expected);
  });

  test('the message says what the line would charge and the ceiling', () => {
    expect(itemChargeProblems([item(9999, 10_000_000)])[0].message).toBe(
      'quantity × unitCharge is 99990000000 cents on one claim line: the line must be at most 100000000 cents ($1000000.00)',
    );
  });
});

describe('amounts read from files keep their ceilings', () => {
  const csv = (amount: string) => `HCPCS,Mod,Mod2,JURIS,CATG,Ceiling,Floor,OH (NR),OH (R),Description\nE0100,NU,,D,IN,,,${amount},,Cane\n`;

  test.each([
    ['$45.00 is a cane', '45.00', undefined],
    ['$100,000.00 is the ceiling', '100000.00', undefined],
    [
      '$100,000.01 is a typing error',
      '100000.01',
      'Fee schedule CSV line 2, column "OH (NR)": "100000.01" must be at most 10000000 cents ($100000.00)',
    ],
  ])('a fee-schedule amount: %s', (_name, amount, error) => {
    const parse = () => parseFeeScheduleCsv(csv(amount));
    if (error) expect(parse).toThrow(error);
    else expect(parse().rows['E0100|NU|'].amounts.OH.nonRural).toBe(Math.round(Number(amount) * 100));
  });
});

describe('an 835 amount or count past its ceiling is a malformed file, named by element', () => {
  const paid = readFileSync(join(__dirname, '../fixtures/x12/835-medicare-paid.x12'), 'utf8');
  const messageOf = (x12: string) => {
    try {
      parse835(x12);
    } catch (error) {
      return (error as Error).message;
    }
    return 'parsed';
  };

  test.each([
    ['the file as the payer sent it', paid, 'parsed'],
    [
      'a CLP charge of $10,000,000,000.00',
      paid.replace('CLP*C1001*1*150*', 'CLP*C1001*1*10000000000*'),
      'CLP03 "10000000000" is beyond $999999999.99',
    ],
    [
      'SVC05 of 3000000000 units',
      paid.replace('SVC*HC:E0601:RR:KH:KX*150*39.2**1', 'SVC*HC:E0601:RR:KH:KX*150*39.2**3000000000'),
      'SVC05 "3000000000" is beyond 999999',
    ],
  ])('%s', (_name, x12, expected) => {
    expect(messageOf(x12)).toContain(expected);
  });
});
