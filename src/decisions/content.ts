import type { Calculation, Proposal, ReasonDetail } from '../domain/proposal.js';
import type { ReasonCode } from '../domain/reasons.js';
import type { DecisionOutcome } from '../store/repositories/decisions.js';

/**
 * What is decided: the decision content, built the same way whether a caseworker signs it on
 * the review page (src/web/caseworker) or the robot decides it under a delegation
 * (src/robot/automatedDecision.ts). It is hashed as canonical JSON (store/repositories/
 * decisions.ts) and stored whole, so the letter is always rendered from exactly what was
 * decided. Money is strings; the decider and the time are part of what is hashed. Pure.
 */
export interface LineEdit {
  /** Index into calculation.lines. */
  line: number;
  label: string;
  from: string;
  to: string;
}

/**
 * The delegation an automated decision was made under (FL 2017:900 28 §), copied from the
 * municipality's rules file so the letter can say who delegated and where, years later.
 */
export interface AutomatedDecisionFacts {
  /** Rule id, e.g. "municipality.1287.automatedDecisions.grant". */
  rule: string;
  /** The delegation order's point. */
  reference: string;
  /** Who delegated, e.g. "Socialnämnden i Trelleborgs kommun". */
  delegatedBy: string;
  /** The first day the delegation holds ("YYYY-MM-DD"). */
  from: string;
  /** The legal source given with it in the rules file. */
  source: string;
}

export interface DecisionContent {
  version: 1;
  caseId: string;
  municipality: string;
  month: string;
  /** The person the decision is addressed to (the letter names them). */
  applicantPersonalNumber: string | null;
  proposalId: string;
  snapshotId: string;
  rulesVersion: string;
  proposedOutcome: Proposal['outcome'];
  proposedAmount: string;
  outcome: DecisionOutcome;
  /** Whole kronor granted; "0" for a rejection. */
  amount: string;
  calculation: Calculation;
  reasons: ReasonCode[];
  reasonDetails: ReasonDetail[];
  warnings: string[];
  edits: LineEdit[];
  motivation: string | null;
  /** The caseworker who signed, or the robot's identity for an automated decision. */
  signedBy: string;
  signedByName: string;
  signedAt: string;
  /** Present only when no person signed: the robot decided under this delegation. */
  automated?: AutomatedDecisionFacts;
  /** Set when this decision supersedes another (ändring, omprövning): what changed and why. */
  change?: DecisionChange;
}

/** A superseding decision's link to the one it replaces; `edits` are relative to that one. */
export interface DecisionChange {
  /** 'ändring' on the caseworker's own initiative; 'omprövning' of an appeal (FL 45 §). */
  kind: 'ändring' | 'omprövning';
  supersedes: string;
  supersedesHash: string;
  previousOutcome: DecisionOutcome;
  previousAmount: string;
  previousSignedAt: string;
  appealId: string | null;
}

export interface SignContext {
  proposalId: string;
  snapshotId: string;
  applicantPersonalNumber: string | null;
  signedBy: string;
  signedByName: string;
  signedAt: Date;
  /** Set by the robot only, when it decides under a delegation. */
  automated?: AutomatedDecisionFacts;
}

/** The applicant's personal number in a stored snapshot (the letter is addressed to them); null when absent. */
export function applicantOf(snapshot: unknown): string | null {
  const pn = (snapshot as { application?: { applicant?: { personalNumber?: unknown } } } | undefined)?.application?.applicant?.personalNumber;
  return typeof pn === 'string' ? pn : null;
}

/**
 * The proposal decided as it stands; `motivation` (optional, trimmed) goes into the letter and
 * the hash. Throws for a MANUAL proposal (there is nothing to decide).
 */
export function contentAsProposed(proposal: Proposal, ctx: SignContext, motivation?: string): DecisionContent {
  if (proposal.outcome === 'MANUAL') throw new Error(`case ${proposal.caseId}: a MANUAL proposal cannot be signed as it stands`);
  const outcome: DecisionOutcome = proposal.outcome === 'PROPOSE_GRANT' ? 'GRANT' : 'REJECT';
  return decisionContent(proposal, ctx, {
    outcome,
    amount: outcome === 'GRANT' ? proposal.amount : '0',
    calculation: proposal.calculation,
    reasons: proposal.reasons,
    edits: [],
    motivation: motivation?.trim() ? motivation.trim() : null,
  });
}

/** The content of a decision on `proposal` with what was decided filled in (as proposed, or edited). */
export function decisionContent(
  proposal: Proposal,
  ctx: SignContext,
  decided: Pick<DecisionContent, 'outcome' | 'amount' | 'calculation' | 'reasons' | 'edits' | 'motivation'>,
): DecisionContent {
  return {
    version: 1,
    caseId: proposal.caseId,
    municipality: proposal.municipality,
    month: proposal.month,
    applicantPersonalNumber: ctx.applicantPersonalNumber,
    proposalId: ctx.proposalId,
    snapshotId: ctx.snapshotId,
    rulesVersion: proposal.rulesVersion,
    proposedOutcome: proposal.outcome,
    proposedAmount: proposal.amount,
    ...decided,
    reasonDetails: proposal.reasonDetails.filter((d) => decided.reasons.includes(d.code)),
    warnings: proposal.warnings,
    signedBy: ctx.signedBy,
    signedByName: ctx.signedByName,
    signedAt: ctx.signedAt.toISOString(),
    ...(ctx.automated ? { automated: ctx.automated } : {}),
  };
}
