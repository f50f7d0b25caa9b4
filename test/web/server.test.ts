import type { DestinationStream } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { buildWebServer, type HealthCheck } from '../../src/web/server.js';
import type { FastifyInstance } from 'fastify';

const LEAK = /8507099805|850709-9805/;

function setup(checks: Record<string, HealthCheck>, checkTimeoutMs = 100, metricsToken?: string) {
  const written: string[] = [];
  const out: DestinationStream = { write: (s: string) => void written.push(s) };
  const logger = createLogger({ nodeEnv: 'test', logLevel: 'info' }, out);
  const metrics = createMetrics({ defaultMetrics: false });
  const app = buildWebServer({ logger, metrics, checks, checkTimeoutMs, metricsToken });
  apps.push(app);
  return { app, metrics, log: () => written.join(''), lines: () => written.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

const ok: HealthCheck = async () => 'PONG';

describe('GET /healthz', () => {
  it('answers 200 when every check passes', async () => {
    const { app } = setup({ redis: ok, database: ok });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', checks: { redis: 'ok', database: 'ok' } });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 naming what failed, without the reason', async () => {
    const { app, log } = setup({
      redis: ok,
      database: () => Promise.reject(new Error('connection refused for 19850709-9805')),
    });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', checks: { redis: 'ok', database: 'failed' } });
    expect(res.body).not.toContain('connection refused');
    // The reason is in the log, scrubbed.
    expect(log()).toContain('connection refused for [personnummer]');
    expect(log()).not.toMatch(LEAK);
  });

  it('answers 503 with "timeout" for a check that hangs', async () => {
    const { app } = setup({ redis: () => new Promise(() => undefined), database: ok }, 50);
    const started = Date.now();
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', checks: { redis: 'timeout', database: 'ok' } });
  });

  it('treats a check that throws synchronously as failed', async () => {
    const { app } = setup({
      redis: ok,
      database: () => {
        throw new Error('not connected');
      },
    });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.database).toBe('failed');
  });
});

describe('GET /metrics', () => {
  it('serves the Prometheus text with the robot\'s metric names', async () => {
    const { app, metrics } = setup({});
    metrics.hooks.lookup('kir', 'ok');
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'robot_register_lookups_total',
      'robot_cases_processed_total',
      'robot_jobs_failed_total',
      'robot_case_processing_seconds',
      'robot_cases',
      'robot_queue_jobs',
    ]) {
      expect(res.body).toContain(`# TYPE ${name} `);
    }
    expect(res.body).toContain('robot_register_lookups_total{register="kir",result="ok"} 1');
  });

  it('answers only the bearer of METRICS_TOKEN when one is configured', async () => {
    const token = 'a-scrape-token-that-is-long-enough-abcdefghij';
    const { app } = setup({}, 100, token);
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${token}`, `Bearer ${token}x`, `bearer  ${token}`]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', ...(authorization ? { headers: { authorization } } : {}) });
      expect(res.statusCode).toBe(401);
      expect(res.body).not.toContain('robot_');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    }
    const res = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('# TYPE robot_cases_processed_total ');
  });
});

describe('request logging', () => {
  it('logs method, URL and status through our logger, scrubbed, without headers or body', async () => {
    const { app, log, lines } = setup({});
    const res = await app.inject({
      method: 'POST',
      url: '/cases/850709-9805?x=1',
      headers: { authorization: 'Bearer secret-token', cookie: 'session=secret-cookie' },
      payload: { personalNumber: '198507099805', note: 'body-marker' },
    });
    expect(res.statusCode).toBe(404);
    const text = log();
    expect(text).not.toMatch(LEAK);
    expect(text).not.toMatch(/secret-token|secret-cookie|body-marker|remoteAddress/);
    const incoming = lines().find((l) => l.msg === 'incoming request');
    expect(incoming).toMatchObject({
      component: 'web',
      req: { method: 'POST', url: '/cases/[personnummer]?x=1' },
      reqId: expect.any(String),
    });
    expect(lines().find((l) => l.msg === 'request completed')).toMatchObject({ res: { statusCode: 404 } });
  });

  it('keeps probes and scrapes out of the log while they succeed', async () => {
    const { app, log } = setup({ redis: ok });
    await app.inject({ method: 'GET', url: '/healthz' });
    await app.inject({ method: 'GET', url: '/metrics' });
    expect(log()).toBe('');
  });

  it('answers a failing route with a plain word and logs the error scrubbed', async () => {
    const { app, log } = setup({});
    app.get('/boom', async () => {
      throw new Error('could not read 198507099805');
    });
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal error' });
    expect(log()).toContain('could not read [personnummer]');
    expect(log()).not.toMatch(LEAK);
  });
});
