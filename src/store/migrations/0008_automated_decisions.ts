/**
 * Automated decisions: a decision the robot made itself under a delegation (FL 2017:900 28 §),
 * without a caseworker's signature. `delegation_reference` is the delegation order's point the
 * decision was made under; NULL for every decision a person signed. An automated decision is
 * always the proposal as it stands (kind 'as-proposed'): the robot never edits amounts.
 * A column rather than a new `kind`, so later kinds (corrections) need not know about it.
 * Adding a nullable column and a CHECK rewrites no row, so the append-only triggers are untouched.
 */
export const sql = /* sql */ `
ALTER TABLE decisions ADD COLUMN delegation_reference text;
ALTER TABLE decisions ADD CONSTRAINT decisions_automated_reference
  CHECK (delegation_reference IS NULL OR length(btrim(delegation_reference)) > 0);
ALTER TABLE decisions ADD CONSTRAINT decisions_automated_as_proposed
  CHECK (delegation_reference IS NULL OR kind = 'as-proposed');
CREATE INDEX decisions_automated_idx ON decisions (signed_at) WHERE delegation_reference IS NOT NULL;
`;
