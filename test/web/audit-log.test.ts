import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { loadRules } from '../../src/rules/load.js';
import { appendAudit, recordStaffLogin } from '../../src/store/index.js';
import { userFromClaims } from '../../src/web/auth/oidc.js';
import { UNKNOWN_NAME_NOTE } from '../../src/web/staff.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { PAGE_SIZE } from '../../src/web/admin/auditLog.js';
import { buildWebServer } from '../../src/web/server.js';
import { recordTestLogins, registerTestAuth } from '../support/adminServer.js';
import { forEachBackend, useDatabase } from '../support/backends.js';

const ADMIN = { 'x-test-user': 'admin' };

/** The audit log for people (PGlite and the PostgreSQL server): paged, actions and details in words, users found by name. */
forEachBackend('audit log in words', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;

  beforeAll(async () => {
    app = buildWebServer({ logger: createLogger({ nodeEnv: 'test', logLevel: 'warn' }), metrics: createMetrics({ defaultMetrics: false }), checks: {} });
    await registerTestAuth(app);
    await app.register(adminRoutes({ db: db(), rules: loadRules(), queues: () => undefined, bullBoard: false }));
    await app.ready();
    // Everyone who acts has signed in, and so is in the staff directory (the test's header stands in for the login).
    await recordTestLogins(db());
    // Anna opens a case 60 times; Per searches once by personal number.
    for (let i = 0; i < PAGE_SIZE + 10; i++) {
      await appendAudit(db(), { actor: 'hl-trelleborg-1', action: 'case.read', caseId: null, purpose: 'handläggning', result: 'ok', details: { role: 'caseworker', n: i } });
    }
    await appendAudit(db(), {
      actor: 'granskare-svedala',
      action: 'case.search',
      subjectRef: 'ab'.repeat(16),
      purpose: 'handläggning',
      result: 'ok',
      details: { role: 'auditor', byPersonalNumber: true, hits: 1, filters: { state: 'MANUAL' } },
    });
  }, 60_000);
  afterAll(async () => app?.close());

  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&nbsp;|\u00a0/g, ' ').replace(/\s+/g, ' ');

  it('finds a user by name, and shows users, actions and details in words', async () => {
    const res = await app.inject({ method: 'GET', url: `/admin/logg?anvandare=${encodeURIComponent('per gransk')}`, headers: ADMIN });
    expect(res.statusCode).toBe(200);
    const page = text(res.body);
    expect(page).toContain('Per Granskare Sökte ärenden');
    // The database keeps the keys in its own order: each part in words.
    for (const part of ['roll: granskare', 'sökte på personnummer: ja', 'träffar: 1', 'filter: (status: Manuell handläggning)']) expect(page).toContain(part);
    expect(page).toContain('Genomförd');
    expect(page).not.toContain('case.search');
    expect(page).not.toContain('Anna Lind');
    const nobody = await app.inject({ method: 'GET', url: `/admin/logg?anvandare=${encodeURIComponent('Ingen Alls')}`, headers: ADMIN });
    expect(text(nobody.body)).toContain('Inga poster matchar sökningen.');
  });

  it('shows the coded values of details in words: why refused, how run again, what was decided, from where', async () => {
    const entry = (action: string, result: 'ok' | 'refused', details: Record<string, unknown>) =>
      appendAudit(db(), { actor: 'admin-1', action, caseId: null, purpose: 'drift', result, details });
    await entry('admin.queues.view', 'refused', { problem: 'not-all-municipalities' });
    await entry('admin.replay', 'refused', { mode: 'snapshot', result: 'compared-different', why: 'Efter avbrott', via: 'web' });
    await entry('admin.audit.search', 'refused', { problem: 'not-found-or-out-of-scope' });
    await entry('case.takeover', 'ok', { from: 'PROPOSED' });
    await entry('decision.sign', 'ok', { kind: 'as-proposed', outcome: 'GRANT', municipalities: ['1287', '1263'] });
    const res = await app.inject({ method: 'GET', url: `/admin/logg?anvandare=${encodeURIComponent('admin-1')}`, headers: ADMIN });
    const page = text(res.body);
    for (const part of [
      'problem: gäller alla kommuner, och användaren är inte administratör för alla',
      'sätt: från ögonblicksbilden',
      'resultat: omräknat, annat förslag',
      'skäl: Efter avbrott',
      'via: webben',
      'problem: finns inte eller ligger utanför användarens kommuner',
      'från: Förslag väntar på signering',
      'slag: som föreslaget',
      'utfall: bifall',
      'kommuner: Trelleborgs kommun, Svedala kommun',
      'Nekad',
    ]) expect(page).toContain(part);
    for (const code of ['not-all-municipalities', 'not-found-or-out-of-scope', 'compared-different', 'snapshot', 'as-proposed', 'GRANT', '1287', 'PROPOSED']) expect(page).not.toContain(code);
  });

  it('finds a user who signed in with OpenID Connect by a part of the name, any case; an id never seen shows as the id with a note', async () => {
    // The claims as the provider sends them, mapped as the login maps them, written as the login writes them.
    const mapped = userFromClaims(
      { sub: 'a7c1e0f2-oidc', name: 'Märta Sjöström', roles: ['bistand-handlaggare'], organisation: 'trelleborg' },
      { idClaim: 'sub', nameClaim: 'name', roleClaim: 'roles', organisationClaim: 'organisation', roleValues: { 'bistand-handlaggare': 'caseworker' }, organisations: { trelleborg: ['1287'] } },
    );
    if (!mapped.ok) throw new Error(mapped.problem);
    await recordStaffLogin(db(), mapped.user, new Date('2026-11-28T07:00:00Z'));
    await appendAudit(db(), { actor: 'a7c1e0f2-oidc', action: 'case.read', caseId: null, purpose: 'handläggning', result: 'ok', details: { role: 'caseworker' } });
    await appendAudit(db(), { actor: 'slutat-2019', action: 'case.read', caseId: null, purpose: 'handläggning', result: 'ok', details: { role: 'caseworker' } });
    for (const wanted of ['SJÖSTRÖM', 'märta', 'rta sj']) {
      const page = text((await app.inject({ method: 'GET', url: `/admin/logg?anvandare=${encodeURIComponent(wanted)}`, headers: ADMIN })).body);
      expect(page, wanted).toContain('Poster 1–1, senaste först');
      expect(page, wanted).toContain('Märta Sjöström Öppnade ärendet');
    }
    const byId = text((await app.inject({ method: 'GET', url: '/admin/logg?anvandare=slutat-2019', headers: ADMIN })).body);
    expect(byId).toContain(`slutat-2019 ${UNKNOWN_NAME_NOTE} Öppnade ärendet`);
  });

  it('pages: the newest first, then the next page, each with links to the others', async () => {
    const first = await app.inject({ method: 'GET', url: '/admin/logg?anvandare=Anna', headers: ADMIN });
    const one = text(first.body);
    expect(one).toContain(`Poster 1–${PAGE_SIZE}, senaste först`);
    expect(one).toContain(`n: ${PAGE_SIZE + 9}`);
    expect(one).not.toContain('n: 9 ');
    expect(first.body).toContain('href="/admin/logg?anvandare=Anna&amp;sida=2" rel="next">Nästa sida');
    expect(first.body).not.toContain('rel="prev"');
    const second = await app.inject({ method: 'GET', url: '/admin/logg?anvandare=Anna&sida=2', headers: ADMIN });
    const two = text(second.body);
    expect(two).toContain(`Poster ${PAGE_SIZE + 1}–${PAGE_SIZE + 10}, senaste först`);
    expect(two).toContain('n: 0 ');
    expect(two).toContain('Anna Lind Öppnade ärendet');
    expect(second.body).toContain('href="/admin/logg?anvandare=Anna" rel="prev">Föregående sida');
    expect(second.body).not.toContain('rel="next"');
    expect((await app.inject({ method: 'GET', url: '/admin/logg?sida=noll', headers: ADMIN })).statusCode).toBe(400);
  });
});
