import type { Queryable } from '../db.js';
import { findPersonalNumber } from '../personalDataGuard.js';

/** How a queue job ended: for operations (retries, failure rates), not for decisions. */
export type JobOutcome = 'completed' | 'failed' | 'retrying' | 'routed-manual';

export interface JobOutcomeRecord {
  id: string;
  jobId: string;
  caseId: string | null;
  queue: string;
  outcome: JobOutcome;
  errorClass: string | null;
  attempts: number;
  at: Date;
}

export interface NewJobOutcome {
  jobId: string;
  caseId?: string | null;
  queue: string;
  outcome: JobOutcome;
  /** The error's class name only (e.g. "SystemException"); messages stay out of the store. */
  errorClass?: string | null;
  attempts: number;
}

interface Row {
  id: string;
  job_id: string;
  case_id: string | null;
  queue: string;
  outcome: JobOutcome;
  error_class: string | null;
  attempts: number;
  at: Date;
}

const COLUMNS = 'id, job_id, case_id, queue, outcome, error_class, attempts, at';

function toRecord(r: Row): JobOutcomeRecord {
  return {
    id: r.id,
    jobId: r.job_id,
    caseId: r.case_id,
    queue: r.queue,
    outcome: r.outcome,
    errorClass: r.error_class,
    attempts: r.attempts,
    at: r.at,
  };
}

export async function recordJobOutcome(db: Queryable, input: NewJobOutcome): Promise<JobOutcomeRecord> {
  const leak = findPersonalNumber(input);
  if (leak) throw new Error(`job outcome refused: ${leak} looks like a personal number`);
  const { rows } = await db.query<Row>(
    `INSERT INTO job_outcomes (job_id, case_id, queue, outcome, error_class, attempts)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [input.jobId, input.caseId ?? null, input.queue, input.outcome, input.errorClass ?? null, input.attempts],
  );
  return toRecord(rows[0] as Row);
}

export async function listJobOutcomesForCase(db: Queryable, caseId: string): Promise<JobOutcomeRecord[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM job_outcomes WHERE case_id = $1 ORDER BY id`, [caseId]);
  return rows.map(toRecord);
}
