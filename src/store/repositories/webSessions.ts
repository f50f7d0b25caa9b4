import type { Queryable } from '../db.js';

/** Web sessions (review and admin pages), kept in the database so every web process shares them. */
export async function getWebSession(db: Queryable, sid: string, now = new Date()): Promise<unknown> {
  const { rows } = await db.query<{ data: unknown }>('SELECT data FROM web_sessions WHERE sid = $1 AND expires_at > $2', [
    sid,
    now.toISOString(),
  ]);
  return rows[0]?.data;
}

export async function setWebSession(db: Queryable, sid: string, data: unknown, expiresAt: Date): Promise<void> {
  await db.query(
    `INSERT INTO web_sessions (sid, data, expires_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (sid) DO UPDATE SET data = EXCLUDED.data, expires_at = EXCLUDED.expires_at`,
    [sid, JSON.stringify(data), expiresAt.toISOString()],
  );
}

export async function destroyWebSession(db: Queryable, sid: string): Promise<void> {
  await db.query('DELETE FROM web_sessions WHERE sid = $1', [sid]);
}

/** Removes expired sessions; returns how many. */
export async function purgeExpiredWebSessions(db: Queryable, now = new Date()): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM web_sessions WHERE expires_at <= $1', [now.toISOString()]);
  return rowCount;
}
