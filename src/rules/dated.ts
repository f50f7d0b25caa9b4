import type { IsoDate } from '../domain/dates.js';
import type { RuleStatus } from './schema.js';

/** A value that holds from `from` to `to` (inclusive; null = until further notice). */
export interface Dated<T> {
  /** Dotted rule id, e.g. "riksnorm.adults.single". */
  rule: string;
  from: IsoDate;
  to: IsoDate | null;
  status: RuleStatus;
  source: string;
  note?: string | undefined;
  /** The rules file it came from, relative to the rules folder. */
  file: string;
  value: T;
}

/** Dated values by rule id. Lookups never interpolate: no value on a date means none. */
export class DatedTable<T> {
  private readonly byRule = new Map<string, Dated<T>[]>();

  add(entry: Dated<T>): void {
    const list = this.byRule.get(entry.rule) ?? [];
    list.push(entry);
    list.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
    this.byRule.set(entry.rule, list);
  }

  at(rule: string, date: IsoDate): Dated<T> | undefined {
    const list = this.byRule.get(rule);
    if (!list) return undefined;
    for (const entry of list) {
      if (entry.from <= date && (entry.to === null || date <= entry.to)) return entry;
    }
    return undefined;
  }

  all(): Dated<T>[] {
    return [...this.byRule.values()].flat();
  }

  /** Pairs of values for the same rule whose periods overlap, and periods that end before they start. */
  problems(): Array<{ entry: Dated<T>; problem: string }> {
    const out: Array<{ entry: Dated<T>; problem: string }> = [];
    for (const list of this.byRule.values()) {
      list.forEach((entry, i) => {
        if (entry.to !== null && entry.to < entry.from) {
          out.push({ entry, problem: `perioden slutar (${entry.to}) före den börjar (${entry.from})` });
        }
        const next = list[i + 1];
        if (next && (entry.to === null || entry.to >= next.from)) {
          out.push({
            entry: next,
            problem: `${entry.rule} från ${next.from} överlappar perioden ${entry.from}–${entry.to ?? 'tills vidare'} (${entry.file})`,
          });
        }
      });
    }
    return out;
  }
}
