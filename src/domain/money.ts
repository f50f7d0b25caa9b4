import { Decimal as DecimalJs } from 'decimal.js';

/**
 * Money is decimal, never a JS number. A private clone keeps our precision and rounding
 * mode independent of anyone else who configures decimal.js in the same process.
 */
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Money = DecimalJs;

/** Kronor with at most two decimals (öre), no sign, no leading zeros, below ten billion. */
export const MONEY_PATTERN = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;

export const ZERO: Money = new Decimal(0);

export function money(text: string): Money {
  if (!MONEY_PATTERN.test(text)) {
    throw new Error(`not a money string: expected kronor like "6500" or "1250.50"`);
  }
  return new Decimal(text);
}

export function sum(values: readonly Money[]): Money {
  return values.reduce<Money>((acc, v) => acc.plus(v), ZERO);
}

/** RULES.md 6: a share or a proration is rounded to öre, half up. */
export function roundToOre(value: Money): Money {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** RULES.md 6: the result is rounded to whole kronor, half up. */
export function roundToKrona(value: Money): Money {
  return value.toDecimalPlaces(0, Decimal.ROUND_HALF_UP);
}

/**
 * Öre precision for lines and totals, e.g. "3292.00". Every amount the calculation holds is
 * already exact to the öre, so the plain digits are padded rather than re-rounded (toFixed
 * costs a fresh rounding pass per line); anything finer falls back to half-up rounding.
 */
export function formatOre(value: Money): string {
  const text = value.toString();
  const dot = text.indexOf('.');
  if (dot === -1) return `${text === '-0' ? '0' : text}.00`;
  const decimals = text.length - dot - 1;
  if (decimals === 2) return text;
  if (decimals === 1) return `${text}0`;
  return value.toFixed(2);
}

/** Whole kronor, e.g. "7431"; "-0" never appears. */
export function formatKrona(value: Money): string {
  const text = roundToKrona(value).toFixed(0);
  return text === '-0' ? '0' : text;
}
