import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addYears } from '../../src/domain/dates.js';
import { loadRules } from '../../src/rules/load.js';
import { deadlineOf, dueFromOf, planRetention, type RetentionCaseFacts, type RetentionVerdict } from '../../src/retention/plan.js';

const RULE = { yearsAfterLastEntry: 5, keepBornOnDays: [5, 15, 25], keepWholeCounties: ['05', '09', '22'], keepWholeMunicipalities: ['1480'] };

const person = (key: string, bornOnDay: number | undefined) => ({ key, bornOnDay });

function fact(caseId: string, lastEntryOn: string, adults: RetentionCaseFacts['adults'], over: Partial<RetentionCaseFacts> = {}): RetentionCaseFacts {
  return { caseId, municipality: '1287', month: lastEntryOn.slice(0, 7), closed: true, lastEntryOn, adults, ...over };
}

describe('addYears and the dates of the duty', () => {
  it.each([
    ['2020-03-10', 5, '2025-03-10'],
    ['2020-02-29', 5, '2025-03-01'], // no 29 February in 2025: the later day, never a day early
    ['2020-02-29', 4, '2024-02-29'],
    ['2021-12-31', 5, '2026-12-31'],
  ])('%s + %i years = %s', (date, years, expected) => {
    expect(addYears(date, years)).toBe(expected);
  });

  it.each([
    ['2021-01-01', '2026-01-01', '2027-12-31'],
    ['2021-12-31', '2026-12-31', '2027-12-31'],
  ])('last entry %s: due from %s, finished by %s', (last, due, deadline) => {
    expect(dueFromOf(last, RULE)).toBe(due);
    expect(deadlineOf(due)).toBe(deadline);
  });
});

/**
 * Worked cases: one household each unless said otherwise, judged on 2031-06-01 (5 years after
 * 2026-06-01). Persons: a (born on the 7th), b (born on the 15th), c (born on the 25th),
 * d (born on the 5th), e (born on the 1st), u (unknown day).
 */
const TODAY = '2031-06-01';
const a = person('a', 7);
const e = person('e', 1);

const worked: Array<[string, RetentionCaseFacts[], Record<string, RetentionVerdict>]> = [
  ['exactly five years after the last entry: due that day', [fact('K1', '2026-06-01', [a])], { K1: 'destroy' }],
  ['one day short of five years: not due', [fact('K1', '2026-06-02', [a])], { K1: 'not-due' }],
  ['born on the 15th: kept for research', [fact('K1', '2020-01-01', [person('b', 15)])], { K1: 'keep-research' }],
  ['born on the 25th: kept', [fact('K1', '2020-01-01', [person('c', 25)])], { K1: 'keep-research' }],
  ['born on the 5th: kept', [fact('K1', '2020-01-01', [person('d', 5)])], { K1: 'keep-research' }],
  ['co-applicant born on the 25th keeps the joint case', [fact('K1', '2020-01-01', [a, person('c', 25)])], { K1: 'keep-research' }],
  ['still open in the robot: listed, not destroyed', [fact('K1', '2020-01-01', [a], { closed: false })], { K1: 'keep-open' }],
  ['no readable applicant: a person decides', [fact('K1', '2020-01-01', null)], { K1: 'keep-unknown-person' }],
  ['an adult whose birth day is unknown: a person decides', [fact('K1', '2020-01-01', [a, person('u', undefined)])], { K1: 'keep-unknown-person' }],
  [
    'the file counts: an old month stays while the same person has a newer one',
    [fact('K1', '2020-01-01', [a]), fact('K2', '2027-01-01', [a])],
    { K1: 'not-due', K2: 'not-due' },
  ],
  [
    'a joint case waits for the co-applicant\'s newer file',
    [fact('K1', '2020-01-01', [a, e]), fact('K2', '2028-01-01', [e])],
    { K1: 'not-due', K2: 'not-due' },
  ],
  [
    'files are per municipality: a newer case in Svedala does not keep Trelleborg\'s',
    [fact('K1', '2020-01-01', [a]), fact('K2', '2029-01-01', [a], { municipality: '1263' })],
    { K1: 'destroy', K2: 'not-due' },
  ],
  [
    'the research sample keeps every file in Göteborg (1480) and in Östergötlands, Gotlands and Västernorrlands län, whoever is born when',
    [
      fact('K1', '2020-01-01', [a], { municipality: '1480' }),
      fact('K2', '2020-01-01', [a], { municipality: '0580' }),
      fact('K3', '2020-01-01', [a], { municipality: '0980' }),
      fact('K4', '2020-01-01', [a], { municipality: '2281' }),
      fact('K5', '2020-01-01', [a], { municipality: '1287' }),
      fact('K6', '2020-01-01', [a], { municipality: '1481' }),
    ],
    { K1: 'keep-research', K2: 'keep-research', K3: 'keep-research', K4: 'keep-research', K5: 'destroy', K6: 'destroy' },
  ],
  [
    'different people do not hold each other\'s files',
    [fact('K1', '2020-01-01', [a]), fact('K2', '2029-01-01', [e])],
    { K1: 'destroy', K2: 'not-due' },
  ],
];

describe('planRetention: worked cases', () => {
  it.each(worked)('%s', (_title, facts, expected) => {
    const plan = planRetention(facts, RULE, TODAY);
    const verdicts = Object.fromEntries(facts.map((f) => [f.caseId, plan.due.find((i) => i.caseId === f.caseId)?.verdict ?? 'not-due']));
    expect(verdicts).toEqual(expected);
    const total = Object.values(plan.counts).reduce((s, n) => s + n, 0);
    expect(total).toBe(facts.length);
  });

  it('dates an item from the last entry of the file and flags it overdue after the following year', () => {
    const plan = planRetention([fact('K1', '2024-01-10', [a]), fact('K2', '2025-03-01', [a])], RULE, '2031-01-01');
    expect(plan.due).toEqual([
      { caseId: 'K1', municipality: '1287', month: '2024-01', verdict: 'destroy', lastEntryOn: '2025-03-01', dueFrom: '2030-03-01', deadline: '2031-12-31', overdue: false },
      { caseId: 'K2', municipality: '1287', month: '2025-03', verdict: 'destroy', lastEntryOn: '2025-03-01', dueFrom: '2030-03-01', deadline: '2031-12-31', overdue: false },
    ]);
    const late = planRetention([fact('K1', '2024-01-10', [a])], RULE, '2031-01-01');
    expect(late.due[0]).toMatchObject({ dueFrom: '2029-01-10', deadline: '2030-12-31', overdue: true });
  });
});

describe('planRetention: properties', () => {
  const facts = fc.array(
    fc.record({
      caseId: fc.uuid(),
      municipality: fc.constantFrom('1287', '1263'),
      month: fc.constant(null),
      closed: fc.boolean(),
      lastEntryOn: fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      adults: fc.option(fc.array(fc.record({ key: fc.constantFrom('p1', 'p2', 'p3', 'p4'), bornOnDay: fc.option(fc.integer({ min: 1, max: 31 }), { nil: undefined }) }), { minLength: 1, maxLength: 2 }), { nil: null }),
    }),
    { maxLength: 30 },
  );

  it('never destroys a case that is open, research-kept, unidentified, or younger than five years in any of its files', () => {
    fc.assert(
      fc.property(facts, fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2045-01-01T00:00:00Z'), noInvalidDate: true }), (cases, day) => {
        const today = day.toISOString().slice(0, 10);
        const plan = planRetention(cases, RULE, today);
        for (const item of plan.due.filter((i) => i.verdict === 'destroy')) {
          const c = cases.find((f) => f.caseId === item.caseId)!;
          expect(c.closed).toBe(true);
          expect(c.adults).not.toBeNull();
          for (const p of c.adults!) {
            expect(p.bornOnDay).toBeDefined();
            expect([5, 15, 25]).not.toContain(p.bornOnDay);
            // Every case of the same person in the same municipality is at least five years old.
            for (const other of cases.filter((o) => o.municipality === c.municipality && o.adults?.some((q) => q.key === p.key))) {
              expect(addYears(other.lastEntryOn, 5) <= today).toBe(true);
            }
          }
        }
      }),
    );
  });

  it('a later day never brings a destroyable case back', () => {
    fc.assert(
      fc.property(facts, fc.integer({ min: 2020, max: 2040 }), fc.integer({ min: 0, max: 5 }), (cases, year, later) => {
        const early = planRetention(cases, RULE, `${year}-06-01`);
        const late = planRetention(cases, RULE, `${year + later}-06-01`);
        const lateVerdict = new Map(late.due.map((i) => [i.caseId, i.verdict]));
        for (const item of early.due) expect(lateVerdict.get(item.caseId)).toBe(item.verdict);
      }),
    );
  });
});

describe('the shipped retention rule', () => {
  it('has five years, the research days, and a source for every period', () => {
    const rules = loadRules();
    for (const day of ['2024-01-01', '2026-11-25']) {
      const rule = rules.retentionAt(day)!;
      expect(rule.value).toMatchObject({ yearsAfterLastEntry: 5, keepBornOnDays: [5, 15, 25], completeBy: 'endOfFollowingCalendarYear' });
      expect(rule.source.length).toBeGreaterThan(10);
    }
    // From 2025-07-01: SoL (2025:400) 16 kap. 1 och 4 §§ and SoF (2025:468) 13 kap. 1 §, read in the statute.
    const current = rules.retentionAt('2026-11-25')!;
    expect(current.status).toBe('official');
    expect(current.source).toBe('SoL (2025:400) 16 kap. 1 och 4 §§; SoF (2025:468) 13 kap. 1 §');
    expect(current.value.keepSource).toContain('SoF (2025:468) 13 kap. 1 §');
    expect(current.value.keepWholeCounties).toEqual(['05', '09', '22']);
    expect(current.value.keepWholeMunicipalities).toEqual(['1480']);
    expect(rules.retentionAt('2025-06-30')!.value.keepWholeCounties).toEqual([]);
  });
});
