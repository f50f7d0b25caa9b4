import type { ReasonCode } from './reasons.js';

/** The proposal (CONTRACTS.md): what the robot concluded. Amounts are strings in kronor. */

export type Outcome = 'PROPOSE_GRANT' | 'PROPOSE_REJECT' | 'MANUAL';
export type LineKind = 'norm' | 'cost' | 'income' | 'exempt';

export interface TraceLine {
  kind: LineKind;
  /** Swedish, as the caseworker reads it. */
  label: string;
  /** Exact amount in öre precision, e.g. "3292.00". Exempt lines are shown, never summed. */
  amount: string;
  /** The rule id the amount comes from, e.g. "riksnorm.adults.single". */
  rule: string;
  /** The legal source or guideline behind the rule. */
  source: string;
  /** official | secondary | provisional, for values taken from rules/. */
  status?: string;
  /** Whom the line concerns, as a role (applicant, coApplicant, child:0): never a personal number. */
  person?: string;
  /** The guideline cap for a cost line. */
  cap?: string;
  /** The whole amount a share, proration or exemption was taken from. */
  basis?: string;
  note?: string;
}

export interface JobStimulusState {
  /** First month of the running 24-month period. */
  periodStart: string;
  periodEnd: string;
}

export interface Calculation {
  norm: string;
  costs: string;
  incomes: string;
  /** norm + costs - incomes, rounded to whole kronor. */
  result: string;
  lines: TraceLine[];
  /** False when a rule value was missing: the totals then leave that item out. */
  complete: boolean;
  /** Set when jobbstimulans applied this month, so the case history can carry the period on. */
  jobStimulus?: JobStimulusState | null;
}

export interface ReasonDetail {
  code: ReasonCode;
  /** Plain Swedish without personal data (no personal numbers, names or amounts). */
  message: string;
  /** The snapshot field the reason concerns, when there is one. */
  field?: string;
}

export interface Proposal {
  caseId: string;
  month: string;
  municipality: string;
  outcome: Outcome;
  /** Whole kronor, max(result, 0). */
  amount: string;
  reasons: ReasonCode[];
  reasonDetails: ReasonDetail[];
  calculation: Calculation;
  warnings: string[];
  rulesVersion: string;
}
