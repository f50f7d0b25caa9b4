import type { Queryable } from '../db.js';
import { findPersonalNumber } from '../personalDataGuard.js';
import { PSEUDONYM_PATTERN } from '../pseudonym.js';

/**
 * The audit log: who looked at which person's data, in which case, why, and how it went.
 * Append-only; the database itself refuses UPDATE, DELETE and TRUNCATE. A person is named
 * by `pseudonymFor(personalNumber, secret)`, never by the number.
 */
export type AuditResult = 'ok' | 'error' | 'unavailable' | 'refused' | 'started';

export interface AuditEntry {
  id: string;
  at: Date;
  actor: string;
  action: string;
  caseId: string | null;
  subjectRef: string | null;
  purpose: string;
  result: AuditResult;
  details: Record<string, unknown>;
}

export interface NewAuditEntry {
  /** Who: the robot's identity or a caseworker's user id. */
  actor: string;
  /** What, e.g. "ssbtek.lookup", "kir.lookup", "proposal.sign". */
  action: string;
  caseId?: string | null;
  /** From pseudonymFor(); never a personal number. */
  subjectRef?: string | null;
  /** Why, e.g. "utredning av ekonomiskt bistånd". */
  purpose: string;
  result: AuditResult;
  details?: Record<string, unknown>;
}

interface Row {
  id: string;
  at: Date;
  actor: string;
  action: string;
  case_id: string | null;
  subject_ref: string | null;
  purpose: string;
  result: AuditResult;
  details: Record<string, unknown>;
}

const COLUMNS = 'id, at, actor, action, case_id, subject_ref, purpose, result, details';

function toRecord(r: Row): AuditEntry {
  return {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    caseId: r.case_id,
    subjectRef: r.subject_ref,
    purpose: r.purpose,
    result: r.result,
    details: r.details,
  };
}

function checkedValues(entry: NewAuditEntry): unknown[] {
  const subjectRef = entry.subjectRef ?? null;
  if (subjectRef !== null && !PSEUDONYM_PATTERN.test(subjectRef)) {
    throw new Error('audit subjectRef must come from pseudonymFor()');
  }
  // The pseudonym is hex and checked above; everything else must not look like a number.
  const leak = findPersonalNumber({ ...entry, subjectRef: undefined });
  if (leak) throw new Error(`audit entry refused: ${leak} looks like a personal number`);
  return [entry.actor, entry.action, entry.caseId ?? null, subjectRef, entry.purpose, entry.result, JSON.stringify(entry.details ?? {})];
}

/**
 * The checked parameter rows of `entries` (see appendAuditBatch): throws, naming the field and
 * never the value, when an entry carries something that looks like a personal number.
 */
export function auditRows(entries: readonly NewAuditEntry[]): unknown[][] {
  return entries.map(checkedValues);
}

const AUDIT_INSERT_ROWS = 1_000;

/**
 * Writes rows made by auditRows() without reading them back: the pipeline's look-ups only
 * need to know they are stored. One statement per 1 000 rows (all or none within one).
 */
export async function insertAuditRows(db: Queryable, rows: readonly unknown[][]): Promise<void> {
  for (let start = 0; start < rows.length; start += AUDIT_INSERT_ROWS) {
    // The rows as one JSON text: one native stringify instead of escaping every value of
    // seven text arrays (the audit log takes about ten rows per application).
    const chunk = JSON.stringify(rows.slice(start, start + AUDIT_INSERT_ROWS));
    await db.query(
      `INSERT INTO audit_log (actor, action, case_id, subject_ref, purpose, result, details)
       SELECT r->>0, r->>1, r->>2, r->>3, r->>4, r->>5, (r->>6)::jsonb
         FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(r, n)
        ORDER BY n`,
      [chunk],
    );
  }
}

export async function appendAudit(db: Queryable, entry: NewAuditEntry): Promise<AuditEntry> {
  return (await appendAuditBatch(db, [entry]))[0]!;
}

/**
 * Several entries in one statement (e.g. every person a register is asked about for one
 * case): all are written or none, and the pipeline pays one round trip, not one per person.
 */
export async function appendAuditBatch(db: Queryable, entries: readonly NewAuditEntry[]): Promise<AuditEntry[]> {
  if (entries.length === 0) return [];
  const params = entries.flatMap(checkedValues);
  const tuples = entries.map((_, i) => `($${i * 7 + 1}, $${i * 7 + 2}, $${i * 7 + 3}, $${i * 7 + 4}, $${i * 7 + 5}, $${i * 7 + 6}, $${i * 7 + 7}::jsonb)`);
  const { rows } = await db.query<Row>(
    `INSERT INTO audit_log (actor, action, case_id, subject_ref, purpose, result, details)
     VALUES ${tuples.join(', ')} RETURNING ${COLUMNS}`,
    params,
  );
  return rows.map(toRecord);
}

export async function listAuditForCase(db: Queryable, caseId: string): Promise<AuditEntry[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE case_id = $1 ORDER BY id`, [caseId]);
  return rows.map(toRecord);
}

/** The rows with these ids (e.g. those behind a log follow-up finding), oldest first; ids that are not numbers are skipped. */
export async function listAuditByIds(db: Queryable, ids: readonly string[]): Promise<AuditEntry[]> {
  const numeric = ids.filter((id) => /^[0-9]{1,18}$/.test(id));
  if (numeric.length === 0) return [];
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE id = ANY($1::bigint[]) ORDER BY id`, [numeric]);
  return rows.map(toRecord);
}

/** For a register inspection: every look-up of one person (by pseudonym), oldest first. */
export async function listAuditForSubject(db: Queryable, subjectRef: string): Promise<AuditEntry[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM audit_log WHERE subject_ref = $1 ORDER BY id`, [subjectRef]);
  return rows.map(toRecord);
}

/** What the admin's audit-log search filters on; every filter is optional and they combine with AND. */
export interface AuditSearch {
  caseId?: string | undefined;
  /** Exact user id or robot identity. */
  actor?: string | undefined;
  /** Any of these user ids (a search by a person's name gives their ids); with `actor`, either matches. */
  actors?: readonly string[] | undefined;
  /** Rows to skip, for paging (default 0). */
  offset?: number | undefined;
  /** Inclusive lower bound. */
  from?: Date | undefined;
  /** Exclusive upper bound. */
  to?: Date | undefined;
  /** Default 500; the CSV export passes a larger one. */
  limit?: number | undefined;
  /** Newest first (the search page) or oldest first (the export). */
  order?: 'newest' | 'oldest' | undefined;
  /**
   * An admin of some municipalities only: rows about cases of those municipalities, and rows
   * without a case that the searcher wrote (their own searches). Undefined: every row.
   */
  scope?: { municipalities: readonly string[]; self: string } | undefined;
}

/**
 * The admin's audit-log search (case, user, time range). Parameters only, never string
 * concatenation of the input; indexes in migration 0004 keep actor and time searches cheap.
 */
export async function searchAudit(db: Queryable, search: AuditSearch): Promise<AuditEntry[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (search.caseId) add('case_id = ?', search.caseId);
  if (search.actor || search.actors) {
    add('(actor = ANY(?::text[]))', [...(search.actor ? [search.actor] : []), ...(search.actors ?? [])]);
  }
  if (search.from) add('at >= ?', search.from);
  if (search.to) add('at < ?', search.to);
  if (search.scope) {
    add('(case_id IN (SELECT id FROM cases WHERE municipality = ANY(?::text[]))', [...search.scope.municipalities]);
    params.push(search.scope.self);
    where[where.length - 1] += ` OR (case_id IS NULL AND actor = $${params.length}))`;
  }
  const limit = Math.max(1, Math.min(search.limit ?? 500, 1_000_000));
  params.push(limit);
  const offset = Math.max(0, Math.floor(search.offset ?? 0));
  params.push(offset);
  const order = search.order === 'oldest' ? 'ASC' : 'DESC';
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  );
  return rows.map(toRecord);
}
