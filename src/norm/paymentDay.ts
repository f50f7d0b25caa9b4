import { MONTH_PATTERN, type IsoDate, type YearMonth } from '../domain/dates.js';
import type { PaymentDayRule } from '../rules/ruleset.js';

/**
 * The municipality's payment day for a month, from its rule (rules/municipalities/*.yaml,
 * `paymentDay`): `day` of the month, moved to `ifSaturday` when that day is a Saturday and to
 * `ifSunday` when it is a Sunday. Trelleborg: 27, 26, 25 (the Friday before a weekend).
 *
 * Pure: a calendar date's weekday does not depend on the time zone, so it is computed on the
 * proleptic Gregorian calendar in UTC. Public holidays are not part of the rule as given.
 */
export function paymentDay(rule: PaymentDayRule, month: YearMonth): IsoDate {
  if (!MONTH_PATTERN.test(month)) throw new Error('paymentDay: month must be YYYY-MM');
  const year = Number(month.slice(0, 4));
  const monthIndex = Number(month.slice(5, 7)) - 1;
  const weekday = new Date(Date.UTC(year, monthIndex, rule.day)).getUTCDay(); // 0 Sunday .. 6 Saturday
  const day = weekday === 6 ? rule.ifSaturday : weekday === 0 ? rule.ifSunday : rule.day;
  return `${month}-${String(day).padStart(2, '0')}`;
}

/** Weekday of a calendar date, 0 = Sunday ... 6 = Saturday (for tests and messages). */
export function weekdayOf(date: IsoDate): number {
  return new Date(Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)))).getUTCDay();
}
