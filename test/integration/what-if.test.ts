import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { whatIfFromStore } from '../../src/cli/whatIf.js';
import { Decimal } from '../../src/domain/money.js';
import { DEFAULT_RULES_DIR, loadRules } from '../../src/rules/load.js';
import type { Db } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * What-if against a store the real pipeline filled from the sandbox fixtures: a rules copy
 * with the single adult's riksnorm raised by 100 kr (2021 and 2026) is compared with the stored
 * proposals, and nothing in the store changes.
 */
const fixturesDir = join(import.meta.dirname, '..', '..', 'fixtures', 'applications');
const fixtureIds: string[] = readdirSync(fixturesDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => (JSON.parse(readFileSync(join(fixturesDir, f), 'utf8')) as { application: { id: string } }).application.id);

function raisedRules(): string {
  const dir = mkdtempSync(join(tmpdir(), 'what-if-int-'));
  cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
  const file = join(dir, 'riksnorm.yaml');
  const text = readFileSync(file, 'utf8');
  const l2021 = 'adults: { single: "3160", cohabiting: "5700" }';
  const l2026 = 'adults: { single: "3940", cohabiting: "7100" }';
  if (!text.includes(l2021) || !text.includes(l2026)) throw new Error('riksnorm.yaml: single-adult lines not found');
  writeFileSync(file, text.replace(l2021, 'adults: { single: "3260", cohabiting: "5700" }').replace(l2026, 'adults: { single: "4040", cohabiting: "7100" }'));
  return dir;
}

const TABLES = ['proposals', 'snapshots', 'cases', 'audit_log', 'case_state_history', 'decisions'] as const;

async function fingerprint(db: Db): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of TABLES) {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    out[table] = rows[0]!.n;
  }
  const { rows } = await db.query<{ id: string; state: string; attempts: number; state_changed_at: Date }>(
    'SELECT id, state, attempts, state_changed_at FROM cases ORDER BY id',
  );
  out.caseStates = JSON.stringify(rows);
  return out;
}

forEachBackend('what-if', (backend) => {
  const db = useDatabase(backend);
  let harness: PipelineHarness;
  let rulesDir: string;

  beforeAll(async () => {
    rulesDir = raisedRules();
    harness = await startPipeline(db());
    await harness.robot.pollNow();
    await harness.settle(fixtureIds, undefined, 45_000);
    await harness.stop();
  }, 120_000);
  afterAll(() => rmSync(rulesDir, { recursive: true, force: true }));

  it('the shipped rules give zero changes for a stored month', async () => {
    const report = await whatIfFromStore(db(), loadRules(), { month: '2026-03', municipality: '1287' });
    expect(report.compared).toBeGreaterThan(5);
    expect(report.outcomeChanged).toBe(0);
    expect(report.amountChanged).toBe(0);
    expect(report.totals.difference).toBe('0');
  });

  it('single-adult norm +100: counts and totals, and no row in the store changes', async () => {
    const before = await fingerprint(db());
    const raised = loadRules(rulesDir);
    const scope = { month: '2021-03', municipality: '1287' };
    const report2021 = await whatIfFromStore(db(), raised, scope);
    const report2026 = await whatIfFromStore(db(), raised, { month: '2026-03', municipality: '1287' });
    const svedala = await whatIfFromStore(db(), raised, { month: '2026-03', municipality: '1263' });
    const after = await fingerprint(db());
    expect(after).toEqual(before);

    // 2021-03: the single adult's renewal, a grant, +100.
    expect(report2021.compared).toBe(1);
    expect(report2021.outcomeChanged).toBe(0);
    expect(report2021.amountChanged).toBe(1);
    expect(report2021.totals.difference).toBe('100');
    expect(report2021.grantTotals.difference).toBe('100');
    expect(report2021.changes[0]!.caseId).toBe('A-2021-000101');

    // 2026-03 Trelleborg: every changed amount is exactly +100; totals add up exactly.
    expect(report2026.outcomeChanged).toBe(0);
    expect(report2026.amountChanged).toBeGreaterThanOrEqual(2);
    for (const change of report2026.changes) {
      expect(new Decimal(change.after.amount).minus(change.before.amount).toFixed()).toBe('100');
    }
    expect(report2026.totals.difference).toBe(String(100 * report2026.amountChanged));
    expect(new Decimal(report2026.totals.after).minus(report2026.totals.before).toFixed()).toBe(report2026.totals.difference);
    const grantsChanged = report2026.changes.filter((c) => c.before.outcome === 'PROPOSE_GRANT').length;
    expect(report2026.grantTotals.difference).toBe(String(100 * grantsChanged));
    expect(Object.values(report2026.transitions).reduce((a, b) => a + b, 0)).toBe(report2026.compared);
    // The sandbox fixtures exactly: 15 households, 14 amounts +100 (6 of them grants: the
    // official 2026 table, SFS 2025:1046, lets three households with children be proposed).
    expect(report2026.compared).toBe(15);
    expect(report2026.amountChanged).toBe(14);
    expect(report2026.totals).toEqual({ before: '126326', after: '127726', difference: '1400' });
    expect(report2026.grantTotals).toEqual({ before: '65910', after: '66510', difference: '600' });
    expect(report2026.transitions).toEqual({ 'MANUAL->MANUAL': 9, 'PROPOSE_GRANT->PROPOSE_GRANT': 6 });

    // Svedala's couple: another municipality, another norm; nothing of Trelleborg's is counted.
    expect(svedala.compared).toBe(1);
    expect(svedala.amountChanged).toBe(0);
    expect(report2026.changes.concat(report2021.changes).every((c) => c.caseId !== 'A-2026-000210')).toBe(true);

    // Case ids and counts only: no personal number anywhere in the report.
    expect(JSON.stringify([report2021, report2026, svedala])).not.toMatch(/\d{10,12}/);
  });
});
