import { describe, expect, it } from 'vitest';
import { LOG_FOLLOW_UP_PATTERN, LOG_FOLLOW_UP_SCHEDULER_ID } from '../../src/robot/worker.js';
import { IN_MEMORY, openDatabase } from '../../src/store/index.js';
import { startPipeline } from '../support/pipeline.js';

describe('the scheduled log follow-up', () => {
  it('is scheduled in Stockholm time, re-created when Redis lost it, and the worker makes one report per municipality and month', async () => {
    const db = await openDatabase({ dataDir: IN_MEMORY });
    const harness = await startPipeline(db);
    try {
      const intake = harness.robot.queues.intake;
      expect(await intake.getJobScheduler(LOG_FOLLOW_UP_SCHEDULER_ID)).toMatchObject({ pattern: LOG_FOLLOW_UP_PATTERN, tz: 'Europe/Stockholm' });
      // Redis came back without it: the worker's check creates it again, like the other schedules.
      await intake.removeJobScheduler(LOG_FOLLOW_UP_SCHEDULER_ID);
      await harness.robot.ensureSchedulers();
      expect(await intake.getJobScheduler(LOG_FOLLOW_UP_SCHEDULER_ID)).toMatchObject({ pattern: LOG_FOLLOW_UP_PATTERN });

      const reports = async () =>
        (await db.query<{ municipality: string; kind: string; made_by: string }>('SELECT municipality, kind, made_by FROM log_followup_reports ORDER BY municipality')).rows;
      const waitFor = async (n: number) => {
        const deadline = Date.now() + 20_000;
        while ((await reports()).length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      };
      await intake.add(LOG_FOLLOW_UP_SCHEDULER_ID, {}, { jobId: 'follow-up-1' });
      await waitFor(2);
      // The job again (a retry, a second process): still one report each.
      const again = await intake.add(LOG_FOLLOW_UP_SCHEDULER_ID, {}, { jobId: 'follow-up-2' });
      const deadline = Date.now() + 20_000;
      while (!(await again.isCompleted()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await again.isCompleted()).toBe(true);
      expect(await reports()).toEqual([
        { municipality: '1263', kind: 'scheduled', made_by: harness.deps.identity },
        { municipality: '1287', kind: 'scheduled', made_by: harness.deps.identity },
      ]);
    } finally {
      await harness.stop();
      await db.close();
    }
  }, 90_000);
});
