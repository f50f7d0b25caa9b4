import type { AuditEntry, AuditSearch } from '../../store/index.js';
import { looksLikePersonalNumber } from '../../store/personalDataGuard.js';
import { esc } from '../layout.js';
import { csvRow } from './csv.js';
import { formatTime, parseLocalTime } from './time.js';

/** The audit-log search form's fields, as they came (strings), and what they mean. */
export interface AuditQuery {
  arende?: string;
  anvandare?: string;
  fran?: string;
  till?: string;
}

export type ParsedAuditQuery = { ok: true; search: AuditSearch; filters: Record<string, string> } | { ok: false; errors: string[] };

const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/;

/**
 * Validates the filters. A personal number is refused outright (the log names people by
 * pseudonym only, and the value would otherwise travel into the audit entry of the search).
 */
export function parseAuditQuery(query: AuditQuery): ParsedAuditQuery {
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
    if (looksLikePersonalNumber(value)) errors.push(`${label}: sök inte på personnummer. Loggen anger personer med pseudonym.`);
    else if (!ID.test(value)) errors.push(`${label}: bara bokstäver a–z, siffror och - _ . : @ (högst 100 tecken).`);
  }
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
  return { ok: true, search: { caseId: caseId || undefined, actor: actor || undefined, from, to }, filters };
}

export function queryString(query: AuditQuery): string {
  const params = new URLSearchParams();
  for (const key of ['arende', 'anvandare', 'fran', 'till'] as const) {
    const v = String(query[key] ?? '').trim();
    if (v) params.set(key, v);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export const SEARCH_LIMIT = 500;
export const EXPORT_LIMIT = 100_000;

export function renderAuditSearch(query: AuditQuery, parsed: ParsedAuditQuery, entries: readonly AuditEntry[]): string {
  const errors = parsed.ok
    ? ''
    : `<div role="alert" class="errors"><h2>Sökningen kunde inte göras</h2><ul>${parsed.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></div>`;
  const rows = entries
    .map(
      (e) => `<tr>
<td>${esc(formatTime(e.at))}</td>
<td>${esc(e.actor)}</td>
<td>${esc(e.action)}</td>
<td>${e.caseId ? `<a href="/admin/logg?arende=${encodeURIComponent(e.caseId)}">${esc(e.caseId)}</a>` : '–'}</td>
<td class="code">${esc(e.subjectRef ? `${e.subjectRef.slice(0, 12)}…` : '–')}</td>
<td>${esc(e.purpose)}</td>
<td>${esc(e.result)}</td>
<td class="code">${esc(Object.keys(e.details).length ? JSON.stringify(e.details) : '')}</td>
</tr>`,
    )
    .join('');
  const results = parsed.ok
    ? entries.length
      ? `<table>
<caption>${entries.length === SEARCH_LIMIT ? `De senaste ${SEARCH_LIMIT} posterna som matchar (begränsa sökningen eller exportera för fler)` : `${entries.length} poster, senaste först`}</caption>
<thead><tr><th scope="col">Tid</th><th scope="col">Användare</th><th scope="col">Åtgärd</th><th scope="col">Ärende</th><th scope="col">Person (pseudonym)</th><th scope="col">Syfte</th><th scope="col">Resultat</th><th scope="col">Detaljer</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
      : '<p>Inga poster matchar sökningen.</p>'
    : '';
  // A value that looks like a personal number is not written back into the page.
  const value = (k: keyof AuditQuery) => {
    const v = String(query[k] ?? '').trim();
    return looksLikePersonalNumber(v) ? '' : esc(v);
  };
  return `<h1>Loggsökning</h1>
<p>Granskningsloggen: vem som gjorde vad, i vilket ärende, när och varför. Personer anges med pseudonym, aldrig med personnummer.
Sökningen och exporten skrivs själva till loggen.</p>
${errors}
<form method="get" action="/admin/logg" class="search">
<div><label for="logg-arende">Ärende-id</label> <input id="logg-arende" name="arende" value="${value('arende')}" maxlength="100" autocomplete="off"></div>
<div><label for="logg-anvandare">Användare (id)</label> <input id="logg-anvandare" name="anvandare" value="${value('anvandare')}" maxlength="100" autocomplete="off"></div>
<div><label for="logg-fran">Från (svensk tid)</label> <input id="logg-fran" name="fran" type="datetime-local" value="${value('fran')}"></div>
<div><label for="logg-till">Till (svensk tid)</label> <input id="logg-till" name="till" type="datetime-local" value="${value('till')}"></div>
<button type="submit">Sök</button>
</form>
${parsed.ok ? `<p><a href="/admin/logg.csv${esc(queryString(query))}" download>Exportera sökträffarna som CSV</a> (högst ${EXPORT_LIMIT.toLocaleString('sv-SE')} poster, äldst först)</p>` : ''}
${results}`;
}

export const CSV_HEADER = ['id', 'tid_utc', 'anvandare', 'atgard', 'arende', 'person_pseudonym', 'syfte', 'resultat', 'detaljer'];

export function auditCsvRow(e: AuditEntry): string {
  return csvRow([e.id, e.at, e.actor, e.action, e.caseId, e.subjectRef, e.purpose, e.result, Object.keys(e.details).length ? JSON.stringify(e.details) : '']);
}
