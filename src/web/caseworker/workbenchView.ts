import { kronor, type MunicipalityNames } from '../../domain/labels.js';
import { Decimal, formatOre } from '../../domain/money.js';
import { historyReasonText, REASON_TITLES } from '../../domain/reasons.js';
import { monthName } from '../../assessment/explain.js';
import type { CaseRecord, StateChange } from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import { may } from '../authz.js';
import { esc } from '../layout.js';
import { ownable } from './ownership.js';
import { assigneesIn, type StaffDirectory } from '../staff.js';
import { CHOICE_WORDS, pointsOf, POINT_MOTIVATION_MAX, type Point, type PointField, type SettleErrors, type SettleInput } from './manualDecision.js';
import { limitNote } from './motivation.js';
import { recomputeBasis, type CaseView } from './service.js';
import type { CasePageMessage } from './casePage.js';

/** Who has the case, in words (names from the staff directory): for the facts list, the inbox and the search. */
export function ownerWords(owner: string | null, user: WebUser, staff: StaffDirectory): string {
  if (owner === null) return 'Ingen (gemensam kö)';
  return owner === user.id ? `Du (${staff.nameOf(owner)})` : staff.nameOf(owner);
}

/**
 * The case page's ownership section: "Jag tar ärendet" for an unowned case, "Lämna tillbaka"
 * for one's own, and for a team lead a choice of caseworker from the staff directory
 * (staff.ts assigneesIn). Empty when nothing may be done.
 */
export function ownershipSection(c: CaseRecord, user: WebUser, csrf: string, staff: StaffDirectory): string {
  if (!ownable(c)) return '';
  const id = encodeURIComponent(c.id);
  const csrfField = `<input type="hidden" name="_csrf" value="${esc(csrf)}">`;
  const parts: string[] = [];
  if (c.owner === null && may(user, 'case.claim')) {
    parts.push(`<form method="post" action="/arenden/${id}/ta">${csrfField}
<p>Ärendet ligger i den gemensamma kön. Tar du det blir det ditt och lämnar kön.</p>
<button type="submit">Jag tar ärendet</button></form>`);
  }
  if (c.owner === user.id && may(user, 'case.claim')) {
    parts.push(`<form method="post" action="/arenden/${id}/lamna">${csrfField}
<p>Ärendet är ditt. Lämnar du tillbaka det hamnar det i den gemensamma kön igen.</p>
<button type="submit" class="secondary">Lämna tillbaka till kön</button></form>`);
  }
  if (may(user, 'case.reassign')) {
    // Only a choice: reassignCase checks the chosen one against the directory again.
    const options = assigneesIn(staff, c, user)
      .map((u) => `<option value="${esc(u.id)}"${u.id === c.owner ? ' selected' : ''}>${esc(u.displayName)}</option>`)
      .join('');
    parts.push(`<form method="post" action="/arenden/${id}/fordela">${csrfField}
<label for="fordela-till">Fördela ärendet till</label>
<select id="fordela-till" name="till"><option value=""${c.owner === null ? ' selected' : ''}>Ingen (gemensam kö)</option>${options}</select>
<button type="submit" class="secondary">Fördela</button></form>`);
  }
  if (parts.length === 0) return '';
  return `<section aria-labelledby="agare-rubrik"><h2 id="agare-rubrik">Vem har ärendet</h2>
${parts.join('\n')}</section>`;
}

/**
 * Why the carry-out of a signed decision left the case with a caseworker: the reason of its
 * last change of state when that was SIGNED -> MANUAL (as store carryOutStop), from the history
 * oldest first. Claims and hand-backs keep the state and are skipped.
 */
export function carryOutStopIn(history: readonly StateChange[], state: string): string | undefined {
  if (state !== 'MANUAL') return undefined;
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i]!;
    if (h.fromState !== h.toState) return h.fromState === 'SIGNED' ? (h.reason ?? '') : undefined;
  }
  return undefined;
}

/** For every reader of a case whose carry-out stopped on a fault (not an återkrav): that the decision is not carried out, and why. */
export function carryOutNotice(stop: string | undefined): string {
  if (stop === undefined || stop === 'POSSIBLE_RECLAIM') return '';
  const why = historyReasonText(stop, (id) => id);
  return `<section class="notice" aria-labelledby="verkstallighet-rubrik"><h2 id="verkstallighet-rubrik">Beslutet är inte verkställt</h2>
<p data-testid="carry-out-stopped">Verkställigheten stoppades.${why ? ` ${esc(/[.!]$/.test(why) ? why : `${why}.`)}` : ''} Det som inte hann göras är inte gjort: pengarna kan vara outbetalda, eller den sökande har inte fått beslutet.</p>
<p>Den som har ärendet kan starta verkställigheten igen när felet är åtgärdat (steg som redan är gjorda görs inte om), eller slutföra beslutet i verksamhetssystemet och avsluta ärendet här.</p></section>`;
}

/**
 * The close form: the case leaves the inbox and is handled in the case system (`help`: what that
 * means for this case). After a refusal, the reason as typed comes back in the field, with the
 * error beside it and tied to it (found by trying the pages: a long reason was thrown away).
 */
function closeForm(id: string, csrf: string, help: string, message: CasePageMessage | undefined): string {
  const refused = message?.kind === 'error' && message.closeReason !== undefined ? message : undefined;
  return `<form method="post" action="/arenden/${id}/avsluta">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<label for="avsluta-skal">Skäl att avsluta ärendet här (krävs)</label>
${refused ? `<p class="error" id="avsluta-fel">${esc(refused.text)} Det du skrev finns kvar i fältet.</p>
` : ''}<textarea id="avsluta-skal" name="skal" rows="3" maxlength="2000" required aria-required="true" aria-describedby="${refused ? 'avsluta-fel ' : ''}avsluta-hjalp"${refused ? ' aria-invalid="true"' : ''}>${esc(refused?.closeReason ?? '')}</textarea>
<p id="avsluta-hjalp" class="small">${esc(help)}</p>
<button type="submit" class="secondary">Avsluta – handläggs i verksamhetssystemet</button>
</form>`;
}

/**
 * For the owner of a decided case back in MANUAL: start a carry-out stopped by a fault again,
 * or (also after a possible återkrav) finish it in the case system and close it here.
 */
function stoppedSection(view: CaseView, user: WebUser, csrf: string, stop: string, message: CasePageMessage | undefined): string {
  const id = encodeURIComponent(view.case.id);
  const parts: string[] = ['<h2 id="avgora-rubrik">Slutföra beslutet</h2>'];
  if (stop !== 'POSSIBLE_RECLAIM' && may(user, 'case.decide')) {
    parts.push(`<form method="post" action="/arenden/${id}/verkstall">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<p>När felet är åtgärdat kan roboten verkställa beslutet igen. Steg som redan är gjorda görs inte om, så inget betalas ut två gånger.</p>
<button type="submit">Verkställ beslutet igen</button></form>`);
  }
  if (may(user, 'case.close')) {
    parts.push(closeForm(id, csrf, 'Välj detta om du slutför beslutet i verksamhetssystemet. Roboten gör då inget mer i ärendet, och det lämnar inkorgen. Skälet visas på ärendet.', message));
  }
  return parts.length > 1 ? `<section aria-labelledby="avgora-rubrik">${parts.join('\n')}</section>` : '';
}

/**
 * For the owner of an undecided MANUAL case: "Avgör ärendet" when every reason can be settled
 * here (the points and what stands in the way otherwise), and closing as handled in the case
 * system with a reason. For a decided one whose carry-out stopped: stoppedSection.
 */
export function manualSection(view: CaseView, user: WebUser, csrf: string, names: MunicipalityNames, message?: CasePageMessage): string {
  const c = view.case;
  if (c.state !== 'MANUAL' || c.closedAt || c.owner !== user.id) return '';
  if (view.decisions.length > 0) {
    const stop = carryOutStopIn(view.history, c.state);
    return stop === undefined ? '' : stoppedSection(view, user, csrf, stop, message);
  }
  const id = encodeURIComponent(c.id);
  const parts: string[] = ['<h2 id="avgora-rubrik">Avgöra ärendet</h2>'];
  const proposal = view.proposal;
  const found = proposal && proposal.outcome === 'MANUAL' ? pointsOf(proposal, names, recomputeBasis(view.snapshot, view.rules)) : undefined;
  if (found && may(user, 'case.decide')) {
    if (found.unsupported.length === 0) {
      parts.push(`<p>${found.points.length} ${found.points.length === 1 ? 'punkt' : 'punkter'} att ta ställning till. Beräkningen görs om med dina val och du signerar beslutet här.</p>
<p><a href="/arenden/${id}/avgora">Avgör ärendet</a></p>`);
    } else {
      parts.push(`<p>Det här kan inte avgöras på sidan: ${esc(found.unsupported.map((r) => REASON_TITLES[r]).join('; '))}. Handlägg ärendet i verksamhetssystemet och avsluta det här.</p>`);
    }
  } else if (!found) {
    parts.push('<p>Roboten har inget underlag som kan avgöras här. Handlägg ärendet i verksamhetssystemet och avsluta det här.</p>');
  }
  if (may(user, 'case.close')) parts.push(closeForm(id, csrf, 'Ärendet handläggs då helt i verksamhetssystemet och lämnar inkorgen. Skälet visas på ärendet.', message));
  return `<section aria-labelledby="avgora-rubrik">${parts.join('\n')}</section>`;
}

/** The settle-and-sign page: one fieldset per point with its facts, a choice and a motivation. */
export function decidePageBody(view: CaseView, points: readonly Point[], csrf: string, values: SettleInput, errors: SettleErrors = new Map(), error?: string): string {
  const id = encodeURIComponent(view.case.id);
  const month = view.proposal ? monthName(view.proposal.month) : '';
  const fieldsets = points
    .map((p, n) => {
      const found = errors.get(p.id);
      const err = found?.message;
      const errId = `fel-${p.id}`;
      // Each field is marked invalid only for its own problem (found by trying the pages: an
      // amount's error marked the motivation), and every field of the point points at the message.
      const wrong = (field: PointField) => found?.fields.includes(field) ?? false;
      const described = wrong('motivation') ? ` aria-describedby="${errId} grans-${p.id}" aria-invalid="true"` : ` aria-describedby="${err ? `${errId} ` : ''}grans-${p.id}"`;
      const given = values.get(p.id) ?? {};
      const facts = pointFacts(p);
      const offered = choicesOf(p);
      const choices =
        offered.length > 0
          ? `<fieldset><legend>${LEGENDS[p.kind]}</legend>${offered
              .map(
                ({ value, words }) =>
                  `<div><input type="radio" id="val-${p.id}-${value}" name="val_${p.id}" value="${value}"${given.choice === value ? ' checked' : ''}${err ? ` aria-describedby="${errId}"` : ''}${wrong('choice') ? ' aria-invalid="true"' : ''}><label for="val-${p.id}-${value}">${esc(words)}</label></div>`,
              )
              .join('')}${p.kind === 'assessIncome' ? otherAmount(p.id, given.amount, err ? errId : undefined, wrong('amount')) : ''}</fieldset>`
          : '';
      // Counting an undeclared registered income needs no motivation; not counting it does (settle()).
      const required = p.kind === 'undeclared' ? '' : ' required aria-required="true"';
      return `<section aria-labelledby="punkt-${p.id}"><h2 id="punkt-${p.id}">${n + 1}. ${esc(p.label)}${p.kind !== 'assessed' ? ` – ${esc(REASON_TITLES[p.code])}` : ''}</h2>
${err ? `<p class="error" id="${errId}">${esc(err)}</p>` : ''}
${facts}
${choices}
<label for="motivering-${p.id}">${p.kind === 'undeclared' ? 'Motivering (krävs om inkomsten inte räknas)' : 'Motivering (krävs)'}</label>
<textarea id="motivering-${p.id}" name="motivering_${p.id}" rows="3" maxlength="${POINT_MOTIVATION_MAX}"${required}${described}>${esc(given.motivation ?? '')}</textarea>
${limitNote(`grans-${p.id}`, POINT_MOTIVATION_MAX)}
</section>`;
    })
    .join('\n');
  return `<h1>Avgör ärende ${esc(view.case.id)}</h1>
${error ? `<p class="error" role="alert" id="fel">${esc(error)}</p>` : ''}
<p>Ansökan om ekonomiskt bistånd för ${esc(month)}. Ta ställning till varje punkt med en motivering. Beräkningen görs om med dina val, och du får se beslutets utfall och belopp innan du signerar; ett resultat på noll eller mindre blir avslag, liksom när du bedömer att en omständighet (till exempel ett fordon eller tillgångar) gör att rätt till försörjningsstöd saknas. Motiveringarna står i beslutsbrevet.</p>
<form method="post" action="/arenden/${id}/avgora/bekrafta">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<input type="hidden" name="proposalId" value="${esc(view.proposalRecord?.id)}">
${fieldsets}
<button type="submit">Räkna om och granska</button>
</form>
<p><a href="/arenden/${id}">Tillbaka till ärendet utan att signera</a></p>`;
}

const LEGENDS: Record<Point['kind'], string> = {
  assessed: 'Vad betyder det för rätten till försörjningsstöd?',
  cost: 'Hur ska kostnaden räknas?',
  income: 'Vilket belopp ska räknas?',
  undeclared: 'Ska inkomsten räknas?',
  assessIncome: 'Hur ska inkomsten räknas?',
};

/** The other amount of an income to assess, typed as a Swedish amount ("1 250,50") or with a point. */
function otherAmount(id: string, typed: string | undefined, errId: string | undefined, invalid: boolean): string {
  return `<div><label for="belopp-${id}">Annat belopp i kronor (om du räknar ett annat belopp)</label>
<input id="belopp-${id}" name="belopp_${id}" inputmode="decimal" autocomplete="off" value="${esc(typed ?? '')}" aria-describedby="belopp-hjalp-${id}${errId ? ` ${errId}` : ''}"${invalid ? ' aria-invalid="true"' : ''}>
<p id="belopp-hjalp-${id}" class="small">Till exempel 6 500 eller 1 250,50 (med komma eller punkt).</p></div>`;
}

/** The facts beside a point: the amounts a cost or an income is settled between, or what the robot found. */
function pointFacts(p: Point): string {
  if (p.kind === 'cost') {
    return `<dl class="facts"><dt>Sökt belopp</dt><dd>${esc(kronor(p.applied))} kr</dd>${p.cap !== null ? `<dt>Kommunens riktlinje</dt><dd>${esc(kronor(p.cap))} kr</dd>` : ''}</dl>`;
  }
  if (p.kind === 'income') {
    const difference = formatOre(new Decimal(p.declared).minus(p.registered).abs());
    return `<dl class="facts"><dt>Uppgivet i ansökan</dt><dd data-testid="declared">${esc(kronor(p.declared))} kr</dd><dt>Registrerat i SSBTEK</dt><dd data-testid="registered">${esc(kronor(p.registered))} kr</dd><dt>Skillnad</dt><dd>${esc(kronor(difference))} kr</dd></dl>
<p class="small">Roboten räknar det registrerade beloppet. Väljer du det uppgivna räknas beräkningen om med det när du signerar.</p>`;
  }
  if (p.kind === 'undeclared') {
    return `<dl class="facts"><dt>Uppgivet i ansökan</dt><dd>Ingenting</dd><dt>Registrerat i SSBTEK</dt><dd data-testid="registered">${esc(kronor(p.registered))} kr</dd>${p.benefits ? `<dt>Förmån</dt><dd>${esc(p.benefits)}</dd>` : ''}</dl>
<p class="small">Roboten räknar det registrerade beloppet. Räknar du inte inkomsten görs beräkningen om utan den när du signerar.</p>`;
  }
  if (p.kind === 'assessIncome') {
    return `<dl class="facts"><dt>Belopp som roboten räknar</dt><dd data-testid="amount">${esc(kronor(p.amount))} kr</dd>${p.benefits ? `<dt>Förmån i SSBTEK</dt><dd>${esc(p.benefits)}</dd>` : ''}</dl>
<p class="small">Inkomsten kräver din bedömning. Beräkningen görs om med det belopp du väljer när du signerar.</p>`;
  }
  return p.facts.length > 0 ? `<ul>${p.facts.map((f) => `<li>${esc(f)}</li>`).join('')}</ul>` : '';
}

/** The choices a point offers, each in words with the amount it counts. */
function choicesOf(p: Point): { value: string; words: string }[] {
  if (p.kind === 'cost') {
    return p.choices.map((ch) => ({
      value: ch,
      words: `${CHOICE_WORDS[ch]} (${ch === 'cap' && p.cap !== null ? kronor(p.cap) : ch === 'accept' ? kronor(p.applied) : '0'} kr)`,
    }));
  }
  if (p.kind === 'income') {
    return p.choices.map((ch) => ({ value: ch, words: `${CHOICE_WORDS[ch]}: ${kronor(ch === 'declared' ? p.declared : p.registered)} kr` }));
  }
  if (p.kind === 'undeclared') {
    return p.choices.map((ch) => ({ value: ch, words: `${CHOICE_WORDS[ch]} (${ch === 'count' ? kronor(p.registered) : '0'} kr)` }));
  }
  if (p.kind === 'assessIncome') {
    return p.choices.map((ch) => ({ value: ch, words: ch === 'other' ? CHOICE_WORDS[ch] : `${CHOICE_WORDS[ch]} (${ch === 'full' ? kronor(p.amount) : '0'} kr)` }));
  }
  return p.choices.map((ch) => ({ value: ch, words: CHOICE_WORDS[ch] }));
}
