/**
 * The one database seam. Repositories take a `Queryable` so the same function runs on its
 * own or inside a transaction; both back ends (PGlite in-process, a PostgreSQL server) speak
 * the same SQL and return the same JS types:
 *   NUMERIC and BIGINT -> string (money and ids never pass through a JS number),
 *   TIMESTAMPTZ -> Date, JSON/JSONB -> parsed value.
 */
export interface QueryResult<T> {
  rows: T[];
  /** Rows touched by an INSERT/UPDATE/DELETE, or returned by a SELECT. */
  rowCount: number;
}

export interface Queryable {
  /** One statement with $1.. parameters. JSON parameters must be passed as JSON text. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside `fn` use only `tx`: on PGlite (one connection) a query on the outer Db would wait
   * for the transaction to end, and on the server it would run outside the transaction.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL type oids whose parsing we pin so both back ends agree. */
export const OID = { INT8: 20, NUMERIC: 1700 } as const;

/** An identifier we are willing to splice into SQL (schema names); never user input. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export function assertIdentifier(name: string): void {
  if (!IDENTIFIER.test(name)) throw new Error(`not a safe SQL identifier: ${JSON.stringify(name)}`);
}
