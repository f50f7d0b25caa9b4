import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { RuleSet } from '../../rules/ruleset.js';
import type { Proposal } from '../../domain/proposal.js';
import { getCase, type CaseRecord, type Db } from '../../store/index.js';
import { csrfToken, userOf } from '../auth/guards.js';
import type { WebUser } from '../auth/user.js';
import type { Action } from '../authz.js';
import type { CasePageMessage } from './casePage.js';
import { pointsOf, type SettleErrors, type SettleInput } from './manualDecision.js';
import { carryOutAgain, claimCase, reassignCase, releaseCase, type OwnershipOutcome } from './ownership.js';
import { auditCaseRead, closeCase, loadCaseView, previewManualCase, recomputeBasis, signManualCase, type ManualSignOutcome } from './service.js';
import { confirmManualBody } from './confirmSign.js';
import { municipalityNames } from './view.js';
import { decidePageBody } from './workbenchView.js';
import { draftOf, keepDraft } from './drafts.js';

/**
 * The workbench: owning a case and deciding a manual one.
 *   POST /arenden/:id/ta        "Jag tar ärendet" (case.claim)
 *   POST /arenden/:id/lamna     the owner hands the case back to the queue (case.claim)
 *   POST /arenden/:id/fordela   a team lead gives the case to someone, or to the queue (case.reassign; body: till)
 *   GET  /arenden/:id/avgora[?igen=1]  the owner's settle-and-sign page of a MANUAL case; igen: with the draft (case.decide; audit: case.read)
 *   POST /arenden/:id/avgora/bekrafta  checks the settled points, keeps them as a draft (drafts.ts), 303 to:
 *   GET  /arenden/:id/avgora/bekrafta  the outcome and amount to confirm (nothing signed)
 *   POST /arenden/:id/avgora    settle every point (val_<punkt>, motivering_<punkt>, belopp_<punkt> for another amount) and sign (case.decide)
 *   POST /arenden/:id/avsluta   close as handled in the case system (case.close; body: skal)
 *   POST /arenden/:id/verkstall the owner starts a stopped carry-out of the decision again (case.decide)
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
    ownership('case.reassign', (user, c, body) => reassignCase(db, user, c, body.till ? body.till : null, ctx.clock()), 'fordelat'),
  );
  app.post<Route>('/arenden/:id/avsluta', { preHandler }, async (request, reply) => {
    const c = await ctx.caseFor(request, reply, 'case.close');
    if (!c) return reply;
    const user = userOf(request);
    const typed = request.body?.skal ?? '';
    const result = await closeCase(db, user, c.id, typed);
    if (result.ok) return reply.redirect(caseUrl(c.id, '?avslutat=1'), 303);
    return ctx.showCase(request, reply, (await getCase(db, c.id)) ?? c, user, { kind: 'error', text: result.message, closeReason: typed }, 409);
  });
  app.post<Route>('/arenden/:id/verkstall', { preHandler }, async (request, reply) => {
    const c = await ctx.caseFor(request, reply, 'case.decide');
    if (!c) return reply;
    const user = userOf(request);
    const result = await carryOutAgain(db, user, c);
    if (!result.ok) return ctx.showCase(request, reply, (await getCase(db, c.id)) ?? c, user, { kind: 'error', text: result.message }, 409);
    await ctx.signed(request, result.decisionId, c.id);
    return reply.redirect(caseUrl(c.id, '?verkstalls=1'), 303);
  });

  /** The settle page for the case's owner, or undefined after answering (back to the case). */
  async function decidable(request: Req, reply: FastifyReply) {
    const c = await ctx.caseFor(request, reply, 'case.decide');
    if (!c) return undefined;
    const view = await loadCaseView(db, c, ctx.rules);
    const proposal = view.proposal as Proposal | undefined;
    if (c.state !== 'MANUAL' || c.closedAt || c.owner !== userOf(request).id || view.decisions.length > 0 || !proposal || proposal.outcome !== 'MANUAL') {
      await reply.redirect(caseUrl(c.id), 303);
      return undefined;
    }
    const found = pointsOf(proposal, municipalityNames(ctx.rules), recomputeBasis(view.snapshot, ctx.rules));
    if (found.unsupported.length > 0) {
      await reply.redirect(caseUrl(c.id), 303);
      return undefined;
    }
    return { c, view, points: found.points };
  }

  // "Ändra igen" on the confirmation comes here with igen=1: the settle page with the draft.
  app.get<Route & { Querystring: { igen?: string } }>('/arenden/:id/avgora', { preHandler }, async (request, reply) => {
    const found = await decidable(request, reply);
    if (!found) return reply;
    const draft = request.query.igen !== undefined ? draftOf(request, found.c.id, 'avgora') : undefined;
    await auditCaseRead(db, userOf(request), found.c.id);
    return ctx.html(reply, request, `Avgör ärende ${found.c.id}`, decidePageBody(found.view, found.points, csrfToken(reply), settleInput(found.points, draft ?? {}).input));
  });

  /** The settle form as posted: each point's choice, motivation and amount, and every such field to send on. */
  function settleInput(points: readonly { id: string }[], body: Record<string, string | undefined>) {
    const input = new Map(points.map((p) => [p.id, { choice: body[`val_${p.id}`], motivation: body[`motivering_${p.id}`], amount: body[`belopp_${p.id}`] }]));
    const fields = new Map<string, string>();
    for (const p of points) {
      for (const name of [`val_${p.id}`, `motivering_${p.id}`, `belopp_${p.id}`]) {
        const value = body[name];
        if (typeof value === 'string') fields.set(name, value);
      }
    }
    return { input, fields };
  }

  /** A refusal from settling: the settle page with its errors (400), or the case page saying why. */
  async function refused(request: Req, reply: FastifyReply, found: NonNullable<Awaited<ReturnType<typeof decidable>>>, input: SettleInput, result: Exclude<ManualSignOutcome, { ok: true }>) {
    const user = userOf(request);
    const errors: SettleErrors = 'errors' in result ? result.errors : new Map();
    if (result.status === 400) {
      await auditCaseRead(db, user, found.c.id);
      const text = `${result.message} ${[...errors.values()].map((e) => e.message).join(' ')}`;
      return ctx.html(reply, request, `Avgör ärende ${found.c.id}`, decidePageBody(found.view, found.points, csrfToken(reply), input, errors, text), 400);
    }
    return ctx.showCase(request, reply, (await getCase(db, found.c.id)) ?? found.c, user, { kind: 'error', text: result.message }, result.status);
  }

  /** The outcome and amount the settled points give (previewManualCase: what signing computes). */
  const preview = (request: Req, found: NonNullable<Awaited<ReturnType<typeof decidable>>>, proposalId: string | undefined, input: SettleInput) =>
    previewManualCase(db, userOf(request), { caseId: found.c.id, proposalId, input, rules: ctx.rules, names: municipalityNames(ctx.rules) }, ctx.clock());

  app.post<Route>('/arenden/:id/avgora/bekrafta', { preHandler }, async (request, reply) => {
    const found = await decidable(request, reply);
    if (!found) return reply;
    const body = request.body ?? {};
    const { input, fields } = settleInput(found.points, body);
    const checked = await preview(request, found, body.proposalId, input);
    if (!checked.ok) return refused(request, reply, found, input, checked);
    keepDraft(request, found.c.id, 'avgora', { ...Object.fromEntries(fields), proposalId: body.proposalId ?? '' });
    return reply.redirect(caseUrl(found.c.id, '/avgora/bekrafta'), 303);
  });

  // Also where Back from the signed case lands: with nothing left to decide, decidable() answers with the case.
  app.get<Route>('/arenden/:id/avgora/bekrafta', { preHandler }, async (request, reply) => {
    const found = await decidable(request, reply);
    if (!found) return reply;
    const draft = draftOf(request, found.c.id, 'avgora');
    if (!draft) return reply.redirect(caseUrl(found.c.id, '/avgora'), 303);
    const { input, fields } = settleInput(found.points, draft);
    const checked = await preview(request, found, draft.proposalId || undefined, input);
    if (!checked.ok) return reply.redirect(caseUrl(found.c.id, '/avgora?igen=1'), 303);
    const c = checked.content;
    return ctx.html(
      reply,
      request,
      `Bekräfta beslutet i ärende ${found.c.id}`,
      confirmManualBody({ caseId: found.c.id, proposalId: draft.proposalId || undefined, month: c.month, outcome: c.outcome, amount: c.amount, fields, motivation: c.motivation ?? '', edits: c.edits, csrf: csrfToken(reply) }),
    );
  });

  app.post<Route>('/arenden/:id/avgora', { preHandler }, async (request, reply) => {
    const found = await decidable(request, reply);
    if (!found) return reply;
    const user = userOf(request);
    const body = request.body ?? {};
    const { input } = settleInput(found.points, body);
    const result = await signManualCase(db, user, { caseId: found.c.id, proposalId: body.proposalId, input, rules: ctx.rules, names: municipalityNames(ctx.rules) }, ctx.clock());
    if (!result.ok) return refused(request, reply, found, input, result);
    await ctx.signed(request, result.decision.id, found.c.id);
    return reply.redirect(caseUrl(found.c.id, '?signerat=1'), 303);
  });
}

/** The confirmation shown on the case page after a workbench action (by its query flag). */
export const WORKBENCH_MESSAGES: Readonly<Record<string, string>> = {
  tagit: 'Ärendet är ditt. Det syns under Mina ärenden.',
  lamnat: 'Ärendet är tillbaka i den gemensamma kön.',
  fordelat: 'Ärendet är fördelat.',
  avslutat: 'Ärendet är avslutat och handläggs i verksamhetssystemet. Det har lämnat inkorgen.',
  verkstalls: 'Roboten verkställer beslutet igen. Steg som redan är gjorda görs inte om.',
};
