import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { RuleSet } from '../../rules/ruleset.js';
import { getCase, type CaseRecord, type Db } from '../../store/index.js';
import { userOf } from '../auth/session.js';
import type { WebUser } from '../auth/user.js';
import type { Action } from '../authz.js';
import type { CasePageMessage } from './casePage.js';
import { claimCase, reassignCase, releaseCase, type OwnershipOutcome } from './ownership.js';

/**
 * The workbench: owning a case and deciding a manual one.
 *   POST /arenden/:id/ta        "Jag tar ärendet" (case.claim)
 *   POST /arenden/:id/lamna     the owner hands the case back to the queue (case.claim)
 *   POST /arenden/:id/fordela   a team lead gives the case to someone, or to the queue (case.reassign; body: till)
 * Same rules as the other case routes: role and scope on the server, CSRF on every form.
 */
export interface WorkbenchRouteContext {
  db: Db;
  rules: RuleSet;
  clock: () => Date;
  html(reply: FastifyReply, request: FastifyRequest, title: string, body: string, status?: number): FastifyReply | Promise<FastifyReply>;
  caseFor(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, action: Action): Promise<CaseRecord | undefined>;
  showCase(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, c: CaseRecord, user: WebUser, message?: CasePageMessage, status?: number): Promise<FastifyReply>;
  signed(request: FastifyRequest, decisionId: string, caseId: string): Promise<void>;
  preHandler: preHandlerHookHandler;
}

type Req = FastifyRequest<{ Params: { id: string }; Body: Record<string, string | undefined> | undefined }>;

export function registerWorkbenchRoutes(app: FastifyInstance, ctx: WorkbenchRouteContext): void {
  const { db, preHandler } = ctx;
  const caseUrl = (id: string, query = '') => `/arenden/${encodeURIComponent(id)}${query}`;

  /** Runs an ownership change and answers: back to the case on success, the case with the refusal otherwise. */
  const ownership = (action: Action, run: (user: WebUser, c: CaseRecord, body: Record<string, string | undefined>) => Promise<OwnershipOutcome>, done: string) =>
    async (request: Req, reply: FastifyReply) => {
      const c = await ctx.caseFor(request, reply, action);
      if (!c) return reply;
      const user = userOf(request);
      const result = await run(user, c, request.body ?? {});
      if (!result.ok) return ctx.showCase(request, reply, (await getCase(db, c.id)) ?? c, user, { kind: 'error', text: result.message }, 409);
      return reply.redirect(caseUrl(c.id, `?${done}=1`), 303);
    };

  type Route = { Params: { id: string }; Body: Record<string, string | undefined> | undefined };
  app.post<Route>('/arenden/:id/ta', { preHandler }, ownership('case.claim', (user, c) => claimCase(db, user, c), 'tagit'));
  app.post<Route>('/arenden/:id/lamna', { preHandler }, ownership('case.claim', (user, c) => releaseCase(db, user, c), 'lamnat'));
  app.post<Route>(
    '/arenden/:id/fordela',
    { preHandler },
    ownership('case.reassign', (user, c, body) => reassignCase(db, user, c, body.till ? body.till : null), 'fordelat'),
  );
}

/** The confirmation shown on the case page after a workbench action (by its query flag). */
export const WORKBENCH_MESSAGES: Readonly<Record<string, string>> = {
  tagit: 'Ärendet är ditt. Det syns under Mina ärenden.',
  lamnat: 'Ärendet är tillbaka i den gemensamma kön.',
  fordelat: 'Ärendet är fördelat.',
};
