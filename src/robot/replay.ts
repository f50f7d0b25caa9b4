import { getCase, transitionCase } from '../store/index.js';
import type { RobotDeps } from './deps.js';
import { caseJobId, type Queues } from './queues.js';

export type ReplayResult = 'requeued' | 'not-replayable' | 'unknown-case';

/**
 * Sends a case that ended in TECHNICAL_ERROR through the pipeline again (after an outage).
 * The state change is compare-and-set and the job id names the attempt, so replaying twice
 * by accident gives one new run; the proposal stays insert-if-absent either way.
 */
export async function replayCase(deps: Pick<RobotDeps, 'db'>, queues: Queues, caseId: string, actor: string): Promise<ReplayResult> {
  const found = await getCase(deps.db, caseId);
  if (!found) return 'unknown-case';
  if (found.state !== 'TECHNICAL_ERROR') return 'not-replayable';
  const moved = await transitionCase(deps.db, { caseId, from: 'TECHNICAL_ERROR', to: 'GATHERING', actor, reason: 'REPLAY' }).catch(() => undefined);
  if (!moved) return 'not-replayable';
  await queues.cases.add('case', { caseId }, { jobId: `${caseJobId(caseId)}-replay-${moved.stateChangedAt.getTime()}` });
  return 'requeued';
}
