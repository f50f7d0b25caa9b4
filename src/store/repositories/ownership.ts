import type { CaseState } from '../../domain/caseStates.js';
import type { Queryable } from '../db.js';

/**
 * Who owns a case on the workbench, and closing a MANUAL case as handled in the case system.
 * Each change is a compare-and-set on the case row (two caseworkers claiming at once: one wins)
 * with its line in case_state_history in the same statement (same state on both sides).
 */

/** The states in which a case can be claimed, handed back or reassigned: the review queue's. */
export const OWNABLE_STATES = ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'] as const satisfies readonly CaseState[];

/** History reasons of ownership changes; REASSIGNED carries the new owner (`REASSIGNED:<id>`, `-` for the queue). */
export const OWNER_REASONS = { claimed: 'CLAIMED', released: 'RELEASED', reassigned: 'REASSIGNED' } as const;

export interface OwnerChange {
  caseId: string;
  /** The owner the caller saw (null: the shared queue); the change is refused if it is no longer so. */
  expectedOwner: string | null;
  newOwner: string | null;
  actor: string;
  reason: string;
}

/**
 * Sets the case's owner if it still has `expectedOwner`, is in an ownable state and is not
 * closed. Returns false when any of that no longer holds (the caller re-reads and says why).
 */
export async function changeOwner(db: Queryable, change: OwnerChange): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `WITH updated AS (
       UPDATE cases SET owner = $3
        WHERE id = $1 AND owner IS NOT DISTINCT FROM $2 AND closed_at IS NULL
          AND state IN (SELECT jsonb_array_elements_text($6::jsonb))
        RETURNING id, state
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, state, state, $4, $5 FROM updated
     )
     SELECT id FROM updated`,
    [change.caseId, change.expectedOwner, change.newOwner, change.actor, change.reason, JSON.stringify(OWNABLE_STATES)],
  );
  return rows.length > 0;
}

/**
 * Closes a MANUAL case as handled entirely in the case system: it leaves the inbox for good.
 * Only the owner closes (`owner` must match). A case with a decision is in MANUAL only because
 * its carry-out stopped (a register of payment failed for good, a possible återkrav): the
 * caseworker finishes it in the case system and closes it here the same way. Returns false when
 * the case is not so (any more). `reason`: the caseworker's words, kept on the case only.
 */
export async function closeManualCase(db: Queryable, c: { caseId: string; owner: string; reason: string; actor: string }): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `WITH updated AS (
       UPDATE cases SET closed_at = now(), closed_reason = $3
        WHERE id = $1 AND owner = $2 AND state = 'MANUAL' AND closed_at IS NULL
        RETURNING id
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, 'MANUAL', 'MANUAL', $4, 'CLOSED_IN_CASE_SYSTEM' FROM updated
     )
     SELECT id FROM updated`,
    [c.caseId, c.owner, c.reason, c.actor],
  );
  return rows.length > 0;
}

/**
 * SQL for a case's last change of state (`c` the cases row): its history line, skipping the
 * lines of claims, hand-backs and closing, which keep the state.
 */
export const LAST_MOVE_SQL = `(SELECT h.from_state, h.reason FROM case_state_history h
   WHERE h.case_id = c.id AND h.from_state IS DISTINCT FROM h.to_state ORDER BY h.id DESC LIMIT 1)`;

/**
 * Why a signed decision's carry-out left the case with a caseworker: the reason of its move
 * SIGNED -> MANUAL (POSSIBLE_RECLAIM, or "TECHNICAL_ERROR: payment", ...) when that is the case's
 * last change of state and it is still MANUAL. Undefined for any other case.
 */
export async function carryOutStop(db: Queryable, caseId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ state: string; from_state: string | null; reason: string | null }>(
    `SELECT c.state, m.from_state, m.reason FROM cases c LEFT JOIN LATERAL ${LAST_MOVE_SQL} m ON true WHERE c.id = $1`,
    [caseId],
  );
  const row = rows[0];
  if (row?.state !== 'MANUAL' || row.from_state !== 'SIGNED') return undefined;
  return row.reason ?? '';
}

/** History reason of a caseworker's new start of a stopped carry-out. */
export const CARRY_OUT_AGAIN = 'CARRY_OUT_AGAIN';

/**
 * The owner sends a decided case whose carry-out stopped on a technical error back to SIGNED,
 * so the robot carries the decision out again (steps already done stay done). Not a case that
 * stopped on a possible återkrav (that needs a decision of its own), not a closed one. A
 * compare-and-set with its history line; false when the case is not so (any more).
 */
export async function restartCarryOut(db: Queryable, c: { caseId: string; owner: string; actor: string }): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `WITH updated AS (
       UPDATE cases c SET state = 'SIGNED', state_changed_at = now()
        WHERE c.id = $1 AND c.owner = $2 AND c.state = 'MANUAL' AND c.closed_at IS NULL
          AND EXISTS (SELECT 1 FROM ${LAST_MOVE_SQL} m WHERE m.from_state = 'SIGNED' AND m.reason IS DISTINCT FROM 'POSSIBLE_RECLAIM')
        RETURNING c.id
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, 'MANUAL', 'SIGNED', $3, '${CARRY_OUT_AGAIN}' FROM updated
     )
     SELECT id FROM updated`,
    [c.caseId, c.owner, c.actor],
  );
  return rows.length > 0;
}
