import * as z from 'zod';
import { badRequest, startJsonSim, type JsonFaultPlan, type JsonSim, type Routed, type SimRequest } from './jsonSim.js';

/**
 * A loopback outside system that *does* something once per decision: takes a payment order,
 * sends a message, stores a decision in a case system. It records every effect it carries out
 * (what the outside world actually received), so a chaos run counts from here, not from the
 * robot's own tables.
 *
 *   GET  <path>/<decisionId>   -> { found: false } | { found: true, reference }   (the client's look-before-act)
 *   POST <path>  { decisionId, ... } -> { reference, created }
 *   GET  /__records            -> every effect recorded, oldest first
 *
 * With `dedupe` (the default, like a real system with an idempotency key) a second POST for
 * the same decision id returns the first reference and does nothing. With `dedupe: false` the
 * sandbox is naive: every POST is a new effect, so a robot that asks twice shows up as a
 * duplicate. `lostReplyNext` / `lostReplyProbability` carry out the effect and then answer 503,
 * as when a reply is lost on the way back: the robot must find the effect rather than repeat it.
 * The fault plan of jsonSim applies to both routes. It never logs.
 */

export interface RecordedEffect<T> {
  reference: string;
  /** The idempotency key: the decision id, or the case id for a channel keyed by case. */
  key: string;
  /** The same as `key` (decision-keyed channels: the decision id). */
  decisionId: string;
  body: T;
  at: Date;
}

export interface RecorderOptions {
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  faults?: JsonFaultPlan;
  random?: () => number;
  /** Default true: a second order with the same decision id is answered with the first reference. */
  dedupe?: boolean;
  lostReplyNext?: number;
  lostReplyProbability?: number;
}

/** What one path of a recorder records and answers. */
export interface RecorderChannel<T> {
  /** Every effect carried out, oldest first. */
  records(): RecordedEffect<T>[];
  /** Effects per key (decision id, or case id). */
  byDecision(): Map<string, RecordedEffect<T>[]>;
  /** POSTs answered with an earlier effect's reference (idempotent repeats). */
  repeats(): number;
}

export interface RecorderSim<T> extends JsonSim, RecorderChannel<T> {
  setLostReplies(plan: { next?: number; probability?: number }): void;
}

export interface ChannelConfig<T> {
  path: string;
  referencePrefix: string;
  schema: z.ZodType<T>;
  /** The body field that is the idempotency key (default decisionId: digits). */
  keyField?: 'decisionId' | 'caseId';
}

const KEY_PATTERNS = { decisionId: /^[0-9]{1,19}$/, caseId: /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/ } as const;
const KEY_WORDS = { decisionId: 'beslutets id', caseId: 'ärendets id' } as const;

/** One recorded path: its routes and its records. Lost replies are shared by every channel of the sim. */
function channel<T>(config: ChannelConfig<T>, dedupe: boolean, lose: () => boolean) {
  const records: RecordedEffect<T>[] = [];
  const first = new Map<string, RecordedEffect<T>>();
  let repeats = 0;
  const base = config.path.replace(/\/+$/, '');
  const field = config.keyField ?? 'decisionId';
  const pattern = KEY_PATTERNS[field];
  const keyOf = (body: T) => String((body as Record<string, unknown>)[field]);

  const route = (request: SimRequest): Routed | undefined => {
    const path = request.url.pathname;
    if (request.method === 'GET' && path.startsWith(`${base}/`)) {
      const key = path.slice(base.length + 1);
      if (!pattern.test(key)) return badRequest(`${KEY_WORDS[field]} har fel form`);
      return {
        answer: () => {
          const found = first.get(key);
          return found ? { found: true, reference: found.reference } : { found: false };
        },
      };
    }
    if (request.method === 'POST' && path === base) {
      const parsed = config.schema.safeParse(request.body);
      if (!parsed.success) return badRequest(`fält som inte stämmer: ${[...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(hela)'))].join(', ')}`);
      const body = parsed.data;
      const key = keyOf(body);
      if (!pattern.test(key)) return badRequest(`${KEY_WORDS[field]} har fel form`);
      return {
        answer: () => {
          const existing = first.get(key);
          if (dedupe && existing) {
            repeats++;
            return { reference: existing.reference, created: false };
          }
          const effect: RecordedEffect<T> = { reference: `${config.referencePrefix}-${records.length + 1}`, key, decisionId: key, body, at: new Date() };
          records.push(effect);
          if (!first.has(key)) first.set(key, effect);
          if (lose()) throw new LostReply();
          return { reference: effect.reference, created: true };
        },
      };
    }
    return undefined;
  };
  const api: RecorderChannel<T> = {
    records: () => [...records],
    byDecision: () => {
      const map = new Map<string, RecordedEffect<T>[]>();
      for (const r of records) map.set(r.key, [...(map.get(r.key) ?? []), r]);
      return map;
    },
    repeats: () => repeats,
  };
  return { route, api, listed: () => records.map((r) => ({ reference: r.reference, [field]: r.key, at: r.at.toISOString() })), path: base };
}

export async function startRecorder<T extends { decisionId: string }>(config: ChannelConfig<T>, options?: RecorderOptions): Promise<RecorderSim<T>>;
export async function startRecorder<T extends { decisionId: string }, U>(
  config: ChannelConfig<T>,
  options: RecorderOptions,
  second: ChannelConfig<U>,
): Promise<RecorderSim<T> & { second: RecorderChannel<U> }>;
/**
 * A recorder on one port with one channel, or two (Mina ärenden: decision-ready messages by
 * decision id and meeting messages by case id). GET /__records lists the first channel's
 * effects, GET /__records<second path> the second's.
 */
export async function startRecorder<T extends { decisionId: string }, U>(
  config: ChannelConfig<T>,
  options: RecorderOptions = {},
  second?: ChannelConfig<U>,
): Promise<RecorderSim<T> & { second?: RecorderChannel<U> }> {
  const dedupe = options.dedupe ?? true;
  const random = options.random ?? Math.random;
  let lostNext = options.lostReplyNext ?? 0;
  let lostProbability = options.lostReplyProbability ?? 0;
  const lose = () => {
    if (lostNext > 0) {
      lostNext--;
      return true;
    }
    return lostProbability > 0 && random() < lostProbability;
  };
  const main = channel(config, dedupe, lose);
  const other = second ? channel(second, dedupe, lose) : undefined;

  const sim = await startJsonSim({
    port: options.port,
    host: options.host,
    faults: options.faults,
    random,
    route: (request) => main.route(request) ?? other?.route(request),
    admin: (request) => {
      if (request.method !== 'GET') return undefined;
      if (request.url.pathname === '/__records') return { status: 200, body: main.listed() };
      if (other && request.url.pathname === `/__records${other.path}`) return { status: 200, body: other.listed() };
      return undefined;
    },
  });

  return {
    ...sim,
    ...main.api,
    ...(other ? { second: other.api } : {}),
    setLostReplies: (plan) => {
      if (plan.next !== undefined) lostNext = plan.next;
      if (plan.probability !== undefined) lostProbability = plan.probability;
    },
  };
}

/** Thrown inside an answer: jsonSim turns it into a 500 after the effect was recorded. */
class LostReply extends Error {}
