import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assess } from '../../src/assessment/assess.js';
import { Decimal, sum } from '../../src/domain/money.js';
import type { Proposal } from '../../src/domain/proposal.js';
import { validateSnapshot, type CaseSnapshot } from '../../src/domain/snapshot.js';
import { loadRules } from '../../src/rules/load.js';
import { caseSpec, snapshotInput, amount } from '../support/arbitraries.js';
import { buildSnapshot, birthDateForAge, personalNumber } from '../support/snapshots.js';

const rules = loadRules();
const RUNS = { numRuns: 400 };

function valid(input: unknown): CaseSnapshot {
  const v = validateSnapshot(structuredClone(input));
  if (!v.ok) throw new Error(v.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  return v.snapshot;
}

function propose(input: unknown): Proposal {
  return assess(valid(input), rules);
}

const total = (p: Proposal, kind: string) => sum(p.calculation.lines.filter((l) => l.kind === kind).map((l) => new Decimal(l.amount)));

describe('money invariants', () => {
  it('the amount is whole kronor, never negative, and max(result, 0)', () => {
    fc.assert(
      fc.property(snapshotInput, (input) => {
        const p = propose(input);
        expect(p.amount).toMatch(/^(0|[1-9]\d*)$/);
        expect(p.amount).toBe(Decimal.max(new Decimal(p.calculation.result), 0).toFixed(0));
      }),
      RUNS,
    );
  });

  it('the lines add up exactly to the totals, and the result is their half-up rounding', () => {
    fc.assert(
      fc.property(snapshotInput, (input) => {
        const c = propose(input).calculation;
        expect(total({ calculation: c } as Proposal, 'norm').toFixed(2)).toBe(c.norm);
        expect(total({ calculation: c } as Proposal, 'cost').toFixed(2)).toBe(c.costs);
        expect(total({ calculation: c } as Proposal, 'income').toFixed(2)).toBe(c.incomes);
        const exact = new Decimal(c.norm).plus(c.costs).minus(c.incomes);
        expect(c.result).toBe(exact.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0).replace(/^-0$/, '0'));
      }),
      RUNS,
    );
  });

  it('adding an income never raises the amount', () => {
    fc.assert(
      fc.property(caseSpec, fc.constantFrom('salary', 'other', 'pension', 'childAllowance'), amount, (spec, type, extra) => {
        const before = propose(buildSnapshot(spec));
        const after = propose(buildSnapshot({ ...spec, incomes: [...(spec.incomes ?? []), { type, amount: extra }] }));
        expect(new Decimal(after.amount).lessThanOrEqualTo(before.amount)).toBe(true);
      }),
      RUNS,
    );
  });

  it('adding a member never lowers the norm', () => {
    fc.assert(
      fc.property(caseSpec, fc.integer({ min: 0, max: 20 }), fc.boolean(), (spec, age, lunchAtHome) => {
        const before = propose(buildSnapshot(spec));
        const withChild = propose(buildSnapshot({ ...spec, children: [...(spec.children ?? []), { age, lunchAtHome, inSchool: true }] }));
        expect(new Decimal(withChild.calculation.norm).greaterThanOrEqualTo(before.calculation.norm)).toBe(true);
        if (!spec.coApplicant) {
          const withPartner = propose(buildSnapshot({ ...spec, coApplicant: true }));
          expect(new Decimal(withPartner.calculation.norm).greaterThanOrEqualTo(before.calculation.norm)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('a snapshot gives the same proposal every time, also after a JSON round trip of the snapshot', () => {
    fc.assert(
      fc.property(snapshotInput, (input) => {
        const snapshot = valid(input);
        const first = assess(snapshot, rules);
        const again = assess(valid(JSON.parse(JSON.stringify(snapshot))), rules);
        expect(again).toEqual(first);
        expect(JSON.stringify(again)).toBe(JSON.stringify(first));
      }),
      RUNS,
    );
  });

  it('a JSON round trip of the proposal keeps every amount exact', () => {
    fc.assert(
      fc.property(snapshotInput, (input) => {
        const p = propose(input);
        const back = JSON.parse(JSON.stringify(p)) as Proposal;
        expect(back).toEqual(p);
        for (const line of back.calculation.lines) {
          expect(typeof line.amount).toBe('string');
          expect(new Decimal(line.amount).toFixed(2)).toBe(line.amount);
        }
      }),
      RUNS,
    );
  });

  it('outcome follows the reasons: manual before reject before grant', () => {
    fc.assert(
      fc.property(snapshotInput, (input) => {
        const p = propose(input);
        const manual = p.reasons.some((r) => r !== 'NOT_ACTIVE_JOBSEEKER' && r !== 'INCOME_EXCEEDS_NORM');
        const expected = manual ? 'MANUAL' : p.reasons.length > 0 ? 'PROPOSE_REJECT' : 'PROPOSE_GRANT';
        expect(p.outcome).toBe(expected);
        if (p.outcome === 'PROPOSE_GRANT') expect(new Decimal(p.amount).greaterThan(0)).toBe(true);
      }),
      RUNS,
    );
  });

  it('no personal number appears in reasons, warnings or labels', () => {
    fc.assert(
      fc.property(snapshotInput, (input) => {
        const snapshot = valid(input);
        const p = assess(snapshot, rules);
        const text = JSON.stringify({ r: p.reasonDetails, w: p.warnings, l: p.calculation.lines });
        const numbers = [snapshot.application.applicant.personalNumber, ...snapshot.application.children.map((c) => c.personalNumber)];
        for (const pn of numbers) {
          expect(text).not.toContain(pn);
          expect(text).not.toContain(pn.slice(2, 8));
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('property helpers', () => {
  it('birthDateForAge gives the asked age on the first of the month', () => {
    const pn = personalNumber(birthDateForAge('2026-03', 7));
    expect(pn.startsWith('20180315')).toBe(true);
  });
});
