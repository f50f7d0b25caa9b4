import type { IsoDate } from '../domain/dates.js';
import { Decimal, ZERO, type Money } from '../domain/money.js';
import type { ReasonCode } from '../domain/reasons.js';
import type { ReasonDetail, TraceLine } from '../domain/proposal.js';
import type { Dated } from '../rules/dated.js';
import type { RuleSet } from '../rules/ruleset.js';
import type { RoundingStep } from '../rules/schema.js';

/** A line while it is being computed: the amount stays a Decimal until the proposal is written. */
export interface WorkingLine extends Omit<TraceLine, 'amount' | 'cap' | 'basis'> {
  amount: Money;
  cap?: Money;
  basis?: Money;
}

const ROUNDING_MODES = {
  halfUp: Decimal.ROUND_HALF_UP,
  halfEven: Decimal.ROUND_HALF_EVEN,
  down: Decimal.ROUND_DOWN,
  up: Decimal.ROUND_UP,
} as const;

export function roundBy(step: RoundingStep, value: Money): Money {
  return value.toDecimalPlaces(step.places, ROUNDING_MODES[step.mode]);
}

/**
 * Collects what a calculation finds: its lines, the reasons a caseworker must step in, the
 * warnings, and which rule values it leaned on (to catch provisional ones).
 */
export class Trace {
  readonly lines: WorkingLine[] = [];
  readonly reasons: ReasonDetail[] = [];
  readonly warnings: string[] = [];
  readonly provisionalRules = new Set<string>();
  /** Running totals per line kind, kept as lines are added so nothing is summed twice. */
  readonly totals: Record<WorkingLine['kind'], Money> = { norm: ZERO, cost: ZERO, income: ZERO, exempt: ZERO };
  complete = true;

  constructor(
    readonly rules: RuleSet,
    /** The first day of the assistance month: the date every rule is looked up at. */
    readonly ruleDate: IsoDate,
    /**
     * The day the provisions cited are taken from (domain/legalBasis.ts): the application's
     * receipt day (Stockholm), the robot's best knowledge of the decision day.
     */
    readonly citationDate: IsoDate = ruleDate,
  ) {}

  line(line: WorkingLine): void {
    this.lines.push(line);
    this.totals[line.kind] = this.totals[line.kind].plus(line.amount);
  }

  reason(code: ReasonCode, message: string, field?: string): void {
    if (this.reasons.some((r) => r.code === code && r.message === message)) return;
    this.reasons.push(field === undefined ? { code, message } : { code, message, field });
  }

  warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }

  /** Notes that a rule value was used; provisional ones are reported once the calculation ends. */
  use<T>(entry: Dated<T>): Dated<T> {
    if (entry.status === 'provisional') this.provisionalRules.add(entry.rule);
    return entry;
  }

  /** A rule value that does not exist for the month: never guessed, the item is left out. */
  missing(rule: string, what: string): void {
    this.complete = false;
    this.reason('RULES_MISSING', `${what} saknas i regelverket för ${this.ruleDate.slice(0, 7)} (${rule})`);
  }

  /**
   * A riksnorm item whose value is missing still shows as a line (at 0, marked), so the
   * caseworker sees what is left out of the totals rather than an absent row.
   */
  missingLine(line: Omit<WorkingLine, 'amount' | 'source'>): void {
    const missing: WorkingLine = { kind: line.kind, label: line.label, amount: ZERO, rule: line.rule, source: 'saknas i regelverket', note: 'Regelvärde saknas för månaden: posten ingår inte i summan' };
    if (line.person !== undefined) missing.person = line.person;
    this.line(missing);
  }

  amount(rule: string, what: string): Dated<Money> | undefined {
    const entry = this.rules.amountAt(rule, this.ruleDate);
    if (!entry) {
      this.missing(rule, what);
      return undefined;
    }
    return this.use(entry);
  }

  roundShare(value: Money): Money {
    return roundBy(this.rules.rounding.share, value);
  }
}

/** A `note` property joining the given notes, or nothing when there are none. */
export function notes(...parts: Array<string | undefined>): { note?: string } {
  const text = parts.filter((p): p is string => Boolean(p)).join('; ');
  return text ? { note: text } : {};
}
