import { RobotError } from '../domain/errors.js';
import { createHash, randomUUID } from 'node:crypto';
import { daysBetween, stockholmDate, type IsoDate } from '../domain/dates.js';
import { parsePersonalNumber } from '../domain/personalNumber.js';
import type { RuleSet } from '../rules/ruleset.js';
import {
  appendAudit,
  destroyCases,
  destroyRunFor,
  finishRetentionRun,
  getRetentionRun,
  insertRetentionItems,
  insertRetentionRun,
  isTerminal,
  isCaseState,
  listRetentionRuns,
  listRetentionItems,
  lockedRetentionFacts,
  retentionFacts,
  StoreError,
  vacuumCaseTables,
  type Db,
  type RetentionFactRow,
  type RetentionRunRecord,
} from '../store/index.js';
import { planRetention, type RetentionCaseFacts, type RetentionRuleAt, type RetentionItem, type RetentionPerson, type RetentionPlan, type RetentionVerdict } from './plan.js';

/**
 * Gallring, the I/O side: a dry run plans and stores its report; a destroy run carries out a
 * dry run an admin approved, destroying only cases that were in that report AND are still due
 * when it runs. Nothing is destroyed that no person has seen listed.
 */

/** Cases destroyed per transaction. */
const DESTROY_CHUNK = 100;

/** A dry run older than this cannot be approved: the facts may have moved on. */
export const APPROVAL_VALID_DAYS = 31;

/** A report too old to be carried out (the facts may have moved on since it was made). */
export function reportExpired(runDate: IsoDate, today: IsoDate): boolean {
  return daysBetween(runDate, today) > APPROVAL_VALID_DAYS;
}

export class RetentionError extends RobotError {
  readonly kind = 'business' as const;
  override name = 'RetentionError';
}

export interface RetentionContext {
  db: Db;
  rules: RuleSet;
  clock: () => Date;
  /** Who runs it: the robot's identity (scheduled dry run) or the admin's user id. */
  actor: string;
}

export interface DryRunResult {
  run: RetentionRunRecord;
  plan: RetentionPlan;
}

function ruleFor(rules: RuleSet, today: IsoDate) {
  const rule = rules.retentionAt(today);
  if (!rule) throw new RetentionError(`rules/retention.yaml har ingen regel för ${today}`);
  return rule;
}

/** A person as the plan sees them: a digest for "same person", and the day of birth. */
function personOf(written: string | null, reference: IsoDate): RetentionPerson | undefined {
  if (written === null || written.trim() === '') return undefined;
  const parsed = parsePersonalNumber(written, reference);
  if (!parsed.ok) return { key: `invalid:${createHash('sha256').update(written).digest('hex')}`, bornOnDay: undefined };
  return {
    key: createHash('sha256').update(parsed.value.normalized).digest('hex'),
    bornOnDay: Number(parsed.value.birthDate.slice(8, 10)),
  };
}

export function factsOf(row: RetentionFactRow): RetentionCaseFacts {
  const reference = stockholmDate(row.received_at);
  const applicant = personOf(row.applicant_pn, reference);
  const coApplicant = personOf(row.co_applicant_pn, reference);
  return {
    caseId: row.id,
    municipality: row.municipality,
    month: row.month,
    closed: isCaseState(row.state) && isTerminal(row.state),
    lastEntryOn: stockholmDate(row.last_entry_at),
    // Without an applicant there is no file to judge; a co-applicant alone does not make one.
    adults: applicant ? [applicant, ...(coApplicant ? [coApplicant] : [])] : null,
  };
}

async function planFor(ctx: RetentionContext, municipality: string, today: IsoDate, rule: RetentionRuleAt): Promise<RetentionPlan> {
  const facts: RetentionCaseFacts[] = [];
  for await (const page of retentionFacts(ctx.db, municipality)) facts.push(...page.map(factsOf));
  return planRetention(facts, rule, today);
}

function summaryOf(plan: RetentionPlan): Record<string, unknown> {
  return { counts: plan.counts, overdue: plan.due.filter((i) => i.overdue).length };
}

/** Plans gallring for one municipality and stores the report. Changes no case. */
export async function dryRunRetention(ctx: RetentionContext, municipality: string): Promise<DryRunResult> {
  const today = stockholmDate(ctx.clock());
  const rule = ruleFor(ctx.rules, today);
  const plan = await planFor(ctx, municipality, today, rule.value);
  const id = randomUUID();
  await ctx.db.transaction(async (tx) => {
    await insertRetentionRun(tx, {
      id,
      mode: 'dry-run',
      runDate: today,
      municipality,
      ruleSource: rule.source,
      ruleStatus: rule.status,
      actor: ctx.actor,
      finished: true,
      summary: summaryOf(plan),
    });
    await insertRetentionItems(
      tx,
      id,
      plan.due.map((i) => ({ caseId: i.caseId, verdict: i.verdict as Exclude<RetentionVerdict, 'not-due'>, month: i.month, lastEntryOn: i.lastEntryOn, dueFrom: i.dueFrom, deadline: i.deadline })),
    );
    await appendAudit(tx, {
      actor: ctx.actor,
      action: 'retention.dry-run',
      purpose: 'gallring enligt socialtjänstlagen',
      result: 'ok',
      details: { run: id, municipality, today, counts: plan.counts },
    });
  });
  return { run: (await getRetentionRun(ctx.db, id))!, plan };
}

export interface ExecuteResult {
  run: RetentionRunRecord;
  destroyed: string[];
  /** In the approved report but not destroyed now, with why (case ids only). */
  skipped: Array<{ caseId: string; why: string }>;
}

/**
 * Carries out an approved dry run. Resumable: a run that stopped half-way (a crash) is taken
 * up again by approving the same dry run; cases already destroyed are on record and skipped.
 */
export async function executeRetention(ctx: RetentionContext, dryRunId: string, options: { municipalities?: readonly string[] } = {}): Promise<ExecuteResult> {
  const today = stockholmDate(ctx.clock());
  const dryRun = await getRetentionRun(ctx.db, dryRunId);
  if (!dryRun || dryRun.mode !== 'dry-run') throw new RetentionError('provkörningen finns inte');
  if (options.municipalities && !options.municipalities.includes(dryRun.municipality)) throw new RetentionError('provkörningen finns inte');
  if (reportExpired(dryRun.runDate, today)) {
    throw new RetentionError(`provkörningen gjordes ${dryRun.runDate}, mer än ${APPROVAL_VALID_DAYS} dagar sedan: gör en ny provkörning`);
  }
  let run = await destroyRunFor(ctx.db, dryRunId);
  if (run?.finishedAt) throw new RetentionError(`provkörningen är redan verkställd (${run.id})`);
  const rule = ruleFor(ctx.rules, today);
  if (!run) {
    const id = randomUUID();
    try {
      await insertRetentionRun(ctx.db, {
        id,
        mode: 'destroy',
        runDate: today,
        municipality: dryRun.municipality,
        ruleSource: rule.source,
        ruleStatus: rule.status,
        approves: dryRunId,
        actor: ctx.actor,
      });
    } catch (error) {
      // Two admins pressed at once: the report is carried out once (approves is unique).
      if (error instanceof StoreError && error.code === '23505') throw new RetentionError('provkörningen verkställs redan av någon annan');
      throw error;
    }
    run = (await getRetentionRun(ctx.db, id))!;
  }

  const approved = (await listRetentionItems(ctx.db, dryRunId)).filter((i) => i.verdict === 'destroy');
  // The plan is made again now: a case that got a new entry, or a person who applied again,
  // since the report was made is no longer due and is left alone.
  const fresh = await planFor(ctx, dryRun.municipality, today, rule.value);
  const now = new Map<string, RetentionItem>(fresh.due.map((i) => [i.caseId, i]));
  const destroyed: string[] = [];
  const skipped: ExecuteResult['skipped'] = [];
  const candidates: Array<{ caseId: string; current: RetentionItem }> = [];
  for (const item of approved) {
    const current = now.get(item.caseId);
    if (!current) skipped.push({ caseId: item.caseId, why: 'finns inte längre eller är inte längre förfallet' });
    else if (current.verdict !== 'destroy') skipped.push({ caseId: item.caseId, why: `bedöms nu som ${current.verdict}` });
    else candidates.push({ caseId: item.caseId, current });
  }
  // In chunks: each chunk's records and deletions commit or roll back together.
  const runId = run.id;
  for (let start = 0; start < candidates.length; start += DESTROY_CHUNK) {
    const chunk = candidates.slice(start, start + DESTROY_CHUNK);
    const gone = await ctx.db.transaction(async (tx) => {
      // Under the cases' row locks: nothing may have been written since the plan was made.
      const locked = new Map((await lockedRetentionFacts(tx, chunk.map((c) => c.caseId))).map((row) => [row.id, factsOf(row)]));
      const still = chunk.filter(({ caseId, current }) => {
        const facts = locked.get(caseId);
        return facts !== undefined && facts.closed && facts.lastEntryOn <= current.lastEntryOn;
      });
      await destroyCases(
        tx,
        runId,
        still.map(({ caseId, current }) => ({ caseId, municipality: dryRun.municipality, month: current.month, lastEntryOn: current.lastEntryOn, dueFrom: current.dueFrom })),
      );
      return new Set(still.map((c) => c.caseId));
    });
    for (const { caseId } of chunk) {
      if (gone.has(caseId)) destroyed.push(caseId);
      else skipped.push({ caseId, why: 'ändrades under körningen' });
    }
  }

  const summary = { approves: dryRunId, destroyed: destroyed.length, skipped: skipped.length, approvedInReport: approved.length };
  await ctx.db.transaction(async (tx) => {
    await finishRetentionRun(tx, run.id, summary);
    await appendAudit(tx, {
      actor: ctx.actor,
      action: 'retention.destroy',
      purpose: 'gallring enligt socialtjänstlagen',
      result: 'ok',
      details: { run: run.id, municipality: dryRun.municipality, ...summary },
    });
  });
  // Outside any transaction: VACUUM may not run inside one.
  await vacuumCaseTables(ctx.db);
  return { run: (await getRetentionRun(ctx.db, run.id))!, destroyed, skipped };
}

export interface ScheduledRetentionResult {
  /** Reports carried out without an admin, by municipality (run id of the destroy run). */
  executed: Record<string, { run: string; destroyed: number }>;
  /** The new reports, by municipality: how many cases are due. */
  reports: Record<string, { run: string; due: number }>;
}

/**
 * The monthly job. With `autoExecuteAfterDays` it first carries out each municipality's latest
 * report that has waited that long without an admin (and is still within the approval window),
 * but never under a provisional rule: then a person must confirm the law first. Then it makes a
 * new report for every municipality.
 */
export async function scheduledRetention(ctx: RetentionContext, municipalities: readonly string[], autoExecuteAfterDays?: number): Promise<ScheduledRetentionResult> {
  const today = stockholmDate(ctx.clock());
  const result: ScheduledRetentionResult = { executed: {}, reports: {} };
  if (autoExecuteAfterDays !== undefined && ruleFor(ctx.rules, today).status !== 'provisional') {
    for (const municipality of municipalities) {
      const latest = (await listRetentionRuns(ctx.db, [municipality])).find((r) => r.mode === 'dry-run');
      if (!latest || latest.approvedBy || latest.ruleStatus === 'provisional') continue;
      if (daysBetween(latest.runDate, today) < autoExecuteAfterDays || reportExpired(latest.runDate, today)) continue;
      const done = await executeRetention(ctx, latest.id);
      result.executed[municipality] = { run: done.run.id, destroyed: done.destroyed.length };
    }
  }
  for (const municipality of municipalities) {
    const { run, plan } = await dryRunRetention(ctx, municipality);
    result.reports[municipality] = { run: run.id, due: plan.due.length };
  }
  return result;
}
