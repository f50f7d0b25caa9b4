import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The calc command exactly as CONTRACTS.md and the README run it: `npm run --silent calc -- FILE`. */
const root = join(import.meta.dirname, '..', '..');
const example = join(root, 'fixtures', 'snapshots', 'contract-example.json');

function calc(args: string[], input?: string) {
  const run = spawnSync('npm', ['run', '--silent', 'calc', '--', ...args], { cwd: root, input, encoding: 'utf8' });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('npm run --silent calc', () => {
  it("gives the proposal for the contract's example as JSON on stdout, exit 0", () => {
    const { code, stdout, stderr } = calc([example]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const proposal = JSON.parse(stdout);
    // SoF (2025:468) 12 kap. 2 § (SFS 2025:1046): 3 940 + 2 720 (4–6 år utan lunch) + 1 410 = 8 070;
    // + costs 7 250 − incomes 5 450. Only the asset buffer is still provisional.
    expect(proposal).toMatchObject({ caseId: 'A-2026-000123', month: '2026-03', outcome: 'MANUAL', amount: '9870' });
    expect(proposal.reasons).toEqual(['PROVISIONAL_RULES']);
    expect(proposal.reasonDetails[0].message).toContain('municipality.1287.assetBuffer');
    expect(proposal.calculation.complete).toBe(true);
    expect(proposal.calculation.norm).toBe('8070.00');
  });

  it('reads standard input when no file is given', () => {
    const { code, stdout } = calc([], readFileSync(example, 'utf8'));
    expect(code).toBe(0);
    expect(JSON.parse(stdout).caseId).toBe('A-2026-000123');
  });

  it('accepts a file and standard input that start with a UTF-8 byte-order mark', () => {
    const dir = mkdtempSync(join(tmpdir(), 'calc-bom-'));
    try {
      const withBom = join(dir, 'bom.json');
      writeFileSync(withBom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), readFileSync(example)]));
      for (const run of [calc([withBom]), calc([], `\ufeff${readFileSync(example, 'utf8')}`)]) {
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(JSON.parse(run.stdout).caseId).toBe('A-2026-000123');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the Swedish table with --explain', () => {
    const { code, stdout } = calc(['--explain', example]);
    expect(code).toBe(0);
    expect(stdout).toContain('Beräkning av försörjningsstöd för mars 2026');
    expect(stdout).toMatch(/Personliga kostnader, ensamstående vuxen\s+3\u00a0940,00\s+riksnorm\.adults\.single\s+\[1\]\s+\(officiellt\)/);
    expect(stdout).toMatch(/utan lunch|lunch utanför hemmet/);
    expect(stdout).toContain('[1] SoF (2025:468) 12 kap. 2 § i lydelse enligt SFS 2025:1046 (i kraft 2026-01-01)');
    expect(stdout).not.toMatch(/riksnorm\.[^\n]*preliminärt/);
    expect(stdout).toContain('Manuell handläggning');
  });

  it('refuses invalid fields: exit 2, one line per field on stderr, nothing on stdout, no stack', () => {
    const snapshot = JSON.parse(readFileSync(example, 'utf8'));
    snapshot.application.month = '2026-3';
    snapshot.application.costs[0].amount = 6900;
    snapshot.application.applicant.personalNumber = '198507099806';
    const { code, stdout, stderr } = calc([], JSON.stringify(snapshot));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines.map((l) => l.split(':')[0]).sort()).toEqual(['application.applicant.personalNumber', 'application.costs[0].amount', 'application.month']);
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).not.toContain('19850709');
  });

  it('names a missing or wrong part in Swedish words, as the web does, never zod\'s English type names', () => {
    const snapshot = JSON.parse(readFileSync(example, 'utf8'));
    delete snapshot.application;
    snapshot.registers.kir = 'KIR';
    const { code, stdout, stderr } = calc([], JSON.stringify(snapshot));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n').sort()).toEqual([
      'application: Ansökan saknas.',
      'registers.kir: Svaren från KIR ska vara en lista med KIR-svar per person, eller { "status": "unavailable", "register": "kir" }.',
    ]);
    const notAnObject = calc([], '[]');
    expect(notAnObject.stderr).toBe('(hela dokumentet): Indata (en ögonblicksbild av ärendet) ska vara ett objekt ({ … }).\n');
    const wrongKind = calc([], JSON.stringify({ ...JSON.parse(readFileSync(example, 'utf8')), history: [] }));
    expect(wrongKind.stderr).toBe('history: Historiken ska vara ett objekt ({ … }).\n');
    for (const text of [stderr, notAnObject.stderr, wrongKind.stderr]) expect(text).not.toMatch(/Ogiltig inmatning|förväntat|undefined|object|array/);
  });

  it('refuses text that is not JSON without echoing it', () => {
    const { code, stdout, stderr } = calc([], '{"application": {"applicant": "198507099805",');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/inte giltig JSON/);
    expect(stderr).not.toContain('198507099805');
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('says so when the file does not exist', () => {
    const { code, stderr } = calc(['no-such-file.json']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/filen finns inte/);
  });

  it('stops on a bad rules folder with file and field named, exit 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      cpSync(join(root, 'rules'), dir, { recursive: true });
      const file = join(dir, 'riksnorm.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('single: "3090"', 'single: "3 090"'));
      const { code, stdout, stderr } = calc(['--rules', dir, example]);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/rules\/riksnorm\.yaml: periods\[1\]\.adults\.single: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
