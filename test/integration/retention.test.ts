import { beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/load.js';
import { dryRunRetention, executeRetention, RetentionError, scheduledRetention, type RetentionContext } from '../../src/retention/run.js';
import { RETENTION_DRY_RUN_PATTERN, RETENTION_SCHEDULER_ID } from '../../src/robot/worker.js';
import { CASE_TABLES, getRetentionRun, IN_MEMORY, insertRetentionRun, listRetentionDestructions, listRetentionItems, openDatabase, type Db } from '../../src/store/index.js';
import { startPipeline } from '../support/pipeline.js';
import { forEachBackend, rejection, useDatabase } from '../support/backends.js';
import { seedCase, seededRowCounts, type SeedCase } from '../support/retention.js';
import { personalNumber } from '../support/snapshots.js';

/**
 * Gallring on both back ends with an injected clock. The households are written with explicit
 * timestamps; "today" is 2032-03-01, so an entry from before 2027-03-01 is five years old.
 */
const rules = loadRules();
const TODAY = new Date('2032-03-01T09:00:00Z');
const OLD = '2026-01-10T10:00:00Z';

const pn = {
  a: personalNumber('1985-07-07', '123'), // born on the 7th
  b: personalNumber('1979-03-15', '234'), // born on the 15th: research
  c: personalNumber('1990-11-08', '345'),
  d: personalNumber('1992-04-25', '456'), // born on the 25th: research
  e: personalNumber('1988-02-09', '567'),
  f: personalNumber('1970-10-10', '678'),
  g: personalNumber('1966-12-12', '789'),
};

const cases: SeedCase[] = [
  { id: 'G-DESTROY', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: pn.a, decided: true },
  { id: 'G-RESEARCH', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: pn.b, decided: true },
  { id: 'G-FILE-OLD', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: pn.c },
  { id: 'G-FILE-NEW', municipality: '1287', month: '2028-05', state: 'COMPLETED', at: '2028-05-02T10:00:00Z', applicant: pn.c },
  { id: 'G-JOINT', municipality: '1287', month: '2026-01', state: 'MANUAL', at: OLD, applicant: pn.e, coApplicant: pn.d },
  { id: 'G-INVALID', municipality: '1287', month: null, state: 'MANUAL', at: OLD, applicant: null },
  { id: 'G-OPEN', municipality: '1287', month: '2026-01', state: 'SIGNED', at: OLD, applicant: pn.f, decided: true },
  { id: 'G-CHANGED', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: pn.g },
  // Svedala's file of person a is newer, and Svedala's own: it must not keep Trelleborg's.
  { id: 'S-NEWER', municipality: '1263', month: '2029-01', state: 'COMPLETED', at: '2029-01-15T10:00:00Z', applicant: pn.a, decided: true },
  { id: 'S-DUE', municipality: '1263', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: pn.c },
];

forEachBackend('retention (gallring)', (backend) => {
  const db = useDatabase(backend);
  let clock = TODAY;
  const ctx = (): RetentionContext => ({ db: db(), rules, clock: () => clock, actor: 'admin-1' });

  /** A case's rows per table, written independently of the store's own selection. */
  const ROWS_OF: Record<string, string> = {
    decision_steps: 'SELECT count(*) AS n FROM decision_steps s JOIN decisions d ON d.id = s.decision_id WHERE d.case_id = $1',
    case_screenshots: 'SELECT count(*) AS n FROM case_screenshots WHERE case_id = $1',
    bookings: 'SELECT count(*) AS n FROM bookings WHERE case_id = $1',
    decisions: 'SELECT count(*) AS n FROM decisions WHERE case_id = $1',
    proposals: 'SELECT count(*) AS n FROM proposals WHERE case_id = $1',
    snapshots: 'SELECT count(*) AS n FROM snapshots WHERE case_id = $1',
    case_state_history: 'SELECT count(*) AS n FROM case_state_history WHERE case_id = $1',
    job_outcomes: 'SELECT count(*) AS n FROM job_outcomes WHERE case_id = $1',
    audit_log: 'SELECT count(*) AS n FROM audit_log WHERE case_id = $1',
    cases: 'SELECT count(*) AS n FROM cases WHERE id = $1',
    applications: 'SELECT count(*) AS n FROM applications WHERE id = $1',
  };

  async function rowsOf(caseId: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const [table, sql] of Object.entries(ROWS_OF)) out[table] = Number((await db().query<{ n: string }>(sql, [caseId])).rows[0]!.n);
    return out;
  }

  async function totalRows(d: Db): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    // The audit rows about cases; a run's own audit row names no case.
    for (const { table } of CASE_TABLES) {
      out[table] = (await d.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}${table === 'audit_log' ? ' WHERE case_id IS NOT NULL' : ''}`)).rows[0]!.n;
    }
    return out;
  }

  beforeAll(async () => {
    for (const c of cases) await seedCase(db(), c);
  });

  let dryRunId = '';

  it('a dry run lists what is due, with why, and changes nothing', async () => {
    const before = await totalRows(db());
    const { run, plan } = await dryRunRetention(ctx(), '1287');
    dryRunId = run.id;
    expect(await totalRows(db())).toEqual(before);
    expect(run).toMatchObject({ mode: 'dry-run', runDate: '2032-03-01', municipality: '1287', ruleStatus: 'official' });
    const items = await listRetentionItems(db(), run.id);
    expect(Object.fromEntries(items.map((i) => [i.caseId, i.verdict]))).toEqual({
      'G-CHANGED': 'destroy',
      'G-DESTROY': 'destroy',
      'G-INVALID': 'keep-unknown-person',
      'G-JOINT': 'keep-research',
      'G-OPEN': 'keep-open',
      'G-RESEARCH': 'keep-research',
    });
    expect(items.find((i) => i.caseId === 'G-DESTROY')).toEqual({
      caseId: 'G-DESTROY',
      verdict: 'destroy',
      month: '2026-01',
      lastEntryOn: '2026-01-10',
      dueFrom: '2031-01-10',
      deadline: '2032-12-31',
    });
    expect(plan.counts).toEqual({ destroy: 2, 'keep-research': 2, 'keep-unknown-person': 1, 'keep-open': 1, 'not-due': 2 });
    // Nothing of Svedala's in Trelleborg's report.
    expect(items.some((i) => i.caseId.startsWith('S-'))).toBe(false);
  });

  it('the records stay append-only: no DELETE without a destroy run that recorded the case', async () => {
    for (const setting of ['', dryRunId, 'no-such-run']) {
      const error = await rejection(
        db().transaction(async (tx) => {
          await tx.query("SELECT set_config('bistand.retention_run', $1, true)", [setting]);
          await tx.query("DELETE FROM snapshots WHERE case_id = 'G-DESTROY'");
        }),
      );
      expect(error.message).toMatch(/append-only/);
    }
    expect((await rowsOf('G-DESTROY')).snapshots).toBe(1);
    // The report itself can never be changed.
    expect((await rejection(db().query('DELETE FROM retention_items WHERE run_id = $1', [dryRunId]))).message).toMatch(/append-only/);
  });

  it('carrying out destroys exactly the approved cases that are still due, and records it without the data', async () => {
    // A new entry in G-CHANGED after the report: it is no longer due and must be left alone.
    await db().query(`INSERT INTO case_state_history (case_id, from_state, to_state, actor, reason, at) VALUES ('G-CHANGED', 'COMPLETED', 'COMPLETED', 'hl-1', 'komplettering', '2030-02-01T10:00:00Z')`);
    const others = Object.fromEntries(await Promise.all(cases.filter((c) => c.id !== 'G-DESTROY').map(async (c) => [c.id, await rowsOf(c.id)] as const)));

    const result = await executeRetention(ctx(), dryRunId);
    expect(result.destroyed).toEqual(['G-DESTROY']);
    expect(result.skipped).toEqual([{ caseId: 'G-CHANGED', why: 'finns inte längre eller är inte längre förfallet' }]);
    expect(result.run).toMatchObject({ mode: 'destroy', approves: dryRunId, summary: { destroyed: 1, skipped: 1, approvedInReport: 2 } });
    expect(result.run.finishedAt).not.toBeNull();

    expect(Object.values(await rowsOf('G-DESTROY')).every((n) => n === 0)).toBe(true);
    for (const [id, counts] of Object.entries(others)) expect(await rowsOf(id)).toEqual(counts);

    const record = await listRetentionDestructions(db(), result.run.id);
    expect(record).toHaveLength(1);
    expect(record[0]).toMatchObject({ caseId: 'G-DESTROY', municipality: '1287', month: '2026-01', lastEntryOn: '2026-01-10', dueFrom: '2031-01-10' });
    expect(record[0]!.rowCounts).toEqual(seededRowCounts(cases[0]!));

    // The record holds no personal number of anyone (nor does the report or the run).
    const dump = JSON.stringify([
      (await db().query('SELECT * FROM retention_destructions')).rows,
      (await db().query('SELECT * FROM retention_items')).rows,
      (await db().query('SELECT * FROM retention_runs')).rows,
    ]);
    for (const number of Object.values(pn)) {
      expect(dump).not.toContain(number);
      expect(dump).not.toContain(number.slice(2));
    }

    // The audit log says who carried it out.
    const audit = await db().query<{ actor: string; details: Record<string, unknown> }>("SELECT actor, details FROM audit_log WHERE action = 'retention.destroy'");
    expect(audit.rows).toEqual([{ actor: 'admin-1', details: expect.objectContaining({ run: result.run.id, destroyed: 1 }) }]);
  });

  it('a carried-out report cannot be carried out again, and an old report not at all', async () => {
    expect(await rejection(executeRetention(ctx(), dryRunId))).toBeInstanceOf(RetentionError);
    const { run } = await dryRunRetention(ctx(), '1263');
    clock = new Date(TODAY.getTime() + 40 * 86_400_000);
    try {
      const error = await rejection(executeRetention(ctx(), run.id));
      expect(error.message).toMatch(/mer än 31 dagar/);
    } finally {
      clock = TODAY;
    }
    expect((await rowsOf('S-DUE')).cases).toBe(1);
  });

  it('a destroy run that stopped half-way is taken up again', async () => {
    const { run } = await dryRunRetention(ctx(), '1263');
    expect((await listRetentionItems(db(), run.id)).map((i) => [i.caseId, i.verdict])).toEqual([['S-DUE', 'destroy']]);
    // As if a process had started the destroy run and died before its first case.
    await insertRetentionRun(db(), { id: `crashed-${backend.name}`, mode: 'destroy', runDate: '2032-03-01', municipality: '1263', ruleSource: 'x-source', ruleStatus: 'provisional', approves: run.id, actor: 'admin-1' });
    // An open destroy run lets through only the cases it has recorded as destroyed.
    const refused = await rejection(
      db().transaction(async (tx) => {
        await tx.query("SELECT set_config('bistand.retention_run', $1, true)", [`crashed-${backend.name}`]);
        await tx.query("DELETE FROM snapshots WHERE case_id = 'S-DUE'");
      }),
    );
    expect(refused.message).toMatch(/append-only/);
    const result = await executeRetention(ctx(), run.id);
    expect(result.run.id).toBe(`crashed-${backend.name}`);
    expect(result.destroyed).toEqual(['S-DUE']);
    expect((await rowsOf('S-NEWER')).cases).toBe(1);
  });

  it('two admins carrying out the same report at once: one destroy run, every case destroyed once', async () => {
    await seedCase(db(), { id: 'G-RACE', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: personalNumber('1991-01-02', '111') });
    const { run } = await dryRunRetention(ctx(), '1287');
    const outcomes = await Promise.allSettled([executeRetention(ctx(), run.id), executeRetention(ctx(), run.id)]);
    // Each either carried the report out or was told in words that it is already being done.
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(RetentionError);
    const destroyed = outcomes.flatMap((o) => (o.status === 'fulfilled' ? o.value.destroyed : []));
    expect(destroyed).toEqual(['G-RACE']);
    expect((await db().query('SELECT count(*) AS n FROM retention_runs WHERE approves = $1', [run.id])).rows[0]).toEqual({ n: '1' });
    expect((await db().query("SELECT count(*) AS n FROM retention_destructions WHERE case_id = 'G-RACE'")).rows[0]).toEqual({ n: '1' });
  });

  it('an admin of one municipality cannot carry out another municipality\'s report', async () => {
    const { run } = await dryRunRetention(ctx(), '1287');
    const error = await rejection(executeRetention(ctx(), run.id, { municipalities: ['1263'] }));
    expect(error.message).toBe('provkörningen finns inte');
  });
});

describe('the scheduled dry run', () => {
  it('is scheduled once per cluster in Stockholm time, and the worker stores a report per municipality', async () => {
    const db = await openDatabase({ dataDir: IN_MEMORY });
    const harness = await startPipeline(db);
    try {
      const scheduler = await harness.robot.queues.intake.getJobScheduler(RETENTION_SCHEDULER_ID);
      expect(scheduler).toMatchObject({ pattern: RETENTION_DRY_RUN_PATTERN, tz: 'Europe/Stockholm' });
      await harness.robot.queues.intake.add(RETENTION_SCHEDULER_ID, {});
      const deadline = Date.now() + 20_000;
      let runs: Array<{ municipality: string; mode: string; actor: string }> = [];
      while (runs.length < 2 && Date.now() < deadline) {
        runs = (await db.query<{ municipality: string; mode: string; actor: string }>('SELECT municipality, mode, actor FROM retention_runs ORDER BY municipality')).rows;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(runs).toEqual([
        { municipality: '1263', mode: 'dry-run', actor: harness.deps.identity },
        { municipality: '1287', mode: 'dry-run', actor: harness.deps.identity },
      ]);
    } finally {
      await harness.stop();
      await db.close();
    }
  }, 60_000);
});

describe('the scheduled job carrying out a report nobody approved (RETENTION_AUTO_EXECUTE_DAYS)', () => {
  const day = (date: string) => new Date(`${date}T01:00:00Z`);

  /** The shipped rules with the current retention period marked provisional, as it was before SoL 2025:400 was read. */
  function provisionalRules() {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
    const path = join(dir, 'retention.yaml');
    const text = readFileSync(path, 'utf8');
    if (!text.includes('status: official')) throw new Error('retention.yaml has no official period to mark provisional');
    writeFileSync(path, text.replace('status: official', 'status: provisional'));
    try {
      return loadRules(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('waits the days given, never acts under a provisional rule, and then makes the next report', async () => {
    const db = await openDatabase({ dataDir: IN_MEMORY });
    try {
      await seedCase(db, { id: 'A-DUE', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: pn.a });
      await seedCase(db, { id: 'A-KEPT', municipality: '1287', month: '2026-01', state: 'COMPLETED', at: OLD, applicant: pn.b });
      const confirmed = rules;
      const provisional = provisionalRules();
      const ctx = (r: typeof rules, date: string) => ({ db, rules: r, clock: () => day(date), actor: 'bistandsrobot' });
      const cases = async () => (await db.query<{ id: string }>('SELECT id FROM cases ORDER BY id')).rows.map((r) => r.id);

      // Month 1: a report only.
      const first = await scheduledRetention(ctx(confirmed, '2032-03-02'), ['1287'], 14);
      expect(first.executed).toEqual({});
      expect(first.reports['1287']!.due).toBe(2);

      // Too early (13 days): nothing carried out.
      expect((await scheduledRetention(ctx(confirmed, '2032-03-15'), ['1287'], 14)).executed).toEqual({});
      expect(await cases()).toEqual(['A-DUE', 'A-KEPT']);

      // Under a provisional rule: never, however long it waited.
      expect((await scheduledRetention(ctx(provisional, '2032-03-30'), ['1287'], 14)).executed).toEqual({});
      expect(await cases()).toEqual(['A-DUE', 'A-KEPT']);

      // The latest report (made on 2032-03-30 under the provisional rule) is not carried out either:
      // a report made under a provisional rule always waits for a person.
      expect((await scheduledRetention(ctx(confirmed, '2032-04-20'), ['1287'], 14)).executed).toEqual({});
      expect(await cases()).toEqual(['A-DUE', 'A-KEPT']);

      // A month later the confirmed report of 2032-04-20 has waited 14 days and more: carried out.
      const later = await scheduledRetention(ctx(confirmed, '2032-05-04'), ['1287'], 14);
      expect(Object.keys(later.executed)).toEqual(['1287']);
      expect(later.executed['1287']!.destroyed).toBe(1);
      expect(await cases()).toEqual(['A-KEPT']);
      const destroyRun = await getRetentionRun(db, later.executed['1287']!.run);
      expect(destroyRun).toMatchObject({ mode: 'destroy', actor: 'bistandsrobot' });
      // And the next report is made after it.
      expect(later.reports['1287']!.due).toBe(1);

      // Without the setting, nothing is ever carried out by the job.
      await seedCase(db, { id: 'A-DUE-2', municipality: '1287', month: '2026-02', state: 'COMPLETED', at: OLD, applicant: pn.g });
      await scheduledRetention(ctx(confirmed, '2032-05-05'), ['1287']);
      expect((await scheduledRetention(ctx(confirmed, '2032-06-02'), ['1287'])).executed).toEqual({});
      expect(await cases()).toEqual(['A-DUE-2', 'A-KEPT']);
    } finally {
      await db.close();
    }
  });
});
