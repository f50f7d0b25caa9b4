import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemException } from '../../src/domain/errors.js';
import { backoffDelay, createSsbtekClient, type AttemptEvent, type SsbtekClientOptions } from '../../src/registers/ssbtek/client.js';
import { start, type SsbtekSandbox } from '../../src/sandbox/ssbtek.js';

// Synthetic people from fixtures/registers/ssbtek.
const SINGLE_PARENT = '198504129803';
const UNEMPLOYED = '198703129810';
const STUDENT = '198809219820';
const CAR_OWNER = '199001159830';
const FK_DOWN = '199208089855';
const AGENCY_ERRORS = '199311249867';
const ODD_AMOUNTS = '199402039870';
const FLAKY = '199505179888';
const UNKNOWN = '198607279893'; // valid, in no fixture

const CASE = 'A-2026-000123';
const FEBRUARY = { from: '2026-02-01', tom: '2026-02-28' };

let sandbox: SsbtekSandbox;
let sleeps: number[];
let events: AttemptEvent[];

function client(overrides: Partial<SsbtekClientOptions> = {}) {
  return createSsbtekClient({
    url: sandbox.url,
    ingivare: { organisationsnummer: '162120001165', namn: 'Testkommun', handlaggare: 'bistandsrobot' },
    fkAktorsId: 'sandlada-aktor',
    timeoutMs: 2000,
    retry: { attempts: 4, baseDelayMs: 100, maxDelayMs: 1000 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    onAttempt: (e) => events.push(e),
    ...overrides,
  });
}

const ask = (personalNumber: string, overrides: Partial<SsbtekClientOptions> = {}) =>
  client(overrides).lookup({ caseId: CASE, personalNumber, period: FEBRUARY });

/** Everything an error could show a log: message, stack, cause chain, inspect output. */
function everythingIn(error: unknown): string {
  return `${String(error)}\n${(error as Error).stack ?? ''}\n${inspect(error, { depth: 5 })}\n${JSON.stringify(error)}`;
}

async function failure(promise: Promise<unknown>): Promise<SystemException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SystemException);
  return error as SystemException;
}

beforeEach(async () => {
  sandbox = await start({ port: 0 });
  sleeps = [];
  events = [];
});
afterEach(async () => {
  await sandbox.stop();
});

describe('client and simulator over loopback', () => {
  it('round-trips FK payments inside the asked period only', async () => {
    const { answer, attempts } = await ask(SINGLE_PARENT);
    expect(attempts).toBe(1);
    expect(answer).toEqual({
      personalNumber: SINGLE_PARENT,
      status: 'answered',
      agencyErrors: [],
      payments: [
        { agency: 'FK', benefit: 'Allmänt barnbidrag', paidOn: '2026-02-20', net: '1250' },
        { agency: 'FK', benefit: 'Bostadsbidrag', paidOn: '2026-02-25', net: '1850' },
      ],
      vehicles: [],
    });
  });

  it('round-trips SO, CSN (with extra tillägg) and TNS', async () => {
    expect((await ask(UNEMPLOYED)).answer.payments.map((p) => [p.benefit, p.net])).toEqual([
      ['Arbetslöshetsersättning', '4225'],
      ['Arbetslöshetsersättning', '4225.50'],
    ]);
    expect((await ask(STUDENT)).answer.payments.map((p) => [p.benefit, p.net])).toEqual([
      ['Extra tillägg', '1084'],
      ['Studiemedel', '10452'],
    ]);
    const car = (await ask(CAR_OWNER)).answer;
    expect(car.vehicles).toEqual([{ fordonsslag: 'PERSONBIL', fordonsar: '2009', fabrikat: 'VOLVO' }]);
    expect(JSON.stringify(car)).not.toContain('TST123');
  });

  it('answers a person without fixture with nothing, not with an error', async () => {
    expect((await ask(UNKNOWN)).answer).toMatchObject({ agencyErrors: [], payments: [], vehicles: [] });
  });

  it('reports per-agency errors from fixtures and from run-time faults', async () => {
    expect((await ask(AGENCY_ERRORS)).answer.agencyErrors).toEqual(['CSN', 'MIV']);
    const down = await ask(FK_DOWN);
    expect(down.answer.agencyErrors).toEqual(['FK']);
    expect(down.answer.payments).toEqual([{ agency: 'SO', benefit: 'Arbetslöshetsersättning', paidOn: '2026-02-23', net: '3100' }]);

    sandbox.setFaults({ agencyErrors: ['SO', 'TNS'] });
    const lookup = await ask(UNEMPLOYED);
    expect(lookup.answer.agencyErrors).toEqual(['SO', 'TNS']);
    expect(lookup.answer.payments).toEqual([]);
    expect(JSON.stringify(lookup.problems)).not.toContain(UNEMPLOYED);
  });

  it('normalises a comma amount and errors the agency with a negative one', async () => {
    const { answer } = await ask(ODD_AMOUNTS);
    expect(answer.payments).toEqual([{ agency: 'FK', benefit: 'Bostadsbidrag', paidOn: '2026-02-25', net: '1250.50' }]);
    expect(answer.agencyErrors).toEqual(['SO']);
  });

  it('asks only the agencies requested', async () => {
    const lookup = await client().lookup({ caseId: CASE, personalNumber: UNEMPLOYED, period: FEBRUARY, agencies: ['SO'] });
    expect(lookup.answer.agencyErrors).toEqual([]);
    expect(lookup.answer.payments).toHaveLength(2);
  });
});

describe('retries', () => {
  it('gets through after 5xx, with full-jitter backoff between attempts', async () => {
    sandbox.setFaults({ failNext: 2, failStatus: 502 });
    const { answer, attempts } = await ask(SINGLE_PARENT);
    expect(attempts).toBe(3);
    expect(answer.payments).toHaveLength(2);
    expect(sandbox.stats().requests).toBe(3);
    // random() = 0.5 of the caps 100 and 200 ms.
    expect(sleeps).toEqual([50, 100]);
    expect(events.map((e) => [e.outcome, e.httpStatus])).toEqual([
      ['http', 502],
      ['http', 502],
      ['ok', 200],
    ]);
  });

  it('follows a fixture that fails its first calls', async () => {
    const { attempts } = await ask(FLAKY);
    expect(attempts).toBe(3);
  });

  it('gives up after N attempts of persistent 5xx with a SystemException naming the case', async () => {
    sandbox.setFaults({ failProbability: 1, failStatus: 503 });
    const error = await failure(ask(SINGLE_PARENT, { retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 } }));
    expect(error.component).toBe('ssbtek');
    expect(error.message).toContain(CASE);
    expect(error.message).toContain('3 försök');
    expect(sandbox.stats().requests).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(everythingIn(error)).not.toContain(SINGLE_PARENT);
  });

  it('retries a server SOAP Fault, but not a client one', async () => {
    sandbox.setFaults({ faultNext: 1, faultKind: 'server' });
    expect((await ask(SINGLE_PARENT)).attempts).toBe(2);

    sandbox.setFaults({ faultNext: 5, faultKind: 'client' });
    const before = sandbox.stats().requests;
    const error = await failure(ask(SINGLE_PARENT));
    expect(sandbox.stats().requests - before).toBe(1);
    expect(error.message).toContain('försöker inte igen');
  });

  it('does not retry a 4xx', async () => {
    sandbox.setFaults({ failNext: 3, failStatus: 400 });
    const error = await failure(ask(SINGLE_PARENT));
    expect(sandbox.stats().requests).toBe(1);
    expect(error.message).toContain('HTTP 400');
  });

  it('cuts a hanging call at the timeout and retries it', async () => {
    sandbox.setFaults({ hangNext: 1 });
    const { attempts } = await ask(SINGLE_PARENT, { timeoutMs: 200 });
    expect(attempts).toBe(2);
    expect(events[0]?.outcome).toBe('timeout');
  });

  it('throws after the last timeout, and the added latency counts against the timeout', async () => {
    sandbox.setFaults({ latencyMs: 400 });
    const error = await failure(ask(SINGLE_PARENT, { timeoutMs: 100, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }));
    expect(error.message).toContain('inget svar inom 100 ms');
    expect(events.map((e) => e.outcome)).toEqual(['timeout', 'timeout']);
    expect(everythingIn(error)).not.toContain(SINGLE_PARENT);
  });

  it('treats a refused connection as retryable and never leaks the person', async () => {
    const url = sandbox.url;
    await sandbox.stop();
    const error = await failure(ask(SINGLE_PARENT, { url, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }));
    expect(events.map((e) => e.outcome)).toEqual(['network', 'network']);
    expect(everythingIn(error)).not.toContain(SINGLE_PARENT);
    expect(everythingIn(error)).not.toContain(SINGLE_PARENT.slice(2));
    sandbox = await start({ port: 0 }); // for afterEach
  });

  it('keeps every backoff below its cap', () => {
    const policy = { attempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(backoffDelay(policy, 1, () => 0.999)).toBe(99);
    expect(backoffDelay(policy, 4, () => 0.999)).toBe(799);
    expect(backoffDelay(policy, 9, () => 0.999)).toBe(999);
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
  });
});

describe('errors and messages', () => {
  it('refuses a case id that looks like a personal number without repeating it', async () => {
    const error = await failure(client().lookup({ caseId: `A-${SINGLE_PARENT}`, personalNumber: SINGLE_PARENT, period: FEBRUARY }));
    expect(everythingIn(error)).not.toContain(SINGLE_PARENT);
  });
  it('refuses a bad personal number locally, without sending it or repeating it', async () => {
    const error = await failure(client().lookup({ caseId: CASE, personalNumber: '19850412-9803', period: FEBRUARY }));
    expect(everythingIn(error)).not.toContain('9803');
    expect(sandbox.stats().requests).toBe(0);
  });
});

describe('simulator admin endpoint', () => {
  it('sets, shows and clears faults over HTTP', async () => {
    const admin = new URL('/__faults', sandbox.url).toString();
    const set = await fetch(admin, { method: 'POST', body: JSON.stringify({ failNext: 1, latencyMs: 10 }) });
    expect(set.status).toBe(200);
    expect(await (await fetch(admin)).json()).toEqual({ failNext: 1, latencyMs: 10 });
    expect((await ask(SINGLE_PARENT)).attempts).toBe(2);
    expect((await fetch(admin, { method: 'POST', body: '{"failNext":-1}' })).status).toBe(400);
    expect((await fetch(admin, { method: 'POST', body: '{"nonsense":1}' })).status).toBe(400);
    await fetch(admin, { method: 'DELETE' });
    expect(sandbox.faults()).toEqual({});
    const stats = (await (await fetch(new URL('/__stats', sandbox.url))).json()) as { requests: number };
    expect(stats.requests).toBe(2);
  });

  it('answers a malformed request with a Client fault', async () => {
    const response = await fetch(sandbox.url, { method: 'POST', body: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body/></soap:Envelope>' });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('soap:Client');
  });
});
