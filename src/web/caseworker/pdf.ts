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

/**
 * "Sida 1 av 2" at the foot of every page. Chromium fills the pageNumber and totalPages spans;
 * the template's own styles apply (it is drawn apart from the letter, at a tiny default size).
 */
const PAGE_FOOTER =
  '<div style="width:100%;font-family:system-ui,Arial,sans-serif;font-size:9pt;color:#000;text-align:right;padding:0 16mm;">Sida <span class="pageNumber"></span> av <span class="totalPages"></span></div>';

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
        // Tagged (headings, tables, lists in a structure tree) for screen readers; numbered pages
        // in the footer, which Chromium draws in the bottom margin of each page (@page in site.css).
        return await page.pdf({
          format: 'A4',
          printBackground: true,
          preferCSSPageSize: true,
          tagged: true,
          displayHeaderFooter: true,
          headerTemplate: '<span></span>',
          footerTemplate: PAGE_FOOTER,
        });
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
