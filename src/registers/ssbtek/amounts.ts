import { isIsoDate, type IsoDate } from '../../domain/dates.js';
import { MONEY_PATTERN } from '../../domain/money.js';

/**
 * Register amounts and dates arrive in each agency's own spelling. They are turned into the
 * snapshot's forms here, as text: an amount never passes through a JS number, so no öre
 * can be lost or invented. Anything we cannot read with certainty returns null, and the
 * caller marks the agency as errored instead of guessing.
 */

// Digits, an optional decimal part with point or comma. Signs, spaces, exponents: refused.
const RAW_AMOUNT = /^(\d+)(?:[.,](\d+))?$/;

/** "1250,50" -> "1250.50", "0042" -> "42", "1250.500" -> "1250.50"; negative or odd -> null. */
export function normaliseAmount(raw: string | undefined): string | null {
  if (raw === undefined) return null;
  const match = RAW_AMOUNT.exec(raw.trim());
  if (!match) return null;
  const whole = (match[1] as string).replace(/^0+(?=\d)/, '');
  let fraction = match[2] ?? '';
  // Extra decimals are acceptable only when they are zeros (xs:decimal may pad); öre is the floor.
  if (fraction.length > 2) {
    if (/[^0]/.test(fraction.slice(2))) return null;
    fraction = fraction.slice(0, 2);
  }
  const text = fraction ? `${whole}.${fraction}` : whole;
  return MONEY_PATTERN.test(text) ? text : null;
}

const XS_DATE = /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$/;
const COMPACT_DATE = /^(\d{4})(\d{2})(\d{2})$/;

/** xs:date ("2026-02-20", "2026-02-20+01:00") or CSN's "20260220" -> "2026-02-20"; else null. */
export function normaliseDate(raw: string | undefined): IsoDate | null {
  if (raw === undefined) return null;
  const text = raw.trim();
  const xs = XS_DATE.exec(text);
  // The calendar date an agency wrote is the payment day; its zone offset does not move it.
  const candidate = xs ? (xs[1] as string) : text.replace(COMPACT_DATE, '$1-$2-$3');
  return isIsoDate(candidate) ? candidate : null;
}

/** "0", "0.0", "0.00": a payment of nothing. */
export function isZeroAmount(amount: string): boolean {
  return /^0(\.0+)?$/.test(amount);
}
