import { describe, expect, it } from 'vitest';
import {
  changeOwner,
  closeManualCase,
  countReviewQueue,
  getCase,
  getStateHistory,
  listReviewQueue,
  transitionCase,
} from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { makeCase, ROBOT } from '../support/storeFixtures.js';

/** Owning cases on the workbench, and closing a manual case, against both back ends. */
forEachBackend('workbench store', (backend) => {
  const db = useDatabase(backend);

  async function manualCase() {
    const c = await makeCase(db());
    await transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT });
    return transitionCase(db(), { caseId: c.id, from: 'GATHERING', to: 'MANUAL', actor: ROBOT, reason: 'EXPENSE_ABOVE_GUIDELINE' });
  }
  const claim = (caseId: string, who: string) => changeOwner(db(), { caseId, expectedOwner: null, newOwner: who, actor: who, reason: 'CLAIMED' });

  describe('ownership', () => {
    it('a claim takes an unowned case once, with a history line that keeps the state', async () => {
      const c = await manualCase();
      expect(await claim(c.id, 'hl-a')).toBe(true);
      expect(await claim(c.id, 'hl-b')).toBe(false);
      expect((await getCase(db(), c.id))?.owner).toBe('hl-a');
      const last = (await getStateHistory(db(), c.id)).at(-1)!;
      expect(last).toMatchObject({ fromState: 'MANUAL', toState: 'MANUAL', actor: 'hl-a', reason: 'CLAIMED' });
    });

    it('two claims at the same moment: exactly one wins', async () => {
      const c = await manualCase();
      const results = await Promise.all([claim(c.id, 'hl-a'), claim(c.id, 'hl-b')]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const owner = (await getCase(db(), c.id))?.owner;
      expect(owner === 'hl-a' || owner === 'hl-b').toBe(true);
      expect((await getStateHistory(db(), c.id)).filter((h) => h.reason === 'CLAIMED')).toHaveLength(1);
    });

    it('hands back or reassigns only from the owner the caller saw; a case outside the review states cannot be owned', async () => {
      const c = await manualCase();
      await claim(c.id, 'hl-a');
      expect(await changeOwner(db(), { caseId: c.id, expectedOwner: 'hl-b', newOwner: null, actor: 'hl-b', reason: 'RELEASED' })).toBe(false);
      expect(await changeOwner(db(), { caseId: c.id, expectedOwner: 'hl-a', newOwner: 'hl-b', actor: 'lead', reason: 'REASSIGNED:hl-b' })).toBe(true);
      expect((await getCase(db(), c.id))?.owner).toBe('hl-b');
      expect(await changeOwner(db(), { caseId: c.id, expectedOwner: 'hl-b', newOwner: null, actor: 'hl-b', reason: 'RELEASED' })).toBe(true);
      expect((await getCase(db(), c.id))?.owner).toBeNull();

      const received = await makeCase(db());
      expect(await claim(received.id, 'hl-a')).toBe(false);
      const reasons = (await getStateHistory(db(), c.id)).map((h) => h.reason);
      expect(reasons.slice(-3)).toEqual(['CLAIMED', 'REASSIGNED:hl-b', 'RELEASED']);
    });

    it('the queue lists unowned cases, "mine" the own, "all" every one with its owner', async () => {
      const mine = await manualCase();
      const shared = await manualCase();
      await claim(mine.id, 'hl-queue');
      const ids = async (owner: Parameters<typeof listReviewQueue>[1]['owner']) =>
        (await listReviewQueue(db(), { municipalities: ['1287'], organisation: null, owner, limit: 10_000 })).map((i) => i.caseId);
      expect(await ids('shared')).toContain(shared.id);
      expect(await ids('shared')).not.toContain(mine.id);
      expect(await ids({ owner: 'hl-queue' })).toEqual([mine.id]);
      const all = await listReviewQueue(db(), { municipalities: ['1287'], organisation: null, owner: 'all', limit: 10_000 });
      expect(all.find((i) => i.caseId === mine.id)?.owner).toBe('hl-queue');
      expect(all.find((i) => i.caseId === shared.id)?.owner).toBeNull();
      expect((await countReviewQueue(db(), { municipalities: ['1287'], organisation: null }, { owner: 'hl-queue' })).MANUAL).toBe(1);
    });
  });

  describe('closing as handled in the case system', () => {
    it('only the owner closes a MANUAL case; it leaves every list and cannot be claimed again', async () => {
      const c = await manualCase();
      expect(await closeManualCase(db(), { caseId: c.id, owner: 'hl-a', reason: 'Handläggs i Procapita', actor: 'hl-a' })).toBe(false);
      await claim(c.id, 'hl-a');
      expect(await closeManualCase(db(), { caseId: c.id, owner: 'hl-b', reason: 'x', actor: 'hl-b' })).toBe(false);
      expect(await closeManualCase(db(), { caseId: c.id, owner: 'hl-a', reason: 'Handläggs i Procapita', actor: 'hl-a' })).toBe(true);
      expect(await closeManualCase(db(), { caseId: c.id, owner: 'hl-a', reason: 'igen', actor: 'hl-a' })).toBe(false);
      const closed = await getCase(db(), c.id);
      expect(closed).toMatchObject({ state: 'MANUAL', owner: 'hl-a', closedReason: 'Handläggs i Procapita' });
      expect(closed?.closedAt).toBeInstanceOf(Date);
      const all = await listReviewQueue(db(), { municipalities: ['1287'], organisation: null, owner: 'all', limit: 10_000 });
      expect(all.map((i) => i.caseId)).not.toContain(c.id);
      expect(await changeOwner(db(), { caseId: c.id, expectedOwner: 'hl-a', newOwner: null, actor: 'hl-a', reason: 'RELEASED' })).toBe(false);
      expect((await getStateHistory(db(), c.id)).at(-1)).toMatchObject({ fromState: 'MANUAL', toState: 'MANUAL', reason: 'CLOSED_IN_CASE_SYSTEM' });
    });

    it('the database refuses a closing without a reason', async () => {
      const c = await manualCase();
      await expect(db().query("UPDATE cases SET closed_at = now() WHERE id = $1", [c.id])).rejects.toThrow();
    });
  });
});
