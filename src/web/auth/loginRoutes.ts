import type { FastifyInstance } from 'fastify';
import type { WebAuthConfig } from '../../config.js';
import type { Db } from '../../store/index.js';
import { devUser } from './devUsers.js';
import { safeNext } from './guards.js';
import { checkLoginFormToken, loginFormToken, rememberOidcLogin, takeOidcLogin } from './loginFlow.js';
import type { OidcClient } from './oidc.js';
import { devLoginPage, htmlError, loggedOutPage } from './pages.js';
import { signIn, signOut } from './sessions.js';

declare module 'fastify' {
  interface Session {
    /** How the user signed in: an OpenID Connect session is also ended at the provider. */
    via?: 'oidc' | 'dev';
  }
}

/**
 * GET /login, POST /login (development only, rate-limited), GET /login/oidc, GET /auth/callback,
 * POST /logout and GET /utloggad. Nothing here writes a session before someone has signed in;
 * a successful login writes the user's claims to the staff directory (sessions.ts signIn).
 */
export function registerLoginRoutes(app: FastifyInstance, auth: WebAuthConfig, oidc: OidcClient | undefined, db: Db): void {
  const flow = { secure: auth.secureCookies, maxAgeMs: auth.loginFlowMaxAgeMs };
  const refused = 'Inloggningen kunde inte slutföras';

  app.get<{ Querystring: { next?: string; fel?: string } }>('/login', async (request, reply) => {
    if (request.user) return reply.redirect(safeNext(request.query.next, request.user), 303);
    if (!auth.devLogin) {
      if (!oidc) return htmlError(reply, 503, 'Inloggningen är inte konfigurerad', 'Kontakta driften.');
      return reply.redirect(`/login/oidc?next=${encodeURIComponent(safeNext(request.query.next))}`, 303);
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(devLoginPage(loginFormToken(reply, flow), request.query.next, request.query.fel, oidc !== undefined));
  });

  app.post<{ Body: { userId?: string; next?: string; _csrf?: string } }>(
    '/login',
    { config: { rateLimit: { max: auth.loginRateLimit.max, timeWindow: auth.loginRateLimit.timeWindowMs } } },
    async (request, reply) => {
      if (!auth.devLogin) return htmlError(reply, 404, 'Sidan finns inte', 'Utvecklingsinloggningen finns inte i produktion.');
      if (!checkLoginFormToken(request, reply, request.body?._csrf)) {
        return htmlError(reply, 403, 'Formuläret kunde inte tas emot', 'Säkerhetskontrollen för formuläret saknades eller var för gammal. Gå tillbaka, ladda om sidan och försök igen.');
      }
      const user = typeof request.body?.userId === 'string' ? devUser(request.body.userId) : undefined;
      if (!user) {
        return reply
          .code(400)
          .type('text/html; charset=utf-8')
          .send(devLoginPage(loginFormToken(reply, flow), request.body?.next, 'okand', oidc !== undefined));
      }
      await signIn(db, request, user);
      request.session.via = 'dev';
      request.log.info({ actor: user.id }, 'signed in (development login)');
      return reply.redirect(safeNext(request.body?.next, user), 303);
    },
  );

  app.get<{ Querystring: { next?: string } }>(
    '/login/oidc',
    { config: { rateLimit: { max: auth.loginRateLimit.max * 3, timeWindow: auth.loginRateLimit.timeWindowMs } } },
    async (request, reply) => {
      if (!oidc) return htmlError(reply, 404, 'Sidan finns inte', 'Inloggning med OpenID Connect är inte konfigurerad.');
      const { url, pending } = await oidc.start(safeNext(request.query.next));
      rememberOidcLogin(reply, pending, flow);
      return reply.header('cache-control', 'no-store').redirect(url, 303);
    },
  );

  app.get('/auth/callback', async (request, reply) => {
    const pending = takeOidcLogin(request, reply);
    if (!oidc || !pending) return htmlError(reply, 400, refused, 'Inloggningen hade gått ut eller startades inte i den här webbläsaren. Försök igen.');
    const callbackUrl = new URL(request.url, auth.oidc?.redirectUri ?? `http://${request.host}`);
    let result;
    try {
      result = await oidc.finish(callbackUrl, pending);
    } catch (error) {
      // openid-client's code says what did not fit (issuer, audience, nonce, state ...); its
      // message may quote claim values, so only the name and code are logged.
      const e = error as Error & { code?: string };
      request.log.warn({ err: { name: e.name, code: e.code } }, 'OIDC callback refused');
      return htmlError(reply, 400, refused, 'Identitetsleverantörens svar kunde inte godtas. Försök igen.');
    }
    if (!result.ok) {
      request.log.warn({ problem: result.problem }, 'OIDC user refused');
      return htmlError(reply, 403, 'Ingen behörighet', `Ditt konto saknar behörighet till Biståndsroboten (${result.problem}). Kontakta behörighetsadministratören.`);
    }
    await signIn(db, request, result.user);
    request.session.via = 'oidc';
    request.log.info({ actor: result.user.id }, 'signed in (OIDC)');
    return reply.redirect(safeNext(pending.next, result.user), 303);
  });

  app.post('/logout', async (request, reply) => {
    const actor = request.user?.id;
    const viaOidc = request.session?.via === 'oidc';
    await signOut(request);
    if (actor) request.log.info({ actor }, 'signed out');
    // RP-initiated logout: the provider ends its own session too, then sends the browser to /utloggad.
    const providerLogout = viaOidc && oidc ? await oidc.logoutUrl().catch(() => undefined) : undefined;
    return reply.redirect(providerLogout ?? '/login', 303);
  });

  app.get('/utloggad', async (request, reply) => {
    if (request.user) return reply.redirect(safeNext(undefined, request.user), 303);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(loggedOutPage());
  });
}
