import type { WebUser } from './auth/user.js';

/** Escapes text for HTML; every value that reaches a page goes through here. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export interface PageOptions {
  title: string;
  user?: WebUser | undefined;
  /** Already-escaped HTML of the main content. */
  body: string;
  /** For forms in the page (and the logout form in the header). */
  csrfToken?: string | undefined;
}

export const ROLE_WORDS: Record<string, string> = { caseworker: 'handläggare', teamlead: 'arbetsledare', admin: 'administratör', auditor: 'granskare' };

/**
 * The user's organisation as people write it: the claim's value ("trelleborg", set in
 * OIDC_ORGANISATIONS) with a capital, "Trelleborg". The value is a key, not a name, and read
 * as a code word in the header when shown as it came.
 */
export function organisationWords(organisation: string): string {
  return organisation.charAt(0).toLocaleUpperCase('sv-SE') + organisation.slice(1);
}

/**
 * The frame of every page: Swedish, a skip link, landmarks, one h1 per page (in the body),
 * no inline scripts (the CSP forbids them), styles from /assets/site.css.
 */
export function page(options: PageOptions): string {
  const user = options.user;
  const nav = user
    ? `<nav aria-label="Huvudmeny"><ul>
        ${user.role !== 'admin' ? '<li><a href="/inkorg">Inkorg</a></li>' : ''}
        ${user.role === 'caseworker' || user.role === 'teamlead' ? '<li><a href="/inkorg?visa=mina">Mina ärenden</a></li>' : ''}
        ${user.role !== 'admin' ? '<li><a href="/sok">Sök ärende</a></li>' : ''}
        ${user.role === 'admin' ? '<li><a href="/admin">Drift</a></li><li><a href="/admin/nyckeltal">Nyckeltal</a></li><li><a href="/admin/statistik">Statistik</a></li><li><a href="/admin/gallring">Gallring</a></li><li><a href="/admin/logg">Loggsökning</a></li><li><a href="/admin/forsakringar">Försäkringar</a></li><li><a href="/logguppfoljning">Logguppföljning</a></li>' : ''}
        ${user.role === 'auditor' ? '<li><a href="/logguppfoljning">Logguppföljning</a></li>' : ''}
      </ul></nav>
      <form method="post" action="/logout" class="logout">
        <input type="hidden" name="_csrf" value="${esc(options.csrfToken)}">
        <span>${esc(user.displayName)} (${esc(ROLE_WORDS[user.role] ?? user.role)}, ${esc(organisationWords(user.organisation))})</span>
        <button type="submit">Logga ut</button>
      </form>`
    : '';
  return `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(options.title)} – Biståndsroboten</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/site.css">
</head>
<body>
<a class="skip" href="#main">Hoppa till innehållet</a>
<header><p class="brand">Biståndsroboten</p>${nav}</header>
<main id="main" tabindex="-1">
${options.body}
</main>
</body>
</html>`;
}
