import { classifyAdjustment, denialDecisions, isDenial, nextAppealLevel, type AdjustmentCode } from '../../domain/denials';

describe('classifyAdjustment: group and reason (+ remark codes) → what to do (DOMAIN.md §12)', () => {
  test.each<[string, AdjustmentCode, string[], string, string | undefined]>([
    // code, adjustment, remarks, treatment, prerequisite
    ['PR-1 deductible', { group: 'PR', reason: '1' }, [], 'patient-responsibility', undefined],
    ['PR-2 coinsurance', { group: 'PR', reason: '2' }, [], 'patient-responsibility', undefined],
    ['PR-3 copay', { group: 'PR', reason: '3' }, [], 'patient-responsibility', undefined],
    ['PR-96 non-covered, ABN on file', { group: 'PR', reason: '96' }, [], 'patient-billing', undefined],
    ['PR-204 not covered by the plan', { group: 'PR', reason: '204' }, [], 'patient-billing', undefined],
    ['CO-45 above the fee schedule is contractual, not a denial', { group: 'CO', reason: '45' }, [], 'contractual', undefined],
    ['CO-253 sequestration', { group: 'CO', reason: '253' }, [], 'contractual', undefined],
    ['OA-23 prior payer adjudication', { group: 'OA', reason: '23' }, [], 'contractual', undefined],
    ['CO-16 missing information', { group: 'CO', reason: '16' }, ['MA130'], 'fix-and-resubmit', undefined],
    ['CO-16 without a remark', { group: 'CO', reason: '16' }, [], 'fix-and-resubmit', undefined],
    ['any code with MA130 (unprocessable)', { group: 'CO', reason: '181' }, ['MA130'], 'fix-and-resubmit', undefined],
    ['CO-4 modifier inconsistent', { group: 'CO', reason: '4' }, [], 'fix-and-resubmit', undefined],
    ['CO-109 wrong contractor', { group: 'CO', reason: '109' }, [], 'fix-and-resubmit', undefined],
    ['CO-181 code invalid on the date, processed: clerical', { group: 'CO', reason: '181' }, [], 'reopening', undefined],
    ['CO-182 modifier invalid on the date', { group: 'CO', reason: '182' }, [], 'reopening', undefined],
    ['CO-125 submission/billing error', { group: 'CO', reason: '125' }, [], 'reopening', undefined],
    ['CO-50 not medically necessary', { group: 'CO', reason: '50' }, ['N115'], 'appeal', undefined],
    ['CO-151 frequency', { group: 'CO', reason: '151' }, [], 'appeal', undefined],
    ['CO-150 with M3: same or similar', { group: 'CO', reason: '150' }, ['M3'], 'appeal', 'check-same-or-similar'],
    ['CO-150 without M3: level of service', { group: 'CO', reason: '150' }, [], 'appeal', undefined],
    ['CO-197 prior authorization absent', { group: 'CO', reason: '197' }, [], 'appeal', 'obtain-prior-auth'],
    ['CO-167 diagnosis not covered', { group: 'CO', reason: '167' }, [], 'appeal', undefined],
    ['CO-29 timely filing', { group: 'CO', reason: '29' }, [], 'write-off', undefined],
    ['CO-18 duplicate claim', { group: 'CO', reason: '18' }, [], 'write-off', undefined],
    ['OA-18 duplicate claim', { group: 'OA', reason: '18' }, [], 'write-off', undefined],
    ['CO-97 included in another service', { group: 'CO', reason: '97' }, [], 'write-off', undefined],
    ['CO-B7 supplier not eligible', { group: 'CO', reason: 'B7' }, [], 'write-off', undefined],
    ['CO-96 non-covered without an ABN', { group: 'CO', reason: '96' }, [], 'write-off', undefined],
    ['an unknown CO code keeps its appeal rights', { group: 'CO', reason: '999' }, [], 'appeal', undefined],
  ])('%s', (_name, code, remarks, treatment, prerequisite) => {
    const classification = classifyAdjustment(code, remarks);
    expect(classification.treatment).toBe(treatment);
    expect(classification.prerequisite).toBe(prerequisite);
    expect(classification.explanation).not.toBe('');
    expect(isDenial(code, remarks)).toBe(treatment !== 'contractual' && treatment !== 'patient-responsibility');
  });
});

describe('denialDecisions: one action per kind, the leading one first', () => {
  test('a CO-50 denial of two lines is one appeal for the sum, with every code', () => {
    expect(
      denialDecisions(
        [
          { group: 'CO', reason: '50', amount: 15_000, remarkCodes: ['N115'] },
          { group: 'CO', reason: '50', amount: 2_000, remarkCodes: ['N115'] },
        ],
        { claimPaid: 0 },
      ),
    ).toEqual([{ action: 'appeal', amount: 17_000, codes: ['CO-50', 'N115'], explanation: expect.stringContaining('medically necessary') }]);
  });

  test('an unprocessable line beside an appealable one: the claim is fixed and resubmitted first', () => {
    const decisions = denialDecisions(
      [
        { group: 'CO', reason: '50', amount: 3_000, remarkCodes: [] },
        { group: 'CO', reason: '16', amount: 4_000, remarkCodes: ['MA130'] },
      ],
      { claimPaid: 0 },
    );
    expect(decisions.map((decision) => [decision.action, decision.amount])).toEqual([
      ['fix-and-resubmit', 4_000],
      ['appeal', 3_000],
    ]);
  });

  test('an unprocessable line on a claim paid in part goes to a reopening, never a second claim for the paid lines', () => {
    const [decision] = denialDecisions([{ group: 'CO', reason: '16', amount: 4_000, remarkCodes: ['MA130'] }], { claimPaid: 5_247 });
    expect(decision).toMatchObject({ action: 'reopening', amount: 4_000, codes: ['CO-16', 'MA130'] });
  });

  test('contractual and ordinary patient shares are not denials; a PR denial is patient billing, last', () => {
    const decisions = denialDecisions(
      [
        { group: 'CO', reason: '45', amount: 8_307, remarkCodes: [] },
        { group: 'PR', reason: '2', amount: 1_339, remarkCodes: [] },
        { group: 'PR', reason: '96', amount: 2_000, remarkCodes: [] },
        { group: 'CO', reason: '29', amount: 500, remarkCodes: [] },
      ],
      { claimPaid: 0 },
    );
    expect(decisions.map((decision) => decision.action)).toEqual(['write-off', 'patient-billing']);
  });

  test('CO-197 carries its prerequisite: obtain the prior authorization before appealing', () => {
    expect(denialDecisions([{ group: 'CO', reason: '197', amount: 15_000, remarkCodes: [] }], { claimPaid: 0 })[0]).toMatchObject({
      action: 'appeal',
      prerequisite: 'obtain-prior-auth',
    });
  });

  test('appeal levels: reopening → redetermination → reconsideration → (human decision)', () => {
    expect(nextAppealLevel('reopening')).toBe('redetermination');
    expect(nextAppealLevel('redetermination')).toBe('reconsideration');
    expect(nextAppealLevel('reconsideration')).toBeUndefined();
  });
});
