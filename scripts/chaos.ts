/**
 * `npm run chaos`: the pipeline and the carry-out under load while worker processes are
 * killed with SIGKILL at random moments and restarted (test/support/chaos.ts). Prints JSON
 * counted from what the simulated outside systems received; exit 1 unless lost = 0 and
 * duplicates = 0. Needs Redis and the PostgreSQL server (TEST_REDIS_URL, TEST_DATABASE_URL).
 *
 *   CHAOS_APPLICATIONS (default 300), CHAOS_KILLS (25), CHAOS_WORKERS (3), CHAOS_SEED, CHAOS_TIMEOUT_MS
 */
import { runChaos } from '../test/support/chaos.js';

const num = (name: string, fallback: number) => {
  const v = process.env[name];
  if (!v) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
};

const report = await runChaos({
  applications: num('CHAOS_APPLICATIONS', 300),
  kills: num('CHAOS_KILLS', 25),
  workers: num('CHAOS_WORKERS', 3),
  seed: num('CHAOS_SEED', 20260527),
  databaseUrl: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  redisUrl: process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
  timeoutMs: num('CHAOS_TIMEOUT_MS', 15 * 60_000),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exitCode = report.lost === 0 && report.duplicates === 0 && report.wrongPayments === 0 ? 0 : 1;
