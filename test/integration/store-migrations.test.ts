import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CASE_STATES, migrate, openDatabase } from '../../src/store/index.js';
import { checksum } from '../../src/store/migrate.js';
import { MIGRATIONS } from '../../src/store/migrations/index.js';
import { sql as invalidAtIntake } from '../../src/store/migrations/0015_invalid_at_intake.js';
import { forEachBackend, randomSchema, SERVER_URL, useDatabase } from '../support/backends.js';

forEachBackend('migrations', (backend) => {
  const db = useDatabase(backend);

  it('applies every migration once; running them again is a no-op', async () => {
    const { rows } = await db().query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const again = await migrate(db());
    expect(again.applied).toEqual([]);
    const third = await migrate(db());
    expect(third.applied).toEqual([]);
    const after = await db().query('SELECT version FROM schema_migrations');
    expect(after.rows).toHaveLength(MIGRATIONS.length);
  });

  it('two migrations started at once both succeed and apply nothing twice', async () => {
    const results = await Promise.all([migrate(db()), migrate(db())]);
    expect(results.flatMap((r) => r.applied)).toEqual([]);
  });

  it('refuses to run when an applied migration has been edited since', async () => {
    await db().query("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    try {
      await expect(migrate(db())).rejects.toThrow(/changed after it was applied/);
    } finally {
      await db().query('UPDATE schema_migrations SET checksum = $1 WHERE version = 1', [checksum(MIGRATIONS[0]!)]);
    }
  });

  it('the database accepts every state the code knows (no drift between SQL and caseStates.ts)', async () => {
    await db().transaction(async (tx) => {
      for (const state of CASE_STATES) {
        const id = `drift-${state}-${backend.name}`;
        await tx.query("INSERT INTO applications (id, municipality, received_at, raw) VALUES ($1, '1287', now(), '{}')", [id]);
        await tx.query("INSERT INTO cases (id, municipality, state) VALUES ($1, '1287', $2)", [id, state]);
      }
    });
    await expect(
      db().query("INSERT INTO cases (id, municipality, state) VALUES ('drift-x', '1287', 'NOT_A_STATE')"),
    ).rejects.toThrow();
  });
});

it('two processes opening a fresh server schema at once migrate it exactly once', async () => {
  const schema = randomSchema();
  const [a, b] = await Promise.all([openDatabase({ url: SERVER_URL, schema }), openDatabase({ url: SERVER_URL, schema })]);
  try {
    const { rows } = await a.query<{ n: string }>('SELECT count(*) AS n FROM schema_migrations');
    expect(rows[0]?.n).toBe(String(MIGRATIONS.length));
  } finally {
    await a.query(`DROP SCHEMA ${schema} CASCADE`);
    await a.close();
    await b.close();
  }
});

it('openDatabase without url or dataDir is an error, not a silent in-memory store', async () => {
  await expect(openDatabase({})).rejects.toThrow(/url .* or a dataDir/);
});

it('PGlite keeps its records in files under dataDir across a reopen', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'store-'));
  try {
    const first = await openDatabase({ dataDir: join(dir, 'db') });
    await first.query("INSERT INTO applications (id, municipality, received_at, raw) VALUES ('kept', '1287', now(), '{}')");
    await first.close();
    const second = await openDatabase({ dataDir: join(dir, 'db') });
    const { rows } = await second.query<{ id: string }>('SELECT id FROM applications');
    expect(rows.map((r) => r.id)).toEqual(['kept']);
    expect((await migrate(second)).applied).toEqual([]);
    await second.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

it('PGlite can keep its tables in a named schema too', async () => {
  const db = await openDatabase({ dataDir: 'memory://', schema: 'robot' });
  try {
    const { rows } = await db.query<{ schema: string }>(
      "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'audit_log'",
    );
    expect(rows.map((r) => r.schema)).toEqual(['robot']);
  } finally {
    await db.close();
  }
});

forEachBackend('migration 0015: invalid applications start MANUAL', (backend) => {
  const db = useDatabase(backend);

  it('moves a case an older version left in INVALID to MANUAL, with its history line', async () => {
    const id = `M15-${Date.now()}`;
    await db().query("INSERT INTO applications (id, municipality, received_at, raw) VALUES ($1, '1287', now(), '{}'::jsonb)", [id]);
    await db().query("INSERT INTO cases (id, municipality, state) VALUES ($1, '1287', 'INVALID')", [id]);
    // The migration's data step, as it ran on a database holding such a case.
    await db().query(invalidAtIntake.slice(0, invalidAtIntake.indexOf('ALTER TABLE')));
    const { rows } = await db().query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [id]);
    expect(rows[0]?.state).toBe('MANUAL');
    const history = await db().query<{ from_state: string; to_state: string; reason: string }>('SELECT from_state, to_state, reason FROM case_state_history WHERE case_id = $1', [id]);
    expect(history.rows).toEqual([{ from_state: 'INVALID', to_state: 'MANUAL', reason: 'INVALID_APPLICATION' }]);
  });
});
