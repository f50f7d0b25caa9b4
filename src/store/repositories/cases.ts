import { canTransition, isCaseState, type CaseState } from '../../domain/caseStates.js';
import type { Queryable } from '../db.js';
import { CaseTransitionError } from '../errors.js';

export interface CaseRecord {
  id: string;
  municipality: string;
  organisation: string | null;
  month: string | null;
  state: CaseState;
  stateChangedAt: Date;
  attempts: number;
  createdAt: Date;
  /** The caseworker (user id) who has claimed the case; null while it is in the shared queue. */
  owner: string | null;
  /** Set when a caseworker closed the MANUAL case as handled entirely in the case system. */
  closedAt: Date | null;
  /** The caseworker's reason for closing (their words; shown on the case page only). */
  closedReason: string | null;
}

export interface StateChange {
  id: string;
  caseId: string;
  fromState: CaseState | null;
  toState: CaseState;
  actor: string;
  reason: string | null;
  at: Date;
}

interface Row {
  id: string;
  municipality: string;
  organisation: string | null;
  month: string | null;
  state: string;
  state_changed_at: Date;
  attempts: number;
  created_at: Date;
  owner: string | null;
  closed_at: Date | null;
  closed_reason: string | null;
}

const COLUMNS = 'id, municipality, organisation, month, state, state_changed_at, attempts, created_at, owner, closed_at, closed_reason';

function state(value: string): CaseState {
  if (!isCaseState(value)) throw new Error(`unknown case state in database: ${value}`);
  return value;
}

function toRecord(row: Row): CaseRecord {
  return {
    id: row.id,
    municipality: row.municipality,
    organisation: row.organisation,
    month: row.month,
    state: state(row.state),
    stateChangedAt: row.state_changed_at,
    attempts: row.attempts,
    createdAt: row.created_at,
    owner: row.owner,
    closedAt: row.closed_at,
    closedReason: row.closed_reason,
  };
}

export interface NewCase {
  /** The application's id: one application, one case. */
  id: string;
  municipality: string;
  organisation?: string | null;
  month?: string | null;
  /**
   * RECEIVED normally; MANUAL when the application failed validation at intake (judged once,
   * there: the case goes straight to a caseworker, with `reason` INVALID_APPLICATION).
   */
  state?: 'RECEIVED' | 'MANUAL';
  /** The first history line's reason (a code or words, never personal data). */
  reason?: string | null;
  actor: string;
}

/**
 * Opens the case for an application, once. The first state is written to the history in
 * the same statement, so a case never exists without its history.
 */
export async function createCase(db: Queryable, input: NewCase): Promise<{ case: CaseRecord; created: boolean }> {
  const { rows } = await db.query<Row>(
    `WITH inserted AS (
       INSERT INTO cases (id, municipality, organisation, month, state)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING
       RETURNING ${COLUMNS}
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, NULL, state, $6, $7 FROM inserted
     )
     SELECT ${COLUMNS} FROM inserted`,
    [input.id, input.municipality, input.organisation ?? null, input.month ?? null, input.state ?? 'RECEIVED', input.actor, input.reason ?? null],
  );
  if (rows[0]) return { case: toRecord(rows[0]), created: true };
  const existing = await getCase(db, input.id);
  if (!existing) throw new Error(`case ${input.id}: insert skipped but no row found`);
  return { case: existing, created: false };
}

/**
 * Opens the cases for a page of applications in one statement (as createCase, each once, with
 * its first state in the history). Returns the ids of the cases that were new.
 */
export async function createCases(db: Queryable, inputs: readonly NewCase[]): Promise<Set<string>> {
  if (inputs.length === 0) return new Set();
  const actors = new Set(inputs.map((i) => i.actor));
  if (actors.size !== 1) throw new Error('createCases: one actor per call');
  const { rows } = await db.query<{ id: string }>(
    `WITH inserted AS (
       INSERT INTO cases (id, municipality, organisation, month, state)
       SELECT id, municipality, organisation, month, state
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
           WITH ORDINALITY AS t(id, municipality, organisation, month, state, n)
        ORDER BY n
       ON CONFLICT (id) DO NOTHING
       RETURNING id, state
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       -- One line per new case, with the reason of the first input under its id (a page may repeat one).
       SELECT DISTINCT ON (i.id) i.id, NULL, i.state, $6, r.reason
         FROM inserted i JOIN unnest($1::text[], $7::text[]) WITH ORDINALITY AS r(id, reason, n) ON r.id = i.id
        ORDER BY i.id, r.n
     )
     SELECT id FROM inserted`,
    [
      inputs.map((i) => i.id),
      inputs.map((i) => i.municipality),
      inputs.map((i) => i.organisation ?? null),
      inputs.map((i) => i.month ?? null),
      inputs.map((i) => i.state ?? 'RECEIVED'),
      inputs[0]!.actor,
      inputs.map((i) => i.reason ?? null),
    ],
  );
  return new Set(rows.map((r) => r.id));
}

/** Several cases with their applications' raw payloads in one round trip (by id; missing ids left out). */
export async function getCasesWithApplications(
  db: Queryable,
  ids: readonly string[],
): Promise<Map<string, { case: CaseRecord; application: { raw: unknown; contentSha256: string | null } | undefined }>> {
  const { rows } = await db.query<Row & { raw: unknown; content_sha256: string | null; has_application: boolean }>(
    `SELECT ${COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}, a.raw, a.content_sha256, (a.id IS NOT NULL) AS has_application
       FROM cases c LEFT JOIN applications a ON a.id = c.id
      WHERE c.id = ANY($1::text[])`,
    [[...new Set(ids)]],
  );
  return new Map(rows.map((row) => [row.id, { case: toRecord(row), application: row.has_application ? { raw: row.raw, contentSha256: row.content_sha256 } : undefined }]));
}

/**
 * The same compare-and-set move (from -> to, one actor and reason) for several cases in one
 * statement, each with its history line. Returns the ids that moved; a case not in `from`
 * (or unknown) is left alone and not returned, and the caller says why (transitionCase).
 */
export async function transitionCases(
  db: Queryable,
  t: { caseIds: readonly string[]; from: CaseState; to: CaseState; actor: string; reason?: string | null },
): Promise<Set<string>> {
  if (!canTransition(t.from, t.to)) throw new CaseTransitionError(t.caseIds[0] ?? '?', 'not-allowed', t.from, t.to);
  if (t.caseIds.length === 0) return new Set();
  const { rows } = await db.query<{ id: string }>(
    `WITH updated AS (
       UPDATE cases SET state = $3, state_changed_at = now()
       WHERE id = ANY($1::text[]) AND state = $2
       RETURNING id
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, $2, $3, $4, $5 FROM updated
     )
     SELECT id FROM updated`,
    [[...new Set(t.caseIds)], t.from, t.to, t.actor, t.reason ?? null],
  );
  return new Set(rows.map((r) => r.id));
}

/** The case and its application's raw payload in one round trip (the case job's first read). */
export async function getCaseWithApplication(
  db: Queryable,
  id: string,
): Promise<{ case: CaseRecord; application: { raw: unknown } | undefined } | undefined> {
  const { rows } = await db.query<Row & { raw: unknown; has_application: boolean }>(
    `SELECT ${COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}, a.raw, (a.id IS NOT NULL) AS has_application
       FROM cases c LEFT JOIN applications a ON a.id = c.id
      WHERE c.id = $1`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { case: toRecord(row), application: row.has_application ? { raw: row.raw } : undefined };
}

export async function getCase(db: Queryable, id: string): Promise<CaseRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM cases WHERE id = $1`, [id]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export interface Transition {
  caseId: string;
  from: CaseState;
  to: CaseState;
  actor: string;
  /** Why, in words or a reason code; never personal data. */
  reason?: string | null;
}

/**
 * Moves a case from `from` to `to` if the state table allows that edge and the case is
 * still in `from`. Check and change are one statement (UPDATE ... WHERE state = $from), so
 * two workers racing on one case cannot both win; the loser gets a `stale` error.
 */
export async function transitionCase(db: Queryable, t: Transition): Promise<CaseRecord> {
  if (!canTransition(t.from, t.to)) throw new CaseTransitionError(t.caseId, 'not-allowed', t.from, t.to);
  const { rows } = await db.query<Row>(
    `WITH updated AS (
       UPDATE cases SET state = $3, state_changed_at = now()
       WHERE id = $1 AND state = $2
       RETURNING ${COLUMNS}
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, $2, $3, $4, $5 FROM updated
     )
     SELECT ${COLUMNS} FROM updated`,
    [t.caseId, t.from, t.to, t.actor, t.reason ?? null],
  );
  if (rows[0]) return toRecord(rows[0]);
  const current = await getCase(db, t.caseId);
  if (!current) throw new CaseTransitionError(t.caseId, 'not-found', t.from, t.to);
  throw new CaseTransitionError(t.caseId, 'stale', t.from, t.to, current.state);
}

/** Counts one more processing attempt; returns the new count. */
export async function incrementAttempts(db: Queryable, caseId: string): Promise<number> {
  const { rows } = await db.query<{ attempts: number }>(
    'UPDATE cases SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts',
    [caseId],
  );
  if (!rows[0]) throw new Error(`case ${caseId}: no such case`);
  return rows[0].attempts;
}

/** Oldest first: the order in which a sweeper should pick them up. */
export async function listCasesInState(db: Queryable, inState: CaseState, limit = 100): Promise<CaseRecord[]> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM cases WHERE state = $1 ORDER BY state_changed_at, id LIMIT $2`,
    [inState, limit],
  );
  return rows.map(toRecord);
}

export async function getStateHistory(db: Queryable, caseId: string): Promise<StateChange[]> {
  const { rows } = await db.query<{
    id: string;
    case_id: string;
    from_state: string | null;
    to_state: string;
    actor: string;
    reason: string | null;
    at: Date;
  }>('SELECT id, case_id, from_state, to_state, actor, reason, at FROM case_state_history WHERE case_id = $1 ORDER BY id', [
    caseId,
  ]);
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    fromState: r.from_state === null ? null : state(r.from_state),
    toState: state(r.to_state),
    actor: r.actor,
    reason: r.reason,
    at: r.at,
  }));
}
