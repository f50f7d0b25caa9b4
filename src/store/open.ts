import { assertIdentifier, type Db } from './db.js';
import { migrate } from './migrate.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export interface OpenDatabaseOptions {
  /** A PostgreSQL server (DATABASE_URL). Wins over `dataDir`. */
  url?: string | undefined;
  /** PGlite's directory, or "memory://" for a throwaway in-memory database (tests). */
  dataDir?: string | undefined;
  /** Keep every table in this schema instead of the default (isolates parallel test runs). */
  schema?: string | undefined;
}

export const IN_MEMORY = 'memory://';

/**
 * Opens the store and brings its schema up to date before anyone can use it.
 * Neither `url` nor `dataDir` is an error rather than a silent in-memory database: a
 * robot that forgets its records on restart must be asked for, not fallen into.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  if (options.schema) assertIdentifier(options.schema);
  let db: Db;
  if (options.url) {
    db = await openPostgres({ url: options.url, schema: options.schema });
  } else if (options.dataDir) {
    db = await openPglite(options.dataDir);
    // One connection, so a session setting holds for every query that follows.
    if (options.schema) await db.exec(`SET search_path TO ${options.schema}`);
  } else {
    throw new Error(`openDatabase needs a url (PostgreSQL) or a dataDir ("${IN_MEMORY}" for in-memory)`);
  }
  try {
    await migrate(db, { schema: options.schema });
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}
