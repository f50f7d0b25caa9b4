import { expect, it } from 'vitest';
import { robotMetrics } from '../../src/cli/wiring.js';
import { createLogger } from '../../src/observability/logger.js';
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
    const deps = { db: db(), eservice: { fetchNew: async () => (asked++, { items: [], next: null }) } } as unknown as RobotDeps;
    const cursors = { get: async () => null, set: async () => undefined };
    expect(await pollOnce(deps, cursors, async () => undefined)).toEqual({ fetched: 0, newCases: 0, invalid: 0 });
    expect(asked).toBe(0);

    await setIntakePaused(db(), FEED, false);
    expect(await gauge()).toBe('0');
    await pollOnce(deps, cursors, async () => undefined);
    expect(asked).toBe(1);
  });
});
