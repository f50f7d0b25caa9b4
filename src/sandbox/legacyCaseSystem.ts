import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { stopServer, trackedTimers } from './httpKit.js';

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
 */

export const LEGACY_STEPS = ['search', 'case', 'form', 'moreRows', 'save', 'receipt'] as const;
export type LegacyStep = (typeof LEGACY_STEPS)[number];

export const legacyFaultPlanSchema = z
  .object({
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    expireAt: z.object({ step: z.enum(LEGACY_STEPS), times: z.number().int().min(1).default(1) }).strict().optional(),
    sessionMaxRequests: z.number().int().min(1).optional(),
    saveDialog: z.object({ type: z.enum(['alert', 'confirm']), message: z.string().min(1).max(2000) }).strict().optional(),
    pageDialog: z.object({ step: z.enum(LEGACY_STEPS), type: z.enum(['alert', 'confirm']), message: z.string().min(1).max(2000) }).strict().optional(),
  })
  .strict();
export type LegacyFaultPlan = z.input<typeof legacyFaultPlanSchema>;
type Plan = z.output<typeof legacyFaultPlanSchema>;

export interface LegacyLine {
  kind: string;
  label: string;
  /** Normalised to a dot decimal, e.g. "3292.00". */
  amount: string;
}

export interface LegacyEntry {
  confirmation: string;
  caseId: string;
  decisionId: string;
  period: string;
  outcome: string;
  totalAmount: string;
  signedBy: string;
  lines: LegacyLine[];
  user: string;
  at: string;
}

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
  faults(): Plan;
  /** From now on every page has `from` replaced by `to`. */
  rename(from: string, to: string): void;
  clearRenames(): void;
  /** Ends every open session (the next page of each goes to the login page). */
  expireAllSessions(): void;
  stats(): LegacyStats;
}

export const DEFAULT_LEGACY_USERS: Readonly<Record<string, string>> = { robot: 'robot-lösen' };

const CASE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const MAX_BODY = 256 * 1024;

interface Session {
  user: string;
  requests: number;
}

interface FormRow {
  kind: string;
  label: string;
  amount: string;
}

interface FormState {
  decisionId: string;
  period: string;
  outcome: string;
  totalAmount: string;
  signedBy: string;
  rows: FormRow[];
}

const esc = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** A JavaScript string literal that is safe inside a <script> element too. */
const jsString = (text: string) => JSON.stringify(text).replace(/</g, '\\u003c');

/** "3 292,50" or "3292.50" -> "3292.50"; undefined when it is not an amount. */
export function parseLegacyAmount(text: string): string | undefined {
  const plain = text.replace(/[\s\u00a0]/g, '').replace(',', '.');
  return /^-?\d{1,9}(\.\d{1,2})?$/.test(plain) ? plain : undefined;
}

const KINDS: Record<string, string> = { NORM: 'Norm', KOSTNAD: 'Kostnad', INKOMST: 'Inkomst', EJMEDR: 'Ej medräknad' };
const OUTCOMES: Record<string, string> = { BIFALL: 'Bifall', AVSLAG: 'Avslag' };

const STYLE = `body{font-family:Verdana,Arial,sans-serif;font-size:11px;background:#d4d0c8;margin:0;color:#000}
.topp{background:#0a246a;background:linear-gradient(90deg,#0a246a,#a6caf0);color:#fff;padding:5px 8px;font-weight:bold;font-size:13px}
.meny{background:#ece9d8;border-bottom:1px solid #808080;padding:3px 8px}
.meny a{color:#000080;margin-right:14px}
.innehall{padding:10px 12px}
h1{font-size:14px;margin:4px 0 10px 0}
h2{font-size:12px;margin:14px 0 6px 0}
table,td,th{font-size:11px}
table.rutnat{border-collapse:collapse;background:#fff}
table.rutnat th{background:#ece9d8;border:1px solid #808080;padding:2px 6px;text-align:left}
table.rutnat td{border:1px solid #c0c0c0;padding:2px 6px}
fieldset{border:1px solid #808080;margin:0 0 8px 0;background:#ece9d8}
input[type=text],input[type=password],select{font-family:Verdana,Arial,sans-serif;font-size:11px;border:1px solid #7f9db9;padding:1px}
input[type=submit]{font-family:Verdana,Arial,sans-serif;font-size:11px;padding:1px 8px}
.felmeddelande{color:#c00000;font-weight:bold;border:1px solid #c00000;background:#fff0f0;padding:4px;margin:6px 0}
.info{color:#000080;font-weight:bold;margin:6px 0}
.sidfot{color:#606060;padding:6px 12px;border-top:1px solid #808080;font-size:10px}`;

export async function start(options: LegacyCaseSystemOptions = {}): Promise<LegacyCaseSystem> {
  const users = options.users ?? DEFAULT_LEGACY_USERS;
  const knownCases = options.cases ? new Set(options.cases) : undefined;
  const rowsPerPage = options.rowsPerPage ?? 10;
  let plan: Plan = legacyFaultPlanSchema.parse(options.faults ?? {});
  let renames: Array<[string, string]> = [];
  const sessions = new Map<string, Session>();
  const recorded: LegacyEntry[] = [];
  const stats: LegacyStats = { requests: 0, logins: 0, failedLogins: 0, logouts: 0, sessionsExpired: 0, saves: 0, refusedSaves: 0 };
  let nextConfirmation = 100_001;
  const { timers, wait } = trackedTimers();

  const caseExists = (id: string) => CASE_ID.test(id) && (!knownCases || knownCases.has(id));

  // ---- rendering ---------------------------------------------------------------------------

  function layout(title: string, body: string, loggedIn: boolean, step?: LegacyStep): string {
    const menu = loggedIn
      ? `<div class="meny"><a href="/sok">Ärendesök</a><a href="/sok">Mina ärenden</a><a href="/loggaut" id="lnkLoggaUt">Logga ut</a></div>`
      : '<div class="meny">&nbsp;</div>';
    const html = `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="sv"><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>${esc(title)} - Socialsystemet 3.1</title><style>${STYLE}</style></head>
<body><div class="topp">Socialsystemet 3.1 &ndash; Individ- och familjeomsorg</div>${menu}
<div class="innehall">${body}</div>
<div class="sidfot">Socialsystemet 3.1.7 (build 2009-11-04) &middot; Sandlådemiljö, endast testdata</div>${onLoad(step)}</body></html>`;
    return renames.reduce((text, [from, to]) => text.split(from).join(to), html);
  }

  /** The pageDialog fault's script, on the page of its step. */
  function onLoad(step: LegacyStep | undefined): string {
    const dialog = plan.pageDialog;
    return dialog && step !== undefined && dialog.step === step ? `<script>${dialog.type}(${jsString(dialog.message)});</script>` : '';
  }

  /** The saveDialog fault's onclick on "Spara": a confirm() decides whether the form is posted. */
  function onSave(): string {
    const dialog = plan.saveDialog;
    if (!dialog) return '';
    const call = `${dialog.type}(${jsString(dialog.message)})`;
    return ` onclick="${esc(dialog.type === 'confirm' ? `return ${call};` : `${call}; return true;`)}"`;
  }

  function loginPage(message?: { text: string; error: boolean }): string {
    const note = message ? `<div class="${message.error ? 'felmeddelande' : 'info'}">${esc(message.text)}</div>` : '';
    return layout(
      'Inloggning',
      `<h1>Inloggning</h1>${note}
<form method="post" action="/login"><fieldset><legend>Ange användaruppgifter</legend>
<table><tr><td><label for="anvandare">Användarnamn:</label></td><td><input type="text" id="anvandare" name="anvandare" size="20"></td></tr>
<tr><td><label for="losenord">Lösenord:</label></td><td><input type="password" id="losenord" name="losenord" size="20"></td></tr>
<tr><td></td><td><input type="submit" id="btnLoggaIn" value="Logga in"></td></tr></table></fieldset></form>`,
      false,
    );
  }

  function searchPage(query: string | undefined): string {
    let results = '';
    if (query !== undefined) {
      const id = query.trim();
      results = caseExists(id)
        ? `<h2>Sökresultat</h2><table class="rutnat" id="tblTraffar"><tr><th>Ärendenr</th><th>Ärendetyp</th><th>Status</th></tr>
<tr><td><a class="arendelank" href="/arende/${encodeURIComponent(id)}">${esc(id)}</a></td><td>Ekonomiskt bistånd</td><td>Pågående</td></tr></table>`
        : `<p id="ingaTraffar" class="info">Inga träffar.</p>`;
    }
    return layout(
      'Ärendesök',
      `<h1>Ärendesök</h1><form method="get" action="/sok"><fieldset><legend>Sök ärende</legend>
<label for="arendenr">Ärendenummer:</label> <input type="text" id="arendenr" name="arendenr" size="24" value="${esc(query ?? '')}">
<input type="submit" id="btnSok" value="Sök"></fieldset></form>${results}`,
      true,
      'search',
    );
  }

  function casePage(id: string): string {
    const count = recorded.filter((e) => e.caseId === id).length;
    return layout(
      `Ärende ${id}`,
      `<h1>Ärende <span id="arendenummer">${esc(id)}</span></h1>
<table class="rutnat"><tr><th>Ärendetyp</th><td>Ekonomiskt bistånd (försörjningsstöd)</td></tr>
<tr><th>Status</th><td>Pågående</td></tr><tr><th>Registrerade beslut</th><td>${count}</td></tr></table>
<h2>Åtgärder</h2><ul><li><a id="lnkBerakning" href="/arende/${encodeURIComponent(id)}/berakning">Beräkning och beslut</a></li><li><a href="/sok">Tillbaka till sök</a></li></ul>`,
      true,
      'case',
    );
  }

  /** `step`: the form as first shown ('form'), with more rows ('moreRows') or turned back by a save ('save'). */
  function formPage(id: string, state: FormState, step: LegacyStep, error?: string): string {
    const entries = recorded.filter((e) => e.caseId === id);
    const registered = entries.length
      ? entries
          .map(
            (e) =>
              `<tr class="beslutsrad"><td class="beslutsref">${esc(e.decisionId)}</td><td>${esc(e.period)}</td><td>${esc(OUTCOMES[e.outcome] ?? e.outcome)}</td><td align="right">${esc(e.totalAmount.replace('.', ','))}</td><td class="kvittensnr">${esc(e.confirmation)}</td><td>${esc(e.user)}</td></tr>`,
          )
          .join('\n')
      : '<tr><td colspan="6"><i>Inga beslut registrerade.</i></td></tr>';
    const option = (values: Record<string, string>, selected: string) =>
      Object.entries(values)
        .map(([v, text]) => `<option value="${v}"${v === selected ? ' selected' : ''}>${esc(text)}</option>`)
        .join('');
    const rows = state.rows
      .map(
        (r, i) =>
          `<tr class="berakningsrad"><td>${i + 1}</td><td><select class="radtyp" name="typ_${i}">${option({ '': '', ...KINDS }, r.kind)}</select></td>` +
          `<td><input type="text" class="radtext" name="text_${i}" size="48" value="${esc(r.label)}"></td>` +
          `<td><input type="text" class="radbelopp" name="belopp_${i}" size="12" style="text-align:right" value="${esc(r.amount)}"></td></tr>`,
      )
      .join('\n');
    const a = `/arende/${encodeURIComponent(id)}/berakning`;
    return layout(
      'Ekonomiskt bistånd – beräkning',
      `<h1>Ekonomiskt bistånd &ndash; beräkning, ärende ${esc(id)}</h1>
<h2>Registrerade beslut</h2><table class="rutnat" id="tblBeslut"><tr><th>Beslutsref.</th><th>Period</th><th>Beslut</th><th>Belopp</th><th>Kvittensnr</th><th>Reg. av</th></tr>
${registered}</table>
<h2>Nytt beslut</h2>${error ? `<div class="felmeddelande">${esc(error)}</div>` : ''}
<form method="post" action="${a}"><fieldset><legend>Beslut</legend><table>
<tr><td><label for="beslutsref">Beslutsreferens:</label></td><td><input type="text" id="beslutsref" name="beslutsref" size="30" value="${esc(state.decisionId)}"></td>
<td><label for="period">Period (ÅÅÅÅ-MM):</label></td><td><input type="text" id="period" name="period" size="8" value="${esc(state.period)}"></td></tr>
<tr><td><label for="beslutstyp">Beslut:</label></td><td><select id="beslutstyp" name="beslutstyp">${option({ '': '', ...OUTCOMES }, state.outcome)}</select></td>
<td><label for="totalbelopp">Belopp kr:</label></td><td><input type="text" id="totalbelopp" name="totalbelopp" size="12" value="${esc(state.totalAmount)}"></td></tr>
<tr><td><label for="handlaggare">Beslutsfattare:</label></td><td colspan="3"><input type="text" id="handlaggare" name="handlaggare" size="30" value="${esc(state.signedBy)}"></td></tr>
</table></fieldset>
<fieldset><legend>Beräkningsrader</legend><table class="rutnat" id="tblRader"><tr><th>Rad</th><th>Typ</th><th>Text</th><th>Belopp kr</th></tr>
${rows}</table><input type="hidden" name="antalrader" value="${state.rows.length}">
<p><input type="submit" id="btnFlerRader" name="atgard" value="Fler rader"> &nbsp; <input type="submit" id="btnSpara" name="atgard" value="Spara"${onSave()}></p></fieldset></form>`,
      true,
      step,
    );
  }

  function receiptPage(entry: LegacyEntry): string {
    return layout(
      'Kvittens',
      `<h1>Kvittens</h1><p class="info">Beslutet är sparat.</p>
<table class="rutnat"><tr><th>Ärende</th><td>${esc(entry.caseId)}</td></tr><tr><th>Beslutsreferens</th><td>${esc(entry.decisionId)}</td></tr>
<tr><th>Bekräftelsenummer</th><td><b id="bekraftelsenr">${esc(entry.confirmation)}</b></td></tr></table>
<p><a href="/arende/${encodeURIComponent(entry.caseId)}">Tillbaka till ärendet</a></p>`,
      true,
      'receipt',
    );
  }

  const emptyRows = (n: number): FormRow[] => Array.from({ length: n }, () => ({ kind: '', label: '', amount: '' }));

  function readForm(form: URLSearchParams): FormState {
    const count = Math.min(Math.max(Number(form.get('antalrader') ?? rowsPerPage) || rowsPerPage, 1), 500);
    const rows: FormRow[] = [];
    for (let i = 0; i < count; i++) {
      rows.push({ kind: form.get(`typ_${i}`) ?? '', label: form.get(`text_${i}`) ?? '', amount: form.get(`belopp_${i}`) ?? '' });
    }
    return {
      decisionId: form.get('beslutsref') ?? '',
      period: form.get('period') ?? '',
      outcome: form.get('beslutstyp') ?? '',
      totalAmount: form.get('totalbelopp') ?? '',
      signedBy: form.get('handlaggare') ?? '',
      rows,
    };
  }

  /** The first thing wrong with a form, in the system's words; undefined when it can be saved. */
  function validate(state: FormState): string | undefined {
    if (!CASE_ID.test(state.decisionId.trim())) return 'Beslutsreferens saknas eller har fel format.';
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(state.period.trim())) return 'Period ska anges som ÅÅÅÅ-MM.';
    if (!(state.outcome in OUTCOMES)) return 'Välj beslut.';
    if (parseLegacyAmount(state.totalAmount) === undefined) return 'Belopp ska anges i kronor.';
    if (!state.signedBy.trim()) return 'Beslutsfattare saknas.';
    for (const [i, r] of state.rows.entries()) {
      if (!(r.label.trim() || r.amount.trim() || r.kind)) continue;
      if (!(r.kind in KINDS)) return `Rad ${i + 1}: välj typ.`;
      if (!r.label.trim()) return `Rad ${i + 1}: text saknas.`;
      if (parseLegacyAmount(r.amount) === undefined) return `Rad ${i + 1}: felaktigt belopp.`;
    }
    return undefined;
  }

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

  function sessionOf(req: IncomingMessage): { id: string; session: Session } | { id: string | undefined; session: undefined } {
    const match = /(?:^|;\s*)SESSID=([A-Za-z0-9_-]+)/.exec(req.headers.cookie ?? '');
    const id = match?.[1];
    const session = id === undefined ? undefined : sessions.get(id);
    return session && id !== undefined ? { id, session } : { id, session: undefined };
  }

  /** The session for a page at `step`, or undefined after redirecting to the login page. */
  function authenticate(req: IncomingMessage, res: ServerResponse, step: LegacyStep): Session | undefined {
    const { id, session } = sessionOf(req);
    if (!session) {
      redirect(res, id === undefined ? '/login' : '/login?timeout=1');
      return undefined;
    }
    session.requests++;
    let expire = false;
    if (plan.expireAt && plan.expireAt.step === step && plan.expireAt.times > 0) {
      plan.expireAt.times--;
      if (plan.expireAt.times === 0) delete plan.expireAt;
      expire = true;
    }
    if (plan.sessionMaxRequests !== undefined && session.requests > plan.sessionMaxRequests) expire = true;
    if (expire) {
      sessions.delete(id as string);
      stats.sessionsExpired++;
      redirect(res, '/login?timeout=1');
      return undefined;
    }
    return session;
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
      const id = randomBytes(18).toString('base64url');
      sessions.set(id, { user, requests: 0 });
      stats.logins++;
      return redirect(res, '/sok', { 'set-cookie': `SESSID=${id}; Path=/; HttpOnly; SameSite=Lax` });
    }
    if (path === '/loggaut') {
      const { id } = sessionOf(req);
      if (id !== undefined && sessions.delete(id)) stats.logouts++;
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
        const state = readForm(post);
        if (step === 'moreRows') return html(res, formPage(id, { ...state, rows: [...state.rows, ...emptyRows(rowsPerPage)] }, 'moreRows'));
        const problem = validate(state);
        if (problem) {
          stats.refusedSaves++;
          return html(res, formPage(id, state, 'save', problem));
        }
        const entry: LegacyEntry = {
          confirmation: `KV-${nextConfirmation++}`,
          caseId: id,
          decisionId: state.decisionId.trim(),
          period: state.period.trim(),
          outcome: state.outcome,
          totalAmount: parseLegacyAmount(state.totalAmount) as string,
          signedBy: state.signedBy.trim(),
          lines: state.rows
            .filter((r) => r.label.trim())
            .map((r) => ({ kind: r.kind, label: r.label.trim(), amount: parseLegacyAmount(r.amount) as string })),
          user: session.user,
          at: new Date().toISOString(),
        };
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
    expireAllSessions: () => {
      stats.sessionsExpired += sessions.size;
      sessions.clear();
    },
    stats: () => ({ ...stats }),
  };
  return api;
}
