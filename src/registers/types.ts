import type { KirAnswer, SsbtekAnswer } from '../domain/snapshot.js';

/**
 * What the pipeline needs from the outside registers. Each client retries what may pass if
 * tried again and, when its retries are spent, throws SystemException(<register>) naming the
 * register and the case, never the person. "Unavailable" is never turned into "nothing found".
 */

/** Why and for which case a look-up is made (logged in the audit log before the reply is used). */
export interface LookupContext {
  caseId: string;
  /** The municipality whose caseworkers the robot acts for (SCB code). */
  municipality: string;
}

export interface KirClient {
  /** Resident municipality and protected identity for one person (12-digit personal number). */
  lookup(personalNumber: string, context: LookupContext): Promise<KirAnswer>;
  /** The same for a whole household in one call, answers in the order asked. */
  lookupHousehold(personalNumbers: readonly string[], context: LookupContext): Promise<KirAnswer[]>;
}

export type PlanStatus = 'active' | 'notActive' | 'pending';

/** The module's answer: the status and, when it gives them, the day and what it recorded. */
export interface PlanAnswer {
  status: PlanStatus;
  assessedOn?: string;
  recorded?: string;
}

export interface PlanClient {
  /** The employment-plan module's assessment of the applicant. */
  assessment(personalNumber: string, context: LookupContext): Promise<PlanAnswer>;
}

export interface SsbtekLookupClient {
  /** Payments, vehicles and agency errors for one person over the given period. */
  fetchAnswer(query: {
    caseId: string;
    personalNumber: string;
    period: { from: string; tom: string };
  }): Promise<SsbtekAnswer>;
}

/**
 * One application as the e-service hands it over: its id and the raw, unvalidated payload.
 * An item with a broken envelope is handed over too (intake keeps it and routes it to a
 * caseworker): `id` is then "" when the feed's id was not a string of 1–200 characters,
 * `cursor` "" when it had none usable, and `envelopeProblems` says what was wrong in words
 * (never quoting the id, which may be anything, a personal number included).
 */
export interface IncomingApplication {
  id: string;
  /** The e-service's own position in its feed, for polling onwards ("" when unusable). */
  cursor: string;
  payload: unknown;
  envelopeProblems?: string[];
}

export interface EServiceClient {
  /** Applications after `cursor` (all when null), oldest first, at most `limit`. */
  fetchNew(cursor: string | null, limit: number): Promise<{ items: IncomingApplication[]; next: string | null }>;
}
