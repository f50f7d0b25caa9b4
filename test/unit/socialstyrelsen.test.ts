import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/domain/money.js';
import {
  buildStatisticsRows,
  COLUMN_COUNT,
  describeParseError,
  formatFile,
  formatRow,
  LAYOUT,
  monthlyDeadline,
  parsePeriod,
  parseStatisticsFile,
  periodDeadline,
  produceStatisticsFile,
  recentMonths,
  validateStatisticsFile,
  type ReferenceHousehold,
  type ReferenceMonth,
  type StatisticsCase,
  type StatisticsDecision,
  type StatisticsPeriod,
  type StatisticsReference,
  type StatisticsRow,
} from '../../src/stats/socialstyrelsen/index.js';
import { looksLikePersonalNumber } from '../../src/store/personalDataGuard.js';
import { personalNumber } from '../support/snapshots.js';

/**
 * Socialstyrelsen's statistics file, the pure part: which decisions become which rows, the
 * exact text, the strict parser, and the check against reference figures. Personal numbers
 * are synthetic test numbers (valid check digits) made by test/support/snapshots.ts.
 */

/** A man: the third serial digit (second-to-last digit of the number) is odd. */
const man = (birth: string, serial = '231', coordination = false) => personalNumber(birth, serial, coordination);
/** A woman: that digit is even. */
const woman = (birth: string, serial = '248', coordination = false) => personalNumber(birth, serial, coordination);

const OCTOBER: StatisticsPeriod = { kind: 'month', month: '2026-10' };

let decisionIds = 100;
function decision(outcome: 'GRANT' | 'REJECT', amount: string, options: { signedAt?: string; supersedes?: string | null; id?: string } = {}): StatisticsDecision {
  return {
    id: options.id ?? String(++decisionIds),
    outcome,
    amount,
    signedAt: new Date(options.signedAt ?? '2026-10-05T10:00:00Z'),
    supersedes: options.supersedes ?? null,
  };
}

interface HouseholdSpec {
  applicant: string;
  coApplicant?: string | null;
  children?: string[];
}

function caseOf(caseId: string, household: HouseholdSpec, decisions: StatisticsDecision[], options: { municipality?: string; month?: string | null } = {}): StatisticsCase {
  return {
    caseId,
    municipality: options.municipality ?? '1287',
    month: options.month === undefined ? '2026-10' : options.month,
    application: {
      receivedAt: '2026-09-28T09:00:00+02:00',
      applicant: { personalNumber: household.applicant },
      coApplicant: household.coApplicant ? { personalNumber: household.coApplicant } : null,
      children: (household.children ?? []).map((pn) => ({ personalNumber: pn, lunchAtHome: false })),
    },
    decisions,
  };
}

function row(fields: Partial<StatisticsRow> & Pick<StatisticsRow, 'Personnr1' | 'Kon1' | 'Alder1' | 'Hushallstyp' | 'Sbel'>): StatisticsRow {
  return { Ar: '2026', Manad: '10', Kommun: '1287', Distrikt: '', Barn: 0, Barn15: 0, Personnr2: null, Kon2: null, Alder2: null, ...fields };
}

const ADULT_MAN = man('1985-07-09');
const ADULT_WOMAN = woman('1990-03-20');
const PARTNER = man('1988-11-30', '455');

interface WorkedCase {
  why: string;
  cases: StatisticsCase[];
  period?: StatisticsPeriod;
  rows: StatisticsRow[];
  problems?: number;
}

const worked: WorkedCase[] = [
  {
    why: 'ensamstående man utan barn: typ 3, kön 1, ålder = år − födelseår (födelsedagen spelar ingen roll)',
    cases: [caseOf('A-1', { applicant: ADULT_MAN }, [decision('GRANT', '5000')])],
    rows: [row({ Hushallstyp: 3, Sbel: '5000', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 })],
  },
  {
    why: 'ensamstående man med barn: typ 4',
    cases: [caseOf('A-2', { applicant: ADULT_MAN, children: [woman('2019-05-05', '242')] }, [decision('GRANT', '7431')])],
    rows: [row({ Hushallstyp: 4, Barn: 1, Barn15: 1, Sbel: '7431', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 })],
  },
  {
    why: 'ensamstående kvinna utan barn: typ 5, kön 2',
    cases: [caseOf('A-3', { applicant: ADULT_WOMAN }, [decision('GRANT', '4100')])],
    rows: [row({ Hushallstyp: 5, Sbel: '4100', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 })],
  },
  {
    why: 'ensamstående kvinna med barn: typ 6',
    cases: [caseOf('A-4', { applicant: ADULT_WOMAN, children: [man('2016-01-01', '251'), woman('2012-06-30', '262')] }, [decision('GRANT', '9800')])],
    rows: [row({ Hushallstyp: 6, Barn: 2, Barn15: 2, Sbel: '9800', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 })],
  },
  {
    why: 'sammanboende par utan barn: typ 7, medsökande i Personnr2, Kon2, Alder2',
    cases: [caseOf('A-5', { applicant: ADULT_WOMAN, coApplicant: PARTNER }, [decision('GRANT', '6200')])],
    rows: [row({ Hushallstyp: 7, Sbel: '6200', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36, Personnr2: PARTNER, Kon2: 1, Alder2: 38 })],
  },
  {
    why: 'sammanboende par med barn: typ 8',
    cases: [caseOf('A-6', { applicant: ADULT_WOMAN, coApplicant: PARTNER, children: [man('2020-02-29', '273')] }, [decision('GRANT', '11000')])],
    rows: [row({ Hushallstyp: 8, Barn: 1, Barn15: 1, Sbel: '11000', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36, Personnr2: PARTNER, Kon2: 1, Alder2: 38 })],
  },
  {
    why: 'okänd hushållstyp 9: ett barns personnummer går inte att läsa (fel kontrollsiffra); de läsbara barnen räknas',
    cases: [
      caseOf('A-7', { applicant: ADULT_MAN, children: [`${woman('2018-04-04', '282').slice(0, 11)}${(Number(woman('2018-04-04', '282').slice(11)) + 1) % 10}`, man('2015-08-08', '291')] }, [
        decision('GRANT', '3000'),
      ]),
    ],
    rows: [row({ Hushallstyp: 9, Barn: 1, Barn15: 1, Sbel: '3000', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 })],
  },
  {
    why: 'Barn: under 18 den första i månaden; den som fyller 18 den 1 oktober räknas inte, den som fyller dagen efter räknas',
    cases: [caseOf('A-8', { applicant: ADULT_WOMAN, children: [man('2008-10-01', '311'), woman('2008-10-02', '322')] }, [decision('GRANT', '2000')])],
    rows: [row({ Hushallstyp: 6, Barn: 1, Barn15: 0, Sbel: '2000', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 })],
  },
  {
    why: 'Barn15: född år Ar−15 (2011) räknas, född 2010 (fyller 16 under året) räknas inte men är under 18',
    cases: [caseOf('A-9', { applicant: ADULT_WOMAN, children: [man('2011-12-31', '331'), woman('2011-01-01', '342'), man('2010-12-31', '351')] }, [decision('GRANT', '2000')])],
    rows: [row({ Hushallstyp: 6, Barn: 3, Barn15: 2, Sbel: '2000', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 })],
  },
  {
    why: 'barn fött under månaden räknas; barn fött efter månaden hör inte till hushållet än',
    cases: [caseOf('A-10', { applicant: ADULT_WOMAN, children: [man('2026-10-31', '361'), woman('2026-11-01', '372')] }, [decision('GRANT', '2000')])],
    rows: [row({ Hushallstyp: 6, Barn: 1, Barn15: 1, Sbel: '2000', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 })],
  },
  {
    why: 'ett barn på 19 som går i skolan är med i ansökan men inte under 18: ensamstående utan barn',
    cases: [caseOf('A-11', { applicant: ADULT_MAN, children: [woman('2007-03-03', '382')] }, [decision('GRANT', '4500')])],
    rows: [row({ Hushallstyp: 3, Sbel: '4500', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 })],
  },
  {
    why: 'samordningsnummer (dag + 60): rätt födelseår, kön och ålder; numret skrivs som det är',
    cases: [caseOf('A-12', { applicant: man('1979-02-28', '391', true) }, [decision('GRANT', '5100')])],
    rows: [row({ Hushallstyp: 3, Sbel: '5100', Personnr1: man('1979-02-28', '391', true), Kon1: 1, Alder1: 47 })],
  },
  {
    why: 'två ärenden för samma sökande samma månad: en rad, öresbeloppen summeras och avrundas en gång (1000,40 + 2000,40 = 3000,80 → 3001, inte 3000); sammansättningen från det senast signerade beslutet',
    cases: [
      caseOf('B-1', { applicant: ADULT_WOMAN }, [decision('GRANT', '1000.40', { signedAt: '2026-10-02T08:00:00Z' })]),
      caseOf('B-2', { applicant: ADULT_WOMAN, coApplicant: PARTNER, children: [man('2014-05-05', '401')] }, [decision('GRANT', '2000.40', { signedAt: '2026-10-20T08:00:00Z' })]),
    ],
    rows: [row({ Hushallstyp: 8, Barn: 1, Barn15: 1, Sbel: '3001', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36, Personnr2: PARTNER, Kon2: 1, Alder2: 38 })],
  },
  {
    why: 'avrundning halvt uppåt: 4200,50 → 4201, 4200,49 → 4200',
    cases: [
      caseOf('C-1', { applicant: ADULT_MAN }, [decision('GRANT', '4200.50')]),
      caseOf('C-2', { applicant: ADULT_WOMAN }, [decision('GRANT', '4200.49')]),
    ],
    rows: [
      row({ Hushallstyp: 3, Sbel: '4201', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 }),
      row({ Hushallstyp: 5, Sbel: '4200', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 }),
    ],
  },
  {
    why: 'ett ersatt beslut räknas inte: bara det beslut som gäller (5000 ersatt av 4500)',
    cases: [caseOf('D-1', { applicant: ADULT_MAN }, [decision('GRANT', '5000', { id: '7' }), decision('GRANT', '4500', { id: '9', supersedes: '7' })])],
    rows: [row({ Hushallstyp: 3, Sbel: '4500', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 })],
  },
  {
    why: 'ett bifall som ersatts av ett avslag räknas inte; kedjan följs hur besluten än är ordnade',
    cases: [caseOf('D-2', { applicant: ADULT_MAN }, [decision('REJECT', '0', { id: '12', supersedes: '11' }), decision('GRANT', '5000', { id: '11' })])],
    rows: [],
  },
  {
    why: 'avslag och bifall på 0 kr räknas inte',
    cases: [
      caseOf('E-1', { applicant: ADULT_MAN }, [decision('REJECT', '0')]),
      caseOf('E-2', { applicant: ADULT_WOMAN }, [decision('GRANT', '0.00')]),
      caseOf('E-3', { applicant: PARTNER }, []),
    ],
    rows: [],
  },
  {
    why: 'en annan kommuns ärende (Svedala 1263, handlagt av Trelleborg) kommer aldrig med i 1287:s fil',
    cases: [
      caseOf('F-1', { applicant: ADULT_MAN }, [decision('GRANT', '5000')], { municipality: '1263' }),
      caseOf('F-2', { applicant: ADULT_WOMAN }, [decision('GRANT', '4000')]),
    ],
    rows: [row({ Hushallstyp: 5, Sbel: '4000', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 })],
  },
  {
    why: 'månaden är den som stödet avser (cases.month): september och ärenden utan månad hör inte till oktobers fil',
    cases: [
      caseOf('G-1', { applicant: ADULT_MAN }, [decision('GRANT', '5000', { signedAt: '2026-10-01T08:00:00Z' })], { month: '2026-09' }),
      caseOf('G-2', { applicant: PARTNER }, [decision('GRANT', '5000')], { month: null }),
    ],
    rows: [],
  },
  {
    why: 'årsfil: raderna ordnade efter månad och sedan Personnr1',
    period: { kind: 'year', year: '2026' },
    cases: [
      caseOf('H-1', { applicant: ADULT_WOMAN }, [decision('GRANT', '100')], { month: '2026-10' }),
      caseOf('H-2', { applicant: ADULT_MAN }, [decision('GRANT', '200')], { month: '2026-10' }),
      caseOf('H-3', { applicant: ADULT_WOMAN }, [decision('GRANT', '300')], { month: '2026-02' }),
      caseOf('H-4', { applicant: ADULT_MAN }, [decision('GRANT', '400')], { month: '2025-12' }),
    ],
    rows: [
      row({ Manad: '02', Hushallstyp: 5, Sbel: '300', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 }),
      row({ Hushallstyp: 3, Sbel: '200', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 }),
      row({ Hushallstyp: 5, Sbel: '100', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36 }),
    ],
  },
  {
    why: 'en sökande utan läsbart personnummer kan inte rapporteras: ett problem som nämner ärendet, inte numret',
    cases: [caseOf('J-1', { applicant: '19850709' }, [decision('GRANT', '5000')])],
    rows: [],
    problems: 1,
  },
];

describe('the row builder: worked cases', () => {
  for (const w of worked) {
    it(w.why, () => {
      const result = buildStatisticsRows({ municipality: '1287', period: w.period ?? OCTOBER, cases: w.cases });
      expect(result.rows.map((r) => r.row)).toEqual(w.rows);
      expect(result.problems).toHaveLength(w.problems ?? 0);
      for (const p of result.problems) expect(looksLikePersonalNumber(p)).toBe(false);
    });
  }

  it('the row remembers which cases it sums (for messages), and other municipalities are counted as skipped', () => {
    const result = buildStatisticsRows({
      municipality: '1287',
      period: OCTOBER,
      cases: [
        caseOf('K-2', { applicant: ADULT_WOMAN }, [decision('GRANT', '1')]),
        caseOf('K-1', { applicant: ADULT_WOMAN }, [decision('GRANT', '1')]),
        caseOf('K-3', { applicant: ADULT_MAN }, [decision('GRANT', '1')], { municipality: '1263' }),
      ],
    });
    expect(result.rows.map((r) => r.caseIds)).toEqual([['K-1', 'K-2']]);
    expect(result.skipped).toEqual({ otherMunicipality: 1, outsidePeriod: 0 });
  });

  it('a person in two households of one month is a warning naming the cases, never the person', () => {
    const result = buildStatisticsRows({
      municipality: '1287',
      period: OCTOBER,
      cases: [
        caseOf('L-1', { applicant: ADULT_WOMAN, coApplicant: PARTNER }, [decision('GRANT', '100')]),
        caseOf('L-2', { applicant: PARTNER }, [decision('GRANT', '100')]),
      ],
    });
    expect(result.rows).toHaveLength(2);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain('L-1');
    expect(result.warnings[0]).toContain('L-2');
    expect(looksLikePersonalNumber(result.warnings[0]!)).toBe(false);
  });

  it('a forked chain of decisions is not guessed at', () => {
    const result = buildStatisticsRows({
      municipality: '1287',
      period: OCTOBER,
      cases: [caseOf('M-1', { applicant: ADULT_MAN }, [decision('GRANT', '100', { id: '1' }), decision('GRANT', '200', { id: '2' })])],
    });
    expect(result.rows).toEqual([]);
    expect(result.problems[0]).toMatch(/M-1: 2 beslut gäller samtidigt/);
  });
});

describe('the file format', () => {
  it('has the documented columns in order', () => {
    expect(LAYOUT.map((c) => c.name)).toEqual(['Ar', 'Manad', 'Kommun', 'Distrikt', 'Hushallstyp', 'Barn', 'Barn15', 'Sbel', 'Personnr1', 'Kon1', 'Alder1', 'Personnr2', 'Kon2', 'Alder2']);
    expect(COLUMN_COUNT).toBe(14);
    for (const c of LAYOUT) expect(c.description.length).toBeGreaterThan(10);
  });

  it('a row is tab-separated, empty columns empty, ended by CR LF', () => {
    expect(formatRow(row({ Hushallstyp: 3, Sbel: '5000', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 }))).toBe(`2026\t10\t1287\t\t3\t0\t0\t5000\t${ADULT_MAN}\t1\t41\t\t\t\r\n`);
    expect(
      formatRow(row({ Hushallstyp: 8, Barn: 2, Barn15: 1, Sbel: '11000', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36, Personnr2: PARTNER, Kon2: 1, Alder2: 38 })),
    ).toBe(`2026\t10\t1287\t\t8\t2\t1\t11000\t${ADULT_WOMAN}\t2\t36\t${PARTNER}\t1\t38\r\n`);
    expect(formatFile([])).toBe('');
  });

  it('every worked case survives formatting and parsing unchanged', () => {
    for (const w of worked) {
      const rows = buildStatisticsRows({ municipality: '1287', period: w.period ?? OCTOBER, cases: w.cases }).rows.map((r) => r.row);
      const parsed = parseStatisticsFile(formatFile(rows));
      expect(parsed.errors, w.why).toEqual([]);
      expect(parsed.rows, w.why).toEqual(rows);
      expect(parsed.lines).toEqual(rows.map((_, i) => i + 1));
    }
  });

  it('deadline: the 15th of the month after; a year when December is due', () => {
    expect(monthlyDeadline('2026-10')).toBe('2026-11-15');
    expect(monthlyDeadline('2026-12')).toBe('2027-01-15');
    expect(periodDeadline({ kind: 'year', year: '2026' })).toBe('2027-01-15');
    expect(recentMonths('2026-02-10', 3)).toEqual(['2026-02', '2026-01', '2025-12']);
    expect(parsePeriod('2026-10')).toEqual({ kind: 'month', month: '2026-10' });
    expect(parsePeriod('2026')).toEqual({ kind: 'year', year: '2026' });
    for (const bad of ['2026-13', '26-10', '2026-1', '', '20261']) expect(parsePeriod(bad)).toBeUndefined();
  });
});

describe('the parser', () => {
  const good = formatRow(row({ Hushallstyp: 3, Sbel: '5000', Personnr1: ADULT_MAN, Kon1: 1, Alder1: 41 }));
  const couple = formatRow(row({ Hushallstyp: 7, Sbel: '6200', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36, Personnr2: PARTNER, Kon2: 1, Alder2: 38 }));
  const withColumn = (line: string, index: number, value: string) => {
    const fields = line.slice(0, -2).split('\t');
    fields[index] = value;
    return `${fields.join('\t')}\r\n`;
  };
  const badCheckDigit = `${ADULT_MAN.slice(0, 11)}${(Number(ADULT_MAN[11]) + 1) % 10}`;

  const errors: Array<{ why: string; text: string; expected: RegExp }> = [
    { why: 'last row without CR LF', text: good + good.slice(0, -2), expected: /^rad 2: raden slutar inte med CR LF/ },
    { why: 'LF alone', text: good.replace('\r\n', '\n') + good, expected: /^rad 1: radslutet ska vara CR LF/ },
    { why: 'an empty line', text: `${good}\r\n${good}`, expected: /^rad 2: tom rad/ },
    { why: 'a column too few', text: `${good.slice(0, -3)}\r\n`, expected: /^rad 1: raden har 13 kolumner, ska ha 14/ },
    { why: 'a bad check digit', text: withColumn(good, 8, badCheckDigit), expected: /^rad 1, kolumn 9 \(Personnr1\): ogiltigt personnummer: kontrollsiffran stämmer inte/ },
    { why: 'ten digits', text: withColumn(good, 8, ADULT_MAN.slice(2)), expected: /^rad 1, kolumn 9 \(Personnr1\): ska vara ett personnummer med 12 siffror/ },
    { why: 'Kon1 against the number', text: withColumn(good, 9, '2'), expected: /^rad 1, kolumn 10 \(Kon1\): stämmer inte med personnumrets/ },
    { why: 'Kon1 not 1 or 2', text: withColumn(good, 9, '3'), expected: /^rad 1, kolumn 10 \(Kon1\): ska vara 1 \(man\) eller 2 \(kvinna\)/ },
    { why: 'Alder1 off by one', text: withColumn(good, 10, '40'), expected: /^rad 1, kolumn 11 \(Alder1\): stämmer inte med Ar minus födelseåret/ },
    { why: 'Alder2 off by one', text: withColumn(couple, 13, '39'), expected: /^rad 1, kolumn 14 \(Alder2\): stämmer inte/ },
    { why: 'Kon2 against the number', text: withColumn(couple, 12, '2'), expected: /^rad 1, kolumn 13 \(Kon2\): stämmer inte/ },
    { why: 'half a co-applicant', text: withColumn(withColumn(couple, 12, ''), 13, ''), expected: /^rad 1, kolumn 12 \(Personnr2\): Personnr2, Kon2 och Alder2 ska antingen alla/ },
    { why: 'the same person twice', text: withColumn(withColumn(withColumn(couple, 11, ADULT_WOMAN), 12, '2'), 13, '36'), expected: /^rad 1, kolumn 12 \(Personnr2\): är samma person som Personnr1/ },
    { why: 'household type against the columns', text: withColumn(good, 4, '4'), expected: /^rad 1, kolumn 5 \(Hushallstyp\): stämmer inte med Kon1, Barn/ },
    { why: 'household type out of range', text: withColumn(good, 4, '2'), expected: /^rad 1, kolumn 5 \(Hushallstyp\): ska vara en hushållstyp 3–9/ },
    { why: 'Barn15 above Barn', text: withColumn(good, 6, '1'), expected: /^rad 1, kolumn 7 \(Barn15\): kan inte vara fler än Barn/ },
    { why: 'Sbel with öre', text: withColumn(good, 7, '5000.50'), expected: /^rad 1, kolumn 8 \(Sbel\): ska vara ett belopp i hela kronor/ },
    { why: 'Sbel with a leading zero', text: withColumn(good, 7, '05000'), expected: /^rad 1, kolumn 8 \(Sbel\)/ },
    { why: 'Sbel empty', text: withColumn(good, 7, ''), expected: /^rad 1, kolumn 8 \(Sbel\): saknas/ },
    { why: 'month 13', text: withColumn(good, 1, '13'), expected: /^rad 1, kolumn 2 \(Manad\): ska vara en månad 01–12/ },
    { why: 'a district outside Stockholm, Göteborg and Malmö', text: withColumn(good, 3, '12'), expected: /^rad 1, kolumn 4 \(Distrikt\): ska vara tomt/ },
    { why: 'a byte-order mark', text: `\ufeff${good}`, expected: /^rad 1: filen börjar med ett BOM-tecken/ },
  ];

  for (const e of errors) {
    it(`${e.why}: named by line and column, never echoing a personal number`, () => {
      const parsed = parseStatisticsFile(e.text);
      expect(parsed.errors.length).toBeGreaterThan(0);
      const messages = parsed.errors.map(describeParseError);
      expect(messages.some((m) => e.expected.test(m)), messages.join(' | ')).toBe(true);
      for (const m of messages) {
        expect(looksLikePersonalNumber(m)).toBe(false);
        for (const pn of [ADULT_MAN, ADULT_WOMAN, PARTNER, badCheckDigit]) {
          expect(m).not.toContain(pn);
          expect(m).not.toContain(pn.slice(2));
        }
      }
    });
  }

  it('a Stockholm district is allowed; an empty file is an empty report', () => {
    expect(parseStatisticsFile(withColumn(withColumn(good, 2, '0180'), 3, '12')).errors).toEqual([]);
    expect(parseStatisticsFile('')).toEqual({ rows: [], lines: [], errors: [], moreErrors: 0 });
  });

  it('stops listing after maxErrors and counts the rest', () => {
    const parsed = parseStatisticsFile('x\r\n'.repeat(10), { maxErrors: 3 });
    expect(parsed.errors).toHaveLength(3);
    expect(parsed.moreErrors).toBe(7);
  });
});

/** A reference as the store's SQL would give it, written out by hand from what the test knows. */
function referenceOf(municipality: string, period: StatisticsPeriod, households: ReferenceHousehold[]): StatisticsReference {
  const months = new Map<string, ReferenceMonth>();
  for (const h of households) {
    const m = months.get(h.month) ?? { month: h.month, households: 0, persons: 0, total: '0' };
    m.households++;
    m.persons += h.adults;
    m.total = new Decimal(m.total).plus(h.sbel).toFixed(0);
    months.set(h.month, m);
  }
  return { municipality, period, months: [...months.values()], households };
}

describe('validation against the reference figures', () => {
  const cases = [
    caseOf('V-1', { applicant: ADULT_MAN }, [decision('GRANT', '5000')]),
    caseOf('V-2', { applicant: ADULT_WOMAN, coApplicant: PARTNER }, [decision('GRANT', '1000.40')]),
    caseOf('V-3', { applicant: ADULT_WOMAN, coApplicant: PARTNER }, [decision('GRANT', '2000.40')]),
  ];
  const reference = referenceOf('1287', OCTOBER, [
    { month: '2026-10', applicant: ADULT_MAN, sbel: '5000', adults: 1, caseIds: ['V-1'] },
    { month: '2026-10', applicant: ADULT_WOMAN, sbel: '3001', adults: 2, caseIds: ['V-2', 'V-3'] },
  ]);
  const produced = produceStatisticsFile({ municipality: '1287', period: OCTOBER, cases, reference });
  const lines = produced.text.split('\r\n').slice(0, -1);

  it('the built file matches, with counts, total and checksum', () => {
    expect(produced.ok).toBe(true);
    expect(produced.validation.mismatches).toEqual([]);
    expect(produced.validation.summary).toMatchObject({ rows: 2, persons: 3, total: '8001' });
    expect(produced.validation.summary.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  const tampered: Array<{ why: string; text: string; expected: RegExp[] }> = [
    {
      why: 'a changed amount',
      text: produced.text.replace('\t5000\t', '\t5001\t'),
      expected: [/^2026-10: filens summa Sbel är 8002 kr, besluten ger 8001 kr$/, /^rad \d: Sbel stämmer inte med besluten i ärende V-1$/],
    },
    {
      why: 'a dropped row',
      text: `${lines[1]}\r\n`,
      expected: [/^2026-10: filen har 1 hushåll, besluten ger 2$/, /^2026-10: hushållet i ärende V-1 saknas i filen$/],
    },
    {
      why: 'a dropped co-applicant',
      text: produced.text.replace(new RegExp(`\\t7\\t0\\t0\\t3001\\t(\\d{12})\\t2\\t36\\t\\d{12}\\t1\\t38`), '\t5\t0\t0\t3001\t$1\t2\t36\t\t\t'),
      expected: [/^2026-10: filen har 2 personer .*besluten ger 3$/, /antalet vuxna \(1\) stämmer inte med ärende V-2, V-3 \(2\)/],
    },
    {
      why: 'rows out of order',
      text: `${lines[1]}\r\n${lines[0]}\r\n`,
      expected: [/^rad 2: raderna ska vara ordnade/],
    },
    {
      why: 'another municipality and month',
      text: produced.text.replace(/^2026\t10\t1287/, '2026\t09\t1263'),
      expected: [/kommunkoden är 1263, filen gäller kommun 1287/, /månaden 2026-09 ligger utanför perioden 2026-10/, /^2026-09: filen har 1 hushåll, besluten ger 0$/],
    },
    {
      why: 'a row twice',
      text: produced.text + `${lines[1]}\r\n`,
      expected: [/^rad 3: samma hushåll \(månad och registerledare\) som rad 2$/],
    },
    {
      why: 'a broken line',
      text: produced.text.replace('\r\n', '\n'),
      expected: [/^rad 1: radslutet ska vara CR LF/],
    },
  ];
  for (const t of tampered) {
    it(`catches ${t.why}, in words without personal numbers`, () => {
      const result = validateStatisticsFile(t.text, reference);
      expect(result.ok).toBe(false);
      for (const e of t.expected) expect(result.mismatches.some((m) => e.test(m)), `${e} in ${result.mismatches.join(' | ')}`).toBe(true);
      for (const m of result.mismatches) expect(looksLikePersonalNumber(m)).toBe(false);
    });
  }

  it('a reference with a household the builder could not read fails the production', () => {
    const withBroken = produceStatisticsFile({
      municipality: '1287',
      period: OCTOBER,
      cases: [...cases, caseOf('V-4', { applicant: 'trasigt' }, [decision('GRANT', '10')])],
      reference: referenceOf('1287', OCTOBER, [...reference.households, { month: '2026-10', applicant: 'trasigt', sbel: '10', adults: 1, caseIds: ['V-4'] }]),
    });
    expect(withBroken.ok).toBe(false);
    expect(withBroken.build.problems).toEqual(['ärende V-4: sökandens personnummer saknas eller går inte att läsa i underlaget; hushållet kan inte rapporteras']);
    expect(withBroken.validation.mismatches).toContain('2026-10: hushållet i ärende V-4 saknas i filen');
  });
});

describe('property: generated households', () => {
  /** Distinct adults and children: a birth date and a serial make a distinct number. */
  const birth = (minYear: number, maxYear: number) =>
    fc.record({ y: fc.integer({ min: minYear, max: maxYear }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) }).map(
      ({ y, m, d }) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    );
  const person = (minYear: number, maxYear: number) =>
    fc.record({ birth: birth(minYear, maxYear), serial: fc.integer({ min: 0, max: 999 }), coordination: fc.boolean() }).map((p) => ({
      ...p,
      pn: personalNumber(p.birth, String(p.serial).padStart(3, '0'), p.coordination),
    }));
  const ore = fc.integer({ min: 1, max: 2_500_000 }).map((o) => `${Math.floor(o / 100)}.${String(o % 100).padStart(2, '0')}`);
  const household = fc.record({
    applicant: person(1940, 2007),
    coApplicant: fc.option(person(1940, 2007), { nil: null }),
    children: fc.array(person(2005, 2026), { maxLength: 4 }),
    month: fc.integer({ min: 1, max: 12 }).map((m) => `2026-${String(m).padStart(2, '0')}`),
    amounts: fc.array(ore, { minLength: 1, maxLength: 3 }),
  });
  const households = fc
    .uniqueArray(household, { minLength: 1, maxLength: 12, selector: (h) => h.applicant.pn })
    // Different people in every household, so nobody is applicant in one and co-applicant in another.
    .filter((hs) => {
      const all = hs.flatMap((h) => [h.applicant.pn, ...(h.coApplicant ? [h.coApplicant.pn] : []), ...h.children.map((c) => c.pn)]);
      return new Set(all).size === all.length;
    });

  const YEAR: StatisticsPeriod = { kind: 'year', year: '2026' };

  type GeneratedHousehold = typeof household extends fc.Arbitrary<infer T> ? T : never;

  function scenario(hs: readonly GeneratedHousehold[]) {
    let n = 0;
    const cases: StatisticsCase[] = [];
    const referenceHouseholds: ReferenceHousehold[] = [];
    for (const h of hs) {
      const ids: string[] = [];
      for (const amount of h.amounts) {
        n++;
        const id = `P-${String(n).padStart(4, '0')}`;
        ids.push(id);
        cases.push(
          caseOf(id, { applicant: h.applicant.pn, coApplicant: h.coApplicant?.pn ?? null, children: h.children.map((c) => c.pn) }, [decision('GRANT', amount, { signedAt: `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}Z` })], {
            month: h.month,
          }),
        );
      }
      const sum = h.amounts.reduce((s, a) => s.plus(a), new Decimal(0));
      referenceHouseholds.push({ month: h.month, applicant: h.applicant.pn, sbel: sum.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toFixed(0), adults: h.coApplicant ? 2 : 1, caseIds: ids });
    }
    return { cases, reference: referenceOf('1287', YEAR, referenceHouseholds) };
  }

  it('the file parses back to the same rows and matches; a changed amount or a dropped row is caught', () => {
    fc.assert(
      fc.property(households, fc.nat(), (hs, pick) => {
        const { cases, reference } = scenario(hs);
        const produced = produceStatisticsFile({ municipality: '1287', period: YEAR, cases, reference });
        expect(produced.build.problems).toEqual([]);
        expect(produced.validation.mismatches).toEqual([]);
        expect(produced.ok).toBe(true);
        const parsed = parseStatisticsFile(produced.text);
        expect(parsed.errors).toEqual([]);
        expect(parsed.rows).toEqual(produced.build.rows.map((r) => r.row));
        expect(parsed.rows).toHaveLength(hs.length);

        const lines = produced.text.split('\r\n').slice(0, -1);
        const i = pick % lines.length;
        const fields = lines[i]!.split('\t');
        fields[7] = new Decimal(fields[7]!).plus(1).toFixed(0);
        const changed = [...lines.slice(0, i), fields.join('\t'), ...lines.slice(i + 1)].map((l) => `${l}\r\n`).join('');
        expect(validateStatisticsFile(changed, reference).ok).toBe(false);
        const dropped = [...lines.slice(0, i), ...lines.slice(i + 1)].map((l) => `${l}\r\n`).join('');
        expect(validateStatisticsFile(dropped, reference).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('the layout drives the parser', () => {
  it('every column rejects a value of the wrong shape with a message naming it', () => {
    const line = formatRow(row({ Hushallstyp: 7, Sbel: '6200', Personnr1: ADULT_WOMAN, Kon1: 2, Alder1: 36, Personnr2: PARTNER, Kon2: 1, Alder2: 38 })).slice(0, -2).split('\t');
    LAYOUT.forEach((column, index) => {
      const fields = [...line];
      fields[index] = 'x';
      const parsed = parseStatisticsFile(`${fields.join('\t')}\r\n`);
      expect(parsed.errors.map((e) => e.column), column.name).toContain(column.name);
    });
  });
});
