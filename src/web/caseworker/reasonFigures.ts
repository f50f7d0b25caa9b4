import { firstDayOf } from '../../domain/dates.js';
import { kronor } from '../../domain/labels.js';
import { Decimal, formatOre } from '../../domain/money.js';
import type { ReasonCode } from '../../domain/reasons.js';
import { totalAssets } from '../../norm/costs.js';
import { incomeDiscrepancies } from '../../norm/incomes.js';
import { recomputeBasis, type CaseView } from './service.js';

const kr = (amount: string) => `${kronor(amount)} kr`;

/**
 * The figures behind a reason, for the case page: both amounts of an income discrepancy, the
 * applied amount and the guideline of a cost over it, the assets and the buffer. Read from the
 * proposal and its stored snapshot (amounts are not kept in the reason messages, which must
 * hold no personal data); empty for a reason without figures or without a snapshot.
 */
export function reasonFigures(view: CaseView): Map<ReasonCode, string[]> {
  const out = new Map<ReasonCode, string[]>();
  const p = view.proposal;
  if (!p) return out;
  const reasons = new Set(p.reasons);
  if (reasons.has('EXPENSE_ABOVE_GUIDELINE')) {
    const over = p.calculation.lines.filter((l) => l.kind === 'cost' && l.cap !== undefined && new Decimal(l.amount).greaterThan(l.cap));
    if (over.length > 0) out.set('EXPENSE_ABOVE_GUIDELINE', over.map((l) => `${l.label}: sökt ${kr(l.amount)}, kommunens riktlinje ${kr(l.cap!)}.`));
  }
  const basis = recomputeBasis(view.snapshot, view.rules);
  if (!basis) return out;
  if (reasons.has('INCOME_DISCREPANCY')) {
    const found = incomeDiscrepancies(basis.snapshot, basis.rules);
    if (found.length > 0) out.set('INCOME_DISCREPANCY', found.map((d) => `${d.label}: uppgivet i ansökan ${kr(d.declared)}, registrerat i SSBTEK ${kr(d.registered)}.`));
  }
  if (reasons.has('ASSETS_ABOVE_LIMIT')) {
    const buffer = basis.rules.municipality(basis.snapshot.application.municipality)?.assetBuffer(firstDayOf(basis.snapshot.application.month));
    const assets = formatOre(totalAssets(basis.snapshot.application));
    out.set('ASSETS_ABOVE_LIMIT', [`Uppgivna tillgångar ${kr(assets)}${buffer ? `, kommunens buffert ${kr(formatOre(buffer.value))}` : ''}.`]);
  }
  return out;
}
