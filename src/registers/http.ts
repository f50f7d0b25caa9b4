import type * as z from 'zod';
import { looksLikePersonalNumber } from '../domain/personalNumberInText.js';
import type { LookupContext } from './types.js';
import { RequestRefusedException, SystemException } from '../domain/errors.js';
import { AttemptFailure, isRetryableStatus, isSafeCaseId, realSleep, retryPolicy, withRetries, type RetryPolicy } from './retry.js';
import { fetchWithDeadline, type HttpSend } from './transport.js';

/**
 * JSON over HTTP for the registers that speak it (KIR, the plan module, the e-service feed).
 * One place decides what is worth another try (timeouts, broken connections, 5xx, 408, 429,
 * a body that is not JSON) and what is not (any other 4xx, a JSON reply of the wrong shape),
 * so every client fails the same way: SystemException(register) naming the register and the
 * case, never the person. Personal numbers travel in POST bodies only; a URL that looks as if
 * it carries one is refused before anything is sent.
 */

export interface JsonHttpSettings {
  /** Per attempt, from sending to the last byte of the reply. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Sent with every call (e.g. authorization); never logged here. */
  headers?: Record<string, string>;
  /** Injected for tests; default real timers, Math.random and global fetch. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
  onAttempt?: (event: HttpAttemptEvent) => void;
}

export interface JsonHttpOptions extends JsonHttpSettings {
  /** SystemException.component, e.g. "kir". */
  register: string;
  /** The register as a caseworker reads it in a message, e.g. "KIR". */
  label: string;
  /** Base URL; request paths are appended to it. */
  baseUrl: string;
}

/** One attempt, as metrics and logs may see it: register and case id, never the person. */
type HttpOutcome = 'timeout' | 'network' | 'http' | 'notJson' | 'badShape';

export interface HttpAttemptEvent {
  register: string;
  caseId?: string;
  attempt: number;
  outcome: 'ok' | HttpOutcome;
  retryable: boolean;
  httpStatus?: number;
  durationMs: number;
}

export interface JsonRequest {
  method: 'GET' | 'POST';
  /** Appended to baseUrl, e.g. "/kir/v1/lookup". Never a personal number. */
  path: string;
  /** Query parameters; never a personal number. Undefined values are left out. */
  query?: Record<string, string | number | undefined>;
  /** JSON body for POST: where personal numbers go. */
  body?: unknown;
  /** Named in every message; absent for calls that serve no single case (the intake feed). */
  caseId?: string;
}

export interface JsonHttpClient {
  request<T>(request: JsonRequest, reply: z.ZodType<T>): Promise<T>;
}

/** One failed attempt: what to call it and whether another may help. */
export { isRetryableStatus } from './retry.js';

/** The one detector (domain/personalNumberInText.ts), re-exported for the clients that import it from here. */
export { looksLikePersonalNumber };

/**
 * A question about people for one case: POST to `path` with the personal numbers (`people`) in
 * the body beside the case and the municipality asking, so the register can log why it was
 * asked; never a personal number in the URL.
 */
export function askAboutPeople<T>(http: JsonHttpClient, path: string, people: Record<string, unknown>, context: LookupContext, reply: z.ZodType<T>): Promise<T> {
  return http.request({ method: 'POST', path, body: { ...people, caseId: context.caseId, askingMunicipality: context.municipality }, caseId: context.caseId }, reply);
}

/** Field paths of a failed reply, never its values: the reply may be full of personal data. */
function shapeProblems(error: z.ZodError): string {
  const fields = [...new Set(error.issues.map((i) => i.path.map(String).join('.') || '(hela svaret)'))];
  const shown = fields.slice(0, 5).join(', ');
  return fields.length > 5 ? `${shown} m.fl.` : shown;
}

export function createJsonHttpClient(options: JsonHttpOptions): JsonHttpClient {
  const policy = retryPolicy(options.register, options.retry);
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  const label = options.label;

  const fail = (message: string, cause?: string) =>
    new SystemException(options.register, message, cause === undefined ? undefined : { cause: new Error(cause) });

  // Addresses without a query, checked once: the same few paths serve every case.
  const checkedPaths = new Map<string, string>();

  function buildUrl(request: JsonRequest, forCase: string): string {
    const plain = request.query === undefined || Object.values(request.query).every((v) => v === undefined);
    const known = plain ? checkedPaths.get(request.path) : undefined;
    if (known !== undefined) return known;
    const url = new URL(base + request.path);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const text = url.toString();
    // Last line of defence: a personal number in a URL ends up in proxy and server logs.
    if (looksLikePersonalNumber(url.pathname + url.search)) {
      throw fail(`${label}-anropet${forCase} skickades inte: adressen ser ut att innehålla ett personnummer`);
    }
    if (plain && checkedPaths.size < 64) checkedPaths.set(request.path, text);
    return text;
  }

  async function attemptOnce<T>(url: string, request: JsonRequest, reply: z.ZodType<T>): Promise<{ value: T; status: number }> {
    const init: HttpSend = {
      method: request.method,
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        ...options.headers,
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    };
    const { status, text } = await fetchWithDeadline(doFetch, url, init, timeoutMs);

    if (isRetryableStatus(status)) throw new AttemptFailure('http', true, `HTTP ${status}`, status);
    if (status < 200 || status >= 300) throw new AttemptFailure('http', false, `HTTP ${status}`, status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // A proxy's error page or a cut-off body: the next try may get the real answer.
      throw new AttemptFailure('notJson', true, 'svaret var inte JSON', status);
    }
    const parsed = reply.safeParse(json);
    if (!parsed.success) {
      // Valid JSON of the wrong shape is a contract mismatch: asking again gives the same.
      throw new AttemptFailure('badShape', false, `fält som inte stämmer: ${shapeProblems(parsed.error)}`, status);
    }
    return { value: parsed.data, status };
  }

  async function request<T>(request: JsonRequest, reply: z.ZodType<T>): Promise<T> {
    const { caseId } = request;
    if (caseId !== undefined && !isSafeCaseId(caseId)) {
      throw fail(`${label}-frågan kunde inte byggas: ärende-id:t har fel form`);
    }
    const forCase = caseId === undefined ? '' : ` för ärende ${caseId}`;
    const url = buildUrl(request, forCase);
    const event = (attempt: number, durationMs: number, outcome: HttpAttemptEvent['outcome'], retryable: boolean, httpStatus?: number): HttpAttemptEvent => ({
      register: options.register,
      ...(caseId === undefined ? {} : { caseId }),
      attempt,
      outcome,
      retryable,
      ...(httpStatus === undefined ? {} : { httpStatus }),
      durationMs,
    });
    const { value: answered } = await withRetries<{ value: T; status: number }, HttpOutcome>({ policy, sleep, random }, () => attemptOnce(url, request, reply), {
      succeeded: (attempt, answer, ms) => options.onAttempt?.(event(attempt, ms, 'ok', false, answer.status)),
      failed: (attempt, failure, ms) => options.onAttempt?.(event(attempt, ms, failure.outcome, failure.retryable, failure.httpStatus)),
      refused: (failure) => {
        const what = failure.outcome === 'badShape' ? 'svarade med fel form' : 'avvisade frågan';
        return new RequestRefusedException(options.register, `${label} ${what}${forCase}: ${failure.message} (försöker inte igen)`, failure.httpStatus, {
          cause: new Error(failure.outcome),
        });
      },
      exhausted: (last) =>
        fail(`${label} svarade inte${forCase} efter ${policy.attempts} försök (senast: ${last?.message ?? 'okänt fel'})`, last?.outcome ?? 'unknown'),
    });
    return answered.value;
  }

  return { request };
}

/** Personal numbers leave the robot in 12-digit form only; the check keeps the message safe. */
export function requireTwelveDigits(register: string, label: string, personalNumber: string, caseId: string): void {
  if (!/^\d{12}$/.test(personalNumber)) {
    const forCase = isSafeCaseId(caseId) ? ` för ärende ${caseId}` : '';
    throw new SystemException(register, `${label}-frågan${forCase} kunde inte byggas: personnumret ska vara 12 siffror`);
  }
}
