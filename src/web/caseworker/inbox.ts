import { kronor } from '../../domain/labels.js';
import { REASON_TITLES, type ReasonCode } from '../../domain/reasons.js';
import { REVIEW_SORTS, type ReviewItem, type ReviewOwner, type ReviewSort } from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import { esc } from '../layout.js';
import { ownerWords } from './workbenchView.js';
import type { StaffDirectory } from '../staff.js';
import { formatDateTime, OUTCOME_WORDS, STATE_WORDS, timeLeft, type MunicipalityNames } from './view.js';
import { isOwnKey } from '../../domain/ownKey.js';

/** The inbox: proposals awaiting signature and the manual queue, oldest first by default. */
export interface InboxQuery {
  sort: ReviewSort;
  descending: boolean;
  /** ko: the shared queue (unclaimed cases, the default); mina: the user's own; alla: every case. */
  view: InboxView;
}

export const INBOX_VIEWS = { ko: 'Gemensam kö', mina: 'Mina ärenden', alla: 'Alla ärenden' } as const;
export type InboxView = keyof typeof INBOX_VIEWS;

export function parseInboxQuery(q: { sortera?: unknown; ordning?: unknown; visa?: unknown }): InboxQuery {
  const sort = isOwnKey(REVIEW_SORTS, q.sortera) ? q.sortera : 'mottagen';
  const view = isOwnKey(INBOX_VIEWS, q.visa) ? q.visa : 'ko';
  return { sort, descending: q.ordning === 'fallande', view };
}

/** The store's filter for the chosen view. */
export function inboxOwner(view: InboxView, user: WebUser): ReviewOwner {
  return view === 'mina' ? { owner: user.id } : view === 'alla' ? 'all' : 'shared';
}

const COLUMNS: { key: ReviewSort | null; label: string; num?: boolean }[] = [
  { key: 'arende', label: 'Ärende' },
  { key: 'mottagen', label: 'Mottagen' },
  { key: 'mottagen', label: 'Tid kvar (24 timmar)' },
  { key: 'status', label: 'Status' },
  { key: null, label: 'Förslag' },
  { key: 'belopp', label: 'Belopp (kr)', num: true },
  { key: 'kommun', label: 'Kommun' },
  { key: null, label: 'Handläggare' },
];

export function inboxBody(
  items: readonly ReviewItem[],
  counts: Record<'PROPOSED' | 'MANUAL' | 'TECHNICAL_ERROR', number> & { bookingPoints?: number },
  q: InboxQuery,
  now: Date,
  user: WebUser,
  names: MunicipalityNames,
  staff: StaffDirectory,
): string {
  const header = COLUMNS.map((c, i) => {
    const numClass = c.num ? ' class="num"' : '';
    if (!c.key) return `<th scope="col"${numClass}>${esc(c.label)}</th>`;
    const active = c.key === q.sort && (i !== 2 || q.sort === 'mottagen');
    const first = i === 1 || (c.key !== 'mottagen');
    const ariaSort = active && first ? ` aria-sort="${q.descending ? 'descending' : 'ascending'}"` : '';
    const nextOrder = active && !q.descending ? 'fallande' : 'stigande';
    const hint = active && first ? (q.descending ? ', sorterat fallande' : ', sorterat stigande') : '';
    return `<th scope="col"${numClass}${ariaSort}><a href="/inkorg?visa=${q.view}&amp;sortera=${c.key}&amp;ordning=${nextOrder}">${esc(c.label)}<span class="sr-only">${esc(hint)}, sortera</span></a></th>`;
  }).join('');
  const rows = items
    .map((item) => {
      const left = timeLeft(item.receivedAt, now);
      const outcome = item.outcome ? OUTCOME_WORDS[item.outcome] : '–';
      const reasons = item.reasons.map((r) => REASON_TITLES[r as ReasonCode] ?? r).join('; ');
      return `<tr>
<th scope="row"><a href="/arenden/${encodeURIComponent(item.caseId)}">${esc(item.caseId)}</a></th>
<td>${esc(formatDateTime(item.receivedAt))}</td>
<td class="${left.late ? 'late' : left.soon ? 'soon' : ''}">${esc(left.text)}</td>
<td>${esc(STATE_WORDS[item.state])}</td>
<td>${esc(outcome)}${reasons ? `<br><span class="small">${esc(reasons)}</span>` : ''}${
        item.bookingPoint ? `<br><strong class="booking-point">Första mötet:</strong> <span class="small">${esc(item.bookingPoint)}</span>` : ''
      }</td>
<td class="num">${item.amount !== null && item.outcome === 'PROPOSE_GRANT' ? esc(kronor(item.amount)) : '–'}</td>
<td>${esc(names(item.municipality))}</td>
<td>${esc(ownerWords(item.owner, user, staff))}</td>
</tr>`;
    })
    .join('\n');
  const total = counts.PROPOSED + counts.MANUAL + counts.TECHNICAL_ERROR;
  const views = (Object.keys(INBOX_VIEWS) as InboxView[])
    .map((v) => `<li><a href="/inkorg?visa=${v}"${v === q.view ? ' aria-current="page"' : ''}>${esc(INBOX_VIEWS[v])}</a></li>`)
    .join('');
  return `<h1>${q.view === 'ko' ? 'Inkorg' : esc(INBOX_VIEWS[q.view])}</h1>
<nav aria-label="Vilka ärenden"><ul class="views">${views}</ul></nav>
<h2 id="antal">Antal ärenden${q.view === 'ko' ? ' i den gemensamma kön' : q.view === 'mina' ? ' som är dina' : ''}</h2>
<ul class="counts" aria-labelledby="antal">
  <li><strong>${counts.PROPOSED}</strong> förslag väntar på signering</li>
  <li><strong>${counts.MANUAL}</strong> för manuell handläggning</li>
  <li><strong>${counts.TECHNICAL_ERROR}</strong> med tekniskt fel</li>
  ${counts.bookingPoints ? `<li><strong>${counts.bookingPoints}</strong> ${counts.bookingPoints === 1 ? 'första möte' : 'första möten'} som roboten inte kunde boka eller meddela</li>` : ''}
  <li><strong>${total}</strong> totalt</li>
</ul>
<p>Varje ansökan ska ha ett beslut inom 24 timmar från att den kom in. Listan visar ${
    q.sort === 'mottagen' && !q.descending ? 'den äldsta först' : 'ärendena i vald ordning'
  }; välj en kolumnrubrik för att sortera.</p>
<h2 id="arenden">Ärenden</h2>
${
  items.length === 0
    ? `<p>${q.view === 'mina' ? 'Du har inga ärenden. Ta ett ärende ur den gemensamma kön med &quot;Jag tar ärendet&quot;.' : 'Inga ärenden väntar.'}</p>`
    : `<div class="table-scroll" role="region" aria-labelledby="arenden" tabindex="0"><table aria-labelledby="arenden">
<thead><tr>${header}</tr></thead>
<tbody>
${rows}
</tbody>
</table></div>`
}`;
}
