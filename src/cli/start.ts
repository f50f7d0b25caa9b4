import { redisConnection } from '../robot/redisConnection.js';
import { checkIntake, FEED } from '../robot/intake.js';
import { clearIntakeCursor } from '../store/index.js';
import { logFollowUpRoutes } from '../web/logfollowup/routes.js';
import { municipalityNames } from '../web/caseworker/view.js';
import { seedSandboxDeclarations } from '../sandbox/declarations.js';
import { seedSandboxStaff } from '../sandbox/staff.js';
import { startRobot } from '../robot/worker.js';
import { startSandbox } from '../sandbox/index.js';
import { addDemo } from '../sandbox/demo.js';
import { addOldCases } from '../sandbox/oldCases.js';
import { CASE_JOB_OPTIONS } from '../robot/queues.js';
import { start as startCaseSystemApi } from '../sandbox/caseSystemApi.js';
import { start as startLegacyCaseSystem, DEFAULT_LEGACY_USERS } from '../sandbox/legacyCaseSystem.js';
import { start as startPayments } from '../sandbox/payments.js';
import { start as startNotifications } from '../sandbox/notifications.js';
import { start as startBooking } from '../sandbox/booking.js';
import { OutboundConfigError, outboundAdapters, outboundEndpoints } from './outbound.js';
import { chromiumPdfRenderer } from '../web/caseworker/pdf.js';
import { buildWebServer } from '../web/server.js';
import { adminRoutes } from '../web/admin/index.js';
import { caseworkerRoutes } from '../web/caseworker/routes.js';
import { parseOrExit, processOutput } from './args.js';
import { START } from './commands.js';
import { loadBasics, untilStopped } from './daemon.js';
import { loadWebAuthConfig } from '../config.js';
import { ensureRedis, RedisMissingError, RedisUnreachableError } from './redis.js';
import { bookingAdapters, openStore, robotDeps, robotMetrics } from './wiring.js';
import type { Robot } from '../robot/worker.js';

/**
 * `npm start`: the whole robot on one machine with embedded defaults — a local Redis (found or
 * started), PGlite under ./data, every outside system simulated on loopback with the demo
 * households of fixtures/, the worker and the web server. Ctrl-C stops it cleanly.
 */
export async function runStart(env: NodeJS.ProcessEnv, args: readonly string[] = []): Promise<number> {
  const parsed = parseOrExit(START, args, processOutput);
  if (typeof parsed === 'number') return parsed;
  // In the sandbox the plan module's "pending" is re-asked after seconds, not an hour.
  // Logs at warn by default so the summary stays readable; LOG_LEVEL=info shows every case.
  const basics = loadBasics(env, { PLAN_RECHECK_DELAY_MS: '5000', POLL_INTERVAL_MS: '10000', LOG_LEVEL: 'warn' });
  if (typeof basics === 'number') return basics;
  const { config, logger, rules } = basics;

  let redis;
  try {
    redis = await ensureRedis(config.redisUrl);
  } catch (error) {
    if (error instanceof RedisMissingError || error instanceof RedisUnreachableError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const db = await openStore(config);
  // Development users and the robot get an SSBTEK declaration, so the case pages show its facts.
  await seedSandboxDeclarations(db, config.robotIdentity, '2020-01-01');
  // The clock is read here, at the edge. The development users go in the staff directory, so
  // there are colleagues to hand cases to and names to show before anyone signs in.
  const now = new Date();
  await seedSandboxStaff(db, now);
  const sandbox = await startSandbox();
  // The simulated e-service's feed starts anew with every start: a cursor kept from the last run
  // points past its end and was refused ("okänd cursor"), so every poll failed after a restart.
  if (!config.eserviceUrl) await clearIntakeCursor(db, FEED);
  // Demo applications dated around today, and one that ends in TECHNICAL_ERROR: SSBTEK fails
  // every call the robot makes for it (each attempt of the case job times the client's own
  // tries), then answers a replay.
  const demo = addDemo(sandbox, { now, failingCalls: config.registerAttempts * Number(CASE_JOB_OPTIONS.attempts ?? 1) });
  // And a few closed cases seven years old in both municipalities, due for gallring (oldCases.ts).
  const oldCases = await addOldCases(db, { now });
  // Carrying out signed decisions, against simulated outside systems: the case system (its API,
  // and the legacy UI for municipalities set to CASESYSTEM_ADAPTER_<kod>=rpa), payments, Mina ärenden.
  // And first meetings: the booking system.
  const outside = await Promise.all([startCaseSystemApi(), startLegacyCaseSystem(), startPayments(), startNotifications(), startBooking()]);
  const [caseSystemApi, legacyUi, payments, notifications, bookingSystem] = outside;
  const [rpaUser, rpaPassword] = Object.entries(DEFAULT_LEGACY_USERS)[0]!;
  let endpoints;
  try {
    endpoints = outboundEndpoints(config.outbound, {
      caseSystemUrl: caseSystemApi.url,
      caseSystemUiUrl: legacyUi.url,
      rpaUser,
      rpaPassword,
      paymentUrl: payments.url,
      notifyUrl: notifications.url,
    })!;
  } catch (error) {
    if (!(error instanceof OutboundConfigError)) throw error;
    process.stderr.write(`Konfigurationen kan inte användas:\n${error.problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n')}\n`);
    await Promise.all([...outside.map((o) => o.stop()), sandbox.stop(), db.close(), redis.stop()]);
    return 2;
  }
  const outbound = outboundAdapters(endpoints, { timeoutMs: config.registerTimeoutMs, attempts: config.registerAttempts }, config.chromiumPath);
  const urls = {
    ssbtek: config.ssbtekUrl ?? sandbox.urls.ssbtek,
    kir: config.kirUrl ?? sandbox.urls.kir,
    plan: config.planUrl ?? sandbox.urls.plan,
    eservice: config.eserviceUrl ?? sandbox.urls.eservice,
  };
  let robot: Robot | undefined;
  const metrics = robotMetrics(db, () => robot?.queues, logger);
  robot = await startRobot(robotDeps(config, urls, db, rules, logger, metrics), {
    connection: redisConnection(redis.url),
    redisUrl: redis.url,
    concurrency: config.workerConcurrency,
    pollIntervalMs: config.pollIntervalMs,
    outbound,
    outboundSweepIntervalMs: 5_000,
    booking: bookingAdapters({ bookingUrl: config.bookingUrl ?? bookingSystem.url, notifyUrl: endpoints.notifyUrl }, config),
    bookingSweepIntervalMs: 5_000,
    logFollowUp: config.logFollowUp,
  });
  const web = buildWebServer({
    logger,
    metrics,
    metricsToken: config.metricsToken,
    checks: { redis: () => robot!.redis.ping(), database: () => db.query('SELECT 1'), intake: () => checkIntake(db) },
    pages: {
      db,
      auth: loadWebAuthConfig({ ...env, NODE_ENV: config.nodeEnv }),
      routes: [
        // Carried out at once after a signature; the sweep is the safety net.
        caseworkerRoutes({ db, pdf: chromiumPdfRenderer(config.chromiumPath), pseudonymSecret: config.pseudonymSecret, onSigned: async (decisionId, caseId) => robot?.enqueueDecision(decisionId, caseId) }),
        adminRoutes({ db, rules, queues: () => robot?.queues, robotIdentity: config.robotIdentity }),
        logFollowUpRoutes({ db, settings: config.logFollowUp, closedDays: rules.closedBankDayRules(), names: municipalityNames(rules) }),
      ],
    },
  });
  await web.listen({ port: config.port, host: config.host });
  const intake = await robot.pollNow();

  const base = `http://${config.host}:${config.port}`;
  process.stdout.write(
    [
      '',
      'Biståndsroboten körs i sandlådan (simulerade register, PGlite, lokal Redis).',
      `  ${intake.fetched} demoansökningar hämtade från den simulerade e-tjänsten (${intake.invalid} ogiltiga), varav ${demo.households.length} för ${demo.months.join(' och ')} i Trelleborg och Svedala.`,
      `  Ärende ${demo.technicalError} får tekniskt fel (SSBTEK svarar inte) inom någon minut; kör om det från ${`http://${config.host}:${config.port}`}/admin.`,
      ...(oldCases.length > 0 ? [`  ${oldCases.length} gamla avslutade ärenden (sju år) väntar på gallring; provkör den på ${base}/admin/gallring.`] : []),
      `  Logga in: ${base}/login  (utvecklingsinloggning: handläggare i Trelleborg och Svedala, administratör, granskare)`,
      `  Hälsa:    ${base}/healthz`,
      `  Mätvärden: ${base}/metrics`,
      `  Data:     ${config.databaseUrl ? 'PostgreSQL' : `${config.dataDir}/pglite`}; Redis ${redis.started ? 'startad för körningen' : redis.url}`,
      `  Simulerade register (fel läggs in med POST /__faults, se README "Make a register fail"): SSBTEK ${urls.ssbtek}, KIR ${urls.kir}, planeringsmodulen ${urls.plan}, e-tjänsten ${urls.eservice}`,
      // Found by trying it out: without these, a payment fault could not be practised without ss -ltnp.
      `  Simulerad verkställighet och bokning (också POST /__faults): verksamhetssystemet ${caseSystemApi.url} (gränssnittet ${legacyUi.url}), utbetalningar ${payments.url}, Mina ärenden ${notifications.url}, bokningen ${bookingSystem.url}`,
      `  Ett förslag för hand: npm run --silent calc -- --explain fixtures/snapshots/contract-example.json`,
      '  Ctrl-C avslutar.',
      '',
    ].join('\n'),
  );
  let busy = false;
  const summary = setInterval(() => {
    if (busy) return;
    busy = true;
    void printSummary(db, robot!).then(
      (done) => (done ? clearInterval(summary) : (busy = false)),
      () => (busy = false),
    );
  }, 2_000);

  await untilStopped(logger);
  clearInterval(summary);
  await web.close();
  await robot.close();
  await outbound.close();
  await Promise.all(outside.map((o) => o.stop()));
  await sandbox.stop();
  await db.close();
  await redis.stop();
  process.stdout.write('Stoppad.\n');
  return 0;
}

/** Once the queue is quiet, prints where the demo cases ended (counts only). */
async function printSummary(db: import('../store/index.js').Db, robot: Robot): Promise<boolean> {
  const counts = await robot.queues.cases.getJobCounts('waiting', 'active', 'delayed');
  if ((counts.waiting ?? 0) + (counts.active ?? 0) > 0) return false;
  const { rows } = await db.query<{ state: string; outcome: string | null; n: string }>(
    `SELECT c.state, p.outcome, count(*) AS n FROM cases c LEFT JOIN proposals p ON p.case_id = c.id AND NOT EXISTS (SELECT 1 FROM proposals n WHERE n.supersedes = p.id) GROUP BY c.state, p.outcome ORDER BY c.state, p.outcome`,
  );
  const lines = rows.map((r) => `  ${r.state.padEnd(16)} ${(r.outcome ?? '').padEnd(15)} ${r.n}`);
  process.stdout.write(`Ärenden efter första genomgången (väntande planbedömningar tas om efter några sekunder):\n${lines.join('\n')}\n`);
  return true;
}
