import { type CatalogEntry, catalogEntry, createCatalog, defaultCatalog, requireCatalogEntry, usualMaximumUnits } from '../../domain/catalog';

function entry(hcpcs: string): CatalogEntry {
  return requireCatalogEntry(defaultCatalog, hcpcs);
}

describe('the shipped catalog: every code of DOMAIN.md §8 with its payment category', () => {
  test.each([
    // code, category, acquisitions, rental cap in months
    ['E0100', 'IN', ['purchase', 'rental'], null],
    ['E0143', 'IN', ['purchase', 'rental'], null],
    ['E0163', 'IN', ['purchase', 'rental'], null],
    ['E0181', 'CR', ['rental'], 13],
    ['E0193', 'CR', ['rental'], 13],
    ['E0250', 'CR', ['rental'], 13],
    ['E0251', 'CR', ['rental'], 13],
    ['E0255', 'CR', ['rental'], 13],
    ['E0256', 'CR', ['rental'], 13],
    ['E0260', 'CR', ['rental'], 13],
    ['E0261', 'CR', ['rental'], 13],
    ['E0277', 'CR', ['rental'], 13],
    ['E0424', 'OX', ['rental'], 36],
    ['E0439', 'OX', ['rental'], 36],
    ['E0431', 'OX', ['rental'], 36],
    ['E0434', 'OX', ['rental'], 36],
    ['E1390', 'OX', ['rental'], 36],
    ['E0465', 'FS', ['rental'], null],
    ['E0466', 'FS', ['rental'], null],
    ['E0470', 'CR', ['rental'], 13],
    ['E0471', 'CR', ['rental'], 13],
    ['E0570', 'CR', ['rental'], 13],
    ['A7003', 'SU', ['purchase'], null],
    ['A7004', 'SU', ['purchase'], null],
    ['A7005', 'SU', ['purchase'], null],
    ['E0600', 'CR', ['rental'], 13],
    ['E0601', 'CR', ['rental'], 13],
    ['A7030', 'SU', ['purchase'], null],
    ['A7034', 'SU', ['purchase'], null],
    ['A7037', 'SU', ['purchase'], null],
    ['A7038', 'SU', ['purchase'], null],
    ['E0607', 'IN', ['purchase', 'rental'], null],
    ['E0630', 'CR', ['rental'], 13],
    ['E0910', 'CR', ['rental'], 13],
    ['E0935', 'FS', ['rental'], null],
    ['K0001', 'CR', ['rental'], 13],
    ['K0003', 'CR', ['rental'], 13],
    ['K0004', 'CR', ['rental'], 13],
    ['K0823', 'CR', ['rental'], 13],
    ['K0856', 'CR', ['rental', 'purchase'], 13],
    ['L0648', 'PO', ['purchase'], null],
    ['L0650', 'PO', ['purchase'], null],
    ['L1832', 'PO', ['purchase'], null],
    ['L1851', 'PO', ['purchase'], null],
    ['B9002', 'PE', ['rental', 'purchase'], 15],
  ])('%s is %s, furnished as %j, rental cap %p', (hcpcs, category, acquisitions, cap) => {
    const item = entry(hcpcs);
    expect(item.category).toBe(category);
    expect([...item.acquisitions].sort()).toEqual([...acquisitions].sort());
    expect(item.rentalCapMonths).toBe(cap);
  });
});

describe('power wheelchairs and PEN pumps', () => {
  test.each([
    // code, power wheelchair kind, BP/BR/BU election
    ['K0813', 'standard', false],
    ['K0823', 'standard', false],
    ['K0829', 'standard', false],
    ['K0898', 'standard', false],
    ['K0835', 'complex-rehab', true],
    ['K0843', 'complex-rehab', true],
    ['K0848', 'complex-rehab', true],
    ['K0856', 'complex-rehab', true],
    ['K0864', 'complex-rehab', true],
    ['B9002', undefined, true],
    ['E0601', undefined, false],
  ])('%s: power wheelchair %p, purchase election %p', (hcpcs, kind, election) => {
    expect(entry(hcpcs).powerWheelchair).toBe(kind);
    expect(entry(hcpcs).purchaseElection).toBe(election);
  });

  test('standard power wheelchairs are rental only, complex rehab ones may be bought', () => {
    const standard = Object.values(defaultCatalog.entries).filter((item) => item.powerWheelchair === 'standard');
    const complex = Object.values(defaultCatalog.entries).filter((item) => item.powerWheelchair === 'complex-rehab');
    expect(standard.length).toBeGreaterThan(0);
    expect(standard.every((item) => item.acquisitions.join() === 'rental')).toBe(true);
    expect(complex.every((item) => item.acquisitions.includes('purchase'))).toBe(true);
  });
});

describe('Medicare required prior-authorization list (DOMAIN.md §6)', () => {
  const group = (codes: string[], name: string) => codes.map((code) => [code, name] as const);
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `K0${from + i}`);
  test.each([
    ...group([...range(800, 802), ...range(806, 808), ...range(813, 816), ...range(820, 829)], 'power-mobility'),
    ...group([...range(835, 843), ...range(848, 864)], 'power-mobility'),
    ...group(['E0193', 'E0277', 'E0371', 'E0372', 'E0373'], 'pressure-reducing-support-surface'),
    ...group(['L5856', 'L5857', 'L5858', 'L5973', 'L5980', 'L5987'], 'lower-limb-prosthesis'),
    ...group(['L0631', 'L0637', 'L0639', 'L0648', 'L0650', 'L1832', 'L1843', 'L1845', 'L1851', 'L1951'], 'orthosis'),
  ])('%s needs prior authorization (%s)', (hcpcs, name) => {
    expect(entry(hcpcs).priorAuthGroup).toBe(name);
  });

  test.each(['E0601', 'E1390', 'K0001', 'K0830', 'K0898', 'E0250', 'A7030'])('%s is not on the list', (hcpcs) => {
    expect(entry(hcpcs).priorAuthGroup).toBeUndefined();
  });

  test('L1833 was removed from the list in Aug 2024 and is not in the catalog', () => {
    expect(catalogEntry(defaultCatalog, 'L1833')).toBeUndefined();
  });
});

describe('face-to-face encounter and written order prior to delivery (DOMAIN.md §5)', () => {
  test.each([
    ['E0250', true],
    ['E0251', true],
    ['E0255', true],
    ['E0256', true],
    ['E0260', true],
    ['E0261', true],
    ['K0800', true],
    ['K0823', true],
    ['K0856', true],
    ['K0898', true],
    ['E0601', false],
    ['E1390', false],
    ['K0001', false],
    ['E0100', false],
  ])('%s on the face-to-face list: %p', (hcpcs, onList) => {
    expect(entry(hcpcs).faceToFace).toBe(onList);
  });
});

describe('usual maximum quantities of PAP supplies (DOMAIN.md §7)', () => {
  test.each([
    ['A7030', 1, 3],
    ['A7034', 1, 3],
    ['A7027', 1, 3],
    ['A7037', 1, 3],
    ['A4604', 1, 3],
    ['A7044', 1, 3],
    ['A7045', 1, 3],
    ['A7031', 1, 1],
    ['A7032', 2, 1],
    ['A7033', 2, 1],
    ['A7028', 2, 1],
    ['A7029', 2, 1],
    ['A7038', 2, 1],
    ['A7035', 1, 6],
    ['A7036', 1, 6],
    ['A7039', 1, 6],
    ['A7046', 1, 6],
  ])('%s: %i per %i month(s)', (hcpcs, quantity, months) => {
    expect(entry(hcpcs).usualMaximum).toEqual({ quantity, months });
  });

  test.each([
    // code, months supplied, units allowed
    ['A7038', 1, 2],
    ['A7038', 3, 6],
    ['A7030', 1, 1],
    ['A7030', 3, 1],
    ['A7030', 6, 2],
    ['A7035', 6, 1],
  ])('%s over %i month(s) allows %i unit(s)', (hcpcs, months, units) => {
    expect(usualMaximumUnits(entry(hcpcs), months)).toBe(units);
  });

  test('an item without a usual maximum has no unit limit', () => {
    expect(usualMaximumUnits(entry('E0601'), 3)).toBeUndefined();
  });
});

describe('documents a medical policy asks for', () => {
  test.each([
    ['E0601', ['sleep-study', 'medical-record']],
    ['E0470', ['sleep-study', 'medical-record']],
    ['E1390', ['oxygen-test', 'medical-record']],
    ['E0431', ['oxygen-test', 'medical-record']],
    ['E0260', ['medical-record']],
    ['K0001', ['medical-record']],
    ['E0100', []],
  ])('%s needs %j', (hcpcs, kinds) => {
    expect(entry(hcpcs).policyDocuments.map((document) => document.kind)).toEqual(kinds);
  });

  test('glucose monitor and supplies are flagged for KX / KS', () => {
    expect(['E0607', 'A4253', 'A4259'].map((hcpcs) => entry(hcpcs).glucoseMonitoring)).toEqual([true, true, true]);
  });
});

describe('createCatalog: a supplier extends the catalog', () => {
  test('a new capped-rental entry gets its category defaults', () => {
    const catalog = createCatalog([{ hcpcs: 'E0262', description: 'Hospital bed, semi-electric, extra wide', category: 'CR' }], defaultCatalog);
    expect(catalogEntry(catalog, 'E0262')).toEqual({
      hcpcs: 'E0262',
      description: 'Hospital bed, semi-electric, extra wide',
      category: 'CR',
      acquisitions: ['rental'],
      rentalCapMonths: 13,
      purchaseElection: false,
      faceToFace: false,
      policyDocuments: [],
      glucoseMonitoring: false,
      paidDaily: false,
    });
    expect(catalogEntry(catalog, 'E0601')).toEqual(entry('E0601'));
  });

  test("the supplier's entry replaces the shipped one with the same code", () => {
    const catalog = createCatalog([{ hcpcs: 'E0100', description: 'Quad cane', category: 'IN', acquisitions: ['purchase'] }], defaultCatalog);
    expect(catalogEntry(catalog, 'E0100')?.acquisitions).toEqual(['purchase']);
    expect(catalogEntry(defaultCatalog, 'E0100')?.acquisitions).toEqual(['purchase', 'rental']);
  });

  test.each([
    [{ hcpcs: 'X123', description: 'bad code', category: 'IN' }, 'one letter A–V and four digits'],
    [{ hcpcs: 'E0999', description: '', category: 'IN' }, 'a description is required'],
    [{ hcpcs: 'E0999', description: 'Bad', category: 'ZZ' }, 'category must be one of'],
    [{ hcpcs: 'L9999', description: 'Brace', category: 'PO', acquisitions: ['rental'] }, 'cannot be furnished as rental'],
    [{ hcpcs: 'E0999', description: 'Bed', category: 'CR', rentalCapMonths: 0 }, 'rentalCapMonths'],
    [{ hcpcs: 'E0999', description: 'Bed', category: 'CR', priorAuthGroup: 'beds' }, 'priorAuthGroup must be one of'],
    [
      { hcpcs: 'E0999', description: 'Bed', category: 'CR', policyDocuments: [{ kind: 'cmn', reason: 'old habit' }] },
      'CMN and DIF forms ended in 2023',
    ],
  ])('rejects %j (%s)', (input, problem) => {
    expect(() => createCatalog([input as never])).toThrow(problem);
  });

  test('a code listed twice is rejected', () => {
    const cane = { hcpcs: 'E0100', description: 'Cane', category: 'IN' as const };
    expect(() => createCatalog([cane, cane])).toThrow('E0100: listed twice');
  });
});
