/**
 * Where intake has read each feed up to, kept with the records rather than in Redis so the
 * cursor and the applications it led to can never disagree; and the database's own identity,
 * which names its queues, so a fresh database never meets an old database's jobs in Redis.
 */
export const sql = /* sql */ `
CREATE TABLE intake_cursors (
  feed text PRIMARY KEY,
  cursor text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE store_identity (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`;
