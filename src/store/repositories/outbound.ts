import type { Queryable } from '../db.js';
import { StoreError } from '../errors.js';
import type { DecisionOutcome } from './decisions.js';

/**
 * Carrying out signed decisions: which steps of a decision are done (decision_steps, one row
 * per decision and step, never changed), the sweep's list of decisions still to carry out,
 * and screenshots kept with a case when the case system's UI failed the robot.
 */
export const OUTBOUND_STEPS = ['write-back', 'payment', 'notify'] as const;
export type OutboundStep = (typeof OUTBOUND_STEPS)[number];

export interface DecisionStepRecord {
  decisionId: string;
  step: OutboundStep;
  outcome: 'done' | 'skipped';
  /** What the outside system answered; null for a skipped step. */
  reference: string | null;
  /** Kronor a payment step ordered (null: a row from before amounts were kept, or not a payment). */
  amount: string | null;
  actor: string;
  doneAt: Date;
}

interface StepRow {
  decision_id: string;
  step: OutboundStep;
  outcome: 'done' | 'skipped';
  reference: string | null;
  amount: string | null;
  actor: string;
  done_at: Date;
}

function toStep(r: StepRow): DecisionStepRecord {
  return { decisionId: r.decision_id, step: r.step, outcome: r.outcome, reference: r.reference, amount: r.amount, actor: r.actor, doneAt: r.done_at };
}

const STEP_COLUMNS = 'decision_id, step, outcome, reference, amount, actor, done_at';

/** The steps of a decision that are done, by step. */
export async function getDecisionSteps(db: Queryable, decisionId: string): Promise<Map<OutboundStep, DecisionStepRecord>> {
  const { rows } = await db.query<StepRow>(
    `SELECT ${STEP_COLUMNS} FROM decision_steps WHERE decision_id = $1`,
    [decisionId],
  );
  return new Map(rows.map((r) => [r.step, toStep(r)]));
}

/**
 * Records a step as done, once. A second record for the same decision and step (a retry, or
 * another worker that ran the same step: the adapters answer both with the same reference) is
 * not an error; the first row stands and is returned (`created: false`).
 */
export async function recordDecisionStep(
  db: Queryable,
  input: { decisionId: string; step: OutboundStep; outcome: 'done' | 'skipped'; reference: string | null; actor: string; amount?: string | null },
): Promise<{ step: DecisionStepRecord; created: boolean }> {
  const { rows } = await db.query<StepRow>(
    `INSERT INTO decision_steps (decision_id, step, outcome, reference, actor, amount) VALUES ($1, $2, $3, $4, $5, $6::numeric)
     ON CONFLICT (decision_id, step) DO NOTHING
     RETURNING ${STEP_COLUMNS}`,
    [input.decisionId, input.step, input.outcome, input.reference, input.actor, input.amount ?? null],
  );
  if (rows[0]) return { step: toStep(rows[0]), created: true };
  const existing = (await getDecisionSteps(db, input.decisionId)).get(input.step);
  if (!existing) throw new StoreError(`decision ${input.decisionId}: step ${input.step} insert skipped but no row found`, undefined, undefined, 'decision_steps');
  return { step: existing, created: false };
}

/** A decision as the carry-out reads it (the stored content is what was signed). */
export interface DecisionForCarryOut {
  id: string;
  caseId: string;
  municipality: string;
  caseState: string;
  outcome: DecisionOutcome;
  amount: string;
  content: Record<string, unknown>;
  contentHash: string;
  signedBy: string;
  signedAt: Date;
  superseded: boolean;
  /** The decision this one replaces (a correction), or null for the first decision. */
  supersedes: string | null;
}

export async function getDecisionForCarryOut(db: Queryable, decisionId: string): Promise<DecisionForCarryOut | undefined> {
  const { rows } = await db.query<{
    id: string;
    case_id: string;
    municipality: string;
    state: string;
    outcome: DecisionOutcome;
    amount: string;
    content: Record<string, unknown>;
    content_hash: string;
    signed_by: string;
    signed_at: Date;
    superseded: boolean;
    supersedes: string | null;
  }>(
    `SELECT d.id, d.case_id, c.municipality, c.state, d.outcome, d.amount, d.content, d.content_hash, d.signed_by, d.signed_at, d.supersedes,
            EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id) AS superseded
       FROM decisions d JOIN cases c ON c.id = d.case_id
      WHERE d.id = $1`,
    [decisionId],
  );
  const r = rows[0];
  if (!r) return undefined;
  return {
    id: r.id,
    caseId: r.case_id,
    municipality: r.municipality,
    caseState: r.state,
    outcome: r.outcome,
    amount: r.amount,
    content: r.content,
    contentHash: r.content_hash,
    signedBy: r.signed_by,
    signedAt: r.signed_at,
    superseded: r.superseded,
    supersedes: r.supersedes,
  };
}

/**
 * The decisions a decision supersedes, directly or through others, oldest first, each with its
 * payment and write-back steps (for what the chain has paid: src/appeals/settlement.ts).
 */
export async function listChainBefore(
  db: Queryable,
  decisionId: string,
): Promise<Array<{ decisionId: string; amount: string; payment?: { outcome: 'done' | 'skipped'; amount: string | null }; writtenBack: boolean }>> {
  const { rows } = await db.query<{ id: string; amount: string; pay_outcome: 'done' | 'skipped' | null; pay_amount: string | null; written_back: boolean }>(
    `WITH RECURSIVE chain AS (
       SELECT d.supersedes AS id, 1 AS depth FROM decisions d WHERE d.id = $1 AND d.supersedes IS NOT NULL
       UNION ALL
       SELECT d.supersedes, chain.depth + 1 FROM decisions d JOIN chain ON d.id = chain.id WHERE d.supersedes IS NOT NULL
     )
     SELECT d.id, d.amount, p.outcome AS pay_outcome, p.amount AS pay_amount,
            EXISTS (SELECT 1 FROM decision_steps w WHERE w.decision_id = d.id AND w.step = 'write-back') AS written_back
       FROM chain JOIN decisions d ON d.id = chain.id
       LEFT JOIN decision_steps p ON p.decision_id = d.id AND p.step = 'payment'
      ORDER BY chain.depth DESC`,
    [decisionId],
  );
  return rows.map((r) => ({
    decisionId: r.id,
    amount: r.amount,
    ...(r.pay_outcome ? { payment: { outcome: r.pay_outcome, amount: r.pay_amount } } : {}),
    writtenBack: r.written_back,
  }));
}

/**
 * Decisions still to carry out: the decision in force of every case that is SIGNED (a case
 * leaves SIGNED only when every step is done, COMPLETED, or when a caseworker takes over,
 * MANUAL). Oldest signature first; `caseId` for one case's only.
 */
export async function listDecisionsToCarryOut(db: Queryable, limit = 500, caseId?: string): Promise<Array<{ decisionId: string; caseId: string; signedAt: Date }>> {
  const { rows } = await db.query<{ id: string; case_id: string; signed_at: Date }>(
    `SELECT d.id, d.case_id, d.signed_at
       FROM cases c JOIN decisions d ON d.case_id = c.id
      WHERE c.state = 'SIGNED'
        AND NOT EXISTS (SELECT 1 FROM decisions n WHERE n.supersedes = d.id)
        AND ($2::text IS NULL OR c.id = $2)
      ORDER BY c.state_changed_at, d.id
      LIMIT $1`,
    [limit, caseId ?? null],
  );
  return rows.map((r) => ({ decisionId: r.id, caseId: r.case_id, signedAt: r.signed_at }));
}

export interface CaseScreenshot {
  id: string;
  caseId: string;
  decisionId: string | null;
  step: string;
  contentType: 'image/png' | 'image/jpeg';
  image: Uint8Array;
  takenAt: Date;
}

/** Keeps what the RPA robot saw with the case. Who may see it is for the web layer to decide. */
export async function storeCaseScreenshot(
  db: Queryable,
  input: { caseId: string; decisionId?: string | null; step: string; contentType?: 'image/png' | 'image/jpeg'; image: Uint8Array },
): Promise<{ id: string }> {
  const { rows } = await db.query<{ id: string }>(
    'INSERT INTO case_screenshots (case_id, decision_id, step, content_type, image) VALUES ($1, $2, $3, $4, $5) RETURNING id',
    [input.caseId, input.decisionId ?? null, input.step, input.contentType ?? 'image/png', input.image],
  );
  return { id: rows[0]!.id };
}

export async function listCaseScreenshots(db: Queryable, caseId: string): Promise<CaseScreenshot[]> {
  const { rows } = await db.query<{
    id: string;
    case_id: string;
    decision_id: string | null;
    step: string;
    content_type: 'image/png' | 'image/jpeg';
    image: Uint8Array;
    taken_at: Date;
  }>('SELECT id, case_id, decision_id, step, content_type, image, taken_at FROM case_screenshots WHERE case_id = $1 ORDER BY id', [caseId]);
  return rows.map((r) => ({
    id: r.id,
    caseId: r.case_id,
    decisionId: r.decision_id,
    step: r.step,
    contentType: r.content_type,
    image: new Uint8Array(r.image),
    takenAt: r.taken_at,
  }));
}

export type CaseScreenshotMeta = Omit<CaseScreenshot, 'image'> & { bytes: number };

/** The screenshots of a case without their images (for the case page's list). */
export async function listCaseScreenshotMeta(db: Queryable, caseId: string): Promise<CaseScreenshotMeta[]> {
  const { rows } = await db.query<{ id: string; case_id: string; decision_id: string | null; step: string; content_type: 'image/png' | 'image/jpeg'; taken_at: Date; bytes: number }>(
    'SELECT id, case_id, decision_id, step, content_type, taken_at, octet_length(image) AS bytes FROM case_screenshots WHERE case_id = $1 ORDER BY id',
    [caseId],
  );
  return rows.map((r) => ({ id: r.id, caseId: r.case_id, decisionId: r.decision_id, step: r.step, contentType: r.content_type, takenAt: r.taken_at, bytes: Number(r.bytes) }));
}

/** One screenshot, only if it belongs to `caseId` (the caller has authorised the case). */
export async function getCaseScreenshot(db: Queryable, caseId: string, id: string): Promise<{ contentType: 'image/png' | 'image/jpeg'; image: Uint8Array } | undefined> {
  if (!/^[0-9]{1,18}$/.test(id)) return undefined;
  const { rows } = await db.query<{ content_type: 'image/png' | 'image/jpeg'; image: Uint8Array }>(
    'SELECT content_type, image FROM case_screenshots WHERE case_id = $1 AND id = $2::bigint',
    [caseId, id],
  );
  return rows[0] ? { contentType: rows[0].content_type, image: new Uint8Array(rows[0].image) } : undefined;
}
