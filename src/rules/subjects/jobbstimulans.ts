import { Decimal, type Money } from '../../domain/money.js';
import { DatedTable } from '../dated.js';
import { dated, track, validate, type LoadContext, type RulesDocument } from './common.js';

export interface JobStimulusParams {
  exemptShare: Money;
  qualifyingMonths: number;
  periodMonths: number;
}

/** rules/jobbstimulans.yaml: the exempt share of earnings after the qualifying months, for the period (rule `jobbstimulans`). */
export function loadJobbstimulans(document: RulesDocument, context: LoadContext): DatedTable<JobStimulusParams> {
  const table = new DatedTable<JobStimulusParams>();
  for (const v of validate('jobbstimulans', document).values) {
    const value = { exemptShare: new Decimal(v.exemptShare), qualifyingMonths: v.qualifyingMonths, periodMonths: v.periodMonths };
    track(context, table, dated('jobbstimulans', v, document.file, value));
  }
  return table;
}
