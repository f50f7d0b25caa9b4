import { firstDayOf } from '../domain/dates.js';
import type { Money } from '../domain/money.js';
import type { Calculation, Outcome, Proposal, ReasonDetail } from '../domain/proposal.js';
import { isManualReason, REASON_CODES, type ReasonCode } from '../domain/reasons.js';
import type { CaseSnapshot, FieldError, KirAnswer, SsbtekAnswer, Unavailable } from '../domain/snapshot.js';
import { kronor, personLabel } from '../domain/labels.js';
import { cite } from '../domain/legalBasis.js';
import { formatOre } from '../domain/money.js';
import { totalAssets } from '../norm/costs.js';
import { calculate } from '../norm/calculate.js';
import type { Household } from '../norm/household.js';
import type { Trace } from '../norm/trace.js';
import type { RuleSet } from '../rules/ruleset.js';

/**
 * From a validated case snapshot to a proposal (RULES.md 7): collect every reason that
 * applies, then MANUAL if any is a manual reason, else PROPOSE_REJECT if any rejects, else
 * PROPOSE_GRANT. Pure: no clock, no I/O; the same snapshot and rules give the same proposal.
 */
export function assess(snapshot: CaseSnapshot, rules: RuleSet): Proposal {
  const app = snapshot.application;
  const { calculation, household, result, trace } = calculate(snapshot, rules);

  if (app.kind === 'new') trace.reason('NEW_APPLICATION', 'Nyansökan: första ansökan utreds av handläggare');
  checkSsbtek(snapshot, household, trace);
  checkKir(snapshot, household, trace, rules);
  checkPlan(snapshot, trace);
  checkAssets(snapshot, trace);

  const municipality = rules.municipality(app.municipality);
  if (trace.provisionalRules.size > 0) {
    const list = [...trace.provisionalRules].sort().join(', ');
    if (municipality?.allowProvisionalRules) {
      trace.warn(`Beräkningen använder preliminära regelvärden (${list}); kommunen tillåter dem.`);
    } else {
      trace.reason('PROVISIONAL_RULES', `Beräkningen använder preliminära regelvärden: ${list}`);
    }
  }
  if (!trace.complete) {
    trace.warn('Beräkningen är ofullständig: regelvärden saknas, så summorna saknar de posterna.');
  } else if (result.lessThanOrEqualTo(0)) {
    const { norm, cost, income } = trace.totals;
    trace.reason(
      'INCOME_EXCEEDS_NORM',
      `Hushållets inkomster (${kronor(formatOre(income))} kr) är lika stora som eller större än riksnormen (${kronor(formatOre(norm))} kr) ` +
        `och de skäliga kostnaderna (${kronor(formatOre(cost))} kr) tillsammans, ${kronor(formatOre(norm.plus(cost)))} kr ` +
        `(${cite('right', trace.citationDate)} och ${cite('calculation', trace.citationDate)})`,
    );
  }

  return buildProposal(snapshot, rules, calculation, result, trace.reasons, trace.warnings);
}

function buildProposal(
  snapshot: CaseSnapshot,
  rules: RuleSet,
  calculation: Calculation,
  result: Money,
  details: ReasonDetail[],
  warnings: string[],
): Proposal {
  const reasons = orderedCodes(details);
  const outcome: Outcome = reasons.some(isManualReason) ? 'MANUAL' : reasons.length > 0 ? 'PROPOSE_REJECT' : 'PROPOSE_GRANT';
  return {
    caseId: snapshot.application.id,
    month: snapshot.application.month,
    municipality: snapshot.application.municipality,
    outcome,
    // CONTRACTS.md: amount = max(result, 0); the result is already whole kronor.
    amount: result.greaterThan(0) ? calculation.result : '0',
    reasons,
    reasonDetails: details,
    calculation,
    warnings,
    rulesVersion: rules.version,
  };
}

/** Codes once each, in the catalogue's order, so equal cases give equal proposals. */
function orderedCodes(details: readonly ReasonDetail[]): ReasonCode[] {
  const present = new Set(details.map((d) => d.code));
  return REASON_CODES.filter((code) => present.has(code));
}

/**
 * The answers of one register by household role. A register that could not be read at all,
 * or not for one person, is a TECHNICAL_ERROR; an adult without an answer is
 * REGISTER_INCOMPLETE (fail closed: no answer is not a clean answer).
 */
function answersOf<T extends { personalNumber?: string | undefined; status?: string | undefined }>(
  entries: readonly T[] | Unavailable,
  register: 'ssbtek' | 'kir',
  household: Household,
  trace: Trace,
): Map<string, T> {
  const name = register === 'ssbtek' ? 'SSBTEK' : 'KIR';
  const answers = new Map<string, T>();
  if (!Array.isArray(entries)) {
    trace.reason('TECHNICAL_ERROR', `${name} kunde inte läsas`, `registers.${register}`);
    return answers;
  }
  let anyUnavailable = false;
  entries.forEach((entry, i) => {
    const role = entry.personalNumber === undefined ? undefined : household.roles.get(entry.personalNumber);
    if (entry.status === 'unavailable') {
      anyUnavailable = true;
      trace.reason('TECHNICAL_ERROR', `${name} kunde inte läsas${role ? ` för ${personLabel(role)}` : ''}`, `registers.${register}[${i}]`);
    } else if (role) {
      answers.set(role, entry);
    }
  });
  for (const role of household.adults === 2 ? ['applicant', 'coApplicant'] : ['applicant']) {
    if (!answers.has(role) && !anyUnavailable) {
      trace.reason('REGISTER_INCOMPLETE', `${name}-svar saknas för ${personLabel(role)}`, `registers.${register}`);
    }
  }
  return answers;
}

function checkSsbtek(snapshot: CaseSnapshot, household: Household, trace: Trace): void {
  const answers = answersOf(snapshot.registers.ssbtek, 'ssbtek', household, trace) as Map<string, SsbtekAnswer>;
  for (const [role, answer] of answers) {
    if (answer.agencyErrors.length > 0) {
      trace.reason('REGISTER_INCOMPLETE', `SSBTEK: ${[...new Set(answer.agencyErrors)].join(', ')} svarade med fel för ${personLabel(role)}`);
    }
    if (!role.startsWith('child:') && answer.vehicles.length > 0) {
      trace.reason('VEHICLE_OWNED', `Transportstyrelsen: ${personLabel(role)} står som ägare till fordon`);
    }
  }
}

function checkKir(snapshot: CaseSnapshot, household: Household, trace: Trace, rules: RuleSet): void {
  const code = snapshot.application.municipality;
  const municipality = rules.municipalityName(code) ?? `kommun ${code}`;
  const answers = answersOf(snapshot.registers.kir, 'kir', household, trace) as Map<string, KirAnswer>;
  for (const [role, answer] of answers) {
    if (answer.protectedIdentity) trace.reason('PROTECTED_IDENTITY', 'KIR: någon i hushållet har skyddade personuppgifter');
    if (role === 'applicant' && answer.municipality !== snapshot.application.municipality) {
      trace.reason('NOT_RESIDENT', `KIR: sökanden är inte folkbokförd i ${municipality}`);
    }
  }
}

function checkPlan(snapshot: CaseSnapshot, trace: Trace): void {
  const plan = snapshot.registers.plan;
  if (plan.status === 'unavailable') trace.reason('TECHNICAL_ERROR', 'Planeringsmodulen kunde inte läsas', 'registers.plan');
  else if (plan.status === 'pending') trace.reason('PLAN_ASSESSMENT_PENDING', 'Planeringsmodulen har ännu ingen bedömning av sökanden');
  else if (plan.status === 'notActive') {
    const when = plan.assessedOn ? `den ${plan.assessedOn}` : '(svaret anger inte när)';
    trace.reason(
      'NOT_ACTIVE_JOBSEEKER',
      `Planeringsmodulen registrerade ${when} att sökanden inte är aktivt arbetssökande${plan.recorded ? `: "${plan.recorded}"` : ''}. ` +
        `Villkoret i ${cite('labourMarket', trace.citationDate)}: den som kan arbeta har rätt till försörjningsstöd om hen står till arbetsmarknadens förfogande, om det inte finns godtagbara skäl.`,
    );
  }
}

function checkAssets(snapshot: CaseSnapshot, trace: Trace): void {
  const assets = totalAssets(snapshot.application);
  if (assets.isZero()) return;
  const municipality = trace.rules.municipality(snapshot.application.municipality);
  if (!municipality) return; // already RULES_MISSING
  const buffer = municipality.assetBuffer(firstDayOf(snapshot.application.month));
  if (!buffer) {
    // Not trace.missing(): the calculation itself is complete, only the asset test cannot be made.
    const rule = `municipality.${snapshot.application.municipality}.assetBuffer`;
    trace.reason('RULES_MISSING', `Kommunens buffert för tillgångar saknas i regelverket för ${snapshot.application.month} (${rule})`);
    return;
  }
  trace.use(buffer);
  if (assets.greaterThan(buffer.value)) {
    trace.reason('ASSETS_ABOVE_LIMIT', 'Uppgivna tillgångar är större än kommunens buffert', 'application.assets');
  }
}

/**
 * The proposal for an application that failed validation: kept, and routed to a caseworker
 * with the errors in words (INVALID_APPLICATION). Nothing is computed from invalid data.
 */
export function proposalForInvalid(
  input: { caseId: string; month: string; municipality: string },
  errors: readonly FieldError[],
  rulesVersion: string,
): Proposal {
  return {
    caseId: input.caseId,
    month: input.month,
    municipality: input.municipality,
    outcome: 'MANUAL',
    amount: '0',
    reasons: ['INVALID_APPLICATION'],
    reasonDetails: errors.map((e) => ({ code: 'INVALID_APPLICATION', message: `${e.field}: ${e.message}`, field: e.field })),
    calculation: { norm: '0.00', costs: '0.00', incomes: '0.00', result: '0', lines: [], complete: false, jobStimulus: null },
    warnings: [],
    rulesVersion,
  };
}
