import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentDecision, IN_MEMORY, openDatabase, type Db } from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { logFollowUpRoutes } from '../../src/web/logfollowup/routes.js';
import { addDays, stockholmDate } from '../../src/domain/dates.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { axeCheck, loginAs, serveInChromium, shoot, type BrowserSite } from '../support/browser.js';
import { onPhone, PHONE_WIDTH } from '../support/phone.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';
import { seedCase } from '../support/web.js';

/**
 * WCAG 2.1 1.4.10 Reflow: every page of the caseworker and the admin, at 390 CSS px (a phone,
 * and what 200 % zoom of a 780 px window gives), scrolls only up and down:
 * document.documentElement.scrollWidth <= 390, checked by script in Debian's Chromium, with
 * axe-core on each page and a screenshot of each to test-artifacts/screenshots/reflow-*.png.
 * The cases are the sandbox's, run through the robot; one is signed on the way (through the
 * confirmation step) so that the decision, its letter and the change form are visited too.
 * Each page is measured again at 640 px (a 1 280 px window at 200 % zoom).
 * Not visited: bull-board (/admin/koer, a third-party page; admin.e2e.test.ts loads it, a queue's page reloaded included) and the downloads (CSV, PDF, text).
 */
const WIDTH = PHONE_WIDTH;
/** A 1 280 px window at 200 % zoom (WCAG 1.4.10 names 1 280 px at 400 %, i.e. 320 px: below 390). */
const ZOOMED = 640;

async function fits(page: Page, name: string): Promise<void> {
  await shoot(page, `reflow-${name}`);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  // What sticks out, to make a failure readable.
  const wide = width > WIDTH ? await page.evaluate((max) => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > max + 0.5 && ![...e.children].some((c) => c.getBoundingClientRect().right > max + 0.5))
    .slice(0, 5)
    .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className ? `.${String(e.className).replace(/\s+/g, '.')}` : ''} right=${Math.round(e.getBoundingClientRect().right)} "${(e.textContent ?? '').trim().slice(0, 30)}"`), WIDTH) : [];
  // And the outermost boxes that stick out (a table beside its scrolling region, say).
  const outer = width > WIDTH ? await page.evaluate((max) => [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > max + 0.5 && (e.parentElement?.getBoundingClientRect().right ?? 0) <= max + 0.5)
    .slice(0, 3)
    .map((e) => `${e.tagName.toLowerCase()} right=${Math.round(e.getBoundingClientRect().right)} in ${e.parentElement!.tagName.toLowerCase()}${e.parentElement!.className ? `.${e.parentElement!.className}` : ''}`), WIDTH) : [];
  // Every page is checked before the test fails, so one run names every page that is too wide.
  if (width > WIDTH) tooWide.push(`${name}: scrollWidth ${width}; ${wide.join(', ')}; outermost: ${outer.join(', ')}`);
  await axeCheck(page, name);
  // 200 % zoom of a 1 280 px window lays the page out in 640 CSS px: the same check there.
  await page.setViewportSize({ width: ZOOMED, height: 844 });
  const zoomed = await page.evaluate(() => document.documentElement.scrollWidth);
  if (zoomed > ZOOMED) tooWide.push(`${name} at ${ZOOMED} px: scrollWidth ${zoomed}`);
  await page.setViewportSize({ width: WIDTH, height: 844 });
}

const tooWide: string[] = [];

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
      await app.register(logFollowUpRoutes({ db, closedDays: harness.deps.rules.closedBankDayRules() }));
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

  const phone = () => onPhone(site.browser, { locale: 'sv-SE' });

  it('the caseworker pages', async () => {
    const { context, page } = await phone();
    const base = site.base;
    try {
      await page.goto(`${base}/login`);
      await fits(page, 'login');
      await loginAs(page, base, /Anna Lind/, '/inkorg');
      await fits(page, 'inbox');
      await page.goto(`${base}/inkorg?visa=mina`);
      await fits(page, 'inbox-mine');
      await page.goto(`${base}/sok`);
      await fits(page, 'search');
      await page.goto(`${base}/sok?kommun=1287`);
      expect(await page.getByRole('table', { name: 'Sökträffar' }).count()).toBe(1);
      await fits(page, 'search-hits');
      await page.goto(`${base}/arenden/${manual}`);
      await fits(page, 'case-manual');
      await page.getByRole('button', { name: 'Jag tar ärendet' }).click();
      await page.waitForURL(`${base}/arenden/${manual}?tagit=1`);
      await fits(page, 'case-manual-claimed');
      await page.goto(`${base}/arenden/${manual}/avgora`);
      await fits(page, 'manual-decide');
      await page.goto(`${base}/arenden/${proposed}`);
      await fits(page, 'case-proposed');
      await page.goto(`${base}/arenden/${proposed}/andra`);
      await fits(page, 'edit');
      // The amount fields are within the page's width (no field behind a sideways scroll).
      for (const box of await page.locator('input.amount').evaluateAll((inputs) => inputs.map((i) => i.getBoundingClientRect().right))) {
        expect(box).toBeLessThanOrEqual(WIDTH);
      }
      // The edit's confirmation (nothing signed; the proposal is signed as it stands below).
      const cost = page.locator('tr:has-text("Kostnad, förslag") input.amount').first();
      await cost.fill('1');
      await page.getByLabel('Motivering (krävs)').fill('Kontroll av sidans bredd.');
      await page.getByRole('button', { name: 'Räkna om och granska' }).click();
      await page.waitForURL(`${base}/arenden/${proposed}/andra/bekrafta`);
      await fits(page, 'edit-confirm');
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
      // An appeal of the signed decision: its page, the omprövning form and the covering letter.
      await page.goto(`${base}/arenden/${proposed}`);
      const appeal = page.getByRole('form', { name: 'Registrera ett överklagande' });
      await appeal.getByLabel('Inkom (datum)').fill(stockholmDate(new Date()));
      await appeal.getByLabel(/Vad överklagandet gäller/).fill('Sökanden menar att hyran är högre.');
      await page.getByRole('button', { name: 'Registrera överklagandet' }).click();
      await page.waitForURL(new RegExp(`/arenden/${proposed}/overklaganden/\\d+\\?registrerat=1$`));
      const appealUrl = page.url().replace(/\?.*$/, '');
      await fits(page, 'appeal');
      await page.goto(`${appealUrl}/foljebrev`);
      await fits(page, 'appeal-covering-letter');
      await page.goto(`${base}/arenden/${proposed}/andra-beslut?overklagande=${appealUrl.split('/').pop()}`);
      await fits(page, 'appeal-change-decision');
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
      await loginAs(page, base, /Lena Drift/, '/admin');
      expect(await page.content()).toContain(technical);
      await fits(page, 'admin-overview');
      // The jobs table reads whole, with no sideways scrolling in its own region either: six state
      // columns did not fit, and broke or hid their headings (a trial user's finding).
      for (const name of ['Jobb per kö och läge', 'Verkställighet och bokning: jobb per läge']) {
        const jobs = page.getByRole('region', { name });
        expect(await jobs.evaluate((e) => e.scrollWidth - e.clientWidth), name).toBeLessThanOrEqual(0);
      }
      for (const [path, name] of [
        ['/admin/nyckeltal', 'admin-kpi'],
        ['/admin/nyckeltal?kommun=1263', 'admin-kpi-svedala'],
        ['/admin/statistik', 'admin-statistics'],
        ['/admin/gallring', 'admin-retention'],
        ['/admin/logg', 'admin-audit-log'],
        [`/admin/logg?arende=${encodeURIComponent(proposed)}`, 'admin-audit-log-case'],
        ['/admin/forsakringar', 'admin-declarations'],
        ['/logguppfoljning', 'logfollowup'],
      ] as const) {
        await page.goto(`${base}${path}`);
        await fits(page, name);
      }
      // A log follow-up report of today, made now: the reads above are in it.
      await page.goto(`${base}/logguppfoljning`);
      await page.getByLabel(/^Kommun/).selectOption('1287');
      // A period that is over (yesterday): one not over is refused.
      await page.getByLabel(/^Från/).fill(addDays(stockholmDate(new Date()), -1));
      await page.getByLabel(/^Till och med/).fill(addDays(stockholmDate(new Date()), -1));
      await page.getByRole('button', { name: 'Gör rapporten' }).click();
      await page.waitForURL(/\/logguppfoljning\/\d+$/);
      await fits(page, 'logfollowup-report');
      const finding = page.getByRole('link', { name: /för fynd 1$/ });
      if (await finding.count()) {
        await finding.click();
        await page.waitForURL(/\/fynd\/1$/);
        await fits(page, 'logfollowup-finding');
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
