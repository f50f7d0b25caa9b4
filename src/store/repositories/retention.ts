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
 * The last entry of a case: the latest moment anything was written about it (state change,
 * snapshot, proposal, signature, carry-out step, screenshot). Reading a case (an audit row of
 * a caseworker opening it) is not an entry in the file and does not prolong it.
 */
const LAST_ENTRY = /* sql */ `GREATEST(
    c.created_at, c.state_changed_at, a.received_at,
    (SELECT max(h.at) FROM case_state_history h WHERE h.case_id = c.id),
    (SELECT max(s.created_at) FROM snapshots s WHERE s.case_id = c.id),
    (SELECT max(p.created_at) FROM proposals p WHERE p.case_id = c.id),
    (SELECT max(d.signed_at) FROM decisions d WHERE d.case_id = c.id),
    (SELECT max(st.done_at) FROM decision_steps st JOIN decisions d ON d.id = st.decision_id WHERE d.case_id = c.id),
    (SELECT max(sc.taken_at) FROM case_screenshots sc WHERE sc.case_id = c.id))`;

const FACT_COLUMNS = /* sql */ `c.id, c.municipality, c.month, c.state, a.received_at,
         a.raw -> 'application' -> 'applicant' ->> 'personalNumber' AS applicant_pn,
         a.raw -> 'application' -> 'coApplicant' ->> 'personalNumber' AS co_applicant_pn,
         ${LAST_ENTRY} AS last_entry_at`;

const FACTS = /* sql */ `SELECT ${FACT_COLUMNS} FROM cases c JOIN applications a ON a.id = c.id`;

/**
 * The page's ids are chosen first (index order, LIMIT), and the last entry is computed for
 * those only: with the subqueries in the same SELECT as the ORDER BY, the server computed them
 * for every case of the municipality on every page.
 */
const FACTS_PAGE = /* sql */ `
  WITH page AS (SELECT id FROM cases WHERE municipality = $1 AND id > $2 ORDER BY id LIMIT $3)
  SELECT ${FACT_COLUMNS} FROM page JOIN cases c ON c.id = page.id JOIN applications a ON a.id = c.id ORDER BY c.id`;

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

/** One case's facts, with its row locked against concurrent changes (call inside a transaction). */
export async function lockedRetentionFacts(tx: Queryable, caseId: string): Promise<RetentionFactRow | undefined> {
  await tx.query('SELECT 1 FROM cases WHERE id = $1 FOR UPDATE', [caseId]);
  const { rows } = await tx.query<RetentionFactRow>(`${FACTS} WHERE c.id = $1`, [caseId]);
  return rows[0];
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
 * `count` and `delete` select the same rows. Two statements for decisions: none, since a
 * decision's `supersedes` points within the same case and one DELETE removes the whole chain.
 */
export const CASE_TABLES: ReadonlyArray<{ table: string; where: string }> = [
  { table: 'decision_steps', where: 'decision_id IN (SELECT id FROM decisions WHERE case_id = $1)' },
  { table: 'case_screenshots', where: 'case_id = $1' },
  { table: 'decisions', where: 'case_id = $1' },
  { table: 'proposals', where: 'case_id = $1' },
  { table: 'snapshots', where: 'case_id = $1' },
  { table: 'case_state_history', where: 'case_id = $1' },
  { table: 'job_outcomes', where: 'case_id = $1' },
  { table: 'audit_log', where: 'case_id = $1' },
  { table: 'cases', where: 'id = $1' },
  { table: 'applications', where: 'id = $1' },
];

export async function countCaseRows(tx: Queryable, caseId: string): Promise<Record<string, number>> {
  const select = CASE_TABLES.map(({ table, where }) => `(SELECT count(*) FROM ${table} WHERE ${where}) AS ${table}`).join(', ');
  const { rows } = await tx.query<Record<string, string>>(`SELECT ${select}`, [caseId]);
  return Object.fromEntries(CASE_TABLES.map(({ table }) => [table, Number(rows[0]![table])]));
}

/**
 * Destroys one case inside the caller's transaction: names the run (so the triggers let its
 * DELETEs through), records the destruction first, deletes table by table, and checks that
 * exactly the recorded rows went. Any difference throws, and the caller's rollback undoes all.
 */
export async function destroyCase(
  tx: Queryable,
  input: { runId: string; caseId: string; municipality: string; month: string | null; lastEntryOn: string; dueFrom: string },
): Promise<Record<string, number>> {
  await tx.query("SELECT set_config('bistand.retention_run', $1, true)", [input.runId]);
  const counts = await countCaseRows(tx, input.caseId);
  await tx.query(
    `INSERT INTO retention_destructions (run_id, case_id, municipality, month, last_entry_on, due_from, row_counts)
     VALUES ($1, $2, $3, $4, $5::date, $6::date, $7::jsonb)`,
    [input.runId, input.caseId, input.municipality, input.month, input.lastEntryOn, input.dueFrom, JSON.stringify(counts)],
  );
  for (const { table, where } of CASE_TABLES) {
    const { rowCount } = await tx.query(`DELETE FROM ${table} WHERE ${where}`, [input.caseId]);
    if (rowCount !== counts[table]) throw new Error(`gallring av ${input.caseId}: ${table} gav ${rowCount} rader, väntat ${counts[table]}`);
  }
  // Closed again before the transaction ends (set_config is transaction-local anyway).
  await tx.query("SELECT set_config('bistand.retention_run', '', true)");
  return counts;
}

/** Returns the space of destroyed rows to the database (dead tuples otherwise linger until autovacuum). */
export async function vacuumCaseTables(db: Queryable): Promise<void> {
  for (const { table } of CASE_TABLES) await db.query(`VACUUM ${table}`);
}
