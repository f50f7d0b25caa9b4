import { describe, expect, it } from 'vitest';
import { assess } from '../../src/assessment/assess.js';
import { luhnCheckDigit } from '../../src/domain/personalNumber.js';
import { loadRules } from '../../src/rules/load.js';
import { currentDecision, getCase } from '../../src/store/index.js';
import { devUser } from '../../src/web/auth/devUsers.js';
import { signCase } from '../../src/web/caseworker/service.js';
import { caseworkerPagesInChromium, loginAs } from '../support/browser.js';
import { onPhone, phoneVisit } from '../support/phone.js';
import { seedCase, seedSnapshot } from '../support/web.js';

/**
 * In Debian's Chromium at 390 px: Svedala's auditor finds a decided case by personal number
 * (without knowing its id) and opens it; Anna claims a Trelleborg case whose declared
 * sjukpenning differs from SSBTEK's, counts the declared amount with a motivation, signs with
 * the keyboard, and the decision is what the robot computes for that amount. Every page passes
 * axe-core and has no sideways scroll.
 */
const rules = loadRules();

/**
 * Screenshot, axe, and the parts this work added within 390 px. (The whole page's reflow at
 * 390 px, header and older tables included, is another change's work.)
 */
const visit = phoneVisit('find-settle');

function personalNumber(serial: number): string {
  const nine = `870415${String(serial).padStart(3, '0')}`;
  return `19${nine}${luhnCheckDigit(nine)}`;
}

describe('finding and settling in Chromium', () => {
  const shared = caseworkerPagesInChromium();

  it('the auditor finds a decided case by personal number and reads it', async () => {
    const pn = personalNumber(318);
    const decided = await seedCase(shared.db, { municipality: '1263', applicant: pn });
    const signed = await signCase(shared.db, devUser('hl-svedala-1')!, { caseId: decided.id, proposalId: undefined });
    expect(signed.ok).toBe(true);
    const other = await seedCase(shared.db, { municipality: '1263', applicant: personalNumber(320) });

    const { context, page } = await onPhone(shared.site.browser);
    await loginAs(page, shared.site.base, /Per Granskare/, '/inkorg');
    await page.getByRole('link', { name: 'Sök ärende' }).click();
    await page.waitForURL(`${shared.site.base}/sok`);
    await visit(page, 'search-form', page.locator('form.search'));

    await page.getByLabel('Personnummer (sökande eller medsökande)').fill(`${pn.slice(0, 8)}-${pn.slice(8)}`);
    await page.keyboard.press('Enter');
    // The form posts to the same address, so wait for the answer's hits rather than a new URL.
    const hits = page.getByRole('table', { name: 'Sökträffar' });
    await hits.waitFor();
    expect(page.url()).toBe(`${shared.site.base}/sok`);
    expect(await hits.getByRole('link', { name: decided.id }).count()).toBe(1);
    expect(await hits.getByRole('link', { name: other.id }).count()).toBe(0);
    const row = ((await hits.textContent()) ?? '').replace(/\s+/g, ' ');
    expect(row).toContain('Beslut signerat');
    expect(row).toContain(`${pn.slice(0, 8)}-****`);
    expect(await page.getByLabel('Personnummer (sökande eller medsökande)').inputValue()).toBe('');
    expect(await page.content()).not.toContain(pn.slice(8));
    await visit(page, 'search-hits', page.locator('form.search'), page.getByRole('region', { name: /1 ärende/ }));

    await hits.getByRole('link', { name: decided.id }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${decided.id}`);
    expect(await page.getByText(/Beviljat .* kr – signerat av Karin Berg/).count()).toBe(1);
    await visit(page, 'found-case', page.getByTestId('owner'));
    await context.close();
  }, 120_000);

  it('claims a case with an income discrepancy, counts the declared amount, signs', async () => {
    const incomes = [{ person: 'applicant', type: 'sicknessBenefit', amount: '6000' }];
    const seeded = await seedCase(shared.db, { municipality: '1287', incomes, payments: [{ agency: 'FK', benefit: 'Sjukpenning', paidOn: '2026-02-20', net: '6340.50' }] });
    expect(seeded.reasons).toEqual(['INCOME_DISCREPANCY']);
    // What the robot computes had SSBTEK reported the declared 6 000 kr.
    const asDeclared = assess(seedSnapshot('A-2026-000999', { municipality: '1287', incomes, payments: [{ agency: 'FK', benefit: 'Sjukpenning', paidOn: '2026-02-20', net: '6000' }] }), rules);
    expect(asDeclared.outcome).toBe('PROPOSE_GRANT');

    const { context, page } = await onPhone(shared.site.browser);
    await loginAs(page, shared.site.base, /Anna Lind/, '/inkorg');
    await page.goto(`${shared.site.base}/arenden/${seeded.id}`);
    const reasons = ((await page.locator('main').textContent()) ?? '').replace(/\s+/g, ' ');
    expect(reasons).toContain('uppgivet i ansökan 6 000,00 kr, registrerat i SSBTEK 6 340,50 kr');
    await page.getByRole('button', { name: 'Jag tar ärendet' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${shared.site.base}/arenden/${seeded.id}?tagit=1`);
    await visit(page, 'income-claimed', page.getByRole('region', { name: 'Avgöra ärendet' }));

    await page.getByRole('link', { name: 'Avgör ärendet' }).click();
    await page.waitForURL(`${shared.site.base}/arenden/${seeded.id}/avgora`);
    const point = page.getByRole('region', { name: /Sjukpenning, sökande/ });
    expect(await point.getByTestId('declared').textContent()).toBe('6\u00a0000,00 kr');
    expect(await point.getByTestId('registered').textContent()).toBe('6\u00a0340,50 kr');
    await visit(page, 'income-settle', point);

    await point.getByLabel(/Räkna det uppgivna beloppet/).check();
    await point.getByLabel('Motivering (krävs)').focus();
    await page.keyboard.type('Intyget från Försäkringskassan visar 6 000 kr för februari.');
    await page.getByRole('button', { name: 'Räkna om och granska' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${shared.site.base}/arenden/${seeded.id}/avgora/bekrafta`);
    await page.getByRole('button', { name: 'Bekräfta och signera' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${shared.site.base}/arenden/${seeded.id}?signerat=1`);
    expect(await page.getByRole('status').textContent()).toBe('Beslutet är signerat.');
    expect((await getCase(shared.db, seeded.id))?.state).toBe('SIGNED');
    const decision = await currentDecision(shared.db, seeded.id);
    expect(decision).toMatchObject({ outcome: 'GRANT', amount: asDeclared.amount, signedBy: 'hl-trelleborg-1' });
    const changed = page.getByTestId('changed-lines').getByRole('row', { name: /Sjukpenning, sökande/ });
    expect((await changed.getByRole('cell').allTextContents()).map((t) => t.replace(/\u00a0/g, ' '))).toEqual(['6 340,50', '6 000,00']);
    await visit(page, 'income-signed', page.getByTestId('signed-calculation-note'));
    await context.close();
  }, 120_000);
});
