/**
 * Carrying out signed decisions (issue 5).
 *
 * decision_steps: one row per completed step of a decision's carry-out (write-back to the case
 * system, payment order, message to the applicant). The primary key (decision_id, step) makes
 * "this step is done" a fact that can be stated once; a retry reads it and resumes after the
 * last completed step. Rows are records of effects in the outside world: the database refuses
 * UPDATE, DELETE and TRUNCATE. `reference` is what the outside system answered (confirmation
 * number, payment reference, message id); NULL for a step that had nothing to do (no payment
 * for a rejection or a zero amount: outcome 'skipped').
 *
 * case_screenshots: what the RPA robot saw when the case system's UI failed it (PNG), kept
 * with the case for the caseworker who takes over. It shows the legacy UI and may show personal
 * data: who may see it is decided by the web layer (authorisation as for the case), and it is
 * deleted with the case by retention, so this table is not append-only.
 */
export const sql = /* sql */ `
CREATE TABLE decision_steps (
  decision_id bigint NOT NULL REFERENCES decisions (id),
  step        text NOT NULL CHECK (step IN ('write-back', 'payment', 'notify')),
  outcome     text NOT NULL CHECK (outcome IN ('done', 'skipped')),
  reference   text,
  actor       text NOT NULL,
  done_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (decision_id, step),
  CHECK (outcome = 'skipped' OR reference IS NOT NULL)
);
CREATE TRIGGER decision_steps_immutable BEFORE UPDATE OR DELETE ON decision_steps
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER decision_steps_no_truncate BEFORE TRUNCATE ON decision_steps
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The outbound sweep looks for signed cases.
CREATE INDEX cases_signed_idx ON cases (state_changed_at, id) WHERE state = 'SIGNED';

CREATE TABLE case_screenshots (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id      text NOT NULL REFERENCES cases (id),
  decision_id  bigint REFERENCES decisions (id),
  step         text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
  image        bytea NOT NULL,
  taken_at     timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX case_screenshots_case_idx ON case_screenshots (case_id, id);
`;
