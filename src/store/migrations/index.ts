import { sql as initial } from './0001_initial.js';
import { sql as intakeCursor } from './0002_intake_cursor.js';

export interface Migration {
  /** Ascending, without gaps; the order they are applied in. */
  version: number;
  name: string;
  sql: string;
}

/** Every migration, oldest first. Append only. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'intake_cursor', sql: intakeCursor },
];
