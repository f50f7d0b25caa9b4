import { MONEY_PATTERN } from '../../domain/money.js';
import type { Queryable } from '../db.js';

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
 * Stores the case's proposal unless it already has one. The UNIQUE constraint on case_id
 * makes this hold across processes and retries: reprocessing a case gets the existing
 * proposal back (`created: false`) and never makes a second.
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
     ON CONFLICT (case_id) DO NOTHING
     RETURNING ${COLUMNS}`,
    [input.caseId, input.snapshotId, input.outcome, input.amount, JSON.stringify(input.reasons), JSON.stringify(input.proposal)],
  );
  if (inserted.rows[0]) return { proposal: toRecord(inserted.rows[0]), created: true };
  const existing = await getProposalForCase(db, input.caseId);
  if (!existing) throw new Error(`proposal for case ${input.caseId}: insert skipped but no row found`);
  return { proposal: existing, created: false };
}

export async function getProposalForCase(db: Queryable, caseId: string): Promise<ProposalRecord | undefined> {
  const { rows } = await db.query<Row>(`SELECT ${COLUMNS} FROM proposals WHERE case_id = $1`, [caseId]);
  return rows[0] ? toRecord(rows[0]) : undefined;
}
