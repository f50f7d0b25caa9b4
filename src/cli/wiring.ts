import { join } from 'node:path';
import type { Logger } from 'pino';
import { SANDBOX_ORGANISATION_MUNICIPALITY, type Config } from '../config.js';
import { createMetrics, type RobotMetrics } from '../observability/metrics.js';
import { createBookingClient } from '../casesystem/booking.js';
import { createNotifyClient } from '../casesystem/notify.js';
import type { BookingAdapters } from '../robot/firstMeeting.js';
import { createEServiceClient } from '../registers/eservice.js';
import { createKirClient } from '../registers/kir.js';
import { createPlanClient } from '../registers/plan.js';
import { createSsbtekClient } from '../registers/ssbtek/client.js';
import type { RobotDeps } from '../robot/deps.js';
import type { Queues } from '../robot/queues.js';
import { allQueues } from '../robot/queues.js';
import type { RuleSet } from '../rules/ruleset.js';
import { FEED } from '../robot/intake.js';
import { countPastPromise, getIntakeStatus, oldestOpenCases, openDatabase, type Db } from '../store/index.js';

/** Where the four outside systems are: the real ones by configuration, or the sandbox's. */
export interface RegisterUrls {
  ssbtek: string;
  kir: string;
  plan: string;
  eservice: string;
}

/** PostgreSQL when DATABASE_URL is set; otherwise PGlite's files under DATA_DIR. DATABASE_SCHEMA, if set, holds every table. */
export function openStore(config: Config): Promise<Db> {
  const schema = config.databaseSchema;
  return config.databaseUrl ? openDatabase({ url: config.databaseUrl, schema }) : openDatabase({ dataDir: join(config.dataDir, 'pglite'), schema });
}

/**
 * SSBTEK's ingivare name: ORGANISATION_NAME, or else the sandbox municipality's name as its rules
 * file gives it (officialName), so no name is written twice.
 */
export function organisationName(config: Pick<Config, 'organisationName'>, rules: Pick<RuleSet, 'municipalityName'>): string {
  return config.organisationName ?? rules.municipalityName(SANDBOX_ORGANISATION_MUNICIPALITY) ?? `kommun ${SANDBOX_ORGANISATION_MUNICIPALITY}`;
}

export function robotDeps(config: Config, urls: RegisterUrls, db: Db, rules: RuleSet, logger: Logger, metrics: RobotMetrics): RobotDeps {
  const http = { timeoutMs: config.registerTimeoutMs, retry: { attempts: config.registerAttempts } };
  return {
    db,
    rules,
    logger,
    identity: config.robotIdentity,
    pseudonymSecret: config.pseudonymSecret,
    clock: () => new Date(),
    planTiming: { recheckDelayMs: config.planRecheckDelayMs, pendingDeadlineMs: config.planPendingDeadlineMs },
    ...(config.intakeCatchAllMunicipality ? { catchAllMunicipality: config.intakeCatchAllMunicipality } : {}),
    hooks: metrics.hooks,
    ssbtek: createSsbtekClient({
      url: urls.ssbtek,
      ...http,
      ingivare: { organisationsnummer: config.organisationNumber, namn: organisationName(config, rules), handlaggare: config.robotIdentity },
      fkAktorsId: config.fkAktorsId,
    }),
    kir: createKirClient({ url: urls.kir, ...http }),
    plan: createPlanClient({ url: urls.plan, ...http }),
    eservice: createEServiceClient({ url: urls.eservice, ...http }),
  };
}

/** The first meetings' outside systems: the booking system and Mina ärenden (the same NOTIFY_URL the carry-out uses). */
export function bookingAdapters(urls: { bookingUrl: string; notifyUrl: string }, config: Pick<Config, 'registerTimeoutMs' | 'registerAttempts'>): BookingAdapters {
  const http = { timeoutMs: config.registerTimeoutMs, retry: { attempts: config.registerAttempts } };
  return { booking: createBookingClient({ url: urls.bookingUrl, ...http }), notifier: createNotifyClient({ url: urls.notifyUrl, ...http }) };
}

/** Metrics whose gauges read cases by state from the store and job counts from the queues. */
export function robotMetrics(db: Db, queues: () => Queues | undefined, logger: Logger): RobotMetrics {
  return createMetrics({
    sources: {
      countCasesByState: async () => {
        const { rows } = await db.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM cases GROUP BY state');
        return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
      },
      countCasesByMunicipality: async () => {
        const { rows } = await db.query<{ state: string; municipality: string; n: string }>('SELECT state, municipality, count(*) AS n FROM cases GROUP BY state, municipality');
        return rows.map((r) => ({ state: r.state, municipality: r.municipality, count: Number(r.n) }));
      },
      oldestCases: () => oldestOpenCases(db, new Date()),
      pastPromise: () => countPastPromise(db, new Date()),
      intakeFailures: async () => (await getIntakeStatus(db, FEED))?.consecutiveFailures ?? 0,
      // From the database, so the web process (which has no queues here) reads the truth too.
      intakePaused: async () => Boolean((await getIntakeStatus(db, FEED))?.pausedAt),
      heldMunicipalities: async () => {
        const q = queues();
        // A label from a fixed shape only (README: the labels): a municipality code.
        return q ? [...(await q.heldMunicipalities())].filter((code) => /^\d{4}$/.test(code)).sort() : [];
      },
      queueCounts: async () => {
        const q = queues();
        if (!q) return [];
        // Every queue, carrying out (outbound) and booking included.
        const states = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;
        const all = allQueues(q);
        const counts = await Promise.all(all.map((queue) => queue.getJobCounts(...states)));
        return all.flatMap((queue, i) => states.map((state) => ({ queue: queue.name, state, count: counts[i]![state] ?? 0 })));
      },
    },
    onCollectError: (source, error) => logger.warn({ source, error: (error as Error).name }, 'metrics source failed'),
  });
}
