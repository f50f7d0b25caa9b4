import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemException } from '../../src/domain/errors.js';
import type { HttpAttemptEvent } from '../../src/registers/http.js';
import { createKirClient, type KirClientOptions } from '../../src/registers/kir.js';
import { start, type KirSandbox } from '../../src/sandbox/kir.js';
import { everythingIn, rejectionOf, spyingFetch } from '../support/netSpy.js';

// Synthetic people from fixtures/registers/kir.
const RESIDENT = '198504129803'; // 2026-03-registered-income-matching, Trelleborg
const PROTECTED_CHILD = '201709093460'; // 2026-03-protected-identity
const ELSEWHERE = '199205051643'; // 2026-02-not-resident, Malmö
const SVEDALA = '197909091360'; // 2026-03-svedala-couple
const UNKNOWN = '198607279893'; // valid, in no fixture
const CONTEXT = { caseId: 'A-2026-000206', municipality: '1287' };

let sandbox: KirSandbox;
let urls: string[];
let sleeps: number[];
let events: HttpAttemptEvent[];

const client = (overrides: Partial<KirClientOptions> = {}) =>
  createKirClient({
    url: sandbox.url,
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

async function failure(promise: Promise<unknown>, person: string): Promise<SystemException> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(SystemException);
  expect((error as SystemException).component).toBe('kir');
  expect(everythingIn(error)).not.toContain(person);
  expect((error as Error).message).toContain(CONTEXT.caseId);
  return error as SystemException;
}

beforeEach(async () => {
  sandbox = await start({ port: 0 });
  urls = [];
  sleeps = [];
  events = [];
});
afterEach(async () => {
  await sandbox.stop();
  for (const url of urls) expect(url).not.toMatch(/\d{10}/);
});

describe('KIR over loopback', () => {
  it('answers residence and protected identity from the fixtures', async () => {
    const kir = client();
    expect(await kir.lookup(RESIDENT, CONTEXT)).toEqual({ personalNumber: RESIDENT, status: 'answered', municipality: '1287', protectedIdentity: false });
    expect(await kir.lookup(PROTECTED_CHILD, CONTEXT)).toMatchObject({ municipality: '1287', protectedIdentity: true });
    expect(await kir.lookup(ELSEWHERE, CONTEXT)).toMatchObject({ municipality: '1280', protectedIdentity: false });
    expect(await kir.lookup(SVEDALA, CONTEXT)).toMatchObject({ municipality: '1263' });
    expect(new Set(urls)).toEqual(new Set([`${sandbox.url}/kir/v1/lookup`]));
    expect(sandbox.stats()).toMatchObject({ requests: 4, answered: 4 });
  });

  it('treats an unknown person as a failure, not as "resident, not protected", without retrying', async () => {
    const error = await failure(client().lookup(UNKNOWN, CONTEXT), UNKNOWN);
    expect(error.message).toContain('HTTP 404');
    expect(events).toHaveLength(1);
  });

  it('retries 503s with backoff and then answers', async () => {
    sandbox.setFaults({ failNext: 2 });
    expect(await client().lookup(RESIDENT, CONTEXT)).toMatchObject({ municipality: '1287' });
    expect(sleeps).toEqual([50, 100]);
    expect(sandbox.stats()).toMatchObject({ requests: 3, httpFailures: 2, answered: 1 });
  });

  it('gives up after its attempts as a SystemException naming KIR and the case', async () => {
    sandbox.setFaults({ failNext: 10, failStatus: 502 });
    const error = await failure(client().lookup(RESIDENT, CONTEXT), RESIDENT);
    expect(error.message).toMatch(/KIR svarade inte för ärende A-2026-000206 efter 3 försök \(senast: HTTP 502\)/);
  });

  it('cuts a hanging call at the timeout', async () => {
    sandbox.setFaults({ hangNext: 1 });
    expect(await client({ timeoutMs: 100 }).lookup(RESIDENT, CONTEXT)).toMatchObject({ municipality: '1287' });
    expect(events.map((e) => e.outcome)).toEqual(['timeout', 'ok']);
  });

  it('honours latency below the timeout', async () => {
    sandbox.setFaults({ latencyMs: 30 });
    const started = Date.now();
    await client().lookup(RESIDENT, CONTEXT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('refuses a malformed reply instead of guessing', async () => {
    sandbox.setFaults({ malformedNext: 1 });
    const error = await failure(client().lookup(PROTECTED_CHILD, CONTEXT), PROTECTED_CHILD);
    expect(error.message).toContain('fel form');
    expect(error.message).toContain('protectedIdentity');
  });

  it('retries an HTML page served with 200', async () => {
    sandbox.setFaults({ malformedNext: 1, malformedKind: 'notJson' });
    expect(await client().lookup(RESIDENT, CONTEXT)).toMatchObject({ municipality: '1287' });
    expect(events.map((e) => e.outcome)).toEqual(['notJson', 'ok']);
  });

  it('does not send a personal number in any other form than 12 digits', async () => {
    const error = await failure(client().lookup('850412-9803', CONTEXT), '850412-9803');
    expect(error.message).toContain('12 siffror');
    expect(urls).toEqual([]);
  });

  it('keeps per-person faults to that person', async () => {
    sandbox.add([{ personalNumber: UNKNOWN, municipality: '1287', protectedIdentity: false, faults: { failNext: 1 } }]);
    const kir = client();
    expect(await kir.lookup(RESIDENT, CONTEXT)).toMatchObject({ municipality: '1287' });
    expect(await kir.lookup(UNKNOWN, CONTEXT)).toMatchObject({ municipality: '1287' });
    expect(events.map((e) => e.outcome)).toEqual(['ok', 'http', 'ok']);
  });
});

describe('the household in one KIR call', () => {
  const HOUSEHOLD = [RESIDENT, PROTECTED_CHILD, ELSEWHERE, SVEDALA];

  it('answers every member, in the order asked, in one request', async () => {
    const answers = await client().lookupHousehold(HOUSEHOLD, CONTEXT);
    expect(answers).toEqual([
      { personalNumber: RESIDENT, status: 'answered', municipality: '1287', protectedIdentity: false },
      { personalNumber: PROTECTED_CHILD, status: 'answered', municipality: '1287', protectedIdentity: true },
      { personalNumber: ELSEWHERE, status: 'answered', municipality: '1280', protectedIdentity: false },
      { personalNumber: SVEDALA, status: 'answered', municipality: '1263', protectedIdentity: false },
    ]);
    expect(urls).toEqual([`${sandbox.url}/kir/v1/household`]);
    expect(sandbox.stats()).toMatchObject({ requests: 1, answered: 1 });
  });

  it('answers exactly as one call per person does', async () => {
    const kir = client();
    const one = await Promise.all(HOUSEHOLD.map((pn) => kir.lookup(pn, CONTEXT)));
    expect(await kir.lookupHousehold(HOUSEHOLD, CONTEXT)).toEqual(one);
  });

  it('fails the whole household, without retrying, when KIR does not know one member', async () => {
    const error = await failure(client().lookupHousehold([RESIDENT, UNKNOWN], CONTEXT), UNKNOWN);
    expect(error.message).toContain('HTTP 404');
    expect(everythingIn(error)).not.toContain(RESIDENT);
    expect(events).toHaveLength(1);
  });

  it('refuses a reply that leaves a member out, adds someone, or answers one twice', async () => {
    const replies = [
      { persons: [{ personalNumber: RESIDENT, municipality: '1287', protectedIdentity: false }] },
      { persons: [RESIDENT, PROTECTED_CHILD, SVEDALA].map((pn) => ({ personalNumber: pn, municipality: '1287', protectedIdentity: false })) },
      { persons: [RESIDENT, RESIDENT].map((pn) => ({ personalNumber: pn, municipality: '1287', protectedIdentity: false })) },
    ];
    for (const reply of replies) {
      const served = async () => new Response(JSON.stringify(reply), { status: 200, headers: { 'content-type': 'application/json' } });
      const error = await failure(client({ fetch: served as typeof fetch }).lookupHousehold([RESIDENT, PROTECTED_CHILD], CONTEXT), PROTECTED_CHILD);
      expect(error.message).toMatch(/gällde inte de personer som frågades/);
      expect(everythingIn(error)).not.toContain(RESIDENT);
    }
  });

  it('takes the faults of a member into the household call, and retries them', async () => {
    sandbox.add([{ personalNumber: UNKNOWN, municipality: '1287', protectedIdentity: false, faults: { failNext: 1 } }]);
    expect(await client().lookupHousehold([RESIDENT, UNKNOWN], CONTEXT)).toHaveLength(2);
    expect(events.map((e) => e.outcome)).toEqual(['http', 'ok']);
  });

  it('refuses numbers in other forms than 12 digits before anything is sent', async () => {
    await failure(client().lookupHousehold([RESIDENT, '850412-9803'], CONTEXT), '850412-9803');
    expect(urls).toEqual([]);
  });
});
