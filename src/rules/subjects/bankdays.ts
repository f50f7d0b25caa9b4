import { DatedTable } from '../dated.js';
import type { ClosedDayDoc } from '../schema.js';
import { dated, track, validate, type LoadContext, type RulesDocument } from './common.js';

export type ClosedDay = ClosedDayDoc;

/** rules/bankdays.yaml: the weekdays banks are closed, by period (rule `bankdays`). */
export function loadBankdays(document: RulesDocument, context: LoadContext): DatedTable<readonly ClosedDay[]> {
  const table = new DatedTable<readonly ClosedDay[]>();
  for (const v of validate('bankdays', document).values) track(context, table, dated('bankdays', v, document.file, v.closed));
  return table;
}
