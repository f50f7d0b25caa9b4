import { addMonths, daysBetween, stockholmDate } from '../../domain/dates.js';
import { ruleLabel, type MunicipalityNames } from '../../domain/labels.js';
import { monthlyDeadline } from '../../stats/socialstyrelsen/period.js';
import { reportExpired } from '../../retention/run.js';
import { comingMonth, ruleGaps, type RuleGap } from '../../rules/coverage.js';
import type { RuleSet } from '../../rules/ruleset.js';
import { listFollowUpReports, listOpenAppealsInMunicipalities, listRetentionRuns, type Db } from '../../store/index.js';
import { APPEAL_REMINDER_DAYS } from '../caseworker/appealPages.js';
import { esc } from '../layout.js';
import { municipalityNames } from '../caseworker/view.js';

/**
 * "Att göra" on the overview: what an admin on call must not miss in their municipalities.
 * The statistics file of last month (due on the 15th) until it has been taken out as a valid
 * file, gallring reports that wait for someone to review them, appeals not yet handled, and,
 * from the first day of the month before, every rule the coming month lacks or has only
 * provisionally (rules/coverage.ts), and log follow-up reports waiting for review (red after
 * FOLLOW_UP_REVIEW_DAYS).
 */
/** A log follow-up report not reviewed after this many days is shown in red. */
export const FOLLOW_UP_REVIEW_DAYS = 14;

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

/** "riksnormen (21 värden)" rather than 21 rule ids; other rules in words (domain/labels.ts ruleLabel). */
function ruleList(gaps: readonly RuleGap[], names: MunicipalityNames): string {
  const riksnorm = gaps.filter((g) => g.rule.startsWith('riksnorm.')).length;
  const others = gaps.filter((g) => !g.rule.startsWith('riksnorm.')).map((g) => ruleLabel(g.rule, names));
  return [...(riksnorm > 0 ? [`riksnormen (${riksnorm} ${riksnorm === 1 ? 'värde' : 'värden'})`] : []), ...others].join(', ');
}

/** One item per municipality naming what the coming month lacks (urgent) or has only provisionally. */
export function ruleTodos(rules: RuleSet, municipalities: readonly string[], today: string): TodoItem[] {
  const month = comingMonth(today);
  const gaps = ruleGaps(rules, month);
  const names = municipalityNames(rules);
  const out: TodoItem[] = [];
  for (const municipality of [...municipalities].sort()) {
    const own = gaps.filter((g) => g.municipality === null || g.municipality === municipality);
    const missing = own.filter((g) => g.problem === 'missing');
    const provisional = own.filter((g) => g.problem === 'provisional');
    if (own.length === 0) continue;
    const parts = [
      ...(missing.length ? [`saknas: ${ruleList(missing, names)}`] : []),
      ...(provisional.length ? [`preliminärt: ${ruleList(provisional, names)}`] : []),
    ];
    out.push({
      municipality,
      text: `Regler för ${month}: ${parts.join('; ')}. Kontrollera med npm run rules -- check --month ${month}.`,
      href: '/admin',
      urgent: missing.length > 0,
    });
  }
  return out;
}

export async function gatherTodos(db: Db, municipalities: readonly string[], now: Date, rules?: RuleSet): Promise<TodoItem[]> {
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
  for (const appeal of await listOpenAppealsInMunicipalities(db, municipalities)) {
    const waited = daysBetween(appeal.receivedOn, today);
    todos.push({
      municipality: appeal.municipality,
      text: `Överklagande i ärende ${appeal.caseId} inkom ${appeal.receivedOn} och ${
        appeal.events.some((e) => e.kind === 'kept' || e.kind === 'changed') ? 'är omprövat men inte överlämnat till förvaltningsrätten' : 'är varken omprövat eller överlämnat'
      } (${waited} dagar).`,
      href: `/admin/logg?arende=${encodeURIComponent(appeal.caseId)}`,
      urgent: waited > APPEAL_REMINDER_DAYS,
    });
  }
  // Log follow-up reports nobody has reviewed yet (SSBTEK's agreement: followed up regularly).
  for (const report of await listFollowUpReports(db, municipalities)) {
    if (report.signOff) continue;
    const waited = daysBetween(stockholmDate(report.madeAt), today);
    todos.push({
      municipality: report.municipality,
      text: `Logguppföljning ${report.periodFrom} – ${report.periodTo} väntar på granskning (${report.findings.length === 1 ? '1 fynd' : `${report.findings.length} fynd`}).`,
      href: `/logguppfoljning/${report.id}`,
      urgent: waited > FOLLOW_UP_REVIEW_DAYS,
    });
  }
  if (rules) todos.push(...ruleTodos(rules, municipalities, today));
  return todos;
}

/** `names`: the municipalities' names from the rules (web/caseworker/view.ts municipalityNames). */
export function renderTodos(todos: readonly TodoItem[], names: MunicipalityNames): string {
  if (todos.length === 0) return '<section aria-labelledby="att-gora"><h2 id="att-gora">Att göra</h2><p>Inget väntar.</p></section>';
  const items = todos
    .map((t) => `<li${t.urgent ? ' class="late"' : ''}>${esc(names(t.municipality))}: <a href="${esc(t.href)}">${esc(t.text)}</a></li>`)
    .join('');
  return `<section aria-labelledby="att-gora"><h2 id="att-gora">Att göra</h2><ul>${items}</ul></section>`;
}
