import { describe, expect, it } from 'vitest';
import {
  CASE_STATES,
  CASE_TRANSITIONS,
  canTransition,
  CaseTransitionError,
  createCase,
  getCase,
  getStateHistory,
  incrementAttempts,
  isTerminal,
  listCasesInState,
  transitionCase,
  type CaseState,
} from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { makeCase, ROBOT } from '../support/storeFixtures.js';

describe('the state table', () => {
  it('names only known states, and every state but INVALID (old histories only) is reachable from RECEIVED', () => {
    const seen = new Set<CaseState>(['RECEIVED']);
    const queue: CaseState[] = ['RECEIVED'];
    while (queue.length) {
      for (const next of CASE_TRANSITIONS[queue.shift()!]) {
        expect(CASE_STATES).toContain(next);
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    expect([...seen].sort()).toEqual(CASE_STATES.filter((s) => s !== 'INVALID').sort());
  });

  it('MANUAL and COMPLETED end the robot\'s part; a signed case never goes back to gathering', () => {
    expect(isTerminal('MANUAL')).toBe(true);
    expect(isTerminal('COMPLETED')).toBe(true);
    expect(canTransition('SIGNED', 'GATHERING')).toBe(false);
    expect(canTransition('INVALID', 'GATHERING')).toBe(false);
    // INVALID is a name in old histories only: no edge leads into it or out of it.
    for (const s of CASE_STATES) {
      expect(canTransition(s, 'INVALID')).toBe(false);
      expect(canTransition('INVALID', s)).toBe(false);
    }
  });
});

forEachBackend('cases', (backend) => {
  const db = useDatabase(backend);

  it('creating a case twice gives the first back', async () => {
    const c = await makeCase(db());
    const again = await createCase(db(), { id: c.id, municipality: '1263', state: 'MANUAL', actor: ROBOT });
    expect(again.created).toBe(false);
    expect(again.case).toEqual(c);
    expect(await getStateHistory(db(), c.id)).toHaveLength(1);
  });

  it('walks the main road and records each step with who and why', async () => {
    const c = await makeCase(db());
    expect(c.state).toBe('RECEIVED');
    const road: [CaseState, CaseState][] = [
      ['RECEIVED', 'GATHERING'],
      ['GATHERING', 'WAITING_FOR_PLAN'],
      ['WAITING_FOR_PLAN', 'PROPOSED'],
      ['PROPOSED', 'SIGNED'],
      ['SIGNED', 'COMPLETED'],
    ];
    for (const [from, to] of road) {
      const moved = await transitionCase(db(), { caseId: c.id, from, to, actor: ROBOT, reason: `step ${to}` });
      expect(moved.state).toBe(to);
    }
    expect((await getCase(db(), c.id))?.state).toBe('COMPLETED');
    const history = await getStateHistory(db(), c.id);
    expect(history.map((h) => [h.fromState, h.toState])).toEqual([[null, 'RECEIVED'], ...road]);
    expect(history[2]).toMatchObject({ actor: ROBOT, reason: 'step WAITING_FOR_PLAN' });
  });

  it('an invalid application\'s case is created with a caseworker, its reason in the first history line', async () => {
    const c = await makeCase(db(), 'MANUAL');
    expect(c.state).toBe('MANUAL');
    expect(await getStateHistory(db(), c.id)).toEqual([expect.objectContaining({ fromState: null, toState: 'MANUAL', reason: 'INVALID_APPLICATION' })]);
  });

  it('refuses a transition the table does not allow, and leaves the case as it was', async () => {
    const c = await makeCase(db());
    const attempt = transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'SIGNED', actor: ROBOT });
    await expect(attempt).rejects.toBeInstanceOf(CaseTransitionError);
    await expect(attempt).rejects.toThrow(`case ${c.id}: transition RECEIVED -> SIGNED is not allowed`);
    expect((await getCase(db(), c.id))?.state).toBe('RECEIVED');
    expect(await getStateHistory(db(), c.id)).toHaveLength(1);
  });

  it('refuses when the case is not in the expected state (stale), naming the actual one', async () => {
    const c = await makeCase(db());
    await transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT });
    const attempt = transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT });
    await expect(attempt).rejects.toMatchObject({ problem: 'stale', actual: 'GATHERING' });
  });

  it('refuses an unknown case', async () => {
    await expect(
      transitionCase(db(), { caseId: 'no-such-case', from: 'RECEIVED', to: 'GATHERING', actor: ROBOT }),
    ).rejects.toMatchObject({ problem: 'not-found' });
  });

  it('two workers racing on one transition: exactly one wins', async () => {
    const c = await makeCase(db());
    const t = { caseId: c.id, from: 'RECEIVED' as const, actor: ROBOT };
    const results = await Promise.allSettled([
      transitionCase(db(), { ...t, to: 'GATHERING' }),
      transitionCase(db(), { ...t, to: 'MANUAL' }),
      transitionCase(db(), { ...t, to: 'GATHERING' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await getStateHistory(db(), c.id)).toHaveLength(2);
  });

  it('counts attempts and lists cases by state', async () => {
    const c = await makeCase(db());
    expect(await incrementAttempts(db(), c.id)).toBe(1);
    expect(await incrementAttempts(db(), c.id)).toBe(2);
    expect((await getCase(db(), c.id))?.attempts).toBe(2);
    await transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT });
    await transitionCase(db(), { caseId: c.id, from: 'GATHERING', to: 'TECHNICAL_ERROR', actor: ROBOT, reason: 'ssbtek' });
    const listed = await listCasesInState(db(), 'TECHNICAL_ERROR');
    expect(listed.map((x) => x.id)).toContain(c.id);
  });

  it('the history is append-only', async () => {
    const c = await makeCase(db());
    await expect(db().query("UPDATE case_state_history SET actor = 'x' WHERE case_id = $1", [c.id])).rejects.toThrow(/append-only/);
    await expect(db().query('DELETE FROM case_state_history WHERE case_id = $1', [c.id])).rejects.toThrow(/append-only/);
  });
});
