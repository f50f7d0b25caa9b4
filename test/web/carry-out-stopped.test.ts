import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { getCase, getStateHistory, listAuditForCase, recordDecisionStep, transitionCase, type Db } from '../../src/store/index.js';
import { DEV_USERS } from '../../src/web/auth/devUsers.js';
import { signCase } from '../../src/web/caseworker/service.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { buildPages, Client, seedCase } from '../support/web.js';

/**
 * A signed decision whose carry-out stopped (found by trying the pages: a payment that failed
 * for good left a MANUAL case that still read "Beviljat", showed no reason in the inbox, could
 * not be run again and could not be closed). Now the case page and the inbox say the decision
 * is not carried out, its owner starts the carry-out again or closes the case, and a possible
 * återkrav keeps its point after the case is claimed.
 */
vi.setConfig({ hookTimeout: 120_000 });

const anna = DEV_USERS.find((u) => u.id === 'hl-trelleborg-1')!;

/** A signed decision whose write-back was done and whose payment failed for good: SIGNED -> MANUAL, as the outbound job does. */
async function stoppedAtPayment(db: Db, reason = 'TECHNICAL_ERROR: payment'): Promise<{ id: string; decisionId: string }> {
  const { id } = await seedCase(db, { municipality: '1287' });
  const signed = await signCase(db, anna, { caseId: id, proposalId: undefined }, new Date('2026-03-02T10:00:00Z'));
  if (!signed.ok) throw new Error(signed.message);
  await recordDecisionStep(db, { decisionId: signed.decision.id, step: 'write-back', outcome: 'done', reference: 'VS-1', actor: 'robot:test' });
  await transitionCase(db, { caseId: id, from: 'SIGNED', to: 'MANUAL', actor: 'robot:test', reason });
  return { id, decisionId: signed.decision.id };
}

const rowOf = (html: string, id: string) => html.split('<tr>').find((r) => r.includes(`href="/arenden/${id}"`)) ?? '';

forEachBackend('a carry-out that stopped', (backend) => {
  const db = useDatabase(backend);
  let app: FastifyInstance;
  let cw: Client;
  const handedOn: string[] = [];

  beforeAll(async () => {
    ({ app } = await buildPages(db(), { loginRateLimit: 1000, onSigned: async (decisionId) => handedOn.push(decisionId) }));
    cw = await Client.login(app, 'hl-trelleborg-1');
  }, 120_000);
  afterAll(async () => app?.close());

  it('says so on the case page and in the inbox; the owner starts it again, and the decision goes back to the robot once', async () => {
    const { id, decisionId } = await stoppedAtPayment(db());
    const row = rowOf((await cw.get('/inkorg?visa=alla')).body, id);
    expect(row).toContain('Beslutet är inte verkställt');
    const page = (await cw.get(`/arenden/${id}`)).body;
    expect(page).toContain('data-testid="carry-out-stopped"');
    expect(page).toMatch(/Verkställigheten stoppades\. Tekniskt fel: utbetalningssystemet svarade inte[^<]*åtgärdat\. Det som inte hann/);
    // Not the owner yet: the actions are the owner's.
    expect(page).not.toContain('Verkställ beslutet igen');
    expect((await cw.submit(`/arenden/${id}`, `/arenden/${id}/ta`)).statusCode).toBe(303);
    const owned = (await cw.get(`/arenden/${id}`)).body;
    expect(owned).toContain('Verkställ beslutet igen');
    expect(owned).toContain('Avsluta – handläggs i verksamhetssystemet');
    // Claiming wrote a history line; the notice still reads the move into MANUAL.
    expect(owned).toContain('data-testid="carry-out-stopped"');

    const again = await cw.submit(`/arenden/${id}`, `/arenden/${id}/verkstall`);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/arenden/${id}?verkstalls=1`);
    expect((await cw.get(again.headers.location as string)).body).toContain('Roboten verkställer beslutet igen.');
    expect((await getCase(db(), id))?.state).toBe('SIGNED');
    expect((await getStateHistory(db(), id)).at(-1)).toMatchObject({ fromState: 'MANUAL', toState: 'SIGNED', actor: anna.id, reason: 'CARRY_OUT_AGAIN' });
    expect(handedOn.filter((d) => d === decisionId)).toHaveLength(1);
    expect((await listAuditForCase(db(), id)).some((a) => a.action === 'case.carry-out-again' && a.actor === anna.id)).toBe(true);
    // A second press (say, a reload) starts nothing: the case is no longer stopped.
    expect((await cw.submit(`/arenden/${id}`, `/arenden/${id}/verkstall`)).statusCode).toBe(409);
    expect(handedOn.filter((d) => d === decisionId)).toHaveLength(1);
  });

  it('the owner may instead close it as finished in the case system', async () => {
    const { id } = await stoppedAtPayment(db(), 'TECHNICAL_ERROR: notify (Mina ärenden)');
    await cw.submit(`/arenden/${id}`, `/arenden/${id}/ta`);
    const closed = await cw.submit(`/arenden/${id}`, `/arenden/${id}/avsluta`, { skal: 'Utbetalt manuellt i verksamhetssystemet.' });
    expect(closed.statusCode).toBe(303);
    expect((await getCase(db(), id))?.closedAt).not.toBeNull();
    expect(rowOf((await cw.get('/inkorg?visa=alla')).body, id)).toBe('');
  });

  it('a possible återkrav: its point stays after a claim, the robot is not asked to act on it, and the case can be closed', async () => {
    const { id } = await stoppedAtPayment(db(), 'POSSIBLE_RECLAIM');
    expect(rowOf((await cw.get('/inkorg?visa=alla')).body, id)).toContain('Möjligt återkrav');
    await cw.submit(`/arenden/${id}`, `/arenden/${id}/ta`);
    const owned = (await cw.get(`/arenden/${id}`)).body;
    expect(owned).not.toContain('data-testid="carry-out-stopped"');
    expect(owned).not.toContain('Verkställ beslutet igen');
    expect(rowOf((await cw.get('/inkorg?visa=alla')).body, id)).toContain('Möjligt återkrav');
    const refused = await cw.submit(`/arenden/${id}`, `/arenden/${id}/verkstall`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Ett möjligt återkrav verkställs inte av roboten');
    expect((await getCase(db(), id))?.state).toBe('MANUAL');
    expect((await cw.submit(`/arenden/${id}`, `/arenden/${id}/avsluta`, { skal: 'Återkrav prövat i verksamhetssystemet.' })).statusCode).toBe(303);
  });
});
