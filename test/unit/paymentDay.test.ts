import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RulesFileError } from '../../src/domain/errors.js';
import { paymentDay, weekdayOf } from '../../src/norm/paymentDay.js';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/load.js';

const rules = loadRules();
const COMMON = { day: 27, ifSaturday: 26, ifSunday: 25 };

/** Worked cases on the real calendar: the 27th on a Saturday, on a Sunday, on a weekday. */
const WORKED: Array<{ month: string; weekdayOf27th: string; payDay: string }> = [
  { month: '2024-01', weekdayOf27th: 'lördag', payDay: '2024-01-26' },
  { month: '2025-09', weekdayOf27th: 'lördag', payDay: '2025-09-26' },
  { month: '2025-12', weekdayOf27th: 'lördag', payDay: '2025-12-26' },
  { month: '2026-06', weekdayOf27th: 'lördag', payDay: '2026-06-26' },
  { month: '2021-06', weekdayOf27th: 'söndag', payDay: '2021-06-25' },
  { month: '2024-10', weekdayOf27th: 'söndag', payDay: '2024-10-25' },
  { month: '2025-04', weekdayOf27th: 'söndag', payDay: '2025-04-25' },
  { month: '2026-09', weekdayOf27th: 'söndag', payDay: '2026-09-25' },
  { month: '2024-02', weekdayOf27th: 'tisdag', payDay: '2024-02-27' },
  { month: '2026-01', weekdayOf27th: 'tisdag', payDay: '2026-01-27' },
  { month: '2026-03', weekdayOf27th: 'fredag', payDay: '2026-03-27' },
  { month: '2026-04', weekdayOf27th: 'måndag', payDay: '2026-04-27' },
];
const WEEKDAYS = ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'];

describe('paymentDay(rule, month): the 27th, Saturday -> 26th, Sunday -> 25th', () => {
  for (const c of WORKED) {
    it(`${c.month}: the 27th is a ${c.weekdayOf27th} -> ${c.payDay}`, () => {
      expect(WEEKDAYS[weekdayOf(`${c.month}-27`)]).toBe(c.weekdayOf27th);
      expect(paymentDay(COMMON, c.month)).toBe(c.payDay);
    });
  }

  it('never falls on a weekend and never leaves the month, for every month 2013–2030', () => {
    for (let year = 2013; year <= 2030; year++) {
      for (let m = 1; m <= 12; m++) {
        const month = `${year}-${String(m).padStart(2, '0')}`;
        const day = paymentDay(COMMON, month);
        expect(day.slice(0, 7)).toBe(month);
        expect([0, 6]).not.toContain(weekdayOf(day));
        expect(['25', '26', '27']).toContain(day.slice(8));
      }
    }
  });

  it('refuses a month that is not YYYY-MM', () => {
    expect(() => paymentDay(COMMON, '2026-13')).toThrow(/YYYY-MM/);
  });
});

describe('the payment-day rule in the rules folder', () => {
  it("is Trelleborg's, dated and sourced, status secondary; Svedala reads it via guidelinesFrom", () => {
    const trelleborg = rules.municipality('1287')!.paymentDay('2026-06-01');
    expect(trelleborg).toBeDefined();
    expect(trelleborg!.value).toEqual(COMMON);
    expect(trelleborg!.status).toBe('secondary');
    expect(trelleborg!.rule).toBe('municipality.1287.paymentDay');
    expect(trelleborg!.file).toBe('rules/municipalities/1287-trelleborg.yaml');
    expect(trelleborg!.source).toMatch(/en kommuns regel/i);
    const svedala = rules.municipality('1263')!.paymentDay('2026-06-01');
    expect(svedala!.value).toEqual(COMMON);
    expect(svedala!.rule).toBe('municipality.1287.paymentDay');
    expect(svedala!.source).toMatch(/samverkansavtal/);
    expect(rules.municipality('1287')!.paymentDay('2012-12-31')).toBeUndefined();
  });

  describe('a bad payment-day entry stops the robot, naming file and field', () => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });
    function load(file: string, edit: (text: string) => string): RulesFileError {
      dir = mkdtempSync(join(tmpdir(), 'rules-'));
      cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
      const path = join(dir, file);
      const before = readFileSync(path, 'utf8');
      const after = edit(before);
      expect(after).not.toBe(before);
      writeFileSync(path, after);
      try {
        loadRules(dir);
      } catch (error) {
        expect(error).toBeInstanceOf(RulesFileError);
        return error as RulesFileError;
      }
      throw new Error('expected the rules to be refused');
    }
    const T = 'municipalities/1287-trelleborg.yaml';
    const cases: Array<{ why: string; file: string; edit: (t: string) => string; field: RegExp; problem: RegExp }> = [
      { why: 'a day past the 28th', file: T, edit: (t) => t.replace('day: 27', 'day: 31'), field: /paymentDay\[0\]\.day/, problem: /1 och 28/ },
      { why: 'a day written as text', file: T, edit: (t) => t.replace('day: 27', 'day: "27"'), field: /paymentDay\[0\]\.day/, problem: /heltal/ },
      { why: 'a weekend day after the day', file: T, edit: (t) => t.replace('ifSunday: 25', 'ifSunday: 28'), field: /paymentDay\[0\]/, problem: /före day/ },
      { why: 'a misspelt key', file: T, edit: (t) => t.replace('ifSaturday: 26', 'ifSaturdy: 26'), field: /paymentDay\[0\]/, problem: /.+/ },
      { why: 'a missing source', file: T, edit: (t) => t.replace(/    source: "En kommuns regel.*\n/, ''), field: /paymentDay\[0\]\.source/, problem: /källa/ },
      { why: 'a status that does not exist', file: T, edit: (t) => t.replace('status: secondary\n    source: "En kommuns', 'status: sure\n    source: "En kommuns'), field: /paymentDay\[0\]\.status/, problem: /official, secondary eller provisional/ },
      {
        why: 'overlapping periods',
        file: T,
        edit: (t) => `${t}  - from: "2020-01-01"\n    to: null\n    status: secondary\n    source: "En andra regel som överlappar"\n    day: 25\n    ifSaturday: 24\n    ifSunday: 23\n`,
        field: /municipality\.1287\.paymentDay/,
        problem: /överlappar/,
      },
      {
        why: 'a municipality with guidelinesFrom that also gives its own payment day',
        file: 'municipalities/1263-svedala.yaml',
        edit: (t) => `${t}paymentDay:\n  - { from: "2013-01-01", to: null, status: secondary, source: "Svedalas egen regel", day: 25, ifSaturday: 24, ifSunday: 23 }\n`,
        field: /paymentDay/,
        problem: /guidelinesFrom/,
      },
    ];
    for (const c of cases) {
      it(c.why, () => {
        const e = load(c.file, c.edit);
        expect(e.file).toBe(`rules/${c.file}`);
        expect(e.field).toMatch(c.field);
        expect(e.problem).toMatch(c.problem);
      });
    }
  });
});
