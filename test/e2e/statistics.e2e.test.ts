import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { IN_MEMORY, openDatabase, type Db } from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { EXPECTED, seedScenario } from '../support/statsSeed.js';
import { DESKTOP, loginAs, look, openPage, serveInChromium, type BrowserSite } from '../support/browser.js';

/**
 * The statistics page in Debian's Chromium behind the real session plugin (development login,
 * CSP): reached from the menu, checked with axe-core, photographed, and the October file
 * downloaded as the admin would.
 */
describe('statistics page in Chromium', () => {
  let db: Db;
  let site: BrowserSite;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    await seedScenario(db);
    site = await serveInChromium(db, adminRoutes({ db, rules: loadRules(), queues: () => undefined, bullBoard: false, clock: () => new Date('2026-11-03T09:00:00Z') }));
  }, 60_000);

  afterAll(async () => {
    await site?.close();
    await db?.close();
  });

  it('an admin opens Statistik from the menu and downloads October for Trelleborg', async () => {
    const { context, page } = await openPage(site.browser, { locale: 'sv-SE', viewport: DESKTOP, acceptDownloads: true });
    const base = site.base;
    try {
      await loginAs(page, base, /Lena Drift/, '/admin');
      await page.getByRole('link', { name: 'Statistik', exact: true }).click();
      await page.waitForURL(`${base}/admin/statistik`);
      await expect(page.getByRole('heading', { level: 1, name: 'Statistik till Socialstyrelsen' }).isVisible()).resolves.toBe(true);
      await look(page, 'admin-statistik', 'statistik');

      const table = page.getByRole('table', { name: /Trelleborgs kommun/ });
      const [download] = await Promise.all([page.waitForEvent('download'), table.getByRole('link', { name: 'Ladda ner filen för oktober 2026' }).click()]);
      expect(download.suggestedFilename()).toBe('ekonomiskt-bistand-1287-2026-10.txt');
      expect(readFileSync((await download.path())!, 'utf8')).toBe(EXPECTED.trelleborgOctober);
    } finally {
      await context.close();
    }
  }, 120_000);
});
