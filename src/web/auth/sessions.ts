import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebAuthConfig } from '../../config.js';
import { recordStaffLogin, type Db, type Queryable } from '../../store/index.js';
import { devUser } from './devUsers.js';
import { databaseSessionStore } from './sessionStore.js';
import type { WebUser } from './user.js';

/**
 * The session cookie and who is signed in.
 *
 * * @fastify/session, store in the database (sessionStore.ts). Cookie `bistand_sid`: httpOnly,
 *   SameSite=Lax, Secure in production, signed with SESSION_SECRET, rolling 8 hours.
 * * A session exists only for a signed-in user (saveUninitialized false, and nothing before
 *   login writes to it: a started login lives in loginFlow.ts's cookies).
 * * Fixation: signIn gives the browser a new session id and deletes the old one from the store,
 *   so an id planted in the browser before login never becomes a signed-in session.
 * * signOut deletes the session from the store: the old cookie is worth nothing afterwards.
 */

declare module 'fastify' {
  interface Session {
    user?: WebUser;
  }
}

export const SESSION_COOKIE = 'bistand_sid';

/** Registers @fastify/cookie (signing with SESSION_SECRET), the session and `request.user` on `app`. */
export async function registerSessions(app: FastifyInstance, auth: WebAuthConfig, db: Db): Promise<void> {
  await app.register(fastifyCookie, { secret: auth.sessionSecret });
  await app.register(fastifySession, {
    secret: auth.sessionSecret,
    cookieName: SESSION_COOKIE,
    saveUninitialized: false,
    rolling: true,
    cookie: { httpOnly: true, sameSite: 'lax', secure: auth.secureCookies, path: '/', maxAge: auth.sessionMaxAgeMs },
    store: databaseSessionStore(db, auth.sessionMaxAgeMs),
  });
  // Who is signed in: from the session only. A development user is looked up again, so a
  // changed or removed seed takes effect at once.
  app.addHook('onRequest', async (request) => {
    const stored = request.session?.user;
    if (!stored) return;
    request.user = auth.devLogin && stored.id && devUser(stored.id) ? devUser(stored.id) : stored;
  });
}

/**
 * Signs `user` in under a new session id (the old one, if any, is deleted: no fixation), after
 * writing the user's claims as they are now to the staff directory (store/repositories/staff.ts),
 * which is how other pages know this user's name, role and municipalities. Every login, OpenID
 * Connect or development, comes through here; a directory that cannot be written fails the login.
 */
export async function signIn(db: Queryable, request: FastifyRequest, user: WebUser, now = new Date()): Promise<void> {
  await recordStaffLogin(db, user, now);
  await request.session.regenerate();
  request.session.user = user;
  request.user = user;
}

/** Ends the session in the store; the browser's cookie no longer signs anyone in. */
export async function signOut(request: FastifyRequest): Promise<void> {
  if (request.session) await request.session.destroy();
  delete request.user;
}
