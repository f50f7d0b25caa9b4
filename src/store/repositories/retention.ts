import type { Queryable } from '../db.js';

/**
 * The store's side of gallring (see migration 0006 and src/retention). Reads the facts a plan
 * needs, keeps the runs and their reports, and destroys one case at a time through the one
 * controlled path past the append-only triggers.
 */

export interface RetentionFactRow {
  id: string;
  municipality: string;
  month: string | null;
  state: string;
  received_at: Date;
  /** As written in the application (any accepted form), or null. Never leaves the runner. */
  applicant_pn: string | null;
  co_applicant_pn: string | null;
  last_entry_at: Date;
}

/**
 * The facts of the cases a `page` CTE names (column `id`). The last entry of a case is the
 * latest moment anything was written about it (state change, snapshot, proposal, signature,
 * carry-out step, screenshot, appeal); reading a case (an audit row of a caseworker opening it) is not
 * an entry in the file and does not prolong it.
 *
 * Each table is aggregated once for the whole page and joined, rather than asked per case:
 * before a fresh database has statistics the planner may scan a table for every correlated
 * subquery, which made a dry run quadratic in the number of cases.
 */
function factsFor(page: string): string {
  const inPage = 'case_id IN (SELECT id FROM page)';
  return /* sql */ `
  WITH page AS (${page}),
  h AS (SELECT case_id, max(at) AS m FROM case_state_history WHERE ${inPage} GROUP BY case_id),
  s AS (SELECT case_id, max(created_at) AS m FROM snapshots WHERE ${inPage} GROUP BY case_id),
  p AS (SELECT case_id, max(created_at) AS m FROM proposals WHERE ${inPage} GROUP BY case_id),
  d AS (SELECT case_id, max(signed_at) AS m FROM decisions WHERE ${inPage} GROUP BY case_id),
  st AS (SELECT dd.case_id, max(x.done_at) AS m FROM decision_steps x JOIN decisions dd ON dd.id = x.decision_id WHERE dd.${inPage} GROUP BY dd.case_id),
  sc AS (SELECT case_id, max(taken_at) AS m FROM case_screenshots WHERE ${inPage} GROUP BY case_id),
  ap AS (SELECT case_id, max(at) AS m FROM (SELECT case_id, recorded_at AS at FROM appeals WHERE ${inPage}
                                            UNION ALL SELECT case_id, at FROM appeal_events WHERE ${inPage}) x GROUP BY case_id)
  SELECT c.id, c.municipality, c.month, c.state, a.received_at,
         a.raw -> 'application' -> 'applicant' ->> 'personalNumber' AS applicant_pn,
         a.raw -> 'application' -> 'coApplicant' ->> 'personalNumber' AS co_applicant_pn,
         GREATEST(c.created_at, c.state_changed_at, a.received_at, h.m, s.m, p.m, d.m, st.m, sc.m, ap.m) AS last_entry_at
  FROM page JOIN cases c ON c.id = page.id JOIN applications a ON a.id = c.id
  LEFT JOIN h ON h.case_id = c.id LEFT JOIN s ON s.case_id = c.id LEFT JOIN p ON p.case_id = c.id
  LEFT JOIN d ON d.case_id = c.id LEFT JOIN st ON st.case_id = c.id LEFT JOIN sc ON sc.case_id = c.id
  LEFT JOIN ap ON ap.case_id = c.id
  ORDER BY c.id`;
}

/** One page of a municipality's cases, chosen first in index order. */
const FACTS_PAGE = factsFor('SELECT id FROM cases WHERE municipality = $1 AND id > $2 ORDER BY id LIMIT $3');
const FACTS_OF = factsFor('SELECT unnest($1::text[]) AS id');

/** Every case of a municipality with what a retention plan needs, in pages by case id. */
export async function* retentionFacts(db: Queryable, municipality: string, pageSize = 1000): AsyncGenerator<RetentionFactRow[]> {
  let after = '';
  for (;;) {
    const { rows } = await db.query<RetentionFactRow>(FACTS_PAGE, [municipality, after, pageSize]);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** The facts of these cases, their rows locked against concurrent changes (call inside a transaction). */
export async function lockedRetentionFacts(tx: Queryable, caseIds: readonly string[]): Promise<RetentionFactRow[]> {
  // In id order, so two runs locking overlapping sets cannot deadlock.
  await tx.query('SELECT 1 FROM cases WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE', [caseIds]);
  const { rows } = await tx.query<RetentionFactRow>(FACTS_OF, [caseIds]);
  return rows;
}

export type RetentionMode = 'dry-run' | 'destroy';

export interface RetentionRunRecord {
  id: string;
  mode: RetentionMode;
  runDate: string;
  municipality: string;
  ruleSource: string;
  ruleStatus: string;
  approves: string | null;
  actor: string;
  startedAt: Date;
  finishedAt: Date | null;
  summary: Record<string, unknown>;
  /** For a dry run: the destroy run that carried it out, if any. */
  approvedBy: string | null;
}

interface RunRow {
  id: string;
  mode: RetentionMode;
  run_date: string;
  municipality: string;
  rule_source: string;
  rule_status: string;
  approves: string | null;
  actor: string;
  started_at: Date;
  finished_at: Date | null;
  summary: Record<string, unknown>;
  approved_by: string | null;
}

const RUN_COLUMNS = /* sql */ `r.id, r.mode, to_char(r.run_date, 'YYYY-MM-DD') AS run_date, r.municipality, r.rule_source, r.rule_status,
  r.approves, r.actor, r.started_at, r.finished_at, r.summary, (SELECT x.id FROM retention_runs x WHERE x.approves = r.id) AS approved_by`;

function toRun(row: RunRow): RetentionRunRecord {
  return {
    id: row.id,
    mode: row.mode,
    runDate: row.run_date,
    municipality: row.municipality,
    ruleSource: row.rule_source,
    ruleStatus: row.rule_status,
    approves: row.approves,
    actor: row.actor,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    summary: row.summary,
    approvedBy: row.approved_by,
  };
}

export type NewRetentionRun = Pick<RetentionRunRecord, 'id' | 'mode' | 'runDate' | 'municipality' | 'ruleSource' | 'ruleStatus' | 'actor'> & {
  approves?: string | null;
  /** A dry run is finished the moment it is stored; a destroy run when its last case is done. */
  finished?: boolean;
  summary?: Record<string, unknown>;
};

export async function insertRetentionRun(db: Queryable, run: NewRetentionRun): Promise<void> {
  await db.query(
    `INSERT INTO retention_runs (id, mode, run_date, municipality, rule_source, rule_status, approves, actor, finished_at, summary)
     VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, CASE WHEN $9::boolean THEN clock_timestamp() END, $10::jsonb)`,
    [run.id, run.mode, run.runDate, run.municipality, run.ruleSource, run.ruleStatus, run.approves ?? null, run.actor, run.finished ?? false, JSON.stringify(run.summary ?? {})],
  );
}

export async function finishRetentionRun(db: Queryable, id: string, summary: Record<string, unknown>): Promise<void> {
  await db.query('UPDATE retention_runs SET finished_at = clock_timestamp(), summary = $2::jsonb WHERE id = $1 AND finished_at IS NULL', [id, JSON.stringify(summary)]);
}

export async function getRetentionRun(db: Queryable, id: string): Promise<RetentionRunRecord | undefined> {
  const { rows } = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM retention_runs r WHERE r.id = $1`, [id]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** The destroy run that carries out `dryRunId`, if one was started. */
export async function destroyRunFor(db: Queryable, dryRunId: string): Promise<RetentionRunRecord | undefined> {
  const { rows } = await db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM retention_runs r WHERE r.approves = $1`, [dryRunId]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

export async function listRetentionRuns(db: Queryable, municipalities: readonly string[], limit = 50): Promise<RetentionRunRecord[]> {
  const { rows } = await db.query<RunRow>(
    `SELECT ${RUN_COLUMNS} FROM retention_runs r WHERE r.municipality = ANY($1::text[]) ORDER BY r.started_at DESC, r.id LIMIT $2`,
    [municipalities, limit],
  );
  return rows.map(toRun);
}

export interface RetentionItemRecord {
  caseId: string;
  verdict: 'destroy' | 'keep-research' | 'keep-unknown-person' | 'keep-open';
  month: string | null;
  lastEntryOn: string;
  dueFrom: string;
  deadline: string;
}

export async function insertRetentionItems(db: Queryable, runId: string, items: readonly RetentionItemRecord[]): Promise<void> {
  // In chunks: one statement per 500 rows keeps the parameter count well under the limit.
  for (let i = 0; i < items.length; i += 500) {
    const chunk = items.slice(i, i + 500);
    const values: string[] = [];
    const params: unknown[] = [];
    chunk.forEach((item, j) => {
      const b = j * 7;
      values.push(`($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::date, $${b + 6}::date, $${b + 7}::date)`);
      params.push(runId, item.caseId, item.verdict, item.month, item.lastEntryOn, item.dueFrom, item.deadline);
    });
    await db.query(`INSERT INTO retention_items (run_id, case_id, verdict, month, last_entry_on, due_from, deadline) VALUES ${values.join(', ')}`, params);
  }
}

export async function listRetentionItems(db: Queryable, runId: string): Promise<RetentionItemRecord[]> {
  const { rows } = await db.query<{ case_id: string; verdict: RetentionItemRecord['verdict']; month: string | null; last_entry_on: string; due_from: string; deadline: string }>(
    `SELECT case_id, verdict, month, to_char(last_entry_on, 'YYYY-MM-DD') AS last_entry_on, to_char(due_from, 'YYYY-MM-DD') AS due_from,
            to_char(deadline, 'YYYY-MM-DD') AS deadline
     FROM retention_items WHERE run_id = $1 ORDER BY case_id`,
    [runId],
  );
  return rows.map((r) => ({ caseId: r.case_id, verdict: r.verdict, month: r.month, lastEntryOn: r.last_entry_on, dueFrom: r.due_from, deadline: r.deadline }));
}

export interface RetentionDestructionRecord {
  runId: string;
  caseId: string;
  municipality: string;
  month: string | null;
  lastEntryOn: string;
  dueFrom: string;
  rowCounts: Record<string, number>;
  destroyedAt: Date;
}

export async function listRetentionDestructions(db: Queryable, runId: string): Promise<RetentionDestructionRecord[]> {
  const { rows } = await db.query<{ run_id: string; case_id: string; municipality: string; month: string | null; last_entry_on: string; due_from: string; row_counts: Record<string, number>; destroyed_at: Date }>(
    `SELECT run_id, case_id, municipality, month, to_char(last_entry_on, 'YYYY-MM-DD') AS last_entry_on, to_char(due_from, 'YYYY-MM-DD') AS due_from, row_counts, destroyed_at
     FROM retention_destructions WHERE run_id = $1 ORDER BY case_id`,
    [runId],
  );
  return rows.map((r) => ({
    runId: r.run_id,
    caseId: r.case_id,
    municipality: r.municipality,
    month: r.month,
    lastEntryOn: r.last_entry_on,
    dueFrom: r.due_from,
    rowCounts: r.row_counts,
    destroyedAt: r.destroyed_at,
  }));
}

export async function isCaseDestroyed(db: Queryable, caseId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM retention_destructions WHERE case_id = $1', [caseId]);
  return rows.length > 0;
}

/**
 * The tables holding a case's data, in the order they are emptied (children before parents).
 * `where` selects the rows of the cases in $1 (a text[]); `caseOf` names the case of a row `t`.
 * One DELETE per table removes a whole decision chain: `supersedes` points within the case.
 */
export const CASE_TABLES: ReadonlyArray<{ table: string; where: string; caseOf: string }> = [
  {
    table: 'decision_steps',
    where: 'decision_id IN (SELECT id FROM decisions WHERE case_id = ANY($1::text[]))',
    caseOf: '(SELECT d.case_id FROM decisions d WHERE d.id = t.decision_id)',
  },
  { table: 'case_screenshots', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'appeal_events', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'appeals', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'bookings', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'decisions', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'proposals', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'snapshots', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'case_state_history', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'job_outcomes', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'audit_log', where: 'case_id = ANY($1::text[])', caseOf: 't.case_id' },
  { table: 'cases', where: 'id = ANY($1::text[])', caseOf: 't.id' },
  { table: 'applications', where: 'id = ANY($1::text[])', caseOf: 't.id' },
];

/** Rows per table of each case in `caseIds` (every table named, 0 where there are none). */
export async function countCaseRows(tx: Queryable, caseIds: readonly string[]): Promise<Map<string, Record<string, number>>> {
  const counts = new Map(caseIds.map((id) => [id, Object.fromEntries(CASE_TABLES.map(({ table }) => [table, 0])) as Record<string, number>]));
  for (const { table, where, caseOf } of CASE_TABLES) {
    const { rows } = await tx.query<{ case_id: string; n: string }>(`SELECT ${caseOf} AS case_id, count(*) AS n FROM ${table} t WHERE ${where} GROUP BY 1`, [caseIds]);
    for (const r of rows) counts.get(r.case_id)![table] = Number(r.n);
  }
  return counts;
}

export interface CaseToDestroy {
  caseId: string;
  municipality: string;
  month: string | null;
  lastEntryOn: string;
  dueFrom: string;
}

/**
 * Destroys cases inside the caller's transaction: names the run (so the triggers let its
 * DELETEs through), records each destruction first, deletes table by table for all of them at
 * once, and checks that exactly the recorded rows went. Any difference throws, and the caller's
 * rollback undoes the records and the deletions together.
 */
export async function destroyCases(tx: Queryable, runId: string, cases: readonly CaseToDestroy[]): Promise<Map<string, Record<string, number>>> {
  if (cases.length === 0) return new Map();
  const ids = cases.map((c) => c.caseId);
  await tx.query("SELECT set_config('bistand.retention_run', $1, true)", [runId]);
  const counts = await countCaseRows(tx, ids);
  const values: string[] = [];
  const params: unknown[] = [runId];
  cases.forEach((c, i) => {
    const b = 1 + i * 6;
    values.push(`($1, $${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}::date, $${b + 5}::date, $${b + 6}::jsonb)`);
    params.push(c.caseId, c.municipality, c.month, c.lastEntryOn, c.dueFrom, JSON.stringify(counts.get(c.caseId)));
  });
  await tx.query(`INSERT INTO retention_destructions (run_id, case_id, municipality, month, last_entry_on, due_from, row_counts) VALUES ${values.join(', ')}`, params);
  for (const { table, where } of CASE_TABLES) {
    const expected = ids.reduce((sum, id) => sum + counts.get(id)![table]!, 0);
    const { rowCount } = await tx.query(`DELETE FROM ${table} WHERE ${where}`, [ids]);
    if (rowCount !== expected) throw new Error(`gallring av ${ids.length} ärenden: ${table} gav ${rowCount} rader, väntat ${expected}`);
  }
  // Closed again before the transaction ends (set_config is transaction-local anyway).
  await tx.query("SELECT set_config('bistand.retention_run', '', true)");
  return counts;
}

/** Returns the space of destroyed rows to the database (dead tuples otherwise linger until autovacuum). */
export async function vacuumCaseTables(db: Queryable): Promise<void> {
  for (const { table } of CASE_TABLES) await db.query(`VACUUM ${table}`);
}
