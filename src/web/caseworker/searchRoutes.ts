import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { appendAudit, pseudonymFor, searchCases, type Db } from '../../store/index.js';
import { csrfToken, userOf } from '../auth/guards.js';
import { caseScopeOf, may, mayOnCase, sendNotFound } from '../authz.js';
import { parseSearch, searchAuditDetails, searchPageBody, URL_FIELDS, type SearchForm } from './search.js';
import { AUDIT_PURPOSE } from './service.js';
import { loadStaffDirectory } from '../staff.js';
import type { MunicipalityNames } from './view.js';

/**
 * Finding any case:
 *   GET  /sok   the form; with filters in the query string (no personal number), the hits
 *   POST /sok   the same with a personal number (body only: never in a URL)
 * For everyone who reads cases (caseworkers, team leads, auditors), within their municipalities
 * and organisation. Every search that is made is audit-logged as `case.search`: the filters, the
 * number of hits and, for a person, the audit log's pseudonym (subject_ref), never the number.
 */
export interface SearchRouteContext {
  db: Db;
  clock: () => Date;
  /** The audit log's HMAC key (config.pseudonymSecret). */
  pseudonymSecret: string;
  /** The municipalities' names from the rules (view.ts municipalityNames). */
  names: MunicipalityNames;
  html(reply: FastifyReply, request: FastifyRequest, title: string, body: string, status?: number): FastifyReply | Promise<FastifyReply>;
  preHandler: preHandlerHookHandler;
}

export function registerSearchRoutes(app: FastifyInstance, ctx: SearchRouteContext): void {
  const { db } = ctx;

  async function answer(request: FastifyRequest, reply: FastifyReply, form: SearchForm) {
    const user = userOf(request);
    if (!may(user, 'case.read')) return sendNotFound(reply, user, csrfToken(reply));
    const staff = await loadStaffDirectory(db);
    const parsed = parseSearch(form, user, ctx.clock(), staff);
    const shown: SearchForm = Object.fromEntries(URL_FIELDS.map((k) => [k, form[k]]));
    if (!parsed.ok) return ctx.html(reply, request, 'Sök ärende', searchPageBody(user, csrfToken(reply), shown, ctx.names, staff, { errors: parsed.errors }), 400);
    if (!parsed.asked) return ctx.html(reply, request, 'Sök ärende', searchPageBody(user, csrfToken(reply), shown, ctx.names, staff, {}));
    const found = await searchCases(db, { ...parsed.query, ...caseScopeOf(user) });
    const hits = found.filter((h) => mayOnCase(user, 'case.read', h));
    // Written before the hits leave: no search goes unrecorded.
    await appendAudit(db, {
      actor: user.id,
      action: 'case.search',
      caseId: null,
      ...(parsed.personalNumber ? { subjectRef: pseudonymFor(parsed.personalNumber, ctx.pseudonymSecret) } : {}),
      purpose: AUDIT_PURPOSE,
      result: 'ok',
      details: searchAuditDetails(user, parsed, hits.map((h) => h.caseId)),
    });
    return ctx.html(reply, request, 'Sök ärende', searchPageBody(user, csrfToken(reply), shown, ctx.names, staff, { hits, byPersonalNumber: parsed.personalNumber !== null }));
  }

  app.get<{ Querystring: SearchForm }>('/sok', { preHandler: ctx.preHandler }, async (request, reply) => {
    // A personal number in a URL is refused, not searched: it would already be in logs and history.
    const { personnummer: _dropped, ...query } = request.query ?? {};
    return answer(request, reply, query);
  });
  app.post<{ Body: SearchForm | undefined }>('/sok', { preHandler: ctx.preHandler }, async (request, reply) => answer(request, reply, request.body ?? {}));
}
