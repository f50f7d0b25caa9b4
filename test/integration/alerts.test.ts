import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';

/**
 * The alert rules shipped in ops/prometheus: valid for Prometheus (`promtool check rules`),
 * firing on the figures they are for (`promtool test rules`, ops/prometheus/alerts.test.yaml),
 * and naming only metrics the robot exports, so a renamed metric cannot silence an alert.
 * promtool is Debian's `prometheus` package (.ci/run installs it).
 */
const DIR = join(import.meta.dirname, '..', '..', 'ops', 'prometheus');
const PROMTOOL = process.env.PROMTOOL ?? '/usr/bin/promtool';

describe('the Prometheus alert rules', () => {
  it('pass promtool check rules', () => {
    expect(existsSync(PROMTOOL), `${PROMTOOL} (apt install prometheus)`).toBe(true);
    const out = execFileSync(PROMTOOL, ['check', 'rules', join(DIR, 'alerts.yaml')], { encoding: 'utf8' });
    expect(out).toMatch(/SUCCESS: 8 rules found/);
  });

  it('fire when they should and not otherwise (promtool test rules)', () => {
    const out = execFileSync(PROMTOOL, ['test', 'rules', join(DIR, 'alerts.test.yaml')], { encoding: 'utf8', cwd: DIR });
    expect(out).toMatch(/SUCCESS/);
  });

  it('use only metrics the robot exports', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const exported = new Set([...(await metrics.render()).matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!));
    const rules = readFileSync(join(DIR, 'alerts.yaml'), 'utf8');
    const used = new Set([...rules.matchAll(/\b(robot_[a-z_]+)/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThanOrEqual(5);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });
});
