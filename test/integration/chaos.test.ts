import { describe, expect, it } from 'vitest';
import { SERVER_URL } from '../support/backends.js';
import { runChaos } from '../support/chaos.js';

/**
 * `npm run chaos`, shorter: 40 applications through worker processes with production's queue
 * settings on the run's own Redis and the PostgreSQL server, every proposal signed by a
 * scripted caseworker, 5 workers killed with SIGKILL at random moments (at least half while
 * decisions are being carried out) and replaced, Redis restarted empty twice and the
 * database connections killed once. Counted from what the simulated case system, payment
 * system and Mina ärenden received (the latter two without idempotency of their own and
 * losing replies after acting).
 */
describe('chaos: SIGKILL, Redis restarted empty and database connections killed, with production settings', () => {
  it('every application ends in a final state and every signed decision is carried out exactly once: 0 lost, 0 duplicates, 0 stuck', async () => {
    const report = await runChaos({ applications: 40, kills: 5, redisRestarts: 2, dbConnectionKills: 1, workers: 3, seed: 4242, databaseUrl: SERVER_URL, timeoutMs: 240_000 });
    expect(report.productionSettings).toBe(true);
    expect(report.kills).toBe(5);
    expect(report.killsWhileCarryingOut).toBeGreaterThanOrEqual(2);
    expect(report.redisRestarts).toBe(2);
    expect(report.dbConnectionKills).toBe(1);
    expect(report.stuck).toBe(0);
    expect(report.decisionsSigned).toBeGreaterThan(0);
    expect(report.decisionsWritten).toBe(report.decisionsSigned - report.routedManual);
    expect(report.lost).toBe(0);
    expect(report.duplicates).toEqual({ proposals: 0, decisions: 0, writeBacks: 0, payments: 0, messages: 0 });
    expect(report.wrongPayments).toBe(0);
  }, 300_000);
});
