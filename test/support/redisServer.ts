import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, listening } from '../../src/cli/redis.js';

/**
 * A redis-server of the test's own on a spare loopback port, without persistence, so a
 * restart drops every key: what a production Redis without persistence does after a crash.
 * The shared Redis on 6379 is never flushed. Started with noeviction, as the robot requires.
 */
export interface ThrowawayRedis {
  url: string;
  port: number;
  /** Kills the server (SIGKILL: nothing saved) and starts a fresh, empty one on the same port. */
  restartEmpty(): Promise<void>;
  stop(): Promise<void>;
}

export async function startThrowawayRedis(extraArgs: readonly string[] = []): Promise<ThrowawayRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction', ...extraArgs],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i++) {
      if (await listening('127.0.0.1', port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server did not start on port ${port}`);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGKILL');
    });
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    restartEmpty: async () => {
      await kill();
      await launch();
    },
    stop: kill,
  };
}
