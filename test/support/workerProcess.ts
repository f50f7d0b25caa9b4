/**
 * One robot worker as its own process, for the multi-process tests (test/integration/processes.test.ts):
 *
 *   node --import tsx test/support/workerProcess.ts
 *
 * It is `main.ts worker` (src/cli/production.ts runWorker) with the knobs a test needs and
 * production does not offer, read from the environment:
 *
 *   the robot's own variables   DATABASE_URL, DATABASE_SCHEMA, REDIS_URL, SSBTEK_URL, KIR_URL,
 *                               PLAN_URL, ESERVICE_URL, WORKER_CONCURRENCY, REGISTER_*, PLAN_*, LOG_LEVEL,
 *                               and the queue settings JOB_* and CASE_* (src/config.ts): unset, production's
 *   TEST_POLL_INTERVAL_MS       the intake schedule (below the configuration's 1 s minimum)
 *   TEST_SCHEDULE_POLLING       "0": no schedule, this worker only processes cases
 *   TEST_JOB_ATTEMPTS           attempts per case job; TEST_JOB_BACKOFF_MS the fixed delay between them
 *   TEST_QUEUE_PREFIX           the queues' key prefix (the store's identity is appended, as always)
 *   CASESYSTEM_URL, PAYMENT_URL, NOTIFY_URL (+ CASESYSTEM_ADAPTER_<kod>, ...)   carry out signed
 *                               decisions (src/cli/outbound.ts); unset: this worker only proposes
 *   TEST_OUTBOUND_SWEEP_MS      the outbound sweep's interval
 *   TEST_OUTBOUND_ATTEMPTS      attempts per decision job; TEST_OUTBOUND_BACKOFF_MS the fixed delay between them
 *   BOOKING_URL (+ NOTIFY_URL)  book first meetings (src/robot/firstMeeting.ts); unset: this worker does not book
 *   TEST_BOOKING_SWEEP_MS       the booking sweep's interval
 *   TEST_BOOKING_ATTEMPTS       attempts per booking job; TEST_BOOKING_BACKOFF_MS the fixed delay between them
 *
 * Logs are the robot's JSON lines on standard output. Once the workers run it logs
 * "worker started" with the queue prefix; SIGTERM or SIGINT closes it the way runWorker does
 * (finish the jobs in hand, close queues and database) and the process ends by itself, exit 0.
 */
import { loadBasics, untilStopped } from '../../src/cli/daemon.js';
import { outboundAdapters, outboundEndpoints } from '../../src/cli/outbound.js';
import { jobSettings } from '../../src/cli/production.js';
import { bookingAdapters, openStore, robotDeps, robotMetrics } from '../../src/cli/wiring.js';
import { startRobot, type Robot } from '../../src/robot/worker.js';

function positive(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number`);
  return n;
}

async function main(): Promise<number> {
  const basics = loadBasics(process.env, { NODE_ENV: 'test' });
  if (typeof basics === 'number') return basics;
  const { config, logger, rules } = basics;
  const { ssbtekUrl, kirUrl, planUrl, eserviceUrl, redisUrl } = config;
  if (!ssbtekUrl || !kirUrl || !planUrl || !eserviceUrl || !redisUrl || !config.databaseUrl) {
    process.stderr.write('workerProcess: DATABASE_URL, REDIS_URL and the four register URLs are required\n');
    return 2;
  }
  const attempts = positive('TEST_JOB_ATTEMPTS');
  const backoff = positive('TEST_JOB_BACKOFF_MS');

  const endpoints = outboundEndpoints(config.outbound);
  const outbound = endpoints ? outboundAdapters(endpoints, { timeoutMs: config.registerTimeoutMs, attempts: config.registerAttempts }, config.chromiumPath) : undefined;
  const outboundAttempts = positive('TEST_OUTBOUND_ATTEMPTS');
  const outboundBackoff = positive('TEST_OUTBOUND_BACKOFF_MS');
  const sweepMs = positive('TEST_OUTBOUND_SWEEP_MS');
  const booking = config.bookingUrl && endpoints ? bookingAdapters({ bookingUrl: config.bookingUrl, notifyUrl: endpoints.notifyUrl }, config) : undefined;
  const bookingAttempts = positive('TEST_BOOKING_ATTEMPTS');
  const bookingBackoff = positive('TEST_BOOKING_BACKOFF_MS');
  const bookingSweepMs = positive('TEST_BOOKING_SWEEP_MS');

  const db = await openStore(config);
  let robot: Robot | undefined;
  const metrics = robotMetrics(db, () => robot?.queues, logger);
  const url = new URL(redisUrl);
  robot = await startRobot(robotDeps(config, { ssbtek: ssbtekUrl, kir: kirUrl, plan: planUrl, eservice: eserviceUrl }, db, rules, logger, metrics), {
    connection: { host: url.hostname, port: Number(url.port || 6379) },
    redisUrl,
    concurrency: config.workerConcurrency,
    pollIntervalMs: positive('TEST_POLL_INTERVAL_MS') ?? config.pollIntervalMs,
    schedulePolling: process.env.TEST_SCHEDULE_POLLING !== '0',
    ...(process.env.TEST_QUEUE_PREFIX ? { prefix: process.env.TEST_QUEUE_PREFIX } : {}),
    caseJobOptions: {
      ...(attempts !== undefined ? { attempts } : {}),
      ...(backoff !== undefined ? { backoff: { type: 'fixed', delay: backoff } } : {}),
    },
    ...jobSettings(config),
    ...(outbound
      ? {
          outbound,
          outboundJobOptions: {
            ...(outboundAttempts !== undefined ? { attempts: outboundAttempts } : {}),
            ...(outboundBackoff !== undefined ? { backoff: { type: 'fixed', delay: outboundBackoff } } : {}),
          },
          ...(sweepMs !== undefined ? { outboundSweepIntervalMs: sweepMs } : {}),
        }
      : {}),
    ...(booking
      ? {
          booking,
          bookingJobOptions: {
            ...(bookingAttempts !== undefined ? { attempts: bookingAttempts } : {}),
            ...(bookingBackoff !== undefined ? { backoff: { type: 'fixed', delay: bookingBackoff } } : {}),
          },
          ...(bookingSweepMs !== undefined ? { bookingSweepIntervalMs: bookingSweepMs } : {}),
        }
      : {}),
  });
  logger.info({ prefix: robot.prefix, pid: process.pid }, 'worker started');
  await untilStopped(logger);
  await robot.close();
  await outbound?.close();
  await db.close();
  logger.info({ pid: process.pid }, 'worker stopped');
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  // Like main.ts: name the failure, echo nothing that could carry personal data.
  process.stderr.write(`workerProcess: internt fel (${(error as Error).name}: ${(error as Error).message.slice(0, 200)})\n`);
  process.exitCode = 1;
}
