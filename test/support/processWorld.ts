import { Redis } from 'ioredis';
import type { Sandbox } from '../../src/sandbox/index.js';

/**
 * What the tests that run the robot as worker processes (test/support/workerProcess.ts) share:
 * the registers' addresses as a worker's environment, and deleting a queue prefix's keys
 * afterwards, whether or not the test passed (schemas: dropSchema in test/support/backends.ts).
 */

/** SSBTEK_URL, KIR_URL, PLAN_URL and ESERVICE_URL of a sandbox, for a worker's environment. */
export function registerEnv(sandbox: Pick<Sandbox, 'urls'>): Record<string, string> {
  return { SSBTEK_URL: sandbox.urls.ssbtek, KIR_URL: sandbox.urls.kir, PLAN_URL: sandbox.urls.plan, ESERVICE_URL: sandbox.urls.eservice };
}

/** Deletes every Redis key matching `pattern` (e.g. "<prefix>*"). */
export async function deleteRedisKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', '1000');
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
