import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../src/store/dataDirLock.js';
import { openPglite } from '../../src/store/pglite.js';

/** PGlite's directory is one process's: `npm run replay` beside a running `npm start` is refused in words. */
describe('the PGlite data directory lock', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-lock-'));
    dirs.push(dir);
    return dir;
  };
  const children: Array<{ kill(): void }> = [];
  afterEach(() => {
    children.splice(0).forEach((c) => c.kill());
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });
  const lockFile = (dir: string) => join(dir, 'bistandsrobot.lock');

  it('is refused while another live process holds it, naming the process and what to do', () => {
    const dir = fresh();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(other);
    writeFileSync(lockFile(dir), String(other.pid));
    const error = (() => {
      try {
        lockDataDir(dir);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(DataDirInUseError);
    expect((error as Error).message).toContain(`används redan av en annan process (pid ${other.pid}), till exempel npm start`);
    expect((error as Error).message).toContain('DATABASE_URL');
  });

  it('takes over a lock left by a process that is gone (kill -9), and gives it back', () => {
    const dir = fresh();
    const gone = spawnSync('true').pid;
    writeFileSync(lockFile(dir), String(gone));
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(String(process.pid));
    release();
    expect(existsSync(lockFile(dir))).toBe(false);
  });

  it('is held from open to close of the database: a second opener waits for the first to close', async () => {
    const dir = fresh();
    const db = await openPglite(dir);
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(String(process.pid));
    await db.close();
    expect(existsSync(lockFile(dir))).toBe(false);
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(other);
    writeFileSync(lockFile(dir), String(other.pid));
    await expect(openPglite(dir)).rejects.toBeInstanceOf(DataDirInUseError);
  });
});
