import { MONEY_PATTERN } from '../../domain/money.js';
import { canTransition, type CaseState } from '../caseStates.js';
import type { Queryable } from '../db.js';
import { CaseTransitionError } from '../errors.js';

export type ProposalOutcome = 'PROPOSE_GRANT' | 'PROPOSE_REJECT' | 'MANUAL';

export interface ProposalRecord {
  id: string;
  caseId: string;
  snapshotId: string;
  outcome: ProposalOutcome;
  /** Kronor as a decimal string, exactly as stored; null when no amount was calculated. */
  amount: string | null;
  reasons: string[];
  /** The proposal document (CONTRACTS.md), with its calculation trace. */
  proposal: unknown;
  createdAt: Date;
}

export interface NewProposal {
  caseId: string;
  snapshotId: string;
  outcome: ProposalOutcome;
  /** A money string ("7431", "1250.50"); never a JS number. */
  amount: string | null;
  reasons: readonly string[];
  proposal: unknown;
}

interface Row {
  id: string;
  case_id: string;
  snapshot_id: string;
  outcome: ProposalOutcome;
  amount: string | null;
  reasons: string[];
  proposal: unknown;
  created_at: Date;
}

const COLUMNS = 'id, case_id, snapshot_id, outcome, amount, reasons, proposal, created_at';

function toRecord(row: Row): ProposalRecord {
  return {
    id: row.id,
    caseId: row.case_id,
    snapshotId: row.snapshot_id,
    outcome: row.outcome,
    amount: row.amount,
    reasons: row.reasons,
    proposal: row.proposal,
    createdAt: row.created_at,
  };
}

/**
 * Stores the case's proposal unless it already has one. The unique index on a case's first
 * proposal makes this hold across processes and retries: reprocessing a case gets the
 * proposal in force back (`created: false`) and never makes a second first one.
 */
export async function insertProposalIfAbsent(
  db: Queryable,
  input: NewProposal,
): Promise<{ proposal: ProposalRecord; created: boolean }> {
  if (input.amount !== null && !MONEY_PATTERN.test(input.amount)) {
    throw new Error(`proposal for case ${input.caseId}: amount is not a money string`);
  }
  const inserted = await db.query<Row>(
    `INSERT INTO proposals (case_id, snapshot_id, outcome, amount, reasons, proposal)
     VALUES ($1, $2, $3, $4::numeric, $5::jsonb, $6::jsonb)
     ON CONFLICT (case_id) WHERE supersedes IS NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [input.caseId, input.snapshotId, input.outcome, input.amount, JSON.stringify(input.reasons), JSON.stringify(input.proposal)],
  );
  if (inserted.rows[0]) return { proposal: toRecord(inserted.rows[0]), created: true };
  const existing = await getProposalForCase(db, input.caseId);
  if (!existing) throw new Error(`proposal for case ${input.caseId}: insert skipped but no row found`);
  return { proposal: existing, created: false };
}

/**
 * The case's proposal in force: the newest of its chain (a proposal recomputed after the rules
 * it waited for were entered supersedes the first; see insertSupersedingProposal).
 */
export async function getProposalForCase(db: Queryable, caseId: string): Promise<ProposalRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM proposals WHERE case_id = $1 ORDER BY id DESC LIMIT 1`, [caseId]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}

export interface SnapshotAndProposal extends Omit<NewProposal, 'snapshotId'> {
  snapshot: unknown;
  rulesVersion: string;
  /** The state change that goes with a new proposal (compare-and-set, as transitionCase). */
  from: CaseState;
  to: CaseState;
  actor: string;
  reason: string | null;
}

/**
 * The end of a case run in one statement: stores the snapshot, the proposal unless the case
 * already has one, and (only when the proposal is new) moves the case from `from` to `to` with
 * its history line. Same rules as insertSnapshot + insertProposalIfAbsent + transitionCase,
 * one round trip instead of three. `created: false` means the case already had a proposal
 * (nothing but the snapshot was written); `moved: false` with `created: true` means another
 * run moved the case on first.
 */
export async function insertSnapshotAndProposal(
  db: Queryable,
  input: SnapshotAndProposal,
): Promise<{ snapshotId: string; created: boolean; moved: boolean }> {
  if (input.amount !== null && !MONEY_PATTERN.test(input.amount)) {
    throw new Error(`proposal for case ${input.caseId}: amount is not a money string`);
  }
  if (!canTransition(input.from, input.to)) throw new CaseTransitionError(input.caseId, 'not-allowed', input.from, input.to);
  const { rows } = await db.query<{ snapshot_id: string; proposal_id: string | null; moved: boolean }>(
    `WITH snap AS (
       INSERT INTO snapshots (case_id, snapshot, rules_version) VALUES ($1, $2::jsonb, $3) RETURNING id
     ), prop AS (
       INSERT INTO proposals (case_id, snapshot_id, outcome, amount, reasons, proposal)
       SELECT $1, snap.id, $4, $5::numeric, $6::jsonb, $7::jsonb FROM snap
       ON CONFLICT (case_id) WHERE supersedes IS NULL DO NOTHING
       RETURNING id
     ), updated AS (
       UPDATE cases SET state = $9, state_changed_at = now()
       WHERE id = $1 AND state = $8 AND EXISTS (SELECT 1 FROM prop)
       RETURNING id
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, $8, $9, $10, $11 FROM updated
     )
     SELECT (SELECT id FROM snap) AS snapshot_id, (SELECT id FROM prop) AS proposal_id,
            EXISTS (SELECT 1 FROM updated) AS moved`,
    [
      input.caseId,
      JSON.stringify(input.snapshot),
      input.rulesVersion,
      input.outcome,
      input.amount,
      JSON.stringify(input.reasons),
      JSON.stringify(input.proposal),
      input.from,
      input.to,
      input.actor,
      input.reason,
    ],
  );
  const row = rows[0]!;
  return { snapshotId: row.snapshot_id, created: row.proposal_id !== null, moved: row.moved };
}
