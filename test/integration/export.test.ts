import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportMunicipality, ExportTargetError, type ExportManifest } from '../../src/cli/export.js';
import {
  appendAudit,
  getProposalForCase,
  insertDecision,
  recordDecisionStep,
  recordJobOutcome,
  recordStaffLogin,
  storeCaseScreenshot,
} from '../../src/store/index.js';
import { EXPORT_TABLES, type ExportTable } from '../../src/store/repositories/exportMunicipality.js';
import { dryRunRetention } from '../../src/retention/run.js';
import { loadRules } from '../../src/rules/load.js';
import { forEachBackend, rejection, useDatabase } from '../support/backends.js';
import { startPipeline, type PipelineHarness } from '../support/pipeline.js';

/**
 * `export --municipality`: two municipalities' cases made by the real pipeline (fixtures plus
 * generated households of 1263), decisions, steps and screenshots added for both; the archive
 * of 1263 must hold exactly 1263's rows and nothing of 1287's, and the database must not change.
 */
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

/** The same selection as the export, written independently: rows per table whose case is in `m`. */
const COUNT_SQL: Record<ExportTable, string> = {
  applications: 'SELECT count(*) AS n FROM applications a JOIN cases c ON c.id = a.id WHERE c.municipality = $1',
  cases: 'SELECT count(*) AS n FROM cases WHERE municipality = $1',
  case_state_history: 'SELECT count(*) AS n FROM case_state_history t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  snapshots: 'SELECT count(*) AS n FROM snapshots t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  proposals: 'SELECT count(*) AS n FROM proposals t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  decisions: 'SELECT count(*) AS n FROM decisions t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  decision_steps:
    'SELECT count(*) AS n FROM decision_steps s JOIN decisions d ON d.id = s.decision_id JOIN cases c ON c.id = d.case_id WHERE c.municipality = $1',
  case_screenshots: 'SELECT count(*) AS n FROM case_screenshots t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  bookings: 'SELECT count(*) AS n FROM bookings t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  job_outcomes: 'SELECT count(*) AS n FROM job_outcomes t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  appeals: 'SELECT count(*) AS n FROM appeals t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  appeal_events: 'SELECT count(*) AS n FROM appeal_events t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1',
  audit_log: `SELECT (SELECT count(*) FROM audit_log t JOIN cases c ON c.id = t.case_id WHERE c.municipality = $1)
    + (SELECT count(*) FROM audit_log t WHERE t.case_id IS NULL AND split_part(t.action, '.', 1) IN ('declaration', 'logfollowup') AND t.details ->> 'municipality' = $1) AS n`,
  retention_runs: 'SELECT count(*) AS n FROM retention_runs WHERE municipality = $1',
  retention_items: 'SELECT count(*) AS n FROM retention_items i JOIN retention_runs r ON r.id = i.run_id WHERE r.municipality = $1',
  retention_destructions: 'SELECT count(*) AS n FROM retention_destructions WHERE municipality = $1',
  ssbtek_declarations: 'SELECT count(*) AS n FROM ssbtek_declarations WHERE municipality = $1',
  ssbtek_declaration_ends: 'SELECT count(*) AS n FROM ssbtek_declaration_ends e JOIN ssbtek_declarations d ON d.id = e.declaration_id WHERE d.municipality = $1',
  log_followup_reports: 'SELECT count(*) AS n FROM log_followup_reports WHERE municipality = $1',
  log_followup_signoffs: 'SELECT count(*) AS n FROM log_followup_signoffs s JOIN log_followup_reports r ON r.id = s.report_id WHERE r.municipality = $1',
};

const ALL_TABLES = [...EXPORT_TABLES, 'intake_cursors', 'store_identity', 'web_sessions', 'schema_migrations', 'staff'];

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function readJsonl(dir: string, table: string): Record<string, unknown>[] {
  return readFileSync(join(dir, `${table}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(dir, join(prefix, e.name)) : [join(prefix, e.name)],
  );
}

forEachBackend('export --municipality', (backend) => {
  const db = useDatabase(backend);
  let harness: PipelineHarness;
  const tmp = mkdtempSync(join(tmpdir(), 'export-test-'));
  const ids: Record<'1263' | '1287', string[]> = { '1263': [], '1287': [] };

  async function tableCounts(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const t of ALL_TABLES) out[t] = (await db().query<{ n: string }>(`SELECT count(*) AS n FROM ${t}`)).rows[0]!.n;
    return out;
  }

  beforeAll(async () => {
    harness = await startPipeline(db());
    harness.sandbox.generate(6, 1263, { month: '2026-03', municipality: '1263' });
    harness.sandbox.generate(4, 1287, { month: '2026-03', municipality: '1287' });
    await harness.robot.pollNow();
    const { rows } = await db().query<{ id: string; municipality: '1263' | '1287' }>('SELECT id, municipality FROM cases ORDER BY id');
    await harness.settle(rows.map((r) => r.id), ['PROPOSED', 'MANUAL', 'TECHNICAL_ERROR'], 60_000);
    for (const r of rows) ids[r.municipality].push(r.id);

    // Signed decisions, carry-out steps and screenshots for both municipalities.
    for (const id of [...ids['1263'], ...ids['1287']]) {
      const proposal = await getProposalForCase(db(), id);
      if (!proposal) continue;
      const decision = await insertDecision(db(), {
        caseId: id,
        proposalId: proposal.id,
        kind: 'as-proposed',
        outcome: proposal.outcome === 'PROPOSE_REJECT' ? 'REJECT' : 'GRANT',
        amount: proposal.amount ?? '0.00',
        content: { caseId: id, amount: proposal.amount ?? '0.00' },
        signedBy: 'handlaggare-1',
        signedAt: new Date('2026-03-10T10:00:00Z'),
      });
      await recordDecisionStep(db(), { decisionId: decision.id, step: 'write-back', outcome: 'done', reference: `CS-${id}`, actor: 'bistandsrobot' });
      await storeCaseScreenshot(db(), { caseId: id, decisionId: decision.id, step: 'payment', image: PNG });
    }
    await recordJobOutcome(db(), { jobId: 'manual-1', caseId: null, queue: 'cases', outcome: 'completed', attempts: 1 });
    // Under the 2026 law every Svedala fixture gets a proposal, so none is routed by its job: give one a job outcome.
    await recordJobOutcome(db(), { jobId: `case-${ids['1263'][0]}`, caseId: ids['1263'][0]!, queue: 'cases', outcome: 'routed-manual', attempts: 1 });
    // A gallring report for each, dated far enough ahead that the closed cases are due.
    for (const m of ['1263', '1287']) await dryRunRetention({ db: db(), rules: loadRules(), clock: () => new Date('2032-03-01T09:00:00Z'), actor: 'admin-1' }, m);
    // An admin search: no case, so no municipality's archive.
    await appendAudit(db(), { actor: 'admin-1', action: 'audit.search', purpose: 'tillsyn', result: 'ok', details: { q: ids['1287'][0] } });
    // Staff who have signed in: staff data, not the municipality's case data.
    await recordStaffLogin(db(), { id: 'handlaggare-1', displayName: 'Hanna Handläggare', role: 'caseworker', organisation: 'svedala', municipalities: ['1263'] }, new Date('2026-03-10T09:00:00Z'));
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  let dir: string;
  let manifest: ExportManifest;
  let before: Record<string, string>;

  it('seeds both municipalities, with decisions, steps and screenshots in each', async () => {
    expect(ids['1263'].length).toBeGreaterThanOrEqual(7);
    expect(ids['1287'].length).toBeGreaterThan(ids['1263'].length);
    for (const m of ['1263', '1287']) {
      for (const t of ['applications', 'decisions', 'decision_steps', 'case_screenshots', 'snapshots', 'proposals', 'audit_log', 'case_state_history', 'job_outcomes', 'retention_runs', 'retention_items'] as const) {
        const n = (await db().query<{ n: string }>(COUNT_SQL[t], [m])).rows[0]!.n;
        expect(Number(n), `${m} ${t}`).toBeGreaterThan(0);
      }
    }
  });

  it('exports 1263 and writes nothing to the database', async () => {
    before = await tableCounts();
    dir = join(tmp, `1263-${backend.name}`);
    manifest = await exportMunicipality(db(), { municipality: '1263', outDir: dir, pageSize: 3 });
    expect(await tableCounts()).toEqual(before);
    expect(manifest.municipality).toBe('1263');
    expect(manifest.robotVersion).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.rulesVersions.length).toBeGreaterThan(0);
    expect(Date.parse(manifest.createdAt)).not.toBeNaN();
  }, 60_000);

  it('counts match the database, table by table', async () => {
    for (const table of EXPORT_TABLES) {
      const expected = Number((await db().query<{ n: string }>(COUNT_SQL[table], ['1263'])).rows[0]!.n);
      const rows = readJsonl(dir, table);
      expect(rows.length, table).toBe(expected);
      expect(manifest.counts[table], table).toBe(expected);
      expect(manifest.files.find((f) => f.file === `${table}.jsonl`)!.rows, table).toBe(expected);
    }
    // Audit rows without a case id are nobody's: not in the archive.
    const audit = readJsonl(dir, 'audit_log');
    expect(audit.every((r) => typeof r.case_id === 'string')).toBe(true);
    expect(audit.some((r) => r.action === 'audit.search')).toBe(false);
  });

  it('every row belongs to 1263 and no 1287 case id appears anywhere in the archive', async () => {
    const caseIds = new Set(ids['1263']);
    for (const row of readJsonl(dir, 'applications')) expect(row.municipality).toBe('1263');
    for (const row of readJsonl(dir, 'cases')) expect(row.municipality).toBe('1263');
    for (const row of readJsonl(dir, 'retention_runs')) expect(row.municipality).toBe('1263');
    for (const row of readJsonl(dir, 'retention_items')) expect(caseIds.has(row.case_id as string), `retention_items ${String(row.case_id)}`).toBe(true);
    for (const t of ['case_state_history', 'snapshots', 'proposals', 'decisions', 'case_screenshots', 'job_outcomes', 'audit_log']) {
      for (const row of readJsonl(dir, t)) expect(caseIds.has(row.case_id as string), `${t} ${String(row.case_id)}`).toBe(true);
    }
    const decisionIds = new Set(readJsonl(dir, 'decisions').map((r) => r.id));
    for (const row of readJsonl(dir, 'decision_steps')) expect(decisionIds.has(row.decision_id)).toBe(true);

    const everything = listFiles(dir).map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
    for (const id of ids['1287']) expect(everything.includes(id), id).toBe(false);
    expect(everything).not.toMatch(/"municipality":\s*"1287"/);
  });

  it('money stays a string and screenshots are files', async () => {
    const decisions = readJsonl(dir, 'decisions');
    expect(decisions.length).toBeGreaterThan(0);
    for (const d of decisions) expect(typeof d.amount).toBe('string');
    const shots = readJsonl(dir, 'case_screenshots');
    for (const s of shots) {
      expect(s.file).toMatch(/^screenshots\/\d+\.png$/);
      expect(new Uint8Array(readFileSync(join(dir, s.file as string)))).toEqual(PNG);
      expect(s).not.toHaveProperty('image');
    }
  });

  it('the manifest names every file with its SHA-256; the staff directory is not one of them', () => {
    const onDisk = listFiles(dir).filter((f) => f !== 'manifest.json').sort();
    expect(onDisk.some((f) => f.startsWith('staff'))).toBe(false);
    for (const f of onDisk) expect(readFileSync(join(dir, f)).includes('Hanna Handläggare'), f).toBe(false);
    expect(manifest.files.map((f) => f.file).sort()).toEqual(onDisk);
    const written = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ExportManifest;
    expect(written).toEqual(JSON.parse(JSON.stringify(manifest)));
    for (const f of written.files) {
      const data = readFileSync(join(dir, f.file));
      expect(sha256(data), f.file).toBe(f.sha256);
      expect(data.byteLength, f.file).toBe(f.bytes);
    }
    expect(readFileSync(join(dir, 'README.txt'), 'utf8')).toContain('JSON Lines');
  });

  it('refuses a directory that is not empty, and a bad code', async () => {
    const full = join(tmp, `full-${backend.name}`);
    await exportMunicipality(db(), { municipality: '1287', outDir: full });
    expect(await rejection(exportMunicipality(db(), { municipality: '1263', outDir: full }))).toBeInstanceOf(ExportTargetError);
    expect(await rejection(exportMunicipality(db(), { municipality: '12x', outDir: join(tmp, 'bad') }))).toBeInstanceOf(ExportTargetError);
  }, 60_000);
});
