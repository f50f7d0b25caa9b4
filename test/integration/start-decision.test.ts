import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { afterEach, expect, it } from 'vitest';
import { openQueues, QUEUE } from '../../src/robot/queues.js';
import { redisConnection } from '../../src/robot/redisConnection.js';
import { REDIS_URL } from '../support/pipeline.js';

/**
 * Starting a decision's carry-out on the real Redis (production's job options: finished jobs are
 * kept 24 h). Found by trying the pages: a caseworker starting a stopped carry-out again enqueued
 * the decision's job id, which BullMQ still held as completed, so nothing ran until the sweep.
 */
const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function queuesWithWorker() {
  const prefix = `start-decision-${randomUUID()}`;
  const connection = redisConnection(REDIS_URL);
  const queues = openQueues(connection, prefix);
  const runs: string[] = [];
  const worker = new Worker(QUEUE.outbound, async (job) => void runs.push(job.data.decisionId), { connection, prefix });
  closers.push(async () => {
    await worker.close();
    await queues.outbound.obliterate({ force: true });
    await queues.close();
  });
  const ranTimes = async (n: number) => {
    const until = Date.now() + 10_000;
    while (runs.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return runs.length;
  };
  return { queues, runs, ranTimes };
}

it('a finished job of the decision is replaced, so the carry-out runs again at once', async () => {
  const { queues, runs, ranTimes } = await queuesWithWorker();
  const decision = { decisionId: '41', caseId: 'A-2026-000001' };
  await queues.startDecision(decision);
  expect(await ranTimes(1)).toBe(1);
  // What the sweep does: the same job id is one job, finished or not, so this runs nothing.
  await queues.enqueueDecisions([decision]);
  await new Promise((r) => setTimeout(r, 300));
  expect(runs).toEqual(['41']);
  await queues.startDecision(decision);
  expect(await ranTimes(2)).toBe(2);
  expect(runs).toEqual(['41', '41']);
});

it('a job of the decision still waiting stays the one job', async () => {
  const prefix = `start-decision-${randomUUID()}`;
  const queues = openQueues(redisConnection(REDIS_URL), prefix);
  closers.push(async () => {
    await queues.outbound.obliterate({ force: true });
    await queues.close();
  });
  const decision = { decisionId: '42', caseId: 'A-2026-000002' };
  await queues.startDecision(decision);
  await queues.startDecision(decision);
  expect(await queues.outbound.getJobCounts('waiting', 'active', 'completed')).toEqual({ waiting: 1, active: 0, completed: 0 });
});
