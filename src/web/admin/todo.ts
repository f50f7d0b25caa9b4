import { addMonths, daysBetween, stockholmDate } from '../../domain/dates.js';
import { monthlyDeadline } from '../../stats/socialstyrelsen/period.js';
import { reportExpired } from '../../retention/run.js';
import { listOpenAppeals, listRetentionRuns, type Db } from '../../store/index.js';
import { APPEAL_REMINDER_DAYS } from '../caseworker/appealPages.js';
import { esc } from '../layout.js';

/**
 * "Att göra" on the overview: what an admin on call must not miss in their municipalities.
 * The statistics file of last month (due on the 15th) until it has been taken out as a valid
 * file, gallring reports that wait for someone to review them, and appeals not yet handled.
 */
export interface TodoItem {
  municipality: string;
  text: string;
  href: string;
  urgent: boolean;
}

/** Statistics file taken out (downloaded or produced) and valid, for (municipality, month). */
async function statisticsTaken(db: Db, municipality: string, month: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM audit_log
     WHERE action IN ('admin.stats.download', 'stats.produce') AND result = 'ok'
       AND details ->> 'municipality' = $1 AND details ->> 'period' = $2
     LIMIT 1`,
    [municipality, month],
  );
  return rows.length > 0;
}

export async function gatherTodos(db: Db, municipalities: readonly string[], now: Date): Promise<TodoItem[]> {
  const today = stockholmDate(now);
  const lastMonth = addMonths(today.slice(0, 7), -1);
  const deadline = monthlyDeadline(lastMonth);
  const todos: TodoItem[] = [];
  for (const municipality of [...municipalities].sort()) {
    if (!(await statisticsTaken(db, municipality, lastMonth))) {
      const late = today > deadline;
      todos.push({
        municipality,
        text: `Statistiken för ${lastMonth} ska lämnas till Socialstyrelsen senast ${deadline}${late ? ' och är försenad' : ''}; ingen godkänd fil har tagits ut.`,
        href: '/admin/statistik',
        urgent: late || daysBetween(today, deadline) <= 3,
      });
    }
  }
  const runs = await listRetentionRuns(db, municipalities, 200);
  const latestDryRun = new Map<string, (typeof runs)[number]>();
  for (const run of runs) if (run.mode === 'dry-run' && !latestDryRun.has(run.municipality)) latestDryRun.set(run.municipality, run);
  for (const [municipality, run] of [...latestDryRun].sort()) {
    const counts = (run.summary.counts ?? {}) as Record<string, number>;
    const toDestroy = counts.destroy ?? 0;
    const overdue = Number(run.summary.overdue ?? 0);
    if (run.approvedBy || toDestroy === 0 || reportExpired(run.runDate, today)) continue;
    todos.push({
      municipality,
      text: `Gallring: ${toDestroy} ärenden väntar på granskning (provkörning ${run.runDate})${overdue > 0 ? `, varav några efter sista dag för gallring` : ''}.`,
      href: `/admin/gallring/${run.id}`,
      urgent: overdue > 0,
    });
  }
  // Appeals not yet reconsidered and forwarded (case ids and dates only: admins read no case content).
  for (const appeal of await listOpenAppeals(db, municipalities)) {
    const waited = daysBetween(appeal.receivedOn, today);
    todos.push({
      municipality: appeal.municipality,
      text: `Överklagande i ärende ${appeal.caseId} inkom ${appeal.receivedOn} och är inte omprövat och överlämnat (${waited} dagar).`,
      href: `/admin/logg?arende=${encodeURIComponent(appeal.caseId)}`,
      urgent: waited > APPEAL_REMINDER_DAYS,
    });
  }
  return todos;
}

export function renderTodos(todos: readonly TodoItem[]): string {
  if (todos.length === 0) return '<section aria-labelledby="att-gora"><h2 id="att-gora">Att göra</h2><p>Inget väntar.</p></section>';
  const items = todos
    .map((t) => `<li${t.urgent ? ' class="late"' : ''}>${esc(t.municipality)}: <a href="${esc(t.href)}">${esc(t.text)}</a></li>`)
    .join('');
  return `<section aria-labelledby="att-gora"><h2 id="att-gora">Att göra</h2><ul>${items}</ul></section>`;
}
