import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportMunicipality } from '../../src/cli/export.js';
import { ConfigError, loadConfig, LOG_FOLLOW_UP_DEFAULTS } from '../../src/config.js';
import { CHECKS, followUp, median, type CheckCode } from '../../src/logfollowup/checks.js';
import { inOfficeHours } from '../../src/logfollowup/officeHours.js';
import { loadRules } from '../../src/rules/load.js';
import { followUpCsv } from '../../src/web/logfollowup/csv.js';
import { makeFollowUpReport, scheduledFollowUp, signOffFollowUp } from '../../src/logfollowup/run.js';
import { getFollowUpReport, listAuditByIds, pseudonymFor, readFollowUpFacts, recordDeclaration, searchAudit, type Db } from '../../src/store/index.js';
import { forEachBackend, rejection, uniqueId, useDatabase } from '../support/backends.js';

// Synthetic test personal number (valid check digit): must never reach a finding or the CSV.
const PN = '198507099805';
const SECRET = 'test-secret-0123456789abcdef';
const SETTINGS = LOG_FOLLOW_UP_DEFAULTS;
const CLOSED_DAYS = loadRules().closedBankDayRules();

let nextMunicipality = 3000;

interface Seeded {
  municipality: string;
  ids: Record<string, string>;
  users: Record<string, string>;
}

/** A case with its history at given times (Stockholm offsets in the strings); ends in `state`. */
async function seedCase(db: Db, m: string, id: string, owner: string | null, history: Array<[string, string]>, protectedIdentity = false): Promise<void> {
  const first = history[0]![1];
  await db.query('INSERT INTO applications (id, municipality, received_at, raw) VALUES ($1, $2, $3, $4::jsonb)', [id, m, first, JSON.stringify({ application: { id } })]);
  await db.query('INSERT INTO cases (id, municipality, month, state, state_changed_at, created_at, owner) VALUES ($1, $2, $3, $4, $5, $5, $6)', [
    id,
    m,
    '2026-04',
    history.at(-1)![0],
    first,
    owner,
  ]);
  let from: string | null = null;
  for (const [to, at] of history) {
    await db.query('INSERT INTO case_state_history (case_id, from_state, to_state, actor, at) VALUES ($1, $2, $3, $4, $5)', [id, from, to, 'robot', at]);
    from = to;
  }
  await db.query('INSERT INTO snapshots (case_id, snapshot, rules_version, created_at) VALUES ($1, $2::jsonb, $3, $4)', [
    id,
    JSON.stringify({ registers: { kir: [{ municipality: m, protectedIdentity }] } }),
    'sha256:test',
    first,
  ]);
}

/** A look-up row at `at`; the database accepts it only while the case gathers, so it is planted in that state. */
async function plantLookup(db: Db, caseId: string, actor: string, at: string): Promise<string> {
  const { rows: before } = await db.query<{ state: string }>('SELECT state FROM cases WHERE id = $1', [caseId]);
  await db.query("UPDATE cases SET state = 'GATHERING' WHERE id = $1", [caseId]);
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO audit_log (at, actor, action, case_id, subject_ref, purpose, result) VALUES ($1, $2, 'ssbtek.lookup', $3, $4, 'utredning', 'started') RETURNING id::text AS id",
    [at, actor, caseId, pseudonymFor(PN, SECRET)],
  );
  await db.query('UPDATE cases SET state = $2 WHERE id = $1', [caseId, before[0]!.state]);
  return rows[0]!.id;
}

async function plantView(db: Db, caseId: string, actor: string, at: string, municipalities: string[]): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO audit_log (at, actor, action, case_id, purpose, result, details) VALUES ($1, $2, 'case.read', $3, 'handläggning', 'ok', $4::jsonb) RETURNING id::text AS id",
    [at, actor, caseId, JSON.stringify({ role: 'caseworker', municipalities })],
  );
  return rows[0]!.id;
}

/**
 * One municipality (a fresh code per test run, so both months are only this test's rows) with
 * ordinary work in May 2026 and, in April 2026, the same plus one planted row per check.
 */
async function seed(db: Db): Promise<Seeded> {
  // Its own municipality code per seed: each database (one per back end and file) sees only this file's seeds.
  const m = String((nextMunicipality += 1));
  const u = (name: string) => `${name}-${uniqueId('u').toLowerCase()}`;
  const users = { robot: u('robot'), undeclared: u('robot-utan'), owner: u('hl-agare'), other: u('hl-annan'), many: u('hl-manga'), foreign: u('hl-svedala') };
  for (const user of [users.robot, users.owner, users.other, users.many]) {
    await recordDeclaration(db, { userId: user, municipality: m, signedOn: '2026-01-01', receivedBy: 'Enhetschef', documentRef: 'SN 2026/1', recordedBy: 'admin-1' });
  }
  const id = (name: string) => `${name}-${uniqueId('c')}`;
  const ids = { a: id('A'), b: id('B'), p: id('P'), manyCase: id('M'), clean: id('C') };
  const gathered = (day: string): Array<[string, string]> => [
    ['RECEIVED', `${day}T08:00:00+02:00`],
    ['GATHERING', `${day}T08:00:01+02:00`],
    ['PROPOSED', `${day}T08:05:00+02:00`],
    ['SIGNED', `${day}T09:00:00+02:00`],
    ['COMPLETED', `${day}T10:00:00+02:00`],
  ];
  await seedCase(db, m, ids.a, users.owner, gathered('2026-04-07'));
  await seedCase(db, m, ids.b, users.owner, gathered('2026-04-07'));
  await seedCase(db, m, ids.p, users.owner, gathered('2026-04-07'), true);
  await seedCase(db, m, ids.manyCase, users.many, gathered('2026-04-07'));
  await seedCase(db, m, ids.clean, users.owner, gathered('2026-05-12'));

  // Ordinary work, both months: the robot looks up while gathering; owners open their cases in office hours.
  await plantLookup(db, ids.a, users.robot, '2026-04-07T08:00:02+02:00');
  await plantLookup(db, ids.clean, users.robot, '2026-05-12T08:00:02+02:00');
  await plantView(db, ids.a, users.owner, '2026-04-07T11:00:00+02:00', [m]);
  await plantView(db, ids.clean, users.owner, '2026-05-12T11:00:00+02:00', [m]);
  await plantView(db, ids.clean, users.owner, '2026-05-13T11:00:00+02:00', [m]);

  const planted = {
    notInHandling: await plantLookup(db, ids.a, users.robot, '2026-04-08T10:00:00+02:00'),
    withoutDeclaration: await plantLookup(db, ids.b, users.undeclared, '2026-04-07T08:00:03+02:00'),
    notInvolved: await plantView(db, ids.a, users.other, '2026-04-08T10:00:00+02:00', [m]),
    protectedIdentity: await plantView(db, ids.p, users.owner, '2026-04-08T10:30:00+02:00', [m]),
    outsideHours: await plantView(db, ids.b, users.owner, '2026-04-11T23:10:00+02:00', [m]),
    // A user of another municipality (who also has nothing to do with the case).
    otherMunicipality: await plantView(db, ids.b, users.foreign, '2026-04-08T11:00:00+02:00', ['1263']),
  };
  const manyViews: string[] = [];
  for (let i = 0; i < 25; i++) manyViews.push(await plantView(db, ids.manyCase, users.many, `2026-04-08T${String(8 + Math.floor(i / 6)).padStart(2, '0')}:${String((i % 6) * 5).padStart(2, '0')}:00+02:00`, [m]));
  const { rows: search } = await db.query<{ id: string }>(
    "INSERT INTO audit_log (at, actor, action, subject_ref, purpose, result, details) VALUES ($1, $2, 'case.search', $3, 'handläggning', 'ok', $4::jsonb) RETURNING id::text AS id",
    ['2026-04-09T09:00:00+02:00', users.owner, pseudonymFor(PN, SECRET), JSON.stringify({ hits: 1, caseIds: [ids.a], municipalities: [m] })],
  );
  const afterSearch = await plantView(db, ids.a, users.owner, '2026-04-09T09:02:00+02:00', [m]);
  return { municipality: m, users, ids: { ...ids, ...planted, search: search[0]!.id, afterSearch, manyFirst: manyViews[0]! } };
}

const APRIL = { from: new Date('2026-04-01T00:00:00+02:00'), to: new Date('2026-05-01T00:00:00+02:00') };
const MAY = { from: new Date('2026-05-01T00:00:00+02:00'), to: new Date('2026-06-01T00:00:00+02:00') };

forEachBackend('log follow-up', (backend) => {
  const db = useDatabase(backend);

  it('each check finds the rows planted for it, and nothing in a clean month', async () => {
    const s = await seed(db());
    const clean = followUp({ municipality: s.municipality, ...(await readFollowUpFacts(db(), s.municipality, MAY.from, MAY.to)), closedDays: CLOSED_DAYS }, SETTINGS);
    expect(clean.counts.lookups).toBe(1);
    expect(clean.counts.views).toBe(2);
    expect(clean.findings).toEqual([]);

    const april = followUp({ municipality: s.municipality, ...(await readFollowUpFacts(db(), s.municipality, APRIL.from, APRIL.to)), closedDays: CLOSED_DAYS }, SETTINGS);
    const of = (check: CheckCode) => april.findings.filter((f) => f.check === check).map((f) => ({ user: f.user, caseId: f.caseId, auditIds: f.auditIds }));
    const { users, ids } = s;
    expect(of('lookup-not-in-handling')).toEqual([{ user: users.robot, caseId: ids.a, auditIds: [ids.notInHandling] }]);
    expect(of('lookup-without-declaration')).toEqual([{ user: users.undeclared, caseId: ids.b, auditIds: [ids.withoutDeclaration] }]);
    expect(of('view-not-involved')).toEqual([
      { user: users.other, caseId: ids.a, auditIds: [ids.notInvolved] },
      { user: users.foreign, caseId: ids.b, auditIds: [ids.otherMunicipality] },
    ]);
    expect(of('view-protected-identity')).toEqual([{ user: users.owner, caseId: ids.p, auditIds: [ids.protectedIdentity] }]);
    expect(of('view-outside-office-hours')).toEqual([{ user: users.owner, caseId: ids.b, auditIds: [ids.outsideHours] }]);
    expect(of('view-other-municipality')).toEqual([{ user: users.foreign, caseId: ids.b, auditIds: [ids.otherMunicipality] }]);
    const many = of('views-above-colleagues');
    expect(many.map((f) => [f.user, f.caseId, f.auditIds.length])).toEqual([[users.many, null, 25]]);
    expect(many[0]!.auditIds[0]).toBe(ids.manyFirst);
    expect(of('search-by-personal-number')).toEqual([{ user: users.owner, caseId: ids.a, auditIds: [ids.search, ids.afterSearch] }]);
    for (const check of CHECKS) expect(april.counts.findings[check], check).toBeGreaterThan(0);
    // Never a personal number, not even in the text.
    expect(JSON.stringify(april.findings)).not.toMatch(/850709|9805/);
  });

  it('a report is stored, signed off once with a comment, and the database refuses to change it', async () => {
    const s = await seed(db());
    const report = (await makeFollowUpReport(db(), { municipality: s.municipality, from: '2026-04-01', to: '2026-04-30', kind: 'on-demand', actor: 'granskare-1', settings: SETTINGS, closedDays: CLOSED_DAYS }))!;
    expect(report.findings.length).toBeGreaterThanOrEqual(8);
    expect(report.signOff).toBeNull();
    // The links behind a finding are the audit rows themselves.
    const behind = await listAuditByIds(db(), report.findings[0]!.auditIds);
    expect(behind.map((e) => e.id)).toEqual(report.findings[0]!.auditIds);
    const csv = followUpCsv(report);
    expect(csv.startsWith('\ufeffKommun;Period från;')).toBe(true);
    // Audit row ids Swedish Excel cannot take for one number; the review under its own headings.
    expect(csv).toContain(`;${report.findings[0]!.auditIds.map((id) => `#${id}`).join(' ')}\r\n`);
    expect(csv.endsWith('\r\n\r\nGranskning;Tid (svensk);Granskare;Kommentar\r\nEj granskad;;;\r\n')).toBe(true);
    expect(csv).not.toMatch(/850709|9805/);

    expect(await signOffFollowUp(db(), { reportId: report.id, user: 'granskare-1', role: 'auditor', comment: '  ' })).toMatchObject({ ok: false, problem: 'no-comment' });
    // Kept for good and exported: a personal number in it is refused, and nothing is signed.
    expect(await signOffFollowUp(db(), { reportId: report.id, user: 'granskare-1', role: 'auditor', comment: 'Kollade 19850709-9805' })).toMatchObject({ ok: false, problem: 'personal-number' });
    const first = await signOffFollowUp(db(), { reportId: report.id, user: 'granskare-1', role: 'auditor', comment: 'Kontrollerat med enhetschefen.' });
    expect(first.ok).toBe(true);
    const second = await signOffFollowUp(db(), { reportId: report.id, user: 'admin-1', role: 'admin', comment: 'Igen' });
    expect(second).toMatchObject({ ok: false, problem: 'already-signed' });
    expect(second.report?.signOff).toMatchObject({ signedBy: 'granskare-1', comment: 'Kontrollerat med enhetschefen.' });

    const update = db().query("UPDATE log_followup_signoffs SET comment = 'ändrad' WHERE report_id = $1", [report.id]);
    await expect(update).rejects.toThrow(/log_followup_signoffs is append-only: UPDATE refused/);
    await expect(db().query('DELETE FROM log_followup_signoffs WHERE report_id = $1', [report.id])).rejects.toThrow(/append-only/);
    await expect(db().query("UPDATE log_followup_reports SET findings = '[]'::jsonb WHERE id = $1", [report.id])).rejects.toThrow(/append-only/);
    const raw = await rejection(db().query("INSERT INTO log_followup_signoffs (report_id, signed_by, role, comment) VALUES ($1, 'x', 'admin', 'y')", [report.id]));
    expect(raw.message).toMatch(/duplicate key|unique/);

    const logged = (await searchAudit(db(), { limit: 10_000 })).filter((e) => e.details.reportId === report.id);
    expect(logged.map((e) => `${e.action}:${e.result}`).sort()).toEqual(['logfollowup.make:ok', 'logfollowup.signoff:ok', 'logfollowup.signoff:refused']);
  });

  it('the municipality export holds its declarations, reports, sign-offs, their audit rows, and each report as CSV', async () => {
    const s = await seed(db());
    const report = (await makeFollowUpReport(db(), { municipality: s.municipality, from: '2026-04-01', to: '2026-04-30', kind: 'on-demand', actor: 'granskare-1', settings: SETTINGS, closedDays: CLOSED_DAYS }))!;
    await signOffFollowUp(db(), { reportId: report.id, user: 'granskare-1', role: 'auditor', comment: 'Granskat.' });
    const dir = join(mkdtempSync(join(tmpdir(), 'lu-export-')), 'out');
    try {
      const manifest = await exportMunicipality(db(), { municipality: s.municipality, outDir: dir });
      expect(manifest.counts.ssbtek_declarations).toBe(4);
      expect(manifest.counts.log_followup_reports).toBe(1);
      expect(manifest.counts.log_followup_signoffs).toBe(1);
      const audit = readFileSync(join(dir, 'audit_log.jsonl'), 'utf8');
      expect(audit).toContain('"logfollowup.signoff"');
      const csv = readFileSync(join(dir, 'logguppfoljning', `${report.id}.csv`), 'utf8');
      expect(csv).toBe(followUpCsv((await getFollowUpReport(db(), report.id))!));
      expect(manifest.files.map((f) => f.file)).toContain(`logguppfoljning/${report.id}.csv`);
    } finally {
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });

  it('the monthly job makes last month’s report once per municipality', async () => {
    const s = await seed(db());
    const now = new Date('2026-05-01T04:00:00+02:00');
    const made = await scheduledFollowUp(db(), [s.municipality], now, 'robot', SETTINGS, CLOSED_DAYS);
    expect(made).toHaveLength(1);
    expect(await scheduledFollowUp(db(), [s.municipality], now, 'robot', SETTINGS, CLOSED_DAYS)).toEqual([]);
  });
});

describe('log follow-up, pure parts', () => {
  it('office hours are Monday to Friday, Stockholm time, start inclusive and end exclusive', () => {
    expect(inOfficeHours(new Date('2026-04-07T07:00:00+02:00'), SETTINGS, CLOSED_DAYS)).toBe(true);
    expect(inOfficeHours(new Date('2026-04-07T06:59:00+02:00'), SETTINGS, CLOSED_DAYS)).toBe(false);
    expect(inOfficeHours(new Date('2026-04-07T18:00:00+02:00'), SETTINGS, CLOSED_DAYS)).toBe(false);
    expect(inOfficeHours(new Date('2026-01-13T17:59:00+01:00'), SETTINGS, CLOSED_DAYS)).toBe(true);
    expect(inOfficeHours(new Date('2026-04-11T10:00:00+02:00'), SETTINGS, CLOSED_DAYS)).toBe(false);
  });

  it('the thresholds come from the configuration, and a bad value is refused naming the variable', () => {
    expect(loadConfig({ LOG_FOLLOWUP_OFFICE_HOURS: '08:00-16:30', LOG_FOLLOWUP_VIEW_FACTOR: '4', LOG_FOLLOWUP_VIEW_MINIMUM: '50' }).logFollowUp).toEqual({
      officeStart: '08:00',
      officeEnd: '16:30',
      viewFactor: 4,
      viewMinimum: 50,
    });
    expect(loadConfig({}).logFollowUp).toEqual(LOG_FOLLOW_UP_DEFAULTS);
    for (const bad of ['18:00-07:00', '7-18', '07:00-25:00']) {
      const error = (() => {
        try {
          loadConfig({ LOG_FOLLOWUP_OFFICE_HOURS: bad });
        } catch (e) {
          return e as ConfigError;
        }
        throw new Error(`accepted ${bad}`);
      })();
      expect([...new Set(error.problems.map((p) => p.variable))]).toEqual(['LOG_FOLLOWUP_OFFICE_HOURS']);
    }
  });

  it('median', () => {
    expect(median([])).toBe(0);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
