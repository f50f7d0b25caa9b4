import { RulesFileError } from '../../domain/errors.js';
import type { IsoDate } from '../../domain/dates.js';
import { Decimal, type Money } from '../../domain/money.js';
import type { IncomeTypeRule, RuleStatus } from '../schema.js';
import { validate, type RulesDocument } from './common.js';

export interface IncomeClassification {
  file: string;
  from: IsoDate;
  status: RuleStatus;
  source: string;
  discrepancyTolerance: Money;
  type(type: string): (IncomeTypeRule & { rule: string }) | undefined;
  /** The income type an SSBTEK benefit name counts as; undefined for an unknown name. */
  benefitType(benefit: string): string | undefined;
}

/**
 * rules/incomes.yaml: the income types (count / exempt / assess, rule `incomes.types.<type>`),
 * SSBTEK's benefit names mapped to them, and the tolerance between declared and registered.
 * Throws RulesFileError when a benefit maps to a type the file does not define.
 */
export function loadIncomes(document: RulesDocument): IncomeClassification {
  const incomes = validate('incomes', document);
  for (const [benefit, type] of Object.entries(incomes.ssbtekBenefits)) {
    if (!(type in incomes.types)) {
      throw new RulesFileError(document.file, `ssbtekBenefits.${benefit}`, `inkomsttypen "${type}" finns inte under types`);
    }
  }
  const typeRules = new Map(Object.entries(incomes.types).map(([type, rule]) => [type, { ...rule, rule: `incomes.types.${type}` }]));
  const benefitTypes = new Map(Object.entries(incomes.ssbtekBenefits));
  return {
    file: document.file,
    from: incomes.from,
    status: incomes.status,
    source: incomes.source,
    discrepancyTolerance: new Decimal(incomes.discrepancyTolerance),
    type: (type) => typeRules.get(type),
    benefitType: (benefit) => benefitTypes.get(benefit),
  };
}
