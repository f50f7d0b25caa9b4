import { stockholmDate } from '../../domain/dates.js';
import { kronor } from '../../domain/labels.js';
import { parsePersonalNumber } from '../../domain/personalNumber.js';
import { REASON_CODES, REASON_TITLES, type ReasonCode } from '../../domain/reasons.js';
import { monthName } from '../../assessment/explain.js';
import { CASE_STATES, type CaseSearchHit, type CaseSearchQuery, type CaseState } from '../../store/index.js';
import type { StaffDirectory } from '../staff.js';
import { looksLikePersonalNumber } from '../../store/personalDataGuard.js';
import type { WebUser } from '../auth/user.js';
import { may } from '../authz.js';
import { esc } from '../layout.js';
import { maskPersonalNumber, STATE_WORDS, type MunicipalityNames } from './view.js';

/**
 * The search page (`/sok`): find any case the user may read, decided and closed ones included,
 * by case id or personal number, narrowed by state, reason, owner and municipality.
 *
 * The personal number is only ever sent in a POST body (never in a URL, never echoed back into
 * the page or a log); the search is audit-logged with the person as the audit log's pseudonym.
 */
export interface SearchForm {
  arende?: string | undefined;
  personnummer?: string | undefined;
  status?: string | undefined;
  skal?: string | undefined;
  handlaggare?: string | undefined;
  kommun?: string | undefined;
}

/** The filters that may travel in a URL (no personal number): for the GET form and its links. */
export const URL_FIELDS = ['arende', 'status', 'skal', 'handlaggare', 'kommun'] as const;

export type ParsedSearch =
  | { ok: true; query: Omit<CaseSearchQuery, 'municipalities' | 'organisation'>; personalNumber: string | null; asked: boolean }
  | { ok: false; errors: { field: keyof SearchForm; message: string }[] };

const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A personal number's shape, whatever its check digit: 6 or 8 digits, a hyphen or plus, 4 digits or masking characters. */
const PN_SHAPED = /^(?:\d{6}|\d{8})\s*[-+]?\s*[\d*xX•#]{4}$/;
/** The pages' own masking ("19960404-****") and its kin: the last four not all digits. */
const MASKED = /[*xX•#]/;

/** Typed as a personal number, full or masked: never searched as a case id, never written back into the page. */
function personalNumberLike(text: string): boolean {
  return looksLikePersonalNumber(text) || PN_SHAPED.test(text.trim());
}

/** A masked personal number as shown on the pages (the last four hidden): it names nobody and cannot be searched. */
function masked(text: string): boolean {
  const t = text.trim();
  return PN_SHAPED.test(t) && MASKED.test(t.slice(-4));
}

const MASKED_WORDS = 'ett maskerat personnummer (med **** i stället för de fyra sista siffrorna) kan inte sökas, eftersom flera personer kan ha samma födelsedatum.';

/** Reads the form: every field checked, every error at once, naming its field; `asked` false when nothing was given. */
export function parseSearch(form: SearchForm, user: WebUser, today: Date, staff: StaffDirectory): ParsedSearch {
  const errors: { field: keyof SearchForm; message: string }[] = [];
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : '');
  const caseId = text(form.arende);
  // "19850312 1234" as people also write it (and as it is often pasted): the space read as the hyphen.
  const pnText = text(form.personnummer).replace(/^(\d{6}|\d{8})[\s\u00a0]+([-+]?)[\s\u00a0]*(\d{4})$/, (_, date: string, sign: string, last: string) => `${date}${sign || '-'}${last}`);
  const state = text(form.status);
  const reason = text(form.skal);
  const owner = text(form.handlaggare);
  const municipality = text(form.kommun);
  const query: Omit<CaseSearchQuery, 'municipalities' | 'organisation'> = {};
  let personalNumber: string | null = null;

  if (caseId) {
    // Never searched or logged as a case id: it would travel into the audit entry.
    if (masked(caseId)) errors.push({ field: 'arende', message: `Ärende-id: ${MASKED_WORDS} Skriv hela personnumret i fältet Personnummer.` });
    else if (personalNumberLike(caseId)) errors.push({ field: 'arende', message: 'Ärende-id: det ser ut som ett personnummer. Sök personnummer i fältet Personnummer.' });
    else if (!CASE_ID.test(caseId)) errors.push({ field: 'arende', message: 'Ärende-id: bara bokstäver, siffror, - och _ (högst 64 tecken). Sök personnummer i fältet Personnummer.' });
    else query.caseId = caseId;
  }
  if (pnText) {
    const parsed = parsePersonalNumber(pnText, stockholmDate(today));
    if (masked(pnText)) errors.push({ field: 'personnummer', message: `Personnummer: ${MASKED_WORDS} Skriv hela personnumret, med alla fyra sista siffrorna.` });
    else if (!parsed.ok) errors.push({ field: 'personnummer', message: 'Personnummer: skriv 12 siffror (ÅÅÅÅMMDD-NNNN) eller 10 siffror (ÅÅMMDD-NNNN) med rätt kontrollsiffra.' });
    else personalNumber = parsed.value.normalized;
  }
  if (state) {
    if (!(CASE_STATES as readonly string[]).includes(state)) errors.push({ field: 'status', message: 'Status: välj en status i listan.' });
    else query.state = state as CaseState;
  }
  if (reason) {
    if (!(REASON_CODES as readonly string[]).includes(reason)) errors.push({ field: 'skal', message: 'Skäl: välj ett skäl i listan.' });
    else query.reason = reason;
  }
  if (owner) {
    const known = owner === 'none' || owner === 'mine' || ownerChoices(user, staff).some((u) => u.id === owner);
    if (!known) errors.push({ field: 'handlaggare', message: 'Handläggare: välj en handläggare i listan.' });
    else query.owner = owner === 'mine' ? user.id : owner;
  }
  if (municipality) {
    if (!user.municipalities.includes(municipality)) errors.push({ field: 'kommun', message: 'Kommun: välj en av dina kommuner.' });
    else query.municipality = municipality;
  }
  if (errors.length > 0) return { ok: false, errors };
  if (personalNumber) query.personalNumber = personalNumber;
  const asked = Boolean(caseId || personalNumber || state || reason || owner || municipality);
  return { ok: true, query, personalNumber, asked };
}

/**
 * The owner filter's colleagues: caseworkers and team leads of the staff directory, of the
 * user's organisation, who saw one of the user's municipalities at their last login.
 */
export function ownerChoices(user: WebUser, staff: StaffDirectory): WebUser[] {
  return staff.members.filter((u) => u.organisation === user.organisation && u.municipalities.some((m) => user.municipalities.includes(m)) && may(u, 'case.claim'));
}

/** What the audit entry of a search says: the filters (never the number), whether a person was searched for, and the number of hits. */
export function searchAuditDetails(user: WebUser, parsed: Extract<ParsedSearch, { ok: true }>, caseIds: readonly string[]): Record<string, unknown> {
  const { personalNumber: _never, ...filters } = parsed.query;
  // hits, caseIds and municipalities are what the log follow-up reads (logfollowup/checks.ts, SEARCH_ACTION).
  return { role: user.role, filters, byPersonalNumber: parsed.personalNumber !== null, hits: caseIds.length, caseIds: [...caseIds], municipalities: [...user.municipalities] };
}

function options(values: readonly { value: string; words: string }[], chosen: string | undefined, any: string): string {
  return `<option value="">${esc(any)}</option>${values.map((o) => `<option value="${esc(o.value)}"${o.value === chosen ? ' selected' : ''}>${esc(o.words)}</option>`).join('')}`;
}

/**
 * The search page: the form (the personal number field empty again after a search, so the number
 * is never written back into a page), the errors tied to their fields, and the hits.
 */
export function searchPageBody(
  user: WebUser,
  csrf: string,
  form: SearchForm,
  names: MunicipalityNames,
  staff: StaffDirectory,
  result: { errors?: { field: keyof SearchForm; message: string }[]; hits?: readonly CaseSearchHit[]; byPersonalNumber?: boolean },
): string {
  const errors = result.errors ?? [];
  const errorOf = (field: keyof SearchForm) => errors.find((e) => e.field === field);
  const described = (field: keyof SearchForm, help?: string) => {
    const err = errorOf(field);
    const ids = [help, err ? `fel-${field}` : undefined].filter(Boolean).join(' ');
    return `${ids ? ` aria-describedby="${ids}"` : ''}${err ? ' aria-invalid="true"' : ''}`;
  };
  const errorText = (field: keyof SearchForm) => {
    const err = errorOf(field);
    return err ? `<p class="error" id="fel-${field}">${esc(err.message)}</p>` : '';
  };
  const states = CASE_STATES.map((s) => ({ value: s, words: STATE_WORDS[s] }));
  const reasons = REASON_CODES.map((r) => ({ value: r, words: REASON_TITLES[r] }));
  const owners = [
    { value: 'none', words: 'Ingen (gemensam kö)' },
    ...(may(user, 'case.claim') ? [{ value: 'mine', words: 'Mina ärenden' }] : []),
    ...ownerChoices(user, staff).map((u) => ({ value: u.id, words: u.displayName })),
  ];
  const municipalities = user.municipalities.map((m) => ({ value: m, words: names(m) }));
  const parts: string[] = [`<h1>Sök ärende</h1>`];
  if (errors.length > 0) {
    parts.push(`<div class="error" role="alert" id="fel"><p>Sökningen kunde inte göras:</p><ul>${errors.map((e) => `<li><a href="#sok-${e.field}">${esc(e.message)}</a></li>`).join('')}</ul></div>`);
  }
  parts.push(`<p>Sök bland alla ärenden du får läsa, även beslutade och avslutade. Sök på ärende-id eller personnummer, eller välj bara filter. Varje sökning loggas; ett personnummer loggas bara som pseudonym och visas aldrig i adressfältet.</p>
<form method="post" action="/sok" class="search">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<label for="sok-arende">Ärende-id</label>
${errorText('arende')}<input type="text" id="sok-arende" name="arende" value="${esc(personalNumberLike(form.arende ?? '') ? '' : (form.arende ?? ''))}" autocomplete="off"${described('arende')}>
<label for="sok-personnummer">Personnummer (sökande eller medsökande)</label>
<p id="sok-personnummer-hjalp" class="small">12 eller 10 siffror, med bindestreck, mellanslag eller ingenting före de fyra sista (ÅÅÅÅMMDD-NNNN).</p>
${errorText('personnummer')}<input type="text" id="sok-personnummer" name="personnummer" value="" inputmode="numeric" autocomplete="off"${described('personnummer', 'sok-personnummer-hjalp')}>
<label for="sok-status">Status</label>
${errorText('status')}<select id="sok-status" name="status"${described('status')}>${options(states, form.status, 'Alla')}</select>
<label for="sok-skal">Skäl</label>
${errorText('skal')}<select id="sok-skal" name="skal"${described('skal')}>${options(reasons, form.skal, 'Alla')}</select>
<label for="sok-handlaggare">Handläggare</label>
${errorText('handlaggare')}<select id="sok-handlaggare" name="handlaggare"${described('handlaggare')}>${options(owners, form.handlaggare, 'Alla')}</select>
<label for="sok-kommun">Kommun</label>
${errorText('kommun')}<select id="sok-kommun" name="kommun"${described('kommun')}>${options(municipalities, form.kommun, 'Alla mina kommuner')}</select>
<button type="submit">Sök</button>
</form>`);
  if (result.hits) parts.push(hitsTable(result.hits, user, result.byPersonalNumber === true, names, staff));
  return parts.join('\n');
}

function decisionWords(h: CaseSearchHit): string {
  if (h.decisionOutcome === 'GRANT') return `Beviljat ${kronor(h.decisionAmount ?? '0')} kr`;
  if (h.decisionOutcome === 'REJECT') return 'Avslag';
  return '–';
}

function hitsTable(hits: readonly CaseSearchHit[], user: WebUser, byPersonalNumber: boolean, names: MunicipalityNames, staff: StaffDirectory): string {
  const heading = `<h2 id="traffar" tabindex="-1">${hits.length === 0 ? 'Inga ärenden hittades' : `${hits.length} ${hits.length === 1 ? 'ärende' : 'ärenden'}`}</h2>`;
  if (hits.length === 0) {
    return `${heading}<p role="status">Inga ärenden som du får läsa matchar sökningen${byPersonalNumber ? ' på personnumret' : ''}.</p>`;
  }
  const rows = hits
    .map((h) => {
      const state = `${STATE_WORDS[h.state]}${h.closedAt ? ' (avslutat, handläggs i verksamhetssystemet)' : ''}`;
      const reasons = h.reasons.map((r) => REASON_TITLES[r as ReasonCode] ?? 'Okänt skäl').join('; ');
      return `<tr><th scope="row"><a href="/arenden/${encodeURIComponent(h.caseId)}">${esc(h.caseId)}</a></th><td>${esc(maskPersonalNumber(h.applicantPersonalNumber))}</td><td>${h.month ? esc(monthName(h.month)) : 'okänd'}</td><td>${esc(names(h.municipality))}</td><td>${esc(state)}</td><td>${esc(decisionWords(h))}</td><td>${esc(reasons || '–')}</td><td>${esc(h.owner === null ? '–' : h.owner === user.id ? `Du (${staff.nameOf(h.owner)})` : staff.nameOf(h.owner))}</td></tr>`;
    })
    .join('\n');
  return `${heading}
<p role="status" class="small">Personnummer visas bara med födelsedatum. Nyast mottagna först.</p>
<div class="table-scroll" tabindex="0" role="region" aria-labelledby="traffar">
<table><caption>Sökträffar</caption>
<thead><tr><th scope="col">Ärende</th><th scope="col">Sökande</th><th scope="col">Månad</th><th scope="col">Kommun</th><th scope="col">Status</th><th scope="col">Beslut</th><th scope="col">Skäl</th><th scope="col">Handläggare</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}
