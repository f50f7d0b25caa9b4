import { stockholmDate } from '../domain/dates.js';
import { declarationOn, getCase, type Queryable } from '../store/index.js';
import { looksLikePersonalNumber } from '../store/personalDataGuard.js';

/**
 * SSBTEK's terms for actions that make the robot ask the registers on a person's behalf (a
 * replay from intake, on the admin page or with `npm run replay`): the person who asks must
 * hold a signed declaration ("Försäkran för handläggare vid socialnämnd") for the case's
 * municipality on the day. The robot's own look-ups run under its account (ROBOT_IDENTITY), for
 * which an admin records a declaration like for anyone else; a look-up by an account without
 * one is not stopped here but found by the monthly log follow-up (src/logfollowup).
 */
export type LookupPermission = { ok: true; municipality: string } | { ok: false; problem: 'unknown-case' | 'no-declaration' };

export async function mayCauseLookup(db: Queryable, actor: string, caseId: string, now: Date): Promise<LookupPermission> {
  const found = await getCase(db, caseId);
  if (!found) return { ok: false, problem: 'unknown-case' };
  const held = await declarationOn(db, actor, found.municipality, stockholmDate(now));
  return held ? { ok: true, municipality: found.municipality } : { ok: false, problem: 'no-declaration' };
}

/** The reason recorded for a replay from intake when the person gives none. */
export const DEFAULT_REPLAY_WHY = 'Omkörning från intaget efter ett tekniskt fel eller avbrott';

/**
 * What is wrong with a reason given for a replay, in Swedish naming the field, or undefined.
 * The reason is written to the audit log, which refuses a personal number; asked before the
 * replay, so a replay never runs without its audit row (and the person gets words, not a 500).
 */
export function replayWhyProblem(text: unknown): string | undefined {
  return typeof text === 'string' && looksLikePersonalNumber(text)
    ? 'Skäl: får inte innehålla ett personnummer (skälet sparas i granskningsloggen). Skriv vad som hände, utan uppgifter om personen.'
    : undefined;
}

/** A reason as given in a form or on the command line: trimmed, at most 500 characters, or the default. */
export function replayWhy(text: unknown): string {
  const given = typeof text === 'string' ? text.trim().slice(0, 500) : '';
  return given || DEFAULT_REPLAY_WHY;
}
