import { chromium, type Browser, type Dialog, type Locator, type Page } from 'playwright-core';
import { DEFAULT_CHROMIUM_PATH } from '../config.js';
import { RobotError, SystemException } from '../domain/errors.js';
import { scrubText } from '../observability/scrub.js';
import { looksLikePersonalNumber } from '../registers/http.js';
import { isSafeCaseId } from '../registers/retry.js';
import { CASE_SYSTEM_COMPONENT } from './http.js';
import { checkSelectors, SELECTORS, type CaseSystemSelectors, type PageDef, type RpaStep } from './selectors.js';
import type { CaseSystemAdapter, DecisionToCarryOut } from './types.js';

/**
 * The RPA adapter: for a case system that has no API, the robot drives its web UI the way an
 * RPA robot does, in Debian's Chromium through playwright-core (headless):
 *
 *   log in -> search the case -> open the case (and check it is that case) -> open the
 *   calculation form -> is this decision id already entered? (yes: read its confirmation
 *   number, log out, done) -> enough rows ("more rows") -> enter decision and lines -> save ->
 *   read the confirmation number from the receipt -> log out.
 *
 * Every page is checked against src/casesystem/selectors.ts (title and the elements the robot
 * is about to use) before it is touched. One that does not match is CaseSystemUiChangedError,
 * a SystemException "case system UI changed" naming the step and the selector key, with a PNG
 * screenshot of the page on `error.screenshot` for the caller to store with the case (the
 * screenshot may show the decision being entered: store it access-controlled; it is not an
 * enumerable property, so logging or serialising the error never dumps it).
 *
 * A JavaScript dialog (alert, confirm, prompt) is answered by the step's policy in
 * selectors.dialogs: the one it expects is accepted; any other is dismissed at once (never left
 * open: without a handler Playwright dismisses it silently, and a cancelled confirm on "Spara"
 * then looked like a case system that did not answer) and ends the call as
 * CaseSystemUiChangedError naming the step and quoting the dialog's text (personal-number shapes
 * scrubbed, cut at DIALOG_TEXT_MAX characters), with a screenshot. The one exception is the
 * logout: the decision is already written or read back, so a dialog there only gives the logout
 * up (reported in onCall as `refusedDialog`), as any failed logout does.
 *
 * A session timeout (the login page where another page was expected) means: log in again and
 * start the entry over, once; the restart goes through the idempotency check again, so a save
 * that went through before the timeout is found and not entered twice. A second timeout is a
 * CaseSystemRpaError. One browser per adapter, started on first use and reused; a browser
 * context and page per call; close() shuts the browser down.
 */

/** Like src/web/caseworker/pdf.ts (kept apart so casesystem/ does not import web/). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const LABEL = 'Verksamhetssystemet';

export type { RpaStep } from './selectors.js';

/** How much of an unexpected dialog's text an error quotes (characters, after scrubbing): with the prefix it fits the 200 the outbound audit keeps. */
export const DIALOG_TEXT_MAX = 100;

export interface RpaCaseSystemOptions {
  /** Root of the legacy UI, e.g. "http://127.0.0.1:4123". */
  baseUrl: string;
  username: string;
  password: string;
  /** The configuration's chromiumPath (CHROMIUM_PATH); default /usr/bin/chromium. */
  executablePath?: string;
  /** Default true. */
  headless?: boolean;
  /** How long an element the page should have may take to appear once the page has loaded. Default 2000. */
  elementTimeoutMs?: number;
  /** Per page load (the legacy system is slow). Default 30000. */
  navigationTimeoutMs?: number;
  /** Another UI version's selectors; default SELECTORS. */
  selectors?: CaseSystemSelectors;
  /** Each finished call, for logs and metrics: ids and steps only. */
  onCall?: (event: RpaCallEvent) => void;
}

export interface RpaCallEvent {
  caseId: string;
  decisionId: string;
  outcome: 'entered' | 'alreadyEntered' | 'failed';
  /** Sessions that timed out during the call (0 or 1 when it succeeded). */
  sessionTimeouts: number;
  /** The step it failed in, when it failed. */
  step?: RpaStep;
  /** A dialog the step's policy did not accept (dismissed): where and what kind, never its text. */
  refusedDialog?: { step: RpaStep; type: string };
  durationMs: number;
}

/** Something went wrong while driving the UI; `screenshot` is a PNG of the page when one could be taken. */
export class CaseSystemRpaError extends SystemException {
  declare readonly screenshot?: Buffer;

  constructor(
    readonly step: RpaStep,
    message: string,
    screenshot?: Buffer,
    options?: { cause?: unknown },
  ) {
    super(CASE_SYSTEM_COMPONENT, message, options);
    // Not enumerable: a logger or JSON.stringify must not print the image (or its contents).
    if (screenshot) Object.defineProperty(this, 'screenshot', { value: screenshot, enumerable: false, writable: false });
  }
}

/** A page did not look as expected: "case system UI changed". Always carries a screenshot when the page could be photographed. */
export class CaseSystemUiChangedError extends CaseSystemRpaError {}

/** The PNG attached to an error from the RPA adapter, if any. */
export function screenshotOf(error: unknown): Buffer | undefined {
  return error instanceof CaseSystemRpaError ? error.screenshot : undefined;
}

/** Internal: the login page where another page was expected. */
class SessionExpired extends RobotError {
  readonly kind = 'system' as const;
  constructor(readonly step: RpaStep) {
    super(`session expired at ${step}`);
  }
}

/** Internal: a dialog the step's policy does not accept; it has been dismissed. */
class RefusedDialog extends RobotError {
  readonly kind = 'system' as const;
  constructor(
    readonly step: RpaStep,
    readonly type: string,
    readonly text: string,
  ) {
    super(`unexpected ${type} dialog at ${step}`);
  }
}

/** The dialogs of one page: the first one refused is kept, and `refusal` rejects with it. */
interface DialogWatch {
  refused?: RefusedDialog;
  /** Raced against every page action, so a refused dialog ends the step at once. */
  refusal: Promise<never>;
}

type Section = Record<string, unknown> & { page: PageDef };

/** A transport error's first line, unless it could carry something that reads as a personal number. */
function safeCause(error: unknown): Error | undefined {
  if (!(error instanceof Error)) return undefined;
  const first = (error.message.split('\n')[0] ?? '').slice(0, 200);
  return looksLikePersonalNumber(first) ? new Error(error.name) : new Error(`${error.name}: ${first}`);
}

/** "3292.00" -> "3292,00": the legacy UI wants a decimal comma. */
const swedishAmount = (amount: string) => amount.replace('.', ',');

const DECISION_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const CONFIRMATION = /^[A-Za-z0-9][A-Za-z0-9_./-]{0,63}$/;

export class RpaCaseSystemAdapter implements CaseSystemAdapter {
  readonly kind = 'rpa' as const;
  private readonly base: string;
  private readonly s: CaseSystemSelectors;
  private readonly elementTimeoutMs: number;
  private readonly navigationTimeoutMs: number;
  private browser: Promise<Browser> | undefined;
  private readonly inFlight = new Map<string, Promise<{ confirmation: string }>>();
  /** The step each page is in, to name it when something unexpected breaks. */
  private readonly stepOf = new WeakMap<Page, RpaStep>();
  private readonly dialogs = new WeakMap<Page, DialogWatch>();

  constructor(private readonly options: RpaCaseSystemOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.s = options.selectors ?? SELECTORS;
    checkSelectors(this.s);
    this.elementTimeoutMs = options.elementTimeoutMs ?? 2000;
    this.navigationTimeoutMs = options.navigationTimeoutMs ?? 30_000;
  }

  /** Writes the decision through the UI; a decision id already entered is read back, not entered again. */
  writeDecision(decision: DecisionToCarryOut): Promise<{ confirmation: string }> {
    // Two calls for one decision in this process share one run: the UI cannot lock for us.
    const running = this.inFlight.get(decision.decisionId);
    if (running) return running;
    const call = this.run(decision).finally(() => this.inFlight.delete(decision.decisionId));
    this.inFlight.set(decision.decisionId, call);
    return call;
  }

  /** Shuts the browser down; a later call starts a new one. */
  async close(): Promise<void> {
    const b = this.browser;
    this.browser = undefined;
    if (b) await (await b.catch(() => undefined))?.close().catch(() => undefined);
  }

  private launch(): Promise<Browser> {
    const current = this.browser;
    if (current) {
      return current.then((b) => {
        if (b.isConnected()) return b;
        if (this.browser === current) this.browser = undefined;
        return this.launch();
      });
    }
    const started = chromium
      .launch({
        executablePath: this.options.executablePath ?? DEFAULT_CHROMIUM_PATH,
        headless: this.options.headless ?? true,
        args: CHROMIUM_ARGS,
      })
      .catch((error: unknown) => {
        if (this.browser === started) this.browser = undefined;
        throw new SystemException(CASE_SYSTEM_COMPONENT, `${LABEL}: webbläsaren för RPA kunde inte startas`, { cause: safeCause(error) });
      });
    this.browser = started;
    return started;
  }

  private async run(decision: DecisionToCarryOut): Promise<{ confirmation: string }> {
    const { caseId, decisionId } = decision;
    const started = Date.now();
    if (!isSafeCaseId(caseId)) throw new CaseSystemRpaError('login', `${LABEL}: beslutet skrevs inte, ärende-id:t har fel form`);
    if (!DECISION_ID.test(decisionId)) throw new CaseSystemRpaError('login', `${LABEL}: beslutet för ärende ${caseId} skrevs inte, besluts-id:t har fel form`);

    let timeouts = 0;
    let watch: DialogWatch | undefined;
    const report = (outcome: RpaCallEvent['outcome'], step?: RpaStep) => {
      const refused = watch?.refused;
      this.options.onCall?.({
        caseId,
        decisionId,
        outcome,
        sessionTimeouts: timeouts,
        ...(step ? { step } : {}),
        ...(refused ? { refusedDialog: { step: refused.step, type: refused.type } } : {}),
        durationMs: Date.now() - started,
      });
    };

    const browser = await this.launch();
    const context = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'sv-SE' }).catch((error: unknown) => {
      report('failed');
      throw new CaseSystemRpaError('login', `${LABEL}: webbläsaren för RPA svarar inte (ärende ${caseId})`, undefined, { cause: safeCause(error) });
    });
    let page: Page | undefined;
    try {
      page = await context.newPage();
      watch = this.watchDialogs(page);
      page.setDefaultTimeout(this.elementTimeoutMs);
      page.setDefaultNavigationTimeout(this.navigationTimeoutMs);
      for (;;) {
        try {
          const result = await this.enter(page, decision);
          report(result.entered ? 'entered' : 'alreadyEntered');
          return { confirmation: result.confirmation };
        } catch (error) {
          if (error instanceof SessionExpired) {
            timeouts++;
            if (timeouts === 1) continue; // log in again and start over; the idempotency check runs again
            report('failed', error.step);
            throw new CaseSystemRpaError(
              error.step,
              `${LABEL}: sessionen gick ut igen i steget "${error.step}" för ärende ${caseId}, beslutet är inte säkert inskrivet (session timeout)`,
              await this.photo(page),
            );
          }
          if (error instanceof CaseSystemRpaError) {
            report('failed', error.step);
            throw error;
          }
          // A dismissed dialog explains whatever broke after it (a field it replaced, a page it stopped).
          if (watch.refused) {
            report('failed', watch.refused.step);
            throw await this.dialogRefused(page, caseId, watch.refused);
          }
          // Anything else (the browser died, an element went away mid-action) is a system
          // exception too, named by the step it happened in; Playwright's own text stays out.
          const step = this.stepOf.get(page) ?? 'login';
          report('failed', step);
          throw new CaseSystemRpaError(step, `${LABEL}: RPA-körningen avbröts i steget "${step}" för ärende ${caseId}`, await this.photo(page), {
            cause: safeCause(error),
          });
        }
      }
    } catch (error) {
      if (error instanceof CaseSystemRpaError) throw error;
      report('failed');
      throw new CaseSystemRpaError('login', `${LABEL}: webbläsaren för RPA svarar inte (ärende ${caseId})`, undefined, { cause: safeCause(error) });
    } finally {
      await context.close().catch(() => undefined);
    }
  }

  /** One pass through the UI, from the login page to the logout. */
  private async enter(page: Page, d: DecisionToCarryOut): Promise<{ confirmation: string; entered: boolean }> {
    const s = this.s;
    const caseId = d.caseId;

    // Log in.
    await this.visit(page, 'login', caseId, s.paths.login);
    await this.expectPage(page, 'login', caseId, s.login, true);
    await page.locator(s.login.username).fill(this.options.username);
    await page.locator(s.login.password).fill(this.options.password);
    await this.go(page, 'login', caseId, page.locator(s.login.submit));
    if (await this.onLoginPage(page)) {
      throw new CaseSystemRpaError('login', `${LABEL} nekade robotens inloggning (ärende ${caseId}): kontrollera kontot`, await this.photo(page));
    }

    // Find the case.
    await this.expectPage(page, 'search', caseId, s.search);
    await page.locator(s.search.caseNumber).fill(caseId);
    await this.go(page, 'search', caseId, page.locator(s.search.submit));
    await this.expectPage(page, 'search', caseId, s.search);
    if ((await page.locator(s.search.noHits).count()) > 0) {
      throw new CaseSystemRpaError('search', `${LABEL} hittar inte ärende ${caseId}`, await this.photo(page));
    }
    const links = page.locator(s.search.resultLink);
    let hit = -1;
    for (let i = 0, n = await links.count(); i < n; i++) {
      if ((await links.nth(i).textContent())?.trim() === caseId) {
        hit = i;
        break;
      }
    }
    if (hit < 0) throw await this.uiChanged(page, 'search', caseId, 'no search result link (search.resultLink) for the case');
    await this.go(page, 'case', caseId, links.nth(hit));

    // The case page: make sure it is the right case before writing anything into it.
    await this.expectPage(page, 'case', caseId, s.case);
    const shown = (await page.locator(s.case.caseNumber).first().textContent())?.trim();
    if (shown !== caseId) throw new CaseSystemRpaError('case', `${LABEL} visade ett annat ärende än ${caseId}, inget skrevs`, await this.photo(page));
    await this.go(page, 'calculation-form', caseId, page.locator(s.case.calculationLink).first());

    // The calculation form: already entered?
    await this.expectPage(page, 'calculation-form', caseId, s.form);
    const existing = await this.registeredConfirmation(page, d);
    if (existing !== undefined) {
      await this.logout(page);
      return { confirmation: existing, entered: false };
    }

    // Enough rows for the lines.
    const rows = page.locator(s.form.lineRow);
    let count = await rows.count();
    for (let round = 0; count < d.lines.length; round++) {
      if (round >= 50) throw await this.uiChanged(page, 'more-rows', caseId, 'form.moreRows does not add rows');
      await this.go(page, 'more-rows', caseId, page.locator(s.form.moreRows));
      await this.expectPage(page, 'more-rows', caseId, s.form);
      const more = await rows.count();
      if (more <= count) throw await this.uiChanged(page, 'more-rows', caseId, 'form.moreRows does not add rows');
      count = more;
    }

    // Enter the decision and its lines.
    this.stepOf.set(page, 'enter');
    await page.locator(s.form.decisionId).fill(d.decisionId);
    await page.locator(s.form.period).fill(d.month);
    await this.select(page, 'enter', caseId, page.locator(s.form.outcome), s.form.outcomeValues[d.outcome], 'form.outcome');
    await page.locator(s.form.totalAmount).fill(swedishAmount(d.amount));
    await page.locator(s.form.signedBy).fill(d.signedBy);
    // Each row must hold exactly one of each field (one look at the page, not one per field).
    const keys = ['lineKind', 'lineLabel', 'lineAmount'] as const;
    const shape = await rows.evaluateAll(
      (elements, selectors) => elements.map((el) => selectors.map((sel) => el.querySelectorAll(sel).length)),
      keys.map((k) => s.form[k]),
    );
    for (let i = 0; i < d.lines.length; i++) {
      const bad = keys.findIndex((_, k) => shape[i]?.[k] !== 1);
      if (bad >= 0) throw await this.uiChanged(page, 'enter', caseId, `form.${keys[bad]} not found in calculation row ${i + 1}`);
    }
    for (const [i, line] of d.lines.entries()) {
      const row = rows.nth(i);
      await this.select(page, 'enter', caseId, row.locator(s.form.lineKind), s.form.lineKindValues[line.kind], 'form.lineKind');
      await row.locator(s.form.lineLabel).fill(line.label);
      await row.locator(s.form.lineAmount).fill(swedishAmount(line.amount));
    }

    // Save and read the receipt.
    await this.go(page, 'save', caseId, page.locator(s.form.save));
    if (await this.onLoginPage(page)) throw new SessionExpired('save');
    if (s.form.page.title.test(await page.title()) && (await page.locator(s.form.error).count()) > 0) {
      // The form came back with a validation message: the system refused the entry. The
      // message itself stays out of ours (it may quote what was entered); the screenshot has it.
      throw new CaseSystemRpaError('save', `${LABEL} godtog inte beslutet för ärende ${caseId} (valideringsfel i formuläret)`, await this.photo(page));
    }
    await this.expectPage(page, 'receipt', caseId, s.receipt);
    const confirmation = (await page.locator(s.receipt.confirmation).first().textContent())?.trim() ?? '';
    if (!CONFIRMATION.test(confirmation)) throw await this.uiChanged(page, 'receipt', caseId, 'receipt.confirmation does not hold a confirmation number');
    await this.logout(page);
    return { confirmation, entered: true };
  }

  /** The confirmation number of this decision id in the form's table of entered decisions. */
  private async registeredConfirmation(page: Page, d: DecisionToCarryOut): Promise<string | undefined> {
    const s = this.s.form;
    const rows = page.locator(s.registeredRow);
    for (let i = 0, n = await rows.count(); i < n; i++) {
      const row = rows.nth(i);
      const idCell = row.locator(s.registeredDecisionId);
      if ((await idCell.count()) !== 1) throw await this.uiChanged(page, 'calculation-form', d.caseId, 'form.registeredDecisionId not found in a registered row');
      if ((await idCell.textContent())?.trim() !== d.decisionId) continue;
      const confirmation = (await row.locator(s.registeredConfirmation).first().textContent({ timeout: this.elementTimeoutMs }).catch(() => null))?.trim() ?? '';
      if (!CONFIRMATION.test(confirmation)) {
        throw await this.uiChanged(page, 'calculation-form', d.caseId, 'form.registeredConfirmation does not hold a confirmation number');
      }
      return confirmation;
    }
    return undefined;
  }

  private async select(page: Page, step: RpaStep, caseId: string, field: Locator, value: string, key: string): Promise<void> {
    try {
      await field.selectOption(value);
    } catch {
      throw await this.uiChanged(page, step, caseId, `${key} has no option "${value}"`);
    }
  }

  /** Best effort: the decision is written, a failed logout only leaves a session to time out. */
  private async logout(page: Page): Promise<void> {
    this.stepOf.set(page, 'logout');
    const link = page.locator(this.s.common.logout).first();
    if ((await link.count()) === 0) return;
    const loggedOut = Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click({ timeout: this.navigationTimeoutMs })]);
    await Promise.race([loggedOut, this.dialogs.get(page)?.refusal ?? loggedOut]).catch(() => undefined);
  }

  /**
   * Clicks something that loads a page and waits for the load; a transport failure is a
   * SystemException. The click gets the page-load timeout: Playwright's click waits for the
   * navigation it starts, and the legacy system's pages are slow.
   */
  private go(page: Page, step: RpaStep, caseId: string, target: Locator): Promise<void> {
    return this.act(page, step, caseId, () => Promise.all([page.waitForNavigation({ waitUntil: 'load' }), target.click({ timeout: this.navigationTimeoutMs })]));
  }

  /** Opens a page by address. */
  private visit(page: Page, step: RpaStep, caseId: string, path: string): Promise<void> {
    return this.act(page, step, caseId, () => page.goto(this.base + path, { waitUntil: 'load' }));
  }

  /**
   * Runs a page action in `step`, unless a dialog was refused already; a dialog refused while it
   * runs ends it at once (a dismissed confirm stops the navigation it was waiting for).
   */
  private async act(page: Page, step: RpaStep, caseId: string, action: () => Promise<unknown>): Promise<void> {
    this.stepOf.set(page, step);
    await this.checkDialogs(page, caseId);
    const watch = this.dialogs.get(page);
    try {
      await (watch ? Promise.race([action(), watch.refusal]) : action());
    } catch (error) {
      if (error instanceof RefusedDialog) throw await this.dialogRefused(page, caseId, error);
      throw await this.noAnswer(page, step, caseId, error);
    }
  }

  /**
   * Answers every dialog the page opens by the policy of the step the robot is in (see the
   * class comment); answering is never left to Playwright's silent dismiss.
   */
  private watchDialogs(page: Page): DialogWatch {
    let reject: (reason: RefusedDialog) => void = () => undefined;
    const refusal = new Promise<never>((_, r) => {
      reject = r;
    });
    refusal.catch(() => undefined); // raced against actions; nobody may be racing when it comes
    const watch: DialogWatch = { refusal };
    this.dialogs.set(page, watch);
    page.on('dialog', (dialog: Dialog) => {
      const step = this.stepOf.get(page) ?? 'login';
      const policy = this.s.dialogs[step];
      const text = dialog.message();
      if (policy !== 'none' && dialog.type() === policy.type && policy.message.test(text)) {
        void dialog.accept().catch(() => undefined);
        return;
      }
      void dialog.dismiss().catch(() => undefined);
      if (!watch.refused) {
        watch.refused = new RefusedDialog(step, dialog.type(), text);
        reject(watch.refused);
      }
    });
    return watch;
  }

  /** Throws "UI changed" when a dialog was refused since the last look. */
  private async checkDialogs(page: Page, caseId: string): Promise<void> {
    const refused = this.dialogs.get(page)?.refused;
    if (refused) throw await this.dialogRefused(page, caseId, refused);
  }

  /** "UI changed" for a refused dialog: its text quoted, scrubbed first so that a cut cannot leave half a personal number. */
  private async dialogRefused(page: Page, caseId: string, dialog: RefusedDialog): Promise<CaseSystemUiChangedError> {
    const text = scrubText(dialog.text.replace(/\s+/g, ' ').trim());
    const quoted = text.length > DIALOG_TEXT_MAX ? `${text.slice(0, DIALOG_TEXT_MAX - 1)}…` : text;
    const policy = this.s.dialogs[dialog.step];
    const accepts = policy === 'none' ? 'the step expects no dialog' : `the step accepts only a ${policy.type} matching ${String(policy.message)}`;
    return this.uiChanged(page, dialog.step, caseId, `unexpected ${dialog.type} dialog "${quoted}" (dismissed; ${accepts})`);
  }

  private async noAnswer(page: Page, step: RpaStep, caseId: string, error: unknown): Promise<CaseSystemRpaError> {
    return new CaseSystemRpaError(step, `${LABEL} svarade inte i steget "${step}" för ärende ${caseId}`, await this.photo(page), {
      cause: safeCause(error),
    });
  }

  private async onLoginPage(page: Page): Promise<boolean> {
    const path = new URL(page.url()).pathname;
    if (path === this.s.paths.login) return true;
    return this.s.login.page.title.test(await page.title().catch(() => '')) && (await page.locator(this.s.login.password).count()) > 0;
  }

  /** Checks the page against its definition; the login page instead is a session timeout. */
  private async expectPage(page: Page, step: RpaStep, caseId: string, section: Section, isLoginPage = false): Promise<void> {
    this.stepOf.set(page, step);
    await this.checkDialogs(page, caseId);
    if (!isLoginPage && (await this.onLoginPage(page))) throw new SessionExpired(step);
    const title = await page.title();
    if (!section.page.title.test(title)) throw await this.uiChanged(page, step, caseId, `unexpected page title (expected ${String(section.page.title)})`);
    // One look at the page for all of them; only what is not there yet is waited for.
    const required = section.page.required;
    const present = await page
      .evaluate((selectors) => selectors.map((sel) => document.querySelector(sel) !== null), required.map((k) => section[k] as string))
      .catch(() => required.map(() => false));
    const missing = (
      await Promise.all(
        required.map(async (key, i) => {
          if (present[i]) return undefined;
          const appeared = await page
            .locator(section[key] as string)
            .first()
            .waitFor({ state: 'attached', timeout: this.elementTimeoutMs })
            .then(() => true)
            .catch(() => false);
          return appeared ? undefined : key;
        }),
      )
    ).filter((k): k is string => k !== undefined);
    if (missing.length > 0) {
      const name = (Object.keys(this.s) as Array<keyof CaseSystemSelectors>).find((k) => this.s[k] === (section as unknown));
      const shown = missing.map((k) => `${String(name)}.${k} ("${section[k] as string}")`).join(', ');
      throw await this.uiChanged(page, step, caseId, `missing ${shown}`);
    }
  }

  private async uiChanged(page: Page, step: RpaStep, caseId: string, detail: string): Promise<CaseSystemUiChangedError> {
    return new CaseSystemUiChangedError(step, `case system UI changed: step "${step}", case ${caseId}: ${detail}`, await this.photo(page));
  }

  private async photo(page: Page): Promise<Buffer | undefined> {
    return page.screenshot({ fullPage: true, type: 'png', timeout: 10_000 }).catch(() => undefined);
  }
}

export function createRpaCaseSystemAdapter(options: RpaCaseSystemOptions): RpaCaseSystemAdapter {
  return new RpaCaseSystemAdapter(options);
}
