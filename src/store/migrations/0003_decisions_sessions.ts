/**
 * Signed decisions and the web sessions of the review pages.
 *
 * A decision is what a caseworker signed: the decision content as canonical JSON, its SHA-256,
 * who signed and when. It never changes (the database refuses UPDATE, DELETE and TRUNCATE);
 * a correction is a new decision that names the one it supersedes. A case has one first
 * decision (a unique index), and a decision is superseded at most once, so the chain of
 * decisions of a case never forks.
 */
export const sql = /* sql */ `
CREATE TABLE decisions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id      text NOT NULL REFERENCES cases (id),
  proposal_id  bigint NOT NULL REFERENCES proposals (id),
  -- 'as-proposed': signed as the robot proposed; 'edited': amounts changed with a motivation.
  kind         text NOT NULL CHECK (kind IN ('as-proposed', 'edited')),
  outcome      text NOT NULL CHECK (outcome IN ('GRANT', 'REJECT')),
  amount       numeric NOT NULL CHECK (amount >= 0),
  -- Exactly what was signed; content_hash = sha256(canonical JSON of content).
  content      jsonb NOT NULL,
  content_hash text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
  motivation   text,
  signed_by    text NOT NULL,
  signed_at    timestamptz NOT NULL,
  supersedes   bigint UNIQUE REFERENCES decisions (id),
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK (kind = 'as-proposed' OR (motivation IS NOT NULL AND length(btrim(motivation)) > 0))
);
CREATE UNIQUE INDEX decisions_first_per_case ON decisions (case_id) WHERE supersedes IS NULL;
CREATE INDEX decisions_case_idx ON decisions (case_id, id);
CREATE TRIGGER decisions_immutable BEFORE UPDATE OR DELETE ON decisions
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER decisions_no_truncate BEFORE TRUNCATE ON decisions
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- Sessions of the review and admin pages: shared by every web process, survive a restart.
-- The data holds the signed-in user (ids, role, organisation) and the CSRF secret; never a
-- personal number of an applicant.
CREATE TABLE web_sessions (
  sid        text PRIMARY KEY,
  data       jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_expires_idx ON web_sessions (expires_at);
`;
