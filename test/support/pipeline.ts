import { Writable } from 'node:stream';
import type { JobsOptions } from 'bullmq';
import type { BookingAdapters } from '../../src/robot/firstMeeting.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { robotDeps, robotMetrics } from '../../src/cli/wiring.js';
import type { RobotDeps } from '../../src/robot/deps.js';
import { startRobot, type Robot } from '../../src/robot/worker.js';
import { loadRules } from '../../src/rules/load.js';
import type { RuleSet } from '../../src/rules/ruleset.js';
import type { OutboundAdapters } from '../../src/robot/outbound.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { getCase, type CaseState, type Db } from '../../src/store/index.js';

/**
 * The whole pipeline in one test process: the sandbox simulators, a real Redis, a real
 * database (whichever the caller opened), the robot's workers. Logs are captured line by
 * line so tests can scan them.
 */
export const REDIS_URL = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';

export interface PipelineHarness {
  sandbox: Sandbox;
  robot: Robot;
  deps: RobotDeps;
  db: Db;
  logs: string[];
  /** Waits until every case is in one of `states` (default: a state the robot ends in). */
  settle(caseIds: readonly string[], states?: readonly CaseState[], timeoutMs?: number): Promise<Map<string, CaseState>>;
  stop(): Promise<void>;
}

export const ENDED: readonly CaseState[] = ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'];

export async function startPipeline(
  db: Db,
  options: {
    sandbox?: SandboxOptions;
    concurrency?: number;
    attempts?: number;
    registerAttempts?: number;
    /** Per register attempt (ms); default 2000, production's is 10 000. */
    registerTimeoutMs?: number;
    planDeadlineMs?: number;
    /** Another rules folder's rule base (default: the shipped rules). */
    rules?: RuleSet;
    /** Carry out decisions too (sweep not scheduled: decisions are enqueued when made). */
    outbound?: OutboundAdapters;
    /** First meetings: the booking system and Mina ärenden, with the booking jobs' retries. */
    booking?: { adapters: BookingAdapters; jobOptions?: JobsOptions; sweepIntervalMs?: number };
  } = {},
): Promise<PipelineHarness> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'debug',
    REGISTER_ATTEMPTS: String(options.registerAttempts ?? 2),
    REGISTER_TIMEOUT_MS: String(options.registerTimeoutMs ?? 2000),
    PLAN_RECHECK_DELAY_MS: '1000',
    PLAN_PENDING_DEADLINE_MS: String(options.planDeadlineMs ?? 60_000),
  });
  const logger = createLogger(config, sink);
  const sandbox = await startSandbox(options.sandbox ?? {});
  const rules = options.rules ?? loadRules();
  let robot: Robot | undefined;
  const metrics = robotMetrics(db, () => robot?.queues, logger);
  const deps = robotDeps(config, sandbox.urls, db, rules, logger, metrics);
  // Register clients retry fast in tests; the job-level backoff is shortened too.
  const url = new URL(REDIS_URL);
  robot = await startRobot(deps, {
    connection: { host: url.hostname, port: Number(url.port || 6379) },
    redisUrl: REDIS_URL,
    concurrency: options.concurrency ?? 8,
    pollIntervalMs: 3_600_000,
    schedulePolling: false,
    caseJobOptions: { attempts: options.attempts ?? 2, backoff: { type: 'fixed', delay: 50 } },
    ...(options.outbound
      ? { outbound: options.outbound, scheduleOutboundSweep: false, outboundJobOptions: { attempts: 3, backoff: { type: 'fixed' as const, delay: 50 } } }
      : {}),
    ...(options.booking
      ? {
          booking: options.booking.adapters,
          ...(options.booking.jobOptions ? { bookingJobOptions: options.booking.jobOptions } : {}),
          ...(options.booking.sweepIntervalMs ? { bookingSweepIntervalMs: options.booking.sweepIntervalMs } : { scheduleBookingSweep: false }),
        }
      : {}),
  });
  const started = robot;

  return {
    sandbox,
    robot: started,
    deps,
    db,
    logs,
    settle: async (caseIds, states = ENDED, timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = new Map<string, CaseState>();
        for (const id of caseIds) {
          const c = await getCase(db, id);
          if (c && states.includes(c.state)) found.set(id, c.state);
        }
        if (found.size === caseIds.length) return found;
        if (Date.now() > deadline) {
          const missing = caseIds.filter((id) => !found.has(id));
          throw new Error(`cases not settled in ${timeoutMs} ms: ${missing.join(', ')}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: async () => {
      await started.close();
      await sandbox.stop();
    },
  };
}
