import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { robotMetrics } from '../../src/cli/wiring.js';
import { replayCase } from '../../src/robot/replay.js';
import { getApplication, getProposalForCase, getStateHistory, listAuditForCase } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { REDIS_URL, startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * The pipeline against real Redis and a real database (PGlite and the PostgreSQL server), with
 * every outside system simulated on loopback: intake -> gather -> snapshot -> assess -> store.
 */
interface Fixture {
  file: string;
  expected: { valid: boolean; outcome?: string; reasons?: string[] };
  application: { id: string };
}

const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures', 'applications');
const fixtures: Fixture[] = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .map((file) => ({ file, ...(JSON.parse(readFileSync(join(fixturesDir, file), 'utf8')) as Omit<Fixture, 'file'>) }));
const PLAN_PENDING = 'A-2026-000209';

forEachBackend('pipeline', (backend) => {
  const db = useDatabase(backend);
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline(db());
  }, 60_000);
  afterAll(async () => harness?.stop());

  it('takes in every demo application once and ends each where the rules say', async () => {
    const intake = await harness.robot.pollNow();
    expect(intake.fetched).toBe(fixtures.length);
    const ids = fixtures.map((f) => f.application.id);
    const states = await harness.settle(ids);

    for (const fixture of fixtures) {
      const id = fixture.application.id;
      const proposal = await getProposalForCase(db(), id);
      if (!fixture.expected.valid) {
        expect(states.get(id), fixture.file).toBe('MANUAL');
        expect(proposal, fixture.file).toBeUndefined();
        const application = await getApplication(db(), id);
        expect(application!.validationErrors.length, fixture.file).toBeGreaterThan(0);
        continue;
      }
      expect(proposal, fixture.file).toBeDefined();
      if (id === PLAN_PENDING) {
        // Pending at the first ask, active at the re-check: the robot waited, then decided.
        const history = await getStateHistory(db(), id);
        expect(history.map((h) => h.toState)).toContain('WAITING_FOR_PLAN');
        expect(proposal!.reasons).not.toContain('PLAN_ASSESSMENT_PENDING');
        continue;
      }
      expect(proposal!.outcome, fixture.file).toBe(fixture.expected.outcome);
      expect([...proposal!.reasons].sort(), fixture.file).toEqual([...(fixture.expected.reasons ?? [])].sort());
      expect(states.get(id), fixture.file).toBe(proposal!.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED');
    }
  }, 60_000);

  it('writes every register look-up to the audit log, before and after, with pseudonyms only', async () => {
    const audit = await listAuditForCase(db(), 'A-2021-000101');
    const actions = audit.map((a) => `${a.action}:${a.result}`);
    for (const register of ['ssbtek', 'kir', 'plan']) {
      expect(actions).toContain(`${register}.lookup:started`);
      expect(actions).toContain(`${register}.lookup:ok`);
    }
    for (const entry of audit) {
      expect(entry.actor).toBe('bistandsrobot');
      expect(entry.subjectRef).toMatch(/^[0-9a-f]{32}$/);
    }
    // Made today, under the law of today (an application for 2021 included): SoL (2025:400).
    for (const entry of audit.filter((a) => a.action.endsWith('.lookup'))) {
      expect(entry.purpose).toBe('Utredning av rätt till ekonomiskt bistånd enligt 12 kap. 1 § socialtjänstlagen (2025:400)');
    }
  });

  it('polling the same applications again gives no new case, job or proposal', async () => {
    const before = await db().query<{ n: string }>('SELECT count(*) AS n FROM proposals');
    await db().query('DELETE FROM intake_cursors');
    const again = await harness.robot.pollNow();
    expect(again.fetched).toBe(fixtures.length);
    expect(again.newCases).toBe(0);
    const counts = await harness.robot.queues.cases.getJobCounts('waiting', 'active', 'delayed');
    expect((counts.waiting ?? 0) + (counts.active ?? 0)).toBe(0);
    const after = await db().query<{ n: string }>('SELECT count(*) AS n FROM proposals');
    expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
    const cases = await db().query<{ n: string }>('SELECT count(*) AS n FROM cases');
    expect(Number(cases.rows[0]!.n)).toBe(fixtures.length);
  }, 30_000);

  it('a register outage ends in TECHNICAL_ERROR naming the register; after the outage a replay gives a proposal', async () => {
    const [household] = harness.sandbox.generate(1, 4242, { month: '2021-06' });
    const id = household!.id;
    harness.sandbox.ssbtek.setFaults({ failProbability: 1 });
    await harness.robot.pollNow();
    const states = await harness.settle([id], ['TECHNICAL_ERROR']);
    expect(states.get(id)).toBe('TECHNICAL_ERROR');
    const history = await getStateHistory(db(), id);
    expect(history.at(-1)!.reason).toBe('TECHNICAL_ERROR: ssbtek');
    expect(await getProposalForCase(db(), id)).toBeUndefined();
    expect((await listAuditForCase(db(), id)).some((a) => a.action === 'ssbtek.lookup' && a.result === 'unavailable')).toBe(true);

    harness.sandbox.ssbtek.clearFaults();
    expect(await replayCase(harness.deps, harness.robot.queues, id, 'admin-test')).toBe('requeued');
    // At once again: its job is on its way (or, on a fast machine, it is already with a caseworker).
    expect(['already-running', 'with-caseworker']).toContain(await replayCase(harness.deps, harness.robot.queues, id, 'admin-test'));
    const after = await harness.settle([id], ['PROPOSED', 'MANUAL']);
    expect(['PROPOSED', 'MANUAL']).toContain(after.get(id));
    // Once with a caseworker it is refused with that reason; an unknown id is its own answer.
    expect(await replayCase(harness.deps, harness.robot.queues, id, 'admin-test')).toBe('with-caseworker');
    expect(await replayCase(harness.deps, harness.robot.queues, 'FINNS-INTE-1', 'admin-test')).toBe('unknown-case');
    expect(await getProposalForCase(db(), id)).toBeDefined();
  }, 60_000);

  it('two robots on one Redis and one database never make two proposals for a case', async () => {
    const second = await startPipeline(db());
    try {
      const households = harness.sandbox.generate(40, 777, { month: '2021-09' });
      // Both sandboxes must know the people; the second robot reads the first one's e-service too.
      for (const h of households) second.sandbox.eservice.add(h.payload, h.id);
      for (const h of households) {
        second.sandbox.kir.add(h.kir);
        second.sandbox.plan.add([h.plan]);
        second.sandbox.ssbtek.addFixtures(h.ssbtek);
      }
      const ids = households.map((h) => h.id);
      await Promise.all([harness.robot.pollNow(), second.robot.pollNow()]);
      await harness.settle(ids);
      const { rows } = await db().query<{ case_id: string; n: string }>(
        `SELECT case_id, count(*) AS n FROM proposals WHERE case_id = ANY($1) GROUP BY case_id`,
        [ids],
      );
      expect(rows).toHaveLength(ids.length);
      expect(rows.every((r) => r.n === '1')).toBe(true);
      for (const id of ids) {
        const history = await getStateHistory(db(), id);
        const transitions = history.map((h) => `${h.fromState}->${h.toState}`);
        expect(new Set(transitions).size, id).toBe(transitions.length);
      }
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('no personal number reaches a log line, job data in Redis, an error message or a metric', async () => {
    const numbers = new Set<string>();
    const collect = (value: unknown): void => {
      if (typeof value === 'string' && /^\d{12}$/.test(value)) numbers.add(value);
      else if (Array.isArray(value)) value.forEach(collect);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    for (const f of fixtures) collect(f);
    expect(numbers.size).toBeGreaterThan(20);
    const forms = [...numbers].flatMap((pn) => [pn, `${pn.slice(0, 8)}-${pn.slice(8)}`, pn.slice(2), `${pn.slice(2, 8)}-${pn.slice(8)}`]);

    const redis = new Redis(REDIS_URL);
    const redisText: string[] = [];
    // Positive control: a planted number must be found, or the scan proves nothing.
    const canary = `${harness.robot.prefix}:canary`;
    await redis.set(canary, forms[0]!);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${harness.robot.prefix}:*`, 'COUNT', '1000');
        cursor = next;
        for (const key of keys) {
          const type = await redis.type(key);
          if (type === 'hash') redisText.push(key, JSON.stringify(await redis.hgetall(key)));
          else if (type === 'string') redisText.push(key, (await redis.get(key)) ?? '');
          else if (type === 'list') redisText.push(key, JSON.stringify(await redis.lrange(key, 0, -1)));
          else if (type === 'zset') redisText.push(key, JSON.stringify(await redis.zrange(key, '0', '-1')));
          else redisText.push(key);
        }
      } while (cursor !== '0');
    } finally {
      await redis.del(canary);
      redis.disconnect();
    }
    const planted = redisText.findIndex((t) => t === canary);
    expect(redisText[planted + 1]).toBe(forms[0]);
    redisText.splice(planted, 2);
    const failed = await harness.robot.queues.cases.getFailed();
    const errors = failed.map((j) => `${j.failedReason} ${(j.stacktrace ?? []).join(' ')}`);
    const metrics = await robotMetrics(db(), () => harness.robot.queues, harness.deps.logger).render();
    const outputs = { logs: harness.logs.join('\n'), redis: redisText.join('\n'), errors: errors.join('\n'), metrics };
    expect(harness.logs.length).toBeGreaterThan(50);
    expect(redisText.length).toBeGreaterThan(10);
    for (const [where, text] of Object.entries(outputs)) {
      const hits = forms.filter((form) => text.includes(form));
      expect(hits, `personal numbers in ${where}`).toEqual([]);
    }
  }, 30_000);
});
