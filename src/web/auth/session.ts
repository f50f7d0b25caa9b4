import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DEVELOPMENT_SESSION_SECRET } from '../../config.js';
import { destroyWebSession, getWebSession, purgeExpiredWebSessions, setWebSession, type Db } from '../../store/index.js';
import { may } from '../authz.js';
import { esc, page, ROLE_WORDS } from '../layout.js';
import { DEV_USERS, devUser } from './devUsers.js';
import { createOidcClient, oidcSettingsFromEnv, type OidcClient, type OidcPending, type OidcSettings } from './oidc.js';
import type { WebUser } from './user.js';

/**
 * Sessions, CSRF, security headers and login for the review and admin pages.
 *
 * * Sessions: @fastify/session with the store in the database (table web_sessions), so every
 *   web process shares them and a restart logs nobody out. The cookie is httpOnly,
 *   SameSite=Lax, Secure outside development and test, signed with SESSION_SECRET; the
 *   session id is regenerated at login (no fixation) and the session destroyed at logout.
 * * CSRF: @fastify/csrf-protection with its secret in the session; every POST/PUT/PATCH/DELETE
 *   needs the form field `_csrf` (or the csrf-token header), whatever module registered it.
 * * Headers: @fastify/helmet with a strict CSP: everything from our own origin only, no inline
 *   script or style, no framing, forms post only to us.
 * * Login: a development login with the seeded users (never when NODE_ENV is production) and
 *   OpenID Connect by environment. POST /login is rate-limited.
 */

declare module 'fastify' {
  interface Session {
    user?: WebUser;
    oidc?: OidcPending;
  }
}

export interface WebAuthConfig {
  /** At least 32 characters; signs the session cookie. */
  sessionSecret: string;
  secureCookies: boolean;
  /** The seeded users' login form; never in production. */
  devLogin: boolean;
  oidc?: OidcSettings | undefined;
  sessionMaxAgeMs: number;
  loginRateLimit: { max: number; timeWindowMs: number };
}

// The constant lives with the configuration, which refuses it in production (src/config.ts).
export { DEVELOPMENT_SESSION_SECRET };

/**
 * From the environment. In production SESSION_SECRET and the OIDC settings are required and
 * the development login is off; a bad value is named, never echoed.
 */
export function webAuthConfigFromEnv(env: NodeJS.ProcessEnv): WebAuthConfig {
  const nodeEnv = env.NODE_ENV || 'development';
  const production = nodeEnv === 'production';
  const problems: string[] = [];
  const secret = env.SESSION_SECRET;
  if (secret !== undefined && secret !== '' && secret.length < 32) problems.push('SESSION_SECRET: ska vara minst 32 tecken');
  if (production && !secret) problems.push('SESSION_SECRET: måste anges när NODE_ENV är production');
  let oidc: OidcSettings | undefined;
  try {
    oidc = oidcSettingsFromEnv(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (production && !oidc) problems.push('OIDC_ISSUER: måste anges när NODE_ENV är production');
  if (problems.length > 0) throw new Error(`webbinloggningen kan inte konfigureras:\n  ${problems.join('\n  ')}`);
  return {
    sessionSecret: secret || DEVELOPMENT_SESSION_SECRET,
    secureCookies: nodeEnv !== 'development' && nodeEnv !== 'test',
    devLogin: !production,
    oidc,
    sessionMaxAgeMs: 8 * 60 * 60 * 1000,
    loginRateLimit: { max: 10, timeWindowMs: 60_000 },
  };
}

/** @fastify/session's store interface, on the web_sessions table. */
export function databaseSessionStore(db: Db) {
  let writes = 0;
  return {
    get(sid: string, callback: (error: Error | null, session?: never) => void): void {
      getWebSession(db, sid).then(
        (data) => callback(null, (data ?? undefined) as never),
        (error: Error) => callback(error),
      );
    },
    set(sid: string, session: { cookie?: { expires?: Date | string | null } }, callback: (error?: Error) => void): void {
      const expires = session.cookie?.expires ? new Date(session.cookie.expires) : new Date(Date.now() + 8 * 3600_000);
      // Now and then, expired sessions are swept on the way.
      const sweep = ++writes % 100 === 0 ? purgeExpiredWebSessions(db).then(() => undefined) : Promise.resolve();
      sweep
        .then(() => setWebSession(db, sid, session, expires))
        .then(
          () => callback(),
          (error: Error) => callback(error),
        );
    },
    destroy(sid: string, callback: (error?: Error) => void): void {
      destroyWebSession(db, sid).then(
        () => callback(),
        (error: Error) => callback(error),
      );
    },
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Only a path on this site: never another origin ("//evil", "https://..."). */
export function safeNext(next: unknown, user?: WebUser): string {
  if (typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login')) return next;
  return landingFor(user);
}

export function landingFor(user: WebUser | undefined): string {
  if (user && may(user, 'inbox.read')) return '/inkorg';
  if (user && may(user, 'admin.view')) return '/admin';
  return '/login';
}

/** The CSRF token for the forms of a page (and the logout form in the header). */
export function csrfToken(reply: FastifyReply): string {
  return reply.generateCsrf();
}

function assetPath(name: string): string {
  const candidates = [
    fileURLToPath(new URL(`../assets/${name}`, import.meta.url)),
    // A build (dist/) does not copy the stylesheet: fall back to the sources.
    `${process.cwd()}/src/web/assets/${name}`,
  ];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`web asset ${name} not found`);
  return found;
}

export function htmlError(reply: FastifyReply, status: number, title: string, text: string, user?: WebUser): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page({ title, user, body: `<h1>${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">Till startsidan</a></p>` }));
}

export interface WebAuthOptions {
  db: Db;
  auth: WebAuthConfig;
  /** For tests: an OIDC client that does not talk to a provider. */
  oidcClient?: OidcClient;
}

/**
 * Registers sessions, CSRF, headers, the stylesheet, login and logout on `app` (an
 * encapsulated context: the pages' routes must be registered in the same context, after this).
 */
export async function registerWebAuth(app: FastifyInstance, options: WebAuthOptions): Promise<void> {
  const { auth, db } = options;
  const oidc = options.oidcClient ?? (auth.oidc ? createOidcClient(auth.oidc) : undefined);

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: auth.secureCookies,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  await app.register(fastifySession, {
    secret: auth.sessionSecret,
    cookieName: 'bistand_sid',
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: auth.secureCookies, path: '/', maxAge: auth.sessionMaxAgeMs },
    store: databaseSessionStore(db),
  });
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyRateLimit, { global: false });

  // Who is signed in: from the session only. A development user is looked up again, so a
  // changed or removed seed takes effect at once.
  app.addHook('onRequest', async (request) => {
    const stored = request.session?.user;
    if (!stored) return;
    request.user = auth.devLogin && stored.id && devUser(stored.id) ? devUser(stored.id) : stored;
  });
  app.addHook('preHandler', (request, reply, done) => {
    if (SAFE_METHODS.has(request.method)) return done();
    app.csrfProtection(request, reply, done);
  });
  app.addHook('onSend', async (request, reply) => {
    // Pages with case data are not kept by the browser or proxies.
    if (request.user && !reply.hasHeader('cache-control')) void reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, 'page request failed');
    if (status === 403 && error.code?.startsWith('FST_CSRF')) {
      return htmlError(reply, 403, 'Formuläret kunde inte tas emot', 'Säkerhetskontrollen för formuläret saknades eller var för gammal. Gå tillbaka, ladda om sidan och försök igen.', request.user);
    }
    if (status === 429) return htmlError(reply, 429, 'För många försök', 'För många inloggningsförsök. Vänta en minut och försök igen.');
    if (status >= 500) return htmlError(reply, 500, 'Något gick fel', 'Ett tekniskt fel uppstod. Försök igen om en stund; kvarstår felet, kontakta driften.', request.user);
    return htmlError(reply, status, 'Begäran kunde inte behandlas', 'Begäran var felaktig.', request.user);
  });

  const css = readFileSync(assetPath('site.css'), 'utf8');
  app.get('/assets/site.css', (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(css));

  app.get('/', (request, reply) => reply.redirect(landingFor(request.user), 303));

  app.get<{ Querystring: { next?: string; fel?: string } }>('/login', async (request, reply) => {
    if (request.user) return reply.redirect(safeNext(request.query.next, request.user), 303);
    if (!auth.devLogin) {
      if (!oidc) return htmlError(reply, 503, 'Inloggningen är inte konfigurerad', 'Kontakta driften.');
      return reply.redirect(`/login/oidc?next=${encodeURIComponent(safeNext(request.query.next))}`, 303);
    }
    return reply.type('text/html; charset=utf-8').send(loginPage(csrfToken(reply), request.query.next, request.query.fel, oidc !== undefined));
  });

  app.post<{ Body: { userId?: string; next?: string } }>(
    '/login',
    { config: { rateLimit: { max: auth.loginRateLimit.max, timeWindow: auth.loginRateLimit.timeWindowMs } } },
    async (request, reply) => {
      if (!auth.devLogin) return htmlError(reply, 404, 'Sidan finns inte', 'Utvecklingsinloggningen finns inte i produktion.');
      const user = typeof request.body?.userId === 'string' ? devUser(request.body.userId) : undefined;
      if (!user) {
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(loginPage(csrfToken(reply), request.body?.next, 'okand', oidc !== undefined));
      }
      await request.session.regenerate();
      request.session.user = user;
      request.log.info({ actor: user.id }, 'signed in (development login)');
      return reply.redirect(safeNext(request.body?.next, user), 303);
    },
  );

  app.get<{ Querystring: { next?: string } }>('/login/oidc', async (request, reply) => {
    if (!oidc) return htmlError(reply, 404, 'Sidan finns inte', 'Inloggning med OpenID Connect är inte konfigurerad.');
    const { url, pending } = await oidc.start(safeNext(request.query.next));
    request.session.oidc = pending;
    return reply.redirect(url, 303);
  });

  app.get('/auth/callback', async (request, reply) => {
    const pending = request.session.oidc;
    if (!oidc || !pending) return htmlError(reply, 400, 'Inloggningen kunde inte slutföras', 'Inloggningen hade gått ut. Försök igen.');
    const callbackUrl = new URL(request.url, auth.oidc?.redirectUri ?? `http://${request.host}`);
    let result;
    try {
      result = await oidc.finish(callbackUrl, pending);
    } catch (error) {
      request.log.warn({ err: { name: (error as Error).name } }, 'OIDC callback refused');
      return htmlError(reply, 400, 'Inloggningen kunde inte slutföras', 'Identitetsleverantörens svar kunde inte godtas. Försök igen.');
    }
    if (!result.ok) {
      request.log.warn({ problem: result.problem }, 'OIDC user refused');
      return htmlError(reply, 403, 'Ingen behörighet', `Ditt konto saknar behörighet till Biståndsroboten (${result.problem}). Kontakta behörighetsadministratören.`);
    }
    await request.session.regenerate();
    request.session.user = result.user;
    request.log.info({ actor: result.user.id }, 'signed in (OIDC)');
    return reply.redirect(safeNext(pending.next, result.user), 303);
  });

  app.post('/logout', async (request, reply) => {
    const actor = request.user?.id;
    if (request.session) await request.session.destroy();
    if (actor) request.log.info({ actor }, 'signed out');
    return reply.redirect('/login', 303);
  });
}

function loginPage(token: string, next: unknown, error: unknown, withOidc: boolean): string {
  const users = DEV_USERS.map(
    (u, i) => `<li><input type="radio" name="userId" id="u-${esc(u.id)}" value="${esc(u.id)}"${i === 0 ? ' required' : ''}>
      <label for="u-${esc(u.id)}">${esc(u.displayName)} – ${esc(ROLE_WORDS[u.role])}, ${esc(u.organisation)} (kommun ${esc(u.municipalities.join(', '))})</label></li>`,
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


/** For route handlers: the signed-in user, known present after requireUser. */
export function userOf(request: FastifyRequest): WebUser {
  if (!request.user) throw new Error('no signed-in user on a route that requires one');
  return request.user;
}
