import { chromium, type Browser } from 'playwright-core';
import { DEFAULT_CHROMIUM_PATH } from '../../config.js';

/**
 * PDFs by Chromium (Debian's /usr/bin/chromium through playwright-core). One browser for the
 * process, started on first use; each letter in its own context with JavaScript off and every
 * network request refused, so a letter can only ever show what it was given.
 */
export interface PdfRenderer {
  render(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** `executablePath`: the configuration's chromiumPath (CHROMIUM_PATH). */
export function chromiumPdfRenderer(executablePath: string = DEFAULT_CHROMIUM_PATH): PdfRenderer {
  let browser: Promise<Browser> | undefined;
  const launch = () => {
    browser ??= chromium.launch({ executablePath, args: CHROMIUM_ARGS }).catch((error: unknown) => {
      browser = undefined;
      throw error;
    });
    return browser;
  };
  return {
    async render(html) {
      const b = await launch();
      const context = await b.newContext({ javaScriptEnabled: false });
      try {
        await context.route('**/*', (route) => route.abort());
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load' });
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await context.close();
      }
    },
    async close() {
      const b = browser;
      browser = undefined;
      if (b) await (await b).close().catch(() => undefined);
    },
  };
}
