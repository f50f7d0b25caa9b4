import { readFileSync } from 'node:fs';
import { seedSandboxDeclarations } from '../../src/sandbox/declarations.js';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemException } from '../../src/domain/errors.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { openQueues, type Queues } from '../../src/robot/queues.js';
import {
  appendAudit,
  countCasesByState,
  createCase,
  getCase,
  getProposalForCase,
  IN_MEMORY,
  insertSnapshot,
  openDatabase,
  saveApplication,
  searchAudit,
  transitionCase,
  type Db,
} from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { csvCell } from '../../src/web/admin/csv.js';
import { auditCsvRow } from '../../src/web/admin/auditLog.js';
import { parseLocalTime, toLocalInput } from '../../src/web/admin/time.js';
import { buildWebServer } from '../../src/web/server.js';
import { DEV_USERS } from '../../src/web/auth/devUsers.js';
import { signCase } from '../../src/web/caseworker/service.js';
import { recordTestLogins, registerTestAuth } from '../support/adminServer.js';
import { REDIS_URL, startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * The admin pages against a real Redis (the robot's queues) and a real database (PGlite),
 * with the whole pipeline running on the sandbox: overview, replay after an SSBTEK outage,
 * replay from a stored snapshot, pause and resume of intake, audit search and CSV, bull-board,
 * and the 404 every other role gets.
 */
const ADMIN = { 'x-test-user': 'admin' };

function personalNumbersIn(value: unknown, into = new Set<string>()): Set<string> {
  if (typeof value === 'string' && /^\d{12}$/.test(value)) into.add(value);
  else if (Array.isArray(value)) value.forEach((v) => personalNumbersIn(v, into));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => personalNumbersIn(v, into));
  return into;
}
function forms(pn: string): string[] {
  return [pn, `${pn.slice(0, 8)}-${pn.slice(8)}`, pn.slice(2), `${pn.slice(2, 8)}-${pn.slice(8)}`];
}

describe('admin pages', () => {
  let db: Db;
  let harness: PipelineHarness;
  let app: FastifyInstance;
  let queueSource: () => Queues | undefined;
  let current: Queues | undefined;

  /** A page as the admin, and the form token with the cookie that goes with it. */
  async function adminSession(): Promise<{ token: string; cookie: string }> {
    const res = await app.inject({ method: 'GET', url: '/admin', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    const secret = res.cookies.find((c) => c.name === '_csrf');
    expect(token).toBeTruthy();
    expect(secret).toBeTruthy();
    return { token: token!, cookie: `_csrf=${secret!.value}` };
  }

  async function post(url: string, fields: Record<string, string>, user = 'admin') {
    const { token, cookie } = await adminSession();
    return app.inject({
      method: 'POST',
      url,
      headers: { 'x-test-user': user, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...fields, _csrf: token }).toString(),
    });
  }

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    // Replaying from intake asks the registers: the admins hold SSBTEK declarations (issue 13).
    await seedSandboxDeclarations(db, 'robot', '2000-01-01');
    await recordTestLogins(db);
    harness = await startPipeline(db, { attempts: 2, registerAttempts: 1 });
    current = harness.robot.queues;
    queueSource = () => current;
    const logger = createLogger({ nodeEnv: 'test', logLevel: 'warn' });
    app = buildWebServer({ logger, metrics: createMetrics({ defaultMetrics: false }), checks: {} });
    await registerTestAuth(app);
    await app.register(adminRoutes({ db, rules: harness.deps.rules, queues: queueSource }));
    await app.ready();
    await harness.robot.pollNow();
    const { rows } = await db.query<{ id: string }>('SELECT id FROM cases');
    await harness.settle(rows.map((r) => r.id));
  }, 120_000);

  afterAll(async () => {
    await app?.close();
    await harness?.stop();
    await db?.close();
  });

  it('the overview lists signed decisions whose carry-out stopped, with the step, and the carry-out and booking queues', async () => {
    // Found by trying the pages: a payment that failed for good showed nowhere on Drift, whose
    // queue table had only intake and cases ("Inga misslyckade jobb" while payments failed).
    const { rows } = await db.query<{ id: string; municipality: string }>("SELECT id, municipality FROM cases WHERE state = 'PROPOSED' ORDER BY id LIMIT 1");
    const c = rows[0]!;
    // Not hl-trelleborg-1: another test here expects no audit entry of hers.
    const user = DEV_USERS.find((u) => u.role === 'caseworker' && u.municipalities.includes(c.municipality) && u.id !== 'hl-trelleborg-1')!;
    const signed = await signCase(db, user, { caseId: c.id, proposalId: undefined });
    if (!signed.ok) throw new Error(signed.message);
    await transitionCase(db, { caseId: c.id, from: 'SIGNED', to: 'MANUAL', actor: 'robot:test', reason: 'TECHNICAL_ERROR: payment' });
    const res = await app.inject({ method: 'GET', url: '/admin', headers: ADMIN });
    expect(res.body).toMatch(/Beslut som inte är verkställda \(\d+\)/);
    expect(res.body).toMatch(new RegExp(`<th scope="row">${c.id}</th><td>[^<]+</td><td>Utbetalningen</td>`));
    expect(res.body).toContain('<caption id="jobb2-rubrik">Verkställighet och bokning: jobb per läge</caption>');
    expect(res.body).toContain('<th scope="col" class="num">Verkställighet</th><th scope="col" class="num">Bokning</th>');
  });

  it('the overview shows cases by state, jobs by queue and state, and the last hour as a chart with a table', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    const counts = await countCasesByState(db);
    expect(counts.PROPOSED).toBeGreaterThan(0);
    expect(res.body).toContain(`Förslag att granska <span class="code">(PROPOSED)</span></th><td>${counts.PROPOSED}</td>`);
    expect(res.body).toContain(`Manuell handläggning <span class="code">(MANUAL)</span></th><td>${counts.MANUAL}</td>`);
    expect(res.body).toContain('Jobb per kö och läge');
    // A row per state, a short column per queue: it fits a phone (test/e2e/reflow.e2e.test.ts).
    expect(res.body).toContain('<thead><tr><th scope="col">Läge</th><th scope="col" class="num">Intag</th><th scope="col" class="num">Ärenden</th></tr></thead>');
    expect(res.body).toMatch(/<tr><th scope="row">Väntar<\/th><td class="num">[\d\u00a0]+<\/td><td class="num">[\d\u00a0]+<\/td><\/tr>/);
    expect(res.body).toMatch(/<svg class="chart" role="img" aria-labelledby="genomstromning-titel genomstromning-beskrivning"/);
    expect(res.body.match(/<rect /g)?.length ?? 0).toBeGreaterThan(3);
    // The table says the same as the chart: its totals add up to the cases finished in the hour.
    const totals = [...res.body.matchAll(/<td>(\d+)<\/td><\/tr>/g)].map((m) => Number(m[1]));
    expect(totals.length).toBeGreaterThan(0);
    const total = Number(/totalt (\d+) ärenden/.exec(res.body)?.[1]);
    expect(total).toBeGreaterThanOrEqual(counts.PROPOSED);
  });

  it('a case that failed in an SSBTEK outage is listed with the failing part and error class, never a personal number; a replay gives it a proposal', async () => {
    const [household] = harness.sandbox.generate(1, 9911, { month: '2021-06' });
    const id = household!.id;
    const numbers = [...personalNumbersIn(household)].flatMap(forms);
    expect(numbers.length).toBeGreaterThan(0);
    harness.sandbox.ssbtek.setFaults({ failProbability: 1 });
    try {
      await harness.robot.pollNow();
      await harness.settle([id], ['TECHNICAL_ERROR']);
    } finally {
      harness.sandbox.ssbtek.clearFaults();
    }

    const page = await app.inject({ method: 'GET', url: '/admin', headers: ADMIN });
    const row = new RegExp(`<th scope="row">${id}</th>\\s*<td>[^<]+</td>\\s*<td>([^<]+)</td>\\s*<td>([^<]+)</td>`).exec(page.body);
    expect(row, 'the case is listed with its failing register').not.toBeNull();
    // In words: the register and the kind of failure, not the code and the class name.
    expect(row![1]).toBe('SSBTEK (uppgifter från Försäkringskassan, Skatteverket, CSN m.fl.)');
    expect(row![2]).toBe('systemfel (roboten försökte igen)');
    for (const form of numbers) expect(page.body).not.toContain(form);

    // Without the form token the replay is refused.
    const forged = await app.inject({
      method: 'POST',
      url: '/admin/omkorning',
      headers: { ...ADMIN, 'content-type': 'application/x-www-form-urlencoded' },
      payload: `arende=${id}&satt=intake`,
    });
    expect(forged.statusCode).toBe(403);
    expect((await getCase(db, id))!.state).toBe('TECHNICAL_ERROR');

    const replay = await post('/admin/omkorning', { arende: id, satt: 'intake' });
    expect(replay.statusCode).toBe(200);
    expect(replay.body).toContain('Skickat till kön igen');
    const settled = await harness.settle([id], ['PROPOSED', 'MANUAL']);
    expect(['PROPOSED', 'MANUAL']).toContain(settled.get(id));
    expect(await getProposalForCase(db, id)).toBeDefined();

    // Refused with the reason in words, not counted as "behandlat".
    const again = await post('/admin/omkorning', { arende: id, satt: 'intake' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Inte omkört: ärendet ligger hos handläggare');
    expect(again.body).not.toContain('behandlat');
    // An id that names no case is an error.
    const unknown = await post('/admin/omkorning', { arende: 'FINNS-INTE-9', satt: 'intake' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('Det finns inget ärende med id FINNS-INTE-9');
    expect(unknown.body).toContain('role="alert"');
    const audit = (await searchAudit(db, { caseId: id, actor: 'admin-1' })).map((e) => `${e.action}:${e.result}:${String(e.details.result)}`);
    expect(audit).toContain('admin.replay:ok:requeued');
    expect(audit).toContain('admin.replay:refused:with-caseworker');
  }, 60_000);

  it('replays every case that went to TECHNICAL_ERROR since a given time', async () => {
    const households = harness.sandbox.generate(3, 5151, { month: '2021-07' });
    const ids = households.map((h) => h.id);
    const before = new Date(Date.now() - 1000);
    harness.sandbox.ssbtek.setFaults({ failProbability: 1 });
    try {
      await harness.robot.pollNow();
      await harness.settle(ids, ['TECHNICAL_ERROR']);
    } finally {
      harness.sandbox.ssbtek.clearFaults();
    }
    const res = await post('/admin/omkorning/sedan', { sedan: toLocalInput(before), satt: 'intake' });
    expect(res.statusCode).toBe(200);
    for (const id of ids) expect(res.body).toContain(id);
    for (const id of ids) expect(res.body).toMatch(new RegExp(`<th scope="row">${id}</th><td>Från intaget</td><td>Skickat till kön igen`));
    await harness.settle(ids, ['PROPOSED', 'MANUAL']);
    for (const id of ids) expect(await getProposalForCase(db, id)).toBeDefined();
    const bulk = await searchAudit(db, { actor: 'admin-1' });
    expect(bulk.some((e) => e.action === 'admin.replay.since' && Number(e.details.cases) >= ids.length)).toBe(true);
    for (const id of ids) expect(bulk.some((e) => e.action === 'admin.replay' && e.caseId === id && e.result === 'ok')).toBe(true);
  }, 60_000);

  it('from the stored snapshot: stores a proposal for a broken case without asking the registers, compares for a case that has one', async () => {
    const snapshot = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'snapshots', 'contract-example.json'), 'utf8'));
    const id = 'A-2026-990123';
    snapshot.application.id = id;
    await saveApplication(db, { id, municipality: '1287', receivedAt: new Date(), raw: snapshot.application });
    await createCase(db, { id, municipality: '1287', month: snapshot.application.month, actor: 'test' });
    await transitionCase(db, { caseId: id, from: 'RECEIVED', to: 'GATHERING', actor: 'test' });
    await insertSnapshot(db, { caseId: id, snapshot, rulesVersion: harness.deps.rules.version });
    await transitionCase(db, { caseId: id, from: 'GATHERING', to: 'TECHNICAL_ERROR', actor: 'test', reason: 'TECHNICAL_ERROR: database' });

    const stored = await post('/admin/omkorning', { arende: id, satt: 'snapshot' });
    expect(stored.statusCode).toBe(200);
    expect(stored.body).toContain('räknades om från ögonblicksbilden och sparades');
    const proposal = await getProposalForCase(db, id);
    expect(proposal).toBeDefined();
    expect((await getCase(db, id))!.state).toBe(proposal!.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED');
    // Not a single register was asked: the audit log of the case has no look-up.
    expect((await searchAudit(db, { caseId: id })).filter((e) => e.action.endsWith('.lookup'))).toEqual([]);
    // No amount on the admin's page: case content stays with the caseworker.
    expect(stored.body).not.toContain(`${proposal!.amount} kr`);

    const compared = await post('/admin/omkorning', { arende: id, satt: 'snapshot' });
    expect(compared.body).toContain('samma förslag som det sparade');
    const { rows } = await db.query<{ n: string }>('SELECT count(*) AS n FROM proposals WHERE case_id = $1', [id]);
    expect(Number(rows[0]!.n)).toBe(1);

    // A case whose registers never answered has no snapshot: the page says to replay from intake.
    const [household] = harness.sandbox.generate(1, 7373, { month: '2021-08' });
    harness.sandbox.ssbtek.setFaults({ failProbability: 1 });
    try {
      await harness.robot.pollNow();
      await harness.settle([household!.id], ['TECHNICAL_ERROR']);
    } finally {
      harness.sandbox.ssbtek.clearFaults();
    }
    const none = await post('/admin/omkorning', { arende: household!.id, satt: 'snapshot' });
    expect(none.body).toContain('ingen sparad ögonblicksbild');
    expect((await getCase(db, household!.id))!.state).toBe('TECHNICAL_ERROR');
    const audit = await searchAudit(db, { caseId: id, actor: 'admin-1' });
    expect(audit.map((e) => String(e.details.result))).toEqual(expect.arrayContaining(['stored', 'compared-same']));
  }, 60_000);

  it('refuses a personal number as case id, without echoing or logging it', async () => {
    const res = await post('/admin/omkorning', { arende: '198507099805', satt: 'intake' });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain('198507099805');
    const entries = await searchAudit(db, { actor: 'admin-1', limit: 5 });
    expect(JSON.stringify(entries)).not.toContain('198507099805');
  });

  it('refuses a personal number in the reason before replaying: a clear error naming the field, nothing run, nothing logged with the number', async () => {
    const id = 'A-2026-990777';
    await saveApplication(db, { id, municipality: '1287', receivedAt: new Date(), raw: { id } });
    await createCase(db, { id, municipality: '1287', month: '2026-11', actor: 'test' });
    await transitionCase(db, { caseId: id, from: 'RECEIVED', to: 'GATHERING', actor: 'test' });
    await transitionCase(db, { caseId: id, from: 'GATHERING', to: 'TECHNICAL_ERROR', actor: 'test', reason: 'TECHNICAL_ERROR: ssbtek' });
    for (const [url, fields] of [
      ['/admin/omkorning', { arende: id, satt: 'intake', skal: 'Sökande 19930606-2291 ringde' }],
      ['/admin/omkorning/sedan', { sedan: toLocalInput(new Date(Date.now() - 60_000)), satt: 'intake', skal: 'gäller 198507099805' }],
    ] as const) {
      const res = await post(url, fields);
      expect(res.statusCode, url).toBe(400);
      expect(res.body).toContain('Skäl: får inte innehålla ett personnummer');
      expect(res.body).toContain('Ingenting har körts om');
      expect(res.body).not.toMatch(/19930606|198507099805/);
    }
    expect((await getCase(db, id))!.state).toBe('TECHNICAL_ERROR');
    const entries = await searchAudit(db, { actor: 'admin-1', limit: 10 });
    expect(entries.filter((e) => e.result === 'refused' && (e.details.fields as string[] | undefined)?.includes('skal'))).toHaveLength(2);
    expect(JSON.stringify(entries)).not.toMatch(/19930606|198507099805/);
  });

  it('pauses and resumes intake on the queue, for every process', async () => {
    const paused = await post('/admin/intag/pausa', {});
    expect(paused.statusCode).toBe(303);
    expect(paused.headers.location).toBe('/admin?meddelande=intag-pausat');
    expect(await harness.robot.queues.intake.isPaused()).toBe(true);
    const page = await app.inject({ method: 'GET', url: paused.headers.location as string, headers: ADMIN });
    expect(page.body).toContain('Intaget är pausat.');
    expect(page.body).toContain('action="/admin/intag/aterupta"');
    // One municipality's hold is said with its name, and a posted code never as typed.
    const held = await app.inject({ method: 'GET', url: '/admin?meddelande=intag-pausat-kommun&kommun=1263', headers: ADMIN });
    expect(held.body).toContain('Intaget är pausat för Svedala kommun.');
    const odd = await app.inject({ method: 'GET', url: '/admin?meddelande=intag-pausat-kommun&kommun=%3Cb%3E', headers: ADMIN });
    expect(odd.body).toContain('Intaget är pausat för kommunen.');

    const resumed = await post('/admin/intag/aterupta', {});
    expect(resumed.statusCode).toBe(303);
    expect(await harness.robot.queues.intake.isPaused()).toBe(false);
    const actions = (await searchAudit(db, { actor: 'admin-1', limit: 20 })).map((e) => e.action);
    expect(actions).toContain('admin.intake.pause');
    expect(actions).toContain('admin.intake.resume');
  });

  it('lists failed jobs with their queue, case id and error class only: never the error text', async () => {
    const prefix = `admintest-${Date.now().toString(36)}`;
    const url = new URL(REDIS_URL);
    const connection = { host: url.hostname, port: Number(url.port || 6379) };
    const other = openQueues(connection, prefix, { attempts: 1 });
    const worker = new Worker(
      'cases',
      async () => {
        throw new SystemException('ssbtek', 'SSBTEK refused 19850709-9805');
      },
      { connection, prefix },
    );
    try {
      await other.enqueueCase('A-FAILED-1');
      for (let i = 0; i < 100 && (await other.cases.getFailedCount()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      current = other;
      const res = await app.inject({ method: 'GET', url: '/admin', headers: ADMIN });
      expect(res.body).toMatch(/<td>Ärenden<\/td><td>A-FAILED-1<\/td><td>systemfel \(roboten försökte igen\)<\/td><td>1<\/td>/);
      expect(res.body).not.toMatch(/8507099805|850709-9805|refused/);
    } finally {
      current = harness.robot.queues;
      await worker.close();
      await new Queue('cases', { connection, prefix }).obliterate({ force: true }).catch(() => undefined);
      await other.close();
    }
  });

  it('searches the audit log by case, by user and by time', async () => {
    const id = (await db.query<{ id: string }>("SELECT id FROM cases WHERE state = 'PROPOSED' LIMIT 1")).rows[0]!.id;
    const byCase = await app.inject({ method: 'GET', url: `/admin/logg?arende=${id}`, headers: ADMIN });
    expect(byCase.statusCode).toBe(200);
    expect(byCase.body).toContain('Slog upp i SSBTEK');
    expect(byCase.body).not.toContain('ssbtek.lookup');
    const rows = [...byCase.body.matchAll(/<tr>\s*<td>[^<]+<\/td>\s*<td>[^<]+<\/td>\s*<td>[^<]+<\/td>\s*<td>(?:<a [^>]+>)?([^<]+)/g)].map((m) => m[1]);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r === id)).toBe(true);

    const byUser = await app.inject({ method: 'GET', url: '/admin/logg?anvandare=admin-1', headers: ADMIN });
    expect(byUser.body).toContain('Pausade intaget');
    expect(byUser.body).not.toContain('Slog upp i SSBTEK');
    const byName = await app.inject({ method: 'GET', url: `/admin/logg?anvandare=${encodeURIComponent('Lena Drift')}`, headers: ADMIN });
    expect(byName.body).toContain('Pausade intaget');
    expect(byName.body).not.toContain('Slog upp i SSBTEK');

    const future = toLocalInput(new Date(Date.now() + 3600_000));
    const later = toLocalInput(new Date(Date.now() + 7200_000));
    const none = await app.inject({ method: 'GET', url: `/admin/logg?fran=${future}&till=${later}`, headers: ADMIN });
    expect(none.body).toContain('Inga poster matchar sökningen.');
    const past = await app.inject({ method: 'GET', url: `/admin/logg?fran=${toLocalInput(new Date(Date.now() - 3600_000))}&anvandare=bistandsrobot`, headers: ADMIN });
    expect(past.body).toContain('Slog upp i SSBTEK');

    const bad = await app.inject({ method: 'GET', url: '/admin/logg?fran=igår', headers: ADMIN });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('role="alert"');
    const pn = await app.inject({ method: 'GET', url: '/admin/logg?anvandare=19850709-9805', headers: ADMIN });
    expect(pn.statusCode).toBe(400);
    expect(pn.body).not.toContain('850709-9805');
    // The form posts: a typed personal number is refused without ever being in a URL, and a
    // valid search goes on to the GET page with its filters (for paging and links).
    const page = await app.inject({ method: 'GET', url: '/admin/logg', headers: ADMIN });
    expect(page.body).toContain('<form method="post" action="/admin/logg" class="search">');
    const typed = await post('/admin/logg', { anvandare: '19850709-9805', arende: '' });
    expect(typed.statusCode).toBe(400);
    expect(typed.headers.location).toBeUndefined();
    expect(typed.body).toContain('Användare: sök inte på personnummer');
    expect(typed.body).not.toContain('850709-9805');
    // Mistyped by one digit (the check digit fails): still a person's number, still refused and not echoed.
    for (const [field, value] of [['anvandare', '19850312-1234'], ['arende', '198503121234'], ['arende', 'A-850312-1234']] as const) {
      const mistyped = await post('/admin/logg', { anvandare: '', arende: '', [field]: value });
      expect(mistyped.statusCode, value).toBe(400);
      expect(mistyped.body).toContain(`${field === 'arende' ? 'Ärende' : 'Användare'}: sök inte på personnummer`);
      expect(mistyped.body).not.toContain(value.slice(-9));
    }
    const uuid = await post('/admin/logg', { anvandare: '550e8400-e29b-41d4-a716-446655440000', arende: '' });
    expect(uuid.statusCode).toBe(303);
    const valid = await post('/admin/logg', { anvandare: 'Lena Drift', arende: '', fran: '', till: '' });
    expect(valid.statusCode).toBe(303);
    expect(valid.headers.location).toBe('/admin/logg?anvandare=Lena+Drift');
    const searches = (await searchAudit(db, { actor: 'admin-1', limit: 50 })).filter((e) => e.action === 'admin.audit.search');
    expect(searches.some((e) => e.details.caseId === id && e.result === 'ok')).toBe(true);
    expect(searches.some((e) => e.result === 'refused')).toBe(true);
  });

  it('exports the search as CSV for Swedish Excel (semicolons, BOM) with quoting and formula-injection protection', async () => {
    const caseId = 'CSV-TEST-1';
    await appendAudit(db, { actor: '=HYPERLINK("http://x")', action: 'a,b', caseId, purpose: 'rad ett\nrad "två"', result: 'ok', details: { note: '@SUM(1)' } });
    await appendAudit(db, { actor: '+cmd', action: '-2+3', caseId, purpose: '@x', result: 'ok' });
    const res = await app.inject({ method: 'GET', url: `/admin/logg.csv?arende=${caseId}`, headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="granskningslogg-\d{12}\.csv"$/);
    const text = res.body;
    expect(text.startsWith('\ufeffid;tid_svensk;anvandare;atgard;arende;person_pseudonym;syfte;resultat;detaljer\r\n')).toBe(true);
    expect(text).toContain(`;"'=HYPERLINK(""http://x"")";a,b;CSV-TEST-1;;"rad ett\nrad ""två""";ok;"{""note"":""@SUM(1)""}"\r\n`);
    expect(text).toContain(`;'+cmd;'-2+3;CSV-TEST-1;;'@x;ok;\r\n`);
    const lines = text.split('\r\n').filter(Boolean);
    // Header, the two entries, and the export itself (written before the read, with the case as filter).
    expect(lines).toHaveLength(4);
    expect(lines[3]).toMatch(/^\d+;\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2};admin-1;admin\.audit\.export;CSV-TEST-1;/);
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell(null)).toBe('');
    // The time as people read it: Swedish local time, winter (+1 h) and summer (+2 h).
    const entry = { id: '7', actor: 'admin-1', action: 'case.read', caseId: 'A-1', subjectRef: null, purpose: 'p', result: 'ok' as const, details: {} };
    expect(auditCsvRow({ ...entry, at: new Date('2026-11-29T17:46:05Z') })).toBe('7;2026-11-29 18:46:05;admin-1;case.read;A-1;;p;ok;\r\n');
    expect(auditCsvRow({ ...entry, at: new Date('2026-07-01T10:00:00Z') })).toBe('7;2026-07-01 12:00:00;admin-1;case.read;A-1;;p;ok;\r\n');
    const exports = (await searchAudit(db, { actor: 'admin-1', limit: 10 })).filter((e) => e.action === 'admin.audit.export');
    expect(exports[0]?.details.caseId).toBe(caseId);
  });

  it('mounts bull-board for admins, read-only, and refuses changing requests from another origin', async () => {
    const board = await app.inject({ method: 'GET', url: '/admin/koer/', headers: ADMIN });
    expect(board.statusCode).toBe(200);
    expect(board.body).toContain('<base href="/admin/koer/"');
    const api = await app.inject({ method: 'GET', url: '/admin/koer/api/queues?activeQueue=cases&status=latest&page=1', headers: ADMIN });
    expect(api.statusCode).toBe(200);
    const queues = (api.json() as { queues: { name: string; readOnlyMode: boolean }[] }).queues;
    // Every queue, carrying out (outbound) included.
    expect(queues.map((q) => q.name).sort()).toEqual(['booking', 'cases', 'intake', 'maintenance', 'outbound']);
    expect(queues.every((q) => q.readOnlyMode)).toBe(true);
    // Without the trailing slash: sent to the board (the CSP's base-uri 'none' disregards its
    // <base>, so its relative links need the slash; found by a trial in Chromium).
    const bare = await app.inject({ method: 'GET', url: '/admin/koer', headers: ADMIN });
    expect(bare.statusCode).toBe(301);
    expect(bare.headers.location).toBe('/admin/koer/');
    const carryOut = await app.inject({ method: 'GET', url: '/admin/koer/api/queues?activeQueue=outbound&status=latest&page=1', headers: ADMIN });
    expect(carryOut.statusCode).toBe(200);
    const forged = await app.inject({ method: 'PUT', url: '/admin/koer/api/queues/intake/pause', headers: { ...ADMIN, origin: 'https://evil.example' } });
    expect(forged.statusCode).toBe(403);
    expect(await harness.robot.queues.intake.isPaused()).toBe(false);
  });

  it('answers 404 to every other role on every admin route, and sends the signed-out to the login', async () => {
    const routes: [string, string][] = [
      ['GET', '/admin'],
      ['GET', '/admin?meddelande=intag-pausat'],
      ['GET', '/admin/logg'],
      ['GET', '/admin/logg.csv'],
      ['POST', '/admin/logg'],
      ['GET', '/admin/koer/'],
      ['GET', '/admin/koer'],
      ['GET', '/admin/koer/api/queues'],
      ['PUT', '/admin/koer/api/queues/intake/pause'],
      ['POST', '/admin/omkorning'],
      ['POST', '/admin/omkorning/sedan'],
      ['POST', '/admin/intag/pausa'],
      ['POST', '/admin/intag/aterupta'],
    ];
    const { token, cookie } = await adminSession();
    for (const role of ['caseworker', 'auditor']) {
      for (const [method, url] of routes) {
        const res = await app.inject({
          method: method as 'GET',
          url,
          headers: { 'x-test-user': role, cookie, 'content-type': 'application/x-www-form-urlencoded' },
          ...(method === 'GET' ? {} : { payload: `_csrf=${encodeURIComponent(token)}&arende=A-1&satt=intake&sedan=2020-01-01T00:00` }),
        });
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(404);
        expect(res.body).not.toContain('Drift');
        // The site's own 404 with a way back, not a bare heading (found in a trial).
        if (method === 'GET' && url === '/admin') expect(res.body, role).toContain('Till startsidan');
      }
    }
    for (const [method, url] of routes) {
      const res = await app.inject({ method: method as 'GET', url });
      expect(res.statusCode, `signed out ${method} ${url}`).toBe(303);
      expect(res.headers.location).toMatch(/^\/login\?next=/);
    }
    expect(await harness.robot.queues.intake.isPaused()).toBe(false);
    const others = await searchAudit(db, { actor: 'hl-trelleborg-1' });
    expect(others).toEqual([]);
  });

  it('writes every admin action to the audit log with the admin as actor', async () => {
    const actions = new Set((await searchAudit(db, { actor: 'admin-1', limit: 10_000 })).map((e) => e.action));
    for (const action of ['admin.replay', 'admin.replay.since', 'admin.intake.pause', 'admin.intake.resume', 'admin.audit.search', 'admin.audit.export']) {
      expect(actions, action).toContain(action);
    }
  });

  it('reads times in Swedish time, across summer time', () => {
    expect(parseLocalTime('2026-01-15T10:00')!.toISOString()).toBe('2026-01-15T09:00:00.000Z');
    expect(parseLocalTime('2026-07-15T10:00')!.toISOString()).toBe('2026-07-15T08:00:00.000Z');
    expect(parseLocalTime('2026-02-30T10:00')).toBeUndefined();
    expect(toLocalInput(new Date('2026-07-15T08:00:00Z'))).toBe('2026-07-15T10:00');
  });
});
