import { kronor } from '../../domain/labels.js';
import type { Proposal } from '../../domain/proposal.js';
import { monthName } from '../../assessment/explain.js';
import { esc } from '../layout.js';

/**
 * The confirmation step before signing a proposal as it stands (POST /arenden/:id/signera/bekrafta):
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
