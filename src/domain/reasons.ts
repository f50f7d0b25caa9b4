/** Reason codes (RULES.md 4, 5 and 7) and how a caseworker reads them. */

export const MANUAL_REASONS = [
  'INVALID_APPLICATION',
  'TECHNICAL_ERROR',
  'REGISTER_INCOMPLETE',
  'PROTECTED_IDENTITY',
  'NOT_RESIDENT',
  'NEW_APPLICATION',
  'VEHICLE_OWNED',
  'ASSETS_ABOVE_LIMIT',
  'PLAN_ASSESSMENT_PENDING',
  'PROVISIONAL_RULES',
  'RULES_MISSING',
  'EXPENSE_ABOVE_GUIDELINE',
  'EXPENSE_NEEDS_ASSESSMENT',
  'INCOME_NEEDS_ASSESSMENT',
  'UNDECLARED_INCOME',
  'INCOME_DISCREPANCY',
  // Not from the assessment: a correction lowered a decision that was already paid.
  'POSSIBLE_RECLAIM',
] as const;

export const REJECT_REASONS = ['NOT_ACTIVE_JOBSEEKER', 'INCOME_EXCEEDS_NORM'] as const;

export type ManualReason = (typeof MANUAL_REASONS)[number];
export type RejectReason = (typeof REJECT_REASONS)[number];
export type ReasonCode = ManualReason | RejectReason;

export const REASON_CODES: readonly ReasonCode[] = [...MANUAL_REASONS, ...REJECT_REASONS];

export function isManualReason(code: ReasonCode): code is ManualReason {
  return (MANUAL_REASONS as readonly string[]).includes(code);
}

/** Plain Swedish for the review page and the decision letter. */
export const REASON_TITLES: Record<ReasonCode, string> = {
  INVALID_APPLICATION: 'Ansökan är ofullständig eller innehåller fel',
  TECHNICAL_ERROR: 'Ett register kunde inte läsas (tekniskt fel)',
  REGISTER_INCOMPLETE: 'Ett register svarade med fel för en myndighet eller person',
  PROTECTED_IDENTITY: 'Någon i hushållet har skyddade personuppgifter',
  NOT_RESIDENT: 'Sökanden är inte folkbokförd i kommunen',
  NEW_APPLICATION: 'Nyansökan kräver utredning av handläggare',
  VEHICLE_OWNED: 'En vuxen i hushållet äger fordon',
  ASSETS_ABOVE_LIMIT: 'Tillgångar över kommunens buffert',
  PLAN_ASSESSMENT_PENDING: 'Bedömning i planeringsmodulen saknas ännu',
  PROVISIONAL_RULES: 'Beräkningen bygger på preliminära normbelopp',
  RULES_MISSING: 'Regelvärden saknas för månaden',
  EXPENSE_ABOVE_GUIDELINE: 'Kostnad över kommunens riktlinje',
  EXPENSE_NEEDS_ASSESSMENT: 'Kostnad som kräver handläggarens bedömning',
  INCOME_NEEDS_ASSESSMENT: 'Inkomst som kräver handläggarens bedömning',
  UNDECLARED_INCOME: 'Registrerad inkomst som inte har uppgetts i ansökan',
  INCOME_DISCREPANCY: 'Uppgiven inkomst skiljer sig från registrerad',
  POSSIBLE_RECLAIM: 'Möjligt återkrav: ett ändrat beslut är lägre än det som redan betalats ut',
  NOT_ACTIVE_JOBSEEKER: 'Sökanden bedöms inte stå till arbetsmarknadens förfogande',
  INCOME_EXCEEDS_NORM: 'Hushållets inkomster täcker behovet',
};
