import { kronor } from '../../domain/labels.js';
import { Decimal } from '../../domain/money.js';
import { esc } from '../layout.js';
import type { DecisionContent } from './decision.js';
import { formatDate } from './view.js';

/**
 * The part of a decision letter that says what changed and why, for a decision that supersedes
 * an earlier one (ändring, omprövning). Empty for a first decision. Rendered from the signed
 * content only, so the letter says exactly what was signed.
 */
export function isoDateWords(date: string): string {
  return formatDate(new Date(`${date}T12:00:00Z`));
}

function outcomeWords(outcome: 'GRANT' | 'REJECT', amount: string): string {
  return outcome === 'GRANT' ? `bifall med ${kronor(amount)} kronor` : 'avslag';
}

function paymentWords(c: DecisionContent, previousAmount: string): string {
  const granted = new Decimal(c.outcome === 'GRANT' ? c.amount : '0');
  if (granted.greaterThan(previousAmount)) return 'Det nya beloppet betalas ut, med avdrag för det du redan har fått för månaden.';
  if (granted.lessThan(previousAmount)) {
    return 'Har du redan fått mer än det nya beloppet utreder vi om något ska betalas tillbaka. Du får i så fall ett särskilt beslut om det; inget dras automatiskt.';
  }
  return 'Beloppet är detsamma som förut.';
}

export function changeSection(c: DecisionContent): string {
  const change = c.change;
  if (!change) return '';
  const before = outcomeWords(change.previousOutcome, change.previousAmount);
  const now = outcomeWords(c.outcome, c.amount);
  const lines = c.edits
    .map((e) => `<tr><th scope="row">${esc(e.label)}</th><td class="num">${esc(kronor(e.from))}</td><td class="num">${esc(kronor(e.to))}</td></tr>`)
    .join('');
  const why =
    change.kind === 'omprövning'
      ? 'Vi har omprövat beslutet efter ditt överklagande.'
      : 'Vi har ändrat beslutet.';
  return `<section class="change" aria-labelledby="andring-rubrik">
<h2 id="andring-rubrik">Vad vi har ändrat och varför</h2>
<p>${esc(why)} Detta beslut ersätter beslutet från ${esc(formatDate(new Date(change.previousSignedAt)))} (${esc(before)}). Nu gäller ${esc(now)}.</p>
${lines ? `<table><caption>Ändrade belopp</caption><thead><tr><th scope="col">Post</th><th scope="col" class="num">Tidigare (kr)</th><th scope="col" class="num">Nu (kr)</th></tr></thead><tbody>${lines}</tbody></table>` : ''}
${c.motivation ? `<p>Skälet till ändringen: ${esc(c.motivation)}</p>` : ''}
<p>${esc(paymentWords(c, change.previousOutcome === 'GRANT' ? change.previousAmount : '0'))}</p>
</section>`;
}
