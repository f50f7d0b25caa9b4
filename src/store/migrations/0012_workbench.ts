/**
 * The caseworker's workbench (issue "most cases end where the caseworker's work begins").
 *
 * cases.owner: the caseworker (user id) who has claimed the case. NULL: the case is in the shared
 * queue. Every change of owner is also a line in case_state_history (same state on both sides,
 * reason CLAIMED / RELEASED / REASSIGNED:<user id or ->), so the case's own history tells it.
 *
 * cases.closed_at / closed_reason: a MANUAL case that a caseworker closed as handled entirely in
 * the case system (a MANUAL sub-status rather than a new state: the robot's work already ended at
 * MANUAL, and every module that counts MANUAL as an end state stays right). It leaves the inbox.
 * The reason is the caseworker's words and may name facts of the case: it lives with the case
 * and is removed with it (gallring), never in the history or the audit log.
 *
 * proposals.supersedes: a case that waited for rules (RULES_MISSING, PROVISIONAL_RULES) gets a new
 * proposal recomputed from its stored snapshot once the rules are entered. The first proposal
 * stays as it was (proposals are immutable); the new one names it. One first proposal per case
 * and each proposal superseded at most once, so a case's proposals form one chain; the newest is
 * the one in force.
 */
export const sql = /* sql */ `
ALTER TABLE cases ADD COLUMN owner text CHECK (owner IS NULL OR owner ~ '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$');
ALTER TABLE cases ADD COLUMN closed_at timestamptz;
ALTER TABLE cases ADD COLUMN closed_reason text CHECK (closed_reason IS NULL OR length(btrim(closed_reason)) > 0);
ALTER TABLE cases ADD CONSTRAINT cases_closed_with_reason CHECK ((closed_at IS NULL) = (closed_reason IS NULL));
CREATE INDEX cases_owner_idx ON cases (owner, state) WHERE owner IS NOT NULL;

ALTER TABLE proposals ADD COLUMN supersedes bigint UNIQUE REFERENCES proposals (id);
ALTER TABLE proposals DROP CONSTRAINT proposals_case_id_key;
CREATE UNIQUE INDEX proposals_first_per_case ON proposals (case_id) WHERE supersedes IS NULL;
CREATE INDEX proposals_case_idx ON proposals (case_id, id);
`;
