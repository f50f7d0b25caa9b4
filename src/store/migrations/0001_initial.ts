/**
 * The first schema. A migration is history: once released it is never edited (the runner
 * refuses a changed checksum); change the schema with a new migration.
 */
export const sql = /* sql */ `
-- Refuses a change to a table whose rows are records: the audit log (append-only by law of
-- the trade: who looked at whom, and why) and the snapshots and proposals a decision rests on.
CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TABLE applications (
  id                text PRIMARY KEY,
  municipality      text NOT NULL,
  received_at       timestamptz NOT NULL,
  -- The application exactly as it came in, valid or not: nothing is dropped.
  raw               jsonb NOT NULL,
  -- Empty when valid; otherwise [{ "field": ..., "message": ... }] in a caseworker's words.
  validation_errors jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(validation_errors) = 'array'),
  created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cases (
  id               text PRIMARY KEY REFERENCES applications (id),
  municipality     text NOT NULL,
  -- The unit within the municipality that handles the case, when known.
  organisation     text,
  -- YYYY-MM; unknown for an application too broken to say which month it asks for.
  month            text CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  state            text NOT NULL CHECK (state IN ('RECEIVED', 'INVALID', 'GATHERING', 'WAITING_FOR_PLAN',
                     'TECHNICAL_ERROR', 'PROPOSED', 'MANUAL', 'SIGNED', 'COMPLETED')),
  state_changed_at timestamptz NOT NULL DEFAULT now(),
  attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cases_state_idx ON cases (state, state_changed_at);

-- Every state a case has been in, with who moved it and why: the case's own history.
CREATE TABLE case_state_history (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id    text NOT NULL REFERENCES cases (id),
  from_state text,
  to_state   text NOT NULL,
  actor      text NOT NULL,
  reason     text,
  at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX case_state_history_case_idx ON case_state_history (case_id, id);
CREATE TRIGGER case_state_history_append_only BEFORE UPDATE OR DELETE ON case_state_history
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER case_state_history_no_truncate BEFORE TRUNCATE ON case_state_history
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE snapshots (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id       text NOT NULL REFERENCES cases (id),
  snapshot      jsonb NOT NULL,
  rules_version text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX snapshots_case_idx ON snapshots (case_id, id);
CREATE TRIGGER snapshots_immutable BEFORE UPDATE OR DELETE ON snapshots
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER snapshots_no_truncate BEFORE TRUNCATE ON snapshots
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE proposals (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- One proposal per case: reprocessing a case can never make a second one.
  case_id     text NOT NULL UNIQUE REFERENCES cases (id),
  snapshot_id bigint NOT NULL REFERENCES snapshots (id),
  outcome     text NOT NULL CHECK (outcome IN ('PROPOSE_GRANT', 'PROPOSE_REJECT', 'MANUAL')),
  -- Unconstrained NUMERIC keeps the scale it was given: "1250.50" comes back "1250.50".
  amount      numeric CHECK (amount >= 0),
  reasons     jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof(reasons) = 'array'),
  proposal    jsonb NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
-- What the robot concluded stays as it was; a caseworker's edit belongs to the decision.
CREATE TRIGGER proposals_immutable BEFORE UPDATE OR DELETE ON proposals
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER proposals_no_truncate BEFORE TRUNCATE ON proposals
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- clock_timestamp, not now(): entries within one transaction keep their real order in time.
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor       text NOT NULL,
  action      text NOT NULL,
  case_id     text,
  -- A pseudonym (HMAC of the personal number), never the number itself: 32 hex digits.
  subject_ref text CHECK (subject_ref ~ '^[0-9a-f]{32}$'),
  purpose     text NOT NULL,
  result      text NOT NULL,
  details     jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_case_idx ON audit_log (case_id, id);
CREATE INDEX audit_log_subject_idx ON audit_log (subject_ref, id);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE job_outcomes (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  job_id      text NOT NULL,
  case_id     text,
  queue       text NOT NULL,
  outcome     text NOT NULL,
  -- The error's class name (BusinessException, SystemException, ...); never its message.
  error_class text,
  attempts    integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  at          timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX job_outcomes_case_idx ON job_outcomes (case_id, id);
CREATE INDEX job_outcomes_queue_idx ON job_outcomes (queue, at);
`;
