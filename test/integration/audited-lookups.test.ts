import { describe, expect, it } from 'vitest';
import { SystemException } from '../../src/domain/errors.js';
import { auditedLookups, onePerCall } from '../../src/robot/audit.js';
import type { RobotDeps } from '../../src/robot/deps.js';
import { transitionCase, type Db } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { makeCase, ROBOT } from '../support/storeFixtures.js';

// Synthetic personal numbers (valid check digits).
const ADULT = '198507099805';
const CHILD = '201709093460';

function deps(db: Db, seen: string[] = []): RobotDeps {
  return { db, identity: ROBOT, pseudonymSecret: 'test-secret-0123456789abcdef', clock: () => new Date('2026-03-10T10:00:00+01:00'), hooks: { lookup: (register: string, outcome: string) => seen.push(`${register}:${outcome}`) } } as unknown as RobotDeps;
}

async function gatheringCase(db: Db): Promise<string> {
  const c = await makeCase(db);
  await transitionCase(db, { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT, reason: null });
  return c.id;
}

async function rows(db: Db, caseId: string): Promise<string[]> {
  const { rows: found } = await db.query<{ action: string; result: string; subject_ref: string }>('SELECT action, result, subject_ref FROM audit_log WHERE case_id = $1 ORDER BY id', [caseId]);
  return found.map((r) => `${r.action}:${r.result}:${r.subject_ref.slice(0, 6)}`);
}

forEachBackend('a case’s register look-ups in the audit log', (backend) => {
  const db = useDatabase(backend);

  it('writes every look-up as started before any register is asked, and its outcome before any answer is used', async () => {
    const caseId = await gatheringCase(db());
    const seenAtAsk: string[][] = [];
    const ask = (answer: string) => async (pns: readonly string[]) => {
      seenAtAsk.push(await rows(db(), caseId));
      return pns.map(() => answer);
    };
    const [ssbtek, kir, plan] = await auditedLookups(deps(db()), caseId, [
      { register: 'ssbtek', personalNumbers: [ADULT], ask: ask('s') },
      { register: 'kir', personalNumbers: [ADULT, CHILD], ask: ask('k') },
      { register: 'plan', personalNumbers: [ADULT], ask: ask('p') },
    ] as const);
    expect([ssbtek, kir, plan]).toEqual([['s'], ['k', 'k'], ['p']]);
    // Four look-ups, all started before the first register was asked.
    for (const seen of seenAtAsk) expect(seen.map((r) => r.split(':').slice(0, 2).join(':'))).toEqual(['ssbtek.lookup:started', 'kir.lookup:started', 'kir.lookup:started', 'plan.lookup:started']);
    const all = await rows(db(), caseId);
    expect(all.filter((r) => r.includes(':ok:'))).toHaveLength(4);
    // One pseudonym per person, whichever register asked.
    const adultRefs = new Set(all.filter((r, i) => i !== 2 && i !== 6).map((r) => r.split(':')[2]));
    expect(adultRefs.size).toBe(1);
  });

  it('records every register’s outcome when one fails, and throws the first failing register in the plans’ order', async () => {
    const caseId = await gatheringCase(db());
    const seen: string[] = [];
    const kirDown = new SystemException('kir', 'KIR svarade inte');
    const planDown = new SystemException('plan', 'planmodulen svarade inte');
    const failing = auditedLookups(deps(db(), seen), caseId, [
      { register: 'ssbtek', personalNumbers: [ADULT], ask: onePerCall(async () => 'answer') },
      // KIR fails after the plan module: still the one named, being first in order.
      { register: 'kir', personalNumbers: [ADULT, CHILD], ask: () => new Promise((_, reject) => setTimeout(() => reject(kirDown), 20)) },
      { register: 'plan', personalNumbers: [ADULT], ask: () => Promise.reject(planDown) },
    ] as const);
    await expect(failing).rejects.toBe(kirDown);
    expect(seen).toEqual(['ssbtek:ok', 'kir:failed', 'plan:failed']);
    const results = (await rows(db(), caseId)).map((r) => r.split(':').slice(0, 2).join(':'));
    expect(results.slice(4)).toEqual(['ssbtek.lookup:ok', 'kir.lookup:unavailable', 'kir.lookup:unavailable', 'plan.lookup:unavailable']);
  });

  it('asks no register when the look-ups cannot be written (a case not in handling)', async () => {
    const c = await makeCase(db()); // RECEIVED: the database refuses look-up rows for it
    let asked = 0;
    const lookups = auditedLookups(deps(db()), c.id, [{ register: 'kir', personalNumbers: [ADULT], ask: async () => [asked++] }]);
    await expect(lookups).rejects.toThrow(/not in handling/);
    expect(asked).toBe(0);
  });
});
