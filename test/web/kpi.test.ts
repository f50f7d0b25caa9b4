import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { loadRules } from '../../src/rules/load.js';
import {
  createCase,
  insertDecision,
  insertProposalIfAbsent,
  insertSnapshot,
  recordDecisionStep,
  saveApplication,
  transitionCase,
  type Db,
  type ProposalOutcome,
} from '../../src/store/index.js';
import { adminRoutes } from '../../src/web/admin/index.js';
import type { WebUser } from '../../src/web/auth/user.js';
import { buildWebServer } from '../../src/web/server.js';
import { forEachBackend, uniqueId, useDatabase } from '../support/backends.js';
import { registerTestAuth } from '../support/adminServer.js';

/**
 * /admin/nyckeltal on PGlite and on PostgreSQL: cases of Trelleborg (1287) and Svedala (1263)
 * seeded straight into the store with known timestamps, proposals, decisions and payment steps;
 * the page must show exactly the figures worked out by hand below, one municipality at a time,
 * and nothing of the other municipality's.
 */

const NOW = new Date('2026-04-10T10:00:00Z'); // 12:00 in Stockholm; the window is May 2025 – April 2026

/** An admin who may see Trelleborg only (the shared test users' admin sees both). */
const TRELLEBORG_ADMIN: WebUser = { id: 'admin-tb', displayName: 'Tove Drift', role: 'admin', organisation: 'trelleborg', municipalities: ['1287'] };

interface Seed {
  municipality: '1287' | '1263';
  receivedAt: string;
  /** The support month (cases.month). */
  month: string;
  /** What the robot did; 'INVALID' is created MANUAL (INVALID_APPLICATION) without a proposal; undefined stays GATHERING. */
  outcome?: ProposalOutcome | 'INVALID' | 'TECHNICAL_ERROR' | 'TAKEN_OVER';
  reasons?: string[];
  /** Signed decisions in order: each later one supersedes the one before. */
  decisions?: { signedAt: string; amount: string; payment?: 'done' | 'skipped'; automated?: true }[];
}

const seeded: string[] = [];

async function seed(db: Db, s: Seed): Promise<string> {
  const id = uniqueId(`K${s.municipality}`);
  seeded.push(id);
  await saveApplication(db, { id, municipality: s.municipality, receivedAt: s.receivedAt, raw: { synthetic: true } });
  if (s.outcome === 'INVALID') {
    await createCase(db, { id, municipality: s.municipality, month: s.month, state: 'MANUAL', reason: 'INVALID_APPLICATION', actor: 'robot:test' });
    return id;
  }
  await createCase(db, { id, municipality: s.municipality, month: s.month, state: 'RECEIVED', actor: 'robot:test' });
  if (!s.outcome) return id;
  await transitionCase(db, { caseId: id, from: 'RECEIVED', to: 'GATHERING', actor: 'robot:test' });
  if (s.outcome === 'TECHNICAL_ERROR' || s.outcome === 'TAKEN_OVER') {
    await transitionCase(db, { caseId: id, from: 'GATHERING', to: 'TECHNICAL_ERROR', actor: 'robot:test', reason: 'TECHNICAL_ERROR: ssbtek' });
    if (s.outcome === 'TAKEN_OVER') await transitionCase(db, { caseId: id, from: 'TECHNICAL_ERROR', to: 'MANUAL', actor: 'hl-1', reason: 'TAKEN_OVER' });
    return id;
  }
  const snapshot = await insertSnapshot(db, { caseId: id, snapshot: { synthetic: true }, rulesVersion: 'test' });
  const { proposal } = await insertProposalIfAbsent(db, {
    caseId: id,
    snapshotId: snapshot.id,
    outcome: s.outcome,
    amount: s.outcome === 'MANUAL' ? null : '1000',
    reasons: s.reasons ?? [],
    proposal: { synthetic: true },
  });
  await transitionCase(db, { caseId: id, from: 'GATHERING', to: s.outcome === 'MANUAL' ? 'MANUAL' : 'PROPOSED', actor: 'robot:test' });
  let previous: string | null = null;
  for (const [i, dec] of (s.decisions ?? []).entries()) {
    const decision = await insertDecision(db, {
      caseId: id,
      proposalId: proposal.id,
      kind: i === 0 ? 'as-proposed' : 'edited',
      outcome: dec.amount === '0' ? 'REJECT' : 'GRANT',
      amount: dec.amount,
      content: { caseId: id, amount: dec.amount },
      motivation: i === 0 ? null : 'Rättelse',
      signedBy: dec.automated ? 'bistandsrobot' : 'hl-1',
      signedAt: new Date(dec.signedAt),
      supersedes: previous,
      delegationReference: dec.automated ? 'Delegationsordning punkt 4.2 (test)' : null,
    });
    if (dec.payment) {
      await recordDecisionStep(db, { decisionId: decision.id, step: 'payment', outcome: dec.payment, reference: dec.payment === 'done' ? `PAY-${decision.id}` : null, actor: 'robot:test' });
    }
    previous = decision.id;
  }
  return id;
}

/** Trelleborg: worked out by hand in the comments; the expected table rows are below. */
const TRELLEBORG: Seed[] = [
  // March 2026, received 8 ------------------------------------------------------------------
  // Signed exactly 24:00:00 after receipt: within. Paid 5 000.
  { municipality: '1287', receivedAt: '2026-03-02T09:00:00Z', month: '2026-03', outcome: 'PROPOSE_GRANT', decisions: [{ signedAt: '2026-03-03T09:00:00Z', amount: '5000', payment: 'done' }] },
  // First signature 24:00:01 after receipt: missed. Corrected two days later (3 000 -> 3 500), both
  // paid: only the decision in force counts, 3 500; the duration is the first signature's.
  {
    municipality: '1287',
    receivedAt: '2026-03-05T08:00:00Z',
    month: '2026-03',
    outcome: 'PROPOSE_GRANT',
    decisions: [
      { signedAt: '2026-03-06T08:00:01Z', amount: '3000', payment: 'done' },
      { signedAt: '2026-03-07T08:00:00Z', amount: '3500', payment: 'done' },
    ],
  },
  // Rejection after 2 h: within; no payment (skipped).
  { municipality: '1287', receivedAt: '2026-03-10T10:00:00Z', month: '2026-03', outcome: 'PROPOSE_REJECT', reasons: ['INCOME_EXCEEDS_NORM'], decisions: [{ signedAt: '2026-03-10T12:00:00Z', amount: '0', payment: 'skipped' }] },
  // Two manual proposals; the reject reason beside a manual one is not counted.
  { municipality: '1287', receivedAt: '2026-03-12T10:00:00Z', month: '2026-03', outcome: 'MANUAL', reasons: ['VEHICLE_OWNED', 'ASSETS_ABOVE_LIMIT'] },
  { municipality: '1287', receivedAt: '2026-03-13T10:00:00Z', month: '2026-03', outcome: 'MANUAL', reasons: ['ASSETS_ABOVE_LIMIT', 'INCOME_EXCEEDS_NORM'] },
  // Invalid application: manual without a proposal, reason INVALID_APPLICATION.
  { municipality: '1287', receivedAt: '2026-03-14T10:00:00Z', month: '2026-03', outcome: 'INVALID' },
  // 23:30 on 31 March in Stockholm (CEST): still March; the robot is still gathering.
  { municipality: '1287', receivedAt: '2026-03-31T21:30:00Z', month: '2026-04' },
  // Across the spring DST change: 12:00 CET on 28 March to 12:00 CEST on 29 March is 23 h: within.
  { municipality: '1287', receivedAt: '2026-03-28T11:00:00Z', month: '2026-03', outcome: 'PROPOSE_GRANT', decisions: [{ signedAt: '2026-03-29T10:00:00Z', amount: '1000.25', payment: 'done' }] },
  // April 2026, received 2 -------------------------------------------------------------------
  // 00:30 on 1 April in Stockholm: April. Signed after 11,5 h; payment not done yet (not counted).
  { municipality: '1287', receivedAt: '2026-03-31T22:30:00Z', month: '2026-04', outcome: 'PROPOSE_GRANT', decisions: [{ signedAt: '2026-04-01T10:00:00Z', amount: '7431.50' }] },
  // Received half an hour before the clock, not signed: awaiting within 24 h.
  { municipality: '1287', receivedAt: '2026-04-10T09:30:00Z', month: '2026-04', outcome: 'PROPOSE_GRANT' },
  // October 2025, received 1 -----------------------------------------------------------------
  // Across the autumn DST change: 12:00 CEST on 25 October to 11:30 CET on 26 October is 24,5 h: missed.
  { municipality: '1287', receivedAt: '2025-10-25T10:00:00Z', month: '2025-10', outcome: 'PROPOSE_GRANT', decisions: [{ signedAt: '2025-10-26T10:30:00Z', amount: '4000', payment: 'done' }] },
  // December 2025, received 2: a technical error still waiting, and one a caseworker took over.
  { municipality: '1287', receivedAt: '2025-12-01T08:00:00Z', month: '2025-12', outcome: 'TECHNICAL_ERROR' },
  { municipality: '1287', receivedAt: '2025-12-02T08:00:00Z', month: '2025-12', outcome: 'TAKEN_OVER' },
  // Before the window (April 2025): never shown.
  { municipality: '1287', receivedAt: '2025-04-15T08:00:00Z', month: '2025-04', outcome: 'PROPOSE_GRANT', decisions: [{ signedAt: '2025-04-15T09:00:00Z', amount: '77777', payment: 'done' }] },
  // February 2026: who decided. Decided automatically (paid); decided automatically and replaced two
  // days later by a caseworker's decision; signed by a caseworker. Signed 1, automated 2 (1 replaced).
  { municipality: '1287', receivedAt: '2026-02-02T09:00:00Z', month: '2026-02', outcome: 'PROPOSE_GRANT', decisions: [{ signedAt: '2026-02-02T09:00:05Z', amount: '4000', payment: 'done', automated: true }] },
  {
    municipality: '1287',
    receivedAt: '2026-02-03T09:00:00Z',
    month: '2026-02',
    outcome: 'PROPOSE_GRANT',
    decisions: [
      { signedAt: '2026-02-03T09:00:05Z', amount: '3000', automated: true },
      { signedAt: '2026-02-05T10:00:00Z', amount: '3200' },
    ],
  },
  { municipality: '1287', receivedAt: '2026-02-04T09:00:00Z', month: '2026-02', outcome: 'PROPOSE_GRANT', decisions: [{ signedAt: '2026-02-04T15:00:00Z', amount: '2000' }] },
];

/** Svedala: figures chosen so that none of them can be mistaken for Trelleborg's. */
const SVEDALA: Seed[] = [
  ...Array.from({ length: 5 }, (_, i): Seed => ({
    municipality: '1263',
    receivedAt: `2026-03-0${i + 2}T07:00:00Z`,
    month: '2026-03',
    outcome: 'PROPOSE_GRANT',
    decisions: [{ signedAt: `2026-03-0${i + 2}T08:00:00Z`, amount: '19753', payment: 'done' }],
  })),
  { municipality: '1263', receivedAt: '2026-03-20T07:00:00Z', month: '2026-03', outcome: 'MANUAL', reasons: ['PROTECTED_IDENTITY'] },
  { municipality: '1263', receivedAt: '2026-03-21T07:00:00Z', month: '2026-03', outcome: 'MANUAL', reasons: ['PROTECTED_IDENTITY', 'NOT_RESIDENT'] },
  { municipality: '1263', receivedAt: '2025-10-25T10:00:00Z', month: '2025-10', outcome: 'PROPOSE_GRANT', decisions: [{ signedAt: '2025-10-25T11:00:00Z', amount: '6060', payment: 'done' }] },
];

/** The rows of the table with this caption: row header -> cell texts, tags stripped, spaces plain. */
function table(html: string, caption: string): Map<string, string[]> {
  const start = html.indexOf(`${caption}</caption>`);
  expect(start, `table "${caption}"`).toBeGreaterThan(-1);
  const body = html.slice(start, html.indexOf('</table>', start));
  // No-break spaces (in "37,5 %" and "9 500 kr") read as spaces here; their use is tested in test/unit/kpi.test.ts.
  const text = (s: string) => s.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ').trim();
  const rows = new Map<string, string[]>();
  for (const m of body.matchAll(/<tr><th scope="row">(.*?)<\/th>(.*?)<\/tr>/g)) {
    rows.set(text(m[1]!), [...m[2]!.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => text(c[1]!)));
  }
  return rows;
}

/** Digit grouping as the page writes it: with no-break spaces. */
const nb = (s: string) => s.replace(/ /g, '\u00a0');

forEachBackend('KPI page /admin/nyckeltal', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;

  const get = (url: string, user = 'admin') => app.inject({ method: 'GET', url, headers: { 'x-test-user': user } });

  beforeAll(async () => {
    for (const s of [...TRELLEBORG, ...SVEDALA]) await seed(db(), s);
    app = buildWebServer({ logger: createLogger({ nodeEnv: 'test', logLevel: 'warn' }), metrics: createMetrics({ defaultMetrics: false }), checks: {} });
    await registerTestAuth(app);
    app.addHook('onRequest', async (request) => {
      if (request.headers['x-test-user'] === 'admin-tb') request.user = TRELLEBORG_ADMIN;
    });
    await app.register(adminRoutes({ db: db(), rules: loadRules(), queues: () => undefined, clock: () => NOW, bullBoard: false }));
    await app.ready();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('Trelleborg: decided within 24 hours, n of N per month of receipt', async () => {
    const res = await get('/admin/nyckeltal?kommun=1287');
    expect(res.statusCode).toBe(200);
    const rows = table(res.body, 'Beslut inom 24 timmar per mottagningsmånad, Trelleborgs kommun');
    expect([...rows.keys()]).toEqual([
      'maj 2025', 'juni 2025', 'juli 2025', 'augusti 2025', 'september 2025', 'oktober 2025',
      'november 2025', 'december 2025', 'januari 2026', 'februari 2026', 'mars 2026', 'april 2026 (pågår)',
    ]);
    // received, within, share (n of N), awaiting within 24 h
    expect(rows.get('mars 2026')).toEqual(['8', '3', '37,5 % (3 av 8)', '0']);
    expect(rows.get('april 2026 (pågår)')).toEqual(['2', '1', '50,0 % (1 av 2)', '1']);
    expect(rows.get('oktober 2025')).toEqual(['1', '0', '0,0 % (0 av 1)', '0']);
    expect(rows.get('december 2025')).toEqual(['2', '0', '0,0 % (0 av 2)', '0']);
    expect(rows.get('juni 2025')).toEqual(['0', '0', '– (0 av 0)', '0']);
    expect(res.body).not.toContain('NaN');
  });

  it('Trelleborg: proposed by the robot vs manual, with the cases still without an outcome apart', async () => {
    const rows = table((await get('/admin/nyckeltal?kommun=1287')).body, 'Förslag och manuell handläggning per mottagningsmånad, Trelleborgs kommun');
    // grant, reject, manual proposals, manual without proposal, robot share, manual share, undetermined
    expect(rows.get('mars 2026')).toEqual(['3', '1', '2', '1', '57,1 % (4 av 7)', '42,9 % (3 av 7)', '1']);
    expect(rows.get('april 2026 (pågår)')).toEqual(['2', '0', '0', '0', '100,0 % (2 av 2)', '0,0 % (0 av 2)', '0']);
    expect(rows.get('december 2025')).toEqual(['0', '0', '0', '1', '0,0 % (0 av 1)', '100,0 % (1 av 1)', '1']);
    expect(rows.get('maj 2025')).toEqual(['0', '0', '0', '0', '– (0 av 0)', '– (0 av 0)', '0']);
  });

  it('Trelleborg: first decisions signed by a caseworker and made automatically, counted apart', async () => {
    const rows = table((await get('/admin/nyckeltal?kommun=1287')).body, 'Signerade och automatiska beslut per mottagningsmånad, Trelleborgs kommun');
    // signed, automated, automated share (n of decided), automated later replaced by a caseworker
    expect(rows.get('februari 2026')).toEqual(['1', '2', '66,7 % (2 av 3)', '1']);
    // March: every first decision signed (4 of them), none automated.
    expect(rows.get('mars 2026')).toEqual(['4', '0', '0,0 % (0 av 4)', '0']);
    expect(rows.get('maj 2025')).toEqual(['0', '0', '– (0 av 0)', '0']);
  });

  it('Trelleborg: manual reasons per month, Swedish labels with the code', async () => {
    const body = (await get('/admin/nyckeltal?kommun=1287')).body;
    const rows = table(body, 'Ärenden per skäl till manuell handläggning och mottagningsmånad, Trelleborgs kommun');
    const months = (march: number, december = 0) => ['0', '0', '0', '0', '0', '0', '0', String(december), '0', '0', String(march), '0'];
    expect([...rows.keys()]).toEqual([
      'Ansökan är ofullständig eller innehåller fel (INVALID_APPLICATION)',
      'Ett register kunde inte läsas (tekniskt fel) (TECHNICAL_ERROR)',
      'En vuxen i hushållet äger fordon (VEHICLE_OWNED)',
      'Tillgångar över kommunens buffert (ASSETS_ABOVE_LIMIT)',
    ]);
    expect(rows.get('Ansökan är ofullständig eller innehåller fel (INVALID_APPLICATION)')).toEqual([...months(1), '1']);
    expect(rows.get('Ett register kunde inte läsas (tekniskt fel) (TECHNICAL_ERROR)')).toEqual([...months(0, 1), '1']);
    expect(rows.get('En vuxen i hushållet äger fordon (VEHICLE_OWNED)')).toEqual([...months(1), '1']);
    expect(rows.get('Tillgångar över kommunens buffert (ASSETS_ABOVE_LIMIT)')).toEqual([...months(2), '2']);
    expect(body).not.toContain('INCOME_EXCEEDS_NORM');
  });

  it('Trelleborg: processing time from receipt to the first signature, average and median', async () => {
    const rows = table((await get('/admin/nyckeltal?kommun=1287')).body, 'Handläggningstid per mottagningsmånad, Trelleborgs kommun');
    // 7 200, 82 800, 86 400, 86 401 s: average 65 700,25 s = 18,25 h, median 84 600 s = 23,5 h
    expect(rows.get('mars 2026')).toEqual(['4', '18,3', '23,5']);
    expect(rows.get('april 2026 (pågår)')).toEqual(['1', '11,5', '11,5']);
    expect(rows.get('oktober 2025')).toEqual(['1', '24,5', '24,5']);
    expect(rows.get('december 2025')).toEqual(['0', '–', '–']);
  });

  it('Trelleborg: paid per support month, the decision in force only, once', async () => {
    const body = (await get('/admin/nyckeltal?kommun=1287')).body;
    const rows = table(body, 'Utbetalt per stödmånad, Trelleborgs kommun');
    // 5 000 + 3 500 (the correction, not also the 3 000 it replaced) + 1 000,25; the rejection is not a payment.
    expect(rows.get('mars 2026')).toEqual(['3', '9 500,25 kr']);
    // Signed but not yet paid.
    expect(rows.get('april 2026 (pågår)')).toEqual(['0', '0 kr']);
    expect(rows.get('oktober 2025')).toEqual(['1', '4 000 kr']);
    expect(body).not.toContain(nb('12 500,25')); // with the superseded 3 000 counted too
    expect(body).not.toContain(nb('77 777')); // before the window
  });

  it('the same figures as CSV, one row per month, for the chosen municipality only', async () => {
    const res = await get('/admin/nyckeltal.csv?kommun=1287');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="nyckeltal-1287-2026-04.csv"');
    // Swedish Excel: a byte order mark, semicolons between columns, a decimal comma.
    expect(res.body.startsWith('\ufeffkommun;manad;')).toBe(true);
    const lines = res.body.slice(1).split('\r\n').filter(Boolean).map((l) => l.split(';'));
    const header = lines[0]!;
    expect(header.slice(0, 15)).toEqual([
      'kommun', 'manad', 'pagar', 'mottagna', 'beslut_inom_24h', 'beslut_inom_24h_av', 'forslag_bifall', 'forslag_avslag',
      'manuella', 'utan_utfall', 'beslutade', 'handlaggningstid_medel_timmar', 'handlaggningstid_median_timmar', 'utbetalda_beslut', 'utbetalt_kr',
    ]);
    expect(lines).toHaveLength(13);
    const row = (month: string) => Object.fromEntries(header.map((h, i) => [h, lines.find((l) => l[1] === month)![i]]));
    // The figures the page shows for March (see the tests above), machine-readable.
    expect(row('2026-03')).toMatchObject({
      kommun: '1287', pagar: 'nej', mottagna: '8', beslut_inom_24h: '3', beslut_inom_24h_av: '8', forslag_bifall: '3', forslag_avslag: '1',
      manuella: '3', beslutade: '4', utbetalda_beslut: '3', utbetalt_kr: '9500,25', skal_ASSETS_ABOVE_LIMIT: '2',
    });
    expect(row('2026-04')).toMatchObject({ pagar: 'ja', mottagna: '2', handlaggningstid_medel_timmar: '11,50' });
    expect(row('2026-02')).toMatchObject({ beslutade: '3', beslut_signerade: '1', beslut_automatiska: '2', automatiska_ersatta: '1' });
    expect(row('2026-03')).toMatchObject({ beslut_signerade: '4', beslut_automatiska: '0' });
    expect(res.body).not.toContain('1263');
    expect((await get('/admin/nyckeltal.csv?kommun=1280')).statusCode).toBe(404);
    expect((await get('/admin/nyckeltal.csv?kommun=1287', 'caseworker')).statusCode).toBe(404);
  });

  it('Svedala: its own figures, and none of them (nor a sum of both) ever on Trelleborg\'s page', async () => {
    const svedala = (await get('/admin/nyckeltal?kommun=1263')).body;
    expect(svedala).toContain('<h1>Nyckeltal – Svedala kommun (1263)</h1>');
    expect(table(svedala, 'Beslut inom 24 timmar per mottagningsmånad, Svedala kommun').get('mars 2026')).toEqual(['7', '5', '71,4 % (5 av 7)', '0']);
    expect(table(svedala, 'Förslag och manuell handläggning per mottagningsmånad, Svedala kommun').get('mars 2026')).toEqual([
      '5', '0', '2', '0', '71,4 % (5 av 7)', '28,6 % (2 av 7)', '0',
    ]);
    expect(table(svedala, 'Utbetalt per stödmånad, Svedala kommun').get('mars 2026')).toEqual(['5', '98 765 kr']);
    expect(table(svedala, 'Utbetalt per stödmånad, Svedala kommun').get('oktober 2025')).toEqual(['1', '6 060 kr']);
    expect(table(svedala, 'Handläggningstid per mottagningsmånad, Svedala kommun').get('mars 2026')).toEqual(['5', '1,0', '1,0']);
    const reasons = table(svedala, 'Ärenden per skäl till manuell handläggning och mottagningsmånad, Svedala kommun');
    expect([...reasons.keys()]).toEqual([
      'Någon i hushållet har skyddade personuppgifter (PROTECTED_IDENTITY)',
      'Sökanden är inte folkbokförd i kommunen (NOT_RESIDENT)',
    ]);

    const trelleborg = (await get('/admin/nyckeltal?kommun=1287')).body;
    expect(trelleborg).toContain('<h1>Nyckeltal – Trelleborgs kommun (1287)</h1>');
    for (const figure of [nb('98 765'), nb('6 060'), '(5 av 7)', '(2 av 7)', 'PROTECTED_IDENTITY', 'NOT_RESIDENT', '19753', nb('19 753')]) {
      expect(trelleborg, figure).not.toContain(figure);
    }
    // Neither a sum of both municipalities: received 8 + 7 in March, paid 9 500,25 + 98 765.
    for (const combined of ['(3 av 15)', '(8 av 15)', 'av 14)', nb('108 265,25'), nb('10 060')]) {
      expect(trelleborg, combined).not.toContain(combined);
      expect(svedala, combined).not.toContain(combined);
    }
    for (const figure of [nb('9 500,25'), '(3 av 8)', 'VEHICLE_OWNED']) expect(svedala, figure).not.toContain(figure);
  });

  it('without ?kommun the first of the admin\'s municipalities; the chooser offers exactly the admin\'s own', async () => {
    const both = await get('/admin/nyckeltal');
    expect(both.statusCode).toBe(200);
    expect(both.body).toContain('Trelleborgs kommun (1287)</h1>');
    expect([...both.body.matchAll(/<option value="(\d+)"/g)].map((m) => m[1])).toEqual(['1287', '1263']);
    const one = await get('/admin/nyckeltal', 'admin-tb');
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain('Trelleborgs kommun (1287)</h1>');
    expect(one.body).not.toContain('<select');
    expect(one.body).not.toContain('Svedala');
  });

  it('404 for a municipality outside the admin\'s scope, an unknown code, two codes at once, and for every role but admin', async () => {
    for (const url of ['/admin/nyckeltal?kommun=1263', '/admin/nyckeltal?kommun=1280', '/admin/nyckeltal?kommun=1287&kommun=1263']) {
      const res = await get(url, 'admin-tb');
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).not.toContain(nb('98 765'));
      expect(res.body, url).not.toContain('Nyckeltal –');
    }
    expect((await get('/admin/nyckeltal?kommun=9999')).statusCode).toBe(404);
    expect((await get('/admin/nyckeltal?kommun=1287&kommun=1263')).statusCode).toBe(404);
    for (const user of ['caseworker', 'auditor']) {
      for (const url of ['/admin/nyckeltal', '/admin/nyckeltal?kommun=1287', '/admin/nyckeltal?kommun=1263']) {
        const res = await get(url, user);
        expect(res.statusCode, `${user} ${url}`).toBe(404);
        expect(res.body).not.toContain('Nyckeltal');
      }
    }
    const anonymous = await app.inject({ method: 'GET', url: '/admin/nyckeltal?kommun=1287' });
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/login\?next=/);
  });

  it('every chart is an image with a title and a description, followed by a table; no script, no style attribute, no case ids', async () => {
    const res = await get('/admin/nyckeltal?kommun=1287');
    const body = res.body;
    expect(res.headers['cache-control']).toBe('no-store');
    const charts = [...body.matchAll(/<svg class="chart" role="img" aria-labelledby="([a-z0-9]+)-titel \1-beskrivning"/g)].map((m) => m[1]);
    expect(charts).toEqual(['inom24', 'utfall', 'beslutsfattare', 'skal', 'tid', 'utbetalt']);
    for (const id of charts) {
      expect(body).toContain(`<title id="${id}-titel">`);
      expect(body).toContain(`<desc id="${id}-beskrivning">`);
      // Between this chart and the next chart (or the end) there is a table with the figures.
      const at = body.indexOf(`aria-labelledby="${id}-titel`);
      const next = body.indexOf('<svg class="chart"', at + 1);
      expect(body.slice(at, next === -1 ? undefined : next)).toContain('<table>');
    }
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/\sstyle=/i);
    for (const id of seeded) expect(body).not.toContain(id);
    expect(body).toContain('<a href="/admin/nyckeltal">Nyckeltal</a>');
  });
});
