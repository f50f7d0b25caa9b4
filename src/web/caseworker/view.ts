import { ownValue } from '../../domain/ownKey.js';
import { addMonths } from '../../domain/dates.js';
import { kronor, ruleLabel, unservedMunicipality, withRuleWords, type MunicipalityNames } from '../../domain/labels.js';
import type { Calculation, Proposal, ReasonDetail, TraceLine } from '../../domain/proposal.js';
import { REASON_TITLES, type ReasonCode } from '../../domain/reasons.js';
import { monthName } from '../../assessment/explain.js';
import type { RuleSet } from '../../rules/ruleset.js';
import type { CaseState } from '../../store/index.js';
import { esc } from '../layout.js';

/** Rendering shared by the case page, the edit page and the decision letter. */

export const STATE_WORDS: Record<CaseState, string> = {
  RECEIVED: 'Mottagen',
  INVALID: 'Ogiltig ansökan',
  GATHERING: 'Hämtar registeruppgifter',
  WAITING_FOR_PLAN: 'Väntar på planeringsmodulen',
  TECHNICAL_ERROR: 'Tekniskt fel',
  PROPOSED: 'Förslag väntar på signering',
  MANUAL: 'Manuell handläggning',
  SIGNED: 'Beslut signerat',
  COMPLETED: 'Verkställt',
};

/** A case's state inside a sentence ("nu: manuell handläggning"). */
export function stateInText(state: CaseState): string {
  return STATE_WORDS[state].toLowerCase();
}

export const OUTCOME_WORDS: Record<Proposal['outcome'], string> = {
  PROPOSE_GRANT: 'Förslag: bevilja',
  PROPOSE_REJECT: 'Förslag: avslå',
  MANUAL: 'Manuell handläggning',
};

export type { MunicipalityNames };

/**
 * The names from the rules files (officialName); for a municipality the robot does not serve,
 * unservedMunicipality's words. With the rules' guidelinesFrom, for namesForCase, and their contact, for the letter.
 */
export function municipalityNames(rules: Pick<RuleSet, 'municipalityName'> & Partial<Pick<RuleSet, 'municipality' | 'contact'>>): MunicipalityNames {
  return Object.assign((code: string) => rules.municipalityName(code) ?? unservedMunicipality(code), {
    guidelinesFrom: rules.municipality ? (code: string) => rules.municipality!(code)?.guidelinesFrom?.code : undefined,
    contact: rules.contact ? (code: string) => rules.contact!(code) : undefined,
  });
}

const dateTime = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'short', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', dateStyle: 'long' });

/** "2026-03-02 09:15", Stockholm time. */
export function formatDateTime(at: Date): string {
  return dateTime.format(at);
}

export function formatDate(at: Date): string {
  return dateOnly.format(at);
}

export const PROMISE_MS = 24 * 60 * 60 * 1000;

/** Time left to the 24-hour promise from receipt, in words, and how urgent. */
export function timeLeft(receivedAt: Date, now: Date): { text: string; late: boolean; soon: boolean; ms: number } {
  const ms = receivedAt.getTime() + PROMISE_MS - now.getTime();
  const words = (abs: number) => {
    const minutes = Math.floor(abs / 60_000);
    const days = Math.floor(minutes / 1440);
    const hours = Math.floor((minutes % 1440) / 60);
    const mins = minutes % 60;
    if (days > 0) return `${days} d ${hours} tim`;
    if (hours > 0) return `${hours} tim ${mins} min`;
    return `${mins} min`;
  };
  if (ms <= 0) return { text: `Försenat ${words(-ms)}`, late: true, soon: false, ms };
  return { text: `${words(ms)} kvar`, late: false, soon: ms < 4 * 60 * 60 * 1000, ms };
}

/**
 * A personal number as the review pages show it: the birth date, the last four digits hidden
 * ("19850709-****"). The full number is in the case system and on the decision letter.
 */
export function maskPersonalNumber(pn: unknown): string {
  if (typeof pn !== 'string') return 'okänt';
  const digits = pn.replace(/\D/g, '');
  if (digits.length === 12) return `${digits.slice(0, 8)}-****`;
  if (digits.length === 10) return `${digits.slice(0, 6)}-****`;
  return '****';
}

/** The personal number written out for the letter: ÅÅÅÅMMDD-NNNN. */
export function formatPersonalNumber(pn: string | null): string {
  if (!pn) return 'saknas';
  const d = pn.replace(/\D/g, '');
  return d.length === 12 ? `${d.slice(0, 8)}-${d.slice(8)}` : pn;
}

const STATUS_WORDS: Record<string, string> = { provisional: 'preliminärt värde', secondary: 'sekundär källa', official: '' };

function ruleCell(l: TraceLine, names: MunicipalityNames): string {
  const extra = [
    l.status && ownValue(STATUS_WORDS, l.status) ? `(${ownValue(STATUS_WORDS, l.status)})` : '',
    l.cap ? `riktlinje ${kronor(l.cap)} kr` : '',
    l.basis ? `av ${kronor(l.basis)} kr` : '',
    l.note ?? '',
  ].filter(Boolean);
  return `${esc(ruleLabel(l.rule, names))}${extra.length ? `<br><span class="small">${esc(extra.join(' · '))}</span>` : ''}`;
}

/**
 * The calculation as a table: the same sections, lines, rules, sources and totals as
 * `calc --explain` (assessment/explain.ts), with row and column headers for screen readers.
 * `names` puts municipal rule ids in words.
 */
export function calculationTable(calc: Calculation, month: string, names: MunicipalityNames, options: { caption?: string; withRules?: boolean } = {}): string {
  const withRules = options.withRules ?? true;
  const cols = withRules ? 4 : 2;
  const lineRow = (l: TraceLine) =>
    `<tr><th scope="row">${esc(l.label)}</th><td class="num">${esc(kronor(l.amount))}</td>${
      withRules ? `<td>${ruleCell(l, names)}</td><td>${esc(l.source)}</td>` : ''
    }</tr>`;
  const section = (title: string, kind: TraceLine['kind'], total?: string) => {
    const lines = calc.lines.filter((l) => l.kind === kind);
    if (lines.length === 0 && total === undefined) return '';
    return `<tbody>
<tr class="section"><th scope="rowgroup" colspan="${cols}">${esc(title)}</th></tr>
${lines.map(lineRow).join('\n')}
${total !== undefined ? `<tr class="total"><th scope="row">Summa ${esc(title.toLowerCase())}</th><td class="num">${esc(kronor(total))}</td>${withRules ? '<td></td><td></td>' : ''}</tr>` : ''}
</tbody>`;
  };
  return `<table class="calculation">
<caption>${esc(options.caption ?? `Beräkning av försörjningsstöd för ${monthName(month)}`)}</caption>
<thead><tr><th scope="col">Post</th><th scope="col" class="num">Belopp (kr)</th>${withRules ? '<th scope="col">Regel</th><th scope="col">Källa</th>' : ''}</tr></thead>
${section('Riksnorm', 'norm', calc.norm)}
${section('Skäliga kostnader', 'cost', calc.costs)}
${section(`Inkomster utbetalda i ${monthName(addMonths(month, -1))}`, 'income', calc.incomes)}
${section('Räknas inte som inkomst', 'exempt')}
<tbody><tr class="total"><th scope="row">Resultat (riksnorm + kostnader − inkomster)</th><td class="num">${esc(kronor(calc.result))}</td>${withRules ? '<td></td><td></td>' : ''}</tr></tbody>
</table>
${calc.complete ? '' : '<p class="error">Obs! Beräkningen är ofullständig: regelvärden saknas.</p>'}`;
}

/**
 * The reasons in words: the title, what the robot found (rule ids in words) and, where given,
 * the figures behind it (`figures` by reason code, e.g. both amounts of an income discrepancy).
 */
export function reasonsList(reasons: readonly ReasonCode[], details: readonly ReasonDetail[], names: MunicipalityNames, figures: ReadonlyMap<ReasonCode, readonly string[]> = new Map()): string {
  if (reasons.length === 0) return '<p>Inga skäl till avslag eller manuell handläggning.</p>';
  return `<ul class="plain">${reasons
    .map((code) => {
      const own = [...details.filter((d) => d.code === code).map((d) => withRuleWords(d.message, names)), ...(figures.get(code) ?? [])];
      return `<li><strong>${esc(ownValue(REASON_TITLES, code) ?? 'Okänt skäl')}</strong>${own.length ? `<ul>${own.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>` : ''}</li>`;
    })
    .join('')}</ul>`;
}

export function warningsList(warnings: readonly string[], names: MunicipalityNames): string {
  if (warnings.length === 0) return '<p>Inga.</p>';
  return `<ul class="plain">${warnings.map((w) => `<li>${esc(withRuleWords(w, names))}</li>`).join('')}</ul>`;
}
