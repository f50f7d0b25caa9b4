import type { ServerResponse } from 'node:http';

/**
 * What every simulator needs for its fault injection: waits that stop() can cancel (a hung
 * reply must not keep the process alive), and a reply that is never written twice.
 */
export function trackedTimers() {
  const timers = new Set<NodeJS.Timeout>();
  const wait = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });
  return { timers, wait };
}

export function sendBody(res: ServerResponse, status: number, body: string, type: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
