import type { Server, ServerResponse } from 'node:http';
import * as z from 'zod';

/** The transport faults every simulator injects the same way; each adds its own on top. */
export const transportFaultShape = {
  /** Added before every answer. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
  /** The next N calls answer HTTP `failStatus` (default 503). */
  failNext: z.number().int().min(0).optional(),
  failStatus: z.number().int().min(400).max(599).optional(),
  /** Each call fails with `failStatus` with this probability. */
  failProbability: z.number().min(0).max(1).optional(),
  /** The next N calls never answer (the client's timeout must cut them). */
  hangNext: z.number().int().min(0).optional(),
  /** Every call hangs until this is cleared. */
  hang: z.boolean().optional(),
};

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

/** Stops a simulator: pending waits cancelled, hung calls cut, the port released. */
export function stopServer(server: Server, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export function sendBody(res: ServerResponse, status: number, body: string, type: string): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Takes one from a "next N" counter of a fault plan; true while the counter had some left. */
export function consume<P extends object, K extends keyof P>(plan: P | undefined, key: K): boolean {
  const left = (plan?.[key] as number | undefined) ?? 0;
  if (left <= 0 || !plan) return false;
  (plan[key] as number) = left - 1;
  return true;
}

type TransportFaults = { [K in keyof typeof transportFaultShape]?: z.infer<(typeof transportFaultShape)[K]> };

/**
 * The transport faults of `plans` (the simulator's run-time plan and the called person's own):
 * the latency, then a hang or an HTTP failure. True when the call was handled that way (hung:
 * nothing is ever sent; failed: the error page is sent), so the simulator answers nothing more.
 */
export async function transportFault(
  res: ServerResponse,
  plans: ReadonlyArray<TransportFaults | undefined>,
  ctx: { wait(ms: number): Promise<void>; random(): number; stats: { hung: number; httpFailures: number } },
): Promise<boolean> {
  await ctx.wait(plans.reduce((sum, p) => sum + (p?.latencyMs ?? 0), 0));
  if (plans.some((p) => p?.hang) || plans.some((p) => consume(p, 'hangNext'))) {
    ctx.stats.hung++;
    return true; // never answered; stop() cuts the connection
  }
  const failing = plans.find((p) => consume(p, 'failNext') || (p?.failProbability ?? 0) > ctx.random());
  if (failing) {
    ctx.stats.httpFailures++;
    sendBody(res, failing.failStatus ?? 503, '<html><body>Service Unavailable</body></html>', 'text/html');
    return true;
  }
  return false;
}
