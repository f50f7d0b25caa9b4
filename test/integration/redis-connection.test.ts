import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ensureRedis, RedisUnreachableError } from '../../src/cli/redis.js';
import { redisConnection } from '../../src/robot/redisConnection.js';

/** REDIS_URL as the queues read it: every part of the URL counts, the database number too. */
describe('redisConnection', () => {
  it.each([
    ['redis://127.0.0.1:6379', { host: '127.0.0.1', port: 6379 }],
    ['redis://redis.internal', { host: 'redis.internal', port: 6379 }],
    ['redis://:hemligt%21@redis.internal:6380/6', { host: 'redis.internal', port: 6380, password: 'hemligt!', db: 6 }],
    ['rediss://robot:pw@cache.kommun.se:6380/2', { host: 'cache.kommun.se', port: 6380, username: 'robot', password: 'pw', db: 2, tls: {} }],
  ])('%s', (url, expected) => {
    expect(redisConnection(url)).toEqual(expected);
  });

  it("puts the queues' keys in the database the URL names, not in database 0", async () => {
    const prefix = `dbtest-${randomUUID()}`;
    const queue = new Queue('cases', { connection: redisConnection('redis://127.0.0.1:6379/7'), prefix });
    const db7 = new Redis('redis://127.0.0.1:6379/7');
    const db0 = new Redis('redis://127.0.0.1:6379/0');
    try {
      await queue.add('case', { caseId: 'A-1' }, { jobId: 'case-A-1' });
      expect((await db7.keys(`${prefix}:*`)).length).toBeGreaterThan(0);
      expect(await db0.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      db7.disconnect();
      db0.disconnect();
    }
  });

  it('npm start with a REDIS_URL nobody answers on says so once, in words, without the password', async () => {
    const error = await ensureRedis('redis://:hemligt@127.0.0.1:1/6').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisUnreachableError);
    expect((error as Error).message).toBe('Redis på 127.0.0.1:1 (REDIS_URL) svarar inte. Starta servern eller rätta REDIS_URL; utan REDIS_URL startar npm start en egen Redis.');
    expect((await ensureRedis('redis://127.0.0.1:6379/6')).port).toBe(6379);
  });
});
