import { expect, it } from 'vitest';
import { robotMetrics } from '../../src/cli/wiring.js';
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../src/observability/logger.js';
import { openQueues } from '../../src/robot/queues.js';
import { redisConnection } from '../../src/robot/redisConnection.js';
import { FEED, pollOnce } from '../../src/robot/intake.js';
import type { RobotDeps } from '../../src/robot/deps.js';
import { getIntakeStatus, setIntakePaused } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';

/** The whole intake's pause, kept in the database (migration 0015): what every process's metrics and the poll read. */
forEachBackend('intake pause', (backend) => {
  const db = useDatabase(backend);

  it('robot_intake_paused reads the database, also where no queues are open (the web process)', async () => {
    const logger = createLogger({ nodeEnv: 'test', logLevel: 'silent' });
    const metrics = robotMetrics(db(), () => undefined, logger);
    const gauge = async () => /^robot_intake_paused (\d)$/m.exec(await metrics.render())?.[1];
    expect(await gauge()).toBe('0');
    await setIntakePaused(db(), FEED, true);
    const pausedAt = (await getIntakeStatus(db(), FEED))?.pausedAt;
    expect(pausedAt).toBeInstanceOf(Date);
    expect(await gauge()).toBe('1');
    // Pausing again keeps the first time.
    await setIntakePaused(db(), FEED, true);
    expect((await getIntakeStatus(db(), FEED))?.pausedAt).toEqual(pausedAt);

    // A paused intake does not read the feed, whatever Redis says.
    let asked = 0;
    const deps = { db: db(), clock: () => new Date(), eservice: { fetchNew: async () => (asked++, { items: [], next: null }) } } as unknown as RobotDeps;
    const cursors = { get: async () => null, set: async () => undefined };
    expect(await pollOnce(deps, cursors, async () => undefined)).toEqual({ fetched: 0, newCases: 0, invalid: 0 });
    expect(asked).toBe(0);

    await setIntakePaused(db(), FEED, false);
    expect(await gauge()).toBe('0');
    await pollOnce(deps, cursors, async () => undefined);
    expect(asked).toBe(1);
  });

  it("robot_intake_held names each municipality an admin has held, from the queues' Redis", async () => {
    const queues = openQueues(redisConnection('redis://127.0.0.1:6379'), `held-${randomUUID()}`);
    try {
      const metrics = robotMetrics(db(), () => queues, createLogger({ nodeEnv: 'test', logLevel: 'silent' }));
      const held = async () => [...(await metrics.render()).matchAll(/^robot_intake_held\{municipality="(\d{4})"\} 1$/gm)].map((m) => m[1]);
      expect(await held()).toEqual([]);
      await queues.holdMunicipality('1263');
      expect(await held()).toEqual(['1263']);
      await queues.releaseMunicipality('1263');
      expect(await held()).toEqual([]);
    } finally {
      await queues.close();
    }
  });
});
