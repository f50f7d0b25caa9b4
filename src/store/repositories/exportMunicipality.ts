import type { Queryable } from '../db.js';

/**
 * Reading everything of one municipality for an export archive (issue 6: the partnership
 * between municipalities can end cleanly). Every table is selected strictly through the case's
 * own municipality: a row belongs to the export only if it names (directly, or through its
 * decision) a case whose `cases.municipality` is the one asked for. Rows are read in pages by
 * primary key (keyset), so a large municipality never sits in memory at once.
 *
 * Not exported, by design: audit-log rows without a case id (admin searches, log-ins and the
 * like are not any one municipality's), job outcomes without a case id, intake cursors, the
 * store identity and web sessions (operational state of the robot, not case data), and the
 * staff directory (staff data from the identity provider, not client data; the signer's name
 * travels in each decision's signed content).
 *
 * Rows come back as the database has them through the store's seam: NUMERIC and BIGINT as
 * strings (money never passes through a JS number), TIMESTAMPTZ as Date, JSONB parsed.
 */
export const EXPORT_TABLES = [
  'applications',
  'cases',
  'case_state_history',
  'snapshots',
  'proposals',
  'decisions',
  'decision_steps',
  'case_screenshots',
  'bookings',
  'job_outcomes',
  'appeals',
  'appeal_events',
  'audit_log',
  'retention_runs',
  'retention_items',
  'retention_destructions',
  'ssbtek_declarations',
  'ssbtek_declaration_ends',
  'log_followup_reports',
  'log_followup_signoffs',
] as const;
export type ExportTable = (typeof EXPORT_TABLES)[number];

export type ExportRow = Record<string, unknown>;

interface TableQuery {
  /** SELECT ... FROM ... WHERE <municipality filter>; $1 is the municipality. The filter must be one term (parenthesise an OR): the keyset is ANDed after it. */
  select: string;
  /** The keyset: columns (qualified) and how each cursor parameter is cast. */
  key: ReadonlyArray<{ column: string; name: string; cast: string }>;
}

const byCase = (table: string, alias: string, columns: string): TableQuery => ({
  select: `SELECT ${columns} FROM ${table} ${alias} JOIN cases c ON c.id = ${alias}.case_id WHERE c.municipality = $1`,
  key: [{ column: `${alias}.id`, name: 'id', cast: 'bigint' }],
});

const QUERIES: Record<ExportTable, TableQuery> = {
  // An application is the municipality's if it says so and its case (same id), if any, agrees.
  applications: {
    select: `SELECT a.* FROM applications a
             WHERE a.municipality = $1
               AND NOT EXISTS (SELECT 1 FROM cases x WHERE x.id = a.id AND x.municipality <> $1)`,
    key: [{ column: 'a.id', name: 'id', cast: 'text' }],
  },
  cases: {
    select: 'SELECT c.* FROM cases c WHERE c.municipality = $1',
    key: [{ column: 'c.id', name: 'id', cast: 'text' }],
  },
  case_state_history: byCase('case_state_history', 'h', 'h.*'),
  snapshots: byCase('snapshots', 's', 's.*'),
  proposals: byCase('proposals', 'p', 'p.*'),
  decisions: byCase('decisions', 'd', 'd.*'),
  decision_steps: {
    select: `SELECT st.* FROM decision_steps st
             JOIN decisions d ON d.id = st.decision_id
             JOIN cases c ON c.id = d.case_id
             WHERE c.municipality = $1`,
    key: [
      { column: 'st.decision_id', name: 'decision_id', cast: 'bigint' },
      { column: 'st.step', name: 'step', cast: 'text' },
    ],
  },
  // The image itself is read one screenshot at a time (readScreenshotImage).
  case_screenshots: byCase('case_screenshots', 'sc', 'sc.id, sc.case_id, sc.decision_id, sc.step, sc.content_type, sc.taken_at, octet_length(sc.image) AS image_bytes'),
  bookings: {
    select: 'SELECT b.* FROM bookings b JOIN cases c ON c.id = b.case_id WHERE c.municipality = $1',
    key: [{ column: 'b.case_id', name: 'case_id', cast: 'text' }],
  },
  job_outcomes: byCase('job_outcomes', 'j', 'j.*'),
  appeals: byCase('appeals', 'ap', 'ap.*'),
  appeal_events: {
    select: 'SELECT ev.* FROM appeal_events ev JOIN cases c ON c.id = ev.case_id WHERE c.municipality = $1',
    key: [
      { column: 'ev.appeal_id', name: 'appeal_id', cast: 'bigint' },
      { column: 'ev.kind', name: 'kind', cast: 'text' },
    ],
  },
  // The rows of its cases, and the rows of no case that are the municipality's own records:
  // its SSBTEK declarations and its log follow-up (issue 13), named by details.municipality.
  audit_log: {
    select: `SELECT l.* FROM audit_log l LEFT JOIN cases c ON c.id = l.case_id
             WHERE (c.municipality = $1
                OR (l.case_id IS NULL AND (l.action LIKE 'declaration.%' OR l.action LIKE 'logfollowup.%') AND l.details ->> 'municipality' = $1))`,
    key: [{ column: 'l.id', name: 'id', cast: 'bigint' }],
  },
  // Gallring: the municipality's runs, their reports and the record of what was destroyed (the
  // cases themselves are gone, so these go by the run's municipality).
  retention_runs: {
    select: 'SELECT r.* FROM retention_runs r WHERE r.municipality = $1',
    key: [{ column: 'r.id', name: 'id', cast: 'text' }],
  },
  retention_items: {
    select: 'SELECT i.* FROM retention_items i JOIN retention_runs r ON r.id = i.run_id WHERE r.municipality = $1',
    key: [
      { column: 'i.run_id', name: 'run_id', cast: 'text' },
      { column: 'i.case_id', name: 'case_id', cast: 'text' },
    ],
  },
  retention_destructions: {
    select: 'SELECT x.* FROM retention_destructions x JOIN retention_runs r ON r.id = x.run_id WHERE r.municipality = $1 AND x.municipality = $1',
    key: [
      { column: 'x.run_id', name: 'run_id', cast: 'text' },
      { column: 'x.case_id', name: 'case_id', cast: 'text' },
    ],
  },
  ssbtek_declarations: {
    select: 'SELECT d.* FROM ssbtek_declarations d WHERE d.municipality = $1',
    key: [{ column: 'd.id', name: 'id', cast: 'bigint' }],
  },
  ssbtek_declaration_ends: {
    select: 'SELECT e.* FROM ssbtek_declaration_ends e JOIN ssbtek_declarations d ON d.id = e.declaration_id WHERE d.municipality = $1',
    key: [{ column: 'e.declaration_id', name: 'declaration_id', cast: 'bigint' }],
  },
  log_followup_reports: {
    select: 'SELECT r.* FROM log_followup_reports r WHERE r.municipality = $1',
    key: [{ column: 'r.id', name: 'id', cast: 'bigint' }],
  },
  log_followup_signoffs: {
    select: 'SELECT so.* FROM log_followup_signoffs so JOIN log_followup_reports r ON r.id = so.report_id WHERE r.municipality = $1',
    key: [{ column: 'so.report_id', name: 'report_id', cast: 'bigint' }],
  },
};

/**
 * The rows of one table that belong to `municipality`, in primary-key order, `pageSize` at a
 * time. Reads only. Run it inside a READ ONLY, REPEATABLE READ transaction
 * (beginReadOnlySnapshot) so all tables are read as of one moment.
 */
export async function* municipalityRows(db: Queryable, table: ExportTable, municipality: string, pageSize = 500): AsyncGenerator<ExportRow[]> {
  const q = QUERIES[table];
  const order = q.key.map((k) => k.column).join(', ');
  let cursor: unknown[] | undefined;
  for (;;) {
    const params: unknown[] = [municipality];
    let after = '';
    if (cursor) {
      const placeholders = q.key.map((k, i) => `$${i + 2}::${k.cast}`).join(', ');
      after = ` AND (${order}) > (${placeholders})`;
      params.push(...cursor);
    }
    params.push(pageSize);
    const { rows } = await db.query<ExportRow>(`${q.select}${after} ORDER BY ${order} LIMIT $${params.length}`, params);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    cursor = q.key.map((k) => last[k.name]);
  }
}

/** How many rows of `table` belong to `municipality` (the same selection as municipalityRows). */
export async function countMunicipalityRows(db: Queryable, table: ExportTable, municipality: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM (${QUERIES[table].select}) t`, [municipality]);
  return Number(rows[0]!.n);
}

/** One screenshot's image, checked again to belong to the municipality. */
export async function readScreenshotImage(db: Queryable, id: string, municipality: string): Promise<Uint8Array> {
  const { rows } = await db.query<{ image: Uint8Array }>(
    'SELECT sc.image FROM case_screenshots sc JOIN cases c ON c.id = sc.case_id WHERE sc.id = $1::bigint AND c.municipality = $2',
    [id, municipality],
  );
  if (!rows[0]) throw new Error(`screenshot ${id} is not one of municipality ${municipality}'s`);
  return rows[0].image;
}

/**
 * Makes the transaction `tx` read-only and repeatable-read: every table of the export is read
 * as of the same moment, and any write in it is refused by the database. Must be the first
 * statement of the transaction.
 */
export async function beginReadOnlySnapshot(tx: Queryable): Promise<void> {
  await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
}

/** The municipalities that have cases (for a helpful error on an unknown code). */
export async function listCaseMunicipalities(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ municipality: string }>('SELECT DISTINCT municipality FROM cases ORDER BY municipality');
  return rows.map((r) => r.municipality);
}
