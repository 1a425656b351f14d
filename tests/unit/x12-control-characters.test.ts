/**
 * X12 files we read (835, 271, 277, 999) hold no control characters: X12's basic and
 * extended character sets have none, so a NUL is a damaged file, refused naming where.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse835 } from '../../domain/x12';

describe('X12 text holds no control characters, but line breaks between segments are fine', () => {
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
    ['segments on their own lines (\\n)', paid.replace(/~/g, '~\n'), 'parsed'],
    ['segments on their own lines (\\r\\n)', paid.replace(/~/g, '~\r\n'), 'parsed'],
    ['a NUL inside the TRN', paid.replace('TRN*1*EFT0012345', 'TRN*1*EFT\u00000012345'), 'segment 5 (TRN): character 291'],
    ['a NUL inside the TRN, named as U+0000', paid.replace('TRN*1*EFT0012345', 'TRN*1*EFT\u00000012345'), 'is the control character U+0000'],
    ['a vertical tab in a payer name', paid.replace('N1*PR*CGS', 'N1*PR*C\u000bGS'), 'control character U+000B'],
    ['a DEL', paid.replace('N1*PR*CGS', 'N1*PR*C\u007fGS'), 'control character U+007F'],
  ])('%s', (_name, x12, expected) => {
    expect(messageOf(x12)).toContain(expected);
  });
});
