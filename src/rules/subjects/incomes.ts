import { RulesFileError } from '../../domain/errors.js';
import type { IsoDate } from '../../domain/dates.js';
import { Decimal, type Money } from '../../domain/money.js';
import { DatedTable, type Dated } from '../dated.js';
import type { IncomeTypeRule } from '../schema.js';
import { dated, track, validate, type LoadContext, type RulesDocument } from './common.js';

export interface IncomeClassification {
  file: string;
  /**
   * The legal ground of the classification in force on `date` (rule id `incomes`): the source
   * an income line cites when its type has none of its own. undefined before the first period.
   */
  sourceAt(date: IsoDate): Dated<null> | undefined;
  discrepancyTolerance: Money;
  type(type: string): (IncomeTypeRule & { rule: string }) | undefined;
  /** The income type an SSBTEK benefit name counts as; undefined for an unknown name. */
  benefitType(benefit: string): string | undefined;
}

export interface LoadedIncomes {
  classification: IncomeClassification;
  /** The dated sources, for the start-up check of overlapping or backwards periods. */
  sources: DatedTable<null>;
}

/**
 * rules/incomes.yaml: the income types (count / exempt / assess, rule `incomes.types.<type>`),
 * SSBTEK's benefit names mapped to them, the tolerance between declared and registered, and
 * the dated legal ground (rule `incomes`). Throws RulesFileError when a benefit maps to a type
 * the file does not define.
 */
export function loadIncomes(document: RulesDocument, context: LoadContext): LoadedIncomes {
  const incomes = validate('incomes', document);
  for (const [benefit, type] of Object.entries(incomes.ssbtekBenefits)) {
    if (!(type in incomes.types)) {
      throw new RulesFileError(document.file, `ssbtekBenefits.${benefit}`, `inkomsttypen "${type}" finns inte under types`);
    }
  }
  const sources = new DatedTable<null>();
  for (const v of incomes.sources) track(context, sources, dated('incomes', v, document.file, null));
  const typeRules = new Map(Object.entries(incomes.types).map(([type, rule]) => [type, { ...rule, rule: `incomes.types.${type}` }]));
  const benefitTypes = new Map(Object.entries(incomes.ssbtekBenefits));
  return {
    classification: {
      file: document.file,
      sourceAt: (date) => sources.at('incomes', date),
      discrepancyTolerance: new Decimal(incomes.discrepancyTolerance),
      type: (type) => typeRules.get(type),
      benefitType: (benefit) => benefitTypes.get(benefit),
    },
    sources,
  };
}
