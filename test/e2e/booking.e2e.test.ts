import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBookingClient } from '../../src/casesystem/booking.js';
import { createNotifyClient } from '../../src/casesystem/notify.js';
import { swedishDateTime } from '../../src/domain/dates.js';
import { start as startBooking, type BookingSandbox } from '../../src/sandbox/booking.js';
import { start as startNotifications, type NotificationSandbox } from '../../src/sandbox/notifications.js';
import { getBooking, IN_MEMORY, listAuditForCase, openDatabase, type BookingRecord, type Db } from '../../src/store/index.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { loginAs, look, serveInChromium, type BrowserSite } from '../support/browser.js';
import { expectEveryWithinPhone, expectNoSidewaysScroll, onPhone } from '../support/phone.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * The first meeting as a caseworker sees it, in Debian's Chromium at a phone's width (390 px):
 * the booked time on the case page, in Swedish; a booking the robot could not make as a point in
 * the inbox and on the case page, and "try again" from the keyboard until the time shows. What
 * this feature adds must fit the phone's width (the inbox no longer scrolls sideways; the case
 * page's calculation tables still do, which is older than this test).
 * Every page is checked with axe-core and photographed to test-artifacts/screenshots/.
 */
const fast = { timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settledBooking(db: Db, caseId: string, booked = false): Promise<BookingRecord> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const b = await getBooking(db, caseId);
    if (b && (booked ? b.messageReference !== null : b.state === 'failed' || b.messageReference !== null)) return b;
    if (Date.now() > deadline) throw new Error(`booking of ${caseId} did not settle`);
    await sleep(100);
  }
}

/** Photographed and checked with axe; what this feature adds (`selectors`) fits the phone's width. */
async function visit(page: Page, name: string, selectors: readonly string[]): Promise<void> {
  await look(page, `booking-${name}`, name);
  for (const selector of selectors) await expectEveryWithinPhone(page, selector, name);
}

describe('the first meeting on the case page in Chromium', () => {
  let db: Db;
  let h: PipelineHarness;
  let site: BrowserSite;
  let bookingSystem: BookingSandbox;
  let messages: NotificationSandbox;
  let dir: string;
  let booked: string;
  let full: string;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    dir = mkdtempSync(join(tmpdir(), 'robot-booking-e2e-'));
    bookingSystem = await startBooking();
    messages = await startNotifications();
    h = await startPipeline(db, {
      sandbox: { fixtures: { applicationsDir: dir } },
      booking: { adapters: { booking: createBookingClient({ url: bookingSystem.url, ...fast }), notifier: createNotifyClient({ url: messages.url, ...fast }) } },
    });
    booked = h.sandbox.generate(1, 6101, { month: '2021-06', kind: 'new' })[0]!.id;
    await h.robot.pollNow();
    await h.settle([booked], ['MANUAL', 'PROPOSED'], 60_000);
    await settledBooking(db, booked);
    // The next one finds the booking system full.
    bookingSystem.setCalendar({ secretaries: 0 });
    full = h.sandbox.generate(1, 6102, { month: '2021-06', kind: 'new' })[0]!.id;
    await h.robot.pollNow();
    await h.settle([full], ['MANUAL', 'PROPOSED'], 60_000);
    expect((await settledBooking(db, full)).state).toBe('failed');
    bookingSystem.setCalendar({ secretaries: 2 });
    site = await serveInChromium(db, caseworkerRoutes({ db }));
  }, 120_000);

  afterAll(async () => {
    await site?.close();
    await h?.stop();
    await Promise.all([bookingSystem?.stop(), messages?.stop()]);
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the booked time in Swedish; a booking the robot could not make is a point, and "try again" books it', async () => {
    const { context, page } = await onPhone(site.browser);
    try {
      await loginAs(page, site.base, 'hl-trelleborg-1', '/inkorg');
      // The inbox: the failed booking is a point on the list.
      const row = page.getByRole('row').filter({ hasText: full });
      await expect.poll(() => row.getByText('Första mötet:').count()).toBe(1);
      expect(await row.textContent()).toContain('ingen ledig tid');
      expect(await page.getByText(/1 första möte som roboten inte kunde boka/).count()).toBe(1);
      await visit(page, '01-inbox', ['.counts li']);
      // The inbox table scrolls inside its own region, not the page.
      await expectNoSidewaysScroll(page, '01-inbox');

      // The booked case: the time as the booking system gave it, in Swedish.
      await page.getByRole('link', { name: booked }).click();
      await page.waitForURL(`${site.base}/arenden/${booked}`);
      const b = (await getBooking(db, booked))!;
      const time = page.getByTestId('meeting-time');
      expect(await time.textContent()).toContain(swedishDateTime(b.startsAt!));
      expect(await time.textContent()).toMatch(/^Möte med arbetsmarknadssekreterare (måndag|tisdag|onsdag|torsdag|fredag) \d{1,2} \p{L}+ \d{4} kl\. \d{2}:\d{2}/u);
      expect(await page.getByText('Sökanden har fått tiden i Mina ärenden.').count()).toBe(1);
      expect(await page.getByTestId('booking-point').count()).toBe(0);
      await visit(page, '02-booked', ['#forsta-mote', '[data-testid=meeting-time]']);

      // The full one: the point, and "try again" by keyboard.
      await page.goto(`${site.base}/arenden/${full}`);
      expect(await page.getByTestId('booking-point').textContent()).toContain('ingen ledig tid');
      await visit(page, '03-point', ['#forsta-mote', '[data-testid=booking-point]', 'form[action$="forsok-igen"] button', 'form[action$="hanterad"] button']);
      await page.getByRole('button', { name: 'Låt roboten försöka igen' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForLoadState('load');
      expect(await page.getByRole('status').textContent()).toContain('försöker boka mötet igen');
      expect((await listAuditForCase(db, full)).some((a) => a.action === 'booking.retry' && a.actor === 'hl-trelleborg-1')).toBe(true);

      await h.robot.sweepBookingsNow();
      const now = await settledBooking(db, full, true);
      await page.goto(`${site.base}/arenden/${full}`);
      expect(await page.getByTestId('meeting-time').textContent()).toContain(swedishDateTime(now.startsAt!));
      expect(await page.getByTestId('booking-point').count()).toBe(0);
      await visit(page, '04-booked-after-retry', ['[data-testid=meeting-time]']);
    } finally {
      await context.close();
    }
  }, 120_000);
});
