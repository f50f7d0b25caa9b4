import { assess } from '../../assessment/assess.js';
import { validateSnapshot } from '../../domain/snapshot.js';
import { replayCase, type ReplayResult } from '../../robot/replay.js';
import { mayCauseLookup } from '../../robot/declarations.js';
import type { Queues } from '../../robot/queues.js';
import type { RuleSet } from '../../rules/ruleset.js';
import {
  CaseTransitionError,
  getCase,
  getProposalForCase,
  insertProposalIfAbsent,
  latestSnapshotForCase,
  transitionCase,
  type Db,
} from '../../store/index.js';

/**
 * The admin's two ways of running a case again.
 *
 * From intake: the case (in TECHNICAL_ERROR) is sent through the whole pipeline again by
 * `replayCase`, registers included; for use after an outage.
 *
 * From the stored snapshot: a pure re-assessment of the case's latest snapshot with the rules
 * the web process has loaded, without asking any register. What happens with the result is
 * chosen so that nothing a caseworker relies on ever changes behind their back:
 *  - the case already has a proposal: nothing is stored (proposals are immutable and one per
 *    case); the page shows whether the recomputation gives the same outcome, amount and reasons
 *    (outcome and reason codes, and only whether the amount differs: an admin sees no case content);
 *  - the case has no proposal and is in TECHNICAL_ERROR (it broke after its snapshot was
 *    stored): the proposal is stored insert-if-absent and the case moves on along the normal
 *    edges TECHNICAL_ERROR -> GATHERING -> PROPOSED/MANUAL, each by compare-and-set;
 *  - any other state without a proposal (a worker owns the case right now): shown, not stored;
 *  - no snapshot: refused; only a replay from intake can help such a case.
 */
export type ReplayMode = 'intake' | 'snapshot';

export type SnapshotReplayResult =
  | { kind: 'unknown-case' }
  | { kind: 'no-snapshot' }
  | { kind: 'invalid-snapshot' }
  | { kind: 'stored'; outcome: string; amount: string; reasons: string[] }
  | { kind: 'shown-only'; outcome: string; amount: string; reasons: string[] }
  | {
      kind: 'compared';
      same: boolean;
      amountSame: boolean;
      stored: { outcome: string; amount: string | null; reasons: string[] };
      recomputed: { outcome: string; amount: string; reasons: string[]; rulesVersion: string };
    };

export async function replayFromSnapshot(db: Db, rules: RuleSet, caseId: string, actor: string): Promise<SnapshotReplayResult> {
  const found = await getCase(db, caseId);
  if (!found) return { kind: 'unknown-case' };
  const stored = await latestSnapshotForCase(db, caseId);
  if (!stored) return { kind: 'no-snapshot' };
  const checked = validateSnapshot(stored.snapshot);
  if (!checked.ok) return { kind: 'invalid-snapshot' };
  const proposal = assess(checked.snapshot, rules);
  const recomputed = { outcome: proposal.outcome, amount: proposal.amount, reasons: [...proposal.reasons].sort() };

  const existing = await getProposalForCase(db, caseId);
  if (existing) {
    const before = { outcome: existing.outcome, amount: existing.amount, reasons: [...existing.reasons].sort() };
    const amountSame = sameAmount(before.amount, recomputed.amount);
    const same = before.outcome === recomputed.outcome && amountSame && before.reasons.join(',') === recomputed.reasons.join(',');
    return { kind: 'compared', same, amountSame, stored: before, recomputed: { ...recomputed, rulesVersion: rules.version } };
  }
  if (found.state !== 'TECHNICAL_ERROR') return { kind: 'shown-only', ...recomputed };

  const moved = await transitionCase(db, { caseId, from: 'TECHNICAL_ERROR', to: 'GATHERING', actor, reason: 'REPLAY_FROM_SNAPSHOT' }).catch(
    (error: unknown) => {
      if (error instanceof CaseTransitionError) return undefined;
      throw error;
    },
  );
  // Someone else moved it in the meantime: show, store nothing.
  if (!moved) return { kind: 'shown-only', ...recomputed };
  const { proposal: kept } = await insertProposalIfAbsent(db, {
    caseId,
    snapshotId: stored.id,
    outcome: proposal.outcome,
    amount: proposal.amount,
    reasons: proposal.reasons,
    proposal,
  });
  await transitionCase(db, {
    caseId,
    from: 'GATHERING',
    to: kept.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED',
    actor,
    reason: kept.reasons.join(',') || kept.outcome,
  });
  return { kind: 'stored', outcome: kept.outcome, amount: kept.amount ?? proposal.amount, reasons: [...kept.reasons] };
}

function sameAmount(a: string | null, b: string): boolean {
  if (a === null) return false;
  // Both are decimal strings; compare as such ("7431" equals "7431.00"), never as floats.
  const norm = (s: string) => {
    const [whole = '0', frac = ''] = s.split('.');
    return `${whole.replace(/^0+(?=\d)/, '')}.${frac.replace(/0+$/, '')}`;
  };
  return norm(a) === norm(b);
}

/** `no-declaration`: the actor holds no SSBTEK declaration for the case's municipality today (robot/declarations.ts). */
export type ReplayOutcome = { caseId: string; mode: 'intake'; result: ReplayResult | 'no-declaration' } | { caseId: string; mode: 'snapshot'; result: SnapshotReplayResult };

export async function replayOne(
  deps: { db: Db; rules: RuleSet; queues: Queues | undefined; clock?: () => Date },
  caseId: string,
  mode: ReplayMode,
  actor: string,
): Promise<ReplayOutcome> {
  if (mode === 'snapshot') return { caseId, mode, result: await replayFromSnapshot(deps.db, deps.rules, caseId, actor) };
  // A replay from intake asks the registers again on the person's behalf: only with a declaration.
  const permission = await mayCauseLookup(deps.db, actor, caseId, (deps.clock ?? (() => new Date()))());
  if (!permission.ok) return { caseId, mode, result: permission.problem };
  if (!deps.queues) throw new Error('no queues: no robot has run against this database yet');
  return { caseId, mode, result: await replayCase({ db: deps.db }, deps.queues, caseId, actor) };
}
