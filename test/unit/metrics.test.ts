import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseSystemUiChangedError } from '../../src/casesystem/rpa.js';
import { ConfigError } from '../../src/config.js';
import { BookingNotPossibleException, errorKind, InvalidApplicationError } from '../../src/domain/errors.js';
import { TimeoutError } from '../../src/observability/timeout.js';
import { QUEUE } from '../../src/robot/queues.js';
import { createMetrics, DEFAULT_QUEUES, labelSet, OTHER } from '../../src/observability/metrics.js';

const PN_FORMS = ['198507099805', '19850709-9805', '850709-9805', '8507099805'];

/** Every label value in the exposition text. */
function labelValues(text: string): string[] {
  return [...text.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...(m[1] ?? '').matchAll(/="([^"]*)"/g)].map((v) => v[1] ?? ''));
}

describe('createMetrics', () => {
  it('names every metric in the exposition, in a registry of its own', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const text = await metrics.render();
    for (const name of [
      'robot_register_lookups_total',
      'robot_cases_processed_total',
      'robot_jobs_failed_total',
      'robot_case_processing_seconds',
      'robot_cases',
      'robot_queue_jobs',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(metrics.contentType).toMatch(/^text\/plain/);
    // A second instance starts from zero: nothing is shared through the global registry.
    metrics.registerLookup('kir', 'ok');
    expect(await createMetrics({ defaultMetrics: false }).render()).not.toContain('register="kir"');
  });

  it('counts look-ups, outcomes, failures and durations', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.hooks.lookup('ssbtek', 'ok');
    metrics.hooks.lookup('ssbtek', 'ok');
    metrics.hooks.lookup('kir', 'failed');
    metrics.hooks.caseProcessed('PROPOSE_GRANT', 1.5);
    metrics.hooks.jobFailed('cases', 'system');
    const text = await metrics.render();
    expect(text).toContain('robot_register_lookups_total{register="ssbtek",result="ok"} 2');
    expect(text).toContain('robot_register_lookups_total{register="kir",result="failed"} 1');
    expect(text).toContain('robot_cases_processed_total{outcome="PROPOSE_GRANT"} 1');
    expect(text).toContain('robot_jobs_failed_total{queue="cases",kind="system"} 1');
    expect(text).toContain('robot_case_processing_seconds_count 1');
    expect(text).toContain('robot_case_processing_seconds_bucket{le="2.5"} 1');
  });

  it('maps any label value outside the fixed sets to "other"', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const pn of PN_FORMS) {
      metrics.registerLookup(pn, pn);
      metrics.caseProcessed(pn);
      metrics.jobFailed(`case:${pn}`, pn);
    }
    metrics.jobFailed('cases', 'Error: failed for 850709-9805');
    const text = await metrics.render();
    expect(text).not.toMatch(/8507099805|850709-9805/);
    expect(text).toContain(`robot_register_lookups_total{register="other",result="other"} ${PN_FORMS.length}`);
    expect(text).toContain(`robot_cases_processed_total{outcome="other"} ${PN_FORMS.length}`);
    expect(text).toContain(`robot_jobs_failed_total{queue="cases",kind="other"} 1`);
  });

  it('lets no arbitrary string through as a label, whatever is passed', async () => {
    const allowed = new Set([
      'ssbtek', 'kir', 'plan', 'eservice', 'casesystem', 'ok', 'failed', OTHER,
      'PROPOSE_GRANT', 'PROPOSE_REJECT', 'MANUAL', 'INVALID_APPLICATION', 'WAITING_FOR_PLAN', 'TECHNICAL_ERROR', 'ALREADY_DONE', 'UNKNOWN_CASE', 'DECIDED_AUTOMATICALLY',
    ]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 10 }), async (pairs) => {
        const metrics = createMetrics({ defaultMetrics: false });
        for (const [a, b] of pairs) {
          metrics.registerLookup(a, b);
          metrics.caseProcessed(a);
        }
        for (const value of labelValues(await metrics.render())) {
          if (value.startsWith('+Inf') || /^\d/.test(value)) continue; // histogram "le" buckets
          expect(allowed).toContain(value);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('fills the gauges from the injected sources at scrape time', async () => {
    let calls = 0;
    const metrics = createMetrics({
      defaultMetrics: false,
      sources: {
        countCasesByState: async () => {
          calls++;
          return { PROPOSED: 3, MANUAL: 1, '198507099805': 7, BOGUS: 2 };
        },
        queueCounts: async () => [
          { queue: 'cases', state: 'waiting', count: 5 },
          { queue: 'cases', state: 'active', count: 2 },
          { queue: 'case:850709-9805', state: 'waiting', count: 1 },
          { queue: 'intake', state: '8507099805', count: 4 },
        ],
      },
    });
    const text = await metrics.render();
    expect(calls).toBe(1);
    expect(text).toContain('robot_cases{state="PROPOSED"} 3');
    expect(text).toContain('robot_cases{state="MANUAL"} 1');
    expect(text).toContain('robot_cases{state="COMPLETED"} 0');
    expect(text).toContain('robot_cases{state="other"} 9');
    expect(text).toContain('robot_queue_jobs{queue="cases",state="waiting"} 5');
    expect(text).toContain('robot_queue_jobs{queue="cases",state="active"} 2');
    expect(text).toContain('robot_queue_jobs{queue="other",state="waiting"} 1');
    expect(text).toContain('robot_queue_jobs{queue="intake",state="other"} 4');
    expect(text).not.toMatch(/8507099805|850709-9805/);
  });

  it('splits cases by state and municipality, a code outside the robot\'s set and an unknown state as "other"', async () => {
    const metrics = createMetrics({
      defaultMetrics: false,
      sources: {
        countCasesByMunicipality: async () => [
          { state: 'PROPOSED', municipality: '1287', count: 3 },
          { state: 'PROPOSED', municipality: '1263', count: 1 },
          { state: 'MANUAL', municipality: '850709', count: 2 },
          { state: '198507099805', municipality: '1263', count: 4 },
        ],
      },
    });
    const text = await metrics.render();
    expect(text).toContain('robot_cases_by_municipality{state="PROPOSED",municipality="1287"} 3');
    expect(text).toContain('robot_cases_by_municipality{state="PROPOSED",municipality="1263"} 1');
    expect(text).toContain('robot_cases_by_municipality{state="MANUAL",municipality="other"} 2');
    expect(text).toContain('robot_cases_by_municipality{state="other",municipality="1263"} 4');
    expect(text).not.toMatch(/850709|8507099805/);
  });

  it('labels failures by the error\'s kind in the catalogue, for every queue the robot has', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const rpa = new CaseSystemUiChangedError('save', 'Verksamhetssystemet: knappen Spara saknas');
    const thrown: Array<[string, unknown, string]> = [
      ['outbound', rpa, 'system'],
      ['cases', new InvalidApplicationError([{ field: 'application.month', message: 'saknas' }]), 'business'],
      ['intake', new TimeoutError('e-tjänsten', 10), 'system'],
      ['booking', new BookingNotPossibleException('NO_FREE_SLOT', 'ingen tid'), 'business'],
      ['maintenance', new ConfigError([]), 'configuration'],
      ['cases', new TypeError('x is undefined'), 'other'],
    ];
    for (const [queue, error] of thrown) metrics.jobFailed(queue, errorKind(error));
    const text = await metrics.render();
    for (const [queue, , kind] of thrown) expect(text).toContain(`robot_jobs_failed_total{queue="${queue}",kind="${kind}"} 1`);
    expect(text).not.toContain('queue="other"');
    expect([...DEFAULT_QUEUES].sort()).toEqual(Object.values(QUEUE).sort());
  });

  it('accepts a robot\'s own queue names, but only plain words', async () => {
    const metrics = createMetrics({ defaultMetrics: false, queues: ['bistand-cases'] });
    metrics.jobFailed('bistand-cases', 'system');
    expect(await metrics.render()).toContain('queue="bistand-cases"');
    expect(() => createMetrics({ defaultMetrics: false, queues: ['850709-9805'] })).toThrow(/plain word/);
    expect(() => labelSet(['has space'])).toThrow();
  });

  it('renders the rest when a source fails or hangs, and says so', async () => {
    const failures: string[] = [];
    const metrics = createMetrics({
      defaultMetrics: false,
      collectTimeoutMs: 50,
      sources: {
        countCasesByState: () => Promise.reject(new Error('database down')),
        queueCounts: () => new Promise(() => undefined),
      },
      onCollectError: (source) => failures.push(source),
    });
    metrics.caseProcessed('MANUAL', 0.2);
    const text = await metrics.render();
    expect(text).toContain('robot_cases_processed_total{outcome="MANUAL"} 1');
    expect(text).not.toMatch(/^robot_cases\{/m);
    expect(text).toContain('robot_metrics_collect_failures_total{source="cases"} 1');
    expect(text).toContain('robot_metrics_collect_failures_total{source="queues"} 1');
    expect(failures.sort()).toEqual(['cases', 'queues']);
  });

  it('includes the process metrics by default', async () => {
    expect(await createMetrics().render()).toContain('process_cpu_user_seconds_total');
  });
});
