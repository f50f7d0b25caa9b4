import { stockholmWallTime } from '../../domain/dates.js';

/** Times on the admin pages: shown and entered in Europe/Stockholm, stored as instants. */
const ZONE = 'Europe/Stockholm';

const display = new Intl.DateTimeFormat('sv-SE', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const clockOnly = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** "2026-03-05 14:07:09" in Stockholm time. */
export function formatTime(at: Date): string {
  return display.format(at);
}

/** "14:05" in Stockholm time. */
export function formatClock(at: Date): string {
  return clockOnly.format(at);
}

/** The value a datetime-local input expects: "2026-03-05T14:07" in Stockholm time. */
export function toLocalInput(at: Date): string {
  return formatTime(at).slice(0, 16).replace(' ', 'T');
}

/**
 * Reads "YYYY-MM-DDTHH:MM" (or with ":SS", or a date alone) as Stockholm time. Undefined for
 * anything else, so a malformed filter is reported instead of silently ignored.
 */
export function parseLocalTime(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4] ?? '0', m[5] ?? '0', m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(wall);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  return stockholmWallTime(wall);
}
