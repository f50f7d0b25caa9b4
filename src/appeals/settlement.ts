import { RobotError } from '../domain/errors.js';
import { Decimal, formatKrona, sum, type Money } from '../domain/money.js';

/**
 * What carrying out a correction means for money (pure). A decision that supersedes another
 * (ändring, omprövning) is paid for the difference between what it grants and what the earlier
 * decisions of its chain actually paid out; never reclaimed by the robot: when the new decision
 * grants less than was paid, a caseworker decides on återkrav (SoL 2025:400 33 kap. 1–6 §§ set
 * conditions about the applicant's information and good faith that the robot cannot judge).
 */

/** An earlier decision of the chain as its carry-out left it. */
export interface ChainPayment {
  decisionId: string;
  /** What the decision granted, whole kronor. */
  decisionAmount: string;
  /** Its payment step: 'done' (paid), 'skipped' (nothing to pay), or absent (none recorded). */
  payment?: { outcome: 'done' | 'skipped'; amount: string | null };
  /** Whether its write-back step is done: the payment step comes after it, never before. */
  writtenBack: boolean;
}

export class UnknownPaymentError extends RobotError {
  readonly kind = 'business' as const;
  constructor(readonly decisionId: string) {
    super(`decision ${decisionId}: the payment step was never recorded after the write-back; what was paid is unknown`);
    this.name = 'UnknownPaymentError';
  }
}

/**
 * Kronor the chain has paid. A payment row without an amount (written before amounts were
 * recorded) ordered the decision's whole amount. A decision with no payment row paid nothing
 * only if its carry-out stopped before the payment step (no write-back either).
 * @throws UnknownPaymentError when a decision's payment may have happened without being recorded.
 */
export function paidByChain(chain: readonly ChainPayment[]): Money {
  return sum(
    chain.map((d) => {
      if (!d.payment) {
        if (d.writtenBack) throw new UnknownPaymentError(d.decisionId);
        return new Decimal(0);
      }
      if (d.payment.outcome === 'skipped') return new Decimal(0);
      return new Decimal(d.payment.amount ?? d.decisionAmount);
    }),
  );
}

export type Settlement =
  | { kind: 'pay'; amount: string }
  | { kind: 'nothing' }
  | { kind: 'reclaim'; paid: string; granted: string; difference: string };

/**
 * The new decision's grant (0 for a rejection) against what was paid: pay the difference, do
 * nothing, or hand a possible återkrav to a caseworker with the figures (difference > 0 kr).
 */
export function settle(granted: string, paid: Money): Settlement {
  const g = new Decimal(granted);
  const diff = g.minus(paid);
  if (diff.isZero()) return { kind: 'nothing' };
  if (diff.greaterThan(0)) return { kind: 'pay', amount: formatKrona(diff) };
  return { kind: 'reclaim', paid: formatKrona(paid), granted: formatKrona(g), difference: formatKrona(diff.negated()) };
}
