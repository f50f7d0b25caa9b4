import { ownValue } from '../../domain/ownKey.js';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import type { RuleSet } from '../../rules/ruleset.js';
import { getCase, listTechnicalErrors, searchAudit, setIntakePaused, type Db } from '../../store/index.js';
import { FEED } from '../../robot/intake.js';
import { looksLikePersonalNumber } from '../../store/personalDataGuard.js';
import { requireUser } from '../auth/user.js';
import type { WebUser } from '../auth/user.js';
import { adminScope, sendNotFound } from '../authz.js';
import { esc, page } from '../layout.js';
import { auditAdmin } from './audit.js';
import { loadStaffDirectory } from '../staff.js';
import { auditCsvRow, CSV_HEADER, EXPORT_LIMIT, PAGE_SIZE, parseAuditQuery, queryString, renderAuditSearch, type AuditQuery } from './auditLog.js';
import { registerBullBoard } from './bullBoard.js';
import { csvRow } from './csv.js';
import { kpiCsv, kpiPage } from './kpi.js';
import { municipalityNames } from '../caseworker/view.js';
import { gatherOverview, renderOverview } from './overview.js';
import type { QueueSource } from './queues.js';
import { releaseHeld } from '../../robot/held.js';
import { replayOne, type ReplayMode, type ReplayOutcome } from './replay.js';
import { REPLAY_REFUSAL_WORDS } from '../../robot/replay.js';
import { replayWhy, replayWhyProblem } from '../../robot/declarations.js';
import { registerRetentionRoutes } from './retention.js';
import { registerDeclarationRoutes } from './declarations.js';
import { registerStatisticsRoutes } from './statistics.js';
import { formatTime, parseLocalTime } from './time.js';
import { gatherTodos, renderTodos } from './todo.js';

export { queuesFromStore, type QueueSource } from './queues.js';

export interface AdminOptions {
  db: Db;
  /** The rules a replay from a stored snapshot is computed with. */
  rules: RuleSet;
  /** The robot's queues (see queuesFromStore for a web process of its own). */
  queues: QueueSource;
  clock?: () => Date;
  /** bull-board at /admin/koer; default on. */
  bullBoard?: boolean;
  /** The robot's account (config ROBOT_IDENTITY), named on the declarations page. */
  robotIdentity?: string;
  /** bull-board without its changing buttons; default true (see bullBoard.ts). */
  bullBoardReadOnly?: boolean;
}

const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
/** A bulk replay touches at most this many cases per request; the page says so when it is hit. */
const BULK_LIMIT = 500;

/**
 * The admin's console (Swedish, server-rendered, role admin only; everyone else gets 404):
 *   GET  /admin                     queue overview, failed cases and jobs, throughput chart
 *   POST /admin/omkorning           replay one case (from intake, or from its stored snapshot)
 *   POST /admin/omkorning/sedan     replay every case in TECHNICAL_ERROR since a time
 *   POST /admin/intag/pausa         pause intake: with `kommun`, hold one municipality's new
 *                                   cases (robot/held.ts); without, the whole intake queue
 *   POST /admin/intag/aterupta      resume intake (with `kommun`: release that municipality)
 *   GET  /admin/nyckeltal           KPIs per municipality and month, charts with their tables
 *   GET  /admin/nyckeltal.csv       the same figures as CSV
 *   GET  /admin/logg                audit-log search by case, user, time
 *   GET  /admin/logg.csv            the same search as CSV
 *   GET  /admin/statistik[/:kommun/:period.txt]  Socialstyrelsen's statistics file (statistics.ts)
 *   *    /admin/gallring[/...]      retention: dry-run reports, approval, what was destroyed (retention.ts)
 *   *    /admin/forsakringar[/...]  SSBTEK declarations: record, end (declarations.ts)
 *   *    /admin/koer/...            bull-board
 * Every page and action is limited to the admin's municipalities (authz.adminScope): another
 * municipality's case answers 404 as if it did not exist, and the refusal is audit-logged
 * (action, case id, no personal data). What the municipalities share (the intake queue and its
 * pause, bull-board) is for an admin of every municipality only; anyone else gets 404.
 * Every action (and every read of the audit log) is written to the audit log with the admin's
 * user id as actor. Forms carry the CSRF token; without a CSRF plugin registered the POST
 * routes refuse (fail closed).
 */
export function adminRoutes(options: AdminOptions): FastifyPluginAsync {
  const { db, rules } = options;
  const clock = options.clock ?? (() => new Date());
  const allMunicipalities = rules.municipalityCodes();
  const names = municipalityNames(rules);
  const scopeOf = (user: WebUser) => adminScope(user, allMunicipalities);
  /** The case exists and is of the admin's municipalities (an admin of all reaches every case, of any code). */
  const caseInScope = async (user: WebUser, caseId: string): Promise<boolean> => {
    const scope = scopeOf(user);
    if (!scope) return true;
    const found = await getCase(db, caseId);
    return found !== undefined && scope.includes(found.municipality);
  };
  return async (app: FastifyInstance) => {
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
    app.addHook('preHandler', requireUser('admin'));
    if (options.queues.close) {
      const close = options.queues.close;
      app.addHook('onClose', async () => close());
    }

    const csrfCheck = (app as unknown as { csrfProtection?: preHandlerHookHandler }).csrfProtection;
    const refuse: preHandlerHookHandler = async (_request, reply) =>
      reply.code(403).type('text/html; charset=utf-8').send('<!doctype html><html lang="sv"><title>Nekad</title><h1>Formuläret saknar skydd mot förfalskning</h1></html>');
    const protectedPost = { preHandler: [csrfCheck ? csrfCheck.bind(app) : refuse] };

    /** What the municipalities share, asked for by an admin of some only: 404, and on record. */
    const refuseShared = async (request: FastifyRequest, reply: FastifyReply, action: string) => {
      await auditAdmin(db, request, action, 'refused', { problem: 'not-all-municipalities' });
      return sendNotFound(reply, request.user, await csrfTokenFor(reply));
    };
    const auditScope = (user: WebUser) => {
      const scope = scopeOf(user);
      return scope ? { scope: { municipalities: scope, self: user.id } } : {};
    };

    const render = async (request: FastifyRequest, reply: FastifyReply, title: string, body: string, status = 200) => {
      const csrfToken = await csrfTokenFor(reply);
      return reply
        .code(status)
        .type('text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(page({ title, user: request.user, body: withToken(body, csrfToken), csrfToken }));
    };

    app.get('/admin', async (request, reply) => {
      const queues = await options.queues();
      const now = clock();
      const overview = await gatherOverview(db, queues, now, scopeOf(request.user!), request.user!.municipalities);
      const todos = renderTodos(await gatherTodos(db, request.user!.municipalities, now, rules), names);
      const query = request.query as { meddelande?: string; kommun?: string };
      return render(request, reply, 'Drift', renderOverview(overview, TOKEN, query.meddelande, todos, query.kommun, names));
    });

    // One municipality at a time, from the admin's own list; any other code is 404 (authz.ts).
    app.get('/admin/nyckeltal', async (request, reply) => {
      const kpis = await kpiPage(db, request.user!, request.query, clock(), names);
      if (!kpis.found) return sendNotFound(reply, request.user, await csrfTokenFor(reply));
      return render(request, reply, kpis.title, kpis.body);
    });

    app.get('/admin/nyckeltal.csv', async (request, reply) => {
      const csv = await kpiCsv(db, request.user!, request.query, clock());
      if (!csv) return sendNotFound(reply, request.user, await csrfTokenFor(reply));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${csv.filename}"`)
        .header('cache-control', 'no-store')
        .send(csv.text);
    });

    app.post('/admin/omkorning', protectedPost, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string | undefined>;
      const caseId = String(body.arende ?? '').trim();
      const mode = replayMode(body.satt);
      if (!mode || !CASE_ID.test(caseId) || looksLikePersonalNumber(caseId)) {
        await auditAdmin(db, request, 'admin.replay', 'refused', { problem: 'invalid-input' });
        return render(request, reply, 'Omkörning', `<h1>Omkörning</h1><div role="alert"><p>Ange ett ärende-id (inte ett personnummer) och ett sätt att köra om.</p></div>${BACK}`, 400);
      }
      const whyProblem = replayWhyProblem(body.skal);
      if (whyProblem) {
        await auditAdmin(db, request, 'admin.replay', 'refused', { problem: 'invalid-input', fields: ['skal'] });
        return render(request, reply, 'Omkörning', `<h1>Omkörning</h1><div role="alert"><p>${esc(whyProblem)} Ingenting har körts om.</p></div>${BACK}`, 400);
      }
      if (!(await caseInScope(request.user!, caseId))) {
        await auditAdmin(db, request, 'admin.replay', 'refused', { mode, problem: 'not-found-or-out-of-scope' }, caseId);
        return sendNotFound(reply, request.user, await csrfTokenFor(reply));
      }
      const queues = await options.queues();
      if (mode === 'intake' && !queues) return render(request, reply, 'Omkörning', `<h1>Omkörning</h1><div role="alert"><p>Köerna är inte tillgängliga.</p></div>${BACK}`, 503);
      const outcome = await replayOne({ db, rules, queues, clock }, caseId, mode, request.user!.id);
      await auditAdmin(db, request, 'admin.replay', succeeded(outcome) ? 'ok' : 'refused', { mode, result: resultCode(outcome), why: replayWhy(body.skal), via: 'web' }, caseId);
      // An id that names no case is an error, not a case "behandlat".
      if (resultCode(outcome) === 'unknown-case') {
        return render(request, reply, 'Omkörning', `<h1>Omkörning</h1><div role="alert" class="error" id="resultat" tabindex="-1" autofocus><p>Det finns inget ärende med id ${esc(caseId)}. Kontrollera id:t.</p></div>${BACK}`, 404);
      }
      return render(request, reply, 'Omkörning', renderReplay([outcome], `Omkörning av ärende ${caseId}`), succeeded(outcome) ? 200 : 409);
    });

    app.post('/admin/omkorning/sedan', protectedPost, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string | undefined>;
      const since = parseLocalTime(String(body.sedan ?? ''));
      const mode = replayMode(body.satt);
      if (!since || !mode) {
        await auditAdmin(db, request, 'admin.replay.since', 'refused', { problem: 'invalid-input' });
        return render(request, reply, 'Omkörning', `<h1>Omkörning</h1><div role="alert"><p>Ange en tidpunkt (ÅÅÅÅ-MM-DD TT:MM) och ett sätt att köra om.</p></div>${BACK}`, 400);
      }
      const whyProblem = replayWhyProblem(body.skal);
      if (whyProblem) {
        await auditAdmin(db, request, 'admin.replay.since', 'refused', { problem: 'invalid-input', fields: ['skal'] });
        return render(request, reply, 'Omkörning', `<h1>Omkörning</h1><div role="alert"><p>${esc(whyProblem)} Ingenting har körts om.</p></div>${BACK}`, 400);
      }
      const queues = await options.queues();
      if (mode === 'intake' && !queues) return render(request, reply, 'Omkörning', `<h1>Omkörning</h1><div role="alert"><p>Köerna är inte tillgängliga.</p></div>${BACK}`, 503);
      const scope = scopeOf(request.user!);
      const cases = await listTechnicalErrors(db, { since, limit: BULK_LIMIT, ...(scope ? { municipalities: scope } : {}) });
      await auditAdmin(db, request, 'admin.replay.since', 'started', { mode, since: since.toISOString(), cases: cases.length });
      const outcomes: ReplayOutcome[] = [];
      for (const c of cases) {
        const outcome = await replayOne({ db, rules, queues, clock }, c.caseId, mode, request.user!.id);
        await auditAdmin(db, request, 'admin.replay', succeeded(outcome) ? 'ok' : 'refused', { mode, result: resultCode(outcome), since: since.toISOString(), why: replayWhy(body.skal), via: 'web' }, c.caseId);
        outcomes.push(outcome);
      }
      const more = cases.length === BULK_LIMIT ? `<p>Högst ${BULK_LIMIT} ärenden körs om per gång; kör igen för resten.</p>` : '';
      return render(request, reply, 'Omkörning', renderReplay(outcomes, `Omkörning av ärenden med tekniskt fel sedan ${formatTime(since)}`) + more);
    });

    app.post('/admin/intag/pausa', protectedPost, async (request, reply) => {
      const municipality = kommunOf(request);
      if (municipality !== undefined && !request.user!.municipalities.includes(municipality)) {
        await auditAdmin(db, request, 'admin.intake.pause', 'refused', { problem: 'out-of-scope' });
        return sendNotFound(reply, request.user, await csrfTokenFor(reply));
      }
      if (municipality === undefined && scopeOf(request.user!)) return refuseShared(request, reply, 'admin.intake.pause');
      const queues = await options.queues();
      if (!queues) return render(request, reply, 'Intag', `<h1>Intag</h1><div role="alert"><p>Köerna är inte tillgängliga.</p></div>${BACK}`, 503);
      if (municipality !== undefined) {
        await queues.holdMunicipality(municipality);
        await auditAdmin(db, request, 'admin.intake.pause', 'ok', { municipality });
        return reply.redirect(`/admin?meddelande=intag-pausat-kommun&kommun=${municipality}`, 303);
      }
      // Pausing the queue (not removing the scheduler) holds in every process and survives a
      // restart, which would re-create a removed scheduler.
      await setIntakePaused(db, FEED, true);
      await queues.intake.pause();
      await auditAdmin(db, request, 'admin.intake.pause', 'ok');
      return reply.redirect('/admin?meddelande=intag-pausat', 303);
    });

    app.post('/admin/intag/aterupta', protectedPost, async (request, reply) => {
      const municipality = kommunOf(request);
      if (municipality !== undefined && !request.user!.municipalities.includes(municipality)) {
        await auditAdmin(db, request, 'admin.intake.resume', 'refused', { problem: 'out-of-scope' });
        return sendNotFound(reply, request.user, await csrfTokenFor(reply));
      }
      if (municipality === undefined && scopeOf(request.user!)) return refuseShared(request, reply, 'admin.intake.resume');
      const queues = await options.queues();
      if (!queues) return render(request, reply, 'Intag', `<h1>Intag</h1><div role="alert"><p>Köerna är inte tillgängliga.</p></div>${BACK}`, 503);
      if (municipality !== undefined) {
        const released = await releaseHeld(db, queues, municipality);
        await auditAdmin(db, request, 'admin.intake.resume', 'ok', { municipality, cases: released });
        return reply.redirect(`/admin?meddelande=intag-aterupptaget-kommun&kommun=${municipality}`, 303);
      }
      await setIntakePaused(db, FEED, false);
      await queues.intake.resume();
      await auditAdmin(db, request, 'admin.intake.resume', 'ok');
      return reply.redirect('/admin?meddelande=intag-aterupptaget', 303);
    });

    /** The search's filters checked; a refusal is logged and answered (400, the form with the errors): undefined then. */
    const checkedSearch = async (request: FastifyRequest, reply: FastifyReply, query: AuditQuery) => {
      const staff = await loadStaffDirectory(db);
      const parsed = parseAuditQuery(query, staff);
      if (parsed.ok) return { parsed, staff };
      await auditAdmin(db, request, 'admin.audit.search', 'refused', { problem: 'invalid-filter' });
      await render(request, reply, 'Loggsökning', renderAuditSearch(query, parsed, [], names, staff, TOKEN), 400);
      return undefined;
    };

    app.get('/admin/logg', async (request, reply) => {
      const query = (request.query ?? {}) as AuditQuery;
      const checked = await checkedSearch(request, reply, query);
      if (!checked) return reply;
      const { parsed, staff } = checked;
      if (parsed.search.caseId && !(await caseInScope(request.user!, parsed.search.caseId))) {
        await auditAdmin(db, request, 'admin.audit.search', 'refused', { problem: 'not-found-or-out-of-scope' }, parsed.search.caseId);
        return sendNotFound(reply, request.user, await csrfTokenFor(reply));
      }
      // Written before the read: who searched the log, for what, is itself on record.
      await auditAdmin(db, request, 'admin.audit.search', 'ok', parsed.filters, parsed.search.caseId ?? null);
      // One page, and one entry more to tell whether there is a next page.
      const entries = await searchAudit(db, { ...parsed.search, ...auditScope(request.user!), limit: PAGE_SIZE + 1, offset: (parsed.page - 1) * PAGE_SIZE, order: 'newest' });
      return render(request, reply, 'Loggsökning', renderAuditSearch(query, parsed, entries, names, staff, TOKEN));
    });

    // The search form posts here: checked first, so a personal number typed by mistake is refused
    // without ever being in a URL (browser history, proxies); a valid search goes on to the GET page.
    app.post('/admin/logg', protectedPost, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const query: AuditQuery = { arende: String(body.arende ?? ''), anvandare: String(body.anvandare ?? ''), fran: String(body.fran ?? ''), till: String(body.till ?? '') };
      if (!(await checkedSearch(request, reply, query))) return reply;
      return reply.redirect(`/admin/logg${queryString(query)}`, 303);
    });

    app.get('/admin/logg.csv', async (request, reply) => {
      const parsed = parseAuditQuery((request.query ?? {}) as AuditQuery, await loadStaffDirectory(db));
      if (!parsed.ok) {
        await auditAdmin(db, request, 'admin.audit.export', 'refused', { problem: 'invalid-filter' });
        return reply.code(400).type('text/plain; charset=utf-8').send(parsed.errors.join('\n'));
      }
      if (parsed.search.caseId && !(await caseInScope(request.user!, parsed.search.caseId))) {
        await auditAdmin(db, request, 'admin.audit.export', 'refused', { problem: 'not-found-or-out-of-scope' }, parsed.search.caseId);
        return sendNotFound(reply, request.user, await csrfTokenFor(reply));
      }
      await auditAdmin(db, request, 'admin.audit.export', 'ok', parsed.filters, parsed.search.caseId ?? null);
      const entries = await searchAudit(db, { ...parsed.search, ...auditScope(request.user!), limit: EXPORT_LIMIT, order: 'oldest' });
      const stamp = formatTime(clock()).replace(/[^0-9]/g, '').slice(0, 12);
      // A byte-order mark so that spreadsheet programs read UTF-8 (å, ä, ö) correctly.
      const text = `\ufeff${csvRow(CSV_HEADER)}${entries.map(auditCsvRow).join('')}`;
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="granskningslogg-${stamp}.csv"`)
        .header('cache-control', 'no-store')
        .header('x-content-type-options', 'nosniff')
        .send(text);
    });

    await registerStatisticsRoutes(app, { db, clock, render, csrfToken: csrfTokenFor, names });

    await registerRetentionRoutes(app, {
      db,
      rules,
      clock,
      render,
      notFound: async (request, reply) => sendNotFound(reply, request.user, await csrfTokenFor(reply)),
      protectedPost,
      csrfPlaceholder: TOKEN,
    });

    await registerDeclarationRoutes(app, {
      db,
      clock,
      names,
      ...(options.robotIdentity ? { robotIdentity: options.robotIdentity } : {}),
      render,
      notFound: async (request, reply) => sendNotFound(reply, request.user, await csrfTokenFor(reply)),
      protectedPost,
      csrfPlaceholder: TOKEN,
    });

    if (options.bullBoard !== false) {
      await registerBullBoard(app, db, options.queues, options.bullBoardReadOnly ?? true, async (request, reply) => {
        if (!scopeOf(request.user!)) return true;
        await refuseShared(request, reply, 'admin.queues.view');
        return false;
      });
    }
  };
}

/** Placeholder the renderers write where the form token goes; replaced once per page (escaped). */
const TOKEN = '\u0000csrf\u0000';
function withToken(body: string, token: string | undefined): string {
  return body.split(esc(TOKEN)).join(esc(token ?? ''));
}

async function csrfTokenFor(reply: FastifyReply): Promise<string | undefined> {
  const generate = (reply as unknown as { generateCsrf?: () => string | Promise<string> }).generateCsrf;
  return typeof generate === 'function' ? await generate.call(reply) : undefined;
}

/** The municipality code a form names (`kommun`), if any; anything not four digits is no code (and no one's). */
function kommunOf(request: FastifyRequest): string | undefined {
  const value = (request.body as Record<string, unknown> | undefined)?.kommun;
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' && /^\d{4}$/.test(value) ? value : 'ogiltig';
}

const BACK = '<p><a href="/admin">Tillbaka till driftöversikten</a></p>';

function replayMode(value: unknown): ReplayMode | undefined {
  return value === 'intake' || value === 'snapshot' ? value : undefined;
}

function resultCode(o: ReplayOutcome): string {
  return o.mode === 'intake' ? o.result : o.result.kind === 'compared' ? (o.result.same ? 'compared-same' : 'compared-different') : o.result.kind;
}

function succeeded(o: ReplayOutcome): boolean {
  return o.mode === 'intake' ? o.result === 'requeued' : ['stored', 'compared', 'shown-only'].includes(o.result.kind);
}

const OUTCOME_WORDS: Record<string, string> = { PROPOSE_GRANT: 'Förslag: bifall', PROPOSE_REJECT: 'Förslag: avslag', MANUAL: 'Manuell handläggning' };
const outcomeWord = (o: string) => ownValue(OUTCOME_WORDS, o) ?? o;
const reasonList = (r: readonly string[]) => (r.length ? r.join(', ') : 'inga');

function describe(o: ReplayOutcome): string {
  if (o.mode === 'intake') {
    if (o.result === 'requeued') return 'Skickat till kön igen: ärendet hämtar registeruppgifter på nytt och får ett förslag när det är klart.';
    if (o.result === 'unknown-case') return 'Inget ärende med det id:t.';
    if (o.result === 'no-declaration') return 'Inte omkört: du har ingen giltig försäkran för SSBTEK i ärendets kommun i dag, och en omkörning från intaget hämtar uppgifter från registren. En administratör registrerar försäkran under Försäkringar för SSBTEK.';
    return `Inte omkört: ${REPLAY_REFUSAL_WORDS[o.result]}.`;
  }
  const r = o.result;
  switch (r.kind) {
    case 'unknown-case':
      return 'Inget ärende med det id:t.';
    case 'no-snapshot':
      return 'Ärendet har ingen sparad ögonblicksbild (registren svarade aldrig). Kör om från intaget i stället.';
    case 'invalid-snapshot':
      return 'Den sparade ögonblicksbilden klarar inte dagens kontroll; inget räknades om. Ta upp det med utvecklarna.';
    case 'stored':
      return `Förslaget räknades om från ögonblicksbilden och sparades: ${outcomeWord(r.outcome)}, skäl: ${reasonList(r.reasons)}. Handläggaren ser beloppet.`;
    case 'shown-only':
      return `Omräknat men inte sparat (ärendet hanteras just nu av roboten): ${outcomeWord(r.outcome)}, skäl: ${reasonList(r.reasons)}.`;
    case 'compared':
      return r.same
        ? `Omräkningen ger samma förslag som det sparade (${outcomeWord(r.stored.outcome)}, samma belopp och skäl). Inget ändrades.`
        : `Omräkningen skiljer sig från det sparade förslaget, som står kvar oförändrat: sparat ${outcomeWord(r.stored.outcome)}, skäl: ${reasonList(r.stored.reasons)}; omräknat med regler ${r.recomputed.rulesVersion}: ${outcomeWord(r.recomputed.outcome)}, skäl: ${reasonList(r.recomputed.reasons)}; beloppet ${r.amountSame ? 'är detsamma' : 'skiljer sig'}. Be en handläggare titta på ärendet.`;
  }
}

/** One case: what happened to it, in words; several: how many were run again and how many refused. */
function summary(outcomes: readonly ReplayOutcome[], requeued: number): string {
  if (outcomes.length === 1) return esc(describe(outcomes[0]!));
  const done = outcomes.filter(succeeded).length;
  const refused = outcomes.length - done;
  return `${outcomes.length} ärenden: ${done} körda om${requeued ? ` (${requeued} skickade till kön igen)` : ''}${refused ? `, ${refused} inte omkörda (se skälen i tabellen)` : ''}.`;
}

function renderReplay(outcomes: readonly ReplayOutcome[], heading: string): string {
  const rows = outcomes
    .map((o) => `<tr><th scope="row">${esc(o.caseId)}</th><td>${o.mode === 'intake' ? 'Från intaget' : 'Från ögonblicksbild'}</td><td>${esc(describe(o))}</td></tr>`)
    .join('');
  const requeued = outcomes.filter((o) => o.mode === 'intake' && o.result === 'requeued').length;
  return `<h1>${esc(heading)}</h1>
<p role="status" id="resultat" tabindex="-1" autofocus>${summary(outcomes, requeued)}</p>
${outcomes.length ? `<table><caption>Resultat per ärende</caption><thead><tr><th scope="col">Ärende</th><th scope="col">Sätt</th><th scope="col">Resultat</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Inga ärenden med tekniskt fel sedan den tidpunkten.</p>'}
${BACK}`;
}
