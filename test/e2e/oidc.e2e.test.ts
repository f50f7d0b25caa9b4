import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../src/cli/redis.js';
import { loadWebAuthConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { getStaffMember, type Db } from '../../src/store/index.js';
import { loadRules } from '../../src/rules/load.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import { CHROMIUM_ARGS } from '../../src/web/caseworker/pdf.js';
import { buildWebServer } from '../../src/web/server.js';
import { forEachBackend } from '../support/backends.js';
import { look } from '../support/browser.js';
import { PHONE } from '../support/phone.js';
import { startTestProvider, type TestProvider } from '../support/oidcProvider.js';

/**
 * Login as production does it: Debian's Chromium, the robot with the development login off, and
 * a real OpenID Connect provider (oidc-provider) on loopback. Covered: discovery, the
 * authorisation code flow with PKCE, state and nonce; claims mapped to role and municipalities;
 * a new session id at login (an id planted before login is worth nothing after); RP-initiated
 * logout ending the session on the server and at the provider; an ID token with the wrong
 * issuer, audience or nonce refused by openid-client's checks. Pages photographed to
 * test-artifacts/screenshots/oidc-*.png and checked with axe-core, at 390 px.
 */

const ACCOUNTS = {
  karin: { name: 'Karin Berg', roles: ['bistand-handlaggare'], organisation: 'svedala' },
  sara: { name: 'Sara Nilsson', roles: ['bistand-arbetsledare', 'ovrig-grupp'], organisation: 'Trelleborg' },
  mallory: { name: 'Mallory', roles: ['ekonomi'], organisation: 'trelleborg' },
  lena: { name: 'Lena Ståhlberg', roles: ['bistand-admin'], organisation: 'trelleborg' },
};

/** Per test: a few seconds alone, far more on a loaded 2-core machine; a hang still fails. */
const SLOW = 240_000;

interface StoredSession {
  user?: { id: string; displayName: string; role: string; organisation: string; municipalities: string[] };
  via?: string;
}

forEachBackend('OpenID Connect login in Chromium', (backend) => {
  let database: Db;
  const db = () => database;
  let provider: TestProvider;
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;
  const logs: string[] = [];

  beforeAll(async () => {
    database = await backend.open();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    provider = await startTestProvider({ redirectUri: `${base}/auth/callback`, postLogoutRedirectUri: `${base}/utloggad`, accounts: ACCOUNTS });
    const auth = loadWebAuthConfig({
      NODE_ENV: 'test',
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_REDIRECT_URI: `${base}/auth/callback`,
      OIDC_ORGANISATIONS: 'trelleborg=1287;svedala=1263',
    });
    // As in production: no development login (plain http and cookies without Secure, on loopback only).
    auth.devLogin = false;
    app = buildWebServer({
      logger: createLogger({ nodeEnv: 'test', logLevel: 'info' }, { write: (line: string) => void logs.push(line) }),
      metrics: createMetrics({ defaultMetrics: false }),
      checks: {},
      pages: { db: db(), auth, routes: [caseworkerRoutes({ db: db() }), adminRoutes({ db: db(), rules: loadRules(), queues: () => undefined, bullBoard: false })] },
    });
    await app.listen({ port, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await provider?.close();
    await database?.close();
  });

  const sessions = async () => (await db().query<{ sid: string; data: StoredSession }>('SELECT sid, data FROM web_sessions')).rows;
  const sidOf = async (context: BrowserContext) => {
    const cookie = (await context.cookies(base)).find((c) => c.name === 'bistand_sid');
    return cookie ? decodeURIComponent(cookie.value) : undefined;
  };
  const storedId = (cookieValue: string) => cookieValue.slice(0, cookieValue.lastIndexOf('.'));
  const shoot = (page: Page, name: string) => look(page, `oidc-${backend.name}-${name}`, name);
  const fresh = async () => {
    const context = await browser.newContext({ viewport: PHONE });
    context.setDefaultTimeout(90_000);
    return context;
  };

  /** At the provider's own login form: any password; the account decides the claims. */
  async function signInAtProvider(page: Page, login: string): Promise<void> {
    await page.locator('input[name="login"]').waitFor();
    expect(page.url().startsWith(provider.issuer)).toBe(true);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill('vilket-som-helst');
    await page.locator('input[name="password"]').press('Enter');
  }

  /** The whole login from our /login, ending on the inbox. */
  async function signedIn(page: Page, login: string): Promise<void> {
    await page.goto(`${base}/login`);
    await signInAtProvider(page, login);
    await page.waitForURL(`${base}/inkorg`);
  }

  /** A fetch with only this session cookie: what someone holding the old cookie would get. */
  const withCookie = (value: string, path: string) => fetch(`${base}${path}`, { headers: { cookie: `bistand_sid=${encodeURIComponent(value)}` }, redirect: 'manual' });

  it('discovery, code flow with PKCE, state and nonce; claims to role and municipality; no session before login', { timeout: SLOW }, async () => {
    const before = (await sessions()).length;
    const context = await fresh();
    const page = await context.newPage();
    const authorisations: URL[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.origin === provider.issuer && url.pathname === '/auth') authorisations.push(url);
    });
    try {
      await page.goto(`${base}/inkorg`);
      await signInAtProvider(page, 'karin');
      await page.waitForURL(`${base}/inkorg`);
      // The authorisation request, as discovery described the provider.
      expect(authorisations).toHaveLength(1);
      const q = authorisations[0]!.searchParams;
      expect(q.get('response_type')).toBe('code');
      expect(q.get('client_id')).toBe(provider.clientId);
      expect(q.get('redirect_uri')).toBe(`${base}/auth/callback`);
      expect(q.get('scope')?.split(' ')).toContain('openid');
      expect(q.get('code_challenge_method')).toBe('S256');
      expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(q.get('nonce')).not.toBe(q.get('state'));

      await expect(page.locator('form.logout span').textContent()).resolves.toBe('Karin Berg (handläggare, Svedala)');
      await shoot(page, '01-inbox');
      // One session, for the signed-in user, with what the claims gave.
      const rows = await sessions();
      expect(rows).toHaveLength(before + 1);
      const sid = await sidOf(context);
      const mine = rows.find((r) => r.sid === storedId(sid!));
      expect(mine?.data.user).toEqual({ id: 'karin', displayName: 'Karin Berg', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] });
      // The staff directory has her, with the claims as they were at this login.
      const staff = await getStaffMember(db(), 'karin');
      expect(staff).toMatchObject({ id: 'karin', displayName: 'Karin Berg', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] });
      expect(staff!.lastSeenAt.getTime()).toBeGreaterThan(Date.now() - 300_000);
      // The started login's cookie is gone once used.
      // (The provider's cookies share the host: cookies know no ports.)
      const names = (await context.cookies(base)).map((c) => c.name);
      expect(names).toContain('bistand_sid');
      expect(names).not.toContain('bistand_oidc');
    } finally {
      await context.close();
    }
  });

  it('a team lead of Trelleborg: the known role among other groups, organisation case-insensitive', { timeout: SLOW }, async () => {
    const context = await fresh();
    const page = await context.newPage();
    try {
      await signedIn(page, 'sara');
      const sid = await sidOf(context);
      const row = (await sessions()).find((r) => r.sid === storedId(sid!));
      expect(row?.data.user).toMatchObject({ id: 'sara', role: 'teamlead', organisation: 'trelleborg', municipalities: ['1287'] });
      expect(await getStaffMember(db(), 'sara')).toMatchObject({ displayName: 'Sara Nilsson', role: 'teamlead', organisation: 'trelleborg', municipalities: ['1287'] });
    } finally {
      await context.close();
    }
  });

  it('an account without a role for the robot is refused, with a page that says why, and gets no session', { timeout: SLOW }, async () => {
    const before = (await sessions()).length;
    const context = await fresh();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/login`);
      await signInAtProvider(page, 'mallory');
      await page.waitForURL(/\/auth\/callback/);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Ingen behörighet');
      await expect(page.locator('main').textContent()).resolves.toContain('ingen känd roll i claim roles');
      await shoot(page, '02-no-role');
      expect(await sidOf(context)).toBeUndefined();
      expect(await sessions()).toHaveLength(before);
      // Refused: not in the staff directory either.
      expect(await getStaffMember(db(), 'mallory')).toBeUndefined();
    } finally {
      await context.close();
    }
  });

  it('the audit log finds a user who signed in with OpenID Connect by a part of the name', { timeout: SLOW }, async () => {
    const context = await fresh();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/login`);
      await signInAtProvider(page, 'lena');
      await page.waitForURL(`${base}/admin`);
      // Her own search of the log is written before it is read: she finds herself by "ståhl".
      await page.goto(`${base}/admin/logg?anvandare=${encodeURIComponent('ståhl')}`);
      const rows = page.getByRole('region', { name: 'Loggposter' }).locator('tbody tr');
      await rows.first().waitFor();
      const first = ((await rows.first().textContent()) ?? '').replace(/\s+/g, ' ');
      expect(first).toContain('Lena Ståhlberg');
      expect(await getStaffMember(db(), 'lena')).toMatchObject({ role: 'admin', organisation: 'trelleborg', municipalities: ['1287'] });
      await shoot(page, '05-audit-by-name');
    } finally {
      await context.close();
    }
  });

  it('session fixation: an id planted before login is replaced and deleted, and signs nobody in', { timeout: SLOW }, async () => {
    const attacker = await fresh();
    const victim = await fresh();
    try {
      const a = await attacker.newPage();
      await signedIn(a, 'sara');
      const planted = (await sidOf(attacker))!;
      await victim.addCookies([{ name: 'bistand_sid', value: encodeURIComponent(planted), url: base, httpOnly: true, sameSite: 'Lax' }]);
      const v = await victim.newPage();
      await v.goto(`${base}/login/oidc?next=/inkorg`);
      await signInAtProvider(v, 'karin');
      await v.waitForURL(`${base}/inkorg`);
      await expect(v.locator('form.logout span').textContent()).resolves.toContain('Karin Berg');
      const after = (await sidOf(victim))!;
      expect(storedId(after)).not.toBe(storedId(planted));
      expect((await sessions()).map((r) => r.sid)).not.toContain(storedId(planted));
      // The planted cookie: neither Karin nor its former owner any more.
      const res = await withCookie(planted, '/inkorg');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/login?next=%2Finkorg');
    } finally {
      await attacker.close();
      await victim.close();
    }
  });

  it('RP-initiated logout: the session ends on the server and at the provider; the old cookie no longer works', { timeout: SLOW }, async () => {
    const context = await fresh();
    const page = await context.newPage();
    try {
      await signedIn(page, 'karin');
      const old = (await sidOf(context))!;
      expect((await withCookie(old, '/inkorg')).status).toBe(200);
      // By keyboard: the logout button in the header.
      await page.getByRole('button', { name: 'Logga ut' }).focus();
      await page.keyboard.press('Enter');
      // The provider asks whether to end its session too.
      await page.getByRole('button', { name: 'Yes, sign me out' }).waitFor();
      expect(page.url().startsWith(`${provider.issuer}/session/end`)).toBe(true);
      // Ended on the server already, before the provider answers.
      expect((await sessions()).map((r) => r.sid)).not.toContain(storedId(old));
      await page.getByRole('button', { name: 'Yes, sign me out' }).click();
      await page.waitForURL(`${base}/utloggad`);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Du är utloggad');
      await shoot(page, '03-logged-out');
      const res = await withCookie(old, '/inkorg');
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe('/login?next=%2Finkorg');
      // The provider's session ended too: logging in again asks for the account.
      await page.getByRole('link', { name: 'Logga in igen' }).focus();
      await page.keyboard.press('Enter');
      await page.locator('input[name="login"]').waitFor();
      expect(page.url().startsWith(provider.issuer)).toBe(true);
    } finally {
      await context.close();
    }
  });

  it.each([
    ['issuer', (c: Record<string, unknown>) => ({ ...c, iss: 'https://idp.other-municipality.example' })],
    ['audience', (c: Record<string, unknown>) => ({ ...c, aud: 'another-client' })],
    ['nonce', (c: Record<string, unknown>) => ({ ...c, nonce: 'a-nonce-from-another-login' })],
  ] as const)('an ID token with the wrong %s is refused by openid-client: no session', { timeout: SLOW }, async (what, change) => {
    const before = (await sessions()).length;
    const tamperedBefore = provider.tampered;
    const logsBefore = logs.length;
    provider.tamper = change;
    const context = await fresh();
    const page = await context.newPage();
    try {
      await page.goto(`${base}/login`);
      await signInAtProvider(page, 'karin');
      await page.waitForURL(/\/auth\/callback/);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Inloggningen kunde inte slutföras');
      expect(provider.tampered).toBe(tamperedBefore + 1);
      if (what === 'issuer') await shoot(page, '04-refused-token');
      expect(await sidOf(context)).toBeUndefined();
      expect(await sessions()).toHaveLength(before);
      // Refused by openid-client's claim check, and logged without the claim's value.
      const refusal = logs.slice(logsBefore).find((l) => l.includes('OIDC callback refused'));
      expect(refusal).toContain('OAUTH_JWT_CLAIM_COMPARISON_FAILED');
      expect(refusal).not.toContain('other-municipality');
      expect((await fetch(`${base}/inkorg`, { redirect: 'manual' })).status).toBe(303);
    } finally {
      provider.tamper = undefined;
      await context.close();
    }
  });

  /**
   * Another browser's login, driven by hand up to the provider's redirect back: the callback URL
   * (code and state) not yet used, and that browser's cookies.
   */
  async function callbackOfAnotherBrowser(login: string): Promise<{ callback: string; cookies: Map<string, string> }> {
    const cookies = new Map<string, string>();
    const go = async (url: string, init: RequestInit = {}) => {
      const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const line of res.headers.getSetCookie()) {
        const [pair = ''] = line.split(';');
        const at = pair.indexOf('=');
        if (/max-age=0|expires=thu, 01 jan 1970/i.test(line)) cookies.delete(pair.slice(0, at));
        else cookies.set(pair.slice(0, at), pair.slice(at + 1));
      }
      return new URL(res.headers.get('location') ?? url, url).href;
    };
    let next = await go(`${base}/login/oidc?next=/inkorg`);
    next = await go(next); // the provider's /auth -> its login form
    // The provider's login form, filled in as a person would: its action and hidden fields as served.
    const form = await (await fetch(next, { headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })).text();
    const action = new URL(/<form[^>]*action="([^"]+)"/.exec(form)![1]!, next).href;
    const fields = new URLSearchParams([...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    fields.set('login', login);
    fields.set('password', 'x');
    next = await go(action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() });
    const callback = await go(next); // resumed: -> our /auth/callback?code=...&state=...
    expect(callback.startsWith(`${base}/auth/callback?`)).toBe(true);
    return { callback, cookies };
  }

  it('login CSRF: a callback with another browser\'s state is refused; the same callback works in the browser that started it', { timeout: SLOW }, async () => {
    const before = (await sessions()).length;
    const attacker = await callbackOfAnotherBrowser('sara');
    const context = await fresh();
    const page = await context.newPage();
    try {
      // The victim has a login of its own under way (its own state in its login cookie).
      await page.goto(`${base}/login`);
      await page.locator('input[name="login"]').waitFor();
      await page.goto(attacker.callback);
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Inloggningen kunde inte slutföras');
      expect(await sidOf(context)).toBeUndefined();
      expect(await sessions()).toHaveLength(before);
      // Without any login under way: refused as well.
      const stray = await fetch(attacker.callback, { redirect: 'manual' });
      expect(stray.status).toBe(400);
      // The control: in the browser that started it, the very same callback signs in.
      const own = await fetch(attacker.callback, { redirect: 'manual', headers: { cookie: [...attacker.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      expect(own.status).toBe(303);
      expect(own.headers.get('location')).toBe('/inkorg');
      expect(await sessions()).toHaveLength(before + 1);
    } finally {
      await context.close();
    }
  });
});
