/**
 * The database is the source of truth for work (issue "nothing lost under production settings").
 *
 * cases.job_id: the queue job that is to carry the case on now (intake's "case-<id>", a plan
 * re-check, a replay, a recovery). NULL means intake's own job, "case-<id>". The case sweep
 * looks this job up in Redis: missing, failed, finished while the case is still in a working
 * state, or running for longer than a bound means the case is stranded and gets a new job.
 *
 * cases.recoveries: how many times the sweep (or an admin's replay of a stuck case) gave the
 * case a new job. Each recovery is also a line in case_state_history (same state on both
 * sides, the reason in words), so the case's own history tells what happened. After the
 * configured number the case goes to a person instead (TECHNICAL_ERROR, or MANUAL for a
 * signed decision), never round again.
 */
export const sql = /* sql */ `
ALTER TABLE cases ADD COLUMN job_id text CHECK (job_id IS NULL OR job_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$');
ALTER TABLE cases ADD COLUMN recoveries integer NOT NULL DEFAULT 0 CHECK (recoveries >= 0);

-- The sweep pages through the cases in the robot's working states by id.
CREATE INDEX cases_working_idx ON cases (id, state_changed_at)
  WHERE state IN ('RECEIVED', 'INVALID', 'GATHERING', 'WAITING_FOR_PLAN');
`;
