/**
 * Leases on work that talks to the outside world (issue 10: nothing done twice).
 *
 * BullMQ gives a job id one active job, but only while Redis keeps its data: after Redis comes
 * back empty, a worker may still be carrying out a decision while the sweep gives that decision
 * a new job, and two runs would both ask the payment system "is there a payment?" before either
 * has made one. The lease makes the database, not Redis, say who carries a decision out: one
 * holder at a time, taken over only once it has expired (a killed worker). The key names the
 * work (`decision:<id>`), never a person; a row lives only while the work runs.
 */
export const sql = /* sql */ `
CREATE TABLE work_leases (
  key        text PRIMARY KEY CHECK (key ~ '^[a-z-]+:[0-9]{1,18}$'),
  holder     text NOT NULL,
  expires_at timestamptz NOT NULL
);
`;
