import { RobotError } from '../../domain/errors.js';
import { createHash } from 'node:crypto';
import { MONEY_PATTERN } from '../../domain/money.js';
import type { Queryable } from '../db.js';
import { StoreError } from '../errors.js';
import { caseScopeSql, queryParams, type CaseScope } from './caseScope.js';

/**
 * Decisions. A row is exactly what a caseworker signed, or what the robot decided itself under
 * a delegation (delegation_reference set, signed_by the robot's identity): the decision content,
 * the SHA-256 of its canonical JSON, who decided and when. The database refuses UPDATE, DELETE and
 * TRUNCATE; a correction is a new decision that supersedes the old one. One first decision per
 * case (unique index) and one successor per decision (unique `supersedes`).
 */
export type DecisionKind = 'as-proposed' | 'edited';
export type DecisionOutcome = 'GRANT' | 'REJECT';

export interface DecisionRecord {
  id: string;
  caseId: string;
  proposalId: string;
  kind: DecisionKind;
  outcome: DecisionOutcome;
  amount: string;
  content: Record<string, unknown>;
  contentHash: string;
  motivation: string | null;
  signedBy: string;
  signedAt: Date;
  supersedes: string | null;
  createdAt: Date;
  /** The delegation order's point when the robot decided itself (no person signed); null when a caseworker signed. */
  delegationReference: string | null;
}

export interface NewDecision {
  caseId: string;
  proposalId: string;
  kind: DecisionKind;
  outcome: DecisionOutcome;
  /** Whole kronor as a string; never a JS number. */
  amount: string;
  /** The decision content; hashed here, canonically, so caller and database cannot disagree. */
  content: Record<string, unknown>;
  motivation?: string | null;
  signedBy: string;
  signedAt: Date;
  /** The decision this one replaces; omitted for the first decision of a case. */
  supersedes?: string | null;
  /** Set only for an automated decision: the delegation order's point it was made under. */
  delegationReference?: string | null;
}

/** Refused because the case already has a decision (signed twice, or by someone else just now). */
export class DecisionConflictError extends RobotError {
  readonly kind = 'business' as const;
  constructor(readonly caseId: string) {
    super(`case ${caseId}: a decision already exists`);
    this.name = 'DecisionConflictError';
  }
}

/**
 * JSON with object keys sorted at every level and no whitespace: the same content always gives
 * the same text, whatever order its keys were built (or stored by jsonb) in. `undefined`
 * properties are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonicalJson: not a finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function contentHash(content: unknown): string {
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}

interface Row {
  id: string;
  case_id: string;
  proposal_id: string;
  kind: DecisionKind;
  outcome: DecisionOutcome;
  amount: string;
  content: Record<string, unknown>;
  content_hash: string;
  motivation: string | null;
  signed_by: string;
  signed_at: Date;
  supersedes: string | null;
  created_at: Date;
  delegation_reference: string | null;
}

const COLUMNS = 'id, case_id, proposal_id, kind, outcome, amount, content, content_hash, motivation, signed_by, signed_at, supersedes, created_at, delegation_reference';

function toRecord(r: Row): DecisionRecord {
  return {
    id: r.id,
    caseId: r.case_id,
    proposalId: r.proposal_id,
    kind: r.kind,
    outcome: r.outcome,
    amount: r.amount,
    content: r.content,
    contentHash: r.content_hash,
    motivation: r.motivation,
    signedBy: r.signed_by,
    signedAt: r.signed_at,
    supersedes: r.supersedes,
    createdAt: r.created_at,
    delegationReference: r.delegation_reference,
  };
}

/**
 * Stores a signed decision. A second first decision for a case, or a second successor of one
 * decision, is refused by the database and surfaces as DecisionConflictError.
 */
export async function insertDecision(db: Queryable, input: NewDecision): Promise<DecisionRecord> {
  if (!MONEY_PATTERN.test(input.amount)) throw new Error(`decision for case ${input.caseId}: amount is not a money string`);
  if (input.delegationReference != null && input.kind !== 'as-proposed') {
    throw new Error(`decision for case ${input.caseId}: an automated decision is the proposal as it stands`);
  }
  if (input.kind === 'edited' && !input.motivation?.trim()) {
    throw new Error(`decision for case ${input.caseId}: an edited decision needs a motivation`);
  }
  try {
    const { rows } = await db.query<Row>(
      `INSERT INTO decisions (case_id, proposal_id, kind, outcome, amount, content, content_hash, motivation, signed_by, signed_at, supersedes, delegation_reference)
       VALUES ($1, $2, $3, $4, $5::numeric, $6::jsonb, $7, $8, $9, $10, $11, $12)
       RETURNING ${COLUMNS}`,
      [
        input.caseId,
        input.proposalId,
        input.kind,
        input.outcome,
        input.amount,
        JSON.stringify(input.content),
        contentHash(input.content),
        input.motivation ?? null,
        input.signedBy,
        input.signedAt.toISOString(),
        input.supersedes ?? null,
        input.delegationReference ?? null,
      ],
    );
    return toRecord(rows[0] as Row);
  } catch (error) {
    if (error instanceof StoreError && error.code === '23505') throw new DecisionConflictError(input.caseId);
    throw error;
  }
}

/** Every decision of a case, oldest first (the first, then those that superseded it). */
export async function listDecisionsForCase(db: Queryable, caseId: string): Promise<DecisionRecord[]> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM decisions WHERE case_id = $1 ORDER BY id`, [caseId]);
  return rows.map(toRecord);
}

/** The decision in force: the one no other decision supersedes. */
export async function currentDecision(db: Queryable, caseId: string): Promise<DecisionRecord | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT ${COLUMNS} FROM decisions d
     WHERE d.case_id = $1 AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)
     ORDER BY d.id DESC LIMIT 1`,
    [caseId],
  );
  return rows[0] ? toRecord(rows[0]) : undefined;
}

/** True when the stored content still hashes to the stored hash. */
export function verifyDecision(decision: DecisionRecord): boolean {
  return contentHash(decision.content) === decision.contentHash;
}

/** An automated decision as the caseworkers' inbox lists it (no personal data). */
export interface AutomatedDecisionItem {
  decisionId: string;
  caseId: string;
  municipality: string;
  organisation: string | null;
  state: string;
  outcome: DecisionOutcome;
  amount: string;
  decidedAt: Date;
  /** True when a later decision (a caseworker's) has replaced it. */
  superseded: boolean;
}

/**
 * The robot's automated decisions on the cases in a user's scope (caseScope.ts) decided at or
 * after `since`, newest first, at most `limit` (200), so caseworkers see what was decided
 * without them.
 */
export async function listAutomatedDecisions(db: Queryable, q: CaseScope & { since: Date; limit?: number }): Promise<AutomatedDecisionItem[]> {
  const params = queryParams();
  const { rows } = await db.query<{
    id: string;
    case_id: string;
    municipality: string;
    organisation: string | null;
    state: string;
    outcome: DecisionOutcome;
    amount: string;
    signed_at: Date;
    superseded: boolean;
  }>(
    `SELECT d.id, d.case_id, c.municipality, c.organisation, c.state, d.outcome, d.amount, d.signed_at,
            EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id) AS superseded
       FROM decisions d JOIN cases c ON c.id = d.case_id
      WHERE d.delegation_reference IS NOT NULL
        AND d.signed_at >= ${params.add(q.since.toISOString())}
        AND ${caseScopeSql(q, params.add)}
      ORDER BY d.signed_at DESC, d.id DESC
      LIMIT ${params.add(q.limit ?? 200)}`,
    params.values,
  );
  return rows.map((r) => ({
    decisionId: r.id,
    caseId: r.case_id,
    municipality: r.municipality,
    organisation: r.organisation,
    state: r.state,
    outcome: r.outcome,
    amount: r.amount,
    decidedAt: r.signed_at,
    superseded: r.superseded,
  }));
}
