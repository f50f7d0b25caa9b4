import { getCase, getCaseWork, listDecisionsToCarryOut, noteReplay, transitionCase, WORKING_STATES, type CaseState } from '../store/index.js';
import type { RobotDeps } from './deps.js';
import { caseJobId, outboundJobId, type Queues } from './queues.js';
import { judgeJob } from './recovery.js';
import { QUEUE_DEFAULTS } from '../config.js';

/** Why a case was not sent through again; REPLAY_REFUSAL_WORDS says it to people. */
export type ReplayRefusal = 'already-decided' | 'with-caseworker' | 'already-running' | 'changed-meanwhile';
export type ReplayResult = 'requeued' | 'unknown-case' | ReplayRefusal;

/** The refusals in Swedish, as the admin page and the command line say them. */
export const REPLAY_REFUSAL_WORDS: Record<ReplayRefusal, string> = {
  'already-decided': 'ärendet är redan avgjort',
  'with-caseworker': 'ärendet ligger hos handläggare (förslag eller manuell handläggning) och körs inte om av roboten',
  'already-running': 'ärendet körs redan: dess jobb väntar eller pågår',
  'changed-meanwhile': 'ärendet ändrades under tiden (någon annan hann före)',
};

export function isReplayRefusal(result: ReplayResult): result is ReplayRefusal {
  return result in REPLAY_REFUSAL_WORDS;
}

/** States a replay reaches: every case the robot still owes something, and TECHNICAL_ERROR. */
export const REPLAYABLE_STATES: readonly CaseState[] = [...WORKING_STATES, 'TECHNICAL_ERROR', 'SIGNED'];

/**
 * Sends a case through the pipeline again: one that ended in TECHNICAL_ERROR (after an
 * outage), or one that is stuck in a state the robot owns (RECEIVED, INVALID, GATHERING,
 * WAITING_FOR_PLAN whose job is missing, failed, finished or hung: a new case job; SIGNED: the
 * decision's carry-out job again). The state
 * change is compare-and-set and the job id names the attempt, so replaying twice by accident
 * gives at most one more run; the proposal stays insert-if-absent and every carry-out step is
 * done once either way. A case a person owns (PROPOSED, MANUAL) or that is done is not touched.
 */
export async function replayCase(deps: Pick<RobotDeps, 'db'>, queues: Queues, caseId: string, actor: string): Promise<ReplayResult> {
  const found = await getCase(deps.db, caseId);
  if (!found) return 'unknown-case';
  const stamp = Date.now();
  if (found.state === 'TECHNICAL_ERROR') {
    const moved = await transitionCase(deps.db, { caseId, from: 'TECHNICAL_ERROR', to: 'GATHERING', actor, reason: 'REPLAY' }).catch(() => undefined);
    if (!moved) return 'changed-meanwhile';
    const jobId = `${caseJobId(caseId)}-replay-${moved.stateChangedAt.getTime()}`;
    await noteReplay(deps.db, { caseId, state: 'GATHERING', jobId, actor, history: false });
    await queues.cases.add('case', { caseId }, { jobId });
    return 'requeued';
  }
  if ((WORKING_STATES as readonly string[]).includes(found.state)) {
    // Only a stuck case: one whose job is waiting or running is on its way already.
    const work = await getCaseWork(deps.db, caseId);
    const current = await queues.cases.getJob(work?.jobId ?? caseJobId(caseId));
    if ((await judgeJob(current, Date.now(), QUEUE_DEFAULTS.caseJobMaxActiveMs)) === 'live') return 'already-running';
    const jobId = `${caseJobId(caseId)}-replay-${stamp}`;
    if (!(await noteReplay(deps.db, { caseId, state: found.state, jobId, actor, history: true }))) return 'changed-meanwhile';
    await queues.cases.add('case', { caseId }, { jobId });
    return 'requeued';
  }
  if (found.state === 'SIGNED') {
    const decision = (await listDecisionsToCarryOut(deps.db, 1, caseId))[0];
    if (!decision) return 'already-decided';
    await noteReplay(deps.db, { caseId, state: 'SIGNED', jobId: outboundJobId(decision.decisionId), actor, history: true });
    await queues.startDecision(decision);
    return 'requeued';
  }
  return found.state === 'PROPOSED' || found.state === 'MANUAL' ? 'with-caseworker' : 'already-decided';
}
