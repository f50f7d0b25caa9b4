import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CaseSystemRpaError, CaseSystemUiChangedError, DIALOG_TEXT_MAX, RpaCaseSystemAdapter, screenshotOf, type RpaCallEvent } from '../../src/casesystem/rpa.js';
import { SELECTORS, type CaseSystemSelectors } from '../../src/casesystem/selectors.js';
import { SystemException } from '../../src/domain/errors.js';
import { start, type LegacyCaseSystem } from '../../src/sandbox/legacyCaseSystem.js';
import { SHOTS } from '../support/browser.js';
import { decision } from '../support/decisions.js';
import { everythingIn, rejectionOf } from '../support/netSpy.js';

/**
 * The RPA adapter in Debian's Chromium against the sandbox's legacy case-system UI (pages a bit
 * slow, one test very slow; 10 rows per form so the 12-line decision needs "Fler rader"). Screenshots of the legacy pages
 * and of every "UI changed" failure go to test-artifacts/screenshots/rpa-*.png.
 */

const CASES = ['A-2026-000206', 'A-2026-000207', 'A-2026-000208', 'A-2026-000209', 'A-2026-000210'];
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let legacy: LegacyCaseSystem;
let rpa: RpaCaseSystemAdapter;
let calls: RpaCallEvent[];
let seq = 0;
/** A fresh decision id per test, so tests do not see each other's entries. */
const nextId = () => `D-${Date.now().toString(36)}-${++seq}`;
/** The full 12-line decision needs "Fler rader"; most tests use a 3-line one to stay fast. */
const short = (caseId: string | undefined, overrides: Parameters<typeof decision>[2] = {}) => {
  const full = decision('x');
  return decision(nextId(), caseId, { lines: full.lines.slice(0, 3), ...overrides });
};

function expectPng(bytes: Buffer | undefined, name: string): Buffer {
  expect(bytes).toBeInstanceOf(Buffer);
  expect(bytes!.subarray(0, 8).equals(PNG)).toBe(true);
  expect(bytes!.length).toBeGreaterThan(2000);
  writeFileSync(join(SHOTS, `${name}.png`), bytes!);
  return bytes!;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  legacy = await start({ port: 0, cases: CASES, faults: { latencyMs: 20 }, rowsPerPage: 10 });
  calls = [];
  rpa = new RpaCaseSystemAdapter({
    baseUrl: legacy.url,
    username: 'robot',
    password: 'robot-lösen',
    elementTimeoutMs: 1000,
    navigationTimeoutMs: 10_000,
    onCall: (e) => calls.push(e),
  });
}, 30_000);

afterAll(async () => {
  await rpa?.close();
  await legacy?.stop();
});

beforeEach(() => {
  legacy.clearFaults();
  legacy.setFaults({ latencyMs: 20 });
  legacy.clearRenames();
  calls.length = 0;
});

describe('RPA adapter against the legacy case-system UI', () => {
  it('logs in, enters the decision with all its lines (needing more rows), saves, reads the confirmation back and logs out', async () => {
    const d = decision(nextId(), CASES[0]);
    const before = legacy.stats();
    const { confirmation } = await rpa.writeDecision(d);
    expect(confirmation).toMatch(/^KV-\d+$/);

    const [entry, ...more] = legacy.entriesFor(d.decisionId);
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ confirmation, caseId: CASES[0], period: '2026-03', outcome: 'BIFALL', totalAmount: '7066', signedBy: d.signedBy, user: 'robot' });
    const kinds: Record<string, string> = { norm: 'NORM', cost: 'KOSTNAD', income: 'INKOMST', exempt: 'EJMEDR' };
    expect(entry!.lines).toEqual(d.lines.map((l) => ({ kind: kinds[l.kind], label: l.label, amount: l.amount })));
    const after = legacy.stats();
    expect(after.logins - before.logins).toBe(1);
    expect(after.logouts - before.logouts).toBe(1);
    expect(calls).toMatchObject([{ outcome: 'entered', sessionTimeouts: 0, caseId: CASES[0] }]);
  });

  it('does not enter the same decision twice: the second call reads the first confirmation back', async () => {
    const d = short(CASES[1]);
    const first = await rpa.writeDecision(d);
    const saves = legacy.stats().saves;
    const second = await rpa.writeDecision(d);
    expect(second).toEqual(first);
    expect(legacy.stats().saves).toBe(saves);
    expect(legacy.entriesFor(d.decisionId)).toHaveLength(1);
    expect(calls.map((c) => c.outcome)).toEqual(['entered', 'alreadyEntered']);

    // Two calls at once in one process share one run.
    const other = short(CASES[1]);
    const [a, b] = await Promise.all([rpa.writeDecision(other), rpa.writeDecision(other)]);
    expect(a).toEqual(b);
    expect(legacy.entriesFor(other.decisionId)).toHaveLength(1);
  });

  it.each([
    ['save', 'the save is refused: log in again and enter it anew'],
    ['receipt', 'the save went through but the receipt is lost: log in again and read it back'],
    ['moreRows', 'the form asks for more rows'],
  ] as const)('a session timeout at %s ends in exactly one entry (%s)', async (step, _why) => {
    const d = step === 'moreRows' ? decision(nextId(), CASES[2]) : short(CASES[2]);
    legacy.setFaults({ expireAt: { step, times: 1 } });
    const before = legacy.stats();
    const { confirmation } = await rpa.writeDecision(d);
    const entries = legacy.entriesFor(d.decisionId);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.confirmation).toBe(confirmation);
    const after = legacy.stats();
    expect(after.sessionsExpired - before.sessionsExpired).toBe(1);
    expect(after.logins - before.logins).toBe(2);
    expect(calls).toMatchObject([{ outcome: step === 'receipt' ? 'alreadyEntered' : 'entered', sessionTimeouts: 1 }]);
  });

  it('a session that keeps timing out is a SystemException after one new login, and nothing is entered', async () => {
    const d = short(CASES[2]);
    legacy.setFaults({ sessionMaxRequests: 2 });
    const error = await rejectionOf(rpa.writeDecision(d));
    expect(error).toBeInstanceOf(CaseSystemRpaError);
    expect(error).not.toBeInstanceOf(CaseSystemUiChangedError);
    expect((error as SystemException).component).toBe('casesystem');
    expect((error as Error).message).toContain(CASES[2]);
    expect((error as Error).message).toContain('session timeout');
    expect(legacy.entriesFor(d.decisionId)).toEqual([]);
    expect(calls).toMatchObject([{ outcome: 'failed', sessionTimeouts: 2 }]);
  });

  it('a renamed selector is "case system UI changed" with a PNG screenshot, and nothing is entered', async () => {
    const d = short(CASES[3]);
    legacy.rename('id="btnSpara"', 'id="btnSparaBeslut"');
    const error = await rejectionOf(rpa.writeDecision(d));
    expect(error).toBeInstanceOf(CaseSystemUiChangedError);
    expect(error).toBeInstanceOf(SystemException);
    const e = error as CaseSystemUiChangedError;
    expect(e.component).toBe('casesystem');
    expect(e.step).toBe('calculation-form');
    expect(e.message).toBe(`case system UI changed: step "calculation-form", case ${CASES[3]}: missing form.save ("input#btnSpara")`);
    expectPng(screenshotOf(e), 'rpa-ui-changed-save-button');
    // The screenshot rides along without being printed, and nothing of the decision is in the message.
    const shown = everythingIn(e);
    expect(shown).not.toMatch(/iVBOR|<Buffer/);
    for (const line of d.lines) expect(shown).not.toContain(line.label);
    expect(shown).not.toContain(d.amount);
    expect(legacy.entriesFor(d.decisionId)).toEqual([]);
  });

  it('an unexpected page title is "case system UI changed" too; after the fix the retry finds the saved entry', async () => {
    const d = short(CASES[4]);
    // The receipt page got a new title: the save went through, the robot cannot read the receipt.
    legacy.rename('<title>Kvittens', '<title>Kvitto');
    const error = await rejectionOf(rpa.writeDecision(d));
    expect(error).toBeInstanceOf(CaseSystemUiChangedError);
    expect((error as CaseSystemUiChangedError).step).toBe('receipt');
    expect((error as Error).message).toContain('unexpected page title');
    expectPng(screenshotOf(error), 'rpa-ui-changed-receipt-title');
    expect(legacy.entriesFor(d.decisionId)).toHaveLength(1);

    legacy.clearRenames();
    const { confirmation } = await rpa.writeDecision(d);
    expect(legacy.entriesFor(d.decisionId)).toEqual([expect.objectContaining({ confirmation })]);
  });

  it('an entry the system refuses (validation message on the form) is a SystemException at save with a screenshot', async () => {
    const d = short(CASES[3], { month: '2026-13' });
    const error = await rejectionOf(rpa.writeDecision(d));
    expect(error).toBeInstanceOf(CaseSystemRpaError);
    expect(error).not.toBeInstanceOf(CaseSystemUiChangedError);
    expect((error as CaseSystemRpaError).step).toBe('save');
    expect((error as Error).message).not.toContain('2026-13');
    expectPng(screenshotOf(error), 'rpa-refused-entry');
    expect(legacy.entriesFor(d.decisionId)).toEqual([]);
  });

  it('a case the system does not know is a SystemException at the search step, not a UI change (slow pages are waited for)', async () => {
    // Every page slower than the element timeout (1 s): page loads have their own, longer timeout.
    legacy.setFaults({ latencyMs: 1100 });
    const error = await rejectionOf(rpa.writeDecision(short('A-2026-999999')));
    expect(error).toBeInstanceOf(CaseSystemRpaError);
    expect(error).not.toBeInstanceOf(CaseSystemUiChangedError);
    expect((error as CaseSystemRpaError).step).toBe('search');
    expect((error as Error).message).toContain('A-2026-999999');
  });
});

describe('RPA adapter and the dialogs the legacy UI opens (selectors.dialogs)', () => {
  const SAVE_CONFIRM = 'Vill du spara beslutet?';
  const PNR = '19850101-1234';
  const NAV_TIMEOUT = 10_000; // the adapter's navigationTimeoutMs: a dialog left open would end in it

  it('accepts the confirm "Spara" is expected to ask: one entry, and a second call reads it back without saving again', async () => {
    legacy.setFaults({ saveDialog: { type: 'confirm', message: SAVE_CONFIRM } });
    const d = short(CASES[0]);
    const { confirmation } = await rpa.writeDecision(d);
    expect(legacy.entriesFor(d.decisionId)).toEqual([expect.objectContaining({ confirmation })]);
    const saves = legacy.stats().saves;
    expect(await rpa.writeDecision(d)).toEqual({ confirmation });
    expect(legacy.stats().saves).toBe(saves);
    expect(legacy.entriesFor(d.decisionId)).toHaveLength(1);
    expect(calls).toEqual([expect.objectContaining({ outcome: 'entered' }), expect.objectContaining({ outcome: 'alreadyEntered' })]);
    expect(calls.some((c) => c.refusedDialog)).toBe(false);
  });

  const long = `Observera: ärendet gäller ${PNR}, som har en pågående utredning. ${'Kontakta enhetschefen innan beslut registreras. '.repeat(6)}`;
  it.each([
    {
      what: 'a confirm on "Spara" with other words (dismissed: nothing is posted)',
      faults: { saveDialog: { type: 'confirm', message: `Beslutet för ${PNR} avviker från riktlinjen. Spara ändå?` } },
      step: 'save',
      type: 'confirm',
      quoted: 'Beslutet för [personnummer] avviker från riktlinjen. Spara ändå?',
      saved: false,
    },
    {
      what: 'an alert with the expected words (informs only: the form is posted anyway)',
      faults: { saveDialog: { type: 'alert', message: SAVE_CONFIRM } },
      step: 'save',
      type: 'alert',
      quoted: SAVE_CONFIRM,
      saved: undefined, // the post may or may not reach the system before the browser closes
    },
    {
      what: 'an alert as the calculation form loads (long: cut)',
      faults: { pageDialog: { step: 'form', type: 'alert', message: long } },
      step: 'calculation-form',
      type: 'alert',
      quoted: `${long.replace(PNR, '[personnummer]').slice(0, DIALOG_TEXT_MAX - 1)}…`,
      saved: false,
    },
  ] as const)('$what is "case system UI changed" at its step, quoting the text, with a screenshot, at once', async ({ faults, step, type, quoted, saved }) => {
    legacy.setFaults(faults);
    const d = short(CASES[1]);
    const error = await rejectionOf(rpa.writeDecision(d));
    expect(error).toBeInstanceOf(CaseSystemUiChangedError);
    expect(error).toBeInstanceOf(SystemException);
    const e = error as CaseSystemUiChangedError;
    expect(e.component).toBe('casesystem');
    expect(e.step).toBe(step);
    expect(e.message).toMatch(new RegExp(`^case system UI changed: step "${step}", case ${CASES[1]}: unexpected ${type} dialog "`));
    expect(e.message).toContain(`"${quoted}" (dismissed; `);
    expect(everythingIn(e)).not.toContain(PNR);
    expect(everythingIn(e)).not.toMatch(/iVBOR|<Buffer/);
    expectPng(screenshotOf(e), `rpa-dialog-${step}-${type}`);
    // Dismissed and reported straight away: not a page that "did not answer" after the navigation timeout.
    expect(calls).toEqual([expect.objectContaining({ outcome: 'failed', step, refusedDialog: { step, type } })]);
    expect(calls[0]!.durationMs).toBeLessThan(NAV_TIMEOUT);
    if (saved === false) expect(legacy.entriesFor(d.decisionId)).toEqual([]);

    // Once the UI is as expected again, the retry leaves exactly one entry.
    legacy.clearFaults();
    const { confirmation } = await rpa.writeDecision(d);
    expect(legacy.entriesFor(d.decisionId)).toEqual([expect.objectContaining({ confirmation })]);
  });

  it('the policy is what accepts the confirm: with "save: none" the same confirm is "UI changed" and nothing is saved', async () => {
    const noConfirm: CaseSystemSelectors = { ...SELECTORS, dialogs: { ...SELECTORS.dialogs, save: 'none' } };
    const strict = new RpaCaseSystemAdapter({ baseUrl: legacy.url, username: 'robot', password: 'robot-lösen', elementTimeoutMs: 1000, navigationTimeoutMs: NAV_TIMEOUT, selectors: noConfirm });
    try {
      legacy.setFaults({ saveDialog: { type: 'confirm', message: SAVE_CONFIRM } });
      const d = short(CASES[2]);
      const started = Date.now();
      const error = await rejectionOf(strict.writeDecision(d));
      expect(Date.now() - started).toBeLessThan(NAV_TIMEOUT);
      expect(error).toBeInstanceOf(CaseSystemUiChangedError);
      expect((error as Error).message).toBe(
        `case system UI changed: step "save", case ${CASES[2]}: unexpected confirm dialog "${SAVE_CONFIRM}" (dismissed; the step expects no dialog)`,
      );
      expect(legacy.entriesFor(d.decisionId)).toEqual([]);
    } finally {
      await strict.close();
    }
  });

  it('a selector set without a policy for every step is refused when the adapter is made', () => {
    const make = (dialogs: unknown) =>
      new RpaCaseSystemAdapter({ baseUrl: legacy.url, username: 'robot', password: 'x', selectors: { ...SELECTORS, dialogs } as CaseSystemSelectors });
    const { save: _save, ...withoutSave } = SELECTORS.dialogs;
    expect(() => make(withoutSave)).toThrow(/selectors\.dialogs\.save/);
    expect(() => make({ ...SELECTORS.dialogs, enter: { type: 'confirm', message: 'Säker?' } })).toThrow(/selectors\.dialogs\.enter/);
    expect(() => make({ ...SELECTORS.dialogs, save: { type: 'confirm', message: /Spara/g } })).toThrow(/selectors\.dialogs\.save/);
  });
});

describe('RPA adapter when the case system is down', () => {
  it('is a SystemException at the login step naming the case, and the adapter can be closed and used again', async () => {
    const down = new RpaCaseSystemAdapter({ baseUrl: 'http://127.0.0.1:9', username: 'robot', password: 'x', navigationTimeoutMs: 5000 });
    try {
      const error = await rejectionOf(down.writeDecision(short(CASES[0])));
      expect(error).toBeInstanceOf(CaseSystemRpaError);
      expect((error as CaseSystemRpaError).step).toBe('login');
      expect((error as Error).message).toContain(CASES[0]);
      await down.close();
      expect(await rejectionOf(down.writeDecision(short(CASES[0])))).toBeInstanceOf(CaseSystemRpaError);
    } finally {
      await down.close();
    }
  });
});

describe('the legacy UI itself (screenshots to look at)', () => {
  let browser: Browser;
  let page: Page;
  const shoot = (name: string) => page.screenshot({ path: join(SHOTS, `rpa-legacy-${name}.png`), fullPage: true });

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage({ viewport: { width: 1024, height: 700 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('login, search, case, calculation form with an entered decision, session timeout', async () => {
    legacy.setFaults({ latencyMs: 0 });
    await rpa.writeDecision(short(CASES[1])); // so the form lists an entered decision
    await page.goto(`${legacy.url}/login`);
    await shoot('01-login');
    await page.fill('#anvandare', 'robot');
    await page.fill('#losenord', 'robot-lösen');
    await Promise.all([page.waitForNavigation(), page.click('#btnLoggaIn')]);
    await page.fill('#arendenr', CASES[1]!);
    await Promise.all([page.waitForNavigation(), page.click('#btnSok')]);
    await shoot('02-search');
    await Promise.all([page.waitForNavigation(), page.click('a.arendelank')]);
    await shoot('03-case');
    await Promise.all([page.waitForNavigation(), page.click('#lnkBerakning')]);
    expect(await page.locator('tr.beslutsrad').count()).toBeGreaterThan(0);
    await page.fill('#beslutsref', 'D-exempel');
    await page.fill('#period', '2026-03');
    await page.selectOption('#beslutstyp', 'BIFALL');
    await page.fill('#totalbelopp', '7066');
    await page.selectOption('tr.berakningsrad >> nth=0 >> select.radtyp', 'NORM');
    await page.fill('tr.berakningsrad >> nth=0 >> input.radtext', 'Riksnorm, ensamstående vuxen');
    await page.fill('tr.berakningsrad >> nth=0 >> input.radbelopp', '3292,00');
    await shoot('04-calculation-form');
    legacy.expireAllSessions();
    await Promise.all([page.waitForNavigation(), page.click('#btnFlerRader')]);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shoot('05-session-timeout');
  });
});
