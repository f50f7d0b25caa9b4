import { createSecureContext, rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { AttemptFailure } from './retry.js';

/**
 * The one HTTP exchange every register client makes in production: undici over kept-alive
 * connections. A case makes 3–4 register calls (SSBTEK per adult, KIR once, the plan once);
 * node:http cost about 50 µs of CPU a call on this machine and undici about 25 (the same
 * loopback server), 3–4 % of the robot's CPU per application in the pipeline bench. Through
 * undici's dispatch with a handler that collects the body (WholeReply), a call cost 66 µs of
 * client CPU against 85 through its request() on 2026-11-30 (a slower VM; 16 calls in flight,
 * 2 kB replies).
 */

/** What a register call sends: the parts of a fetch RequestInit the clients use. */
export interface HttpSend {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/**
 * Connections per register host are bounded (a burst of case jobs cannot open thousands of
 * sockets) and kept open between calls. `pipelining: 1`: one request at a time on a
 * connection, so a slow answer never holds up another case's.
 */
const POOL = { connections: 64, pipelining: 1, keepAliveTimeout: 4_000 } as const;
let dispatcher = new Agent(POOL);

/** The organisation's TLS identity for HTTPS calls, as PEM text. */
export interface ClientTls {
  cert?: string;
  key?: string;
  /** Trusted besides Node's own CAs (a register behind the municipality's own CA). */
  ca?: string;
}

/**
 * @throws Error (node:tls) when the key does not fit the certificate or a text is not PEM.
 * Every call from now on shows `tls.cert` to a server that asks for a client certificate
 * (SSBTEK: the organisation's certificate) and trusts `tls.ca` besides Node's CAs. Called once at
 * start (cli/daemon.ts), before any call; one process speaks as one organisation.
 */
export function useClientTls(tls: ClientTls): void {
  const connect = {
    ...(tls.cert !== undefined ? { cert: tls.cert, key: tls.key } : {}),
    ...(tls.ca !== undefined ? { ca: [...rootCertificates, tls.ca] } : {}),
  };
  // Throws now for a key that does not belong to the certificate or text that is not PEM,
  // rather than at the first look-up as a "network" failure.
  createSecureContext(connect);
  const previous = dispatcher;
  dispatcher = new Agent({ ...POOL, connect });
  void previous.close().catch(() => undefined);
}

/** An address read once into origin and path: the clients call the same few addresses for every case. Bounded, for safety. */
const targets = new Map<string, { origin: string; path: string }>();
function targetOf(url: string): { origin: string; path: string } {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= 256) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/**
 * One HTTP exchange with a deadline: the status and the whole body, or a retryable
 * AttemptFailure ('timeout' or 'network'). With `doFetch` (tests inject one to script replies
 * and faults) it goes through fetch; otherwise through sendWithDeadline, as in production.
 * @param timeoutMs per attempt, in ms
 */
export async function fetchWithDeadline(doFetch: typeof fetch | undefined, url: string, init: HttpSend, timeoutMs: number): Promise<{ status: number; text: string }> {
  if (!doFetch) return sendWithDeadline(url, init, timeoutMs);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await doFetch(url, { ...init, signal: controller.signal });
    return { status: response.status, text: await response.text() };
  } catch {
    if (controller.signal.aborted) throw new AttemptFailure('timeout', true, `inget svar inom ${timeoutMs} ms`);
    throw new AttemptFailure('network', true, 'anslutningen misslyckades');
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Collects one reply for undici's dispatch: the status and the body's bytes, handed over whole
 * when the reply has ended. Through dispatch rather than undici's request(), which wraps every
 * reply in a stream and an async resource; a case makes 3–4 calls, each replied to in
 * a few kilobytes, and read whole.
 */
export class WholeReply {
  private readonly chunks: Buffer[] = [];
  private status = 0;
  private abortCall: ((reason: Error) => void) | undefined;
  private ended = false;

  constructor(
    private readonly done: (reply: { status: number; text: string }) => void,
    private readonly failed: (error: Error) => void,
  ) {}

  /** Stops the call (the deadline); ends it as failed if undici has not started it yet. */
  abort(reason: Error): void {
    if (this.abortCall) this.abortCall(reason);
    else this.onError(reason);
  }

  onConnect(abort: (reason: Error) => void): void {
    this.abortCall = abort;
    // Past its deadline while it waited for a connection: not sent at all.
    if (this.ended) abort(new Error('timeout'));
  }

  onHeaders(statusCode: number): boolean {
    this.status = statusCode;
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    return true;
  }

  onComplete(): void {
    if (this.ended) return;
    this.ended = true;
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.done({ status: this.status, text: body.toString('utf8') });
  }

  onError(error: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failed(error);
  }
}

/**
 * One exchange with a deadline from sending to the last byte of the reply: the status and the
 * whole body as UTF-8 text, or a retryable AttemptFailure ('timeout' or 'network'). The
 * transport's own error is dropped on purpose: its text is the transport's, not ours, and
 * could quote what was sent. A reply cut off before its end is a 'network' failure.
 * @param timeoutMs per attempt, in ms
 */
export async function sendWithDeadline(url: string, init: HttpSend, timeoutMs: number): Promise<{ status: number; text: string }> {
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const { origin, path } = targetOf(url);
    return await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const reply = new WholeReply(resolve, reject);
      timer = setTimeout(() => {
        timedOut = true;
        reply.abort(new Error('timeout'));
      }, timeoutMs);
      dispatcher.dispatch({ origin, path, method: init.method, headers: init.headers, body: init.body ?? null }, reply);
    });
  } catch {
    if (timedOut) throw new AttemptFailure('timeout', true, `inget svar inom ${timeoutMs} ms`);
    throw new AttemptFailure('network', true, 'anslutningen misslyckades');
  } finally {
    clearTimeout(timer);
  }
}
