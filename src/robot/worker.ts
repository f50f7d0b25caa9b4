import { errorKind } from '../domain/errors.js';
import { DelayedError, Worker, type ConnectionOptions, type Job, type JobsOptions, type Queue, type RepeatOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { getIntakeCursor, recordJobOutcome, setIntakeCursor, storeIdentity } from '../store/index.js';
import type { RobotDeps } from './deps.js';
import { enqueueUnlessHeld } from './held.js';
import { pollOnce, type CursorStore } from './intake.js';
import { processCase } from './processCase.js';
import { scheduledRetention, type ScheduledRetentionResult } from '../retention/run.js';
import { scheduledFollowUp } from '../logfollowup/run.js';
import { LOG_FOLLOW_UP_DEFAULTS, type LogFollowUpSettings } from '../config.js';
import { recheckCasesWaitingForRules } from './rulesRecheck.js';
import { carryOutDecision, sweepOutbound, type OutboundAdapters } from './outbound.js';
import { BOOKING_JOB_OPTIONS, bookingJobId, CASE_JOB_OPTIONS, caseJobId, DEFAULT_PREFIX, openQueues, OUTBOUND_JOB_OPTIONS, QUEUE, type CaseJobData, type OutboundJobData } from './queues.js';
import { recoverIfStranded, sweepCases } from './recovery.js';
import { checkRedisForQueues } from './redisCheck.js';
import { QUEUE_DEFAULTS } from '../config.js';
import { setCaseJob } from '../store/index.js';
import { bookFirstMeeting, sweepBookings, type BookingAdapters } from './firstMeeting.js';
import { restoreFastStringMethods } from '../runtime/fastStrings.js';

export interface RobotOptions {
  connection: ConnectionOptions & { host?: string; port?: number };
  redisUrl: string;
  prefix?: string;
  concurrency: number;
  pollIntervalMs: number;
  /** Off in tests that drive polling themselves. */
  schedulePolling?: boolean;
  /** Retries and backoff of case jobs; tests shorten the backoff. */
  caseJobOptions?: JobsOptions;
  /**
   * How long a worker's lock on an active job lasts unless renewed (ms; unset: production's,
   * QUEUE_DEFAULTS in src/config.ts). A worker that dies without closing keeps its jobs until
   * the lock runs out.
   */
  lockDurationMs?: number;
  /** How often a worker looks for jobs whose lock ran out and takes them back (ms; unset: production's). */
  stalledIntervalMs?: number;
  /** How often a job may lose its worker before BullMQ fails it (unset: production's); the case sweep takes over then. */
  maxStalledCount?: number;
  /** The case sweep (src/robot/recovery.ts); each unset: production's (QUEUE_DEFAULTS). */
  caseSweep?: { intervalMs?: number; quietMs?: number; maxActiveMs?: number; maxRecoveries?: number };
  /** Off in tests that drive the case sweep themselves. */
  scheduleCaseSweep?: boolean;
  /** How often this process checks that the job schedulers exist in Redis (ms; unset: production's). */
  schedulerCheckIntervalMs?: number;
  /**
   * Carrying out signed decisions (write-back, payment, message). Unset: this process does not
   * carry out decisions (they wait, signed, for a worker that does).
   */
  outbound?: OutboundAdapters;
  /** Retries and backoff of outbound jobs; tests shorten the backoff. */
  outboundJobOptions?: JobsOptions;
  /** How often the sweep looks for signed decisions not yet carried out (ms; default 30 s). */
  outboundSweepIntervalMs?: number;
  /** Off in tests that drive the sweep themselves. */
  scheduleOutboundSweep?: boolean;
  /** Decisions carried out at once (default: concurrency). */
  outboundConcurrency?: number;
  /**
   * When the gallring dry run is made for every municipality (cron, Europe/Stockholm; default
   * RETENTION_DRY_RUN_PATTERN). false: not scheduled. The run only reports; an admin approves.
   */
  retentionDryRunPattern?: string | false;
  /** Carry out a report unapproved after this many days (config RETENTION_AUTO_EXECUTE_DAYS); unset: never. */
  retentionAutoExecuteDays?: number;
  /**
   * When last month's logguppföljning is made for every municipality (cron, Europe/Stockholm;
   * default LOG_FOLLOW_UP_PATTERN). false: not scheduled. An auditor or admin reviews it.
   */
  logFollowUpPattern?: string | false;
  /** The follow-up's thresholds (config LOG_FOLLOWUP_*); unset: LOG_FOLLOW_UP_DEFAULTS. */
  logFollowUp?: LogFollowUpSettings;
  /**
   * Recompute, at start-up, the MANUAL cases that waited for rules the loaded rules now have
   * (robot/rulesRecheck.ts). Default true; rules are read once per process, so start-up is when
   * they can have changed.
   */
  recheckRulesAtStart?: boolean;
  /**
   * Booking first meetings (the booking system and Mina ärenden). Unset: this process does not
   * book (open bookings wait for a worker that does; the cases go on regardless).
   */
  booking?: BookingAdapters;
  /** Retries and backoff of booking jobs; tests shorten the backoff. */
  bookingJobOptions?: JobsOptions;
  /** How often the sweep looks for open bookings without a job (ms; default 30 s). */
  bookingSweepIntervalMs?: number;
  /** Off in tests that drive the sweep themselves. */
  scheduleBookingSweep?: boolean;
}

/** 03:00 on the 2nd of every month: a report an admin can approve within the month. */
export const RETENTION_DRY_RUN_PATTERN = '0 3 2 * *';
export const RETENTION_SCHEDULER_ID = 'retention-dry-run';
/** 04:00 on the 1st of every month: last month's log follow-up, waiting for review the same morning. */
export const LOG_FOLLOW_UP_PATTERN = '0 4 1 * *';
export const LOG_FOLLOW_UP_SCHEDULER_ID = 'log-follow-up';

const OUTBOUND_SWEEP_SCHEDULER_ID = 'sweep-outbound';
export const CASE_SWEEP_SCHEDULER_ID = 'sweep-cases';

/** How long a decision job waits before it looks again when another run holds the decision (ms). */
const OUTBOUND_BUSY_DELAY_MS = 5_000;

interface Scheduler {
  queue: Pick<Queue, 'upsertJobScheduler' | 'getJobScheduler'>;
  id: string;
  repeat: RepeatOptions;
  template: { name: string; data: Record<string, never>; opts: JobsOptions };
}

/** Creates every scheduler that Redis no longer has (it came back empty); returns their ids. */
export async function ensureJobSchedulers(schedulers: readonly Scheduler[]): Promise<string[]> {
  const created: string[] = [];
  for (const sch of schedulers) {
    if (await sch.queue.getJobScheduler(sch.id)) continue;
    await sch.queue.upsertJobScheduler(sch.id, sch.repeat, sch.template);
    created.push(sch.id);
  }
  return created;
}
const BOOKING_SWEEP_SCHEDULER_ID = 'sweep-bookings';

const POLL_SCHEDULER_ID = 'poll-eservice';

/**
 * The worker daemon's moving parts: a job scheduler that polls the e-service once per
 * cluster per interval (the schedule lives in Redis, so N processes give one poll), a
 * worker for the intake queue and one for cases. close() finishes the jobs in hand and
 * hands back the rest (BullMQ's locks expire and another worker takes them).
 */
export async function startRobot(deps: RobotDeps, options: RobotOptions) {
  // bullmq's ioredis is loaded by now; see runtime/fastStrings.ts.
  restoreFastStringMethods();
  // Queues are named after the database they serve: a fresh database (a wiped ./data) gets
  // fresh queues, and can never be shadowed by an old database's completed job ids.
  const instance = await storeIdentity(deps.db, randomUUID().slice(0, 8));
  const prefix = `${options.prefix ?? DEFAULT_PREFIX}-${instance}`;
  const queues = openQueues(
    options.connection,
    prefix,
    { ...CASE_JOB_OPTIONS, ...options.caseJobOptions },
    { ...OUTBOUND_JOB_OPTIONS, ...options.outboundJobOptions },
    { ...BOOKING_JOB_OPTIONS, ...options.bookingJobOptions },
  );
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  const pollLockKey = `${prefix}:intake:lock`;
  const cursors: CursorStore = {
    get: () => getIntakeCursor(deps.db, 'eservice'),
    set: (cursor) => setIntakeCursor(deps.db, 'eservice', cursor),
  };

  // Redis as BullMQ needs it: no eviction, or jobs and schedules vanish under memory pressure.
  try {
    await checkRedisForQueues(redis);
  } catch (error) {
    await queues.close();
    redis.disconnect();
    throw error;
  }

  const sweep = {
    quietMs: options.caseSweep?.quietMs ?? QUEUE_DEFAULTS.caseSweepQuietMs,
    maxActiveMs: options.caseSweep?.maxActiveMs ?? QUEUE_DEFAULTS.caseJobMaxActiveMs,
    maxRecoveries: options.caseSweep?.maxRecoveries ?? QUEUE_DEFAULTS.maxRecoveries,
  };

  // Every schedule of the cluster, kept in Redis. Redis that comes back empty has none, so each
  // process checks them on every reconnect and periodically and creates what is missing.
  const schedulers: Scheduler[] = [];
  if (options.schedulePolling !== false) {
    schedulers.push({
      queue: queues.intake,
      id: POLL_SCHEDULER_ID,
      repeat: { every: options.pollIntervalMs },
      template: { name: 'poll', data: {}, opts: { removeOnComplete: 1000, removeOnFail: 1000 } },
    });
  }
  const retentionPattern = options.retentionDryRunPattern ?? RETENTION_DRY_RUN_PATTERN;
  if (retentionPattern !== false) {
    schedulers.push({
      queue: queues.intake,
      id: RETENTION_SCHEDULER_ID,
      repeat: { pattern: retentionPattern, tz: 'Europe/Stockholm' },
      template: { name: RETENTION_SCHEDULER_ID, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } } },
    });
  }
  const followUpPattern = options.logFollowUpPattern ?? LOG_FOLLOW_UP_PATTERN;
  if (followUpPattern !== false) {
    schedulers.push({
      queue: queues.intake,
      id: LOG_FOLLOW_UP_SCHEDULER_ID,
      repeat: { pattern: followUpPattern, tz: 'Europe/Stockholm' },
      template: { name: LOG_FOLLOW_UP_SCHEDULER_ID, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100, attempts: 3, backoff: { type: 'exponential', delay: 60_000 } } },
    });
  }
  if (options.scheduleCaseSweep !== false) {
    schedulers.push({
      queue: queues.maintenance,
      id: CASE_SWEEP_SCHEDULER_ID,
      repeat: { every: options.caseSweep?.intervalMs ?? QUEUE_DEFAULTS.caseSweepIntervalMs },
      template: { name: CASE_SWEEP_SCHEDULER_ID, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100, attempts: 1 } },
    });
  }
  if (options.outbound && options.scheduleOutboundSweep !== false) {
    schedulers.push({
      queue: queues.outbound,
      id: OUTBOUND_SWEEP_SCHEDULER_ID,
      repeat: { every: options.outboundSweepIntervalMs ?? 30_000 },
      template: { name: 'sweep', data: {}, opts: { removeOnComplete: 1000, removeOnFail: 1000, attempts: 1 } },
    });
  }
  if (options.booking && options.scheduleBookingSweep !== false) {
    schedulers.push({
      queue: queues.booking,
      id: BOOKING_SWEEP_SCHEDULER_ID,
      repeat: { every: options.bookingSweepIntervalMs ?? 30_000 },
      template: { name: 'sweep', data: {}, opts: { removeOnComplete: 1000, removeOnFail: 1000, attempts: 1 } },
    });
  }
  // At start-up every schedule is written (a changed interval takes effect); later only the missing ones.
  for (const sch of schedulers) await sch.queue.upsertJobScheduler(sch.id, sch.repeat, sch.template);
  let checking: Promise<void> | undefined;
  const ensureSchedulers = () => {
    checking ??= (async () => {
      try {
        const created = await ensureJobSchedulers(schedulers);
        if (created.length > 0) deps.logger.warn({ created }, 'job schedulers were missing in Redis and are created again');
      } catch (error) {
        deps.logger.warn({ error: { name: (error as Error).name, message: (error as Error).message } }, 'job scheduler check failed');
      } finally {
        checking = undefined;
      }
    })();
    return checking;
  };
  redis.on('ready', () => void ensureSchedulers());
  const schedulerTimer = setInterval(() => void ensureSchedulers(), options.schedulerCheckIntervalMs ?? QUEUE_DEFAULTS.schedulerCheckIntervalMs);
  schedulerTimer.unref();

  const stallOptions = {
    lockDuration: options.lockDurationMs ?? QUEUE_DEFAULTS.lockDurationMs,
    stalledInterval: options.stalledIntervalMs ?? QUEUE_DEFAULTS.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount ?? QUEUE_DEFAULTS.maxStalledCount,
  };

  // A municipality's intake may be held by its admin (held.ts): its new cases get no job until released.
  const enqueueFromIntake = (caseIds: readonly string[]) => enqueueUnlessHeld(deps.db, queues, caseIds);
  const intakeWorker = new Worker(
    QUEUE.intake,
    async (job: Job) => {
      if (job.name === RETENTION_SCHEDULER_ID) return retentionJob(deps, options.retentionAutoExecuteDays);
      if (job.name === LOG_FOLLOW_UP_SCHEDULER_ID) return logFollowUpJob(deps, options.logFollowUp ?? LOG_FOLLOW_UP_DEFAULTS);
      // Belt and braces: a slow poll must not overlap the next one on another process.
      const locked = await redis.set(pollLockKey, '1', 'PX', Math.max(options.pollIntervalMs * 5, 60_000), 'NX');
      if (locked !== 'OK') return { skipped: true };
      try {
        return await pollOnce(deps, cursors, enqueueFromIntake);
      } finally {
        await redis.del(pollLockKey);
      }
    },
    { connection: options.connection, prefix, concurrency: 1, ...stallOptions },
  );

  const caseWorker = new Worker<CaseJobData>(
    QUEUE.cases,
    async (job: Job<CaseJobData>) => {
      const started = performance.now();
      const attempts = job.opts.attempts ?? 1;
      const result = await processCase(deps, job.data.caseId, {
        lastAttempt: job.attemptsMade + 1 >= attempts,
        recheckLater: async (delayMs) => {
          const round = Math.floor(deps.clock().getTime() / Math.max(delayMs, 1));
          const jobId = `${caseJobId(job.data.caseId)}-plan-${round}`;
          // Recorded first: the sweep then looks for the re-check, not for this finished job.
          await setCaseJob(deps.db, job.data.caseId, jobId);
          await queues.cases.add('case', { caseId: job.data.caseId }, { jobId, delay: delayMs });
        },
        decided: (decisionId) => queues.enqueueDecisions([{ decisionId, caseId: job.data.caseId }]),
        firstMeetingReady: async () => {
          await queues.enqueueBookings([job.data.caseId]);
        },
      });
      deps.hooks?.caseProcessed?.(result, (performance.now() - started) / 1000);
      if (result === 'TECHNICAL_ERROR' || result === 'INVALID_APPLICATION' || result === 'MANUAL') {
        await recordJobOutcome(deps.db, { jobId: job.id ?? caseJobId(job.data.caseId), caseId: job.data.caseId, queue: QUEUE.cases, outcome: 'routed-manual', attempts: job.attemptsMade + 1 }).catch(() => undefined);
      }
      deps.logger.info({ caseId: job.data.caseId, jobId: job.id, result }, 'case job done');
      return result;
    },
    { connection: options.connection, prefix, concurrency: options.concurrency, ...stallOptions },
  );

  // Carrying out signed decisions: one job per decision, and a sweep (one per cluster per
  // interval, like the intake poll) that gives every signed decision not yet carried out a job.
  let outboundWorker: Worker<OutboundJobData> | undefined;
  const outbound = options.outbound;
  if (outbound) {
    outboundWorker = new Worker<OutboundJobData>(
      QUEUE.outbound,
      async (job: Job<OutboundJobData>, token?: string) => {
        if (job.name === 'sweep') return sweepOutbound(deps, queues, { maxRecoveries: sweep.maxRecoveries });
        const { decisionId, caseId } = job.data;
        if (!decisionId) return 'UNKNOWN_DECISION';
        const attempts = job.opts.attempts ?? 1;
        const result = await carryOutDecision(deps, outbound, decisionId, { lastAttempt: job.attemptsMade + 1 >= attempts });
        if (result === 'BUSY') {
          // Another run holds the decision (a job Redis lost is still running): look again
          // shortly, without using up an attempt; it finds the decision done or the lease free.
          await job.moveToDelayed(Date.now() + OUTBOUND_BUSY_DELAY_MS, token);
          throw new DelayedError();
        }
        if (result === 'MANUAL') {
          await recordJobOutcome(deps.db, { jobId: job.id ?? `decision-${decisionId}`, caseId: caseId ?? null, queue: QUEUE.outbound, outcome: 'routed-manual', attempts: job.attemptsMade + 1 }).catch(() => undefined);
        }
        deps.logger.info({ caseId, decisionId, jobId: job.id, result }, 'decision job done');
        return result;
      },
      { connection: options.connection, prefix, concurrency: options.outboundConcurrency ?? options.concurrency, ...stallOptions },
    );
    outboundWorker.on('failed', (job, error) => {
      deps.hooks?.jobFailed?.(QUEUE.outbound, errorKind(error));
      deps.logger.warn({ caseId: job?.data.caseId, decisionId: job?.data.decisionId, jobId: job?.id, attempt: job?.attemptsMade, error: { name: error.name, message: error.message } }, 'decision job attempt failed');
    });
  }

  // First meetings: one job per case, and a sweep (one per cluster per interval) that gives
  // every open booking of an assessed case a job.
  let bookingWorker: Worker<CaseJobData> | undefined;
  const booking = options.booking;
  if (booking) {
    bookingWorker = new Worker<CaseJobData>(
      QUEUE.booking,
      async (job: Job<CaseJobData>) => {
        if (job.name === 'sweep') return sweepBookings(deps, queues);
        const attempts = job.opts.attempts ?? 1;
        const result = await bookFirstMeeting(deps, booking, job.data.caseId, { lastAttempt: job.attemptsMade + 1 >= attempts });
        if (result === 'FAILED') {
          await recordJobOutcome(deps.db, { jobId: job.id ?? bookingJobId(job.data.caseId), caseId: job.data.caseId, queue: QUEUE.booking, outcome: 'routed-manual', attempts: job.attemptsMade + 1 }).catch(() => undefined);
        }
        deps.logger.info({ caseId: job.data.caseId, jobId: job.id, result }, 'booking job done');
        return result;
      },
      { connection: options.connection, prefix, concurrency: options.concurrency, ...stallOptions },
    );
    bookingWorker.on('failed', (job, error) => {
      deps.hooks?.jobFailed?.(QUEUE.booking, errorKind(error));
      deps.logger.warn({ caseId: job?.data.caseId, jobId: job?.id, attempt: job?.attemptsMade, error: { name: error.name, message: error.message } }, 'booking job attempt failed');
    });
  }

  caseWorker.on('failed', (job, error) => {
    deps.hooks?.jobFailed?.(QUEUE.cases, errorKind(error));
    deps.logger.warn({ caseId: job?.data.caseId, jobId: job?.id, attempt: job?.attemptsMade, error: { name: error.name, message: error.message } }, 'case job attempt failed');
    // A job that failed for good (a stall BullMQ would not take back, retries spent before the
    // case could be moved) must not leave its case in limbo: recover it now, not at the next sweep.
    const caseId = job?.data.caseId;
    if (caseId) {
      void recoverIfStranded(deps, queues, caseId, sweep).catch((e: unknown) =>
        deps.logger.warn({ caseId, error: { name: (e as Error).name } }, 'recovery after a failed job did not run; the sweep will'),
      );
    }
  });

  const maintenanceWorker = new Worker(
    QUEUE.maintenance,
    async (job: Job) => {
      if (job.name === CASE_SWEEP_SCHEDULER_ID) return sweepCases(deps, queues, sweep);
      return 'UNKNOWN_JOB';
    },
    { connection: options.connection, prefix, concurrency: 1, ...stallOptions },
  );
  maintenanceWorker.on('failed', (_job, error) => {
    deps.hooks?.jobFailed?.(QUEUE.maintenance, errorKind(error));
    deps.logger.warn({ error: { name: error.name, message: error.message } }, 'case sweep failed');
  });
  intakeWorker.on('failed', (_job, error) => {
    deps.hooks?.jobFailed?.(QUEUE.intake, errorKind(error));
    deps.logger.warn({ error: { name: error.name, message: error.message } }, 'intake poll failed');
  });

  const recheckRulesNow = () => recheckCasesWaitingForRules(deps);
  // In the background: a start-up never waits for it, and a failure only delays the cases.
  const rulesRecheck =
    options.recheckRulesAtStart === false
      ? undefined
      : recheckRulesNow().catch((error: unknown) => {
          deps.logger.warn({ error: { name: (error as Error).name, message: (error as Error).message } }, 'recheck of cases waiting for rules failed; it runs again at the next start');
          return undefined;
        });

  return {
    queues,
    redis,
    prefix,
    /** The start-up recheck of cases waiting for rules (undefined when switched off). */
    rulesRecheck,
    /** Recomputes the cases waiting for rules now (tests, the admin). */
    recheckRulesNow,
    /** Polls now, outside the schedule (start-up, tests, the admin's "poll now"). */
    pollNow: () => pollOnce(deps, cursors, enqueueFromIntake),
    /** Sweeps now, outside the schedule (tests, start-up). */
    sweepOutboundNow: () => sweepOutbound(deps, queues, { maxRecoveries: sweep.maxRecoveries }),
    /** The case sweep now, outside the schedule (tests, the admin). */
    sweepCasesNow: (overrides: Partial<typeof sweep> = {}) => sweepCases(deps, queues, { ...sweep, ...overrides }),
    /** Checks the job schedulers now and creates the missing ones (tests; also on reconnect and periodically). */
    ensureSchedulers,
    /** Starts a decision's carry-out at once (a signature, or a stopped one started again), without waiting for the sweep. */
    enqueueDecision: (decisionId: string, caseId: string) => queues.startDecision({ decisionId, caseId }),
    /** Sweeps open bookings now, outside the schedule (tests, start-up). */
    sweepBookingsNow: () => sweepBookings(deps, queues),
    close: async () => {
      clearInterval(schedulerTimer);
      await rulesRecheck;
      await Promise.all([intakeWorker.close(), caseWorker.close(), maintenanceWorker.close(), outboundWorker?.close(), bookingWorker?.close()]);
      await queues.close();
      redis.disconnect();
    },
  };
}
export type Robot = Awaited<ReturnType<typeof startRobot>>;

/** The scheduled gallring: a report for every municipality in the rules (see scheduledRetention). */
async function retentionJob(deps: RobotDeps, autoExecuteAfterDays: number | undefined): Promise<ScheduledRetentionResult> {
  const ctx = { db: deps.db, rules: deps.rules, clock: deps.clock, actor: deps.identity };
  const result = await scheduledRetention(ctx, deps.rules.municipalityCodes(), autoExecuteAfterDays);
  deps.logger.info({ executed: result.executed, reports: result.reports }, 'retention job done');
  return result;
}

/** Last month's log follow-up for every municipality; one report each however often it runs (unique in the store). */
async function logFollowUpJob(deps: RobotDeps, settings: LogFollowUpSettings): Promise<{ reports: string[] }> {
  const reports = await scheduledFollowUp(deps.db, deps.rules.municipalityCodes(), deps.clock(), deps.identity, settings, deps.rules.closedBankDayRules());
  deps.logger.info({ reports }, 'log follow-up job done');
  return { reports };
}
