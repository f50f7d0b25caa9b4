import { stockholmDate } from '../domain/dates.js';
import type { Proposal } from '../domain/proposal.js';
import { automationFor } from '../decisions/automation.js';
import { applicantOf, contentAsProposed } from '../decisions/content.js';
import {
  appendAudit,
  CaseTransitionError,
  DecisionConflictError,
  getProposalForCase,
  getSnapshot,
  insertDecision,
  transitionCase,
} from '../store/index.js';
import type { RobotDeps } from './deps.js';

/** What the audit log and the case history call an automated decision. */
export const AUTOMATED_REASON = 'DECIDED_AUTOMATICALLY';
export const AUTOMATED_AUDIT_ACTION = 'decision.automated';
/** The decider's name in the stored content (the letter never prints it as a person's). */
export const AUTOMATED_SIGNER_NAME = 'Automatiserat beslut';
const PURPOSE = 'Automatiserat beslut om ekonomiskt bistånd enligt delegation (FL 2017:900 28 §)';

/**
 * When the municipality has delegated it (src/decisions/automation.ts), the robot decides a
 * PROPOSED case itself, in one transaction: PROPOSED -> SIGNED by compare-and-set, the decision
 * (content exactly as a caseworker signing "as proposed" would store, plus the delegation;
 * signed_by = the robot's identity, delegation_reference set), and an audit line. Returns the
 * new decision's id, or undefined when the case is not to be decided automatically or someone
 * (another worker, a caseworker) decided it first: the unique first-decision index and the
 * compare-and-set make a second decision impossible, so retries and two workers give one.
 */
export async function decideAutomatically(deps: RobotDeps, caseId: string): Promise<{ decisionId: string } | undefined> {
  const record = await getProposalForCase(deps.db, caseId);
  if (!record || record.outcome === 'MANUAL') return undefined;
  const proposal = record.proposal as Proposal;
  const snapshot = await getSnapshot(deps.db, record.snapshotId);
  const kind = (snapshot?.snapshot as { application?: { kind?: unknown } } | undefined)?.application?.kind;
  const now = deps.clock();
  const check = automationFor(proposal, typeof kind === 'string' ? kind : 'unknown', deps.rules, stockholmDate(now));
  if (!check.decide) {
    deps.logger.debug({ caseId, why: check.why }, 'proposal waits for a signature');
    return undefined;
  }
  const content = contentAsProposed(proposal, {
    proposalId: record.id,
    snapshotId: record.snapshotId,
    applicantPersonalNumber: applicantOf(snapshot?.snapshot),
    signedBy: deps.identity,
    signedByName: AUTOMATED_SIGNER_NAME,
    signedAt: now,
    automated: check.delegation,
  });
  try {
    const decision = await deps.db.transaction(async (tx) => {
      await transitionCase(tx, { caseId, from: 'PROPOSED', to: 'SIGNED', actor: deps.identity, reason: AUTOMATED_REASON });
      const stored = await insertDecision(tx, {
        caseId,
        proposalId: record.id,
        kind: 'as-proposed',
        outcome: content.outcome,
        amount: content.amount,
        content: content as unknown as Record<string, unknown>,
        signedBy: deps.identity,
        signedAt: now,
        delegationReference: check.delegation.reference,
      });
      await appendAudit(tx, {
        actor: deps.identity,
        action: AUTOMATED_AUDIT_ACTION,
        caseId,
        purpose: PURPOSE,
        result: 'ok',
        details: { decisionId: stored.id, outcome: stored.outcome, contentHash: stored.contentHash, rule: check.delegation.rule, delegationFrom: check.delegation.from },
      });
      return stored;
    });
    deps.logger.info({ caseId, decisionId: decision.id, rule: check.delegation.rule }, 'decided automatically under delegation');
    return { decisionId: decision.id };
  } catch (error) {
    if (error instanceof DecisionConflictError || (error instanceof CaseTransitionError && error.problem === 'stale')) {
      deps.logger.info({ caseId }, 'case already decided by another run or a caseworker');
      return undefined;
    }
    throw error;
  }
}
