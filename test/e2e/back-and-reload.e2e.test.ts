import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { getCase, listDecisionsForCase } from '../../src/store/index.js';
import { caseworkerPagesInChromium, loginAs, look, openPage } from '../support/browser.js';
import { seedCase } from '../support/web.js';

/**
 * Back and reload after a signature, in Debian's Chromium (a trial user's finding): every step
 * of the caseworker's flow that posts answers with 303 See Other to a page fetched with GET
 * (Post/Redirect/Get), so going back or reloading never meets the browser's "resubmit the
 * form" page, and nothing is signed twice.
 */
async function expectPlainPage(page: Page, name: string): Promise<void> {
  // Chromium's own "Confirm Form Resubmission" page (net::ERR_CACHE_MISS) has no main landmark.
  expect(await page.locator('main').count(), `${name}: ${page.url()}`).toBe(1);
  expect(await page.content(), name).not.toContain('ERR_CACHE_MISS');
}

async function back(page: Page): Promise<void> {
  await page.goBack({ waitUntil: 'load' }).catch(() => undefined);
}

describe('back and reload after signing, in Chromium', () => {
  const shared = caseworkerPagesInChromium();

  it('signing as proposed: back from the signed case shows a page, not a resubmission, and signs nothing again', async () => {
    const { id } = await seedCase(shared.db, { municipality: '1287' });
    const { context, page } = await openPage(shared.site.browser);
    await loginAs(page, shared.site.base, /Anna Lind/, '/inkorg');
    await page.goto(`${shared.site.base}/arenden/${id}`);
    await page.getByLabel(/Motivering i beslutsbrevet/).fill('Enligt förslaget.');
    await page.getByRole('button', { name: 'Signera beslutet' }).click();
    await page.getByRole('button', { name: 'Bekräfta och signera' }).waitFor();
    await page.getByRole('button', { name: 'Bekräfta och signera' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${id}?signerat=1`);
    await back(page);
    await expectPlainPage(page, 'back from the signed case');
    await page.reload();
    await expectPlainPage(page, 'reload after going back');
    expect((await getCase(shared.db, id))?.state).toBe('SIGNED');
    expect(await listDecisionsForCase(shared.db, id)).toHaveLength(1);
    await context.close();
  }, 60_000);

  it('edit and sign, by way of "Ändra igen": back through every step shows pages, and reload signs nothing', async () => {
    const { id } = await seedCase(shared.db, { municipality: '1287' });
    const { context, page } = await openPage(shared.site.browser);
    await loginAs(page, shared.site.base, /Anna Lind/, '/inkorg');
    await page.goto(`${shared.site.base}/arenden/${id}/andra`);
    const field = page.locator('#belopp-2');
    // A slip of the keyboard: ten times the rent. The confirmation warns (a note, read by axe too).
    await field.fill('50 000');
    await page.getByLabel('Motivering (krävs)').fill('Ny hyra enligt avtal.');
    await page.getByRole('button', { name: 'Räkna om och granska' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${id}/andra/bekrafta`);
    await page.reload();
    await expectPlainPage(page, 'reload of the confirmation');
    expect(await page.getByRole('note', { name: 'Kontrollera beloppen' }).textContent()).toMatch(/50\s000,00 kr är 10 gånger så mycket som 5\s000,00 kr/);
    await look(page, 'back-reload-amount-warning', 'the confirmation with an amount warning');
    await page.getByRole('button', { name: 'Ändra igen' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${id}/andra?igen=1`);
    expect(await page.getByLabel('Motivering (krävs)').inputValue()).toBe('Ny hyra enligt avtal.');
    await field.fill('4 000');
    await page.getByRole('button', { name: 'Räkna om och granska' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${id}/andra/bekrafta`);
    expect(await page.getByRole('note', { name: 'Kontrollera beloppen' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Bekräfta och signera' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${id}?signerat=1`);
    for (let step = 1; step <= 4; step++) {
      await back(page);
      await expectPlainPage(page, `back ${step}`);
    }
    await page.reload();
    await expectPlainPage(page, 'reload after going back');
    expect(await listDecisionsForCase(shared.db, id)).toHaveLength(1);
    await context.close();
  }, 60_000);

  it('a manual case: claim, settle, sign; back through every step shows pages, and reload signs nothing', async () => {
    const { id } = await seedCase(shared.db, { municipality: '1287', costs: [{ type: 'rent', amount: '15000' }, { type: 'electricity', amount: '400' }] });
    const { context, page } = await openPage(shared.site.browser);
    await loginAs(page, shared.site.base, /Anna Lind/, '/inkorg');
    await page.goto(`${shared.site.base}/arenden/${id}`);
    await page.getByRole('button', { name: 'Jag tar ärendet' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${id}?tagit=1`);
    await page.getByRole('link', { name: 'Avgör ärendet' }).click();
    await page.getByLabel(/Godta upp till riktlinjen/).check();
    await page.getByLabel('Motivering (krävs)').fill('Hyran godtas upp till riktlinjen.');
    await page.getByRole('button', { name: 'Räkna om och granska' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${id}/avgora/bekrafta`);
    await page.getByRole('button', { name: 'Bekräfta och signera' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${id}?signerat=1`);
    for (let step = 1; step <= 4; step++) {
      await back(page);
      await expectPlainPage(page, `back ${step}`);
      await page.reload();
      await expectPlainPage(page, `reload after back ${step}`);
    }
    expect(await listDecisionsForCase(shared.db, id)).toHaveLength(1);
    await context.close();
  }, 60_000);
});
