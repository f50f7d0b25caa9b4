import { readFile, unlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { MONTH_PATTERN } from '../domain/dates.js';
import {
  parsePeriod,
  periodDeadline,
  periodLabel,
  produceStatisticsFile,
  statisticsAuditDetails,
  validateStatisticsFile,
  type StatisticsPeriod,
  type ValidationResult,
} from '../stats/socialstyrelsen/index.js';
import { appendAudit, readStatistics, statisticsReference, type AuditResult, type Db } from '../store/index.js';
import { MUNICIPALITY_CODE, parseOrExit, str, usageText, type ParsedArgs } from './args.js';
import { STATS } from './commands.js';
import { loadBasics } from './daemon.js';
import { openStore } from './wiring.js';

/**
 * `stats`: Socialstyrelsen's file on ekonomiskt bistånd (HSLF-FS 2015:30) for one municipality.
 *
 *   stats --municipality 1287 --month 2026-10 --out FILE    the monthly file
 *   stats --municipality 1287 --year 2026 --out FILE        the yearly file
 *   stats --validate FILE --municipality 1287 --month 2026-10 | --year 2026
 *
 * A new file is written (never over an existing one), read back from disk and checked against
 * reference figures computed by SQL from the decisions; an existing file is checked the same
 * way against the database as it is now. The summary holds counts, the total, the SHA-256 and
 * the deadline, never a personal number. Every production and check is in the audit log.
 * Exit 0: the file matches the decisions; 1: it does not (or a case could not be reported);
 * 2: bad arguments, named.
 */

export const STATS_PURPOSE = 'Statistik om ekonomiskt bistånd till Socialstyrelsen (HSLF-FS 2015:30)';

export interface StatsIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export type StatsRequest =
  | { mode: 'produce'; municipality: string; period: StatisticsPeriod; out: string }
  | { mode: 'validate'; municipality: string; period: StatisticsPeriod; file: string };

/** The parsed arguments as a request, or a message in words that names the argument at fault. */
export function statsRequest(parsed: ParsedArgs): StatsRequest | string {
  const value = (name: string) => str(parsed.values, name);
  const municipality = value('municipality');
  if (!municipality) return '--municipality saknas';
  if (!MUNICIPALITY_CODE.test(municipality)) return '--municipality: ska vara SCB:s kommunkod med fyra siffror, t.ex. 1287';
  const month = value('month');
  const year = value('year');
  if (month !== undefined && year !== undefined) return '--month och --year kan inte anges samtidigt: välj månadsfil eller årsfil';
  let period: StatisticsPeriod | undefined;
  if (month !== undefined) {
    period = MONTH_PATTERN.test(month) ? parsePeriod(month) : undefined;
    if (!period) return '--month: ska vara en månad ÅÅÅÅ-MM, t.ex. 2026-10';
  } else if (year !== undefined) {
    period = /^\d{4}$/.test(year) ? parsePeriod(year) : undefined;
    if (!period) return '--year: ska vara ett år ÅÅÅÅ, t.ex. 2026';
  } else {
    return '--month eller --year saknas';
  }
  const out = value('out');
  const validate = value('validate');
  if (out !== undefined && validate !== undefined) return '--out och --validate kan inte anges samtidigt';
  if (validate !== undefined) return { mode: 'validate', municipality, period, file: validate };
  if (out === undefined) return '--out saknas (eller --validate FIL för att kontrollera en befintlig fil)';
  return { mode: 'produce', municipality, period, out };
}

export interface StatsContext {
  db: Db;
  /** Who the audit log names: the robot's identity for the command line. */
  actor: string;
  io: StatsIo;
}

/** The command with its arguments parsed; the database is the caller's to open and close. */
export async function statsCommand(ctx: StatsContext, args: readonly string[]): Promise<number> {
  const request = parseStatsRequest(args, ctx.io);
  if (typeof request === 'number') return request;
  return request.mode === 'produce' ? produce(ctx, request) : validate(ctx, request);
}

/** The request, or the exit code after the help (0) or the problem and usage on stderr (2). */
function parseStatsRequest(args: readonly string[], io: StatsIo): StatsRequest | number {
  const parsed = parseOrExit(STATS, args, io);
  if (typeof parsed === 'number') return parsed;
  const request = statsRequest(parsed);
  if (typeof request !== 'string') return request;
  io.stderr(`stats: ${request}\n${usageText(STATS)}`);
  return 2;
}

async function produce(ctx: StatsContext, request: Extract<StatsRequest, { mode: 'produce' }>): Promise<number> {
  const { db, io } = ctx;
  const { municipality, period, out } = request;
  if (existsSync(out)) {
    io.stderr(`stats: --out: ${out} finns redan; en statistikfil skrivs aldrig över, ange ett nytt filnamn\n`);
    return 2;
  }
  const { cases, reference } = await readStatistics(db, { municipality, period });
  const produced = produceStatisticsFile({ municipality, period, cases, reference });
  try {
    await writeFile(out, produced.text, { encoding: 'utf8', flag: 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    io.stderr(`stats: --out: ${out} kan inte skrivas (${code === 'EEXIST' ? 'finns redan' : (code ?? 'okänt fel')})\n`);
    return 2;
  }
  // What is checked is what is on disk, read back, not the text still in memory.
  const validation = validateStatisticsFile(await readFile(out, 'utf8'), reference);
  const ok = validation.ok && produced.build.problems.length === 0;
  try {
    await audit(ctx, 'stats.produce', ok ? 'ok' : 'error', municipality, period, validation, produced.build.problems.length);
  } catch (error) {
    // A production that is not on record is not kept.
    await unlink(out).catch(() => undefined);
    throw error;
  }
  io.stdout(
    summaryText(`stats: kommun ${municipality}, period ${periodLabel(period)}: ${out}`, period, validation, produced.build.problems, produced.build.warnings),
  );
  if (!ok) io.stdout('Filen stämmer inte med besluten och ska inte skickas in.\n');
  return ok ? 0 : 1;
}

async function validate(ctx: StatsContext, request: Extract<StatsRequest, { mode: 'validate' }>): Promise<number> {
  const { db, io } = ctx;
  const { municipality, period, file } = request;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.stderr(`stats: --validate: ${file} går inte att läsa (${(error as NodeJS.ErrnoException).code ?? 'okänt fel'})\n`);
    return 2;
  }
  const reference = await statisticsReference(db, { municipality, period });
  const validation = validateStatisticsFile(text, reference);
  await audit(ctx, 'stats.validate', validation.ok ? 'ok' : 'error', municipality, period, validation, 0);
  io.stdout(summaryText(`stats: kontroll av ${file} mot besluten för kommun ${municipality}, period ${periodLabel(period)}`, period, validation, [], []));
  return validation.ok ? 0 : 1;
}

async function audit(
  ctx: StatsContext,
  action: string,
  result: AuditResult,
  municipality: string,
  period: StatisticsPeriod,
  validation: ValidationResult,
  problems: number,
): Promise<void> {
  await appendAudit(ctx.db, {
    actor: ctx.actor,
    action,
    purpose: STATS_PURPOSE,
    result,
    details: { via: 'cli', ...statisticsAuditDetails(municipality, period, validation, validation.ok), mismatches: validation.mismatches.length, problems },
  });
}

/** The summary: counts and the checksum only, so it can be pasted anywhere. */
export function summaryText(heading: string, period: StatisticsPeriod, validation: ValidationResult, problems: readonly string[], warnings: readonly string[]): string {
  const { summary } = validation;
  const lines = [
    heading,
    `  rader (hushåll):     ${summary.rows}`,
    `  personer:            ${summary.persons}`,
    `  summa Sbel:          ${summary.total} kr`,
    `  sha256:              ${summary.sha256}`,
    `  lämnas senast:       ${periodDeadline(period)}${period.kind === 'year' ? ' (med decembers månadsfil)' : ''}`,
    `  kontroll mot besluten: ${validation.ok ? 'stämmer' : `STÄMMER INTE (${validation.mismatches.length} avvikelser)`}`,
    ...validation.mismatches.map((m) => `    - ${m}`),
    ...(problems.length > 0 ? ['  ärenden som inte kunde rapporteras:', ...problems.map((p) => `    - ${p}`)] : []),
    ...(warnings.length > 0 ? ['  att se över:', ...warnings.map((w) => `    - ${w}`)] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The command line: configuration and database from the environment, as `export` does. */
export async function runStats(env: NodeJS.ProcessEnv, args: readonly string[]): Promise<number> {
  const io: StatsIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
  // Bad arguments are answered before anything is opened.
  const request = parseStatsRequest(args, io);
  if (typeof request === 'number') return request;
  const basics = loadBasics(env);
  if (typeof basics === 'number') return basics;
  const db = await openStore(basics.config);
  try {
    const ctx = { db, actor: basics.config.robotIdentity, io };
    return await (request.mode === 'produce' ? produce(ctx, request) : validate(ctx, request));
  } catch (error) {
    basics.logger.error({ error: (error as Error).name }, 'stats failed');
    io.stderr(`stats: misslyckades (${(error as Error).name}); se loggen\n`);
    return 1;
  } finally {
    await db.close();
  }
}
