import { kronor, namesForCase } from '../../domain/labels.js';
import { cite } from '../../domain/legalBasis.js';
import { monthName } from '../../assessment/explain.js';
import { esc } from '../layout.js';
import type { DecisionRecord } from '../../store/index.js';
import type { DecisionContent } from './decision.js';
import { amountSources, appealable, decisionDay, letterReasons, refusedCosts } from './letterReasons.js';
import { changeSection } from './letterChange.js';
import { decidedBy } from './decidedBy.js';
import { addresseeOf, senderLines, type Addressee } from './sender.js';
import { calculationTable, formatDate, formatPersonalNumber, type MunicipalityNames } from './view.js';

/**
 * The decision letter to the applicant, in plain Swedish, rendered from exactly what was
 * signed (the decision's stored content). The same body serves the web page, print and PDF.
 * Reasons, legal basis and appeal instructions follow the law in force on the signing day
 * (letterReasons.ts); the amounts are those of the assistance month, with their sources.
 */
function legalBasis(c: DecisionContent): string {
  const day = decisionDay(c);
  return `Beslutet är fattat enligt ${cite('right', day)}, som ger rätt till försörjningsstöd när behovet inte kan tillgodoses på annat sätt, och ${cite('calculation', day)}, som säger vad försörjningsstödet ska täcka.`;
}

function reasonsSection(c: DecisionContent): string {
  const reasons = letterReasons(c);
  if (reasons.length === 0) return '';
  const items = reasons.map(
    (r) => `<li><strong>${esc(r.title)}</strong>
<p>Beslutet grundar sig på ${esc(r.provision)}.</p>
${r.facts.length ? `<p>Det här har avgjort:</p><ul>${r.facts.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : ''}</li>`,
  );
  return `<p>Skälen till beslutet:</p><ol class="reasons">${items.join('\n')}</ol>`;
}

/** "Trelleborgs kommun, Socialtjänsten, ekonomiskt bistånd, 231 83 Trelleborg": one line, for running text. */
function writeTo(to: Addressee): string {
  return esc(to.contact ? to.contact.postalAddress.join(', ') : to.kommun);
}

function questions(to: Addressee): string {
  return to.contact ? `\n<p>Har du frågor om beslutet kan du ringa ${esc(to.kommun)} på telefon <span class="nowrap">${esc(to.contact.phone)}</span>.</p>` : '';
}

function appealSection(c: DecisionContent, to: Addressee): string {
  const day = decisionDay(c);
  if (!appealable(c)) {
    return `<h2>Om du inte är nöjd med beslutet</h2>
<p>Det här beslutet kan inte överklagas till förvaltningsrätten (det räknas inte upp i ${esc(cite('appeal', day))}).</p>
<p>Om du anser att beslutet är fel kan du skriva till <strong>${writeTo(to)}</strong> och be att vi prövar det på nytt. Ange ärendenummer ${esc(c.caseId)}, vad du vill ändra och varför. Du kan också ansöka på nytt om dina förhållanden har ändrats.</p>${questions(to)}`;
  }
  return `<h2>Om du inte är nöjd med beslutet</h2>
<p>Du kan överklaga beslutet till förvaltningsrätten (${esc(cite('appeal', day))}). Så här gör du:</p>
<ol>
<li>Skriv ett brev och berätta vilket beslut du överklagar (ange ärendenummer ${esc(c.caseId)}), hur du vill att beslutet ska ändras och varför.</li>
<li>Skriv under brevet och skicka det till <strong>${writeTo(to)}</strong>, inte direkt till förvaltningsrätten.</li>
<li>Vi måste ha fått ditt överklagande <strong>inom tre veckor</strong> från den dag du fick del av beslutet. Annars kan överklagandet inte prövas.</li>
</ol>
<p>Kommunen prövar först om beslutet ska ändras. Om vi inte ändrar det som du vill, skickar vi ditt överklagande vidare till förvaltningsrätten. Du kan få hjälp att överklaga av kommunen. Beslutet gäller direkt, även om du överklagar det.</p>${questions(to)}`;
}

/** A grant that allows less than was applied for is also a refusal of the rest: said in the decision itself. */
function refusedSection(c: DecisionContent): string {
  const refused = refusedCosts(c);
  if (refused.length === 0) return '';
  return `<p data-testid="letter-refused">Din ansökan <strong>avslås</strong> i den del som gäller ${refused
    .map((r) => `${esc(r.label.charAt(0).toLowerCase() + r.label.slice(1))} (du har ansökt om ${esc(r.applied)}, beviljas ${esc(r.granted)})`)
    .join(' och ')}. Skälen står under Varför.</p>`;
}

/** `names`: the municipalities' names from the rules (view.ts municipalityNames). */
export function letterBody(decision: DecisionRecord, allNames: MunicipalityNames): string {
  const c = decision.content as unknown as DecisionContent;
  const names = namesForCase(allNames, c.municipality);
  const month = monthName(c.month);
  const grant = c.outcome === 'GRANT';
  const sources = amountSources(c);
  const to = addresseeOf(names, c.municipality);
  return `<article class="letter" aria-labelledby="brev-rubrik">
<div class="sender">${senderLines(to)}
<p>Datum: ${esc(formatDate(new Date(c.signedAt)))}<br>Ärende: ${esc(c.caseId)}<br>Personnummer: ${esc(formatPersonalNumber(c.applicantPersonalNumber))}</p></div>
<h1 id="brev-rubrik">Beslut om ekonomiskt bistånd för ${esc(month)}</h1>
${changeSection(c)}
<h2>Beslut</h2>
${
  grant
    ? `<p class="outcome grant">Du får försörjningsstöd med <strong data-testid="letter-amount">${esc(kronor(c.amount))} kronor</strong> för ${esc(month)}.</p>${refusedSection(c)}`
    : `<p class="outcome reject">Din ansökan om försörjningsstöd för ${esc(month)} <strong>avslås</strong>.</p>`
}
<h2>Varför</h2>
${
  grant
    ? `<p>Vi har räknat ut vad ditt hushåll behöver för ${esc(month)} enligt riksnormen och dina skäliga kostnader, och dragit av hushållets inkomster. Det som fattas är det belopp du får.</p>`
    : `<p>Vi har räknat ut vad ditt hushåll behöver för ${esc(month)} och jämfört med hushållets inkomster och förutsättningar.</p>`
}
${reasonsSection(c)}
${c.motivation ? `<p>Handläggarens motivering: ${esc(c.motivation)}</p>` : ''}
<p>${esc(legalBasis(c))}</p>
<h2>Så har vi räknat</h2>
${calculationTable(c.calculation, c.month, names, { caption: `Beräkning för ${month}`, withRules: false })}
${sources.length ? `<p class="small" data-testid="letter-amount-sources">Normbeloppen för ${esc(month)}: ${esc(sources.join('; '))}.</p>` : ''}
${appealSection(c, to)}
<div class="signature">${decidedBy(c, to.kommun)}
<p class="small">Kontrollsumma för beslutet: <span class="hash">${esc(decision.contentHash)}</span></p></div>
</article>`;
}

/** A standalone document for the PDF: the letter with the stylesheet inlined (no network). */
export function letterDocument(decision: DecisionRecord, css: string, names: MunicipalityNames): string {
  const c = decision.content as unknown as DecisionContent;
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Beslut ${esc(c.caseId)}</title><style>${css}</style></head>
<body><main>${letterBody(decision, names)}</main></body></html>`;
}
