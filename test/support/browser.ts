import { declareEveryone } from './web.js';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { IN_MEMORY, openDatabase, type Db } from '../../src/store/index.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { loadWebAuthConfig } from '../../src/config.js';
import { CHROMIUM_ARGS } from '../../src/web/caseworker/pdf.js';
import { buildWebServer } from '../../src/web/server.js';
import { fakePdf } from './web.js';

/** What the browser tests share: where screenshots go, and the axe-core accessibility check. */
export const ROOT = join(import.meta.dirname, '..', '..');
export const SHOTS = join(ROOT, 'test-artifacts', 'screenshots');
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** No serious or critical axe-core violation on the page as it stands. */
export async function axeCheck(page: Page, name: string): Promise<void> {
  // Evaluated through the DevTools protocol, so the page's CSP (no inline script) is not loosened.
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: AxeViolation[] }> } };
    const result = await w.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => ({ target: n.target })) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious, `${name}: ${JSON.stringify(serious, null, 2)}`).toEqual([]);
}

/**
 * A full-page screenshot saved as test-artifacts/screenshots/`file`.png (the folder is made if
 * missing), so a person can look at what the test saw.
 */
export async function shoot(page: Page, file: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${file}.png`), fullPage: true });
}

/** What every visited page gets: a screenshot `file`.png (see shoot), then axeCheck under `name`. */
export async function look(page: Page, file: string, name: string): Promise<void> {
  await shoot(page, file);
  await axeCheck(page, name);
}

/** Laptop-sized viewport in CSS px, for the pages that are not tested at a phone's width. */
export const DESKTOP = { width: 1280, height: 900 } as const;

/** A new browser context with `options` and a page in it; the caller closes the context. */
export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext(options);
  return { context, page: await context.newPage() };
}

export interface BrowserSite {
  /** http://127.0.0.1:<port> of the server. */
  base: string;
  browser: Browser;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A web server on a free loopback port with its pages set up as production sets them up
 * (buildWebServer's `pages`: the real session plugin with the development login, CSRF, CSP, and
 * the refusal of unstorable text) and `routes` in that context, and Debian's Chromium to drive it.
 */
export async function serveInChromium(db: Db, routes: FastifyPluginAsync): Promise<BrowserSite> {
  mkdirSync(SHOTS, { recursive: true });
  await declareEveryone(db);
  const app = buildWebServer({
    logger: createLogger({ nodeEnv: 'test', logLevel: 'warn' }),
    metrics: createMetrics({ defaultMetrics: false }),
    checks: {},
    pages: { db, auth: loadWebAuthConfig({ NODE_ENV: 'test' }), routes: [routes] },
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  return {
    base,
    browser,
    app,
    close: async () => {
      await browser.close();
      await app.close();
    },
  };
}

/**
 * A development-login user: a RegExp matches the radio button's label (display name, role,
 * organisation, municipalities); a string is the user's id (src/web/auth/devUsers.ts).
 */
export type DevLoginUser = RegExp | string;

function devLoginChoice(page: Page, user: DevLoginUser): Locator {
  return typeof user === 'string' ? page.locator(`#u-${user}`) : page.getByLabel(user);
}

/**
 * On the development login page already open in `page`: picks `user`, presses "Logga in" and
 * waits until the browser is at `base` + `landing` (a path such as '/inkorg').
 */
export async function signIn(page: Page, base: string, user: DevLoginUser, landing: string): Promise<void> {
  await devLoginChoice(page, user).check();
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${base}${landing}`);
}

/** Opens `base`/login and signs in as `user` (see signIn), waiting for `landing`. */
export async function loginAs(page: Page, base: string, user: DevLoginUser, landing: string): Promise<void> {
  await page.goto(`${base}/login`);
  await signIn(page, base, user, landing);
}

/**
 * For a describe block: a PGlite database in memory and the caseworker pages served to Chromium,
 * opened before its tests and closed after them. Read `db` and `site` inside the tests (they
 * exist from beforeAll on).
 */
export function caseworkerPagesInChromium(): { readonly db: Db; readonly site: BrowserSite } {
  let db: Db | undefined;
  let site: BrowserSite | undefined;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    site = await serveInChromium(db, caseworkerRoutes({ db, pdf: fakePdf }));
  }, 120_000);
  afterAll(async () => {
    await site?.close();
    await db?.close();
  });
  return {
    get db() {
      return db!;
    },
    get site() {
      return site!;
    },
  };
}
