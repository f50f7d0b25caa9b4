import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { statsCommand, type StatsIo } from '../../src/cli/stats.js';
import { searchAudit, statisticsCases } from '../../src/store/index.js';
import { forEachBackend, useDatabase } from '../support/backends.js';
import { addDecision, EXPECTED, PEOPLE, seedCase, seedScenario, SVEDALA_PEOPLE, writtenForms, type SeededCase } from '../support/statsSeed.js';

/**
 * `stats` end to end on both back ends: cases of Trelleborg (1287) and Svedala (1263, handled
 * by Trelleborg) with signed decisions (a corrected one, rejections, a grant of 0 kr) go
 * through the command; the files must be exactly the expected bytes, hold no other
 * municipality's people, match the decisions, and stop matching when the file is tampered with
 * or a decision is signed after the file was made.
 */
const ACTOR = 'robot:stats-test';
const ALL_PEOPLE = Object.values(PEOPLE);

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

forEachBackend('stats (Socialstyrelsen)', (backend) => {
  const db = useDatabase(backend);
  const tmp = mkdtempSync(join(tmpdir(), `stats-${backend.name}-`));
  let seeded: Record<string, SeededCase>;

  /** The command as `main stats` runs it, with its output captured. */
  async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: StatsIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t) };
    const code = await statsCommand({ db: db(), actor: ACTOR, io }, args);
    // Whatever it says, it never says a personal number.
    for (const pn of ALL_PEOPLE) for (const form of writtenForms(pn)) expect(out + err, 'no personal number in the output').not.toContain(form);
    return { code, out, err };
  }

  beforeAll(async () => {
    seeded = await seedScenario(db());
  }, 60_000);

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const october = () => join(tmp, '1287-2026-10.txt');

  it("writes Trelleborg's October file byte for byte and says it matches the decisions", async () => {
    const { code, out, err } = await run('--municipality', '1287', '--month', '2026-10', '--out', october());
    expect(err).toBe('');
    expect(code).toBe(0);
    const text = readFileSync(october(), 'utf8');
    expect(text).toBe(EXPECTED.trelleborgOctober);
    expect(out).toContain('rader (hushåll):     3\n');
    expect(out).toContain('personer:            4\n');
    expect(out).toContain('summa Sbel:          17448 kr\n');
    expect(out).toContain(`sha256:              ${sha256(text)}\n`);
    expect(out).toContain('lämnas senast:       2026-11-15\n');
    expect(out).toContain('kontroll mot besluten: stämmer\n');
  });

  it("holds nobody of Svedala's, and Svedala's file holds only its own", async () => {
    const text = readFileSync(october(), 'utf8');
    for (const pn of SVEDALA_PEOPLE) for (const form of writtenForms(pn)) expect(text).not.toContain(form);
    const svedala = join(tmp, '1263-2026-10.txt');
    expect((await run('--municipality=1263', '--month=2026-10', `--out=${svedala}`)).code).toBe(0);
    expect(readFileSync(svedala, 'utf8')).toBe(EXPECTED.svedalaOctober);
    for (const pn of [PEOPLE.p1, PEOPLE.p2, PEOPLE.p3, PEOPLE.p4, PEOPLE.p8]) expect(readFileSync(svedala, 'utf8')).not.toContain(pn);
  });

  it('the yearly file holds every month of the year, by month and then Personnr1', async () => {
    const year = join(tmp, '1287-2026.txt');
    const { code, out } = await run('--municipality', '1287', '--year', '2026', '--out', year);
    expect(code).toBe(0);
    expect(readFileSync(year, 'utf8')).toBe(EXPECTED.trelleborgSeptember + EXPECTED.trelleborgOctober);
    expect(out).toContain('lämnas senast:       2027-01-15 (med decembers månadsfil)');
  });

  it('every production is in the audit log with counts and checksum, without personal numbers', async () => {
    const entries = (await searchAudit(db(), { actor: ACTOR, order: 'oldest' })).filter((e) => e.action === 'stats.produce');
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({
      result: 'ok',
      caseId: null,
      details: { via: 'cli', municipality: '1287', period: '2026-10', rows: 3, persons: 4, total: '17448', sha256: sha256(EXPECTED.trelleborgOctober), valid: true },
    });
    expect(entries.map((e) => e.details.period)).toEqual(['2026-10', '2026-10', '2026']);
    const logged = JSON.stringify(entries);
    for (const pn of ALL_PEOPLE) for (const form of writtenForms(pn)) expect(logged).not.toContain(form);
  });

  it('never writes over a file, and names the argument that is wrong', async () => {
    const refused = await run('--municipality', '1287', '--month', '2026-10', '--out', october());
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(/^stats: --out: .* finns redan/);
    expect(readFileSync(october(), 'utf8')).toBe(EXPECTED.trelleborgOctober);

    const bad: Array<[string[], RegExp]> = [
      [['--month', '2026-10', '--out', 'x'], /--municipality saknas/],
      [['--municipality', '12870', '--month', '2026-10', '--out', 'x'], /--municipality: ska vara SCB:s kommunkod/],
      [['--municipality', '1287', '--month', '2026-13', '--out', 'x'], /--month: ska vara en månad ÅÅÅÅ-MM/],
      [['--municipality', '1287', '--year', '26', '--out', 'x'], /--year: ska vara ett år ÅÅÅÅ/],
      [['--municipality', '1287', '--month', '2026-10', '--year', '2026', '--out', 'x'], /--month och --year kan inte anges samtidigt/],
      [['--municipality', '1287', '--out', 'x'], /--month eller --year saknas/],
      [['--municipality', '1287', '--month', '2026-10'], /--out saknas/],
      [['--municipality', '1287', '--month', '2026-10', '--out'], /--out saknar värde/],
      [['--municipality', '1287', '--month', '2026-10', '--format', 'csv'], /okänt argument --format/],
      [['--validate', join(tmp, 'finns-inte.txt'), '--municipality', '1287', '--month', '2026-10'], /--validate: .* går inte att läsa/],
    ];
    for (const [args, message] of bad) {
      const result = await run(...args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.err, args.join(' ')).toMatch(message);
      expect(result.out).toBe('');
    }
    expect(existsSync('x')).toBe(false);
  });

  it('--validate: the file as made matches the decisions', async () => {
    const { code, out } = await run('--validate', october(), '--municipality', '1287', '--month', '2026-10');
    expect(code).toBe(0);
    expect(out).toContain('kontroll mot besluten: stämmer');
    // A file checked against the wrong municipality does not.
    const wrong = await run('--validate', october(), '--municipality', '1263', '--month', '2026-10');
    expect(wrong.code).toBe(1);
    expect(wrong.out).toContain('kommunkoden är 1287, filen gäller kommun 1263');
  });

  it('--validate: a tampered amount, a dropped row or a broken line end is caught', async () => {
    const text = readFileSync(october(), 'utf8');
    const variants: Array<[string, string, RegExp]> = [
      ['amount', text.replace('\t4201\t', '\t4301\t'), /2026-10: filens summa Sbel är 17548 kr, besluten ger 17448 kr/],
      ['dropped', text.split('\r\n').slice(1).join('\r\n'), /2026-10: hushållet i ärende .* saknas i filen/],
      ['line end', text.replace(/\r\n$/, '\n'), /rad 3: /],
    ];
    for (const [name, changed, message] of variants) {
      const file = join(tmp, `tampered-${name}.txt`);
      writeFileSync(file, changed);
      const { code, out } = await run('--validate', file, '--municipality', '1287', '--month', '2026-10');
      expect(code, name).toBe(1);
      expect(out, name).toContain('STÄMMER INTE');
      expect(out, name).toMatch(message);
    }
    const checks = (await searchAudit(db(), { actor: ACTOR })).filter((e) => e.action === 'stats.validate');
    expect(checks.map((e) => e.result).sort()).toEqual(['error', 'error', 'error', 'error', 'ok']);
  });

  it('reads the cases in pages without losing or repeating one', async () => {
    const ids: string[] = [];
    for await (const page of statisticsCases(db(), { municipality: '1287', from: '2026-01', to: '2026-12', pageSize: 2 })) {
      expect(page.length).toBeLessThanOrEqual(2);
      ids.push(...page.map((c) => c.caseId));
    }
    const expected = ['p1', 'p2a', 'p2b', 'p4', 'p5', 'p6', 'p7', 'p8'].map((k) => seeded[k]!.caseId).sort();
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(expected);
  });

  it('--validate: a decision signed after the file was made makes the file out of date', async () => {
    // A correction of the single mother's grant, and a new household.
    await addDecision(db(), seeded.p1!, { outcome: 'GRANT', amount: '9000', signedAt: '2026-10-25T08:00:00Z' });
    const late = await seedCase(db(), { municipality: '1287', month: '2026-10', applicant: PEOPLE.p5, decisions: [{ outcome: 'GRANT', amount: '700', signedAt: '2026-10-26T08:00:00Z' }] });
    const { code, out } = await run('--validate', october(), '--municipality', '1287', '--month', '2026-10');
    expect(code).toBe(1);
    expect(out).toContain('2026-10: filen har 3 hushåll, besluten ger 4');
    expect(out).toContain(`2026-10: hushållet i ärende ${late.caseId} saknas i filen`);
    expect(out).toContain(`Sbel stämmer inte med besluten i ärende ${seeded.p1!.caseId}`);
    // A new file takes them in.
    const fresh = join(tmp, '1287-2026-10-ny.txt');
    const again = await run('--municipality', '1287', '--month', '2026-10', '--out', fresh);
    expect(again.code).toBe(0);
    expect(again.out).toContain('summa Sbel:          18902 kr');
  });
});
