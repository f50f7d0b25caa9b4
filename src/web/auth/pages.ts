import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { esc, organisationWords, page, ROLE_WORDS } from '../layout.js';
import { DEV_USERS } from './devUsers.js';
import type { WebUser } from './user.js';

/** The pages of logging in and out, error pages, and the stylesheet they all use. */

export function assetPath(name: string): string {
  const candidates = [
    fileURLToPath(new URL(`../assets/${name}`, import.meta.url)),
    // A build (dist/) does not copy the stylesheet: fall back to the sources.
    `${process.cwd()}/src/web/assets/${name}`,
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`web asset ${name} not found`);
  return found;
}

/** The site's stylesheet (read once). */
export function stylesheet(): string {
  return readFileSync(assetPath('site.css'), 'utf8');
}

/** A page with a heading and one paragraph, never cached; `text` is escaped. */
export function htmlError(reply: FastifyReply, status: number, title: string, text: string, user?: WebUser): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page({ title, user, body: `<h1>${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">Till startsidan</a></p>` }));
}

/** After logout: a page rather than straight back to the provider, which would sign the user in again. */
export function loggedOutPage(): string {
  return page({
    title: 'Du är utloggad',
    body: `<h1>Du är utloggad</h1>
<p>Du är utloggad från Biståndsroboten.</p>
<p><a href="/login">Logga in igen</a></p>`,
  });
}

/** The development login: the seeded users to choose from; `token` is the login form's own (loginFlow.ts). */
export function devLoginPage(token: string, next: unknown, error: unknown, withOidc: boolean): string {
  const users = DEV_USERS.map(
    (u, i) => `<li><input type="radio" name="userId" id="u-${esc(u.id)}" value="${esc(u.id)}"${i === 0 ? ' required' : ''}>
      <label for="u-${esc(u.id)}">${esc(u.displayName)} – ${esc(ROLE_WORDS[u.role])}, ${esc(organisationWords(u.organisation))} (kommun ${esc(u.municipalities.join(', '))})</label></li>`,
  ).join('\n');
  return page({
    title: 'Logga in',
    body: `<h1>Logga in</h1>
${error ? '<p class="error" role="alert">Välj en användare i listan.</p>' : ''}
<p>Utvecklingsinloggning för sandlådan. Den finns inte i produktion, där loggar du in med kommunens inloggning.</p>
<form method="post" action="/login">
  <input type="hidden" name="_csrf" value="${esc(token)}">
  <input type="hidden" name="next" value="${esc(typeof next === 'string' ? next : '')}">
  <fieldset>
    <legend>Användare</legend>
    <ul class="choices">${users}</ul>
  </fieldset>
  <button type="submit">Logga in</button>
</form>
${withOidc ? '<p><a href="/login/oidc">Logga in med kommunens inloggning</a></p>' : ''}`,
  });
}
