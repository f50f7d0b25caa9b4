import { readFileSync } from 'node:fs';
import { seedSandboxDeclarations } from '../../src/sandbox/declarations.js';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCase, getProposalForCase, IN_MEMORY, openDatabase, type Db } from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { axeCheck, DESKTOP, loginAs, look, openPage, serveInChromium, shoot, signIn, type BrowserSite } from '../support/browser.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * An admin in Debian's Chromium: signs in with the development login, sees a case that failed
 * during a simulated SSBTEK outage, replays it, and its proposal appears. Every admin page is
 * photographed to test-artifacts/screenshots/ and checked with axe-core.
 */

describe('admin console in Chromium', () => {
  let db: Db;
  let harness: PipelineHarness;
  let site: BrowserSite;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    // Replaying from intake asks the registers: the admins hold SSBTEK declarations (issue 13).
    await seedSandboxDeclarations(db, 'robot', '2000-01-01');
    harness = await startPipeline(db, { attempts: 2, registerAttempts: 1 });
    site = await serveInChromium(db, adminRoutes({ db, rules: harness.deps.rules, queues: () => harness.robot.queues }));
    browser = site.browser;
    base = site.base;
    await harness.robot.pollNow();
    const { rows } = await db.query<{ id: string }>('SELECT id FROM cases');
    await harness.settle(rows.map((r) => r.id));
  }, 120_000);

  afterAll(async () => {
    await site?.close();
    await harness?.stop();
    await db?.close();
  });

  it('an admin replays a case that failed during an SSBTEK outage, and a proposal appears', async () => {
    const [household] = harness.sandbox.generate(1, 31337, { month: '2021-06' });
    const id = household!.id;
    harness.sandbox.ssbtek.setFaults({ failProbability: 1 });
    try {
      await harness.robot.pollNow();
      await harness.settle([id], ['TECHNICAL_ERROR']);
    } finally {
      harness.sandbox.ssbtek.clearFaults();
    }

    const { context, page } = await openPage(browser, { locale: 'sv-SE', viewport: DESKTOP });
    try {
      await page.goto(`${base}/admin`);
      await expect.poll(() => page.url()).toContain('/login');
      await shoot(page, 'admin-00-login');
      await signIn(page, base, /Lena Drift/, '/admin');
      await expect(page.getByRole('heading', { level: 1, name: 'Drift' }).isVisible()).resolves.toBe(true);
      const row = page.getByRole('row', { name: new RegExp(id) });
      await expect(row.getByRole('cell', { name: 'SSBTEK (uppgifter från Försäkringskassan, Skatteverket, CSN m.fl.)', exact: true }).isVisible()).resolves.toBe(true);
      await look(page, 'admin-01-overview-outage', 'overview');

      await page.getByRole('button', { name: `Kör om från intaget, ärende ${id}` }).click();
      await page.waitForURL(`${base}/admin/omkorning`);
      await expect(page.getByRole('status').textContent()).resolves.toContain('Skickat till kön igen');
      await look(page, 'admin-02-replay-result', 'replay result');

      const settled = await harness.settle([id], ['PROPOSED', 'MANUAL']);
      expect(['PROPOSED', 'MANUAL']).toContain(settled.get(id));
      expect(await getProposalForCase(db, id)).toBeDefined();

      await page.getByRole('link', { name: 'Tillbaka till driftöversikten' }).click();
      await page.waitForURL(`${base}/admin`);
      await expect(page.getByRole('row', { name: new RegExp(id) }).count()).resolves.toBe(0);
      await shoot(page, 'admin-03-overview-after');

      // The replay from the stored snapshot, on the case that now has its proposal: compared, not stored.
      await page.getByLabel('Ärende-id').fill(id);
      await page.getByRole('radio', { name: 'Från sparad ögonblicksbild' }).first().check();
      await page.getByRole('button', { name: 'Kör om ärendet' }).click();
      await page.waitForURL(`${base}/admin/omkorning`);
      await expect(page.getByRole('cell', { name: /samma förslag som det sparade/ }).isVisible()).resolves.toBe(true);
      await look(page, 'admin-04-snapshot-compare', 'snapshot compare');

      // The audit log of the case: the admin's replay and the register look-ups after it.
      await page.goto(`${base}/admin/logg?arende=${encodeURIComponent(id)}`);
      // Actions and users in words (the CSV keeps the codes).
      await expect(page.getByRole('cell', { name: 'Skickade ärende igenom igen', exact: true }).first().isVisible()).resolves.toBe(true);
      await expect(page.getByRole('cell', { name: 'Lena Drift', exact: true }).first().isVisible()).resolves.toBe(true);
      await look(page, 'admin-05-audit-search', 'audit search');

      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Exportera sökträffarna som CSV' }).click();
      const csv = readFileSync((await (await download).path())!, 'utf8');
      // For Swedish Excel: a byte order mark and semicolons between the columns.
      expect(csv.startsWith('\ufeffid;tid_svensk;')).toBe(true);
      expect(csv).toContain(`admin.replay;${id}`);

      // The KPIs, reached from the menu: charts each followed by its table, one municipality at a time.
      await page.getByRole('navigation', { name: 'Huvudmeny' }).getByRole('link', { name: 'Nyckeltal' }).click();
      await page.waitForURL(`${base}/admin/nyckeltal`);
      await expect(page.getByRole('heading', { level: 1, name: /Nyckeltal – Trelleborgs kommun/ }).isVisible()).resolves.toBe(true);
      await expect(page.getByRole('img', { name: /Andel beslutade inom 24 timmar/ }).isVisible()).resolves.toBe(true);
      await look(page, 'admin-05b-nyckeltal', 'kpi');
      await page.getByLabel('Kommun', { exact: true }).selectOption('1263');
      await page.getByRole('button', { name: 'Visa' }).click();
      await page.waitForURL(`${base}/admin/nyckeltal?kommun=1263`);
      await expect(page.getByRole('heading', { level: 1, name: /Nyckeltal – Svedala kommun/ }).isVisible()).resolves.toBe(true);
      await axeCheck(page, 'kpi svedala');

      // Pause and resume intake.
      await page.goto(`${base}/admin`);
      await page.getByRole('button', { name: 'Pausa intaget', exact: true }).click();
      await page.waitForURL(/meddelande=intag-pausat/);
      expect(await harness.robot.queues.intake.isPaused()).toBe(true);
      await look(page, 'admin-06-intake-paused', 'intake paused');
      await page.getByRole('button', { name: 'Återuppta intaget', exact: true }).click();
      await page.waitForURL(/meddelande=intag-aterupptaget/);
      expect(await harness.robot.queues.intake.isPaused()).toBe(false);

      // bull-board behind the admin login.
      await page.goto(`${base}/admin/koer/`);
      await page.waitForLoadState('networkidle');
      await shoot(page, 'admin-07-bull-board');
      // A queue's page reloaded (or bookmarked) loads too: its files resolve against the board's <base>.
      const failed: string[] = [];
      page.on('response', (r) => {
        if (r.status() >= 400) failed.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
      await page.goto(`${base}/admin/koer/queue/cases`);
      await page.waitForLoadState('networkidle');
      expect(failed).toEqual([]);
      await page.getByText('Biståndsrobotens köer').first().waitFor();
      expect((await getCase(db, id))!.state).not.toBe('TECHNICAL_ERROR');
    } finally {
      await context.close();
    }
  }, 120_000);

  it('a caseworker gets 404 on the admin pages', async () => {
    const { context, page } = await openPage(browser, { locale: 'sv-SE' });
    try {
      await loginAs(page, base, /Anna Lind/, '/inkorg');
      for (const path of ['/admin', '/admin/nyckeltal', '/admin/logg', '/admin/logg.csv', '/admin/koer/']) {
        const res = await page.goto(`${base}${path}`);
        expect(res?.status(), path).toBe(404);
      }
      await shoot(page, 'admin-08-caseworker-404');
    } finally {
      await context.close();
    }
  }, 60_000);
});
