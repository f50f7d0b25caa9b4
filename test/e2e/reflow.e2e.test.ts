import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentDecision, IN_MEMORY, openDatabase, type Db } from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { axeCheck, serveInChromium, SHOTS, type BrowserSite } from '../support/browser.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';
import { seedCase } from '../support/web.js';

/**
 * WCAG 2.1 1.4.10 Reflow: every page of the caseworker and the admin, at 390 CSS px (a phone,
 * and what 200 % zoom of a 780 px window gives), scrolls only up and down:
 * document.documentElement.scrollWidth <= 390, checked by script in Debian's Chromium, with
 * axe-core on each page and a screenshot of each to test-artifacts/screenshots/reflow-*.png.
 * The cases are the sandbox's, run through the robot; one is signed on the way (through the
 * confirmation step) so that the decision, its letter and the change form are visited too.
 * Not visited: bull-board (/admin/koer, a third-party page) and the downloads (CSV, PDF, text).
 */
const WIDTH = 390;

async function fits(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `reflow-${name}.png`), fullPage: true });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  // What sticks out, to make a failure readable.
  const wide = width > WIDTH ? await page.evaluate((max) => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > max + 0.5 && ![...e.children].some((c) => c.getBoundingClientRect().right > max + 0.5))
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).replace(/\s+/g, '.')}` : ''} right=${Math.round(e.getBoundingClientRect().right)} "${(e.textContent ?? '').trim().slice(0, 30)}"`), WIDTH) : [];
  // Every page is checked before the test fails, so one run names every page that is too wide.
  if (width > WIDTH) tooWide.push(`${name}: scrollWidth ${width}; ${wide.join(', ')}`);
  await axeCheck(page, name);
}

const tooWide: string[] = [];

async function login(page: Page, base: string, label: RegExp, landing: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel(label).check();
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${base}${landing}`);
}

describe('every page at 390 px without sideways scrolling', () => {
  let db: Db;
  let harness: PipelineHarness;
  let site: BrowserSite;
  let proposed: string;
  let manual: string;
  let technical: string;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    harness = await startPipeline(db);
    const routes = async (app: FastifyInstance) => {
      await app.register(caseworkerRoutes({ db, rules: harness.deps.rules }));
      await app.register(adminRoutes({ db, rules: harness.deps.rules, queues: () => harness.robot.queues, bullBoard: false }));
    };
    site = await serveInChromium(db, routes);
    await harness.robot.pollNow();
    const { rows } = await db.query<{ id: string }>('SELECT id FROM cases');
    await harness.settle(rows.map((r) => r.id));
    // A case left in TECHNICAL_ERROR after its snapshot (as after an outage), for the admin's list and replay.
    technical = (await seedCase(db, { municipality: '1287', technicalError: true })).id;
    const pick = async (state: string, municipality = '1287') =>
      (await db.query<{ id: string }>('SELECT id FROM cases WHERE state = $1 AND municipality = $2 ORDER BY id LIMIT 1', [state, municipality])).rows[0]!.id;
    // A Trelleborg grant among the fixtures (as in caseworker.e2e.test.ts).
    proposed = 'A-2021-000101';
    manual = await pick('MANUAL');
  }, 180_000);

  afterAll(async () => {
    await site?.close();
    await harness?.stop();
    await db?.close();
  });

  async function phone(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await site.browser.newContext({ locale: 'sv-SE', viewport: { width: WIDTH, height: 844 } });
    return { context, page: await context.newPage() };
  }

  it('the caseworker pages', async () => {
    const { context, page } = await phone();
    const base = site.base;
    try {
      await page.goto(`${base}/login`);
      await fits(page, 'login');
      await login(page, base, /Anna Lind/, '/inkorg');
      await fits(page, 'inbox');
      await page.goto(`${base}/inkorg?visa=mina`);
      await fits(page, 'inbox-mine');
      await page.goto(`${base}/arenden/${manual}`);
      await fits(page, 'case-manual');
      await page.goto(`${base}/arenden/${proposed}`);
      await fits(page, 'case-proposed');
      await page.goto(`${base}/arenden/${proposed}/andra`);
      await fits(page, 'edit');
      // The amount fields are within the page's width (no field behind a sideways scroll).
      for (const box of await page.locator('input.amount').evaluateAll((inputs) => inputs.map((i) => i.getBoundingClientRect().right))) {
        expect(box).toBeLessThanOrEqual(WIDTH);
      }
      await page.goto(`${base}/arenden/${proposed}`);
      await page.getByRole('button', { name: 'Signera beslutet' }).click();
      await page.waitForURL(`${base}/arenden/${proposed}/signera/bekrafta`);
      await fits(page, 'sign-confirm');
      await page.getByRole('button', { name: 'Bekräfta och signera' }).click();
      await page.waitForURL(`${base}/arenden/${proposed}?signerat=1`);
      expect(await currentDecision(db, proposed)).toBeDefined();
      await fits(page, 'case-signed');
      await page.goto(`${base}/arenden/${proposed}/beslut`);
      await fits(page, 'letter');
      await page.goto(`${base}/arenden/${proposed}/andra-beslut`);
      await fits(page, 'change-decision');
      await page.goto(`${base}/arenden/finns-inte-1`);
      await fits(page, 'case-not-found');
      await page.goto(`${base}/ingen/sadan/sida`);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sidan finns inte');
      await fits(page, 'not-found');
      expect(tooWide.splice(0)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('the admin pages', async () => {
    const { context, page } = await phone();
    const base = site.base;
    try {
      await login(page, base, /Lena Drift/, '/admin');
      expect(await page.content()).toContain(technical);
      await fits(page, 'admin-overview');
      for (const [path, name] of [
        ['/admin/nyckeltal', 'admin-kpi'],
        ['/admin/nyckeltal?kommun=1263', 'admin-kpi-svedala'],
        ['/admin/statistik', 'admin-statistics'],
        ['/admin/gallring', 'admin-retention'],
        ['/admin/logg', 'admin-audit-log'],
        [`/admin/logg?arende=${encodeURIComponent(proposed)}`, 'admin-audit-log-case'],
      ] as const) {
        await page.goto(`${base}${path}`);
        await fits(page, name);
      }
      // The KPI download opens as columns in Swedish Excel: a byte order mark, semicolons, a decimal comma.
      const csv = await page.request.get(`${base}/admin/nyckeltal.csv?kommun=1287`);
      expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
      const bytes = await csv.body();
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [header, ...rows] = bytes.subarray(3).toString('utf8').split('\r\n').filter(Boolean).map((line) => line.split(';'));
      expect(header!.slice(0, 3)).toEqual(['kommun', 'manad', 'pagar']);
      expect(rows.every((r) => r.length === header!.length)).toBe(true);
      expect(rows.every((r) => /^\d+,\d{2}$/.test(r[header!.indexOf('utbetalt_kr')]!))).toBe(true);
      await page.goto(`${base}/admin`);
      await page.getByRole('button', { name: `Räkna om från ögonblicksbild, ärende ${technical}` }).click();
      await page.waitForURL(`${base}/admin/omkorning`);
      await fits(page, 'admin-replay-result');
      expect(tooWide.splice(0)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});
