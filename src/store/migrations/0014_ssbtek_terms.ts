/**
 * SSBTEK's terms kept by the system (issue 13).
 *
 * ssbtek_declarations: that a user signed "Försäkran för handläggare vid socialnämnd" (annex 2 of
 * the municipality's connection agreement) towards one municipality: the day it was signed, who
 * received it, the document's reference. ssbtek_declaration_ends: the last day a declaration
 * holds (the user left). Both append-only: a mistake is put right by a new row, never by
 * changing an old one. A declaration holds on day D when signed_on <= D and it has no end
 * whose last_day < D.
 *
 * audit_log_lookup_in_handling: a register look-up (ssbtek/kir/plan .lookup) may be recorded only
 * for an existing case in a state where the robot gathers (GATHERING, WAITING_FOR_PLAN). The
 * audit row is written before the register is asked, so the refusal also stops the look-up.
 *
 * log_followup_reports / log_followup_signoffs: the logguppföljning of one municipality and
 * period (findings as JSON: user, case id, time, audit row ids; never a personal number), and
 * its sign-off by an auditor or admin: one per report (primary key), append-only.
 */
export const sql = /* sql */ `
CREATE TABLE ssbtek_declarations (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      text NOT NULL CHECK (user_id ~ '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$'),
  municipality text NOT NULL CHECK (municipality ~ '^[0-9]{4}$'),
  signed_on    date NOT NULL,
  received_by  text NOT NULL CHECK (length(btrim(received_by)) BETWEEN 1 AND 200),
  document_ref text NOT NULL CHECK (length(btrim(document_ref)) BETWEEN 1 AND 200),
  recorded_by  text NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ssbtek_declarations_user_idx ON ssbtek_declarations (user_id, municipality);
CREATE TRIGGER ssbtek_declarations_append_only BEFORE UPDATE OR DELETE ON ssbtek_declarations
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ssbtek_declarations_no_truncate BEFORE TRUNCATE ON ssbtek_declarations
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE ssbtek_declaration_ends (
  declaration_id bigint PRIMARY KEY REFERENCES ssbtek_declarations (id),
  last_day       date NOT NULL,
  recorded_by    text NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TRIGGER ssbtek_declaration_ends_append_only BEFORE UPDATE OR DELETE ON ssbtek_declaration_ends
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ssbtek_declaration_ends_no_truncate BEFORE TRUNCATE ON ssbtek_declaration_ends
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE FUNCTION refuse_lookup_outside_handling() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  current_state text;
BEGIN
  IF NEW.action IN ('ssbtek.lookup', 'kir.lookup', 'plan.lookup') THEN
    SELECT state INTO current_state FROM cases WHERE id = NEW.case_id;
    IF current_state IS NULL OR current_state NOT IN ('GATHERING', 'WAITING_FOR_PLAN') THEN
      RAISE EXCEPTION 'register look-up refused: the case is not in handling (state %)', coalesce(current_state, 'none')
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER audit_log_lookup_in_handling BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_lookup_outside_handling();

CREATE TABLE log_followup_reports (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  municipality text NOT NULL CHECK (municipality ~ '^[0-9]{4}$'),
  -- Stockholm calendar dates, both inclusive.
  period_from  date NOT NULL,
  period_to    date NOT NULL,
  kind         text NOT NULL CHECK (kind IN ('scheduled', 'on-demand')),
  made_by      text NOT NULL,
  made_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  settings     jsonb NOT NULL,
  counts       jsonb NOT NULL,
  findings     jsonb NOT NULL CHECK (jsonb_typeof(findings) = 'array'),
  CHECK (period_to >= period_from)
);
-- The monthly job runs again after a restart: one scheduled report per municipality and month.
CREATE UNIQUE INDEX log_followup_scheduled_once ON log_followup_reports (municipality, period_from, period_to) WHERE kind = 'scheduled';
CREATE TRIGGER log_followup_reports_append_only BEFORE UPDATE OR DELETE ON log_followup_reports
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER log_followup_reports_no_truncate BEFORE TRUNCATE ON log_followup_reports
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE log_followup_signoffs (
  report_id  bigint PRIMARY KEY REFERENCES log_followup_reports (id),
  signed_by  text NOT NULL,
  role       text NOT NULL,
  comment    text NOT NULL CHECK (length(btrim(comment)) BETWEEN 1 AND 4000),
  signed_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TRIGGER log_followup_signoffs_append_only BEFORE UPDATE OR DELETE ON log_followup_signoffs
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER log_followup_signoffs_no_truncate BEFORE TRUNCATE ON log_followup_signoffs
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
`;
