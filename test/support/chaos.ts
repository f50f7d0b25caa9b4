import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startThrowawayRedis } from './redisServer.js';
import { paymentDay } from '../../src/norm/paymentDay.js';
import { loadRules } from '../../src/rules/load.js';
import { start as startCaseSystemApi } from '../../src/sandbox/caseSystemApi.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { start as startNotifications } from '../../src/sandbox/notifications.js';
import { start as startPayments } from '../../src/sandbox/payments.js';
import { openDatabase, type Db } from '../../src/store/index.js';
import { DEV_USERS } from '../../src/web/auth/devUsers.js';
import { dropSchema } from './backends.js';
import { deleteRedisKeys, registerEnv } from './processWorld.js';
import { signCase } from '../../src/web/caseworker/service.js';

/**
 * The chaos run behind `npm run chaos` and test/integration/chaos.test.ts: the whole robot as
 * worker processes (test/support/workerProcess.ts) on Redis and the PostgreSQL server, the
 * registers and the three outside systems of the carry-out simulated here, a scripted
 * caseworker signing every proposal through the web's own signCase, and SIGKILL at random
 * moments to random workers, each replaced by a fresh process. The payment system and
 * "Mina ärenden" run *without* their own idempotency (dedupe off), and lose some replies after
 * acting, so only the robot's own care stands between a kill and a second payment. At the end
 * everything is counted from what the outside systems recorded, not from the robot's tables.
 */
export interface ChaosOptions {
  applications: number;
  kills: number;
  /** Times the run's own Redis is killed and started again empty, mid-run. */
  redisRestarts: number;
  /** Times every database connection of the run is killed mid-run (pg_terminate_backend). */
  dbConnectionKills: number;
  workers: number;
  seed: number;
  databaseUrl: string;
  /** Give up after this long (ms). */
  timeoutMs: number;
  log?: (line: string) => void;
}

/** Effects that happened more than once, each counted where it landed. */
export interface ChaosDuplicates {
  /** More than one proposal for a case (the database's own rows). */
  proposals: number;
  /** More than one first decision for a case. */
  decisions: number;
  /** What the case system, the payment system and Mina ärenden received more than once per decision. */
  writeBacks: number;
  payments: number;
  messages: number;
}

export interface ChaosReport {
  applications: number;
  applicationsIn: number;
  decisionsSigned: number;
  decisionsWritten: number;
  paymentsOrdered: number;
  messagesSent: number;
  duplicates: ChaosDuplicates;
  /** All duplicates added up. */
  duplicatesTotal: number;
  lost: number;
  /** Cases not in a final state (COMPLETED, MANUAL, TECHNICAL_ERROR) when the run ended. */
  stuck: number;
  /** The workers ran with production's stall, lock, attempt and recovery settings (only backoffs and sweep intervals shortened). */
  productionSettings: boolean;
  redisRestarts: number;
  dbConnectionKills: number;
  /** Worker processes that exited on their own (e.g. Redis gone at start-up) and were started again. */
  workerCrashes: number;
  /** Cases the sweeps gave a new job, and their recoveries in all. */
  casesRecovered: number;
  recoveries: number;
  kills: number;
  killsWhileCarryingOut: number;
  workerStarts: number;
  casesByState: Record<string, number>;
  /** Signed decisions that went to a caseworker (retries spent): named, not lost. */
  routedManual: number;
  /** Effects repeated by the outside systems' idempotency (the case-system API dedupes itself). */
  writeBackPostsAbsorbed: number;
  /** Payment orders for decisions that must not pay (a rejection or 0 kr), or with a wrong pay day. */
  wrongPayments: number;
  /** Signatures the web's signCase threw on (the caseworker signed again). */
  signErrors: number;
  seconds: number;
}

const ROOT = join(import.meta.dirname, '..', '..');
const WORKER_SCRIPT = join(ROOT, 'test', 'support', 'workerProcess.ts');
const MONTH = '2021-06';
/** Signed in time for the month's payment day, so the order carries the rule's day (not the next banking day). */
const SIGNED_AT = new Date('2021-06-10T10:00:00+02:00');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Settings a chaos run must leave at production's values (src/config.ts, src/robot/queues.ts). */
const PRODUCTION_SETTINGS = [
  'JOB_LOCK_DURATION_MS',
  'JOB_STALLED_INTERVAL_MS',
  'JOB_MAX_STALLED_COUNT',
  'CASE_JOB_MAX_ACTIVE_MS',
  'CASE_MAX_RECOVERIES',
  'TEST_JOB_ATTEMPTS',
  'TEST_OUTBOUND_ATTEMPTS',
];

function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

/** pg_terminate_backend on every connection of the run (by its application name); returns how many. */
async function terminateConnections(databaseUrl: string, applicationName: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [applicationName],
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** A small deterministic generator, so a seed gives the same kill schedule. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x1_0000_0000;
  };
}

interface Child {
  proc: ChildProcess;
  exited: Promise<void>;
  alive: boolean;
  /** Killed by the run (not exited on its own). */
  killed: boolean;
  stderr: string[];
}

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const log = options.log ?? (() => undefined);
  const random = prng(options.seed);
  const started = Date.now();
  const schema = `chaos_${randomBytes(6).toString('hex')}`;
  const queuePrefix = `chaos-${randomBytes(4).toString('hex')}`;
  // The run's connections carry its own name, so killing them never touches anyone else's.
  const applicationName = schema;
  const applicationsDir = mkdtempSync(join(tmpdir(), 'robot-chaos-'));
  const children: Child[] = [];
  let db: Db | undefined;
  const stops: Array<() => Promise<void>> = [];
  try {
    const databaseUrl = withApplicationName(options.databaseUrl, applicationName);
    db = await openDatabase({ url: databaseUrl, schema });
    // Its own Redis without persistence, restarted empty mid-run (the shared one is never flushed).
    const redis = await startThrowawayRedis();
    stops.push(() => redis.stop());
    const sandbox = await startSandbox({ fixtures: { applicationsDir }, faults: { ssbtek: { latencyMs: 50 } } });
    stops.push(() => sandbox.stop());
    const households = sandbox.generate(options.applications, options.seed, { month: MONTH });
    const ids = households.map((h) => h.id);
    // The outside systems of the carry-out, with faults: 5xx now and then, replies lost after acting.
    const faults = { failProbability: 0.05, latencyMs: 100 };
    const caseSystem = await startCaseSystemApi({ faults, random: prng(options.seed + 1) });
    const payments = await startPayments({ dedupe: false, faults, lostReplyProbability: 0.05, random: prng(options.seed + 2) });
    const messages = await startNotifications({ dedupe: false, faults, lostReplyProbability: 0.05, random: prng(options.seed + 3) });
    stops.push(() => caseSystem.stop(), () => payments.stop(), () => messages.stop());

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: schema,
      REDIS_URL: redis.url,
      ...registerEnv(sandbox),
      CASESYSTEM_URL: caseSystem.url,
      PAYMENT_URL: payments.url,
      NOTIFY_URL: messages.url,
      REGISTER_TIMEOUT_MS: '5000',
      REGISTER_ATTEMPTS: '3',
      WORKER_CONCURRENCY: '4',
      TEST_QUEUE_PREFIX: queuePrefix,
      // Production's attempts, stall count, lock and recovery limit (src/config.ts); only
      // waiting times are shortened: backoffs, the poll and the sweeps' intervals.
      TEST_POLL_INTERVAL_MS: '300',
      TEST_JOB_BACKOFF_MS: '200',
      TEST_OUTBOUND_BACKOFF_MS: '200',
      TEST_OUTBOUND_SWEEP_MS: '1000',
      CASE_SWEEP_INTERVAL_MS: '1000',
      CASE_SWEEP_QUIET_MS: '2000',
      SCHEDULER_CHECK_INTERVAL_MS: '1000',
    };
    const productionSettings = !Object.keys(env).some((k) => PRODUCTION_SETTINGS.includes(k));
    let workerStarts = 0;
    const startWorker = (): Child => {
      workerStarts++;
      const proc = spawn(process.execPath, ['--import', 'tsx', WORKER_SCRIPT], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
      const child: Child = { proc, alive: true, killed: false, stderr: [], exited: Promise.resolve() };
      proc.stderr!.on('data', (chunk: Buffer) => child.stderr.push(chunk.toString('utf8').slice(0, 500)));
      child.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
      void child.exited.then(() => (child.alive = false));
      children.push(child);
      return child;
    };
    for (let i = 0; i < options.workers; i++) startWorker();

    const counts = async () => {
      const { rows } = await db!.query<{ state: string; n: string }>('SELECT state, count(*) AS n FROM cases GROUP BY state');
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)])) as Record<string, number>;
    };

    // The scripted caseworker: signs every proposal, as it stands, through the web's signCase.
    const signed = new Map<string, { decisionId: string; outcome: string; amount: string }>();
    let caseworkerDone = false;
    let signErrors = 0;
    const caseworker = (async () => {
      while (!caseworkerDone) {
        const found = await db!.query<{ id: string; municipality: string }>("SELECT id, municipality FROM cases WHERE state = 'PROPOSED' ORDER BY id LIMIT 8").catch(() => undefined);
        if (!found) {
          await sleep(200); // the connections were just killed: the page reloads
          continue;
        }
        const { rows } = found;
        for (const row of rows) {
          const user = DEV_USERS.find((u) => u.role === 'caseworker' && u.municipalities.includes(row.municipality))!;
          let outcome;
          try {
            outcome = await signCase(db!, user, { caseId: row.id, proposalId: undefined }, SIGNED_AT);
          } catch (error) {
            // The page would show an error and the caseworker sign again (see signErrors).
            signErrors++;
            log(`signing ${row.id} failed: ${(error as Error).message.slice(0, 120)}`);
            continue;
          }
          if (outcome.ok) signed.set(row.id, { decisionId: outcome.decision.id, outcome: outcome.decision.outcome, amount: outcome.decision.amount });
        }
        // A caseworker is not instant: signatures arrive spread over the run.
        await sleep(rows.length === 0 ? 100 : 150);
      }
    })();

    // The killer: SIGKILL to a random worker at a random moment, then a fresh one; and, spread
    // over the kills, Redis restarted empty and every database connection of the run killed.
    let kills = 0;
    let killsWhileCarryingOut = 0;
    let redisRestarts = 0;
    let dbConnectionKills = 0;
    let workerCrashes = 0;
    const deadline = started + options.timeoutMs;
    const ENDED = new Set(['COMPLETED', 'MANUAL', 'TECHNICAL_ERROR']);
    const due = (done: number, target: number) => target > 0 && done < target && kills >= Math.floor(((done + 1) * options.kills) / (target + 1));
    for (;;) {
      // A worker that ended on its own (Redis away at its start-up, say) is started again, as a
      // process supervisor would.
      for (const ch of children.filter((c) => !c.alive && !c.killed)) {
        ch.killed = true;
        workerCrashes++;
        log(`worker exited on its own: ${ch.stderr.join('').slice(0, 200)}`);
        startWorker();
      }
      const c = await counts().catch(() => undefined);
      if (!c) {
        await sleep(200); // the run's own connections were just killed
        continue;
      }
      const total = Object.values(c).reduce((a, b) => a + b, 0);
      const allEnded = total === ids.length && Object.entries(c).every(([state]) => ENDED.has(state));
      const faultsDone = kills >= options.kills && redisRestarts >= options.redisRestarts && dbConnectionKills >= options.dbConnectionKills;
      if (faultsDone && allEnded) break;
      if (Date.now() > deadline) {
        log(`chaos run did not finish in ${options.timeoutMs} ms: ${JSON.stringify(c)} after ${kills} kills`);
        break;
      }
      if (total > 0 && !allEnded && (due(redisRestarts, options.redisRestarts) || (kills >= options.kills && redisRestarts < options.redisRestarts))) {
        await redis.restartEmpty();
        redisRestarts++;
        log(`redis restarted empty (${redisRestarts}) at ${JSON.stringify(c)}`);
        continue;
      }
      if (total > 0 && !allEnded && (due(dbConnectionKills, options.dbConnectionKills) || (kills >= options.kills && dbConnectionKills < options.dbConnectionKills))) {
        const n = await terminateConnections(options.databaseUrl, applicationName);
        dbConnectionKills++;
        log(`database connections killed (${dbConnectionKills}): ${n}`);
        continue;
      }
      if (kills < options.kills) {
        // At least half of the kills must land while decisions are being carried out.
        const wantCarryOut = killsWhileCarryingOut < Math.ceil(options.kills / 2) && kills - killsWhileCarryingOut >= Math.floor(options.kills / 2);
        if (wantCarryOut && (c.SIGNED ?? 0) === 0 && !allEnded) {
          await sleep(50);
          continue;
        }
        await sleep(wantCarryOut ? Math.floor(random() * 300) : 300 + Math.floor(random() * 1200));
        const alive = children.filter((ch) => ch.alive);
        const victim = alive[Math.floor(random() * alive.length)];
        if (victim) {
          const carryingOut = ((await counts().catch(() => ({}) as Record<string, number>)).SIGNED ?? 0) > 0;
          victim.killed = true;
          victim.proc.kill('SIGKILL');
          await victim.exited;
          kills++;
          if (carryingOut) killsWhileCarryingOut++;
          log(`kill ${kills}${carryingOut ? ' (while carrying out)' : ''}`);
          await sleep(Math.floor(random() * 400));
          startWorker();
        }
      } else {
        await sleep(250);
      }
    }
    caseworkerDone = true;
    await caseworker;

    // Count from the outside systems' own records.
    const rules = loadRules();
    const written = new Map<string, number>();
    for (const d of caseSystem.decisions()) written.set(d.decisionId, (written.get(d.decisionId) ?? 0) + 1);
    const paid = payments.byDecision();
    const told = messages.byDecision();
    const beyondOne = async (table: 'proposals' | 'decisions') =>
      Number((await db!.query<{ n: string | null }>(`SELECT sum(n - 1) AS n FROM (SELECT count(*) AS n FROM ${table} WHERE ${table === 'decisions' ? 'supersedes IS NULL' : 'true'} GROUP BY case_id) t`)).rows[0]?.n ?? 0);
    const duplicates: ChaosDuplicates = {
      proposals: await beyondOne('proposals'),
      decisions: await beyondOne('decisions'),
      writeBacks: [...written.values()].reduce((a, n) => a + Math.max(0, n - 1), 0),
      payments: [...paid.values()].reduce((a, list) => a + list.length - 1, 0),
      messages: [...told.values()].reduce((a, list) => a + list.length - 1, 0),
    };

    const manualAfterSigning = new Set(
      (
        await db.query<{ case_id: string }>(
          "SELECT case_id FROM case_state_history WHERE from_state = 'SIGNED' AND to_state = 'MANUAL' AND case_id = ANY($1)",
          [[...signed.keys()]],
        )
      ).rows.map((r) => r.case_id),
    );
    let lost = 0;
    let wrongPayments = 0;
    const rule = rules.municipality('1287')!.paymentDay(`${MONTH}-01`)!.value;
    const payDay = paymentDay(rule, MONTH, rules.closedBankDaysAt(`${MONTH}-01`)!.value);
    for (const [caseId, d] of signed) {
      if (manualAfterSigning.has(caseId)) continue; // named and handed to a caseworker, not lost
      const pays = d.outcome === 'GRANT' && Number(d.amount) > 0;
      if (!written.has(d.decisionId)) lost++;
      else if (pays && !paid.has(d.decisionId)) lost++;
      else if (!told.has(d.decisionId)) lost++;
      if (!pays && paid.has(d.decisionId)) wrongPayments++;
      if (pays && paid.get(d.decisionId)?.some((p) => p.body.payDay !== payDay || p.body.amount !== d.amount)) wrongPayments++;
    }
    const signedIds = new Set([...signed.values()].map((d) => d.decisionId));
    // Effects for decisions nobody signed would be worse than lost.
    for (const id of [...written.keys(), ...paid.keys(), ...told.keys()]) if (!signedIds.has(id)) wrongPayments++;

    const casesByState = await counts();
    const inCases = Object.values(casesByState).reduce((a, n) => a + n, 0);
    // An application that never became a case is lost; a case that never ended is stuck.
    lost += ids.length - inCases;
    const stuck = inCases - [...Object.entries(casesByState)].filter(([s]) => ENDED.has(s)).reduce((a, [, n]) => a + n, 0);
    const recovered = (await db.query<{ cases: string; total: string | null }>('SELECT count(*) FILTER (WHERE recoveries > 0) AS cases, sum(recoveries) AS total FROM cases')).rows[0]!;
    return {
      applications: ids.length,
      applicationsIn: inCases,
      decisionsSigned: signed.size,
      decisionsWritten: written.size,
      paymentsOrdered: payments.records().length,
      messagesSent: messages.records().length,
      duplicates,
      duplicatesTotal: Object.values(duplicates).reduce((a, n) => a + n, 0),
      lost,
      stuck,
      productionSettings,
      redisRestarts,
      dbConnectionKills,
      workerCrashes,
      casesRecovered: Number(recovered.cases),
      recoveries: Number(recovered.total ?? 0),
      kills,
      killsWhileCarryingOut,
      workerStarts,
      casesByState,
      routedManual: manualAfterSigning.size,
      writeBackPostsAbsorbed: [...written.keys()].reduce((a, id) => a + Math.max(0, caseSystem.posts(id) - 1), 0),
      wrongPayments,
      signErrors,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    for (const child of children) if (child.alive) child.proc.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    for (const stop of stops) await stop().catch(() => undefined);
    await db?.close().catch(() => undefined);
    rmSync(applicationsDir, { recursive: true, force: true });
    await dropSchema(schema, options.databaseUrl);
  }
}
