import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { assess } from '../../src/assessment/assess.js';
import { whatIf, type WhatIfCase } from '../../src/assessment/whatIf.js';
import { Decimal } from '../../src/domain/money.js';
import { validateSnapshot } from '../../src/domain/snapshot.js';
import { parseWhatIfArgs, loadWhatIfRules } from '../../src/cli/whatIf.js';
import { RulesFileError } from '../../src/domain/errors.js';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/load.js';
import { buildSnapshot, type CaseSpec } from '../support/snapshots.js';

/** A copy of the shipped rules with the 2021 riksnorm for a single adult raised by `raise` kronor. */
export function rulesWithSingle2021Raised(raise: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'what-if-rules-'));
  cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
  const file = join(dir, 'riksnorm.yaml');
  const text = readFileSync(file, 'utf8');
  const line = 'adults: { single: "3160", cohabiting: "5700" }';
  if (!text.includes(line)) throw new Error('riksnorm.yaml: 2021 adults line not found');
  writeFileSync(file, text.replace(line, `adults: { single: "${3160 + raise}", cohabiting: "5700" }`));
  return dir;
}

const rules = loadRules();
const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Stored cases as the robot would have stored them under the shipped rules. */
function storedCases(specs: readonly CaseSpec[]): WhatIfCase[] {
  return specs.map((spec, i) => {
    const snapshot = buildSnapshot(spec) as { application: { id: string } };
    const caseId = `W-${String(i).padStart(3, '0')}`;
    snapshot.application.id = caseId;
    const validation = validateSnapshot(structuredClone(snapshot));
    if (!validation.ok) throw new Error(validation.errors.map((e) => `${e.field}: ${e.message}`).join('\n'));
    const proposal = assess(validation.snapshot, rules);
    return { caseId, snapshot, stored: { outcome: proposal.outcome, amount: proposal.amount } };
  });
}

const SINGLE_GRANTS: CaseSpec[] = [
  { month: '2021-03', costs: [{ type: 'rent', amount: '3500' }] },
  { month: '2021-04', costs: [{ type: 'rent', amount: '2000' }], children: [{ age: 5 }] },
  { month: '2021-05', costs: [{ type: 'rent', amount: '3000' }], incomes: [{ type: 'other', amount: '1250.50' }] },
];
const OTHERS: CaseSpec[] = [
  // A couple: the single adult's norm does not apply.
  { month: '2021-04', coApplicant: true, costs: [{ type: 'rent', amount: '5000' }] },
  // Income far above the norm: rejected before and after.
  { month: '2021-06', incomes: [{ type: 'other', amount: '40000' }] },
];

describe('what-if (pure)', () => {
  const cases = storedCases([...SINGLE_GRANTS, ...OTHERS]);

  it('the stored proposals are what the test expects', () => {
    expect(cases.slice(0, SINGLE_GRANTS.length).map((c) => c.stored!.outcome)).toEqual(SINGLE_GRANTS.map(() => 'PROPOSE_GRANT'));
    expect(cases.at(-1)!.stored!.outcome).toBe('PROPOSE_REJECT');
  });

  it('the same rules give zero changes', () => {
    const report = whatIf(cases, rules);
    expect(report.compared).toBe(cases.length);
    expect(report.outcomeChanged).toBe(0);
    expect(report.amountChanged).toBe(0);
    expect(report.changes).toEqual([]);
    expect(report.totals.difference).toBe('0');
    expect(report.totals.before).toBe(report.totals.after);
    expect(Object.keys(report.transitions).every((k) => k.split('->')[0] === k.split('->')[1])).toBe(true);
  });

  it('the same rules give zero changes for every worked case (test/cases)', () => {
    const dir = join(import.meta.dirname, '..', 'cases');
    const specs = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      // Cases whose snapshot is invalid on purpose are never stored, so never replayed.
      .flatMap((f) => (parse(readFileSync(join(dir, f), 'utf8')) as Array<{ given: CaseSpec; expect: { invalid?: unknown } }>).filter((w) => !w.expect.invalid).map((w) => w.given));
    const report = whatIf(storedCases(specs), rules);
    expect(report.compared).toBe(specs.length);
    expect(report.outcomeChanged + report.amountChanged).toBe(0);
  });

  it('2021 single-adult norm +100: every single-adult grant +100, totals exact', () => {
    const dir = rulesWithSingle2021Raised(100);
    made.push(dir);
    const raised = loadRules(dir);
    expect(raised.version).not.toBe(rules.version);
    const report = whatIf(cases, raised);

    expect(report.compared).toBe(5);
    expect(report.outcomeChanged).toBe(0);
    expect(report.amountChanged).toBe(SINGLE_GRANTS.length);
    for (const change of report.changes) {
      expect(change.after.outcome).toBe('PROPOSE_GRANT');
      expect(new Decimal(change.after.amount).minus(change.before.amount).toFixed()).toBe('100');
    }
    expect(report.changes.map((c) => c.caseId)).toEqual(cases.slice(0, SINGLE_GRANTS.length).map((c) => c.caseId));
    const before = cases.reduce((s, c) => s.plus(c.stored!.amount ?? '0'), new Decimal(0));
    expect(report.totals.before).toBe(before.toFixed());
    expect(report.totals.after).toBe(before.plus(300).toFixed());
    expect(report.totals.difference).toBe('300');
    expect(report.grantTotals.difference).toBe('300');
    expect(report.transitions).toEqual({ 'PROPOSE_GRANT->PROPOSE_GRANT': 4, 'PROPOSE_REJECT->PROPOSE_REJECT': 1 });
  });

  it('cases without proposal or with an invalid snapshot are skipped, by id', () => {
    const report = whatIf(
      [
        { caseId: 'X-1', snapshot: { nonsense: true }, stored: { outcome: 'MANUAL', amount: '0' } },
        { caseId: 'X-2', snapshot: undefined, stored: { outcome: 'MANUAL', amount: '0' } },
        { caseId: 'X-3', snapshot: cases[0]!.snapshot, stored: undefined },
      ],
      rules,
    );
    expect(report.compared).toBe(0);
    expect(report.skipped).toEqual([
      { caseId: 'X-1', reason: 'INVALID_SNAPSHOT' },
      { caseId: 'X-2', reason: 'NO_SNAPSHOT' },
      { caseId: 'X-3', reason: 'NO_PROPOSAL' },
    ]);
    expect(JSON.stringify(report)).not.toMatch(/\d{12}/);
  });

  it('the report carries no personal number', () => {
    const report = whatIf(cases, loadRules());
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/\d{10,12}/);
  });
});

describe('what-if arguments and rules folder', () => {
  it('parses the what-if arguments', () => {
    expect(parseWhatIfArgs(['--rules', '/r', '--month', '2021-03', '--municipality', '1287', '--text'])).toEqual({
      rulesDir: '/r',
      month: '2021-03',
      municipality: '1287',
      text: true,
    });
    expect(parseWhatIfArgs(['--rules', '/r', '--month', '2021-13', '--municipality', '1287'])).toMatch(/--month/);
    expect(parseWhatIfArgs(['--rules', '/r', '--month', '2021-03'])).toMatch(/--municipality/);
  });

  it('a bad rules folder names file and field', () => {
    const dir = rulesWithSingle2021Raised(0);
    made.push(dir);
    const file = join(dir, 'riksnorm.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('adults: { single: "3160"', 'adults: { single: "tre"'));
    const result = loadWhatIfRules(dir);
    expect(result).toBeInstanceOf(RulesFileError);
    const error = result as RulesFileError;
    expect(error.file).toBe('rules/riksnorm.yaml');
    expect(error.field).toMatch(/single/);
  });
});
