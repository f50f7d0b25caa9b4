import { kronor } from '../../domain/labels.js';
import { Decimal } from '../../domain/money.js';
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
  if (!decision || !signed) return `<h2>Beräkning</h2>\n${calculationTable(p.calculation, p.month, names)}`;
  // Against the proposal line by line: a change decision's own edits are against the decision it
  // replaced, which the column "Robotens förslag" is not (a trial saw 3 901 labelled as the robot's).
  const changed = changedAgainst(p.calculation, signed) ?? (content.edits ?? []);
  if (changed.length === 0 && signed.result === p.calculation.result) {
    return `<h2>Beräkning</h2>\n${calculationTable(p.calculation, p.month, names)}`;
  }
  const rows = changed
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

/**
 * The lines whose amount differs between the proposal and the signed calculation, proposal
 * first; undefined when the two do not line up (another set of lines), so nothing is paired wrong.
 */
function changedAgainst(proposal: Calculation, signed: Calculation): { label: string; from: string; to: string }[] | undefined {
  if (signed.lines.length !== proposal.lines.length) return undefined;
  const out: { label: string; from: string; to: string }[] = [];
  for (let i = 0; i < signed.lines.length; i++) {
    const before = proposal.lines[i]!;
    const after = signed.lines[i]!;
    if (before.kind !== after.kind || before.label !== after.label) return undefined;
    if (!new Decimal(before.amount).equals(after.amount)) out.push({ label: after.label, from: before.amount, to: after.amount });
  }
  return out;
}
