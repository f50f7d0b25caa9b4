import { afterEach, describe, expect, it } from 'vitest';
import { validateSnapshot } from '../../src/domain/snapshot.js';
import { generateHouseholds, seededRandom } from '../../src/sandbox/generate.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { isSafeCaseId } from '../../src/registers/retry.js';
import { clientsFor, snapshotFor } from '../support/gather.js';

let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe('generate()', () => {
  it('is deterministic: the same count and seed give the same households, another seed others', () => {
    expect(generateHouseholds(50, 1234)).toEqual(generateHouseholds(50, 1234));
    expect(generateHouseholds(10, 1234)).toEqual(generateHouseholds(50, 1234).slice(0, 10));
    expect(JSON.stringify(generateHouseholds(10, 1235))).not.toEqual(JSON.stringify(generateHouseholds(10, 1234)));
    const r = seededRandom(9);
    const values = Array.from({ length: 1000 }, r);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('gives the same feed in two fresh sandboxes', async () => {
    const a = await startSandbox({ generate: { count: 20, seed: 42 } });
    const b = await startSandbox({ generate: { count: 20, seed: 42 } });
    try {
      const read = async (s: Sandbox) => (await clientsFor(s).eservice.fetchNew(null, 1000)).items;
      expect(await read(a)).toEqual(await read(b));
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('makes valid applications with unique, safe ids and people, apart from the fixtures', () => {
    const households = generateHouseholds(500, 7, { taken: new Set(['198504129803']) });
    const people = households.flatMap((h) => h.kir.map((k) => k.personalNumber));
    expect(new Set(people).size).toBe(people.length);
    expect(people).not.toContain('198504129803');
    expect(new Set(households.map((h) => h.id)).size).toBe(500);
    expect(households.every((h) => isSafeCaseId(h.id))).toBe(true);
    expect(generateHouseholds(1, 0xffffffff)[0]!.id).toMatch(/^G[0-9a-z]+-000001$/);
    for (const h of households) {
      const snapshot = {
        ...h.payload,
        registers: {
          ssbtek: [],
          kir: h.kir.map((k) => ({ ...k, status: 'answered' })),
          plan: { status: h.plan.status },
        },
      };
      const result = validateSnapshot(snapshot);
      expect(result.ok, `${h.id}: ${result.ok ? '' : JSON.stringify(result.errors)}`).toBe(true);
    }
  });

  it('puts every generated person into KIR, the plan module and SSBTEK', async () => {
    sandbox = await startSandbox();
    const before = sandbox.eservice.size();
    const households = sandbox.generate(15, 3, { month: '2021-03' });
    expect(sandbox.eservice.size()).toBe(before + 15);
    expect(() => sandbox!.generate(1, 3)).toThrow(/redan/);
    const clients = clientsFor(sandbox);
    for (const h of households) {
      const input = await snapshotFor(clients, h.payload);
      const result = validateSnapshot(input);
      expect(result.ok, h.id).toBe(true);
      if (!result.ok) continue;
      const { registers } = result.snapshot;
      expect(Array.isArray(registers.kir) && registers.kir.every((k) => k.status !== 'unavailable')).toBe(true);
      expect(registers.plan).toEqual({ status: 'active' });
      const ssbtek = registers.ssbtek as Array<{ status: string; payments?: Array<{ benefit: string; net: string }> }>;
      expect(ssbtek.every((s) => s.status === 'answered')).toBe(true);
      const declared = h.payload.application.incomes.find((i) => i.type === 'childAllowance');
      expect(ssbtek[0]!.payments ?? []).toEqual(declared ? [expect.objectContaining({ benefit: 'Allmänt barnbidrag', net: declared.amount })] : []);
    }
  });

  it("households an admin generates over HTTP (the e-service's POST /__generate) are people the registers know too", async () => {
    sandbox = await startSandbox();
    const res = await fetch(`${sandbox.urls.eservice}/__generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ count: 3, seed: 77 }) });
    expect(res.status).toBe(200);
    const { ids } = (await res.json()) as { ids: string[] };
    expect(ids).toHaveLength(3);
    const clients = clientsFor(sandbox);
    const items = (await clients.eservice.fetchNew(null, 1000)).items.filter((i) => ids.includes(i.id));
    expect(items).toHaveLength(3);
    for (const item of items) {
      const result = validateSnapshot(await snapshotFor(clients, item.payload as { application: unknown }));
      expect(result.ok, item.id).toBe(true);
      if (!result.ok) continue;
      expect(Array.isArray(result.snapshot.registers.kir) && result.snapshot.registers.kir.every((k) => k.status !== 'unavailable')).toBe(true);
      expect((result.snapshot.registers.ssbtek as Array<{ status: string }>).every((s) => s.status === 'answered')).toBe(true);
    }
  });
});
