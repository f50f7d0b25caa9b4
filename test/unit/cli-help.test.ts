import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCommand } from '../../src/cli/args.js';
import { COMMANDS, RETENTION, STATS } from '../../src/cli/commands.js';
import { COMMAND_RUNNERS, runMain } from '../../src/cli/dispatch.js';

/**
 * A command line that explains itself (issue 15): every command answers --help with usage,
 * options and an example (exit 0, nothing on stderr); an unknown option gives the usage on
 * stderr and exit 2; all commands parse with the one parser (src/cli/args.ts).
 */
const root = join(import.meta.dirname, '..', '..');

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = { readStdin: () => '', stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) };
  return { out, io };
}

/** Runs a command's own entry (not the dispatcher's early answer), catching what it writes to the process. */
async function runDirect(name: string, args: string[]) {
  const out = { stdout: '', stderr: '' };
  vi.spyOn(process.stdout, 'write').mockImplementation((t) => ((out.stdout += String(t)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((t) => ((out.stderr += String(t)), true));
  const { io } = capture();
  const wrapped = { ...io, stdout: (t: string) => void (out.stdout += t), stderr: (t: string) => void (out.stderr += t) };
  const code = await COMMAND_RUNNERS[name]![1](args, wrapped);
  vi.restoreAllMocks();
  return { code, ...out };
}

afterEach(() => vi.restoreAllMocks());

describe('bistandsrobot KOMMANDO --help', () => {
  it('the dispatcher knows exactly the commands that describe themselves, and every npm script command is one', () => {
    expect(Object.keys(COMMAND_RUNNERS).sort()).toEqual(COMMANDS.map((c) => c.name).sort());
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const viaMain = Object.values(scripts)
      .map((s) => /src\/main\.ts (\S+)/.exec(s)?.[1])
      .filter((c): c is string => c !== undefined);
    expect(viaMain.length).toBeGreaterThanOrEqual(9);
    for (const command of viaMain) expect(Object.keys(COMMAND_RUNNERS)).toContain(command);
  });

  for (const spec of COMMANDS) {
    it(`${spec.name} --help: usage, every option and an example on stdout, exit 0`, async () => {
      const { out, io } = capture();
      expect(await runMain([spec.name, '--help'], io)).toBe(0);
      expect(out.stderr).toBe('');
      expect(out.stdout).toContain('användning:');
      expect(out.stdout).toContain(`\n  ${spec.name}`);
      for (const option of Object.keys(spec.options)) expect(out.stdout).toContain(`--${option}`);
      expect(out.stdout).toMatch(new RegExp(`exempel:\\n  .*npx bistandsrobot ${spec.name}`));
      const short = capture();
      expect(await runMain([spec.name, '-h'], short.io)).toBe(0);
      expect(short.out.stdout).toBe(out.stdout);
    });

    it(`${spec.name} --no-such-option: the usage on stderr, nothing on stdout, exit 2`, async () => {
      const { out, io } = capture();
      expect(await runMain([spec.name, '--no-such-option'], io)).toBe(2);
      expect(out.stdout).toBe('');
      expect(out.stderr).toContain(`${spec.name}: okänt argument --no-such-option`);
      expect(out.stderr).toContain(`användning: ${spec.usage[0]}`);
    });

    it(`${spec.name}'s own entry parses with the same parser: --help exits 0, an unknown option 2, before anything is opened`, async () => {
      const help = await runDirect(spec.name, ['--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('användning:');
      const bad = await runDirect(spec.name, ['--no-such-option']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('okänt argument --no-such-option');
      expect(bad.stdout).toBe('');
    });
  }

  it('bistandsrobot --help lists every command; no command or an unknown one gives the usage and exit 2', async () => {
    const help = capture();
    expect(await runMain(['--help'], help.io)).toBe(0);
    for (const spec of COMMANDS) expect(help.out.stdout).toContain(`  ${spec.name} `);
    const none = capture();
    expect(await runMain([], none.io)).toBe(2);
    expect(none.out.stderr).toContain('användning: bistandsrobot');
    const unknown = capture();
    expect(await runMain(['kalk'], unknown.io)).toBe(2);
    expect(unknown.out.stderr).toContain('okänt kommando kalk');
    // Whatever is typed in the command's place is not echoed unless it looks like a command.
    const pn = capture();
    expect(await runMain(['198507099805'], pn.io)).toBe(2);
    expect(pn.out.stderr).not.toContain('198507099805');
    expect(await runMain(['toString'], capture().io)).toBe(2);
  });
});

describe('the one parser', () => {
  it('names a missing value, a repeated option, a value given to a switch and an unexpected word, never echoing a value', () => {
    const message = (spec: typeof STATS, args: string[]) => {
      const r = parseCommand(spec, args);
      return r.kind === 'error' ? r.message : r.kind;
    };
    expect(message(STATS, ['--out'])).toBe('--out saknar värde');
    expect(message(STATS, ['--out='])).toBe('--out saknar värde');
    expect(message(STATS, ['--month', '--out', 'x'])).toBe('--month saknar värde');
    expect(message(STATS, ['--month', '2026-10', '--month=2026-11'])).toBe('--month är angivet två gånger');
    expect(message(RETENTION, ['--dry-run=ja'])).toBe('--dry-run tar inget värde');
    expect(message(STATS, ['extra'])).toBe('oväntat argument extra');
    expect(message(STATS, ['198507099805'])).toBe('oväntat argument');
    expect(message(STATS, ['--municipality', '1287', '--bogus', '--help'])).toBe('help');
    expect(parseCommand(STATS, ['--municipality=1287', '--year', '2026', '--out', 'f.txt'])).toEqual({
      kind: 'ok',
      values: { municipality: '1287', year: '2026', out: 'f.txt' },
      positionals: [],
    });
  });
});

describe('from a checkout, as an operator types it', () => {
  it('npx bistandsrobot --help and npm run stats -- --help exit 0; npx bistandsrobot calc --bogus exits 2 with the usage', () => {
    const npx = spawnSync('npx', ['--no-install', 'bistandsrobot', '--help'], { cwd: root, encoding: 'utf8' });
    expect(npx.status, npx.stderr).toBe(0);
    expect(npx.stdout).toContain('kommandon:');
    const script = spawnSync('npm', ['run', '--silent', 'stats', '--', '--help'], { cwd: root, encoding: 'utf8' });
    expect(script.status, script.stderr).toBe(0);
    expect(script.stdout).toContain('användning:');
    const bad = spawnSync('npx', ['--no-install', 'bistandsrobot', 'calc', '--bogus'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('användning: calc');
  });
});
