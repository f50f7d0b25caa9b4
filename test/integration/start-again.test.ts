import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/cli/redis.js';
import { FEED } from '../../src/robot/intake.js';
import { openDatabase, setIntakeCursor } from '../../src/store/index.js';

/**
 * `npm start` a second time on the same ./data: the simulated e-service's feed starts anew, so
 * the cursor the last run kept points past its end. The intake must read the new feed, not
 * fail every poll on "okänd cursor" (found in a trial: /healthz said intake failed). Its banner
 * names every simulated system with the address that takes faults.
 */
describe('npm start on the data of an earlier run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'start-again-'));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads the new feed and reports the intake as working', async () => {
    const dataDir = join(dir, 'data');
    const db = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    await setIntakeCursor(db, FEED, 'c00009999');
    await db.close();
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'start'], {
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379/3' },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let banner = '';
    child.stdout!.on('data', (chunk: Buffer) => void (banner += chunk.toString('utf8')));
    // Until the first poll has either brought cases in or failed (the metrics read both from the database).
    let processed = 0;
    let failures = 0;
    for (let i = 0; i < 120 && processed === 0 && failures === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text(), () => '');
      processed = [...metrics.matchAll(/^robot_cases_processed_total\{[^}]*\} (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0);
      failures = Number(/^robot_intake_consecutive_failures (\d+)/m.exec(metrics)?.[1] ?? 0);
    }
    expect(failures).toBe(0);
    expect(processed).toBeGreaterThan(0);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json());
    expect(health).toMatchObject({ checks: { intake: 'ok' } });
    // Every simulated outside system is named with its address, and takes faults there (found in a
    // trial: the payment system's address was not printed, so a payment fault could not be practised).
    for (const name of ['SSBTEK', 'KIR', 'planeringsmodulen', 'e-tjänsten', 'verksamhetssystemet', 'utbetalningar', 'Mina ärenden', 'bokningen']) {
      const url = new RegExp(`${name} (http://127\\.0\\.0\\.1:\\d+)`).exec(banner)?.[1];
      expect(url, name).toBeDefined();
      expect((await fetch(`${url}/__faults`)).status, name).toBe(200);
    }
  }, 90_000);
});
