/**
 * Indexes for the admin pages: the audit-log search by user and by time, and the throughput
 * chart that reads the last hour of the state history. No table changes.
 */
export const sql = /* sql */ `
CREATE INDEX audit_log_actor_idx ON audit_log (actor, id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX case_state_history_at_idx ON case_state_history (at);
`;
