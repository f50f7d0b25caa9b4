import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { stockholmDate } from '../../domain/dates.js';
import type { RuleSet } from '../../rules/ruleset.js';
import { currentDecision, getAppeal, listDecisionsForCase, type CaseRecord, type Db } from '../../store/index.js';
import { csrfToken, userOf } from '../auth/guards.js';
import { sendNotFound, type Action } from '../authz.js';
import { appealPageBody, appealRecordForm, changePageBody, decisionWords } from './appealPages.js';
import { coveringLetterBody } from './appealCoveringLetter.js';
import { appealStep, changeBlocker, changeDecision, paidUnderDecision, parseAppealForm, recordAppeal, viewAppeal } from './correction.js';
import { applyEdits, outcomeAfterEdit, parseLineAmounts, type DecisionContent } from './decision.js';
import { confirmChangeBody } from './confirmSign.js';
import { draftOf, dropDrafts, keepDraft } from './drafts.js';
import { kronor } from '../../domain/labels.js';
import { esc } from '../layout.js';
import { auditCaseRead } from './service.js';
import { loadStaffDirectory, staffName } from '../staff.js';
import { municipalityNames } from './view.js';
import { readMotivation, motivationProblem } from './motivation.js';

/**
 * Changing a decision and handling appeals:
 *   GET  /arenden/:id/andra-beslut[?overklagande=N|igen=1]  the change form (ändring, or omprövning of appeal N; igen: the draft again)
 *   POST /arenden/:id/andra-beslut/bekrafta           checks the change, keeps it as a draft (drafts.ts), 303 to:
 *   GET  /arenden/:id/andra-beslut/bekrafta           the new outcome and amount against the decision in force (nothing signed)
 *   POST /arenden/:id/andra-beslut                    sign the superseding decision (the confirmation's button)
 *   POST /arenden/:id/overklaganden                   record an appeal
 *   GET  /arenden/:id/overklaganden/:nr               the appeal: in time or not, omprövning, forwarding
 *   POST /arenden/:id/overklaganden/:nr/behall        omprövning: the decision stands
 *   POST /arenden/:id/overklaganden/:nr/avvisa        a late appeal is dismissed (avvisat)
 *   POST /arenden/:id/overklaganden/:nr/overlamna     forwarded to förvaltningsrätten
 *   GET  /arenden/:id/overklaganden/:nr/foljebrev     the covering letter to förvaltningsrätten
 * Same rules as the other case routes: role and scope on the server, CSRF on every form.
 */
export interface AppealRouteContext {
  db: Db;
  rules: RuleSet;
  clock: () => Date;
  html(reply: FastifyReply, request: FastifyRequest, title: string, body: string, status?: number): FastifyReply | Promise<FastifyReply>;
  caseFor(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, action: Action): Promise<CaseRecord | undefined>;
  signed(request: FastifyRequest, decisionId: string, caseId: string): Promise<void>;
  /** The login check of the case routes (caseworkers and auditors; the action decides the rest). */
  preHandler: preHandlerHookHandler;
}

type Body = Record<string, string | undefined> | undefined;
type Req = FastifyRequest<{ Params: { id: string } }>;

export function registerAppealRoutes(app: FastifyInstance, ctx: AppealRouteContext): void {
  const { db, rules, clock } = ctx;
  const names = municipalityNames(rules);
  const { preHandler } = ctx;
  const caseUrl = (id: string) => `/arenden/${encodeURIComponent(id)}`;

  async function changeForm(request: Req, reply: FastifyReply, c: CaseRecord, appealId: string | undefined, typed: ReadonlyMap<number, string>, motivation: string, error?: string, status = 200, resolves = false) {
    const decision = await currentDecision(db, c.id);
    if (!decision) return reply.redirect(caseUrl(c.id), 303);
    const appeal = appealId !== undefined ? await getAppeal(db, c.id, appealId) : undefined;
    const blocker = error ? undefined : await changeBlocker(db, c.id);
    await auditCaseRead(db, userOf(request), c.id);
    return ctx.html(reply, request, `Ändra beslut – ärende ${c.id}`, changePageBody({ caseId: c.id, decision, appeal, csrf: csrfToken(reply), typed, motivation, resolves, error: error ?? blocker }), status);
  }

  /**
   * The posted change form read and checked against the decision in force (every problem in
   * words, the form shown again with what was typed, status 400, and undefined returned): the
   * parsed amounts, the motivation and the appeal. A change that changes no amount (applyEdits,
   * as the signature computes it) is refused here too.
   */
  async function changeRequest(request: FastifyRequest<{ Params: { id: string }; Body: Body }>, reply: FastifyReply) {
    const c = await ctx.caseFor(request, reply, 'decision.change');
    if (!c) return undefined;
    const body = request.body ?? {};
    const decision = await currentDecision(db, c.id);
    if (!decision) {
      await reply.redirect(caseUrl(c.id), 303);
      return undefined;
    }
    const content = decision.content as unknown as DecisionContent;
    const { typed, amounts, problems } = parseLineAmounts(content.calculation.lines, body);
    const motivation = readMotivation(body.motivering);
    const appealId = body.overklagande || undefined;
    const resolves = body.tillgodoser === 'ja';
    const again = async (error: string, status: 400 | 409 = 400) => {
      await changeForm(request, reply, c, appealId, typed, motivation, error, status, resolves);
      return undefined;
    };
    if (problems.length > 0) return again(problems.join(' '));
    if (motivation.length === 0) return again('Motivering: skriv varför beslutet ändras. Ett ändrat beslut kan inte signeras utan motivering.');
    const over = motivationProblem('Motivering', motivation);
    if (over) return again(over);
    if (applyEdits(content.calculation, amounts).edits.length === 0) return again('Inget belopp ändrades. Ändra minst ett belopp, eller behåll beslutet.');
    return { c, decision, amounts, motivation, appealId, resolves, again };
  }

  app.get<{ Params: { id: string }; Querystring: { overklagande?: string; igen?: string } }>('/arenden/:id/andra-beslut', { preHandler }, async (request, reply) => {
    const c = await ctx.caseFor(request, reply, 'decision.change');
    if (!c) return reply;
    // "Ändra igen" from the confirmation: the form with the draft it was made from.
    const draft = request.query.igen !== undefined ? draftOf(request, c.id, 'andra-beslut') : undefined;
    if (!draft) return changeForm(request, reply, c, request.query.overklagande, new Map(), '');
    const typed = new Map([...Object.entries(draft)].flatMap(([k, v]) => (/^belopp_\d+$/.test(k) ? [[Number(k.slice('belopp_'.length)), kronor(v)] as const] : [])));
    return changeForm(request, reply, c, draft.overklagande || undefined, typed, draft.motivering ?? '', undefined, 200, draft.tillgodoser === 'ja');
  });

  // The change form posts here first: checked and kept as a draft, then a page stating the new
  // outcome and amount against the decision in force, whose button posts the same fields to
  // /andra-beslut below, which signs. A change pays out at once; it is confirmed like any signature.
  app.post<{ Params: { id: string }; Body: Body }>('/arenden/:id/andra-beslut/bekrafta', { preHandler }, async (request, reply) => {
    const asked = await changeRequest(request, reply);
    if (!asked) return reply;
    const { c, decision, amounts, motivation, appealId, resolves } = asked;
    keepDraft(request, c.id, 'andra-beslut', {
      beslut: decision.id,
      ...Object.fromEntries([...amounts].map(([i, amount]) => [`belopp_${i}`, amount])),
      motivering: motivation,
      ...(appealId ? { overklagande: appealId } : {}),
      ...(resolves ? { tillgodoser: 'ja' } : {}),
    });
    return reply.redirect(`${caseUrl(c.id)}/andra-beslut/bekrafta`, 303);
  });

  app.get<{ Params: { id: string } }>('/arenden/:id/andra-beslut/bekrafta', { preHandler }, async (request, reply) => {
    const c = await ctx.caseFor(request, reply, 'decision.change');
    if (!c) return reply;
    const draft = draftOf(request, c.id, 'andra-beslut');
    const decision = await currentDecision(db, c.id);
    if (!decision) return reply.redirect(caseUrl(c.id), 303);
    // A draft of an older decision (someone changed it meanwhile) is not confirmed: the form again.
    if (!draft || draft.beslut !== decision.id) return reply.redirect(`${caseUrl(c.id)}/andra-beslut`, 303);
    const content = decision.content as unknown as DecisionContent;
    const { amounts } = parseLineAmounts(content.calculation.lines, draft);
    const { calculation, edits } = applyEdits(content.calculation, amounts);
    if (edits.length === 0) return reply.redirect(`${caseUrl(c.id)}/andra-beslut?igen=1`, 303);
    const after = outcomeAfterEdit({ reasons: content.reasons }, calculation);
    await auditCaseRead(db, userOf(request), c.id);
    return ctx.html(reply, request, `Bekräfta det nya beslutet – ärende ${c.id}`, confirmChangeBody({
      caseId: c.id,
      month: content.month,
      verb: draft.overklagande ? 'Ompröva' : 'Ändra',
      outcome: after.outcome === 'GRANT' ? 'GRANT' : 'REJECT',
      amount: after.outcome === 'GRANT' ? after.amount : '0',
      currentWords: decisionWords(decision),
      currentAmount: decision.outcome === 'GRANT' ? decision.amount : '0',
      paid: await paidUnderDecision(db, decision),
      edits,
      fields: new Map(Object.entries(draft)),
      motivation: draft.motivering ?? '',
      csrf: csrfToken(reply),
    }));
  });

  app.post<{ Params: { id: string }; Body: Body }>('/arenden/:id/andra-beslut', { preHandler }, async (request, reply) => {
    const asked = await changeRequest(request, reply);
    if (!asked) return reply;
    const { c, amounts, motivation, appealId, resolves, again } = asked;
    const result = await changeDecision(
      db,
      userOf(request),
      { caseId: c.id, basedOn: request.body?.beslut, amounts, motivation, ...(appealId ? { appealId, resolvesAppeal: resolves } : {}) },
      clock(),
    );
    if (!result.ok) return (await again(result.message, result.status)) ?? reply;
    dropDrafts(request, c.id);
    await ctx.signed(request, result.value.id, c.id);
    return reply.redirect(appealId ? `${caseUrl(c.id)}/overklaganden/${encodeURIComponent(appealId)}?andrat=1` : `${caseUrl(c.id)}?andrat=1`, 303);
  });

  app.post<{ Params: { id: string }; Body: Body }>('/arenden/:id/overklaganden', { preHandler }, async (request, reply) => {
    const c = await ctx.caseFor(request, reply, 'appeal.record');
    if (!c) return reply;
    const body = request.body ?? {};
    const parsed = parseAppealForm({ receivedOn: body.inkom, channel: body.kanal, concerns: body.galler, notifiedOn: body.delgivet }, stockholmDate(clock()));
    // The form again with what was typed and what is wrong, so nothing is lost.
    const formAgain = (errors: readonly string[]) => {
      const typed = { inkom: body.inkom, kanal: body.kanal, galler: body.galler, delgivet: body.delgivet };
      return ctx.html(reply, request, 'Överklagandet kunde inte registreras', `<h1>Överklagandet kunde inte registreras – ärende ${esc(c.id)}</h1>
${appealRecordForm(c.id, csrfToken(reply), clock(), typed, errors)}
<p><a href="${caseUrl(c.id)}">Tillbaka till ärendet utan att registrera</a></p>`, 400);
    };
    if (!parsed.ok) return formAgain(parsed.errors);
    const result = await recordAppeal(db, userOf(request), c.id, parsed.value);
    // A date before the decision day is a typing error: corrected in the same form.
    if (!result.ok && result.status === 400) return formAgain([result.message]);
    if (!result.ok) return ctx.html(reply, request, 'Överklagandet kunde inte registreras', `<h1>Överklagandet kunde inte registreras</h1><p class="error" role="alert">${esc(result.message)}</p><p><a href="${caseUrl(c.id)}">Tillbaka till ärendet</a></p>`, result.status);
    return reply.redirect(`${caseUrl(c.id)}/overklaganden/${result.value.id}?registrerat=1`, 303);
  });

  app.get<{ Params: { id: string; nr: string }; Querystring: { registrerat?: string; andrat?: string } }>('/arenden/:id/overklaganden/:nr', { preHandler }, async (request, reply) => {
    const c = await ctx.caseFor(request, reply, 'case.read');
    if (!c) return reply;
    const appeal = await getAppeal(db, c.id, request.params.nr);
    if (!appeal) return sendNotFound(reply, request.user, csrfToken(reply));
    await auditCaseRead(db, userOf(request), c.id, 'case.read', { appealId: appeal.id });
    const message =
      request.query.registrerat !== undefined ? 'Överklagandet är registrerat.' : request.query.andrat !== undefined ? 'Det ändrade beslutet är signerat och verkställs.' : undefined;
    const decisions = await listDecisionsForCase(db, c.id);
    return ctx.html(reply, request, `Överklagande – ärende ${c.id}`, appealPageBody({ c, view: viewAppeal(appeal, rules), decisions, user: userOf(request), csrf: csrfToken(reply), blocker: await changeBlocker(db, c.id), staff: await loadStaffDirectory(db), ...(message ? { message } : {}) }));
  });

  const steps = { behall: 'kept', avvisa: 'dismissed', overlamna: 'forwarded' } as const;
  for (const [path, kind] of Object.entries(steps)) {
    app.post<{ Params: { id: string; nr: string }; Body: Body }>(`/arenden/:id/overklaganden/:nr/${path}`, { preHandler }, async (request, reply) => {
      const c = await ctx.caseFor(request, reply, 'appeal.handle');
      if (!c) return reply;
      const result = await appealStep(db, userOf(request), c.id, request.params.nr, kind, rules, clock(), request.body?.anteckning, request.body?.bekraftat === 'ja');
      const back = `${caseUrl(c.id)}/overklaganden/${encodeURIComponent(request.params.nr)}`;
      if (!result.ok) return ctx.html(reply, request, 'Det gick inte', `<h1>Det gick inte</h1><p class="error" role="alert">${esc(result.message)}</p><p><a href="${back}">Tillbaka till överklagandet</a></p>`, result.status);
      return reply.redirect(back, 303);
    });
  }

  app.get<{ Params: { id: string; nr: string } }>('/arenden/:id/overklaganden/:nr/foljebrev', { preHandler }, async (request, reply) => {
    const c = await ctx.caseFor(request, reply, 'letter.read');
    if (!c) return reply;
    const appeal = await getAppeal(db, c.id, request.params.nr);
    if (!appeal) return sendNotFound(reply, request.user, csrfToken(reply));
    const decisions = await listDecisionsForCase(db, c.id);
    const appealed = decisions.find((d) => d.id === appeal.decisionId)!;
    const changedId = appeal.events.find((e) => e.kind === 'changed')?.decisionId;
    const changed = changedId ? decisions.find((d) => d.id === changedId) : undefined;
    const forwarded = appeal.events.find((e) => e.kind === 'forwarded');
    await auditCaseRead(db, userOf(request), c.id, 'letter.read', { appealId: appeal.id, letter: 'covering' });
    const user = userOf(request);
    return ctx.html(
      reply,
      request,
      `Följebrev – ärende ${c.id}`,
      `<p class="no-print"><a href="${caseUrl(c.id)}/overklaganden/${appeal.id}">Tillbaka till överklagandet</a> · Skriv ut med webbläsarens utskriftsfunktion (Ctrl+P).</p>
${coveringLetterBody({ view: viewAppeal(appeal, rules), appealed, ...(changed ? { changed } : {}), senderName: forwarded && forwarded.actor !== user.id ? await staffName(db, forwarded.actor) : user.displayName, date: forwarded?.onDate ?? stockholmDate(clock()), names, rules })}`,
    );
  });
}

