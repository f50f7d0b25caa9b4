import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { OID, type Db, type Queryable, type QueryResult } from './db.js';
import { lockDataDir } from './dataDirLock.js';
import { toStoreError } from './errors.js';

/**
 * PostgreSQL compiled to WASM, in this process: the default on one machine.
 * One PGlite instance is one connection, and its files must be opened by one process only;
 * several robot processes sharing records need the server (DATABASE_URL).
 */

/** BIGINT would come back as a JS BigInt; ids are strings everywhere in the robot. */
const parsers = {
  [OID.INT8]: (value: string) => value,
  [OID.NUMERIC]: (value: string) => value,
};

type PgliteQueryable = Pick<Transaction, 'query' | 'exec'>;

function wrap(target: PgliteQueryable): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      try {
        const result = await target.query<T>(sql, [...params]);
        return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        await target.exec(sql);
      } catch (error) {
        throw toStoreError(error);
      }
    },
  };
}

/** `dataDir` is a directory for the files, or "memory://" for a throwaway database. */
export async function openPglite(dataDir: string): Promise<Db> {
  let release = () => {};
  if (!dataDir.startsWith('memory://')) {
    await mkdir(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir, parsers });
  } catch (error) {
    release();
    throw error;
  }
  const direct = wrap(pglite);
  return {
    kind: 'pglite',
    query: direct.query,
    exec: direct.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      try {
        return await pglite.transaction((tx) => fn(wrap(tx)));
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async close(): Promise<void> {
      if (!pglite.closed) await pglite.close();
      release();
    },
  };
}
