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
 * Only the owner closes (`owner` must match) and only a case without a decision. Returns false
 * when the case is not so (any more). `reason`: the caseworker's words, kept on the case only.
 */
export async function closeManualCase(db: Queryable, c: { caseId: string; owner: string; reason: string; actor: string }): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `WITH updated AS (
       UPDATE cases SET closed_at = now(), closed_reason = $3
        WHERE id = $1 AND owner = $2 AND state = 'MANUAL' AND closed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = $1)
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
