/**
 * Retention (gallring, issue 6): personal data of a closed case is destroyed five years after
 * the last entry in the person's file, and the robot keeps a record of what it destroyed.
 *
 * retention_runs: one row per run. A dry run only plans; a destroy run carries out a dry run
 * that an admin approved (`approves`), and is open (finished_at IS NULL) while it works.
 *
 * retention_items: what a dry run found: the cases it would destroy, and the cases that were
 * due but are kept (research exception, unknown person). Case ids and dates only.
 *
 * retention_destructions: the record of what was destroyed: case id, municipality, month,
 * dates and row counts per table; never the destroyed data itself.
 *
 * Both record tables are append-only with no way past. The records of a case (history,
 * snapshots, proposals, decisions, decision steps, audit rows) stay append-only too, with one
 * controlled path: a DELETE (never an UPDATE or TRUNCATE) is let through when the transaction
 * has named an open destroy run (set_config('bistand.retention_run', id, true)) and that run
 * has already recorded the destruction of the row's case. The record and the deletions commit
 * or roll back together, so a case is gone exactly when its destruction is on record.
 */
export const sql = /* sql */ `
CREATE TABLE retention_runs (
  id           text PRIMARY KEY,
  mode         text NOT NULL CHECK (mode IN ('dry-run', 'destroy')),
  -- The Stockholm calendar date the rule was applied for (the injected clock's "today").
  run_date     date NOT NULL,
  municipality text NOT NULL CHECK (municipality ~ '^[0-9]{4}$'),
  rule_source  text NOT NULL,
  rule_status  text NOT NULL,
  -- A destroy run carries out exactly one approved dry run, once.
  approves     text UNIQUE REFERENCES retention_runs (id),
  actor        text NOT NULL,
  started_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
  finished_at  timestamptz,
  summary      jsonb NOT NULL DEFAULT '{}'::jsonb,
  CHECK ((mode = 'destroy') = (approves IS NOT NULL))
);
CREATE INDEX retention_runs_started_idx ON retention_runs (municipality, started_at DESC);

CREATE TABLE retention_items (
  run_id        text NOT NULL REFERENCES retention_runs (id),
  case_id       text NOT NULL,
  verdict       text NOT NULL CHECK (verdict IN ('destroy', 'keep-research', 'keep-unknown-person', 'keep-open')),
  month         text,
  last_entry_on date NOT NULL,
  due_from      date NOT NULL,
  deadline      date NOT NULL,
  PRIMARY KEY (run_id, case_id)
);
CREATE TRIGGER retention_items_append_only BEFORE UPDATE OR DELETE ON retention_items
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retention_items_no_truncate BEFORE TRUNCATE ON retention_items
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE retention_destructions (
  run_id        text NOT NULL REFERENCES retention_runs (id),
  -- Unique: a case is destroyed once; a case id is never reused.
  case_id       text NOT NULL UNIQUE,
  municipality  text NOT NULL,
  month         text,
  last_entry_on date NOT NULL,
  due_from      date NOT NULL,
  -- Rows destroyed per table, e.g. {"snapshots": 1, "audit_log": 14}.
  row_counts    jsonb NOT NULL,
  destroyed_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (run_id, case_id)
);
CREATE TRIGGER retention_destructions_append_only BEFORE UPDATE OR DELETE ON retention_destructions
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER retention_destructions_no_truncate BEFORE TRUNCATE ON retention_destructions
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The one way past the append-only triggers (see above). The tables it applies to are named:
-- the retention records themselves, and any table added later, stay closed.
CREATE OR REPLACE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  run      text := current_setting('bistand.retention_run', true);
  row_data jsonb;
  row_case text;
BEGIN
  IF TG_OP = 'DELETE' AND run IS NOT NULL AND run <> ''
     AND TG_TABLE_NAME IN ('case_state_history', 'snapshots', 'proposals', 'decisions', 'decision_steps', 'audit_log') THEN
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
