import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { loadRules } from '../../src/rules/load.js';
import { LAYOUT } from '../../src/stats/socialstyrelsen/index.js';
import { IN_MEMORY, openDatabase, searchAudit, type Db } from '../../src/store/index.js';
import type { WebUser } from '../../src/web/auth/user.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { buildWebServer } from '../../src/web/server.js';
import { registerTestAuth } from '../support/adminServer.js';
import { EXPECTED, PEOPLE, seedCase, seedScenario, writtenForms, type SeededCase } from '../support/statsSeed.js';

/**
 * The statistics pages of the admin console on a real database (PGlite): the list per
 * municipality and month, the download (checked against the decisions first, audit-logged),
 * 404 for a municipality outside the admin's own and for every other role, and the error page
 * when the file would not match the decisions.
 */
const ADMIN = { 'x-test-user': 'admin' };
const TRELLEBORG_ADMIN: WebUser = { id: 'admin-trelleborg', displayName: 'Tora Drift', role: 'admin', organisation: 'trelleborg', municipalities: ['1287'] };
const NOW = new Date('2026-11-03T09:00:00Z');

describe('admin: statistics to Socialstyrelsen', () => {
  let db: Db;
  let app: FastifyInstance;
  let broken: SeededCase;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    await seedScenario(db);
    // A stored application whose applicant cannot be read: the SQL reference counts the
    // household, the builder cannot write its row, so August's file does not match.
    broken = await seedCase(db, { municipality: '1287', month: '2026-08', applicant: 'oläsbart', decisions: [{ outcome: 'GRANT', amount: '1200', signedAt: '2026-08-02T08:00:00Z' }] });
    app = buildWebServer({ logger: createLogger({ nodeEnv: 'test', logLevel: 'warn' }), metrics: createMetrics({ defaultMetrics: false }), checks: {} });
    await registerTestAuth(app);
    app.addHook('onRequest', async (request) => {
      if (request.headers['x-test-user'] === TRELLEBORG_ADMIN.id) request.user = TRELLEBORG_ADMIN;
    });
    await app.register(adminRoutes({ db, rules: loadRules(), queues: () => undefined, bullBoard: false, clock: () => NOW }));
    await app.ready();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  function noPersonalNumbers(text: string): void {
    for (const pn of Object.values(PEOPLE)) for (const form of writtenForms(pn)) expect(text).not.toContain(form);
  }

  it('lists the last 12 months per municipality with deadline, households, persons and kronor, and the columns', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin/statistik', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.body;
    expect(body).toContain('<a href="/admin/statistik">Statistik</a>');
    expect(body).toContain('<h2>Svedala kommun (1263)</h2>');
    expect(body).toContain('<h2>Trelleborgs kommun (1287)</h2>');
    const trelleborg = body.slice(body.indexOf('<h2>Trelleborgs kommun (1287)</h2>'));
    expect(trelleborg).toContain('<th scope="row">oktober 2026</th><td>2026-11-15</td><td class="num">3</td><td class="num">4</td><td class="num">17\u00a0448</td>');
    expect(trelleborg).toContain('<th scope="row">september 2026</th><td>2026-10-15</td><td class="num">1</td><td class="num">1</td><td class="num">1\u00a0500</td>');
    expect(trelleborg).toContain('<th scope="row">november 2026 <span class="small">(månaden pågår)</span></th><td>2026-12-15</td><td class="num">0</td>');
    expect(trelleborg).toContain('<th scope="row">december 2025</th>');
    expect(trelleborg).not.toContain('november 2025');
    expect(trelleborg).toContain('href="/admin/statistik/1287/2026-10.txt"');
    expect(trelleborg).toContain('href="/admin/statistik/1287/2026.txt"');
    expect(trelleborg).toContain('href="/admin/statistik/1287/2025.txt"');
    expect(body).toContain('<th scope="row">oktober 2026</th><td>2026-11-15</td><td class="num">2</td><td class="num">3</td><td class="num">15\u00a0101</td>');
    for (const column of LAYOUT) expect(body).toContain(`<th scope="row">${column.name}</th>`);
    noPersonalNumbers(body);
  });

  it('downloads the monthly file as it should be, and logs who took it', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin/statistik/1287/2026-10.txt', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="ekonomiskt-bistand-1287-2026-10.txt"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toBe(EXPECTED.trelleborgOctober);

    const [entry] = (await searchAudit(db, { actor: 'admin-1', order: 'newest' })).filter((e) => e.action === 'admin.stats.download');
    expect(entry).toMatchObject({
      result: 'ok',
      caseId: null,
      details: { municipality: '1287', period: '2026-10', rows: 3, persons: 4, total: '17448', sha256: createHash('sha256').update(EXPECTED.trelleborgOctober).digest('hex'), valid: true },
    });
    noPersonalNumbers(JSON.stringify(entry));
  });

  it("downloads Svedala's yearly file with Svedala's households only", async () => {
    const res = await app.inject({ method: 'GET', url: '/admin/statistik/1263/2026.txt', headers: ADMIN });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe(EXPECTED.svedalaOctober);
  });

  it("a municipality outside the admin's own is 404, on the list and for the file", async () => {
    const list = await app.inject({ method: 'GET', url: '/admin/statistik', headers: { 'x-test-user': TRELLEBORG_ADMIN.id } });
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Trelleborgs kommun (1287)');
    expect(list.body).not.toContain('Svedala kommun');
    const before = (await searchAudit(db, { actor: TRELLEBORG_ADMIN.id })).length;
    for (const url of ['/admin/statistik/1263/2026-10.txt', '/admin/statistik/1263/2026.txt']) {
      const res = await app.inject({ method: 'GET', url, headers: { 'x-test-user': TRELLEBORG_ADMIN.id } });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).toContain('Sidan finns inte');
      noPersonalNumbers(res.body);
    }
    expect((await searchAudit(db, { actor: TRELLEBORG_ADMIN.id })).length).toBe(before);
    expect((await app.inject({ method: 'GET', url: '/admin/statistik/1287/2026-10.txt', headers: { 'x-test-user': TRELLEBORG_ADMIN.id } })).body).toBe(EXPECTED.trelleborgOctober);
  });

  it('any other role gets 404, and nobody signed in is sent to log in', async () => {
    for (const user of ['caseworker', 'auditor']) {
      for (const url of ['/admin/statistik', '/admin/statistik/1287/2026-10.txt', '/admin/statistik/1263/2026-10.txt']) {
        const res = await app.inject({ method: 'GET', url, headers: { 'x-test-user': user } });
        expect(res.statusCode, `${user} ${url}`).toBe(404);
        expect(res.body).not.toContain('\t');
      }
    }
    const anonymous = await app.inject({ method: 'GET', url: '/admin/statistik/1287/2026-10.txt' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
  });

  it('a period that has not begun gets a Swedish page, not an empty file that would read as "nothing paid"', async () => {
    for (const file of ['2026-12.txt', '2027-01.txt', '2027.txt']) {
      const res = await app.inject({ method: 'GET', url: `/admin/statistik/1287/${file}`, headers: ADMIN });
      expect(res.statusCode, file).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('perioden har inte börjat');
    }
    // The month in progress is a file (the page marks it "månaden pågår").
    expect((await app.inject({ method: 'GET', url: '/admin/statistik/1287/2026-11.txt', headers: ADMIN })).statusCode).toBe(200);
  });

  it('a period or municipality that is not one is 404', async () => {
    for (const url of ['/admin/statistik/1287/2026-13.txt', '/admin/statistik/1287/2026-10.csv', '/admin/statistik/1287/okt.txt', '/admin/statistik/9999/2026-10.txt', '/admin/statistik/12870/2026-10.txt']) {
      const res = await app.inject({ method: 'GET', url, headers: ADMIN });
      expect(res.statusCode, url).toBe(404);
    }
  });

  it('a file that does not match the decisions is not sent: a Swedish error page names the mismatch, and the attempt is logged', async () => {
    const res = await app.inject({ method: 'GET', url: '/admin/statistik/1287/2026-08.txt', headers: ADMIN });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-disposition']).toBeUndefined();
    expect(res.body).toContain('Statistikfilen stämmer inte med besluten');
    expect(res.body).toContain('2026-08: filen har 0 hushåll, besluten ger 1');
    expect(res.body).toContain(`2026-08: hushållet i ärende ${broken.caseId} saknas i filen`);
    expect(res.body).toContain(`ärende ${broken.caseId}: sökandens personnummer saknas eller går inte att läsa i underlaget`);
    const [entry] = (await searchAudit(db, { actor: 'admin-1', order: 'newest' })).filter((e) => e.action === 'admin.stats.download');
    expect(entry).toMatchObject({ result: 'error', details: { municipality: '1287', period: '2026-08', valid: false } });
  });
});
