import { applicationErrorText } from '../../domain/labels.js';
import { monthName } from '../../assessment/explain.js';
import { esc } from '../layout.js';
import { maskPersonalNumber } from './view.js';

/**
 * An application the robot could not read, as a caseworker reads it: who applied (masked), for
 * which month, what kind of application, and each error as a sentence naming the field in words
 * ("Beloppet för boendekostnad är inte ett belopp i kronor, t.ex. 6 500 eller 1 250,50."). The
 * field's path is kept in small print for whoever fixes the e-service, never alone.
 */
export interface AppliedFacts {
  personalNumber: string | null;
  coApplicant: string | null;
  month: string | null;
  kind: string | null;
}

/** What the raw application says about who applied and for when; nulls where it says nothing usable. */
export function appliedFacts(raw: unknown): AppliedFacts {
  const app = (raw as { application?: Record<string, unknown> } | null | undefined)?.application;
  const pn = (v: unknown) => {
    const n = (v as { personalNumber?: unknown } | null | undefined)?.personalNumber;
    return typeof n === 'string' ? n : null;
  };
  const month = typeof app?.month === 'string' && /^\d{4}-(0[1-9]|1[0-2])$/.test(app.month) ? app.month : null;
  return { personalNumber: pn(app?.applicant), coApplicant: pn(app?.coApplicant), month, kind: typeof app?.kind === 'string' ? app.kind : null };
}

export function invalidApplicationSection(errors: readonly { field: string; message: string }[], raw: unknown, caseMonth: string | null): string {
  const facts = appliedFacts(raw);
  const application = (raw as { application?: { costs?: unknown; incomes?: unknown; assets?: unknown } } | null | undefined)?.application;
  const month = facts.month ?? caseMonth;
  const kind = facts.kind === 'new' ? 'Nyansökan' : facts.kind === 'renewal' ? 'Fortsatt ansökan' : 'Framgår inte';
  return `<section aria-labelledby="ogiltig-rubrik"><h3 id="ogiltig-rubrik">Ansökan kunde inte läsas in</h3>
<dl class="facts">
<dt>Sökande</dt><dd>${facts.personalNumber ? esc(maskPersonalNumber(facts.personalNumber)) : 'Framgår inte av ansökan'}</dd>
${facts.coApplicant ? `<dt>Medsökande</dt><dd>${esc(maskPersonalNumber(facts.coApplicant))}</dd>` : ''}
<dt>Ansökan gäller</dt><dd>${month ? esc(monthName(month)) : 'Framgår inte av ansökan'}</dd>
<dt>Slag av ansökan</dt><dd>${esc(kind)}</dd>
</dl>
<p>${errors.length === 1 ? 'Det här behöver rättas' : `De här ${errors.length} sakerna behöver rättas`} innan roboten kan räkna på ansökan. Kontakta den sökande eller handlägg ärendet i verksamhetssystemet.</p>
<ul class="plain" data-testid="application-errors">${errors
    .map((e) => `<li>${esc(applicationErrorText(e.field, e.message, application))} <span class="small">(fält ${esc(e.field)})</span></li>`)
    .join('')}</ul></section>`;
}
