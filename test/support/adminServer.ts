import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyInstance } from 'fastify';
import { recordStaffLogin, type Queryable } from '../../src/store/index.js';
import type { WebUser } from '../../src/web/auth/user.js';

/**
 * A stand-in for the session plugin in tests of the admin pages: the user comes from the
 * `x-test-user` header (one of USERS), CSRF from @fastify/csrf-protection with a cookie secret.
 * Test-only: a real server never takes a user from a request header.
 */
export const USERS: Record<string, WebUser> = {
  admin: { id: 'admin-1', displayName: 'Lena Drift', role: 'admin', organisation: 'trelleborg', municipalities: ['1287', '1263'] },
  adminSvedala: { id: 'admin-svedala', displayName: 'Sara Drift', role: 'admin', organisation: 'svedala', municipalities: ['1263'] },
  caseworker: { id: 'hl-trelleborg-1', displayName: 'Anna Lind', role: 'caseworker', organisation: 'trelleborg', municipalities: ['1287'] },
  auditor: { id: 'granskare-svedala', displayName: 'Per Granskare', role: 'auditor', organisation: 'svedala', municipalities: ['1263'] },
};

export async function registerTestAuth(app: FastifyInstance): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, { cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true } });
  app.addHook('onRequest', async (request) => {
    const key = request.headers['x-test-user'];
    if (typeof key === 'string' && USERS[key]) request.user = USERS[key];
  });
}

/**
 * The staff directory as the header's users' logins would have left it (sessions.ts signIn writes
 * it at every login): the pages name them from there. Call once per database.
 */
export async function recordTestLogins(db: Queryable, at = new Date('2026-11-01T07:00:00Z')): Promise<void> {
  for (const user of Object.values(USERS)) await recordStaffLogin(db, user, at);
}
