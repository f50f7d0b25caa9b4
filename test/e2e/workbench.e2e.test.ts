import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentDecision, getCase, IN_MEMORY, openDatabase, type Db } from '../../src/store/index.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { loginAs, serveInChromium, type BrowserSite } from '../support/browser.js';
import { onPhone, phoneVisit } from '../support/phone.js';
import { fakePdf, seedCase } from '../support/web.js';

/**
 * The workbench as a new caseworker meets it, in Debian's Chromium at 390 px: a Trelleborg case
 * the robot routed to manual handling because the rent is over the guideline. Anna finds it in
 * the shared queue, claims it ("Jag tar ärendet"), finds it under Mina ärenden, settles the
 * rent (accept up to the guideline) with a motivation, signs with the keyboard and reads the
 * letter. Every page passes axe-core, and the new parts fit 390 px.
 */
const MOTIVATION = 'Hyran godtas upp till riktlinjen; hushållet har fått tid att söka en billigare bostad.';

const visit = phoneVisit('workbench');

describe('the workbench in Chromium', () => {
  let db: Db;
  let site: BrowserSite;
  let caseId: string;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    const seeded = await seedCase(db, { municipality: '1287', costs: [{ type: 'rent', amount: '15000' }, { type: 'electricity', amount: '400' }] });
    expect(seeded).toMatchObject({ outcome: 'MANUAL', reasons: ['EXPENSE_ABOVE_GUIDELINE'] });
    caseId = seeded.id;
    site = await serveInChromium(db, caseworkerRoutes({ db, pdf: fakePdf }));
  }, 120_000);
  afterAll(async () => {
    await site?.close();
    await db?.close();
  });

  it('claims a manual case with the rent over the guideline, settles it, signs and reads the letter', async () => {
    const { context, page } = await onPhone(site.browser);
    await loginAs(page, site.base, /Anna Lind/, '/inkorg');
    await visit(page, 'queue', page.getByRole('navigation', { name: 'Vilka ärenden' }));
    await page.getByRole('link', { name: caseId }).click();
    await page.waitForURL(`${site.base}/arenden/${caseId}`);
    const ownership = page.getByRole('region', { name: 'Vem har ärendet' });
    await visit(page, 'case-unclaimed', ownership);

    await page.getByRole('button', { name: 'Jag tar ärendet' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${site.base}/arenden/${caseId}?tagit=1`);
    expect(await page.getByRole('status').textContent()).toContain('Ärendet är ditt');
    expect(await page.getByTestId('owner').textContent()).toBe('Du (Anna Lind)');
    await visit(page, 'case-claimed', page.getByRole('region', { name: 'Avgöra ärendet' }));

    // It left the shared queue and is under Mina ärenden.
    await page.goto(`${site.base}/inkorg`);
    expect(await page.getByRole('link', { name: caseId }).count()).toBe(0);
    await page.getByRole('link', { name: 'Mina ärenden' }).first().click();
    await page.waitForURL(`${site.base}/inkorg?visa=mina`);
    await visit(page, 'mine', page.getByRole('navigation', { name: 'Vilka ärenden' }));
    await page.getByRole('link', { name: caseId }).click();

    await page.getByRole('link', { name: 'Avgör ärendet' }).click();
    await page.waitForURL(`${site.base}/arenden/${caseId}/avgora`);
    const point = page.getByRole('region', { name: /Boendekostnad/ });
    expect((await point.textContent())?.replace(/\s+/g, ' ')).toContain('Kommunens riktlinje');
    await visit(page, 'settle', point);

    // Signing without a choice names the point and keeps the motivation.
    await page.getByLabel('Motivering (krävs)').focus();
    await page.keyboard.type(MOTIVATION);
    await page.getByRole('button', { name: 'Räkna om och granska' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Boendekostnad: välj hur kostnaden ska räknas.');
    expect(await page.getByLabel('Motivering (krävs)').inputValue()).toBe(MOTIVATION);
    await visit(page, 'settle-error', point);
    expect((await getCase(db, caseId))?.state).toBe('MANUAL');

    await page.getByLabel(/Godta upp till riktlinjen/).check();
    await page.getByRole('button', { name: 'Räkna om och granska' }).focus();
    await page.keyboard.press('Enter');
    // The confirmation states the outcome and amount before anything is signed.
    await page.waitForURL(`${site.base}/arenden/${caseId}/avgora/bekrafta`);
    expect(await page.locator('#bekrafta-utfall').textContent()).toMatch(/bevilja 14\s762 kr i försörjningsstöd/);
    expect((await getCase(db, caseId))?.state).toBe('MANUAL');
    await visit(page, 'settle-confirm', page.locator('#bekrafta-utfall'));
    await page.getByRole('button', { name: 'Bekräfta och signera' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${site.base}/arenden/${caseId}?signerat=1`);
    expect(await page.getByRole('status').textContent()).toBe('Beslutet är signerat.');
    await visit(page, 'signed', page.getByTestId('owner'));
    const decision = await currentDecision(db, caseId);
    expect(decision).toMatchObject({ outcome: 'GRANT', amount: '14762', signedBy: 'hl-trelleborg-1' });

    await page.getByRole('link', { name: 'Visa beslutsbrevet' }).click();
    await page.waitForURL(`${site.base}/arenden/${caseId}/beslut`);
    const letter = ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
    expect(letter).toContain('14 762');
    expect(letter).toContain(MOTIVATION);
    await visit(page, 'letter');
    await context.close();
  }, 120_000);
});
