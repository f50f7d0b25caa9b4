import { addMonths, firstDayOf, monthOf, type IsoDate, type YearMonth } from '../domain/dates.js';
import type { Dated } from './dated.js';
import type { RuleSet } from './ruleset.js';
import { CHILD_BANDS, SHARED_SIZES, WITHOUT_LUNCH_BANDS } from './schema.js';

/**
 * Which rules a month lacks, or has only provisionally: the riksnorm (every cell), the
 * prisbasbelopp, and per municipality its cost caps and asset buffer. Applications for January
 * arrive in December, so the admin's "Att göra" and `rules check` ask this of the coming month
 * from the first day of the month before. Pure: the rules and a month in, a list out.
 */
export interface RuleGap {
  /** null for a national rule (riksnorm, prisbasbelopp), else the municipality code it concerns. */
  municipality: string | null;
  rule: string;
  problem: 'missing' | 'provisional';
  /** Where to enter it. */
  file: string;
}

const NATIONAL: ReadonlyArray<{ rule: string; file: string }> = [
  { rule: 'riksnorm.adults.single', file: 'rules/riksnorm.yaml' },
  { rule: 'riksnorm.adults.cohabiting', file: 'rules/riksnorm.yaml' },
  ...CHILD_BANDS.map((b) => ({ rule: `riksnorm.children.${b}`, file: 'rules/riksnorm.yaml' })),
  ...WITHOUT_LUNCH_BANDS.map((b) => ({ rule: `riksnorm.childrenWithoutLunch.${b}`, file: 'rules/riksnorm.yaml' })),
  ...SHARED_SIZES.map((s) => ({ rule: `riksnorm.shared.${s}`, file: 'rules/riksnorm.yaml' })),
  { rule: 'prisbasbelopp', file: 'rules/prisbasbelopp.yaml' },
];

function judge(entry: Dated<unknown> | undefined): RuleGap['problem'] | null {
  if (!entry) return 'missing';
  return entry.status === 'provisional' ? 'provisional' : null;
}

/** Every gap of `month` (looked up on its first day), national ones first, then per municipality in code order. */
export function ruleGaps(rules: RuleSet, month: YearMonth): RuleGap[] {
  const day = firstDayOf(month);
  const gaps: RuleGap[] = [];
  for (const { rule, file } of NATIONAL) {
    const problem = judge(rules.amountAt(rule, day));
    if (problem) gaps.push({ municipality: null, rule, problem, file });
  }
  const costTypes = [...new Set(rules.allValues.map((v) => /^municipality\.\d{4}\.costs\.(\w+)$/.exec(v.rule)?.[1]).filter((t): t is string => t !== undefined))].sort();
  for (const code of rules.municipalityCodes()) {
    const m = rules.municipality(code)!;
    const file = m.guidelinesFrom ? `rules/municipalities (kommun ${m.guidelinesFrom.code})` : 'rules/municipalities';
    for (const type of costTypes) {
      const cost = m.costRule(type, day);
      if (cost.basis === 'assess') continue;
      const problem = judge(cost.entry);
      if (problem) gaps.push({ municipality: code, rule: cost.rule, problem, file: cost.entry?.file ?? file });
    }
    const buffer = m.assetBuffer(day);
    const problem = judge(buffer);
    if (problem) gaps.push({ municipality: code, rule: buffer?.rule ?? `municipality.${m.guidelinesFrom?.code ?? code}.assetBuffer`, problem, file: buffer?.file ?? file });
  }
  return gaps;
}

/** The month the rules must be ready for on `today`: the next one (applications come in the month before). */
export function comingMonth(today: IsoDate): YearMonth {
  return addMonths(monthOf(today), 1);
}

/** One line in Swedish per gap, e.g. "1287: municipality.1287.assetBuffer är preliminärt (rules/…)". */
export function describeGap(gap: RuleGap, month: YearMonth): string {
  const where = gap.municipality ?? 'alla kommuner';
  const what = gap.problem === 'missing' ? `saknas för ${month}` : `är preliminärt för ${month}`;
  return `${where}: ${gap.rule} ${what} (${gap.file})`;
}
