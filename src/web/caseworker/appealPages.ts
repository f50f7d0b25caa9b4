import { kronor } from '../../domain/labels.js';
import { stockholmDate } from '../../domain/dates.js';
import { APPEAL_CHANNELS, appealOpen, type AppealRecord, type CaseRecord, type DecisionRecord } from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import { may } from '../authz.js';
import { esc } from '../layout.js';
import { APPEAL_NOTE_MAX, type AppealView } from './correction.js';
import { EDITABLE_KINDS, parseAmountInput, type DecisionContent } from './decision.js';
import { isoDateWords } from './letterChange.js';
import { formatDateTime } from './view.js';
import type { StaffDirectory } from '../staff.js';
import { limitNote, MOTIVATION_MAX } from './motivation.js';

/** The pages of changing a decision and handling an appeal, and the case page's appeal section. */

/** A decision in words, as the change pages show it: "Beviljat 14 270 kr" or "Avslag". */
export function decisionWords(d: Pick<DecisionRecord, 'outcome' | 'amount'>): string {
  return d.outcome === 'GRANT' ? `Beviljat ${kronor(d.amount)} kr` : 'Avslag';
}

const EVENT_WORDS: Record<string, string> = {
  kept: 'Omprövat: beslutet står fast',
  changed: 'Omprövat: beslutet ändrat',
  dismissed: 'Avvisat (kom in för sent)',
  forwarded: 'Överlämnat till förvaltningsrätten',
};

/** In time / too late in words, with the dates it rests on. */
export function timelinessText(view: AppealView): string {
  const { appeal, deadline, inTime } = view;
  if (!deadline) return 'Okänt om överklagandet kom in i tid: dagen då sökanden fick beslutet är inte känd.';
  const moved = deadline.movedBecause ? ` (tre veckor blev ${isoDateWords(deadline.nominalLastDay)}, ${deadline.movedBecause}; fristen går ut nästa vardag)` : '';
  return `${inTime ? 'I tid' : 'För sent'}: sökanden fick beslutet ${isoDateWords(deadline.notifiedOn)}${appeal.notifiedFrom === 'notify-step' ? ' (meddelandet i Mina ärenden)' : ''}, sista dag att överklaga ${isoDateWords(deadline.lastDay)}${moved}, överklagandet kom in ${isoDateWords(appeal.receivedOn)}.`;
}

/** The case page's section: appeals so far, the form to record one, the link to change the decision. */
export function appealSection(caseId: string, appeals: readonly AppealView[], hasDecision: boolean, user: WebUser, csrf: string, now: Date): string {
  if (!hasDecision) return '';
  const id = encodeURIComponent(caseId);
  const parts = ['<h2 id="overklagande">Ändring och överklagande</h2>'];
  if (appeals.length > 0) {
    parts.push(`<ul>${appeals
      .map((v) => {
        const status = v.appeal.events.map((e) => EVENT_WORDS[e.kind]).join('; ') || 'Väntar på omprövning';
        return `<li><a href="/arenden/${id}/overklaganden/${esc(v.appeal.id)}">Överklagande inkommet ${esc(isoDateWords(v.appeal.receivedOn))}</a>: <span data-testid="appeal-timeliness" class="${v.inTime === false ? 'late' : ''}">${esc(v.deadline ? (v.inTime ? 'i tid' : 'för sent') : 'okänt om i tid')}</span>; ${esc(status)}</li>`;
      })
      .join('')}</ul>`);
  }
  if (may(user, 'decision.change')) {
    parts.push(`<p><a href="/arenden/${id}/andra-beslut">Ändra beslutet</a> (ett nytt beslut som ersätter det gällande; skillnaden betalas ut eller lämnas till handläggare som möjligt återkrav).</p>`);
  }
  if (may(user, 'appeal.record')) parts.push(appealRecordForm(caseId, csrf, now));
  return parts.join('\n');
}

/** What the caseworker typed into the appeal form (the form's field names). */
export interface AppealFormValues {
  inkom?: string;
  kanal?: string;
  galler?: string;
  delgivet?: string;
}

/** Each field's name as parseAppealForm's errors begin with it (correction.ts). */
const FIELD_OF_ERROR: readonly [keyof AppealFormValues, string][] = [
  ['inkom', 'Inkom:'],
  ['kanal', 'Kanal:'],
  ['galler', 'Vad överklagandet gäller:'],
  ['delgivet', 'Sökanden fick beslutet:'],
];

/**
 * The form that records an appeal. Shown again after refused input with what was typed and
 * the errors (each naming its field, linked from the field by aria-describedby), so nothing
 * typed is lost.
 */
export function appealRecordForm(caseId: string, csrf: string, now: Date, typed: AppealFormValues = {}, errors: readonly string[] = []): string {
  const id = encodeURIComponent(caseId);
  const today = stockholmDate(now);
  const errorOf = (field: keyof AppealFormValues) => errors.findIndex((e) => e.startsWith(FIELD_OF_ERROR.find(([f]) => f === field)![1]));
  const invalid = (field: keyof AppealFormValues, describedBy: string[] = []) => {
    const i = errorOf(field);
    const ids = [...(i >= 0 ? [`fel-${i}`] : []), ...describedBy];
    return `${i >= 0 ? ' aria-invalid="true"' : ''}${ids.length ? ` aria-describedby="${ids.join(' ')}"` : ''}`;
  };
  const summary = errors.length
    ? `<div class="error" role="alert" id="fel"><p>Överklagandet är inte registrerat. Rätta det som står nedan; det du skrivit finns kvar.</p><ul>${errors.map((e, i) => `<li id="fel-${i}">${esc(e)}</li>`).join('')}</ul></div>\n`
    : '';
  return `<form class="stacked" method="post" action="/arenden/${id}/overklaganden" aria-labelledby="registrera-rubrik">
<h3 id="registrera-rubrik">Registrera ett överklagande</h3>
${summary}<input type="hidden" name="_csrf" value="${esc(csrf)}">
<label for="inkom">Inkom (datum)</label>
<input type="date" id="inkom" name="inkom" required value="${esc(typed.inkom ?? today)}" max="${esc(today)}"${invalid('inkom')}>
<label for="kanal">Kanal</label>
<select id="kanal" name="kanal" required${invalid('kanal')}>${APPEAL_CHANNELS.map((ch) => `<option value="${esc(ch)}"${typed.kanal === ch ? ' selected' : ''}>${esc(ch)}</option>`).join('')}</select>
<label for="galler">Vad överklagandet gäller (högst 2 000 tecken)</label>
<textarea id="galler" name="galler" required maxlength="2000"${invalid('galler')}>${esc(typed.galler ?? '')}</textarea>
<label for="delgivet">Sökanden fick beslutet (datum, om annat än meddelandet i Mina ärenden)</label>
<input type="date" id="delgivet" name="delgivet" value="${esc(typed.delgivet ?? '')}"${invalid('delgivet', ['delgivet-hjalp'])}>
<p id="delgivet-hjalp" class="small">Lämna tomt: dagen då roboten meddelade sökanden att beslutet var klart räknas som dagen sökanden fick det.</p>
<button type="submit">Registrera överklagandet</button>
</form>`;
}

export interface AppealPageInput {
  c: CaseRecord;
  view: AppealView;
  decisions: readonly DecisionRecord[];
  user: WebUser;
  csrf: string;
  blocker: string | undefined;
  message?: string;
  /** Who recorded the appeal and its steps, by name. */
  staff: StaffDirectory;
}

/**
 * "Behåll beslutet" ends the municipality's omprövning and cannot be undone (appeal events are
 * append-only): the form asks why, and for a tick that says so, before the button does anything.
 * Found by trying the pages: one click recorded it, with no reason and no confirmation.
 */
function keepForm(base: string, csrf: string): string {
  return `<form method="post" action="${base}/behall"><input type="hidden" name="_csrf" value="${esc(csrf)}">
<label for="behall-skal">Varför står beslutet fast? (krävs)</label>
<textarea id="behall-skal" name="anteckning" rows="3" maxlength="${APPEAL_NOTE_MAX}" required aria-required="true" aria-describedby="behall-hjalp"></textarea>
<p id="behall-hjalp" class="small">Skälet sparas med omprövningen. Skriv inte personnummer.</p>
<p><input type="checkbox" id="behall-bekrafta" name="bekraftat" value="ja" required aria-required="true"> <label for="behall-bekrafta">Jag har omprövat beslutet och det står fast. Det går inte att ångra.</label></p>
<button type="submit" class="secondary">Behåll beslutet</button></form>`;
}

export function appealPageBody(input: AppealPageInput): string {
  const { c, view, decisions, user, csrf, staff } = input;
  const a: AppealRecord = view.appeal;
  const id = encodeURIComponent(c.id);
  const base = `/arenden/${id}/overklaganden/${esc(a.id)}`;
  const appealed = decisions.find((d) => d.id === a.decisionId);
  const open = appealOpen(a);
  const reconsidered = a.events.some((e) => e.kind === 'kept' || e.kind === 'changed');
  const form = (path: string, label: string, cls = '') =>
    `<form method="post" action="${base}/${path}"><input type="hidden" name="_csrf" value="${esc(csrf)}"><button type="submit"${cls ? ` class="${cls}"` : ''}>${esc(label)}</button></form>`;
  const actions: string[] = [];
  if (open && may(user, 'appeal.handle')) {
    if (view.inTime === false) {
      actions.push(`<section aria-labelledby="avvisa-rubrik"><h3 id="avvisa-rubrik">Avvisa</h3><p>Överklagandet kom in för sent och ska avvisas (förvaltningslagen 45 §), om inte förseningen beror på att beslutet gav fel information om hur man överklagar.</p>${form('avvisa', 'Avvisa överklagandet', 'secondary')}</section>`);
    }
    if (!reconsidered) {
      actions.push(`<section aria-labelledby="omprova-rubrik"><h3 id="omprova-rubrik">Ompröva beslutet</h3>
<p>Pröva om beslutet är fel och kan ändras snabbt och enkelt. Ändras det som sökanden begär, förfaller överklagandet; annars skickas det vidare.</p>
${may(user, 'decision.change') ? (input.blocker ? `<p class="notice">${esc(input.blocker)}</p>` : `<p><a href="/arenden/${id}/andra-beslut?overklagande=${esc(a.id)}">Ändra beslutet</a></p>`) : ''}
${keepForm(base, csrf)}</section>`);
    } else {
      actions.push(`<section aria-labelledby="overlamna-rubrik"><h3 id="overlamna-rubrik">Överlämna till förvaltningsrätten</h3>
<p>Skicka överklagandet med följebrevet och handlingarna i ärendet till förvaltningsrätten utan dröjsmål.</p>
<p><a href="${base}/foljebrev">Visa följebrevet</a></p>
${form('overlamna', 'Markera som överlämnat')}</section>`);
    }
  }
  return `<h1>Överklagande i ärende ${esc(c.id)}</h1>
${input.message ? `<p class="success" role="status">${esc(input.message)}</p>` : ''}
<dl class="facts">
<dt>Överklagat beslut</dt><dd>${appealed ? `${esc(decisionWords(appealed))}, signerat ${esc(formatDateTime(appealed.signedAt))}` : esc(a.decisionId)}</dd>
<dt>Inkom</dt><dd>${esc(isoDateWords(a.receivedOn))} via ${esc(a.channel)}</dd>
<dt>Gäller</dt><dd>${esc(a.concerns)}</dd>
<dt>Registrerat av</dt><dd>${esc(staff.nameOf(a.recordedBy))}, ${esc(formatDateTime(a.recordedAt))}</dd>
<dt>Kom in i tid?</dt><dd data-testid="appeal-verdict" class="${view.inTime === false ? 'late' : ''}">${esc(timelinessText(view))}</dd>
</dl>
<h2>Vad som hänt</h2>
${a.events.length === 0 ? '<p>Inget ännu: beslutet ska omprövas.</p>' : `<ul>${a.events.map((e) => `<li>${esc(isoDateWords(e.onDate))}: ${esc(EVENT_WORDS[e.kind] ?? e.kind)}${e.kind === 'changed' && e.resolved ? ' (som sökanden begärde; överklagandet har förfallit)' : ''} – ${esc(staff.nameOf(e.actor))}${e.note ? `. Skäl: ${esc(e.note)}` : ''}</li>`).join('')}</ul>`}
${!open && a.events.some((e) => e.kind === 'forwarded') ? `<p><a href="${base}/foljebrev">Visa följebrevet</a></p>` : ''}
${actions.length ? `<h2>Åtgärder</h2><div class="actions">${actions.join('\n')}</div>` : ''}
<p><a href="/arenden/${id}">Tillbaka till ärendet</a></p>`;
}

export interface ChangePageInput {
  caseId: string;
  decision: DecisionRecord;
  appeal: AppealRecord | undefined;
  csrf: string;
  typed: ReadonlyMap<number, string>;
  motivation: string;
  /** The appeal's "gives the applicant what the appeal asks for" box, as ticked. */
  resolves?: boolean;
  error?: string;
}

/** The form for a superseding decision: one field per editable line, a required motivation. */
export function changePageBody(input: ChangePageInput): string {
  const { decision, appeal } = input;
  const content = decision.content as unknown as DecisionContent;
  const id = encodeURIComponent(input.caseId);
  const rows = content.calculation.lines
    .map((l, i) => {
      if (!EDITABLE_KINDS.includes(l.kind)) return '';
      const typed = input.typed.get(i);
      // A refused amount is marked and tied to the error above the form.
      const bad = input.error !== undefined && typed !== undefined && parseAmountInput(typed) === undefined;
      // The amount in force sits under the line's name, not in a column of its own: two columns fit a phone.
      return `<tr><th scope="row"><label for="belopp-${i}">${esc(l.label)}</label><br><span class="small" id="gallande-${i}">Gällande: ${esc(kronor(l.amount))} kr</span></th>
<td class="num"><input class="amount" type="text" inputmode="decimal" id="belopp-${i}" name="belopp_${i}" value="${esc(typed ?? kronor(l.amount))}"${bad ? ' aria-invalid="true"' : ''} aria-describedby="${bad ? 'fel ' : ''}gallande-${i} belopp-hjalp"></td></tr>`;
    })
    .join('\n');
  return `<h1>${appeal ? 'Ompröva' : 'Ändra'} beslutet – ärende ${esc(input.caseId)}</h1>
${input.error ? `<p class="error" role="alert" id="fel">${esc(input.error)}</p>` : ''}
<p>Gällande beslut: ${esc(decisionWords(decision))}, signerat ${esc(formatDateTime(decision.signedAt))}. Det nya beslutet ersätter det och får ett eget beslutsbrev som säger vad som ändrats och varför. Är det nya beloppet högre betalas skillnaden ut; är det lägre än det som redan betalats går ärendet till handläggare som möjligt återkrav.</p>
${appeal ? `<p>Omprövning av överklagandet som kom in ${esc(isoDateWords(appeal.receivedOn))}: ${esc(appeal.concerns)}</p>` : ''}
<form method="post" action="/arenden/${id}/andra-beslut/bekrafta">
<input type="hidden" name="_csrf" value="${esc(input.csrf)}">
<input type="hidden" name="beslut" value="${esc(decision.id)}">
${appeal ? `<input type="hidden" name="overklagande" value="${esc(appeal.id)}">` : ''}
<table class="amounts">
<caption>Belopp i beräkningen</caption>
<thead><tr><th scope="col">Post och gällande belopp</th><th scope="col" class="num">Nytt belopp (kr)</th></tr></thead>
<tbody>${rows}</tbody>
</table>
<p id="belopp-hjalp" class="small">Belopp i kronor, till exempel 6 500 eller 1 250,50 (med komma eller punkt).</p>
<label for="motivering">Motivering (krävs; står i beslutsbrevet)</label>
<textarea id="motivering" name="motivering" required aria-required="true" maxlength="${MOTIVATION_MAX}" aria-describedby="${input.error ? 'fel ' : ''}motivering-grans">${esc(input.motivation)}</textarea>
${limitNote('motivering-grans')}
${appeal ? `<p><input type="checkbox" id="tillgodoser" name="tillgodoser" value="ja"${input.resolves ? ' checked' : ''}> <label for="tillgodoser" class="inline">Ändringen ger sökanden det som överklagandet begär (överklagandet förfaller)</label></p>` : ''}
<p class="small">Du får se det nya beslutets utfall och belopp, och vad som händer med skillnaden, innan något signeras.</p>
<button type="submit">Räkna om och granska</button>
</form>
<p><a href="/arenden/${id}">Tillbaka till ärendet utan att ändra</a></p>`;
}

/** The återkrav point on the case page: figures for the caseworker, never an automatic claim. */
export function reclaimNotice(point: { paid: string; granted: string; difference: string } | undefined): string {
  if (!point) return '';
  return `<section class="notice" aria-labelledby="aterkrav-rubrik"><h2 id="aterkrav-rubrik">Möjligt återkrav</h2>
<p data-testid="reclaim">Utbetalt: <strong>${esc(kronor(point.paid))} kr</strong>. Gällande beslut: <strong>${esc(kronor(point.granted))} kr</strong>. Skillnad: <strong>${esc(kronor(point.difference))} kr</strong>.</p>
<p>Roboten har inte betalat något och kräver aldrig tillbaka. Pröva om villkoren för återkrav är uppfyllda (socialtjänstlagen 33 kap. 1–3 §§: felaktiga uppgifter, eller att sökanden skäligen borde ha insett felet; annars bara i vissa fall och med skriftligt villkor) och fatta i så fall ett särskilt beslut i verksamhetssystemet.</p></section>`;
}

/** Days after receipt an unhandled appeal is marked urgent: FL 46 § says "utan dröjsmål"; a week is this robot's reminder, not a legal limit. */
export const APPEAL_REMINDER_DAYS = 7;

/** The inbox's list of appeals still to reconsider or forward, oldest received first. */
export function appealInboxSection(views: readonly (AppealView & { municipality: string })[], today: string): string {
  if (views.length === 0) return '';
  const rows = views
    .map((v) => {
      const a = v.appeal;
      const waited = Math.round((Date.parse(today) - Date.parse(a.receivedOn)) / 86_400_000);
      const next = a.events.some((e) => e.kind === 'kept' || e.kind === 'changed') ? 'Överlämna till förvaltningsrätten' : v.inTime === false ? 'Avvisa eller ompröva' : 'Ompröva';
      return `<tr><th scope="row"><a href="/arenden/${encodeURIComponent(a.caseId)}/overklaganden/${esc(a.id)}">${esc(a.caseId)}</a></th>
<td>${esc(a.receivedOn)}</td><td>${v.deadline ? esc(v.deadline.lastDay) : 'okänd'}</td>
<td class="${v.inTime === false ? 'late' : ''}">${esc(v.deadline ? (v.inTime ? 'i tid' : 'för sent') : 'okänt')}</td>
<td class="${waited > APPEAL_REMINDER_DAYS ? 'late' : ''}">${esc(next)} (${waited} dagar sedan det kom in)</td></tr>`;
    })
    .join('\n');
  return `<h2 id="overklaganden">Överklaganden att hantera</h2>
<table aria-labelledby="overklaganden"><thead><tr><th scope="col">Ärende</th><th scope="col">Inkom</th><th scope="col">Sista dag att överklaga</th><th scope="col">I tid?</th><th scope="col">Nästa steg</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}
