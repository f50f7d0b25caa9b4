import type { Queryable } from '../db.js';

/**
 * Takes or renews the lease on `key` for `holder` for `ms` milliseconds (database time). True
 * when `holder` has it now: it was free, expired, or already `holder`'s. False: someone else
 * holds it. One statement, so two runs can never both get it.
 */
export async function takeLease(db: Queryable, key: string, holder: string, ms: number): Promise<boolean> {
  const { rows } = await db.query<{ holder: string }>(
    `INSERT INTO work_leases (key, holder, expires_at) VALUES ($1, $2, clock_timestamp() + $3::int * interval '1 millisecond')
     ON CONFLICT (key) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE work_leases.expires_at < clock_timestamp() OR work_leases.holder = EXCLUDED.holder
     RETURNING holder`,
    [key, holder, Math.round(ms)],
  );
  return rows[0]?.holder === holder;
}

/** Gives the lease back, if `holder` still has it. */
export async function releaseLease(db: Queryable, key: string, holder: string): Promise<void> {
  await db.query('DELETE FROM work_leases WHERE key = $1 AND holder = $2', [key, holder]);
}
