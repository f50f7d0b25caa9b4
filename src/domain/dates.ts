/**
 * Calendar dates and months as Europe/Stockholm sees them. Dates are ISO strings
 * (YYYY-MM-DD) and months YYYY-MM; both compare correctly as strings.
 */

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;
export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export type IsoDate = string;
export type YearMonth = string;

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

export function isValidDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonthOf(year, month);
}

export function isIsoDate(text: string): boolean {
  if (!DATE_PATTERN.test(text)) return false;
  return isValidDate(Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10)));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonthOf(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!;
}

export function daysInMonth(month: YearMonth): number {
  return daysInMonthOf(Number(month.slice(0, 4)), Number(month.slice(5, 7)));
}

export function firstDayOf(month: YearMonth): IsoDate {
  return `${month}-01`;
}

export function lastDayOf(month: YearMonth): IsoDate {
  return `${month}-${pad(daysInMonth(month))}`;
}

export function addMonths(month: YearMonth, delta: number): YearMonth {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  const index = y * 12 + (m - 1) + delta;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/** Whole months from `from` to `to` (to - from); negative when `to` is earlier. */
export function monthsBetween(from: YearMonth, to: YearMonth): number {
  const [fy, fm] = from.split('-').map(Number) as [number, number];
  const [ty, tm] = to.split('-').map(Number) as [number, number];
  return (ty - fy) * 12 + (tm - fm);
}

/**
 * The same calendar date `years` later. 29 February becomes 1 March in a common year: the later
 * of the two candidates, so a period "of N years" is never cut short.
 */
export function addYears(date: IsoDate, years: number): IsoDate {
  const year = Number(date.slice(0, 4)) + years;
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const y = String(year).padStart(4, '0');
  return isValidDate(year, month, day) ? `${y}${date.slice(4)}` : `${y}-03-01`;
}

/** The calendar date `days` later (earlier when negative), e.g. addDays('2026-03-01', -1) -> '2026-02-28'. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function monthOf(date: IsoDate): YearMonth {
  return date.slice(0, 7);
}

/** Age in whole years on `on`; a birthday on `on` counts as reached. */
export function ageOn(birthDate: IsoDate, on: IsoDate): number {
  // ISO dates compare as strings, so "birthday not yet reached" is a comparison of MM-DD.
  const beforeBirthday = on.slice(5) < birthDate.slice(5);
  return Number(on.slice(0, 4)) - Number(birthDate.slice(0, 4)) - (beforeBirthday ? 1 : 0);
}

const stockholmDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

// Answers by UTC hour: Stockholm's offset is whole hours and changes on the hour, so its date
// never changes inside one, and the robot asks several times per case (today's date, the day an
// application came in). Intl's formatting costs microseconds; a look-up, nanoseconds. A month
// is 744 hours; the map is emptied should it ever hold more than a year's.
const datesByHour = new Map<number, IsoDate>();

/**
 * The Stockholm calendar date of an instant, e.g. 2026-03-01T23:30:00Z -> 2026-03-02.
 * @throws RangeError for an invalid Date.
 */
export function stockholmDate(instant: Date): IsoDate {
  const hour = Math.floor(instant.getTime() / 3_600_000);
  let date = datesByHour.get(hour);
  if (date === undefined) {
    date = stockholmDateFormat.format(instant);
    if (datesByHour.size >= 10_000) datesByHour.clear();
    datesByHour.set(hour, date);
  }
  return date;
}

const offsetFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

/** Stockholm's offset from UTC at an instant, in milliseconds (+1 h in winter, +2 h in summer). */
export function stockholmOffsetMs(instant: number): number {
  const parts = Object.fromEntries(offsetFormat.formatToParts(new Date(instant)).map((p) => [p.type, p.value]));
  const wall = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a Stockholm wall-clock time names, given as if it were UTC (Date.UTC(...)). Two
 * passes settle the offset across a daylight-saving change.
 */
export function stockholmWallTime(wallAsUtc: number): Date {
  let instant = wallAsUtc - stockholmOffsetMs(wallAsUtc);
  instant = wallAsUtc - stockholmOffsetMs(instant);
  return new Date(instant);
}

const swedishDay = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const swedishClock = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** An instant as people read it in Sweden, Stockholm time: "tisdag 1 december 2026 kl. 09:30". */
export function swedishDateTime(instant: Date): string {
  return `${swedishDay.format(instant)} kl. ${swedishClock.format(instant).replace('.', ':')}`;
}
