import type { FastifyReply, FastifyRequest } from 'fastify';
import { may } from '../authz.js';
import type { WebUser } from './user.js';

/** Where requests go, and what a route may take for granted (requireUser is in user.ts). */

/** Only a path on this site: never another origin ("//evil", "https://..."), never back to the login. */
export function safeNext(next: unknown, user?: WebUser): string {
  if (typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) && !next.startsWith('/login')) return next;
  return landingFor(user);
}

/** A user's start page by what they may do; the login for nobody. */
export function landingFor(user: WebUser | undefined): string {
  if (user && may(user, 'inbox.read')) return '/inkorg';
  if (user && may(user, 'admin.view')) return '/admin';
  return '/login';
}

/** The CSRF token for the forms of a page (and the logout form in the header); signed-in pages only. */
export function csrfToken(reply: FastifyReply): string {
  return reply.generateCsrf();
}

/** For route handlers: the signed-in user, known present after requireUser. */
export function userOf(request: FastifyRequest): WebUser {
  if (!request.user) throw new Error('no signed-in user on a route that requires one');
  return request.user;
}
