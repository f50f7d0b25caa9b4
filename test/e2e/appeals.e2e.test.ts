import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpCaseSystemAdapter } from '../../src/casesystem/http.js';
import { createNotifyClient } from '../../src/casesystem/notify.js';
import { createPaymentClient } from '../../src/casesystem/payment.js';
import { kronor } from '../../src/domain/labels.js';
import { start as startCaseSystemApi, type CaseSystemApiSandbox } from '../../src/sandbox/caseSystemApi.js';
import { start as startNotifications, type NotificationSandbox } from '../../src/sandbox/notifications.js';
import { start as startPayments, type PaymentSandbox } from '../../src/sandbox/payments.js';
import {
  currentDecision,
  getCase,
  getDecisionSteps,
  getProposalForCase,
  IN_MEMORY,
  listAppealsForCase,
  listAuditForCase,
  openDatabase,
  type Db,
  type DecisionRecord,
} from '../../src/store/index.js';
import { DEV_USERS } from '../../src/web/auth/devUsers.js';
import type { DecisionContent } from '../../src/web/caseworker/decision.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { signCase } from '../../src/web/caseworker/service.js';
import { loginAs, serveInChromium, type BrowserSite } from '../support/browser.js';
import { onPhone, phoneVisit } from '../support/phone.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * Appeals as a caseworker meets them, in Debian's Chromium at 390 px. Two Trelleborg grants go
 * through the pipeline, are signed and carried out by the outbound job against the case-system,
 * payment and notification simulators. The applicant got both decisions Monday 2 March 2026
 * (the caseworker says so on the form: a letter by post), so the last day to appeal is Monday
 * 23 March. An appeal received on day 20 is in time; one on day 23 (another case) is too late
 * and can be dismissed. On the first, an omprövning raises the norm with a motivation; the new
 * decision supersedes the paid one, its letter says what changed and why, the outbound job pays
 * only the difference, and the covering letter to förvaltningsrätten opens. Forms are filled and
 * sent with the keyboard (date fields through fill). Every page is checked with axe-core; the
 * new parts must fit 390 px.
 */
const IN_TIME_CASE = 'A-2021-000101';
const DELIVERED = '2026-03-02';
const DAY_20 = '2026-03-22';
const DAY_23 = '2026-03-25';
const RAISE = 500;
const MOTIVATION = 'Hushållet är två vuxna sedan februari; normen ska vara för sammanboende.';
const anna = DEV_USERS.find((u) => u.id === 'hl-trelleborg-1')!;
const fast = { timeoutMs: 2000, retry: { attempts: 2, baseDelayMs: 5, maxDelayMs: 10 } };

/** Screenshot, axe-core, and (for what this feature adds) no horizontal overflow at 390 px. */
const visit = phoneVisit('appeals', { spill: true });

const words = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Presses a form's button with the keyboard and waits until the page the POST leads to has loaded. */
async function pressButton(page: Page, name: string, landing: string, status = 303): Promise<void> {
  await page.getByRole('button', { name }).focus();
  const posted = page.waitForResponse((r) => r.request().method() === 'POST');
  await page.keyboard.press('Enter');
  expect((await posted).status(), name).toBe(status);
  await page.waitForURL(landing);
  await page.waitForLoadState();
}

/** Fills the case page's appeal form, with the keyboard where a person would type. */
async function fillAppealForm(page: Page, received: string, concerns: string): Promise<void> {
  const form = page.getByRole('form', { name: 'Registrera ett överklagande' });
  // Date fields take ISO text through fill (Chromium's date widget is locale-dependent to type into).
  await form.getByLabel('Inkom (datum)').fill(received);
  await form.getByLabel('Kanal').focus();
  await form.getByLabel('Kanal').selectOption('brev');
  await form.getByLabel(/Vad överklagandet gäller/).focus();
  await page.keyboard.type(concerns);
  await form.getByLabel(/Sökanden fick beslutet/).fill(DELIVERED);
}

/** Sends the appeal form with the keyboard and waits for the appeal page; returns its url. */
async function sendAppeal(page: Page, base: string, caseId: string): Promise<string> {
  await page.getByRole('button', { name: 'Registrera överklagandet' }).focus();
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`${base}/arenden/${caseId}/overklaganden/\\d+\\?registrerat=1$`));
  expect(await page.getByRole('status').textContent()).toBe('Överklagandet är registrerat.');
  return page.url().replace(/\?.*$/, '');
}

describe('appeals and omprövning in Chromium', () => {
  let db: Db;
  let harness: PipelineHarness;
  let site: BrowserSite;
  let caseSystem: CaseSystemApiSandbox;
  let payments: PaymentSandbox;
  let messages: NotificationSandbox;
  let lateCase: string;
  let first: DecisionRecord;
  const paidFor = (decisionId: string) => (payments.byDecision().get(decisionId) ?? []).map((p) => p.body.amount);

  beforeAll(async () => {
    [caseSystem, payments, messages] = await Promise.all([startCaseSystemApi(), startPayments({ dedupe: false }), startNotifications({ dedupe: false })]);
    db = await openDatabase({ dataDir: IN_MEMORY });
    harness = await startPipeline(db, {
      outbound: {
        caseSystem: createHttpCaseSystemAdapter({ baseUrl: caseSystem.url, ...fast }),
        payment: createPaymentClient({ url: payments.url, ...fast }),
        notifier: createNotifyClient({ url: messages.url, ...fast }),
      },
    });
    await harness.robot.pollNow();
    const { rows } = await db.query<{ id: string }>('SELECT id FROM cases');
    await harness.settle(rows.map((r) => r.id), ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'], 60_000);
    // A second Trelleborg grant for the late appeal.
    const grants: string[] = [];
    for (const { id } of rows) {
      const c = (await getCase(db, id))!;
      if (c.municipality === '1287' && c.state === 'PROPOSED' && (await getProposalForCase(db, id))?.outcome === 'PROPOSE_GRANT') grants.push(id);
    }
    lateCase = grants.filter((id) => id !== IN_TIME_CASE).sort()[0]!;
    expect(grants).toContain(IN_TIME_CASE);
    // Signed on the morning of 2 March as the sign route does, then carried out by the outbound job.
    for (const id of [IN_TIME_CASE, lateCase]) {
      const signed = await signCase(db, anna, { caseId: id, proposalId: undefined }, new Date(`${DELIVERED}T08:00:00Z`));
      if (!signed.ok) throw new Error(signed.message);
      await harness.robot.enqueueDecision(signed.decision.id, id);
    }
    await harness.settle([IN_TIME_CASE, lateCase], ['COMPLETED'], 60_000);
    first = (await currentDecision(db, IN_TIME_CASE))!;
    site = await serveInChromium(db, caseworkerRoutes({ db, onSigned: (decisionId, caseId) => harness.robot.enqueueDecision(decisionId, caseId) }));
  }, 120_000);

  afterAll(async () => {
    await site?.close();
    await harness?.stop();
    await Promise.all([caseSystem?.stop(), payments?.stop(), messages?.stop()]);
    await db?.close();
  });

  it('day 23 after delivery is too late: refused input comes back kept, then the appeal page says too late with the dates, and it is dismissed', async () => {
    const { context, page } = await onPhone(site.browser);
    try {
      await loginAs(page, site.base, /Anna Lind/, '/inkorg');
      await page.goto(`${site.base}/arenden/${lateCase}`);
      expect(await words(page.getByRole('definition').first())).toBe('Verkställt');
      const form = page.getByRole('form', { name: 'Registrera ett överklagande' });
      await visit(page, '01-late-case', form);
      // Each field stands under its label, not beside the previous field.
      for (const field of ['inkom', 'kanal', 'galler', 'delgivet']) {
        const label = (await form.locator(`label[for="${field}"]`).boundingBox())!;
        const input = (await form.locator(`#${field}`).boundingBox())!;
        expect(input.y, field).toBeGreaterThanOrEqual(label.y + label.height - 1);
      }

      // Only spaces in "Vad överklagandet gäller" pass the browser's check; the server refuses
      // them, names the field in Swedish, and gives the form back with everything else kept.
      await fillAppealForm(page, DAY_23, '   ');
      await pressButton(page, 'Registrera överklagandet', `${site.base}/arenden/${lateCase}/overklaganden`, 400);
      const again = page.getByRole('form', { name: 'Registrera ett överklagande' });
      expect(await words(again.getByRole('alert'))).toContain('Vad överklagandet gäller: skriv kort vad sökanden vill ändra.');
      expect(await again.getByLabel(/Vad överklagandet gäller/).getAttribute('aria-invalid')).toBe('true');
      expect(await again.getByLabel('Inkom (datum)').inputValue()).toBe(DAY_23);
      expect(await again.getByLabel('Kanal').inputValue()).toBe('brev');
      expect(await again.getByLabel(/Sökanden fick beslutet/).inputValue()).toBe(DELIVERED);
      expect(await again.getByLabel('Inkom (datum)').getAttribute('aria-invalid')).toBeNull();
      await visit(page, '02-late-refused', again);
      expect(await listAppealsForCase(db, lateCase)).toEqual([]);
      await again.getByLabel(/Vad överklagandet gäller/).focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('Sökanden anser att hyran är för lågt räknad.');
      const url = await sendAppeal(page, site.base, lateCase);
      const verdict = await words(page.getByTestId('appeal-verdict'));
      expect(verdict).toBe('För sent: sökanden fick beslutet 2 mars 2026, sista dag att överklaga 23 mars 2026, överklagandet kom in 25 mars 2026.');
      expect(await page.getByRole('button', { name: 'Avvisa överklagandet' }).count()).toBe(1);
      await visit(page, '03-late-appeal', page.locator('main'));

      await pressButton(page, 'Avvisa överklagandet', url);
      expect(await words(page.getByRole('heading', { name: 'Vad som hänt' }).locator('xpath=following-sibling::ul[1]'))).toMatch(/Avvisat \(kom in för sent\) – Anna Lind/);
      expect(await page.getByRole('button', { name: 'Avvisa överklagandet' }).count()).toBe(0);

      await page.getByRole('link', { name: 'Tillbaka till ärendet' }).click();
      await page.waitForURL(`${site.base}/arenden/${lateCase}`);
      expect(await words(page.getByTestId('appeal-timeliness'))).toBe('för sent');
      const [appeal] = await listAppealsForCase(db, lateCase);
      expect([appeal!.receivedOn, appeal!.notifiedOn, appeal!.notifiedFrom, appeal!.events.map((e) => e.kind)]).toEqual([DAY_23, DELIVERED, 'caseworker', ['dismissed']]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('day 20 is in time; an omprövning raises the norm, supersedes the paid decision, pays the difference, and the covering letter opens', async () => {
    const content = first.content as unknown as DecisionContent;
    const norm = content.calculation.lines.findIndex((l) => l.kind === 'norm');
    const line = content.calculation.lines[norm]!;
    const raised = (Number(line.amount) + RAISE).toFixed(2);
    expect(paidFor(first.id)).toEqual([first.amount]);

    const { context, page } = await onPhone(site.browser);
    try {
      await loginAs(page, site.base, /Anna Lind/, '/inkorg');
      await page.goto(`${site.base}/arenden/${IN_TIME_CASE}`);
      await fillAppealForm(page, DAY_20, 'Normen är räknad för en ensamstående.');
      const url = await sendAppeal(page, site.base, IN_TIME_CASE);
      const verdict = await words(page.getByTestId('appeal-verdict'));
      expect(verdict).toBe('I tid: sökanden fick beslutet 2 mars 2026, sista dag att överklaga 23 mars 2026, överklagandet kom in 22 mars 2026.');
      // In time: nothing to dismiss; the next step is omprövning.
      expect(await page.getByRole('button', { name: 'Avvisa överklagandet' }).count()).toBe(0);
      await visit(page, '04-appeal-in-time', page.locator('main'));

      // The inbox lists it as in time, still to reconsider.
      await page.goto(`${site.base}/inkorg`);
      const row = page.getByRole('table', { name: 'Överklaganden att hantera' }).getByRole('row', { name: new RegExp(IN_TIME_CASE) });
      expect(await words(row)).toMatch(/i tid Ompröva/);
      await visit(page, '05-inbox');
      await row.getByRole('link', { name: IN_TIME_CASE }).click();
      await page.waitForURL(url);

      await page.getByRole('link', { name: 'Ändra beslutet' }).click();
      await page.waitForURL(/\/andra-beslut\?overklagande=\d+$/);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`Ompröva beslutet – ärende ${IN_TIME_CASE}`);
      await visit(page, '06-change-form', page.locator('form[action$="/andra-beslut/bekrafta"]'));
      const amount = page.getByLabel(line.label, { exact: true });
      await amount.focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(raised.replace('.', ','));
      // Signing without a motivation: the browser's own check keeps the form and says which field.
      await page.getByRole('button', { name: 'Räkna om och granska' }).focus();
      await page.keyboard.press('Enter');
      expect(await page.getByLabel(/Motivering/).evaluate((el: HTMLTextAreaElement) => el.validity.valueMissing)).toBe(true);
      expect(page.url()).toMatch(/\/andra-beslut\?overklagande=\d+$/);
      await page.getByLabel(/Motivering/).focus();
      await page.keyboard.type(MOTIVATION);
      // A mistyped amount (letter O for a zero): refused in Swedish naming the line, the field
      // marked and tied to the error, the motivation kept; nothing signed.
      await amount.focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('366O');
      await pressButton(page, 'Räkna om och granska', `${site.base}/arenden/${IN_TIME_CASE}/andra-beslut/bekrafta`, 400);
      expect(await words(page.getByRole('alert'))).toBe(`${line.label}: beloppet är inte ett belopp i kronor, t.ex. 6 500 eller 1 250,50.`);
      const refused = page.getByLabel(line.label, { exact: true });
      expect([await refused.inputValue(), await refused.getAttribute('aria-invalid')]).toEqual(['366O', 'true']);
      expect(await refused.evaluate((el) => el.getAttribute('aria-describedby')!.split(' ')[0])).toBe('fel');
      expect(await page.getByLabel(/Motivering/).inputValue()).toBe(MOTIVATION);
      expect((await currentDecision(db, IN_TIME_CASE))!.id).toBe(first.id);
      await visit(page, '07-change-refused', page.locator('form[action$="/andra-beslut/bekrafta"]'));
      await refused.focus();
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(raised.replace('.', ','));
      // The new outcome and amount, and what happens to the difference, before anything is signed.
      await pressButton(page, 'Räkna om och granska', `${site.base}/arenden/${IN_TIME_CASE}/andra-beslut/bekrafta`);
      expect(await words(page.locator('#bekrafta-utfall'))).toContain(`bevilja ${kronor(String(Number(first.amount) + RAISE)).replace(/\u00a0/g, ' ')} kr`);
      expect(await words(page.locator('main'))).toContain(`Det är ${kronor(String(RAISE)).replace(/\u00a0/g, ' ')} kr mer än det gällande beslutet; skillnaden betalas ut när du signerar.`);
      expect((await currentDecision(db, IN_TIME_CASE))!.id).toBe(first.id);
      await visit(page, '07b-change-confirm');
      await pressButton(page, 'Bekräfta och signera', `${url}?andrat=1`);
      expect(await page.getByRole('status').textContent()).toBe('Det ändrade beslutet är signerat och verkställs.');

      // Carried out by the outbound job the signature enqueued: only the difference is paid.
      await harness.settle([IN_TIME_CASE], ['COMPLETED'], 60_000);
      const now = (await currentDecision(db, IN_TIME_CASE))!;
      expect([now.supersedes, Number(now.amount), now.signedBy]).toEqual([first.id, Number(first.amount) + RAISE, anna.id]);
      expect(paidFor(now.id).map(Number)).toEqual([RAISE]);
      const expected = now.amount;
      const edit = (now.content as unknown as DecisionContent).edits.find((e) => e.label === line.label)!;
      expect(Number(edit.to)).toBe(Number(raised));
      expect(paidFor(first.id)).toEqual([first.amount]);
      expect([...(await getDecisionSteps(db, now.id)).keys()].sort()).toEqual(['notify', 'payment', 'write-back']);

      await page.reload();
      expect(await words(page.getByRole('heading', { name: 'Vad som hänt' }).locator('xpath=following-sibling::ul[1]'))).toMatch(/Omprövat: beslutet ändrat – Anna Lind/);
      await visit(page, '08-appeal-changed', page.locator('main'));

      // The case page shows the decision in force, carried out.
      await page.getByRole('link', { name: 'Tillbaka till ärendet' }).click();
      await page.waitForURL(`${site.base}/arenden/${IN_TIME_CASE}`);
      expect(await words(page.getByRole('definition').first())).toBe('Verkställt');
      expect(await words(page.locator('main'))).toContain(`Beviljat ${kronor(expected).replace(/\s/g, ' ')} kr – signerat av Anna Lind`);
      expect(await words(page.getByTestId('appeal-timeliness'))).toBe('i tid');

      await page.getByRole('link', { name: 'Visa beslutsbrevet' }).click();
      await page.waitForURL(`${site.base}/arenden/${IN_TIME_CASE}/beslut`);
      const change = page.getByRole('region', { name: 'Vad vi har ändrat och varför' });
      const said = await words(change);
      expect(said).toContain('Vi har omprövat beslutet efter ditt överklagande.');
      expect(said).toContain(`Nu gäller bifall med ${kronor(expected).replace(/\s/g, ' ')} kronor`);
      expect(said).toContain(`Skälet till ändringen: ${MOTIVATION}`);
      const changed = change.getByRole('table', { name: 'Ändrade belopp' }).getByRole('row', { name: new RegExp(line.label) });
      expect(await changed.locator('th, td').allTextContents()).toEqual([line.label, kronor(edit.from), kronor(edit.to)]);
      expect(await page.getByTestId('letter-amount').textContent()).toBe(`${kronor(expected)} kronor`);
      await visit(page, '09-letter', change);

      // The covering letter to förvaltningsrätten, from the appeal page.
      await page.goto(url);
      await page.getByRole('link', { name: 'Visa följebrevet' }).click();
      await page.waitForURL(`${url}/foljebrev`);
      const covering = page.locator('article.letter');
      const text = await words(covering);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Överlämnande av överklagande');
      expect(text).toContain('Förvaltningsrätten i Malmö');
      // From the municipality's address in its rules file (contact), as the decision letter is.
      expect(text).toContain('231 83 Trelleborg');
      expect(text).toContain('Telefon: 0410-73 30 00');
      expect(text).toContain('beslut om ekonomiskt bistånd (försörjningsstöd) för mars 2021 enligt 12 kap. 1 § socialtjänstlagen');
      expect(text).toContain('Sista dag för överklagande var 23 mars 2026. Överklagandet kom in 22 mars 2026 och har därmed kommit in i rätt tid.');
      expect(text).toContain(`ändrat det`);
      expect(text).toContain(`till bifall med ${kronor(expected).replace(/\s/g, ' ')} kronor`);
      expect(text).toContain('Det ändrade beslutet av');
      await visit(page, '10-covering-letter', covering);

      await page.getByRole('link', { name: 'Tillbaka till överklagandet' }).click();
      await page.waitForURL(url);
      await pressButton(page, 'Markera som överlämnat', url);
      expect(await words(page.getByRole('heading', { name: 'Vad som hänt' }).locator('xpath=following-sibling::ul[1]'))).toMatch(/Överlämnat till förvaltningsrätten – Anna Lind/);

      const [appeal] = await listAppealsForCase(db, IN_TIME_CASE);
      expect(appeal!.events.map((e) => e.kind)).toEqual(['changed', 'forwarded']);
      const audit = (await listAuditForCase(db, IN_TIME_CASE)).map((a) => a.action);
      expect(audit).toEqual(expect.arrayContaining(['appeal.record', 'decision.change', 'appeal.forwarded', 'letter.read']));
    } finally {
      await context.close();
    }
  }, 180_000);
});
