import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { withTimeout } from '../observability/timeout.js';
import type { Db } from '../store/index.js';
import type { WebAuthConfig } from '../config.js';
import { registerWebAuth } from './auth/webAuth.js';
import { refuseUnstorableText } from './unstorableText.js';
import type { OidcClient } from './auth/oidc.js';
import { restoreFastStringMethods } from '../runtime/fastStrings.js';

/**
 * The daemon's web edge: liveness/readiness for the orchestrator and metrics for Prometheus.
 * The caseworker and admin pages are registered on the same instance by their own modules.
 */

/** Resolves when the dependency answers; any rejection (or a timeout) means it is down. */
export type HealthCheck = () => Promise<unknown>;

export type CheckStatus = 'ok' | 'failed' | 'timeout';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckStatus>;
}

export interface WebServerOptions {
  logger: Logger;
  metrics: { render(): Promise<string>; readonly contentType: string };
  /** By name, e.g. { redis: () => redis.ping(), database: () => db.query('SELECT 1') }. */
  checks: Record<string, HealthCheck>;
  /** Per check; default 2000 ms, under a typical probe timeout so that we answer first. */
  checkTimeoutMs?: number;
  /**
   * The review and admin pages: one context with sessions, CSRF, security headers and login
   * (auth/webAuth.ts), and inside it each of `routes` (e.g. caseworkerRoutes(...), adminRoutes(...)).
   */
  pages?: WebPagesOptions;
  /** Behind a TLS-terminating proxy (production): trust X-Forwarded-* so Secure cookies are set. */
  trustProxy?: boolean;
  /**
   * Set (METRICS_TOKEN, required in production): /metrics answers only a request carrying
   * `Authorization: Bearer <token>`, anything else 401. Unset: /metrics is open (development, tests).
   */
  metricsToken?: string | undefined;
}

/** Whether `header` is "Bearer <token>"; compared in constant time (digests of equal length). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer ([\x21-\x7e]+)$/.exec(header ?? '');
  if (!m) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(m[1]!), digest(token));
}

export interface WebPagesOptions {
  db: Db;
  auth: WebAuthConfig;
  routes: readonly FastifyPluginAsync[];
  oidcClient?: OidcClient;
}

export async function runChecks(
  checks: Record<string, HealthCheck>,
  timeoutMs: number,
  logger: Logger,
): Promise<HealthReport> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]): Promise<[string, CheckStatus]> => {
      try {
        await withTimeout(check, timeoutMs, `health check ${name}`);
        return [name, 'ok'];
      } catch (err) {
        const status: CheckStatus = err instanceof Error && err.name === 'TimeoutError' ? 'timeout' : 'failed';
        // The reason goes to the log (scrubbed there), not to whoever asked over HTTP.
        logger.warn({ check: name, status, err }, 'health check failed');
        return [name, status];
      }
    }),
  );
  const report = Object.fromEntries(entries);
  return { status: entries.every(([, s]) => s === 'ok') ? 'ok' : 'unavailable', checks: report };
}

/**
 * Request logs name the method, URL and status only: no headers (cookies, tokens), no
 * remote address (a caseworker's IP is personal data too), never a body.
 */
const requestSerializers = {
  req: (req: FastifyRequest) => ({ method: req.method, url: req.url }),
  res: (reply: FastifyReply) => ({ statusCode: reply.statusCode }),
};

export function buildWebServer(options: WebServerOptions): FastifyInstance {
  // Both callers (cli/start.ts, cli/production.ts) have loaded ioredis by now; see runtime/fastStrings.ts.
  restoreFastStringMethods();
  const { metrics, checks } = options;
  const logger = options.logger.child({ component: 'web' }, { serializers: requestSerializers });
  const timeoutMs = options.checkTimeoutMs ?? 2000;

  // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's type the default one.
  // Request logging stays on (the default): method, URL, status and time per request.
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, ...(options.trustProxy ? { trustProxy: true } : {}) });

  // Errors reach the log in full (scrubbed); the client gets the status and a plain word only,
  // since an error message is not promised to be free of personal data.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const statusCode = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(statusCode).send({ error: statusCode >= 500 ? 'internal error' : 'bad request' });
  });

  // Probes and scrapes arrive every few seconds: their routine requests are not worth a log
  // line each, but a failing check still logs at warn.
  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) => {
    const report = await runChecks(checks, timeoutMs, logger);
    return reply
      .code(report.status === 'ok' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  });

  // Figures about the caseload are not for everyone who can reach the UI port.
  const metricsToken = options.metricsToken;
  app.get('/metrics', { logLevel: 'warn' }, async (request, reply) => {
    if (metricsToken !== undefined && !bearerMatches(request.headers.authorization, metricsToken)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').header('cache-control', 'no-store').send({ error: 'unauthorized' });
    }
    const text = await metrics.render();
    return reply.type(metrics.contentType).header('cache-control', 'no-store').send(text);
  });

  const pages = options.pages;
  if (pages) {
    void app.register(async (context) => {
      await registerWebAuth(context, { db: pages.db, auth: pages.auth, ...(pages.oidcClient ? { oidcClient: pages.oidcClient } : {}) });
      refuseUnstorableText(context);
      for (const routes of pages.routes) await context.register(routes);
    });
  }

  return app;
}
