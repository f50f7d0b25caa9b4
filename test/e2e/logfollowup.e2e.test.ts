import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FOLLOW_UP_DEFAULTS } from '../../src/config.js';
import { scheduledFollowUp } from '../../src/logfollowup/run.js';
import { loadRules } from '../../src/rules/load.js';
import { seedSandboxStaff } from '../../src/sandbox/staff.js';
import { getFollowUpReport, IN_MEMORY, openDatabase, searchAudit, type Db } from '../../src/store/index.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { logFollowUpRoutes } from '../../src/web/logfollowup/routes.js';
import { fakePdf } from '../support/web.js';
import { loginAs, serveInChromium, type BrowserSite } from '../support/browser.js';
import { onPhone, phoneVisit } from '../support/phone.js';

const CLOSED_DAYS = loadRules().closedBankDayRules();

/**
 * The log follow-up as Svedala's auditor (Per Granskare) meets it, in Debian's Chromium at
 * 390 px: April's monthly report, with a case opened by a caseworker who has nothing to do with
 * it and one opened on a Saturday night, is waiting for review. He opens it, follows a finding
 * to the audit rows behind it, comes back, marks the report reviewed with a comment using the
 * keyboard, and the form is gone: a sign-off is made once. Every page passes axe-core.
 */
const COMMENT = 'Kontrollerat med enhetschefen: Johan hjälpte till under Karins semester.';

const visit = phoneVisit('logfollowup');

describe('the log follow-up in Chromium', () => {
  let db: Db;
  let site: BrowserSite;
  let reportId: string;
  const caseId = 'A-2026-LOG1';

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    // The people who opened the case had signed in, so the staff directory knows their names.
    await seedSandboxStaff(db, new Date('2026-04-01T07:00:00+02:00'));
    await db.query("INSERT INTO applications (id, municipality, received_at, raw) VALUES ($1, '1263', '2026-04-07T08:00:00+02:00', '{}'::jsonb)", [caseId]);
    await db.query(
      "INSERT INTO cases (id, municipality, month, state, state_changed_at, created_at, owner) VALUES ($1, '1263', '2026-04', 'MANUAL', '2026-04-07T08:00:00+02:00', '2026-04-07T08:00:00+02:00', 'hl-svedala-1')",
      [caseId],
    );
    const view = (actor: string, at: string) =>
      db.query("INSERT INTO audit_log (at, actor, action, case_id, purpose, result, details) VALUES ($1, $2, 'case.read', $3, 'handläggning', 'ok', $4::jsonb)", [
        at,
        actor,
        caseId,
        JSON.stringify({ role: 'caseworker', municipalities: ['1263'] }),
      ]);
    await view('hl-svedala-1', '2026-04-07T10:00:00+02:00');
    await view('hl-svedala-2', '2026-04-08T10:00:00+02:00');
    await view('hl-svedala-1', '2026-04-11T23:10:00+02:00');
    reportId = (await scheduledFollowUp(db, ['1263'], new Date('2026-05-01T04:00:00+02:00'), 'bistandsrobot', LOG_FOLLOW_UP_DEFAULTS, CLOSED_DAYS))[0]!;
    // The inbox too: the auditor lands there and finds the follow-up in the menu.
    site = await serveInChromium(db, async (app) => {
      await app.register(caseworkerRoutes({ db, pdf: fakePdf }));
      await app.register(logFollowUpRoutes({ db, closedDays: CLOSED_DAYS }));
    });
  }, 120_000);
  afterAll(async () => {
    await site?.close();
    await db?.close();
  });

  it('the auditor reads a report, follows a finding to its audit rows and signs it off once', async () => {
    const { context, page } = await onPhone(site.browser);
    await loginAs(page, site.base, /Per Granskare/, '/inkorg');
    await page.getByRole('link', { name: 'Logguppföljning' }).click();
    await page.waitForURL(`${site.base}/logguppfoljning`);
    const reports = page.getByRole('table', { name: 'Rapporter' });
    expect((await reports.textContent())?.replace(/\s+/g, ' ')).toContain('Väntar på granskning');
    await visit(page, 'list', page.getByRole('button', { name: 'Gör rapporten' }));

    await page.getByRole('link', { name: '2026-04-01 – 2026-04-30' }).click();
    await page.waitForURL(`${site.base}/logguppfoljning/${reportId}`);
    const findings = page.getByRole('region', { name: 'Fynd', exact: true });
    const text = (await findings.textContent())!.replace(/\s+/g, ' ');
    // People and the municipality by name, not by user id or code (found by trying the pages).
    // The auditor gets the id beside the name (the id is what the audit rows record).
    expect(text).toContain('Johan Ek (hl-svedala-2)');
    expect(text).not.toContain('namnet okänt');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Logguppföljning Svedala kommun, 2026-04-01 – 2026-04-30');
    expect(text).toContain(caseId);
    expect(text).toContain('utanför kontorstid');
    await visit(page, 'report', findings, page.getByRole('button', { name: 'Markera som granskad' }));

    await page.getByRole('link', { name: /för fynd 1$/ }).click();
    await page.waitForURL(`${site.base}/logguppfoljning/${reportId}/fynd/1`);
    const rows = page.getByRole('region', { name: /Loggrader/ });
    const rowText = (await rows.textContent())?.replace(/\s+/g, ' ');
    expect(rowText).toContain('Öppnade ärendet');
    // The result and the details in words, not codes.
    expect(rowText).toContain('Genomförd');
    expect(rowText).toContain('roll: handläggare · kommuner: Svedala kommun');
    await visit(page, 'rows', rows);
    await page.getByRole('link', { name: 'Tillbaka till rapporten' }).click();

    // A personal number in the comment is refused, said in words, and nothing is signed.
    await page.getByLabel(/Kommentar/).fill('Kollade 19850709-9805');
    await page.getByRole('button', { name: 'Markera som granskad' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('Kommentar: får inte innehålla ett personnummer');
    expect((await getFollowUpReport(db, reportId))!.signOff).toBeNull();
    // Found by trying the pages: the refusal stood at the top of a long report and the focus
    // on the page itself; the field is now marked, described by the problem and has the focus,
    // and the refused text is not shown again.
    const field = page.getByLabel(/Kommentar/);
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator(`#${await field.getAttribute('aria-describedby')}`).textContent()).toContain('Kommentar: får inte innehålla ett personnummer');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('kommentar');
    expect(await field.inputValue()).toBe('');
    expect(await page.content()).not.toContain('19850709-9805');

    await page.getByLabel(/Kommentar/).fill('');
    await page.getByLabel(/Kommentar/).focus();
    await page.keyboard.type(COMMENT);
    await page.getByRole('button', { name: 'Markera som granskad' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForURL(`${site.base}/logguppfoljning/${reportId}?granskad=1`);
    expect(await page.getByRole('status').textContent()).toContain('markerad som granskad');
    expect(await page.getByTestId('signoff').textContent()).toContain('av Per Granskare (granskare-svedala), i rollen granskare.');
    expect(await page.getByRole('button', { name: 'Markera som granskad' }).count()).toBe(0);
    await visit(page, 'signed');

    // A second sign-off (a form kept open in another tab) is refused and the first stands.
    const again = await page.request.post(`${site.base}/logguppfoljning/${reportId}/granska`, {
      form: { kommentar: 'Igen', _csrf: (await page.locator('input[name="_csrf"]').first().getAttribute('value')) ?? '' },
    });
    expect(again.status()).toBe(409);
    expect(await again.text()).toContain('Rapporten är redan granskad av Per Granskare');
    expect((await getFollowUpReport(db, reportId))!.signOff).toMatchObject({ signedBy: 'granskare-svedala', comment: COMMENT });
    const logged = (await searchAudit(db, { actor: 'granskare-svedala' })).map((e) => `${e.action}:${e.result}`);
    expect(logged).toEqual(expect.arrayContaining(['logfollowup.read:ok', 'logfollowup.rows:ok', 'logfollowup.signoff:ok', 'logfollowup.signoff:refused']));
    await context.close();
  }, 120_000);
});
