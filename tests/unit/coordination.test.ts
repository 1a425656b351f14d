/**
 * The order of payers and what an 835 or 271 says about it (domain/coordination.ts,
 * DOMAIN.md §15). Sources: 837P TR3 (005010X222A1) SBR01/SBR05; 835 TR3 (005010X221A1)
 * CLP02; RARC MA18/MA07/N89; 42 CFR 433.139 (Medicaid the payer of last resort).
 */
import {
  eligibilityPayerProblems,
  firstPayerProblem,
  isCrossover,
  mspTypeProblem,
  nextLevel,
  payerChain,
  payerOrderProblems,
  processedLevelOf,
  type ChainCoverage,
} from '../../domain/coordination';

const coverage = (id: string, overrides: Partial<ChainCoverage> = {}): ChainCoverage => ({
  id,
  payerId: `payer-${id}`,
  payerKind: 'commercial',
  ediPayerId: `EDI${id}`,
  priority: 'primary',
  effectiveFrom: null,
  effectiveTo: null,
  mspType: null,
  ...overrides,
});

const medicare = coverage('mcr', { payerKind: 'medicare', payerId: 'medicare-jb', ediPayerId: '17003' });
const medigap = coverage('gap', { priority: 'secondary', payerId: 'medigap-crossover', ediPayerId: 'MGAP1' });
const medicaid = coverage('mcd', { payerKind: 'medicaid', priority: 'secondary', payerId: 'medicaid-state', ediPayerId: 'SMCD1' });

describe('payerChain: the payers a claim is billed to, in order', () => {
  test('the order coverage first, then the others in force by priority', () => {
    expect(payerChain(medicare, [medicare, medigap], '2026-03-01')).toEqual([
      { level: 'primary', coverageId: 'mcr', payerId: 'medicare-jb' },
      { level: 'secondary', coverageId: 'gap', payerId: 'medigap-crossover' },
    ]);
  });

  test('Medicaid goes last whatever its recorded priority (the payer of last resort)', () => {
    const medicaidAsSecondary = { ...medicaid, priority: 'secondary' as const };
    const retiree = coverage('ret', { priority: 'tertiary', payerId: 'retiree-plan' });
    expect(payerChain(medicare, [medicare, medicaidAsSecondary, retiree], '2026-03-01').map((link) => [link.level, link.coverageId])).toEqual([
      ['primary', 'mcr'],
      ['secondary', 'ret'],
      ['tertiary', 'mcd'],
    ]);
  });

  test('a coverage not in force on the first date of service is left out; one claim per payer; at most three', () => {
    const ended = { ...medigap, effectiveTo: '2026-02-28' };
    expect(payerChain(medicare, [medicare, ended], '2026-03-01')).toHaveLength(1);
    const starts = { ...medigap, effectiveFrom: '2026-03-02' };
    expect(payerChain(medicare, [medicare, starts], '2026-03-01')).toHaveLength(1);
    const samePayer = coverage('dup', { priority: 'secondary', payerId: 'medicare-jb' });
    expect(payerChain(medicare, [medicare, samePayer], '2026-03-01')).toHaveLength(1);
    const many = ['a', 'b', 'c'].map((id) => coverage(id, { priority: 'tertiary' }));
    expect(payerChain(medicare, [medicare, medigap, ...many], '2026-03-01')).toHaveLength(3);
  });

  test('an employer plan primary puts Medicare second (MSP)', () => {
    const employer = coverage('emp', { payerId: 'commercial-acme' });
    const msp = { ...medicare, priority: 'secondary' as const, mspType: '12' as const };
    expect(payerChain(employer, [employer, msp], '2026-03-01').map((link) => link.payerId)).toEqual(['commercial-acme', 'medicare-jb']);
  });
});

describe('firstPayerProblem: an order bills the first payer first', () => {
  test('a secondary named while its primary is in force is refused, naming the primary', () => {
    expect(firstPayerProblem([medicare, medigap], 'gap', '2026-03-01')).toBe(
      'coverage gap is secondary; coverage mcr (payer medicare-jb) is primary on 2026-03-01: the order bills it first and this one after',
    );
    expect(firstPayerProblem([medicare, medigap], 'mcr', '2026-03-01')).toBeNull();
  });

  test('Medicaid recorded as primary beside Medicare is still billed last', () => {
    const medicaidPrimary = { ...medicaid, priority: 'primary' as const };
    expect(firstPayerProblem([medicare, medicaidPrimary], 'mcd', '2026-03-01')).toMatch(/payer of last resort: the order bills coverage mcr/);
  });

  test('a primary that ended before the order date does not stand in the way', () => {
    expect(firstPayerProblem([{ ...medicare, effectiveTo: '2025-12-31' }, medigap], 'gap', '2026-03-01')).toBeNull();
  });
});

describe('payerOrderProblems: what intake must fix', () => {
  test('two primaries in force together, Medicare secondary without an MSP type, Medicaid ahead of another payer', () => {
    const second = coverage('two');
    const medicareSecondary = { ...medicare, priority: 'secondary' as const };
    const medicaidFirst = { ...medicaid, priority: 'primary' as const };
    expect(payerOrderProblems([second, medicareSecondary, medicaidFirst], '2026-03-01').map((problem) => problem.field)).toEqual([
      'priority',
      'mspType',
      'priority',
    ]);
    expect(payerOrderProblems([medicare, medigap], '2026-03-01')).toEqual([]);
  });
});

describe('mspTypeProblem: SBR05 only where Medicare is secondary', () => {
  test.each([
    ['medicare', 'secondary', undefined, /is required when Medicare is secondary/],
    ['commercial', 'secondary', '12', /for a Medicare coverage only/],
    ['medicare', 'primary', '12', /here Medicare is primary/],
  ] as const)('%s %s with %s', (kind, priority, type, message) => {
    expect(mspTypeProblem(kind, priority, type)).toMatch(message);
  });
  test('Medicare secondary with its type, and any primary without one, are right', () => {
    expect(mspTypeProblem('medicare', 'secondary', '12')).toBeNull();
    expect(mspTypeProblem('commercial', 'primary', undefined)).toBeNull();
  });
});

describe('what an 835 says (CLP02 and the crossover remarks)', () => {
  test.each([
    ['1', 'primary'],
    ['19', 'primary'],
    ['2', 'secondary'],
    ['20', 'secondary'],
    ['3', 'tertiary'],
    ['21', 'tertiary'],
    ['4', null],
    ['22', null],
  ])('CLP02 %s is processed as %s', (code, level) => {
    expect(processedLevelOf(code)).toBe(level);
  });

  test('a crossover is CLP02 19/20/21 with MA18, MA07 or N89; either alone is not', () => {
    expect(isCrossover('19', ['MA18'])).toBe(true);
    expect(isCrossover('19', ['MA07'])).toBe(true);
    expect(isCrossover('20', ['N89', 'N4'])).toBe(true);
    expect(isCrossover('1', ['MA18'])).toBe(false);
    expect(isCrossover('19', [])).toBe(false);
  });

  test('levels follow each other', () => {
    expect([nextLevel('primary'), nextLevel('secondary'), nextLevel('tertiary')]).toEqual(['secondary', 'tertiary', null]);
  });
});

describe('eligibilityPayerProblems: a 271 against the payers we hold', () => {
  test('EB R naming a payer we hold is fine; one we do not hold is a problem naming its id only', () => {
    expect(eligibilityPayerProblems(medicare, [{ payerIds: ['MGAP1'], hasName: true }], [medicare, medigap])).toEqual([]);
    const [problem] = eligibilityPayerProblems(medicare, [{ payerIds: ['HUMANA1'], hasName: true }], [medicare, medigap]);
    expect(problem).toBe(
      'the 271 for coverage mcr (payer medicare-jb) names another payer (HUMANA1) the patient has no coverage with: add it or confirm it ended',
    );
  });

  test("Medicare's 271 reporting an MSP primary while we bill Medicare first contradicts our order", () => {
    const employer = coverage('emp', { payerId: 'commercial-acme', priority: 'secondary', ediPayerId: 'ACME1' });
    const problems = eligibilityPayerProblems(medicare, [{ insuranceType: '12', payerIds: ['ACME1'], hasName: true }], [medicare, employer]);
    expect(problems).toEqual([expect.stringMatching(/reports another payer primary \(MSP type 12, working aged/)]);
  });
});
