import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemException } from '../../src/domain/errors.js';
import { createEServiceClient, feedReplySchema } from '../../src/registers/eservice.js';
import type { HttpAttemptEvent } from '../../src/registers/http.js';
import type { EServiceClient, IncomingApplication } from '../../src/registers/types.js';
import { loadApplicationFixtures, start, type EServiceSandbox } from '../../src/sandbox/eservice.js';
import { rejectionOf, scriptedFetch, spyingFetch } from '../support/netSpy.js';

let sandbox: EServiceSandbox;
let urls: string[];
let events: HttpAttemptEvent[];

const client = (): EServiceClient =>
  createEServiceClient({
    url: sandbox.url,
    timeoutMs: 1000,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    fetch: spyingFetch(urls),
    onAttempt: (e) => events.push(e),
  });

/** Polls the way intake does: keep the last item's cursor, stop when a page says nothing follows. */
async function drain(feed: EServiceClient, from: string | null, limit: number): Promise<{ items: IncomingApplication[]; cursor: string | null; pages: number }> {
  const items: IncomingApplication[] = [];
  let cursor = from;
  let pages = 0;
  for (;;) {
    const page = await feed.fetchNew(cursor, limit);
    pages++;
    items.push(...page.items);
    cursor = page.items.at(-1)?.cursor ?? cursor;
    if (page.next === null) return { items, cursor, pages };
    expect(page.next).toBe(cursor);
  }
}

beforeEach(async () => {
  sandbox = await start({ port: 0 });
  urls = [];
  events = [];
});
afterEach(async () => {
  await sandbox.stop();
  for (const url of urls) expect(url).not.toMatch(/\d{10}/);
});

describe('e-service feed over loopback', () => {
  it('pages through every application once, in order, without gaps', async () => {
    const fixtures = await loadApplicationFixtures();
    sandbox.generate(25, 7);
    const { items, pages } = await drain(client(), null, 7);
    const expected = [...fixtures.map((f) => (f.payload.application as { id: string }).id), ...Array.from({ length: 25 }, (_, i) => `G7-${String(i + 1).padStart(6, '0')}`)];
    expect(items.map((i) => i.id)).toEqual(expected);
    expect(new Set(items.map((i) => i.cursor)).size).toBe(items.length);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(urls[0]).toBe(`${sandbox.url}/eservice/v1/applications?limit=7`);
    expect(urls[1]).toMatch(/\?after=c\d{8}&limit=7$/);
  });

  it('continues from a stored cursor and sees applications added since, and nothing twice', async () => {
    const feed = client();
    const first = await drain(feed, null, 50);
    expect(first.items).toHaveLength(sandbox.size());
    expect(await feed.fetchNew(first.cursor, 50)).toEqual({ items: [], next: null });

    const added = sandbox.add({ application: { id: 'A-2026-000999', kind: 'renewal' }, history: null });
    sandbox.generate(3, 99);
    const second = await drain(feed, first.cursor, 2);
    expect(second.items.map((i) => i.id)).toEqual(['A-2026-000999', 'G2r-000001', 'G2r-000002', 'G2r-000003']);
    expect(second.items[0]).toEqual({ id: 'A-2026-000999', cursor: added.cursor, payload: { application: { id: 'A-2026-000999', kind: 'renewal' }, history: null } });
    const all = [...first.items, ...second.items].map((i) => i.id);
    expect(new Set(all).size).toBe(all.length);
  });

  it('hands payloads over raw, invalid ones included, without the fixtures\' notes', async () => {
    const { items } = await drain(client(), null, 100);
    const invalid = items.find((i) => i.id === 'A-2026-000901')!;
    expect((invalid.payload as { application: { costs: unknown[] } }).application.costs[0]).toEqual({ type: 'rent', amount: '6 500 kr' });
    for (const item of items) {
      expect(Object.keys(item.payload as object).sort()).toEqual(['application', 'history']);
    }
  });

  it('gives a fresh id to an application without a usable one, and refuses a duplicate', () => {
    expect(sandbox.add({ application: { id: 42 } }).id).toMatch(/^E-\d{6}$/);
    expect(() => sandbox.add({}, 'A-2026-000999')).not.toThrow();
    expect(() => sandbox.add({}, 'A-2026-000999')).toThrow(/redan/);
  });

  it('retries the feed through faults', async () => {
    sandbox.setFaults({ failNext: 1, hangNext: 0 });
    const page = await client().fetchNew(null, 3);
    expect(page.items).toHaveLength(3);
    expect(events.map((e) => e.outcome)).toEqual(['http', 'ok']);
    expect(events.every((e) => e.register === 'eservice' && e.caseId === undefined)).toBe(true);
  });

  it('fails as a SystemException on an unknown cursor (no retry) and on a malformed page', async () => {
    const unknown = await rejectionOf(client().fetchNew('c99999999', 10));
    expect(unknown).toBeInstanceOf(SystemException);
    expect((unknown as SystemException).component).toBe('eservice');
    expect((unknown as Error).message).toContain('HTTP 400');
    expect(events).toHaveLength(1);

    sandbox.setFaults({ malformedNext: 1 });
    const malformed = await rejectionOf(client().fetchNew(null, 10));
    expect((malformed as Error).message).toMatch(/E-tjänsten svarade med fel form: fält som inte stämmer: items/);
  });

  it('hands on a page with a duplicated id or a broken envelope item by item, and refuses more items than asked', async () => {
    const item = { id: 'A-1', cursor: 'c1', payload: {} };
    const page = [item, { ...item, cursor: 'c2' }, { cursor: 'c3', payload: {} }, { id: 12345, cursor: 'c4', payload: {} }, { id: '', cursor: 'c5', payload: {} }, { id: 'x'.repeat(201), cursor: 'c6', payload: {} }, { id: 'A-7', cursor: 'c7' }, 'not an item'];
    const lenient = createEServiceClient({ url: 'http://127.0.0.1:9', fetch: scriptedFetch([{ status: 200, body: JSON.stringify({ items: page, next: null }) }]) });
    const { items } = await lenient.fetchNew(null, 10);
    expect(items.map((i) => i.id)).toEqual(['A-1', 'A-1', '', '', '', '', 'A-7', '']);
    expect(items.map((i) => i.envelopeProblems ?? [])).toEqual([
      [],
      [],
      ['Ansökan saknade id i e-tjänstens flöde.'],
      ['Ansökans id i e-tjänstens flöde var inte en text.'],
      ['Ansökans id i e-tjänstens flöde var tomt.'],
      ['Ansökans id i e-tjänstens flöde var 201 tecken långt (högst 200).'],
      ['Ansökan saknade innehåll (payload) i e-tjänstens flöde.'],
      ['Posten i e-tjänstens flöde var inte ett objekt med id, cursor och payload.'],
    ]);
    expect(items.at(-1)!.cursor).toBe('');
    const tooMany = createEServiceClient({ url: 'http://127.0.0.1:9', fetch: scriptedFetch([{ status: 200, body: JSON.stringify({ items: [item, { ...item, id: 'A-2' }], next: 'c2' }) }]) });
    expect(((await rejectionOf(tooMany.fetchNew(null, 1))) as Error).message).toContain('högst 1');
  });

  it('serves hand-written broken items byte for byte (POST /__raw), and the client hands each on with its problems', async () => {
    const start = sandbox.size();
    const post = (body: unknown) => fetch(`${sandbox.url}/__raw`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post({ id: 'A-nul', payloadText: '{"application":{"type":"el\\u0000x","s":"\\ud800"}}' })).status).toBe(200);
    sandbox.addRaw({ id: 42, payloadText: `{"a":${'['.repeat(100_000)}${']'.repeat(100_000)}}` });
    sandbox.addRaw({ id: 'A-nul' });
    const text = await (await fetch(`${sandbox.url}/eservice/v1/applications?after=c${String(start).padStart(8, '0')}&limit=10`)).text();
    expect(text).toContain('"el\\u0000x","s":"\\ud800"');
    const { items, next } = await client().fetchNew(`c${String(start).padStart(8, '0')}`, 10);
    expect(next).toBeNull();
    expect(items.map((i) => [i.id, i.envelopeProblems ?? []])).toEqual([
      ['A-nul', []],
      ['', ['Ansökans id i e-tjänstens flöde var inte en text.']],
      ['A-nul', ['Ansökan saknade innehåll (payload) i e-tjänstens flöde.']],
    ]);
    expect((items[0]!.payload as { application: { type: string; s: string } }).application).toEqual({ type: 'el\u0000x', s: '\ud800' });
  });

  it('checks its own limit before asking', async () => {
    await expect(client().fetchNew(null, 0)).rejects.toThrow(RangeError);
    await expect(client().fetchNew(null, 1001)).rejects.toThrow(RangeError);
    expect(urls).toEqual([]);
  });

  it('replies in the documented shape', async () => {
    const response = await fetch(`${sandbox.url}/eservice/v1/applications?limit=2`);
    expect(feedReplySchema.safeParse(await response.json()).success).toBe(true);
    expect((await fetch(`${sandbox.url}/eservice/v1/applications?limit=5000`)).status).toBe(400);
  });
});
