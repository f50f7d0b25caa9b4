import { RobotError } from '../domain/errors.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** A Redis for the queues: the configured one, one already on 127.0.0.1:6379, or one started for this run. */
export interface RedisEndpoint {
  url: string;
  host: string;
  port: number;
  /** Stops the Redis this run started; does nothing for one it found. */
  stop(): Promise<void>;
}

export class RedisMissingError extends RobotError {
  readonly kind = 'configuration' as const;
  constructor() {
    super(
      'Redis behövs för köerna men redis-server finns inte på den här datorn.\n' +
        '  Debian/Ubuntu: sudo apt install redis-server\n' +
        '  macOS:         brew install redis\n' +
        '  eller ange en befintlig server: REDIS_URL=redis://värd:6379 npm start',
    );
    this.name = 'RedisMissingError';
  }
}

/** REDIS_URL names a server that does not answer (no value but host and port is repeated: the URL may hold a password). */
export class RedisUnreachableError extends RobotError {
  readonly kind = 'configuration' as const;
  constructor(host: string, port: number) {
    super(`Redis på ${host}:${port} (REDIS_URL) svarar inte. Starta servern eller rätta REDIS_URL; utan REDIS_URL startar npm start en egen Redis.`);
    this.name = 'RedisUnreachableError';
  }
}

/** Whether something accepts TCP connections on host:port (a probe, at most 500 ms). */
export function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.setTimeout(500);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.connect(port, host);
  });
}

/** A loopback port that was free a moment ago (the OS picked it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function ensureRedis(configured: string | undefined): Promise<RedisEndpoint & { started: boolean }> {
  const none = async () => undefined;
  if (configured) {
    const u = new URL(configured);
    const port = Number(u.port || 6379);
    // A mistyped REDIS_URL said once, in words, instead of ioredis retrying with a stack trace a second.
    if (!(await listening(u.hostname, port))) throw new RedisUnreachableError(u.hostname, port);
    return { url: configured, host: u.hostname, port, stop: none, started: false };
  }
  if (await listening('127.0.0.1', 6379)) {
    return { url: 'redis://127.0.0.1:6379', host: '127.0.0.1', port: 6379, stop: none, started: false };
  }
  const port = await freePort();
  // Nothing kept on disk: the sandbox's queues are as throwaway as its registers.
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const spawned = await new Promise<'ok' | 'missing'>((resolve) => {
    child.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ENOENT' ? 'missing' : 'ok'));
    child.once('spawn', () => resolve('ok'));
  });
  if (spawned === 'missing') throw new RedisMissingError();
  for (let i = 0; i < 50 && !(await listening('127.0.0.1', port)); i++) await new Promise((r) => setTimeout(r, 100));
  return {
    url: `redis://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    started: true,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
