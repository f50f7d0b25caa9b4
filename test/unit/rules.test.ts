import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RulesFileError } from '../../src/domain/errors.js';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/load.js';
import { CHILD_BANDS, RULE_STATUSES, SHARED_SIZES } from '../../src/rules/schema.js';

const rules = loadRules();

describe('the rules files', () => {
  it('give every value a source and a status', () => {
    expect(rules.allValues.length).toBeGreaterThan(100);
    for (const value of rules.allValues) {
      expect(value.source.trim().length, value.rule).toBeGreaterThan(5);
      expect(RULE_STATUSES, value.rule).toContain(value.status);
      expect(value.file, value.rule).toMatch(/^rules\//);
    }
  });

  it('never let two values of one rule overlap in time', () => {
    const byRule = new Map<string, Array<{ from: string; to: string | null }>>();
    for (const v of rules.allValues) byRule.set(v.rule, [...(byRule.get(v.rule) ?? []), v]);
    for (const [rule, values] of byRule) {
      const sorted = [...values].sort((a, b) => a.from.localeCompare(b.from));
      sorted.forEach((v, i) => {
        const next = sorted[i + 1];
        if (next) expect(v.to !== null && v.to < next.from, `${rule}: ${v.from}–${v.to} overlaps ${next.from}`).toBe(true);
      });
    }
  });

  it('hold a riksnorm table for exactly the years the reference has, every day of them', () => {
    const years = ['2013', '2014', '2015', '2019', '2021', '2023', '2026'];
    for (const year of years) {
      for (const day of [`${year}-01-01`, `${year}-12-31`]) {
        expect(rules.amountAt('riksnorm.adults.single', day), day).toBeDefined();
        for (const band of CHILD_BANDS) expect(rules.amountAt(`riksnorm.children.${band}`, day), `${band} ${day}`).toBeDefined();
        for (const size of SHARED_SIZES) expect(rules.amountAt(`riksnorm.shared.${size}`, day), `${size} ${day}`).toBeDefined();
      }
    }
    for (const missing of ['2012-12-31', '2016-06-01', '2018-01-01', '2020-01-01', '2022-07-01', '2024-01-01', '2025-12-31', '2027-01-01']) {
      expect(rules.amountAt('riksnorm.adults.single', missing), missing).toBeUndefined();
    }
  });

  it('hold the official 2026 table of SoF (2025:468) 12 kap. 2 § (SFS 2025:1046) cell by cell', () => {
    // The statute's table, typed here from law-2025.md §3, not from the rules file.
    const table: Record<string, string> = {
      'adults.single': '3940',
      'adults.cohabiting': '7100',
      'children.0': '2740',
      'children.1-2': '3060',
      'children.3': '2720',
      'children.4-6': '3060',
      'children.7-10': '3820',
      'children.11-14': '4390',
      'children.15-18': '4960',
      'children.19-20': '5000',
      'childrenWithoutLunch.0': '2560',
      'childrenWithoutLunch.1-2': '2800',
      'childrenWithoutLunch.3': '2500',
      'childrenWithoutLunch.4-6': '2720',
      'shared.1': '1280',
      'shared.2': '1410',
      'shared.3': '1790',
      'shared.4': '2030',
      'shared.5': '2330',
      'shared.6': '2640',
      'shared.7': '2830',
    };
    for (const day of ['2026-01-01', '2026-06-01', '2026-12-31']) {
      for (const [rule, amount] of Object.entries(table)) {
        const entry = rules.amountAt(`riksnorm.${rule}`, day);
        expect(entry?.value.toFixed(0), `${rule} ${day}`).toBe(amount);
        expect(entry?.status, `${rule} ${day}`).toBe('official');
        expect(entry?.source, `${rule} ${day}`).toMatch(/SoF \(2025:468\) 12 kap\. 2 §.*SFS 2025:1046/);
      }
    }
    expect(rules.amountAt('riksnorm.childrenWithoutLunch.4-6', '2023-06-01')).toBeUndefined();
    expect(rules.allValues.filter((v) => v.rule.startsWith('riksnorm.') && v.status === 'provisional')).toEqual([]);
  });

  it('match the reference totals: 5 220 and 8 510 in 2026, and the "each extra" column = 7 − 6 persons', () => {
    const at = (rule: string, day: string) => rules.amountAt(`riksnorm.${rule}`, day)!.value;
    expect(at('adults.single', '2026-03-01').plus(at('shared.1', '2026-03-01')).toFixed(0)).toBe('5220');
    expect(at('adults.cohabiting', '2026-03-01').plus(at('shared.2', '2026-03-01')).toFixed(0)).toBe('8510');
    const eachExtra: Record<string, string> = { '2014-01-01': '170', '2019-01-01': '170', '2021-01-01': '170', '2023-01-01': '180', '2026-01-01': '190' };
    for (const [day, extra] of Object.entries(eachExtra)) {
      expect(at('shared.7', day).minus(at('shared.6', day)).toFixed(0), day).toBe(extra);
    }
    expect(at('shared.2', '2023-01-01').toFixed(0)).toBe('1250');
  });

  it('hold a prisbasbelopp for every year the riksnorm covers, official only with an SFS number', () => {
    const want: Record<string, string> = {
      '2013': '44500', '2014': '44400', '2015': '44500', '2016': '44300', '2017': '44800', '2018': '45500', '2019': '46500',
      '2020': '47300', '2021': '47600', '2022': '48300', '2023': '52500', '2024': '57300', '2025': '58800', '2026': '59200', '2027': '59600',
    };
    for (const [year, amount] of Object.entries(want)) {
      for (const day of [`${year}-01-01`, `${year}-12-31`]) {
        const entry = rules.amountAt('prisbasbelopp', day);
        expect(entry?.value.toFixed(0), day).toBe(amount);
        expect(entry?.status, day).toBe(/SFS \d{4}:\d+/.test(entry!.source) ? 'official' : 'secondary');
      }
    }
    expect(rules.amountAt('prisbasbelopp', '2026-05-01')!.source).toContain('SFS 2025:872');
    expect(rules.amountAt('prisbasbelopp', '2027-05-01')!.source).toContain('SFS 2026:1779');
    expect(rules.amountAt('prisbasbelopp', '2028-01-01')).toBeUndefined();
  });

  it("read Svedala's guidelines from Trelleborg's file, with both sources named", () => {
    const svedala = rules.municipality('1263')!.costRule('rent', '2026-03-01');
    const trelleborg = rules.municipality('1287')!.costRule('rent', '2026-03-01');
    expect(svedala.basis).toBe('cap');
    if (svedala.basis !== 'cap' || trelleborg.basis !== 'cap') return;
    expect(svedala.entry!.value).toEqual(trelleborg.entry!.value);
    expect(svedala.entry!.source).toContain('Svedala');
    expect(rules.municipality('1263')!.allowProvisionalRules).toBe(false);
    expect(rules.municipality('1287')!.allowProvisionalRules).toBe(false);
  });

  it('name each municipality as people read it, from its own file', () => {
    expect(rules.municipalityName('1287')).toBe('Trelleborgs kommun');
    expect(rules.municipalityName('1263')).toBe('Svedala kommun');
    expect(rules.municipalityName('1280')).toBeUndefined();
  });

  it('name the court of each municipality\'s domkrets, with its source, from its own file', () => {
    expect(rules.administrativeCourt('1287')).toBe('Förvaltningsrätten i Malmö');
    expect(rules.administrativeCourt('1263')).toBe('Förvaltningsrätten i Malmö');
    expect(rules.administrativeCourt('1280')).toBeUndefined();
    for (const code of ['1287', '1263']) {
      const source = rules.municipality(code)!.administrativeCourt.source;
      expect(source, code).toMatch(/1971:289\) om allmänna förvaltningsdomstolar 14 § andra stycket/);
      expect(source, code).toMatch(/5 § förordningen \(1977:937\)/);
      expect(source, code).toMatch(/Skåne län/);
      expect(source, code).toMatch(/Sekundär källa, lagtexten inte läst/);
    }
  });

  it("carry Trelleborg's grant delegation as provisional with the placeholder reference, and nothing for rejections", () => {
    const grant = rules.municipality('1287')!.automatedDecision('grant', '2026-11-29');
    expect(grant).toMatchObject({ status: 'provisional', rule: 'municipality.1287.automatedDecisions.grant', file: 'rules/municipalities/1287-trelleborg.yaml' });
    expect(grant!.value.reference).toContain('ska fyllas i av kommunen');
    expect(grant!.value.delegatedBy).toBe('Socialnämnden i Trelleborgs kommun');
    expect(grant!.source).toContain('2017:900) 28 §');
    expect(rules.municipality('1287')!.automatedDecision('reject', '2026-11-29')).toBeUndefined();
    expect(rules.municipality('1287')!.automatedDecision('grant', '2025-12-31')).toBeUndefined();
  });

  it("never give Svedala Trelleborg's delegation, though Svedala reads Trelleborg's guidelines", () => {
    for (const day of ['2021-03-01', '2026-01-01', '2026-11-29', '2030-01-01']) {
      expect(rules.municipality('1263')!.automatedDecision('grant', day), day).toBeUndefined();
      expect(rules.municipality('1263')!.automatedDecision('reject', day), day).toBeUndefined();
    }
    expect(rules.municipality('1263')!.guidelinesFrom?.code).toBe('1287');
  });

  it('say per municipality, each for itself, that the robot books the first meeting of a first application', () => {
    // Worked cases: municipality, date of receipt -> books?
    const table: Array<[string, string, boolean | undefined]> = [
      ['1287', '2026-12-01', true],
      ['1263', '2026-12-01', true],
      ['1287', '2021-06-04', true],
      ['1263', '2019-12-31', undefined], // before the rule: no rule, so no booking
      ['9999', '2026-12-01', undefined],
    ];
    for (const [code, date, books] of table) expect(rules.municipality(code)?.firstMeeting(date)?.value.book, `${code} ${date}`).toBe(books);
    // Svedala's switch is its own, not read through guidelinesFrom.
    expect(rules.municipality('1263')!.firstMeeting('2026-12-01')!.rule).toBe('municipality.1263.firstMeeting');
    expect(rules.municipality('1263')!.firstMeeting('2026-12-01')!.file).toBe('rules/municipalities/1263-svedala.yaml');
  });

  it('have a version that changes with the files', () => {
    expect(rules.version).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(loadRules().version).toBe(rules.version);
  });
});

describe('a bad rules file stops the robot, naming file and field', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function withEdit(file: string, edit: (text: string) => string): () => unknown {
    dir = mkdtempSync(join(tmpdir(), 'rules-'));
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    const path = join(dir, file);
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
    const target = dir;
    return () => loadRules(target);
  }

  const cases: Array<{ why: string; file: string; edit: (t: string) => string; field: RegExp; problem: RegExp }> = [
    { why: 'an amount that is not money', file: 'riksnorm.yaml', edit: (t) => t.replace('single: "2950"', 'single: "29,50"'), field: /periods\[0\]\.adults\.single/, problem: /belopp/ },
    { why: 'an amount written as a number', file: 'riksnorm.yaml', edit: (t) => t.replace('single: "2950"', 'single: 2950'), field: /periods\[0\]\.adults\.single/, problem: /citattecken|belopp/ },
    { why: 'a misspelt key', file: 'riksnorm.yaml', edit: (t) => t.replace('childrenWithoutLunch: { "0": "1610"', 'childrenWithoutLunh: { "0": "1610"'), field: /periods\[0\]/, problem: /.+/ },
    { why: 'a missing child band', file: 'riksnorm.yaml', edit: (t) => t.replace('"19-20": "3910" }', '}').replace(', }', ' }'), field: /periods\[1\]\.children\.19-20/, problem: /.+/ },
    { why: 'a status that does not exist', file: 'riksnorm.yaml', edit: (t) => t.replace('status: secondary\n    source: "SoF 2001:937 2 kap. 1 §; belopp enligt en kommuns', 'status: guessed\n    source: "SoF 2001:937 2 kap. 1 §; belopp enligt en kommuns'), field: /periods\[3\]\.status/, problem: /official, secondary eller provisional/ },
    { why: 'overlapping periods', file: 'riksnorm.yaml', edit: (t) => t.replace('from: "2019-01-01"', 'from: "2015-06-01"'), field: /riksnorm\./, problem: /överlappar/ },
    { why: 'a missing source', file: 'jobbstimulans.yaml', edit: (t) => t.replace(/    source: "SoL \(2001:453\) 4 kap. 1 b §.*\n/, ''), field: /values\[1\]\.source/, problem: /källa/ },
    { why: 'an income source without its source', file: 'incomes.yaml', edit: (t) => t.replace(/    source: "SoL \(2025:400\) 12 kap. 1 och 7 §§"\n/, ''), field: /^sources\[1\]\.source$/, problem: /källa/ },
    { why: 'an income source with a status that does not exist', file: 'incomes.yaml', edit: (t) => t.replace('    to: null\n    status: official', '    to: null\n    status: verified'), field: /^sources\[1\]\.status$/, problem: /official, secondary eller provisional/ },
    { why: 'income sources whose periods overlap', file: 'incomes.yaml', edit: (t) => t.replace('    to: "2025-06-30"', '    to: "2025-07-31"'), field: /^incomes$/, problem: /överlappar/ },
    { why: 'the old undated income source', file: 'incomes.yaml', edit: (t) => t.replace('sources:', 'source: "SoL (2001:453) 4 kap. 1 och 3 §§"\nsources:'), field: /.*/, problem: /source/ },
    { why: 'YAML that does not parse', file: 'incomes.yaml', edit: (t) => t.replace('types:', 'types: [oops'), field: /rad \d+|\(fil\)/, problem: /YAML/ },
    { why: 'a benefit mapped to an unknown income type', file: 'incomes.yaml', edit: (t) => t.replace('"Bostadsbidrag": housingAllowance', '"Bostadsbidrag": housingAllowence'), field: /ssbtekBenefits\.Bostadsbidrag/, problem: /housingAllowence/ },
    { why: 'guidelines from a municipality that is not there', file: 'municipalities/1263-svedala.yaml', edit: (t) => t.replace('code: "1287"', 'code: "1280"'), field: /guidelinesFrom\.code/, problem: /1280/ },
    { why: 'a cap with both a flat amount and household amounts', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace('        byHousehold:', '        amount: "100"\n        byHousehold:'), field: /costs\.rent\.values\[0\]/, problem: /antingen/ },
    { why: 'a delegation for an outcome that does not exist', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace('automatedDecisions:\n  grant:', 'automatedDecisions:\n  rejection:'), field: /^automatedDecisions$/, problem: /rejection/ },
    { why: 'a delegation date that does not exist', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace('    - from: "2026-01-01"\n      to: null\n      status: provisional', '    - from: "2026-02-30"\n      to: null\n      status: provisional'), field: /automatedDecisions\.grant\[0\]\.from/, problem: /datum/ },
    { why: 'a delegation that ends before it starts', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace('    - from: "2026-01-01"\n      to: null', '    - from: "2026-01-01"\n      to: "2025-12-31"'), field: /automatedDecisions\.grant/, problem: /före den börjar/ },
    { why: 'a delegation without its reference', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace(/      reference: .*\n/, ''), field: /automatedDecisions\.grant\[0\]\.reference/, problem: /reference/ },
    { why: 'a placeholder reference marked official', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace('    - from: "2026-01-01"\n      to: null\n      status: provisional', '    - from: "2026-01-01"\n      to: null\n      status: official'), field: /automatedDecisions\.grant\[0\]\.reference/, problem: /platshållare/ },
    { why: 'a first-meeting switch that is not true or false', file: 'municipalities/1263-svedala.yaml', edit: (t) => t.replace('book: true', 'book: "ja"'), field: /firstMeeting\[0\]\.book/, problem: /true eller false/ },
    { why: 'a first-meeting switch without a source', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace(/    book: true\n    source: .*\n/, '    book: true\n'), field: /firstMeeting\[0\]\.source/, problem: /källa/ },
    { why: 'a municipality without the name people read', file: 'municipalities/1263-svedala.yaml', edit: (t) => t.replace(/officialName: .*\n/, ''), field: /^officialName$/, problem: /officialName/ },
    { why: 'a municipality without its court', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace(/administrativeCourt:\n  name: .*\n  source: .*\n/, ''), field: /^administrativeCourt$/, problem: /administrativeCourt/ },
    { why: 'a court without a source', file: 'municipalities/1263-svedala.yaml', edit: (t) => t.replace(/(administrativeCourt:\n  name: .*\n)  source: .*\n/, '$1'), field: /administrativeCourt\.source/, problem: /källa/ },
    { why: 'a municipality without where to write and call', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace(/contact:\n(  .*\n|    .*\n)+/, ''), field: /^contact$/, problem: /postadress och telefonnummer/ },
    { why: 'an address of one line', file: 'municipalities/1263-svedala.yaml', edit: (t) => t.replace('    - "Socialtjänsten, ekonomiskt bistånd"\n    - "233 80 Svedala"\n', ''), field: /contact\.postalAddress/, problem: /minst två rader/ },
    { why: 'a phone number without its area code', file: 'municipalities/1287-trelleborg.yaml', edit: (t) => t.replace('phone: "0410-73 30 00"', 'phone: "73 30 00"'), field: /contact\.phone/, problem: /riktnummer/ },
    { why: 'a result rounded to öre', file: 'rounding.yaml', edit: (t) => t.replace('result: { places: 0', 'result: { places: 2'), field: /result\.places/, problem: /hela kronor/ },
  ];

  for (const c of cases) {
    it(c.why, () => {
      const load = withEdit(c.file, c.edit);
      let error: unknown;
      try {
        load();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(RulesFileError);
      const e = error as RulesFileError;
      expect(e.file).toBe(`rules/${c.file}`);
      expect(e.field).toMatch(c.field);
      expect(e.problem).toMatch(c.problem);
    });
  }

  it('a second riksnorm file is refused', () => {
    const load = withEdit('riksnorm.yaml', (t) => t);
    cpSync(join(dir!, 'riksnorm.yaml'), join(dir!, 'riksnorm-copy.yaml'));
    expect(load).toThrow(/exakt en fil med subject: riksnorm/);
  });
});
