import { expect, it } from 'vitest';
import { getSnapshot, insertSnapshot, latestSnapshotForCase } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { makeCase } from '../support/storeFixtures.js';

const SNAPSHOT = {
  application: {
    id: 'A-2026-000123',
    costs: [{ type: 'rent', amount: '6900.50' }],
    incomes: [{ person: 'applicant', type: 'salary', amount: '4200' }],
  },
  registers: { plan: { status: 'active' } },
  history: { monthsWithAssistanceInRow: 4, jobStimulusStart: null },
};

forEachBackend('snapshots', (backend) => {
  const db = useDatabase(backend);

  it('stores a snapshot and gives it back unchanged, money still strings', async () => {
    const c = await makeCase(db());
    const stored = await insertSnapshot(db(), { caseId: c.id, snapshot: SNAPSHOT, rulesVersion: '2026-01-01' });
    expect(stored.id).toMatch(/^\d+$/);
    const read = await getSnapshot(db(), stored.id);
    expect(read?.snapshot).toEqual(SNAPSHOT);
    expect(read?.rulesVersion).toBe('2026-01-01');
    expect(read?.createdAt).toBeInstanceOf(Date);
  });

  it('the latest of several snapshots of a case is found', async () => {
    const c = await makeCase(db());
    await insertSnapshot(db(), { caseId: c.id, snapshot: { n: 1 }, rulesVersion: 'r1' });
    const second = await insertSnapshot(db(), { caseId: c.id, snapshot: { n: 2 }, rulesVersion: 'r1' });
    expect((await latestSnapshotForCase(db(), c.id))?.id).toBe(second.id);
  });

  it('is immutable: UPDATE, DELETE and TRUNCATE are refused by the database', async () => {
    const c = await makeCase(db());
    const stored = await insertSnapshot(db(), { caseId: c.id, snapshot: SNAPSHOT, rulesVersion: 'r1' });
    await expect(
      db().query(`UPDATE snapshots SET snapshot = '{}'::jsonb WHERE id = $1`, [stored.id]),
    ).rejects.toThrow(/snapshots is append-only: UPDATE refused/);
    await expect(db().query("UPDATE snapshots SET rules_version = 'r2' WHERE id = $1", [stored.id])).rejects.toThrow(/append-only/);
    await expect(db().query('DELETE FROM snapshots WHERE id = $1', [stored.id])).rejects.toThrow(/append-only: DELETE/);
    await expect(db().exec('TRUNCATE snapshots CASCADE')).rejects.toThrow(/append-only: TRUNCATE/);
    expect((await getSnapshot(db(), stored.id))?.snapshot).toEqual(SNAPSHOT);
  });

  it('a snapshot needs its case', async () => {
    await expect(insertSnapshot(db(), { caseId: 'no-such-case', snapshot: {}, rulesVersion: 'r1' })).rejects.toThrow(/foreign key/);
  });
});
