import type { RetentionVerdict } from './plan.js';

/** The verdicts in the words of the report (admin page and command line). */
export const VERDICT_LABELS: Readonly<Record<RetentionVerdict, string>> = {
  destroy: 'Gallras',
  'keep-research': 'Bevaras för forskning (född den 5, 15 eller 25)',
  'keep-unknown-person': 'Bevaras tills vidare: personen kan inte identifieras, en handläggare bedömer',
  'keep-open': 'Bevaras tills vidare: ärendet är inte avslutat i roboten',
  'not-due': 'Inte förfallet',
};
