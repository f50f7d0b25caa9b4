import { createHash } from 'node:crypto';
import type { Db } from './db.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';

/**
 * Applies what is missing, in one transaction, under an advisory lock: two processes that
 * open the database at once queue up behind the lock, and the second finds nothing to do.
 * A migration already applied whose text has since changed stops the robot: the database
 * would no longer be what the code believes it is.
 */
export interface MigrationReport {
  applied: number[];
  current: number;
}

export function checksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

export async function migrate(db: Db, options: { schema?: string | undefined } = {}): Promise<MigrationReport> {
  const migrations = [...MIGRATIONS].sort((a, b) => a.version - b.version);
  return db.transaction(async (tx) => {
    // Keyed by schema, so isolated schemas (tests) do not wait for each other.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('bistandsrobot:migrations:' || coalesce($1::text, current_schema())))`, [
      options.schema ?? null,
    ]);
    if (options.schema) await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${options.schema}`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await tx.query<{ version: number; checksum: string }>(
      'SELECT version, checksum FROM schema_migrations ORDER BY version',
    );
    const known = new Map(migrations.map((m) => [m.version, m]));
    for (const row of rows) {
      const migration = known.get(row.version);
      if (!migration) {
        throw new Error(`database has migration ${row.version}, which this code does not know: refusing to run older code`);
      }
      if (checksum(migration) !== row.checksum) {
        throw new Error(`migration ${row.version} (${migration.name}) was changed after it was applied`);
      }
    }
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        checksum(migration),
      ]);
      applied.push(migration.version);
    }
    return { applied, current: migrations.at(-1)?.version ?? 0 };
  });
}
