import { expect, it } from 'vitest';
import {
  CaseTransitionError,
  getProposalForCase,
  insertProposalIfAbsent,
  insertSnapshot,
  insertSnapshotAndProposal,
  insertSnapshotsAndProposals,
  transitionCase,
  type CaseState,
  type NewProposal,
  type SnapshotAndProposal,
} from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { makeCase } from '../support/storeFixtures.js';
import type { Db, Queryable } from '../../src/store/index.js';

async function prepared(db: Db, amount: string | null = '7431'): Promise<NewProposal> {
  const c = await makeCase(db);
  const snapshot = await insertSnapshot(db, { caseId: c.id, snapshot: { application: { id: c.id } }, rulesVersion: 'r1' });
  return {
    caseId: c.id,
    snapshotId: snapshot.id,
    outcome: 'PROPOSE_GRANT',
    amount,
    reasons: [],
    proposal: { caseId: c.id, outcome: 'PROPOSE_GRANT', amount, calculation: { result: amount, lines: [] } },
  };
}

forEachBackend('proposals', (backend) => {
  const db = useDatabase(backend);

  it('a second insert for the case returns the first proposal and makes no second row', async () => {
    const input = await prepared(db());
    const first = await insertProposalIfAbsent(db(), input);
    expect(first.created).toBe(true);
    const second = await insertProposalIfAbsent(db(), { ...input, outcome: 'MANUAL', amount: '1', reasons: ['TECHNICAL_ERROR'] });
    expect(second.created).toBe(false);
    expect(second.proposal).toEqual(first.proposal);
    const { rows } = await db().query('SELECT id FROM proposals WHERE case_id = $1', [input.caseId]);
    expect(rows).toHaveLength(1);
  });

  it('two inserts racing for one case still make one row', async () => {
    const input = await prepared(db());
    const results = await Promise.all([insertProposalIfAbsent(db(), input), insertProposalIfAbsent(db(), input)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]?.proposal.id).toBe(results[1]?.proposal.id);
  });

  it('the UNIQUE constraint itself refuses a plain second INSERT', async () => {
    const input = await prepared(db());
    await insertProposalIfAbsent(db(), input);
    await expect(
      db().query("INSERT INTO proposals (case_id, snapshot_id, outcome, proposal) VALUES ($1, $2, 'MANUAL', '{}')", [
        input.caseId,
        input.snapshotId,
      ]),
    ).rejects.toThrow(/unique/i);
  });

  it.each(['1250.50', '9999999999.99', '7431', '0', '0.05', '100.10'])('money %s round-trips exactly, as a string', async (amount) => {
    const input = await prepared(db(), amount);
    const { proposal } = await insertProposalIfAbsent(db(), input);
    expect(proposal.amount).toBe(amount);
    const read = await getProposalForCase(db(), input.caseId);
    expect(read?.amount).toBe(amount);
    expect(typeof read?.amount).toBe('string');
    // Inside the JSON document the amount stays a string too.
    expect((read?.proposal as { amount: unknown }).amount).toBe(amount);
    // And the database holds the exact decimal, not a float's neighbour.
    const { rows } = await db().query<{ same: boolean }>('SELECT amount = $2::numeric AS same FROM proposals WHERE case_id = $1', [
      input.caseId,
      amount,
    ]);
    expect(rows[0]?.same).toBe(true);
  });

  it('a MANUAL proposal may have no amount; a non-money amount is refused', async () => {
    const manual = await prepared(db(), null);
    const { proposal } = await insertProposalIfAbsent(db(), { ...manual, outcome: 'MANUAL', reasons: ['INVALID_APPLICATION'] });
    expect(proposal.amount).toBeNull();
    expect(proposal.reasons).toEqual(['INVALID_APPLICATION']);
    const bad = await prepared(db());
    await expect(insertProposalIfAbsent(db(), { ...bad, amount: '12.345' })).rejects.toThrow(/money/);
    await expect(insertProposalIfAbsent(db(), { ...bad, amount: '-5' })).rejects.toThrow(/money/);
  });

  it('a stored proposal cannot be changed or deleted', async () => {
    const input = await prepared(db());
    await insertProposalIfAbsent(db(), input);
    await expect(db().query("UPDATE proposals SET amount = '1' WHERE case_id = $1", [input.caseId])).rejects.toThrow(/append-only/);
    await expect(db().query('DELETE FROM proposals WHERE case_id = $1', [input.caseId])).rejects.toThrow(/append-only/);
  });
});

forEachBackend('snapshots and proposals of several cases in one statement', (backend) => {
  const db = useDatabase(backend);

  function ending(caseId: string, amount: string | null, from: CaseState = 'GATHERING'): SnapshotAndProposal {
    return {
      caseId,
      snapshot: { application: { id: caseId } },
      rulesVersion: 'r1',
      outcome: 'PROPOSE_GRANT',
      amount,
      reasons: [],
      proposal: { caseId, outcome: 'PROPOSE_GRANT', amount },
      from,
      to: 'PROPOSED',
      actor: 'robot',
      reason: 'PROPOSE_GRANT',
    };
  }

  async function gathering(): Promise<string> {
    const c = await makeCase(db());
    await transitionCase(db(), { caseId: c.id, from: 'RECEIVED', to: 'GATHERING', actor: 'robot', reason: null });
    return c.id;
  }

  it('answers each case in order as the one-case statement would: new, already proposed, moved on by another run, given twice', async () => {
    const fresh = await gathering();
    const proposed = await gathering();
    await insertSnapshotAndProposal(db(), ending(proposed, '100.00'));
    const movedOn = await gathering();
    await transitionCase(db(), { caseId: movedOn, from: 'GATHERING', to: 'MANUAL', actor: 'other', reason: null });
    const twice = await gathering();

    const results = await insertSnapshotsAndProposals(db(), [
      ending(fresh, '1250.50'),
      ending(proposed, '1'),
      ending(movedOn, '2'),
      ending(twice, '3160.00'),
      ending(twice, '9'),
    ]);
    expect(results.map((r) => [r.created, r.moved])).toEqual([
      [true, true],
      [false, false],
      [true, false],
      [true, true],
      [false, false],
    ]);
    expect(new Set(results.map((r) => r.snapshotId)).size).toBe(5);

    expect((await getProposalForCase(db(), fresh))?.amount).toBe('1250.50');
    expect((await getProposalForCase(db(), proposed))?.amount).toBe('100.00');
    expect((await getProposalForCase(db(), twice))?.amount).toBe('3160.00');
    const states = await db().query<{ id: string; state: string }>('SELECT id, state FROM cases WHERE id = ANY($1) ORDER BY id', [[fresh, movedOn, twice]]);
    expect(Object.fromEntries(states.rows.map((r) => [r.id, r.state]))).toEqual({ [fresh]: 'PROPOSED', [movedOn]: 'MANUAL', [twice]: 'PROPOSED' });
    const history = await db().query<{ case_id: string }>(
      "SELECT case_id FROM case_state_history WHERE to_state = 'PROPOSED' AND case_id = ANY($1)",
      [[fresh, movedOn, twice]],
    );
    expect(history.rows.map((r) => r.case_id).sort()).toEqual([fresh, twice].sort());
  });

  it("reads a turn's cases by index, not by a scan of every case (the planner takes jsonb_to_recordset for 100 rows)", async () => {
    // Enough cases that a hash join over a sequential scan looks cheaper than 100 index probes.
    await db().exec(`
      INSERT INTO applications (id, municipality, received_at, raw) SELECT 'MANY-' || g, '1287', now(), '{}'::jsonb FROM generate_series(1, 5000) g;
      INSERT INTO cases (id, municipality, month, state) SELECT 'MANY-' || g, '1287', '2026-03', 'MANUAL' FROM generate_series(1, 5000) g;`);
    const id = await gathering();
    const statements: Array<{ sql: string; params: readonly unknown[] | undefined }> = [];
    const spy: Queryable = {
      query: (sql, params) => {
        statements.push({ sql, params });
        return db().query(sql, params);
      },
      exec: (sql) => db().exec(sql),
    };
    await insertSnapshotsAndProposals(spy, [ending(id, '1')]);
    expect(statements).toHaveLength(1);
    const { rows } = await db().query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${statements[0]!.sql}`, statements[0]!.params);
    const scans: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      const n = node as Record<string, unknown>;
      if (n['Relation Name'] === 'cases') scans.push(String(n['Node Type']));
      Object.values(n).forEach(walk);
    };
    const plan = rows[0]!['QUERY PLAN'];
    walk(typeof plan === 'string' ? JSON.parse(plan) : plan);
    expect(scans.length).toBeGreaterThan(0);
    expect(scans).not.toContain('Seq Scan');
  });

  it('refuses the whole call when one change is not a transition', async () => {
    const id = await gathering();
    await expect(insertSnapshotsAndProposals(db(), [ending(id, '1'), { ...ending(id, '1'), from: 'RECEIVED', to: 'SIGNED' }])).rejects.toThrow(CaseTransitionError);
    const { rows } = await db().query('SELECT id FROM snapshots WHERE case_id = $1', [id]);
    expect(rows).toHaveLength(0);
  });
});
