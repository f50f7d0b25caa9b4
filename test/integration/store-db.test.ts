import { expect, it } from 'vitest';
import { getApplication, saveApplication, StoreError } from '../../src/store/index.js';
import { forEachBackend, rejection, uniqueId, useDatabase } from '../support/backends.js';

forEachBackend('db', (backend) => {
  const db = useDatabase(backend);

  it(`reports its kind (${backend.name})`, () => {
    expect(db().kind).toBe(backend.name);
  });

  it('a transaction commits when its function resolves', async () => {
    const id = uniqueId();
    const result = await db().transaction(async (tx) => {
      await saveApplication(tx, { id, municipality: '1287', receivedAt: new Date(), raw: {} });
      return 'done';
    });
    expect(result).toBe('done');
    expect(await getApplication(db(), id)).toBeDefined();
  });

  it('a transaction rolls back when its function throws, and the error comes through unchanged', async () => {
    const id = uniqueId();
    const boom = new Error('boom');
    await expect(
      db().transaction(async (tx) => {
        await saveApplication(tx, { id, municipality: '1287', receivedAt: new Date(), raw: {} });
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await getApplication(db(), id)).toBeUndefined();
    // The connection is usable afterwards.
    expect((await db().query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
  });

  if (backend.name === 'postgres') {
    it("a transaction's connection ended by the server between two statements fails that transaction, not the process", async () => {
      const id = uniqueId();
      const outcome = db().transaction(async (tx) => {
        await saveApplication(tx, { id, municipality: '1287', receivedAt: new Date(), raw: {} });
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        // As a database restart or failover does, while the transaction waits on something else.
        await db().query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.query('SELECT 1');
      });
      await expect(outcome).rejects.toThrow();
      expect(await getApplication(db(), id)).toBeUndefined();
      expect((await db().query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    });
  }

  it('NUMERIC and BIGINT come back as strings, timestamptz as Date', async () => {
    const { rows } = await db().query<{ n: unknown; b: unknown; t: unknown }>(
      "SELECT '9999999999.99'::numeric AS n, 9007199254740993::bigint AS b, now() AS t",
    );
    expect(rows[0]).toMatchObject({ n: '9999999999.99', b: '9007199254740993' });
    expect(rows[0]?.t).toBeInstanceOf(Date);
  });

  it('a bad value is reported without repeating the value', async () => {
    const attempt = db().query('SELECT $1::numeric AS n', ['198507099805x']);
    await expect(attempt).rejects.toBeInstanceOf(StoreError);
    const error = await rejection(attempt);
    expect(error.message).toMatch(/invalid input syntax/);
    expect(error.message).not.toContain('198507099805');
  });
});
