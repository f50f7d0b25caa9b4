import { addMonths, firstDayOf, lastDayOf } from '../domain/dates.js';
import type { Application, Registers } from '../domain/snapshot.js';
import { auditedLookups } from './audit.js';
import type { RobotDeps } from './deps.js';

/**
 * Asks the registers about the household: SSBTEK for the adults (payments in the income
 * month M-1, vehicles), KIR for every member (residence, protected identity), the plan
 * module for the applicant. A register that fails after its retries throws
 * SystemException(<register>); nothing is filled in with a guess.
 */
export async function gatherRegisters(deps: RobotDeps, application: Application): Promise<Registers> {
  const caseId = application.id;
  const context = { caseId, municipality: application.municipality };
  const adults = [application.applicant.personalNumber, ...(application.coApplicant ? [application.coApplicant.personalNumber] : [])];
  const members = [...adults, ...application.children.map((c) => c.personalNumber)];
  const incomeMonth = addMonths(application.month, -1);
  const period = { from: firstDayOf(incomeMonth), tom: lastDayOf(incomeMonth) };

  const [ssbtek, kir, [plan]] = await Promise.all([
    auditedLookups(deps, caseId, 'ssbtek', adults, (personalNumber) => deps.ssbtek.fetchAnswer({ caseId, personalNumber, period })),
    auditedLookups(deps, caseId, 'kir', members, (personalNumber) => deps.kir.lookup(personalNumber, context)),
    auditedLookups(deps, caseId, 'plan', [application.applicant.personalNumber], (personalNumber) => deps.plan.assessment(personalNumber, context)),
  ]);
  return { ssbtek, kir, plan: plan! };
}
