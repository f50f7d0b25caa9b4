/**
 * Socialstyrelsen's statistics on ekonomiskt bistånd (HSLF-FS 2015:30): the file layout, the
 * rows from the decisions, the parser and the check against reference figures. Pure: no I/O,
 * no clock. The store reads (src/store/repositories/statistics.ts); the command line
 * (src/cli/stats.ts) and the admin page (src/web/admin/statistics.ts) put the parts together.
 */
import { buildStatisticsRows, type BuildResult, type StatisticsCase } from './build.js';
import { formatFile } from './layout.js';
import { periodLabel, type StatisticsPeriod } from './period.js';
import { validateStatisticsFile, type StatisticsReference, type ValidationResult } from './validate.js';

export * from './build.js';
export * from './layout.js';
export * from './period.js';
export * from './validate.js';

export interface ProducedFile {
  text: string;
  build: BuildResult;
  validation: ValidationResult;
  /** Valid against the reference and nothing kept a case out of the file. */
  ok: boolean;
}

/** Builds the file from the cases and checks the text itself (not the rows) against the reference. */
export function produceStatisticsFile(input: {
  municipality: string;
  period: StatisticsPeriod;
  cases: Iterable<StatisticsCase>;
  reference: StatisticsReference;
}): ProducedFile {
  const build = buildStatisticsRows(input);
  const text = formatFile(build.rows.map((r) => r.row));
  const validation = validateStatisticsFile(text, input.reference);
  return { text, build, validation, ok: validation.ok && build.problems.length === 0 };
}

/** What the audit log keeps of a produced or checked file: counts and checksum, never a row. */
export function statisticsAuditDetails(municipality: string, period: StatisticsPeriod, validation: ValidationResult, valid: boolean): Record<string, unknown> {
  const { summary } = validation;
  return {
    municipality,
    period: periodLabel(period),
    rows: summary.rows,
    persons: summary.persons,
    total: summary.total,
    sha256: summary.sha256,
    valid,
  };
}
