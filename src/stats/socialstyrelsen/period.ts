import { addMonths, MONTH_PATTERN, type IsoDate, type YearMonth } from '../../domain/dates.js';

/**
 * The period a statistics file covers: one month (the monthly file) or one calendar year (the
 * yearly file). The month is always the month the support CONCERNS (cases.month), never the
 * month it was paid in, so a file for October holds October's support whenever it was decided.
 */
export type StatisticsPeriod = { kind: 'month'; month: YearMonth } | { kind: 'year'; year: string };

const YEAR_PATTERN = /^\d{4}$/;

/** "2026-10" or "2026"; undefined for anything else (the caller names the argument). */
export function parsePeriod(text: string): StatisticsPeriod | undefined {
  if (MONTH_PATTERN.test(text) && text >= '1900-01') return { kind: 'month', month: text };
  if (YEAR_PATTERN.test(text) && text >= '1900') return { kind: 'year', year: text };
  return undefined;
}

export function periodLabel(period: StatisticsPeriod): string {
  return period.kind === 'month' ? period.month : period.year;
}

export function periodRange(period: StatisticsPeriod): { from: YearMonth; to: YearMonth } {
  return period.kind === 'month' ? { from: period.month, to: period.month } : { from: `${period.year}-01`, to: `${period.year}-12` };
}

/** Every month of the period, oldest first. */
export function periodMonths(period: StatisticsPeriod): YearMonth[] {
  const { from, to } = periodRange(period);
  const months: YearMonth[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) months.push(m);
  return months;
}

export function periodContains(period: StatisticsPeriod, month: YearMonth): boolean {
  const { from, to } = periodRange(period);
  return month >= from && month <= to;
}

/**
 * HSLF-FS 2015:30: a month's figures are due by the 15th of the following month. A calendar
 * date: the regulation moves it for neither weekends nor holidays, so neither do we.
 */
export function monthlyDeadline(month: YearMonth): IsoDate {
  return `${addMonths(month, 1)}-15`;
}

/**
 * The regulation sets no separate date for a yearly file: it is the year's monthly files put
 * together, so it is complete, and due, when December's is.
 */
export function periodDeadline(period: StatisticsPeriod): IsoDate {
  return monthlyDeadline(periodRange(period).to);
}

/** The `count` months up to and including the month of `today`, newest first. */
export function recentMonths(today: IsoDate, count = 12): YearMonth[] {
  const current = today.slice(0, 7);
  return Array.from({ length: count }, (_, i) => addMonths(current, -i));
}
