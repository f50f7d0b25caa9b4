import type { Browser, BrowserContext, BrowserContextOptions, Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import { look, openPage } from './browser.js';

/**
 * A phone's width in CSS px, at which the browser tests look at the pages (WCAG 2.1 1.4.10
 * Reflow: content is read without scrolling sideways; 390 px is also 200 % zoom of a 780 px window).
 */
export const PHONE_WIDTH = 390;
/** The phone's viewport in CSS px. */
export const PHONE = { width: PHONE_WIDTH, height: 844 } as const;

/** A new browser context at the phone's viewport (plus `options`, e.g. a locale) and a page in it. */
export async function onPhone(browser: Browser, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  return openPage(browser, { ...options, viewport: PHONE });
}

/** `part` (one element) has a box, and its right edge is within the phone's width; `name` labels a failure. */
export async function expectWithinPhone(part: Locator, name: string): Promise<void> {
  const box = (await part.boundingBox())!;
  expect(box, name).not.toBeNull();
  expect(box.x + box.width, name).toBeLessThanOrEqual(PHONE_WIDTH);
}

/** Nothing inside `part` ends to the right of the part itself (a scrolling region would hide it; none is expected). */
export async function expectNoSpill(part: Locator, name: string): Promise<void> {
  const spill = await part.evaluate((el) => {
    const right = el.getBoundingClientRect().right;
    return [...el.querySelectorAll('*')]
      .filter((d) => d.getBoundingClientRect().right > right + 0.5)
      .map((d) => `${d.tagName.toLowerCase()}${d.id ? `#${d.id}` : ''} ends at ${Math.round(d.getBoundingClientRect().right)} px`);
  });
  expect(spill, `${name}: wider than the part`).toEqual([]);
}

/** `selector` matches at least one element on the page, and every one ends within the phone's width. */
export async function expectEveryWithinPhone(page: Page, selector: string, name: string): Promise<void> {
  const rights = await page.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
  expect(rights.length, selector).toBeGreaterThan(0);
  for (const right of rights) expect(right, `${name}: ${selector} is wider than ${PHONE_WIDTH} px`).toBeLessThanOrEqual(PHONE_WIDTH);
}

/** The page as a whole does not scroll sideways: the document's scrollWidth is within the phone's width. */
export async function expectNoSidewaysScroll(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(PHONE_WIDTH);
}

/** What a phone visit checks beyond each part's width. */
export interface PhoneChecks {
  /** Also nothing inside each part spills out of it (expectNoSpill). */
  spill?: boolean;
  /** Also the whole page does not scroll sideways (expectNoSidewaysScroll). */
  wholePage?: boolean;
}

/**
 * The `visit` of a browser test at the phone's width: `visit(page, name, ...parts)` saves the
 * screenshot `prefix`-`name`.png, runs axe-core (see look), then checks `checks` and that each
 * part (what the feature under test adds) lies within the phone's width.
 */
export function phoneVisit(prefix: string, checks: PhoneChecks = {}): (page: Page, name: string, ...parts: Locator[]) => Promise<void> {
  return async (page, name, ...parts) => {
    await look(page, `${prefix}-${name}`, name);
    if (checks.wholePage) await expectNoSidewaysScroll(page, name);
    for (const part of parts) {
      await expectWithinPhone(part, name);
      if (checks.spill) await expectNoSpill(part, name);
    }
  };
}
