import { INTAKE_STATES, OPEN_STATES, ROBOT_OWNED_STATES, WORKING_STATES, type CaseState, type WorkingState } from '../../domain/caseStates.js';
import type { Queryable } from '../db.js';

/**
 * The database as the source of truth for work (migration 0010): which job is to carry each
 * case on, how often the robot had to give a case a new one, and the figures operations and
 * alerts read (cases that have not moved, the oldest case per state, the 24-hour promise).
 * Case ids, states, municipality codes and counts only. Which states are working, open or
 * owned by the robot is the state machine's to say (domain/caseStates.ts).
 */

export { INTAKE_STATES, OPEN_STATES, ROBOT_OWNED_STATES, WORKING_STATES, type WorkingState };

/**
 * A state list as SQL text, `'A', 'B'`: written into the statement (not a parameter) so the
 * planner can match the partial index of migration 0010. The states are the code's own words.
 */
function sqlStates(states: readonly CaseState[]): string {
  return states.map((s) => `'${s}'`).join(', ');
}

export interface WorkingCase {
  caseId: string;
  municipality: string;
  state: WorkingState;
  /** The job that is to carry the case on now; intake's "case-<id>" when none other was recorded. */
  jobId: string | null;
  recoveries: number;
  stateChangedAt: Date;
}

/**
 * Cases in a working state that have not changed state since `quietSince`, one page in id order
 * after the id `after`. The quiet time keeps the sweep away from a case intake has stored but
 * not yet enqueued.
 */
export async function listWorkingCases(db: Queryable, options: { quietSince: Date; limit: number; after?: string | undefined }): Promise<WorkingCase[]> {
  const { rows } = await db.query<{ id: string; municipality: string; state: WorkingState; job_id: string | null; recoveries: number; state_changed_at: Date }>(
    `SELECT id, municipality, state, job_id, recoveries, state_changed_at
       FROM cases
      WHERE state IN (${sqlStates(WORKING_STATES)})
        AND state_changed_at < $1
        AND id > $2
      ORDER BY id
      LIMIT $3`,
    [options.quietSince, options.after ?? '', options.limit],
  );
  return rows.map((r) => ({ caseId: r.id, municipality: r.municipality, state: r.state, jobId: r.job_id, recoveries: r.recoveries, stateChangedAt: r.state_changed_at }));
}

/**
 * One page (id order, after `after`) of `municipality`'s cases still as intake left them and
 * never given another job (a recovery or a replay records its own): those a held intake kept
 * from the queue.
 */
export async function listIntakeCases(db: Queryable, municipality: string, options: { limit: number; after?: string | undefined }): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM cases WHERE state IN (${sqlStates(INTAKE_STATES)}) AND job_id IS NULL AND municipality = $1 AND id > $2 ORDER BY id LIMIT $3`,
    [municipality, options.after ?? '', options.limit],
  );
  return rows.map((r) => r.id);
}

/** Records which job carries the case on now (a plan re-check, a replay); written before the job is added, so a crash in between leaves a missing job the sweep finds. */
export async function setCaseJob(db: Queryable, caseId: string, jobId: string): Promise<void> {
  await db.query('UPDATE cases SET job_id = $2 WHERE id = $1', [caseId, jobId]);
}

/**
 * One recovery: the case (still in `state`) gets `jobId` as its job, its recovery count goes
 * up by one, and its history says so in words (same state on both sides of the line). Returns
 * the new count, or undefined when the case has left `state` meanwhile, or (with
 * `previousJobId`) another run has given it a new job since it was read: nothing written.
 */
export async function recordRecovery(
  db: Queryable,
  input: { caseId: string; state: CaseState; jobId: string; actor: string; reason: string; previousJobId?: string | null | undefined },
): Promise<number | undefined> {
  const { rows } = await db.query<{ recoveries: number }>(
    `WITH updated AS (
       UPDATE cases SET job_id = $3, recoveries = recoveries + 1
        WHERE id = $1 AND state = $2 AND ($6::boolean OR job_id IS NOT DISTINCT FROM $7::text)
        RETURNING id, recoveries
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, $2, $2, $4, $5 || ' (återställning ' || recoveries || ')' FROM updated
     )
     SELECT recoveries FROM updated`,
    [input.caseId, input.state, input.jobId, input.actor, input.reason, input.previousJobId === undefined, input.previousJobId ?? null],
  );
  return rows[0]?.recoveries;
}

/**
 * A person's replay of a case (robot/replay.ts): the case (still in `state`) gets `jobId` as its
 * job and, with `history`, a line saying who replayed it. Not counted as a recovery: the robot's
 * own limit is for what it does unasked. False when the case has left `state` meanwhile.
 */
export async function noteReplay(db: Queryable, input: { caseId: string; state: CaseState; jobId: string; actor: string; history: boolean }): Promise<boolean> {
  const { rows } = await db.query<{ id: string }>(
    `WITH updated AS (
       UPDATE cases SET job_id = $3 WHERE id = $1 AND state = $2 RETURNING id
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, $2, $2, $4, 'REPLAY' FROM updated WHERE $5::boolean
     )
     SELECT id FROM updated`,
    [input.caseId, input.state, input.jobId, input.actor, input.history],
  );
  return rows.length > 0;
}

export interface StuckCase {
  caseId: string;
  municipality: string;
  state: CaseState;
  stateChangedAt: Date;
  recoveries: number;
}

/**
 * Cases the robot owns (working states, SIGNED) that have not changed state since `since`,
 * oldest first: the admin overview's "stuck" list. Optionally only some municipalities.
 */
export async function listStuckCases(db: Queryable, options: { since: Date; limit?: number; municipalities?: readonly string[] }): Promise<StuckCase[]> {
  const { rows } = await db.query<{ id: string; municipality: string; state: CaseState; state_changed_at: Date; recoveries: number }>(
    `SELECT id, municipality, state, state_changed_at, recoveries
       FROM cases
      WHERE state IN (${sqlStates(ROBOT_OWNED_STATES)})
        AND state_changed_at < $1
        AND ($2::text[] IS NULL OR municipality = ANY($2::text[]))
      ORDER BY state_changed_at, id
      LIMIT $3`,
    [options.since, options.municipalities ? [...options.municipalities] : null, options.limit ?? 200],
  );
  return rows.map((r) => ({ caseId: r.id, municipality: r.municipality, state: r.state, stateChangedAt: r.state_changed_at, recoveries: r.recoveries }));
}

export interface OldestCase {
  state: CaseState;
  municipality: string;
  /** Seconds since the oldest case of this state and municipality last changed state. */
  ageSeconds: number;
  count: number;
}

/** Per open state and municipality: how long the oldest case has been in it, and how many there are. */
export async function oldestOpenCases(db: Queryable, now: Date): Promise<OldestCase[]> {
  const { rows } = await db.query<{ state: CaseState; municipality: string; oldest: Date; n: string | number }>(
    `SELECT state, municipality, min(state_changed_at) AS oldest, count(*) AS n
       FROM cases
      WHERE state IN (${sqlStates(OPEN_STATES)})
      GROUP BY state, municipality`,
  );
  return rows.map((r) => ({
    state: r.state,
    municipality: r.municipality,
    ageSeconds: Math.max(0, (now.getTime() - new Date(r.oldest).getTime()) / 1000),
    count: Number(r.n),
  }));
}

/**
 * Cases past the 24-hour promise, per municipality: received more than 24 hours before `now`,
 * no signed decision, not completed. Only receipts of the last 31 days count, so a case a
 * caseworker took over and finished outside the robot does not keep the figure up for ever.
 */
export async function countPastPromise(db: Queryable, now: Date): Promise<Array<{ municipality: string; count: number }>> {
  const { rows } = await db.query<{ municipality: string; n: string | number }>(
    `SELECT c.municipality, count(*) AS n
       FROM cases c JOIN applications a ON a.id = c.id
      WHERE c.state <> 'COMPLETED'
        AND a.received_at < $1::timestamptz - interval '24 hours'
        AND a.received_at >= $1::timestamptz - interval '31 days'
        AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id)
      GROUP BY c.municipality`,
    [now],
  );
  return rows.map((r) => ({ municipality: r.municipality, count: Number(r.n) }));
}

/** One case as the sweep reads it, whatever its state (undefined: no such case). */
export async function getCaseWork(db: Queryable, caseId: string): Promise<{ caseId: string; state: CaseState; jobId: string | null; recoveries: number; stateChangedAt: Date } | undefined> {
  const { rows } = await db.query<{ id: string; state: CaseState; job_id: string | null; recoveries: number; state_changed_at: Date }>(
    'SELECT id, state, job_id, recoveries, state_changed_at FROM cases WHERE id = $1',
    [caseId],
  );
  const r = rows[0];
  return r ? { caseId: r.id, state: r.state, jobId: r.job_id, recoveries: r.recoveries, stateChangedAt: r.state_changed_at } : undefined;
}

/** Recoveries of a case while it was in `state` (its history's same-state lines the robot wrote, not replays). */
export async function countRecoveriesInState(db: Queryable, caseId: string, state: CaseState): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(
    "SELECT count(*) AS n FROM case_state_history WHERE case_id = $1 AND from_state = $2 AND to_state = $2 AND reason LIKE 'RECOVERED:%'",
    [caseId, state],
  );
  return Number(rows[0]?.n ?? 0);
}
