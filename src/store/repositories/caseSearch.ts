import type { Queryable } from '../db.js';
import type { CaseState } from '../../domain/caseStates.js';
import { caseScopeSql, queryParams, type CaseScope } from './caseScope.js';

/**
 * Finding any case (the workbench's search): by case id or by a person's number, decided and
 * closed cases included, narrowed by state, manual reason, owner and municipality. Always
 * limited to the caller's scope in SQL (caseScope.ts, the same condition as the inbox's); the
 * page checks each hit against the user's scope again.
 */
export interface CaseSearchQuery extends CaseScope {
  /** Exact case id, or its beginning (at least 3 characters). */
  caseId?: string;
  /**
   * The 12-digit normalised personal number (applicant or co-applicant, as the application came:
   * 10 or 12 digits, with or without a sign). Goes to the database as a parameter only.
   */
  personalNumber?: string;
  state?: CaseState;
  /** A reason code of the proposal in force. */
  reason?: string;
  /** A user id, or 'none' for the shared queue's (unclaimed) cases. */
  owner?: string;
  municipality?: string;
  /** Default 100. */
  limit?: number;
}

export interface CaseSearchHit {
  caseId: string;
  municipality: string;
  organisation: string | null;
  state: CaseState;
  month: string | null;
  receivedAt: Date;
  owner: string | null;
  closedAt: Date | null;
  /** The proposal in force: outcome and reasons; null without one. */
  outcome: 'PROPOSE_GRANT' | 'PROPOSE_REJECT' | 'MANUAL' | null;
  reasons: string[];
  /** The decision in force, when decided. */
  decisionOutcome: 'GRANT' | 'REJECT' | null;
  decisionAmount: string | null;
  /** The applicant's number as the application gave it (for a masked display only), null when absent. */
  applicantPersonalNumber: string | null;
}

const DIGITS = (path: string) => `regexp_replace(coalesce(a.raw->'application'->${path}->>'personalNumber', ''), '[^0-9]', '', 'g')`;

export async function searchCases(db: Queryable, q: CaseSearchQuery): Promise<CaseSearchHit[]> {
  const { values: params, add } = queryParams();
  const where: string[] = [caseScopeSql(q, add)];
  if (q.caseId) {
    const exact = add(q.caseId);
    const prefix = add(`${q.caseId.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`);
    // ILIKE: "a-2026-000203" finds A-2026-000203 (people type ids in lower case).
    where.push(q.caseId.length >= 3 ? `(c.id = ${exact} OR c.id ILIKE ${prefix})` : `(c.id = ${exact} AND ${prefix}::text IS NOT NULL)`);
  }
  if (q.personalNumber) {
    const twelve = add(q.personalNumber);
    const ten = add(q.personalNumber.slice(2));
    where.push(`(${DIGITS("'applicant'")} IN (${twelve}, ${ten}) OR ${DIGITS("'coApplicant'")} IN (${twelve}, ${ten}))`);
  }
  if (q.state) where.push(`c.state = ${add(q.state)}`);
  if (q.reason) where.push(`coalesce(p.reasons, '[]'::jsonb) ? ${add(q.reason)}`);
  if (q.owner === 'none') where.push('c.owner IS NULL');
  else if (q.owner) where.push(`c.owner = ${add(q.owner)}`);
  if (q.municipality) where.push(`c.municipality = ${add(q.municipality)}`);
  const limit = add(q.limit ?? 100);
  const { rows } = await db.query<{
    id: string;
    municipality: string;
    organisation: string | null;
    state: CaseState;
    month: string | null;
    received_at: Date;
    owner: string | null;
    closed_at: Date | null;
    outcome: CaseSearchHit['outcome'];
    reasons: string[] | null;
    decision_outcome: CaseSearchHit['decisionOutcome'];
    decision_amount: string | null;
    applicant: string | null;
  }>(
    `SELECT c.id, c.municipality, c.organisation, c.state, c.month, a.received_at, c.owner, c.closed_at,
            p.outcome, p.reasons, d.outcome AS decision_outcome, d.amount::text AS decision_amount,
            a.raw->'application'->'applicant'->>'personalNumber' AS applicant
     FROM cases c
     JOIN applications a ON a.id = c.id
     LEFT JOIN proposals p ON p.case_id = c.id AND NOT EXISTS (SELECT 1 FROM proposals n WHERE n.supersedes = p.id)
     LEFT JOIN decisions d ON d.case_id = c.id AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)
     WHERE ${where.join(' AND ')}
     ORDER BY a.received_at DESC, c.id ASC
     LIMIT ${limit}`,
    params,
  );
  return rows.map((r) => ({
    caseId: r.id,
    municipality: r.municipality,
    organisation: r.organisation,
    state: r.state,
    month: r.month,
    receivedAt: r.received_at,
    owner: r.owner,
    closedAt: r.closed_at,
    outcome: r.outcome,
    reasons: r.reasons ?? [],
    decisionOutcome: r.decision_outcome,
    decisionAmount: r.decision_amount,
    applicantPersonalNumber: typeof r.applicant === 'string' ? r.applicant : null,
  }));
}
