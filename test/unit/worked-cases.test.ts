import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assess } from '../../src/assessment/assess.js';
import { runCalc } from '../../src/cli/calc.js';
import { validateSnapshot } from '../../src/domain/snapshot.js';
import { loadRules } from '../../src/rules/load.js';
import { buildSnapshot, type CaseSpec } from '../support/snapshots.js';

/**
 * Runs every worked case in test/cases/*.yaml through validation, calculation and assessment,
 * and once more through the `calc` command, so the tables and the command cannot disagree.
 */
interface WorkedCase {
  case: string;
  source?: string;
  given: CaseSpec;
  expect: {
    outcome?: string;
    amount?: string;
    reasons?: string[];
    norm?: string;
    costs?: string;
    incomes?: string;
    result?: string;
    complete?: boolean;
    jobStimulus?: { periodStart: string; periodEnd: string } | null;
    lines?: Array<Record<string, string>>;
    warnings?: string[];
    warningsContain?: string[];
    /** Text each reason's details must contain, by reason code. */
    reasonDetailsContain?: Record<string, string[]>;
    /** The snapshot is invalid: these fields are named (and the message matches, when given). */
    invalid?: Array<{ field: string; message?: string }>;
  };
}

const casesDir = join(import.meta.dirname, '..', 'cases');
const rules = loadRules();

for (const file of readdirSync(casesDir).filter((f) => f.endsWith('.yaml')).sort()) {
  const cases = parse(readFileSync(join(casesDir, file), 'utf8')) as WorkedCase[];
  describe(`worked cases: ${file}`, () => {
    it('has cases', () => expect(cases.length).toBeGreaterThan(0));
    for (const worked of cases) {
      it(worked.case, () => {
        const input = buildSnapshot(worked.given);
        const validation = validateSnapshot(structuredClone(input));
        if (worked.expect.invalid) {
          expect(validation.ok, 'the snapshot is invalid').toBe(false);
          const errors = validation.ok ? [] : validation.errors;
          expect(errors.map((e) => e.field).sort()).toEqual(worked.expect.invalid.map((e) => e.field).sort());
          for (const want of worked.expect.invalid) {
            if (want.message) expect(errors.find((e) => e.field === want.field)!.message).toContain(want.message);
          }
          // calc refuses it the same way: exit 2, nothing on stdout.
          let out = '';
          const refused = runCalc(['-'], { readStdin: () => JSON.stringify(input), stdout: (t) => (out += t), stderr: () => {} });
          expect(refused).toBe(2);
          expect(out).toBe('');
          return;
        }
        if (!validation.ok) throw new Error(validation.errors.map((e) => `${e.field}: ${e.message}`).join('\n'));
        const proposal = assess(validation.snapshot, rules);
        const want = worked.expect;
        const c = proposal.calculation;

        if (want.outcome !== undefined) expect(proposal.outcome, 'outcome').toBe(want.outcome);
        if (want.amount !== undefined) expect(proposal.amount, 'amount').toBe(want.amount);
        if (want.reasons !== undefined) expect([...proposal.reasons].sort(), 'reasons').toEqual([...want.reasons].sort());
        if (want.norm !== undefined) expect(c.norm, 'norm').toBe(want.norm);
        if (want.costs !== undefined) expect(c.costs, 'costs').toBe(want.costs);
        if (want.incomes !== undefined) expect(c.incomes, 'incomes').toBe(want.incomes);
        if (want.result !== undefined) expect(c.result, 'result').toBe(want.result);
        if (want.complete !== undefined) expect(c.complete, 'complete').toBe(want.complete);
        if (want.jobStimulus !== undefined) expect(c.jobStimulus, 'jobStimulus').toEqual(want.jobStimulus);
        for (const line of want.lines ?? []) {
          expect(c.lines, `line ${JSON.stringify(line)}`).toContainEqual(expect.objectContaining(line));
        }
        if (want.warnings !== undefined) expect(proposal.warnings).toEqual(want.warnings);
        for (const text of want.warningsContain ?? []) {
          expect(proposal.warnings.some((w) => w.includes(text)), `a warning containing "${text}" in ${JSON.stringify(proposal.warnings)}`).toBe(true);
        }

        for (const [code, texts] of Object.entries(want.reasonDetailsContain ?? {})) {
          const messages = proposal.reasonDetails.filter((d) => d.code === code).map((d) => d.message).join('\n');
          for (const text of texts) expect(messages, `${code} details`).toContain(text);
        }

        // The calc command gives the same proposal for the same snapshot.
        let stdout = '';
        const code = runCalc(['-'], { readStdin: () => JSON.stringify(input), stdout: (t) => (stdout += t), stderr: () => {} });
        expect(code).toBe(0);
        expect(JSON.parse(stdout)).toEqual(JSON.parse(JSON.stringify(proposal)));
      });
    }
  });
}
