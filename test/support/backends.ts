import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe } from 'vitest';
import { IN_MEMORY, openDatabase, type Db } from '../../src/store/index.js';

/**
 * Runs a suite against both back ends: PGlite in memory, and the PostgreSQL server at
 * TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test). On the server each
 * test file works in a fresh random schema, dropped at the end, so parallel runs never meet.
 */
export const SERVER_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

export interface Backend {
  name: 'pglite' | 'postgres';
  /** Opens (and migrates) a database; on the server, in this file's schema. */
  open(): Promise<Db>;
}

export function randomSchema(): string {
  return `test_${randomBytes(6).toString('hex')}`;
}

/** Drops a test schema (and everything in it) on the PostgreSQL server at `url`. */
export async function dropSchema(schema: string, url = SERVER_URL): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

async function openServer(schema: string): Promise<Db> {
  try {
    return await openDatabase({ url: SERVER_URL, schema });
  } catch (error) {
    throw new Error(`PostgreSQL test server not usable (set TEST_DATABASE_URL): ${(error as Error).message}`, { cause: error });
  }
}

export function forEachBackend(title: string, suite: (backend: Backend) => void): void {
  describe(`${title} [pglite]`, () => {
    suite({ name: 'pglite', open: () => openDatabase({ dataDir: IN_MEMORY }) });
  });
  describe(`${title} [postgres]`, () => {
    const schema = randomSchema();
    afterAll(async () => dropSchema(schema));
    suite({ name: 'postgres', open: () => openServer(schema) });
  });
}

/** One database per suite: opening PGlite costs a second or two, so tests share it with unique ids. */
export function useDatabase(backend: Backend): () => Db {
  let db: Db | undefined;
  beforeAll(async () => {
    db = await backend.open();
  });
  afterAll(async () => {
    await db?.close();
  });
  return () => {
    if (!db) throw new Error('database not open');
    return db;
  };
}

let counter = 0;
/** A case id unique within this process and run. */
export function uniqueId(prefix = 'A'): string {
  counter += 1;
  return `${prefix}-${Date.now().toString(36)}-${counter}`;
}

/** The error a promise rejects with; a promise that resolves fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}
