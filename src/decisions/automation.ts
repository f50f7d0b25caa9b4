import type { IsoDate } from '../domain/dates.js';
import type { Proposal } from '../domain/proposal.js';
import { isManualReason } from '../domain/reasons.js';
import type { RuleSet } from '../rules/ruleset.js';
import type { AutomatedOutcome } from '../rules/schema.js';
import type { AutomatedDecisionFacts } from './content.js';

/**
 * May the robot decide this proposal itself, without a caseworker's signature? Pure: the same
 * proposal, rules and day give the same answer.
 *
 * Only when every one of these holds (RULES.md 8; FL 2017:900 28 §):
 *  * the application is a renewal (`kind: renewal`, so no NEW_APPLICATION: a first
 *    application always needs a caseworker's investigation);
 *  * the proposal is a grant with no reason at all, or a rejection whose only reasons are
 *    rejection reasons (never a manual one);
 *  * no warning and a complete calculation;
 *  * the municipality's OWN rules file delegates that outcome on `decidedOn` (the day of the
 *    decision: the delegation must hold when the decision is made), and the delegation's
 *    status is `official`. A provisional delegation (a placeholder reference) is never used:
 *    a decision made without a valid delegation would have been made by no one competent.
 * Otherwise the proposal waits for a signature, as it always did; `why` says which rule held it
 * back (plain words, no personal data: it is logged).
 */
export type AutomationCheck = { decide: true; delegation: AutomatedDecisionFacts } | { decide: false; why: string };

export function automationFor(proposal: Proposal, kind: string, rules: RuleSet, decidedOn: IsoDate): AutomationCheck {
  if (proposal.outcome === 'MANUAL') return { decide: false, why: 'the proposal is MANUAL' };
  if (kind !== 'renewal' || proposal.reasons.includes('NEW_APPLICATION')) return { decide: false, why: 'not a renewal' };
  if (proposal.warnings.length > 0) return { decide: false, why: 'the proposal has warnings' };
  if (!proposal.calculation.complete) return { decide: false, why: 'the calculation is incomplete' };
  const outcome: AutomatedOutcome = proposal.outcome === 'PROPOSE_GRANT' ? 'grant' : 'reject';
  if (outcome === 'grant' && proposal.reasons.length > 0) return { decide: false, why: 'a grant with reasons' };
  if (outcome === 'reject' && (proposal.reasons.length === 0 || proposal.reasons.some(isManualReason))) {
    return { decide: false, why: 'a rejection with other than rejection reasons' };
  }
  const municipality = rules.municipality(proposal.municipality);
  const delegation = municipality?.automatedDecision(outcome, decidedOn);
  if (!delegation) return { decide: false, why: `no delegation for ${outcome} on ${decidedOn}` };
  if (delegation.status !== 'official') return { decide: false, why: `the delegation for ${outcome} is ${delegation.status}, not official` };
  return {
    decide: true,
    delegation: {
      rule: delegation.rule,
      reference: delegation.value.reference,
      delegatedBy: delegation.value.delegatedBy,
      from: delegation.from,
      source: delegation.source,
    },
  };
}
