import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { countBookingPoints, countReviewQueue, currentDecision, getCase, getCaseScreenshot, listAutomatedDecisions, listReviewQueue, type CaseRecord, type Db } from '../../store/index.js';
import { automatedDecisionsList } from './automatedView.js';
import { csrfToken, userOf } from '../auth/guards.js';
import { requireUser, type WebUser } from '../auth/user.js';
import { caseScopeOf, may, mayOnCase, sendNotFound, type Action } from '../authz.js';
import { esc, page } from '../layout.js';
import { casePageBody, editPageBody, SIGN_MOTIVATION_LABEL, type CasePageMessage } from './casePage.js';
import { readMotivation, motivationProblem } from './motivation.js';
import { editedOutcome, parseAmountInput, parseLineAmounts } from './decision.js';
import { confirmEditBody, confirmSignBody } from './confirmSign.js';
import { kronor } from '../../domain/labels.js';
import { inboxBody, inboxOwner, parseInboxQuery } from './inbox.js';
import { actOnBookingPoint } from './firstMeeting.js';
import { letterBody, letterDocument } from './letter.js';
import { chromiumPdfRenderer, type PdfRenderer } from './pdf.js';
import { auditCaseRead, loadCaseView, nothingToSignWords, signCase, takeOver } from './service.js';
import { municipalityNames } from './view.js';
import { loadStaffDirectory } from '../staff.js';
import { loadRules } from '../../rules/load.js';
import type { RuleSet } from '../../rules/ruleset.js';
import { listAppealsForCase, listOpenAppeals } from '../../store/index.js';
import { stockholmDate } from '../../domain/dates.js';
import { appealInboxSection, appealSection, reclaimNotice } from './appealPages.js';
import { registerAppealRoutes } from './appealRoutes.js';
import { reclaimPoint, viewAppeal } from './correction.js';
import { carryOutNotice, carryOutStopIn } from './workbenchView.js';
import { registerWorkbenchRoutes, WORKBENCH_MESSAGES } from './workbenchRoutes.js';
import { registerSearchRoutes } from './searchRoutes.js';
import { draftOf, dropDrafts, keepDraft } from './drafts.js';
import { DEVELOPMENT_PSEUDONYM_SECRET } from '../../config.js';
import { NO_DECLARATION_FOR_DECISION, ssbtekAccess } from '../ssbtekAccess.js';

/** The actions that decide on a case's register facts (a signature, a settlement, a change). */
const DECIDING: ReadonlySet<Action> = new Set<Action>(['case.sign', 'case.decide', 'decision.change', 'appeal.handle']);

/**
 * The caseworker's pages:
 *   GET  /inkorg                    the review queue (visa=ko|mina|alla: shared queue, one's own, all; sortera=mottagen|arende|status|belopp|kommun, ordning=stigande|fallande)
 *   GET  /arenden/:id               the case page (audit: case.read)
 *   POST /arenden/:id/signera/bekrafta  checks the motivation, keeps it as a draft (drafts.ts), 303 to:
 *   GET  /arenden/:id/signera/bekrafta  the outcome and amount to confirm (nothing signed; audit: case.read)
 *   POST /arenden/:id/signera       sign as proposed (the confirmation's button)
 *   GET  /arenden/:id/andra[?igen=1]  edit amounts; igen: with the draft's amounts and motivation (audit: case.read)
 *   POST /arenden/:id/andra/bekrafta  checks the edit, keeps it as a draft, 303 to:
 *   GET  /arenden/:id/andra/bekrafta  the edited outcome and amount to confirm (nothing signed; audit: case.read)
 *   POST /arenden/:id/andra         edit amounts, motivate and sign (the confirmation's button)
 *   POST /arenden/:id/ta-over       take over for manual handling
 *   POST /arenden/:id/forsta-mote/forsok-igen|hanterad  the first-meeting point (case.booking)
 *   GET  /arenden/:id/beslut        the decision letter (audit: letter.read)
 *   GET  /arenden/:id/beslut.pdf    the same as PDF
 *   .../andra-beslut, .../overklaganden/...   changing a decision and appeals (appealRoutes.ts)
 *   GET|POST /sok                   finding any case (searchRoutes.ts; audit: case.search)
 * Every route checks role and scope on the server; a case outside the user's scope is 404.
 * Every POST that is accepted answers 303 See Other to a page fetched with GET (Post/Redirect/Get),
 * so Back and reload never ask to send a form again; a refused one shows why (400, 403, 404, 409).
 */
export interface CaseworkerRoutesOptions {
  db: Db;
  pdf?: PdfRenderer;
  clock?: () => Date;
  /**
   * Called after a signature is stored, or after a caseworker starts a stopped carry-out again,
   * to start carrying the decision out at once (queues.startDecision). Optional and best effort: the worker's sweep gives every signed decision a
   * job anyway, so a failure here only delays, and never fails the signature.
   */
  onSigned?: (decisionId: string, caseId: string) => Promise<unknown>;
  /** The rules (holidays for appeal deadlines); read from rules/ when not given. */
  rules?: RuleSet;
  /** The audit log's HMAC key for the person searched for (config.pseudonymSecret); the development key when not given. */
  pseudonymSecret?: string;
}

const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const caseUrl = (id: string) => `/arenden/${encodeURIComponent(id)}`;

/** The confirmation the case page shows after an accepted POST, by its query flag. */
const DONE_MESSAGES: Readonly<Record<string, string>> = {
  ...WORKBENCH_MESSAGES,
  bokas: 'Roboten försöker boka mötet igen inom en minut.',
  motehanterat: 'Punkten om första mötet är markerad som hanterad.',
};
/** The inbox lists the robot's automated decisions of this many days. */
const AUTOMATED_DAYS = 7;

function stylesheet(): string {
  const candidates = [fileURLToPath(new URL('../assets/site.css', import.meta.url)), `${process.cwd()}/src/web/assets/site.css`];
  const found = candidates.find((p) => existsSync(p));
  return found ? readFileSync(found, 'utf8') : '';
}

export function caseworkerRoutes(options: CaseworkerRoutesOptions): FastifyPluginAsync {
  const { db } = options;
  const clock = options.clock ?? (() => new Date());
  const pdf = options.pdf ?? chromiumPdfRenderer();
  const css = stylesheet();
  const rules = options.rules ?? loadRules();
  const names = municipalityNames(rules);
  /** After every signature: the case's drafts go (their text is in the decision), and carrying out starts. */
  const signed = async (request: FastifyRequest, decisionId: string, caseId: string) => {
    dropDrafts(request, caseId);
    try {
      await options.onSigned?.(decisionId, caseId);
    } catch (error) {
      request.log.warn({ caseId, decisionId, error: (error as Error).name }, 'decision not enqueued at signing; the sweep will take it');
    }
  };

  return async function register(app: FastifyInstance): Promise<void> {
    app.addHook('onClose', async () => pdf.close());
    const readers = requireUser('caseworker', 'teamlead', 'auditor');

    const html = (reply: FastifyReply, request: FastifyRequest, title: string, body: string, status = 200) =>
      reply
        .code(status)
        .type('text/html; charset=utf-8')
        .send(page({ title, user: request.user, csrfToken: csrfToken(reply), body }));

    /**
     * The case if the user may do `action` on it; otherwise the answer is sent (404 for a case
     * out of scope or not found, 403 for an action the role may not take) and undefined returned.
     */
    async function caseFor(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, action: Action): Promise<CaseRecord | undefined> {
      const user = userOf(request);
      const id = request.params.id;
      const c = CASE_ID.test(id) ? await getCase(db, id) : undefined;
      if (!c || !mayOnCase(user, 'case.read', c)) {
        sendNotFound(reply, user, csrfToken(reply));
        return undefined;
      }
      if (!mayOnCase(user, action, c)) {
        await html(reply, request, 'Ingen behörighet', `<h1>Ingen behörighet</h1><p>Din roll (${user.role === 'auditor' ? 'granskare' : user.role}) får inte göra detta i ärendet.</p><p><a href="/arenden/${encodeURIComponent(c.id)}">Tillbaka till ärendet</a></p>`, 403);
        return undefined;
      }
      // A decision rests on the case's register facts: SSBTEK's terms let only a declared user see them.
      if (DECIDING.has(action) && !(await ssbtekAccess(db, user.id, c.municipality, clock())).visible) {
        await html(reply, request, 'Ingen försäkran för SSBTEK', `<h1>Ingen försäkran för SSBTEK</h1><p>${esc(NO_DECLARATION_FOR_DECISION)}</p><p><a href="/arenden/${encodeURIComponent(c.id)}">Tillbaka till ärendet</a></p>`, 403);
        return undefined;
      }
      return c;
    }

    async function showCase(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, c: CaseRecord, user: WebUser, message?: CasePageMessage, status = 200) {
      const view = await loadCaseView(db, c, rules);
      const appeals = (await listAppealsForCase(db, c.id)).map((a) => viewAppeal(a, rules));
      const stop = carryOutStopIn(view.history, c.state);
      const extra = reclaimNotice(await reclaimPoint(db, c.id, stop)) + carryOutNotice(stop) + appealSection(c.id, appeals, view.decisions.length > 0, user, csrfToken(reply), clock());
      // Written before the page leaves: no opening of a case goes unrecorded.
      await auditCaseRead(db, user, c.id);
      const ssbtek = await ssbtekAccess(db, user.id, c.municipality, clock());
      return html(reply, request, `Ärende ${c.id}`, casePageBody(view, user, csrfToken(reply), clock(), names, message, extra, ssbtek), status);
    }

    app.get<{ Querystring: { sortera?: string; ordning?: string; visa?: string } }>('/inkorg', { preHandler: readers }, async (request, reply) => {
      const user = userOf(request);
      if (!may(user, 'inbox.read')) return sendNotFound(reply, user, csrfToken(reply));
      const q = parseInboxQuery(request.query);
      const scope = caseScopeOf(user);
      const [items, counts, appeals, bookingPoints, automated, staff] = await Promise.all([
        listReviewQueue(db, { ...scope, sort: q.sort, descending: q.descending, owner: inboxOwner(q.view, user) }),
        countReviewQueue(db, scope, inboxOwner(q.view, user)),
        listOpenAppeals(db, scope),
        countBookingPoints(db, scope),
        listAutomatedDecisions(db, { ...scope, since: new Date(clock().getTime() - AUTOMATED_DAYS * 86_400_000) }),
        loadStaffDirectory(db),
      ]);
      // Every listing is scoped in its SQL by caseScopeSql, the rule of inScope, which
      // test/integration/case-scope.test.ts holds them to; the review queue is checked again here,
      // as the search's hits are.
      const visible = items.filter((i) => mayOnCase(user, 'case.read', i));
      const openAppeals = appeals.map((a) => ({ ...viewAppeal(a, rules), municipality: a.municipality }));
      return html(
        reply,
        request,
        'Inkorg',
        `${inboxBody(visible, { ...counts, bookingPoints }, q, clock(), user, names, staff)}\n${appealInboxSection(openAppeals, stockholmDate(clock()))}\n${automatedDecisionsList(automated, AUTOMATED_DAYS, names)}`,
      );
    });

    app.get<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>('/arenden/:id', { preHandler: readers }, async (request, reply) => {
      const c = await caseFor(request, reply, 'case.read');
      if (!c) return reply;
      const done = Object.keys(DONE_MESSAGES).find((k) => request.query[k] !== undefined);
      const message: CasePageMessage | undefined = done
        ? { kind: 'success', text: DONE_MESSAGES[done]! }
        :
        request.query.signerat !== undefined
          ? { kind: 'success', text: 'Beslutet är signerat.' }
          : request.query.andrat !== undefined
            ? { kind: 'success', text: 'Det ändrade beslutet är signerat och verkställs.' }
          : request.query.overtaget !== undefined
            ? { kind: 'success', text: 'Du har tagit över ärendet för manuell handläggning.' }
            : undefined;
      return showCase(request, reply, c, userOf(request), message);
    });

    /** The case to sign as proposed, the signer and the trimmed motivation; undefined when the answer is already sent. */
    async function signRequest(request: FastifyRequest<{ Params: { id: string }; Body: { motivering?: string } }>, reply: FastifyReply) {
      const c = await caseFor(request, reply, 'case.sign');
      if (!c) return undefined;
      const user = userOf(request);
      const motivation = readMotivation(request.body?.motivering);
      const over = motivationProblem(SIGN_MOTIVATION_LABEL, motivation);
      if (over) {
        // The case page again, with the text as typed in the field: nothing is lost.
        await showCase(request, reply, c, user, { kind: 'error', text: over, motivation }, 400);
        return undefined;
      }
      return { c, user, motivation };
    }

    // The case page's "Signera beslutet" comes here first: the motivation checked and kept, then
    // a page stating outcome and amount, whose button posts to /signera below (confirmSign.ts).
    app.post<{ Params: { id: string }; Body: { proposalId?: string; motivering?: string } }>('/arenden/:id/signera/bekrafta', { preHandler: readers }, async (request, reply) => {
      const asked = await signRequest(request, reply);
      if (!asked) return reply;
      const { c, user, motivation } = asked;
      const view = await loadCaseView(db, c);
      if (c.state !== 'PROPOSED' || !view.proposal || view.proposal.outcome === 'MANUAL') {
        return showCase(request, reply, c, user, { kind: 'error', text: await nothingToSignWords(db, user, c.id) }, 409);
      }
      keepDraft(request, c.id, 'signera', { proposalId: request.body?.proposalId ?? '', motivering: motivation });
      return reply.redirect(`${caseUrl(c.id)}/signera/bekrafta`, 303);
    });

    // Also where Back from the signed case lands: with nothing left to sign, the case itself.
    app.get<{ Params: { id: string } }>('/arenden/:id/signera/bekrafta', { preHandler: readers }, async (request, reply) => {
      const c = await caseFor(request, reply, 'case.sign');
      if (!c) return reply;
      const draft = draftOf(request, c.id, 'signera');
      const view = await loadCaseView(db, c);
      if (!draft || c.state !== 'PROPOSED' || !view.proposal || view.proposal.outcome === 'MANUAL') return reply.redirect(caseUrl(c.id), 303);
      await auditCaseRead(db, userOf(request), c.id);
      return html(
        reply,
        request,
        `Bekräfta beslutet – ärende ${c.id}`,
        confirmSignBody({ caseId: c.id, proposalId: draft.proposalId || undefined, proposal: view.proposal, motivation: draft.motivering ?? '', csrf: csrfToken(reply) }),
      );
    });

    app.post<{ Params: { id: string }; Body: { proposalId?: string; motivering?: string } }>('/arenden/:id/signera', { preHandler: readers }, async (request, reply) => {
      const asked = await signRequest(request, reply);
      if (!asked) return reply;
      const { c, user, motivation } = asked;
      const result = await signCase(db, user, { caseId: c.id, proposalId: request.body?.proposalId, ...(motivation ? { motivation } : {}) }, clock());
      if (!result.ok) {
        const fresh = (await getCase(db, c.id)) ?? c;
        return showCase(request, reply, fresh, user, { kind: 'error', text: result.message }, result.status);
      }
      await signed(request, result.decision.id, c.id);
      return reply.redirect(`${caseUrl(c.id)}?signerat=1`, 303);
    });

    // "Ändra igen" on the confirmation comes here with igen=1: the form with the draft as checked.
    app.get<{ Params: { id: string }; Querystring: { igen?: string } }>('/arenden/:id/andra', { preHandler: readers }, async (request, reply) => {
      const c = await caseFor(request, reply, 'case.editSign');
      if (!c) return reply;
      const view = await loadCaseView(db, c);
      if (c.state !== 'PROPOSED' || !view.proposal || view.proposal.outcome === 'MANUAL') {
        return reply.redirect(caseUrl(c.id), 303);
      }
      const draft = request.query.igen !== undefined ? draftOf(request, c.id, 'andra') : undefined;
      const { typed } = parseLineAmounts(view.proposal.calculation.lines, draft ?? {});
      // The draft holds parsed amounts ("4000.00"); shown again the Swedish way.
      for (const [i, amount] of typed) {
        const parsed = parseAmountInput(amount);
        if (parsed !== undefined) typed.set(i, kronor(parsed));
      }
      await auditCaseRead(db, userOf(request), c.id);
      return html(reply, request, `Ändra belopp – ärende ${c.id}`, editPageBody(view, csrfToken(reply), typed, draft?.motivering ?? ''));
    });

    type EditRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, string | undefined> }>;
    /**
     * The posted edit form read and checked, every problem at once (then the form is shown again
     * with what was typed, status 400, and undefined returned): the case, the parsed amounts,
     * the motivation, and the outcome and amount after the edit (editedOutcome, as the signature
     * computes them).
     */
    async function editRequest(request: EditRequest, reply: FastifyReply) {
      const c = await caseFor(request, reply, 'case.editSign');
      if (!c) return undefined;
      const user = userOf(request);
      const body = request.body ?? {};
      const view = await loadCaseView(db, c);
      if (c.state !== 'PROPOSED' || !view.proposal || view.proposal.outcome === 'MANUAL') {
        // Someone signed or took it over meanwhile (another tab, a colleague): said as the signature says it.
        await showCase(request, reply, c, user, { kind: 'error', text: await nothingToSignWords(db, user, c.id) }, 409);
        return undefined;
      }
      const { typed, amounts, problems: amountProblems } = parseLineAmounts(view.proposal.calculation.lines, body);
      const motivation = readMotivation(body.motivering);
      const again = async (...errors: string[]) => {
        await auditCaseRead(db, user, c.id);
        await html(reply, request, `Ändra belopp – ärende ${c.id}`, editPageBody(view, csrfToken(reply), typed, motivation, errors), 400);
        return undefined;
      };
      // Every problem at once, so the caseworker corrects them in one go.
      const problems = [
        ...amountProblems,
        ...(motivation.length === 0 ? ['Skriv en motivering till ändringen. Ett ändrat beslut kan inte signeras utan motivering.'] : []),
        ...[motivationProblem('Motivering', motivation)].filter((e) => e !== undefined),
      ];
      if (problems.length > 0) return again(...problems);
      const edited = editedOutcome(view.proposal, amounts);
      if ('noChange' in edited) return again('Inget belopp ändrades. Signera förslaget som det står, eller ändra ett belopp.');
      return { c, user, view, proposal: view.proposal, amounts, motivation, edited, again };
    }

    // "Ändra belopp" posts here first: the edit checked and kept, then a page stating the outcome
    // and amount after the edit, whose button posts the same fields to /andra below, which signs.
    app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/arenden/:id/andra/bekrafta', { preHandler: readers }, async (request, reply) => {
      const asked = await editRequest(request, reply);
      if (!asked) return reply;
      const { c, view, amounts, motivation } = asked;
      keepDraft(request, c.id, 'andra', {
        // The proposal the outcome was computed from: signing a newer one is refused.
        proposalId: request.body?.proposalId || view.proposalRecord?.id || '',
        ...Object.fromEntries([...amounts].map(([i, amount]) => [`belopp_${i}`, amount])),
        motivering: motivation,
      });
      return reply.redirect(`${caseUrl(c.id)}/andra/bekrafta`, 303);
    });

    app.get<{ Params: { id: string } }>('/arenden/:id/andra/bekrafta', { preHandler: readers }, async (request, reply) => {
      const c = await caseFor(request, reply, 'case.editSign');
      if (!c) return reply;
      const draft = draftOf(request, c.id, 'andra');
      const view = await loadCaseView(db, c);
      if (c.state !== 'PROPOSED' || !view.proposal || view.proposal.outcome === 'MANUAL') return reply.redirect(caseUrl(c.id), 303);
      if (!draft) return reply.redirect(`${caseUrl(c.id)}/andra`, 303);
      // Computed again from the kept amounts, as the signature will compute them.
      const { amounts } = parseLineAmounts(view.proposal.calculation.lines, draft);
      const edited = editedOutcome(view.proposal, amounts);
      if ('noChange' in edited) return reply.redirect(`${caseUrl(c.id)}/andra?igen=1`, 303);
      await auditCaseRead(db, userOf(request), c.id);
      return html(reply, request, `Bekräfta det ändrade beslutet – ärende ${c.id}`, confirmEditBody({
        caseId: c.id,
        proposalId: draft.proposalId || undefined,
        month: view.proposal.month,
        outcome: edited.outcome,
        amount: edited.amount,
        edits: edited.edits,
        amounts,
        motivation: draft.motivering ?? '',
        csrf: csrfToken(reply),
      }));
    });

    app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/arenden/:id/andra', { preHandler: readers }, async (request, reply) => {
      const asked = await editRequest(request, reply);
      if (!asked) return reply;
      const { c, user, amounts, motivation, again } = asked;
      const result = await signCase(db, user, { caseId: c.id, proposalId: request.body?.proposalId, edit: { amounts, motivation } }, clock());
      if (!result.ok) {
        if (result.status === 400) return (await again(result.message)) ?? reply;
        const fresh = (await getCase(db, c.id)) ?? c;
        return showCase(request, reply, fresh, user, { kind: 'error', text: result.message }, result.status);
      }
      await signed(request, result.decision.id, c.id);
      return reply.redirect(`${caseUrl(c.id)}?signerat=1`, 303);
    });

    app.post<{ Params: { id: string } }>('/arenden/:id/ta-over', { preHandler: readers }, async (request, reply) => {
      const c = await caseFor(request, reply, 'case.takeover');
      if (!c) return reply;
      const user = userOf(request);
      const result = await takeOver(db, user, c.id);
      if (!result.ok) {
        const fresh = (await getCase(db, c.id)) ?? c;
        return showCase(request, reply, fresh, user, { kind: 'error', text: result.message }, 409);
      }
      return reply.redirect(`${caseUrl(c.id)}?overtaget=1`, 303);
    });

    for (const [path, act, flag] of [
      ['forsok-igen', 'retry', 'bokas'],
      ['hanterad', 'handled', 'motehanterat'],
    ] as const) {
      app.post<{ Params: { id: string } }>(`/arenden/:id/forsta-mote/${path}`, { preHandler: readers }, async (request, reply) => {
        const c = await caseFor(request, reply, 'case.booking');
        if (!c) return reply;
        const user = userOf(request);
        if (await actOnBookingPoint(db, user, c.id, act)) return reply.redirect(`${caseUrl(c.id)}?${flag}=1`, 303);
        const fresh = (await getCase(db, c.id)) ?? c;
        return showCase(request, reply, fresh, user, { kind: 'error', text: 'Det finns ingen punkt om första mötet att åtgärda (någon annan hann före). Ladda om sidan.' }, 409);
      });
    }

    app.get<{ Params: { id: string } }>('/arenden/:id/beslut', { preHandler: readers }, async (request, reply) => {
      const c = await caseFor(request, reply, 'letter.read');
      if (!c) return reply;
      const decision = await currentDecision(db, c.id);
      if (!decision) return sendNotFound(reply, request.user, csrfToken(reply));
      await auditCaseRead(db, userOf(request), c.id, 'letter.read');
      const id = encodeURIComponent(c.id);
      return html(
        reply,
        request,
        `Beslut – ärende ${c.id}`,
        `<p class="no-print"><a href="/arenden/${id}">Tillbaka till ärendet</a> · <a href="/arenden/${id}/beslut.pdf">Ladda ned som PDF</a> · Skriv ut med webbläsarens utskriftsfunktion (Ctrl+P).</p>
${letterBody(decision, names)}`,
      );
    });

    registerAppealRoutes(app, { db, rules, clock, html, caseFor, signed, preHandler: readers });
    registerWorkbenchRoutes(app, { db, rules, clock, html, caseFor, showCase, signed, preHandler: readers });
    registerSearchRoutes(app, { db, clock, html, names, preHandler: readers, pseudonymSecret: options.pseudonymSecret ?? DEVELOPMENT_PSEUDONYM_SECRET });

    app.get<{ Params: { id: string; shot: string } }>('/arenden/:id/skarmbilder/:shot', { preHandler: readers }, async (request, reply) => {
      const c = await caseFor(request, reply, 'case.read');
      if (!c) return reply;
      const shot = await getCaseScreenshot(db, c.id, request.params.shot);
      if (!shot) return sendNotFound(reply, request.user, csrfToken(reply));
      await auditCaseRead(db, userOf(request), c.id, 'screenshot.read', { screenshot: request.params.shot });
      return reply.type(shot.contentType).header('cache-control', 'no-store').header('content-disposition', 'inline').send(Buffer.from(shot.image));
    });

    app.get<{ Params: { id: string } }>('/arenden/:id/beslut.pdf', { preHandler: readers }, async (request, reply) => {
      const c = await caseFor(request, reply, 'letter.read');
      if (!c) return reply;
      const decision = await currentDecision(db, c.id);
      if (!decision) return sendNotFound(reply, request.user, csrfToken(reply));
      await auditCaseRead(db, userOf(request), c.id, 'letter.read');
      const file = await pdf.render(letterDocument(decision, css, names));
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="beslut-${c.id}.pdf"`)
        .send(file);
    });
  };
}
