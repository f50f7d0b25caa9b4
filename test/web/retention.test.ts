import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { loadRules } from '../../src/rules/load.js';
import type { WebUser } from '../../src/web/auth/user.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { buildWebServer } from '../../src/web/server.js';
import { recordTestLogins, registerTestAuth } from '../support/adminServer.js';
import { seedCase } from '../support/retention.js';
import { personalNumber } from '../support/snapshots.js';
import { forEachBackend, useDatabase } from '../support/backends.js';

/**
 * The gallring pages: a dry run from the page, its report, the approval that needs the
 * "reviewed" box, the record of what went, and the municipality walls.
 */
const NOW = new Date('2032-03-01T09:00:00Z');
const OLD = '2026-01-10T10:00:00Z';
const SVEDALA_ADMIN: WebUser = { id: 'admin-svedala', displayName: 'Sven Drift', role: 'admin', organisation: 'svedala', municipalities: ['1263'] };

const numbers = [personalNumber('1985-07-07', '123'), personalNumber('1979-03-15', '234'), personalNumber('1990-11-08', '345')];

forEachBackend('admin gallring pages', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;

  const get = (url: string, user = 'admin') => app.inject({ method: 'GET', url, headers: { 'x-test-user': user } });

  async function post(url: string, fields: Record<string, string>, user = 'admin') {
    const page = await get('/admin/gallring', user);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    const secret = page.cookies.find((c) => c.name === '_csrf')?.value ?? '';
    return app.inject({
      method: 'POST',
      url,
      headers: { 'x-test-user': user, cookie: `_csrf=${secret}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...fields, _csrf: token }).toString(),
    });
  }

  function expectNoPersonalNumbers(html: string) {
    for (const n of numbers) {
      expect(html).not.toContain(n);
      expect(html).not.toContain(n.slice(2));
    }
  }

  beforeAll(async () => {
    await seedCase(db(), { id: 'W-DESTROY', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: numbers[0]!, decided: true });
    await seedCase(db(), { id: 'W-RESEARCH', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: numbers[1]! });
    await seedCase(db(), { id: 'W-SVEDALA', municipality: '1263', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: numbers[2]! });
    app = buildWebServer({ logger: createLogger({ nodeEnv: 'test', logLevel: 'warn' }), metrics: createMetrics({ defaultMetrics: false }), checks: {} });
    await registerTestAuth(app);
    await recordTestLogins(db());
    app.addHook('onRequest', async (request) => {
      if (request.headers['x-test-user'] === 'admin-svedala') request.user = SVEDALA_ADMIN;
    });
    await app.register(adminRoutes({ db: db(), rules: loadRules(), queues: () => undefined, clock: () => NOW, bullBoard: false }));
    await app.ready();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  let reportUrl = '';

  it('an admin makes a dry run and reads its report, with the rule and its status', async () => {
    const start = await get('/admin/gallring');
    expect(start.statusCode).toBe(200);
    // Municipalities and people by name, not by code or user id (found by trying the pages).
    expect(start.body).toContain('Provkör gallring för Trelleborgs kommun');
    expect(start.body).toContain('Provkör gallring för Svedala kommun');

    const made = await post('/admin/gallring/provkorning', { kommun: '1287' });
    expect(made.statusCode).toBe(303);
    reportUrl = made.headers.location as string;
    expect(reportUrl).toMatch(/^\/admin\/gallring\/[0-9a-f-]{36}$/);

    const report = await get(reportUrl);
    expect(report.statusCode).toBe(200);
    expect(report.body).toMatch(/<tr><th scope="row">W-DESTROY<\/th><td>2026-01<\/td><td>2026-01-10<\/td><td>2031-01-10<\/td><td>2032-12-31<\/td><td>Gallras<\/td><\/tr>/);
    expect(report.body).toContain('<tr><th scope="row">W-RESEARCH</th>');
    expect(report.body).toContain('Bevaras för forskning');
    expect(report.body).not.toContain('Regeln är preliminär');
    expect(report.body).toContain('SoL (2025:400) 16 kap. 1 och 4 §§; SoF (2025:468) 13 kap. 1 § (officiell källa)');
    expect(report.body).not.toContain('W-SVEDALA');
    expect(report.body).toContain('name="granskad"');
    expect(report.body).toMatch(/<h1>Provkörning \d{4}-\d{2}-\d{2}, Trelleborgs kommun<\/h1>\s*<p>Gjord av Lena Drift \(admin-1\)\./);
    // Who made it, by name from the staff directory, with the id.
    expect((await get('/admin/gallring')).body).toContain('<td>Lena Drift (admin-1)</td>');
    expectNoPersonalNumbers(report.body);
  });

  it('carrying out needs the box ticked; then the case is gone and the page lists what was destroyed', async () => {
    const refused = await post(`${reportUrl}/verkstall`, {});
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Bekräfta att du har granskat listan');
    expect((await db().query("SELECT 1 FROM cases WHERE id = 'W-DESTROY'")).rows).toHaveLength(1);

    const done = await post(`${reportUrl}/verkstall`, { granskad: 'ja' });
    expect(done.statusCode).toBe(303);
    const record = await get(done.headers.location as string);
    expect(record.statusCode).toBe(200);
    expect(record.body).toContain('1 ärenden gallrade');
    expect(record.body).toMatch(/<h1>Gallring \d{4}-\d{2}-\d{2}, Trelleborgs kommun<\/h1>/);
    expect(record.body).toContain('Av Lena Drift (admin-1).');
    expect(record.body).toMatch(/<tr><th scope="row">W-DESTROY<\/th><td>2026-01<\/td><td>2026-01-10<\/td><td>2031-01-10<\/td><td>17<\/td>/);
    expectNoPersonalNumbers(record.body);
    expect((await db().query("SELECT 1 FROM cases WHERE id = 'W-DESTROY'")).rows).toHaveLength(0);
    expect((await db().query("SELECT 1 FROM cases WHERE id = 'W-RESEARCH'")).rows).toHaveLength(1);

    // The report now links to what was done, and cannot be carried out again.
    expect((await get(reportUrl)).body).toContain('se vad som gallrades');
    const again = await post(`${reportUrl}/verkstall`, { granskad: 'ja' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('<p>Provkörningen är redan verkställd');
    const list = await get('/admin/gallring');
    expect(list.body).toMatch(/<td>Trelleborgs kommun<\/td><td>[^<]+<\/td><td>Lena Drift \(admin-1\)<\/td>/);

    const audit = await db().query<{ actor: string; result: string }>("SELECT actor, result FROM audit_log WHERE action = 'admin.retention.execute' ORDER BY id");
    expect(audit.rows).toEqual([
      { actor: 'admin-1', result: 'refused' },
      { actor: 'admin-1', result: 'ok' },
      { actor: 'admin-1', result: 'refused' },
    ]);
  });

  it('another municipality\'s runs are 404 to an admin without it, and other roles get 404', async () => {
    expect((await get(reportUrl, 'admin-svedala')).statusCode).toBe(404);
    expect((await get('/admin/gallring', 'admin-svedala')).body).not.toContain(reportUrl);
    expect((await post('/admin/gallring/provkorning', { kommun: '1287' }, 'admin-svedala')).statusCode).toBe(404);
    expect((await post(`${reportUrl}/verkstall`, { granskad: 'ja' }, 'admin-svedala')).statusCode).toBe(404);
    for (const user of ['caseworker', 'auditor']) expect((await get('/admin/gallring', user)).statusCode).toBe(404);
  });
});
