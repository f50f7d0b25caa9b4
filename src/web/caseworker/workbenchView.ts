import type { CaseRecord } from '../../store/index.js';
import type { WebUser } from '../auth/user.js';
import { may } from '../authz.js';
import { esc } from '../layout.js';
import { assignees, ownable } from './ownership.js';
import { signerName } from './service.js';

/** Who has the case, in words: for the facts list and the inbox. */
export function ownerWords(owner: string | null, user: WebUser): string {
  if (owner === null) return 'Ingen (gemensam kö)';
  return owner === user.id ? `Du (${signerName(owner)})` : signerName(owner);
}

/**
 * The case page's ownership section: "Jag tar ärendet" for an unowned case, "Lämna tillbaka"
 * for one's own, and for a team lead a choice of caseworker. Empty when nothing may be done.
 */
export function ownershipSection(c: CaseRecord, user: WebUser, csrf: string): string {
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
    const options = assignees(c, user)
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
