import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { stopServer, trackedTimers } from './httpKit.js';
import { legacyFaultPlanSchema, type LegacyFaultPlan, type LegacyPlan, type LegacyStep } from './legacy/faults.js';
import { CASE_ID, emptyRows, entryFromForm, formProblem, readForm, type LegacyEntry } from './legacy/form.js';
import { legacyPages } from './legacy/pages.js';
import { legacySessions } from './legacy/sessions.js';

/**
 * A loopback stand-in for the municipality's old case system, the one the RPA adapter drives:
 * server-rendered HTML from another decade (tables, <form method=post>, a session cookie, no
 * JavaScript but the dialogs below). Login, case search, case page, the calculation form (decision reference, period,
 * outcome, total, signer and rows of type/text/amount, "Fler rader" for more rows), save, and
 * a receipt page with a confirmation number.
 *
 * Like the real one it does NOT refuse a second entry of the same decision reference: it keeps
 * every save, so a test can prove the robot entered a decision exactly once.
 *
 * Trouble on demand, by methods or the admin endpoints (JSON, under /__):
 *  - latencyMs: every page is that slow;
 *  - expireAt {step, times}: the next `times` requests at that step find their session expired
 *    (redirect to the login page, nothing done: a save is not recorded);
 *  - sessionMaxRequests: a session dies after that many pages;
 *  - rename(from, to): every page's HTML has `from` replaced by `to` (an id, a name, a title),
 *    the way a vendor upgrade breaks an RPA robot;
 *  - saveDialog {type, message}: "Spara" opens a confirm() (OK saves, Cancel does not: the
 *    form is not posted) or an alert() (informs; the form is posted after it);
 *  - pageDialog {step, type, message}: the page served at that step opens an alert() or
 *    confirm() as it loads (whatever the answer, the page stays).
 * GET /__entries, GET /__stats, GET|POST|DELETE /__faults, POST|DELETE /__rename,
 * POST /__expire-sessions. It never logs.
 *
 * This file is the HTTP server and its routes; the concerns live in legacy/: faults.ts (the
 * fault plan and its dialogs), form.ts (the calculation form and what a save records),
 * pages.ts (the HTML), sessions.ts (logins and the session faults).
 */

export { LEGACY_STEPS, legacyFaultPlanSchema, type LegacyFaultPlan, type LegacyStep } from './legacy/faults.js';
export { parseLegacyAmount, type LegacyEntry, type LegacyLine } from './legacy/form.js';

export interface LegacyStats {
  /** Pages served (admin calls not counted). */
  requests: number;
  logins: number;
  failedLogins: number;
  logouts: number;
  sessionsExpired: number;
  saves: number;
  /** Saves turned back with a validation message. */
  refusedSaves: number;
}

export interface LegacyCaseSystemOptions {
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  /** Accounts, user -> password. Default { robot: 'robot-lösen' }. */
  users?: Record<string, string>;
  /** Known case ids; when absent, any well-formed case id is found. */
  cases?: readonly string[];
  faults?: LegacyFaultPlan;
  /** Empty rows on the calculation form, and how many "Fler rader" adds. Default 10. */
  rowsPerPage?: number;
}

export interface LegacyCaseSystem {
  /** Base URL, no trailing slash. */
  url: string;
  stop(): Promise<void>;
  /** Every save, in order (duplicates included: that is what the tests look for). */
  entries(): LegacyEntry[];
  entriesFor(decisionId: string): LegacyEntry[];
  setFaults(plan: LegacyFaultPlan): void;
  clearFaults(): void;
  faults(): LegacyPlan;
  /** From now on every page has `from` replaced by `to`. */
  rename(from: string, to: string): void;
  clearRenames(): void;
  /** Ends every open session (the next page of each goes to the login page). */
  expireAllSessions(): void;
  stats(): LegacyStats;
}

export const DEFAULT_LEGACY_USERS: Readonly<Record<string, string>> = { robot: 'robot-lösen' };

const MAX_BODY = 256 * 1024;

export async function start(options: LegacyCaseSystemOptions = {}): Promise<LegacyCaseSystem> {
  const users = options.users ?? DEFAULT_LEGACY_USERS;
  const knownCases = options.cases ? new Set(options.cases) : undefined;
  const rowsPerPage = options.rowsPerPage ?? 10;
  let plan: LegacyPlan = legacyFaultPlanSchema.parse(options.faults ?? {});
  let renames: Array<[string, string]> = [];
  const recorded: LegacyEntry[] = [];
  const stats: LegacyStats = { requests: 0, logins: 0, failedLogins: 0, logouts: 0, sessionsExpired: 0, saves: 0, refusedSaves: 0 };
  let nextConfirmation = 100_001;
  const { timers, wait } = trackedTimers();

  const caseExists = (id: string) => CASE_ID.test(id) && (!knownCases || knownCases.has(id));

  const sessions = legacySessions(stats, () => plan);
  const { layout, loginPage, searchPage, casePage, formPage, receiptPage } = legacyPages({
    plan: () => plan,
    renames: () => renames,
    entries: () => recorded,
    caseExists,
  });

  // ---- HTTP --------------------------------------------------------------------------------

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(body)), ...headers });
    res.end(body);
  };
  const html = (res: ServerResponse, body: string, status = 200) => send(res, status, body);
  const redirect = (res: ServerResponse, location: string, headers: Record<string, string> = {}) =>
    send(res, 303, '', { location, ...headers });
  const json = (res: ServerResponse, status: number, value: unknown) =>
    send(res, status, JSON.stringify(value), { 'content-type': 'application/json; charset=utf-8' });

  /** The session for a page at `step`, or undefined after redirecting to the login page. */
  function authenticate(req: IncomingMessage, res: ServerResponse, step: LegacyStep) {
    const result = sessions.authenticate(req, step);
    if ('redirect' in result) {
      redirect(res, result.redirect);
      return undefined;
    }
    return result.session;
  }

  async function page(req: IncomingMessage, res: ServerResponse, url: URL, body: string): Promise<void> {
    stats.requests++;
    await wait(plan.latencyMs ?? 0);
    const method = req.method ?? 'GET';
    const path = url.pathname;

    if (path === '/' && method === 'GET') return redirect(res, '/sok');
    if (path === '/login' && method === 'GET') {
      if (url.searchParams.has('timeout')) return html(res, loginPage({ text: 'Din session har gått ut. Logga in igen.', error: false }));
      if (url.searchParams.has('utloggad')) return html(res, loginPage({ text: 'Du är utloggad.', error: false }));
      return html(res, loginPage());
    }
    if (path === '/login' && method === 'POST') {
      const form = new URLSearchParams(body);
      const user = form.get('anvandare') ?? '';
      if (!Object.hasOwn(users, user) || users[user] !== (form.get('losenord') ?? '')) {
        stats.failedLogins++;
        return html(res, loginPage({ text: 'Felaktigt användarnamn eller lösenord.', error: true }));
      }
      const id = sessions.login(user);
      stats.logins++;
      return redirect(res, '/sok', { 'set-cookie': `SESSID=${id}; Path=/; HttpOnly; SameSite=Lax` });
    }
    if (path === '/loggaut') {
      sessions.logout(req);
      return redirect(res, '/login?utloggad=1', { 'set-cookie': 'SESSID=; Path=/; Max-Age=0' });
    }

    if (path === '/sok' && method === 'GET') {
      if (!authenticate(req, res, 'search')) return;
      return html(res, searchPage(url.searchParams.get('arendenr') ?? undefined));
    }
    const casePath = /^\/arende\/([^/]+)(\/berakning)?$/.exec(path);
    if (casePath) {
      const id = decodeURIComponent(casePath[1] ?? '');
      const form = casePath[2] !== undefined;
      const post = new URLSearchParams(method === 'POST' ? body : '');
      const action = post.get('atgard');
      const step: LegacyStep = !form ? 'case' : method !== 'POST' ? 'form' : action === 'Spara' ? 'save' : 'moreRows';
      const session = authenticate(req, res, step);
      if (!session) return;
      if (!caseExists(id)) return html(res, layout('Fel', '<h1>Ärendet finns inte</h1>', true), 404);
      if (!form && method === 'GET') return html(res, casePage(id));
      if (form && method === 'GET') {
        return html(res, formPage(id, { decisionId: '', period: '', outcome: '', totalAmount: '', signedBy: '', rows: emptyRows(rowsPerPage) }, 'form'));
      }
      if (form && method === 'POST') {
        const state = readForm(post, rowsPerPage);
        if (step === 'moreRows') return html(res, formPage(id, { ...state, rows: [...state.rows, ...emptyRows(rowsPerPage)] }, 'moreRows'));
        const problem = formProblem(state);
        if (problem) {
          stats.refusedSaves++;
          return html(res, formPage(id, state, 'save', problem));
        }
        const entry = entryFromForm(state, { confirmation: `KV-${nextConfirmation++}`, caseId: id, user: session.user, at: new Date().toISOString() });
        recorded.push(entry);
        stats.saves++;
        // Post/redirect/get, as such systems do: the receipt is a page of its own.
        return redirect(res, `/kvittens/${encodeURIComponent(entry.confirmation)}`);
      }
    }
    const receipt = /^\/kvittens\/([^/]+)$/.exec(path);
    if (receipt && method === 'GET') {
      if (!authenticate(req, res, 'receipt')) return;
      const entry = recorded.find((e) => e.confirmation === decodeURIComponent(receipt[1] ?? ''));
      if (!entry) return html(res, layout('Fel', '<h1>Kvittensen finns inte</h1>', true), 404);
      return html(res, receiptPage(entry));
    }
    return html(res, layout('Fel', '<h1>Sidan finns inte</h1><p><a href="/sok">Till ärendesök</a></p>', true), 404);
  }

  function admin(method: string, path: string, body: string, res: ServerResponse): void {
    let value: unknown;
    if (body) {
      try {
        value = JSON.parse(body);
      } catch {
        return json(res, 400, { error: 'kroppen ska vara JSON' });
      }
    }
    if (path === '/__entries' && method === 'GET') return json(res, 200, recorded);
    if (path === '/__stats' && method === 'GET') return json(res, 200, stats);
    if (path === '/__expire-sessions' && method === 'POST') {
      api.expireAllSessions();
      return json(res, 200, { ok: true });
    }
    if (path === '/__faults') {
      if (method === 'GET') return json(res, 200, plan);
      if (method === 'DELETE') {
        api.clearFaults();
        return json(res, 200, plan);
      }
      if (method === 'POST') {
        const parsed = legacyFaultPlanSchema.safeParse(value);
        if (!parsed.success) return json(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
        plan = { ...plan, ...parsed.data };
        return json(res, 200, plan);
      }
    }
    if (path === '/__rename') {
      if (method === 'DELETE') {
        api.clearRenames();
        return json(res, 200, { renames: [] });
      }
      if (method === 'POST') {
        const parsed = z.object({ from: z.string().min(1), to: z.string() }).strict().safeParse(value);
        if (!parsed.success) return json(res, 400, { error: 'ange {from, to}' });
        api.rename(parsed.data.from, parsed.data.to);
        return json(res, 200, { renames });
      }
    }
    return json(res, 404, { error: 'okänd adminväg' });
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        send(res, 413, 'För stor fråga');
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      if (url.pathname.startsWith('/__')) return admin(req.method ?? 'GET', url.pathname, body, res);
      page(req, res, url, body).catch(() => send(res, 500, 'Internt fel'));
    });
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const api: LegacyCaseSystem = {
    url: `http://${host === '::1' ? '[::1]' : host}:${port}`,
    stop: () => stopServer(server, timers),
    entries: () => structuredClone(recorded),
    entriesFor: (decisionId) => structuredClone(recorded.filter((e) => e.decisionId === decisionId)),
    setFaults: (next) => {
      plan = { ...plan, ...legacyFaultPlanSchema.parse(next) };
    },
    clearFaults: () => {
      plan = {};
    },
    faults: () => structuredClone(plan),
    rename: (from, to) => {
      if (!from) throw new Error('rename: from får inte vara tomt');
      renames.push([from, to]);
    },
    clearRenames: () => {
      renames = [];
    },
    expireAllSessions: () => sessions.expireAll(),
    stats: () => ({ ...stats }),
  };
  return api;
}
