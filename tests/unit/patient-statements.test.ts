/**
 * The patient's share and the statement cycle (DOMAIN.md §15), as plain rules: what of a
 * claim's patient balance is billed and what is written off with its reason, then which
 * step an account takes on a given day.
 */
import { addDays } from '../../domain/calendar';
import {
  afterStatement,
  emptyCycle,
  joinCycle,
  leaveCycle,
  nextStatementStep,
  patientShareDecision,
  withoutPaidBalances,
  type PatientShareFacts,
  type StatementCycle,
} from '../../domain/patient-statements';

const facts = (overrides: Partial<PatientShareFacts>): PatientShareFacts => ({
  balance: 0,
  patientResponsibility: [],
  dualEligible: false,
  costSharingWrittenOff: 0,
  paidByPatient: 0,
  smallBalanceThreshold: 500,
  ...overrides,
});
const pr = (reason: string, amount: number) => ({ reason, amount });
const qmb = 'dual eligible: Medicare cost-sharing';

describe('patientShareDecision: what of the patient balance is billed', () => {
  test.each([
    {
      name: 'Medicare only: deductible and coinsurance are billed',
      facts: facts({ balance: 6_000, patientResponsibility: [pr('1', 5_000), pr('2', 1_000)] }),
      writeOffs: [],
      billable: 6_000,
    },
    {
      name: 'dual eligible: PR-1 and PR-2 are written off with the QMB reason, nothing is billed',
      facts: facts({ balance: 6_000, patientResponsibility: [pr('1', 5_000), pr('2', 1_000)], dualEligible: true }),
      writeOffs: [
        { kind: 'dual-eligible', amount: 6_000, reason: expect.stringContaining(`${qmb} (PR-1, PR-2) may not be billed (SSA §1902(n)(3)(B), QMB`) },
      ],
      billable: 0,
    },
    {
      name: 'dual eligible: a copay (PR-3) is cost-sharing too',
      facts: facts({ balance: 800, patientResponsibility: [pr('3', 800)], dualEligible: true }),
      writeOffs: [{ kind: 'dual-eligible', amount: 800, reason: expect.stringContaining('(PR-3)') }],
      billable: 0,
    },
    {
      name: 'dual eligible: non-covered with an ABN (PR-96) and not covered by the plan (PR-204) stay billable beside the written-off coinsurance',
      facts: facts({ balance: 31_000, patientResponsibility: [pr('2', 1_000), pr('96', 20_000), pr('204', 10_000)], dualEligible: true }),
      writeOffs: [{ kind: 'dual-eligible', amount: 1_000, reason: expect.stringContaining('(PR-2)') }],
      billable: 30_000,
    },
    {
      name: 'dual eligible: Medicaid paid part of the coinsurance, so only what it left is written off',
      facts: facts({ balance: 600, patientResponsibility: [pr('2', 1_000)], dualEligible: true }),
      writeOffs: [{ kind: 'dual-eligible', amount: 600, reason: expect.stringContaining('(PR-2)') }],
      billable: 0,
    },
    {
      name: 'dual eligible: coinsurance the patient paid anyway is written off too, leaving a credit to refund',
      facts: facts({ balance: 0, paidByPatient: 1_000, patientResponsibility: [pr('2', 1_000)], dualEligible: true }),
      writeOffs: [{ kind: 'dual-eligible', amount: 1_000, reason: expect.stringContaining('(PR-2)') }],
      billable: 0,
    },
    {
      name: 'dual eligible, run again: cost-sharing written off before is not written off twice',
      facts: facts({ balance: 20_000, patientResponsibility: [pr('2', 1_000), pr('204', 20_000)], dualEligible: true, costSharingWrittenOff: 1_000 }),
      writeOffs: [],
      billable: 20_000,
    },
    {
      name: 'a balance under the threshold is written off as a small balance',
      facts: facts({ balance: 499, patientResponsibility: [pr('2', 499)] }),
      writeOffs: [{ kind: 'small-balance', amount: 499, reason: 'small balance: $4.99 is under the $5.00 write-off threshold' }],
      billable: 0,
    },
    {
      name: 'a balance at the threshold is billed',
      facts: facts({ balance: 500, patientResponsibility: [pr('2', 500)] }),
      writeOffs: [],
      billable: 500,
    },
    {
      name: 'threshold 0 never writes a balance off',
      facts: facts({ balance: 1, patientResponsibility: [pr('2', 1)], smallBalanceThreshold: 0 }),
      writeOffs: [],
      billable: 1,
    },
    {
      name: 'dual eligible: what is left after the cost-sharing write-off may still be a small balance',
      facts: facts({ balance: 1_300, patientResponsibility: [pr('2', 1_000), pr('204', 300)], dualEligible: true }),
      writeOffs: [
        { kind: 'dual-eligible', amount: 1_000, reason: expect.stringContaining('(PR-2)') },
        { kind: 'small-balance', amount: 300, reason: expect.stringContaining('$3.00') },
      ],
      billable: 0,
    },
    {
      name: 'nothing owed (paid at delivery): nothing to bill or write off',
      facts: facts({ balance: 0, paidByPatient: 2_000, patientResponsibility: [pr('2', 2_000)] }),
      writeOffs: [],
      billable: 0,
    },
  ])('$name', ({ facts: given, writeOffs, billable }) => {
    expect(patientShareDecision(given)).toEqual({ writeOffs, billable });
  });
});

describe('nextStatementStep: the 30/60/90 cycle of an account', () => {
  const settings = { smallBalanceThreshold: 500, finalAction: 'collections' as const };
  const day0 = '2026-03-02';
  const on = (days: number) => addDays(day0, days);

  /**
   * Runs the account day by day as the workflow would: `owedOn(day)` is the ledger of that
   * day, `joins[day]` the claims billed to the patient that day.
   */
  function run(owedOn: (day: number) => Record<string, number>, days: number, joins: Record<number, string[]> = { 0: ['claim-a'] }) {
    let cycle: StatementCycle = emptyCycle();
    const steps: Array<{ day: number; kind: string; notice?: number; claimIds?: string[]; amount?: number }> = [];
    for (let day = 0; day <= days; day++) {
      for (const claimId of joins[day] ?? []) cycle = joinCycle(cycle, claimId);
      const owed = owedOn(day);
      cycle = withoutPaidBalances(cycle, owed);
      for (;;) {
        const step = nextStatementStep(cycle, owed, on(day), settings);
        if (step.kind === 'wait') break;
        if (step.kind === 'settled') return [...steps, { day, kind: 'settled' }];
        if (step.kind === 'statement') {
          steps.push({
            day,
            kind: step.finalNotice ? 'final notice' : 'statement',
            notice: step.notice,
            claimIds: step.claimIds,
            amount: step.amountDue,
          });
          cycle = afterStatement(cycle, step.claimIds, on(day));
        } else {
          steps.push({ day, kind: step.kind, claimIds: step.claimIds, amount: step.amount });
          cycle = leaveCycle(cycle, step.claimIds);
        }
      }
    }
    return steps;
  }

  test('one unpaid balance: statements on days 0, 30 and 60, the final notice on day 90, collections on day 120', () => {
    expect(run(() => ({ 'claim-a': 3_000 }), 150)).toEqual([
      { day: 0, kind: 'statement', notice: 1, claimIds: ['claim-a'], amount: 3_000 },
      { day: 30, kind: 'statement', notice: 2, claimIds: ['claim-a'], amount: 3_000 },
      { day: 60, kind: 'statement', notice: 3, claimIds: ['claim-a'], amount: 3_000 },
      { day: 90, kind: 'final notice', notice: 4, claimIds: ['claim-a'], amount: 3_000 },
      { day: 120, kind: 'final-action', claimIds: ['claim-a'], amount: 3_000 },
      { day: 120, kind: 'settled' },
    ]);
  });

  test('paid in full after the second statement: the cycle ends the day the payment is seen', () => {
    expect(run((day) => ({ 'claim-a': day < 40 ? 3_000 : 0 }), 150).map(({ day, kind }) => [day, kind])).toEqual([
      [0, 'statement'],
      [30, 'statement'],
      [40, 'settled'],
    ]);
  });

  test('a partial payment leaving less than the threshold: the rest is written off as a small balance', () => {
    expect(run((day) => ({ 'claim-a': day < 10 ? 3_000 : 250 }), 60)).toEqual([
      { day: 0, kind: 'statement', notice: 1, claimIds: ['claim-a'], amount: 3_000 },
      { day: 10, kind: 'small-balance', claimIds: ['claim-a'], amount: 250 },
      { day: 10, kind: 'settled' },
    ]);
  });

  test('a balance that joins on day 45 waits for the next statement and gets its own four', () => {
    const owed = (day: number) => ({ 'claim-a': 3_000, ...(day >= 45 ? { 'claim-b': 2_000 } : {}) });
    expect(run(owed, 200, { 0: ['claim-a'], 45: ['claim-b'] }).map(({ day, kind, notice, claimIds }) => ({ day, kind, notice, claimIds }))).toEqual([
      { day: 0, kind: 'statement', notice: 1, claimIds: ['claim-a'] },
      { day: 30, kind: 'statement', notice: 2, claimIds: ['claim-a'] },
      { day: 60, kind: 'statement', notice: 3, claimIds: ['claim-a', 'claim-b'] },
      { day: 90, kind: 'final notice', notice: 4, claimIds: ['claim-a', 'claim-b'] },
      { day: 120, kind: 'final-action', notice: undefined, claimIds: ['claim-a'] },
      { day: 120, kind: 'statement', notice: 3, claimIds: ['claim-b'] },
      { day: 150, kind: 'final notice', notice: 4, claimIds: ['claim-b'] },
      { day: 180, kind: 'final-action', notice: undefined, claimIds: ['claim-b'] },
      { day: 180, kind: 'settled', notice: undefined, claimIds: undefined },
    ]);
  });

  test('the wait names the next statement day; a statement asks for payment within 30 days', () => {
    const cycle = afterStatement(joinCycle(emptyCycle(), 'claim-a'), ['claim-a'], day0);
    expect(nextStatementStep(cycle, { 'claim-a': 3_000 }, on(5), settings)).toEqual({ kind: 'wait', until: on(30) });
    expect(nextStatementStep(cycle, { 'claim-a': 3_000 }, on(30), settings)).toEqual({
      kind: 'statement',
      claimIds: ['claim-a'],
      amountDue: 3_000,
      notice: 2,
      finalNotice: false,
      dueOn: on(60),
    });
  });

  test('the write-off policy is what the final step does', () => {
    let cycle = joinCycle(emptyCycle(), 'claim-a');
    for (const day of [0, 30, 60, 90]) cycle = afterStatement(cycle, ['claim-a'], on(day));
    expect(nextStatementStep(cycle, { 'claim-a': 3_000 }, on(120), { ...settings, finalAction: 'write-off' })).toEqual({
      kind: 'final-action',
      action: 'write-off',
      claimIds: ['claim-a'],
      amount: 3_000,
      finalNoticeDueOn: on(120),
    });
  });
});
