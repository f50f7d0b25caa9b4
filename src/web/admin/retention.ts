import type { FastifyInstance, FastifyReply, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { stockholmDate } from '../../domain/dates.js';
import type { RuleSet } from '../../rules/ruleset.js';
import { isOverdue, RETENTION_VERDICTS, type RetentionVerdict } from '../../retention/plan.js';
import { VERDICT_LABELS } from '../../retention/labels.js';
import { APPROVAL_VALID_DAYS, dryRunRetention, executeRetention, reportExpired, RetentionError } from '../../retention/run.js';
import { getRetentionRun, listRetentionDestructions, listRetentionItems, listRetentionRuns, type Db, type RetentionRunRecord } from '../../store/index.js';
import { esc } from '../layout.js';
import { loadStaffDirectory } from '../staff.js';
import { auditAdmin } from './audit.js';
import { formatTime } from './time.js';
import { municipalityNames } from '../caseworker/view.js';

/**
 * Gallring on the admin pages:
 *   GET  /admin/gallring                 the runs of the admin's municipalities, and "dry run now"
 *   POST /admin/gallring/provkorning     a dry run for one municipality (changes no case)
 *   GET  /admin/gallring/:id             a dry run's report, or what a destroy run destroyed
 *   POST /admin/gallring/:id/verkstall   carry out a dry run: only with "I have reviewed the list" ticked
 * Reports hold case ids and dates only. A run of a municipality outside the admin's list is 404.
 */
export interface RetentionRoutesOptions {
  db: Db;
  rules: RuleSet;
  clock: () => Date;
  render: (request: FastifyRequest, reply: FastifyReply, title: string, body: string, status?: number) => Promise<FastifyReply>;
  notFound: (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;
  protectedPost: RouteShorthandOptions;
  /** The placeholder the render function replaces with the CSRF token. */
  csrfPlaceholder: string;
}

const RUN_ID = /^[A-Za-z0-9-]{1,64}$/;
const BACK = '<p><a href="/admin/gallring">Tillbaka till gallring</a></p>';

const STATUS_WORDS: Record<string, string> = { official: 'officiell källa', secondary: 'sekundär källa', provisional: 'preliminär' };

const MODE_WORDS = { 'dry-run': 'Provkörning', destroy: 'Gallring' } as const;

function statusOf(run: RetentionRunRecord): string {
  if (run.mode === 'destroy') return run.finishedAt ? `Klar ${formatTime(run.finishedAt)}` : 'Pågår eller avbruten: verkställ provkörningen igen för att slutföra';
  return run.approvedBy ? 'Verkställd' : 'Ej verkställd';
}

function ruleNote(run: RetentionRunRecord): string {
  const provisional = run.ruleStatus === 'provisional'
    ? '<p class="notice"><strong>Regeln är preliminär.</strong> Hänvisningen till lagen är inte kontrollerad (se rules/retention.yaml). Låt kommunens jurist bekräfta innan något gallras.</p>'
    : '';
  return `<p>Regel: ${esc(run.ruleSource)} (${esc(STATUS_WORDS[run.ruleStatus] ?? run.ruleStatus)})</p>${provisional}`;
}

function countsTable(counts: Partial<Record<RetentionVerdict, number>>): string {
  return `<table><caption>Bedömning per ärende</caption><thead><tr><th scope="col">Bedömning</th><th scope="col">Ärenden</th></tr></thead><tbody>${RETENTION_VERDICTS.map(
    (v) => `<tr><th scope="row">${esc(VERDICT_LABELS[v])}</th><td>${counts[v] ?? 0}</td></tr>`,
  ).join('')}</tbody></table>`;
}

export async function registerRetentionRoutes(app: FastifyInstance, options: RetentionRoutesOptions): Promise<void> {
  const { db, rules, clock, render } = options;
  // Municipalities and people by name: codes and user ids are not for people.
  const names = municipalityNames(rules);
  const csrf = `<input type="hidden" name="_csrf" value="${esc(options.csrfPlaceholder)}">`;
  const mine = (request: FastifyRequest) => request.user!.municipalities;
  const ctxFor = (request: FastifyRequest) => ({ db, rules, clock, actor: request.user!.id });

  app.get('/admin/gallring', async (request, reply) => {
    const [runs, staff] = await Promise.all([listRetentionRuns(db, mine(request)), loadStaffDirectory(db)]);
    const rows = runs
      .map((r) => {
        const counts = (r.summary.counts ?? {}) as Partial<Record<RetentionVerdict, number>>;
        const what = r.mode === 'dry-run' ? `${counts.destroy ?? 0} att gallra, ${(counts['keep-research'] ?? 0) + (counts['keep-unknown-person'] ?? 0) + (counts['keep-open'] ?? 0)} bevaras` : `${String(r.summary.destroyed ?? 0)} gallrade`;
        return `<tr><th scope="row"><a href="/admin/gallring/${esc(r.id)}">${esc(MODE_WORDS[r.mode])} ${esc(r.runDate)}</a></th><td>${esc(names(r.municipality))}</td><td>${esc(what)}</td><td>${esc(staff.nameAndId(r.actor))}</td><td>${esc(statusOf(r))}</td></tr>`;
      })
      .join('');
    const forms = mine(request)
      .map((m) => `<form method="post" action="/admin/gallring/provkorning">${csrf}<input type="hidden" name="kommun" value="${esc(m)}"><button type="submit">Provkör gallring för ${esc(names(m))}</button></form>`)
      .join('');
    const body = `<h1>Gallring</h1>
<p>Personuppgifter i ett ärende gallras fem år efter den sista anteckningen i personens akt, och senast kalenderåret därefter. Akter för personer födda den 5, 15 eller 25 bevaras för forskning. En provkörning görs automatiskt varje månad och visar vad som skulle gallras; ingenting gallras förrän en administratör har granskat listan och verkställt den.</p>
${forms}
${rows ? `<table><caption>Körningar</caption><thead><tr><th scope="col">Körning</th><th scope="col">Kommun</th><th scope="col">Resultat</th><th scope="col">Av</th><th scope="col">Status</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Inga körningar ännu.</p>'}`;
    return render(request, reply, 'Gallring', body);
  });

  app.post('/admin/gallring/provkorning', options.protectedPost, async (request, reply) => {
    const municipality = String((request.body as Record<string, unknown> | undefined)?.kommun ?? '');
    if (!mine(request).includes(municipality)) return options.notFound(request, reply);
    const { run } = await dryRunRetention(ctxFor(request), municipality);
    await auditAdmin(db, request, 'admin.retention.dry-run', 'ok', { run: run.id, municipality });
    return reply.redirect(`/admin/gallring/${run.id}`, 303);
  });

  app.get('/admin/gallring/:id', async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const run = RUN_ID.test(id) ? await getRetentionRun(db, id) : undefined;
    if (!run || !mine(request).includes(run.municipality)) return options.notFound(request, reply);
    const by = (await loadStaffDirectory(db)).nameAndId(run.actor);
    if (run.mode === 'destroy') {
      const destroyed = await listRetentionDestructions(db, run.id);
      const rows = destroyed
        .map((d) => `<tr><th scope="row">${esc(d.caseId)}</th><td>${esc(d.month ?? '–')}</td><td>${esc(d.lastEntryOn)}</td><td>${esc(d.dueFrom)}</td><td>${Object.values(d.rowCounts).reduce((s, n) => s + n, 0)}</td><td>${esc(formatTime(d.destroyedAt))}</td></tr>`)
        .join('');
      const body = `<h1>Gallring ${esc(run.runDate)}, ${esc(names(run.municipality))}</h1>
<p>Verkställde <a href="/admin/gallring/${esc(run.approves ?? '')}">provkörningen</a>. Av ${esc(by)}. ${esc(statusOf(run))}.</p>${ruleNote(run)}
<p>${destroyed.length} ärenden gallrade${run.summary.skipped ? `, ${String(run.summary.skipped)} lämnades orörda (de hade fått nya anteckningar eller bedömdes annorlunda vid körningen)` : ''}. Här står vad som gallrades, inte det gallrade innehållet.</p>
${rows ? `<table><caption>Gallrade ärenden</caption><thead><tr><th scope="col">Ärende</th><th scope="col">Månad</th><th scope="col">Sista anteckning</th><th scope="col">Gallringsplikt från</th><th scope="col">Rader gallrade</th><th scope="col">Gallrat</th></tr></thead><tbody>${rows}</tbody></table>` : ''}${BACK}`;
      return render(request, reply, 'Gallring', body);
    }
    const items = await listRetentionItems(db, run.id);
    const rows = items
      .map((i) => {
        const overdue = isOverdue(i, run.runDate);
        return `<tr><th scope="row">${esc(i.caseId)}</th><td>${esc(i.month ?? '–')}</td><td>${esc(i.lastEntryOn)}</td><td>${esc(i.dueFrom)}</td><td>${esc(i.deadline)}${overdue ? ' <span class="late">försenad</span>' : ''}</td><td>${esc(VERDICT_LABELS[i.verdict])}</td></tr>`;
      })
      .join('');
    const destroyCount = items.filter((i) => i.verdict === 'destroy').length;
    const approve =
      run.approvedBy
        ? `<p>Verkställd: <a href="/admin/gallring/${esc(run.approvedBy)}">se vad som gallrades</a>.</p>`
        : reportExpired(run.runDate, stockholmDate(clock()))
          ? `<p>Provkörningen är mer än ${APPROVAL_VALID_DAYS} dagar gammal och kan inte verkställas; gör en ny.</p>`
          : destroyCount === 0
            ? '<p>Inget att gallra.</p>'
            : `<form method="post" action="/admin/gallring/${esc(run.id)}/verkstall">${csrf}
<p><label><input type="checkbox" name="granskad" value="ja" required> Jag har granskat listan och att regeln gäller. De ${destroyCount} ärenden som står som ”Gallras” och fortfarande är förfallna när körningen görs raderas, och kan inte återskapas.</label></p>
<button type="submit">Verkställ gallringen</button></form>`;
    const body = `<h1>Provkörning ${esc(run.runDate)}, ${esc(names(run.municipality))}</h1>
<p>Gjord av ${esc(by)}. Provkörningen ändrar ingenting.</p>${ruleNote(run)}
${countsTable((run.summary.counts ?? {}) as Partial<Record<RetentionVerdict, number>>)}
${rows ? `<table><caption>Förfallna ärenden</caption><thead><tr><th scope="col">Ärende</th><th scope="col">Månad</th><th scope="col">Sista anteckning i akten</th><th scope="col">Gallringsplikt från</th><th scope="col">Gallrat senast</th><th scope="col">Bedömning</th></tr></thead><tbody>${rows}</tbody></table>` : '<p>Inga ärenden är förfallna.</p>'}
${approve}${BACK}`;
    return render(request, reply, 'Provkörning av gallring', body);
  });

  app.post('/admin/gallring/:id/verkstall', options.protectedPost, async (request, reply) => {
    const id = (request.params as { id: string }).id;
    const run = RUN_ID.test(id) ? await getRetentionRun(db, id) : undefined;
    if (!run || !mine(request).includes(run.municipality)) return options.notFound(request, reply);
    if ((request.body as Record<string, unknown> | undefined)?.granskad !== 'ja') {
      await auditAdmin(db, request, 'admin.retention.execute', 'refused', { run: run.id, problem: 'not-confirmed' });
      return render(request, reply, 'Gallring', `<h1>Gallring</h1><div role="alert"><p>Bekräfta att du har granskat listan.</p></div><p><a href="/admin/gallring/${esc(run.id)}">Tillbaka till provkörningen</a></p>`, 400);
    }
    try {
      const result = await executeRetention(ctxFor(request), run.id, { municipalities: mine(request) });
      await auditAdmin(db, request, 'admin.retention.execute', 'ok', { run: result.run.id, approves: run.id, destroyed: result.destroyed.length, skipped: result.skipped.length });
      return reply.redirect(`/admin/gallring/${result.run.id}`, 303);
    } catch (error) {
      if (!(error instanceof RetentionError)) throw error;
      await auditAdmin(db, request, 'admin.retention.execute', 'refused', { run: run.id, problem: error.message });
      return render(request, reply, 'Gallring', `<h1>Gallring</h1><div role="alert"><p>${esc(error.message.charAt(0).toUpperCase() + error.message.slice(1))}.</p></div>${BACK}`, 409);
    }
  });
}
