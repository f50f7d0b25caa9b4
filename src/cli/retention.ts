import { RETENTION_VERDICTS } from '../retention/plan.js';
import { VERDICT_LABELS } from '../retention/labels.js';
import { dryRunRetention, executeRetention, RetentionError } from '../retention/run.js';
import { MUNICIPALITY_CODE, parseOrExit, processOutput, str, usageText, type ParsedArgs } from './args.js';
import { RETENTION } from './commands.js';
import { loadBasics } from './daemon.js';
import { openStore } from './wiring.js';

/**
 * `retention --municipality CODE --dry-run`: plans gallring and stores the report (changes no case).
 * `retention --execute RUN_ID`: carries out a dry run's report (destroys; see src/retention/run.ts).
 * The report lists case ids and dates only. The actor is the operating-system user, named
 * `cli:<user>` in the audit log and the run.
 */
type Parsed = { mode: 'dry-run'; municipality: string } | { mode: 'execute'; runId: string };

/** The parsed arguments as a request, or a message naming the one at fault. */
function retentionRequest({ values }: ParsedArgs): Parsed | string {
  const dryRun = values['dry-run'] === true;
  const runId = str(values, 'execute');
  if (dryRun === (runId !== undefined)) return 'ange antingen --dry-run eller --execute KÖRNINGS-ID';
  if (runId !== undefined) return /^[0-9a-f-]{8,64}$/.test(runId) ? { mode: 'execute', runId } : '--execute: körnings-id ska vara id:t som provkörningen skrev ut';
  const municipality = str(values, 'municipality');
  if (municipality === undefined) return '--municipality saknas';
  if (!MUNICIPALITY_CODE.test(municipality)) return '--municipality ska vara fyra siffror (SCB:s kommunkod)';
  return { mode: 'dry-run', municipality };
}

export async function runRetention(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<number> {
  const parsedArgs = parseOrExit(RETENTION, args, processOutput);
  if (typeof parsedArgs === 'number') return parsedArgs;
  const parsed = retentionRequest(parsedArgs);
  if (typeof parsed === 'string') {
    process.stderr.write(`retention: ${parsed}\n${usageText(RETENTION)}`);
    return 2;
  }
  const basics = loadBasics(env);
  if (typeof basics === 'number') return basics;
  const db = await openStore(basics.config);
  const ctx = { db, rules: basics.rules, clock: () => new Date(), actor: `cli:${env.USER ?? 'okänd'}` };
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    if (parsed.mode === 'dry-run') {
      const { run, plan } = await dryRunRetention(ctx, parsed.municipality);
      out(`Provkörning ${run.id}, kommun ${run.municipality}, ${run.runDate}`);
      out(`Regel: ${run.ruleSource} (${run.ruleStatus === 'provisional' ? 'PRELIMINÄR: kontrollera innan verkställning' : run.ruleStatus})`);
      for (const verdict of RETENTION_VERDICTS) out(`  ${VERDICT_LABELS[verdict]}: ${plan.counts[verdict]}`);
      for (const item of plan.due) {
        out(`${item.caseId}\t${item.month ?? '-'}\tsenast ${item.lastEntryOn}\tförfaller ${item.dueFrom}\tsenast gallrad ${item.deadline}${item.overdue ? ' FÖRSENAD' : ''}\t${VERDICT_LABELS[item.verdict]}`);
      }
      if (plan.counts.destroy > 0) out(`Granska listan; verkställ sedan med: retention --execute ${run.id}`);
      return 0;
    }
    const result = await executeRetention(ctx, parsed.runId);
    out(`Gallring ${result.run.id} (provkörning ${parsed.runId}): ${result.destroyed.length} ärenden gallrade, ${result.skipped.length} lämnade orörda`);
    for (const s of result.skipped) out(`  orört: ${s.caseId}: ${s.why}`);
    return 0;
  } catch (error) {
    if (error instanceof RetentionError) {
      process.stderr.write(`retention: ${error.message}\n`);
      return 1;
    }
    basics.logger.error({ error: (error as Error).name }, 'retention failed');
    process.stderr.write(`retention: misslyckades (${(error as Error).name}); se loggen\n`);
    return 1;
  } finally {
    await db.close();
  }
}
