import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCase, getStateHistory, listAuditForCase } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../store/backends.js';
import { buildPages, Client, seedCase } from './support.js';

/** The workbench over HTTP: claiming, handing back, reassigning (PGlite and the PostgreSQL server). */
forEachBackend('workbench pages', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  let anna: Client;
  let omar: Client;
  let lead: Client;
  let auditor: Client;

  beforeAll(async () => {
    ({ app } = await buildPages(db(), { loginRateLimit: 1000 }));
    anna = await Client.login(app, 'hl-trelleborg-1');
    omar = await Client.login(app, 'hl-trelleborg-2');
    lead = await Client.login(app, 'al-trelleborg');
    auditor = await Client.login(app, 'granskare-svedala');
  }, 60_000);
  afterAll(async () => app?.close());

  const url = (id: string) => `/arenden/${id}`;

  describe('claim and own', () => {
    it('"Jag tar ärendet": the case is Anna\'s, leaves the shared queue, shows in her Mina ärenden and in the history', async () => {
      const seeded = await seedCase(db(), { municipality: '1287', kind: 'manual' });
      const before = await anna.get(url(seeded.id));
      expect(before.body).toContain('Jag tar ärendet');
      expect(before.body).toContain('Ingen (gemensam kö)');
      expect((await anna.get('/inkorg')).body).toContain(seeded.id);

      const res = await anna.submit(url(seeded.id), `${url(seeded.id)}/ta`);
      expect(res.statusCode).toBe(303);
      expect(res.headers.location).toBe(`${url(seeded.id)}?tagit=1`);
      expect((await getCase(db(), seeded.id))?.owner).toBe('hl-trelleborg-1');

      const page = await anna.get(res.headers.location as string);
      expect(page.body).toContain('Ärendet är ditt');
      expect(page.body).toContain('Du (Anna Lind)');
      expect(page.body).toContain('Lämna tillbaka till kön');
      expect(page.body).toContain('Tog ärendet');
      expect(page.body).not.toContain('Jag tar ärendet');

      expect((await anna.get('/inkorg')).body).not.toContain(seeded.id);
      const mine = await anna.get('/inkorg?visa=mina');
      expect(mine.body).toContain(seeded.id);
      expect(mine.body).toContain('aria-current="page">Mina ärenden');
      expect((await omar.get('/inkorg?visa=mina')).body).not.toContain(seeded.id);
      const all = await omar.get('/inkorg?visa=alla');
      expect(all.body).toMatch(new RegExp(`${seeded.id}[\\s\\S]*?Anna Lind`));

      const audit = await listAuditForCase(db(), seeded.id);
      expect(audit.map((a) => a.action)).toContain('case.claim');
    });

    it('a second claim is refused in words naming who has it; Omar cannot hand back Anna\'s case', async () => {
      const seeded = await seedCase(db(), { municipality: '1287', kind: 'manual' });
      const formPage = await omar.get(url(seeded.id));
      await anna.submit(url(seeded.id), `${url(seeded.id)}/ta`);
      const { csrfFrom } = await import('./support.js');
      const late = await omar.post(`${url(seeded.id)}/ta`, { _csrf: csrfFrom(formPage.body) });
      expect(late.statusCode).toBe(409);
      expect(late.body).toContain('Anna Lind har redan tagit ärendet');
      const back = await omar.submit(url(seeded.id), `${url(seeded.id)}/lamna`);
      expect(back.statusCode).toBe(409);
      expect(back.body).toContain('Bara den som har ärendet kan lämna tillbaka det');
      expect((await getCase(db(), seeded.id))?.owner).toBe('hl-trelleborg-1');
    });

    it('the owner hands the case back; it is in the shared queue again', async () => {
      const seeded = await seedCase(db(), { municipality: '1287', kind: 'manual' });
      await anna.submit(url(seeded.id), `${url(seeded.id)}/ta`);
      const res = await anna.submit(url(seeded.id), `${url(seeded.id)}/lamna`);
      expect(res.statusCode).toBe(303);
      expect((await getCase(db(), seeded.id))?.owner).toBeNull();
      expect((await anna.get('/inkorg')).body).toContain(seeded.id);
      expect((await anna.get(url(seeded.id))).body).toContain('Lämnade tillbaka ärendet till kön');
    });

    it('a team lead reassigns to a colleague or back to the queue; a caseworker may not; nobody outside the organisation', async () => {
      const seeded = await seedCase(db(), { municipality: '1287', kind: 'manual' });
      await anna.submit(url(seeded.id), `${url(seeded.id)}/ta`);
      expect((await anna.submit(url(seeded.id), `${url(seeded.id)}/fordela`, { till: 'hl-trelleborg-2' })).statusCode).toBe(403);
      const page = await lead.get(url(seeded.id));
      expect(page.body).toContain('Fördela ärendet till');
      expect(page.body).not.toContain('Karin Berg');
      expect((await lead.submit(url(seeded.id), `${url(seeded.id)}/fordela`, { till: 'hl-svedala-1' })).statusCode).toBe(409);
      expect((await lead.submit(url(seeded.id), `${url(seeded.id)}/fordela`, { till: 'hl-trelleborg-2' })).statusCode).toBe(303);
      expect((await getCase(db(), seeded.id))?.owner).toBe('hl-trelleborg-2');
      expect((await omar.get('/inkorg?visa=mina')).body).toContain(seeded.id);
      expect((await lead.submit(url(seeded.id), `${url(seeded.id)}/fordela`, { till: '' })).statusCode).toBe(303);
      expect((await getCase(db(), seeded.id))?.owner).toBeNull();
      const reasons = (await getStateHistory(db(), seeded.id)).map((h) => h.reason);
      expect(reasons.slice(-3)).toEqual(['CLAIMED', 'REASSIGNED:hl-trelleborg-2', 'REASSIGNED:-']);
      const history = (await anna.get(url(seeded.id))).body;
      expect(history).toContain('Fördelade ärendet till Omar Haddad');
      expect(history).toContain('Lade tillbaka ärendet i kön');
    });

    it('an auditor sees the owner but cannot claim; another municipality\'s case is 404', async () => {
      const svedala = await seedCase(db(), { municipality: '1263', kind: 'manual' });
      const page = await auditor.get(url(svedala.id));
      expect(page.body).not.toContain('Jag tar ärendet');
      expect((await auditor.submit(url(svedala.id), `${url(svedala.id)}/ta`)).statusCode).toBe(403);
      expect((await anna.submit(null, `${url(svedala.id)}/ta`)).statusCode).toBe(404);
      expect((await getCase(db(), svedala.id))?.owner).toBeNull();
    });
  });
});
