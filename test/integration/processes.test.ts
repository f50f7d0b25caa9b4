import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { caseJobId, DEFAULT_PREFIX, QUEUE } from '../../src/robot/queues.js';
import { startSandbox, type GeneratedHousehold, type Sandbox } from '../../src/sandbox/index.js';
import { getStateHistory, openDatabase, storeIdentity, type CaseState, type Db } from '../../src/store/index.js';
import { dropSchema, randomSchema, SERVER_URL } from '../support/backends.js';
import { REDIS_URL } from '../support/pipeline.js';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/redisServer.js';
import { deleteRedisKeys, registerEnv } from '../support/processWorld.js';

/**
 * The robot as several operating-system processes sharing one Redis and one PostgreSQL
 * database, the way it runs in production: the polling schedule holds for the cluster, a
 * worker killed mid-case loses and duplicates nothing, and SIGTERM stops a worker cleanly.
 *
 * The sandbox runs here; the workers (test/support/workerProcess.ts, or the real
 * `src/main.ts worker`) reach it over loopback only. Each test has its own schema, sandbox and
 * queue prefix; afterAll kills every child still running, drops the schemas and deletes the
 * Redis keys, whether or not the tests passed.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const WORKER_SCRIPT = join(ROOT, 'test', 'support', 'workerProcess.ts');
const MAIN = join(ROOT, 'src', 'main.ts');
const ENDED: readonly CaseState[] = ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'];
const DECIDED: readonly CaseState[] = ['PROPOSED', 'MANUAL'];

// ---------------------------------------------------------------------------------------
// Child processes

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface WorkerChild {
  name: string;
  proc: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<Exit>;
  /** Resolves with the first log line whose msg is `msg` (fails on exit or timeout). */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Parsed JSON log lines so far. */
  logs(): Array<Record<string, unknown>>;
  running(): boolean;
}

const children: WorkerChild[] = [];

function parseLines(lines: readonly string[]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const line of lines) {
    try {
      out.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  }
  return out;
}

/** Starts `node --import tsx <script> [args]` with only the environment given (plus PATH). */
function startChild(name: string, script: string, args: readonly string[], env: Record<string, string>): WorkerChild {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const split = (into: string[]) => {
    let rest = '';
    return (chunk: Buffer) => {
      const text = rest + chunk.toString('utf8');
      const lines = text.split('\n');
      rest = lines.pop() ?? '';
      into.push(...lines.filter(Boolean));
    };
  };
  proc.stdout!.on('data', split(stdout));
  proc.stderr!.on('data', split(stderr));
  const exited = new Promise<Exit>((resolve) => {
    proc.once('exit', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const child: WorkerChild = {
    name,
    proc,
    stdout,
    stderr,
    exited,
    running: () => !done,
    logs: () => parseLines(stdout),
    waitForLog: async (msg, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = parseLines(stdout).find((l) => l.msg === msg);
        if (found) return found;
        if (done) throw new Error(`${name} exited before logging "${msg}": ${stderr.slice(-5).join(' | ')}`);
        if (Date.now() > deadline) throw new Error(`${name} did not log "${msg}" within ${timeoutMs} ms: ${stderr.slice(-5).join(' | ')}`);
        await sleep(100);
      }
    },
  };
  children.push(child);
  return child;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined; fails with `what` after the timeout. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function exitWithin(child: WorkerChild, timeoutMs: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${child.name} did not exit within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------
// One isolated world per test: schema, sandbox, queue prefix

interface World {
  schema: string;
  db: Db;
  sandbox: Sandbox;
  households: GeneratedHousehold[];
  ids: string[];
  /** The prefix handed to workerProcess (the store identity is appended by the robot). */
  queuePrefix: string;
  /** Environment for a worker process in this world. */
  env(extra?: Record<string, string>): Record<string, string>;
}

const schemas: string[] = [];
const dbs: Db[] = [];
const sandboxes: Sandbox[] = [];
const emptyDirs: string[] = [];
/** Redis key patterns to delete at the end. */
const redisPatterns: string[] = [];
const personalNumbers = new Set<string>();
/** Queue handles the tests open, closed in afterAll. */
const queues: Queue[] = [];
/** redis-servers of the tests' own (killed in afterAll). */
const throwaways: ThrowawayRedis[] = [];

async function makeWorld(options: { households: number; seed: number; ssbtekLatencyMs: number }): Promise<World> {
  const schema = randomSchema();
  schemas.push(schema);
  // Migrated here first, so the workers only find an up-to-date schema.
  const db = await openDatabase({ url: SERVER_URL, schema });
  dbs.push(db);
  // No demo applications: only generated households, every one known to every register.
  const applicationsDir = mkdtempSync(join(tmpdir(), 'robot-proc-'));
  emptyDirs.push(applicationsDir);
  const sandbox = await startSandbox({ fixtures: { applicationsDir }, faults: { ssbtek: { latencyMs: options.ssbtekLatencyMs } } });
  sandboxes.push(sandbox);
  const households = sandbox.generate(options.households, options.seed, { month: '2021-06' });
  for (const h of households) {
    const app = h.payload.application;
    for (const pn of [app.applicant.personalNumber, app.coApplicant?.personalNumber, ...app.children.map((c) => c.personalNumber)]) {
      if (pn) personalNumbers.add(pn);
    }
  }
  const queuePrefix = `proctest-${randomBytes(4).toString('hex')}`;
  redisPatterns.push(`${queuePrefix}*`);
  return {
    schema,
    db,
    sandbox,
    households,
    ids: households.map((h) => h.id),
    queuePrefix,
    env: (extra = {}) => ({
      DATABASE_URL: SERVER_URL,
      DATABASE_SCHEMA: schema,
      REDIS_URL,
      ...registerEnv(sandbox),
      REGISTER_TIMEOUT_MS: '15000',
      REGISTER_ATTEMPTS: '2',
      TEST_QUEUE_PREFIX: queuePrefix,
      TEST_JOB_ATTEMPTS: '3',
      TEST_JOB_BACKOFF_MS: '200',
      ...extra,
    }),
  };
}

async function statesOf(db: Db, ids: readonly string[]): Promise<Map<string, CaseState>> {
  const { rows } = await db.query<{ id: string; state: CaseState }>('SELECT id, state FROM cases WHERE id = ANY($1)', [ids]);
  return new Map(rows.map((r) => [r.id, r.state]));
}

/** Waits until every case exists and is in one of `states`. */
async function settle(world: World, states: readonly CaseState[] = ENDED, timeoutMs = 120_000): Promise<Map<string, CaseState>> {
  return waitFor(
    `every case in ${states.join('/')}`,
    async () => {
      const found = await statesOf(world.db, world.ids);
      return world.ids.every((id) => states.includes(found.get(id)!)) ? found : undefined;
    },
    timeoutMs,
    200,
  );
}

/** Proposals per case, for the world's cases (a case without one is absent). */
async function proposalCounts(world: World): Promise<Map<string, number>> {
  const { rows } = await world.db.query<{ case_id: string; n: string }>(
    'SELECT case_id, count(*) AS n FROM proposals WHERE case_id = ANY($1) GROUP BY case_id',
    [world.ids],
  );
  return new Map(rows.map((r) => [r.case_id, Number(r.n)]));
}

/** Every application ends in exactly one case, and every case in exactly one proposal. */
async function expectOneCaseAndOneProposalEach(world: World): Promise<void> {
  const applications = await world.db.query<{ n: string }>('SELECT count(*) AS n FROM applications');
  expect(Number(applications.rows[0]!.n)).toBe(world.ids.length);
  const cases = await world.db.query<{ id: string }>('SELECT id FROM cases');
  expect(cases.rows.map((r) => r.id).sort()).toEqual([...world.ids].sort());
  const counts = await proposalCounts(world);
  const wrong = world.ids.filter((id) => counts.get(id) !== 1).map((id) => `${id}:${counts.get(id) ?? 0}`);
  expect(wrong, 'cases without exactly one proposal').toEqual([]);
  for (const id of world.ids) {
    // No step of a case was done twice over: every transition happened once.
    const transitions = (await getStateHistory(world.db, id)).map((h) => `${h.fromState}->${h.toState}`);
    expect(new Set(transitions).size, id).toBe(transitions.length);
  }
}

afterAll(async () => {
  // Every child this file started, by its own pid, whatever happened in the tests.
  for (const child of children) {
    if (child.running()) child.proc.kill('SIGKILL');
  }
  await Promise.all(children.map((c) => exitWithin(c, 10_000).catch(() => undefined)));
  for (const queue of queues) await queue.close().catch(() => undefined);
  for (const r of throwaways) await r.stop().catch(() => undefined);
  for (const db of dbs) {
    // `main.ts worker` names its queues after the store's identity, under the default prefix.
    const identity = await db.query<{ id: string }>('SELECT id FROM store_identity').catch(() => ({ rows: [] as Array<{ id: string }> }));
    for (const row of identity.rows) redisPatterns.push(`${DEFAULT_PREFIX}-${row.id}:*`);
    await db.close().catch(() => undefined);
  }
  for (const sandbox of sandboxes) await sandbox.stop().catch(() => undefined);
  for (const dir of emptyDirs) rmSync(dir, { recursive: true, force: true });
  for (const schema of schemas) await dropSchema(schema);
  for (const pattern of redisPatterns) await deleteRedisKeys(REDIS_URL, pattern);
}, 60_000);

describe('the robot as several processes on one Redis and one PostgreSQL database', () => {
  it('two workers poll the e-service about once per interval between them, and every application becomes exactly one case', async () => {
    const world = await makeWorld({ households: 24, seed: 9101, ssbtekLatencyMs: 150 });
    const INTERVAL = 300;
    const env = world.env({ TEST_POLL_INTERVAL_MS: String(INTERVAL), WORKER_CONCURRENCY: '2' });
    const a = startChild('worker-a', WORKER_SCRIPT, [], env);
    const b = startChild('worker-b', WORKER_SCRIPT, [], env);
    await Promise.all([a.waitForLog('worker started'), b.waitForLog('worker started')]);

    // Count the feed's requests over a window of about ten intervals, with both workers up.
    const before = world.sandbox.eservice.stats().requests;
    const t0 = Date.now();
    await sleep(10 * INTERVAL);
    const polls = world.sandbox.eservice.stats().requests - before;
    const intervals = Math.floor((Date.now() - t0) / INTERVAL);
    // Each worker polling on its own would give about 2 x intervals.
    expect(polls).toBeGreaterThan(0);
    expect(polls).toBeLessThanOrEqual(intervals + 1);

    const states = await settle(world, DECIDED);
    expect(states.size).toBe(world.ids.length);
    await expectOneCaseAndOneProposalEach(world);

    // Both processes did case work (otherwise this proves nothing about two processes).
    const done = (w: WorkerChild) => w.logs().filter((l) => l.msg === 'case job done').length;
    expect(done(a), 'cases done by worker a').toBeGreaterThan(0);
    expect(done(b), 'cases done by worker b').toBeGreaterThan(0);

    // Still one poll per interval after the work is done, with both workers idle.
    const idleBefore = world.sandbox.eservice.stats().requests;
    const t1 = Date.now();
    await sleep(5 * INTERVAL);
    const idlePolls = world.sandbox.eservice.stats().requests - idleBefore;
    expect(idlePolls).toBeLessThanOrEqual(Math.floor((Date.now() - t1) / INTERVAL) + 1);

    a.proc.kill('SIGTERM');
    b.proc.kill('SIGTERM');
    expect(await exitWithin(a, 30_000)).toEqual({ code: 0, signal: null });
    expect(await exitWithin(b, 30_000)).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('a worker killed with SIGKILL mid-case: a new worker takes its jobs over, every case ends in exactly one proposal', async () => {
    // SSBTEK answers slowly, so cases sit in GATHERING long enough for the kill to land there.
    const world = await makeWorld({ households: 12, seed: 9202, ssbtekLatencyMs: 1500 });
    // Short locks and a frequent stalled-job check, so the takeover happens in seconds, not BullMQ's 30 s.
    const env = world.env({
      TEST_POLL_INTERVAL_MS: '300',
      WORKER_CONCURRENCY: '3',
      JOB_LOCK_DURATION_MS: '2000',
      JOB_STALLED_INTERVAL_MS: '500',
    });
    const first = startChild('worker-killed', WORKER_SCRIPT, [], env);
    await first.waitForLog('worker started');

    const instance = await storeIdentity(world.db, 'unused');
    const cases = new Queue(QUEUE.cases, { connection: redisConnection(), prefix: `${world.queuePrefix}-${instance}` });
    queues.push(cases);

    // Kill once every application is taken in and its job enqueued, while cases are mid-gathering.
    // (Killed in the middle of a poll, the worker would keep the intake's poll lock, and with it
    // every other worker's polling, until the lock expires: 60 s. Nothing is lost, but the test
    // is about case jobs.)
    const atKill = await waitFor('every case enqueued and some in GATHERING', async () => {
      const counts = await cases.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children');
      const enqueued = Object.values(counts).reduce((a, b) => a + b, 0);
      const states = await statesOf(world.db, world.ids);
      const gathering = [...states].filter(([, s]) => s === 'GATHERING').map(([id]) => id);
      return enqueued >= world.ids.length && gathering.length > 0 ? { states, gathering } : undefined;
    }, 90_000, 50);
    first.proc.kill('SIGKILL');
    expect(await exitWithin(first, 10_000)).toEqual({ code: null, signal: 'SIGKILL' });
    const unfinished = [...atKill.states].filter(([, s]) => !ENDED.includes(s)).map(([id]) => id);
    expect(unfinished.length).toBeGreaterThan(0);

    const second = startChild('worker-after-kill', WORKER_SCRIPT, [], env);
    await second.waitForLog('worker started');
    const states = await settle(world, DECIDED);
    expect(states.size).toBe(world.ids.length);
    await expectOneCaseAndOneProposalEach(world);

    // The killed worker's jobs came back through BullMQ's stalled-job check (the same job, not a new one).
    const jobs = await Promise.all(atKill.gathering.map((id) => cases.getJob(caseJobId(id))));
    const recovered = jobs.filter((j) => j && j.stalledCounter > 0 && j.finishedOn !== undefined);
    expect(recovered.length, 'jobs taken over after the kill').toBeGreaterThan(0);
    expect(second.logs().filter((l) => l.msg === 'case job done').length).toBeGreaterThan(0);

    second.proc.kill('SIGTERM');
    expect(await exitWithin(second, 30_000)).toEqual({ code: 0, signal: null });
  }, 240_000);

  it('SIGTERM: the worker (src/main.ts worker) finishes its jobs in hand and exits 0; another worker ends every case', async () => {
    const world = await makeWorld({ households: 12, seed: 9303, ssbtekLatencyMs: 1500 });
    // The production entry point with the production defaults (BullMQ's own lock and stalled check).
    const env = world.env({ POLL_INTERVAL_MS: '1000', WORKER_CONCURRENCY: '3' });
    const first = startChild('main-worker', MAIN, ['worker'], env);
    await first.waitForLog('worker started');

    await waitFor('cases in GATHERING', async () => {
      const states = await statesOf(world.db, world.ids);
      return [...states.values()].some((s) => s === 'GATHERING') ? true : undefined;
    }, 90_000, 50);
    const signalledAt = Date.now();
    first.proc.kill('SIGTERM');
    const exit = await exitWithin(first, 30_000);
    const stopSeconds = (Date.now() - signalledAt) / 1000;
    expect(exit, first.stderr.join('\n')).toEqual({ code: 0, signal: null });
    // Jobs in hand take about one SSBTEK answer (1.5 s) to finish; "a few seconds" with room for a loaded machine.
    expect(stopSeconds).toBeLessThan(15);
    expect(first.logs().some((l) => l.msg === 'stopping: finishing the jobs in hand')).toBe(true);

    // What the stopped worker had started it finished: nothing is left half-gathered.
    const afterStop = await statesOf(world.db, world.ids);
    expect([...afterStop].filter(([, s]) => s === 'GATHERING').map(([id]) => id)).toEqual([]);

    const second = startChild('main-worker-2', MAIN, ['worker'], env);
    await second.waitForLog('worker started');
    const states = await settle(world, DECIDED);
    expect([...states.values()].filter((s) => s === 'GATHERING')).toEqual([]);
    await expectOneCaseAndOneProposalEach(world);

    second.proc.kill('SIGTERM');
    expect(await exitWithin(second, 30_000)).toEqual({ code: 0, signal: null });
  }, 240_000);

  it('a case job that loses its worker twice (production stall count) is failed by BullMQ, recovered by the robot, and the case reaches a proposal', async () => {
    // SSBTEK answers slowly, so the job is still active when its worker is killed. The lock and
    // the stalled check are shortened (timeouts); the stall count and the sweep are production's.
    const world = await makeWorld({ households: 2, seed: 9404, ssbtekLatencyMs: 4000 });
    const env = world.env({
      TEST_POLL_INTERVAL_MS: '300',
      WORKER_CONCURRENCY: '2',
      JOB_LOCK_DURATION_MS: '2000',
      JOB_STALLED_INTERVAL_MS: '500',
      CASE_SWEEP_INTERVAL_MS: '1000',
      CASE_SWEEP_QUIET_MS: '1000',
    });
    expect(env.JOB_MAX_STALLED_COUNT, 'the production stall count').toBeUndefined();
    const first = startChild('stall-1', WORKER_SCRIPT, [], env);
    await first.waitForLog('worker started');
    const instance = await storeIdentity(world.db, 'unused');
    const cases = new Queue(QUEUE.cases, { connection: redisConnection(), prefix: `${world.queuePrefix}-${instance}` });
    queues.push(cases);
    const jobOf = (id: string) => cases.getJob(caseJobId(id));
    const allActive = async (stalled: number) => {
      for (const id of world.ids) {
        const job = await jobOf(id);
        if (!job || job.stalledCounter < stalled || (await job.getState()) !== 'active') return undefined;
      }
      return true;
    };

    await waitFor('both case jobs active, their cases gathering', async () => {
      const states = await statesOf(world.db, world.ids);
      return world.ids.every((id) => states.get(id) === 'GATHERING') ? allActive(0) : undefined;
    }, 90_000, 50);
    first.proc.kill('SIGKILL');
    await exitWithin(first, 10_000);
    const second = startChild('stall-2', WORKER_SCRIPT, [], env);
    // The second worker takes the jobs back once (stalledCounter 1) and is killed with them too.
    await waitFor('both case jobs taken back once and active again', () => allActive(1), 90_000, 50);
    second.proc.kill('SIGKILL');
    await exitWithin(second, 10_000);

    const third = startChild('stall-3', WORKER_SCRIPT, [], env);
    const states = await settle(world, DECIDED);
    expect(states.size).toBe(world.ids.length);
    for (const id of world.ids) {
      // BullMQ failed the original job for its stalls (production's count: one) ...
      const job = await jobOf(id);
      expect(await job!.getState()).toBe('failed');
      expect(job!.failedReason).toMatch(/stalled/);
      // ... and the robot gave the case a new job, written down with the case and in its history.
      const { rows } = await world.db.query<{ recoveries: number; job_id: string }>('SELECT recoveries, job_id FROM cases WHERE id = $1', [id]);
      expect(rows[0]).toEqual({ recoveries: 1, job_id: `${caseJobId(id)}-r1` });
      const history = await getStateHistory(world.db, id);
      expect(history.some((h) => h.fromState === h.toState && /^RECOVERED: jobbet avbröts/.test(h.reason ?? ''))).toBe(true);
    }
    await expectOneCaseAndOneProposalEach(world);
    third.proc.kill('SIGTERM');
    expect(await exitWithin(third, 30_000)).toEqual({ code: 0, signal: null });
  }, 240_000);

  it('Redis loses its data after intake: the schedules come back without a restart, and every case (and a later application) reaches a final state', async () => {
    const redis = await startThrowawayRedis();
    throwaways.push(redis);
    const world = await makeWorld({ households: 10, seed: 9505, ssbtekLatencyMs: 1500 });
    const env = world.env({
      REDIS_URL: redis.url,
      TEST_POLL_INTERVAL_MS: '300',
      WORKER_CONCURRENCY: '2',
      CASE_SWEEP_INTERVAL_MS: '1000',
      CASE_SWEEP_QUIET_MS: '1000',
      SCHEDULER_CHECK_INTERVAL_MS: '1000',
    });
    const worker = startChild('redis-drop', WORKER_SCRIPT, [], env);
    await worker.waitForLog('worker started');
    // Intake is done (every application is a case with its job, the cursor has moved on), work is not.
    await waitFor('every application taken in, some cases still working', async () => {
      const states = await statesOf(world.db, world.ids);
      const cursor = await world.db.query('SELECT 1 FROM intake_cursors');
      const working = [...states.values()].filter((s) => !ENDED.includes(s)).length;
      return states.size === world.ids.length && cursor.rows.length > 0 && working >= 5 && [...states.values()].includes('GATHERING') ? true : undefined;
    }, 90_000, 50);
    await redis.restartEmpty();

    // Applications that arrive after the loss are taken in: the intake schedule is back.
    const later = world.sandbox.generate(2, 9506, { month: '2021-06' });
    world.ids.push(...later.map((h) => h.id));
    const states = await settle(world, DECIDED, 150_000);
    expect(states.size).toBe(world.ids.length);
    await expectOneCaseAndOneProposalEach(world);
    const recovered = await world.db.query<{ n: string }>('SELECT count(*) AS n FROM cases WHERE recoveries > 0');
    expect(Number(recovered.rows[0]!.n), 'cases the sweep gave a new job').toBeGreaterThan(0);
    expect(worker.logs().some((l) => l.msg === 'job schedulers were missing in Redis and are created again')).toBe(true);

    worker.proc.kill('SIGTERM');
    expect(await exitWithin(worker, 30_000)).toEqual({ code: 0, signal: null });
  }, 240_000);

  it('no personal number reaches a worker process log (stdout or stderr) or the job data in Redis', async () => {
    expect(personalNumbers.size).toBeGreaterThan(40);
    const forms = [...personalNumbers].flatMap((pn) => [pn, `${pn.slice(0, 8)}-${pn.slice(8)}`, pn.slice(2), `${pn.slice(2, 8)}-${pn.slice(8)}`]);
    const logs = children.flatMap((c) => [...c.stdout, ...c.stderr]).join('\n');
    expect(children.length).toBeGreaterThanOrEqual(6);
    expect(logs.length).toBeGreaterThan(1000);
    expect(forms.filter((f) => logs.includes(f)), 'personal numbers in worker logs').toEqual([]);

    const redis = new Redis(REDIS_URL);
    const texts: string[] = [];
    try {
      for (const pattern of redisPatterns) {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', '1000');
          cursor = next;
          for (const key of keys) {
            const type = await redis.type(key);
            if (type === 'hash') texts.push(key, JSON.stringify(await redis.hgetall(key)));
            else if (type === 'string') texts.push(key, (await redis.get(key)) ?? '');
            else if (type === 'list') texts.push(key, JSON.stringify(await redis.lrange(key, 0, -1)));
            else if (type === 'zset') texts.push(key, JSON.stringify(await redis.zrange(key, '0', '-1')));
            else texts.push(key);
          }
        } while (cursor !== '0');
      }
    } finally {
      redis.disconnect();
    }
    const redisText = texts.join('\n');
    // The scan saw the case jobs (their data is the case id and nothing else).
    expect(redisText).toContain('"data":"{\\"caseId\\"');
    expect(forms.filter((f) => redisText.includes(f)), 'personal numbers in Redis').toEqual([]);
  }, 60_000);
});

function redisConnection(): { host: string; port: number } {
  const url = new URL(REDIS_URL);
  return { host: url.hostname, port: Number(url.port || 6379) };
}
