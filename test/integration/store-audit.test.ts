import { describe, expect, it } from 'vitest';
import { appendAudit, auditRows, insertAuditRows, listAuditForCase, listAuditForSubject, pseudonymFor, StoreError, transitionCase, type NewAuditEntry } from '../../src/store/index.js';
import { forEachBackend, rejection, useDatabase } from '../support/backends.js';
import { makeCase, ROBOT } from '../support/storeFixtures.js';

const SECRET = 'test-secret-0123456789abcdef';
// A synthetic test personal number (valid check digit), used only to prove it never lands.
const PERSONAL_NUMBER = '198507099805';

forEachBackend('audit log', (backend) => {
  const db = useDatabase(backend);

  async function oneEntry() {
    const c = await makeCase(db());
    // A look-up is recorded only while the case gathers (migration 0014).
    await transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: ROBOT, reason: null });
    const entry = await appendAudit(db(), {
      actor: ROBOT,
      action: 'ssbtek.lookup',
      caseId: c.id,
      subjectRef: pseudonymFor(PERSONAL_NUMBER, SECRET),
      purpose: 'utredning av ekonomiskt bistånd',
      result: 'ok',
      details: { register: 'ssbtek', agencies: ['FK', 'CSN'] },
    });
    return { c, entry };
  }

  it('appends entries and reads them back by case and by person', async () => {
    const { c, entry } = await oneEntry();
    expect(entry.at).toBeInstanceOf(Date);
    expect(entry.id).toMatch(/^\d+$/);
    const byCase = await listAuditForCase(db(), c.id);
    expect(byCase).toHaveLength(1);
    expect(byCase[0]).toMatchObject({ actor: ROBOT, action: 'ssbtek.lookup', result: 'ok', details: { register: 'ssbtek' } });
    const bySubject = await listAuditForSubject(db(), pseudonymFor(PERSONAL_NUMBER, SECRET));
    expect(bySubject.map((e) => e.id)).toContain(entry.id);
  });

  it('the pipeline’s batch write stores exactly what appendAudit does, in order, nulls and odd text included', async () => {
    const c = await makeCase(db());
    const entries: NewAuditEntry[] = [
      { actor: ROBOT, action: 'case.read', caseId: c.id, purpose: 'citat "så" här \\ och\nrad', result: 'ok', details: { note: 'åäö ✓', list: [1, null, 'x'] } },
      { actor: 'hl-1', action: 'case.search', caseId: null, subjectRef: pseudonymFor(PERSONAL_NUMBER, SECRET), purpose: 'sökning', result: 'ok' },
      { actor: ROBOT, action: 'case.read', caseId: c.id, purpose: 'tredje', result: 'refused', details: {} },
    ];
    await insertAuditRows(db(), auditRows(entries));
    const { rows } = await db().query<Record<string, unknown>>(
      "SELECT actor, action, case_id, subject_ref, purpose, result, details FROM audit_log WHERE purpose IN ('sökning', 'tredje') OR case_id = $1 ORDER BY id",
      [c.id],
    );
    expect(rows).toEqual(
      entries.map((e) => ({ actor: e.actor, action: e.action, case_id: e.caseId, subject_ref: e.subjectRef ?? null, purpose: e.purpose, result: e.result, details: e.details ?? {} })),
    );
  });

  it('the database refuses UPDATE', async () => {
    const { entry } = await oneEntry();
    const update = db().query("UPDATE audit_log SET result = 'error' WHERE id = $1", [entry.id]);
    await expect(update).rejects.toThrow(/audit_log is append-only: UPDATE refused/);
    await expect(update).rejects.toBeInstanceOf(StoreError);
    const { rows } = await db().query<{ result: string }>('SELECT result FROM audit_log WHERE id = $1', [entry.id]);
    expect(rows[0]?.result).toBe('ok');
  });

  it('the database refuses DELETE, even of everything', async () => {
    const { entry } = await oneEntry();
    await expect(db().query('DELETE FROM audit_log WHERE id = $1', [entry.id])).rejects.toThrow(/append-only: DELETE refused/);
    await expect(db().query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    const { rows } = await db().query('SELECT id FROM audit_log WHERE id = $1', [entry.id]);
    expect(rows).toHaveLength(1);
  });

  it('the database refuses TRUNCATE', async () => {
    await oneEntry();
    await expect(db().exec('TRUNCATE audit_log')).rejects.toThrow(/append-only: TRUNCATE refused/);
    const { rows } = await db().query('SELECT id FROM audit_log');
    expect(rows.length).toBeGreaterThan(0);
  });

  it('a personal number is refused as subject reference, by the code and by the database', async () => {
    const base = { actor: ROBOT, action: 'kir.lookup', purpose: 'utredning', result: 'ok' as const };
    await expect(appendAudit(db(), { ...base, subjectRef: PERSONAL_NUMBER })).rejects.toThrow(/pseudonymFor/);
    const raw = db().query(
      "INSERT INTO audit_log (actor, action, subject_ref, purpose, result) VALUES ('x', 'y', $1, 'z', 'ok')",
      [PERSONAL_NUMBER],
    );
    await expect(raw).rejects.toThrow(/check constraint/);
    // The database's error carries no row contents, so it is safe to log.
    const error = await rejection(raw);
    expect(error.message).not.toContain(PERSONAL_NUMBER);
    expect(JSON.stringify(error)).not.toContain(PERSONAL_NUMBER);
  });

  it('details that carry a personal number are refused without repeating it', async () => {
    const attempt = appendAudit(db(), {
      actor: ROBOT,
      action: 'kir.lookup',
      purpose: 'utredning',
      result: 'ok',
      details: { person: '850709-9805' },
    });
    await expect(attempt).rejects.toThrow(/\$\.details\.person looks like a personal number/);
    const error = await rejection(attempt);
    expect(error.message).not.toContain('9805');
  });
});

describe('pseudonymFor', () => {
  it('is stable, keyed, 32 hex digits, and does not contain the number', () => {
    const a = pseudonymFor(PERSONAL_NUMBER, SECRET);
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(pseudonymFor(PERSONAL_NUMBER, SECRET)).toBe(a);
    expect(pseudonymFor(PERSONAL_NUMBER, `${SECRET}x`)).not.toBe(a);
    expect(pseudonymFor('201905052385', SECRET)).not.toBe(a);
    expect(a).not.toContain(PERSONAL_NUMBER.slice(2));
  });

  it('takes only the normalised form and a real key, and says so without the number', () => {
    expect(() => pseudonymFor('850709-9805', SECRET)).toThrow(/12-digit/);
    expect(() => pseudonymFor(PERSONAL_NUMBER, 'short')).toThrow(/secret/);
    try {
      pseudonymFor('850709-9805', SECRET);
    } catch (e) {
      expect((e as Error).message).not.toContain('9805');
    }
  });
});
