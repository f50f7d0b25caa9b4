import { NO_DECLARATION_FOR_DECISION } from '../ssbtekAccess.js';
import { kronor, namesForCase } from '../../domain/labels.js';
import type { WebUser } from '../auth/user.js';
import { may } from '../authz.js';
import { esc } from '../layout.js';
import { monthName } from '../../assessment/explain.js';
import type { CaseView } from './service.js';
import { signerOf } from '../staff.js';
import { householdFacts, registerFacts, type SsbtekAccess } from './facts.js';
import { calculationTable, formatDateTime, OUTCOME_WORDS, reasonsList, STATE_WORDS, timeLeft, warningsList, type MunicipalityNames } from './view.js';
import { EDITABLE_KINDS, parseAmountInput } from './decision.js';
import { automatedDecisionSection, stateWords } from './automatedView.js';
import { historyReasonWords } from './ownership.js';
import { manualSection, ownershipSection, ownerWords } from './workbenchView.js';
import { firstMeetingSection } from './firstMeeting.js';
import { calculationSection } from './signedCalculation.js';
import { reasonFigures } from './reasonFigures.js';
import { appliedFacts, invalidApplicationSection } from './invalidApplication.js';
import { MOTIVATION_MAX, limitNote } from './motivation.js';

/** The signing form's motivation field by its label, as errors name it. */
export const SIGN_MOTIVATION_LABEL = 'Motivering i beslutsbrevet';

export interface CasePageMessage {
  kind: 'error' | 'success';
  text: string;
  /** An error about the signing form's motivation: the text as typed, shown again in the field, which points at the error. */
  motivation?: string;
  /** An error about the close form's reason: the text as typed, shown again in that field, which points at the error. */
  closeReason?: string;
}

function outcomeClass(outcome: string | undefined): string {
  return outcome === 'PROPOSE_GRANT' ? 'grant' : outcome === 'PROPOSE_REJECT' ? 'reject' : 'manual';
}

const STEP_WORDS: Record<string, string> = { 'write-back': 'återskrivning till verksamhetssystemet', payment: 'utbetalning', notify: 'meddelande' };

/**
 * `extra`: sections of other modules (the återkrav point, appeals) placed after the decision.
 * `ssbtek`: whether the user may see SSBTEK's facts today (hidden unless told).
 */
/** The case's month; for a case taken in from an invalid application, the month the application names, if any. */
function monthWords(month: string | null, view: CaseView): string {
  if (month) return monthName(month);
  const applied = view.validationErrors.length > 0 ? appliedFacts(view.intake?.raw).month : null;
  return applied ? `${monthName(applied)} (enligt ansökan)` : 'framgår inte av ansökan';
}

export function casePageBody(view: CaseView, user: WebUser, csrf: string, now: Date, allNames: MunicipalityNames, message?: CasePageMessage, extra = '', ssbtek?: SsbtekAccess): string {
  const c = view.case;
  const names = namesForCase(allNames, c.municipality);
  const p = view.proposal;
  const id = encodeURIComponent(c.id);
  const left = view.receivedAt ? timeLeft(view.receivedAt, now) : undefined;
  const decision = view.decisions.at(-1);
  const typed = message?.kind === 'error' ? message.motivation : undefined;
  // SSBTEK's terms: without a declaration that holds today the calculation (it counts SSBTEK's
  // payments) is not shown and nothing can be signed or settled (the server refuses it too).
  const undeclared = ssbtek !== undefined && !ssbtek.visible;
  const parts: string[] = [];

  parts.push(`<h1>Ärende ${esc(c.id)}</h1>`);
  // The result of what was just done takes the focus (autofocus needs no script), so a screen
  // reader reads it and the keyboard goes on from there.
  if (message) parts.push(`<p class="${message.kind}" role="${message.kind === 'error' ? 'alert' : 'status'}" id="resultat" tabindex="-1" autofocus>${esc(message.text)}</p>`);
  parts.push(`<dl class="facts">
<dt>Status</dt><dd>${esc(stateWords(c.state, Boolean(decision?.delegationReference)))}</dd>
<dt>Handläggare</dt><dd data-testid="owner">${esc(c.owner === null && (c.state === 'SIGNED' || c.state === 'COMPLETED') ? 'Ingen (ärendet är avgjort)' : ownerWords(c.owner, user, view.staff))}</dd>
<dt>Kommun</dt><dd>${esc(names(c.municipality))}</dd>
<dt>Månad</dt><dd>${esc(monthWords(c.month, view))}</dd>
<dt>Mottagen</dt><dd>${view.receivedAt ? esc(formatDateTime(view.receivedAt)) : 'okänt'}</dd>
${left && !decision && (c.state === 'PROPOSED' || c.state === 'MANUAL' || c.state === 'TECHNICAL_ERROR') ? `<dt>Tid kvar till 24-timmarslöftet</dt><dd class="${left.late ? 'late' : left.soon ? 'soon' : ''}">${esc(left.text)}</dd>` : ''}
</dl>`);

  parts.push(firstMeetingSection(view.booking, user, csrf, c.id, view.staff));

  // The proposal and, once signed, the decision.
  parts.push('<h2>Förslag</h2>');
  if (!p) {
    parts.push('<p>Roboten har inget förslag i ärendet.</p>');
    if (view.validationErrors.length > 0) parts.push(invalidApplicationSection(view.validationErrors, view.intake.raw, c.month));
    const kept = view.intake;
    if (kept.eserviceId) parts.push(`<p>E-tjänstens id för ansökan: <code>${esc(kept.eserviceId)}</code></p>`);
    if (kept.duplicateOf) parts.push(`<p>Samma id som ärende <a href="/arenden/${encodeURIComponent(kept.duplicateOf)}">${esc(kept.duplicateOf)}</a>.</p>`);
    if (kept.escaped !== null) {
      parts.push(
        `<details><summary>Ansökan som den kom (tecken som inte kunde lagras visas som \\uXXXX${kept.truncated ? ', avkortad' : ''})</summary><pre class="escaped">${esc(kept.escaped)}</pre></details>`,
      );
    }
  } else {
    // Only a grant has an amount: a rejection shows none, so nothing reads as granted.
    const amountText = p.outcome === 'PROPOSE_GRANT' ? `: <strong data-testid="proposal-amount">${esc(kronor(p.amount))}</strong> kr` : '';
    parts.push(`<p class="outcome ${outcomeClass(p.outcome)}">${esc(OUTCOME_WORDS[p.outcome])}${amountText}</p>`);
  }
  if (decision?.delegationReference) {
    parts.push(automatedDecisionSection(decision));
  } else if (decision) {
    const content = decision.content as { outcome?: string; amount?: string; motivation?: string | null; proposedOutcome?: string; change?: unknown };
    // A manual case's decision is stored as 'edited' (the caseworker settled its points), but
    // nothing the robot proposed was changed: said as what happened.
    const how = decision.kind !== 'edited' ? '' : content.proposedOutcome === 'MANUAL' && !content.change ? ' (avgjort av handläggaren i manuell handläggning)' : ' (belopp ändrade av handläggaren)';
    parts.push(`<h2>Beslut</h2>
<p class="success">${decision.outcome === 'GRANT' ? `Beviljat ${esc(kronor(decision.amount))} kr` : 'Avslag'} – signerat av ${esc(signerOf(decision, view.staff))} ${esc(formatDateTime(decision.signedAt))}${how}.</p>
${content.motivation ? `<p><strong>Motivering:</strong> ${esc(content.motivation)}</p>` : ''}
<p>Kontrollsumma (SHA-256) för det signerade innehållet: <span class="hash">${esc(decision.contentHash)}</span></p>
<p><a href="/arenden/${id}/beslut">Visa beslutsbrevet</a> · <a href="/arenden/${id}/beslut.pdf">Ladda ned beslutsbrevet som PDF</a></p>`);
  }

  if (extra) parts.push(extra);
  if (c.closedAt) {
    parts.push(`<h2>Avslutat</h2>
<p class="notice">Ärendet avslutades ${esc(formatDateTime(c.closedAt))} för handläggning i verksamhetssystemet.</p>
<p><strong>Skäl:</strong> ${esc(c.closedReason)}</p>`);
  }
  parts.push(ownershipSection(c, user, csrf, view.staff));
  const decides = may(user, 'case.sign') || may(user, 'case.decide');
  parts.push(
    undeclared && decides && (c.state === 'MANUAL' || c.state === 'PROPOSED') && !c.closedAt
      ? `<p class="notice" data-testid="no-declaration">${esc(NO_DECLARATION_FOR_DECISION)}</p>`
      : manualSection(view, user, csrf, names, message),
  );

  // Actions: only what this user may do, only in a state where it can be done.
  if (c.state === 'PROPOSED' || c.state === 'TECHNICAL_ERROR') {
    const actions: string[] = [];
    if (c.state === 'PROPOSED' && p && p.outcome !== 'MANUAL' && may(user, 'case.sign') && !undeclared) {
      actions.push(`<section aria-labelledby="signera-rubrik"><h3 id="signera-rubrik">Signera förslaget</h3>
<p>Du signerar beslutet ${p.outcome === 'PROPOSE_GRANT' ? `att bevilja ${esc(kronor(p.amount))} kr` : 'att avslå ansökan'} så som det står i beräkningen nedan.</p>
<form method="post" action="/arenden/${id}/signera/bekrafta">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<input type="hidden" name="proposalId" value="${esc(view.proposalRecord?.id)}">
<label for="signera-motivering">${SIGN_MOTIVATION_LABEL} (frivillig)</label>
<textarea id="signera-motivering" name="motivering" rows="3" maxlength="${MOTIVATION_MAX}"${typed !== undefined ? ' aria-invalid="true" aria-describedby="resultat signera-motivering-hjalp signera-motivering-grans"' : ' aria-describedby="signera-motivering-hjalp signera-motivering-grans"'}>${esc(typed ?? '')}</textarea>
<p id="signera-motivering-hjalp" class="small">Skrivs in i brevet under skälen och ingår i det du signerar. Du får bekräfta beslutet innan det signeras.</p>
${limitNote('signera-motivering-grans')}
<button type="submit">Signera beslutet</button>
</form></section>`);
    }
    if (c.state === 'PROPOSED' && p && p.outcome !== 'MANUAL' && may(user, 'case.editSign') && !undeclared) {
      actions.push(`<section aria-labelledby="andra-rubrik"><h3 id="andra-rubrik">Ändra belopp och signera</h3>
<p>Ändra belopp i beräkningen med en motivering, och signera det ändrade beslutet.</p>
<p><a href="/arenden/${id}/andra">Ändra belopp</a></p></section>`);
    }
    if (may(user, 'case.takeover')) {
      actions.push(`<section aria-labelledby="ta-over-rubrik"><h3 id="ta-over-rubrik">Ta över för manuell handläggning</h3>
<p>Ärendet lämnar robotens kö och handläggs av dig i verksamhetssystemet.</p>
<form method="post" action="/arenden/${id}/ta-over">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<button type="submit" class="secondary">Ta över ärendet</button>
</form></section>`);
    }
    if (actions.length > 0) parts.push(`<h2>Åtgärder</h2><div class="actions">${actions.join('\n')}</div>`);
    else if (user.role === 'auditor') parts.push('<p class="notice">Du har läsbehörighet som granskare och kan inte signera eller ta över ärenden.</p>');
  }

  if (p) {
    parts.push(
      undeclared
        ? `<h2>Beräkning</h2><p class="notice" data-testid="calculation-hidden">Beräkningen räknar med utbetalningar från SSBTEK och visas inte för dig. ${esc(ssbtek.reason)}</p>`
        : calculationSection(p, decision, names),
    );
    parts.push(`<p class="small">Regelversion ${esc(p.rulesVersion)}</p>`);
    // Without a declaration the reasons are named, not explained: their details quote SSBTEK's figures.
    parts.push('<h2>Skäl</h2>', undeclared ? reasonsList(p.reasons, [], names) : reasonsList(p.reasons, p.reasonDetails, names, reasonFigures(view)));
    parts.push('<h2>Att observera</h2>', warningsList(p.warnings, names));
  }

  parts.push('<h2>Hushållet</h2>');
  parts.push(view.snapshot ? householdFacts(view.snapshot.snapshot as never) : '<p>Inga uppgifter sparade.</p>');
  parts.push('<p class="small">Personnummer visas bara med födelsedatum. Fullständiga personnummer finns i verksamhetssystemet och i beslutsbrevet.</p>');
  parts.push('<h2>Registeruppgifter</h2>');
  parts.push(`<p class="small">Som de lästes när förslaget gjordes${view.snapshot ? ` (${esc(formatDateTime(view.snapshot.createdAt))})` : ''}.</p>`);
  parts.push(registerFacts(view.snapshot?.snapshot as never, names, ssbtek));

  if (view.screenshots.length > 0) {
    parts.push('<h2>Skärmbilder från verksamhetssystemet</h2>');
    parts.push('<p class="small">Det roboten såg när verksamhetssystemet inte gjorde som väntat. Bilderna kan visa personuppgifter; varje visning loggas. De gallras med ärendet.</p>');
    parts.push(`<ul>${view.screenshots
      .map((s) => `<li><a href="/arenden/${encodeURIComponent(view.case.id)}/skarmbilder/${esc(s.id)}">${esc(formatDateTime(s.takenAt))}, steg ${esc(STEP_WORDS[s.step] ?? s.step)}</a></li>`)
      .join('')}</ul>`);
  }

  parts.push('<h2>Ärendets historik</h2>');
  parts.push(`<table><caption>Statusändringar, äldst först</caption>
<thead><tr><th scope="col">Tid</th><th scope="col">Från</th><th scope="col">Till</th><th scope="col">Av</th><th scope="col">Orsak</th></tr></thead>
<tbody>${view.history
    .map(
      (h) =>
        `<tr><td>${esc(formatDateTime(h.at))}</td><td>${h.fromState ? esc(STATE_WORDS[h.fromState]) : '–'}</td><th scope="row">${esc(STATE_WORDS[h.toState])}</th><td>${esc(view.staff.nameOf(h.actor))}</td><td>${esc(historyReasonWords(h.reason, view.staff))}</td></tr>`,
    )
    .join('')}</tbody></table>`);
  parts.push('<p><a href="/inkorg">Tillbaka till inkorgen</a></p>');
  return parts.join('\n');
}

/**
 * The edit-and-sign page: one field per editable line (prefilled as "3 292,00"; a comma or a
 * point is taken), a required motivation. `errors` are every problem of the last try at once;
 * the fields they concern are marked aria-invalid and point at the list (aria-describedby).
 */
export function editPageBody(view: CaseView, csrf: string, values: ReadonlyMap<number, string>, motivation: string, errors: readonly string[] = []): string {
  const p = view.proposal!;
  const id = encodeURIComponent(view.case.id);
  const failed = errors.length > 0;
  const rows = p.calculation.lines
    .map((l, i) => {
      if (!EDITABLE_KINDS.includes(l.kind)) return '';
      const kind = l.kind === 'norm' ? 'Riksnorm' : l.kind === 'cost' ? 'Kostnad' : 'Inkomst';
      const typed = values.get(i);
      const bad = failed && typed !== undefined && parseAmountInput(typed) === undefined;
      // Kind and proposed amount under the line's name: two columns keep the field in view on a phone.
      return `<tr><th scope="row"><label for="belopp-${i}">${esc(l.label)}</label><br><span class="small" id="forslag-${i}">${esc(kind)}, förslag ${esc(kronor(l.amount))} kr</span></th>
<td class="num"><input class="amount" type="text" inputmode="decimal" id="belopp-${i}" name="belopp_${i}" value="${esc(typed ?? kronor(l.amount))}"${bad ? ' aria-invalid="true"' : ''} aria-describedby="${bad ? 'fel ' : ''}forslag-${i} belopp-hjalp"></td></tr>`;
    })
    .join('\n');
  const badMotivation = failed && (motivation.trim().length === 0 || motivation.length > MOTIVATION_MAX);
  return `<h1>Ändra belopp och signera – ärende ${esc(view.case.id)}</h1>
${failed ? `<div class="error" role="alert" id="fel" tabindex="-1" autofocus><p>Beslutet är inte signerat. Rätta detta:</p><ul>${errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></div>` : ''}
<p>${esc(OUTCOME_WORDS[p.outcome])}${p.outcome === 'PROPOSE_GRANT' ? `, ${esc(kronor(p.amount))} kr` : ''}. Ändra de belopp som ska vara annorlunda. Summor och resultat räknas om och visas för dig att bekräfta innan något signeras; ett resultat på noll eller mindre blir avslag.</p>
<form method="post" action="/arenden/${id}/andra/bekrafta">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<input type="hidden" name="proposalId" value="${esc(view.proposalRecord?.id)}">
<table class="amounts">
<caption>Belopp i beräkningen</caption>
<thead><tr><th scope="col">Post, slag och förslag</th><th scope="col" class="num">Nytt belopp (kr)</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<p id="belopp-hjalp" class="small">Belopp i kronor, till exempel 6 500 eller 1 250,50 (med komma eller punkt).</p>
<label for="motivering">Motivering (krävs)</label>
<textarea id="motivering" name="motivering" required aria-required="true" maxlength="${MOTIVATION_MAX}"${badMotivation ? ' aria-invalid="true" aria-describedby="fel motivering-grans"' : ' aria-describedby="motivering-grans"'}>${esc(motivation)}</textarea>
${limitNote('motivering-grans')}
<button type="submit">Räkna om och granska</button>
</form>
<p><a href="/arenden/${id}">Tillbaka till ärendet utan att signera</a></p>`;
}
