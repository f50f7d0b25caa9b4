import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { consume, sendBody, stopServer, trackedTimers, transportFault, transportFaultShape } from './httpKit.js';

/**
 * The loopback HTTP server under the JSON simulators (KIR, plan module, e-service): body
 * reading, the fault plan (the same shape as the SSBTEK simulator's, without the SOAP-only
 * parts, plus malformed replies), and the admin endpoints POST/GET/DELETE /__faults and
 * GET /__stats. Each simulator adds its own routes and admin paths. It never logs: the
 * requests it serves carry personal numbers.
 */

export const jsonFaultPlanSchema = z
  .object({
    ...transportFaultShape,
    /** The next N calls answer 200 with a malformed body of `malformedKind` (default shape). */
    malformedNext: z.number().int().min(0).optional(),
    /** shape: JSON of the wrong shape; notJson: an HTML error page with status 200. */
    malformedKind: z.enum(['shape', 'notJson']).optional(),
  })
  .strict();
export type JsonFaultPlan = z.infer<typeof jsonFaultPlanSchema>;

export interface JsonSimStats {
  /** Service calls received (admin calls not counted). */
  requests: number;
  answered: number;
  /** Calls turned away as bad requests or unknown people (4xx from the service itself). */
  rejected: number;
  httpFailures: number;
  malformed: number;
  hung: number;
}

export interface SimRequest {
  method: string;
  url: URL;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

/**
 * What a route makes of a call: a final reply at once (a bad request, an unknown person: no
 * faults apply, as a real service would refuse before doing any work), or an answer that first
 * passes the fault plan. `answer` runs only when the call is really answered, so counters kept
 * in it (the plan module's "pending for N asks") count answers, not failed attempts.
 */
export type Routed =
  | { reply: { status: number; body: unknown } }
  | { faults?: JsonFaultPlan | undefined; answer: () => unknown };

/**
 * An answer that is not a 200: returned from `answer` when the refusal can only be decided at
 * the moment of answering (a slot taken by a call that arrived meanwhile: 409).
 */
export class SimReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

export interface JsonSimConfig {
  port?: number | undefined;
  host?: '127.0.0.1' | 'localhost' | '::1' | undefined;
  faults?: JsonFaultPlan | undefined;
  random?: (() => number) | undefined;
  route(request: SimRequest): Routed | undefined;
  /** Simulator-specific admin paths under /__; undefined for an unknown path. */
  admin?(request: SimRequest): { status: number; body: unknown } | undefined;
}

export interface JsonSim {
  /** Base URL, no trailing slash. */
  url: string;
  stop(): Promise<void>;
  setFaults(plan: JsonFaultPlan): void;
  clearFaults(): void;
  faults(): JsonFaultPlan;
  stats(): JsonSimStats;
}

const MAX_BODY = 1024 * 1024;

/**
 * An answer already written as JSON text, sent byte for byte: how a simulator serves what
 * JSON.stringify cannot make (a lone surrogate as an escape, nesting deeper than the stack).
 */
export class RawJsonBody {
  constructor(readonly text: string) {}
}

export const badRequest = (error: string) => ({ reply: { status: 400, body: { error } } });
export const notFound = (error: string) => ({ reply: { status: 404, body: { error } } });

export async function startJsonSim(config: JsonSimConfig): Promise<JsonSim> {
  let runtime: JsonFaultPlan = structuredClone(jsonFaultPlanSchema.parse(config.faults ?? {}));
  const random = config.random ?? Math.random;
  const stats: JsonSimStats = { requests: 0, answered: 0, rejected: 0, httpFailures: 0, malformed: 0, hung: 0 };
  const { timers, wait } = trackedTimers();

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8') => sendBody(res, status, body, type);
  const json = (res: ServerResponse, status: number, value: unknown) => send(res, status, JSON.stringify(value));

  async function serve(request: SimRequest, res: ServerResponse): Promise<void> {
    stats.requests++;
    const routed = config.route(request);
    if (!routed) {
      stats.rejected++;
      return json(res, 404, { error: 'okänd väg' });
    }
    if ('reply' in routed) {
      stats.rejected++;
      return json(res, routed.reply.status, routed.reply.body);
    }
    const own = routed.faults;
    const plans = [runtime, own];
    if (await transportFault(res, plans, { wait, random, stats })) return;
    const malformed = plans.find((p) => consume(p, 'malformedNext'));
    if (malformed) {
      stats.malformed++;
      if (malformed.malformedKind === 'notJson') return send(res, 200, '<html><body>Inloggning krävs</body></html>', 'text/html');
      return json(res, 200, { unexpected: true, status: 42 });
    }
    const body = routed.answer();
    if (body instanceof SimReply) {
      stats.rejected++;
      return json(res, body.status, body.body);
    }
    stats.answered++;
    if (body instanceof RawJsonBody) send(res, 200, body.text);
    else json(res, 200, body);
  }

  function handleAdmin(request: SimRequest, res: ServerResponse): void {
    const path = request.url.pathname;
    if (path === '/__stats' && request.method === 'GET') return json(res, 200, stats);
    if (path === '/__faults') {
      if (request.method === 'GET') return json(res, 200, runtime);
      if (request.method === 'DELETE') {
        runtime = {};
        return json(res, 200, runtime);
      }
      if (request.method === 'POST') {
        const plan = jsonFaultPlanSchema.safeParse(request.body);
        if (!plan.success) return json(res, 400, { error: plan.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
        runtime = { ...runtime, ...plan.data };
        return json(res, 200, runtime);
      }
      return json(res, 405, { error: 'metoden stöds inte' });
    }
    const own = config.admin?.(request);
    if (own) return json(res, own.status, own.body);
    return json(res, 404, { error: 'okänd adminväg' });
  }

  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        json(res, 413, { error: 'för stor fråga' });
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
      let body: unknown;
      if (text.length > 0) {
        try {
          body = JSON.parse(text);
        } catch {
          return json(res, 400, { error: 'kroppen ska vara JSON' });
        }
      }
      const request: SimRequest = { method: req.method ?? 'GET', url, body };
      if (url.pathname.startsWith('/__')) {
        try {
          return handleAdmin(request, res);
        } catch (error) {
          return json(res, 400, { error: error instanceof Error ? error.message : 'ogiltig adminfråga' });
        }
      }
      serve(request, res).catch(() => json(res, 500, { error: 'internt fel i simulatorn' }));
    });
  });

  const host = config.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const shownHost = host === '::1' ? '[::1]' : host;

  return {
    url: `http://${shownHost}:${port}`,
    stop: () => stopServer(server, timers),
    setFaults: (plan) => {
      runtime = { ...runtime, ...jsonFaultPlanSchema.parse(plan) };
    },
    clearFaults: () => {
      runtime = {};
    },
    faults: () => structuredClone(runtime),
    stats: () => ({ ...stats }),
  };
}

/** A 12-digit personal number from a POST body, or undefined (the caller answers 400). */
export function personalNumberIn(body: unknown): string | undefined {
  const pn = (body as { personalNumber?: unknown } | undefined)?.personalNumber;
  return typeof pn === 'string' && /^\d{12}$/.test(pn) ? pn : undefined;
}
