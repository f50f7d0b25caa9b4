/**
 * The staff directory: who has signed in to the review and admin pages, with the claims they
 * had at their last login (name, role, organisation, municipalities). Pages that name *other*
 * users (signer, owner, the colleagues a case can be handed to, the audit log's name filter)
 * read it instead of the sandbox's development users, so the same works with OpenID Connect.
 *
 * Staff data, not client data: no personal numbers (the login refuses an id that looks like
 * one), not in the municipality export and not gallrad with the cases (README, Gallring).
 * Written at every successful login (upsert); `first_seen_at` is kept, the rest replaced.
 */
export const sql = /* sql */ `
CREATE TABLE staff (
  user_id        text PRIMARY KEY CHECK (length(user_id) BETWEEN 1 AND 200),
  display_name   text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  role           text NOT NULL CHECK (role IN ('caseworker', 'teamlead', 'admin', 'auditor')),
  organisation   text NOT NULL CHECK (length(organisation) BETWEEN 1 AND 100),
  municipalities jsonb NOT NULL CHECK (jsonb_typeof(municipalities) = 'array'),
  first_seen_at  timestamptz NOT NULL,
  last_seen_at   timestamptz NOT NULL CHECK (last_seen_at >= first_seen_at)
);
CREATE INDEX staff_organisation ON staff (organisation);
`;
