import { assess } from '../assessment/assess.js';
import { validateSnapshot } from '../domain/snapshot.js';
import { appendAudit, insertSupersedingProposal, listCasesWaitingForRules, WAITING_FOR_RULES } from '../store/index.js';
import type { RobotDeps } from './deps.js';

/** What one pass over the cases waiting for rules did (counts only; logged, no personal data). */
export interface RulesRecheckResult {
  /** Cases recomputed under the rules in force. */
  checked: number;
  /** Recomputed to a proposal to sign: MANUAL -> PROPOSED. */
  proposed: number;
  /** Rules no longer missing, other reasons remain: a new MANUAL proposal with the full calculation. */
  stillManual: number;
  /** The rules are still missing or provisional: left as they were. */
  stillWaiting: number;
  /** Stored snapshots that no longer validate (left for a caseworker; named by case id in the log). */
  unreadable: number;
}

const PURPOSE = 'omräkning när saknade regelvärden har förts in';

/**
 * RULES.md 7 (RULES_MISSING, PROVISIONAL_RULES): a case that waited for rules comes back by
 * itself once they are entered. Every MANUAL case whose proposal in force says so and was made
 * under another rules version is recomputed from its stored snapshot with the pure assessment
 * (the same `assess` as the case job and `calc`); no register is asked again. When the rules it
 * lacked are now there, a superseding proposal is stored and the case moves on (PROPOSED, or
 * stays MANUAL for its other reasons) by compare-and-set, with a history line (RULES_ENTERED)
 * and an audit entry. Rules are read once per process, so the worker runs this at start-up;
 * two processes starting at once write each case once. Throws only for database errors.
 */
export async function recheckCasesWaitingForRules(
  deps: Pick<RobotDeps, 'db' | 'rules' | 'identity' | 'logger'>,
  pageSize = 100,
): Promise<RulesRecheckResult> {
  const result: RulesRecheckResult = { checked: 0, proposed: 0, stillManual: 0, stillWaiting: 0, unreadable: 0 };
  let afterId: string | undefined;
  for (;;) {
    const page = await listCasesWaitingForRules(deps.db, { rulesVersion: deps.rules.version, ...(afterId ? { afterId } : {}), limit: pageSize });
    if (page.length === 0) break;
    afterId = page.at(-1)!.caseId;
    for (const waiting of page) {
      const checked = validateSnapshot(waiting.snapshot);
      if (!checked.ok) {
        result.unreadable += 1;
        deps.logger.warn({ caseId: waiting.caseId }, 'stored snapshot does not validate; the case stays with its caseworker');
        continue;
      }
      const proposal = assess(checked.snapshot, deps.rules);
      result.checked += 1;
      if (proposal.reasons.some((r) => (WAITING_FOR_RULES as readonly string[]).includes(r))) {
        result.stillWaiting += 1;
        continue;
      }
      const to = proposal.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED';
      const written = await deps.db.transaction(async (tx) => {
        const id = await insertSupersedingProposal(tx, {
          caseId: waiting.caseId,
          supersedes: waiting.proposalId,
          snapshotId: waiting.snapshotId,
          outcome: proposal.outcome,
          amount: proposal.amount,
          reasons: proposal.reasons,
          proposal,
          to,
          actor: deps.identity,
          reason: 'RULES_ENTERED',
        });
        if (id) {
          await appendAudit(tx, {
            actor: deps.identity,
            action: 'proposal.recompute',
            caseId: waiting.caseId,
            purpose: PURPOSE,
            result: 'ok',
            details: { supersedes: waiting.proposalId, proposalId: id, outcome: proposal.outcome, rulesVersion: deps.rules.version },
          });
        }
        return id !== undefined;
      });
      if (!written) continue; // another process, or a caseworker, got there first
      if (to === 'PROPOSED') result.proposed += 1;
      else result.stillManual += 1;
    }
  }
  deps.logger.info({ ...result, rulesVersion: deps.rules.version }, 'cases waiting for rules rechecked');
  return result;
}
