import { afterAll, beforeAll, expect, it } from 'vitest';
import { releaseHeld } from '../../src/robot/held.js';
import { caseJobId } from '../../src/robot/queues.js';
import { getCase, getCaseWork } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * Intake held for one municipality (robot/held.ts), through the real pipeline: the shared feed
 * is still read and every application stored, Trelleborg's cases run, Svedala's wait without a
 * job (and without the case sweep giving them one) until released, then run as usual.
 */
forEachBackend('intake held per municipality', (backend) => {
  const db = useDatabase(backend);
  let harness: PipelineHarness;

  beforeAll(async () => {
    harness = await startPipeline(db());
  }, 60_000);
  afterAll(async () => harness?.stop());

  it("holds Svedala's new cases, runs Trelleborg's, and releases Svedala's on resume", async () => {
    const queues = harness.robot.queues;
    await queues.holdMunicipality('1263');
    const svedala = harness.sandbox.generate(3, 6301, { municipality: '1263' }).map((h) => h.id);
    const trelleborg = harness.sandbox.generate(3, 8701, { municipality: '1287' }).map((h) => h.id);
    await harness.robot.pollNow();

    await harness.settle(trelleborg);
    for (const id of svedala) {
      expect((await getCase(db(), id))?.state).toBe('RECEIVED');
      expect(await queues.cases.getJob(caseJobId(id))).toBeUndefined();
    }
    // The sweep, told every case is quiet long enough, gives the held cases no job either.
    await harness.robot.sweepCasesNow({ quietMs: 0 });
    for (const id of svedala) {
      expect(await queues.cases.getJob(caseJobId(id))).toBeUndefined();
      expect((await getCaseWork(db(), id))?.recoveries).toBe(0);
    }

    expect(await releaseHeld(db(), queues, '1263')).toBeGreaterThanOrEqual(svedala.length);
    expect([...(await queues.heldMunicipalities())]).toEqual([]);
    const ended = await harness.settle(svedala);
    expect([...ended.values()].every((s) => s === 'PROPOSED' || s === 'MANUAL')).toBe(true);
  }, 90_000);
});
