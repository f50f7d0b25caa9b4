import type { ConnectionOptions } from 'bullmq';

/**
 * BullMQ's connection for a REDIS_URL, every part of it: host, port, user, password, the
 * database number (`/6`) and TLS for `rediss://`. The queues used to be opened from host and
 * port alone, so a managed Redis with TLS or a user, or a database number, was silently not used.
 * @param url a redis:// or rediss:// URL (config.ts has checked the protocol)
 */
export function redisConnection(url: string): ConnectionOptions {
  const u = new URL(url);
  const db = u.pathname.replace(/^\//, '');
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}
