import type { Queryable } from '../db.js';

/**
 * The case snapshot: everything a decision depends on. Written once and never changed (the
 * database refuses UPDATE and DELETE), so any decision can be replayed from it years later.
 * A case may have several (it is gathered again after waiting for a plan); a proposal names
 * the one it was made from.
 */
export interface SnapshotRecord {
  id: string;
  caseId: string;
  snapshot: unknown;
  rulesVersion: string;
  createdAt: Date;
}

interface Row {
  id: string;
  case_id: string;
  snapshot: unknown;
  rules_version: string;
  created_at: Date;
}

const COLUMNS = 'id, case_id, snapshot, rules_version, created_at';

function toRecord(row: Row): SnapshotRecord {
  return { id: row.id, caseId: row.case_id, snapshot: row.snapshot, rulesVersion: row.rules_version, createdAt: row.created_at };
}

export async function insertSnapshot(
  db: Queryable,
  input: { caseId: string; snapshot: unknown; rulesVersion: string },
): Promise<SnapshotRecord> {
  const { rows } = await db.query<Row>(
    `INSERT INTO snapshots (case_id, snapshot, rules_version) VALUES ($1, $2::jsonb, $3) RETURNING ${COLUMNS}`,
    [input.caseId, JSON.stringify(input.snapshot), input.rulesVersion],
  );
  return toRecord(rows[0] as Row);
}

export async function getSnapshot(db: Queryable, id: string): Promise<SnapshotRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM snapshots WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export async function latestSnapshotForCase(db: Queryable, caseId: string): Promise<SnapshotRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM snapshots WHERE case_id = $1 ORDER BY id DESC LIMIT 1`, [
    caseId,
  ]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}
