import { stockholmDate } from '../domain/dates.js';
import { writeFileSync } from 'node:fs';
import { CHECK_WORDS, type CheckCode } from '../logfollowup/checks.js';
import { followUpCsv } from '../web/logfollowup/csv.js';
import { lastMonth, makeFollowUpReport, periodProblem } from '../logfollowup/run.js';
import { loadBasics } from './daemon.js';
import { EXIT_USAGE, MUNICIPALITY_CODE, parseOrExit, processOutput, str, usageText, type ParsedValues } from './args.js';
import { LOGFOLLOWUP } from './commands.js';
import { openStore } from './wiring.js';

/**
 * `logfollowup --municipality CODE [--from YYYY-MM-DD --to YYYY-MM-DD] [--csv FILE]`: a log
 * follow-up report on demand (default: last month), stored like the monthly one so an auditor
 * reviews it on /logguppfoljning; prints the findings (user, case id, time; no personal data)
 * and writes the CSV for Swedish Excel when asked. The actor is `cli:<operating-system user>`.
 */
/** The parsed options -> the report's municipality and period; a message in words when they do not fit. */
export function logFollowUpOptions(values: ParsedValues, now: Date): { municipality: string; from: string; to: string; csv?: string } | string {
  const municipality = str(values, 'municipality');
  if (municipality === undefined || !MUNICIPALITY_CODE.test(municipality)) return '--municipality ska vara fyra siffror (SCB:s kommunkod)';
  const month = lastMonth(now);
  const from = str(values, 'from') ?? month.from;
  const to = str(values, 'to') ?? month.to;
  const problem = periodProblem(from, to, stockholmDate(now));
  if (problem) return problem.replace('Från:', '--from:').replace('Till och med:', '--to:');
  const csv = str(values, 'csv');
  return { municipality, from, to, ...(csv ? { csv } : {}) };
}

export async function runLogFollowUp(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<number> {
  const options = parseOrExit(LOGFOLLOWUP, args, processOutput);
  if (typeof options === 'number') return options;
  const parsed = logFollowUpOptions(options.values, new Date());
  if (typeof parsed === 'string') {
    process.stderr.write(`logfollowup: ${parsed}\n${usageText(LOGFOLLOWUP)}`);
    return EXIT_USAGE;
  }
  const basics = loadBasics(env);
  if (typeof basics === 'number') return basics;
  const db = await openStore(basics.config);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const report = (await makeFollowUpReport(db, { ...parsed, kind: 'on-demand', actor: `cli:${env.USER ?? 'okänd'}`, settings: basics.config.logFollowUp, closedDays: basics.rules.closedBankDayRules() }))!;
    out(`Logguppföljning ${report.id}, kommun ${report.municipality}, ${report.periodFrom} – ${report.periodTo}: ${report.findings.length} fynd`);
    for (const f of report.findings) out(`${CHECK_WORDS[f.check as CheckCode] ?? f.check}\t${f.user}\t${f.caseId ?? '-'}\t${f.at}\t${f.text}\tloggrader ${f.auditIds.join(',')}`);
    if (parsed.csv) {
      writeFileSync(parsed.csv, followUpCsv(report), { flag: 'wx' });
      out(`CSV: ${parsed.csv}`);
    }
    out(`Granska och markera rapporten som granskad på /logguppfoljning/${report.id}`);
    return 0;
  } finally {
    await db.close();
  }
}
