import { readFileSync } from 'node:fs';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { WebAuthConfig } from '../../config.js';
import type { Db } from '../../store/index.js';
import { landingFor } from './guards.js';
import { registerLoginRoutes } from './loginRoutes.js';
import { createOidcClient, type OidcClient } from './oidc.js';
import { registerNotFoundPage } from '../notFound.js';
import { assetPath, htmlError, stylesheet } from './pages.js';
import { registerSessions } from './sessions.js';

/**
 * Everything the review and admin pages stand behind, registered in one encapsulated context:
 *
 * * Headers: @fastify/helmet with a strict CSP: everything from our own origin only, no inline
 *   script or style, no framing, forms post only to us (and, for the logout's redirect, to the
 *   identity provider's origin).
 * * Sessions and who is signed in: sessions.ts (store: sessionStore.ts).
 * * CSRF: @fastify/csrf-protection with its secret in the session; every POST/PUT/PATCH/DELETE
 *   needs the form field `_csrf` (or the csrf-token header), whatever module registered it. The
 *   development login form, posted before any session exists, has its own token (loginFlow.ts).
 * * Login and logout: loginRoutes.ts (development login, OpenID Connect in oidc.ts).
 * * Route guards: requireUser (user.ts), safeNext/userOf/csrfToken (guards.ts).
 */

export interface WebAuthOptions {
  db: Db;
  auth: WebAuthConfig;
  /** For tests: an OIDC client that does not talk to a provider. */
  oidcClient?: OidcClient;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Registers headers, sessions, CSRF, the stylesheet, login and logout on `app` (an encapsulated
 * context: the pages' routes must be registered in the same context, after this).
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
        // Chromium applies form-action to the redirect after a post: the logout form ends at the provider.
        formAction: ["'self'", ...(auth.oidc ? [new URL(auth.oidc.issuer).origin] : [])],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    strictTransportSecurity: auth.secureCookies,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(fastifyFormbody);
  await registerSessions(app, auth, db);
  await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session' });
  await app.register(fastifyRateLimit, { global: false });

  app.addHook('preHandler', (request, reply, done) => {
    if (SAFE_METHODS.has(request.method)) return done();
    if (request.method === 'POST' && request.routeOptions.url === '/login') return done();
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

  const css = stylesheet();
  app.get('/assets/site.css', (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=300').send(css));
  // The tab icon: an SVG from our own origin (CSP img-src 'self'); /favicon.ico for the browsers
  // and tools that ask there without reading the page's <link rel="icon">.
  const favicon = readFileSync(assetPath('favicon.svg'), 'utf8');
  const sendFavicon = (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon);
  app.get('/assets/favicon.svg', sendFavicon);
  app.get('/favicon.ico', sendFavicon);
  registerNotFoundPage(app);

  app.get('/', (request, reply) => reply.redirect(landingFor(request.user), 303));

  registerLoginRoutes(app, auth, oidc, db);
}
