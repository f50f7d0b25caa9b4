import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SystemException } from '../../src/domain/errors.js';
import type { HttpAttemptEvent } from '../../src/registers/http.js';
import { createPlanClient } from '../../src/registers/plan.js';
import { start, type PlanSandbox } from '../../src/sandbox/plan.js';
import { everythingIn, rejectionOf, spyingFetch } from '../support/netSpy.js';

// Synthetic applicants from fixtures/registers/plan.
const ACTIVE = '198504129803'; // 2026-03-registered-income-matching
const NOT_ACTIVE = '197511302734'; // 2021-plan-not-active
const PENDING_ONCE = '198801012637'; // 2026-03-plan-pending: pending once, then active
const UNKNOWN = '198607279893';
const CONTEXT = { caseId: 'A-2026-000209', municipality: '1287' };

let sandbox: PlanSandbox;
let urls: string[];
let events: HttpAttemptEvent[];

const client = () =>
  createPlanClient({
    url: sandbox.url,
    timeoutMs: 1000,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    fetch: spyingFetch(urls),
    onAttempt: (e) => events.push(e),
  });

beforeEach(async () => {
  sandbox = await start({ port: 0 });
  urls = [];
  events = [];
});
afterEach(async () => {
  await sandbox.stop();
  for (const url of urls) expect(url).toBe(`${sandbox.url}/plan/v1/assessment`);
});

describe('plan module over loopback', () => {
  it('answers active and notActive from the fixtures', async () => {
    const plan = client();
    expect(await plan.assessment(ACTIVE, CONTEXT)).toEqual({ status: 'active' });
    // The fixture gives the day and what the module recorded; both reach the snapshot (and the letter).
    expect(await plan.assessment(NOT_ACTIVE, CONTEXT)).toEqual({
      status: 'notActive',
      assessedOn: '2021-05-18',
      recorded: 'Har inte kommit till de två senaste planeringsmötena och har inte sökt något arbete sedan mars.',
    });
  });

  it('answers pending for the configured number of asks, then the assessment', async () => {
    const plan = client();
    expect(await plan.assessment(PENDING_ONCE, CONTEXT)).toEqual({ status: 'pending' });
    expect(await plan.assessment(PENDING_ONCE, CONTEXT)).toEqual({ status: 'active' });
    expect(sandbox.asks(PENDING_ONCE)).toBe(2);

    sandbox.add([{ personalNumber: UNKNOWN, status: 'notActive', pendingAsks: 3 }]);
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push((await plan.assessment(UNKNOWN, CONTEXT)).status);
    expect(seen).toEqual(['pending', 'pending', 'pending', 'notActive', 'notActive']);
  });

  it('counts only answered asks towards pending: a failed attempt is not an ask', async () => {
    sandbox.setFaults({ failNext: 2 });
    expect(await client().assessment(PENDING_ONCE, CONTEXT)).toEqual({ status: 'pending' });
    expect(sandbox.asks(PENDING_ONCE)).toBe(1);
    expect(events.map((e) => e.outcome)).toEqual(['http', 'http', 'ok']);
  });

  it('refuses an unknown status and an unknown person, naming the register and case only', async () => {
    sandbox.setFaults({ malformedNext: 1 });
    for (const [person, fragment] of [
      [ACTIVE, 'fel form'],
      [UNKNOWN, 'HTTP 404'],
    ] as const) {
      const error = await rejectionOf(client().assessment(person, CONTEXT));
      expect(error).toBeInstanceOf(SystemException);
      expect((error as SystemException).component).toBe('plan');
      expect((error as Error).message).toContain(fragment);
      expect((error as Error).message).toContain(CONTEXT.caseId);
      expect(everythingIn(error)).not.toContain(person);
    }
  });

  it('turns spent retries into a SystemException', async () => {
    sandbox.setFaults({ failProbability: 1 });
    const error = await rejectionOf(client().assessment(ACTIVE, CONTEXT));
    expect((error as Error).message).toMatch(/Planeringsmodulen svarade inte för ärende A-2026-000209 efter 3 försök/);
    expect(sandbox.stats().httpFailures).toBe(3);
  });
});
