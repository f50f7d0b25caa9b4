/**
 * npm run bench:calc — the decision core's throughput on one core.
 * Generates 100 000 varied, valid snapshots (in batches, outside the timed part), then times
 * validation + calculation + assessment for each, and prints the figures as JSON.
 */
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import fc from 'fast-check';
import { assess } from '../src/assessment/assess.js';
import { validateSnapshot } from '../src/domain/snapshot.js';
import { loadRules } from '../src/rules/load.js';
import { snapshotInput, typicalSnapshotInput } from '../test/support/arbitraries.js';

const TOTAL = Number(process.env.BENCH_SNAPSHOTS ?? 100_000);
const BATCH = 10_000;
const rules = loadRules();
let peakRss = process.memoryUsage().rss;

/**
 * Two mixes: `typical` (most households have 0-2 children, as caseloads do) and `stress`
 * (0-7 children evenly, so many more lines per case). Both are reported; neither is hidden.
 */
function run(name: string, arbitrary: fc.Arbitrary<unknown>) {
  const outcomes: Record<string, number> = {};
  let timedMs = 0;
  let done = 0;
  let invalid = 0;
  let lines = 0;
  // Warm-up so the JIT has seen the code before the clock runs.
  for (const input of fc.sample(arbitrary, { numRuns: 2_000, seed: 1 })) {
    const v = validateSnapshot(input);
    if (v.ok) assess(v.snapshot, rules);
  }
  for (let batch = 0; done < TOTAL; batch++) {
    const inputs = fc.sample(arbitrary, { numRuns: Math.min(BATCH, TOTAL - done), seed: 1000 + batch });
    const start = performance.now();
    for (const input of inputs) {
      const v = validateSnapshot(input);
      if (!v.ok) {
        invalid++;
        continue;
      }
      const proposal = assess(v.snapshot, rules);
      outcomes[proposal.outcome] = (outcomes[proposal.outcome] ?? 0) + 1;
      lines += proposal.calculation.lines.length;
    }
    timedMs += performance.now() - start;
    done += inputs.length;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  return {
    mix: name,
    snapshots: done,
    invalid,
    outcomes,
    linesPerCalculation: Number((lines / done).toFixed(1)),
    seconds: Number((timedMs / 1000).toFixed(3)),
    calculationsPerSecond: Math.round(done / (timedMs / 1000)),
    microsecondsPerCalculation: Number(((timedMs * 1000) / done).toFixed(1)),
  };
}

const results = [run('typical', typicalSnapshotInput), run('stress', snapshotInput)];
console.log(
  JSON.stringify(
    {
      measures: 'validation + calculation + assessment per snapshot, one core',
      results,
      peakRssMb: Math.round(peakRss / 1024 / 1024),
      node: process.version,
      cpu: cpus()[0]?.model ?? 'unknown',
    },
    null,
    2,
  ),
);
