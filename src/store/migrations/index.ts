import { sql as initial } from './0001_initial.js';
import { sql as intakeCursor } from './0002_intake_cursor.js';
import { sql as decisionsSessions } from './0003_decisions_sessions.js';
import { sql as adminSearchIndexes } from './0004_admin_search_indexes.js';
import { sql as outbound } from './0005_outbound.js';
import { sql as retention } from './0006_retention.js';
import { sql as correctionsAppeals } from './0007_corrections_appeals.js';
import { sql as automatedDecisions } from './0008_automated_decisions.js';
import { sql as bookings } from './0009_bookings.js';
import { sql as caseRecovery } from './0010_case_recovery.js';
import { sql as intakeSafety } from './0011_intake_safety.js';
import { sql as workbench } from './0012_workbench.js';
import { sql as workLeases } from './0013_work_leases.js';
import { sql as ssbtekTerms } from './0014_ssbtek_terms.js';
import { sql as invalidAtIntake } from './0015_invalid_at_intake.js';
import { sql as staff } from './0016_staff.js';

export interface Migration {
  /** Ascending; the order they are applied in. */
  version: number;
  name: string;
  sql: string;
}

/** Every migration, oldest first. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'intake_cursor', sql: intakeCursor },
  { version: 3, name: 'decisions_sessions', sql: decisionsSessions },
  { version: 4, name: 'admin_search_indexes', sql: adminSearchIndexes },
  { version: 5, name: 'outbound', sql: outbound },
  { version: 6, name: 'retention', sql: retention },
  { version: 7, name: 'corrections_appeals', sql: correctionsAppeals },
  { version: 8, name: 'automated_decisions', sql: automatedDecisions },
  { version: 9, name: 'bookings', sql: bookings },
  { version: 10, name: 'case_recovery', sql: caseRecovery },
  { version: 11, name: 'intake_safety', sql: intakeSafety },
  { version: 12, name: 'workbench', sql: workbench },
  { version: 13, name: 'work_leases', sql: workLeases },
  { version: 14, name: 'ssbtek_terms', sql: ssbtekTerms },
  { version: 15, name: 'invalid_at_intake', sql: invalidAtIntake },
  { version: 16, name: 'staff', sql: staff },
];
