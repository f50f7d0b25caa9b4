import { describe, expect, it } from 'vitest';
import { automationFor } from '../../src/decisions/automation.js';
import type { Proposal } from '../../src/domain/proposal.js';
import type { ReasonCode } from '../../src/domain/reasons.js';
import { loadRules } from '../../src/rules/load.js';
import { rulesWithDelegation, TEST_DELEGATED_BY, TEST_REFERENCE } from '../support/automationRules.js';

/**
 * When may the robot decide itself (src/decisions/automation.ts)? Worked cases: only a renewal
 * proposed with no reason and no warning, a rejection only when rejections are delegated, only
 * under the municipality's own official delegation in force on the day of the decision.
 */
const grantsDelegated = rulesWithDelegation({ grant: true });
const bothDelegated = rulesWithDelegation({ grant: true, reject: true });
const shipped = loadRules();
const TODAY = '2026-11-29';

function proposal(change: Partial<Proposal> & { complete?: boolean } = {}): Proposal {
  const { complete = true, ...rest } = change;
  return {
    caseId: 'A-2026-000001',
    month: '2026-03',
    municipality: '1287',
    outcome: 'PROPOSE_GRANT',
    amount: '6500',
    reasons: [],
    reasonDetails: [],
    calculation: { norm: '3000.00', costs: '3500.00', incomes: '0.00', result: '6500', lines: [], complete },
    warnings: [],
    rulesVersion: 'test',
    ...rest,
  };
}
const reject = (reasons: ReasonCode[], change: Partial<Proposal> = {}) => proposal({ outcome: 'PROPOSE_REJECT', amount: '0', reasons, ...change });

const cases: Array<{ why: string; p: Proposal; kind?: string; rules?: typeof shipped; day?: string; decide: boolean; because?: RegExp }> = [
  { why: 'a clean renewal grant, grants delegated', p: proposal(), decide: true },
  { why: 'the same in Svedala, whose file delegates nothing', p: proposal({ municipality: '1263' }), decide: false, because: /no delegation/ },
  { why: 'a first application', p: proposal(), kind: 'new', decide: false, because: /renewal/ },
  { why: 'a grant with a warning', p: proposal({ warnings: ['Beräkningen använder preliminära regelvärden'] }), decide: false, because: /warnings/ },
  { why: 'an incomplete calculation', p: proposal({ complete: false }), decide: false, because: /incomplete/ },
  { why: 'a grant that somehow carries a reason', p: proposal({ reasons: ['INCOME_EXCEEDS_NORM'] }), decide: false, because: /reasons/ },
  { why: 'a MANUAL proposal', p: proposal({ outcome: 'MANUAL', reasons: ['VEHICLE_OWNED'] }), decide: false, because: /MANUAL/ },
  { why: 'a rejection when only grants are delegated', p: reject(['INCOME_EXCEEDS_NORM']), decide: false, because: /no delegation for reject/ },
  { why: 'a rejection when rejections are delegated', p: reject(['INCOME_EXCEEDS_NORM']), rules: bothDelegated, decide: true },
  { why: 'a rejection for not standing at the labour market, delegated', p: reject(['NOT_ACTIVE_JOBSEEKER']), rules: bothDelegated, decide: true },
  { why: 'a delegated rejection with a warning', p: reject(['INCOME_EXCEEDS_NORM'], { warnings: ['x'] }), rules: bothDelegated, decide: false, because: /warnings/ },
  { why: 'a delegated rejection beside a manual reason', p: reject(['NEW_APPLICATION', 'INCOME_EXCEEDS_NORM']), rules: bothDelegated, decide: false },
  { why: 'the shipped file: the delegation is provisional (placeholder reference)', p: proposal(), rules: shipped, decide: false, because: /provisional/ },
  { why: 'a day before the delegation holds', p: proposal(), day: '2019-12-31', decide: false, because: /no delegation/ },
];

describe('automationFor: may the robot decide itself?', () => {
  for (const c of cases) {
    it(c.why, () => {
      const check = automationFor(c.p, c.kind ?? 'renewal', c.rules ?? grantsDelegated, c.day ?? TODAY);
      expect(check.decide).toBe(c.decide);
      if (!check.decide && c.because) expect(check.why).toMatch(c.because);
    });
  }

  it('a decision carries the delegation as the rules file gives it', () => {
    const check = automationFor(proposal(), 'renewal', grantsDelegated, TODAY);
    expect(check).toEqual({
      decide: true,
      delegation: {
        rule: 'municipality.1287.automatedDecisions.grant',
        reference: TEST_REFERENCE,
        delegatedBy: TEST_DELEGATED_BY,
        from: '2020-01-01',
        source: 'Förvaltningslagen (2017:900) 28 §; testvärde',
      },
    });
  });
});
