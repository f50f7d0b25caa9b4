import type { Queryable } from '../../src/store/index.js';

/**
 * Test households for gallring, written with explicit timestamps (the store's defaults would
 * stamp "now", and the rule is about years ago). Personal numbers come from snapshots.ts
 * personalNumber(): test numbers only.
 */

export interface SeedCase {
  id: string;
  municipality: string;
  month: string | null;
  state: 'COMPLETED' | 'MANUAL' | 'SIGNED' | 'PROPOSED';
  /** Every entry of the case is written at this instant (ISO). */
  at: string;
  applicant: string | null;
  coApplicant?: string | null;
  /** Adds a signed decision, its steps, a screenshot, a job outcome and a booked first meeting. */
  decided?: boolean;
}

/** Rows written per table for a seeded case (what a destruction must remove). */
export function seededRowCounts(c: SeedCase): Record<string, number> {
  const decided = c.decided ? 1 : 0;
  return {
    decision_steps: decided * 3,
    case_screenshots: decided,
    bookings: decided,
    decisions: decided,
    proposals: 1,
    snapshots: 1,
    case_state_history: 2,
    job_outcomes: decided,
    appeals: decided,
    appeal_events: decided,
    audit_log: 2,
    cases: 1,
    applications: 1,
  };
}

export async function seedCase(db: Queryable, c: SeedCase): Promise<void> {
  const application = {
    id: c.id,
    municipality: c.municipality,
    receivedAt: c.at,
    month: c.month,
    applicant: c.applicant === null ? {} : { personalNumber: c.applicant },
    coApplicant: c.coApplicant ? { personalNumber: c.coApplicant } : null,
    children: [],
  };
  await db.query('INSERT INTO applications (id, municipality, received_at, raw, created_at) VALUES ($1, $2, $3, $4::jsonb, $3)', [
    c.id,
    c.municipality,
    c.at,
    JSON.stringify({ application }),
  ]);
  await db.query('INSERT INTO cases (id, municipality, month, state, state_changed_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)', [c.id, c.municipality, c.month, c.state, c.at]);
  await db.query(
    `INSERT INTO case_state_history (case_id, from_state, to_state, actor, at) VALUES ($1, NULL, 'RECEIVED', 'robot', $2), ($1, 'RECEIVED', $3, 'robot', $2)`,
    [c.id, c.at, c.state],
  );
  const snapshot = await db.query<{ id: string }>('INSERT INTO snapshots (case_id, snapshot, rules_version, created_at) VALUES ($1, $2::jsonb, $3, $4) RETURNING id', [
    c.id,
    JSON.stringify({ application }),
    'sha256:test',
    c.at,
  ]);
  const proposal = await db.query<{ id: string }>(
    `INSERT INTO proposals (case_id, snapshot_id, outcome, amount, proposal, created_at) VALUES ($1, $2, 'PROPOSE_GRANT', '5000', '{}'::jsonb, $3) RETURNING id`,
    [c.id, snapshot.rows[0]!.id, c.at],
  );
  // A look-up is recorded only while the case gathers (migration 0014): planted in that state.
  await db.query("UPDATE cases SET state = 'GATHERING' WHERE id = $1", [c.id]);
  await db.query(
    `INSERT INTO audit_log (at, actor, action, case_id, subject_ref, purpose, result) VALUES
       ($1, 'robot', 'kir.lookup', $2, '0123456789abcdef0123456789abcdef', 'utredning', 'ok'),
       ($1, 'hl-1', 'case.read', $2, NULL, 'handläggning', 'ok')`,
    [c.at, c.id],
  );
  await db.query('UPDATE cases SET state = $2 WHERE id = $1', [c.id, c.state]);
  if (!c.decided) return;
  const decision = await db.query<{ id: string }>(
    `INSERT INTO decisions (case_id, proposal_id, kind, outcome, amount, content, content_hash, signed_by, signed_at, created_at)
     VALUES ($1, $2, 'as-proposed', 'GRANT', '5000', '{}'::jsonb, $3, 'hl-1', $4, $4) RETURNING id`,
    [c.id, proposal.rows[0]!.id, 'a'.repeat(64), c.at],
  );
  const decisionId = decision.rows[0]!.id;
  await db.query(
    `INSERT INTO decision_steps (decision_id, step, outcome, reference, actor, done_at) VALUES
       ($1, 'write-back', 'done', 'R1', 'robot', $2), ($1, 'payment', 'done', 'P1', 'robot', $2), ($1, 'notify', 'done', 'M1', 'robot', $2)`,
    [decisionId, c.at],
  );
  await db.query(`INSERT INTO case_screenshots (case_id, decision_id, step, content_type, image, taken_at) VALUES ($1, $2, 'write-back', 'image/png', $3, $4)`, [
    c.id,
    decisionId,
    Uint8Array.from([0x89, 0x50, 0x4e, 0x47]),
    c.at,
  ]);
  await db.query(`INSERT INTO job_outcomes (job_id, case_id, queue, outcome, at) VALUES ($1, $2, 'outbound', 'done', $3)`, [`decision-${decisionId}`, c.id, c.at]);
  // An appeal forwarded to förvaltningsrätten: gallring must get past its append-only triggers too.
  const appeal = await db.query<{ id: string }>(
    `INSERT INTO appeals (case_id, decision_id, received_on, channel, concerns, notified_on, notified_from, recorded_by, recorded_at)
     VALUES ($1, $2, ($3::timestamptz)::date, 'brev', 'Beloppet.', ($3::timestamptz)::date, 'notify-step', 'hl-1', $3) RETURNING id`,
    [c.id, decisionId, c.at],
  );
  await db.query(`INSERT INTO appeal_events (appeal_id, case_id, kind, on_date, actor, at) VALUES ($1, $2, 'kept', ($3::timestamptz)::date, 'hl-1', $3)`, [appeal.rows[0]!.id, c.id, c.at]);
  await db.query(
    `INSERT INTO bookings (case_id, municipality, state, reference, starts_at, ends_at, with_title, message_reference, created_at, updated_at)
     VALUES ($1, $2, 'booked', 'BOK-1', $3, $3::timestamptz + interval '30 minutes', 'arbetsmarknadssekreterare', 'MOTE-1', $3, $3)`,
    [c.id, c.municipality, c.at],
  );
}
