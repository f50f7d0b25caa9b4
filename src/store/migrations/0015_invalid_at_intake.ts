/**
 * Issue 10 (7) and the intake pause in the database.
 *
 * An application is judged once, at intake: one that fails validation gets its case as MANUAL
 * (reason INVALID_APPLICATION) at once, with no job. Cases an older version left in INVALID
 * (waiting for the job that moved them on) are moved now, each with its history line, so no
 * case is in INVALID any more; the state stays allowed because histories name it.
 *
 * `intake_status.paused_at`: when an admin paused the whole intake (null: running). The pause
 * used to live only in Redis (the intake queue's pause flag): the web process's metrics could
 * not see it, and a Redis that lost its data resumed intake silently. The poll reads it here.
 */
export const sql = /* sql */ `
WITH moved AS (
  UPDATE cases SET state = 'MANUAL', state_changed_at = now() WHERE state = 'INVALID' RETURNING id
)
INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
SELECT id, 'INVALID', 'MANUAL', 'migration:0015', 'INVALID_APPLICATION' FROM moved;

ALTER TABLE intake_status ADD COLUMN paused_at timestamptz;
`;
