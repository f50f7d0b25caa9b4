import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { loadRules } from '../../src/rules/load.js';
import { dryRunRetention, executeRetention } from '../../src/retention/run.js';
import { appendAudit } from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { gatherTodos } from '../../src/web/admin/todo.js';
import { buildWebServer } from '../../src/web/server.js';
import { registerTestAuth } from '../support/adminServer.js';
import { seedCase } from '../support/retention.js';
import { personalNumber } from '../support/snapshots.js';
import { forEachBackend, useDatabase } from '../support/backends.js';

/** "Att göra" on the overview: last month's statistics file until taken out, gallring reports waiting for review. */
const rules = loadRules();
const MARCH_10 = new Date('2032-03-10T09:00:00Z');
const MARCH_16 = new Date('2032-03-16T09:00:00Z');

forEachBackend('admin to-do list', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  let now = MARCH_10;

  beforeAll(async () => {
    await seedCase(db(), { id: 'T-DUE', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: '2026-01-10T10:00:00Z', applicant: personalNumber('1985-07-07', '123') });
    app = buildWebServer({ logger: createLogger({ nodeEnv: 'test', logLevel: 'warn' }), metrics: createMetrics({ defaultMetrics: false }), checks: {} });
    await registerTestAuth(app);
    await app.register(adminRoutes({ db: db(), rules, queues: () => undefined, clock: () => now, bullBoard: false }));
    await app.ready();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('names last month\'s statistics per municipality until a valid file is taken out, urgent once late', async () => {
    expect(await gatherTodos(db(), ['1287', '1263'], MARCH_10)).toEqual([
      { municipality: '1263', text: 'Statistiken för 2032-02 ska lämnas till Socialstyrelsen senast 2032-03-15; ingen godkänd fil har tagits ut.', href: '/admin/statistik', urgent: false },
      { municipality: '1287', text: 'Statistiken för 2032-02 ska lämnas till Socialstyrelsen senast 2032-03-15; ingen godkänd fil har tagits ut.', href: '/admin/statistik', urgent: false },
    ]);
    // A failed production does not count; a valid one does.
    await appendAudit(db(), { actor: 'bistandsrobot', action: 'stats.produce', purpose: 'statistik', result: 'error', details: { municipality: '1287', period: '2032-02' } });
    expect((await gatherTodos(db(), ['1287'], MARCH_10)).map((t) => t.href)).toEqual(['/admin/statistik']);
    await appendAudit(db(), { actor: 'admin-1', action: 'admin.stats.download', purpose: 'statistik', result: 'ok', details: { municipality: '1287', period: '2032-02' } });
    expect(await gatherTodos(db(), ['1287'], MARCH_10)).toEqual([]);
    const late = await gatherTodos(db(), ['1263'], MARCH_16);
    expect(late).toEqual([expect.objectContaining({ municipality: '1263', urgent: true, text: expect.stringContaining('och är försenad') })]);
  });

  it('names a gallring report that waits for review, until it is carried out', async () => {
    const { run } = await dryRunRetention({ db: db(), rules, clock: () => MARCH_10, actor: 'bistandsrobot' }, '1287');
    expect(await gatherTodos(db(), ['1287'], MARCH_10)).toEqual([
      { municipality: '1287', text: 'Gallring: 1 ärenden väntar på granskning (provkörning 2032-03-10).', href: `/admin/gallring/${run.id}`, urgent: false },
    ]);
    // Only the admin's own municipalities.
    expect(await gatherTodos(db(), ['1263'], MARCH_10)).toEqual([expect.objectContaining({ href: '/admin/statistik' })]);

    const page = await app.inject({ method: 'GET', url: '/admin', headers: { 'x-test-user': 'admin' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2 id="att-gora">Att göra</h2>');
    expect(page.body).toContain(`<a href="/admin/gallring/${run.id}">Gallring: 1 ärenden väntar på granskning`);

    await executeRetention({ db: db(), rules, clock: () => MARCH_10, actor: 'admin-1' }, run.id);
    expect(await gatherTodos(db(), ['1287'], MARCH_10)).toEqual([]);
  });

  it('from 1 December names what January 2027 lacks, per municipality, on the admin page', async () => {
    now = new Date('2026-12-01T08:00:00Z');
    try {
      const page = await app.inject({ method: 'GET', url: '/admin', headers: { 'x-test-user': 'admin' } });
      expect(page.statusCode).toBe(200);
      const text = page.body.replace(/&nbsp;|\u00a0/g, ' ');
      // Municipalities and rules by name: Svedala follows Trelleborg's guidelines, buffer included.
      for (const name of ['Svedala kommun', 'Trelleborgs kommun']) {
        expect(text).toContain(`<li class="late">${name}: <a href="/admin">Regler för 2027-01: saknas: riksnormen (21 värden); preliminärt: buffert för tillgångar i Trelleborgs kommun. Kontrollera med npm run rules -- check --month 2027-01.</a></li>`);
      }
      expect(text).not.toContain('municipality.1287');
      // In November the coming month is December 2026, which has everything but the buffer.
      now = new Date('2026-11-15T08:00:00Z');
      const november = await app.inject({ method: 'GET', url: '/admin', headers: { 'x-test-user': 'admin' } });
      expect(november.body).toContain('Regler för 2026-12: preliminärt: buffert för tillgångar i Trelleborgs kommun.');
      expect(november.body).not.toContain('saknas: riksnormen');
    } finally {
      now = MARCH_10;
    }
  });
});
