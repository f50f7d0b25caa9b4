import * as z from 'zod';
import { badRequest, notFound, startJsonSim, type JsonFaultPlan, type JsonSim } from './jsonSim.js';

/**
 * A loopback case system with an HTTP API, for the HTTP adapter:
 *
 *   GET  /casesystem/v1/cases/{caseId}/decisions/{decisionId}
 *        -> {recorded: false} | {recorded: true, decisionId, confirmation, hash}
 *   POST /casesystem/v1/cases/{caseId}/decisions   body: the decision (decisionId, month, ...)
 *        -> {decisionId, confirmation, hash, created}
 *
 * Recording is idempotent by decision id: a second POST of the same decision returns the first
 * confirmation with created: false; the same decision id with other content (another hash) is
 * 409. Case ids must be known when `cases` is given (else any well-formed id is accepted).
 * The fault plan of jsonSim applies to both routes (latency, 5xx, hangs, malformed replies),
 * plus `loseReplyNext`: the next N POSTs are recorded but answered 502, as when the reply is
 * lost on the way back (the caller's retry must then get the same confirmation).
 * Admin: /__faults, /__stats, GET /__decisions, POST /__lose-reply {count}.
 */

const ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

export const recordedDecisionSchema = z
  .object({
    decisionId: z.string().regex(ID),
    municipality: z.string().regex(/^\d{4}$/),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    outcome: z.enum(['GRANT', 'REJECT']),
    amount: z.string().regex(/^\d+$/),
    lines: z.array(z.object({ kind: z.string(), label: z.string().min(1), amount: z.string().regex(/^-?\d+(\.\d{1,2})?$/) }).loose()),
    signedBy: z.string().min(1),
    signedAt: z.string().min(1),
    hash: z.string().regex(/^[0-9a-f]{64}$/i),
  })
  .loose();
export type RecordedDecisionBody = z.infer<typeof recordedDecisionSchema>;

export interface RecordedDecision {
  caseId: string;
  decisionId: string;
  confirmation: string;
  hash: string;
  body: RecordedDecisionBody;
  at: string;
}

export interface CaseSystemApiSandboxOptions {
  port?: number;
  host?: '127.0.0.1' | 'localhost' | '::1';
  /** Known case ids; when absent any well-formed id is a case. */
  cases?: readonly string[];
  faults?: JsonFaultPlan;
  random?: () => number;
}

export interface CaseSystemApiSandbox extends JsonSim {
  /** Every decision recorded, once each. */
  decisions(): RecordedDecision[];
  /** POSTs received per decision id (retries and repeats included). */
  posts(decisionId: string): number;
  /** The next `count` POSTs are recorded but answered 502. */
  loseReplyNext(count: number): void;
}

export async function start(options: CaseSystemApiSandboxOptions = {}): Promise<CaseSystemApiSandbox> {
  const known = options.cases ? new Set(options.cases) : undefined;
  const byDecision = new Map<string, RecordedDecision>();
  const postCounts = new Map<string, number>();
  let loseReply = 0;
  let next = 500_001;

  const record = (caseId: string, body: RecordedDecisionBody): RecordedDecision => {
    const existing = byDecision.get(body.decisionId);
    if (existing) return existing;
    const entry: RecordedDecision = {
      caseId,
      decisionId: body.decisionId,
      confirmation: `VS-${next++}`,
      hash: body.hash.toLowerCase(),
      body: structuredClone(body),
      at: new Date().toISOString(),
    };
    byDecision.set(body.decisionId, entry);
    return entry;
  };
  const reply = (entry: RecordedDecision, created: boolean) => ({ decisionId: entry.decisionId, confirmation: entry.confirmation, hash: entry.hash, created });

  const sim = await startJsonSim({
    port: options.port,
    host: options.host,
    faults: options.faults,
    random: options.random,
    route: ({ method, url, body }) => {
      const match = /^\/casesystem\/v1\/cases\/([^/]+)\/decisions(?:\/([^/]+))?$/.exec(url.pathname);
      if (!match) return undefined;
      const caseId = decodeURIComponent(match[1] ?? '');
      const decisionId = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
      if (!ID.test(caseId)) return badRequest('ogiltigt ärende-id');
      if (known && !known.has(caseId)) return notFound('ärendet finns inte');

      if (decisionId !== undefined) {
        if (method !== 'GET') return { reply: { status: 405, body: { error: 'GET only' } } };
        if (!ID.test(decisionId)) return badRequest('ogiltigt besluts-id');
        return {
          answer: () => {
            const entry = byDecision.get(decisionId);
            return entry && entry.caseId === caseId ? { recorded: true, decisionId, confirmation: entry.confirmation, hash: entry.hash } : { recorded: false };
          },
        };
      }

      if (method !== 'POST') return { reply: { status: 405, body: { error: 'POST only' } } };
      const parsed = recordedDecisionSchema.safeParse(body);
      if (!parsed.success) return badRequest(`fel i fälten: ${[...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ')}`);
      const decision = parsed.data;
      postCounts.set(decision.decisionId, (postCounts.get(decision.decisionId) ?? 0) + 1);
      const existing = byDecision.get(decision.decisionId);
      if (existing && (existing.caseId !== caseId || existing.hash !== decision.hash.toLowerCase())) {
        return { reply: { status: 409, body: { error: 'beslutet finns redan med annat innehåll' } } };
      }
      if (loseReply > 0) {
        loseReply--;
        record(caseId, decision);
        return { reply: { status: 502, body: { error: 'Bad Gateway' } } };
      }
      return {
        answer: () => {
          const created = !byDecision.has(decision.decisionId);
          return reply(record(caseId, decision), created);
        },
      };
    },
    admin: ({ method, url, body }) => {
      if (url.pathname === '/__decisions' && method === 'GET') return { status: 200, body: [...byDecision.values()] };
      if (url.pathname === '/__lose-reply' && method === 'POST') {
        const count = z.object({ count: z.number().int().min(0) }).parse(body).count;
        loseReply = count;
        return { status: 200, body: { loseReplyNext: count } };
      }
      return undefined;
    },
  });

  return {
    ...sim,
    decisions: () => structuredClone([...byDecision.values()]),
    posts: (decisionId) => postCounts.get(decisionId) ?? 0,
    loseReplyNext: (count) => {
      loseReply = count;
    },
  };
}
