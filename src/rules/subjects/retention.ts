import { DatedTable } from '../dated.js';
import { dated, track, validate, type LoadContext, type RulesDocument } from './common.js';

export interface RetentionRule {
  yearsAfterLastEntry: number;
  completeBy: 'endOfFollowingCalendarYear';
  keepBornOnDays: readonly number[];
  /** Every file is kept in these counties' municipalities (first two digits of the code)... */
  keepWholeCounties: readonly string[];
  /** ... and in these municipalities. */
  keepWholeMunicipalities: readonly string[];
  keepSource: string;
}

/** rules/retention.yaml: gallring, by the day a run is made (rule `retention`). */
export function loadRetention(document: RulesDocument, context: LoadContext): DatedTable<RetentionRule> {
  const table = new DatedTable<RetentionRule>();
  for (const v of validate('retention', document).values) {
    const value: RetentionRule = {
      yearsAfterLastEntry: v.yearsAfterLastEntry,
      completeBy: v.completeBy,
      keepBornOnDays: v.keepBornOnDays,
      keepWholeCounties: v.keepWholeCounties ?? [],
      keepWholeMunicipalities: v.keepWholeMunicipalities ?? [],
      keepSource: v.keepSource,
    };
    track(context, table, dated('retention', v, document.file, value));
  }
  return table;
}
