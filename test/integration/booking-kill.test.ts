import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUE } from '../../src/robot/queues.js';
import { start as startBooking, type BookingSandbox } from '../../src/sandbox/booking.js';
import { start as startCaseSystemApi } from '../../src/sandbox/caseSystemApi.js';
import { seededRandom } from '../../src/sandbox/generate.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { start as startNotifications, type NotificationSandbox } from '../../src/sandbox/notifications.js';
import { start as startPayments } from '../../src/sandbox/payments.js';
import { openDatabase, storeIdentity, type Db } from '../../src/store/index.js';
import { dropSchema, randomSchema, SERVER_URL } from '../support/backends.js';
import { REDIS_URL } from '../support/pipeline.js';
import { deleteRedisKeys, registerEnv } from '../support/processWorld.js';

/**
 * A first application gets exactly one booking under 5 SIGKILLs of the worker process.
 *
 * One worker process at a time (test/support/workerProcess.ts, BullMQ's production lock and
 * stalled-job settings: nothing shortened or raised), on Redis and the PostgreSQL server. The
 * booking system answers slowly and, like Mina ärenden here, has *no* idempotency of its own
 * (dedupe off) and loses some replies after booking, so only the robot's own care stands
 * between a kill and a second booking. Each kill lands while a booking is in flight (a POST has
 * reached the booking system and not been answered, or was just answered); a fresh worker takes
 * over. Counted from what the booking system and Mina ärenden received.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const WORKER_SCRIPT = join(ROOT, 'test', 'support', 'workerProcess.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
}, 60_000);

function startWorker(env: Record<string, string>): { proc: ChildProcess; exited: Promise<void>; stderr: string[] } {
  const proc = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  proc.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8').slice(0, 300)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  children.push(proc);
  return { proc, exited, stderr };
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

describe('first meetings under SIGKILL', () => {
  it('every first application gets exactly one booking and one message, with 5 workers killed mid-booking', async () => {
    const schema = randomSchema();
    const queuePrefix = `bookkill-${randomBytes(4).toString('hex')}`;
    const db: Db = await openDatabase({ url: SERVER_URL, schema });
    cleanups.push(async () => {
      await db.close();
      await dropSchema(schema);
    });
    cleanups.push(() => deleteRedisKeys(REDIS_URL, `${queuePrefix}*`));
    const applicationsDir = mkdtempSync(join(tmpdir(), 'robot-bookkill-'));
    cleanups.push(async () => rmSync(applicationsDir, { recursive: true, force: true }));
    const sandbox: Sandbox = await startSandbox({ fixtures: { applicationsDir } });
    cleanups.push(() => sandbox.stop());
    const firsts = sandbox.generate(10, 8801, { month: '2021-06', kind: 'new' });
    const renewals = sandbox.generate(2, 8802, { month: '2021-06' });
    const bookingSystem: BookingSandbox = await startBooking({ dedupe: false, faults: { latencyMs: 1500 }, lostReplyProbability: 0.15, random: seededRandom(11) });
    const messages: NotificationSandbox = await startNotifications({ dedupe: false, faults: { latencyMs: 300 }, lostReplyProbability: 0.15, random: seededRandom(12) });
    const caseSystem = await startCaseSystemApi();
    const payments = await startPayments();
    cleanups.push(() => bookingSystem.stop(), () => messages.stop(), () => caseSystem.stop(), () => payments.stop());

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: SERVER_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      ...registerEnv(sandbox),
      CASESYSTEM_URL: caseSystem.url,
      PAYMENT_URL: payments.url,
      NOTIFY_URL: messages.url,
      BOOKING_URL: bookingSystem.url,
      REGISTER_TIMEOUT_MS: '5000',
      REGISTER_ATTEMPTS: '3',
      WORKER_CONCURRENCY: '3',
      TEST_QUEUE_PREFIX: queuePrefix,
      TEST_POLL_INTERVAL_MS: '300',
      // Retries of the jobs themselves (not BullMQ's stall handling, which stays as in production).
      TEST_BOOKING_ATTEMPTS: '20',
      TEST_BOOKING_BACKOFF_MS: '300',
      TEST_BOOKING_SWEEP_MS: '1000',
    };

    let worker = startWorker(env);
    const ids = [...firsts, ...renewals].map((h) => h.id);
    const firstIds = firsts.map((h) => h.id);
    // Every case assessed first: the kills are for the bookings (case jobs are another test's).
    await until(
      'every case assessed',
      async () => {
        const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM cases WHERE state IN ('PROPOSED', 'MANUAL') AND id = ANY($1)", [ids]);
        return Number(rows[0]!.n) === ids.length ? true : undefined;
      },
      120_000,
    );

    let kills = 0;
    let midCall = 0;
    let seen = bookingSystem.received().length;
    const random = seededRandom(99);
    while (kills < 5) {
      // A booking POST has reached the booking system since the last kill...
      await until('a booking in flight', () => (bookingSystem.received().length > seen ? true : undefined), 120_000);
      seen = bookingSystem.received().length;
      const answeredBefore = bookingSystem.bookings().length;
      // ...and the worker dies while it waits for the answer (1.5 s), or just after it.
      await sleep(Math.floor(random() * 1800));
      if (bookingSystem.bookings().length === answeredBefore) midCall++;
      worker.proc.kill('SIGKILL');
      await worker.exited;
      kills++;
      worker = startWorker(env);
    }

    // Everything settles with the last worker: bookings recorded and messages sent.
    await until(
      'every first meeting booked and told',
      async () => {
        const { rows } = await db.query<{ n: string }>("SELECT count(*) AS n FROM bookings WHERE state = 'booked' AND message_reference IS NOT NULL AND case_id = ANY($1)", [firstIds]);
        return Number(rows[0]!.n) === firstIds.length ? true : undefined;
      },
      300_000,
    );
    await sleep(2_000); // a late duplicate would show up here

    expect(kills).toBe(5);
    expect(midCall, 'kills that landed while a booking call was unanswered').toBeGreaterThanOrEqual(2);
    const booked = bookingSystem.byCase();
    const told = messages.meetings.byDecision();
    const { rows } = await db.query<{ case_id: string; reference: string }>('SELECT case_id, reference FROM bookings WHERE case_id = ANY($1)', [ids]);
    const stored = new Map(rows.map((r) => [r.case_id, r.reference]));
    for (const id of firstIds) {
      expect(booked.get(id)?.length, `bookings for ${id}`).toBe(1);
      expect(told.get(id)?.length, `messages for ${id}`).toBe(1);
      expect(stored.get(id)).toBe(booked.get(id)![0]!.reference);
    }
    for (const { id } of renewals) {
      expect(booked.get(id)).toBeUndefined();
      expect(stored.has(id)).toBe(false);
    }
    // No slot booked twice.
    const slots = bookingSystem.bookings().map((b) => b.slotId);
    expect(new Set(slots).size).toBe(slots.length);

    // For the report: did BullMQ fail a booking job for stalling (its production maxStalledCount)?
    const instance = await storeIdentity(db, 'unused');
    const url = new URL(REDIS_URL);
    const queue = new Queue(QUEUE.booking, { connection: { host: url.hostname, port: Number(url.port || 6379) }, prefix: `${queuePrefix}-${instance}` });
    const failed = await queue.getFailed();
    const stalled = failed.filter((j) => /stalled/i.test(j.failedReason ?? ''));
    console.log(`booking-kill: ${kills} kills, ${midCall} mid-call, ${stalled.length} booking jobs failed by BullMQ for stalling (re-enqueued by the booking sweep), ${bookingSystem.conflicts()} slot conflicts`);
    await queue.close();

    worker.proc.kill('SIGTERM');
    await worker.exited;
  }, 600_000);
});
