import { looksLikePersonalNumber } from '../domain/personalNumberInText.js';
import { addDays, addMonths, daysBetween, firstDayOf, isIsoDate, lastDayOf, stockholmDate, stockholmWallTime } from '../domain/dates.js';
import type { LogFollowUpSettings } from '../config.js';
import { appendAudit, insertFollowUpReport, insertFollowUpSignOff, getFollowUpReport, readFollowUpFacts, type Db, type FollowUpReportRecord } from '../store/index.js';
import { followUp } from './checks.js';
import type { ClosedDaysInForce } from './officeHours.js';

/**
 * Making and signing off a logguppföljning (the edge around the pure checks of checks.ts):
 * reads the period's facts, runs the checks, stores the report and logs that it was made; the
 * sign-off is stored once and logged. Used by the monthly job (robot/worker.ts), the admin and
 * auditor pages (web/logfollowup) and `npm run logfollowup`.
 */
export const FOLLOW_UP_PURPOSE = 'Logguppföljning enligt anslutningsavtalet för SSBTEK';

/** At most this long a period on demand (a year and a day: any calendar year fits). */
export const MAX_PERIOD_DAYS = 366;

function startOf(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return stockholmWallTime(Date.UTC(y, m - 1, d));
}

function dayAfter(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

/** Checks a period given as two Stockholm dates: a message in Swedish naming the field, or nothing. */
export function periodProblem(from: string, to: string, today: string): string | undefined {
  if (!isIsoDate(from)) return 'Från: ange ett datum som ÅÅÅÅ-MM-DD.';
  if (!isIsoDate(to)) return 'Till och med: ange ett datum som ÅÅÅÅ-MM-DD.';
  if (to < from) return 'Till och med: kan inte vara före från-datumet.';
  // A report on a period not yet over says "Inga fynd" about what has not happened, and could be signed off as reviewed.
  if (to >= today) return `Till och med: perioden är inte slut. Välj ett slutdatum senast i går (${addDays(today, -1)}), så täcker rapporten hela perioden.`;
  if (daysBetween(from, to) >= MAX_PERIOD_DAYS) return `Till och med: perioden får vara högst ${MAX_PERIOD_DAYS} dagar.`;
  return undefined;
}

export interface MakeReport {
  municipality: string;
  /** Stockholm dates, both inclusive. */
  from: string;
  to: string;
  kind: 'scheduled' | 'on-demand';
  actor: string;
  settings: LogFollowUpSettings;
  /** The closed days from the loaded rules (RuleSet.closedBankDayRules): not office hours. */
  closedDays: readonly ClosedDaysInForce[];
}

/** Makes and stores a report; undefined when the scheduled report of that month already exists. */
export async function makeFollowUpReport(db: Db, r: MakeReport): Promise<FollowUpReportRecord | undefined> {
  const facts = await readFollowUpFacts(db, r.municipality, startOf(r.from), startOf(dayAfter(r.to)));
  const result = followUp({ municipality: r.municipality, ...facts, closedDays: r.closedDays }, r.settings);
  return db.transaction(async (tx) => {
    const report = await insertFollowUpReport(tx, {
      municipality: r.municipality,
      periodFrom: r.from,
      periodTo: r.to,
      kind: r.kind,
      madeBy: r.actor,
      settings: { ...r.settings },
      counts: result.counts,
      findings: result.findings,
    });
    if (report) {
      await appendAudit(tx, {
        actor: r.actor,
        action: 'logfollowup.make',
        purpose: FOLLOW_UP_PURPOSE,
        result: 'ok',
        details: { reportId: report.id, municipality: r.municipality, from: r.from, to: r.to, kind: r.kind, findings: result.findings.length },
      });
    }
    return report;
  });
}

/** The calendar month before `now`'s Stockholm month, as its first and last day. */
export function lastMonth(now: Date): { from: string; to: string } {
  const month = addMonths(stockholmDate(now).slice(0, 7), -1);
  return { from: firstDayOf(month), to: lastDayOf(month) };
}

/** The monthly job: last month's report for every municipality that has none yet. Returns the ids made. */
export async function scheduledFollowUp(
  db: Db,
  municipalities: readonly string[],
  now: Date,
  actor: string,
  settings: LogFollowUpSettings,
  closedDays: readonly ClosedDaysInForce[],
): Promise<string[]> {
  const { from, to } = lastMonth(now);
  const made: string[] = [];
  for (const municipality of [...municipalities].sort()) {
    const report = await makeFollowUpReport(db, { municipality, from, to, kind: 'scheduled', actor, settings, closedDays });
    if (report) made.push(report.id);
  }
  return made;
}

export type SignOffResult = { ok: true; report: FollowUpReportRecord } | { ok: false; problem: 'not-found' | 'already-signed' | 'no-comment' | 'personal-number'; report?: FollowUpReportRecord };

/**
 * Marks a report reviewed with a comment (1–4 000 characters, no personal number). Made once: a second sign-off is refused (and logged as
 * refused); the database refuses any UPDATE of the one made.
 */
export async function signOffFollowUp(db: Db, s: { reportId: string; user: string; role: string; comment: string }): Promise<SignOffResult> {
  const comment = s.comment.trim();
  const report = await getFollowUpReport(db, s.reportId);
  if (!report) return { ok: false, problem: 'not-found' };
  if (comment.length === 0 || comment.length > 4000) return { ok: false, problem: 'no-comment', report };
  // The comment is kept for good and exported: findings name users and cases, never clients.
  if (looksLikePersonalNumber(comment)) return { ok: false, problem: 'personal-number', report };
  const signed = await db.transaction(async (tx) => {
    const done = await insertFollowUpSignOff(tx, { reportId: report.id, signedBy: s.user, role: s.role, comment });
    await appendAudit(tx, {
      actor: s.user,
      action: 'logfollowup.signoff',
      purpose: FOLLOW_UP_PURPOSE,
      result: done ? 'ok' : 'refused',
      details: { reportId: report.id, municipality: report.municipality, ...(done ? {} : { problem: 'already-signed' }) },
    });
    return done;
  });
  const fresh = (await getFollowUpReport(db, report.id))!;
  return signed ? { ok: true, report: fresh } : { ok: false, problem: 'already-signed', report: fresh };
}
