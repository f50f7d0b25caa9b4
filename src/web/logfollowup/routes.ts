import { stockholmDate } from '../../domain/dates.js';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import { LOG_FOLLOW_UP_DEFAULTS, type LogFollowUpSettings } from '../../config.js';
import { CHECKS, CHECK_WORDS, type CheckCode } from '../../logfollowup/checks.js';
import { officeHoursWords, type ClosedDaysInForce } from '../../logfollowup/officeHours.js';
import { followUpCsv } from './csv.js';
import { FOLLOW_UP_PURPOSE, lastMonth, makeFollowUpReport, periodProblem, signOffFollowUp } from '../../logfollowup/run.js';
import { appendAudit, getFollowUpReport, listAuditByIds, listFollowUpReports, type Db, type FollowUpReportRecord } from '../../store/index.js';
import { csrfToken } from '../auth/guards.js';
import { requireUser } from '../auth/user.js';
import { sendNotFound } from '../authz.js';
import { esc, page } from '../layout.js';
import { formatTime } from '../admin/time.js';
import { auditActionWords } from '../../domain/reasons.js';
import type { MunicipalityNames } from '../../domain/labels.js';
import { loadStaffDirectory, type StaffDirectory } from '../staff.js';
import { municipalityNames } from '../caseworker/view.js';
import { loadRules } from '../../rules/load.js';
import { auditDetailsWords, auditResultWords } from '../admin/auditWords.js';

/**
 * Logguppföljning for the auditor (granskare) and the admin, limited to their municipalities:
 *   GET  /logguppfoljning                  reports (waiting for review first) and "make one now"
 *   POST /logguppfoljning                  a report on demand for any period (kommun, fran, till)
 *   GET  /logguppfoljning/:id              the report: counts per check, findings, sign-off
 *   GET  /logguppfoljning/:id.csv          the same as CSV for Swedish Excel
 *   GET  /logguppfoljning/:id/fynd/:n      the audit rows behind finding n
 *   POST /logguppfoljning/:id/granska      mark it reviewed with a comment (once)
 * A report of another municipality answers 404. Every read and action is audit-logged.
 */
export interface LogFollowUpRoutesOptions {
  db: Db;
  clock?: () => Date;
  settings?: LogFollowUpSettings;
  /** The closed days from the loaded rules (RuleSet.closedBankDayRules): not office hours. */
  closedDays: readonly ClosedDaysInForce[];
  /** Municipality names from the rules files (web/caseworker/view.ts municipalityNames); read from rules/ when not given. Codes are not for people. */
  names?: MunicipalityNames;
}

const ROLE_WORDS: Record<string, string> = { auditor: 'granskare', admin: 'administratör' };

function statusWords(r: FollowUpReportRecord, staff: StaffDirectory): string {
  return r.signOff ? `Granskad ${formatTime(r.signOff.signedAt)} av ${staff.nameOf(r.signOff.signedBy)}` : 'Väntar på granskning';
}

export function logFollowUpRoutes(options: LogFollowUpRoutesOptions): FastifyPluginAsync {
  const { db } = options;
  const clock = options.clock ?? (() => new Date());
  const settings = options.settings ?? LOG_FOLLOW_UP_DEFAULTS;
  const names: MunicipalityNames = options.names ?? municipalityNames(loadRules());
  return async (app: FastifyInstance) => {
    if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody);
    app.addHook('preHandler', requireUser('auditor', 'admin'));
    const csrfCheck = (app as unknown as { csrfProtection?: preHandlerHookHandler }).csrfProtection;
    const refuse: preHandlerHookHandler = async (_request, reply) =>
      reply.code(403).type('text/html; charset=utf-8').send('<!doctype html><html lang="sv"><title>Nekad</title><h1>Formuläret saknar skydd mot förfalskning</h1></html>');
    const protectedPost = { preHandler: [csrfCheck ? csrfCheck.bind(app) : refuse] };

    const render = (request: FastifyRequest, reply: FastifyReply, title: string, body: string, status = 200) =>
      reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(page({ title, user: request.user, body, csrfToken: csrfToken(reply) }));
    const hidden = (reply: FastifyReply) => `<input type="hidden" name="_csrf" value="${esc(csrfToken(reply))}">`;
    const audit = (request: FastifyRequest, action: string, result: 'ok' | 'refused', details: Record<string, unknown>) =>
      appendAudit(db, { actor: request.user!.id, action, purpose: FOLLOW_UP_PURPOSE, result, details: { role: request.user!.role, ...details } });
    /** The report, if it is of the user's municipalities. */
    const reportFor = async (request: FastifyRequest, id: string) => {
      const report = await getFollowUpReport(db, id);
      return report && request.user!.municipalities.includes(report.municipality) ? report : undefined;
    };

    const listBody = async (request: FastifyRequest, reply: FastifyReply, reports: readonly FollowUpReportRecord[], error = '', form: Record<string, string> = {}) => {
      const staff = await loadStaffDirectory(db);
      const mine = request.user!.municipalities;
      const { from, to } = lastMonth(clock());
      const ordered = [...reports].sort((a, b) => Number(Boolean(a.signOff)) - Number(Boolean(b.signOff)));
      const rows = ordered
        .map(
          (r) => `<tr><th scope="row"><a href="/logguppfoljning/${esc(r.id)}">${esc(r.periodFrom)} – ${esc(r.periodTo)}</a></th><td>${esc(names(r.municipality))}</td><td>${r.kind === 'scheduled' ? 'Månadsrapport' : `Beställd av ${esc(staff.nameOf(r.madeBy))}`}</td><td>${r.findings.length}</td><td>${esc(statusWords(r, staff))}</td></tr>`,
        )
        .join('');
      return `<h1>Logguppföljning</h1>
<p>Anslutningsavtalet för SSBTEK kräver att all åtkomst till personuppgifter loggas och att loggarna följs upp regelbundet och systematiskt. Varje månad görs en rapport per kommun; du kan också beställa en för valfri period. Fynden anger användare, ärende och tid, aldrig personnummer, och länkar till loggraderna bakom dem. Granska rapporten och markera den som granskad med en kommentar.</p>
${rows ? `<div class="table-scroll" role="region" aria-labelledby="rapporter-rubrik" tabindex="0"><table><caption id="rapporter-rubrik">Rapporter</caption><thead><tr><th scope="col">Period</th><th scope="col">Kommun</th><th scope="col">Slag</th><th scope="col">Fynd</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table></div>` : '<p>Inga rapporter ännu.</p>'}
<h2>Beställ en rapport</h2>
${error ? `<div role="alert"><p class="error" id="period-fel">${esc(error)}</p></div>` : ''}
<form method="post" action="/logguppfoljning">${hidden(reply)}
<div><label for="lu-kommun">Kommun</label> <select id="lu-kommun" name="kommun">${mine.map((m) => `<option value="${esc(m)}"${form.kommun === m ? ' selected' : ''}>${esc(names(m))}</option>`).join('')}</select></div>
<div><label for="lu-fran">Från (ÅÅÅÅ-MM-DD)</label> <input id="lu-fran" name="fran" type="date" required value="${esc(form.fran ?? from)}"${error ? ' aria-describedby="period-fel"' : ''}></div>
<div><label for="lu-till">Till och med (ÅÅÅÅ-MM-DD)</label> <input id="lu-till" name="till" type="date" required value="${esc(form.till ?? to)}"${error ? ' aria-describedby="period-fel"' : ''}></div>
<button type="submit">Gör rapporten</button>
</form>`;
    };

    app.get('/logguppfoljning', async (request, reply) => {
      const reports = await listFollowUpReports(db, request.user!.municipalities);
      return render(request, reply, 'Logguppföljning', await listBody(request, reply, reports));
    });

    app.post('/logguppfoljning', protectedPost, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, string | undefined>;
      const form = { kommun: String(body.kommun ?? ''), fran: String(body.fran ?? '').trim(), till: String(body.till ?? '').trim() };
      if (!request.user!.municipalities.includes(form.kommun)) {
        await audit(request, 'logfollowup.make', 'refused', { problem: 'out-of-scope' });
        return sendNotFound(reply, request.user, csrfToken(reply));
      }
      const problem = periodProblem(form.fran, form.till, stockholmDate(clock()));
      if (problem) {
        const reports = await listFollowUpReports(db, request.user!.municipalities);
        return render(request, reply, 'Logguppföljning', await listBody(request, reply, reports, problem, form), 400);
      }
      const report = await makeFollowUpReport(db, { municipality: form.kommun, from: form.fran, to: form.till, kind: 'on-demand', actor: request.user!.id, settings, closedDays: options.closedDays });
      return reply.redirect(`/logguppfoljning/${report!.id}`, 303);
    });

    app.get<{ Params: { id: string } }>('/logguppfoljning/:id.csv', async (request, reply) => {
      const report = await reportFor(request, request.params.id);
      if (!report) return sendNotFound(reply, request.user, csrfToken(reply));
      await audit(request, 'logfollowup.export', 'ok', { reportId: report.id, municipality: report.municipality });
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="logguppfoljning-${report.municipality}-${report.periodFrom}-${report.periodTo}.csv"`)
        .header('cache-control', 'no-store')
        .send(followUpCsv(report));
    });

    /**
     * `commentError`: a refused comment's problem, shown at the field it concerns (aria-invalid,
     * aria-describedby) with the focus there, so a keyboard user is back where to correct it; the
     * refused text is not shown again (it may hold a personal number).
     */
    const reportBody = async (request: FastifyRequest, reply: FastifyReply, r: FollowUpReportRecord, message = '', commentError = '') => {
      const staff = await loadStaffDirectory(db);
      const counts = (r.counts.findings ?? {}) as Partial<Record<CheckCode, number>>;
      const countRows = CHECKS.map((c) => `<tr><th scope="row">${esc(CHECK_WORDS[c])}</th><td>${counts[c] ?? 0}</td></tr>`).join('');
      const findingRows = r.findings
        .map(
          (f, i) => `<tr><td>${esc(CHECK_WORDS[f.check as CheckCode] ?? f.check)}</td><td>${esc(staff.nameAndId(f.user))}</td><td>${esc(f.caseId ?? '–')}</td><td>${esc(formatTime(new Date(f.at)))}</td><td>${esc(f.text)}</td><td><a href="/logguppfoljning/${esc(r.id)}/fynd/${i + 1}">${f.auditIds.length === 1 ? '1 loggrad' : `${f.auditIds.length} loggrader`}<span class="sr-only"> för fynd ${i + 1}</span></a></td></tr>`,
        )
        .join('');
      const s = r.settings as Partial<LogFollowUpSettings>;
      const signOff = r.signOff
        ? `<section aria-labelledby="granskning"><h2 id="granskning">Granskning</h2><p data-testid="signoff">Granskad ${esc(formatTime(r.signOff.signedAt))} av ${esc(staff.nameAndId(r.signOff.signedBy))}, i rollen ${esc(ROLE_WORDS[r.signOff.role] ?? r.signOff.role)}.</p><p>Kommentar: ${esc(r.signOff.comment)}</p><p class="small">Granskningen kan inte ändras.</p></section>`
        : `<section aria-labelledby="granskning"><h2 id="granskning">Granskning</h2>
<form method="post" action="/logguppfoljning/${esc(r.id)}/granska">${hidden(reply)}
<div><label for="kommentar">Kommentar (vad du har kontrollerat och vad som ska göras)</label><br>${commentError ? `<p class="error" id="kommentar-fel">${esc(commentError)}</p>` : ''}<textarea id="kommentar" name="kommentar" rows="4" cols="40" maxlength="4000" required${commentError ? ' aria-invalid="true" aria-describedby="kommentar-fel" autofocus' : ''}></textarea></div>
<button type="submit">Markera som granskad</button>
</form></section>`;
      return `<h1>Logguppföljning ${esc(names(r.municipality))}, ${esc(r.periodFrom)} – ${esc(r.periodTo)}</h1>
${message}
<p>${r.kind === 'scheduled' ? 'Månadsrapport' : `Beställd av ${esc(staff.nameOf(r.madeBy))}`}, gjord ${esc(formatTime(r.madeAt))}. ${esc(statusWords(r, staff))}.</p>
<p class="small">Kontorstid ${esc(officeHoursWords({ officeStart: String(s.officeStart ?? ''), officeEnd: String(s.officeEnd ?? '') }))}. Många öppnade ärenden: fler än ${esc(String(s.viewFactor ?? ''))} gånger kollegornas median och minst ${esc(String(s.viewMinimum ?? ''))}. Genomgånget: ${esc(String(r.counts.lookups ?? 0))} registeruppslag, ${esc(String(r.counts.views ?? 0))} öppnade ärenden, ${esc(String(r.counts.searches ?? 0))} sökningar.</p>
<div class="table-scroll" role="region" aria-labelledby="kontroller-rubrik" tabindex="0"><table><caption id="kontroller-rubrik">Fynd per kontroll</caption><thead><tr><th scope="col">Kontroll</th><th scope="col">Fynd</th></tr></thead><tbody>${countRows}</tbody></table></div>
${findingRows ? `<div class="table-scroll" role="region" aria-labelledby="fynd-rubrik" tabindex="0"><table><caption id="fynd-rubrik">Fynd</caption><thead><tr><th scope="col">Kontroll</th><th scope="col">Användare</th><th scope="col">Ärende</th><th scope="col">Tid</th><th scope="col">Vad</th><th scope="col">Loggrader</th></tr></thead><tbody>${findingRows}</tbody></table></div>` : '<p>Inga fynd under perioden.</p>'}
<p><a href="/logguppfoljning/${esc(r.id)}.csv">Ladda ner rapporten som CSV (för Excel)</a></p>
${signOff}
<p><a href="/logguppfoljning">Alla rapporter</a></p>`;
    };

    app.get<{ Params: { id: string } }>('/logguppfoljning/:id', async (request, reply) => {
      const report = await reportFor(request, request.params.id);
      if (!report) return sendNotFound(reply, request.user, csrfToken(reply));
      await audit(request, 'logfollowup.read', 'ok', { reportId: report.id, municipality: report.municipality });
      const done = (request.query as { granskad?: string }).granskad !== undefined;
      return render(request, reply, 'Logguppföljning', await reportBody(request, reply, report, done ? '<p role="status" class="success">Rapporten är markerad som granskad.</p>' : ''));
    });

    app.get<{ Params: { id: string; n: string } }>('/logguppfoljning/:id/fynd/:n', async (request, reply) => {
      const report = await reportFor(request, request.params.id);
      const finding = report?.findings[Number(request.params.n) - 1];
      if (!report || !finding || !/^[0-9]{1,6}$/.test(request.params.n)) return sendNotFound(reply, request.user, csrfToken(reply));
      await audit(request, 'logfollowup.rows', 'ok', { reportId: report.id, municipality: report.municipality, finding: Number(request.params.n) });
      const [rows, staff] = await Promise.all([listAuditByIds(db, finding.auditIds), loadStaffDirectory(db)]);
      const table = rows
        .map(
          (e) =>
            `<tr><th scope="row">${esc(e.id)}</th><td>${esc(formatTime(e.at))}</td><td>${esc(staff.nameAndId(e.actor))}</td><td>${esc(auditActionWords(e.action))}</td><td>${esc(e.caseId ?? '–')}</td><td>${esc(auditResultWords(e.result))}</td><td>${esc(auditDetailsWords(e.details, names, staff))}</td></tr>`,
        )
        .join('');
      return render(
        request,
        reply,
        'Loggrader',
        `<h1>Loggrader bakom fynd ${esc(request.params.n)}</h1>
<p>${esc(CHECK_WORDS[finding.check as CheckCode] ?? finding.check)}: ${esc(finding.text)}</p>
<div class="table-scroll" role="region" aria-labelledby="rader-rubrik" tabindex="0"><table><caption id="rader-rubrik">Loggrader (${rows.length})</caption><thead><tr><th scope="col">Rad</th><th scope="col">Tid</th><th scope="col">Användare</th><th scope="col">Händelse</th><th scope="col">Ärende</th><th scope="col">Resultat</th><th scope="col">Detaljer</th></tr></thead><tbody>${table}</tbody></table></div>
<p><a href="/logguppfoljning/${esc(report.id)}">Tillbaka till rapporten</a></p>`,
      );
    });

    app.post<{ Params: { id: string } }>('/logguppfoljning/:id/granska', protectedPost, async (request, reply) => {
      const report = await reportFor(request, request.params.id);
      if (!report) return sendNotFound(reply, request.user, csrfToken(reply));
      const comment = String((request.body as { kommentar?: unknown } | undefined)?.kommentar ?? '');
      const result = await signOffFollowUp(db, { reportId: report.id, user: request.user!.id, role: request.user!.role, comment });
      if (result.ok) return reply.redirect(`/logguppfoljning/${report.id}?granskad=1`, 303);
      const text =
        result.problem === 'no-comment'
          ? 'Kommentar: skriv vad du har kontrollerat (högst 4 000 tecken).'
          : result.problem === 'personal-number'
            ? 'Kommentar: får inte innehålla ett personnummer. Ange ärende-id och användare i stället; granskningen sparas för gott.'
            : `Rapporten är redan granskad${result.report?.signOff ? ` av ${(await loadStaffDirectory(db)).nameAndId(result.report.signOff.signedBy)}` : ''}; en granskning görs en gång och ändras inte.`;
      const atField = result.problem === 'no-comment' || result.problem === 'personal-number';
      return render(request, reply, 'Logguppföljning', await reportBody(request, reply, result.report ?? report, `<div role="alert"><p class="error">${esc(text)}</p></div>`, atField ? text : ''), atField ? 400 : 409);
    });
  };
}
