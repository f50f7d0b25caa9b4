import type { Job } from 'bullmq';
import { INTAKE_STATES, isIn, WORKING_STATES, type CaseState } from '../domain/caseStates.js';
import { CaseTransitionError, getCaseWork, listWorkingCases, recordRecovery, transitionCase } from '../store/index.js';
import type { RobotDeps } from './deps.js';
import { caseJobId, type Queues } from './queues.js';

/**
 * The database is the source of truth for work; Redis only holds jobs. The case sweep (one per
 * cluster per interval, like the outbound sweep) reads every case in a working state
 * (domain/caseStates.ts WORKING_STATES: RECEIVED, GATHERING, WAITING_FOR_PLAN) and looks up the job recorded for it (cases.job_id;
 * intake's "case-<id>" when none). A case whose job is
 *   - missing (Redis lost its data, or the job was never added),
 *   - failed (BullMQ failed it: "job stalled more than allowable limit", or retries spent
 *     before the case could be moved),
 *   - completed while the case is still in a working state, or
 *   - active for longer than `maxActiveMs` (a hung worker that keeps renewing its lock)
 * gets a new job with a new id ("case-<id>-r<n>"), the count stored with the case and a line in
 * its history. After `maxRecoveries` the case goes to a person instead: TECHNICAL_ERROR with the
 * reason in words. The run itself is idempotent (the
 * proposal is insert-if-absent, moves are compare-and-set), so a recovery that races a job that
 * was alive after all costs a second run, never a second proposal.
 */
export interface CaseSweepOptions {
  /** A case must have been in its state this long before its job is looked at (ms). */
  quietMs: number;
  /** An active job older than this counts as hung (ms). */
  maxActiveMs: number;
  /** New jobs before a person gets the case. */
  maxRecoveries: number;
  /** Cases looked at per database page. */
  pageSize?: number;
  /** At most this many cases per sweep. */
  limit?: number;
}

export type JobVerdict = 'live' | 'missing' | 'failed' | 'finished' | 'hung';

export type RecoveryOutcome = 'requeued' | 'routed' | 'moved-on';

/** Why a case got a new job, in words for its history. */
const WHY: Record<Exclude<JobVerdict, 'live'>, string> = {
  missing: 'jobbet saknades i kön',
  failed: 'jobbet avbröts (arbetsprocessen dog eller jobbet misslyckades)',
  finished: 'jobbet avslutades utan att ärendet gick vidare',
  hung: 'jobbet har hängt sig',
};

/** What has become of a case's job, from the queue's point of view. */
export async function judgeJob(job: Job | undefined, now: number, maxActiveMs: number): Promise<JobVerdict> {
  if (!job) return 'missing';
  const state = await job.getState();
  if (state === 'unknown') return 'missing';
  if (state === 'failed') return 'failed';
  if (state === 'completed') return 'finished';
  if (state === 'active' && job.processedOn !== undefined && now - job.processedOn > maxActiveMs) return 'hung';
  return 'live';
}

/**
 * The reason a case goes to a person after its recoveries, in words. Starts with
 * "TECHNICAL_ERROR: queue" so the admin's list names the component.
 */
export function recoveriesSpentReason(recoveries: number, why: Exclude<JobVerdict, 'live'>): string {
  return `TECHNICAL_ERROR: queue — ${WHY[why]}; roboten har redan gett ärendet nytt jobb ${recoveries} gånger och lämnar det till en handläggare`;
}

/**
 * Gives one case a new job, or hands it to a person when its recoveries are spent. `seen` is
 * the case as read (state, job id, count): if another run moved it on or gave it a job since,
 * nothing is done ('moved-on').
 */
export async function recoverCase(
  deps: Pick<RobotDeps, 'db' | 'logger' | 'identity'>,
  queues: Queues,
  seen: { caseId: string; state: CaseState; jobId: string | null; recoveries: number },
  why: Exclude<JobVerdict, 'live'>,
  maxRecoveries: number,
): Promise<RecoveryOutcome> {
  const { caseId, state } = seen;
  if (seen.recoveries >= maxRecoveries) {
    const to: CaseState = 'TECHNICAL_ERROR';
    try {
      await transitionCase(deps.db, { caseId, from: state, to, actor: deps.identity, reason: recoveriesSpentReason(seen.recoveries, why) });
    } catch (error) {
      if (error instanceof CaseTransitionError && error.problem === 'stale') return 'moved-on';
      throw error;
    }
    deps.logger.warn({ caseId, from: state, to, recoveries: seen.recoveries, why }, 'case handed to a person: recoveries spent');
    return 'routed';
  }
  const jobId = `${caseJobId(caseId)}-r${seen.recoveries + 1}`;
  // The job is recorded before it is added: a crash in between leaves a missing job, which the
  // next sweep finds and counts again.
  const count = await recordRecovery(deps.db, { caseId, state, jobId, actor: deps.identity, reason: `RECOVERED: ${WHY[why]}`, previousJobId: seen.jobId });
  if (count === undefined) return 'moved-on';
  await queues.cases.add('case', { caseId }, { jobId });
  deps.logger.warn({ caseId, state, recoveries: count, why, jobId }, 'case given a new job');
  return 'requeued';
}

/**
 * Looks at one case now (a job of it just failed for good): the same judgement and recovery as
 * the sweep, without waiting for it. A case not in a working state is left alone.
 */
export async function recoverIfStranded(
  deps: Pick<RobotDeps, 'db' | 'logger' | 'identity'>,
  queues: Queues,
  caseId: string,
  options: Pick<CaseSweepOptions, 'maxActiveMs' | 'maxRecoveries'>,
): Promise<RecoveryOutcome | 'live' | 'not-working'> {
  const seen = await getCaseWork(deps.db, caseId);
  if (!seen || !isIn(WORKING_STATES, seen.state)) return 'not-working';
  const verdict = await judgeJob(await queues.cases.getJob(seen.jobId ?? caseJobId(caseId)), Date.now(), options.maxActiveMs);
  if (verdict === 'live') return 'live';
  return recoverCase(deps, queues, seen, verdict, options.maxRecoveries);
}

export interface CaseSweepResult {
  looked: number;
  requeued: number;
  routed: number;
}

/** The case sweep (see the top of this file). */
export async function sweepCases(deps: Pick<RobotDeps, 'db' | 'logger' | 'identity' | 'clock'>, queues: Queues, options: CaseSweepOptions): Promise<CaseSweepResult> {
  const result: CaseSweepResult = { looked: 0, requeued: 0, routed: 0 };
  const pageSize = options.pageSize ?? 200;
  const limit = options.limit ?? 10_000;
  const quietSince = new Date(deps.clock().getTime() - options.quietMs);
  let after: string | undefined;
  // A held municipality's new cases wait for their release (held.ts), not for the sweep.
  const held = await queues.heldMunicipalities();
  while (result.looked < limit) {
    const page = await listWorkingCases(deps.db, { quietSince, limit: pageSize, after });
    if (page.length === 0) break;
    const jobs = await Promise.all(page.map((c) => queues.cases.getJob(c.jobId ?? caseJobId(c.caseId))));
    const now = Date.now();
    for (const [i, c] of page.entries()) {
      result.looked++;
      if (held.has(c.municipality) && isIn(INTAKE_STATES, c.state)) continue;
      const verdict = await judgeJob(jobs[i], now, options.maxActiveMs);
      if (verdict === 'live') continue;
      const outcome = await recoverCase(deps, queues, c, verdict, options.maxRecoveries);
      if (outcome === 'requeued') result.requeued++;
      if (outcome === 'routed') result.routed++;
    }
    after = page.at(-1)!.caseId;
    if (page.length < pageSize) break;
  }
  if (result.requeued + result.routed > 0) deps.logger.warn(result, 'case sweep recovered stranded cases');
  return result;
}
