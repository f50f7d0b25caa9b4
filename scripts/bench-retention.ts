/**
 * npm run bench:retention — how long gallring takes on a municipality's worth of cases.
 * Seeds BENCH_CASES closed cases (default 20 000; 4 monthly cases per person, a decision with
 * its three steps on every second one) with explicit timestamps, on PGlite by default or on the
 * server at BENCH_DATABASE_URL, then times a dry run and carrying out its report, and prints
 * the figures as JSON. Test personal numbers only.
 */
import { performance } from 'node:perf_hooks';
import { luhnCheckDigit } from '../src/domain/personalNumber.js';
import { loadRules } from '../src/rules/load.js';
import { dryRunRetention, executeRetention } from '../src/retention/run.js';
import { IN_MEMORY, openDatabase } from '../src/store/index.js';

const CASES = Number(process.env.BENCH_CASES ?? 20_000);
const url = process.env.BENCH_DATABASE_URL;
const schema = `bench_retention_${Date.now().toString(36)}`;
const db = url ? await openDatabase({ url, schema }) : await openDatabase({ dataDir: IN_MEMORY });
const rules = loadRules();

/** A test number for person `i`: born 1950–1999, never on the 5th, 15th or 25th unless i % 10 === 0. */
function personalNumber(i: number): string {
  const year = 1950 + (i % 50);
  const month = String(1 + (i % 12)).padStart(2, '0');
  const day = i % 10 === 0 ? 15 : [1, 2, 3, 4, 6, 7, 8, 9, 11, 12][i % 10]!;
  const ymd = `${year}${month}${String(day).padStart(2, '0')}`;
  const serial = String(100 + (i % 800)).padStart(3, '0');
  return `${ymd}${serial}${luhnCheckDigit(ymd.slice(2) + serial)}`;
}

const seedStart = performance.now();
const PAGE = 1000;
for (let from = 0; from < CASES; from += PAGE) {
  await db.transaction(async (tx) => {
    for (let i = from; i < Math.min(from + PAGE, CASES); i++) {
      const id = `B-${String(i).padStart(7, '0')}`;
      const person = Math.floor(i / 4);
      // People 0..(n/2): last entries in 2020-2021 (due on 2027-01-01); the rest in 2024 (not due).
      const year = person % 2 === 0 ? 2020 + (i % 2) : 2024;
      const at = `${year}-${String(1 + (i % 12)).padStart(2, '0')}-10T10:00:00Z`;
      const application = { application: { id, municipality: '1287', applicant: { personalNumber: personalNumber(person) }, coApplicant: null, children: [] } };
      await tx.query('INSERT INTO applications (id, municipality, received_at, raw, created_at) VALUES ($1, $2, $3, $4::jsonb, $3)', [id, '1287', at, JSON.stringify(application)]);
      await tx.query("INSERT INTO cases (id, municipality, month, state, state_changed_at, created_at) VALUES ($1, '1287', $2, 'COMPLETED', $3, $3)", [id, at.slice(0, 7), at]);
      await tx.query("INSERT INTO case_state_history (case_id, from_state, to_state, actor, at) VALUES ($1, NULL, 'RECEIVED', 'robot', $2), ($1, 'SIGNED', 'COMPLETED', 'robot', $2)", [id, at]);
      const snapshot = await tx.query<{ id: string }>("INSERT INTO snapshots (case_id, snapshot, rules_version, created_at) VALUES ($1, $2::jsonb, 'bench', $3) RETURNING id", [id, JSON.stringify(application), at]);
      const proposal = await tx.query<{ id: string }>(
        "INSERT INTO proposals (case_id, snapshot_id, outcome, amount, proposal, created_at) VALUES ($1, $2, 'PROPOSE_GRANT', '5000', '{}'::jsonb, $3) RETURNING id",
        [id, snapshot.rows[0]!.id, at],
      );
      if (i % 2 === 0) {
        const decision = await tx.query<{ id: string }>(
          "INSERT INTO decisions (case_id, proposal_id, kind, outcome, amount, content, content_hash, signed_by, signed_at, created_at) VALUES ($1, $2, 'as-proposed', 'GRANT', '5000', '{}'::jsonb, $3, 'hl-1', $4, $4) RETURNING id",
          [id, proposal.rows[0]!.id, 'a'.repeat(64), at],
        );
        await tx.query(
          "INSERT INTO decision_steps (decision_id, step, outcome, reference, actor, done_at) VALUES ($1, 'write-back', 'done', 'R', 'robot', $2), ($1, 'payment', 'done', 'P', 'robot', $2), ($1, 'notify', 'done', 'M', 'robot', $2)",
          [decision.rows[0]!.id, at],
        );
      }
      // A look-up is recorded only while the case gathers (migration 0014).
      await tx.query("UPDATE cases SET state = 'GATHERING' WHERE id = $1", [id]);
      await tx.query("INSERT INTO audit_log (at, actor, action, case_id, purpose, result) VALUES ($1, 'robot', 'kir.lookup', $2, 'utredning', 'ok')", [at, id]);
      await tx.query("UPDATE cases SET state = 'COMPLETED' WHERE id = $1", [id]);
    }
  });
}
const seedSeconds = (performance.now() - seedStart) / 1000;

const ctx = { db, rules, clock: () => new Date('2027-01-02T09:00:00Z'), actor: 'bench' };
const dryStart = performance.now();
const { run, plan } = await dryRunRetention(ctx, '1287');
const drySeconds = (performance.now() - dryStart) / 1000;

const execStart = performance.now();
const result = await executeRetention(ctx, run.id);
const execSeconds = (performance.now() - execStart) / 1000;
const left = (await db.query<{ n: string }>('SELECT count(*) AS n FROM cases')).rows[0]!.n;

process.stdout.write(
  `${JSON.stringify(
    {
      backend: db.kind,
      cases: CASES,
      seedSeconds: Number(seedSeconds.toFixed(1)),
      dryRun: { seconds: Number(drySeconds.toFixed(2)), casesPerSecond: Math.round(CASES / drySeconds), counts: plan.counts },
      destroy: { seconds: Number(execSeconds.toFixed(2)), destroyed: result.destroyed.length, casesPerSecond: Math.round(result.destroyed.length / execSeconds), skipped: result.skipped.length },
      casesLeft: Number(left),
      peakRssMb: Math.round(process.memoryUsage().rss / 1_048_576),
    },
    null,
    2,
  )}\n`,
);
if (url) await db.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
await db.close();
