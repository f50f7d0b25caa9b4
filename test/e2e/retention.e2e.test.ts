import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../../src/rules/load.js';
import { IN_MEMORY, openDatabase, type Db } from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { axeCheck, DESKTOP, loginAs, look, openPage, serveInChromium, type BrowserSite } from '../support/browser.js';
import { seedCase } from '../support/retention.js';
import { personalNumber } from '../support/snapshots.js';

/**
 * Gallring in Debian's Chromium behind the real session plugin (development login, CSP): the
 * admin makes a dry run from the menu, reads the report, ticks the box, carries it out and
 * reads what was destroyed; every page checked with axe-core and photographed.
 */
describe('gallring pages in Chromium', () => {
  let db: Db;
  let site: BrowserSite;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    const old = '2026-01-10T10:00:00Z';
    await seedCase(db, { id: 'E-GALLRAS', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: old, applicant: personalNumber('1985-07-07', '123'), decided: true });
    await seedCase(db, { id: 'E-FORSKNING', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: old, applicant: personalNumber('1979-03-15', '234') });
    await seedCase(db, { id: 'E-OPPET', municipality: '1287', month: '2026-01', state: 'SIGNED', at: old, applicant: personalNumber('1990-11-08', '345'), decided: true });
    site = await serveInChromium(db, adminRoutes({ db, rules: loadRules(), queues: () => undefined, bullBoard: false, clock: () => new Date('2032-03-01T09:00:00Z') }));
  }, 60_000);

  afterAll(async () => {
    await site?.close();
    await db?.close();
  });

  it('an admin dry-runs, reviews, carries out and reads the record', async () => {
    const { context, page } = await openPage(site.browser, { locale: 'sv-SE', viewport: DESKTOP });
    try {
      await loginAs(page, site.base, /Lena Drift/, '/admin');
      await page.getByRole('link', { name: 'Gallring', exact: true }).click();
      await page.waitForURL(`${site.base}/admin/gallring`);
      await axeCheck(page, 'gallring');
      await page.getByRole('button', { name: 'Provkör gallring för Trelleborgs kommun' }).click();
      await page.waitForURL(/\/admin\/gallring\/[0-9a-f-]{36}$/);
      const report = page.getByRole('table', { name: 'Förfallna ärenden' });
      await expect(report.getByRole('row', { name: /E-GALLRAS/ }).textContent()).resolves.toContain('Gallras');
      await expect(report.getByRole('row', { name: /E-FORSKNING/ }).textContent()).resolves.toContain('Bevaras för forskning');
      await expect(report.getByRole('row', { name: /E-OPPET/ }).textContent()).resolves.toContain('inte avslutat');
      await look(page, 'admin-gallring-provkorning', 'gallring-provkorning');

      // The browser itself refuses the form until the box is ticked.
      await page.getByRole('button', { name: 'Verkställ gallringen' }).click();
      await expect(page.getByRole('table', { name: 'Förfallna ärenden' }).isVisible()).resolves.toBe(true);
      await page.getByLabel(/Jag har granskat listan/).check();
      await page.getByRole('button', { name: 'Verkställ gallringen' }).click();
      await page.getByRole('table', { name: 'Gallrade ärenden' }).waitFor();
      const destroyed = page.getByRole('table', { name: 'Gallrade ärenden' });
      await expect(destroyed.getByRole('row').count()).resolves.toBe(2);
      await expect(destroyed.getByRole('row', { name: /E-GALLRAS/ }).isVisible()).resolves.toBe(true);
      await look(page, 'admin-gallring-verkstalld', 'gallring-verkstalld');
      expect((await db.query("SELECT id FROM cases ORDER BY id")).rows).toEqual([{ id: 'E-FORSKNING' }, { id: 'E-OPPET' }]);
    } finally {
      await context.close();
    }
  }, 120_000);
});
