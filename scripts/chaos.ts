/**
 * `npm run chaos`: the pipeline and the carry-out under load, with production's queue settings,
 * while worker processes are killed with SIGKILL at random moments and restarted, the run's
 * own Redis is restarted empty and the database connections are killed (test/support/chaos.ts).
 * Prints one JSON object counted from what the simulated outside systems received; exit 1
 * unless lost, duplicates and stuck are all 0. Needs redis-server and the PostgreSQL server
 * (TEST_DATABASE_URL).
 *
 *   CHAOS_APPLICATIONS (default 300), CHAOS_KILLS (25), CHAOS_REDIS_RESTARTS (2),
 *   CHAOS_DB_KILLS (2), CHAOS_WORKERS (3), CHAOS_SEED, CHAOS_TIMEOUT_MS
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
  redisRestarts: num('CHAOS_REDIS_RESTARTS', 2),
  dbConnectionKills: num('CHAOS_DB_KILLS', 2),
  workers: num('CHAOS_WORKERS', 3),
  seed: num('CHAOS_SEED', 20260527),
  databaseUrl: process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
  timeoutMs: num('CHAOS_TIMEOUT_MS', 15 * 60_000),
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exitCode = report.lost === 0 && report.duplicatesTotal === 0 && report.stuck === 0 && report.wrongPayments === 0 ? 0 : 1;
