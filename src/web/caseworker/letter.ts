import { kronor } from '../../domain/labels.js';
import { REASON_TITLES } from '../../domain/reasons.js';
import { monthName } from '../../assessment/explain.js';
import { esc } from '../layout.js';
import type { DecisionRecord } from '../../store/index.js';
import type { DecisionContent } from './decision.js';
import { decidedBy } from './decidedBy.js';
import { calculationTable, formatDate, formatPersonalNumber, municipalityName } from './view.js';

/**
 * The decision letter to the applicant, in plain Swedish, rendered from exactly what was
 * signed (the decision's stored content). The same body serves the web page, print and PDF.
 */
function legalBasis(month: string): string {
  // The new Social Services Act (2025:400) applies to decisions from 1 July 2025.
  return month >= '2025-07'
    ? 'Beslutet är fattat enligt socialtjänstlagen (2025:400), som ger rätt till försörjningsstöd när behovet inte kan tillgodoses på annat sätt.'
    : 'Beslutet är fattat enligt 4 kap. 1 § socialtjänstlagen (2001:453), som ger rätt till försörjningsstöd när behovet inte kan tillgodoses på annat sätt.';
}

export function letterBody(decision: DecisionRecord): string {
  const c = decision.content as unknown as DecisionContent;
  const kommun = municipalityName(c.municipality);
  const month = monthName(c.month);
  const grant = c.outcome === 'GRANT';
  const reasons = c.reasons.map((code) => {
    const details = c.reasonDetails.filter((d) => d.code === code).map((d) => `<li>${esc(d.message)}</li>`);
    return `<li>${esc(REASON_TITLES[code] ?? code)}${details.length ? `<ul>${details.join('')}</ul>` : ''}</li>`;
  });
  return `<article class="letter" aria-labelledby="brev-rubrik">
<div class="sender"><p><strong>${esc(kommun)}</strong><br>Socialtjänsten, ekonomiskt bistånd</p>
<p>Datum: ${esc(formatDate(new Date(c.signedAt)))}<br>Ärende: ${esc(c.caseId)}<br>Personnummer: ${esc(formatPersonalNumber(c.applicantPersonalNumber))}</p></div>
<h1 id="brev-rubrik">Beslut om ekonomiskt bistånd för ${esc(month)}</h1>
<h2>Beslut</h2>
${
  grant
    ? `<p class="outcome grant">Du får försörjningsstöd med <strong data-testid="letter-amount">${esc(kronor(c.amount))} kronor</strong> för ${esc(month)}.</p>`
    : `<p class="outcome reject">Din ansökan om försörjningsstöd för ${esc(month)} <strong>avslås</strong>.</p>`
}
<h2>Varför</h2>
${
  grant
    ? `<p>Vi har räknat ut vad ditt hushåll behöver för ${esc(month)} enligt riksnormen och dina skäliga kostnader, och dragit av hushållets inkomster. Det som fattas är det belopp du får.</p>`
    : `<p>Vi har räknat ut vad ditt hushåll behöver för ${esc(month)} och jämfört med hushållets inkomster och förutsättningar.</p>`
}
${reasons.length ? `<p>Skälen till beslutet:</p><ul>${reasons.join('')}</ul>` : ''}
${c.motivation ? `<p>Handläggarens motivering: ${esc(c.motivation)}</p>` : ''}
<p>${esc(legalBasis(c.month))}</p>
<h2>Så har vi räknat</h2>
${calculationTable(c.calculation, c.month, { caption: `Beräkning för ${month}`, withRules: false })}
<h2>Om du inte är nöjd med beslutet</h2>
<p>Du kan överklaga beslutet till förvaltningsrätten. Så här gör du:</p>
<ol>
<li>Skriv ett brev och berätta vilket beslut du överklagar (ange ärendenummer ${esc(c.caseId)}), hur du vill att beslutet ska ändras och varför.</li>
<li>Skriv under brevet och skicka det till <strong>${esc(kommun)}</strong>, inte direkt till förvaltningsrätten.</li>
<li>Vi måste ha fått ditt överklagande <strong>inom tre veckor</strong> från den dag du fick del av beslutet. Annars kan överklagandet inte prövas.</li>
</ol>
<p>Kommunen prövar först om beslutet ska ändras. Om vi inte ändrar det som du vill, skickar vi ditt överklagande vidare till förvaltningsrätten. Du kan få hjälp att överklaga av kommunen.</p>
<div class="signature">${decidedBy(c, kommun)}
<p class="small">Kontrollsumma för beslutet: <span class="hash">${esc(decision.contentHash)}</span></p></div>
</article>`;
}

/** A standalone document for the PDF: the letter with the stylesheet inlined (no network). */
export function letterDocument(decision: DecisionRecord, css: string): string {
  const c = decision.content as unknown as DecisionContent;
  return `<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>Beslut ${esc(c.caseId)}</title><style>${css}</style></head>
<body><main>${letterBody(decision)}</main></body></html>`;
}
