import { describe, expect, it } from 'vitest';
import { SERVER_URL } from '../store/backends.js';
import { runChaos } from '../support/chaos.js';
import { REDIS_URL } from '../support/pipeline.js';

/**
 * `npm run chaos`, shorter: 40 applications through worker processes on Redis and the
 * PostgreSQL server, every proposal signed by a scripted caseworker, 5 workers killed with
 * SIGKILL at random moments (at least half while decisions are being carried out) and
 * replaced. Counted from what the simulated case system, payment system and Mina ärenden
 * received (the latter two without idempotency of their own and losing replies after acting).
 */
describe('chaos: SIGKILL during intake, processing and carry-out', () => {
  it('carries out every signed decision exactly once: 0 lost, 0 duplicates', async () => {
    const report = await runChaos({ applications: 40, kills: 5, workers: 3, seed: 4242, databaseUrl: SERVER_URL, redisUrl: REDIS_URL, timeoutMs: 240_000 });
    expect(report.kills).toBe(5);
    expect(report.killsWhileCarryingOut).toBeGreaterThanOrEqual(2);
    expect(report.unfinished).toBe(0);
    expect(report.decisionsSigned).toBeGreaterThan(0);
    expect(report.decisionsWritten).toBe(report.decisionsSigned - report.routedManual);
    expect(report.lost).toBe(0);
    expect(report.duplicates).toBe(0);
    expect(report.wrongPayments).toBe(0);
  }, 300_000);
});
