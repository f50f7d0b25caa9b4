import type { RoundingStep } from '../schema.js';
import { validate, type RulesDocument } from './common.js';

/** rules/rounding.yaml: how a share or a proration is rounded, and how the result is. */
export function loadRounding(document: RulesDocument): { share: RoundingStep; result: RoundingStep } {
  const rounding = validate('rounding', document);
  return { share: rounding.share, result: rounding.result };
}
