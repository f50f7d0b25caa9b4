import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { freePort } from '../../src/cli/redis.js';
import { start as startBooking, type BookingSandbox } from '../../src/sandbox/booking.js';
import { start as startCaseSystemApi, type CaseSystemApiSandbox } from '../../src/sandbox/caseSystemApi.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { start as startNotifications, type NotificationSandbox } from '../../src/sandbox/notifications.js';
import { start as startPayments, type PaymentSandbox } from '../../src/sandbox/payments.js';
import { openDatabase, recordDeclaration, type Db } from '../../src/store/index.js';
import { dropSchema, randomSchema, SERVER_URL } from '../support/backends.js';
import { startTestProvider, type TestProvider } from '../support/oidcProvider.js';
import { registerEnv } from '../support/processWorld.js';
import { startThrowawayRedis, type ThrowawayRedis } from '../support/redisServer.js';
import { testTls, type TestTls } from '../support/tls.js';
import { startTlsProxy, type TlsProxy } from '../support/tlsProxy.js';

/**
 * The production path without a container engine: `npm run build`, the runtime image's files
 * laid out as the Dockerfile's last stage copies them (dist/, rules/, package.json; nothing from
 * src/), and the compiled `node dist/main.js worker` and `node dist/main.js web` run as child
 * processes with NODE_ENV=production and every production variable. Around them, started apart
 * as a deployment has them: a Redis of the test's own, a fresh schema on the PostgreSQL server
 * (migrated by the robot itself), the simulators of every outside system, an OpenID Connect
 * provider over https (the only login production has) and a TLS-ending proxy in front of the web.
 *
 * One application goes the whole way: intake, proposal, a caseworker signs it through the web,
 * the worker carries it out (case system, payment, Mina ärenden), and the letter's PDF comes from
 * Chromium in the web process.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const SECRET = 'a-production-pseudonym-key-for-this-test-only-0123456789';
const SESSION_SECRET = 'a-production-session-secret-for-this-test-only-0123456789';
const METRICS_TOKEN = 'a-production-metrics-token-for-this-test-only-0123456789';

interface Child {
  name: string;
  proc: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  running(): boolean;
}

const children: Child[] = [];
let image: string;
let redis: ThrowawayRedis;
let schema: string;
let db: Db | undefined;
let sandbox: Sandbox;
let caseSystem: CaseSystemApiSandbox;
let payments: PaymentSandbox;
let notifications: NotificationSandbox;
let booking: BookingSandbox;
let tls: TestTls;
let provider: TestProvider;
let proxy: TlsProxy;
let applicationsDir: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `node dist/main.js <command>` in the image's layout, with only the environment given (and PATH, HOME). */
function startCompiled(command: 'worker' | 'web', env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['dist/main.js', command], {
    cwd: image,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  proc.stdout!.on('data', (c: Buffer) => stdout.push(...c.toString('utf8').split('\n').filter(Boolean)));
  proc.stderr!.on('data', (c: Buffer) => stderr.push(...c.toString('utf8').split('\n').filter(Boolean)));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  void exited.then(() => (done = true));
  const child = { name: command, proc, stdout, stderr, exited, running: () => !done };
  children.push(child);
  return child;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, child?: Child): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (child && !child.running()) throw new Error(`${child.name} exited while waiting for ${what}: ${child.stderr.slice(-5).join(' | ')}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(200);
  }
}

/** Lays out the runtime stage of the Dockerfile: its COPY lines (from the build stage: from ROOT), node_modules for `npm ci`. */
function layOutImage(dir: string): string[] {
  const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const copied: string[] = [];
  for (const line of runtime.split('\n')) {
    const m = /^COPY\s+(?:--from=\S+\s+)?(.+)$/.exec(line.trim());
    if (!m) continue;
    const parts = m[1]!.split(/\s+/);
    const dest = parts.pop()!;
    for (const source of parts) {
      const relative = source.replace(/^\/app\//, '');
      const target = dest.endsWith('/') ? join(dir, dest, relative.split('/').pop()!) : join(dir, dest);
      cpSync(join(ROOT, relative), target, { recursive: true });
      copied.push(relative);
    }
  }
  // `RUN npm ci --omit=dev` in the image; here the checkout's packages (see the dev-dependency check below).
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return copied;
}

// ---------------------------------------------------------------------------------------
// A browser's part, over https: cookies, forms, following redirects by hand

const jar = new Map<string, string>();
/** The provider's own cookies (its interaction and session), kept apart from the robot's. */
const providerJar = new Map<string, string>();

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function browse(url: string, options: { method?: 'GET' | 'POST'; form?: Record<string, string> } = {}): Promise<Answer> {
  const target = new URL(url);
  const body = options.form ? new URLSearchParams(options.form).toString() : undefined;
  const cookies = target.origin === proxy.url ? jar : target.origin === provider?.issuer ? providerJar : undefined;
  const cookie = cookies ? [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      target,
      {
        method: options.method ?? 'GET',
        ca: tls.cert,
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          if (cookies) {
            for (const line of [res.headers['set-cookie'] ?? []].flat()) {
              const [pair] = line.split(';');
              const eq = pair!.indexOf('=');
              cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
            }
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Follows 30x redirects (GET) from `url` and returns the last answer and the URL it came from. */
async function follow(url: string): Promise<{ answer: Answer; url: string; hops: string[] }> {
  const hops: string[] = [];
  let current = url;
  for (let i = 0; i < 10; i++) {
    const answer = await browse(current);
    if (answer.status < 300 || answer.status >= 400) return { answer, url: current, hops };
    current = new URL(String(answer.headers.location), current).href;
    hops.push(current);
  }
  throw new Error('too many redirects');
}

const field = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

beforeAll(async () => {
  // The build as the image's build stage runs it.
  const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  expect(build.status, `npm run build failed: ${build.stdout}\n${build.stderr}`).toBe(0);
  image = mkdtempSync(join(tmpdir(), 'robot-image-'));
  layOutImage(image);

  redis = await startThrowawayRedis();
  schema = randomSchema();
  applicationsDir = mkdtempSync(join(tmpdir(), 'robot-prod-apps-'));
  sandbox = await startSandbox({ fixtures: { applicationsDir } });
  [caseSystem, payments, notifications, booking] = await Promise.all([startCaseSystemApi(), startPayments(), startNotifications(), startBooking()]);
  tls = testTls();
  const webPort = await freePort();
  proxy = await startTlsProxy(tls, { host: '127.0.0.1', port: webPort });
  provider = await startTestProvider({
    tls,
    redirectUri: `${proxy.url}/auth/callback`,
    postLogoutRedirectUri: `${proxy.url}/utloggad`,
    accounts: { 'hl.trelleborg': { name: 'Handläggare Trelleborg', roles: ['bistand-handlaggare'], organisation: 'trelleborg' } },
    // Signed in at the provider already (single sign-on): the login is redirects only.
    signedIn: 'hl.trelleborg',
  });

  const production = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    REDIS_URL: redis.url,
    DATABASE_URL: SERVER_URL,
    DATABASE_SCHEMA: schema,
    ...registerEnv(sandbox),
    ORGANISATION_NUMBER: '212000-1165',
    FK_AKTORSID: 'aktor-1287',
    PSEUDONYM_SECRET: SECRET,
    METRICS_TOKEN,
    CASESYSTEM_URL: caseSystem.url,
    PAYMENT_URL: payments.url,
    NOTIFY_URL: notifications.url,
    BOOKING_URL: booking.url,
    CHROMIUM_PATH: '/usr/bin/chromium',
    POLL_INTERVAL_MS: '1000',
  };
  const worker = startCompiled('worker', production);
  await waitFor('worker started', async () => (worker.stdout.some((l) => l.includes('"msg":"worker started"')) ? true : undefined), 60_000, worker);
  const web = startCompiled('web', {
    ...production,
    HOST: '127.0.0.1',
    PORT: String(webPort),
    SESSION_SECRET,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    OIDC_REDIRECT_URI: `${proxy.url}/auth/callback`,
    // The municipality's CA, as its servers trust it (here: the test's self-signed certificate).
    NODE_EXTRA_CA_CERTS: tls.certFile,
  });
  await waitFor('the web answering /healthz', async () => ((await browse(`${proxy.url}/healthz`)).status === 200 ? true : undefined), 60_000, web);
  db = await openDatabase({ url: SERVER_URL, schema });
}, 300_000);

afterAll(async () => {
  for (const child of children) if (child.running()) child.proc.kill('SIGKILL');
  await Promise.all(children.map((c) => Promise.race([c.exited, sleep(10_000)])));
  await db?.close().catch(() => undefined);
  await Promise.all([sandbox, caseSystem, payments, notifications, booking, proxy].map((s) => s?.stop().catch(() => undefined)));
  await provider?.close().catch(() => undefined);
  await redis?.stop().catch(() => undefined);
  if (schema) await dropSchema(schema);
  for (const dir of [image, applicationsDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  tls?.remove();
}, 60_000);

describe('the production path: the compiled robot as the image runs it', () => {
  it('holds everything it needs at run time: rules, the stylesheet, the migrations, and no development package', () => {
    expect(existsSync(join(image, 'src')), 'the image has no src/').toBe(false);
    expect(readdirSync(join(image, 'rules', 'municipalities')).length).toBeGreaterThan(0);
    expect(readFileSync(join(image, 'dist', 'web', 'assets', 'site.css'), 'utf8')).toMatch(/font-family/);
    const migrations = readdirSync(join(image, 'dist', 'store', 'migrations')).filter((f) => f.endsWith('.js'));
    const sources = readdirSync(join(ROOT, 'src', 'store', 'migrations')).filter((f) => f.endsWith('.ts'));
    expect(migrations.length).toBe(sources.length);
    // `npm ci --omit=dev` in the image: nothing compiled may import a development dependency.
    const dev = Object.keys((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies);
    const offenders: string[] = [];
    const scan = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) scan(path);
        else if (entry.name.endsWith('.js')) {
          const text = readFileSync(path, 'utf8');
          for (const name of dev) if (new RegExp(`from ['"]${name.replace(/[/.]/g, '\\$&')}(/[^'"]*)?['"]|import\\(['"]${name}`).test(text)) offenders.push(`${path}: ${name}`);
        }
      }
    };
    scan(join(image, 'dist'));
    expect(offenders).toEqual([]);
  });

  it('serves its pages over the proxy with its stylesheet, and only OpenID Connect as login', async () => {
    const css = await browse(`${proxy.url}/assets/site.css`);
    expect(css.status).toBe(200);
    expect(css.body.toString('utf8')).toMatch(/font-family/);
    const login = await browse(`${proxy.url}/login`);
    expect(login.status).toBe(303);
    expect(String(login.headers.location)).toMatch(/^\/login\/oidc/);
    // The development login does not exist in production.
    expect((await browse(`${proxy.url}/login`, { method: 'POST', form: { userId: 'x' } })).status).not.toBe(303);
  });

  it('takes one application to a signed, carried-out decision and gives its letter as a PDF', async () => {
    const [household] = sandbox.generate(1, 15_001, { month: '2021-06' });
    const caseId = household!.id;
    const proposed = await waitFor(
      `case ${caseId} proposed`,
      async () => {
        const { rows } = await db!.query<{ state: string; outcome: string }>(
          'SELECT c.state, p.outcome FROM cases c JOIN proposals p ON p.case_id = c.id WHERE c.id = $1',
          [caseId],
        );
        return rows[0]?.state === 'PROPOSED' || rows[0]?.state === 'MANUAL' ? rows[0] : undefined;
      },
      90_000,
      children[0],
    );
    expect(proposed.state, 'the generated household should give a proposal to sign').toBe('PROPOSED');
    // As an admin records it on /admin/forsakringar: signing rests on SSBTEK's facts, which need the caseworker's declaration.
    await recordDeclaration(db!, { userId: 'hl.trelleborg', municipality: '1287', signedOn: '2020-01-01', receivedBy: 'Enhetschef', documentRef: 'SN 2020/1', recordedBy: 'admin-1' });

    // Login: the web sends the browser to the provider, the provider back with a code.
    const signedIn = await follow(`${proxy.url}/login?next=${encodeURIComponent(`/arenden/${caseId}`)}`);
    expect(signedIn.hops.some((h) => h.startsWith(`${provider.issuer}/auth?`))).toBe(true);
    expect(signedIn.hops.some((h) => h.startsWith(`${proxy.url}/auth/callback?`))).toBe(true);
    expect(signedIn.url).toBe(`${proxy.url}/arenden/${caseId}`);
    expect(signedIn.answer.status).toBe(200);
    expect(provider.stats()).toEqual({ authorizations: 1, tokens: 1 });
    const sessionCookie = jar.get('bistand_sid');
    expect(sessionCookie).toBeDefined();

    const html = signedIn.answer.body.toString('utf8');
    const csrf = field(html, '_csrf');
    const proposalId = field(html, 'proposalId');
    expect(csrf && proposalId, 'the case page offers signing').toBeTruthy();
    const signing = await browse(`${proxy.url}/arenden/${caseId}/signera`, { method: 'POST', form: { _csrf: csrf!, proposalId: proposalId! } });
    expect(signing.status, signing.body.toString('utf8').slice(0, 300)).toBe(303);

    // The worker carries it out: the case system, the payment and Mina ärenden, once each.
    await waitFor(
      `case ${caseId} completed`,
      async () => {
        const { rows } = await db!.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [caseId]);
        return rows[0]?.state === 'COMPLETED' ? true : undefined;
      },
      60_000,
      children[0],
    );
    const { rows } = await db!.query<{ id: string; signed_by: string }>('SELECT id, signed_by FROM decisions WHERE case_id = $1', [caseId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.signed_by).toBe('hl.trelleborg');
    expect(caseSystem.decisions().filter((d) => d.caseId === caseId)).toHaveLength(1);
    expect(payments.byDecision().get(String(rows[0]!.id))).toHaveLength(1);
    expect(notifications.byDecision().get(String(rows[0]!.id))).toHaveLength(1);

    const pdf = await browse(`${proxy.url}/arenden/${caseId}/beslut.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.body.length).toBeGreaterThan(5_000);
  }, 180_000);

  it('stops both processes cleanly on SIGTERM', async () => {
    for (const child of children) child.proc.kill('SIGTERM');
    const exits = await Promise.all(children.map((c) => Promise.race([c.exited, sleep(30_000).then(() => ({ code: -1, signal: null }))])));
    expect(exits.map((e) => e.code)).toEqual([0, 0]);
  }, 60_000);
});

describe('the image and compose files', () => {
  it('install Chromium with the letter fonts and start worker and web only on healthy Redis and PostgreSQL', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/apt-get install[^\n]*\bchromium\b/);
    expect(runtime).toMatch(/fonts-dejavu-core/);
    expect(runtime).toMatch(/fonts-liberation/);
    expect(runtime).toMatch(/ENV CHROMIUM_PATH=\/usr\/bin\/chromium/);
    expect(runtime).not.toMatch(/COPY\s+src\b/);
    const compose = parseYaml(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as {
      services: Record<string, { healthcheck?: { test: string[] }; depends_on?: Record<string, { condition: string }> }>;
    };
    expect(compose.services.redis!.healthcheck!.test.join(' ')).toMatch(/redis-cli ping/);
    expect(compose.services.postgres!.healthcheck!.test.join(' ')).toMatch(/pg_isready/);
    expect(compose.services.web!.healthcheck!.test.join(' ')).toMatch(/\/healthz/);
    for (const service of ['worker', 'web']) {
      expect(compose.services[service]!.depends_on).toEqual({ redis: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
    }
  });
});


