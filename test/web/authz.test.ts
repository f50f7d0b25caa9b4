import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentDecision, getCase, type Db } from '../../src/store/index.js';
import { devUser } from '../../src/web/auth/devUsers.js';
import { ACTIONS, may, mayOnCase, PERMISSIONS, type Action } from '../../src/web/authz.js';
import { signCase } from '../../src/web/caseworker/service.js';
import { forEachBackend, useDatabase } from '../store/backends.js';
import { buildPages, Client, seedCase } from './support.js';

/**
 * The authorisation matrix, over HTTP against a real database: every seeded role and
 * organisation x every case action x cases of both municipalities. The expectation is written
 * out by hand below (not derived from authz.ts), and every forbidden cell must be refused by
 * the server: 404 for a case out of scope (as if it did not exist), 403 for an action the role
 * may not take on a case it may read, a redirect to the login for nobody signed in; and a
 * refused action changes nothing.
 */
type Who = 'hl-trelleborg-1' | 'hl-svedala-1' | 'granskare-svedala' | 'admin-1' | 'anonymous';
type CaseAction = 'inbox' | 'read' | 'sign' | 'editSign' | 'takeover' | 'letter' | 'letterPdf';
type Muni = '1287' | '1263';
type Expect = 'allow' | 404 | 403 | 'login';

const ALL: CaseAction[] = ['inbox', 'read', 'sign', 'editSign', 'takeover', 'letter', 'letterPdf'];
const row = (e: Expect, overrides: Partial<Record<CaseAction, Expect>> = {}) =>
  Object.fromEntries(ALL.map((a) => [a, overrides[a] ?? e])) as Record<CaseAction, Expect>;

const MATRIX: Record<Who, Record<Muni, Record<CaseAction, Expect>>> = {
  'hl-trelleborg-1': { '1287': row('allow'), '1263': row(404) },
  'hl-svedala-1': { '1287': row(404), '1263': row('allow') },
  'granskare-svedala': { '1287': row(404), '1263': row('allow', { sign: 403, editSign: 403, takeover: 403 }) },
  'admin-1': { '1287': row(404), '1263': row(404) },
  anonymous: { '1287': row('login'), '1263': row('login') },
};

describe('authorisation as data', () => {
  it('grants each role only its listed actions', () => {
    expect(PERMISSIONS.auditor).not.toContain('case.sign');
    expect(PERMISSIONS.auditor).not.toContain('case.editSign');
    expect(PERMISSIONS.auditor).not.toContain('case.takeover');
    expect(PERMISSIONS.admin.filter((a) => a.startsWith('case.') || a.startsWith('letter.'))).toEqual([]);
    for (const a of ACTIONS.filter((x) => x.startsWith('admin.'))) {
      expect(may(devUser('hl-trelleborg-1'), a)).toBe(false);
      expect(may(devUser('granskare-svedala'), a)).toBe(false);
      expect(may(devUser('admin-1'), a)).toBe(true);
    }
    expect(may(undefined, 'case.read')).toBe(false);
  });

  it('scopes by municipality and by organisation when the case names one', () => {
    const cw = devUser('hl-trelleborg-1')!;
    const action: Action = 'case.read';
    expect(mayOnCase(cw, action, { municipality: '1287', organisation: null })).toBe(true);
    expect(mayOnCase(cw, action, { municipality: '1287', organisation: 'trelleborg' })).toBe(true);
    expect(mayOnCase(cw, action, { municipality: '1287', organisation: 'svedala' })).toBe(false);
    expect(mayOnCase(cw, action, { municipality: '1263', organisation: null })).toBe(false);
    expect(mayOnCase(cw, action, undefined)).toBe(false);
  });
});

forEachBackend('authorisation matrix over HTTP', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  const clients = new Map<Who, Client>();
  const signed: Record<Muni, string> = { '1287': '', '1263': '' };

  beforeAll(async () => {
    ({ app } = await buildPages(db(), { loginRateLimit: 1000 }));
    for (const who of Object.keys(MATRIX) as Who[]) clients.set(who, who === 'anonymous' ? new Client(app) : await Client.login(app, who));
    // A signed case per municipality, for the letter.
    for (const muni of ['1287', '1263'] as Muni[]) {
      const { id } = await seedCase(db(), { municipality: muni });
      const signer = devUser(muni === '1287' ? 'hl-trelleborg-2' : 'hl-svedala-2')!;
      const result = await signCase(db(), signer, { caseId: id, proposalId: undefined });
      expect(result.ok).toBe(true);
      signed[muni] = id;
    }
  }, 60_000);
  afterAll(async () => app?.close());

  async function perform(who: Who, action: CaseAction, muni: Muni, d: Db): Promise<{ status: number; location?: string; body: string; caseId: string }> {
    const client = clients.get(who)!;
    const isLetter = action === 'letter' || action === 'letterPdf';
    const caseId = isLetter ? signed[muni] : (await seedCase(d, { municipality: muni })).id;
    const id = encodeURIComponent(caseId);
    let res;
    switch (action) {
      case 'inbox':
        res = await client.get('/inkorg');
        break;
      case 'read':
        res = await client.get(`/arenden/${id}`);
        break;
      case 'letter':
        res = await client.get(`/arenden/${id}/beslut`);
        break;
      case 'letterPdf':
        res = await client.get(`/arenden/${id}/beslut.pdf`);
        break;
      case 'sign':
        res = await client.submit(null, `/arenden/${id}/signera`);
        break;
      case 'editSign':
        res = await client.submit(null, `/arenden/${id}/andra`, { belopp_2: '4000', motivering: 'Hyran är lägre enligt nytt kontrakt.' });
        break;
      case 'takeover':
        res = await client.submit(null, `/arenden/${id}/ta-over`);
        break;
    }
    return { status: res.statusCode, body: res.body, caseId, ...(typeof res.headers.location === 'string' ? { location: res.headers.location } : {}) };
  }

  for (const who of Object.keys(MATRIX) as Who[]) {
    for (const muni of ['1287', '1263'] as Muni[]) {
      for (const action of ALL) {
        const expected = MATRIX[who][muni][action];
        it(`${who} × ${muni} × ${action}: ${expected === 'allow' ? 'allowed' : `denied (${expected})`}`, async () => {
          const before = await db().query<{ n: string }>('SELECT count(*) AS n FROM decisions');
          const r = await perform(who, action, muni, db());
          if (action === 'inbox') {
            if (expected === 'allow') {
              expect(r.status).toBe(200);
              expect(r.body).toContain(`/arenden/${r.caseId}`);
            } else if (expected === 'login') {
              expect(r.status).toBe(303);
              expect(r.location).toMatch(/^\/login/);
            } else {
              // Denied: either no inbox at all, or an inbox without the other municipality's case.
              expect(r.body).not.toContain(r.caseId);
            }
            return;
          }
          const c = await getCase(db(), r.caseId);
          if (expected === 'allow') {
            if (action === 'sign' || action === 'editSign') {
              expect(r.status).toBe(303);
              expect(c!.state).toBe('SIGNED');
              expect((await currentDecision(db(), r.caseId))!.signedBy).toBe(who);
            } else if (action === 'takeover') {
              expect(r.status).toBe(303);
              expect(c!.state).toBe('MANUAL');
            } else {
              expect(r.status).toBe(200);
            }
            return;
          }
          if (expected === 'login') {
            expect(r.status).toBe(303);
            expect(r.location).toMatch(/^\/login\?next=/);
          } else {
            expect(r.status).toBe(expected);
            expect(r.body).not.toContain('data-testid="proposal-amount"');
          }
          // A refused action changed nothing.
          const after = await db().query<{ n: string }>('SELECT count(*) AS n FROM decisions');
          expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
          if (action !== 'letter' && action !== 'letterPdf') expect(c!.state).toBe('PROPOSED');
        });
      }
    }
  }

  it('an unknown case id and a malformed one answer 404 like a forbidden case', async () => {
    const cw = clients.get('hl-trelleborg-1')!;
    expect((await cw.get('/arenden/A-finns-inte')).statusCode).toBe(404);
    expect((await cw.get('/arenden/..%2Fadmin')).statusCode).toBe(404);
  });
});
