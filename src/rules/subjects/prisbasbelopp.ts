import { Decimal } from '../../domain/money.js';
import { dated, track, validate, type LoadContext, type RulesDocument } from './common.js';

/** rules/prisbasbelopp.yaml: the year's prisbasbelopp as the amount `prisbasbelopp` (children's earnings limit, SoL 12 kap. 9 §). */
export function loadPrisbasbelopp(document: RulesDocument, context: LoadContext): void {
  for (const v of validate('prisbasbelopp', document).values) {
    track(context, context.amounts, dated('prisbasbelopp', v, document.file, new Decimal(v.amount)));
  }
}
