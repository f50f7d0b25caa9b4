import { ownValue } from '../domain/ownKey.js';
import { addMonths } from '../domain/dates.js';
import { kronor } from '../domain/labels.js';
import type { Proposal, TraceLine } from '../domain/proposal.js';
import { REASON_TITLES } from '../domain/reasons.js';

const MONTHS = ['januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'];

export function monthName(month: string): string {
  const [year, m] = month.split('-');
  return `${MONTHS[Number(m) - 1]} ${year}`;
}

const OUTCOME_WORDS: Record<Proposal['outcome'], string> = {
  PROPOSE_GRANT: 'Förslag: bevilja',
  PROPOSE_REJECT: 'Förslag: avslå',
  MANUAL: 'Manuell handläggning',
};

const STATUS_WORDS: Record<string, string> = { official: 'officiellt', provisional: 'preliminärt', secondary: 'sekundär källa' };

/**
 * The calculation as a caseworker reads it: the lines under their headings with totals,
 * the rule behind each line and its source as a numbered footnote, then the outcome and
 * reasons. Plain text, Swedish; the same table the review page shows.
 */
export function explain(proposal: Proposal): string {
  const c = proposal.calculation;
  const sources: string[] = [];
  const footnote = (source: string): number => {
    const at = sources.indexOf(source);
    if (at >= 0) return at + 1;
    sources.push(source);
    return sources.length;
  };
  const labelWidth = Math.max(52, ...c.lines.map((l) => l.label.length + 2));
  const row = (label: string, amount: string, rest = '') =>
    `${label.padEnd(labelWidth)}${amount.padStart(14)}${rest ? `  ${rest}` : ''}`.trimEnd();
  const lineRow = (l: TraceLine) => {
    const extra = [
      l.rule,
      `[${footnote(l.source)}]`,
      l.status && ownValue(STATUS_WORDS, l.status) ? `(${ownValue(STATUS_WORDS, l.status)})` : '',
      l.cap ? `riktlinje ${kronor(l.cap)}` : '',
      l.basis ? `av ${kronor(l.basis)}` : '',
      l.note ?? '',
    ].filter(Boolean);
    return row(`  ${l.label}`, kronor(l.amount), extra.join('  '));
  };
  const section = (title: string, kind: TraceLine['kind'], total?: string) => {
    const lines = c.lines.filter((l) => l.kind === kind);
    if (lines.length === 0 && total === undefined) return [];
    return [title, ...lines.map(lineRow), ...(total !== undefined ? [row(`  Summa`, kronor(total)), ''] : [''])];
  };

  const out = [
    `Beräkning av försörjningsstöd för ${monthName(proposal.month)}`,
    `Ärende ${proposal.caseId}, kommun ${proposal.municipality}`,
    '',
    row('Post', 'Belopp (kr)', 'Regel [källa]'),
    '',
    ...section('Riksnorm', 'norm', c.norm),
    ...section('Skäliga kostnader', 'cost', c.costs),
    ...section(`Inkomster utbetalda i ${monthName(addMonths(proposal.month, -1))}`, 'income', c.incomes),
    ...section('Räknas inte som inkomst', 'exempt'),
    row('Resultat (riksnorm + kostnader − inkomster)', kronor(c.result)),
    ...(c.complete ? [] : ['  Obs! Beräkningen är ofullständig: regelvärden saknas.']),
    '',
    `${OUTCOME_WORDS[proposal.outcome]}${proposal.outcome === 'MANUAL' ? '' : `: ${kronor(proposal.amount)} kr`}`,
  ];
  if (proposal.reasonDetails.length > 0) {
    out.push('', 'Skäl:');
    for (const code of proposal.reasons) {
      out.push(`  ${code}: ${REASON_TITLES[code]}`);
      for (const d of proposal.reasonDetails.filter((r) => r.code === code)) out.push(`    – ${d.message}`);
    }
  }
  if (proposal.warnings.length > 0) {
    out.push('', 'Att observera:', ...proposal.warnings.map((w) => `  – ${w}`));
  }
  out.push('', 'Källor:', ...sources.map((s, i) => `  [${i + 1}] ${s}`));
  out.push('', `Regelversion ${proposal.rulesVersion}`);
  return `${out.join('\n')}\n`;
}
