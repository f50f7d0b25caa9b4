import { kronor } from '../../domain/labels.js';
import type { Calculation, Proposal } from '../../domain/proposal.js';
import type { LineEdit } from '../../decisions/content.js';
import type { DecisionRecord } from '../../store/index.js';
import { esc } from '../layout.js';
import { calculationTable, type MunicipalityNames } from './view.js';

/**
 * The case page's calculation: the robot's proposal, and once a caseworker has signed other
 * amounts ("Ändra belopp", a settled manual case, an ändring), the signed calculation first,
 * the changed lines side by side, then the proposal it was made from. What was signed is what
 * the page shows, not the proposal alone.
 */
export function calculationSection(p: Proposal, decision: DecisionRecord | undefined, names: MunicipalityNames): string {
  const content = decision?.content as { calculation?: Calculation; edits?: LineEdit[] } | undefined;
  const signed = content?.calculation;
  const edits = content?.edits ?? [];
  if (!decision || !signed || (edits.length === 0 && signed.result === p.calculation.result)) {
    return `<h2>Beräkning</h2>\n${calculationTable(p.calculation, p.month, names)}`;
  }
  const rows = edits
    .map((e) => `<tr><th scope="row">${esc(e.label)}</th><td class="num">${esc(kronor(e.from))}</td><td class="num">${esc(kronor(e.to))}</td></tr>`)
    .join('');
  return `<h2>Beräkning</h2>
<p data-testid="signed-calculation-note">Beslutet signerades med andra belopp än robotens förslag. Först beräkningen i det signerade beslutet, sedan förslaget den utgår från.</p>
<div class="table-scroll">
<table data-testid="changed-lines"><caption>Ändrade poster</caption>
<thead><tr><th scope="col">Post</th><th scope="col" class="num">Robotens förslag (kr)</th><th scope="col" class="num">Signerat beslut (kr)</th></tr></thead>
<tbody>${rows}<tr class="total"><th scope="row">Resultat</th><td class="num">${esc(kronor(p.calculation.result))}</td><td class="num">${esc(kronor(signed.result))}</td></tr></tbody>
</table></div>
<h3>Det signerade beslutet</h3>
${calculationTable(signed, p.month, names, { caption: 'Beräkning i det signerade beslutet' })}
<h3>Robotens förslag</h3>
${calculationTable(p.calculation, p.month, names, { caption: 'Beräkning i robotens förslag' })}`;
}
