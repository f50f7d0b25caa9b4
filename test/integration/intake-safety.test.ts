import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { robotMetrics } from '../../src/cli/wiring.js';
import { checkIntake } from '../../src/robot/intake.js';
import { generatedId, generateHouseholds } from '../../src/sandbox/generate.js';
import { gatherOverview, renderOverview } from '../../src/web/admin/overview.js';
import { buildWebServer } from '../../src/web/server.js';
import { getApplication, getCase, getIntakeCursor, getIntakeStatus, type Db } from '../../src/store/index.js';
import { looksLikePersonalNumber } from '../../src/store/personalDataGuard.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { buildPages, Client } from '../support/web.js';
import type { FastifyInstance } from 'fastify';
import { ENDED, REDIS_URL, startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * Intake against broken feed items, through the real pipeline (sandbox e-service serving the
 * items byte for byte, real Redis, PGlite and PostgreSQL): each broken form alone next to a
 * valid application, then fast-check pages that mix them. Valid applications reach a proposal
 * or a caseworker, broken ones are kept with the reason in words and reach a caseworker, no
 * personal number reaches Redis, and the cursor always reaches the end of the feed.
 */

const EMPTY_FEED = mkdtempSync(join(tmpdir(), 'intake-safety-'));
const PERSONAL_NUMBER = '199001012385';

/** A payload the robot would take (its people unknown to the registers: only used when broken). */
function payload(seed: number, change?: (application: Record<string, unknown>) => void): { application: Record<string, unknown>; history?: unknown } {
  const p = structuredClone(generateHouseholds(1, seed)[0]!.payload) as unknown as { application: Record<string, unknown>; history?: unknown };
  change?.(p.application);
  return p;
}

const withCostType = (type: string) => (a: Record<string, unknown>) => {
  (a.costs as Array<{ type: string }>)[0]!.type = type;
};

/** One broken form: how it goes into the feed, what the caseworker is told (a pattern). */
interface Broken {
  name: string;
  /** The id it is stored under when that is the e-service's (else a robot id). */
  keptAs?: string;
  reason: RegExp;
  /** Adds the item(s); returns the ids of valid applications it added too (the first of a repeated id). */
  add(h: PipelineHarness, seed: number): unknown;
}

const validAdded = (added: unknown): string[] => (Array.isArray(added) ? (added as string[]) : []);

const deep = (levels: number) => `{"application":${'['.repeat(levels)}${']'.repeat(levels)}}`;

const BROKEN: Broken[] = [
  { name: 'NUL in a cost type', reason: /nolltecken/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-nul`, payloadText: JSON.stringify(payload(s, withCostType('el\u0000x'))) }) },
  { name: 'NUL in a key', reason: /nolltecken/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-nulkey`, payloadText: JSON.stringify({ ...payload(s), ['x\u0000']: 1 }) }) },
  { name: 'lone high surrogate', reason: /surrogat/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-sur`, payloadText: JSON.stringify(payload(s, withCostType('el\ud800x'))) }) },
  { name: 'lone low surrogate', reason: /surrogat/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-low`, payloadText: JSON.stringify(payload(s, withCostType('\udc00'))) }) },
  { name: 'nesting 100 000 levels deep', reason: /nästlad djupare/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-deep`, payloadText: deep(100_000) }) },
  { name: 'a field of 1.2 million characters', reason: /större än/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-huge`, payloadText: JSON.stringify(payload(s, withCostType('x'.repeat(1_200_000)))) }) },
  {
    name: 'a cost type of 20 000 characters',
    reason: /Fältet har 20\u00a0000 tecken; högst 10\u00a0000/,
    add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-long`, payloadText: JSON.stringify(payload(s, withCostType('y'.repeat(20_000)))) }),
  },

  { name: 'empty id', reason: /id .*var tomt/, add: (h, s) => h.sandbox.eservice.addRaw({ id: '', payloadText: JSON.stringify(payload(s)) }) },
  { name: 'no id', reason: /saknade id/, add: (h, s) => h.sandbox.eservice.addRaw({ payloadText: JSON.stringify(payload(s)) }) },
  { name: 'numeric id', reason: /inte en text/, add: (h, s) => h.sandbox.eservice.addRaw({ id: 100_000 + s, payloadText: JSON.stringify(payload(s)) }) },
  { name: 'id of 250 characters', reason: /250 tecken/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}`.padEnd(250, 'x'), payloadText: JSON.stringify(payload(s)) }) },
  { name: 'odd id (spaces, ä, slash)', reason: /inte ett enkelt id/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B ${s}/ä`, payloadText: JSON.stringify(payload(s)) }) },
  { name: 'id shaped like a robot id', reason: /inte ett enkelt id/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `R-${String(s).padStart(24, '0')}`, payloadText: JSON.stringify(payload(s)) }) },
  { name: 'no payload', reason: /saknade innehåll/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-nopayload` }) },
  { name: 'personal number as id', reason: /ser ut som ett personnummer/, add: (h, s) => h.sandbox.eservice.addRaw({ id: PERSONAL_NUMBER, payloadText: JSON.stringify(payload(s)) }) },
  { name: 'personal number with hyphen as id', reason: /ser ut som ett personnummer/, add: (h, s) => h.sandbox.eservice.addRaw({ id: '19900101-2385', payloadText: JSON.stringify(payload(s)) }) },
  { name: 'ten digits in a row as id', reason: /tio siffror/, add: (h, s) => h.sandbox.eservice.addRaw({ id: `A${String(s).padStart(10, '9')}`, payloadText: JSON.stringify(payload(s)) }) },
  {
    name: 'unknown municipality 9999',
    reason: /kommunkoden 9999, som roboten inte hanterar/,
    add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-9999`, payloadText: JSON.stringify(payload(s, (a) => (a.municipality = '9999'))) }),
  },
  {
    name: 'no municipality',
    reason: /ingen giltig kommunkod/,
    add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-nomun`, payloadText: JSON.stringify(payload(s, (a) => delete a.municipality)) }),
  },
  {
    name: 'the same id twice on a page, other content',
    reason: /samma id som ärende/,
    add: (h, s) => {
      const [first] = h.sandbox.generate(1, s);
      h.sandbox.eservice.addRaw({ id: first!.id, payloadText: JSON.stringify(payload(s + 1)) });
      return [first!.id];
    },
  },
];

/** Pages the fuzz test generates (issue 17 asks for 1 000). */
const FUZZ_PAGES = Number(process.env.INTAKE_FUZZ_PAGES ?? 1000);

/**
 * The broken forms as the fuzz test mixes them: all of BROKEN, with the field past the whole
 * application's limit at 300 000 characters instead of 1.2 million (the same refusal, a
 * quarter of the bytes, so a thousand pages stay within CI's minute).
 */
const FUZZ_BROKEN: Broken[] = BROKEN.map((form) =>
  form.name === 'a field of 1.2 million characters'
    ? { ...form, name: 'a field of 300 000 characters', add: (h, s) => h.sandbox.eservice.addRaw({ id: `B${s}-huge`, payloadText: JSON.stringify(payload(s, withCostType('x'.repeat(300_000)))) }) }
    : form,
);

/** Every key, hash, list, sorted set and stream entry under the robot's prefix, as text. */
async function redisText(prefix: string): Promise<string[]> {
  const redis = new Redis(REDIS_URL);
  const out: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', '1000');
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        out.push(key);
        if (type === 'hash') out.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'string') out.push((await redis.get(key)) ?? '');
        else if (type === 'list') out.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'zset') out.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
        else if (type === 'set') out.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'stream') out.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return out;
}

/** Every case the last poll made, with its application, newest first. */
async function casesSince(db: Db, since: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM cases WHERE created_at >= $1 ORDER BY id', [since]);
  return rows.map((r) => r.id);
}

forEachBackend('intake of broken feed items', (backend) => {
  const db = useDatabase(backend);
  let h: PipelineHarness;
  let seed = 1;
  const nextSeed = () => (seed += 7);

  let pages: FastifyInstance;
  const caseworkers = new Map<string, Client>();

  beforeAll(async () => {
    // Production's register timeout: a feed page of broken items is large, and a loaded CI machine slow.
    h = await startPipeline(db(), { sandbox: { fixtures: { applicationsDir: EMPTY_FEED } }, registerTimeoutMs: 10_000 });
    ({ app: pages } = await buildPages(db(), { loginRateLimit: 1000 }));
    caseworkers.set('1287', await Client.login(pages, 'hl-trelleborg-1'));
    caseworkers.set('1263', await Client.login(pages, 'hl-svedala-1'));
  }, 120_000);
  afterAll(async () => {
    await pages?.close();
    await h?.stop();
  });

  /**
   * A caseworker of the case's municipality finds it in the inbox (unless `inboxToo` is false:
   * the inbox shows a page of the oldest, and the fuzz test makes more than a page) and reads
   * the reason on its page.
   */
  async function seenByCaseworker(caseId: string, reason: RegExp, inboxToo = true): Promise<void> {
    const c = await getCase(db(), caseId);
    const client = caseworkers.get(c!.municipality)!;
    if (inboxToo) {
      const inbox = await client.get('/inkorg?sortera=arende');
      expect(inbox.statusCode).toBe(200);
      expect(inbox.body, caseId).toContain(`/arenden/${caseId}`);
    }
    const page = await client.get(`/arenden/${caseId}`);
    expect(page.statusCode, caseId).toBe(200);
    expect(page.body.replace(/&#39;|&quot;|&amp;/g, (m) => ({ '&#39;': "'", '&quot;': '"', '&amp;': '&' })[m]!), caseId).toMatch(reason);
  }

  /** Polls; the valid ones must end where the rules say, every new case must reach a caseworker or a proposal. */
  async function pollAndCheck(validIds: readonly string[]): Promise<{ broken: string[] }> {
    const since = new Date(Date.now() - 1000);
    const before = await db().query<{ id: string }>('SELECT id FROM cases');
    const known = new Set(before.rows.map((r) => r.id));
    await h.robot.pollNow();
    // The cursor is at the end of the feed: nothing waits behind a broken item.
    expect(await getIntakeCursor(db(), 'eservice')).toBe(`c${String(h.sandbox.eservice.size()).padStart(8, '0')}`);
    expect((await getIntakeStatus(db(), 'eservice'))?.consecutiveFailures).toBe(0);
    const fresh = (await casesSince(db(), since)).filter((id) => !known.has(id));
    const states = await h.settle(fresh, ENDED, 60_000);
    for (const id of validIds) {
      expect(fresh, id).toContain(id);
      expect((await getApplication(db(), id))!.validationErrors).toEqual([]);
    }
    const broken = fresh.filter((id) => !validIds.includes(id));
    for (const id of broken) {
      expect(states.get(id), id).toBe('MANUAL');
      const app = await getApplication(db(), id);
      expect(app!.validationErrors.length, id).toBeGreaterThan(0);
      const c = await getCase(db(), id);
      // In an inbox somebody has: a served municipality.
      expect(['1287', '1263'], id).toContain(c!.municipality);
    }
    for (const id of fresh) expect(looksLikePersonalNumber(id) || /\d{10}/.test(id), id).toBe(false);
    return { broken };
  }

  for (const form of BROKEN) {
    it(`keeps ${form.name} for a caseworker, with the reason, and takes in the valid one after it`, async () => {
      const alsoValid = validAdded(form.add(h, nextSeed()));
      const valid = h.sandbox.generate(1, nextSeed());
      const { broken } = await pollAndCheck([...alsoValid, ...valid.map((v) => v.id)]);
      expect(broken.length).toBeGreaterThanOrEqual(1);
      const reasons = await Promise.all(broken.map(async (id) => (await getApplication(db(), id))!.validationErrors.map((e) => e.message).join(' ')));
      expect(reasons.some((r) => form.reason.test(r)), reasons.join(' | ')).toBe(true);
      const withReason = broken.find((_id, i) => form.reason.test(reasons[i]!))!;
      await seenByCaseworker(withReason, form.reason);
    }, 120_000);
  }

  it('keeps a payload that cannot be stored as escaped text, bounded', async () => {
    const s = nextSeed();
    h.sandbox.eservice.addRaw({ id: `E${s}-esc`, payloadText: JSON.stringify(payload(s, withCostType('el\u0000x\ud800'))) });
    await pollAndCheck([]);
    const app = await getApplication(db(), `E${s}-esc`);
    const kept = (app!.raw as { unstorable: { reason: string; escaped: string; truncated: boolean } }).unstorable;
    expect(kept.reason).toBe('nul');
    expect(kept.escaped).toContain('"el\\u0000x\\ud800"');
    expect(kept.truncated).toBe(false);
    h.sandbox.eservice.addRaw({ id: `E${s}-deep`, payloadText: deep(100_000) });
    await pollAndCheck([]);
    const deepKept = (await getApplication(db(), `E${s}-deep`))!.raw as { unstorable: { escaped: string } };
    expect(deepKept.unstorable.escaped.length).toBeLessThanOrEqual(65_536);
    expect(deepKept.unstorable.escaped).toContain('"…"');
    const page = await caseworkers.get('1287')!.get(`/arenden/E${s}-esc`);
    expect(page.body).toContain('<pre class="escaped">');
    expect(page.body).toContain('el\\u0000x\\ud800');
  }, 120_000);

  it('a second application under a used id, in a later poll, is its own case linked to the first; the same one again is nothing new', async () => {
    const [first] = h.sandbox.generate(1, nextSeed());
    await pollAndCheck([first!.id]);
    const s = nextSeed();
    h.sandbox.eservice.addRaw({ id: first!.id, payloadText: JSON.stringify(payload(s)) });
    h.sandbox.eservice.addRaw({ id: first!.id, payloadText: JSON.stringify(first!.payload) });
    const { broken } = await pollAndCheck([]);
    expect(broken).toHaveLength(1);
    const second = await getApplication(db(), broken[0]!);
    expect(second!.duplicateOf).toBe(first!.id);
    expect(second!.validationErrors.map((e) => e.message).join(' ')).toContain(`samma id som ärende ${first!.id}`);
    expect(h.logs.some((l) => l.includes('a second application under a used id'))).toBe(true);
  }, 120_000);

  it('an id that looks like a personal number is not kept anywhere as an id', async () => {
    h.sandbox.eservice.addRaw({ id: PERSONAL_NUMBER, payloadText: JSON.stringify(payload(nextSeed())) });
    const { broken } = await pollAndCheck([]);
    const app = await getApplication(db(), broken[0]!);
    expect(app!.id).toMatch(/^R-[a-p]{24}$/);
    expect(app!.eserviceId).toBeNull();
    const text = (await redisText(h.robot.prefix)).join('\n');
    expect(text.length).toBeGreaterThan(100);
    expect(text).not.toContain(PERSONAL_NUMBER);
    expect(text).not.toContain(PERSONAL_NUMBER.slice(2));
  }, 120_000);

  it('a poll that keeps failing turns /healthz, the admin page and the gauge red; the next good poll clears them', async () => {
    const metrics = robotMetrics(db(), () => h.robot.queues, h.deps.logger);
    const web = buildWebServer({ logger: h.deps.logger, metrics, checks: { intake: () => checkIntake(db()) } });
    const red = async () => ({
      health: (await web.inject({ url: '/healthz' })).statusCode,
      gauge: /^robot_intake_consecutive_failures (\d+)$/m.exec(await metrics.render())?.[1],
      page: renderOverview(await gatherOverview(db(), h.robot.queues, new Date()), 'csrf', undefined),
    });
    try {
      h.sandbox.eservice.setFaults({ malformedNext: 3 });
      for (let i = 0; i < 2; i++) await expect(h.robot.pollNow()).rejects.toThrow(/fel form/);
      const two = await red();
      expect([two.health, two.gauge, two.page.includes('Intaget misslyckas')]).toEqual([200, '2', false]);
      await expect(h.robot.pollNow()).rejects.toThrow(/fel form/);
      const three = await red();
      expect([three.health, three.gauge]).toEqual([503, '3']);
      expect(three.page).toMatch(/<div role="alert" class="error"><p>Intaget misslyckas: 3 hämtningar i rad har misslyckats.*Senaste fel: (System|RequestRefused)Exception: E-tjänsten svarade med fel form/);
      // Not also 'igång' beside it, and what to do.
      expect(three.page).not.toContain('Intaget är igång');
      expect(three.page).toContain('Gör så här: kontrollera att e-tjänsten svarar');
      const valid = h.sandbox.generate(1, nextSeed()).map((v) => v.id);
      await pollAndCheck(valid);
      const after = await red();
      expect([after.health, after.gauge, after.page.includes('Intaget misslyckas')]).toEqual([200, '0', false]);
    } finally {
      h.sandbox.eservice.clearFaults();
      await web.close();
    }
  }, 120_000);

  it(`fuzz: ${FUZZ_PAGES} generated pages mixing valid applications with every broken form never stop intake, and lose nothing`, async () => {
    // Issue 17's "done when": every valid application reaches a proposal or a caseworker, every
    // broken one is kept with its reason where a caseworker sees it, no personal number in any
    // Redis key, job or URL, and intake never stops. All pages go into the feed, then intake
    // takes them in as it would after an outage: page after page, in as many polls as it needs.
    if (backend.name !== 'postgres' && !process.env.INTAKE_FUZZ_ALL_BACKENDS) return; // the PostgreSQL server is production's
    const kind = fc.oneof(
      { weight: 2, arbitrary: fc.constant('valid' as const) },
      // Valid, with control characters (not NUL) in a cost type: storable, and a caseworker judges the cost.
      { weight: 1, arbitrary: fc.constant('control' as const) },
      { weight: 4, arbitrary: fc.constantFrom(...FUZZ_BROKEN.map((_, i) => i)) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(kind, { minLength: 1, maxLength: 4 }), { minLength: FUZZ_PAGES, maxLength: FUZZ_PAGES }), async (pages) => {
        const since = new Date(Date.now() - 1000);
        const known = new Set((await db().query<{ id: string }>('SELECT id FROM cases')).rows.map((r) => r.id));
        const validIds: string[] = [];
        let brokenItems = 0;
        for (const page of pages) {
          for (const k of page) {
            const s = nextSeed();
            if (k === 'valid') validIds.push(...h.sandbox.generate(1, s).map((v) => v.id));
            else if (k === 'control') {
              const [v] = h.sandbox.generate(1, s);
              const changed = structuredClone(v!.payload) as unknown as { application: Record<string, unknown> };
              withCostType('el\u0001\u001f\u007f\u0085x')(changed.application);
              // A second feed item under the generated id would be a duplicate: this one takes its place in the feed order.
              h.sandbox.eservice.addRaw({ id: `C${s}`, payloadText: JSON.stringify({ ...changed, application: { ...changed.application, id: `C${s}` } }) });
              // generate() put the household in the feed as it is too: both are valid.
              validIds.push(v!.id, `C${s}`);
            } else {
              brokenItems++;
              validIds.push(...validAdded(FUZZ_BROKEN[k]!.add(h, s)));
            }
          }
        }
        const end = `c${String(h.sandbox.eservice.size()).padStart(8, '0')}`;
        for (let poll = 0; poll < 20 && (await getIntakeCursor(db(), 'eservice')) !== end; poll++) await h.robot.pollNow();
        // Intake never stopped: it read to the end of the feed, and no poll failed.
        expect(await getIntakeCursor(db(), 'eservice')).toBe(end);
        expect((await getIntakeStatus(db(), 'eservice'))?.consecutiveFailures).toBe(0);
        const fresh = (await casesSince(db(), since)).filter((id) => !known.has(id));
        const states = await h.settle(fresh, ENDED, 240_000);
        for (const id of validIds) {
          expect(states.has(id), id).toBe(true);
        }
        const broken = fresh.filter((id) => !validIds.includes(id));
        expect(broken.length).toBe(brokenItems);
        const { rows } = await db().query<{ id: string; state: string; municipality: string; errors: number }>(
          'SELECT c.id, c.state, c.municipality, jsonb_array_length(a.validation_errors) AS errors FROM cases c JOIN applications a ON a.id = c.id WHERE c.id = ANY($1::text[])',
          [broken],
        );
        expect(rows).toHaveLength(broken.length);
        for (const r of rows) {
          // Kept, with its reason, in the manual queue of a municipality somebody serves.
          expect([r.id, r.state], r.id).toEqual([r.id, 'MANUAL']);
          expect(r.errors, r.id).toBeGreaterThan(0);
          expect(['1287', '1263'], r.id).toContain(r.municipality);
        }
        // No case id (and so no URL, job id or Redis key) holds a personal number.
        for (const id of fresh) expect(looksLikePersonalNumber(id) || /\d{10}/.test(id), id).toBe(false);
        // Each broken form: one of its cases, found by its reason, in a caseworker's inbox with the reason on its page.
        const reasons = await db().query<{ id: string; words: string }>(
          "SELECT a.id, string_agg(e->>'message', ' ') AS words FROM applications a CROSS JOIN LATERAL jsonb_array_elements(a.validation_errors) e WHERE a.id = ANY($1::text[]) GROUP BY a.id",
          [broken],
        );
        for (const [i, form] of FUZZ_BROKEN.entries()) {
          if (!pages.some((p) => p.includes(i))) continue;
          const found = reasons.rows.find((r) => form.reason.test(r.words));
          expect(found, form.name).toBeDefined();
          await seenByCaseworker(found!.id, form.reason, false);
        }
      }),
      { numRuns: 1, seed: 20261129, endOnFailure: true },
    );
    const text = (await redisText(h.robot.prefix)).join('\n');
    expect(text.length).toBeGreaterThan(1000);
    expect(text).not.toMatch(/19900101-?2385|900101-?2385/);
  }, 600_000);
});

it('generated ids are never refused as case ids', () => {
  expect(looksLikePersonalNumber(generatedId(20261129, 0))).toBe(false);
});
