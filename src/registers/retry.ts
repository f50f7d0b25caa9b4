import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';

import { RobotError } from '../domain/errors.js';
/**
 * Retry arithmetic and the one HTTP exchange shared by every register client (SSBTEK's SOAP
 * client and the JSON clients), so the maths is tested once and the clients stay small; time
 * and chance are injected so tests neither wait nor flake.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Backoff cap before attempt n+1 is min(maxDelayMs, baseDelayMs * 2^(n-1)); full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4000 };

/**
 * Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): a uniform wait in
 * [0, cap). Spreading retries over the whole window keeps many workers that failed together
 * from hammering a recovering register together.
 */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(random() * cap);
}

/** The policy with defaults filled in; a policy that could never try is a programming error. */
export function retryPolicy(register: string, overrides: Partial<RetryPolicy> | undefined): RetryPolicy {
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...overrides };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new Error(`${register}: retry.attempts ska vara minst 1`);
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= 0)) throw new Error(`${register}: retry-fördröjningar kan inte vara negativa`);
  return policy;
}

export const realSleep = (ms: number): Promise<void> => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The case id goes into every message, so it must be an id (CONTRACTS.md's form) and must not
 * smuggle in something that looks like a personal number.
 */
export function isSafeCaseId(caseId: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(caseId) && !/\d{10}|\d{6}[-+_]\d{4}/.test(caseId);
}

/** Statuses that say "not now" rather than "not this": the same call may pass later. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** One failed attempt: what went wrong (for metrics), whether the same call may pass later, and words safe to log. */
export class AttemptFailure<O extends string = string> extends RobotError {
  readonly kind = 'system' as const;
  constructor(
    readonly outcome: O,
    readonly retryable: boolean,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/**
 * Connections to the registers are kept open between calls (keep-alive): a case makes about
 * five calls, and a new TCP connection for each costs more CPU than the call itself. The pool
 * per host is bounded so a burst of case jobs cannot open thousands of sockets.
 */
const KEEP_ALIVE = { keepAlive: true, maxSockets: 64, maxFreeSockets: 64, scheduling: 'lifo' as const };
const agents = { http: new http.Agent(KEEP_ALIVE), https: new https.Agent(KEEP_ALIVE) };

/** What a register call sends: the parts of a fetch RequestInit the clients use. */
export interface HttpSend {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/**
 * One HTTP exchange with a deadline: the status and the whole body, or a retryable
 * AttemptFailure ('timeout' or 'network'). The transport's own error is dropped on purpose: its
 * text is the transport's, not ours, and could quote what was sent. With `doFetch` (tests
 * inject one) it goes through fetch; otherwise through node:http on a kept-alive connection,
 * which costs a fraction of fetch's CPU per call (no WHATWG streams, no AbortSignal).
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
 * An address read once into request options (what http.request would make of it on every
 * call): the clients call the same few addresses for every case. Bounded, for safety.
 */
const targets = new Map<string, { secure: boolean; options: http.RequestOptions }>();
function targetOf(url: string): { secure: boolean; options: http.RequestOptions } {
  let target = targets.get(url);
  if (target === undefined) {
    const parsed = new URL(url);
    target = { secure: parsed.protocol === 'https:', options: urlToHttpOptions(parsed) };
    if (targets.size >= 256) targets.clear();
    targets.set(url, target);
  }
  return target;
}

/** fetchWithDeadline over node:http(s) with the kept-alive agents. */
function sendWithDeadline(url: string, init: HttpSend, timeoutMs: number): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let timedOut = false;
    const finish = (result: { status: number; text: string } | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (result) resolve(result);
      else if (timedOut) reject(new AttemptFailure('timeout', true, `inget svar inom ${timeoutMs} ms`));
      else reject(new AttemptFailure('network', true, 'anslutningen misslyckades'));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      request?.destroy();
      finish(null);
    }, timeoutMs);
    let request: http.ClientRequest | undefined;
    try {
      const { secure, options } = targetOf(url);
      const headers: Record<string, string | number> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
      request = (secure ? https : http).request({ ...options, method: init.method, headers, agent: secure ? agents.https : agents.http }, (response) => {
        response.setEncoding('utf8');
        let text = '';
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => finish(response.complete ? { status: response.statusCode ?? 0, text } : null));
        response.on('error', () => finish(null));
        response.on('close', () => finish(null));
      });
      request.on('error', () => finish(null));
      request.end(init.body);
    } catch {
      finish(null);
    }
  });
}

/**
 * Up to `policy.attempts` attempts with full-jitter backoff between them; the value and the
 * attempts it took. Each attempt is
 * reported (with its duration); a failure that is not retryable ends at once with `refused`,
 * and when the attempts are spent the last failure goes to `exhausted`. Any other error is a
 * bug and passes through untouched.
 */
export async function withRetries<T, O extends string>(
  retry: { policy: RetryPolicy; sleep: (ms: number) => Promise<void>; random: () => number },
  attemptOnce: () => Promise<T>,
  report: {
    succeeded(attempt: number, value: T, durationMs: number): void;
    failed(attempt: number, failure: AttemptFailure<O>, durationMs: number): void;
    refused(failure: AttemptFailure<O>): Error;
    exhausted(last: AttemptFailure<O> | undefined): Error;
  },
): Promise<{ value: T; attempts: number }> {
  let last: AttemptFailure<O> | undefined;
  for (let attempt = 1; attempt <= retry.policy.attempts; attempt++) {
    const started = Date.now();
    try {
      const value = await attemptOnce();
      report.succeeded(attempt, value, Date.now() - started);
      return { value, attempts: attempt };
    } catch (error) {
      if (!(error instanceof AttemptFailure)) throw error;
      last = error as AttemptFailure<O>;
      report.failed(attempt, last, Date.now() - started);
      if (!last.retryable) throw report.refused(last);
      if (attempt < retry.policy.attempts) await retry.sleep(backoffDelay(retry.policy, attempt, retry.random));
    }
  }
  throw report.exhausted(last);
}
