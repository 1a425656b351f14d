import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { components, parse835, parseX12, repeats, X12Error } from '../../domain/x12';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/x12', name), 'utf8');

/** Runs `parse` and returns the X12Error it throws (failing the test if it does not throw one). */
function errorOf(parse: () => unknown): X12Error {
  try {
    parse();
  } catch (e) {
    if (e instanceof X12Error) return e;
    throw e;
  }
  throw new Error('expected an X12Error');
}

describe('parseX12: delimiters, segments and the envelope', () => {
  test('reads interchange, group and transaction set headers and keeps ST..SE with file positions', () => {
    const interchange = parseX12(fixture('835-medicare-paid.x12'));
    expect(interchange).toMatchObject({
      delimiters: { element: '*', component: ':', repetition: '^', segment: '~' },
      senderQualifier: 'ZZ',
      senderId: 'CGSJB17013',
      receiverId: 'DURABLEDME',
      date: '2024-04-12',
      time: '06:00',
      version: '00501',
      controlNumber: '000000451',
      usage: 'T',
    });
    const [group] = interchange.groups;
    expect(group).toMatchObject({ functionalId: 'HP', controlNumber: '451', version: '005010X221A1', date: '2024-04-12' });
    const [set] = group.transactionSets;
    expect([set.id, set.controlNumber, set.version]).toEqual(['835', '0001', '005010X221A1']);
    expect(set.segments[0]).toEqual({ id: 'ST', elements: ['ST', '835', '0001'], position: 3 });
    expect(set.segments.at(-1)!.id).toBe('SE');
    const clp = set.segments.find((s) => s.id === 'CLP')!;
    expect(clp.elements[1]).toBe('C1001');
    expect(clp.position).toBe(16);
  });

  test('takes its delimiters from the ISA, whatever they are: | > ! and a newline as segment terminator', () => {
    const standard = fixture('835-medicare-paid.x12');
    const exotic = standard.replace(/\*/g, '|').replace(/:/g, '>').replace('|^|', '|!|').replace(/~\n?/g, '\n');
    expect(parseX12(exotic).delimiters).toEqual({ element: '|', component: '>', repetition: '!', segment: '\n' });
    expect(parse835(exotic)).toEqual(parse835(standard));
    // CRLF after ISA16: CR is the terminator and the LF that follows is a line break.
    const crlf = exotic.replace(/\n/g, '\r\n');
    expect(parseX12(crlf).delimiters.segment).toBe('\r');
    expect(parse835(crlf)).toEqual(parse835(standard));
  });

  test('reads segments with or without line breaks between them', () => {
    const compact = fixture('835-medicare-paid.x12').replace(/\n/g, '');
    const crlf = compact.replace(/~/g, '~\r\n');
    expect(compact).not.toContain('\n');
    expect(parse835(crlf)).toEqual(parse835(compact));
    expect(parseX12(crlf).groups[0].transactionSets[0].segments).toHaveLength(47);
  });

  test('an ISA whose ids are not padded still yields its delimiters (counted, not fixed width)', () => {
    const unpadded = fixture('999-accepted.x12').replace('ZZ*CLEARHOUSE     *ZZ*DURABLEDME     *', 'ZZ*CLEARHOUSE*ZZ*DURABLEDME*');
    expect(parseX12(unpadded)).toMatchObject({ senderId: 'CLEARHOUSE', receiverId: 'DURABLEDME', delimiters: { component: ':', segment: '~' } });
  });

  test('components() and repeats() split composites and repeated elements with the file delimiters', () => {
    const interchange = parseX12(fixture('271-medicare-active.x12'));
    const eb = interchange.groups[0].transactionSets[0].segments.find((s) => s.id === 'EB')!;
    expect(repeats(eb.elements[3], interchange.delimiters)).toEqual(['30', '12', '18']);
    expect(components('HC:E0601:RR:KH', interchange.delimiters)).toEqual(['HC', 'E0601', 'RR', 'KH']);
  });
});

describe('parseX12: malformed files are rejected with the segment that shows it', () => {
  const good = fixture('835-medicare-paid.x12');

  test('text that is not X12', () => {
    const error = errorOf(() => parseX12('Dear biller, please find our remittance attached.'));
    expect(error.code).toBe('not-x12');
    expect(error.message).toBe('the file does not start with an ISA segment: not an X12 interchange');
  });

  test('a file cut inside the ISA', () => {
    const error = errorOf(() => parseX12(good.slice(0, 60)));
    expect(error.code).toBe('truncated');
    expect(error.issues[0].segment).toEqual({ position: 1, id: 'ISA' });
  });

  test('a file cut in the middle of a segment names the segment it was cut in', () => {
    const cut = good.slice(0, good.indexOf('CAS*PR*2*150~') + 'CAS*PR*2*15'.length);
    const error = errorOf(() => parse835(cut));
    expect(error.code).toBe('truncated');
    expect(error.message).toBe('segment 32 (CAS): the file ends in the middle of a segment (no terminator "~"): it was truncated');
  });

  test('a file that ends after a whole segment but without IEA', () => {
    const cut = good.slice(0, good.indexOf('SE*47'));
    const error = errorOf(() => parse835(cut));
    expect(error.code).toBe('truncated');
    expect(error.message).toBe('segment 48 (LQ): the file ends after segment 48 (LQ) inside transaction set 0001 without an IEA: it was truncated');
  });

  test('the truncated 835 fixture is rejected', () => {
    const error = errorOf(() => parse835(fixture('835-truncated.x12')));
    expect(error.code).toBe('truncated');
    expect(error.message).toMatch(/^segment 27 \(CLP\): the file ends in the middle of a segment/);
  });

  test('an SE segment count that does not match the segments', () => {
    const error = errorOf(() => parse835(good.replace('SE*47*0001', 'SE*46*0001')));
    expect(error.code).toBe('envelope');
    expect(error.issues[0].segment).toEqual({ position: 49, id: 'SE' });
    expect(error.message).toBe('segment 49 (SE): SE01 says 46 segments but transaction set 0001 has 47 (ST to SE): segments are missing or extra');
  });

  test.each([
    ['SE02 differs from ST02', ['SE*47*0001', 'SE*47*0002'], 'segment 49 (SE): SE02 "0002" does not match ST02 "0001"'],
    ['GE01 miscounts transaction sets', ['GE*1*451', 'GE*2*451'], 'segment 50 (GE): GE01 says 2 transaction sets but the group has 1'],
    ['GE02 differs from GS06', ['GE*1*451', 'GE*1*452'], 'segment 50 (GE): GE02 "452" does not match GS06 "451"'],
    ['IEA02 differs from ISA13', ['IEA*1*000000451', 'IEA*1*000000450'], 'segment 51 (IEA): IEA02 "000000450" does not match ISA13 "000000451"'],
    ['a GE is missing', ['GE*1*451~\n', ''], 'segment 50 (IEA): IEA inside the functional group opened at segment 2 (GS) (missing GE)'],
    [
      'a segment sits between GE and IEA',
      ['GE*1*451~', 'GE*1*451~\nLX*9~'],
      'segment 51 (LX): segment outside a transaction set (not between ST and SE)',
    ],
  ])('%s', (_, [from, to], message) => {
    const error = errorOf(() => parseX12(good.replace(from, to)));
    expect(error.code).toBe('envelope');
    expect(error.message).toBe(message);
  });

  test('a non-numeric amount names the segment and element', () => {
    const error = errorOf(() => parse835(good.replace('CLP*C1002*1*1800*', 'CLP*C1002*1*18O0*')));
    expect(error.code).toBe('invalid-value');
    expect(error.message).toBe('segment 27 (CLP): CLP03 "18O0" is not an amount');
  });

  test('an amount with fractions of a cent is refused, trailing zeros are not', () => {
    expect(errorOf(() => parse835(good.replace('AMT*B6*100~', 'AMT*B6*100.005~'))).message).toBe(
      'segment 25 (AMT): AMT02 "100.005" has fractions of a cent',
    );
    expect(parse835(good.replace('AMT*B6*100~', 'AMT*B6*100.000~'))[0].claims[0].lines[0].allowed).toBe(10_000);
  });

  test('an impossible date is refused', () => {
    expect(errorOf(() => parse835(good.replace('DTM*472*20240302', 'DTM*472*20240231'))).message).toBe(
      'segment 44 (DTM): DTM02 "20240231" is not a CCYYMMDD date',
    );
  });

  test('a file of another transaction set is refused by a typed parser', () => {
    const error = errorOf(() => parse835(fixture('999-accepted.x12')));
    expect(error.code).toBe('wrong-transaction');
    expect(error.message).toBe('segment 3 (ST): expected 835 transaction sets, found a 999');
  });

  test('X12Error is an Error named X12Error (the ApplicationFailure type Temporal reports)', () => {
    const error = errorOf(() => parseX12('nonsense'));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('X12Error');
  });
});
