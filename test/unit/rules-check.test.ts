import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRules } from '../../src/cli/rules.js';
import { comingMonth, ruleGaps } from '../../src/rules/coverage.js';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/load.js';
import { ruleTodos } from '../../src/web/admin/todo.js';

const rules = loadRules();

function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = runRules(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('which rules the coming month lacks', () => {
  it('January 2027: every riksnorm cell is missing (prisbasbelopp 2027 is there); the asset buffer is provisional in both municipalities', () => {
    const gaps = ruleGaps(rules, '2027-01');
    const missing = gaps.filter((g) => g.problem === 'missing');
    expect(missing.map((g) => g.rule)).toHaveLength(21);
    expect(missing.every((g) => g.rule.startsWith('riksnorm.') && g.municipality === null && g.file === 'rules/riksnorm.yaml')).toBe(true);
    expect(gaps.some((g) => g.rule === 'prisbasbelopp')).toBe(false);
    expect(gaps.filter((g) => g.problem === 'provisional')).toEqual([
      { municipality: '1263', rule: 'municipality.1287.assetBuffer', problem: 'provisional', file: 'rules/municipalities/1287-trelleborg.yaml' },
      { municipality: '1287', rule: 'municipality.1287.assetBuffer', problem: 'provisional', file: 'rules/municipalities/1287-trelleborg.yaml' },
    ]);
  });

  it('2028 lacks the prisbasbelopp too; 2026 lacks nothing', () => {
    expect(ruleGaps(rules, '2028-01').some((g) => g.rule === 'prisbasbelopp' && g.problem === 'missing')).toBe(true);
    expect(ruleGaps(rules, '2026-06').filter((g) => g.problem === 'missing')).toEqual([]);
  });

  it('the coming month is the next one, from the first day of the month before', () => {
    expect(comingMonth('2026-12-01')).toBe('2027-01');
    expect(comingMonth('2026-11-30')).toBe('2026-12');
  });

  it('the admin item names it per municipality, urgent when something is missing', () => {
    const items = ruleTodos(rules, ['1287', '1263'], '2026-12-01');
    expect(items.map((i) => [i.municipality, i.urgent])).toEqual([
      ['1263', true],
      ['1287', true],
    ]);
    expect(items[1]!.text).toBe('Regler för 2027-01: saknas: riksnormen (21 värden); preliminärt: buffert för tillgångar i Trelleborgs kommun. Kontrollera med npm run rules -- check --month 2027-01.');
    expect(ruleTodos(rules, ['1287'], '2026-11-02').map((i) => i.urgent)).toEqual([false]);
  });
});

describe('npm run rules -- check --month', () => {
  it('January 2027: prints what is missing and exits 1', () => {
    const { code, stdout } = run(['check', '--month', '2027-01']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/för 2027-01: 21 saknas, 2 preliminära/);
    expect(stdout).toContain('alla kommuner: riksnorm.adults.single saknas för 2027-01 (rules/riksnorm.yaml)');
    expect(stdout).toContain('1287: municipality.1287.assetBuffer är preliminärt för 2027-01');
  });

  it('a month with every rule (only provisional values) exits 0', () => {
    const { code, stdout } = run(['check', '--month', '2026-12']);
    expect(code).toBe(0);
    expect(stdout).toContain('0 saknas, 2 preliminära');
  });

  it('after the 2027 table is entered the check passes (the yearly procedure)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
      const file = join(dir, 'riksnorm.yaml');
      const text = readFileSync(file, 'utf8');
      const period2026 = text.slice(text.indexOf('  - from: "2026-01-01"'));
      writeFileSync(file, text + period2026.replace('from: "2026-01-01"', 'from: "2027-01-01"').replace('to: "2026-12-31"', 'to: "2027-12-31"'));
      const { code, stdout } = run(['check', '--month', '2027-01', '--rules', dir]);
      expect(code).toBe(0);
      expect(stdout).toContain('0 saknas');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad arguments: exit 2 with the argument named', () => {
    expect(run(['check', '--month', '2027-13'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--month ska vara ÅÅÅÅ-MM') });
    expect(run(['kolla'])).toMatchObject({ code: 2, stderr: expect.stringContaining('okänt kommando: kolla') });
  });

  it('a bad rules folder: exit 1 with file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
      const file = join(dir, 'prisbasbelopp.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('amount: "59600"', 'amount: "59 600"'));
      const { code, stderr } = run(['check', '--month', '2027-01', '--rules', dir]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/rules\/prisbasbelopp\.yaml: values\[14\]\.amount/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
