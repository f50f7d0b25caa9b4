import { Decimal, type Money } from '../../domain/money.js';
import { kronor } from '../../domain/labels.js';
import type { Proposal } from '../../domain/proposal.js';
import { monthName } from '../../assessment/explain.js';
import { esc } from '../layout.js';
import { amountWarnings } from './amountChecks.js';

/**
 * The confirmation step before signing a proposal as it stands (GET /arenden/:id/signera/bekrafta):
 * a page of its own, so that it works without script (the CSP allows none inline), saying
 * what the signature decides, the outcome and the amount, before the form that signs
 * (POST /arenden/:id/signera, unchanged). Going back signs nothing.
 */
export interface ConfirmSignInput {
  caseId: string;
  proposalId: string | undefined;
  proposal: Pick<Proposal, 'outcome' | 'amount' | 'month'>;
  /** Trimmed; empty when none was written. */
  motivation: string;
  csrf: string;
}

/** "bevilja 3 160 kr i försörjningsstöd för mars 2026" or "avslå ansökan om försörjningsstöd för mars 2026". */
export function outcomeSentence(p: ConfirmSignInput['proposal']): string {
  const month = p.month ? ` för ${monthName(p.month)}` : '';
  return p.outcome === 'PROPOSE_GRANT' ? `bevilja ${kronor(p.amount)} kr i försörjningsstöd${month}` : `avslå ansökan om försörjningsstöd${month}`;
}

export function confirmSignBody(input: ConfirmSignInput): string {
  const id = encodeURIComponent(input.caseId);
  return `<h1>Bekräfta beslutet – ärende ${esc(input.caseId)}</h1>
<p class="confirm" id="bekrafta-utfall">Du beslutar att <strong>${esc(outcomeSentence(input.proposal))}</strong>.</p>
${input.motivation ? `<p><strong>Motivering i brevet:</strong> ${esc(input.motivation)}</p>` : '<p>Ingen motivering utöver skälen i beräkningen.</p>'}
<p>När du signerar sparas beslutet med ditt namn och tid, beslutsbrevet skapas och beslutet verkställs. Ett signerat beslut kan bara ändras genom ett nytt beslut.</p>
<form method="post" action="/arenden/${id}/signera">
<input type="hidden" name="_csrf" value="${esc(input.csrf)}">
<input type="hidden" name="proposalId" value="${esc(input.proposalId)}">
<input type="hidden" name="motivering" value="${esc(input.motivation)}">
<button type="submit" aria-describedby="bekrafta-utfall">Bekräfta och signera</button>
</form>
<p><a href="/arenden/${id}">Avbryt, tillbaka till ärendet utan att signera</a></p>`;
}

/**
 * The confirmation step of "Ändra belopp" (GET /arenden/:id/andra/bekrafta): the outcome and
 * amount as the edited calculation gives them (editedOutcome in decision.ts, the same
 * computation the signature stores), the changed lines, and the motivation; its button posts
 * the same amounts to POST /arenden/:id/andra, which signs. "Ändra igen" shows the form again
 * with what was typed; going back signs nothing.
 */
export interface ConfirmEditInput {
  caseId: string;
  proposalId: string | undefined;
  month: string;
  /** After the edit: GRANT with the amount in kronor, or REJECT. */
  outcome: 'GRANT' | 'REJECT';
  amount: string;
  edits: readonly { line: number; label: string; from: string; to: string }[];
  /** Every amount field as parsed (line index -> öre string), sent on unchanged. */
  amounts: ReadonlyMap<number, string>;
  motivation: string;
  csrf: string;
}

export function confirmEditBody(input: ConfirmEditInput): string {
  const fields = [...[...input.amounts].map(([i, amount]) => [`belopp_${i}`, amount] as const), ['motivering', input.motivation] as const];
  return confirmWithChangeAgain({
    caseId: input.caseId,
    heading: 'Bekräfta det ändrade beslutet',
    lead: 'Med de ändrade beloppen beslutar du att',
    decided: input,
    details: `${editsTable(input.edits, 'Förslag')}
<p><strong>Motivering i brevet:</strong> ${esc(input.motivation)}</p>
<p>När du signerar sparas beslutet med ditt namn och tid, beslutsbrevet skapas och beslutet verkställs. Ett signerat beslut kan bara ändras genom ett nytt beslut.</p>`,
    path: 'andra',
    fields: hiddenFields(input.csrf, input.proposalId, fields),
  });
}

/**
 * The confirmation step of changing a signed decision (GET /arenden/:id/andra-beslut/bekrafta):
 * the new outcome and amount as the changed calculation gives them (the computation the
 * signature stores), against the decision in force, what happens to the difference, the changed
 * lines and the motivation; its button posts the same fields to POST /arenden/:id/andra-beslut,
 * which signs and carries out. A change pays out at once, so it is confirmed like every other
 * signature; going back signs nothing.
 */
export interface ConfirmChangeInput {
  caseId: string;
  month: string;
  /** 'Ändra' or 'Ompröva' (an appeal). */
  verb: 'Ändra' | 'Ompröva';
  outcome: 'GRANT' | 'REJECT';
  /** Kronor; '0' for a rejection. */
  amount: string;
  /** The decision in force, in words ("Beviljat 14 270 kr"), and its amount in kronor. */
  currentWords: string;
  currentAmount: string;
  /**
   * Kronor the chain has paid out so far (correction.ts paidUnderDecision), what the difference
   * is paid against; undefined when unknown. Differs from currentAmount after a lower change
   * left a possible återkrav, or when the decision in force was never paid.
   */
  paid?: string | undefined;
  edits: readonly { line: number; label: string; from: string; to: string }[];
  /** Every field of the change form as checked (beslut, belopp_*, motivering, overklagande, tillgodoser), sent on unchanged. */
  fields: ReadonlyMap<string, string>;
  motivation: string;
  csrf: string;
}

/** What signing does with money when the chain paid something else than the decision in force grants (settlement.ts settle). */
function paidWords(granted: Money, paid: Money): string {
  const already = `Hittills har ${kronor(paid.toFixed(0))} kr betalats ut`;
  if (granted.greaterThan(paid)) return `${already}; ${kronor(granted.minus(paid).toFixed(0))} kr betalas ut när du signerar.`;
  if (granted.equals(paid)) return `${already}, lika mycket som det nya beslutet; inget mer betalas ut.`;
  return `${already}, ${kronor(paid.minus(granted).toFixed(0))} kr mer än det nya beslutet. Roboten betalar inget mer och kräver aldrig tillbaka; ärendet går till handläggare som möjligt återkrav.`;
}

export function confirmChangeBody(input: ConfirmChangeInput): string {
  const granted = new Decimal(input.outcome === 'GRANT' ? input.amount : '0');
  const difference = granted.minus(new Decimal(input.currentAmount));
  const what = input.paid !== undefined && !new Decimal(input.paid).equals(input.currentAmount)
    ? `${difference.isZero() ? 'Beloppet är detsamma som i det gällande beslutet.' : `Det är ${kronor(difference.abs().toFixed(0))} kr ${difference.greaterThan(0) ? 'mer' : 'mindre'} än det gällande beslutet.`} ${paidWords(granted, new Decimal(input.paid))}`
    : difference.greaterThan(0)
    ? `Det är ${kronor(difference.toFixed(0))} kr mer än det gällande beslutet; skillnaden betalas ut när du signerar.`
    : difference.lessThan(0)
      ? `Det är ${kronor(difference.negated().toFixed(0))} kr mindre än det gällande beslutet. Roboten betalar inget mer och kräver aldrig tillbaka; är mer redan utbetalt går ärendet till handläggare som möjligt återkrav.`
      : 'Beloppet är detsamma som i det gällande beslutet; inget mer betalas ut.';
  return confirmWithChangeAgain({
    caseId: input.caseId,
    heading: `Bekräfta det nya beslutet (${input.verb === 'Ändra' ? 'ändring' : 'omprövning'})`,
    lead: 'Med de ändrade beloppen beslutar du att',
    decided: input,
    details: `<p>Gällande beslut: ${esc(input.currentWords)}. <strong>${esc(what)}</strong></p>
${editsTable(input.edits, 'Gällande')}
<p><strong>Motivering i brevet:</strong> ${esc(input.motivation)}</p>
<p>När du signerar ersätter det nya beslutet det gällande, beslutsbrevet skapas och beslutet verkställs. Ett signerat beslut kan bara ändras genom ett nytt beslut.</p>`,
    path: 'andra-beslut',
    fields: hiddenFields(input.csrf, undefined, input.fields),
  });
}

/**
 * The confirmation step of deciding a manual case (GET /arenden/:id/avgora/bekrafta): the
 * outcome and amount as the settled points give them (previewManualCase, the computation the
 * signature stores); its button posts the same choices to POST /arenden/:id/avgora, which signs.
 * "Ändra igen" shows the settle page again with them; going back signs nothing.
 */
export interface ConfirmManualInput {
  caseId: string;
  proposalId: string | undefined;
  month: string;
  outcome: 'GRANT' | 'REJECT';
  /** Kronor. */
  amount: string;
  /** Every field of the settle form as posted (val_*, motivering_*, belopp_*), sent on unchanged. */
  fields: ReadonlyMap<string, string>;
  /** The letter's motivation as the signature will store it: one line per settled point (settlementText). */
  motivation: string;
  /** The lines the settled points change (an income counted at another amount, a cost refused): checked for slips (amountChecks.ts). */
  edits?: readonly { label: string; from: string; to: string }[];
  csrf: string;
}

export function confirmManualBody(input: ConfirmManualInput): string {
  const lines = input.motivation.split('\n').filter((l) => l.trim() !== '');
  const warning = amountWarningBox(input.edits ?? []);
  return confirmWithChangeAgain({
    caseId: input.caseId,
    heading: 'Bekräfta beslutet',
    lead: 'Med dina ställningstaganden beslutar du att',
    decided: input,
    // What the letter will say about each point, as it will say it: read before signing, as on the other confirmations.
    details: `${warning}${lines.length > 0 ? `<h2>Motiveringar i brevet</h2>\n<ul>${lines.map((l) => `<li>${esc(l)}</li>`).join('')}</ul>\n` : ''}<p>När du signerar sparas beslutet med ditt namn och tid, beslutsbrevet skapas med dina motiveringar och beslutet verkställs. Ett signerat beslut kan bara ändras genom ett nytt beslut.</p>`,
    path: 'avgora',
    fields: hiddenFields(input.csrf, input.proposalId, input.fields),
  });
}

/**
 * The changed amounts, the one they replace (`fromHeading`: the proposal's or the decision in
 * force) beside the new, with a warning first for any that looks mistyped (amountChecks.ts).
 */
/** "Kontrollera beloppen" for the amounts that look mistyped (amountChecks.ts); '' when none does. */
function amountWarningBox(edits: readonly { label: string; from: string; to: string }[]): string {
  const warnings = amountWarnings(edits);
  return warnings.length
    ? `<div class="warning" role="note" aria-labelledby="kontrollera-rubrik"><h2 id="kontrollera-rubrik">Kontrollera beloppen</h2>
<ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>
<p>Stämmer beloppen kan du signera ändå. Annars: Ändra igen.</p></div>
`
    : '';
}

function editsTable(edits: readonly { label: string; from: string; to: string }[], fromHeading: string): string {
  const warning = amountWarningBox(edits);
  const rows = edits.map((e) => `<tr><th scope="row">${esc(e.label)}</th><td class="num">${esc(kronor(e.from))} kr</td><td class="num">${esc(kronor(e.to))} kr</td></tr>`).join('\n');
  return `${warning}<div class="table-scroll" role="region" aria-label="Ändrade belopp" tabindex="0">
<table>
<caption>Ändrade belopp</caption>
<thead><tr><th scope="col">Post</th><th scope="col" class="num">${esc(fromHeading)}</th><th scope="col" class="num">Nytt belopp</th></tr></thead>
<tbody>${rows}</tbody>
</table>
</div>`;
}

/** Hidden fields that carry the checked form on, unchanged, to signing. */
function hiddenFields(csrf: string, proposalId: string | undefined, fields: Iterable<readonly [string, string]>): string {
  return [
    `<input type="hidden" name="_csrf" value="${esc(csrf)}">`,
    `<input type="hidden" name="proposalId" value="${esc(proposalId)}">`,
    ...[...fields].map(([name, value]) => `<input type="hidden" name="${esc(name)}" value="${esc(value)}">`),
  ].join('\n');
}

/**
 * A confirmation that can go back to its form: the outcome sentence, `details`, a form posting
 * the fields to `path` (signs), and "Ändra igen", a GET of `path`?igen=1 (the form again with
 * the draft the confirmation was made from, drafts.ts).
 */
function confirmWithChangeAgain(o: { caseId: string; heading: string; lead: string; decided: { outcome: 'GRANT' | 'REJECT'; amount: string; month: string }; details: string; path: string; fields: string }): string {
  const id = encodeURIComponent(o.caseId);
  const sentence = outcomeSentence({ outcome: o.decided.outcome === 'GRANT' ? 'PROPOSE_GRANT' : 'PROPOSE_REJECT', amount: o.decided.amount, month: o.decided.month });
  return `<h1>${esc(o.heading)} – ärende ${esc(o.caseId)}</h1>
<p class="confirm" id="bekrafta-utfall">${esc(o.lead)} <strong>${esc(sentence)}</strong>.</p>
${o.details}
<form method="post" action="/arenden/${id}/${o.path}">
${o.fields}
<button type="submit" aria-describedby="bekrafta-utfall">Bekräfta och signera</button>
</form>
<form method="get" action="/arenden/${id}/${o.path}">
<input type="hidden" name="igen" value="1">
<button type="submit" class="secondary">Ändra igen</button>
</form>
<p><a href="/arenden/${id}">Avbryt, tillbaka till ärendet utan att signera</a></p>`;
}
