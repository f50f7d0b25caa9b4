import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpCaseSystemAdapter, type HttpCaseSystemOptions } from '../../src/casesystem/http.js';
import { SystemException } from '../../src/domain/errors.js';
import type { HttpAttemptEvent } from '../../src/registers/http.js';
import { start, type CaseSystemApiSandbox } from '../../src/sandbox/caseSystemApi.js';
import { everythingIn, rejectionOf, spyingFetch } from '../support/netSpy.js';
import { decision } from '../support/decisions.js';

const CASE = 'A-2026-000206';
const PERSONAL_NUMBER = '198504129803'; // synthetic, from fixtures/registers/kir

let sandbox: CaseSystemApiSandbox;
let urls: string[];
let sleeps: number[];
let events: HttpAttemptEvent[];

const adapter = (overrides: Partial<HttpCaseSystemOptions> = {}) =>
  new HttpCaseSystemAdapter({
    baseUrl: sandbox.url,
    timeoutMs: 1000,
    retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    fetch: spyingFetch(urls),
    onAttempt: (e) => events.push(e),
    ...overrides,
  });

async function failure(promise: Promise<unknown>): Promise<SystemException> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(SystemException);
  expect((error as SystemException).component).toBe('casesystem');
  expect(everythingIn(error)).not.toContain(PERSONAL_NUMBER);
  return error as SystemException;
}

beforeEach(async () => {
  sandbox = await start({ port: 0, cases: [CASE, 'A-2026-000207'] });
  urls = [];
  sleeps = [];
  events = [];
});
afterEach(async () => {
  await sandbox.stop();
  for (const url of urls) {
    expect(url).not.toMatch(/\d{10}/);
    expect(url).not.toContain(PERSONAL_NUMBER);
  }
});

describe('HTTP case-system adapter against the sandbox API', () => {
  it('writes a decision and returns the confirmation number; the case system has it with its lines', async () => {
    const d = decision('D-1001');
    expect(await adapter().writeDecision(d)).toEqual({ confirmation: 'VS-500001' });
    const [recorded, ...more] = sandbox.decisions();
    expect(more).toEqual([]);
    expect(recorded).toMatchObject({ caseId: CASE, decisionId: 'D-1001', confirmation: 'VS-500001', hash: d.hash });
    expect(recorded?.body).toMatchObject({ month: '2026-03', outcome: 'GRANT', amount: '7066', signedBy: d.signedBy });
    expect(recorded?.body.lines.map((l) => [l.label, l.amount])).toEqual(d.lines.map((l) => [l.label, l.amount]));
    // Asked first, then wrote; ids only in the addresses.
    expect(urls).toEqual([`${sandbox.url}/casesystem/v1/cases/${CASE}/decisions/D-1001`, `${sandbox.url}/casesystem/v1/cases/${CASE}/decisions`]);
  });

  it('is idempotent by decision id: a second call returns the first confirmation and writes nothing', async () => {
    const d = decision('D-1002');
    const first = await adapter().writeDecision(d);
    const second = await adapter().writeDecision(d);
    expect(second).toEqual(first);
    expect(sandbox.decisions()).toHaveLength(1);
    expect(sandbox.posts('D-1002')).toBe(1); // the second call only asked
    // Another decision gets another number.
    expect((await adapter().writeDecision(decision('D-1003', 'A-2026-000207'))).confirmation).not.toBe(first.confirmation);
  });

  it('retries a POST whose reply was lost and gets the same confirmation, recorded once', async () => {
    sandbox.loseReplyNext(1);
    const result = await adapter().writeDecision(decision('D-1004'));
    expect(result.confirmation).toBe(sandbox.decisions()[0]?.confirmation);
    expect(sandbox.decisions()).toHaveLength(1);
    expect(sandbox.posts('D-1004')).toBe(2);
    expect(events.map((e) => e.outcome)).toEqual(['ok', 'http', 'ok']);
  });

  it('retries 5xx with backoff and then writes', async () => {
    sandbox.setFaults({ failNext: 2, failStatus: 503 });
    expect((await adapter().writeDecision(decision('D-1005'))).confirmation).toMatch(/^VS-\d+$/);
    expect(sleeps).toEqual([50, 100]);
    expect(events.map((e) => [e.outcome, e.httpStatus])).toEqual([
      ['http', 503],
      ['http', 503],
      ['ok', 200],
      ['ok', 200],
    ]);
    expect(sandbox.decisions()).toHaveLength(1);
  });

  it('retries a timeout and a non-JSON page', async () => {
    sandbox.setFaults({ hangNext: 1, malformedNext: 1, malformedKind: 'notJson' });
    expect((await adapter({ timeoutMs: 200 }).writeDecision(decision('D-1006'))).confirmation).toMatch(/^VS-/);
    expect(events.map((e) => e.outcome)).toEqual(['timeout', 'notJson', 'ok', 'ok']);
  });

  it('gives up after its attempts as SystemException("casesystem") naming the case', async () => {
    sandbox.setFaults({ failNext: 10, failStatus: 502 });
    const error = await failure(adapter().writeDecision(decision('D-1007')));
    expect(error.message).toContain(CASE);
    expect(error.message).toContain('3 försök');
    expect(events).toHaveLength(3);
    expect(sandbox.decisions()).toEqual([]);
  });

  it('does not retry a 4xx', async () => {
    sandbox.setFaults({ failNext: 1, failStatus: 400 });
    const error = await failure(adapter().writeDecision(decision('D-1008')));
    expect(error.message).toContain('HTTP 400');
    expect(error.message).toContain(CASE);
    expect(events).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('does not retry an unknown case (404)', async () => {
    const error = await failure(adapter().writeDecision(decision('D-1009', 'A-2026-999999')));
    expect(error.message).toContain('HTTP 404');
    expect(error.message).toContain('A-2026-999999');
    expect(events).toHaveLength(1);
  });

  it('refuses to report success when the decision id is recorded with other content', async () => {
    await adapter().writeDecision(decision('D-1010'));
    const changed = decision('D-1010', CASE, { amount: '9999' });
    const error = await failure(adapter().writeDecision(changed));
    expect(error.message).toContain('D-1010');
    expect(error.message).toContain('annat innehåll');
    expect(error.message).not.toContain('9999');
    expect(sandbox.decisions()[0]?.hash).not.toBe(changed.hash);
  });

  it('a 409 from the POST (changed content, raced) is not retried', async () => {
    // The status GET cannot see the first write yet: simulate by writing behind its back.
    const first = decision('D-1011');
    await adapter().writeDecision(first);
    const changed = decision('D-1011', CASE, { amount: '1' });
    let calls = 0;
    const blindFetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      calls++;
      if (calls === 1) return new Response(JSON.stringify({ recorded: false }), { status: 200 });
      return fetch(input, init);
    }) as typeof fetch;
    const error = await failure(adapter({ fetch: spyingFetch(urls, blindFetch) }).writeDecision(changed));
    expect(error.message).toContain('HTTP 409');
    expect(sandbox.decisions()).toHaveLength(1);
  });

  it('keeps personal data out of URLs and errors', async () => {
    // A personal number where none belongs: it may travel in the body only.
    const leaky = decision('D-1012', CASE, {
      lines: [{ kind: 'norm', label: 'Riksnorm', amount: '3292.00', rule: 'r', source: 's', note: `avser ${PERSONAL_NUMBER}` }],
    });
    sandbox.setFaults({ failNext: 10 });
    const error = await failure(adapter().writeDecision(leaky));
    expect(error.message).not.toContain('3292');

    // A case id or decision id shaped like a personal number is refused before anything is sent.
    const before = urls.length;
    await failure(adapter().writeDecision(decision('D-1013', PERSONAL_NUMBER)));
    await failure(adapter().writeDecision(decision(PERSONAL_NUMBER)));
    await failure(adapter().writeDecision(decision('D/../1014')));
    expect(urls.length).toBe(before);
  });
});
