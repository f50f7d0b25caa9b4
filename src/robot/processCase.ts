import { assess } from '../assessment/assess.js';
import { BusinessException, SystemException } from '../domain/errors.js';
import { validateApplicationPayload, validateSnapshot } from '../domain/snapshot.js';
import {
  CaseTransitionError,
  getApplication,
  getCase,
  insertProposalIfAbsent,
  insertSnapshot,
  transitionCase,
  type CaseState,
} from '../store/index.js';
import type { RobotDeps } from './deps.js';
import { gatherRegisters } from './gather.js';

/** What one run of the case job ended in (logged and counted; no personal data). */
export type CaseRunResult =
  | 'PROPOSE_GRANT'
  | 'PROPOSE_REJECT'
  | 'MANUAL'
  | 'INVALID_APPLICATION'
  | 'WAITING_FOR_PLAN'
  | 'TECHNICAL_ERROR'
  | 'ALREADY_DONE'
  | 'UNKNOWN_CASE';

export interface CaseRun {
  /** True on the job's last attempt: a system exception then routes the case instead of retrying. */
  lastAttempt: boolean;
  /** Schedules the case job again after `delayMs` (the employment plan was still pending). */
  recheckLater(delayMs: number): Promise<void>;
}

const DONE: ReadonlySet<CaseState> = new Set(['PROPOSED', 'MANUAL', 'SIGNED', 'COMPLETED', 'TECHNICAL_ERROR']);

/**
 * One case through the flow of DESIGN.md: validate -> gather -> snapshot -> calculate ->
 * assess -> proposal or manual. Safe to run again at any point (at-least-once delivery):
 * every step checks the stored state first, the proposal is insert-if-absent, and state
 * changes are compare-and-set, so a rerun never makes a second proposal.
 */
export async function processCase(deps: RobotDeps, caseId: string, run: CaseRun): Promise<CaseRunResult> {
  const found = await getCase(deps.db, caseId);
  if (!found) return 'UNKNOWN_CASE';
  let state = found.state;
  if (DONE.has(state)) return 'ALREADY_DONE';

  const application = await getApplication(deps.db, caseId);
  if (!application) throw new SystemException('database', `case ${caseId}: its application row is missing`);
  const validation = validateApplicationPayload(application.raw);

  if (state === 'INVALID' || !validation.ok) {
    // Kept, and routed with its errors in words (they are stored on the application row).
    if (state === 'RECEIVED') state = await move(deps, caseId, 'RECEIVED', 'INVALID', 'INVALID_APPLICATION');
    await move(deps, caseId, 'INVALID', 'MANUAL', 'INVALID_APPLICATION');
    return 'INVALID_APPLICATION';
  }
  const payload = validation.payload;
  if (state === 'RECEIVED') state = await move(deps, caseId, 'RECEIVED', 'GATHERING', null);

  try {
    const registers = await gatherRegisters(deps, payload.application);

    if (registers.plan.status === 'pending') {
      // Counted from when the robot took the case in (its own clock), not the e-service's
      // timestamp: a late-delivered application still gets its re-checks.
      const deadline = found.createdAt.getTime() + deps.planTiming.pendingDeadlineMs;
      if (deps.clock().getTime() < deadline) {
        if (state === 'GATHERING') state = await move(deps, caseId, 'GATHERING', 'WAITING_FOR_PLAN', 'PLAN_PENDING');
        await run.recheckLater(deps.planTiming.recheckDelayMs);
        return 'WAITING_FOR_PLAN';
      }
      // Past the deadline the assessment proceeds and says PLAN_ASSESSMENT_PENDING.
    }

    const snapshotCheck = validateSnapshot({ ...payload, registers });
    if (!snapshotCheck.ok) {
      const fields = snapshotCheck.errors.map((e) => e.field).join(', ');
      throw new SystemException('registers', `case ${caseId}: register answers failed validation (${fields})`);
    }
    const snapshot = snapshotCheck.snapshot;
    const stored = await insertSnapshot(deps.db, { caseId, snapshot, rulesVersion: deps.rules.version });
    const proposal = assess(snapshot, deps.rules);
    const { proposal: kept } = await insertProposalIfAbsent(deps.db, {
      caseId,
      snapshotId: stored.id,
      outcome: proposal.outcome,
      amount: proposal.amount,
      reasons: proposal.reasons,
      proposal,
    });
    const to: CaseState = kept.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED';
    await move(deps, caseId, state, to, kept.reasons.join(',') || kept.outcome);
    return kept.outcome;
  } catch (error) {
    if (error instanceof BusinessException) {
      await move(deps, caseId, state, 'MANUAL', error.reason);
      return 'MANUAL';
    }
    if (!run.lastAttempt) throw error;
    // Retries are spent: a caseworker takes over, told which part failed. The case can be
    // replayed from TECHNICAL_ERROR once the outage is over.
    const component = error instanceof SystemException ? error.component : 'robot';
    await move(deps, caseId, state, 'TECHNICAL_ERROR', `TECHNICAL_ERROR: ${component}`);
    return 'TECHNICAL_ERROR';
  }
}

/**
 * Compare-and-set state change. Losing the race to another worker that already moved the
 * case on is not an error: the other run did the work.
 */
async function move(deps: RobotDeps, caseId: string, from: CaseState, to: CaseState, reason: string | null): Promise<CaseState> {
  if (from === to) return to;
  try {
    await transitionCase(deps.db, { caseId, from, to, actor: deps.identity, reason });
  } catch (error) {
    if (!(error instanceof CaseTransitionError) || error.problem !== 'stale') throw error;
    deps.logger.info({ caseId, from, to }, 'case already moved on by another run');
  }
  return to;
}
