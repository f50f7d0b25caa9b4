import type { Queryable } from '../db.js';

export async function getIntakeCursor(db: Queryable, feed: string): Promise<string | null> {
  const { rows } = await db.query<{ cursor: string }>('SELECT cursor FROM intake_cursors WHERE feed = $1', [feed]);
  return rows[0]?.cursor ?? null;
}

export async function setIntakeCursor(db: Queryable, feed: string, cursor: string): Promise<void> {
  await db.query(
    `INSERT INTO intake_cursors (feed, cursor) VALUES ($1, $2)
     ON CONFLICT (feed) DO UPDATE SET cursor = EXCLUDED.cursor, updated_at = now()`,
    [feed, cursor],
  );
}

/**
 * Forgets where the feed was read up to: the next poll reads it from the start (intake is
 * idempotent, so what was read before is not taken in twice). For a feed that starts anew.
 */
export async function clearIntakeCursor(db: Queryable, feed: string): Promise<void> {
  await db.query('DELETE FROM intake_cursors WHERE feed = $1', [feed]);
}

/** The database's own identity, made once: queue names derive from it. */
export async function storeIdentity(db: Queryable, candidate: string): Promise<string> {
  await db.query('INSERT INTO store_identity (id) VALUES ($1) ON CONFLICT (singleton) DO NOTHING', [candidate]);
  const { rows } = await db.query<{ id: string }>('SELECT id FROM store_identity');
  return rows[0]!.id;
}

/** The identity if a robot has made one, without making it. */
export async function readStoreIdentity(db: Queryable): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM store_identity');
  return rows[0]?.id;
}
