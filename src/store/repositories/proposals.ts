import { MONEY_PATTERN } from '../../domain/money.js';
import { canTransition, type CaseState } from '../../domain/caseStates.js';
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

/** outcome, amount, reasons (JSON), proposal (JSON) as query parameters; a non-money amount throws. */
/** @throws Error when the amount is not a money string (the column must not guess). */
function checkAmount(input: Pick<NewProposal, 'caseId' | 'amount'>): void {
  if (input.amount !== null && !MONEY_PATTERN.test(input.amount)) {
    throw new Error(`proposal for case ${input.caseId}: amount is not a money string`);
  }
}

function proposalValues(input: Pick<NewProposal, 'caseId' | 'outcome' | 'amount' | 'reasons' | 'proposal'>): [ProposalOutcome, string | null, string, string] {
  checkAmount(input);
  return [input.outcome, input.amount, JSON.stringify(input.reasons), JSON.stringify(input.proposal)];
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
  const inserted = await db.query<Row>(
    `INSERT INTO proposals (case_id, snapshot_id, outcome, amount, reasons, proposal)
     VALUES ($1, $2, $3, $4::numeric, $5::jsonb, $6::jsonb)
     ON CONFLICT (case_id) WHERE supersedes IS NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [input.caseId, input.snapshotId, ...proposalValues(input)],
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
  return (await insertSnapshotsAndProposals(db, [input]))[0]!;
}

/**
 * insertSnapshotAndProposal for several cases in one statement (the case jobs of one turn),
 * each with the same rules: its snapshot always, its proposal unless the case has one, its
 * compare-and-set state change and history line only when its proposal is new. Answers in the
 * order given. A case given twice goes in a statement of its own after the first, so the
 * second sees the first's proposal. Any bad input fails the whole call (callers split it).
 * @throws CaseTransitionError('not-allowed') when a `from` → `to` is not a transition.
 */
export async function insertSnapshotsAndProposals(
  db: Queryable,
  inputs: readonly SnapshotAndProposal[],
): Promise<Array<{ snapshotId: string; created: boolean; moved: boolean }>> {
  for (const input of inputs) {
    if (!canTransition(input.from, input.to)) throw new CaseTransitionError(input.caseId, 'not-allowed', input.from, input.to);
  }
  const results = new Array<{ snapshotId: string; created: boolean; moved: boolean }>(inputs.length);
  let rest = inputs.map((input, n) => ({ input, n }));
  while (rest.length > 0) {
    const seen = new Set<string>();
    const round = rest.filter(({ input }) => !seen.has(input.caseId) && Boolean(seen.add(input.caseId)));
    rest = rest.filter((item) => !round.includes(item));
    const rows = round.map(({ input, n }) => {
      checkAmount(input);
      return {
        n,
        case_id: input.caseId,
        snapshot: input.snapshot,
        rules_version: input.rulesVersion,
        outcome: input.outcome,
        amount: input.amount,
        reasons: input.reasons,
        proposal: input.proposal,
        from_state: input.from,
        to_state: input.to,
        actor: input.actor,
        reason: input.reason,
      };
    });
    const { rows: stored } = await db.query<{ n: number; snapshot_id: string; proposal_id: string | null; moved: boolean }>(
      `WITH input AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(n int, case_id text, snapshot jsonb, rules_version text, outcome text,
                amount numeric, reasons jsonb, proposal jsonb, from_state text, to_state text, actor text, reason text)
       ), snap AS (
         INSERT INTO snapshots (case_id, snapshot, rules_version)
         SELECT case_id, snapshot, rules_version FROM input ORDER BY n
         RETURNING id, case_id
       ), prop AS (
         INSERT INTO proposals (case_id, snapshot_id, outcome, amount, reasons, proposal)
         SELECT i.case_id, s.id, i.outcome, i.amount, i.reasons, i.proposal FROM input i JOIN snap s ON s.case_id = i.case_id ORDER BY i.n
         ON CONFLICT (case_id) WHERE supersedes IS NULL DO NOTHING
         RETURNING id, case_id
       ), updated AS (
         UPDATE cases c SET state = i.to_state, state_changed_at = now()
           FROM input i
          WHERE c.id = ANY($2::text[]) AND c.id = i.case_id AND c.state = i.from_state AND i.case_id IN (SELECT case_id FROM prop)
         RETURNING c.id
       ), history AS (
         INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
         SELECT i.case_id, i.from_state, i.to_state, i.actor, i.reason FROM input i JOIN updated u ON u.id = i.case_id ORDER BY i.n
       )
       SELECT i.n, s.id AS snapshot_id, p.id AS proposal_id, (u.id IS NOT NULL) AS moved
         FROM input i JOIN snap s ON s.case_id = i.case_id
         LEFT JOIN prop p ON p.case_id = i.case_id LEFT JOIN updated u ON u.id = i.case_id`,
      // The ids again as an array: the planner takes jsonb_to_recordset for 100 rows and would
      // join a turn's few cases to a sequential scan of all cases; = ANY reads them by index.
      [JSON.stringify(rows), round.map(({ input }) => input.caseId)],
    );
    for (const row of stored) {
      results[Number(row.n)] = { snapshotId: String(row.snapshot_id), created: row.proposal_id !== null, moved: row.moved };
    }
  }
  return results;
}

/** The reasons that mean "waiting for rules": the case comes back by itself once they are entered. */
export const WAITING_FOR_RULES = ['RULES_MISSING', 'PROVISIONAL_RULES'] as const;

export interface WaitingForRules {
  caseId: string;
  proposalId: string;
  snapshotId: string;
  /** The stored case snapshot, as stored (validate before use). */
  snapshot: unknown;
}

/**
 * MANUAL cases whose proposal in force waits for rules and was made under another rules version
 * than `rulesVersion`: not closed, without a decision. Oldest first, `limit` at a time, after
 * `afterId` (paging by case id).
 */
export async function listCasesWaitingForRules(
  db: Queryable,
  q: { rulesVersion: string; afterId?: string; limit?: number },
): Promise<WaitingForRules[]> {
  const { rows } = await db.query<{ case_id: string; id: string; snapshot_id: string; snapshot: unknown }>(
    `SELECT p.case_id, p.id, p.snapshot_id, s.snapshot
       FROM cases c
       JOIN proposals p ON p.case_id = c.id AND NOT EXISTS (SELECT 1 FROM proposals n WHERE n.supersedes = p.id)
       JOIN snapshots s ON s.id = p.snapshot_id
      WHERE c.state = 'MANUAL' AND c.closed_at IS NULL AND c.id > $2
        AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id)
        AND p.reasons ?| $3::text[]
        AND p.proposal ->> 'rulesVersion' IS DISTINCT FROM $1
      ORDER BY c.id
      LIMIT $4`,
    [q.rulesVersion, q.afterId ?? '', [...WAITING_FOR_RULES], q.limit ?? 100],
  );
  return rows.map((r) => ({ caseId: r.case_id, proposalId: r.id, snapshotId: r.snapshot_id, snapshot: r.snapshot }));
}

export interface SupersedingProposal extends Omit<NewProposal, 'snapshotId'> {
  /** The proposal in force that the new one replaces; refused if it is no longer in force. */
  supersedes: string;
  snapshotId: string;
  /** MANUAL -> PROPOSED for a proposal to sign; MANUAL -> MANUAL when other reasons remain. */
  to: 'PROPOSED' | 'MANUAL';
  actor: string;
  reason: string;
}

/**
 * Stores a proposal that supersedes the case's proposal in force and moves the case on, in one
 * statement: only while the case is MANUAL, not closed, without a decision, and `supersedes` is
 * still the newest proposal (compare-and-set; a second process loses on the unique
 * `supersedes`). The history gets its line (MANUAL -> `to`). Returns the new proposal's id, or
 * undefined when nothing was written.
 */
export async function insertSupersedingProposal(db: Queryable, input: SupersedingProposal): Promise<string | undefined> {
  if (input.to !== 'MANUAL' && !canTransition('MANUAL', input.to)) throw new CaseTransitionError(input.caseId, 'not-allowed', 'MANUAL', input.to);
  const { rows } = await db.query<{ id: string }>(
    `WITH eligible AS (
       SELECT c.id FROM cases c
        WHERE c.id = $1 AND c.state = 'MANUAL' AND c.closed_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.case_id = c.id)
          AND $2::bigint = (SELECT max(p.id) FROM proposals p WHERE p.case_id = c.id)
        FOR UPDATE
     ), prop AS (
       INSERT INTO proposals (case_id, snapshot_id, outcome, amount, reasons, proposal, supersedes)
       SELECT $1, $3, $4, $5::numeric, $6::jsonb, $7::jsonb, $2 FROM eligible
       ON CONFLICT (supersedes) DO NOTHING
       RETURNING id
     ), updated AS (
       UPDATE cases SET state = $8, state_changed_at = CASE WHEN $8 = 'MANUAL' THEN state_changed_at ELSE now() END
        WHERE id = $1 AND EXISTS (SELECT 1 FROM prop)
        RETURNING id
     ), history AS (
       INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason)
       SELECT id, 'MANUAL', $8, $9, $10 FROM updated
     )
     SELECT id FROM prop`,
    [
      input.caseId,
      input.supersedes,
      input.snapshotId,
      ...proposalValues(input),
      input.to,
      input.actor,
      input.reason,
    ],
  );
  return rows[0]?.id;
}
