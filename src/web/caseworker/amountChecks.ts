import { Decimal } from '../../domain/money.js';
import { kronor } from '../../domain/labels.js';

/**
 * A second look at amounts a caseworker typed, before signing: a slip of the keyboard (60 000
 * for 6 000) goes straight into a decision and a payment. These are warnings on the
 * confirmation page, never refusals: an amount far above the proposal can be right, so the
 * caseworker decides. The thresholds are input checks, not rules of law, so they live here and
 * not in rules/.
 */

/** A changed amount this many times the one it replaces is worth a second look. */
export const SUSPICIOUS_FACTOR = 5;

/** One post of the month's calculation above this (kronor) is unusual whatever it replaced. */
export const SUSPICIOUS_LINE_KRONOR = '30000';

export interface AmountEdit {
  label: string;
  /** Kronor as decimal strings ("6000", "1250.50"). */
  from: string;
  to: string;
}

/**
 * The warnings for `edits`, one per suspicious line, in plain Swedish, e.g.
 * "Boendekostnad: 60 000,00 kr är 10 gånger så mycket som 6 000,00 kr." An empty list when
 * nothing stands out.
 */
export function amountWarnings(edits: readonly AmountEdit[]): string[] {
  const warnings: string[] = [];
  for (const e of edits) {
    const from = new Decimal(e.from);
    const to = new Decimal(e.to);
    if (from.greaterThan(0) && to.greaterThanOrEqualTo(from.times(SUSPICIOUS_FACTOR))) {
      const times = to.dividedBy(from);
      const howMuch = times.isInteger() ? `${times.toFixed(0)} gånger` : `mer än ${times.floor().toFixed(0)} gånger`;
      warnings.push(`${e.label}: ${kronor(to.toFixed(2))} kr är ${howMuch} så mycket som ${kronor(from.toFixed(2))} kr.`);
    } else if (to.greaterThan(SUSPICIOUS_LINE_KRONOR)) {
      warnings.push(`${e.label}: ${kronor(to.toFixed(2))} kr är ett ovanligt stort belopp för en post i månadens beräkning.`);
    }
  }
  return warnings;
}
