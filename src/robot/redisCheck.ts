import { RobotError } from '../domain/errors.js';
import type { Redis } from 'ioredis';

/**
 * BullMQ keeps jobs, locks and schedules as ordinary Redis keys. A Redis that evicts keys under
 * memory pressure (any maxmemory-policy other than noeviction) drops them silently: a job, a
 * lock or the intake schedule disappears and nothing reports it. So the robot refuses to start
 * on such a Redis, naming the setting and how to fix it.
 */
export class RedisPolicyError extends RobotError {
  readonly kind = 'configuration' as const;
  constructor(readonly policy: string) {
    super(
      `Redis har maxmemory-policy "${policy}", men köerna (BullMQ) kräver "noeviction": ` +
        'annars kan Redis kasta jobb och scheman när minnet tar slut. ' +
        'Sätt "maxmemory-policy noeviction" i redis.conf (eller starta redis-server med --maxmemory-policy noeviction) och starta om roboten.',
    );
    this.name = 'RedisPolicyError';
  }
}

/** The policy as INFO reports it (INFO works where CONFIG is disabled, as on many managed services). */
export async function redisMaxmemoryPolicy(redis: Pick<Redis, 'info'>): Promise<string | undefined> {
  const info = await redis.info('memory');
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
}

/** Throws RedisPolicyError unless Redis says noeviction (a Redis that does not say is let through). */
export async function checkRedisForQueues(redis: Pick<Redis, 'info'>): Promise<void> {
  const policy = await redisMaxmemoryPolicy(redis);
  if (policy !== undefined && policy !== 'noeviction') throw new RedisPolicyError(policy);
}
