import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendNotFound } from './authz.js';

/**
 * Whether whoever asked reads pages: a browser's navigation sends `Accept: text/html`. Anything
 * else (a script, curl without headers, fetch for JSON, the probes) gets a machine answer.
 */
export function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return /\btext\/html\b|application\/xhtml\+xml/.test(accept) && !request.url.startsWith('/api/');
}

/**
 * Unknown addresses in the pages' context: the same Swedish 404 page as a case one may not see
 * (authz.sendNotFound, with the menu for someone signed in), or for a non-browser client
 * `{"error":"not found"}` (JSON, as Fastify's own answer but without echoing the address,
 * which could carry personal data typed into it).
 */
export function registerNotFoundPage(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    if (!wantsHtml(request)) return reply.code(404).header('cache-control', 'no-store').send({ error: 'not found' });
    const token = request.user ? reply.generateCsrf() : undefined;
    return sendNotFound(reply.header('cache-control', 'no-store'), request.user, token);
  });
}
