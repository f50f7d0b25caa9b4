/**
 * npm run bench — the whole pipeline, intake to proposal, against the loopback sandbox.
 *
 * Generates BENCH_APPLICATIONS (default 20 000) synthetic applications in the sandbox (outside
 * the timed part), then polls the e-service until the feed is empty while the case workers
 * run, and waits until every case has ended. Real Redis (REDIS_URL or TEST_REDIS_URL, default
 * 127.0.0.1:6379) under a unique key prefix removed at the end; a fresh database: PGlite in
 * memory, or with --postgres / BENCH_DATABASE_URL the server, in a random schema dropped at the
 * end. In the same run a bare BullMQ no-op queue (same Redis, same concurrency, as many jobs,
 * addBulk + an empty processor) gives the ceiling the pipeline is compared against.
 *
 * Options (environment):
 *   BENCH_APPLICATIONS   applications (default 20000)
 *   BENCH_CONCURRENCY    case worker concurrency (default 16)
 *   BENCH_SEED           generator seed (default 20260301)
 *   BENCH_SANDBOX        "child" (default): the simulators in a child process, so they do not
 *                        share the robot's event loop; "inline": in this process
 *   BENCH_DATABASE_URL   PostgreSQL server (implies --postgres); default with --postgres:
 *                        TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test
 *   BENCH_LOG_LEVEL      silent (default) or warn/error; logs go to standard error
 *   BENCH_CPU_PROF       a directory: the robot process writes a V8 CPU profile there
 *
 * Prints JSON on standard output: settings, throughput, latency from the moment intake stored
 * the case (cases.created_at) to the proposal's created_at, peak RSS, outcome distribution,
 * the no-op baseline and the ratio. Counts only: no personal data is printed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { robotDeps, robotMetrics } from '../src/cli/wiring.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/observability/logger.js';
import { CASE_JOB_OPTIONS } from '../src/robot/queues.js';
import { startRobot, type Robot } from '../src/robot/worker.js';
import { loadRules } from '../src/rules/load.js';
import { startSandbox, type Sandbox } from '../src/sandbox/index.js';
import { IN_MEMORY, openDatabase, type Db } from '../src/store/index.js';

type SandboxUrls = Sandbox['urls'];

interface ChildMessage {
  type: 'ready' | 'generated' | 'rss' | 'error';
  urls?: SandboxUrls;
  count?: number;
  rss?: number;
  cpuMs?: number;
  message?: string;
}

const SELF = fileURLToPath(import.meta.url);

// ---------------------------------------------------------------------------------------------
// Child mode: the simulators alone, driven over IPC (counts and URLs only cross the boundary).
// ---------------------------------------------------------------------------------------------
async function runSandboxChild(): Promise<void> {
  const emptyApplications = mkdtempSync(join(tmpdir(), 'bench-applications-'));
  const sandbox = await startSandbox({ fixtures: { applicationsDir: emptyApplications } });
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const send = (m: ChildMessage) => process.send?.(m);
  process.on('message', (raw) => {
    const m = raw as { type: string; count?: number; seed?: number };
    void (async () => {
      try {
        if (m.type === 'generate') {
          const households = sandbox.generate(m.count!, m.seed!);
          send({ type: 'generated', count: households.length });
        } else if (m.type === 'rss') {
          const cpu = process.cpuUsage();
          send({ type: 'rss', rss: Math.max(peakRss, process.memoryUsage().rss), cpuMs: (cpu.user + cpu.system) / 1000 });
        } else if (m.type === 'stop') {
          clearInterval(sampler);
          await sandbox.stop();
          rmSync(emptyApplications, { recursive: true, force: true });
          process.disconnect?.();
        }
      } catch (error) {
        send({ type: 'error', message: (error as Error).name });
      }
    })();
  });
  send({ type: 'ready', urls: sandbox.urls });
}

/** The sandbox, inline or in a child process, behind one face. */
interface BenchSandbox {
  urls: SandboxUrls;
  generate(count: number, seed: number): Promise<number>;
  peakRss(): Promise<number | null>;
  /** CPU time the simulators used so far (child process only). */
  cpuMs(): Promise<number | null>;
  stop(): Promise<void>;
}

async function openBenchSandbox(mode: 'child' | 'inline'): Promise<BenchSandbox> {
  if (mode === 'inline') {
    const emptyApplications = mkdtempSync(join(tmpdir(), 'bench-applications-'));
    const sandbox = await startSandbox({ fixtures: { applicationsDir: emptyApplications } });
    return {
      urls: sandbox.urls,
      generate: async (count, seed) => sandbox.generate(count, seed).length,
      peakRss: async () => null,
      cpuMs: async () => null,
      stop: async () => {
        await sandbox.stop();
        rmSync(emptyApplications, { recursive: true, force: true });
      },
    };
  }
  const child: ChildProcess = fork(SELF, ['--sandbox-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const waiting = new Map<string, (m: ChildMessage) => void>();
  child.on('message', (raw) => {
    const m = raw as ChildMessage;
    const resolve = waiting.get(m.type === 'error' ? [...waiting.keys()][0] ?? '' : m.type);
    if (resolve) {
      waiting.delete(m.type === 'error' ? [...waiting.keys()][0]! : m.type);
      resolve(m);
    }
  });
  const expect = (type: ChildMessage['type']) =>
    new Promise<ChildMessage>((resolve, reject) => {
      waiting.set(type, (m) => (m.type === 'error' ? reject(new Error(`sandbox child: ${m.message}`)) : resolve(m)));
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await Promise.race([expect('ready'), exited.then(() => Promise.reject(new Error('sandbox child exited at start')))]);
  return {
    urls: ready.urls!,
    generate: async (count, seed) => {
      const reply = expect('generated');
      child.send({ type: 'generate', count, seed });
      return (await reply).count!;
    },
    peakRss: async () => {
      const reply = expect('rss');
      child.send({ type: 'rss' });
      return (await reply).rss!;
    },
    cpuMs: async () => {
      const reply = expect('rss');
      child.send({ type: 'rss' });
      return (await reply).cpuMs!;
    },
    stop: async () => {
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The bench itself.
// ---------------------------------------------------------------------------------------------
function positiveInt(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} ska vara ett heltal >= 1`);
  return n;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const round1 = (n: number) => Math.round(n * 10) / 10;

async function deleteKeys(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** A bare BullMQ queue: addBulk `count` jobs, an empty processor at `concurrency`; jobs per second. */
async function noopBaseline(connection: { host: string; port: number }, prefix: string, count: number, concurrency: number) {
  const name = `noop-${randomBytes(4).toString('hex')}`;
  const queue = new Queue(name, { connection, prefix, defaultJobOptions: CASE_JOB_OPTIONS });
  await queue.waitUntilReady();
  let completed = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const worker = new Worker(name, async () => undefined, { connection, prefix, concurrency, autorun: false });
  worker.on('completed', () => {
    if (++completed >= count) resolveDone();
  });
  await worker.waitUntilReady();
  const started = performance.now();
  void worker.run();
  const CHUNK = 1_000;
  for (let i = 0; i < count; i += CHUNK) {
    const n = Math.min(CHUNK, count - i);
    await queue.addBulk(Array.from({ length: n }, (_, k) => ({ name: 'noop', data: { caseId: `N-${i + k}` }, opts: { jobId: `noop-${i + k}` } })));
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  return { jobs: count, seconds: Math.round(seconds * 100) / 100, jobsPerSecond: Math.round(count / seconds) };
}

/** BENCH_QUERY_STATS=1: time every statement (by its first words) to see where the database time goes. */
function timeQueries(db: Db): () => Record<string, { calls: number; totalMs: number; meanMs: number }> {
  const stats = new Map<string, { calls: number; totalMs: number }>();
  const original = db.query.bind(db);
  (db as { query: Db['query'] }).query = async (sql, params) => {
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 60);
    const t0 = performance.now();
    try {
      return await original(sql, params);
    } finally {
      const s = stats.get(key) ?? { calls: 0, totalMs: 0 };
      s.calls++;
      s.totalMs += performance.now() - t0;
      stats.set(key, s);
    }
  };
  return () =>
    Object.fromEntries(
      [...stats].sort((a, b) => b[1].totalMs - a[1].totalMs).map(([k, s]) => [k, { calls: s.calls, totalMs: Math.round(s.totalMs), meanMs: Number((s.totalMs / s.calls).toFixed(2)) }]),
    );
}

async function main(): Promise<void> {
  const applications = positiveInt('BENCH_APPLICATIONS', 20_000);
  const concurrency = positiveInt('BENCH_CONCURRENCY', 16);
  const seed = positiveInt('BENCH_SEED', 20_260_301);
  const sandboxMode = process.env.BENCH_SANDBOX === 'inline' ? 'inline' : 'child';
  const usePostgres = process.argv.includes('--postgres') || Boolean(process.env.BENCH_DATABASE_URL);
  const databaseUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const redisUrl = process.env.REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379';
  const logLevel = process.env.BENCH_LOG_LEVEL || 'silent';
  const runId = randomBytes(4).toString('hex');
  const redisPrefix = `bench-${runId}`;
  const schema = usePostgres ? `bench_${runId}` : undefined;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: logLevel,
    WORKER_CONCURRENCY: String(concurrency),
    // The sandbox's plan module answers "active" for generated people; these only bound a stray wait.
    PLAN_RECHECK_DELAY_MS: '1000',
    PLAN_PENDING_DEADLINE_MS: '60000',
  });
  const logger = createLogger(config, pino.destination({ dest: 2, sync: false }));
  const rules = loadRules();
  const db: Db = usePostgres ? await openDatabase({ url: databaseUrl, schema }) : await openDatabase({ dataDir: IN_MEMORY });
  const queryStats = process.env.BENCH_QUERY_STATS ? timeQueries(db) : undefined;
  const sandbox = await openBenchSandbox(sandboxMode);
  const redisAddress = new URL(redisUrl);
  const connection = { host: redisAddress.hostname, port: Number(redisAddress.port || 6379) };
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });

  let robot: Robot | undefined;
  let profiler: Session | undefined;
  try {
    const generated = await sandbox.generate(applications, seed);
    const metrics = robotMetrics(db, () => robot?.queues, logger);
    const deps = robotDeps(config, sandbox.urls, db, rules, logger, metrics);

    // Counted in process: a case has ended when its job returns anything but "wait for the plan".
    let ended = 0;
    let failedAttempts = 0;
    const results: Record<string, number> = {};
    let resolveAll!: () => void;
    const allEnded = new Promise<void>((resolve) => (resolveAll = resolve));
    const hooks = deps.hooks;
    deps.hooks = {
      ...hooks,
      caseProcessed(outcome, seconds) {
        hooks?.caseProcessed?.(outcome, seconds);
        results[outcome] = (results[outcome] ?? 0) + 1;
        if (outcome !== 'WAITING_FOR_PLAN' && ++ended >= generated) resolveAll();
      },
      jobFailed(queue, errorClass) {
        hooks?.jobFailed?.(queue, errorClass);
        failedAttempts++;
      },
    };

    robot = await startRobot(deps, {
      connection,
      redisUrl,
      prefix: redisPrefix,
      concurrency,
      pollIntervalMs: 3_600_000,
      schedulePolling: false,
    });

    if (process.env.BENCH_CPU_PROF) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
    }

    const sandboxCpuBefore = await sandbox.cpuMs();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let fetched = 0;
    let polls = 0;
    for (;;) {
      const result = await robot.pollNow();
      polls++;
      fetched += result.fetched;
      if (result.fetched === 0) break;
    }
    const intakeSeconds = (performance.now() - started) / 1000;
    const timeout = setTimeout(() => resolveAll(), 30 * 60_000);
    await allEnded;
    clearTimeout(timeout);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const robotCpuMs = (cpu.user + cpu.system) / 1000;
    const sandboxCpuAfter = await sandbox.cpuMs();

    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      const file = join(process.env.BENCH_CPU_PROF!, `bench-${runId}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      profiler.disconnect();
      process.stderr.write(`CPU profile: ${file}\n`);
    }

    await robot.close();
    robot = undefined;

    const { rows: latencyRows } = await db.query<{ ms: number }>(
      `SELECT (extract(epoch FROM (p.created_at - c.created_at)) * 1000)::float8 AS ms
         FROM proposals p JOIN cases c ON c.id = p.case_id ORDER BY 1`,
    );
    const latencies = latencyRows.map((r) => Number(r.ms));
    const { rows: outcomeRows } = await db.query<{ state: string; outcome: string | null; n: string }>(
      `SELECT c.state, p.outcome, count(*) AS n FROM cases c LEFT JOIN proposals p ON p.case_id = c.id
        GROUP BY c.state, p.outcome ORDER BY c.state, p.outcome`,
    );
    const { rows: reasonRows } = await db.query<{ reason: string; n: string }>(
      `SELECT r AS reason, count(*) AS n FROM proposals, jsonb_array_elements_text(reasons) AS r GROUP BY r ORDER BY 2 DESC`,
    );
    const { rows: auditRows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log');

    const noop = await noopBaseline(connection, redisPrefix, applications, concurrency);
    const sandboxRss = await sandbox.peakRss();
    peakRss = Math.max(peakRss, process.memoryUsage().rss);

    const applicationsPerSecond = Math.round(generated / seconds);
    const report = {
      measures: 'intake (pollNow) to proposal, whole pipeline against the loopback sandbox',
      settings: {
        applications: generated,
        concurrency,
        seed,
        database: usePostgres ? `postgres (schema ${schema}, dropped afterwards)` : 'pglite in memory',
        sandbox: sandboxMode === 'child' ? 'child process' : 'in process',
        redis: `${connection.host}:${connection.port} (prefix ${redisPrefix}, removed afterwards)`,
        logLevel,
        node: process.version,
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
      },
      applicationsPerSecond,
      seconds: round1(seconds),
      intakeSeconds: round1(intakeSeconds),
      polls,
      fetched,
      p50Ms: Math.round(percentile(latencies, 50)),
      p90Ms: Math.round(percentile(latencies, 90)),
      p99Ms: Math.round(percentile(latencies, 99)),
      maxMs: Math.round(latencies.at(-1) ?? NaN),
      latencyMeasuredOn: latencies.length,
      peakRssMb: mb(peakRss),
      ...(sandboxRss === null ? {} : { sandboxPeakRssMb: mb(sandboxRss) }),
      // CPU per application, robust against other load on the machine (wall figures are not).
      robotCpuMsPerApplication: Number((robotCpuMs / generated).toFixed(2)),
      ...(sandboxCpuBefore === null || sandboxCpuAfter === null
        ? {}
        : { sandboxCpuMsPerApplication: Number(((sandboxCpuAfter - sandboxCpuBefore) / generated).toFixed(2)) }),
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
      noopJobsPerSecond: noop.jobsPerSecond,
      ratio: Number((applicationsPerSecond / noop.jobsPerSecond).toFixed(3)),
      outcomes: {
        jobResults: results,
        failedAttempts,
        byState: outcomeRows.map((r) => ({ state: r.state, outcome: r.outcome, cases: Number(r.n) })),
        reasons: Object.fromEntries(reasonRows.map((r) => [r.reason, Number(r.n)])),
        auditEntries: Number(auditRows[0]?.n ?? 0),
      },
      noop,
      ...(queryStats ? { queries: queryStats() } : {}),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    clearInterval(sampler);
    if (profiler) profiler.disconnect();
    if (robot) await robot.close().catch(() => undefined);
    await deleteKeys(redis, `${redisPrefix}*`).catch(() => undefined);
    redis.disconnect();
    await sandbox.stop().catch(() => undefined);
    await db.close();
    if (schema) {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await client.end();
      }
    }
    logger.flush?.();
  }
}

if (process.argv.includes('--sandbox-child')) {
  await runSandboxChild();
} else {
  await main();
  // BullMQ and pg leave no handles once closed; this only guards against a stray timer.
  process.exit(0);
}
