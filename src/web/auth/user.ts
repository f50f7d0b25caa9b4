import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../../domain/roles.js';
import { sendNotFound } from '../authz.js';

/**
 * Who is signed in, as every page and action sees it. Set by the session plugin
 * (src/web/auth/sessions.ts) from a development login or OpenID Connect; never from the client.
 */
export type { Role };

export interface WebUser {
  /** Stable user id (the OIDC subject or the seeded development id); used as actor in the audit log. */
  id: string;
  displayName: string;
  role: Role;
  /** The organisation the user works for, e.g. "trelleborg" or "svedala". */
  organisation: string;
  /** SCB codes of the municipalities whose cases the user may see (1287, 1263). */
  municipalities: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: WebUser;
  }
}

/**
 * A preHandler: no user -> to the login page; a user without one of `roles` -> 404, the same
 * answer as for a page that does not exist, so nothing is revealed by probing.
 */
export function requireUser(...roles: Role[]) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!request.user) {
      await reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
      return;
    }
    if (roles.length > 0 && !roles.includes(request.user.role)) {
      // The site's own 404, with its header and a way back (found in a trial: a caseworker who
      // opened /admin got a bare, unstyled heading). The same answer as for a page that does not exist.
      await sendNotFound(reply, request.user, reply.generateCsrf?.());
    }
  };
}
