import { readFileSync } from 'node:fs';
import { RobotError } from './domain/errors.js';
import { z } from 'zod';
import type { Role } from './domain/roles.js';

/**
 * The robot's configuration, read once from environment variables at start.
 *
 * Defaults make the robot run on one machine against the sandbox; production must say where
 * the real systems are, so that a production robot never proposes decisions on simulated
 * register data or keeps records in a local file database by mistake.
 *
 * Errors name the variable and the problem in words and never repeat a value: URLs may carry
 * passwords and PSEUDONYM_SECRET is a key, so no value is safe to echo.
 */

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  nodeEnv: NodeEnv;
  logLevel: LogLevel;
  /** Unset: the launcher starts a local redis-server. */
  redisUrl: string | undefined;
  /** Unset: PGlite in-process, files under dataDir. */
  databaseUrl: string | undefined;
  /** Unset: the database's default schema. Set: every table lives in this schema (isolated test runs). */
  databaseSchema: string | undefined;
  dataDir: string;
  /** Unset: the rules bundled with the robot. */
  rulesDir: string | undefined;
  /**
   * PEM files for HTTPS calls to outside systems: the organisation certificate and key shown to
   * a server that asks for one (SSBTEK does), CA certificates trusted besides Node's. Paths only:
   * the key is read where the connections are made (registers/transport.ts), never kept here.
   */
  clientTls: { certFile?: string; keyFile?: string; caFile?: string } | undefined;
  port: number;
  host: string;
  /** Each unset: the sandbox simulator on loopback (never in production). */
  ssbtekUrl: string | undefined;
  kirUrl: string | undefined;
  planUrl: string | undefined;
  eserviceUrl: string | undefined;
  /**
   * The booking system for first meetings. Unset: the sandbox's under `npm start`; a worker
   * without it does not book (required for the worker in production).
   */
  bookingUrl: string | undefined;
  /** The robot's account: handläggare towards SSBTEK, actor in the audit log. */
  robotIdentity: string;
  /** The municipality's organisationsnummer, 12 digits as SSBTEK wants it (16 + 10 digits). */
  organisationNumber: string;
  /**
   * The municipality's name as SSBTEK's ingivare states it; undefined in the sandbox, which takes
   * SANDBOX_ORGANISATION_MUNICIPALITY's officialName from the rules (cli/wiring.ts organisationName).
   */
  organisationName: string | undefined;
  /** Försäkringskassan's aktörsid for the municipality (LEFI questions need it). */
  fkAktorsId: string;
  /** Key for the audit log's person pseudonyms (HMAC), at least 32 characters; a fixed development key unless production. */
  pseudonymSecret: string;
  /**
   * The bearer token a scraper must send for /metrics (`Authorization: Bearer <token>`), at
   * least 32 characters. Unset: /metrics is open (development and test only; required in production).
   */
  metricsToken: string | undefined;
  pollIntervalMs: number;
  /**
   * Where an application for a municipality the robot does not serve (or with none) is routed:
   * that municipality's caseworkers get it as invalid, with the reason. Unset: the first of
   * the served municipalities by code (rules/municipalities).
   */
  intakeCatchAllMunicipality: string | undefined;
  workerConcurrency: number;
  planRecheckDelayMs: number;
  planPendingDeadlineMs: number;
  registerTimeoutMs: number;
  registerAttempts: number;
  /**
   * Gallring without a person pressing the button: the scheduled job carries out a report that
   * has been on the admin pages this many days unapproved (never under a provisional rule).
   * Unset: every report waits for an admin.
   */
  retentionAutoExecuteDays: number | undefined;
  /** The queues' stall and lock settings and the case sweep (see QUEUE_DEFAULTS for why these values). */
  jobs: JobSettings;
  /** The browser for the decision letter's PDF and the RPA adapter: Debian's chromium. */
  chromiumPath: string;
  /** Where signed decisions are carried out, as given; src/cli/outbound.ts checks that they fit together. */
  outbound: OutboundSettings;
  /** The logguppföljning's thresholds (src/logfollowup); see LOG_FOLLOW_UP_DEFAULTS. */
  logFollowUp: LogFollowUpSettings;
}

/** What the log follow-up counts as office hours and as "far above the colleagues" (src/logfollowup/checks.ts). */
export interface LogFollowUpSettings {
  /** Stockholm wall-clock "HH:MM", Monday to Friday; start inclusive, end exclusive. */
  officeStart: string;
  officeEnd: string;
  /** A user's case views are flagged when above this factor × the colleagues' median ... */
  viewFactor: number;
  /** ... and at least this many in the period. */
  viewMinimum: number;
}

/** LOG_FOLLOWUP_OFFICE_HOURS=07:00-18:00, LOG_FOLLOWUP_VIEW_FACTOR=3, LOG_FOLLOWUP_VIEW_MINIMUM=20. */
export const LOG_FOLLOW_UP_DEFAULTS: LogFollowUpSettings = { officeStart: '07:00', officeEnd: '18:00', viewFactor: 3, viewMinimum: 20 };

/**
 * The outside systems that carry a signed decision out, each as given (undefined: not set):
 *
 *   CASESYSTEM_URL            the case system's HTTP API (the "http" adapter)
 *   CASESYSTEM_UI_URL         the legacy web UI the "rpa" adapter drives
 *   CASESYSTEM_RPA_USER, CASESYSTEM_RPA_PASSWORD   the robot's account in that UI
 *   CASESYSTEM_ADAPTER_<kod>  http | rpa per municipality (SCB code), default http
 *   PAYMENT_URL               the payment system
 *   NOTIFY_URL                "Mina ärenden"
 */
export interface OutboundSettings {
  caseSystemUrl: string | undefined;
  caseSystemUiUrl: string | undefined;
  rpaUser: string | undefined;
  rpaPassword: string | undefined;
  paymentUrl: string | undefined;
  notifyUrl: string | undefined;
  /** Per municipality code (CASESYSTEM_ADAPTER_<kod>); absent = http. */
  adapters: Record<string, 'http' | 'rpa'>;
}

/** Where Debian's package puts Chromium (the runtime image installs it there). */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * How jobs are held and how stranded work is found again. The same values run in production and
 * in the chaos run (scripts/chaos.ts); tests may shorten the sweep's times, never switch it off.
 */
export interface JobSettings {
  /** BullMQ's lock on an active job (ms); renewed every half of it while the worker lives. */
  lockDurationMs: number;
  /** How often a worker looks for active jobs whose lock ran out (ms). */
  stalledIntervalMs: number;
  /** How often a job may lose its worker before BullMQ fails it; the case sweep then takes over. */
  maxStalledCount: number;
  /** How often the case sweep runs (ms, one per cluster). */
  caseSweepIntervalMs: number;
  /** A case must have been in its state this long before the sweep looks at its job (ms). */
  caseSweepQuietMs: number;
  /** A case job active for longer than this is taken as hung and the case gets a new job (ms). */
  caseJobMaxActiveMs: number;
  /** New jobs the robot gives a case (or a decision being carried out) before a person gets it. */
  maxRecoveries: number;
  /** How often every process checks that the job schedulers still exist in Redis (ms). */
  schedulerCheckIntervalMs: number;
}

/**
 * Production's queue settings, and why they are not BullMQ's defaults (30 s lock, 30 s stalled
 * check, one stall):
 *  - lock 15 s, stalled check 5 s: a case job takes seconds, so a killed worker's cases should
 *    be running again within about 20 s rather than a minute; the lock is renewed every 7.5 s,
 *    which no event-loop pause of this robot comes near (the heaviest step is milliseconds);
 *  - one stall, BullMQ's default, kept: a job that lost its worker twice is failed by BullMQ,
 *    and the case sweep gives the case a new job and counts it; after `maxRecoveries` a person
 *    gets the case as TECHNICAL_ERROR. A higher stall count would only hide a case that kills
 *    its worker (memory, a poison payload) for longer;
 *  - the sweep every minute, for cases quiet for a minute: nothing waits more than two minutes
 *    after Redis has lost its data.
 */
export const QUEUE_DEFAULTS: JobSettings = {
  lockDurationMs: 15_000,
  stalledIntervalMs: 5_000,
  maxStalledCount: 1,
  caseSweepIntervalMs: 60_000,
  caseSweepQuietMs: 60_000,
  caseJobMaxActiveMs: 15 * 60_000,
  maxRecoveries: 3,
  schedulerCheckIntervalMs: 60_000,
};

export interface ConfigProblem {
  variable: string;
  problem: string;
}

export class ConfigError extends RobotError {
  readonly kind = 'configuration' as const;
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.variable}: ${p.problem}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/**
 * Known only to this source file, so it protects nothing: fine for development and tests,
 * refused in production (a pseudonym under a public key can be reversed by trying numbers).
 */
export const DEVELOPMENT_PSEUDONYM_SECRET = 'bistandsrobot-development-only-pseudonym-key';

/** The web sessions' signing key outside production (src/web/auth/session.ts); refused in production for the same reason. */
export const DEVELOPMENT_SESSION_SECRET = 'bistandsrobot-development-only-session-secret-key';

/**
 * Why a production secret is unsafe, in words that never repeat it; undefined when it may be
 * used. Refused: a development key from this source (anyone can read it) and a key of one
 * character repeated ("aaaa…", a placeholder nobody replaced), whatever its length.
 */
export function weakSecretProblem(value: string): string | undefined {
  if (value === DEVELOPMENT_PSEUDONYM_SECRET || value === DEVELOPMENT_SESSION_SECRET) {
    return 'is a development key from the source code and may not be used in production; generate a new one (e.g. openssl rand -base64 48)';
  }
  if (new Set(value).size === 1) return 'is one character repeated and may not be used in production; generate a random one (e.g. openssl rand -base64 48)';
  return undefined;
}

/** A fictitious-looking but well-formed number (Trelleborgs kommun), used by the sandbox. */
export const SANDBOX_ORGANISATION_NUMBER = '162120001165';
/** The municipality SANDBOX_ORGANISATION_NUMBER belongs to; the sandbox's ingivare is named from its rules file. */
export const SANDBOX_ORGANISATION_MUNICIPALITY = '1287';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

// Empty strings count as unset: `FOO=` in an env file or compose file means "not given".
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), schema.optional());

const integer = (min: number, max: number, what: string) =>
  z
    .string()
    .regex(/^\d+$/, { error: `must be a whole number (${what})` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `must be between ${min} and ${max} (${what})` });

const url = (protocols: readonly string[], what: string) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (${what})` },
  );

const HTTP = ['http:', 'https:'];

/** A PEM file by absolute path, readable now (a certificate that cannot be read should stop the start, not the first look-up). */
const pemFile = (what: string) =>
  z
    .string()
    .regex(/^\//, { error: `must be an absolute path (${what})` })
    .refine(
      (path) => {
        if (!path.startsWith('/')) return true; // said above
        try {
          return readFileSync(path, 'utf8').includes('-----BEGIN ');
        } catch {
          return false;
        }
      },
      { error: `cannot be read as a PEM file (${what})` },
    );


/** 12 digits (16 + the 10-digit number) or the written NNNNNN-NNNN form; check digit must fit. */
function normaliseOrganisationNumber(text: string): string | undefined {
  const m = /^(16)?(\d{6})-?(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const ten = `${m[2]}${m[3]}`;
  // A legal person's number has 2 or more as its third digit, so it is never a birth date.
  if (Number(ten[2]) < 2) return undefined;
  let total = 0;
  for (let i = 0; i < 9; i++) {
    let d = Number(ten[i]) * (i % 2 === 0 ? 2 : 1);
    if (d > 9) d -= 9;
    total += d;
  }
  return (10 - (total % 10)) % 10 === Number(ten[9]) ? `16${ten}` : undefined;
}

const schema = z.object({
  NODE_ENV: optional(z.enum(NODE_ENVS, { error: `must be one of ${NODE_ENVS.join(', ')}` })).transform(
    (v) => v ?? 'development',
  ),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })).transform(
    (v) => v ?? 'info',
  ),
  REDIS_URL: optional(url(['redis:', 'rediss:'], 'the Redis server for the queues')),
  DATABASE_URL: optional(url(['postgres:', 'postgresql:'], 'the PostgreSQL server')),
  DATABASE_SCHEMA: optional(
    z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a schema name: lower-case letters, digits and underscore, not starting with a digit' }),
  ),
  DATA_DIR: optional(z.string()).transform((v) => v ?? './data'),
  RULES_DIR: optional(z.string()),
  PORT: optional(integer(1, 65_535, 'the web server port')).transform((v) => v ?? 3000),
  HOST: optional(z.string().regex(/^[A-Za-z0-9.:_-]+$/, { error: 'must be a host name or IP address' })).transform(
    (v) => v ?? '127.0.0.1',
  ),
  SSBTEK_URL: optional(url(HTTP, 'the SSBTEK endpoint')),
  KIR_URL: optional(url(HTTP, 'the KIR service')),
  PLAN_URL: optional(url(HTTP, 'the employment-plan module')),
  ESERVICE_URL: optional(url(HTTP, 'the e-service feed')),
  BOOKING_URL: optional(url(HTTP, 'the booking system for first meetings')),
  ROBOT_IDENTITY: optional(
    z.string().regex(/^[A-Za-z][A-Za-z0-9._-]{1,63}$/, {
      error: 'must be an account name: a letter, then 1-63 letters, digits, dot, underscore or hyphen',
    }),
  ).transform((v) => v ?? 'bistandsrobot'),
  ORGANISATION_NUMBER: optional(
    z
      .string()
      .transform((v) => normaliseOrganisationNumber(v))
      .refine((v) => v !== undefined, {
        error: "must be the municipality's organisationsnummer (NNNNNN-NNNN or 16NNNNNNNNNN) with a valid check digit",
      }),
  ),
  ORGANISATION_NAME: optional(z.string().min(2).max(100)),
  FK_AKTORSID: optional(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, { error: 'must be the aktörsid Försäkringskassan assigned (letters, digits, . _ -)' })),
  PSEUDONYM_SECRET: optional(z.string().min(32, { error: 'must be at least 32 characters' })),
  // Read here only to be checked; the web login takes it from the environment (src/web/auth/session.ts).
  SESSION_SECRET: optional(z.string().min(32, { error: 'must be at least 32 characters' })),
  METRICS_TOKEN: optional(z.string().min(32, { error: 'must be at least 32 characters' }).regex(/^[\x21-\x7e]+$/, { error: 'must be printable ASCII without spaces' })),
  POLL_INTERVAL_MS: optional(integer(1_000, 24 * HOUR, 'milliseconds between polls of the e-service')).transform(
    (v) => v ?? MINUTE,
  ),
  INTAKE_CATCH_ALL_MUNICIPALITY: optional(z.string().regex(/^\d{4}$/, { error: 'must be the SCB code (four digits) of a served municipality' })),
  WORKER_CONCURRENCY: optional(integer(1, 256, 'cases processed at once')).transform((v) => v ?? 8),
  RETENTION_AUTO_EXECUTE_DAYS: optional(integer(1, 28, 'days a gallring report waits for review before the scheduled job carries it out')),
  PLAN_RECHECK_DELAY_MS: optional(
    integer(1_000, 7 * 24 * HOUR, 'milliseconds before asking the plan module again'),
  ).transform((v) => v ?? HOUR),
  PLAN_PENDING_DEADLINE_MS: optional(
    integer(1_000, 60 * 24 * HOUR, 'milliseconds from receipt before a pending plan goes to a caseworker'),
  ).transform((v) => v ?? 3 * 24 * HOUR),
  REGISTER_TIMEOUT_MS: optional(integer(100, 10 * MINUTE, 'milliseconds per register attempt')).transform(
    (v) => v ?? 10_000,
  ),
  REGISTER_ATTEMPTS: optional(integer(1, 20, 'attempts per register look-up, the first included')).transform(
    (v) => v ?? 4,
  ),
  CLIENT_TLS_CERT_FILE: optional(pemFile('the organisation certificate shown to systems that ask for one, such as SSBTEK')),
  CLIENT_TLS_KEY_FILE: optional(pemFile("the certificate's private key")),
  CLIENT_TLS_CA_FILE: optional(pemFile('CA certificates trusted besides Node\'s own')),
  JOB_LOCK_DURATION_MS: optional(integer(1_000, 10 * MINUTE, "milliseconds a worker's lock on an active job lasts")).transform((v) => v ?? QUEUE_DEFAULTS.lockDurationMs),
  JOB_STALLED_INTERVAL_MS: optional(integer(100, 10 * MINUTE, 'milliseconds between checks for jobs that lost their worker')).transform(
    (v) => v ?? QUEUE_DEFAULTS.stalledIntervalMs,
  ),
  JOB_MAX_STALLED_COUNT: optional(integer(0, 10, 'times a job may lose its worker before it fails')).transform((v) => v ?? QUEUE_DEFAULTS.maxStalledCount),
  CASE_SWEEP_INTERVAL_MS: optional(integer(100, 24 * HOUR, 'milliseconds between case sweeps')).transform((v) => v ?? QUEUE_DEFAULTS.caseSweepIntervalMs),
  CASE_SWEEP_QUIET_MS: optional(integer(100, 24 * HOUR, 'milliseconds a case stays in its state before the sweep looks at its job')).transform(
    (v) => v ?? QUEUE_DEFAULTS.caseSweepQuietMs,
  ),
  CASE_JOB_MAX_ACTIVE_MS: optional(integer(1_000, 24 * HOUR, 'milliseconds a case job may run before it is taken as hung')).transform(
    (v) => v ?? QUEUE_DEFAULTS.caseJobMaxActiveMs,
  ),
  CASE_MAX_RECOVERIES: optional(integer(0, 100, 'new jobs a case gets before a person gets the case')).transform((v) => v ?? QUEUE_DEFAULTS.maxRecoveries),
  CHROMIUM_PATH: optional(z.string().regex(/^\//, { error: "must be the absolute path of the Chromium executable (Debian's package: /usr/bin/chromium)" })).transform(
    (v) => v ?? DEFAULT_CHROMIUM_PATH,
  ),
  CASESYSTEM_URL: optional(url(HTTP, "the case system's HTTP API")),
  CASESYSTEM_UI_URL: optional(url(HTTP, 'the legacy case-system UI the RPA adapter drives')),
  CASESYSTEM_RPA_USER: optional(z.string().max(200, { error: 'must be at most 200 characters' })),
  CASESYSTEM_RPA_PASSWORD: optional(z.string().max(200, { error: 'must be at most 200 characters' })),
  PAYMENT_URL: optional(url(HTTP, 'the payment system')),
  NOTIFY_URL: optional(url(HTTP, 'Mina ärenden, the messages to the applicant')),
  SCHEDULER_CHECK_INTERVAL_MS: optional(integer(100, HOUR, 'milliseconds between checks that the job schedulers exist')).transform(
    (v) => v ?? QUEUE_DEFAULTS.schedulerCheckIntervalMs,
  ),
  LOG_FOLLOWUP_OFFICE_HOURS: optional(
    z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$/, { error: 'must be office hours as HH:MM-HH:MM, e.g. 07:00-18:00' })
      .refine((v) => v.slice(0, 5) < v.slice(6), { error: 'the end of office hours must come after the start' }),
  ),
  LOG_FOLLOWUP_VIEW_FACTOR: optional(integer(2, 100, "times the colleagues' median of case views that a user's views are flagged above")),
  LOG_FOLLOWUP_VIEW_MINIMUM: optional(integer(1, 100_000, 'case views in a period below which a user is never flagged as far above the colleagues')),
});

/** Must be given in production; their sandbox defaults would be wrong or unsafe there. */
const REQUIRED_IN_PRODUCTION = [
  'REDIS_URL',
  'DATABASE_URL',
  'SSBTEK_URL',
  'KIR_URL',
  'PLAN_URL',
  'ESERVICE_URL',
  'ORGANISATION_NUMBER',
  'FK_AKTORSID',
  'PSEUDONYM_SECRET',
  'METRICS_TOKEN',
] as const;

const ADAPTER_VARIABLE = /^CASESYSTEM_ADAPTER_(.*)$/;

/** The case-system adapter per municipality from CASESYSTEM_ADAPTER_<code>; anything but http|rpa is a problem. */
function caseSystemAdapters(env: NodeJS.ProcessEnv, problems: ConfigProblem[]): Record<string, 'http' | 'rpa'> {
  const out: Record<string, 'http' | 'rpa'> = {};
  for (const [name, value] of Object.entries(env)) {
    const m = ADAPTER_VARIABLE.exec(name);
    if (!m) continue;
    if (!/^\d{4}$/.test(m[1]!)) problems.push({ variable: name, problem: 'must end in a four-digit municipality code, e.g. CASESYSTEM_ADAPTER_1287' });
    else if (value === 'http' || value === 'rpa') out[m[1]!] = value;
    else problems.push({ variable: name, problem: 'must be http or rpa' });
  }
  return out;
}

/** Keys that must not be a development or placeholder value in production (weakSecretProblem). */
const SECRETS = ['PSEUDONYM_SECRET', 'SESSION_SECRET', 'METRICS_TOKEN'] as const;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Only the variables we know are read: nothing else in the environment reaches zod or an error.
  const input = Object.fromEntries(Object.keys(schema.shape).map((k) => [k, env[k]]));
  const parsed = schema.safeParse(input);
  const problems: ConfigProblem[] = [];
  const adapters = caseSystemAdapters(env, problems);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      // Our own messages name the rule; zod's fallbacks are generic. Neither carries the value.
      problems.push({ variable: String(issue.path[0] ?? '(environment)'), problem: issue.message });
    }
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const v = parsed.data;
  if (v.NODE_ENV === 'production') {
    for (const name of REQUIRED_IN_PRODUCTION) {
      if (v[name] === undefined) problems.push({ variable: name, problem: 'must be set when NODE_ENV is production' });
    }
    for (const name of SECRETS) {
      const value = v[name];
      const problem = value === undefined ? undefined : weakSecretProblem(value);
      if (problem) problems.push({ variable: name, problem });
    }
  }
  if ((v.CLIENT_TLS_CERT_FILE === undefined) !== (v.CLIENT_TLS_KEY_FILE === undefined)) {
    const missing = v.CLIENT_TLS_CERT_FILE === undefined ? 'CLIENT_TLS_CERT_FILE' : 'CLIENT_TLS_KEY_FILE';
    problems.push({ variable: missing, problem: 'must be set together with the other: a certificate needs its key, and a key its certificate' });
  }
  if (v.PLAN_PENDING_DEADLINE_MS <= v.PLAN_RECHECK_DELAY_MS) {
    problems.push({
      variable: 'PLAN_PENDING_DEADLINE_MS',
      problem: 'must be longer than PLAN_RECHECK_DELAY_MS, or the plan module is never asked again',
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv: v.NODE_ENV,
    logLevel: v.LOG_LEVEL,
    redisUrl: v.REDIS_URL,
    databaseUrl: v.DATABASE_URL,
    databaseSchema: v.DATABASE_SCHEMA,
    dataDir: v.DATA_DIR,
    rulesDir: v.RULES_DIR,
    port: v.PORT,
    clientTls:
      v.CLIENT_TLS_CERT_FILE || v.CLIENT_TLS_CA_FILE
        ? {
            ...(v.CLIENT_TLS_CERT_FILE ? { certFile: v.CLIENT_TLS_CERT_FILE, keyFile: v.CLIENT_TLS_KEY_FILE } : {}),
            ...(v.CLIENT_TLS_CA_FILE ? { caFile: v.CLIENT_TLS_CA_FILE } : {}),
          }
        : undefined,
    host: v.HOST,
    ssbtekUrl: v.SSBTEK_URL,
    kirUrl: v.KIR_URL,
    planUrl: v.PLAN_URL,
    eserviceUrl: v.ESERVICE_URL,
    bookingUrl: v.BOOKING_URL,
    robotIdentity: v.ROBOT_IDENTITY,
    organisationNumber: v.ORGANISATION_NUMBER ?? SANDBOX_ORGANISATION_NUMBER,
    organisationName: v.ORGANISATION_NAME,
    fkAktorsId: v.FK_AKTORSID ?? 'sandlada-aktor',
    pseudonymSecret: v.PSEUDONYM_SECRET ?? DEVELOPMENT_PSEUDONYM_SECRET,
    metricsToken: v.METRICS_TOKEN,
    pollIntervalMs: v.POLL_INTERVAL_MS,
    intakeCatchAllMunicipality: v.INTAKE_CATCH_ALL_MUNICIPALITY,
    workerConcurrency: v.WORKER_CONCURRENCY,
    planRecheckDelayMs: v.PLAN_RECHECK_DELAY_MS,
    planPendingDeadlineMs: v.PLAN_PENDING_DEADLINE_MS,
    registerTimeoutMs: v.REGISTER_TIMEOUT_MS,
    registerAttempts: v.REGISTER_ATTEMPTS,
    retentionAutoExecuteDays: v.RETENTION_AUTO_EXECUTE_DAYS,
    jobs: {
      lockDurationMs: v.JOB_LOCK_DURATION_MS,
      stalledIntervalMs: v.JOB_STALLED_INTERVAL_MS,
      maxStalledCount: v.JOB_MAX_STALLED_COUNT,
      caseSweepIntervalMs: v.CASE_SWEEP_INTERVAL_MS,
      caseSweepQuietMs: v.CASE_SWEEP_QUIET_MS,
      caseJobMaxActiveMs: v.CASE_JOB_MAX_ACTIVE_MS,
      maxRecoveries: v.CASE_MAX_RECOVERIES,
      schedulerCheckIntervalMs: v.SCHEDULER_CHECK_INTERVAL_MS,
    },
    chromiumPath: v.CHROMIUM_PATH,
    outbound: {
      caseSystemUrl: v.CASESYSTEM_URL,
      caseSystemUiUrl: v.CASESYSTEM_UI_URL,
      rpaUser: v.CASESYSTEM_RPA_USER,
      rpaPassword: v.CASESYSTEM_RPA_PASSWORD,
      paymentUrl: v.PAYMENT_URL,
      notifyUrl: v.NOTIFY_URL,
      adapters,
    },
    logFollowUp: {
      officeStart: v.LOG_FOLLOWUP_OFFICE_HOURS?.slice(0, 5) ?? LOG_FOLLOW_UP_DEFAULTS.officeStart,
      officeEnd: v.LOG_FOLLOWUP_OFFICE_HOURS?.slice(6) ?? LOG_FOLLOW_UP_DEFAULTS.officeEnd,
      viewFactor: v.LOG_FOLLOWUP_VIEW_FACTOR ?? LOG_FOLLOW_UP_DEFAULTS.viewFactor,
      viewMinimum: v.LOG_FOLLOWUP_VIEW_MINIMUM ?? LOG_FOLLOW_UP_DEFAULTS.viewMinimum,
    },
  };
}

/** The configuration as it may be logged at start: where things are, never secrets or credentials. */
export function describeConfig(config: Config): Record<string, string | number> {
  const where = (u: string | undefined, fallback: string) => {
    if (u === undefined) return fallback;
    const parsed = new URL(u);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  };
  return {
    nodeEnv: config.nodeEnv,
    logLevel: config.logLevel,
    redis: where(config.redisUrl, 'local redis-server'),
    database: where(config.databaseUrl, `PGlite in ${config.dataDir}`),
    rules: config.rulesDir ?? 'bundled',
    listen: `${config.host}:${config.port}`,
    ssbtek: where(config.ssbtekUrl, 'sandbox'),
    kir: where(config.kirUrl, 'sandbox'),
    plan: where(config.planUrl, 'sandbox'),
    eservice: where(config.eserviceUrl, 'sandbox'),
    booking: where(config.bookingUrl, 'sandbox'),
    robotIdentity: config.robotIdentity,
    workerConcurrency: config.workerConcurrency,
    clientTls: config.clientTls?.certFile ? 'organisation certificate' : config.clientTls?.caFile ? 'extra CA only' : 'none',
  };
}

// ---------------------------------------------------------------------------------------------
// Web login: the session cookie and OpenID Connect. Read only by the commands that serve pages
// (`web`, `start`): a worker has no pages and must start without these variables.
// ---------------------------------------------------------------------------------------------

/**
 * OpenID Connect against the municipality's identity provider. Who the user is comes from the
 * ID token's claims: the id (`idClaim`), the role (`roleClaim`: a list or a space-separated
 * string) and the organisation (`organisationClaim`).
 */
export interface OidcSettings {
  /** The issuer exactly as the provider's discovery document states it (https in production). */
  issuer: string;
  clientId: string;
  /** Never logged or echoed. */
  clientSecret: string;
  /** Where the provider sends the browser back; its path is always /auth/callback. */
  redirectUri: string;
  /** Where the provider sends the browser after logging out there (RP-initiated logout). */
  postLogoutRedirectUri: string;
  idClaim: string;
  nameClaim: string;
  roleClaim: string;
  organisationClaim: string;
  /** Claim value -> role. One account has one role here: an auditor's account can never sign. */
  roleValues: Readonly<Record<string, Role>>;
  /** Organisation claim value -> the municipalities (SCB codes) whose cases it handles. */
  organisations: Readonly<Record<string, readonly string[]>>;
}

export interface WebAuthConfig {
  /** At least 32 characters; signs the session cookie and the login cookies. */
  sessionSecret: string;
  secureCookies: boolean;
  /** The seeded users' login form; never in production. */
  devLogin: boolean;
  oidc?: OidcSettings | undefined;
  sessionMaxAgeMs: number;
  /** How long a started login (provider round trip, login form) may take. */
  loginFlowMaxAgeMs: number;
  loginRateLimit: { max: number; timeWindowMs: number };
}


export const DEFAULT_ROLE_VALUES: Readonly<Record<string, Role>> = {
  'bistand-handlaggare': 'caseworker',
  'bistand-arbetsledare': 'teamlead',
  'bistand-admin': 'admin',
  'bistand-granskare': 'auditor',
};

export const DEFAULT_ORGANISATIONS: Readonly<Record<string, readonly string[]>> = {
  trelleborg: ['1287'],
  svedala: ['1263'],
};

const WEB_ROLES: readonly Role[] = ['caseworker', 'teamlead', 'admin', 'auditor'];

/** `key=value;key=value`, each value checked by `value`; undefined for a bad entry. */
function pairs<T>(text: string, value: (v: string) => T | undefined): Record<string, T> | undefined {
  const out: [string, T][] = [];
  for (const pair of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const [key, raw, ...rest] = pair.split('=').map((s) => s.trim());
    const parsed = raw === undefined || rest.length > 0 ? undefined : value(raw);
    if (!key || parsed === undefined) return undefined;
    out.push([key, parsed]);
  }
  // fromEntries makes every key an own property ("__proto__" too), never the object's prototype.
  return out.length > 0 ? Object.fromEntries(out) : undefined;
}

const claimName = optional(z.string().regex(/^[A-Za-z0-9_.:/-]{1,100}$/, { error: 'must be a claim name: letters, digits and _ . : / -' }));
const HTTPS_OR_HTTP = ['https:', 'http:'];

const webAuthSchema = z.object({
  NODE_ENV: schema.shape.NODE_ENV,
  SESSION_SECRET: optional(z.string().min(32, { error: 'must be at least 32 characters' })),
  OIDC_ISSUER: optional(url(HTTPS_OR_HTTP, 'the identity provider, as its discovery document names itself')),
  OIDC_CLIENT_ID: optional(z.string().regex(/^[\x21-\x7e]{1,200}$/, { error: 'must be the client id the identity provider issued (no spaces)' })),
  OIDC_CLIENT_SECRET: optional(z.string().regex(/^[\x21-\x7e]{1,1000}$/, { error: 'must be the client secret the identity provider issued (no spaces)' })),
  OIDC_REDIRECT_URI: optional(
    url(HTTPS_OR_HTTP, 'where the identity provider sends the browser back').refine((v) => new URL(v).pathname === '/auth/callback', {
      error: 'must end in /auth/callback, the path the robot answers the identity provider on',
    }),
  ),
  OIDC_POST_LOGOUT_REDIRECT_URI: optional(url(HTTPS_OR_HTTP, 'where the identity provider sends the browser after logout')),
  OIDC_ID_CLAIM: claimName,
  OIDC_NAME_CLAIM: claimName,
  OIDC_ROLE_CLAIM: claimName,
  OIDC_ORGANISATION_CLAIM: claimName,
  OIDC_ROLE_VALUES: optional(
    z
      .string()
      .transform((v) => pairs(v, (r) => (WEB_ROLES.includes(r as Role) ? (r as Role) : undefined)))
      .refine((v) => v !== undefined, { error: `must be claim-value=role pairs separated by semicolons; roles: ${WEB_ROLES.join(', ')}` }),
  ),
  OIDC_ORGANISATIONS: optional(
    z
      .string()
      // Keys in lower case: the organisation claim is compared in lower case (userFromClaims).
      .transform((v) => pairs(v.toLowerCase(), (codes) => (/^\d{4}(,\d{4})*$/.test(codes) ? codes.split(',') : undefined)))
      .refine((v) => v !== undefined, { error: 'must be organisation=SCB-codes pairs separated by semicolons, e.g. trelleborg=1287;svedala=1263' }),
  ),
});

/**
 * The web login's settings. In production SESSION_SECRET and OpenID Connect are required, every
 * URL is https and the development login is off. Problems name the variable, never its value.
 *   OIDC_ROLE_VALUES="grp-bistand-hl=caseworker;grp-bistand-adm=admin;grp-bistand-rev=auditor"
 *   OIDC_ORGANISATIONS="trelleborg=1287;svedala=1263"  (several municipalities: 1287,1263)
 * @throws ConfigError
 */
export function loadWebAuthConfig(env: NodeJS.ProcessEnv = process.env): WebAuthConfig {
  const input = Object.fromEntries(Object.keys(webAuthSchema.shape).map((k) => [k, env[k]]));
  const parsed = webAuthSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? '(environment)'), problem: issue.message })));
  }
  const v = parsed.data;
  const production = v.NODE_ENV === 'production';
  const problems: ConfigProblem[] = [];
  if (production && v.SESSION_SECRET === undefined) problems.push({ variable: 'SESSION_SECRET', problem: 'must be set when NODE_ENV is production' });
  const weakSession = production && v.SESSION_SECRET !== undefined ? weakSecretProblem(v.SESSION_SECRET) : undefined;
  if (weakSession) problems.push({ variable: 'SESSION_SECRET', problem: weakSession });
  const oidcNames = Object.keys(webAuthSchema.shape).filter((k) => k.startsWith('OIDC_')) as (keyof typeof v & `OIDC_${string}`)[];
  if (v.OIDC_ISSUER === undefined) {
    if (production) problems.push({ variable: 'OIDC_ISSUER', problem: 'must be set when NODE_ENV is production (the development login is off there)' });
    const stray = oidcNames.filter((k) => v[k] !== undefined);
    if (stray.length > 0) problems.push({ variable: 'OIDC_ISSUER', problem: `must be set when ${stray.join(', ')} ${stray.length === 1 ? 'is' : 'are'}` });
  } else {
    for (const k of ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_REDIRECT_URI'] as const) {
      if (v[k] === undefined) problems.push({ variable: k, problem: 'must be set when OIDC_ISSUER is' });
    }
    if (production) {
      for (const k of ['OIDC_ISSUER', 'OIDC_REDIRECT_URI', 'OIDC_POST_LOGOUT_REDIRECT_URI'] as const) {
        if (v[k] !== undefined && new URL(v[k]).protocol !== 'https:') problems.push({ variable: k, problem: 'must be an https URL when NODE_ENV is production' });
      }
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const oidc: OidcSettings | undefined =
    v.OIDC_ISSUER === undefined
      ? undefined
      : {
          issuer: v.OIDC_ISSUER,
          clientId: v.OIDC_CLIENT_ID!,
          clientSecret: v.OIDC_CLIENT_SECRET!,
          redirectUri: v.OIDC_REDIRECT_URI!,
          postLogoutRedirectUri: v.OIDC_POST_LOGOUT_REDIRECT_URI ?? new URL('/utloggad', v.OIDC_REDIRECT_URI).href,
          idClaim: v.OIDC_ID_CLAIM ?? 'sub',
          nameClaim: v.OIDC_NAME_CLAIM ?? 'name',
          roleClaim: v.OIDC_ROLE_CLAIM ?? 'roles',
          organisationClaim: v.OIDC_ORGANISATION_CLAIM ?? 'organisation',
          roleValues: v.OIDC_ROLE_VALUES ?? DEFAULT_ROLE_VALUES,
          organisations: v.OIDC_ORGANISATIONS ?? DEFAULT_ORGANISATIONS,
        };
  return {
    sessionSecret: v.SESSION_SECRET ?? DEVELOPMENT_SESSION_SECRET,
    secureCookies: v.NODE_ENV === 'production',
    devLogin: !production,
    oidc,
    sessionMaxAgeMs: 8 * HOUR,
    loginFlowMaxAgeMs: 10 * MINUTE,
    loginRateLimit: { max: 10, timeWindowMs: MINUTE },
  };
}
