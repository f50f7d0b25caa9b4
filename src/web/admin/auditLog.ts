import type { AuditEntry, AuditSearch } from '../../store/index.js';
import { looksLikePersonalNumber } from '../../store/personalDataGuard.js';
import { auditActionWords } from '../../domain/reasons.js';
import { idsNamed, type StaffDirectory } from '../staff.js';
import type { MunicipalityNames } from '../../domain/labels.js';
import { auditDetailsWords, auditResultWords } from './auditWords.js';

/** The robot's account when ROBOT_IDENTITY is not set (config.ts): "Roboten" finds it by name. */
const ROBOT_IDENTITY_DEFAULT = 'bistandsrobot';
import { esc } from '../layout.js';
import { csvRow } from './csv.js';
import { formatTime, parseLocalTime } from './time.js';

/** The audit-log search form's fields, as they came (strings), and what they mean. */
export interface AuditQuery {
  arende?: string;
  /** A user id, or (part of) a person's name: "Anna", "anna lind". */
  anvandare?: string;
  fran?: string;
  till?: string;
  /** The page, from 1. */
  sida?: string;
}

export type ParsedAuditQuery = { ok: true; search: AuditSearch; filters: Record<string, string>; page: number } | { ok: false; errors: string[] };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/;
/** A person's name or part of it: letters, spaces, hyphen, apostrophe, full stop. */
const NAME = /^[\p{L}][\p{L} .'-]{0,99}$/u;

/** Entries per page of the search. */
export const PAGE_SIZE = 50;

/** The ids of the users of the staff directory whose name contains `text` (case-insensitive), and the robot's for "Roboten". */
export function usersNamed(text: string, staff: StaffDirectory): string[] {
  const wanted = text.toLocaleLowerCase('sv');
  const ids = idsNamed(staff, text);
  return 'roboten'.includes(wanted) && wanted.length >= 3 ? [...ids, ROBOT_IDENTITY_DEFAULT] : ids;
}

/**
 * A personal number mistyped by one digit fails its check digit but still points at a person,
 * and a search is written to the log with its filters. A case id never holds ten digits in a row
 * or six and four (isSafeCaseId), so any such case filter is refused; a user filter when it is
 * nothing but such a number (an id from the login may hold long digit runs, e.g. a UUID).
 */
function personalNumberShaped(label: 'Ärende' | 'Användare', value: string): boolean {
  return label === 'Ärende' ? /\d{10}|\d{6}[-+_ ]\d{4}/.test(value) : /^(\d{2})?\d{6}[-+ ]?\d{4}$/.test(value);
}

/** Whether a filter's value is refused and not written back: a personal number, in any field, or shaped as one in the case and user fields. */
function typedPersonalNumber(label: 'Ärende' | 'Användare' | undefined, value: string): boolean {
  return looksLikePersonalNumber(value) || (label !== undefined && personalNumberShaped(label, value));
}

const FIELD_LABELS: Partial<Record<keyof AuditQuery, 'Ärende' | 'Användare'>> = { arende: 'Ärende', anvandare: 'Användare' };

/**
 * Validates the filters. A personal number is refused outright (the log names people by
 * pseudonym only, and the value would otherwise travel into the audit entry of the search).
 * `staff`: the directory a name is looked up in (anyone who has signed in, OIDC or not).
 */
export function parseAuditQuery(query: AuditQuery, staff: StaffDirectory): ParsedAuditQuery {
  const errors: string[] = [];
  const caseId = String(query.arende ?? '').trim();
  const actor = String(query.anvandare ?? '').trim();
  const fromText = String(query.fran ?? '').trim();
  const toText = String(query.till ?? '').trim();
  for (const [label, value] of [
    ['Ärende', caseId],
    ['Användare', actor],
  ] as const) {
    if (!value) continue;
    if (typedPersonalNumber(label, value)) errors.push(`${label}: sök inte på personnummer. Loggen anger personer med pseudonym.`);
    else if (!ID.test(value) && !(label === 'Användare' && NAME.test(value))) {
      errors.push(label === 'Användare' ? 'Användare: ett namn (bokstäver och mellanslag) eller ett användar-id (bokstäver a–z, siffror och - _ . : @), högst 100 tecken.' : `${label}: bara bokstäver a–z, siffror och - _ . : @ (högst 100 tecken).`);
    }
  }
  const pageText = String(query.sida ?? '').trim();
  const page = pageText === '' ? 1 : Number(pageText);
  if (!Number.isInteger(page) || page < 1 || page > 100_000) errors.push('Sida: ett heltal från 1.');
  const from = fromText ? parseLocalTime(fromText) : undefined;
  const to = toText ? parseLocalTime(toText) : undefined;
  if (fromText && !from) errors.push('Från: ange datum och tid som ÅÅÅÅ-MM-DD TT:MM.');
  if (toText && !to) errors.push('Till: ange datum och tid som ÅÅÅÅ-MM-DD TT:MM.');
  if (from && to && from >= to) errors.push('Från måste vara före till.');
  if (errors.length > 0) return { ok: false, errors };
  const filters: Record<string, string> = {};
  if (caseId) filters.caseId = caseId;
  if (actor) filters.actor = actor;
  if (from) filters.from = from.toISOString();
  if (to) filters.to = to.toISOString();
  // A user by id, or by name: everyone whose name contains the words (none: no rows).
  const search: AuditSearch = { caseId: caseId || undefined, from, to };
  if (actor) {
    if (ID.test(actor)) search.actor = actor;
    search.actors = usersNamed(actor, staff);
  }
  if (page > 1) filters.page = String(page);
  return { ok: true, search, filters, page };
}

export function queryString(query: AuditQuery): string {
  const params = new URLSearchParams();
  for (const key of ['arende', 'anvandare', 'fran', 'till', 'sida'] as const) {
    const v = String(query[key] ?? '').trim();
    if (v) params.set(key, v);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export const EXPORT_LIMIT = 100_000;


/**
 * The search page: the form (posted, so what is typed never lands in a URL before it is checked;
 * a valid search answers 303 to the GET page with its filters), then one page of entries (PAGE_SIZE, newest first) with users by
 * name, actions and details in words, and links to the pages before and after. `entries` may
 * hold one more than a page: that tells there is a next page. `names`: the municipalities' names
 * from the rules (web/caseworker/view.ts municipalityNames).
 */
export function renderAuditSearch(query: AuditQuery, parsed: ParsedAuditQuery, entries: readonly AuditEntry[], names: MunicipalityNames, staff: StaffDirectory, csrf: string): string {
  const errors = parsed.ok
    ? ''
    : `<div role="alert" class="errors"><h2>Sökningen kunde inte göras</h2><ul>${parsed.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></div>`;
  const page = parsed.ok ? parsed.page : 1;
  const shown = entries.slice(0, PAGE_SIZE);
  const rows = shown
    .map(
      (e) => `<tr>
<td>${esc(formatTime(e.at))}</td>
<td>${esc(staff.nameOf(e.actor))}</td>
<td>${esc(auditActionWords(e.action))}</td>
<td>${e.caseId ? `<a href="/admin/logg?arende=${encodeURIComponent(e.caseId)}">${esc(e.caseId)}</a>` : '–'}</td>
<td class="code">${esc(e.subjectRef ? `${e.subjectRef.slice(0, 12)}…` : '–')}</td>
<td>${esc(e.purpose)}</td>
<td>${esc(auditResultWords(e.result))}</td>
<td>${esc(auditDetailsWords(e.details, names, staff))}</td>
</tr>`,
    )
    .join('');
  const pageLink = (n: number) => esc(queryString({ ...query, sida: n === 1 ? '' : String(n) }));
  const pager =
    page > 1 || entries.length > PAGE_SIZE
      ? `<nav aria-label="Sidor i loggen"><ul class="pager">${page > 1 ? `<li><a href="/admin/logg${pageLink(page - 1)}" rel="prev">Föregående sida</a></li>` : ''}<li aria-current="page">Sida ${page}</li>${
          entries.length > PAGE_SIZE ? `<li><a href="/admin/logg${pageLink(page + 1)}" rel="next">Nästa sida</a></li>` : ''
        }</ul></nav>`
      : '';
  const first = (page - 1) * PAGE_SIZE + 1;
  const results = parsed.ok
    ? shown.length
      ? `<div class="table-scroll" tabindex="0" role="region" aria-label="Loggposter"><table>
<caption>Poster ${first}–${first + shown.length - 1}, senaste först</caption>
<thead><tr><th scope="col">Tid</th><th scope="col">Användare</th><th scope="col">Åtgärd</th><th scope="col">Ärende</th><th scope="col">Person (pseudonym)</th><th scope="col">Syfte</th><th scope="col">Resultat</th><th scope="col">Detaljer</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${pager}`
      : page > 1
        ? `<p>Inga fler poster.</p>${pager}`
        : '<p>Inga poster matchar sökningen.</p>'
    : '';
  // A value that looks like a personal number is not written back into the page.
  const value = (k: keyof AuditQuery) => {
    const v = String(query[k] ?? '').trim();
    return typedPersonalNumber(FIELD_LABELS[k], v) ? '' : esc(v);
  };
  return `<h1>Loggsökning</h1>
<p>Granskningsloggen: vem som gjorde vad, i vilket ärende, när och varför. Personer anges med pseudonym, aldrig med personnummer.
Sökningen och exporten skrivs själva till loggen.</p>
${errors}
<form method="post" action="/admin/logg" class="search">
<input type="hidden" name="_csrf" value="${esc(csrf)}">
<div><label for="logg-arende">Ärende-id</label> <input id="logg-arende" name="arende" value="${value('arende')}" maxlength="100" autocomplete="off"></div>
<div><label for="logg-anvandare">Användare (namn eller id)</label> <input id="logg-anvandare" name="anvandare" value="${value('anvandare')}" maxlength="100" autocomplete="off"></div>
<div><label for="logg-fran">Från (svensk tid)</label> <input id="logg-fran" name="fran" type="datetime-local" value="${value('fran')}"></div>
<div><label for="logg-till">Till (svensk tid)</label> <input id="logg-till" name="till" type="datetime-local" value="${value('till')}"></div>
<button type="submit">Sök</button>
</form>
${parsed.ok ? `<p><a href="/admin/logg.csv${esc(queryString(query))}" download>Exportera sökträffarna som CSV</a> (högst ${EXPORT_LIMIT.toLocaleString('sv-SE')} poster, äldst först)</p>` : ''}
${results}`;
}

/**
 * The audit CSV: the codes kept (it is read by machines too), the time as people read it, Swedish
 * local time "2026-11-29 18:46:05" (Europe/Stockholm, the column says so; in the hour repeated
 * when summer time ends the id orders the entries).
 */
export const CSV_HEADER = ['id', 'tid_svensk', 'anvandare', 'atgard', 'arende', 'person_pseudonym', 'syfte', 'resultat', 'detaljer'];

export function auditCsvRow(e: AuditEntry): string {
  return csvRow([e.id, formatTime(new Date(e.at)), e.actor, e.action, e.caseId, e.subjectRef, e.purpose, e.result, Object.keys(e.details).length ? JSON.stringify(e.details) : '']);
}
