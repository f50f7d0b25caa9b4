import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RobotError } from '../domain/errors.js';

/**
 * PGlite's files are one process's: a second process on them (`npm run replay` beside a
 * running `npm start`) reads a copy that is never written back, or corrupts it. The first
 * process takes a lock file with its pid; another is refused in words. A lock left by a process
 * that is gone (kill -9) is taken over, and one with this process's own pid (a container's pid
 * 1 after a restart) too.
 */
export class DataDirInUseError extends RobotError {
  readonly kind = 'configuration' as const;
  constructor(dir: string, pid: number) {
    super(
      `Databasen i ${dir} används redan av en annan process (pid ${pid}), till exempel npm start. ` +
        'Den kan bara öppnas av en process åt gången: gör det i den processen (till exempel på sidan /admin), stoppa den först, eller använd en PostgreSQL-server (DATABASE_URL).',
    );
  }
}

const LOCK_FILE = 'bistandsrobot.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the directory for this process; the answer gives it back.
 * @throws DataDirInUseError when a live process other than this one holds it
 */
export function lockDataDir(dir: string): () => void {
  const path = join(dir, LOCK_FILE);
  const mine = String(process.pid);
  const release = () => {
    try {
      if (readFileSync(path, 'utf8') === mine) unlinkSync(path);
    } catch {
      // Already gone: nothing to give back.
    }
  };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, mine, { flag: 'wx' });
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let holder = Number.NaN;
    try {
      holder = Number(readFileSync(path, 'utf8'));
    } catch {
      continue; // released between the two calls: try again
    }
    if (holder === process.pid) return release;
    if (Number.isInteger(holder) && holder > 0 && alive(holder)) throw new DataDirInUseError(dir, holder);
    try {
      unlinkSync(path);
    } catch {
      // Another process took the stale lock over first: the next attempt finds its pid.
    }
  }
  throw new DataDirInUseError(dir, Number.NaN);
}
