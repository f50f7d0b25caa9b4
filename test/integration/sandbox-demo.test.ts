import { afterEach, describe, expect, it } from 'vitest';
import { SystemException } from '../../src/domain/errors.js';
import { addDemo } from '../../src/sandbox/demo.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { clientsFor } from '../support/gather.js';
import { addOldCases } from '../../src/sandbox/oldCases.js';
import { dryRunRetention } from '../../src/retention/run.js';
import { loadRules } from '../../src/rules/load.js';
import { getCase } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';

/** The demo of `npm start`: applications dated around the day it runs, and one that fails. */
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await sandbox?.stop();
  sandbox = undefined;
});

describe('the sandbox demo', () => {
  it('dates applications in the current and next month of the given day, both municipalities, received in the hours before it', async () => {
    sandbox = await startSandbox();
    const now = new Date('2026-11-30T23:30:00Z'); // 1 December in Stockholm
    const demo = addDemo(sandbox, { now, failingCalls: 3 });
    expect(demo.months).toEqual(['2026-12', '2027-01']);
    const apps = demo.households.map((h) => h.payload.application);
    for (const month of demo.months) {
      for (const municipality of ['1287', '1263']) {
        expect(apps.filter((a) => a.month === month && a.municipality === municipality).length, `${month} ${municipality}`).toBeGreaterThanOrEqual(3);
      }
    }
    for (const a of apps) {
      const at = new Date(a.receivedAt).getTime();
      expect(at).toBeLessThanOrEqual(now.getTime());
      expect(at).toBeGreaterThanOrEqual(now.getTime() - 30 * 3_600_000);
    }
    // Served by the e-service feed like the fixtures.
    const { items } = await clientsFor(sandbox).eservice.fetchNew(null, 1000);
    const feed = JSON.stringify(items);
    expect(demo.households.every((h) => feed.includes(h.id))).toBe(true);
    // The same day gives the same households (ids and people).
    const again = await startSandbox();
    try {
      expect(addDemo(again, { now, failingCalls: 3 }).households.map((h) => h.id)).toEqual(demo.households.map((h) => h.id));
    } finally {
      await again.stop();
    }
  });

  it('the failing household: SSBTEK fails `failingCalls` calls about its applicant, then answers', async () => {
    const now = new Date('2026-11-29T12:00:00Z');
    const lookupIn = async (box: Sandbox, failingCalls: number) => {
      const demo = addDemo(box, { now, failingCalls });
      const failing = demo.households.find((h) => h.id === demo.technicalError)!;
      const personalNumber = failing.payload.application.applicant.personalNumber;
      // The test client tries 4 times per look-up.
      return clientsFor(box).ssbtek.fetchAnswer({ caseId: failing.id, personalNumber, period: { from: '2026-10-01', tom: '2026-10-31' } });
    };
    sandbox = await startSandbox();
    await expect(lookupIn(sandbox, 4)).rejects.toBeInstanceOf(SystemException);
    const second = await startSandbox();
    try {
      await expect(lookupIn(second, 3)).resolves.toBeDefined();
    } finally {
      await second.stop();
    }
  });
});

forEachBackend('the sandbox demo: old cases due for gallring', (backend) => {
  const db = useDatabase(backend);
  const now = new Date('2026-11-29T12:00:00Z');

  it('plants closed cases seven years old in both municipalities, and a gallring dry run that day finds them to destroy', async () => {
    const ids = await addOldCases(db(), { now });
    expect(ids).toHaveLength(4);
    // Twice writes nothing new.
    expect(await addOldCases(db(), { now })).toEqual([]);
    const rules = loadRules();
    for (const municipality of ['1287', '1263']) {
      const own = (await db().query<{ id: string }>('SELECT id FROM cases WHERE municipality = $1 AND id = ANY($2::text[])', [municipality, ids])).rows.map((r) => r.id);
      expect(own, municipality).toHaveLength(2);
      const { plan } = await dryRunRetention({ db: db(), rules, clock: () => now, actor: 'bistandsrobot' }, municipality);
      const destroy = plan.due.filter((i) => i.verdict === 'destroy').map((i) => i.caseId);
      expect(destroy.sort()).toEqual(own.sort());
      // Long past the deadline (31 December of the year after the due day): overdue.
      expect(plan.due.every((i) => i.lastEntryOn === '2019-11-29' && i.overdue)).toBe(true);
    }
    // Readable as cases: closed as handled in the case system, with their application.
    const c = await getCase(db(), ids[0]!);
    expect(c).toMatchObject({ state: 'MANUAL' });
    expect(c!.closedAt).toBeInstanceOf(Date);
  });

  it('five years to the day: not due the day before, due that day', async () => {
    const [id] = await addOldCases(db(), { now: new Date('2026-11-29T12:00:00Z'), yearsBack: 5, perMunicipality: 1 });
    const dueOn = async (day: string) =>
      (await dryRunRetention({ db: db(), rules: loadRules(), clock: () => new Date(`${day}T12:00:00Z`), actor: 'bistandsrobot' }, '1287')).plan.due.map((i) => i.caseId);
    expect(await dueOn('2026-11-28')).not.toContain(id);
    expect(await dueOn('2026-11-29')).toContain(id);
  });
});
