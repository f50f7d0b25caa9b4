import { describe, expect, it } from 'vitest';
import { auditedLookups } from '../../src/robot/audit.js';
import type { RobotDeps } from '../../src/robot/deps.js';
import { mayCauseLookup } from '../../src/robot/declarations.js';
import { appendAudit, declarationOn, endDeclaration, recordDeclaration, StoreError, transitionCase, type Db } from '../../src/store/index.js';
import { registerFacts } from '../../src/web/caseworker/facts.js';
import { municipalityNames } from '../../src/web/caseworker/view.js';
import { replayOne } from '../../src/web/admin/replay.js';
import { ssbtekAccess } from '../../src/web/ssbtekAccess.js';
import { loadRules } from '../../src/rules/load.js';
import { forEachBackend, rejection, useDatabase, uniqueId } from '../support/backends.js';
import { makeCase, ROBOT } from '../support/storeFixtures.js';

const names = municipalityNames(loadRules());

const SECRET = 'test-secret-0123456789abcdef';
// Synthetic test personal number (valid check digit).
const PN = '198507099805';
const NOW = new Date('2026-03-10T10:00:00+01:00');

const snapshot = {
  application: { kind: 'renewal', applicant: { personalNumber: PN }, children: [] },
  registers: {
    ssbtek: [{ personalNumber: PN, status: 'answered', agencyErrors: [], payments: [{ agency: 'FK', benefit: 'Allmänt barnbidrag', paidOn: '2026-02-20', net: '1250' }], vehicles: [] }],
    kir: [{ personalNumber: PN, municipality: '1287', protectedIdentity: false }],
    plan: { status: 'active' },
  },
};

async function declare(db: Db, userId: string, signedOn = '2026-01-01', municipality = '1287') {
  return recordDeclaration(db, { userId, municipality, signedOn, receivedBy: 'Enhetschef Eva', documentRef: 'SN 2026/12', recordedBy: 'admin-1' });
}

function deps(db: Db): RobotDeps {
  return { db, identity: ROBOT, pseudonymSecret: SECRET, clock: () => NOW } as unknown as RobotDeps;
}

forEachBackend('SSBTEK declarations and look-ups', (backend) => {
  const db = useDatabase(backend);

  describe('declarations', () => {
    it('hold from the day signed through the last day, and never change', async () => {
      const user = uniqueId('hl');
      const d = await declare(db(), user, '2026-02-01');
      expect(await declarationOn(db(), user, '1287', '2026-01-31')).toBeUndefined();
      expect((await declarationOn(db(), user, '1287', '2026-02-01'))?.id).toBe(d.id);
      expect(await declarationOn(db(), user, '1263', '2026-02-01')).toBeUndefined();
      expect(await endDeclaration(db(), { declarationId: d.id, lastDay: '2026-03-09', recordedBy: 'admin-1' })).toBe(true);
      expect(await endDeclaration(db(), { declarationId: d.id, lastDay: '2026-12-31', recordedBy: 'admin-1' })).toBe(false);
      expect((await declarationOn(db(), user, '1287', '2026-03-09'))?.id).toBe(d.id);
      expect(await declarationOn(db(), user, '1287', '2026-03-10')).toBeUndefined();
      const update = db().query("UPDATE ssbtek_declarations SET signed_on = '2020-01-01' WHERE id = $1", [d.id]);
      await expect(update).rejects.toThrow(/ssbtek_declarations is append-only: UPDATE refused/);
      await expect(db().query("UPDATE ssbtek_declaration_ends SET last_day = '2030-01-01' WHERE declaration_id = $1", [d.id])).rejects.toThrow(/append-only/);
      await expect(db().query('DELETE FROM ssbtek_declarations WHERE id = $1', [d.id])).rejects.toThrow(/append-only/);
    });

    it('a user without a declaration does not see SSBTEK facts; with one they do', async () => {
      const without = uniqueId('hl');
      const hidden = registerFacts(snapshot, names, await ssbtekAccess(db(), without, '1287', NOW));
      expect(hidden).toContain('data-testid="ssbtek-hidden"');
      expect(hidden).toContain('försäkran');
      expect(hidden).not.toContain('Allmänt barnbidrag');
      expect(hidden).not.toContain('1 250');
      // KIR and the plan module are not SSBTEK's: still shown.
      expect(hidden).toContain('Folkbokföring per person');

      const withOne = uniqueId('hl');
      await declare(db(), withOne);
      const shown = registerFacts(snapshot, names, await ssbtekAccess(db(), withOne, '1287', NOW));
      expect(shown).toContain('Allmänt barnbidrag');
      expect(shown).not.toContain('ssbtek-hidden');
      // Declared for Trelleborg only: a Svedala case hides them.
      expect(registerFacts(snapshot, names, await ssbtekAccess(db(), withOne, '1263', NOW))).not.toContain('Allmänt barnbidrag');
      // Unless told, the page hides them.
      expect(registerFacts(snapshot, names)).not.toContain('Allmänt barnbidrag');
    });

    it('a user without a declaration cannot trigger a look-up (replay from intake)', async () => {
      const rules = await loadRules();
      const c = await makeCase(db());
      await transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT, reason: null });
      await transitionCase(db(), { caseId: c.id, from: 'GATHERING', to: 'TECHNICAL_ERROR', actor: ROBOT, reason: 'TECHNICAL_ERROR' });
      const admin = uniqueId('admin');
      const outcome = await replayOne({ db: db(), rules, queues: undefined, clock: () => NOW }, c.id, 'intake', admin);
      expect(outcome).toEqual({ caseId: c.id, mode: 'intake', result: 'no-declaration' });
      const { rows } = await db().query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [c.id]);
      expect(rows[0]!.state).toBe('TECHNICAL_ERROR');
      expect(await mayCauseLookup(db(), admin, c.id, NOW)).toEqual({ ok: false, problem: 'no-declaration' });
      await declare(db(), admin);
      expect(await mayCauseLookup(db(), admin, c.id, NOW)).toEqual({ ok: true, municipality: '1287' });
      expect(await mayCauseLookup(db(), admin, 'no-such-case', NOW)).toEqual({ ok: false, problem: 'unknown-case' });
    });
  });

  describe('look-ups only for a case in handling', () => {
    const lookupRow = (caseId: string | null) => ({ actor: ROBOT, action: 'ssbtek.lookup', caseId, purpose: 'utredning', result: 'started' as const });

    it('are recorded while the case gathers', async () => {
      const c = await makeCase(db());
      await transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT, reason: null });
      await expect(appendAudit(db(), lookupRow(c.id))).resolves.toMatchObject({ action: 'ssbtek.lookup' });
    });

    it('are refused by the database for a received, decided or closed case and without a case', async () => {
      const received = await makeCase(db());
      const manual = await makeCase(db());
      await transitionCase(db(), { caseId: manual.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT, reason: null });
      await transitionCase(db(), { caseId: manual.id, from: 'GATHERING', to: 'MANUAL', actor: ROBOT, reason: 'X' });
      const proposed = await makeCase(db());
      await transitionCase(db(), { caseId: proposed.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT, reason: null });
      await transitionCase(db(), { caseId: proposed.id, from: 'GATHERING', to: 'PROPOSED', actor: ROBOT, reason: null });
      await transitionCase(db(), { caseId: proposed.id, from: 'PROPOSED', to: 'SIGNED', actor: 'hl-1', reason: null });
      for (const caseId of [received.id, manual.id, proposed.id, null, 'no-such-case']) {
        const error = await rejection(appendAudit(db(), lookupRow(caseId)));
        expect(error).toBeInstanceOf(StoreError);
        expect(error.message).toMatch(/register look-up refused: the case is not in handling/);
      }
      // A raw INSERT is refused too: the rule is the database's, not only the code's.
      await expect(
        db().query("INSERT INTO audit_log (actor, action, case_id, purpose, result) VALUES ('x', 'kir.lookup', $1, 'p', 'ok')", [manual.id]),
      ).rejects.toThrow(/not in handling \(state MANUAL\)/);
      // Other rows about a closed case are recorded as before.
      await expect(appendAudit(db(), { actor: 'hl-1', action: 'case.read', caseId: manual.id, purpose: 'p', result: 'ok' })).resolves.toBeDefined();
      const { rows } = await db().query<{ n: string }>("SELECT count(*) AS n FROM audit_log WHERE action = 'ssbtek.lookup' AND case_id = ANY($1::text[])", [[received.id, manual.id, proposed.id]]);
      expect(Number(rows[0]!.n)).toBe(0);
    });

    it('the robot does not ask the register for a closed case, and another case in the same batch is not held up', async () => {
      const closed = await makeCase(db());
      await transitionCase(db(), { caseId: closed.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT, reason: null });
      await transitionCase(db(), { caseId: closed.id, from: 'GATHERING', to: 'MANUAL', actor: ROBOT, reason: 'X' });
      const open = await makeCase(db());
      await transitionCase(db(), { caseId: open.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT, reason: null });
      const asked: string[] = [];
      const lookup = (caseId: string) => async () => {
        asked.push(caseId);
        return ['reply'];
      };
      const [refused, answered] = await Promise.allSettled([
        auditedLookups(deps(db()), closed.id, [{ register: 'ssbtek', personalNumbers: [PN], ask: lookup(closed.id) }]),
        auditedLookups(deps(db()), open.id, [{ register: 'ssbtek', personalNumbers: [PN], ask: lookup(open.id) }]),
      ]);
      expect(refused.status).toBe('rejected');
      expect(answered).toEqual({ status: 'fulfilled', value: [['reply']] });
      expect(asked).toEqual([open.id]);
    });
  });
});
