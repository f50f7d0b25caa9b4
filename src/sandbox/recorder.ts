import * as z from 'zod';
import { badRequest, startJsonSim, type JsonFaultPlan, type JsonSim } from './jsonSim.js';

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

export interface RecorderSim<T> extends JsonSim {
  /** Every effect carried out, oldest first. */
  records(): RecordedEffect<T>[];
  /** Effects per decision id. */
  byDecision(): Map<string, RecordedEffect<T>[]>;
  /** POSTs answered with an earlier effect's reference (idempotent repeats). */
  repeats(): number;
  setLostReplies(plan: { next?: number; probability?: number }): void;
}

const DECISION_ID = /^[0-9]{1,19}$/;

export async function startRecorder<T extends { decisionId: string }>(
  config: { path: string; referencePrefix: string; schema: z.ZodType<T> },
  options: RecorderOptions = {},
): Promise<RecorderSim<T>> {
  const records: RecordedEffect<T>[] = [];
  const first = new Map<string, RecordedEffect<T>>();
  const dedupe = options.dedupe ?? true;
  const random = options.random ?? Math.random;
  let lostNext = options.lostReplyNext ?? 0;
  let lostProbability = options.lostReplyProbability ?? 0;
  let repeats = 0;
  const base = config.path.replace(/\/+$/, '');

  const carryOut = (body: T): RecordedEffect<T> => {
    const effect: RecordedEffect<T> = { reference: `${config.referencePrefix}-${records.length + 1}`, decisionId: body.decisionId, body, at: new Date() };
    records.push(effect);
    if (!first.has(body.decisionId)) first.set(body.decisionId, effect);
    return effect;
  };

  const sim = await startJsonSim({
    port: options.port,
    host: options.host,
    faults: options.faults,
    random,
    route: (request) => {
      const path = request.url.pathname;
      if (request.method === 'GET' && path.startsWith(`${base}/`)) {
        const decisionId = path.slice(base.length + 1);
        if (!DECISION_ID.test(decisionId)) return badRequest('beslutets id har fel form');
        return {
          answer: () => {
            const found = first.get(decisionId);
            return found ? { found: true, reference: found.reference } : { found: false };
          },
        };
      }
      if (request.method === 'POST' && path === base) {
        const parsed = config.schema.safeParse(request.body);
        if (!parsed.success) return badRequest(`fält som inte stämmer: ${[...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(hela)'))].join(', ')}`);
        const body = parsed.data;
        if (!DECISION_ID.test(body.decisionId)) return badRequest('beslutets id har fel form');
        const lose = () => {
          if (lostNext > 0) {
            lostNext--;
            return true;
          }
          return lostProbability > 0 && random() < lostProbability;
        };
        return {
          answer: () => {
            const existing = first.get(body.decisionId);
            if (dedupe && existing) {
              repeats++;
              return { reference: existing.reference, created: false };
            }
            const effect = carryOut(body);
            if (lose()) throw new LostReply();
            return { reference: effect.reference, created: true };
          },
        };
      }
      return undefined;
    },
    admin: (request) => {
      if (request.url.pathname === '/__records' && request.method === 'GET') {
        return { status: 200, body: records.map((r) => ({ reference: r.reference, decisionId: r.decisionId, at: r.at.toISOString() })) };
      }
      return undefined;
    },
  });

  return {
    ...sim,
    records: () => [...records],
    byDecision: () => {
      const map = new Map<string, RecordedEffect<T>[]>();
      for (const r of records) map.set(r.decisionId, [...(map.get(r.decisionId) ?? []), r]);
      return map;
    },
    repeats: () => repeats,
    setLostReplies: (plan) => {
      if (plan.next !== undefined) lostNext = plan.next;
      if (plan.probability !== undefined) lostProbability = plan.probability;
    },
  };
}

/** Thrown inside an answer: jsonSim turns it into a 500 after the effect was recorded. */
class LostReply extends Error {}
