import * as z from 'zod';
import { REASON_CODES } from '../domain/reasons.js';
import { fixturesPath, loadJsonDir } from './fixtureFiles.js';
import { generateHouseholds, type GenerateOptions, type GeneratedHousehold } from './generate.js';
import { badRequest, RawJsonBody, startJsonSim, type JsonFaultPlan, type JsonSim } from './jsonSim.js';

/**
 * A loopback e-service feed: GET /eservice/v1/applications?after=<cursor>&limit=<n> ->
 * {items: [{id, cursor, payload}], next}. Applications come from fixtures/applications, from
 * add() (or POST /__applications) and from generate() (or POST /__generate). The feed only
 * grows, in order, so paging with cursors sees each application exactly once. Payloads are
 * served as stored, invalid ones included: intake, not the feed, decides what is valid.
 */

export const DEFAULT_APPLICATION_FIXTURES_DIR = fixturesPath('applications');

/**
 * One file in fixtures/applications: the payload the e-service sends ({application, history})
 * plus what the fixture is for, and what the robot should conclude once the registers (from
 * the KIR, plan and SSBTEK fixtures) are asked. `expected` stays in the file: it is never served.
 */
export const applicationFixtureSchema = z
  .object({
    description: z.string().min(1),
    expected: z
      .object({
        valid: z.boolean(),
        outcome: z.enum(['PROPOSE_GRANT', 'PROPOSE_REJECT', 'MANUAL']).optional(),
        reasons: z.array(z.enum(REASON_CODES)).optional(),
      })
      .strict(),
    application: z.unknown(),
    history: z.unknown().optional(),
  })
  .strict();
export type ApplicationFixtureFile = z.infer<typeof applicationFixtureSchema>;

export interface ApplicationFixture {
  /** File name without .json. */
  name: string;
  description: string;
  expected: ApplicationFixtureFile['expected'];
  payload: { application: unknown; history?: unknown };
}

export async function loadApplicationFixtures(dir: string = DEFAULT_APPLICATION_FIXTURES_DIR): Promise<ApplicationFixture[]> {
  return (await loadJsonDir(dir, applicationFixtureSchema)).map(({ name, data }) => ({
    name,
    description: data.description,
    expected: data.expected,
    payload: data.history === undefined ? { application: data.application } : { application: data.application, history: data.history },
  }));
}

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface EServiceSandboxOptions {
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  /** Payloads to serve instead of the fixture folder. */
  payloads?: unknown[];
  fixturesDir?: string;
  faults?: JsonFaultPlan;
  random?: () => number;
}

export interface FeedEntry {
  id: string;
  cursor: string;
}

/**
 * A feed item written by hand, for the faults a real e-service has been seen to send: the id
 * as any JSON value (a number, "", 200 characters, a personal number, one already used) or
 * none, and the payload as JSON text served byte for byte (`\u0000`, a lone `\ud800`,
 * 100 000 levels of nesting) or none. The item's cursor is the feed's own, so paging works.
 */
export interface RawFeedItem {
  /** Left out of the item when undefined. */
  id?: unknown;
  /** JSON text; left out of the item when undefined. */
  payloadText?: string;
}

export interface EServiceSandbox extends JsonSim {
  /** Appends one application to the feed; the id is the application's own when it has a usable one. */
  add(payload: unknown, id?: string): FeedEntry;
  /**
   * Appends `count` deterministic synthetic applications and returns them with the register
   * data their people need (startSandbox hands that to KIR, plan and SSBTEK).
   */
  generate(count: number, seed: number, options?: Omit<GenerateOptions, 'taken'>): GeneratedHousehold[];
  /** Appends one hand-written, possibly broken item (see RawFeedItem); returns its cursor. */
  addRaw(item: RawFeedItem): string;
  /** Applications in the feed. */
  size(): number;
  /**
   * Who hands the register data of households made by POST /__generate on (startSandbox: KIR,
   * plan and SSBTEK), so that what an admin generates over HTTP is people the registers know.
   */
  onGenerated(hand: (households: GeneratedHousehold[]) => void): void;
}

const cursorOf = (seq: number) => `c${String(seq).padStart(8, '0')}`;
const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Personal numbers written in a payload (to keep generated people apart from known ones). */
function peopleIn(payload: unknown): string[] {
  const app = (payload as { application?: Record<string, unknown> } | undefined)?.application;
  if (!app || typeof app !== 'object') return [];
  const pn = (x: unknown) => (x as { personalNumber?: unknown } | null | undefined)?.personalNumber;
  const all = [pn(app.applicant), pn(app.coApplicant), ...(Array.isArray(app.children) ? app.children.map(pn) : [])];
  return all.filter((x): x is string => typeof x === 'string');
}

export async function start(options: EServiceSandboxOptions = {}): Promise<EServiceSandbox> {
  let handOn: ((households: GeneratedHousehold[]) => void) | undefined;
  const feed: Array<{ id: string; cursor: string; payload: unknown } | { cursor: string; rawText: string }> = [];
  const ids = new Set<string>();
  const taken = new Set<string>();

  const add = (payload: unknown, id?: string): FeedEntry => {
    const own = (payload as { application?: { id?: unknown } } | undefined)?.application?.id;
    const chosen = id ?? (typeof own === 'string' && SAFE_ID.test(own) && !ids.has(own) ? own : `E-${String(feed.length + 1).padStart(6, '0')}`);
    if (ids.has(chosen)) throw new Error(`e-tjänsten har redan en ansökan med id ${chosen}`);
    const entry = { id: chosen, cursor: cursorOf(feed.length + 1), payload: structuredClone(payload) };
    feed.push(entry);
    ids.add(chosen);
    for (const pn of peopleIn(payload)) taken.add(pn);
    return { id: entry.id, cursor: entry.cursor };
  };

  const addRaw = (item: RawFeedItem): string => {
    const cursor = cursorOf(feed.length + 1);
    const parts = [
      ...(item.id === undefined ? [] : [`"id":${JSON.stringify(item.id)}`]),
      `"cursor":${JSON.stringify(cursor)}`,
      ...(item.payloadText === undefined ? [] : [`"payload":${item.payloadText}`]),
    ];
    feed.push({ cursor, rawText: `{${parts.join(',')}}` });
    return cursor;
  };

  const generate = (count: number, seed: number, generateOptions: Omit<GenerateOptions, 'taken'> = {}) => {
    const households = generateHouseholds(count, seed, { ...generateOptions, taken });
    const clash = households.find((h) => ids.has(h.id));
    if (clash) throw new Error(`e-tjänsten har redan ansökan ${clash.id} (samma seed två gånger?)`);
    for (const h of households) add(h.payload, h.id);
    return households;
  };

  const initial = options.payloads ?? (await loadApplicationFixtures(options.fixturesDir)).map((f) => f.payload);
  for (const payload of initial) add(payload);

  const sim = await startJsonSim({
    port: options.port,
    host: options.host,
    faults: options.faults,
    random: options.random,
    route: ({ method, url }) => {
      if (url.pathname !== '/eservice/v1/applications') return undefined;
      if (method !== 'GET') return { reply: { status: 405, body: { error: 'GET only' } } };
      const after = url.searchParams.get('after');
      const limitText = url.searchParams.get('limit');
      const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return badRequest(`limit ska vara ett heltal 1–${MAX_LIMIT}`);
      let start = 0;
      if (after !== null) {
        const match = /^c(\d{8})$/.exec(after);
        const seq = match ? Number(match[1]) : NaN;
        // A cursor the feed never gave out: refuse rather than start over or skip.
        if (!Number.isInteger(seq) || seq < 1 || seq > feed.length) return badRequest('okänd cursor');
        start = seq;
      }
      return {
        // The page is cut when the call is answered, so applications added meanwhile are included.
        answer: () => {
          const items = feed.slice(start, start + limit);
          const more = start + items.length < feed.length;
          const next = more ? (items.at(-1)?.cursor ?? null) : null;
          if (!items.some((i) => 'rawText' in i)) return { items, next };
          const texts = items.map((i) => ('rawText' in i ? i.rawText : JSON.stringify(i)));
          return new RawJsonBody(`{"items":[${texts.join(',')}],"next":${JSON.stringify(next)}}`);
        },
      };
    },
    admin: ({ method, url, body }) => {
      if (method !== 'POST') return undefined;
      if (url.pathname === '/__applications') {
        const input = z.object({ payload: z.unknown(), id: z.string().regex(SAFE_ID).optional() }).parse(body);
        return { status: 200, body: add(input.payload, input.id) };
      }
      if (url.pathname === '/__raw') {
        const input = z.object({ id: z.unknown().optional(), payloadText: z.string().optional() }).parse(body);
        return { status: 200, body: { cursor: addRaw(input) } };
      }
      if (url.pathname === '/__generate') {
        const input = z
          .object({ count: z.number().int().min(0).max(100_000), seed: z.number().int().min(0), month: z.string().optional(), municipality: z.string().optional() })
          .parse(body);
        const households = generate(input.count, input.seed, {
          ...(input.month === undefined ? {} : { month: input.month }),
          ...(input.municipality === undefined ? {} : { municipality: input.municipality }),
        });
        handOn?.(households);
        return { status: 200, body: { ids: households.map((h) => h.id) } };
      }
      return undefined;
    },
  });
  return {
    ...sim,
    add,
    addRaw,
    generate,
    size: () => feed.length,
    onGenerated: (hand) => {
      handOn = hand;
    },
  };
}

