import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { start as startKir } from '../../src/sandbox/kir.js';
import { start as startPlan } from '../../src/sandbox/plan.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('startSandbox', () => {
  it('starts all four simulators on free loopback ports and stops them', async () => {
    sandbox = await startSandbox();
    const { urls } = sandbox;
    for (const url of Object.values(urls)) expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    expect(new Set(Object.values(urls).map((u) => new URL(u).port)).size).toBe(4);
    expect(urls.ssbtek).toMatch(/\/ssbtek\/v10$/);
    const s = sandbox;
    sandbox = undefined;
    await s.stop();
    await expect(fetch(`${urls.kir}/__stats`)).rejects.toThrow();
  });

  it('starts with fault plans per simulator', async () => {
    sandbox = await startSandbox({ faults: { kir: { failNext: 1 }, eservice: { latencyMs: 5 } } });
    expect(sandbox.kir.faults()).toEqual({ failNext: 1 });
    expect(sandbox.eservice.faults()).toEqual({ latencyMs: 5 });
    expect(sandbox.plan.faults()).toEqual({});
  });
});

describe('admin endpoints', () => {
  it('set, show and clear faults over HTTP and count calls', async () => {
    const kir = await startKir({ port: 0 });
    try {
      expect(await (await post(`${kir.url}/__faults`, { failNext: 1, failStatus: 500 })).json()).toEqual({ failNext: 1, failStatus: 500 });
      expect((await post(`${kir.url}/__faults`, { nonsense: true })).status).toBe(400);
      const first = await post(`${kir.url}/kir/v1/lookup`, { personalNumber: '198504129803' });
      expect(first.status).toBe(500);
      const second = await post(`${kir.url}/kir/v1/lookup`, { personalNumber: '198504129803' });
      expect(await second.json()).toEqual({ municipality: '1287', protectedIdentity: false });
      expect(await (await fetch(`${kir.url}/__faults`)).json()).toEqual({ failNext: 0, failStatus: 500 });
      expect(await (await fetch(`${kir.url}/__faults`, { method: 'DELETE' })).json()).toEqual({});
      expect((await post(`${kir.url}/kir/v1/lookup`, { personalNumber: 'x' })).status).toBe(400);
      expect(await (await fetch(`${kir.url}/__stats`)).json()).toEqual({ requests: 3, answered: 1, rejected: 1, httpFailures: 1, malformed: 0, hung: 0 });
    } finally {
      await kir.stop();
    }
  });

  it('KIR answers a household in one call, and refuses what is not one', async () => {
    const kir = await startKir({ port: 0 });
    try {
      const household = (body: unknown) => post(`${kir.url}/kir/v1/household`, body);
      expect(await (await household({ personalNumbers: ['198504129803', '201709093460'], caseId: 'A-1' })).json()).toEqual({
        persons: [
          { personalNumber: '198504129803', municipality: '1287', protectedIdentity: false },
          { personalNumber: '201709093460', municipality: '1287', protectedIdentity: true },
        ],
      });
      expect((await household({ personalNumbers: ['198504129803', '198607279893'] })).status).toBe(404);
      for (const bad of [{}, { personalNumbers: [] }, { personalNumbers: ['x'] }, { personalNumbers: Array(51).fill('198504129803') }]) {
        expect((await household(bad)).status, JSON.stringify(bad).slice(0, 40)).toBe(400);
      }
      expect((await fetch(`${kir.url}/kir/v1/household`)).status).toBe(405);
    } finally {
      await kir.stop();
    }
  });

  it('fail with the given probability, using the injected chance', async () => {
    const rolls = [0.1, 0.9];
    const plan = await startPlan({ port: 0, faults: { failProbability: 0.5 }, random: () => rolls.shift() ?? 0.9 });
    try {
      const ask = () => post(`${plan.url}/plan/v1/assessment`, { personalNumber: '198504129803', caseId: 'A-1' });
      expect((await ask()).status).toBe(503);
      expect((await ask()).status).toBe(200);
    } finally {
      await plan.stop();
    }
  });

  it('add people, applications and generated households at run time', async () => {
    sandbox = await startSandbox();
    const person = '198607279893';
    expect((await post(`${sandbox.urls.kir}/__people`, [{ personalNumber: person, municipality: '1263' }])).status).toBe(200);
    expect(await (await post(`${sandbox.urls.kir}/kir/v1/lookup`, { personalNumber: person })).json()).toEqual({ municipality: '1263', protectedIdentity: false });
    expect((await post(`${sandbox.urls.plan}/__people`, [{ personalNumber: person, status: 'active', pendingAsks: 1 }])).status).toBe(200);
    expect(await (await post(`${sandbox.urls.plan}/plan/v1/assessment`, { personalNumber: person })).json()).toEqual({ status: 'pending' });
    expect((await post(`${sandbox.urls.kir}/__people`, [{ personalNumber: '198607279894', municipality: '1263' }])).status).toBe(400);

    const size = sandbox.eservice.size();
    expect(await (await post(`${sandbox.urls.eservice}/__applications`, { payload: { application: { id: 'A-X-1' } } })).json()).toMatchObject({ id: 'A-X-1' });
    expect(await (await post(`${sandbox.urls.eservice}/__generate`, { count: 2, seed: 5 })).json()).toEqual({ ids: ['G5-000001', 'G5-000002'] });
    expect(sandbox.eservice.size()).toBe(size + 3);
  });

  it('never answers a hanging call, and stop() still returns', async () => {
    sandbox = await startSandbox({ faults: { plan: { hang: true } } });
    const call = post(`${sandbox.urls.plan}/plan/v1/assessment`, { personalNumber: '198504129803' });
    const outcome = await Promise.race([call.then(() => 'answered', () => 'cut'), new Promise((r) => setTimeout(() => r('hung'), 100))]);
    expect(outcome).toBe('hung');
    expect(sandbox.plan.stats().hung).toBe(1);
    const s = sandbox;
    sandbox = undefined;
    await s.stop();
    expect(await call.then(() => 'answered', () => 'cut')).toBe('cut');
  });
});
