import pg from 'pg';
import { OID, assertIdentifier, type Db, type Queryable, type QueryResult } from './db.js';
import { toStoreError } from './errors.js';

/**
 * A PostgreSQL server by URL: for production and for several processes sharing records.
 * Type parsing is set on this pool only (not pg's global registry), so another library in
 * the process cannot change how our money comes back.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === OID.NUMERIC || oid === OID.INT8) return (value: string) => value;
    return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
  },
} as pg.CustomTypesConfig;

interface ClientLike {
  query(sql: string, params?: unknown[]): Promise<pg.QueryResult>;
}

function wrap(target: ClientLike): Queryable {
  return {
    async query<T>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<T>> {
      try {
        const result = await target.query(sql, [...params]);
        return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
      } catch (error) {
        throw toStoreError(error);
      }
    },
    async exec(sql: string): Promise<void> {
      try {
        // Without parameters pg uses the simple protocol, which accepts several statements.
        await target.query(sql);
      } catch (error) {
        throw toStoreError(error);
      }
    },
  };
}

export interface PostgresOptions {
  url: string;
  /** Puts every connection's search_path on this schema (tests isolate themselves this way). */
  schema?: string | undefined;
  maxConnections?: number | undefined;
}

export async function openPostgres(options: PostgresOptions): Promise<Db> {
  const config: pg.PoolConfig = { connectionString: options.url, types, max: options.maxConnections ?? 10 };
  if (options.schema) {
    assertIdentifier(options.schema);
    config.options = `-c search_path=${options.schema}`;
  }
  const pool = new pg.Pool(config);
  // An idle connection dropped by the server must not crash the process; the next query
  // on the pool gets a fresh connection or fails with an error of its own.
  pool.on('error', () => undefined);
  const direct = wrap(pool);
  return {
    kind: 'postgres',
    query: direct.query,
    exec: direct.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (error) {
        throw toStoreError(error);
      }
      let broken = false;
      // A checked-out connection has no listener of the pool's: one the server ends between two
      // statements (a restart, a failover) would emit an unhandled 'error' and end the process.
      // The transaction's next statement fails instead, and the connection is not reused.
      const onConnectionError = () => {
        broken = true;
      };
      client.on('error', onConnectionError);
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true; // do not hand a connection in an unknown state back to the pool
        }
        throw toStoreError(error);
      } finally {
        client.off('error', onConnectionError);
        client.release(broken);
      }
    },
    async close(): Promise<void> {
      if (pool.ended) return; // pg refuses a second end()
      await pool.end();
    },
  };
}
