import { firstDayOf, stockholmDate } from '../domain/dates.js';
import { formatOre, type Money } from '../domain/money.js';
import type { Calculation, TraceLine } from '../domain/proposal.js';
import type { CaseSnapshot } from '../domain/snapshot.js';
import type { RuleSet } from '../rules/ruleset.js';
import { addCosts } from './costs.js';
import { householdOf, type Household } from './household.js';
import { addIncomes, type IncomeChoices } from './incomes.js';
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
 * always give the same calculation. `choices`: a caseworker's settled incomes (the workbench);
 * without them, the robot's calculation.
 */
export function calculate(snapshot: CaseSnapshot, rules: RuleSet, choices: IncomeChoices = {}): NormResult {
  const household = householdOf(snapshot);
  const trace = new Trace(rules, firstDayOf(snapshot.application.month), stockholmDate(new Date(snapshot.application.receivedAt)));
  addRiksnorm(household, trace);
  addCosts(snapshot.application, household, trace);
  const jobStimulus = addIncomes(snapshot, household, trace, choices);

  const { norm, cost: costs, income: incomes } = trace.totals;
  const result = roundBy(rules.rounding.result, norm.plus(costs).minus(incomes));

  return {
    household,
    result,
    trace,
    calculation: {
      norm: formatOre(norm),
      costs: formatOre(costs),
      incomes: formatOre(incomes),
      result: result.isZero() ? '0' : result.toFixed(0),
      lines: trace.lines.map(toTraceLine),
      complete: trace.complete,
      jobStimulus,
    },
  };
}

/** Fixed key order, so equal calculations serialise to equal JSON. */
function toTraceLine(line: WorkingLine): TraceLine {
  const out: TraceLine = { kind: line.kind, label: line.label, amount: formatOre(line.amount), rule: line.rule, source: line.source };
  if (line.status !== undefined) out.status = line.status;
  if (line.person !== undefined) out.person = line.person;
  if (line.cap !== undefined) out.cap = formatOre(line.cap);
  if (line.basis !== undefined) out.basis = formatOre(line.basis);
  if (line.note !== undefined) out.note = line.note;
  return out;
}
