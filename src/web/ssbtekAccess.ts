import { stockholmDate } from '../domain/dates.js';
import { declarationOn, type Queryable } from '../store/index.js';
import type { SsbtekAccess } from './caseworker/facts.js';

/**
 * SSBTEK's connection agreement (annex 2): a user may see or cause a look-up of SSBTEK's data
 * only after signing "Försäkran för handläggare vid socialnämnd". The declaration is recorded
 * per user and municipality by an admin (/admin/forsakringar) and holds from the day it was
 * signed to its last day, both as Stockholm calendar dates.
 */
export async function ssbtekAccess(db: Queryable, userId: string, municipality: string, now: Date): Promise<SsbtekAccess> {
  const held = await declarationOn(db, userId, municipality, stockholmDate(now));
  if (held) return { visible: true };
  return {
    visible: false,
    reason:
      'Uppgifter från SSBTEK får bara visas för den som har undertecknat försäkran för handläggare vid socialnämnd (bilaga till kommunens anslutningsavtal) och den gäller i dag. En administratör registrerar försäkran.',
  };
}

/** The refusal when someone without a declaration asks for something that makes the robot read the registers. */
export const NO_DECLARATION_FOR_LOOKUP =
  'Du har ingen giltig försäkran för SSBTEK i den här kommunen i dag, och en omkörning från intaget hämtar uppgifter från registren. Be en administratör registrera din försäkran.';

/** The refusal when someone without a declaration would sign, settle or change a decision (the page hides the calculation too). */
export const NO_DECLARATION_FOR_DECISION =
  'Beslutet bygger på uppgifter från SSBTEK, och du har ingen giltig försäkran för SSBTEK i ärendets kommun i dag. Lämna ärendet till en kollega, eller be en administratör registrera din försäkran.';
