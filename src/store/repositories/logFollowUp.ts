import type { Queryable } from '../db.js';

/** The facts the log follow-up's checks read (src/logfollowup/checks.ts), one per audit row. */
export interface LookupFact {
  auditId: string;
  at: Date;
  actor: string;
  action: string;
  caseId: string | null;
  /** The case's state when the look-up was recorded (from its history); null: no case, or none known. */
  stateThen: string | null;
}

export interface ViewFact {
  auditId: string;
  at: Date;
  actor: string;
  caseId: string;
  caseMunicipality: string;
  owner: string | null;
  /** The viewer signed, claimed, took over, closed or otherwise acted on the case (any time up to the period's end). */
  actedOnCase: boolean;
  protectedIdentity: boolean;
  /** The viewer's municipalities as recorded with the view; null for rows written before they were. */
  viewerMunicipalities: string[] | null;
}

export interface SearchFact {
  auditId: string;
  at: Date;
  actor: string;
  hits: number;
  caseIds: string[];
}

export interface DeclarationFact {
  userId: string;
  municipality: string;
  signedOn: string;
  lastDay: string | null;
}

/**
 * The store's side of the logguppföljning (migration 0014, src/logfollowup): the facts the
 * checks need for one municipality and period, read from the audit log and the cases; and the
 * reports and their sign-off, both append-only. Instants: `from` inclusive, `to` exclusive.
 */
export interface FollowUpFacts {
  lookups: LookupFact[];
  views: ViewFact[];
  searches: SearchFact[];
  declarations: DeclarationFact[];
}

const LOOKUPS = /* sql */ `
SELECT l.id::text AS audit_id, l.at, l.actor, l.action, l.case_id,
       (SELECT h.to_state FROM case_state_history h
         WHERE h.case_id = l.case_id AND h.at <= l.at ORDER BY h.at DESC, h.id DESC LIMIT 1) AS state_then
  FROM audit_log l LEFT JOIN cases c ON c.id = l.case_id
 WHERE l.action IN ('ssbtek.lookup', 'kir.lookup', 'plan.lookup') AND l.at >= $2 AND l.at < $3
   -- A look-up of no known case is nobody's to attribute: every municipality's report shows it.
   AND (c.municipality = $1 OR c.id IS NULL)
 ORDER BY l.id`;

const VIEWS = /* sql */ `
SELECT l.id::text AS audit_id, l.at, l.actor, l.case_id, c.municipality, c.owner,
       CASE WHEN jsonb_typeof(l.details -> 'municipalities') = 'array' THEN l.details -> 'municipalities' END AS viewer_municipalities,
       (EXISTS (SELECT 1 FROM audit_log a
                 WHERE a.case_id = l.case_id AND a.actor = l.actor AND a.at < $3
                   AND a.action NOT IN ('case.read', 'letter.read', 'screenshot.read', 'case.search'))
        OR EXISTS (SELECT 1 FROM case_state_history h WHERE h.case_id = l.case_id AND h.at < $3
                     AND (h.actor = l.actor OR h.reason = 'REASSIGNED:' || l.actor))
        OR EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = l.case_id AND d.signed_by = l.actor)) AS acted,
       EXISTS (SELECT 1 FROM snapshots s,
                      jsonb_array_elements(CASE WHEN jsonb_typeof(s.snapshot -> 'registers' -> 'kir') = 'array'
                                                THEN s.snapshot -> 'registers' -> 'kir' ELSE '[]'::jsonb END) k
                WHERE s.case_id = l.case_id AND k ->> 'protectedIdentity' = 'true') AS protected_identity
  FROM audit_log l JOIN cases c ON c.id = l.case_id
 WHERE l.action IN ('case.read', 'letter.read', 'screenshot.read') AND l.at >= $2 AND l.at < $3 AND c.municipality = $1
 ORDER BY l.id`;

const SEARCHES = /* sql */ `
SELECT l.id::text AS audit_id, l.at, l.actor, l.details
  FROM audit_log l
 WHERE l.action = 'case.search' AND l.at >= $2 AND l.at < $3
   AND ((jsonb_typeof(l.details -> 'municipalities') = 'array' AND l.details -> 'municipalities' @> to_jsonb($1::text))
        OR (jsonb_typeof(l.details -> 'caseIds') = 'array'
            AND EXISTS (SELECT 1 FROM cases c WHERE c.municipality = $1 AND l.details -> 'caseIds' @> to_jsonb(c.id))))
 ORDER BY l.id`;

export async function readFollowUpFacts(db: Queryable, municipality: string, from: Date, to: Date): Promise<FollowUpFacts> {
  const params = [municipality, from, to];
  const lookups = await db.query<{ audit_id: string; at: Date; actor: string; action: string; case_id: string | null; state_then: string | null }>(LOOKUPS, params);
  const views = await db.query<{
    audit_id: string;
    at: Date;
    actor: string;
    case_id: string;
    municipality: string;
    owner: string | null;
    viewer_municipalities: unknown;
    acted: boolean;
    protected_identity: boolean;
  }>(VIEWS, params);
  const searches = await db.query<{ audit_id: string; at: Date; actor: string; details: Record<string, unknown> }>(SEARCHES, params);
  const declarations = await db.query<{ user_id: string; municipality: string; signed_on: string; last_day: string | null }>(
    `SELECT d.user_id, d.municipality, to_char(d.signed_on, 'YYYY-MM-DD') AS signed_on, to_char(e.last_day, 'YYYY-MM-DD') AS last_day
       FROM ssbtek_declarations d LEFT JOIN ssbtek_declaration_ends e ON e.declaration_id = d.id`,
  );
  const strings = (x: unknown): string[] => (Array.isArray(x) ? x.filter((v): v is string => typeof v === 'string') : []);
  return {
    lookups: lookups.rows.map((r) => ({ auditId: r.audit_id, at: r.at, actor: r.actor, action: r.action, caseId: r.case_id, stateThen: r.state_then })),
    views: views.rows.map((r) => ({
      auditId: r.audit_id,
      at: r.at,
      actor: r.actor,
      caseId: r.case_id,
      caseMunicipality: r.municipality,
      owner: r.owner,
      actedOnCase: r.acted,
      protectedIdentity: r.protected_identity,
      viewerMunicipalities: Array.isArray(r.viewer_municipalities) ? strings(r.viewer_municipalities) : null,
    })),
    searches: searches.rows.map((r) => ({
      auditId: r.audit_id,
      at: r.at,
      actor: r.actor,
      hits: typeof r.details.hits === 'number' ? r.details.hits : strings(r.details.caseIds).length,
      caseIds: strings(r.details.caseIds),
    })),
    declarations: declarations.rows.map((r) => ({ userId: r.user_id, municipality: r.municipality, signedOn: r.signed_on, lastDay: r.last_day })),
  };
}

export interface FollowUpReportRecord {
  id: string;
  municipality: string;
  periodFrom: string;
  periodTo: string;
  kind: 'scheduled' | 'on-demand';
  madeBy: string;
  madeAt: Date;
  settings: Record<string, unknown>;
  counts: Record<string, unknown>;
  findings: Array<{ check: string; user: string; caseId: string | null; at: string; text: string; auditIds: string[] }>;
  signOff: { signedBy: string; role: string; comment: string; signedAt: Date } | null;
}

const REPORT_SELECT = /* sql */ `SELECT r.id::text AS id, r.municipality, to_char(r.period_from, 'YYYY-MM-DD') AS period_from,
  to_char(r.period_to, 'YYYY-MM-DD') AS period_to, r.kind, r.made_by, r.made_at, r.settings, r.counts, r.findings,
  s.signed_by, s.role, s.comment, s.signed_at
  FROM log_followup_reports r LEFT JOIN log_followup_signoffs s ON s.report_id = r.id`;

interface ReportRow {
  id: string;
  municipality: string;
  period_from: string;
  period_to: string;
  kind: 'scheduled' | 'on-demand';
  made_by: string;
  made_at: Date;
  settings: Record<string, unknown>;
  counts: Record<string, unknown>;
  findings: FollowUpReportRecord['findings'];
  signed_by: string | null;
  role: string | null;
  comment: string | null;
  signed_at: Date | null;
}

function toReport(r: ReportRow): FollowUpReportRecord {
  return {
    id: r.id,
    municipality: r.municipality,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    kind: r.kind,
    madeBy: r.made_by,
    madeAt: r.made_at,
    settings: r.settings,
    counts: r.counts,
    findings: r.findings,
    signOff: r.signed_by ? { signedBy: r.signed_by, role: r.role ?? '', comment: r.comment ?? '', signedAt: r.signed_at! } : null,
  };
}

export interface NewFollowUpReport {
  municipality: string;
  periodFrom: string;
  periodTo: string;
  kind: 'scheduled' | 'on-demand';
  madeBy: string;
  settings: Record<string, unknown>;
  counts: Record<string, unknown>;
  findings: readonly unknown[];
}

/** Stores a report. A scheduled report of a municipality and period already made: undefined (made once). */
export async function insertFollowUpReport(db: Queryable, r: NewFollowUpReport): Promise<FollowUpReportRecord | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO log_followup_reports (municipality, period_from, period_to, kind, made_by, settings, counts, findings)
     VALUES ($1, $2::date, $3::date, $4, $5, $6::jsonb, $7::jsonb, $8::jsonb)
     ON CONFLICT (municipality, period_from, period_to) WHERE kind = 'scheduled' DO NOTHING
     RETURNING id::text AS id`,
    [r.municipality, r.periodFrom, r.periodTo, r.kind, r.madeBy, JSON.stringify(r.settings), JSON.stringify(r.counts), JSON.stringify(r.findings)],
  );
  return rows[0] ? getFollowUpReport(db, rows[0].id) : undefined;
}

export async function getFollowUpReport(db: Queryable, id: string): Promise<FollowUpReportRecord | undefined> {
  if (!/^[0-9]{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query<ReportRow>(`${REPORT_SELECT} WHERE r.id = $1::bigint`, [id]);
  return rows[0] ? toReport(rows[0]) : undefined;
}

/** The reports of the municipalities, newest first. */
export async function listFollowUpReports(db: Queryable, municipalities: readonly string[], limit = 200): Promise<FollowUpReportRecord[]> {
  const { rows } = await db.query<ReportRow>(`${REPORT_SELECT} WHERE r.municipality = ANY($1::text[]) ORDER BY r.id DESC LIMIT $2`, [[...municipalities], limit]);
  return rows.map(toReport);
}

/** Records the sign-off; false when the report already has one (a sign-off is made once and never changed). */
export async function insertFollowUpSignOff(db: Queryable, s: { reportId: string; signedBy: string; role: string; comment: string }): Promise<boolean> {
  const { rows } = await db.query(
    `INSERT INTO log_followup_signoffs (report_id, signed_by, role, comment) VALUES ($1::bigint, $2, $3, $4)
     ON CONFLICT (report_id) DO NOTHING RETURNING report_id`,
    [s.reportId, s.signedBy, s.role, s.comment],
  );
  return rows.length > 0;
}
