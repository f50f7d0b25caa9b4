import type { TraceLine } from '../domain/proposal.js';

/**
 * Carrying out a signed decision (issue 5): the contracts the outbound pipeline depends on.
 * Every call is idempotent by decision id: the adapter first looks whether the effect already
 * happened (a retry after a crash must never write, pay or notify twice) and then returns the
 * existing reference instead of acting again.
 */
export interface DecisionToCarryOut {
  decisionId: string;
  caseId: string;
  municipality: string;
  /** The assistance month, YYYY-MM. */
  month: string;
  outcome: 'GRANT' | 'REJECT';
  /** Whole kronor as a string; "0" for a rejection. */
  amount: string;
  lines: readonly TraceLine[];
  signedBy: string;
  signedAt: string;
  /** SHA-256 of what was signed. */
  hash: string;
  /** The decision this one supersedes (ändring, omprövning): the case system replaces it. */
  supersedes?: string;
}

export interface CaseSystemAdapter {
  readonly kind: 'http' | 'rpa';
  /** Writes the decision and its calculation into the case system; returns its confirmation number. */
  writeDecision(decision: DecisionToCarryOut): Promise<{ confirmation: string }>;
}

export interface PaymentOrder {
  decisionId: string;
  caseId: string;
  municipality: string;
  amount: string;
  /** The municipality's payment day for the month (YYYY-MM-DD). */
  payDay: string;
}

export interface PaymentAdapter {
  /** Orders the payment once; a second call with the same decision id returns the first reference. */
  orderPayment(order: PaymentOrder): Promise<{ reference: string }>;
}

export interface Notifier {
  /**
   * "Mina ärenden": a decision is ready, and for a payment the day it is paid (YYYY-MM-DD). No
   * amount and no personal data in the message itself.
   */
  notifyDecisionReady(input: { decisionId: string; caseId: string; payDay?: string }): Promise<{ reference: string }>;
  /** "Mina ärenden": the first meeting's time, once per case (idempotent by case id). */
  notifyMeetingBooked(input: MeetingMessage): Promise<{ reference: string }>;
}

/** The first meeting as the applicant is told it. */
export interface MeetingMessage {
  caseId: string;
  startsAt: Date;
  endsAt: Date;
  /** Whom the meeting is with, e.g. "arbetsmarknadssekreterare". */
  withTitle: string;
  location: string | null;
}
