/** The store's public face: open a database, then use the repositories on it. */
export type { Db, Queryable, QueryResult } from './db.js';
export { openDatabase, IN_MEMORY, type OpenDatabaseOptions } from './open.js';
export { migrate, type MigrationReport } from './migrate.js';
export { StoreError, CaseTransitionError } from './errors.js';
export { CASE_STATES, CASE_TRANSITIONS, canTransition, isCaseState, isTerminal, type CaseState } from './caseStates.js';
export { pseudonymFor, PSEUDONYM_PATTERN } from './pseudonym.js';
export * from './repositories/applications.js';
export * from './repositories/cases.js';
export * from './repositories/snapshots.js';
export * from './repositories/proposals.js';
export * from './repositories/audit.js';
export * from './repositories/jobOutcomes.js';
export * from './repositories/intakeCursors.js';
export * from './repositories/operations.js';
export * from './repositories/decisions.js';
export * from './repositories/webSessions.js';
export * from './repositories/inbox.js';
export * from './repositories/outbound.js';
