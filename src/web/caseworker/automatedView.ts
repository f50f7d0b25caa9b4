import { kronor } from '../../domain/labels.js';
import type { AutomatedDecisionFacts } from '../../decisions/content.js';
import type { AutomatedDecisionItem, CaseState, DecisionRecord } from '../../store/index.js';
import { esc } from '../layout.js';
import { formatDateTime, STATE_WORDS, type MunicipalityNames } from './view.js';

/**
 * How the caseworker pages show a decision the robot made itself (no person signed it):
 * always with the words "Automatiskt beslut", never as "signerat".
 */
export const AUTOMATED_LABEL = 'Automatiskt beslut';

/** The case's state in words; a case the robot decided itself is not "signerat". */
export function stateWords(state: CaseState, automated: boolean): string {
  if (state === 'SIGNED' && automated) return `${AUTOMATED_LABEL}, verkställs`;
  return STATE_WORDS[state];
}

/** The decision section of the case page for an automated decision. */
export function automatedDecisionSection(decision: DecisionRecord): string {
  const id = encodeURIComponent(decision.caseId);
  const automated = (decision.content as { automated?: AutomatedDecisionFacts }).automated;
  const what = decision.outcome === 'GRANT' ? `Beviljat ${esc(kronor(decision.amount))} kr` : 'Avslag';
  return `<h2>Beslut</h2>
<p class="notice" data-testid="automated-decision"><strong>${AUTOMATED_LABEL}.</strong> ${what} – fattat automatiskt av roboten ${esc(formatDateTime(decision.signedAt))} enligt delegation${
    automated ? ` från ${esc(automated.delegatedBy)}` : ''
  } (${esc(decision.delegationReference)}). Ingen handläggare har signerat beslutet.</p>
<p>Roboten beslutar själv bara förnyade ansökningar som inte har något skäl till manuell handläggning och inget att observera, och bara där kommunens delegationsordning tillåter det. Begär sökanden att en handläggare prövar beslutet, görs det som ett nytt beslut som ersätter detta.</p>
<p>Kontrollsumma (SHA-256) för beslutets innehåll: <span class="hash">${esc(decision.contentHash)}</span></p>
<p><a href="/arenden/${id}/beslut">Visa beslutsbrevet</a> · <a href="/arenden/${id}/beslut.pdf">Ladda ned beslutsbrevet som PDF</a></p>`;
}

/** The inbox's list of recent automated decisions (read-only: nothing waits on a caseworker). */
export function automatedDecisionsList(items: readonly AutomatedDecisionItem[], days: number, names: MunicipalityNames): string {
  const heading = `<h2 id="automatiska">${AUTOMATED_LABEL} de senaste ${days} dagarna</h2>`;
  if (items.length === 0) return `${heading}\n<p>Roboten har inte fattat några automatiska beslut de senaste ${days} dagarna.</p>`;
  const rows = items
    .map(
      (i) => `<tr>
<th scope="row"><a href="/arenden/${encodeURIComponent(i.caseId)}">${esc(i.caseId)}</a></th>
<td>${esc(formatDateTime(i.decidedAt))}</td>
<td>${AUTOMATED_LABEL}: ${i.outcome === 'GRANT' ? `beviljat ${esc(kronor(i.amount))} kr` : 'avslag'}${i.superseded ? ' <span class="small">(ersatt av ett nytt beslut)</span>' : ''}</td>
<td>${esc(stateWords(i.state as CaseState, !i.superseded))}</td>
<td>${esc(names(i.municipality))}</td>
</tr>`,
    )
    .join('\n');
  return `${heading}
<p>Beslut som roboten har fattat själv enligt kommunens delegationsordning, utan signering. De väntar inte på dig; öppna ärendet för att se beslutet och brevet.</p>
<div class="table-scroll" role="region" aria-labelledby="automatiska" tabindex="0">
<table aria-labelledby="automatiska">
<thead><tr><th scope="col">Ärende</th><th scope="col">Beslutat</th><th scope="col">Beslut</th><th scope="col">Status</th><th scope="col">Kommun</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</div>`;
}
