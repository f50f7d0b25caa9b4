import { firstDayOf } from '../domain/dates.js';
import { formatKrona, formatOre, sum, type Money } from '../domain/money.js';
import type { Calculation, LineKind, TraceLine } from '../domain/proposal.js';
import type { CaseSnapshot } from '../domain/snapshot.js';
import type { RuleSet } from '../rules/ruleset.js';
import { addCosts } from './costs.js';
import { householdOf, type Household } from './household.js';
import { addIncomes } from './incomes.js';
import { addRiksnorm } from './riksnorm.js';
import { roundBy, Trace, type WorkingLine } from './trace.js';

export interface NormResult {
  calculation: Calculation;
  household: Household;
  /** The exact result before rounding, and after: norm + costs - incomes. */
  result: Money;
  trace: Trace;
}

/**
 * The norm calculation (RULES.md 1-6) for a validated snapshot: riksnorm + reasonable costs -
 * incomes, every amount a line with its rule and source. Pure: the same snapshot and rules
 * always give the same calculation.
 */
export function calculate(snapshot: CaseSnapshot, rules: RuleSet): NormResult {
  const household = householdOf(snapshot);
  const trace = new Trace(rules, firstDayOf(snapshot.application.month));
  addRiksnorm(household, trace);
  addCosts(snapshot.application, household, trace);
  const jobStimulus = addIncomes(snapshot, household, trace);

  const total = (kind: LineKind): Money => sum(trace.lines.filter((l) => l.kind === kind).map((l) => l.amount));
  const norm = total('norm');
  const costs = total('cost');
  const incomes = total('income');
  const result = roundBy(rules.rounding.result, norm.plus(costs).minus(incomes));

  return {
    household,
    result,
    trace,
    calculation: {
      norm: formatOre(norm),
      costs: formatOre(costs),
      incomes: formatOre(incomes),
      result: formatKrona(result),
      lines: trace.lines.map(toTraceLine),
      complete: trace.complete,
      jobStimulus,
    },
  };
}

function toTraceLine(line: WorkingLine): TraceLine {
  const { kind, label, amount, rule, source, cap, basis, ...rest } = line;
  return {
    kind,
    label,
    amount: formatOre(amount),
    rule,
    source,
    ...rest,
    ...(cap !== undefined ? { cap: formatOre(cap) } : {}),
    ...(basis !== undefined ? { basis: formatOre(basis) } : {}),
  };
}
