import { addMonths, firstDayOf, lastDayOf } from '../domain/dates.js';
import type { Application, Registers } from '../domain/snapshot.js';
import { auditedLookups, onePerCall } from './audit.js';
import type { RobotDeps } from './deps.js';

/**
 * Asks the registers about the household: SSBTEK for the adults, one call each (payments in
 * the income month M-1, vehicles), KIR for every member in one household call (residence,
 * protected identity), the plan module for the applicant. A register that fails after its retries throws
 * SystemException(<register>); nothing is filled in with a guess.
 */
export async function gatherRegisters(deps: RobotDeps, application: Application): Promise<Registers> {
  const caseId = application.id;
  const context = { caseId, municipality: application.municipality };
  const adults = [application.applicant.personalNumber, ...(application.coApplicant ? [application.coApplicant.personalNumber] : [])];
  const members = [...adults, ...application.children.map((c) => c.personalNumber)];
  const incomeMonth = addMonths(application.month, -1);
  const period = { from: firstDayOf(incomeMonth), tom: lastDayOf(incomeMonth) };

  const [ssbtek, kir, [plan]] = await auditedLookups(deps, caseId, [
    { register: 'ssbtek', personalNumbers: adults, ask: onePerCall((personalNumber) => deps.ssbtek.fetchAnswer({ caseId, personalNumber, period })) },
    { register: 'kir', personalNumbers: members, ask: (all) => deps.kir.lookupHousehold(all, context) },
    { register: 'plan', personalNumbers: [application.applicant.personalNumber], ask: onePerCall((personalNumber) => deps.plan.assessment(personalNumber, context)) },
  ] as const);
  return { ssbtek, kir, plan: plan! };
}
