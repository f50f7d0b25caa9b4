/**
 * Intake that judges each application alone. An application keeps the e-service's id when it
 * was refused as a case id (`eservice_id`, never one shaped like a personal number), a digest
 * of its content so a second application under a used id is told apart from the same one
 * polled twice (`content_sha256`), and the application it repeated the id of (`duplicate_of`).
 * `intake_status` is how intake is doing, kept with the records so /healthz, the admin page
 * and the metrics of every process read the same answer.
 */
export const sql = /* sql */ `
ALTER TABLE applications
  ADD COLUMN content_sha256 text,
  ADD COLUMN eservice_id text,
  ADD COLUMN duplicate_of text;

CREATE INDEX applications_duplicate_of ON applications (duplicate_of) WHERE duplicate_of IS NOT NULL;

CREATE TABLE intake_status (
  feed text PRIMARY KEY,
  last_success_at timestamptz,
  last_failure_at timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  last_error text
);
`;
