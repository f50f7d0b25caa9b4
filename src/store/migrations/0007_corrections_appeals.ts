/**
 * Corrections (ändring / omprövning) and appeals (överklagande).
 *
 * decision_steps.amount: what a payment step actually ordered, in kronor. A correction is paid
 * for the difference between its amount and what the earlier decisions of its chain paid, so
 * the amount each payment row ordered must be a fact of its own. Rows written before this
 * migration have NULL, which means "the decision's own amount" (a first decision always ordered
 * its whole amount).
 *
 * appeals: one row per appeal as it was received: the decision it concerns, the day it reached
 * the municipality, by which channel, what it concerns (free text, 2 000 characters at most),
 * the day the applicant got the decision (from the notify step, or as a caseworker recorded
 * it) and who recorded it. It is a record: never changed.
 *
 * appeal_events: what happened to an appeal afterwards, one row per event: 'kept' (omprövning,
 * the decision stands), 'changed' (omprövning, a new decision supersedes it; `decision_id`
 * names the new one; `resolved` when it gives the applicant what they asked for, so the appeal
 * lapses), 'dismissed' (avvisat: it came in too late) and 'forwarded' (sent on to
 * förvaltningsrätten on `on_date`). Each kind happens once per appeal (primary key), and the
 * rows are append-only.
 *
 * Gallring must still be able to destroy a case with an appeal: refuse_change() gets the two
 * new tables in its list of case records (the rest of the function is migration 0006's).
 */
export const sql = /* sql */ `
ALTER TABLE decision_steps ADD COLUMN amount numeric CHECK (amount IS NULL OR amount >= 0);

CREATE TABLE appeals (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id       text NOT NULL REFERENCES cases (id),
  decision_id   bigint NOT NULL REFERENCES decisions (id),
  received_on   date NOT NULL,
  channel       text NOT NULL CHECK (channel IN ('brev', 'e-post', 'e-tjänst', 'personligt besök', 'telefon', 'annat')),
  concerns      text NOT NULL CHECK (length(btrim(concerns)) > 0 AND length(concerns) <= 2000),
  notified_on   date,
  notified_from text NOT NULL CHECK (notified_from IN ('notify-step', 'caseworker', 'unknown')),
  recorded_by   text NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  CHECK ((notified_from = 'unknown') = (notified_on IS NULL))
);
CREATE INDEX appeals_case_idx ON appeals (case_id, id);
CREATE TRIGGER appeals_immutable BEFORE UPDATE OR DELETE ON appeals
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER appeals_no_truncate BEFORE TRUNCATE ON appeals
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE appeal_events (
  appeal_id   bigint NOT NULL REFERENCES appeals (id),
  -- The case, repeated so that gallring and the export find the row by case like every other.
  case_id     text NOT NULL REFERENCES cases (id),
  kind        text NOT NULL CHECK (kind IN ('kept', 'changed', 'dismissed', 'forwarded')),
  decision_id bigint REFERENCES decisions (id),
  resolved    boolean NOT NULL DEFAULT false,
  on_date     date NOT NULL,
  note        text CHECK (note IS NULL OR length(note) <= 2000),
  actor       text NOT NULL,
  at          timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (appeal_id, kind),
  CHECK ((kind = 'changed') = (decision_id IS NOT NULL)),
  CHECK (kind = 'changed' OR NOT resolved)
);
CREATE TRIGGER appeal_events_immutable BEFORE UPDATE OR DELETE ON appeal_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER appeal_events_no_truncate BEFORE TRUNCATE ON appeal_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  run      text := current_setting('bistand.retention_run', true);
  row_data jsonb;
  row_case text;
BEGIN
  IF TG_OP = 'DELETE' AND run IS NOT NULL AND run <> ''
     AND TG_TABLE_NAME IN ('case_state_history', 'snapshots', 'proposals', 'decisions', 'decision_steps', 'audit_log', 'appeals', 'appeal_events') THEN
    row_data := to_jsonb(OLD);
    IF TG_TABLE_NAME = 'decision_steps' THEN
      SELECT d.case_id INTO row_case FROM decisions d WHERE d.id = (row_data ->> 'decision_id')::bigint;
    ELSE
      row_case := row_data ->> 'case_id';
    END IF;
    IF row_case IS NOT NULL AND EXISTS (
      SELECT 1 FROM retention_destructions x JOIN retention_runs r ON r.id = x.run_id
      WHERE x.run_id = run AND x.case_id = row_case AND r.mode = 'destroy' AND r.finished_at IS NULL
    ) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
`;
