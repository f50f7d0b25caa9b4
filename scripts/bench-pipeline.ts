/**
 * npm run bench — the whole pipeline, intake to proposal, against the loopback sandbox.
 *
 * Generates BENCH_APPLICATIONS (default 20 000) synthetic applications in the sandbox (outside
 * the timed part), then polls the e-service until the feed is empty while the case workers
 * run, and waits until every case has ended (counted in the database, so robot processes
 * beside this one count too). Real Redis (REDIS_URL or TEST_REDIS_URL, default 127.0.0.1:6379)
 * under a unique key prefix per run, removed at the end; a fresh database per run: the
 * PostgreSQL server by default (BENCH_DATABASE_URL, TEST_DATABASE_URL or
 * postgres://postgres@127.0.0.1:5432/test, a random schema dropped at the end), or PGlite in
 * memory with --pglite. In the same run a bare BullMQ no-op queue (same Redis, same
 * concurrency, as many jobs, addBulk + an empty processor) gives the ceiling the pipeline is
 * compared against (`ratio`).
 *
 * CPU is counted for every process: the robot (process.cpuUsage, plus its sibling robot
 * processes), the simulators (their child process's process.cpuUsage) and the database (the
 * PostgreSQL backends of the run's connections, found by application_name in
 * pg_stat_activity and read from /proc/<pid>/stat; null when the server is on another machine).
 *
 * Options (arguments):
 *   --pglite             PGlite in memory instead of the PostgreSQL server (--postgres: the default)
 *   --workers2           a second closed-loop run with two robot processes (this one and a
 *                        child) against the same Redis and database: `workers2Scaling`
 *   --rate R[,R2]        open-loop runs: R applications a second appear in the e-service
 *                        (every 100 ms those due) for --duration seconds (default 30); latency
 *                        from receipt to proposal (p50/p90/p99)
 *   --load F[,F2]        open-loop runs at these fractions of the capacity measured first (0.5,0.8)
 *   --sandbox-cpu N      pins the simulators' process to CPU N (taskset -a -cp N)
 * Options (environment):
 *   BENCH_APPLICATIONS   applications of the closed-loop runs (default 20000)
 *   BENCH_CONCURRENCY    case worker concurrency per robot process (default 16)
 *   BENCH_SEED           generator seed (default 20260301)
 *   BENCH_WARMUP         applications the first closed-loop run takes through before its timed
 *                        part, not counted (default 0: the figures include V8's warm-up)
 *   BENCH_SANDBOX        "child" (default): the simulators in a child process, so they do not
 *                        share the robot's event loop; "inline": in this process
 *   BENCH_LOG_LEVEL      silent (default) or warn/error; logs go to standard error
 *   BENCH_CPU_PROF       a directory: the robot process writes a V8 CPU profile of the first run
 *   BENCH_QUERY_STATS    1: time every statement of the first run by its first words
 *
 * The simulators answer at once (no latency configured): the figures are the robot's own.
 * Prints one JSON on standard output: settings, the closed-loop run's throughput, latency
 * (cases.created_at to the proposal's created_at), CPU per application of each process, peak
 * RSS, outcomes, the no-op baseline and the ratio, then workers2 and the rate runs. Counts
 * only: no personal data is printed.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100);
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
          send({ type: 'rss', rss: Math.max(peakRss, process.memoryUsage.rss()), cpuMs: (cpu.user + cpu.system) / 1000 });
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
  /** The child process's id (child mode only), for taskset. */
  pid?: number | undefined;
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
    pid: child.pid,
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

// ---------------------------------------------------------------------------------------------
// Child mode: one more robot process (case workers only; intake is driven by the bench).
// ---------------------------------------------------------------------------------------------
interface RobotChildStart {
  type: 'start';
  databaseUrl: string;
  schema: string;
  urls: SandboxUrls;
  redisUrl: string;
  prefix: string;
  concurrency: number;
  logLevel: string;
}

async function runRobotChild(): Promise<void> {
  let robot: Robot | undefined;
  let db: Db | undefined;
  const send = (m: { type: string; cpuMs?: number; message?: string }) => process.send?.(m);
  process.on('message', (raw) => {
    const m = raw as RobotChildStart | { type: 'cpu' | 'stop' };
    void (async () => {
      try {
        if (m.type === 'start') {
          const config = benchConfig(m.logLevel, m.concurrency);
          const logger = createLogger(config, pino.destination({ dest: 2, sync: false }));
          db = await openDatabase({ url: m.databaseUrl, schema: m.schema });
          const deps = robotDeps(config, m.urls, db, loadRules(), logger, robotMetrics(db, () => robot?.queues, logger));
          const address = new URL(m.redisUrl);
          robot = await startRobot(deps, {
            connection: { host: address.hostname, port: Number(address.port || 6379) },
            redisUrl: m.redisUrl,
            prefix: m.prefix,
            concurrency: m.concurrency,
            pollIntervalMs: 3_600_000,
            schedulePolling: false,
          });
          send({ type: 'started' });
        } else if (m.type === 'cpu') {
          const cpu = process.cpuUsage();
          send({ type: 'cpu', cpuMs: (cpu.user + cpu.system) / 1000 });
        } else if (m.type === 'stop') {
          await robot?.close();
          await db?.close();
          send({ type: 'stopped' });
          process.disconnect?.();
        }
      } catch (error) {
        send({ type: 'error', message: (error as Error).name });
      }
    })();
  });
  send({ type: 'ready' });
}

/** A robot process beside the bench's own, driven over IPC. */
interface ChildRobot {
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

async function startChildRobot(start: Omit<RobotChildStart, 'type'>): Promise<ChildRobot> {
  const child = fork(SELF, ['--robot-child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () =>
    new Promise<{ type: string; cpuMs?: number; message?: string }>((resolve, reject) => {
      child.once('message', (m: { type: string; message?: string }) => (m.type === 'error' ? reject(new Error(`robot child: ${m.message}`)) : resolve(m)));
    });
  await next();
  const started = next();
  child.send({ type: 'start', ...start });
  await started;
  return {
    cpuMs: async () => {
      const reply = next();
      child.send({ type: 'cpu' });
      return (await reply).cpuMs!;
    },
    stop: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'stop' });
      const timer = setTimeout(() => child.kill(), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Database CPU: the PostgreSQL backends of the run's connections, read from /proc.
// ---------------------------------------------------------------------------------------------
const CLOCK_TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of a process in ms, or null when it is gone (or not on this machine). */
function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * Samples the backends whose application_name is the run's, so a backend that closes during
 * the run still counts up to its last sample. Null when the server's processes are not
 * readable here (a server on another machine).
 */
function databaseCpuSampler(databaseUrl: string, applicationName: string) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-sampler' });
  const base = new Map<number, number>();
  const last = new Map<number, number>();
  let readable = true;
  let timer: NodeJS.Timeout | undefined;
  const sample = async (first: boolean) => {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
    for (const { pid } of rows) {
      const ms = processCpuMs(pid);
      if (ms === null) {
        readable = false;
        continue;
      }
      if (!base.has(pid)) base.set(pid, first ? ms : 0);
      last.set(pid, ms);
    }
  };
  return {
    async start() {
      await client.connect();
      await sample(true);
      timer = setInterval(() => void sample(false).catch(() => undefined), 250);
    },
    async stop(): Promise<number | null> {
      clearInterval(timer);
      await sample(false).catch(() => undefined);
      await client.end();
      if (!readable) return null;
      let total = 0;
      for (const [pid, ms] of last) total += ms - (base.get(pid) ?? 0);
      return total;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The bench itself.
// ---------------------------------------------------------------------------------------------
function benchConfig(logLevel: string, concurrency: number) {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: logLevel,
    WORKER_CONCURRENCY: String(concurrency),
    // The sandbox's plan module answers "active" for generated people; these only bound a stray wait.
    PLAN_RECHECK_DELAY_MS: '1000',
    PLAN_PENDING_DEADLINE_MS: '60000',
  });
}

interface BenchSettings {
  applications: number;
  concurrency: number;
  seed: number;
  usePostgres: boolean;
  databaseUrl: string;
  redisUrl: string;
  logLevel: string;
  /** BENCH_WARMUP: applications before the first run's timed part. */
  warmup: number;
}

interface Phase {
  /** Robot processes: this one plus workers - 1 children. */
  workers: number;
  /** Closed loop: all applications at once. */
  applications?: number;
  /** Open loop: applications per second for durationS seconds. */
  rate?: number;
  durationS?: number;
  seed: number;
  profile?: boolean;
  /** Applications the robot takes through before the timed part (JIT warm-up), not counted. */
  warmup?: number;
}

const ENDED_STATES = `('PROPOSED','MANUAL','SIGNED','COMPLETED','TECHNICAL_ERROR','INVALID')`;

/** The simulators: where they run, and the CPU they are pinned to (taskset), if any. */
interface SandboxPlacement {
  mode: 'child' | 'inline';
  cpu?: string | undefined;
}

/** One run on a fresh database, a fresh Redis prefix and fresh simulators (their feed starts empty). */
async function runPhase(settings: BenchSettings, placement: SandboxPlacement, phase: Phase) {
  const sandbox = await openBenchSandbox(placement.mode);
  if (placement.cpu !== undefined) {
    if (!sandbox.pid) throw new Error('--sandbox-cpu behöver simulatorerna i en egen process');
    execFileSync('taskset', ['-a', '-cp', placement.cpu, String(sandbox.pid)], { stdio: 'ignore' });
  }
  const runId = randomBytes(4).toString('hex');
  const redisPrefix = `bench-${runId}`;
  const schema = settings.usePostgres ? `bench_${runId}` : undefined;
  const applicationName = `bench-${runId}`;
  const runUrl = (() => {
    const url = new URL(settings.databaseUrl);
    url.searchParams.set('application_name', applicationName);
    return url.toString();
  })();
  const config = benchConfig(settings.logLevel, settings.concurrency);
  const logger = createLogger(config, pino.destination({ dest: 2, sync: false }));
  const db: Db = settings.usePostgres ? await openDatabase({ url: runUrl, schema }) : await openDatabase({ dataDir: IN_MEMORY });
  const queryStats = phase.profile && process.env.BENCH_QUERY_STATS ? timeQueries(db) : undefined;
  const redisAddress = new URL(settings.redisUrl);
  const connection = { host: redisAddress.hostname, port: Number(redisAddress.port || 6379) };
  const redis = new Redis(settings.redisUrl, { maxRetriesPerRequest: null });
  const children: ChildRobot[] = [];
  let robot: Robot | undefined;
  let profiler: Session | undefined;
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  try {
    const metrics = robotMetrics(db, () => robot?.queues, logger);
    const deps = robotDeps(config, sandbox.urls, db, loadRules(), logger, metrics);
    let failedAttempts = 0;
    const hooks = deps.hooks;
    deps.hooks = {
      ...hooks,
      jobFailed(queue, errorClass) {
        hooks?.jobFailed?.(queue, errorClass);
        failedAttempts++;
      },
    };
    robot = await startRobot(deps, { connection, redisUrl: settings.redisUrl, prefix: redisPrefix, concurrency: settings.concurrency, pollIntervalMs: 3_600_000, schedulePolling: false });
    for (let i = 1; i < phase.workers; i++) {
      children.push(
        await startChildRobot({ databaseUrl: runUrl, schema: schema!, urls: sandbox.urls, redisUrl: settings.redisUrl, prefix: redisPrefix, concurrency: settings.concurrency, logLevel: settings.logLevel }),
      );
    }
    const endedCount = async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM cases WHERE state IN ${ENDED_STATES}`)).rows[0]!.n);

    // A daemon runs for weeks: with BENCH_WARMUP the figures are those of a warmed-up process,
    // without it they include V8's compiling of the hot paths.
    const warmed = phase.warmup ? await warmUp(sandbox, robot, endedCount, phase.warmup, phase.seed + 1_000_000) : 0;
    const measuredSince = new Date();
    let generated = 0;
    if (phase.applications !== undefined) generated = await sandbox.generate(phase.applications, phase.seed);

    if (phase.profile && process.env.BENCH_CPU_PROF) {
      profiler = new Session();
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
      await profiler.post('Profiler.start');
    }
    const dbCpu = settings.usePostgres ? databaseCpuSampler(settings.databaseUrl, applicationName) : undefined;
    await dbCpu?.start();
    const sandboxCpuBefore = await sandbox.cpuMs();
    const childCpuBefore = await Promise.all(children.map((c) => c.cpuMs()));
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    let fetched = 0;
    let polls = 0;
    const pollAll = async () => {
      for (;;) {
        const result = await robot!.pollNow();
        polls++;
        fetched += result.fetched;
        if (result.fetched === 0) break;
      }
    };
    if (phase.rate === undefined) {
      await pollAll();
    } else {
      // Open loop: every 100 ms the applications due by now appear in the e-service and are taken in.
      const durationMs = (phase.durationS ?? 30) * 1000;
      let tick = 0;
      for (;;) {
        const elapsed = Math.min(performance.now() - started, durationMs);
        const due = Math.floor((phase.rate * elapsed) / 1000) - generated;
        if (due > 0) generated += await sandbox.generate(due, phase.seed + tick++);
        await pollAll();
        if (elapsed >= durationMs) break;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - ((performance.now() - started) % 100))));
      }
    }
    const intakeSeconds = (performance.now() - started) / 1000;
    await untilEnded(endedCount, warmed + generated, 30 * 60_000);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const childCpu = (await Promise.all(children.map((c) => c.cpuMs()))).reduce((sum, ms, i) => sum + ms - childCpuBefore[i]!, 0);
    const robotCpuMs = (cpu.user + cpu.system) / 1000 + childCpu;
    const sandboxCpuAfter = await sandbox.cpuMs();
    const databaseCpuMs = await dbCpu?.stop();

    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop');
      const file = join(process.env.BENCH_CPU_PROF!, `bench-${runId}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      profiler.disconnect();
      profiler = undefined;
      process.stderr.write(`CPU profile: ${file}\n`);
    }
    await Promise.all(children.splice(0).map((c) => c.stop()));
    await robot.close();
    robot = undefined;

    const { rows: latencyRows } = await db.query<{ ms: number }>(
      `SELECT (extract(epoch FROM (p.created_at - c.created_at)) * 1000)::float8 AS ms
         FROM proposals p JOIN cases c ON c.id = p.case_id WHERE c.created_at >= $1 ORDER BY 1`,
      [measuredSince],
    );
    const latencies = latencyRows.map((r) => Number(r.ms));
    const { rows: outcomeRows } = await db.query<{ state: string; outcome: string | null; n: string }>(
      `SELECT c.state, p.outcome, count(*) AS n FROM cases c LEFT JOIN proposals p ON p.case_id = c.id
        WHERE c.created_at >= $1 GROUP BY c.state, p.outcome ORDER BY c.state, p.outcome`,
      [measuredSince],
    );
    const { rows: auditRows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_log WHERE case_id IN (SELECT id FROM cases WHERE created_at >= $1)', [measuredSince]);
    const sandboxRss = await sandbox.peakRss();
    const perApplication = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : Number((ms / generated).toFixed(2)));
    return {
      workers: phase.workers,
      ...(warmed > 0 ? { warmup: warmed } : {}),
      ...(phase.rate === undefined ? {} : { targetRate: phase.rate, durationS: phase.durationS ?? 30 }),
      applications: generated,
      applicationsPerSecond: Math.round(generated / seconds),
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
      robotCpuMsPerApplication: perApplication(robotCpuMs),
      sandboxCpuMsPerApplication: sandboxCpuBefore === null || sandboxCpuAfter === null ? null : perApplication(sandboxCpuAfter - sandboxCpuBefore),
      databaseCpuMsPerApplication: perApplication(databaseCpuMs),
      loadAverage1m: Number(loadavg()[0]!.toFixed(2)),
      outcomes: {
        failedAttempts,
        byState: outcomeRows.map((r) => ({ state: r.state, outcome: r.outcome, cases: Number(r.n) })),
        auditEntries: Number(auditRows[0]?.n ?? 0),
      },
      ...(queryStats ? { queries: queryStats() } : {}),
      redisPrefix,
      connection,
    };
  } finally {
    clearInterval(sampler);
    if (profiler) profiler.disconnect();
    await Promise.all(children.map((c) => c.stop().catch(() => undefined)));
    if (robot) await robot.close().catch(() => undefined);
    await deleteKeys(redis, `${redisPrefix}*`).catch(() => undefined);
    redis.disconnect();
    await sandbox.stop().catch(() => undefined);
    await db.close();
    if (schema) {
      const client = new pg.Client({ connectionString: settings.databaseUrl });
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

/** Waits, looking every 100 ms, until `count` cases have ended or `withinMs` has passed. */
async function untilEnded(endedCount: () => Promise<number>, count: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while ((await endedCount()) < count && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Takes `count` applications through the robot and waits until all have ended: V8 has compiled the hot paths. */
async function warmUp(sandbox: BenchSandbox, robot: Robot, endedCount: () => Promise<number>, count: number, seed: number): Promise<number> {
  const generated = await sandbox.generate(count, seed);
  while ((await robot.pollNow()).fetched > 0);
  await untilEnded(endedCount, generated, 10 * 60_000);
  return generated;
}

function numberList(text: string | undefined, name: string): number[] {
  if (text === undefined || text === '') return [];
  return text.split(',').map((part) => {
    const n = Number(part);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} ska vara positiva tal, åtskilda med komma`);
    return n;
  });
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      postgres: { type: 'boolean' },
      pglite: { type: 'boolean' },
      rate: { type: 'string' },
      load: { type: 'string' },
      duration: { type: 'string' },
      workers2: { type: 'boolean' },
      'sandbox-cpu': { type: 'string' },
    },
  });
  const settings: BenchSettings = {
    applications: positiveInt('BENCH_APPLICATIONS', 20_000),
    concurrency: positiveInt('BENCH_CONCURRENCY', 16),
    // positiveInt takes unset or empty as the default; 0 says "no warm-up" as plainly.
    warmup: process.env.BENCH_WARMUP === '0' ? 0 : positiveInt('BENCH_WARMUP', 0),
    seed: positiveInt('BENCH_SEED', 20_260_301),
    usePostgres: !args.pglite,
    databaseUrl: process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test',
    redisUrl: process.env.REDIS_URL || process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379',
    logLevel: process.env.BENCH_LOG_LEVEL || 'silent',
  };
  const rates = numberList(args.rate, '--rate');
  const loads = numberList(args.load, '--load');
  const durationS = args.duration === undefined ? 30 : Number(args.duration);
  if (!Number.isFinite(durationS) || durationS <= 0) throw new Error('--duration ska vara ett positivt antal sekunder');
  if (args.workers2 && !settings.usePostgres) throw new Error('--workers2 behöver PostgreSQL-servern (PGlite är en process)');
  const sandboxMode = process.env.BENCH_SANDBOX === 'inline' ? 'inline' : 'child';
  const placement: SandboxPlacement = { mode: sandboxMode, cpu: args['sandbox-cpu'] };
  {
    let seed = settings.seed;
    const capacity = await runPhase(settings, placement, { workers: 1, applications: settings.applications, seed: seed++, profile: true, warmup: settings.warmup });
    const noop = await noopBaseline(capacity.connection, capacity.redisPrefix, settings.applications, settings.concurrency);
    const workers2 = args.workers2 ? await runPhase(settings, placement, { workers: 2, applications: settings.applications, seed: seed++ }) : undefined;
    const rateRuns = [];
    for (const rate of [...rates, ...loads.map((f) => Math.max(1, Math.round(f * capacity.applicationsPerSecond)))]) {

      const run = await runPhase(settings, placement, { workers: 1, rate, durationS, seed });
      const load = loads.find((f) => Math.max(1, Math.round(f * capacity.applicationsPerSecond)) === rate && !rates.includes(rate));
      rateRuns.push({ ...(load === undefined ? {} : { load }), ...strip(run) });
    }
    const report = {
      measures: 'intake (pollNow) to proposal, whole pipeline against the loopback sandbox',
      settings: {
        applications: capacity.applications,
        concurrency: settings.concurrency,
        seed: settings.seed,
        ...(settings.warmup > 0 ? { warmup: settings.warmup } : {}),
        database: settings.usePostgres ? 'postgres (a schema per run, dropped afterwards)' : 'pglite in memory',
        sandbox: sandboxMode === 'child' ? 'child process' : 'in process',
        sandboxLatencyMs: 0,
        ...(args['sandbox-cpu'] === undefined ? {} : { sandboxPinnedToCpu: args['sandbox-cpu'] }),
        redis: `${capacity.connection.host}:${capacity.connection.port} (a prefix per run, removed afterwards)`,
        logLevel: settings.logLevel,
        node: process.version,
        cpus: cpus().length,
        cpu: cpus()[0]?.model ?? 'unknown',
      },
      ...strip(capacity),
      noopJobsPerSecond: noop.jobsPerSecond,
      ratio: Number((capacity.applicationsPerSecond / noop.jobsPerSecond).toFixed(3)),
      noop,
      ...(workers2 ? { workers2: strip(workers2), workers2Scaling: Number((workers2.applicationsPerSecond / capacity.applicationsPerSecond).toFixed(2)) } : {}),
      ...(rateRuns.length > 0 ? { rate: rateRuns } : {}),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  }
}

/** A phase's figures without the bookkeeping the bench needs internally. */
function strip<T extends { redisPrefix: string; connection: unknown }>(phase: T): Omit<T, 'redisPrefix' | 'connection'> {
  const { redisPrefix: _prefix, connection: _connection, ...rest } = phase;
  return rest;
}

if (process.argv.includes('--sandbox-child')) {
  await runSandboxChild();
} else if (process.argv.includes('--robot-child')) {
  await runRobotChild();
} else {
  await main();
  // BullMQ and pg leave no handles once closed; this only guards against a stray timer.
  process.exit(0);
}
