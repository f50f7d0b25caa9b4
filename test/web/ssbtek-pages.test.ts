import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { loadRules } from '../../src/rules/load.js';
import { declarationOn, IN_MEMORY, openDatabase, recordDeclaration, searchAudit, type Db } from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { buildWebServer } from '../../src/web/server.js';
import { registerTestAuth } from '../support/adminServer.js';
import { buildPages, Client, csrfFrom, seedCase } from '../support/web.js';

/** The pages of issue 13 over HTTP: SSBTEK facts only with a declaration; the admin's declarations page. */
describe('SSBTEK declarations on the pages', () => {
  let db: Db;
  let pages: FastifyInstance;
  let admin: FastifyInstance;
  const ADMIN = { 'x-test-user': 'admin' };

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    ({ app: pages } = await buildPages(db, { declared: false }));
    admin = buildWebServer({ logger: createLogger({ nodeEnv: 'test', logLevel: 'warn' }), metrics: createMetrics({ defaultMetrics: false }), checks: {} });
    await registerTestAuth(admin);
    await admin.register(adminRoutes({ db, rules: await loadRules(), queues: () => undefined, robotIdentity: 'bistandsrobot' }));
    await admin.ready();
  }, 120_000);
  afterAll(async () => {
    await pages?.close();
    await admin?.close();
    await db?.close();
  });

  it('the case page hides SSBTEK facts from a caseworker without a declaration and says why; with one they are shown', async () => {
    const { id } = await seedCase(db, { municipality: '1287' });
    const anna = await Client.login(pages, 'hl-trelleborg-1');
    const hidden = await anna.get(`/arenden/${id}`);
    expect(hidden.statusCode).toBe(200);
    expect(hidden.body).toContain('data-testid="ssbtek-hidden"');
    expect(hidden.body).toContain('försäkran för handläggare vid socialnämnd');
    expect(hidden.body).not.toContain('Netto (kr)');
    // The calculation counts SSBTEK's payments: hidden too, and nothing to sign; the server refuses a signature in words.
    expect(hidden.body).toContain('data-testid="calculation-hidden"');
    expect(hidden.body).not.toContain('action="/arenden/' + id + '/signera/bekrafta"');
    expect(hidden.body).toContain('data-testid="no-declaration"');
    const refused = await anna.post(`/arenden/${id}/signera/bekrafta`, { _csrf: csrfFrom(hidden.body), motivering: '' });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Beslutet bygger på uppgifter från SSBTEK, och du har ingen giltig försäkran för SSBTEK i ärendets kommun i dag.');
    await recordDeclaration(db, { userId: 'hl-trelleborg-1', municipality: '1287', signedOn: '2020-01-01', receivedBy: 'Enhetschef', documentRef: 'SN 2020/1', recordedBy: 'admin-1' });
    const shown = await anna.get(`/arenden/${id}`);
    expect(shown.body).toContain('Netto (kr)');
    expect(shown.body).not.toContain('ssbtek-hidden');
    expect(shown.body).not.toContain('calculation-hidden');
    expect(shown.body).toContain('action="/arenden/' + id + '/signera/bekrafta"');
    expect((await anna.post(`/arenden/${id}/signera/bekrafta`, { _csrf: csrfFrom(shown.body), motivering: '' })).statusCode).toBe(303);
  });

  it("names a manual case's reasons to a caseworker without a declaration, without the SSBTEK figures that explain them", async () => {
    const { id } = await seedCase(db, { municipality: '1263', payments: [{ agency: 'FK', benefit: 'PM', paidOn: '2026-02-20', net: '4321.50' }] });
    const karin = await Client.login(pages, 'hl-svedala-1');
    const hidden = (await karin.get(`/arenden/${id}`)).body;
    expect(hidden).toContain('data-testid="calculation-hidden"');
    expect(hidden).toContain('<h2>Skäl</h2>\n<ul class="plain"><li><strong>Registrerad inkomst som inte har uppgetts i ansökan</strong></li></ul>');
    expect(hidden).not.toContain('4\u00a0321,50');
    expect(hidden).not.toContain('4321.50');
    await recordDeclaration(db, { userId: 'hl-svedala-1', municipality: '1263', signedOn: '2020-01-01', receivedBy: 'Enhetschef', documentRef: 'SN 2020/2', recordedBy: 'admin-1' });
    expect((await karin.get(`/arenden/${id}`)).body).toContain('4\u00a0321,50');
  });

  it('an admin records a declaration and its last day; bad input comes back naming each field; every step is logged', async () => {
    const page = await admin.inject({ method: 'GET', url: '/admin/forsakringar', headers: ADMIN });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('bistandsrobot');
    // Anna signed in (the test before): by name from the staff directory, with her id.
    expect(page.body).toContain('<th scope="row">Anna Lind (hl-trelleborg-1)</th>');
    const token = csrfFrom(page.body);
    const cookie = String(page.headers['set-cookie'] ?? '').split(';')[0]!;
    const post = (url: string, form: Record<string, string>) =>
      admin.inject({ method: 'POST', url, headers: { ...ADMIN, cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ _csrf: token, ...form }).toString() });

    const bad = await post('/admin/forsakringar', { anvandare: 'hl-ny', kommun: '9999', undertecknad: '2026-13-01', mottagen: '', dokument: '198507099805' });
    expect(bad.statusCode).toBe(400);
    for (const field of ['Kommun:', 'Undertecknad:', 'Mottagen av:', 'Dokumentreferens:']) expect(bad.body).toContain(field);
    expect(bad.body).toContain('value="hl-ny"');
    expect(bad.body).not.toContain('198507099805');

    const ok = await post('/admin/forsakringar', { anvandare: 'hl-ny', kommun: '1263', undertecknad: '2026-02-01', mottagen: 'Enhetschef Eva', dokument: 'SN 2026/17' });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toContain('Försäkran för hl-ny (namnet okänt: har inte loggat in här) i Svedala kommun är registrerad.');
    // Municipalities by name, and a known user by name beside the id (they showed 1263 and ids alone).
    expect(ok.body).toContain('<option value="1263">Svedala kommun</option>');
    expect(ok.body).toMatch(/<th scope="row">Anna Lind \(hl-trelleborg-1\)<\/th><td>Trelleborgs kommun<\/td>/);
    expect(ok.body).toMatch(/<th scope="row">hl-ny \(namnet okänt: har inte loggat in här\)<\/th><td>Svedala kommun<\/td>/);
    const held = (await declarationOn(db, 'hl-ny', '1263', '2026-03-01'))!;
    expect(held).toMatchObject({ receivedBy: 'Enhetschef Eva', documentRef: 'SN 2026/17', recordedBy: 'admin-1', lastDay: null });

    const ended = await post(`/admin/forsakringar/${held.id}/upphor`, { sista: '2026-06-30' });
    expect(ended.statusCode).toBe(200);
    expect(ended.body).toContain('Försäkran för hl-ny (namnet okänt: har inte loggat in här) i Svedala kommun gäller till och med 2026-06-30.');
    expect(await declarationOn(db, 'hl-ny', '1263', '2026-07-01')).toBeUndefined();
    const again = await post(`/admin/forsakringar/${held.id}/upphor`, { sista: '2026-12-31' });
    expect(again.statusCode).toBe(409);
    expect((await declarationOn(db, 'hl-ny', '1263', '2026-06-30'))?.lastDay).toBe('2026-06-30');

    const logged = (await searchAudit(db, { actor: 'admin-1' })).filter((e) => e.action.startsWith('declaration.')).map((e) => `${e.action}:${e.result}`);
    expect(logged.sort()).toEqual(['declaration.end:ok', 'declaration.end:refused', 'declaration.record:ok', 'declaration.record:refused']);
  });
});
