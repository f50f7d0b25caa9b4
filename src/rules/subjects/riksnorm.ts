import { Decimal } from '../../domain/money.js';
import { CHILD_BANDS, SHARED_SIZES, WITHOUT_LUNCH_BANDS, type RuleStatus } from '../schema.js';
import { dated, track, validate, type LoadContext, type RulesDocument } from './common.js';

type NormAmount = string | { amount: string; status?: RuleStatus | undefined; source?: string | undefined; note?: string | undefined };

/**
 * rules/riksnorm.yaml (SoF 2001:937 2 kap. 1 §; from 2026 SoF 2025:468 12 kap. 2 §): every cell
 * of every period as an amount `riksnorm.<key>` (adults.single, children.4-6,
 * childrenWithoutLunch.0, shared.3, ...). A cell may carry its own status, source and note;
 * otherwise the period's hold. A cell the file leaves out is no value (never interpolated).
 */
export function loadRiksnorm(document: RulesDocument, context: LoadContext): void {
  const riksnorm = validate('riksnorm', document);
  riksnorm.periods.forEach((period) => {
    const put = (key: string, value: NormAmount | undefined) => {
      if (value === undefined) return;
      const v = typeof value === 'string' ? { amount: value } : value;
      track(context, context.amounts, {
        ...dated(`riksnorm.${key}`, period, document.file, new Decimal(v.amount)),
        status: v.status ?? period.status,
        source: v.source ?? period.source,
        note: v.note,
      });
    };
    put('adults.single', period.adults.single);
    put('adults.cohabiting', period.adults.cohabiting);
    for (const band of CHILD_BANDS) put(`children.${band}`, period.children[band]);
    for (const band of WITHOUT_LUNCH_BANDS) put(`childrenWithoutLunch.${band}`, period.childrenWithoutLunch?.[band]);
    for (const size of SHARED_SIZES) put(`shared.${size}`, period.shared[size]);
  });
}
