import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { SystemException } from '../../src/domain/errors.js';
import { createJsonHttpClient, isRetryableStatus, looksLikePersonalNumber, type HttpAttemptEvent, type JsonHttpOptions } from '../../src/registers/http.js';
import { backoffDelay, DEFAULT_RETRY, retryPolicy } from '../../src/registers/retry.js';
import { everythingIn, rejectionOf, scriptedFetch } from '../support/netSpy.js';

const PERSON = '198504129803';
const CASE = 'A-2026-000123';
const reply = z.object({ ok: z.boolean() });
const OK = { status: 200, body: '{"ok":true}' };

function client(fetchImpl: typeof fetch, overrides: Partial<JsonHttpOptions> = {}) {
  const sleeps: number[] = [];
  const events: HttpAttemptEvent[] = [];
  const http = createJsonHttpClient({
    register: 'kir',
    label: 'KIR',
    baseUrl: 'http://127.0.0.1:9/',
    retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onAttempt: (e) => events.push(e),
    fetch: fetchImpl,
    ...overrides,
  });
  const ask = () => http.request({ method: 'POST', path: '/kir/v1/lookup', body: { personalNumber: PERSON }, caseId: CASE }, reply);
  return { http, ask, sleeps, events };
}

async function systemFailure(promise: Promise<unknown>): Promise<SystemException> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(SystemException);
  const text = everythingIn(error);
  expect(text).not.toContain(PERSON);
  expect(text).not.toContain(PERSON.slice(2));
  return error as SystemException;
}

describe('backoff maths (shared with SSBTEK)', () => {
  it('doubles the cap per failed attempt up to the maximum, with full jitter below it', () => {
    const policy = { attempts: 6, baseDelayMs: 100, maxDelayMs: 1000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(policy, n, () => 0.999999))).toEqual([99, 199, 399, 799, 999]);
    expect([1, 2, 3].map((n) => backoffDelay(policy, n, () => 0))).toEqual([0, 0, 0]);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(200);
  });

  it('fills defaults and refuses a policy that could never try', () => {
    expect(retryPolicy('kir', undefined)).toEqual(DEFAULT_RETRY);
    expect(retryPolicy('kir', { attempts: 2 })).toEqual({ ...DEFAULT_RETRY, attempts: 2 });
    expect(() => retryPolicy('kir', { attempts: 0 })).toThrow(/attempts/);
  });

  it('knows which statuses are worth another try', () => {
    expect([500, 502, 503, 504, 408, 429].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });
});

describe('retries', () => {
  it('retries 5xx, 408 and 429 and a broken connection, waiting with backoff, then succeeds', async () => {
    const { ask, sleeps, events } = client(
      scriptedFetch([{ status: 503, body: 'x' }, { status: 408, body: '' }, 'network', OK]),
    );
    expect(await ask()).toEqual({ ok: true });
    expect(sleeps).toEqual([50, 100, 200]);
    expect(events.map((e) => [e.outcome, e.httpStatus ?? null, e.retryable])).toEqual([
      ['http', 503, true],
      ['http', 408, true],
      ['network', null, true],
      ['ok', 200, false],
    ]);
    expect(events.every((e) => e.register === 'kir' && e.caseId === CASE)).toBe(true);
  });

  it('gives up after the last attempt with a SystemException naming register and case', async () => {
    const { ask, sleeps } = client(scriptedFetch([{ status: 429, body: '' }]));
    const error = await systemFailure(ask());
    expect(error.component).toBe('kir');
    expect(error.message).toContain('KIR');
    expect(error.message).toContain(CASE);
    expect(error.message).toContain('4 försök');
    expect(error.message).toContain('HTTP 429');
    expect(sleeps).toHaveLength(3); // no wait after the last attempt
  });

  it('does not retry other 4xx', async () => {
    for (const status of [400, 401, 403, 404, 422]) {
      const { ask, events, sleeps } = client(scriptedFetch([{ status, body: '{"error":"nej"}' }, OK]));
      const error = await systemFailure(ask());
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).toContain('försöker inte igen');
      expect(events).toHaveLength(1);
      expect(sleeps).toEqual([]);
    }
  });

  it('retries a body that is not JSON (a proxy page) but not JSON of the wrong shape', async () => {
    const notJson = client(scriptedFetch([{ status: 200, body: '<html>login</html>' }, OK]));
    expect(await notJson.ask()).toEqual({ ok: true });
    expect(notJson.events.map((e) => e.outcome)).toEqual(['notJson', 'ok']);

    const badShape = client(scriptedFetch([{ status: 200, body: JSON.stringify({ ok: 'yes', personalNumber: PERSON }) }, OK]));
    const error = await systemFailure(badShape.ask());
    expect(error.message).toContain('fel form');
    expect(error.message).toContain('ok'); // the field, not its value
    expect(badShape.events).toHaveLength(1);
  });

  it('drops the transport error text (it may quote anything) and keeps only the outcome', async () => {
    const { ask } = client(scriptedFetch(['network']));
    const error = await systemFailure(ask());
    expect(error.message).toContain('anslutningen misslyckades');
    expect(everythingIn(error)).not.toContain('ECONNREFUSED');
  });
});

describe('timeouts over loopback', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) {
      const s = server;
      server = undefined;
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  it('cuts an attempt that does not answer in time and retries it', async () => {
    let calls = 0;
    server = createServer((req, res) => {
      calls++;
      req.resume();
      if (calls === 1) return; // hang
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { ask, events } = client(fetch, { baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 100 });
    expect(await ask()).toEqual({ ok: true });
    expect(events.map((e) => e.outcome)).toEqual(['timeout', 'ok']);
  });

  it('names the timeout when every attempt hangs', async () => {
    server = createServer((req) => req.resume());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const { ask } = client(fetch, { baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 50, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } });
    const error = await systemFailure(ask());
    expect(error.message).toMatch(/inget svar inom 50 ms/);
    expect(error.message).toContain('2 försök');
  });
});

describe('personal numbers stay out of URLs and messages', () => {
  it('recognises personal numbers in the forms they are written, and not opaque ids', () => {
    expect(looksLikePersonalNumber('/x/198504129803')).toBe(true);
    expect(looksLikePersonalNumber('?pnr=8504129803')).toBe(true);
    expect(looksLikePersonalNumber('?pnr=850412-9803')).toBe(true);
    expect(looksLikePersonalNumber('?after=c00000012&limit=100')).toBe(false);
    expect(looksLikePersonalNumber('?after=1772000000000')).toBe(false); // epoch milliseconds
    expect(looksLikePersonalNumber('?pnr=198504129804')).toBe(false); // wrong check digit
  });

  it('refuses to send a URL that carries one, and says so without it', async () => {
    const calls: Array<{ url: string }> = [];
    const { http } = client(scriptedFetch([OK], calls));
    const error = await systemFailure(http.request({ method: 'GET', path: `/kir/v1/person/${PERSON}`, caseId: CASE }, reply));
    expect(error.message).toContain('personnummer');
    const viaQuery = await systemFailure(http.request({ method: 'GET', path: '/x', query: { pnr: PERSON }, caseId: CASE }, reply));
    expect(viaQuery.component).toBe('kir');
    expect(calls).toEqual([]);
  });

  it('sends the personal number in the POST body only', async () => {
    const calls: Array<{ url: string; init?: RequestInit }> = [];
    const { ask } = client(scriptedFetch([OK], calls));
    await ask();
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url).toBe('http://127.0.0.1:9/kir/v1/lookup');
    expect(calls[0]!.init?.method).toBe('POST');
    expect(JSON.parse(String(calls[0]!.init?.body))).toEqual({ personalNumber: PERSON });
  });

  it('refuses a case id that could smuggle a personal number into a message', async () => {
    const { http } = client(scriptedFetch([OK]));
    const error = await systemFailure(http.request({ method: 'POST', path: '/x', body: {}, caseId: `A-${PERSON}` }, reply));
    expect(error.message).toContain('ärende-id');
  });
});
