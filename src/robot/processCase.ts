import { assess } from '../assessment/assess.js';
import { stockholmDate } from '../domain/dates.js';
import { automationFor } from '../decisions/automation.js';
import { BusinessException, SystemException } from '../domain/errors.js';
import { completeSnapshot, validateApplicationPayload } from '../domain/snapshot.js';
import { isIn, PROCESSED_STATES } from '../domain/caseStates.js';
import {
  CaseTransitionError,
  getCasesWithApplications,
  getProposalForCase,
  insertSnapshot,
  transitionCase,
  transitionCases,
  type CaseState,
  type Db,
} from '../store/index.js';
import { decideAutomatically } from './automatedDecision.js';
import { coalesce, perDb, perKey } from './coalesce.js';
import type { RobotDeps } from './deps.js';
import { openFirstMeeting } from './firstMeeting.js';
import { gatherRegisters } from './gather.js';
import { handedPayloads } from './handedPayloads.js';
import { storeSnapshotAndProposal } from './storeEnding.js';

/** What one run of the case job ended in (logged and counted; no personal data). */
export type CaseRunResult =
  | 'PROPOSE_GRANT'
  | 'PROPOSE_REJECT'
  | 'MANUAL'
  | 'INVALID_APPLICATION'
  | 'WAITING_FOR_PLAN'
  | 'TECHNICAL_ERROR'
  | 'ALREADY_DONE'
  | 'UNKNOWN_CASE'
  /** This run decided the case itself under the municipality's delegation (no signature). */
  | 'DECIDED_AUTOMATICALLY';

export interface CaseRun {
  /** True on the job's last attempt: a system exception then routes the case instead of retrying. */
  lastAttempt: boolean;
  /** Schedules the case job again after `delayMs` (the employment plan was still pending). */
  recheckLater(delayMs: number): Promise<void>;
  /**
   * Called after the robot decided a case itself, to start carrying the decision out at once.
   * Best effort: the outbound sweep gives every signed decision a job anyway.
   */
  decided?(decisionId: string): Promise<void>;
  /**
   * The case is assessed and has a first meeting to book: hands it to its booking job
   * (robot/firstMeeting.ts). Unset: the booking sweep picks it up.
   */
  firstMeetingReady?(): Promise<void>;
}

/** Case jobs running at once read their cases, and start gathering, in shared statements. */
const readCase = perDb((db: Db) => coalesce((ids: readonly string[]) => getCasesWithApplications(db, ids)));
const startGathering = perDb((db: Db) =>
  perKey((actor: string) =>
    coalesce(async (ids: readonly string[]) => {
      const moved = await transitionCases(db, { caseIds: ids, from: 'RECEIVED', to: 'GATHERING', actor, reason: null });
      return new Map(ids.map((id) => [id, moved.has(id)]));
    }),
  ),
);


/**
 * One case through the flow of DESIGN.md: validate -> gather -> snapshot -> calculate ->
 * assess -> proposal or manual. Safe to run again at any point (at-least-once delivery):
 * every step checks the stored state first, the proposal is insert-if-absent, and state
 * changes are compare-and-set, so a rerun never makes a second proposal.
 */
export async function processCase(deps: RobotDeps, caseId: string, run: CaseRun): Promise<CaseRunResult> {
  // The case and its application in one read.
  const both = await readCase(deps.db)(caseId);
  if (!both) return 'UNKNOWN_CASE';
  const found = both.case;
  let state = found.state;
  if (isIn(PROCESSED_STATES, state)) {
    // A run that stopped between the proposal and an automated decision is finished here.
    if (state === 'PROPOSED') return (await automate(deps, caseId, run)) ? 'DECIDED_AUTOMATICALLY' : 'ALREADY_DONE';
    return 'ALREADY_DONE';
  }

  const application = both.application;
  if (!application) throw new SystemException('database', `case ${caseId}: its application row is missing`);
  // Intake judged the application (an invalid one never gets here: its case is MANUAL from the
  // start) and, in this process, handed over what it read (handedPayloads.ts: same content by
  // digest); otherwise this reads the stored payload into its typed form. It fails only for a
  // case an older version took in under other checks: that one goes to a caseworker the same way.
  const handed = handedPayloads(deps.db).take(caseId, application.contentSha256);
  const validation = handed ? { ok: true as const, payload: handed } : validateApplicationPayload(application.raw);
  if (!validation.ok) {
    if (state === 'RECEIVED') await move(deps, caseId, 'RECEIVED', 'MANUAL', 'INVALID_APPLICATION');
    else throw new SystemException('database', `case ${caseId}: its stored application no longer reads as valid`);
    return 'INVALID_APPLICATION';
  }
  const payload = validation.payload;
  if (state === 'RECEIVED') {
    // Shared with the other jobs of this turn; a case that did not move goes the single way,
    // which names the reason (another run moved it first: logged and carried on, as always).
    const moved = await startGathering(deps.db)(deps.identity)(caseId);
    state = moved ? 'GATHERING' : await move(deps, caseId, 'RECEIVED', 'GATHERING', null);
  }

  try {
    // Written down before anything else can go wrong, so no kill loses the first meeting.
    const firstMeeting = await openFirstMeeting(deps, payload.application);
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

    const snapshotCheck = completeSnapshot(payload, registers);
    if (!snapshotCheck.ok) {
      const fields = snapshotCheck.errors.map((e) => e.field).join(', ');
      throw new SystemException('registers', `case ${caseId}: register answers failed validation (${fields})`);
    }
    const snapshot = snapshotCheck.snapshot;
    let proposal: ReturnType<typeof assess>;
    try {
      proposal = assess(snapshot, deps.rules);
    } catch (error) {
      // The snapshot is kept whatever the assessment made of it.
      await insertSnapshot(deps.db, { caseId, snapshot, rulesVersion: deps.rules.version });
      throw error;
    }
    // Snapshot, proposal (insert-if-absent) and the state change in one statement, shared with this turn's other cases.
    const to: CaseState = proposal.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED';
    const reason = proposal.reasons.join(',') || proposal.outcome;
    const stored = await storeSnapshotAndProposal(deps.db, {
      caseId,
      snapshot,
      rulesVersion: deps.rules.version,
      outcome: proposal.outcome,
      amount: proposal.amount,
      reasons: proposal.reasons,
      proposal,
      from: state,
      to,
      actor: deps.identity,
      reason,
    });
    let kept: { outcome: typeof proposal.outcome; reasons: readonly string[] } = proposal;
    if (!stored.created) {
      // An earlier run made the proposal: that one stands, and the case follows it.
      const existing = await getProposalForCase(deps.db, caseId);
      if (!existing) throw new SystemException('database', `case ${caseId}: proposal insert skipped but no row found`);
      kept = existing;
      await move(deps, caseId, state, existing.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED', existing.reasons.join(',') || existing.outcome);
    } else if (!stored.moved) {
      // Another run moved the case on first (or it was not in `state`): same handling as move().
      await move(deps, caseId, state, to, reason);
    }
    if (firstMeeting && run.firstMeetingReady) {
      // Never holds up the case: if this fails, the booking sweep hands it over instead.
      await run.firstMeetingReady().catch((error: unknown) => deps.logger.warn({ caseId, error: { name: (error as Error).name } }, 'first meeting not handed over; the sweep will'));
    }
    // The pure check first, on what is in hand: the usual answer (not delegated) costs no read.
    if (kept.outcome !== 'MANUAL' && (!stored.created || automationFor(proposal, snapshot.application.kind, deps.rules, stockholmDate(deps.clock())).decide)) {
      if (await automate(deps, caseId, run)) return 'DECIDED_AUTOMATICALLY';
    }
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

/** Decides the case itself when delegated (see automatedDecision.ts) and starts carrying it out. */
async function automate(deps: RobotDeps, caseId: string, run: CaseRun): Promise<boolean> {
  const decided = await decideAutomatically(deps, caseId);
  if (!decided) return false;
  try {
    await run.decided?.(decided.decisionId);
  } catch (error) {
    deps.logger.warn({ caseId, decisionId: decided.decisionId, error: (error as Error).name }, 'decision not enqueued; the sweep will take it');
  }
  return true;
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
