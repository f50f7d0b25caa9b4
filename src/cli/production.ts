import { redisConnection } from '../robot/redisConnection.js';
import { Redis } from 'ioredis';
import { logFollowUpRoutes } from '../web/logfollowup/routes.js';
import { municipalityNames } from '../web/caseworker/view.js';
import { loadWebAuthConfig, type Config, type WebAuthConfig } from '../config.js';
import type { Robot } from '../robot/worker.js';
import { DEFAULT_PREFIX, openQueues } from '../robot/queues.js';
import { REPLAY_REFUSAL_WORDS, replayCase } from '../robot/replay.js';
import { mayCauseLookup, replayWhy, replayWhyProblem } from '../robot/declarations.js';
import { checkIntake } from '../robot/intake.js';
import { startRobot } from '../robot/worker.js';
import { RedisPolicyError } from '../robot/redisCheck.js';
import { appendAudit, readStoreIdentity } from '../store/index.js';
import { buildWebServer } from '../web/server.js';
import { adminRoutes, queuesFromStore } from '../web/admin/index.js';
import { caseworkerRoutes } from '../web/caseworker/routes.js';
import { parseOrExit, processOutput, str, usageText } from './args.js';
import { REPLAY, WEB, WORKER } from './commands.js';
import { loadBasics, untilStopped } from './daemon.js';
import { bookingAdapters, openStore, robotDeps, robotMetrics, type RegisterUrls } from './wiring.js';
import { OutboundConfigError, outboundAdapters, outboundEndpoints, type OutboundEndpoints } from './outbound.js';
import { chromiumPdfRenderer } from '../web/caseworker/pdf.js';

/** The outside systems as configured; the production entry points never fall back to the sandbox. */
function configuredUrls(config: { ssbtekUrl?: string | undefined; kirUrl?: string | undefined; planUrl?: string | undefined; eserviceUrl?: string | undefined }): RegisterUrls | string[] {
  const missing = [
    ['SSBTEK_URL', config.ssbtekUrl],
    ['KIR_URL', config.kirUrl],
    ['PLAN_URL', config.planUrl],
    ['ESERVICE_URL', config.eserviceUrl],
  ].filter(([, v]) => !v).map(([k]) => k!);
  if (missing.length > 0) return missing;
  return { ssbtek: config.ssbtekUrl!, kir: config.kirUrl!, plan: config.planUrl!, eservice: config.eserviceUrl! };
}

/** `worker`: the pipeline alone, against the configured Redis, database and registers. */
export async function runWorker(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<number> {
  const parsed = parseOrExit(WORKER, args, processOutput);
  if (typeof parsed === 'number') return parsed;
  const basics = loadBasics(env);
  if (typeof basics === 'number') return basics;
  const { config, logger, rules } = basics;
  const urls = configuredUrls(config);
  if (Array.isArray(urls)) {
    process.stderr.write(`worker: ${urls.join(', ')} saknas (för en körning med simulerade register: npm start)\n`);
    return 2;
  }
  if (!config.redisUrl) {
    process.stderr.write('worker: REDIS_URL saknas\n');
    return 2;
  }
  // Carrying out signed decisions: the case system, payments and Mina ärenden. In production
  // they must be given; elsewhere a worker without them only proposes (signed decisions wait
  // for a worker that carries them out).
  let endpoints: OutboundEndpoints | undefined;
  try {
    endpoints = outboundEndpoints(config.outbound);
  } catch (error) {
    if (!(error instanceof OutboundConfigError)) throw error;
    process.stderr.write(`worker: ${error.problems.map((p) => `${p.variable}: ${p.problem}`).join(', ')}\n`);
    return 2;
  }
  if (!endpoints && config.nodeEnv === 'production') {
    process.stderr.write('worker: CASESYSTEM_URL, PAYMENT_URL, NOTIFY_URL saknas (signerade beslut verkställs inte)\n');
    return 2;
  }
  const outbound = endpoints ? outboundAdapters(endpoints, { timeoutMs: config.registerTimeoutMs, attempts: config.registerAttempts }, config.chromiumPath) : undefined;
  if (!outbound) logger.warn('no outbound systems configured: signed decisions are not carried out by this worker');
  // First meetings: the booking system and Mina ärenden. Required in production; elsewhere a
  // worker without them does not book (open bookings wait; cases go on regardless).
  if (config.bookingUrl && !endpoints?.notifyUrl) {
    process.stderr.write('worker: BOOKING_URL är satt men NOTIFY_URL saknas (sökanden ska få tiden i Mina ärenden)\n');
    return 2;
  }
  if (!config.bookingUrl && config.nodeEnv === 'production') {
    process.stderr.write('worker: BOOKING_URL saknas (första möten bokas inte)\n');
    return 2;
  }
  const booking = config.bookingUrl && endpoints ? bookingAdapters({ bookingUrl: config.bookingUrl, notifyUrl: endpoints.notifyUrl }, config) : undefined;
  if (!booking) logger.warn('no booking system configured: first meetings are not booked by this worker');
  const db = await openStore(config);
  let robot: Robot | undefined;
  const metrics = robotMetrics(db, () => robot?.queues, logger);
  try {
    robot = await startRobot(robotDeps(config, urls, db, rules, logger, metrics), {
      connection: redisConnection(config.redisUrl),
      redisUrl: config.redisUrl,
      concurrency: config.workerConcurrency,
      pollIntervalMs: config.pollIntervalMs,
      ...jobSettings(config),
      ...(config.retentionAutoExecuteDays !== undefined ? { retentionAutoExecuteDays: config.retentionAutoExecuteDays } : {}),
      logFollowUp: config.logFollowUp,
      ...(outbound ? { outbound } : {}),
      ...(booking ? { booking } : {}),
    });
  } catch (error) {
    if (!(error instanceof RedisPolicyError)) throw error;
    // Refused before any job ran: the message says which setting and how to fix it.
    process.stderr.write(`worker: ${error.message}\n`);
    logger.fatal({ policy: error.policy }, 'redis maxmemory-policy is not noeviction: refusing to start');
    await outbound?.close();
    await db.close();
    return 1;
  }
  logger.info({ rulesVersion: rules.version, carriesOut: outbound !== undefined, books: booking !== undefined }, 'worker started');
  await untilStopped(logger);
  await robot.close();
  await outbound?.close();
  await db.close();
  return 0;
}

/** The queue settings of the configuration as startRobot takes them (production's unless configured). */
export function jobSettings(config: Config) {
  const j = config.jobs;
  return {
    lockDurationMs: j.lockDurationMs,
    stalledIntervalMs: j.stalledIntervalMs,
    maxStalledCount: j.maxStalledCount,
    caseSweep: { intervalMs: j.caseSweepIntervalMs, quietMs: j.caseSweepQuietMs, maxActiveMs: j.caseJobMaxActiveMs, maxRecoveries: j.maxRecoveries },
    schedulerCheckIntervalMs: j.schedulerCheckIntervalMs,
  };
}

/** `web`: /healthz and /metrics (the review pages join here) against the configured Redis and database. */
export async function runWeb(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<number> {
  const parsed = parseOrExit(WEB, args, processOutput);
  if (typeof parsed === 'number') return parsed;
  const basics = loadBasics(env);
  if (typeof basics === 'number') return basics;
  const { config, logger, rules } = basics;
  if (!config.redisUrl) {
    process.stderr.write('web: REDIS_URL saknas\n');
    return 2;
  }
  let auth: WebAuthConfig;
  try {
    auth = loadWebAuthConfig({ ...env, NODE_ENV: config.nodeEnv });
  } catch (error) {
    process.stderr.write(`web: ${(error as Error).message}\n`);
    return 2;
  }
  const db = await openStore(config);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  // One connection to the robot's queues for the admin pages and for enqueuing a decision the
  // moment it is signed (the worker's sweep is the safety net if that fails).
  const queues = queuesFromStore(db, config.redisUrl);
  const web = buildWebServer({
    logger,
    metrics: robotMetrics(db, () => undefined, logger),
    checks: { redis: () => redis.ping(), database: () => db.query('SELECT 1'), intake: () => checkIntake(db) },
    pages: {
      db,
      auth,
      routes: [
        caseworkerRoutes({ db, pdf: chromiumPdfRenderer(config.chromiumPath), pseudonymSecret: config.pseudonymSecret, onSigned: async (decisionId, caseId) => (await queues())?.startDecision({ decisionId, caseId }) }),
        adminRoutes({ db, rules, queues, robotIdentity: config.robotIdentity }),
        logFollowUpRoutes({ db, settings: config.logFollowUp, closedDays: rules.closedBankDayRules(), names: municipalityNames(rules) }),
      ],
    },
    trustProxy: config.nodeEnv === 'production',
    metricsToken: config.metricsToken,
  });
  await web.listen({ port: config.port, host: config.host });
  await untilStopped(logger);
  await web.close();
  redis.disconnect();
  await db.close();
  return 0;
}

/**
 * `replay --av USER_ID [--skal TEXT] CASE_ID...`: sends cases that ended in TECHNICAL_ERROR, or are stuck in a state the robot owns (robot/replay.ts), through the pipeline again
 * (after an outage), on behalf of USER_ID: a replay asks the registers again, so the user must
 * hold an SSBTEK declaration for each case's municipality today (robot/declarations.ts); a case
 * without one is refused. Each request is audit-logged (`admin.replay`, actor USER_ID, `why`).
 * Prints one line per case.
 */
export async function runReplay(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<number> {
  const parsed = parseOrExit(REPLAY, args, processOutput);
  if (typeof parsed === 'number') return parsed;
  // `replay --rules DIR --month YYYY-MM --municipality CODE`: a what-if, which writes nothing.
  const { isWhatIf, runWhatIf } = await import('./whatIf.js');
  if (isWhatIf(parsed)) return runWhatIf(env, parsed, processOutput);
  const who = replayArguments(str(parsed.values, 'av'), str(parsed.values, 'skal'), parsed.positionals);
  if (typeof who === 'string') {
    process.stderr.write(`${who}\n${usageText(REPLAY)}`);
    return 2;
  }
  const { actor, why, caseIds } = who;
  const basics = loadBasics(env);
  if (typeof basics === 'number') return basics;
  const { config } = basics;
  if (!config.redisUrl) {
    process.stderr.write('replay: REDIS_URL saknas (samma Redis som workern använder)\n');
    return 2;
  }
  const db = await openStore(config);
  const instance = await readStoreIdentity(db);
  if (!instance) {
    await db.close();
    process.stderr.write('replay: ingen robot har kört mot den här databasen ännu\n');
    return 1;
  }
  const queues = openQueues(redisConnection(config.redisUrl), `${DEFAULT_PREFIX}-${instance}`);
  // Exit 0 only when every case was sent again; an unknown id or a refusal is said in words
  // on stderr and gives 1.
  let failed = 0;
  try {
    for (const caseId of caseIds) {
      const permission = await mayCauseLookup(db, actor, caseId, new Date());
      const result = permission.ok ? await replayCase({ db }, queues, caseId, actor) : permission.problem;
      await appendAudit(db, {
        actor,
        action: 'admin.replay',
        caseId: permission.ok || permission.problem === 'no-declaration' ? caseId : null,
        purpose: 'Drift av biståndsroboten (administratör)',
        result: result === 'requeued' ? 'ok' : 'refused',
        details: { mode: 'intake', result, why, via: 'cli' },
      });
      if (result === 'requeued') {
        process.stdout.write(`${caseId}: skickat till kön igen\n`);
        continue;
      }
      failed++;
      const words =
        result === 'unknown-case'
          ? 'inget ärende med det id:t'
          : result === 'no-declaration'
            ? `inte omkört, ${actor} har ingen giltig försäkran för SSBTEK i ärendets kommun`
            : `inte omkört, ${REPLAY_REFUSAL_WORDS[result]}`;
      process.stderr.write(`${caseId}: ${words}\n`);
    }
  } finally {
    await queues.close();
    await db.close();
  }
  return failed === 0 ? 0 : 1;
}

/** `--av USER_ID [--skal TEXT] CASE_ID...` -> who, why and the cases; a message in words when it does not parse. */
export function replayArguments(actor: string | undefined, why: string | undefined, caseIds: readonly string[]): { actor: string; why: string; caseIds: string[] } | string {
  if (!actor || !/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/.test(actor)) return 'replay: --av ANVÄNDAR-ID saknas eller är fel (vem som ber om omkörningen; hen behöver en giltig försäkran för SSBTEK)';
  if (caseIds.length === 0) return 'replay: ange minst ett ärende-id';
  const whyProblem = replayWhyProblem(why);
  if (whyProblem) return `replay: ${whyProblem}`;
  return { actor, why: replayWhy(why), caseIds: [...caseIds] };
}
