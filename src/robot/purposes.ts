import type { IsoDate } from '../domain/dates.js';
import { cite } from '../domain/legalBasis.js';

/**
 * The purposes the robot's audit rows state, with the provision they rest on: the right to
 * ekonomiskt bistånd in force on `day`, the Stockholm date the row is written (an act is done
 * under the law of its day). From 2025-07-01 SoL (2025:400) 12 kap. 1 §, before SoL
 * (2001:453) 4 kap. 1 § (domain/legalBasis.ts). A row keeps the purpose it was written with:
 * only rows written after a change of law carry the new text.
 */

/** A register look-up, e.g. "Utredning av rätt till ekonomiskt bistånd enligt 12 kap. 1 § socialtjänstlagen (2025:400)". */
export function lookupPurpose(day: IsoDate): string {
  return `Utredning av rätt till ekonomiskt bistånd enligt ${cite('right', day)}`;
}

/** Booking the first meeting of a first application with an arbetsmarknadssekreterare. */
export function bookingPurpose(day: IsoDate): string {
  return `Bokning av första möte med arbetsmarknadssekreterare vid nyansökan om ekonomiskt bistånd enligt ${cite('right', day)}`;
}

/** Carrying out a signed decision (payment order, letter, case system). */
export function outboundPurpose(day: IsoDate): string {
  return `Verkställighet av beslut om ekonomiskt bistånd enligt ${cite('right', day)}`;
}
