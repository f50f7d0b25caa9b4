import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RulesFileError } from '../../src/domain/errors.js';
import { closedDaysOf, easterSunday, isBankDay, paymentDay, paymentDayAfterSigning, weekdayOf } from '../../src/norm/paymentDay.js';
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

describe('paymentDayAfterSigning: a payment day is never in the past', () => {
  const closed = rules.closedBankDaysAt('2026-01-01')!.value;
  const cases: Array<{ why: string; month: string; signedOn: string; payDay: string; movedFrom: string | null }> = [
    { why: 'signed before the payment day: the rule\'s day', month: '2026-04', signedOn: '2026-04-10', payDay: '2026-04-27', movedFrom: null },
    { why: 'signed on the payment day itself: that day', month: '2026-04', signedOn: '2026-04-27', payDay: '2026-04-27', movedFrom: null },
    { why: 'signed on the 28th (Tuesday): the next banking day, Wednesday the 29th', month: '2026-04', signedOn: '2026-04-28', payDay: '2026-04-29', movedFrom: '2026-04-27' },
    { why: 'signed Friday the 28th of August: over the weekend to Monday the 31st', month: '2026-08', signedOn: '2026-08-28', payDay: '2026-08-31', movedFrom: '2026-08-27' },
    { why: 'signed on 30 December: past Nyårsafton, Nyårsdagen and a weekend to 4 January', month: '2026-12', signedOn: '2026-12-30', payDay: '2027-01-04', movedFrom: '2026-12-23' },
    { why: 'a month signed long after: the banking day after signing', month: '2021-06', signedOn: '2026-11-20', payDay: '2026-11-23', movedFrom: '2021-06-24' },
  ];
  for (const c of cases) {
    it(c.why, () => {
      expect(paymentDayAfterSigning(COMMON, c.month, closed, c.signedOn)).toEqual({ payDay: c.payDay, movedFrom: c.movedFrom });
    });
  }

  it('is never before the signing day nor before the rule\'s day, and is a banking day (every day of 2026)', () => {
    for (let t = Date.UTC(2026, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
      const signedOn = new Date(t).toISOString().slice(0, 10);
      const month = signedOn.slice(0, 7);
      const { payDay } = paymentDayAfterSigning(COMMON, month, closed, signedOn);
      expect(payDay >= signedOn, signedOn).toBe(true);
      expect(payDay >= paymentDay(COMMON, month, closed), signedOn).toBe(true);
      expect(isBankDay(payDay, closedDaysOf(Number(payDay.slice(0, 4)), closed)), signedOn).toBe(true);
    }
  });
});

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

describe('banking days (rules/bankdays.yaml): a payment day never lands on a day banks are closed', () => {
  const closed = rules.closedBankDaysAt('2026-01-01')!.value;

  it.each([
    [2019, '2019-04-21'],
    [2024, '2024-03-31'],
    [2025, '2025-04-20'],
    [2026, '2026-04-05'],
    [2027, '2027-03-28'],
    [2038, '2038-04-25'],
  ])('Easter Sunday %i is %s', (year, date) => {
    expect(easterSunday(year)).toBe(date);
  });

  it('names the closed weekdays of 2026 by the rule', () => {
    const days = closedDaysOf(2026, closed);
    expect(Object.fromEntries(days)).toEqual({
      '2026-01-01': 'Nyårsdagen',
      '2026-01-06': 'Trettondedag jul',
      '2026-04-03': 'Långfredagen',
      '2026-04-06': 'Annandag påsk',
      '2026-05-14': 'Kristi himmelsfärdsdag',
      '2026-05-01': 'Första maj',
      '2026-06-06': 'Sveriges nationaldag',
      '2026-06-19': 'Midsommarafton',
      '2026-12-24': 'Julafton',
      '2026-12-25': 'Juldagen',
      '2026-12-26': 'Annandag jul',
      '2026-12-31': 'Nyårsafton',
    });
    expect(isBankDay('2026-06-19', days)).toBe(false);
    expect(isBankDay('2026-06-18', days)).toBe(true);
    expect(isBankDay('2026-06-20', days)).toBe(false); // a Saturday
  });

  it.each([
    // The 27th on a Saturday gives the 26th, Annandag jul; Juldagen and Julafton before it: the 23rd.
    ['2025-12', '2025-12-23'],
    // The 27th on a Sunday gives the 25th, Juldagen; then Julafton: the 23rd.
    ['2026-12', '2026-12-23'],
    ['2020-12', '2020-12-23'],
    // A weekday 27th that is not a holiday stays.
    ['2026-03', '2026-03-27'],
    ['2024-12', '2024-12-27'],
    // A Saturday 27th moved to a Friday that is not a holiday stays.
    ['2026-06', '2026-06-26'],
  ])('%s: paid on %s', (month, day) => {
    expect(paymentDay(COMMON, month, rules.closedBankDaysAt(`${month}-01`)!.value)).toBe(day);
  });

  it('for every month 2013–2035: a banking day, in the month, never later than the weekend rule alone', () => {
    for (let year = 2013; year <= 2035; year++) {
      const days = closedDaysOf(year, closed);
      for (let m = 1; m <= 12; m++) {
        const month = `${year}-${String(m).padStart(2, '0')}`;
        const day = paymentDay(COMMON, month, closed);
        expect(day.slice(0, 7)).toBe(month);
        expect(isBankDay(day, days), day).toBe(true);
        expect(day <= paymentDay(COMMON, month)).toBe(true);
        expect(Number(day.slice(8))).toBeGreaterThanOrEqual(20);
      }
    }
  });

  it('a bad closed day stops the robot, naming file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
      const path = join(dir, 'bankdays.yaml');
      writeFileSync(path, readFileSync(path, 'utf8').replace('date: "12-24"', 'date: "24-12"'));
      let error: unknown;
      try {
        loadRules(dir);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RulesFileError);
      expect((error as RulesFileError).file).toBe('rules/bankdays.yaml');
      expect((error as RulesFileError).field).toMatch(/values\[0\]\.closed\[8\]/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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
        // Put first in the list: the file goes on with other settings after paymentDay.
        edit: (t) => t.replace('\npaymentDay:\n', '\npaymentDay:\n  - from: "2020-01-01"\n    to: null\n    status: secondary\n    source: "En andra regel som överlappar"\n    day: 25\n    ifSaturday: 24\n    ifSunday: 23\n'),
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
