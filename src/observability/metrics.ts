import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CASE_STATES } from '../domain/caseStates.js';
import { ERROR_KINDS } from '../domain/errors.js';
import { withTimeout } from './timeout.js';

/**
 * The robot's Prometheus metrics, in a registry of its own (not prom-client's global one, so
 * tests and several robots in one process do not share counters).
 *
 * Every label value comes from a fixed set; anything else is counted as "other". A label is
 * stored forever in the time-series database, so a personal number (or a case id, which would
 * also explode the series count) must never be able to become one, whatever a caller passes.
 */

export const OTHER = 'other';

export const REGISTERS = ['ssbtek', 'kir', 'plan', 'eservice', 'casesystem'] as const;
export const LOOKUP_RESULTS = ['ok', 'failed'] as const;
/** Proposal outcomes and the states a processing run can end a case in. */
export const CASE_OUTCOMES = [
  'PROPOSE_GRANT',
  'PROPOSE_REJECT',
  'MANUAL',
  'INVALID_APPLICATION',
  'WAITING_FOR_PLAN',
  'TECHNICAL_ERROR',
  'ALREADY_DONE',
  'UNKNOWN_CASE',
  'DECIDED_AUTOMATICALLY',
] as const;
/** The robot's queues, as src/robot/queues.ts names them; a robot with others passes them to createMetrics. */
// The robot's queues (robot/queues.ts QUEUE; a test keeps the two equal): written out, since
// robot imports observability and not the other way round.
export const DEFAULT_QUEUES: readonly string[] = ['intake', 'cases', 'outbound', 'maintenance', 'booking'];
/** BullMQ's job states (Queue.getJobCounts). */
export const QUEUE_STATES = [
  'waiting',
  'active',
  'completed',
  'failed',
  'delayed',
  'paused',
  'prioritized',
  'waiting-children',
] as const;
/**
 * What a failed job's error was, by the catalogue's kind (domain/errors.ts): business, system,
 * configuration; anything not from the catalogue is "other". Every error class of the robot
 * declares its kind, so a new class needs no entry here.
 */
export const FAILURE_KINDS = ERROR_KINDS;

/** What a label value from configuration (not from data) may look like: a short plain word. */
const SAFE_LABEL = /^[A-Za-z][A-Za-z0-9_:-]{0,47}$/;

/** A guard for a fixed set: its members, or "other". */
export function labelSet(values: readonly string[]): (value: unknown) => string {
  for (const v of values) {
    // The sets are code, but a queue list could come from a config file one day.
    if (!SAFE_LABEL.test(v) || /\d{4}/.test(v)) throw new Error('metrics: a fixed label set holds a value that is not a short plain word');
  }
  const allowed = new Set(values);
  return (value) => (typeof value === 'string' && allowed.has(value) ? value : OTHER);
}

export interface QueueCount {
  queue: string;
  state: string;
  count: number;
}

/** Where the gauges get their numbers at scrape time; injected so metrics know no database or Redis. */
export interface MetricsSources {
  countCasesByState?: () => Promise<Record<string, number>>;
  /** Cases per state and municipality (the dashboard's split of robot_cases). */
  countCasesByMunicipality?: () => Promise<Array<{ state: string; municipality: string; count: number }>>;
  queueCounts?: () => Promise<QueueCount[]>;
  /** Per open state and municipality: seconds since the oldest case there last changed state. */
  oldestCases?: () => Promise<Array<{ state: string; municipality: string; ageSeconds: number }>>;
  /** Per municipality: cases received more than 24 hours ago without a decision. */
  pastPromise?: () => Promise<Array<{ municipality: string; count: number }>>;
  /** Whether an admin has paused intake. */
  intakePaused?: () => Promise<boolean>;
  /** The municipalities an admin has held (their applications are stored but get no job). */
  heldMunicipalities?: () => Promise<string[]>;
  /** Intake polls that failed in a row since the last one that went through (intake_status). */
  intakeFailures?: () => Promise<number>;
}

/** The municipalities (SCB codes) the robot serves; a code is a fixed public number, never personal. */
export const DEFAULT_MUNICIPALITIES = ['1287', '1263'] as const;

/** A guard for municipality codes: exactly four digits and one of `codes`, else "other". */
export function municipalitySet(codes: readonly string[]): (value: unknown) => string {
  for (const c of codes) if (!/^\d{4}$/.test(c)) throw new Error('metrics: a municipality code must be four digits');
  const allowed = new Set(codes);
  return (value) => (typeof value === 'string' && allowed.has(value) ? value : OTHER);
}

export interface MetricsOptions {
  sources?: MetricsSources;
  queues?: readonly string[];
  /** Municipality codes that may be labels (default DEFAULT_MUNICIPALITIES). */
  municipalities?: readonly string[];
  /** Node's process metrics (CPU, memory, event loop); default true. */
  defaultMetrics?: boolean;
  /** How long a scrape waits for a source; default 5000 ms. */
  collectTimeoutMs?: number;
  /** Told when a source fails; the gauge is then left empty rather than stale. */
  onCollectError?: (source: 'cases' | 'queues' | 'ages', error: unknown) => void;
}

/** The same shape as robot/deps.ts PipelineHooks, so the pipeline can report straight here. */
export interface MetricsHooks {
  lookup(register: string, result: 'ok' | 'failed'): void;
  caseProcessed(outcome: string, seconds: number): void;
  jobFailed(queue: string, kind: string): void;
}

export interface RobotMetrics {
  readonly registry: Registry;
  /** The Content-Type of render()'s text. */
  readonly contentType: string;
  registerLookup(register: string, result: string): void;
  caseProcessed(outcome: string, seconds?: number): void;
  /** `kind`: business, system or configuration (domain/errors.ts errorKind); anything else counts as "other". */
  jobFailed(queue: string, kind: string): void;
  readonly hooks: MetricsHooks;
  /** The Prometheus text exposition of every metric. */
  render(): Promise<string>;
}

export function createMetrics(options: MetricsOptions = {}): RobotMetrics {
  const registry = new Registry();
  const register = labelSet(REGISTERS);
  const result = labelSet(LOOKUP_RESULTS);
  const outcome = labelSet(CASE_OUTCOMES);
  const queue = labelSet(options.queues ?? DEFAULT_QUEUES);
  const failureKind = labelSet(FAILURE_KINDS);
  const queueState = labelSet(QUEUE_STATES);
  const caseState = labelSet(CASE_STATES);
  const municipality = municipalitySet(options.municipalities ?? DEFAULT_MUNICIPALITIES);
  const timeoutMs = options.collectTimeoutMs ?? 5000;
  const { sources = {}, onCollectError } = options;

  const lookups = new Counter({
    name: 'robot_register_lookups_total',
    help: 'Register look-ups per register and result (one per register and case, not per person).',
    labelNames: ['register', 'result'] as const,
    registers: [registry],
  });
  const processed = new Counter({
    name: 'robot_cases_processed_total',
    help: 'Cases processed, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const failed = new Counter({
    name: 'robot_jobs_failed_total',
    help: 'Failed job attempts, by queue and the error\'s kind (business, system, configuration, other).',
    labelNames: ['queue', 'kind'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'robot_case_processing_seconds',
    help: 'Time to process one case, from gathering to outcome.',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  });
  // The gauges' collections of the current scrape, so the failure counter can wait for them.
  const inFlight: { cases?: Promise<void>; byMunicipality?: Promise<void>; queues?: Promise<void>; ages?: Promise<void> } = {};
  const collectErrors = new Counter({
    name: 'robot_metrics_collect_failures_total',
    help: 'Scrapes where a gauge source failed or timed out.',
    labelNames: ['source'] as const,
    // Registered after the gauges (below): prom-client starts collections in registration
    // order, so a failure in this scrape is counted in this scrape, not the next.
    registers: [],
    async collect() {
      await Promise.allSettled([inFlight.cases, inFlight.byMunicipality, inFlight.queues, inFlight.ages]);
    },
  });

  new Gauge({
    name: 'robot_cases',
    help: 'Cases in the store, by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      inFlight.cases = fillCases(this);
      return inFlight.cases;
    },
  });

  function fillCases(gauge: Gauge<'state'>): Promise<void> {
    return refill(gauge, 'cases', sources.countCasesByState, 'countCasesByState', (counts) => {
      // Every known state is shown, at zero when empty, so a state that empties is seen to.
      for (const state of CASE_STATES) gauge.set({ state }, 0);
      for (const [state, count] of Object.entries(counts)) {
        if (Number.isFinite(count)) gauge.inc({ state: caseState(state) }, count);
      }
    });
  }

  /**
   * Refills `gauge` from `read` at scrape time. A source that fails or outlasts the timeout
   * leaves the gauge empty rather than stale, and is counted and told.
   */
  async function refill<T>(gauge: { reset(): void }, source: 'cases' | 'queues', read: (() => Promise<T>) | undefined, name: string, fill: (value: T) => void): Promise<void> {
    gauge.reset();
    if (!read) return;
    try {
      fill(await withTimeout(read, timeoutMs, name));
    } catch (error) {
      gauge.reset();
      collectErrors.inc({ source });
      onCollectError?.(source, error);
    }
  }

  new Gauge({
    name: 'robot_cases_by_municipality',
    help: 'Cases in the store, by state and municipality.',
    labelNames: ['state', 'municipality'] as const,
    registers: [registry],
    collect() {
      inFlight.byMunicipality = fillByMunicipality(this);
      return inFlight.byMunicipality;
    },
  });

  function fillByMunicipality(gauge: Gauge<'state' | 'municipality'>): Promise<void> {
    return refill(gauge, 'cases', sources.countCasesByMunicipality, 'countCasesByMunicipality', (counts) => {
      for (const c of counts) {
        if (Number.isFinite(c.count)) gauge.inc({ state: caseState(c.state), municipality: municipality(c.municipality) }, c.count);
      }
    });
  }

  new Gauge({
    name: 'robot_queue_jobs',
    help: 'Jobs in the queues, by queue and state.',
    labelNames: ['queue', 'state'] as const,
    registers: [registry],
    collect() {
      inFlight.queues = fillQueues(this);
      return inFlight.queues;
    },
  });

  function fillQueues(gauge: Gauge<'queue' | 'state'>): Promise<void> {
    return refill(gauge, 'queues', sources.queueCounts, 'queueCounts', (counts) => {
      for (const c of counts) {
        if (Number.isFinite(c.count)) gauge.inc({ queue: queue(c.queue), state: queueState(c.state) }, c.count);
      }
    });
  }

  // The 24-hour promise and stranded work, for the alert rules in ops/prometheus/alerts.yaml.
  const oldest = new Gauge({
    name: 'robot_oldest_case_age_seconds',
    help: 'Seconds since the oldest case not in a final state last changed state, by state and municipality.',
    labelNames: ['state', 'municipality'] as const,
    registers: [registry],
    // Fills both gauges from one reading; the second waits for it (collections start in registration order).
    collect() {
      inFlight.ages = fillAges();
      return inFlight.ages;
    },
  });
  const pastPromise = new Gauge({
    name: 'robot_cases_past_promise',
    help: 'Cases received more than 24 hours ago without a decision (receipts of the last 31 days), by municipality.',
    labelNames: ['municipality'] as const,
    registers: [registry],
    async collect() {
      await inFlight.ages;
    },
  });
  new Gauge({
    name: 'robot_intake_paused',
    help: '1 while an admin has paused intake, else 0.',
    registers: [registry],
    async collect() {
      if (!sources.intakePaused) return;
      try {
        this.set((await withTimeout(sources.intakePaused, timeoutMs, 'intakePaused')) ? 1 : 0);
      } catch {
        this.reset();
      }
    },
  });
  new Gauge({
    name: 'robot_intake_held',
    help: '1 for a municipality whose intake an admin has held (its applications are stored, no register is asked); absent when none is.',
    labelNames: ['municipality'] as const,
    registers: [registry],
    async collect() {
      if (!sources.heldMunicipalities) return;
      this.reset();
      try {
        for (const municipality of await withTimeout(sources.heldMunicipalities, timeoutMs, 'heldMunicipalities')) this.set({ municipality }, 1);
      } catch {
        // Unknown: no series rather than a wrong 0.
      }
    },
  });
  new Gauge({
    name: 'robot_intake_consecutive_failures',
    help: 'Intake polls of the e-service that failed in a row since the last one that went through; 0 when intake runs.',
    registers: [registry],
    async collect() {
      if (!sources.intakeFailures) return;
      try {
        const n = await withTimeout(sources.intakeFailures, timeoutMs, 'intakeFailures');
        if (Number.isFinite(n)) this.set(n);
        else this.reset();
      } catch {
        this.reset();
      }
    },
  });
  async function fillAges(): Promise<void> {
    oldest.reset();
    pastPromise.reset();
    if (!sources.oldestCases && !sources.pastPromise) return;
    try {
      const [ages, past] = await Promise.all([
        sources.oldestCases ? withTimeout(sources.oldestCases, timeoutMs, 'oldestCases') : [],
        sources.pastPromise ? withTimeout(sources.pastPromise, timeoutMs, 'pastPromise') : [],
      ]);
      for (const a of ages) if (Number.isFinite(a.ageSeconds)) oldest.set({ state: caseState(a.state), municipality: municipality(a.municipality) }, Math.round(a.ageSeconds));
      for (const p of past) if (Number.isFinite(p.count)) pastPromise.inc({ municipality: municipality(p.municipality) }, p.count);
    } catch (error) {
      oldest.reset();
      pastPromise.reset();
      collectErrors.inc({ source: 'ages' });
      onCollectError?.('ages', error);
    }
  }

  registry.registerMetric(collectErrors);

  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  const registerLookup = (reg: string, res: string) => lookups.inc({ register: register(reg), result: result(res) });
  const caseProcessed = (out: string, seconds?: number) => {
    processed.inc({ outcome: outcome(out) });
    if (seconds !== undefined && Number.isFinite(seconds) && seconds >= 0) duration.observe(seconds);
  };
  const jobFailed = (q: string, kind: string) => failed.inc({ queue: queue(q), kind: failureKind(kind) });

  return {
    registry,
    contentType: registry.contentType,
    registerLookup,
    caseProcessed,
    jobFailed,
    hooks: { lookup: registerLookup, caseProcessed, jobFailed },
    render: () => registry.metrics(),
  };
}
