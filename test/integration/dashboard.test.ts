import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { robotMetrics } from '../../src/cli/wiring.js';
import { createLogger } from '../../src/observability/logger.js';
import type { RobotMetrics } from '../../src/observability/metrics.js';
import { allQueues, openQueues, type Queues } from '../../src/robot/queues.js';
import { createCase, IN_MEMORY, openDatabase, saveApplication, type Db } from '../../src/store/index.js';
import { REDIS_URL } from '../support/pipeline.js';

/**
 * The Grafana dashboard (ops/grafana/bistandsrobot.json) and the alert rules
 * (ops/prometheus/alerts.yaml) use only metrics the robot exports: the names are read from the
 * prom-client registry of the metrics the worker and web processes build (cli/wiring.ts
 * robotMetrics, Node's default metrics included), with a real store and real queues behind
 * them, so a renamed metric cannot leave a panel or an alert silently empty.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const dashboard = JSON.parse(readFileSync(join(ROOT, 'ops', 'grafana', 'bistandsrobot.json'), 'utf8')) as Dashboard;

interface Panel {
  type: string;
  title: string;
  targets?: Array<{ expr: string }>;
  datasource?: { uid: string };
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; query?: string | { query: string }; definition?: string }> };
}

const PROMQL_WORDS = new Set(['by', 'without', 'and', 'or', 'unless', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects: what is left once strings, label matchers,
 * ranges, grouping clauses, numbers, Grafana variables and function calls are taken out.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+[0-9smhdwy]+/g, ' ')
    .replace(/\$\w+/g, ' ')
    .replace(/(?<![\w.])\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, ' ');
  return [...bare.matchAll(/([A-Za-z_:][A-Za-z0-9_:]*)(\s*\()?/g)].filter((m) => !m[2] && !PROMQL_WORDS.has(m[1]!.toLowerCase())).map((m) => m[1]!);
}

function dashboardExpressions(): string[] {
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  for (const v of dashboard.templating.list) {
    const q = typeof v.query === 'object' ? v.query.query : undefined;
    const values = q ? /label_values\((\w+)/.exec(q) : null;
    if (values) exprs.push(values[1]!);
  }
  return exprs;
}

function alertExpressions(): string[] {
  const rules = parse(readFileSync(join(ROOT, 'ops', 'prometheus', 'alerts.yaml'), 'utf8')) as { groups: Array<{ rules: Array<{ expr: string }> }> };
  return rules.groups.flatMap((g) => g.rules.map((r) => r.expr));
}

describe('the Grafana dashboard and the alert rules', () => {
  let db: Db;
  let queues: Queues;
  let metrics: RobotMetrics;
  let exported: Set<string>;
  let text: string;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: IN_MEMORY });
    const url = new URL(REDIS_URL);
    queues = openQueues({ host: url.hostname, port: Number(url.port || 6379) }, `dashboard-test-${randomUUID()}`);
    metrics = robotMetrics(db, () => queues, createLogger({ nodeEnv: 'test', logLevel: 'silent' }));
    for (const municipality of ['1287', '1263']) {
      const id = `DASH-${municipality}`;
      await saveApplication(db, { id, municipality, receivedAt: '2026-03-02T09:15:00+01:00', raw: { application: { id, month: '2026-03' } } });
      await createCase(db, { id, municipality, month: '2026-03', actor: 'test' });
    }
    // A signed decision waiting to be carried out: the carry-out queue must show in the depths.
    await queues.outbound.add('decision', { decisionId: '1', caseId: 'DASH-1' });
    // Series names as Prometheus stores them: a histogram is its _bucket, _sum and _count.
    exported = new Set(
      (await metrics.registry.getMetricsAsJSON()).flatMap((m) =>
        String(m.type) === 'histogram' ? [`${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`] : String(m.type) === 'summary' ? [m.name, `${m.name}_sum`, `${m.name}_count`] : [m.name],
      ),
    );
    text = await metrics.render();
  });

  afterAll(async () => {
    await Promise.all(allQueues(queues).map((q) => q.obliterate({ force: true }).catch(() => undefined)));
    await queues?.close();
    await db?.close();
  });

  it('the expression reader finds metric names and nothing else', () => {
    expect(metricNames('sum by (state, municipality) (robot_cases{municipality=~"$kommun"}) > 0')).toEqual(['robot_cases']);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(x_bucket[$__rate_interval])))')).toEqual(['x_bucket']);
    expect(metricNames('max(a) > 50 or max(b{state="SIGNED"}) / 1e9 and c offset 15m')).toEqual(['a', 'b', 'c']);
  });

  it('every metric the dashboard uses is one the robot exports', () => {
    const used = new Set(dashboardExpressions().flatMap(metricNames));
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('every metric the alert rules use is one the robot exports', () => {
    const used = new Set(alertExpressions().flatMap(metricNames));
    expect(used.size).toBeGreaterThanOrEqual(5);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });

  it('has the panels operations asked for, with the data behind them', () => {
    const exprs = dashboardExpressions().join('\n');
    // Cases by state and municipality: the store's cases, split by both labels.
    expect(exprs).toContain('sum by (state, municipality) (robot_cases_by_municipality');
    expect(text).toMatch(/^robot_cases_by_municipality\{state="RECEIVED",municipality="1287"\} 1$/m);
    expect(text).toMatch(/^robot_cases_by_municipality\{state="RECEIVED",municipality="1263"\} 1$/m);
    // The 24-hour promise.
    expect(exprs).toContain('robot_cases_past_promise');
    // Queue depths for every queue, carrying out included.
    expect(exprs).toMatch(/robot_queue_jobs\{queue="outbound"/);
    for (const queue of ['intake', 'cases', 'outbound', 'booking', 'maintenance']) expect(text).toContain(`robot_queue_jobs{queue="${queue}",state="waiting"}`);
    expect(text).toMatch(/^robot_queue_jobs\{queue="outbound",state="waiting"\} 1$/m);
    // Register errors and job failures by kind.
    expect(exprs).toMatch(/robot_register_lookups_total\{result="failed"\}/);
    expect(exprs).toContain('sum by (kind) (increase(robot_jobs_failed_total');
  });

  it('is importable: a unique uid, every panel on the datasource variable, every panel titled', () => {
    expect(dashboard.uid).toBe('bistandsrobot');
    for (const panel of dashboard.panels) {
      expect(panel.title.length).toBeGreaterThan(0);
      if (panel.type !== 'row') expect(panel.datasource?.uid, panel.title).toBe('${datasource}');
    }
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'kommun']);
  });
});
