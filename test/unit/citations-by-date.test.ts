import { describe, expect, it } from 'vitest';
import { assess } from '../../src/assessment/assess.js';
import { cite } from '../../src/domain/legalBasis.js';
import type { TraceLine } from '../../src/domain/proposal.js';
import { validateSnapshot } from '../../src/domain/snapshot.js';
import { bookingPurpose, lookupPurpose, outboundPurpose } from '../../src/robot/purposes.js';
import { loadRules } from '../../src/rules/load.js';
import { buildSnapshot, type CaseSpec } from '../support/snapshots.js';

/**
 * The robot cites the law in force on the date a citation applies to: SoL (2001:453) to
 * 2025-06-30, SoL (2025:400) from 2025-07-01 (reference/law-2025.md). Worked cases per
 * citation, a table month -> expected citation with months on both sides of the change.
 * In a case the month decides the rules values' sources; the application is received on the
 * first of the month, so the provisions composed by date (domain/legalBasis.ts) agree.
 */
const rules = loadRules();

function linesOf(spec: CaseSpec): TraceLine[] {
  const validation = validateSnapshot(buildSnapshot(spec));
  if (!validation.ok) throw new Error(validation.errors.map((e) => `${e.field}: ${e.message}`).join('\n'));
  return assess(validation.snapshot, rules).calculation.lines;
}

function line(lines: TraceLine[], rule: string): TraceLine {
  const found = lines.find((l) => l.rule === rule);
  if (!found) throw new Error(`no line ${rule} in ${lines.map((l) => l.rule).join(', ')}`);
  return found;
}

/** One worked case per row of a table date -> expected citation: `check` runs as it("<date>: <expected>"). */
function eachRow(table: ReadonlyArray<readonly [date: string, expected: string]>, check: (date: string, expected: string) => void): void {
  for (const [date, expected] of table) it(`${date}: ${expected}`, () => check(date, expected));
}

const OLD_UNCHECKED = '(hänvisningen är inte kontrollerad mot den upphävda lagtexten)';

describe('an income line without a source of its own cites rules/incomes.yaml by month', () => {
  const table: Array<[month: string, source: string]> = [
    ['2013-07', `SoL (2001:453) 4 kap. 1 och 3 §§ ${OLD_UNCHECKED}; SOSFS 2013:1`],
    ['2025-06', `SoL (2001:453) 4 kap. 1 och 3 §§ ${OLD_UNCHECKED}; SOSFS 2013:1`],
    ['2025-07', 'SoL (2025:400) 12 kap. 1 och 7 §§'],
    ['2026-03', 'SoL (2025:400) 12 kap. 1 och 7 §§'],
  ];
  eachRow(table, (month, source) => {
    const lines = linesOf({ month, incomes: [{ type: 'salary', amount: '1000' }] });
    expect(line(lines, 'incomes.types.salary').source).toBe(source);
    // A registered income adds where it was reported to the same ground.
    const registered = linesOf({ month, incomes: [{ type: 'sicknessBenefit', amount: '2100' }], payments: [{ agency: 'FK', benefit: 'Sjukpenning', net: '2100' }] });
    expect(line(registered, 'incomes.types.sicknessBenefit').source).toMatch(new RegExp(`^${source.replace(/[()§.]/g, '\\$&')}; registrerat i SSBTEK \\(FK\\)`));
  });

  it('a type with a source of its own keeps it in every month', () => {
    for (const month of ['2025-06', '2025-07']) {
      const lines = linesOf({ month, incomes: [{ type: 'disabilityAllowance', amount: '500' }] });
      expect(line(lines, 'incomes.types.disabilityAllowance').source, month).toBe('SOSFS 2013:1: ersättning för merkostnader ska inte räknas som inkomst');
    }
  });

  it('the ground is dated data: old law secondary (not read in the statute), new law official', () => {
    expect(rules.incomes.sourceAt('2025-06-30')).toMatchObject({ rule: 'incomes', status: 'secondary', to: '2025-06-30', file: 'rules/incomes.yaml' });
    expect(rules.incomes.sourceAt('2025-07-01')).toMatchObject({ rule: 'incomes', status: 'official', from: '2025-07-01', to: null });
    expect(rules.incomes.sourceAt('2012-12-31')).toBeUndefined();
    expect(rules.allValues.filter((v) => v.rule === 'incomes')).toHaveLength(2);
  });

  it('a month before the first period has no ground: the calculation is incomplete, not given another month\'s', () => {
    const validation = validateSnapshot(buildSnapshot({ month: '2012-12', incomes: [{ type: 'salary', amount: '1000' }] }));
    if (!validation.ok) throw new Error('invalid');
    const proposal = assess(validation.snapshot, rules);
    expect(line(proposal.calculation.lines, 'incomes.types.salary').source).toBe('saknas i regelverket för månaden');
    expect(proposal.reasonDetails.map((d) => d.message)).toContain('Rättslig grund för inkomster saknas i regelverket för 2012-12 (incomes)');
  });
});

describe("a cost accepted at actual cost cites Trelleborg's rules by month", () => {
  const HANDBOOK = 'Socialstyrelsen, Ekonomiskt bistånd – handbok för socialtjänsten: skälig kostnad enligt faktisk kostnad (ingen lokal gräns publicerad)';
  const table: Array<[month: string, type: string, source: string]> = [
    ['2021-06', 'electricity', `SoL (2001:453) 4 kap. 3 § ${OLD_UNCHECKED}; ${HANDBOOK}`],
    ['2025-06', 'electricity', `SoL (2001:453) 4 kap. 3 § ${OLD_UNCHECKED}; ${HANDBOOK}`],
    ['2025-07', 'electricity', `SoL (2025:400) 12 kap. 7 §; ${HANDBOOK}`],
    ['2026-03', 'electricity', `SoL (2025:400) 12 kap. 7 §; ${HANDBOOK}`],
    ['2025-06', 'homeInsurance', `SoL (2001:453) 4 kap. 3 § ${OLD_UNCHECKED}; ${HANDBOOK}`],
    ['2025-07', 'workTravel', `SoL (2025:400) 12 kap. 7 §; ${HANDBOOK}`],
    ['2025-07', 'unemploymentFund', `SoL (2025:400) 12 kap. 7 §; ${HANDBOOK}`],
    // Not among the costs 12 kap. 7 § (old 4 kap. 3 §) names: levnadskostnader i övrigt.
    ['2025-06', 'childcare', `SoL (2001:453) 4 kap. 1 § (livsföring i övrigt; hänvisningen är inte kontrollerad mot den upphävda lagtexten); ${HANDBOOK}`],
    ['2025-07', 'childcare', `SoL (2025:400) 12 kap. 1 § (levnadskostnader i övrigt); ${HANDBOOK}`],
    ['2026-03', 'medical', `SoL (2025:400) 12 kap. 1 § (levnadskostnader i övrigt); ${HANDBOOK}`],
    ['2025-06', 'medicine', `SoL (2001:453) 4 kap. 1 § (livsföring i övrigt; hänvisningen är inte kontrollerad mot den upphävda lagtexten); ${HANDBOOK}`],
  ];
  for (const [month, type, source] of table) {
    it(`${month} ${type}: ${source.split(';')[0]}`, () => {
      const cost = line(linesOf({ month, costs: [{ type, amount: '400' }] }), `municipality.1287.costs.${type}`);
      expect(cost.source).toBe(source);
      expect(cost.status).toBe('secondary');
    });
  }

  it("Svedala reads the same dated source from Trelleborg's file, with its own note", () => {
    for (const [month, law] of [['2025-06', 'SoL (2001:453) 4 kap. 3 §'], ['2025-07', 'SoL (2025:400) 12 kap. 7 §']] as const) {
      const cost = line(linesOf({ month, municipality: '1263', costs: [{ type: 'electricity', amount: '400' }] }), 'municipality.1287.costs.electricity');
      expect(cost.source.startsWith(law), month).toBe(true);
      expect(cost.source, month).toContain('Svedala kommuns riktlinjer');
    }
  });
});

/** The right to bistånd by day: the last day of the old law, the first of the new, and a day now. */
const RIGHT: Array<[day: string, provision: string]> = [
  ['2025-06-30', '4 kap. 1 § socialtjänstlagen (2001:453)'],
  ['2025-07-01', '12 kap. 1 § socialtjänstlagen (2025:400)'],
  ['2026-11-29', '12 kap. 1 § socialtjänstlagen (2025:400)'],
];

describe('a cost a caseworker must assess cites the right to bistånd in force for the month', () => {
  eachRow(RIGHT, (day, provision) => {
    const month = day.slice(0, 7);
    for (const type of ['dental', 'glasses', 'other']) {
      expect(line(linesOf({ month, costs: [{ type, amount: '900' }] }), `municipality.1287.costs.${type}`).source, `${month} ${type}`).toBe(`Prövas av handläggare enligt ${provision}`);
    }
  });
});

describe('jobbstimulans cites rules/jobbstimulans.yaml by month', () => {
  const table: Array<[month: string, source: string | null, status?: string]> = [
    ['2013-06', null], // no jobbstimulans before 2013-07-01: the salary counts in full
    ['2013-07', 'SoL (2001:453) 4 kap. 1 b § i lydelse enligt SFS 2013:421 (läst i en kopia av SFS-trycket, inte i lagsamlingen)', 'secondary'],
    ['2025-06', 'SoL (2001:453) 4 kap. 1 b § i lydelse enligt SFS 2013:421 (läst i en kopia av SFS-trycket, inte i lagsamlingen)', 'secondary'],
    ['2025-07', 'SoL (2025:400) 12 kap. 8 §', 'official'],
    ['2026-03', 'SoL (2025:400) 12 kap. 8 §', 'official'],
  ];
  for (const [month, source, status] of table) {
    it(`${month}: ${source ?? 'ingen jobbstimulans'}`, () => {
      const lines = linesOf({ month, incomes: [{ type: 'salary', amount: '4000' }], history: { monthsWithAssistanceInRow: 6 } });
      const exempt = lines.find((l) => l.rule === 'jobbstimulans');
      if (source === null) {
        expect(exempt).toBeUndefined();
        expect(line(lines, 'incomes.types.salary').amount).toBe('4000.00');
        return;
      }
      expect(exempt).toMatchObject({ source, status, amount: '1000.00' });
    });
  }
});

describe("a child's own earnings cite the provision in force on the day received", () => {
  const table: Array<[month: string, provision: string]> = [
    ['2021-06', '4 kap. 1 a § socialtjänstlagen (2001:453)'],
    ['2025-06', '4 kap. 1 a § socialtjänstlagen (2001:453)'],
    ['2025-07', '12 kap. 9 § socialtjänstlagen (2025:400)'],
    ['2026-03', '12 kap. 9 § socialtjänstlagen (2025:400)'],
  ];
  eachRow(table, (month, provision) => {
    const lines = linesOf({ month, children: [{ age: 15 }], incomes: [{ person: 'child:0', type: 'salary', amount: '800' }] });
    expect(line(lines, 'incomes.childrensEarnings').source).toBe(`${provision}; barns och skolungdomars arbetsinkomster räknas inte upp till ett prisbasbelopp per kalenderår`);
  });
});

describe('the repealed law as cited for decisions before 2025-07-01', () => {
  const table: Array<[day: string, jobbstimulans: string, childrensEarnings: string]> = [
    ['2025-06-30', '4 kap. 1 b § socialtjänstlagen (2001:453)', '4 kap. 1 a § socialtjänstlagen (2001:453)'],
    ['2025-07-01', '12 kap. 8 § socialtjänstlagen (2025:400)', '12 kap. 9 § socialtjänstlagen (2025:400)'],
  ];
  for (const [day, jobbstimulans, childrensEarnings] of table) {
    it(day, () => {
      expect(cite('jobbstimulans', day)).toBe(jobbstimulans);
      expect(cite('childrensEarnings', day)).toBe(childrensEarnings);
    });
  }
});

describe("the audit log's purposes cite the law in force on the day the row is written", () => {
  eachRow(RIGHT, (day, provision) => {
    expect(lookupPurpose(day)).toBe(`Utredning av rätt till ekonomiskt bistånd enligt ${provision}`);
    expect(bookingPurpose(day)).toBe(`Bokning av första möte med arbetsmarknadssekreterare vid nyansökan om ekonomiskt bistånd enligt ${provision}`);
    expect(outboundPurpose(day)).toBe(`Verkställighet av beslut om ekonomiskt bistånd enligt ${provision}`);
  });
});
