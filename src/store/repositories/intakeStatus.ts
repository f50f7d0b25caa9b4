import type { Queryable } from '../db.js';

/** How intake is doing: read by /healthz, the admin page and the metrics of every process. */
export interface IntakeStatus {
  lastSuccessAt: Date | null;
  lastFailureAt: Date | null;
  /** Polls that failed since the last one that went through. */
  consecutiveFailures: number;
  /** The failure's class and words, never the payload (error messages are written without personal data). */
  lastError: string | null;
  /** When an admin paused the whole intake; null while it runs. The poll and every process's metrics read it. */
  pausedAt: Date | null;
}

/** A poll went through: the failure count starts over. */
export async function recordIntakeSuccess(db: Queryable, feed: string): Promise<void> {
  await db.query(
    `INSERT INTO intake_status (feed, last_success_at, consecutive_failures) VALUES ($1, now(), 0)
     ON CONFLICT (feed) DO UPDATE SET last_success_at = now(), consecutive_failures = 0`,
    [feed],
  );
}

/** A poll failed; `error` is a class and plain words (at most 500 characters are kept). */
export async function recordIntakeFailure(db: Queryable, feed: string, error: string): Promise<void> {
  await db.query(
    `INSERT INTO intake_status (feed, last_failure_at, consecutive_failures, last_error) VALUES ($1, now(), 1, $2)
     ON CONFLICT (feed) DO UPDATE SET last_failure_at = now(), consecutive_failures = intake_status.consecutive_failures + 1, last_error = EXCLUDED.last_error`,
    [feed, error.slice(0, 500)],
  );
}

/** Undefined when intake has never run against this database. */
export async function getIntakeStatus(db: Queryable, feed: string): Promise<IntakeStatus | undefined> {
  const { rows } = await db.query<{ last_success_at: Date | null; last_failure_at: Date | null; consecutive_failures: number; last_error: string | null; paused_at: Date | null }>(
    'SELECT last_success_at, last_failure_at, consecutive_failures, last_error, paused_at FROM intake_status WHERE feed = $1',
    [feed],
  );
  const row = rows[0];
  if (!row) return undefined;
  return { lastSuccessAt: row.last_success_at, lastFailureAt: row.last_failure_at, consecutiveFailures: row.consecutive_failures, lastError: row.last_error, pausedAt: row.paused_at };
}

/**
 * An admin paused (true) or resumed (false) the whole intake. The database keeps it, not only
 * Redis: a Redis that comes back empty must not resume intake, and the web process's metrics
 * must see it (migration 0015).
 */
export async function setIntakePaused(db: Queryable, feed: string, paused: boolean): Promise<void> {
  await db.query(
    `INSERT INTO intake_status (feed, paused_at) VALUES ($1, CASE WHEN $2::boolean THEN now() END)
     ON CONFLICT (feed) DO UPDATE SET paused_at = CASE WHEN $2::boolean THEN coalesce(intake_status.paused_at, now()) END`,
    [feed, paused],
  );
}
