import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { Db } from '../../src/store/index.js';
import { loadWebAuthConfig } from '../../src/config.js';
import { registerWebAuth } from '../../src/web/auth/webAuth.js';
import { CHROMIUM_ARGS } from '../../src/web/caseworker/pdf.js';
import { buildWebServer } from '../../src/web/server.js';

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

export interface BrowserSite {
  /** http://127.0.0.1:<port> of the server. */
  base: string;
  browser: Browser;
  app: FastifyInstance;
  close(): Promise<void>;
}

/**
 * A web server on a free loopback port with the real session plugin (development login, CSRF,
 * CSP) and `routes` in its context, and Debian's Chromium to drive it.
 */
export async function serveInChromium(db: Db, routes: FastifyPluginAsync): Promise<BrowserSite> {
  mkdirSync(SHOTS, { recursive: true });
  const app = buildWebServer({ logger: createLogger({ nodeEnv: 'test', logLevel: 'warn' }), metrics: createMetrics({ defaultMetrics: false }), checks: {} });
  await app.register(async (pages) => {
    await registerWebAuth(pages, { db, auth: loadWebAuthConfig({ NODE_ENV: 'test' }) });
    await pages.register(routes);
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

/** Signs in with the development login as the user whose label matches, and waits for `landing`. */
export async function loginAs(page: Page, base: string, user: RegExp, landing: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel(user).check();
  await page.getByRole('button', { name: 'Logga in' }).click();
  await page.waitForURL(`${base}${landing}`);
}
