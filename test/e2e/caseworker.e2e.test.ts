import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentDecision, getCase, getProposalForCase, IN_MEMORY, listAuditForCase, openDatabase, type Db } from '../../src/store/index.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { kronor } from '../../src/domain/labels.js';
import { DESKTOP, loginAs, look, openPage, serveInChromium, shoot, type BrowserSite } from '../support/browser.js';
import { onPhone } from '../support/phone.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * A caseworker in Debian's Chromium against a running server and the pipeline on the sandbox
 * fixtures: logs in, opens a proposal, checks the amount against the stored proposal, signs,
 * reads the letter (HTML and PDF). Svedala's auditor cannot sign and cannot see a Trelleborg
 * case. Every page is photographed to test-artifacts/screenshots/ and checked with axe-core.
 */
const TRELLEBORG_GRANT = 'A-2021-000101';
const SVEDALA_GRANT = 'A-2026-000210';

const visit = (page: Page, name: string) => look(page, `caseworker-${name}`, name);

describe('caseworker review in Chromium', () => {
  let db: Db;
  let harness: PipelineHarness;
  let site: BrowserSite;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    harness = await startPipeline(db);
    await harness.robot.pollNow();
    const { rows } = await db.query<{ id: string }>('SELECT id FROM cases');
    await harness.settle(rows.map((r) => r.id));
    site = await serveInChromium(db, caseworkerRoutes({ db }));
    browser = site.browser;
    base = site.base;
  }, 120_000);

  afterAll(async () => {
    await site?.close();
    await harness?.stop();
    await db?.close();
  });

  it('a Trelleborg caseworker logs in, checks the amount against the stored proposal, signs, and reads the letter', async () => {
    const { context, page } = await openPage(browser, { viewport: DESKTOP });
    try {
      await page.goto(`${base}/login`);
      await visit(page, '01-login');
      await loginAs(page, base, 'hl-trelleborg-1', '/inkorg');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Inkorg');
      await visit(page, '02-inbox');
      expect(await page.locator(`a[href="/arenden/${SVEDALA_GRANT}"]`).count()).toBe(0);

      await page.getByRole('link', { name: TRELLEBORG_GRANT, exact: true }).click();
      await page.waitForURL(`${base}/arenden/${TRELLEBORG_GRANT}`);
      const stored = await getProposalForCase(db, TRELLEBORG_GRANT);
      const shown = (await page.getByTestId('proposal-amount').textContent())!.replace(/\s/g, '');
      expect(shown).toBe(stored!.amount);
      await visit(page, '03-case');

      await page.getByRole('link', { name: 'Ändra belopp', exact: true }).click();
      await page.waitForURL(`${base}/arenden/${TRELLEBORG_GRANT}/andra`);
      await visit(page, '04-edit');
      // Without a motivation the browser's own check stops the form; the server check is tested in test/web.
      await page.getByRole('link', { name: 'Tillbaka till ärendet utan att signera' }).click();

      // Signing asks first, in words: the outcome and the amount. Nothing is signed yet.
      await page.getByRole('button', { name: 'Signera beslutet' }).click();
      await page.waitForURL(`${base}/arenden/${TRELLEBORG_GRANT}/signera/bekrafta`);
      expect((await page.locator('#bekrafta-utfall').textContent())?.replace(/\s/g, ' ')).toContain(`bevilja ${kronor(stored!.amount!).replace(/\s/g, ' ')} kr`);
      expect((await getCase(db, TRELLEBORG_GRANT))!.state).toBe('PROPOSED');
      await visit(page, '05-confirm');
      await page.getByRole('button', { name: 'Bekräfta och signera' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/arenden/${TRELLEBORG_GRANT}?signerat=1`);
      expect(await page.getByRole('status').textContent()).toContain('Beslutet är signerat');
      // The result has the focus, so a screen reader says it and the keyboard goes on from there.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('resultat');
      await visit(page, '05-signed');
      expect((await getCase(db, TRELLEBORG_GRANT))!.state).toBe('SIGNED');
      const decision = (await currentDecision(db, TRELLEBORG_GRANT))!;
      expect(decision.amount).toBe(stored!.amount);
      expect(decision.signedBy).toBe('hl-trelleborg-1');

      await page.getByRole('link', { name: 'Visa beslutsbrevet' }).click();
      await page.waitForURL(`${base}/arenden/${TRELLEBORG_GRANT}/beslut`);
      const letterAmount = (await page.getByTestId('letter-amount').textContent())!.replace(/\s/g, '');
      expect(letterAmount).toBe(`${stored!.amount}kronor`);
      expect(await page.locator('article.letter').textContent()).toContain('förvaltningsrätten');
      await visit(page, '06-letter');
      await page.emulateMedia({ media: 'print' });
      await shoot(page, 'caseworker-07-letter-print');
      await page.emulateMedia({ media: 'screen' });

      const pdf = await page.request.get(`${base}/arenden/${TRELLEBORG_GRANT}/beslut.pdf`);
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()['content-type']).toBe('application/pdf');
      expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');

      const reads = (await listAuditForCase(db, TRELLEBORG_GRANT)).filter((a) => a.actor === 'hl-trelleborg-1');
      expect(reads.map((a) => a.action)).toEqual(expect.arrayContaining(['case.read', 'decision.sign', 'letter.read']));
    } finally {
      await context.close();
    }
  }, 120_000);

  it('"Ändra belopp" shows the recomputed outcome and amount to confirm, keeps what was typed on "Ändra igen", and signs only on confirm', async () => {
    // Another Trelleborg grant than the one signed above.
    const { rows } = await db.query<{ id: string }>(
      "SELECT c.id FROM cases c JOIN proposals p ON p.case_id = c.id WHERE c.state = 'PROPOSED' AND c.municipality = '1287' AND p.outcome = 'PROPOSE_GRANT' AND c.id <> $1 ORDER BY c.id LIMIT 1",
      [TRELLEBORG_GRANT],
    );
    const id = rows[0]!.id;
    const stored = (await getProposalForCase(db, id))!;
    const { context, page } = await onPhone(browser);
    try {
      await loginAs(page, base, 'hl-trelleborg-1', '/inkorg');
      await page.goto(`${base}/arenden/${id}/andra`);
      // The first cost: lowered by 100 kr, so the grant is 100 kr lower.
      const field = page.locator('tr:has-text("Kostnad, förslag") input.amount').first();
      const before = (await field.inputValue()).replace(/[\s\u00a0]/g, '').replace(',', '.');
      const lowered = (Number(before) - 100).toFixed(2);
      await field.fill(lowered.replace('.', ','));
      await page.getByLabel('Motivering (krävs)').fill('Beloppet är 100 kr lägre enligt underlaget.');
      await page.getByRole('button', { name: 'Räkna om och granska' }).click();
      await page.waitForURL(`${base}/arenden/${id}/andra/bekrafta`);
      const expected = String(Number(stored.amount) - 100);
      expect((await page.locator('#bekrafta-utfall').textContent())?.replace(/\s/g, ' ')).toContain(`bevilja ${kronor(expected).replace(/\s/g, ' ')} kr`);
      expect((await getCase(db, id))!.state).toBe('PROPOSED');
      await visit(page, '11-edit-confirm');

      await page.getByRole('button', { name: 'Ändra igen' }).click();
      await page.waitForURL(`${base}/arenden/${id}/andra?igen=1`);
      expect((await field.inputValue()).replace(/[\s\u00a0]/g, '')).toBe(lowered.replace('.', ','));
      await page.getByRole('button', { name: 'Räkna om och granska' }).click();
      await page.waitForURL(`${base}/arenden/${id}/andra/bekrafta`);
      await page.getByRole('button', { name: 'Bekräfta och signera' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${base}/arenden/${id}?signerat=1`);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('resultat');
      await visit(page, '12-edit-signed');
      const decision = (await currentDecision(db, id))!;
      expect(decision.kind).toBe('edited');
      expect(decision.amount).toBe(expected);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('the Svedala auditor reads a Svedala case but cannot sign it, and cannot see a Trelleborg case', async () => {
    const { context, page } = await openPage(browser, { viewport: DESKTOP });
    try {
      await loginAs(page, base, 'granskare-svedala', '/inkorg');
      await visit(page, '08-auditor-inbox');
      await page.goto(`${base}/arenden/${SVEDALA_GRANT}`);
      expect(await page.getByRole('button', { name: 'Signera beslutet' }).count()).toBe(0);
      expect(await page.locator('main').textContent()).toContain('kan inte signera');
      await visit(page, '09-auditor-case');

      // Posting the form by hand (with a valid CSRF token) is refused by the server.
      const token = await page.locator('input[name="_csrf"]').first().getAttribute('value');
      const forged = await page.request.post(`${base}/arenden/${SVEDALA_GRANT}/signera`, { form: { _csrf: token! } });
      expect(forged.status()).toBe(403);
      expect((await getCase(db, SVEDALA_GRANT))!.state).toBe('PROPOSED');

      const other = await page.goto(`${base}/arenden/${TRELLEBORG_GRANT}`);
      expect(other!.status()).toBe(404);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sidan finns inte');
      await visit(page, '10-auditor-404');
      expect((await page.request.get(`${base}/arenden/${TRELLEBORG_GRANT}/beslut.pdf`)).status()).toBe(404);
    } finally {
      await context.close();
    }
  }, 120_000);
});
