import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { assess } from '../../src/assessment/assess.js';
import { validateSnapshot, type CaseSnapshot } from '../../src/domain/snapshot.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { loadRules } from '../../src/rules/load.js';
import { createCase, insertProposalIfAbsent, insertSnapshot, listDeclarations, recordDeclaration, saveApplication, transitionCase, type Db } from '../../src/store/index.js';
import { DEV_USERS } from '../../src/web/auth/devUsers.js';
import { loadWebAuthConfig } from '../../src/config.js';
import { caseworkerRoutes } from '../../src/web/caseworker/routes.js';
import type { PdfRenderer } from '../../src/web/caseworker/pdf.js';
import { buildWebServer } from '../../src/web/server.js';
import { uniqueId } from './backends.js';

/** Cases seeded straight into the store (no queue), and a logged-in client for fastify inject. */
const fixture = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'applications', '2026-03-svedala-couple.json'), 'utf8')) as {
  application: Record<string, unknown> & { applicant: { personalNumber: string }; coApplicant: { personalNumber: string } };
  history: unknown;
};
export const APPLICANT_PN = fixture.application.applicant.personalNumber;
export const CO_APPLICANT_PN = fixture.application.coApplicant.personalNumber;

const rules = loadRules();

export interface SeedOptions {
  municipality: '1287' | '1263';
  /** grant (default), reject (income above the norm) or manual (declared assets). */
  kind?: 'grant' | 'reject' | 'manual';
  receivedAt?: string;
  /** The household's bank balance in kronor (overrides what `kind` implies). */
  assets?: string;
  /** The application's costs (default: the fixture's). */
  costs?: { type: string; amount: string }[];
  /** Left in TECHNICAL_ERROR after its snapshot, without a proposal (as after an outage). */
  technicalError?: boolean;
  /** The application's incomes (default: none, or a salary for `reject`). */
  incomes?: { person: string; type: string; amount: string }[];
  /** The applicant's personal number, 12 digits (default: the fixture's). */
  applicant?: string;
  /** What SSBTEK reports as paid to the applicant (default: nothing). */
  payments?: { agency: string; benefit: string; paidOn: string; net: string }[];
}

/** The case snapshot a seeded case gets (validated), for `options`; pure, for tests that compare. */
export function seedSnapshot(id: string, options: SeedOptions): CaseSnapshot {
  return seedParts(id, options).snapshot;
}

/** The application as the e-service sent it, and the validated snapshot built on it. */
function seedParts(id: string, options: SeedOptions) {
  const application = {
    ...fixture.application,
    id,
    municipality: options.municipality,
    receivedAt: options.receivedAt ?? '2026-03-02T10:00:00+01:00',
    incomes: options.incomes ?? (options.kind === 'reject' ? [{ person: 'applicant', type: 'salary', amount: '40000' }] : []),
    assets: options.assets !== undefined ? [{ type: 'bankBalance', amount: options.assets }] : options.kind === 'manual' ? [{ type: 'bankBalance', amount: '90000' }] : [],
    ...(options.costs ? { costs: options.costs } : {}),
    ...(options.applicant ? { applicant: { personalNumber: options.applicant } } : {}),
  };
  const people = [application.applicant.personalNumber, application.coApplicant.personalNumber];
  const raw = {
    application,
    registers: {
      ssbtek: people.map((pn, i) => ({ personalNumber: pn, status: 'answered', agencyErrors: [], payments: i === 0 ? (options.payments ?? []) : [], vehicles: [] })),
      kir: people.map((pn) => ({ personalNumber: pn, municipality: options.municipality, protectedIdentity: false })),
      plan: { status: 'active' },
    },
    history: fixture.history,
  };
  const checked = validateSnapshot(raw);
  if (!checked.ok) throw new Error(`seed snapshot invalid: ${checked.errors.map((e) => e.field).join(', ')}`);
  return { application, snapshot: checked.snapshot };
}

export async function seedCase(db: Db, options: SeedOptions): Promise<{ id: string; amount: string; outcome: string; reasons: string[] }> {
  const id = uniqueId('W');
  const { application, snapshot: built } = seedParts(id, options);
  const proposal = assess(built, rules);
  await saveApplication(db, { id, municipality: options.municipality, receivedAt: application.receivedAt, raw: { application } });
  await createCase(db, { id, municipality: options.municipality, month: '2026-03', actor: 'robot:test' });
  await transitionCase(db, { caseId: id, from: 'RECEIVED', to: 'GATHERING', actor: 'robot:test' });
  const snapshot = await insertSnapshot(db, { caseId: id, snapshot: built, rulesVersion: rules.version });
  if (options.technicalError) {
    await transitionCase(db, { caseId: id, from: 'GATHERING', to: 'TECHNICAL_ERROR', actor: 'robot:test', reason: 'TECHNICAL_ERROR: ssbtek' });
    return { id, amount: '', outcome: 'TECHNICAL_ERROR', reasons: [] };
  }
  await insertProposalIfAbsent(db, { caseId: id, snapshotId: snapshot.id, outcome: proposal.outcome, amount: proposal.amount, reasons: proposal.reasons, proposal });
  await transitionCase(db, { caseId: id, from: 'GATHERING', to: proposal.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED', actor: 'robot:test' });
  return { id, amount: proposal.amount, outcome: proposal.outcome, reasons: proposal.reasons };
}

export const fakePdf: PdfRenderer = {
  render: async (html) => Buffer.from(`%PDF-1.4 fake ${html.length}`),
  close: async () => undefined,
};

/**
 * Every development user holds an SSBTEK declaration in each of their municipalities, as a
 * municipality's caseworkers do: deciding needs one (test/web/ssbtek-pages.test.ts has the
 * users without). Idempotent.
 */
export async function declareEveryone(db: Db): Promise<void> {
  const held = await listDeclarations(db, ['1287', '1263']);
  for (const user of DEV_USERS) {
    for (const municipality of user.municipalities) {
      if (held.some((d) => d.userId === user.id && d.municipality === municipality)) continue;
      await recordDeclaration(db, { userId: user.id, municipality, signedOn: '2000-01-01', receivedBy: 'Testet', documentRef: 'TEST-1', recordedBy: 'test' });
    }
  }
}

export async function buildPages(
  db: Db,
  options: { pdf?: PdfRenderer; loginRateLimit?: number; onSigned?: (decisionId: string, caseId: string) => Promise<unknown>; declared?: boolean } = {},
): Promise<{ app: FastifyInstance; logs: string[] }> {
  const logs: string[] = [];
  if (options.declared !== false) await declareEveryone(db);
  const logger = createLogger({ nodeEnv: 'test', logLevel: 'info' }, { write: (s: string) => void logs.push(s) });
  const auth = loadWebAuthConfig({ NODE_ENV: 'test' });
  if (options.loginRateLimit) auth.loginRateLimit = { max: options.loginRateLimit, timeWindowMs: 60_000 };
  const app = buildWebServer({
    logger,
    metrics: createMetrics({ defaultMetrics: false }),
    checks: {},
    pages: { db, auth, routes: [caseworkerRoutes({ db, pdf: options.pdf ?? fakePdf, ...(options.onSigned ? { onSigned: options.onSigned } : {}) }), csrfProbe] },
  });
  await app.ready();
  return { app, logs };
}

/** Test only: hands out a CSRF token for the session, so every role can post a well-formed form. */
async function csrfProbe(app: FastifyInstance): Promise<void> {
  app.get('/test/csrf', async (_request, reply) => reply.type('text/plain').send(reply.generateCsrf()));
}

export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error('no CSRF token in page');
  return m[1]!;
}

/** The browser's cookie jar after `res`: the session cookie and the short-lived login cookies (path ignored). */
function applyCookies(jar: Map<string, string>, res: LightMyRequestResponse): void {
  const header = res.headers['set-cookie'];
  for (const line of Array.isArray(header) ? header : header ? [header] : []) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at);
    const value = pair.slice(at + 1);
    if (value === '' || /max-age=0\b|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}

/** A signed-in browser, in short: keeps its cookies, fetches CSRF tokens from pages. */
export class Client {
  readonly jar = new Map<string, string>();
  constructor(readonly app: FastifyInstance) {}

  /** The session cookie (`bistand_sid=...`), or '' before login. */
  get cookie(): string {
    const sid = this.jar.get('bistand_sid');
    return sid === undefined ? '' : `bistand_sid=${sid}`;
  }

  private headers(): Record<string, string> {
    return this.jar.size > 0 ? { cookie: [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(url: string): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: this.headers() });
    applyCookies(this.jar, res);
    return res;
  }

  async post(url: string, form: Record<string, string>): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...this.headers() },
      payload: new URLSearchParams(form).toString(),
    });
    applyCookies(this.jar, res);
    return res;
  }

  /** Posts with the CSRF token of the page at `from` (or of the test probe). */
  async submit(from: string | null, url: string, form: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const page = await this.get(from ?? '/test/csrf');
    return this.post(url, { _csrf: from ? csrfFrom(page.body) : page.body, ...form });
  }

  static async login(app: FastifyInstance, userId: string): Promise<Client> {
    const client = new Client(app);
    const res = await client.submit('/login', '/login', { userId });
    if (res.statusCode !== 303) throw new Error(`login as ${userId} failed: ${res.statusCode}`);
    return client;
  }
}
